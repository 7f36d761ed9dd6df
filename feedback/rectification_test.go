package feedback

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRectificationFullLoop(t *testing.T) {
	rs, clk, rec := rectNew(t, RectificationConfig{})
	r, err := rs.Open(rectInput("R1"))
	require.NoError(t, err)
	assert.Equal(t, RectOpen, r.State)
	assert.Equal(t, "ops.li", r.Owner)
	assert.Equal(t, "ops.li", r.FirstResponder)
	assert.Equal(t, t0, r.OpenedAt)
	assert.Equal(t, t0.Add(72*time.Hour), r.Due)
	assert.Equal(t, "ops.li", r.Actions[0].Owner, "action owner defaults to the item owner")
	assert.Equal(t, "pack.zhao", r.Actions[1].Owner)
	assert.False(t, r.Actions[0].Done())
	assert.Equal(t, t0, r.Actions[0].AddedAt)

	clk.Add(time.Hour)
	r, err = rs.Start("R1", fsm.By{Actor: "ops.li"})
	require.NoError(t, err)
	assert.Equal(t, RectInProgress, r.State)

	clk.Add(10 * time.Hour)
	rectDoAll(t, rs, "R1", clk.Now())
	r, err = rs.Complete("R1", fsm.By{Actor: "ops.li"})
	require.NoError(t, err)
	assert.Equal(t, RectDone, r.State)
	assert.True(t, r.Due.IsZero(), "the clock pauses while waiting for verification, before the deadline")

	clk.Add(24 * time.Hour)
	r, err = rs.Verify("R1", Verification{Passed: true, By: "qa.chen", VisitID: "V-1", Note: "no more damage"})
	require.NoError(t, err)
	assert.Equal(t, RectVerified, r.State)
	require.Len(t, r.Verifications, 1)
	assert.Equal(t, clk.Now(), r.Verifications[0].At)

	r, err = rs.InformCustomer("R1", Notice{By: "cs.wang", Channel: "phone", Note: "explained the fix"})
	require.NoError(t, err)
	assert.Equal(t, RectCustomerInformed, r.State)
	require.NotNil(t, r.Notice)
	assert.Equal(t, "phone", r.Notice.Channel)

	r, err = rs.Close("R1", fsm.By{Actor: "qa.chen"})
	require.NoError(t, err)
	assert.Equal(t, RectClosed, r.State)
	assert.Equal(t, clk.Now(), r.ClosedAt)

	var path []fsm.State
	for _, h := range r.History {
		path = append(path, h.To)
	}
	assert.Equal(t, []fsm.State{RectInProgress, RectDone, RectVerified, RectCustomerInformed, RectClosed}, path)

	// The work took 10 h of a 72 h deadline: verified in time, so a met
	// event; warnings never fired because the clock paused at 11 h.
	assert.Equal(t, 1, rs.AdvanceTo(clk.Now().Add(30*24*time.Hour)))
	evs := rec.list()
	require.Len(t, evs, 1)
	assert.Equal(t, sla.Met, evs[0].Kind)
	assert.Equal(t, "feedback.rectifications:R1/rectification/met/1/1", evs[0].ID.String())
	assert.Equal(t, t0.Add(35*time.Hour), evs[0].At, "met at the verification instant")
	assert.False(t, evs[0].Overdue())
	att := rs.AttainmentAt(clk.Now())
	require.Len(t, att, 1)
	assert.Equal(t, CategoryLogistics, att[0].Priority)
	assert.Equal(t, 1, att[0].Met)
}

