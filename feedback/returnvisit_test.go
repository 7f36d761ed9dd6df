package feedback

import (
	"context"
	"testing"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReturnVisitAutomatedWithin48h(t *testing.T) {
	rv, clk, rec := rvNew(t, ReturnVisitConfig{})
	v, err := rv.Schedule(rvComplaint("V1"))
	require.NoError(t, err)
	assert.Equal(t, VisitScheduled, v.State)
	assert.Equal(t, VisitAutomated, v.Mode)
	assert.False(t, v.HighRisk)
	assert.Equal(t, t0.Add(48*time.Hour), v.Due)
	assert.Equal(t, "", v.Assignee)
	_, ok := v.Verification(DefaultSatisfiedScore)
	assert.False(t, ok, "no verification before the visit")
	_, ok = v.Response()
	assert.False(t, ok)

	clk.Add(20 * time.Hour)
	v, err = rv.Record("V1", VisitOutcome{Mode: VisitAutomated, Satisfaction: 5, Note: "sms survey"})
	require.NoError(t, err)
	assert.Equal(t, VisitCompleted, v.State)
	require.NotNil(t, v.Outcome)
	assert.Equal(t, clk.Now(), v.Outcome.At)
	assert.False(t, v.Outcome.Late)
	assert.True(t, v.Due.IsZero(), "made in time")
	assert.True(t, v.Satisfied(4))

	ver, ok := v.Verification(DefaultSatisfiedScore)
	require.True(t, ok)
	assert.True(t, ver.Passed)
	assert.Equal(t, "V1", ver.VisitID)
	resp, ok := v.Response()
	require.True(t, ok)
	assert.Equal(t, Response{ID: "V1", At: clk.Now(), Kind: SurveyCSAT, Score: 5}, resp)

	rv.AdvanceTo(clk.Now().Add(100 * time.Hour))
	assert.Equal(t, []string{"feedback.visits:V1/return_visit/met/1/1@20h0m0s"}, rec.ids())
	att := rv.AttainmentAt(clk.Now())
	require.Len(t, att, 1)
	assert.Equal(t, "automated", att[0].Priority)
	assert.Equal(t, 1, att[0].Met)

	_, err = rv.Record("V1", VisitOutcome{Mode: VisitAutomated, Satisfaction: 1})
	require.ErrorIs(t, err, fsm.ErrNotAllowed, "a visit is recorded once")
	require.ErrorIs(t, err, ErrInvalidTransition)
}

func TestReturnVisitHighRiskNeedsHuman(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  ReturnVisitConfig
		c    func() ResolvedComplaint
		why  string
	}{
		{"flagged", ReturnVisitConfig{}, func() ResolvedComplaint {
			c := rvComplaint("H")
			c.HighRisk, c.RiskReason, c.Assignee = true, "threatens to call the regulator", "sup.zhang"
			return c
		}, "threatens to call the regulator"},
		{"by category", ReturnVisitConfig{HighRiskCategories: []string{CategoryProductQuality}}, func() ResolvedComplaint {
			c := rvComplaint("H")
			c.Category, c.Assignee = CategoryProductQuality, "sup.zhang"
			return c
		}, "high-risk category product_quality"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rv, _, _ := rvNew(t, tc.cfg)
			noAssignee := tc.c()
			noAssignee.Assignee = ""
			_, err := rv.ScheduleAt(t0, noAssignee)
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.Contains(t, err.Error(), "assignee: a high-risk complaint needs a person to follow up")

			v, err := rv.ScheduleAt(t0, tc.c())
			require.NoError(t, err)
			assert.True(t, v.HighRisk)
			assert.Equal(t, VisitHuman, v.Mode)
			assert.Equal(t, "sup.zhang", v.Assignee)
			assert.Equal(t, tc.why, v.RiskReason)

			_, err = rv.RecordAt(t0.Add(time.Hour), "H", VisitOutcome{Mode: VisitAutomated, Satisfaction: 5})
			ve := asVisitError(t, err, ErrHumanFollowUpRequired)
			assert.Equal(t, "H", ve.VisitID)
			assert.Equal(t, VisitScheduled, ve.State)
			got, err := rv.Get("H")
			require.NoError(t, err)
			assert.Equal(t, VisitScheduled, got.State, "a refused outcome changes nothing")
			assert.Nil(t, got.Outcome)

			v, err = rv.RecordAt(t0.Add(2*time.Hour), "H", VisitOutcome{Mode: VisitHuman, By: "sup.zhang", Satisfaction: 3, Recurred: true})
			require.NoError(t, err)
			assert.Equal(t, VisitCompleted, v.State)
			ver, ok := v.Verification(DefaultSatisfiedScore)
			require.True(t, ok)
			assert.False(t, ver.Passed)
			assert.Equal(t, "sup.zhang", ver.By)
			assert.Contains(t, ver.Note, "satisfaction 3/5, recurred true")
		})
	}
}

