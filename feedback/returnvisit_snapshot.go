package feedback

import (
	"errors"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// ReturnVisitsSnapshotVersion is the format version of
// ReturnVisitsSnapshot. Restores refuse any other version with an error
// naming it; version 1 (a whole tracker of its own, no configuration) is
// refused too: restore it on the release that wrote it.
const ReturnVisitsSnapshotVersion = 2

// ReturnVisitRecord is one visit of a ReturnVisitsSnapshot.
type ReturnVisitRecord = CaseRecord[ReturnVisit]

// ReturnVisitsSnapshot is the serialisable state of a [ReturnVisits].
type ReturnVisitsSnapshot = CaseSnapshot[ReturnVisitConfig, ReturnVisit]

// Snapshot returns the state as a plain value, visits by scheduling time
// then id. Store it as JSON and rebuild with RestoreReturnVisits.
func (rv *ReturnVisits) Snapshot() ReturnVisitsSnapshot {
	return snapshot(&rv.loop, ReturnVisitsSnapshotVersion, rv.Config(), func(v *ReturnVisit) ReturnVisit { return v.clone(nil) })
}

// RestoreReturnVisits rebuilds a [ReturnVisits] from a snapshot and the
// options NewReturnVisits takes (the configuration is in the snapshot; the
// calendar it names comes with WithCalendars). On the host's timeline
// (WithTracker), restore that first with sla.RestoreTracker; the snapshot
// then has no timeline of its own.
//
// The snapshot is checked as the live operations would check it, and every
// problem is reported at once: the version; the configuration; each visit
// (the complaint as ScheduleAt checks it, the mode its risk implies, an
// assignee for a high-risk visit, an outcome exactly when completed, valid,
// human for a high-risk visit and made when the lifecycle completed, a
// cancellation exactly when cancelled, instants not before the scheduling,
// no derived field); its lifecycle (as fsm.Restore checks it); and its
// clock: none once cancelled, else one on the configured deadline, labelled
// with the mode, running while scheduled and stopped at the outcome, whose
// Late flag it confirms. A clock of the engine's namespace without a visit
// is refused too.
func RestoreReturnVisits(s ReturnVisitsSnapshot, opts ...Option) (*ReturnVisits, error) {
	rv, o, err := newReturnVisits(s.Config, opts)
	if err != nil {
		return nil, prefix("config", err)
	}
	err = restore(&rv.loop, rv.caseSpec(), o, ReturnVisitsSnapshotVersion, s, func(rec ReturnVisitRecord) (*cases.Item[ReturnVisit], error) {
		return rv.build(rec, o)
	}, rv.check)
	if err != nil {
		return nil, err
	}
	return rv, nil
}

// resolve checks that a private timeline's clock was started with the
// configured deadline.
func (rv *ReturnVisits) resolve(def sla.SpecDef) (*sla.Spec, error) {
	if sameDef(def, rv.spec.Def()) {
		return rv.spec, nil
	}
	return nil, fieldErr("spec", "deadline %s within %s on %q is not the configured one", def.Metric, def.Within, def.Calendar)
}

// build checks one visit of a snapshot and rebuilds it.
func (rv *ReturnVisits) build(rec ReturnVisitRecord, o options) (*cases.Item[ReturnVisit], error) {
	v := rec.Item
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	if err := (ResolvedComplaint{ID: v.ID, ComplaintID: v.ComplaintID, Customer: v.Customer}).Validate(); err != nil {
		errs = append(errs, prefix("item", err))
	}
	if v.ScheduledAt.IsZero() {
		bad("item.scheduled_at", "zero time")
	}
	if high := v.HighRisk || rv.highRisk[v.Category]; !v.Mode.valid() || v.HighRisk != high || (v.Mode == VisitHuman) != high {
		bad("item.mode", "mode %q for a visit with high risk %v in category %q", v.Mode, v.HighRisk, v.Category)
	}
	if v.State != "" || v.Assignee != "" || !v.Due.IsZero() || v.History != nil {
		bad("item", "state, assignee, due and history come from the lifecycle and the clock: leave them empty")
	}
	if v.Outcome != nil {
		if err := v.Outcome.Validate(); err != nil {
			errs = append(errs, prefix("item.outcome", err))
		} else if v.HighRisk && v.Outcome.Mode != VisitHuman {
			bad("item.outcome.mode", "%q for a high-risk visit: %v", v.Outcome.Mode, ErrHumanFollowUpRequired)
		}
	}
	if rec.Lifecycle.ID != v.ID {
		bad("lifecycle.id", "%q differs from the visit id %q", rec.Lifecycle.ID, v.ID)
	}
	m, err := fsm.Restore(rec.Lifecycle, fsm.WithDefinition(rvDefinition), fsm.WithClock(o.clock))
	if err != nil {
		errs = append(errs, prefix("lifecycle", err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := visitFits(v, m); err != nil {
		return nil, err
	}
	var more []time.Time
	if v.Outcome != nil {
		more = append(more, v.Outcome.At)
	}
	return &cases.Item[ReturnVisit]{ID: v.ID, Rec: v.clone(nil), M: m, Last: cases.LatestRecorded(v.ScheduledAt, m, append(more, v.CancelledAt)...)}, nil
}

// visitFits checks that the visit's record is what its lifecycle's history
// made of it.
func visitFits(v ReturnVisit, m *fsm.Machine) error {
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	for i, h := range m.History() {
		if h.At.Before(v.ScheduledAt) {
			bad(pathf("lifecycle.history[%d].at", i), "%v is before the scheduling %v", h.At, v.ScheduledAt)
		}
	}
	for i, t := range m.Transfers() {
		if t.At.Before(v.ScheduledAt) {
			bad(pathf("lifecycle.transfers[%d].at", i), "%v is before the scheduling %v", t.At, v.ScheduledAt)
		}
	}
	var ended time.Time
	if h := m.History(); len(h) > 0 {
		ended = h[len(h)-1].At
	}
	switch st := m.State(); {
	case (st == VisitCompleted) != (v.Outcome != nil):
		bad("item.outcome", "state %s with outcome %v", st, v.Outcome != nil)
	case v.Outcome != nil && !v.Outcome.At.Equal(ended):
		bad("item.outcome.at", "%v, but the visit completed at %v", v.Outcome.At, ended)
	}
	switch st := m.State(); {
	case (st == VisitCancelled) != !v.CancelledAt.IsZero():
		bad("item.cancelled_at", "state %s with cancelled_at %v", st, v.CancelledAt)
	case !v.CancelledAt.IsZero() && !v.CancelledAt.Equal(ended):
		bad("item.cancelled_at", "%v, but the visit was cancelled at %v", v.CancelledAt, ended)
	case v.CancelledAt.IsZero() && v.CancelNote != "":
		bad("item.cancel_note", "set on a visit not cancelled")
	}
	if v.HighRisk && m.FirstResponder() == "" {
		bad("lifecycle.owner", "a high-risk visit has an assignee from its scheduling")
	}
	return errors.Join(errs...)
}

// check compares a restored visit with its record on the timeline.
func (rv *ReturnVisits) check(it *cases.Item[ReturnVisit], rec sla.RecordSnapshot) error {
	v := it.Rec
	if it.M.State() == VisitCancelled {
		if len(rec.Clocks) > 0 || rec.Timer != nil {
			return fieldErr("clock", "cancelled visit %q has an SLA clock", v.ID)
		}
		return nil
	}
	want, last := sla.Running, v.ScheduledAt
	if v.Outcome != nil {
		want, last = sla.Stopped, v.Outcome.At
	}
	if err := checkClock(rec, rv.spec, string(v.Mode), want, last); err != nil {
		return err
	}
	if v.Outcome != nil {
		c, err := sla.RestoreClock(rec.Clocks[0].Clock, rv.spec)
		if err != nil {
			return prefix("clock", err)
		}
		if late := c.Breached(v.Outcome.At); late != v.Outcome.Late {
			return fieldErr("item.outcome.late", "%v, but the deadline was reached by the visit: %v", v.Outcome.Late, late)
		}
	}
	return nil
}
