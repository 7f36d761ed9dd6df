package feedback

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// CaseEvent is what every SLA event of an engine's item carries: a stable
// id (namespace, item, metric, kind, cycle, step), so that a host can
// deduplicate at-least-once delivery; the kind; the event's own instant,
// never the later one at which it was delivered, in the location of the
// deadline's calendar; and the item's lifecycle state when it was
// delivered.
type CaseEvent struct {
	ID    sla.EventID `json:"id"`
	Kind  sla.Kind    `json:"kind"`
	At    time.Time   `json:"at"`
	State fsm.State   `json:"state,omitempty"`
}

// Overdue reports whether the event says the item is overdue: a breach, or
// a reminder after it.
func (e CaseEvent) Overdue() bool { return e.Kind == sla.Breach || e.Kind == sla.Reminder }

// caseEvent is the part of ev every engine's event carries, at in loc.
func caseEvent(ev sla.Event, loc *time.Location, state fsm.State) CaseEvent {
	return CaseEvent{ID: ev.ID, Kind: ev.ID.Kind, At: in(ev.At, loc), State: state}
}

// in returns t in loc, leaving the zero instant and a nil loc alone.
func in(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() || loc == nil {
		return t
	}
	return t.In(loc)
}

// copyIn returns a copy of *p with the instant at points to in loc, or nil
// for a nil p.
func copyIn[T any](p *T, loc *time.Location, at func(*T) *time.Time) *T {
	if p == nil {
		return nil
	}
	c := *p
	inAll(loc, at(&c))
	return &c
}

// inAll moves the instants ts point to into loc (see in).
func inAll(loc *time.Location, ts ...*time.Time) {
	for _, t := range ts {
		*t = in(*t, loc)
	}
}

// historyIn returns the machine's history with its instants in loc.
func historyIn(m *fsm.Machine, loc *time.Location) []fsm.Record {
	h := m.History()
	for i := range h {
		inAll(loc, &h[i].At)
	}
	return h
}

// calendarLocation returns the location of a calendar that has one (an
// *sla.Calendar does), else nil.
func calendarLocation(bt sla.BusinessTime) *time.Location {
	if c, ok := bt.(interface{ Location() *time.Location }); ok {
		return c.Location()
	}
	return nil
}

// dueOf returns the instant the clock under key falls (or fell) due, zero
// when it is not determined (see sla.Clock.Due).
func dueOf(tr *sla.Tracker, key sla.ClockKey) time.Time {
	if c, ok := tr.Clock(key); ok {
		if due, ok := c.Due(); ok {
			return due
		}
	}
	return time.Time{}
}

// sameDef reports whether two targets are the same, compared as the JSON a
// snapshot stores them in.
func sameDef(a, b sla.SpecDef) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(x) == string(y)
}

// checkClock checks that a record holds one clock and no timer: on spec,
// labelled priority, in its first cycle, in status want, last changed at
// last.
func checkClock(rec sla.RecordSnapshot, spec *sla.Spec, priority string, want sla.Status, last time.Time) error {
	if len(rec.Clocks) != 1 || rec.Timer != nil {
		return fieldErr("clock", "has no SLA clock (or more than one, or a timer): %d clocks", len(rec.Clocks))
	}
	c := rec.Clocks[0]
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	if !sameDef(c.Clock.Spec, spec.Def()) {
		bad("clock.spec", "deadline %s within %s on %q is not the configured one", c.Clock.Spec.Metric, c.Clock.Spec.Within, c.Clock.Spec.Calendar)
	}
	if c.Priority != priority {
		bad("clock.priority", "%q, want %q", c.Priority, priority)
	}
	if c.Clock.Status != want || c.Clock.Cycle != 1 {
		bad("clock.status", "%s in cycle %d, but the lifecycle implies %s in cycle 1", c.Clock.Status, c.Clock.Cycle, want)
	}
	if !c.Clock.LastChange.Equal(last) {
		bad("clock.last_change", "%v, but the lifecycle last moved it at %v", c.Clock.LastChange, last)
	}
	return errors.Join(errs...)
}