func TestRectificationCannotCloseEarly(t *testing.T) {
	type step func(rs *Rectifications, at time.Time) error
	start := func(rs *Rectifications, at time.Time) error {
		_, err := rs.StartAt(at, "R", fsm.By{})
		return err
	}
	complete := func(rs *Rectifications, at time.Time) error {
		for _, a := range []string{"a1", "a2"} {
			if _, err := rs.CompleteActionAt(at, "R", a, fsm.By{}); err != nil {
				return err
			}
		}
		_, err := rs.CompleteAt(at, "R", fsm.By{})
		return err
	}
	verify := func(rs *Rectifications, at time.Time) error {
		_, err := rs.VerifyAt(at, "R", Verification{Passed: true})
		return err
	}
	for _, tc := range []struct {
		name  string
		steps []step
		state fsm.State
	}{
		{"open", nil, RectOpen},
		{"in progress", []step{start}, RectInProgress},
		{"done, not verified", []step{start, complete}, RectDone},
		{"verified, customer not informed", []step{start, complete, verify}, RectVerified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, _, _ := rectNew(t, RectificationConfig{})
			_, err := rs.OpenAt(t0, rectInput("R"))
			require.NoError(t, err)
			at := t0
			for _, s := range tc.steps {
				at = at.Add(time.Hour)
				require.NoError(t, s(rs, at))
			}
			_, err = rs.CloseAt(at.Add(time.Hour), "R", fsm.By{})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidTransition)
			assert.ErrorIs(t, err, fsm.ErrNotAllowed)
			var re *RectificationError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "R", re.ItemID)
			assert.Equal(t, "Close", re.Op)
			assert.Equal(t, tc.state, re.State)
			assert.Contains(t, err.Error(), "feedback: rectification \"R\": Close not allowed in state "+string(tc.state))
			r, err := rs.Get("R")
			require.NoError(t, err)
			assert.Equal(t, tc.state, r.State, "a refused close changes nothing")
			if tc.state != RectVerified {
				_, err = rs.InformCustomerAt(at.Add(time.Hour), "R", Notice{})
				assert.ErrorIs(t, err, fsm.ErrNotAllowed, "the customer is informed only after verification")
			}
		})
	}
}

func TestRectificationFailedVerification(t *testing.T) {
	rs, clk, rec := rectNew(t, RectificationConfig{})
	_, err := rs.Open(rectInput("R2"))
	require.NoError(t, err)
	_, err = rs.Start("R2", fsm.By{})
	require.NoError(t, err)
	clk.Add(20 * time.Hour)
	rectDoAll(t, rs, "R2", clk.Now())
	_, err = rs.Complete("R2", fsm.By{})
	require.NoError(t, err)

	// 30 h waiting for the check do not count against the deadline.
	clk.Add(30 * time.Hour)
	r, err := rs.Verify("R2", Verification{Passed: false, By: "qa.chen", Note: "customer reports damage again"})
	require.NoError(t, err)
	assert.Equal(t, RectInProgress, r.State)
	assert.Equal(t, clk.Now().Add(52*time.Hour), r.Due, "the clock resumes with 52 h of 72 h left")

	// Completing again needs new corrective work.
	clk.Add(time.Hour)
	_, err = rs.Complete("R2", fsm.By{})
	require.ErrorIs(t, err, ErrActionsIncomplete)
	require.ErrorIs(t, err, ErrInvalidTransition)
	assert.Contains(t, err.Error(), "no new action since the failed verification")
	_, err = rs.AddAction("R2", CorrectiveAction{ID: "a3", Description: "switch to double-wall boxes"})
	require.NoError(t, err)
	_, err = rs.Complete("R2", fsm.By{})
	require.ErrorIs(t, err, ErrActionsIncomplete)
	assert.Contains(t, err.Error(), "[a3]")
	_, err = rs.CompleteAction("R2", "a3", fsm.By{Actor: "pack.zhao"})
	require.NoError(t, err)
	r, err = rs.Complete("R2", fsm.By{})
	require.NoError(t, err)
	assert.Equal(t, RectDone, r.State)

	// 20 h + 1 h of work so far; verification passes in time.
	clk.Add(time.Hour)
	r, err = rs.Verify("R2", Verification{Passed: true})
	require.NoError(t, err)
	assert.Len(t, r.Verifications, 2)
	rs.AdvanceTo(clk.Now())
	ids := rec.ids()
	// 50 % of 72 h (36 h) was never reached: 21 h of work in all.
	assert.Equal(t, []string{"feedback.rectifications:R2/rectification/met/1/1"}, ids)
}

func TestRectificationOpenResetsActions(t *testing.T) {
	rs, _, _ := rectNew(t, RectificationConfig{})
	in := rectInput("R")
	in.Actions[0].DoneAt, in.Actions[0].DoneBy = t0.Add(time.Hour), "someone"
	r, err := rs.OpenAt(t0, in)
	require.NoError(t, err)
	assert.False(t, r.Actions[0].Done(), "actions start not done")
	assert.Empty(t, r.Actions[0].DoneBy)
	assert.True(t, in.Actions[0].Done(), "the caller's input is not modified")
}

