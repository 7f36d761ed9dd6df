package feedback

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// RectificationsSnapshotVersion is the format version of
// RectificationsSnapshot. Restores refuse any other version with an error
// naming it; version 1 (a whole tracker of its own, no configuration) is
// refused too: restore it on the release that wrote it.
const RectificationsSnapshotVersion = 2

// RectificationRecord is one item of a RectificationsSnapshot.
type RectificationRecord = CaseRecord[Rectification]

// RectificationsSnapshot is the serialisable state of a [Rectifications].
type RectificationsSnapshot = CaseSnapshot[RectificationConfig, Rectification]

// Snapshot returns the state as a plain value, items by opening time then
// id. Store it as JSON and rebuild with RestoreRectifications.
func (rs *Rectifications) Snapshot() RectificationsSnapshot {
	return snapshot(&rs.loop, RectificationsSnapshotVersion, rs.Config(), func(r *Rectification) Rectification { return r.clone(nil) })
}

// RestoreRectifications rebuilds a [Rectifications] from a snapshot and
// the options NewRectifications takes (the configuration is in the
// snapshot; the calendars it names come with WithCalendars). On the host's
// timeline (WithTracker), restore that first with sla.RestoreTracker; the
// snapshot then has no timeline of its own. Events that fell due and were
// not delivered before the snapshot are delivered by the first AdvanceTo
// that reaches them.
//
// The snapshot is checked as the live operations would check it, and every
// problem is reported at once: the version; the configuration; each item
// (its input as OpenAt checks it, instants not before its opening, actions,
// verifications, notice and closing that its lifecycle history accounts
// for, no derived field); its lifecycle (as fsm.Restore checks it); and its
// clock: one, on the deadline the configuration gives its category, in the
// status its state implies, last changed by the item's last lifecycle
// event that touches it. A clock of the engine's namespace without an item
// is refused too.
func RestoreRectifications(s RectificationsSnapshot, opts ...Option) (*Rectifications, error) {
	rs, o, err := newRectifications(s.Config, opts)
	if err != nil {
		return nil, prefix("config", err)
	}
	err = restore(&rs.loop, rs.spec(), o, RectificationsSnapshotVersion, s, func(rec RectificationRecord) (*cases.Item[Rectification], error) {
		return buildRectification(rec, o)
	}, rs.check)
	if err != nil {
		return nil, err
	}
	return rs, nil
}

