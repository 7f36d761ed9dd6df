package slatest_test

import (
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

func TestAdvanceJumpsAMonthEveryEventAtItsMinute(t *testing.T) {
	m := clock.NewMock()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m.Set(t0)
	day := []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "Europe/Berlin",
		Week: sla.CalendarWeek{Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}})
	require.NoError(t, err)
	spec, err := sla.NewSpec(sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(16 * time.Hour), Calendar: "business",
		Warnings: []sla.Rung{{Percent: 50}, {Before: sla.Duration(time.Hour)}}, Reminders: []sla.Duration{sla.Duration(15 * time.Minute)}}, cal)
	require.NoError(t, err)

	type seen struct {
		id       string
		at, mock time.Time
	}
	var got []seen
	tr := sla.NewTracker(sla.WithClock(m), sla.WithHandler(func(e sla.Event) {
		got = append(got, seen{e.ID.String(), e.At, m.Now()})
	}))
	for i, id := range []string{"A", "B", "C"} {
		require.NoError(t, tr.StartAt(t0.Add(time.Duration(i)*7*24*time.Hour), sla.ClockKey{ID: id}, spec, "normal"))
	}
	n := slatest.Advance(m, tr, 31*24*time.Hour)
	assert.Equal(t, 12, n)
	assert.Equal(t, t0.Add(31*24*time.Hour), m.Now())
	require.Len(t, got, 12)
	for _, s := range got {
		assert.True(t, s.at.Equal(s.mock), "%s handled with the mock at %s, not at its own minute", s.id, s.mock)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(d, h, mi int) time.Time { return time.Date(2026, 3, d, h, mi, 0, 0, berlin) }
	// Ticket A starts Monday 10:00 Berlin (Monday 10-17 is 7h of business time).
	assert.Equal(t, "A/resolution/warning/1/1", got[0].id)
	assert.True(t, got[0].at.Equal(at(3, 10, 0)), "50%% of 16h: 7h Monday + 1h Tuesday, got %s", got[0].at.In(berlin))
	assert.True(t, got[1].at.Equal(at(3, 17, 0)), "1h before due (15h: 7h Monday + 8h Tuesday): got %s", got[1].at.In(berlin))
	assert.True(t, got[2].at.Equal(at(4, 10, 0)), "breach: got %s", got[2].at.In(berlin))
	assert.True(t, got[3].at.Equal(at(4, 10, 15)), "reminder: got %s", got[3].at.In(berlin))
}