func TestRectificationCompleteNeedsActions(t *testing.T) {
	rs, _, _ := rectNew(t, RectificationConfig{})
	in := rectInput("R3")
	in.Actions = nil
	_, err := rs.OpenAt(t0, in)
	require.NoError(t, err)
	_, err = rs.StartAt(t0, "R3", fsm.By{})
	require.NoError(t, err)
	_, err = rs.CompleteAt(t0, "R3", fsm.By{})
	require.ErrorIs(t, err, ErrActionsIncomplete)
	assert.Contains(t, err.Error(), "no corrective action")
	_, err = rs.AddActionAt(t0, "R3", CorrectiveAction{ID: "x", Description: "fix", DoneAt: t0})
	require.NoError(t, err)
	_, err = rs.CompleteAt(t0, "R3", fsm.By{})
	require.ErrorIs(t, err, ErrActionsIncomplete, "an added action starts not done, whatever DoneAt says")
	_, err = rs.CompleteActionAt(t0, "R3", "nope", fsm.By{})
	require.ErrorIs(t, err, ErrNotFound)
	_, err = rs.AddActionAt(t0, "R3", CorrectiveAction{ID: "x", Description: "again"})
	require.ErrorIs(t, err, ErrDuplicate)
	_, err = rs.AddActionAt(t0, "R3", CorrectiveAction{})
	require.ErrorIs(t, err, ErrInvalidConfig)
	_, err = rs.CompleteActionAt(t0.Add(time.Minute), "R3", "x", fsm.By{Actor: "a", Reason: "first"})
	require.NoError(t, err)
	r, err := rs.CompleteActionAt(t0.Add(2*time.Minute), "R3", "x", fsm.By{Actor: "b", Reason: "second"})
	require.NoError(t, err)
	assert.Equal(t, "a", r.Actions[0].DoneBy, "the first completion is kept")
	assert.Equal(t, t0.Add(time.Minute), r.Actions[0].DoneAt)
	_, err = rs.CompleteAt(t0.Add(3*time.Minute), "R3", fsm.By{})
	require.NoError(t, err)
	_, err = rs.AddActionAt(t0.Add(4*time.Minute), "R3", CorrectiveAction{ID: "y", Description: "late"})
	require.ErrorIs(t, err, ErrInvalidTransition, "actions are frozen once done")
}

func TestRectificationOverdueEvents(t *testing.T) {
	rs, clk, rec := rectNew(t, RectificationConfig{})
	_, err := rs.Open(rectInput("R4"))
	require.NoError(t, err)
	_, err = rs.Open(rectInput("R5"))
	require.NoError(t, err)

	n := slatest.AdvanceTo(clk, rs.Tracker(), t0.Add(71*time.Hour))
	assert.Equal(t, 6, n, "three warnings for each item")
	assert.Empty(t, rs.OverdueAt(clk.Now()))

	n = slatest.AdvanceTo(clk, rs.Tracker(), t0.Add(80*time.Hour))
	assert.Equal(t, 4, n, "breach and reminder for each item")
	var got []string
	for _, e := range rec.list() {
		got = append(got, fmt.Sprintf("%s %s %v", e.ID, e.At.Sub(t0), e.Overdue()))
		assert.Equal(t, CategoryLogistics, e.Category)
		assert.Equal(t, "ops.li", e.Owner)
		assert.Equal(t, RectOpen, e.State)
	}
	assert.Equal(t, []string{
		"feedback.rectifications:R4/rectification/warning/1/1 36h0m0s false",
		"feedback.rectifications:R5/rectification/warning/1/1 36h0m0s false",
		"feedback.rectifications:R4/rectification/warning/1/2 54h0m0s false",
		"feedback.rectifications:R5/rectification/warning/1/2 54h0m0s false",
		"feedback.rectifications:R4/rectification/warning/1/3 64h48m0s false",
		"feedback.rectifications:R5/rectification/warning/1/3 64h48m0s false",
		"feedback.rectifications:R4/rectification/breach/1/1 72h0m0s true",
		"feedback.rectifications:R5/rectification/breach/1/1 72h0m0s true",
		"feedback.rectifications:R4/rectification/reminder/1/1 72h15m0s true",
		"feedback.rectifications:R5/rectification/reminder/1/1 72h15m0s true",
	}, got)
	over := rs.Overdue()
	require.Len(t, over, 2)
	assert.Equal(t, "R4", over[0].ID)
	assert.True(t, over[0].OverdueAt(clk.Now()))

	// Done late: the item leaves the overdue list, its Due stays set.
	_, err = rs.Start("R4", fsm.By{})
	require.NoError(t, err)
	rectDoAll(t, rs, "R4", clk.Now())
	r, err := rs.Complete("R4", fsm.By{})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(72*time.Hour), r.Due, "a missed deadline stays visible")
	over = rs.Overdue()
	require.Len(t, over, 1)
	assert.Equal(t, "R5", over[0].ID)
	_, err = rs.Verify("R4", Verification{Passed: true})
	require.NoError(t, err)
	att := rs.AttainmentAt(clk.Now())
	require.Len(t, att, 1)
	assert.Equal(t, 0, att[0].Met)
	assert.Equal(t, 2, att[0].Breached, "R4 stopped late, R5 open and past due")
}

