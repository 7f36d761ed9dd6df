package emergency

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// ObligationSnapshotVersion is the format version of ObligationSnapshot.
// Version 1 (the format without a version field, the configuration or the
// lifecycle machines) is refused: restore it on the release that wrote it
// and snapshot again.
const ObligationSnapshotVersion = 2

// ObligationRecord is one obligation in an ObligationSnapshot: the
// obligation as Get returns it, and its lifecycle machine.
type ObligationRecord struct {
	Obligation
	Machine fsm.Snapshot `json:"machine"`
}

// ObligationSnapshot is the complete state of an Obligations engine as a
// plain, JSON-serialisable value: its configuration, every obligation in
// the order they were opened, and the private timeline with their deadline
// clocks (nil on the host's timeline).
type ObligationSnapshot = CaseSnapshot[ObligationConfig, ObligationRecord]

// Snapshot returns the engine's state.
func (o *Obligations) Snapshot() ObligationSnapshot {
	return snapshotCases(o.eng, ObligationSnapshotVersion, o.Config(), o.seq.Load(), func(it *oblItem) ObligationRecord {
		return ObligationRecord{Obligation: o.view(it), Machine: it.M.Snapshot()}
	}, byOpening)
}

// RestoreObligations rebuilds an engine from a snapshot, with the options
// NewObligations takes: WithBoard is required (the board the obligations
// escalate on, restored first), and WithCalendars must name the calendars
// of the rules. The configuration travels inside the snapshot.
//
// On the host's timeline (WithTracker) the host restores the timeline
// first, and the snapshot carries none; on a private timeline the snapshot
// carries it. Deadlines that fell due while the host was down fire, in
// order, at their own instants, on the next AdvanceTo.
//
// The snapshot is untrusted input: every problem is reported at once, as
// errors matching ErrSnapshot. Refused, among others: another version, an
// invalid configuration, an unknown rule, a repeated id, two open
// obligations of one rule for one subject, a lifecycle machine that does
// not fit the obligation's state or closing, a miss or lateness that does
// not fit the deadline, and a deadline clock that is missing, runs on
// another target or is in a state the obligation cannot be in.
func RestoreObligations(s ObligationSnapshot, opts ...Option) (*Obligations, error) {
	o, eo, err := newObligations(s.Config, collect(opts))
	if err != nil {
		return nil, configProblems(err)
	}
	eng, err := restoreCases(s, ObligationSnapshotVersion, o.spec(), eo, func(r ObligationRecord) string { return r.ID },
		func(path string, r ObligationRecord) (*oblItem, error) {
			it, err := o.build(path, r)
			if err == nil && !ObligationState(it.M.State()).closed() {
				k := openKey(r.Subject, r.Rule)
				if prev, dup := o.open[k]; dup {
					return nil, snapErr(path, "a second open obligation of rule %q for %q (also %q)", r.Rule, r.Subject, prev)
				}
				o.open[k] = r.ID
			}
			return it, err
		}, o.check)
	if err != nil {
		return nil, err
	}
	o.seq.Store(s.Seq)
	o.attach(eng)
	return o, nil
}

// build rebuilds one obligation, checking it as the live operations would
// have built it.
func (o *Obligations) build(path string, r ObligationRecord) (*oblItem, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, snapErr(joinPath(path, field), format, args...))
	}
	rule, known := o.rules[r.Rule]
	switch {
	case r.ID == "" || r.Subject == "":
		bad("id", "empty id or subject")
	case !known:
		bad("rule", "unknown rule %q", r.Rule)
	case r.Action != rule.Action || r.Level != rule.Level:
		bad("rule", "action %q or level %v is not the rule's", r.Action, r.Level)
	}
	for field, t := range map[string]time.Time{"opened_at": r.OpenedAt, "due": r.Due} {
		if checkTime(t) != nil {
			bad(field, "instant %v outside the supported range", t)
		}
	}
	m, err := fsm.Restore(r.Machine, machineOptions(o.chain, fsm.WithDefinition(obligationDef))...)
	if err != nil {
		errs = append(errs, asSnapshotErr(joinPath(path, "machine"), err, ErrSnapshot))
	} else if m.ID() != r.ID {
		bad("machine.id", "%q is not the obligation's id", m.ID())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	ob := r.Obligation
	for _, t := range []*time.Time{&ob.OpenedAt, &ob.Due, &ob.MissedAt} {
		*t = t.UTC()
	}
	ob.State, ob.ClosedAt, ob.ClosedBy, ob.Note = "", time.Time{}, "", ""
	it := &oblItem{ID: r.ID, M: m, Rec: &oblRec{ob: ob.clone(), ord: o.ord}}
	o.ord++
	it.Last = cases.LatestRecorded(ob.OpenedAt, m, ob.MissedAt)
	if err := o.fits(path, r.Obligation, o.view(it)); err != nil {
		return nil, err
	}
	return it, nil
}