func TestReturnVisitOverdueAndConfigurable(t *testing.T) {
	rv, clk, rec := rvNew(t, ReturnVisitConfig{Within: 24 * time.Hour, Reminders: []time.Duration{time.Hour, 4 * time.Hour}})
	_, err := rv.Schedule(rvComplaint("A"))
	require.NoError(t, err)
	c := rvComplaint("B")
	c.HighRisk, c.Assignee = true, "sup.zhang"
	_, err = rv.ScheduleAt(t0.Add(time.Hour), c)
	require.NoError(t, err)

	advanceMock(clk, rv.Tracker(), t0.Add(26*time.Hour))
	assert.Equal(t, []string{
		"feedback.visits:A/return_visit/breach/1/1@24h0m0s",
		"feedback.visits:B/return_visit/breach/1/1@25h0m0s",
		"feedback.visits:A/return_visit/reminder/1/1@25h0m0s",
		"feedback.visits:B/return_visit/reminder/1/1@26h0m0s",
	}, rec.ids())
	over := rv.Overdue()
	require.Len(t, over, 2)
	assert.Equal(t, []string{"A", "B"}, []string{over[0].ID, over[1].ID})

	b := rec.list()[1]
	assert.True(t, b.Overdue())
	assert.True(t, b.HighRisk)
	assert.Equal(t, VisitHuman, b.Mode)
	assert.Equal(t, "sup.zhang", b.Assignee)
	assert.Equal(t, "C-B", b.Complaint)

	v, err := rv.Record("A", VisitOutcome{Mode: VisitHuman, By: "cs.wang", Satisfaction: 4})
	require.NoError(t, err)
	assert.True(t, v.Outcome.Late)
	assert.Equal(t, t0.Add(24*time.Hour), v.Due, "a missed deadline stays visible")
	assert.Len(t, rv.Overdue(), 1)
}

func TestReturnVisitBusinessCalendar(t *testing.T) {
	cal, err := sla.NewCalendarIn(time.UTC, sla.CalendarSpec{Week: sla.CalendarWeek{
		Monday: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}, Tuesday: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}},
	}})
	require.NoError(t, err)
	rv, _, _ := rvNew(t, ReturnVisitConfig{Within: 12 * time.Hour, CalendarName: sla.CalendarBusiness}, WithCalendars(sla.Registry{sla.CalendarBusiness: cal}))
	v, err := rv.ScheduleAt(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), rvComplaint("A"))
	require.NoError(t, err)
	// Monday 12:00-18:00 (6 h), Tuesday 09:00-15:00 (6 h).
	assert.Equal(t, time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC), v.Due)
	assert.Equal(t, sla.CalendarBusiness, rv.Config().CalendarName)
}

func TestReturnVisitCancelAndAssign(t *testing.T) {
	rv, clk, rec := rvNew(t, ReturnVisitConfig{})
	_, err := rv.Schedule(rvComplaint("A"))
	require.NoError(t, err)
	v, err := rv.Assign("A", "cs.wang", fsm.By{Actor: "lead"})
	require.NoError(t, err)
	assert.Equal(t, "cs.wang", v.Assignee)
	v, err = rv.Assign("A", "cs.liu", fsm.By{Actor: "lead", Reason: "shift change"})
	require.NoError(t, err)
	assert.Equal(t, "cs.liu", v.Assignee)
	_, err = rv.Assign("A", "cs.liu", fsm.By{})
	require.ErrorIs(t, err, fsm.ErrInvalidTransfer)

	clk.Add(time.Hour)
	v, err = rv.Cancel("A", fsm.By{Actor: "cs.liu", Reason: "customer asked not to be contacted"})
	require.NoError(t, err)
	assert.Equal(t, VisitCancelled, v.State)
	assert.Equal(t, "customer asked not to be contacted", v.CancelNote)
	assert.True(t, v.Due.IsZero())
	_, err = rv.Record("A", VisitOutcome{Mode: VisitAutomated, Satisfaction: 5})
	require.ErrorIs(t, err, fsm.ErrNotAllowed)
	_, err = rv.Assign("A", "cs.zhao", fsm.By{})
	require.ErrorIs(t, err, fsm.ErrTerminal)
	rv.AdvanceTo(clk.Now().Add(100 * time.Hour))
	assert.Empty(t, rec.ids(), "a cancelled visit never breaches")
	assert.Empty(t, rv.AttainmentAt(clk.Now()))
}