func TestRectificationCategoryDeadlineOnBusinessCalendar(t *testing.T) {
	cal, err := sla.NewCalendarIn(time.UTC, sla.CalendarSpec{Week: sla.CalendarWeek{
		Monday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}, Tuesday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
		Wednesday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}, Thursday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
		Friday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
	}})
	require.NoError(t, err)
	quality := sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(16 * time.Hour), Calendar: sla.CalendarBusiness}
	cfg := RectificationConfig{ByCategory: map[string]sla.SpecDef{CategoryProductQuality: quality}}
	_, err = NewRectifications(cfg)
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, `by_category["product_quality"].calendar: sla: unknown calendar "business" (give it with WithCalendars)`)
	rs, _, rec := rectNew(t, cfg, WithCalendars(sla.Registry{sla.CalendarBusiness: cal}))
	in := rectInput("Q1")
	in.Category = CategoryProductQuality
	friday := time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)
	r, err := rs.OpenAt(friday, in)
	require.NoError(t, err)
	// Two working days from Friday 15:00: Friday 2 h, Monday 8 h, Tuesday 6 h.
	assert.Equal(t, time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC), r.Due)
	r, err = rs.OpenAt(friday, rectInput("L1"))
	require.NoError(t, err)
	assert.Equal(t, friday.Add(72*time.Hour), r.Due, "other categories keep the default deadline")
	rs.AdvanceTo(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
	var breached []string
	for _, e := range rec.list() {
		if e.Kind == sla.Breach {
			breached = append(breached, e.Item)
		}
	}
	assert.Equal(t, []string{"L1", "Q1"}, breached)
}

func TestRectificationValidation(t *testing.T) {
	err := RectificationInput{Actions: []CorrectiveAction{{ID: "a"}, {ID: "a", Description: "x"}}}.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{"id: empty", "source.kind: empty", "source.id: empty", "category: empty", "owner: empty",
		"actions[0].description: empty", "actions[1].id: duplicate action id \"a\""} {
		assert.Contains(t, err.Error(), "feedback: "+want)
	}
	var fe *FieldError
	require.ErrorAs(t, err, &fe)

	err = RectificationConfig{ByCategory: map[string]sla.SpecDef{"": DefaultRectificationDeadline(), "x": {}}}.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), `by_category[""]: empty category`)
	assert.Contains(t, err.Error(), `by_category["x"]: sla: metric: invalid metric name ""`)
	_, err = NewRectifications(RectificationConfig{ByCategory: map[string]sla.SpecDef{"x": {}}})
	require.ErrorIs(t, err, ErrInvalidConfig)

	rs, _, _ := rectNew(t, RectificationConfig{})
	_, err = rs.OpenAt(time.Time{}, rectInput("R"))
	require.ErrorIs(t, err, ErrInvalidConfig)
	_, err = rs.OpenAt(t0, rectInput("R"))
	require.NoError(t, err)
	_, err = rs.OpenAt(t0, rectInput("R"))
	require.ErrorIs(t, err, ErrDuplicate)
	_, err = rs.Get("nope")
	require.ErrorIs(t, err, ErrNotFound)
	_, err = rs.StartAt(t0, "nope", fsm.By{})
	require.ErrorIs(t, err, ErrNotFound)
	_, err = rs.StartAt(t0.Add(-time.Second), "R", fsm.By{})
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = rs.StartAt(time.Time{}, "R", fsm.By{})
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = rs.VerifyAt(t0, "R", Verification{Passed: true})
	require.ErrorIs(t, err, fsm.ErrNotAllowed)
}