// buildRectification checks one item of a snapshot and rebuilds it.
func buildRectification(rec RectificationRecord, o options) (*cases.Item[Rectification], error) {
	r := rec.Item
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	in := RectificationInput{ID: r.ID, Source: r.Source, Category: r.Category, Owner: rec.Lifecycle.FirstResponder, Actions: r.Actions}
	if err := in.Validate(); err != nil {
		errs = append(errs, prefix("item", err))
	}
	if r.OpenedAt.IsZero() {
		bad("item.opened_at", "zero time")
	}
	if r.State != "" || r.Owner != "" || r.FirstResponder != "" || !r.Due.IsZero() || r.History != nil {
		bad("item", "state, owner, first responder, due and history come from the lifecycle and the clock: leave them empty")
	}
	if rec.Lifecycle.ID != r.ID {
		bad("lifecycle.id", "%q differs from the item id %q", rec.Lifecycle.ID, r.ID)
	}
	m, err := fsm.Restore(rec.Lifecycle, fsm.WithDefinition(rectDefinition), fsm.WithClock(o.clock))
	if err != nil {
		errs = append(errs, prefix("lifecycle", err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := rectFits(r, m); err != nil {
		return nil, err
	}
	more := []time.Time{r.ClosedAt}
	for _, a := range r.Actions {
		more = append(more, a.AddedAt, a.DoneAt)
	}
	for _, v := range r.Verifications {
		more = append(more, v.At)
	}
	return &cases.Item[Rectification]{ID: r.ID, Rec: r.clone(nil), M: m, Last: cases.LatestRecorded(r.OpenedAt, m, more...)}, nil
}

// rectFits checks that the item's record is what its lifecycle's history
// made of it.
func rectFits(r Rectification, m *fsm.Machine) error {
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	notBefore := func(path string, t time.Time) {
		if !t.IsZero() && t.Before(r.OpenedAt) {
			bad(path, "%v is before the opening %v", t, r.OpenedAt)
		}
	}
	for i, h := range m.History() {
		notBefore(pathf("lifecycle.history[%d].at", i), h.At)
	}
	for i, t := range m.Transfers() {
		notBefore(pathf("lifecycle.transfers[%d].at", i), t.At)
	}
	for i, a := range r.Actions {
		p := pathf("item.actions[%d]", i)
		switch {
		case a.AddedAt.IsZero() || a.AddedAt.Before(r.OpenedAt):
			bad(p+".added_at", "%v is zero or before the opening", a.AddedAt)
		case a.Owner == "":
			bad(p+".owner", "empty")
		case a.Done() && a.DoneAt.Before(a.AddedAt):
			bad(p+".done_at", "%v is before the action was added", a.DoneAt)
		case !a.Done() && a.DoneBy != "":
			bad(p+".done_by", "set on an action not done")
		}
	}
	// The verifications are the verify events of the history, one for one;
	// the notice and the closing are those of their events.
	var verifies []fsm.Record
	var informed, closed *fsm.Record
	for _, h := range m.History() {
		switch h.Event {
		case RectVerifyPass, RectVerifyFail:
			verifies = append(verifies, h)
		case RectInformCustomer:
			informed = &h
		case RectClose:
			closed = &h
		}
	}
	if len(verifies) != len(r.Verifications) {
		bad("item.verifications", "%d, but the lifecycle verified %d times", len(r.Verifications), len(verifies))
	}
	prev := 0
	for i, v := range r.Verifications {
		p := pathf("item.verifications[%d]", i)
		if i < len(verifies) && (!v.At.Equal(verifies[i].At) || v.Passed != (verifies[i].Event == RectVerifyPass)) {
			bad(p, "passed %v at %v, but the lifecycle's %s was at %v", v.Passed, v.At, verifies[i].Event, verifies[i].At)
		}
		if v.Actions < max(prev, 1) || v.Actions > len(r.Actions) {
			bad(p+".actions", "%d of %d actions (after %d)", v.Actions, len(r.Actions), prev)
		}
		prev = v.Actions
	}
	switch {
	case (informed == nil) != (r.Notice == nil):
		bad("item.notice", "present %v, but the customer informed %v", r.Notice != nil, informed != nil)
	case informed != nil && !r.Notice.At.Equal(informed.At):
		bad("item.notice.at", "%v, but the customer was informed at %v", r.Notice.At, informed.At)
	}
	switch {
	case (closed == nil) != r.ClosedAt.IsZero():
		bad("item.closed_at", "closed_at set %v but state is %s", !r.ClosedAt.IsZero(), m.State())
	case closed != nil && !r.ClosedAt.Equal(closed.At):
		bad("item.closed_at", "%v, but the item closed at %v", r.ClosedAt, closed.At)
	}
	if s := m.State(); s != RectOpen && s != RectInProgress {
		if err := actionsDone(r); err != nil {
			bad("item.actions", "%v, but the item is %s", err, s)
		}
	}
	if m.FirstResponder() == "" || m.Owner() == "" {
		bad("lifecycle.owner", "an item always has an owner and a first responder")
	}
	return errors.Join(errs...)
}

// actionsDone says why the work of r is not all done, or nil.
func actionsDone(r Rectification) error {
	done := len(r.Actions) > 0
	for _, a := range r.Actions {
		done = done && a.Done()
	}
	if !done {
		return fmt.Errorf("%w: an action is not done, or there is none", ErrActionsIncomplete)
	}
	return nil
}

// rectClock is the status of the clock in each state.
var rectClock = map[fsm.State]sla.Status{
	RectOpen: sla.Running, RectInProgress: sla.Running, RectDone: sla.Paused,
	RectVerified: sla.Stopped, RectCustomerInformed: sla.Stopped, RectClosed: sla.Stopped,
}

// check compares a restored item with its record on the timeline.
func (rs *Rectifications) check(it *cases.Item[Rectification], rec sla.RecordSnapshot) error {
	spec := rs.specs.of(it.Rec.Category)
	last := it.Rec.OpenedAt
	for _, h := range it.M.History() {
		if h.Event == RectComplete || h.Event == RectVerifyPass || h.Event == RectVerifyFail {
			last = h.At
		}
	}
	return checkClock(rec, spec, it.Rec.Category, rectClock[it.M.State()], last)
}