func TestReturnVisitValidation(t *testing.T) {
	err := VisitOutcome{Mode: "email", Satisfaction: 0}.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), `mode: unknown mode "email"`)
	assert.Contains(t, err.Error(), "satisfaction: 0 is not in 1–5")
	err = VisitOutcome{Mode: VisitHuman, Satisfaction: 6}.Validate()
	assert.Contains(t, err.Error(), "satisfaction: 6 is not in 1–5")
	assert.Contains(t, err.Error(), "by: a human follow-up names who made it")

	err = ReturnVisitConfig{Within: -time.Hour, Reminders: []time.Duration{time.Hour, time.Hour}, HighRiskCategories: []string{""}, SatisfiedScore: 9}.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{"within: negative", "reminders[1]", "high_risk_categories[0]: empty", "satisfied_score: 9"} {
		assert.Contains(t, err.Error(), want)
	}
	_, err = NewReturnVisits(ReturnVisitConfig{SatisfiedScore: 9})
	require.ErrorIs(t, err, ErrInvalidConfig)
	rv, err := NewReturnVisits(ReturnVisitConfig{})
	require.NoError(t, err)
	cfg := rv.Config()
	assert.Equal(t, DefaultReturnVisitWithin, cfg.Within)
	assert.Equal(t, DefaultSatisfiedScore, cfg.SatisfiedScore)
	assert.Equal(t, sla.CalendarAlways, cfg.CalendarName)

	err = ResolvedComplaint{}.Validate()
	for _, want := range []string{"id: empty", "complaint_id: empty", "customer: empty"} {
		assert.Contains(t, err.Error(), want)
	}
	rv, _, _ = rvNew(t, ReturnVisitConfig{})
	_, err = rv.ScheduleAt(time.Time{}, rvComplaint("A"))
	require.ErrorIs(t, err, ErrInvalidConfig)
	_, err = rv.ScheduleAt(t0, rvComplaint("A"))
	require.NoError(t, err)
	_, err = rv.ScheduleAt(t0, rvComplaint("A"))
	require.ErrorIs(t, err, ErrDuplicate)
	_, err = rv.Get("nope")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = rv.RecordAt(t0, "nope", VisitOutcome{Mode: VisitAutomated, Satisfaction: 3})
	require.ErrorIs(t, err, ErrNotFound)
	_, err = rv.RecordAt(t0.Add(-time.Minute), "A", VisitOutcome{Mode: VisitAutomated, Satisfaction: 3})
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = rv.RecordAt(t0, "A", VisitOutcome{Mode: VisitAutomated, Satisfaction: 9})
	require.ErrorIs(t, err, ErrInvalidConfig)
}

// A return visit verifies a rectification item: the problem recurred, so
// the item goes back to in progress.
func TestReturnVisitVerifiesRectification(t *testing.T) {
	rs, clk, _ := rectNew(t, RectificationConfig{})
	rv, err := NewReturnVisits(ReturnVisitConfig{}, WithClock(clk))
	require.NoError(t, err)
	_, err = rs.Open(rectInput("R"))
	require.NoError(t, err)
	_, err = rs.Start("R", fsm.By{})
	require.NoError(t, err)
	rectDoAll(t, rs, "R", clk.Now())
	_, err = rs.Complete("R", fsm.By{})
	require.NoError(t, err)

	c := rvComplaint("V")
	c.Rectification = "R"
	_, err = rv.Schedule(c)
	require.NoError(t, err)
	clk.Add(5 * time.Hour)
	v, err := rv.Record("V", VisitOutcome{Mode: VisitAutomated, Satisfaction: 4, Recurred: true})
	require.NoError(t, err)
	ver, ok := v.Verification(rv.Config().SatisfiedScore)
	require.True(t, ok)
	r, err := rs.Verify(v.Rectification, ver)
	require.NoError(t, err)
	assert.Equal(t, RectInProgress, r.State)
	assert.Equal(t, "V", r.Verifications[0].VisitID)
}