func TestRectificationTransfer(t *testing.T) {
	rs, _, _ := rectNew(t, RectificationConfig{})
	_, err := rs.OpenAt(t0, rectInput("R"))
	require.NoError(t, err)
	r, err := rs.TransferAt(t0.Add(time.Hour), "R", "ops.zhou", fsm.By{Actor: "lead", Reason: "north hub moved"})
	require.NoError(t, err)
	assert.Equal(t, "ops.zhou", r.Owner)
	assert.Equal(t, "ops.li", r.FirstResponder)
	_, err = rs.TransferAt(t0.Add(time.Hour), "R", "ops.zhou", fsm.By{})
	require.ErrorIs(t, err, fsm.ErrInvalidTransfer)
	_, err = rs.AddActionAt(t0.Add(time.Hour), "R", CorrectiveAction{ID: "a9", Description: "x"})
	require.NoError(t, err)
	r, _ = rs.Get("R")
	assert.Equal(t, "ops.zhou", r.Actions[2].Owner)
}

func TestRectificationSnapshotRoundTrip(t *testing.T) {
	rs, clk := rectScenario(t)
	restored := restoredLikeIt(t, rs, func(s RectificationsSnapshot) (*Rectifications, error) {
		return RestoreRectifications(s, WithClock(clk))
	}, clk.Now())
	data, err := json.Marshal(rs.Snapshot())
	require.NoError(t, err)
	data2, err := json.Marshal(restored.Snapshot())
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(data2))

	// Both deliver the same pending events from here on.
	a, b := newRectRecorder(), newRectRecorder()
	rs.OnEvent(a.add)
	restored.OnEvent(b.add)
	rs.AdvanceTo(clk.Now())
	restored.AdvanceTo(clk.Now())
	assert.NotEmpty(t, a.ids())
	assert.Equal(t, a.ids(), b.ids())
	assert.Contains(t, b.ids(), "feedback.rectifications:open/rectification/breach/1/1")

	// The restored items carry on.
	_, err = restored.InformCustomer("verified", Notice{By: "cs"})
	require.NoError(t, err)
	_, err = restored.Close("verified", fsm.By{})
	require.NoError(t, err)
	_, err = restored.StartAt(t0, "open", fsm.By{}) // before the last change
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = restored.Start("open", fsm.By{})
	require.NoError(t, err)
}

func TestRectificationRestoreRejects(t *testing.T) {
	rs, clk := rectScenario(t)
	good := rs.Snapshot()
	clone := func() RectificationsSnapshot { return roundTrip(t, good) }
	s := clone()
	s.Version = 9
	s.Items[0].Item.ID = ""
	s.Items[1].Lifecycle.State = "nowhere"
	s.Items = append(s.Items, s.Items[2])
	_, err := RestoreRectifications(s, WithClock(clk))
	require.Error(t, err)
	for _, want := range []string{"version: format version 9, want 2", "feedback: items[0].item.id: empty",
		"items[1].lifecycle.state: unknown state", "items[7]: feedback: duplicate id"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.ErrorIs(t, err, fsm.ErrUnknownState)

	s = clone()
	s.Timeline.Records = s.Timeline.Records[1:] // an item loses its clock
	_, err = RestoreRectifications(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "has no SLA clock")

	s = clone()
	s.Items = s.Items[1:] // a clock without its item
	_, err = RestoreRectifications(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "belongs to no rectification")

	s = clone()
	s.Timeline.Records[0].Pending = append(s.Timeline.Records[0].Pending, sla.Event{ID: sla.EventID{Namespace: RectificationsNamespace, Clock: "ghost", Metric: RectificationMetric, Kind: sla.Breach, Cycle: 1, Step: 1}, At: t0})
	_, err = RestoreRectifications(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "belongs to no clock of the record")

	s = clone()
	s.Config.Deadline = &sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(time.Hour), Calendar: sla.CalendarAlways}
	_, err = RestoreRectifications(s, WithClock(clk))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not in the configuration")
}

func TestRectificationErrorUnwrap(t *testing.T) {
	err := error(&RectificationError{ItemID: "x", Op: "Close", State: RectOpen, Err: fsm.ErrNotAllowed})
	assert.True(t, errors.Is(err, ErrInvalidTransition))
	assert.True(t, errors.Is(err, fsm.ErrNotAllowed))
	assert.False(t, errors.Is(err, ErrNotFound))
}

func TestRectificationRunStopsWithContext(t *testing.T) {
	rs, _, _ := rectNew(t, RectificationConfig{})
	_, err := rs.OpenAt(t0, rectInput("R"))
	require.NoError(t, err)
	runStops(t, rs, t0.Add(36*time.Hour)) // the first warning, at 50 %
}