// fits checks what the obligation records against what its machine and its
// deadline make of it.
func (o *Obligations) fits(path string, got, want Obligation) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, snapErr(joinPath(path, field), format, args...))
	}
	if got.State != want.State || !got.ClosedAt.Equal(want.ClosedAt) || got.ClosedBy != want.ClosedBy || got.Note != want.Note {
		bad("state", "state %q, closed %v by %q do not fit the machine (%q, %v by %q)",
			got.State, got.ClosedAt, got.ClosedBy, want.State, want.ClosedAt, want.ClosedBy)
	}
	if !got.Due.After(got.OpenedAt) {
		bad("due", "%v is not after the opening %v", got.Due, got.OpenedAt)
	}
	missed := !got.MissedAt.IsZero()
	if missed && !got.MissedAt.Equal(got.Due) || (want.State == ObligationMissed) != (missed && !want.State.closed()) {
		bad("missed_at", "%v does not fit the deadline %v in state %q", got.MissedAt, got.Due, want.State)
	}
	lateClose := want.State == ObligationFulfilled && !want.ClosedAt.Before(got.Due)
	if got.Late != lateClose || missed && want.State == ObligationFulfilled && !got.Late {
		bad("late", "%v does not fit a closing at %v for the deadline %v", got.Late, want.ClosedAt, got.Due)
	}
	if e := got.Escalated; e != nil && (!missed || e.Subject != got.Subject || e.Evidence.Rule != got.EscalationSource()) {
		bad("escalated", "a change the obligation's miss did not make")
	}
	return errors.Join(errs...)
}

// check compares an obligation with its record on the timeline: one
// deadline clock on the rule's target, running while the obligation is
// open and stopped at its closing, due at its deadline.
func (o *Obligations) check(it *oblItem, rec sla.RecordSnapshot) error {
	ob := o.view(it)
	if len(rec.Clocks) != 1 || rec.Timer != nil || rec.Clocks[0].Clock.Spec.Metric != ObligationMetric {
		return snapErr("", "has %d clocks (want its %s clock alone)", len(rec.Clocks), ObligationMetric)
	}
	c, err := o.dl.clock(rec.Clocks[0], ob.Rule, ob.Rule)
	if err != nil {
		return err
	}
	due, hasDue := c.Due()
	switch {
	case c.Cycle() != 1:
		return snapErr("", "deadline clock in cycle %d", c.Cycle())
	case ob.State.closed() != (c.Status() == sla.Stopped):
		return snapErr("", "deadline clock %s for an obligation %s", c.Status(), ob.State)
	case ob.State.closed() && !c.LastChange().Equal(ob.ClosedAt):
		return snapErr("", "deadline clock stopped at %v, obligation closed at %v", c.LastChange(), ob.ClosedAt)
	case hasDue && !due.Equal(ob.Due):
		return snapErr("", "deadline clock due at %v, obligation due at %v", due, ob.Due)
	}
	return nil
}

func joinPath(path, field string) string {
	switch {
	case field == "":
		return path
	case path == "":
		return field
	}
	return fmt.Sprintf("%s.%s", path, field)
}
