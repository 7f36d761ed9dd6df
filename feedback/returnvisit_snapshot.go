package feedback

import (
	"errors"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// rvSnapshotVersion is the current ReturnVisitsSnapshot format.
const rvSnapshotVersion = 1

// ReturnVisitRecord is one visit in a snapshot: the visit's own record (its
// derived fields State, Assignee, Due and History left empty) and its
// lifecycle machine's snapshot.
type ReturnVisitRecord struct {
	Visit     ReturnVisit  `json:"visit"`
	Lifecycle fsm.Snapshot `json:"lifecycle"`
}

// ReturnVisitsSnapshot is the serialisable state of a [ReturnVisits]: every
// visit and the SLA tracker with the visits' clocks, undelivered events and
// attainment counts.
type ReturnVisitsSnapshot struct {
	Version int                 `json:"version"`
	Visits  []ReturnVisitRecord `json:"visits"`
	Tracker sla.TrackerSnapshot `json:"tracker"`
}

// Snapshot returns the state as a plain value, visits by scheduling time
// then id. Store it as JSON and rebuild with RestoreReturnVisits.
func (rv *ReturnVisits) Snapshot() ReturnVisitsSnapshot {
	rv.mu.Lock()
	s := ReturnVisitsSnapshot{Version: rvSnapshotVersion, Visits: make([]ReturnVisitRecord, 0, len(rv.visits))}
	for _, it := range rv.visits {
		s.Visits = append(s.Visits, ReturnVisitRecord{Visit: it.v.clone(), Lifecycle: it.m.Snapshot()})
	}
	s.Tracker = rv.tr.Snapshot()
	rv.mu.Unlock()
	sortByTimeThenID(s.Visits, func(r *ReturnVisitRecord) (time.Time, string) { return rvScheduled(&r.Visit) })
	return s
}

// RestoreReturnVisits rebuilds a [ReturnVisits] from a snapshot with the
// given clock (nil means clock.New()) and configuration, whose deadline
// (Within, calendar name, reminders) must be the one the snapshot's clocks
// were started with. Every problem is reported at once: an unsupported
// version, invalid or duplicate visits, lifecycles the return visit
// definition rejects, a completed visit without an outcome (or a scheduled
// one with an outcome), a high-risk visit not in human mode, a visit that
// is not cancelled without an SLA clock, a cancelled visit with one, and a
// clock without a visit.
func RestoreReturnVisits(clk clock.Clock, cfg ReturnVisitConfig, s ReturnVisitsSnapshot) (*ReturnVisits, error) {
	rv, err := NewReturnVisits(clk, cfg)
	if err != nil {
		return nil, err
	}
	var errs []error
	if s.Version != rvSnapshotVersion {
		errs = append(errs, fieldErr("version", "unsupported snapshot version %d", s.Version))
	}
	clocks := map[string]bool{}
	var pending []sla.Event
	for _, r := range s.Tracker.Records {
		clocks[r.ID] = len(r.Clocks) > 0
		pending = append(pending, r.Pending...)
	}
	for i, rec := range s.Visits {
		path := pathf("visits[%d]", i)
		v := rec.Visit
		req := ResolvedComplaint{ID: v.ID, ComplaintID: v.ComplaintID, Customer: v.Customer}
		var problems []error
		if err := req.Validate(); err != nil {
			problems = append(problems, err)
		}
		if v.ScheduledAt.IsZero() {
			problems = append(problems, fieldErr("scheduled_at", "zero time"))
		}
		if !v.Mode.valid() || (v.HighRisk && v.Mode != VisitHuman) {
			problems = append(problems, fieldErr("mode", "mode %q for a visit with high risk %v", v.Mode, v.HighRisk))
		}
		if v.Outcome != nil {
			if err := v.Outcome.Validate(); err != nil {
				problems = append(problems, err)
			}
		}
		if rec.Lifecycle.ID != v.ID {
			problems = append(problems, fieldErr("lifecycle.id", "%q differs from the visit id %q", rec.Lifecycle.ID, v.ID))
		}
		if err := errors.Join(problems...); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		if _, dup := rv.visits[v.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: %w: return visit %q", path, ErrDuplicate, v.ID))
			continue
		}
		m, err := fsm.Restore(rvDefinition, rec.Lifecycle, fsm.WithClock(rv.clk))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.lifecycle: %w", path, err))
			continue
		}
		if (m.State() == VisitCompleted) != (v.Outcome != nil) {
			errs = append(errs, fieldErr(path+".visit.outcome", "state %s with outcome %v", m.State(), v.Outcome != nil))
			continue
		}
		if cancelled := m.State() == VisitCancelled; clocks[v.ID] == cancelled {
			if cancelled {
				errs = append(errs, fieldErr(path, "cancelled visit %q has an SLA clock", v.ID))
			} else {
				errs = append(errs, fieldErr(path, "visit %q has no SLA clock", v.ID))
			}
			continue
		}
		delete(clocks, v.ID)
		it := &rvItem{v: v.clone(), m: m, last: rvLast(v, m)}
		it.v.State, it.v.Assignee, it.v.Due, it.v.History = "", "", time.Time{}, nil
		rv.visits[v.ID] = it
	}
	errs = append(errs, orphanErrors(clocks, pending, func(id string) bool { return rv.visits[id] != nil }, "visit")...)
	if tr, err := sla.RestoreTracker(s.Tracker, sla.WithClock(rv.clk), sla.WithHandler(rv.deliver), sla.WithSpecResolver(rv.resolve)); err != nil {
		errs = append(errs, fmt.Errorf("tracker: %w", err))
	} else {
		rv.tr = tr
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rv, nil
}

// resolve checks that a snapshot's clock was started with the configured
// deadline.
func (rv *ReturnVisits) resolve(def sla.SpecDef) (*sla.Spec, error) {
	same, err := sameSpec(def, rv.spec)
	if err != nil {
		return nil, err
	}
	if same {
		return rv.spec, nil
	}
	return nil, fieldErr("spec", "deadline %s within %s on %q is not the configured one", def.Metric, def.Within, def.Calendar)
}

// rvLast returns the latest instant recorded on a restored visit.
func rvLast(v ReturnVisit, m *fsm.Machine) time.Time {
	more := []time.Time{v.CancelledAt}
	if v.Outcome != nil {
		more = append(more, v.Outcome.At)
	}
	return latestRecorded(v.ScheduledAt, m, more...)
}
