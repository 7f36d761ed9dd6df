package sla

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tkLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func tkDaily(t testing.TB, loc string, start, end string, days ...time.Weekday) *Calendar {
	t.Helper()
	var w CalendarWeek
	for _, d := range days {
		w.SetDay(d, []CalendarWindow{{Start: start, End: end}})
	}
	c, err := NewCalendar(CalendarSpec{Location: loc, Week: w})
	require.NoError(t, err)
	return c
}

var tkWeekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
var tkEveryDay = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}

func TestClockOnBusinessCalendarsAcrossDST(t *testing.T) {
	ny, berlin, sydney := tkLoc(t, "America/New_York"), tkLoc(t, "Europe/Berlin"), tkLoc(t, "Australia/Sydney")
	tests := []struct {
		name    string
		cal     *Calendar
		start   time.Time
		within  time.Duration
		pauses  [][2]time.Time // pause, resume
		due     time.Time
		warning time.Time // 50 %
	}{
		{
			name: "New York, over the spring-forward weekend",
			cal:  tkDaily(t, "America/New_York", "09:00", "17:00", tkWeekdays...),
			// Friday 16:00 EST, 2h: 1h Friday, 1h Monday (EDT).
			start: time.Date(2026, 3, 6, 16, 0, 0, 0, ny), within: 2 * time.Hour,
			due: time.Date(2026, 3, 9, 10, 0, 0, 0, ny), warning: time.Date(2026, 3, 6, 17, 0, 0, 0, ny),
		},
		{
			name: "Berlin, fall-back day has 25 hours",
			cal:  tkDaily(t, "Europe/Berlin", "00:00", "24:00", tkEveryDay...),
			// Sunday 25 October 2026 00:00 CEST; 24h of business time ends at 23:00 CET the same day.
			start: time.Date(2026, 10, 25, 0, 0, 0, 0, berlin), within: 24 * time.Hour,
			due: time.Date(2026, 10, 25, 23, 0, 0, 0, berlin), warning: time.Date(2026, 10, 25, 11, 0, 0, 0, berlin),
		},
		{
			name: "Sydney, paused across the April fall-back",
			cal:  tkDaily(t, "Australia/Sydney", "08:00", "18:00", tkEveryDay...),
			// Saturday 4 April 2026 17:00 AEDT, 4h; paused Sunday 08:00-12:00 AEST.
			start: time.Date(2026, 4, 4, 17, 0, 0, 0, sydney), within: 4 * time.Hour,
			pauses: [][2]time.Time{{time.Date(2026, 4, 5, 8, 0, 0, 0, sydney), time.Date(2026, 4, 5, 12, 0, 0, 0, sydney)}},
			// 1h Saturday, then 3h from Sunday 12:00.
			due: time.Date(2026, 4, 5, 15, 0, 0, 0, sydney), warning: time.Date(2026, 4, 5, 13, 0, 0, 0, sydney),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := NewSpec(SpecDef{Metric: Resolution, Within: Duration(tc.within), Calendar: "c",
				Warnings: []Rung{{Percent: 50}}}, tc.cal)
			require.NoError(t, err)
			c := NewClock(spec)
			require.NoError(t, c.Start(tc.start))
			for _, p := range tc.pauses {
				require.NoError(t, c.Pause(p[0]))
				require.NoError(t, c.Resume(p[1]))
			}
			due, ok := c.Due()
			require.True(t, ok)
			assert.True(t, due.Equal(tc.due), "due %s, want %s", due, tc.due)
			assert.Equal(t, tc.within, c.Elapsed(due))
			assert.Less(t, c.Elapsed(due.Add(-time.Nanosecond)), tc.within)
			assert.False(t, c.Breached(due.Add(-time.Nanosecond)))
			assert.True(t, c.Breached(due))

			// The tracker delivers the warning and the breach at those instants.
			tr, rec, _ := tkTracker(t)
			require.NoError(t, tr.StartAt(tc.start, ClockKey{ID: "X"}, spec, ""))
			key := ClockKey{ID: "X", Metric: Resolution}
			for _, p := range tc.pauses {
				require.NoError(t, tr.PauseAt(p[0], key))
				require.NoError(t, tr.ResumeAt(p[1], key))
			}
			tr.AdvanceTo(tc.due.Add(24 * time.Hour))
			require.Len(t, rec.events, 2)
			assert.True(t, rec.events[0].At.Equal(tc.warning), "warning at %s, want %s", rec.events[0].At, tc.warning)
			assert.True(t, rec.events[1].At.Equal(tc.due))
			assert.Equal(t, Breach, rec.events[1].ID.Kind)
		})
	}
}

func TestClockWithMakeUpDays(t *testing.T) {
	// Asia/Shanghai: Saturday 9 May 2026 as a make-up working day.
	cal, err := NewCalendar(CalendarSpec{Location: "Asia/Shanghai",
		Week: CalendarWeek{Monday: []CalendarWindow{{Start: "09:00", End: "18:00"}}, Tuesday: []CalendarWindow{{Start: "09:00", End: "18:00"}},
			Wednesday: []CalendarWindow{{Start: "09:00", End: "18:00"}}, Thursday: []CalendarWindow{{Start: "09:00", End: "18:00"}},
			Friday: []CalendarWindow{{Start: "09:00", End: "18:00"}}},
		MakeUpDays: []CalendarMakeUpDay{{Date: "2026-05-09", Hours: []CalendarWindow{{Start: "09:00", End: "18:00"}}}},
	})
	require.NoError(t, err)
	sh := tkLoc(t, "Asia/Shanghai")
	spec, err := NewSpec(SpecDef{Metric: NextResponse, Within: Duration(16 * time.Hour), Calendar: "cn"}, cal)
	require.NoError(t, err)
	c := NewClock(spec)
	require.NoError(t, c.Start(time.Date(2026, 5, 8, 10, 0, 0, 0, sh))) // Friday 10:00: 8h Friday, 8h Saturday
	due, ok := c.Due()
	require.True(t, ok)
	assert.True(t, due.Equal(time.Date(2026, 5, 9, 17, 0, 0, 0, sh)), "due %s", due.In(sh))
}
