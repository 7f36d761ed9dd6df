package emergency

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// shanghaiOffice is a 09:00-18:00 working week in Asia/Shanghai.
func shanghaiOffice(t *testing.T) (sla.Registry, *time.Location) {
	t.Helper()
	day := []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "Asia/Shanghai", Week: sla.CalendarWeek{
		Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}})
	require.NoError(t, err)
	return sla.Registry{"shanghai": cal}, cal.Location()
}

// The instants of an obligation on a Shanghai calendar are in Shanghai
// time, before and after a restore.
func TestObligationInstantsInTheCalendarsLocation(t *testing.T) {
	reg, loc := shanghaiOffice(t)
	board := newBoard(t, oblBoardConfig())
	cfg := ObligationConfig{Rules: []ObligationRule{{Name: "plan", Level: Yellow, Within: sla.Duration(9 * time.Hour), Calendar: "shanghai"}}}
	var events []ObligationEvent
	obl, err := NewObligations(cfg, WithBoard(board), WithCalendars(reg), WithObligationHandler(func(e ObligationEvent) { events = append(events, e) }))
	require.NoError(t, err)
	// Monday 2026-03-02 09:00 UTC is 17:00 in Shanghai: one working hour
	// left that day, eight more on Tuesday.
	obl.HandleChange(Change{Subject: "s", From: None, To: Yellow, At: t0, Due: t0})
	ob := obl.List("s")[0]
	assert.Equal(t, loc, ob.OpenedAt.Location())
	assert.Equal(t, loc, ob.Due.Location())
	assert.Equal(t, "2026-03-03T17:00:00+08:00", ob.Due.Format(time.RFC3339))
	require.Len(t, events, 1)
	assert.Equal(t, loc, events[0].At.Location())

	obl.AdvanceTo(t0.Add(48 * time.Hour))
	ob, _ = obl.Get(ob.ID)
	assert.Equal(t, loc, ob.MissedAt.Location())
	ob, err = obl.FulfillAt(t0.Add(49*time.Hour), ob.ID, "lead", "")
	require.NoError(t, err)
	assert.Equal(t, loc, ob.ClosedAt.Location())

	raw, err := json.Marshal(obl.Snapshot())
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"due":"2026-03-03T17:00:00+08:00"`)
	var s ObligationSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	back, err := RestoreObligations(s, WithBoard(board), WithCalendars(reg))
	require.NoError(t, err)
	got, _ := back.Get(ob.ID)
	assert.Equal(t, ob, got, "the same instants, in the same location")
	assert.Equal(t, loc, got.Due.Location())

	_, err = RestoreObligations(s, WithBoard(board))
	assert.ErrorIs(t, err, ErrSnapshot, "the calendar must be given again")
}

// The instants of an incident on a Shanghai calendar are in Shanghai time,
// before and after a restore.
func TestIncidentInstantsInTheCalendarsLocation(t *testing.T) {
	reg, loc := shanghaiOffice(t)
	cfg := DefaultIncidentConfig()
	cfg.Calendar = "shanghai"
	m, err := NewIncidentManager(cfg, WithCalendars(reg))
	require.NoError(t, err)
	in, err := m.ReportAt(t0, Report{Type: SystemFailure, Grade: GradeIII, ReportedBy: "noc"})
	require.NoError(t, err)
	assert.Equal(t, loc, in.ReportedAt.Location())
	ms, _ := in.Milestone(MilestoneInitialAssessment)
	assert.Equal(t, "2026-03-02T18:00:00+08:00", ms.Due.Format(time.RFC3339), "one working hour after 17:00")
	assert.Equal(t, loc, ms.Due.Location())
	in, err = m.FireAt(context.Background(), t0.Add(time.Minute), in.ID, IncidentAssess, fsm.By{Actor: "duty"})
	require.NoError(t, err)
	assert.Equal(t, loc, in.History[0].At.Location())
	m.AdvanceTo(t0.Add(24 * time.Hour))
	in, _ = m.Get(in.ID)
	assert.Equal(t, loc, in.Escalations[0].At.Location())

	raw, err := json.Marshal(m.Snapshot())
	require.NoError(t, err)
	var s IncidentSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	back, err := RestoreIncidentManager(s, WithCalendars(reg))
	require.NoError(t, err)
	got, _ := back.Get(in.ID)
	assert.Equal(t, in, got)
}

// Due at t means missed, late or overdue from t: the boundary of an SLA
// clock, breached at its due instant.
func TestDueAtTMeansOverdueFromT(t *testing.T) {
	// An obligation fulfilled at its deadline is late; the miss is still
	// recorded, and escalates nothing.
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0, "east", "minor", "")
	require.NoError(t, err)
	ob := f.obl.List("east")[0]
	ob, err = f.obl.FulfillAt(ob.Due, ob.ID, "lead", "")
	require.NoError(t, err)
	assert.True(t, ob.Late)
	f.obl.AdvanceTo(ob.Due)
	ob, _ = f.obl.Get(ob.ID)
	assert.Equal(t, ob.Due, ob.MissedAt)
	assert.Equal(t, Yellow, f.board.Level("east"))

	// One fulfilled a nanosecond before is in time.
	_, err = f.board.SignalAt(t0, "west", "minor", "")
	require.NoError(t, err)
	ob = f.obl.List("west")[0]
	ob, err = f.obl.FulfillAt(ob.Due.Add(-time.Nanosecond), ob.ID, "lead", "")
	require.NoError(t, err)
	assert.False(t, ob.Late)

	// An action item is overdue at its deadline.
	due := t0.Add(time.Hour)
	r := Review{ActionItems: []ActionItem{{ID: "A1", Due: due}}}
	assert.Empty(t, r.Overdue(due.Add(-time.Nanosecond)))
	assert.Len(t, r.Overdue(due), 1)

	// A hold raises at its end exactly.
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}})
	observe(t, b, 0, "s", "complaint_rate", 6)
	ch := b.EvaluateAt(at(10 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, at(10*time.Minute), ch[0].Due)
}