func TestReturnVisitSnapshotRoundTrip(t *testing.T) {
	rv, clk := rvScenario(t)
	restored := restoredLikeIt(t, rv, func(s ReturnVisitsSnapshot) (*ReturnVisits, error) {
		return RestoreReturnVisits(s, WithClock(clk))
	}, clk.Now())

	a, b := newRVRecorder(), newRVRecorder()
	rv.OnEvent(a.add)
	restored.OnEvent(b.add)
	rv.Advance()
	restored.Advance()
	assert.Equal(t, []string{
		"feedback.visits:waiting/return_visit/breach/1/1@48h0m0s",
		"feedback.visits:risky/return_visit/breach/1/1@48h3m0s",
		"feedback.visits:late/return_visit/breach/1/1@48h4m0s",
		"feedback.visits:waiting/return_visit/reminder/1/1@48h15m0s",
		"feedback.visits:risky/return_visit/reminder/1/1@48h18m0s",
		"feedback.visits:late/return_visit/reminder/1/1@48h19m0s", // fell due before it was recorded
	}, a.ids())
	assert.Equal(t, a.ids(), b.ids())

	_, err := restored.RecordAt(clk.Now(), "risky", VisitOutcome{Mode: VisitAutomated, Satisfaction: 5})
	require.ErrorIs(t, err, ErrHumanFollowUpRequired, "the risk survives the round trip")
	_, err = restored.RecordAt(clk.Now(), "waiting", VisitOutcome{Mode: VisitAutomated, Satisfaction: 5})
	require.NoError(t, err)
}

func TestReturnVisitRestoreRejects(t *testing.T) {
	rv, clk := rvScenario(t)
	clone := func() ReturnVisitsSnapshot { return roundTrip(t, rv.Snapshot()) }
	visit := func(s ReturnVisitsSnapshot, id string) *ReturnVisit {
		return &find(t, s.Items, func(r *ReturnVisitRecord) bool { return r.Item.ID == id }).Item
	}
	s := clone()
	s.Version = 9
	visit(s, "waiting").Customer = ""
	visit(s, "risky").Mode = VisitAutomated
	visit(s, "done").Outcome = nil
	_, err := RestoreReturnVisits(s, WithClock(clk))
	require.Error(t, err)
	for _, want := range []string{"version: format version 9, want 2", "customer: empty", `mode: mode "automated" for a visit with high risk true`,
		"outcome: state completed with outcome false"} {
		assert.Contains(t, err.Error(), want)
	}

	s = clone()
	s.Items = s.Items[1:]
	_, err = RestoreReturnVisits(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "belongs to no return visit")

	s = clone()
	var pending *sla.Event
	for i := range s.Timeline.Records {
		if len(s.Timeline.Records[i].Pending) > 0 && pending == nil {
			pending = &s.Timeline.Records[i].Pending[0]
		}
	}
	require.NotNil(t, pending, "the late visit's breach is pending")
	pending.ID.Clock = "ghost"
	_, err = RestoreReturnVisits(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "pending[0]: event feedback.visits:ghost/return_visit/breach/1/1 belongs to no clock of the record")

	s = clone()
	s.Config.Within = time.Hour
	_, err = RestoreReturnVisits(s, WithClock(clk))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not the configured one")

	// A cancelled visit dropped its clock; one that has a clock again would
	// breach after it was cancelled.
	s = clone()
	ghost := s.Timeline.Records[0]
	ghost.ID, ghost.Pending = "cancelled", nil
	s.Timeline.Records = append(s.Timeline.Records, ghost)
	_, err = RestoreReturnVisits(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), `cancelled visit "cancelled" has an SLA clock`)
}

func TestReturnVisitScheduleHook(t *testing.T) {
	rv, _, _ := rvNew(t, ReturnVisitConfig{})
	var errs []error
	spec := fsm.TicketSpec()
	spec.Hooks = append(spec.Hooks, rv.ScheduleHook(func(m *fsm.Machine, r fsm.Record) (ResolvedComplaint, bool) {
		if r.To != fsm.TicketResolved {
			return ResolvedComplaint{}, false
		}
		return ResolvedComplaint{ID: "RV-" + m.ID(), ComplaintID: m.ID(), Customer: "cust-1"}, true
	}, func(err error) { errs = append(errs, err) }))
	def, err := fsm.NewDefinition(spec)
	require.NoError(t, err)
	m, err := fsm.NewMachine(def, fsm.WithID("T-9"))
	require.NoError(t, err)
	ctx := context.Background()
	at := t0
	for _, ev := range []fsm.Event{fsm.TicketAssign, fsm.TicketStart, fsm.TicketResolve} {
		at = at.Add(time.Hour)
		_, err := m.FireAt(ctx, at, ev, fsm.By{})
		require.NoError(t, err)
	}
	v, err := rv.Get("RV-T-9")
	require.NoError(t, err)
	assert.Equal(t, t0.Add(3*time.Hour), v.ScheduledAt, "scheduled at the resolution's own time")
	assert.Equal(t, t0.Add(51*time.Hour), v.Due)
	assert.Len(t, rv.List(), 1, "only the resolution schedules a visit")

	// Resolved again after a reopen: the same visit id is refused.
	for _, ev := range []fsm.Event{fsm.TicketReopen, fsm.TicketStart, fsm.TicketResolve} {
		at = at.Add(time.Hour)
		_, err := m.FireAt(ctx, at, ev, fsm.By{})
		require.NoError(t, err)
	}
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrDuplicate)
}

func TestReturnVisitRunStopsWithContext(t *testing.T) {
	rv, _, _ := rvNew(t, ReturnVisitConfig{})
	_, err := rv.ScheduleAt(t0, rvComplaint("A"))
	require.NoError(t, err)
	runStops(t, rv, t0.Add(48*time.Hour))
}

func TestReturnVisitOverdueOrderedByDeadlineThenID(t *testing.T) {
	cal, err := sla.NewCalendarIn(time.UTC, sla.CalendarSpec{Week: sla.CalendarWeek{
		Monday: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}, Tuesday: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}},
	}})
	require.NoError(t, err)
	rv, _, _ := rvNew(t, ReturnVisitConfig{Within: 12 * time.Hour, CalendarName: sla.CalendarBusiness}, WithCalendars(sla.Registry{sla.CalendarBusiness: cal}))
	// Both are scheduled before Monday's opening, so both fall due on
	// Tuesday at 15:00; B was scheduled first, A has the smaller id.
	_, err = rv.ScheduleAt(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC), rvComplaint("B"))
	require.NoError(t, err)
	_, err = rv.ScheduleAt(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), rvComplaint("A"))
	require.NoError(t, err)
	_, err = rv.ScheduleAt(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC), rvComplaint("C"))
	require.NoError(t, err)
	var ids []string
	for _, v := range rv.List() {
		ids = append(ids, v.ID)
	}
	assert.Equal(t, []string{"B", "A", "C"}, ids, "List is by scheduling time")
	ids = nil
	for _, v := range rv.OverdueAt(time.Date(2026, 3, 3, 17, 0, 0, 0, time.UTC)) {
		ids = append(ids, v.ID)
	}
	assert.Equal(t, []string{"A", "B", "C"}, ids, "OverdueAt is by deadline then id")
}

func TestReturnVisitTimeBackwardsIsAVisitError(t *testing.T) {
	rv, _, _ := rvNew(t, ReturnVisitConfig{})
	_, err := rv.ScheduleAt(t0, rvComplaint("A"))
	require.NoError(t, err)
	_, err = rv.CancelAt(t0.Add(-time.Minute), "A", fsm.By{})
	ve := asVisitError(t, err, ErrTimeBackwards)
	assert.Equal(t, "Cancel", ve.Op)
	assert.Equal(t, VisitScheduled, ve.State)
	_, err = rv.AssignAt(time.Time{}, "A", "cs.wang", fsm.By{})
	require.ErrorIs(t, err, ErrTimeBackwards)
	v, err := rv.Get("A")
	require.NoError(t, err)
	assert.Equal(t, VisitScheduled, v.State)
	assert.Empty(t, v.Assignee)
}
