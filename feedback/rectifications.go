package feedback

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// RectificationsNamespace is the default namespace of Rectifications on
// its timeline (WithNamespace changes it).
const RectificationsNamespace = "feedback.rectifications"

// Rectifications holds rectification items: each runs its lifecycle on an
// fsm.Machine of [RectificationDefinition] and its deadline on an SLA clock
// in the record of the item's id, under the engine's namespace, on the
// host's timeline (WithTracker) or on a private one. The clock runs while
// the item is open or in progress, pauses when the item is done (waiting
// for verification), resumes if the verification fails and stops when it
// passes, so the deadline measures the corrective work, not the wait for
// the check. A closed item keeps its stopped clock, so that events not yet
// delivered (such as met) and the attainment figures survive.
//
// SLA events (warnings, the breach that makes an item overdue, reminders,
// met) reach the handlers registered with OnEvent when the timeline
// delivers them. The attainment figures (AttainmentAt) are per category:
// the clock's priority label is the item's category, and met means
// verified within the deadline.
//
// Every operation takes its time from the clock (WithClock) or, in its
// ...At form, explicitly and first; an instant before the item's last
// change is refused with a *RectificationError matching ErrTimeBackwards.
// A Rectifications is safe for concurrent use; Get and List return copies.
type Rectifications struct {
	loop[Rectification, RectificationEvent]
	cfg   RectificationConfig
	specs rectSpecs
}

// NewRectifications returns an empty set of items with deadlines chosen by
// cfg. It reads the options WithClock, WithTracker, WithNamespace and
// WithCalendars (for the calendars cfg's targets name).
func NewRectifications(cfg RectificationConfig, opts ...Option) (*Rectifications, error) {
	rs, o, err := newRectifications(cfg, opts)
	if err != nil {
		return nil, err
	}
	rs.eng, err = cases.New(rs.spec(), o.engine())
	if err != nil {
		return nil, err
	}
	return rs, nil
}

func newRectifications(cfg RectificationConfig, opts []Option) (*Rectifications, options, error) {
	o := buildOptions(opts)
	cfg, specs, err := cfg.withDefaults(o)
	if err != nil {
		return nil, o, err
	}
	rs := &Rectifications{cfg: cfg, specs: specs}
	rs.loop = loop[Rectification, RectificationEvent]{
		noun: "rectification", view: rs.view,
		since:   func(r *Rectification) time.Time { return r.OpenedAt },
		overdue: func(r *Rectification, at time.Time) bool { return r.OverdueAt(at) },
		due:     func(r *Rectification) time.Time { return r.Due },
		id:      func(r *Rectification) string { return r.ID },
	}
	return rs, o, nil
}

// spec describes the engine to the case engine.
func (rs *Rectifications) spec() cases.Spec[Rectification, RectificationEvent] {
	return cases.Spec[Rectification, RectificationEvent]{
		Noun: "rectification", Namespace: RectificationsNamespace,
		NotFound: ErrNotFound, Duplicate: ErrDuplicate, Invalid: ErrInvalidConfig,
		OnEvent: rs.event, Resolve: rs.resolve,
	}
}

// OnEvent registers a handler of the items' SLA events: handlers run in
// registration order, in the goroutine that advances the timeline, with no
// lock held, and may call any method except AdvanceTo, Advance and Run.
func (rs *Rectifications) OnEvent(h func(RectificationEvent)) { rs.eng.OnEvent(h) }

// Get returns a copy of item id, or an error matching ErrNotFound.
func (rs *Rectifications) Get(id string) (Rectification, error) { return rs.get(id) }

// List returns copies of every item, by opening time then id.
func (rs *Rectifications) List() []Rectification { return rs.list() }

// Overdue is OverdueAt at the clock's current time.
func (rs *Rectifications) Overdue() []Rectification { return rs.overdueAt(rs.eng.Clock().Now()) }

// OverdueAt returns the items overdue at at: its corrective work is not done (open or in progress) and
// the deadline reached (due at t means overdue from t), by deadline then id.
func (rs *Rectifications) OverdueAt(at time.Time) []Rectification { return rs.overdueAt(at) }

// Config returns the configuration with its defaults filled in.
func (rs *Rectifications) Config() RectificationConfig {
	c := rs.cfg
	d := *c.Deadline
	c.Deadline = &d
	c.ByCategory = maps.Clone(c.ByCategory)
	return c
}

// event turns an event of an item's clock into a RectificationEvent (under
// the engine's lock).
func (rs *Rectifications) event(it *cases.Item[Rectification], ev sla.Event) []RectificationEvent {
	out := RectificationEvent{CaseEvent: caseEvent(ev, nil, ""), Item: ev.ID.Clock, Category: ev.Priority}
	if it != nil {
		out.CaseEvent = caseEvent(ev, rs.location(it), it.M.State())
		out.Category, out.Owner = it.Rec.Category, it.M.Owner()
	}
	return []RectificationEvent{out}
}

// resolve finds the configured target a private timeline's clock names.
func (rs *Rectifications) resolve(def sla.SpecDef) (*sla.Spec, error) {
	for _, s := range append([]*sla.Spec{rs.specs.def}, slices.Collect(maps.Values(rs.specs.by))...) {
		if sameDef(def, s.Def()) {
			return s, nil
		}
	}
	return nil, fieldErr("spec", "deadline %s within %s on %q is not in the configuration", def.Metric, def.Within, def.Calendar)
}

// location is the location of the item's deadline calendar.
func (rs *Rectifications) location(it *cases.Item[Rectification]) *time.Location {
	return calendarLocation(rs.specs.of(it.Rec.Category).Calendar())
}

// key is the key of the item's clock.
func (rs *Rectifications) key(it *cases.Item[Rectification]) sla.ClockKey {
	return it.Key(rs.eng.Namespace(), rs.specs.of(it.Rec.Category).Metric())
}

// view returns a copy of the item with its derived fields, its instants in
// its calendar's location. Called under the engine's lock.
func (rs *Rectifications) view(it *cases.Item[Rectification]) Rectification {
	loc := rs.location(it)
	r := it.Rec
	r.Due = dueOf(rs.eng.Tracker(), rs.key(it))
	r = r.clone(loc)
	r.State, r.Owner, r.FirstResponder, r.History = it.M.State(), it.M.Owner(), it.M.FirstResponder(), historyIn(it.M, loc)
	return r
}

// clone returns a deep copy with its instants in loc (nil: as recorded).
func (r *Rectification) clone(loc *time.Location) Rectification {
	c := *r
	c.Actions, c.Verifications, c.History = slices.Clone(r.Actions), slices.Clone(r.Verifications), slices.Clone(r.History)
	inAll(loc, &c.OpenedAt, &c.ClosedAt, &c.Due)
	for i := range c.Actions {
		inAll(loc, &c.Actions[i].AddedAt, &c.Actions[i].DoneAt)
	}
	for i := range c.Verifications {
		inAll(loc, &c.Verifications[i].At)
	}
	c.Notice = copyIn(r.Notice, loc, func(n *Notice) *time.Time { return &n.At })
	return c
}

// Open adds a new item in state open, now; see OpenAt.
func (rs *Rectifications) Open(in RectificationInput) (Rectification, error) {
	return rs.OpenAt(rs.eng.Clock().Now(), in)
}

// OpenAt adds a new item in state open at at: it validates in, assigns the
// owner (who becomes the first responder) and starts the item's SLA clock
// on the deadline of its category. It returns ErrDuplicate for an id
// already in use.
func (rs *Rectifications) OpenAt(at time.Time, in RectificationInput) (Rectification, error) {
	err := in.Validate()
	if at.IsZero() {
		err = errors.Join(err, fieldErr("opened_at", "zero time"))
	}
	if err != nil {
		return Rectification{}, err
	}
	var out Rectification
	_, err = rs.eng.Add(at, in.ID, func() (*cases.Item[Rectification], []RectificationEvent, error) {
		m, err := fsm.NewMachine(rectDefinition, fsm.WithID(in.ID), fsm.WithClock(rs.eng.Clock()))
		if err != nil {
			return nil, nil, err
		}
		if _, err := m.AssignAt(at, in.Owner, fsm.By{Actor: in.By, Reason: "opened"}); err != nil {
			return nil, nil, err
		}
		it := &cases.Item[Rectification]{ID: in.ID, M: m, Rec: Rectification{
			ID: in.ID, Source: in.Source, Category: in.Category, Problem: in.Problem,
			Actions: make([]CorrectiveAction, len(in.Actions)), OpenedAt: at,
		}}
		for i, a := range in.Actions {
			it.Rec.Actions[i] = newAction(a, in.Owner, at)
		}
		if err := rs.eng.Tracker().StartAt(at, rs.key(it), rs.specs.of(in.Category), in.Category); err != nil {
			return nil, nil, err
		}
		out = rs.view(it)
		return it, nil, nil
	})
	return out, err
}

// newAction returns a new action added at at: not done, owned by owner
// unless it names its own.
func newAction(a CorrectiveAction, owner string, at time.Time) CorrectiveAction {
	a.DoneAt, a.DoneBy, a.AddedAt = time.Time{}, "", at
	if a.Owner == "" {
		a.Owner = owner
	}
	return a
}

// op runs f on item id at at: the time guard, then f, which does the
// item's own checks, fires the lifecycle event and updates the SLA clock.
func (rs *Rectifications) op(at time.Time, id, name string, f func(it *cases.Item[Rectification]) error) (Rectification, error) {
	return rs.do(at, id, rectErr(name), f)
}

// rectErr shapes a refusal of operation op as a *RectificationError.
func rectErr(op string) func(it *cases.Item[Rectification], err error) error {
	return func(it *cases.Item[Rectification], err error) error {
		return &RectificationError{ItemID: it.ID, Op: op, State: it.M.State(), Err: err}
	}
}

// clockErr reports an SLA clock failure after the lifecycle moved; the
// state mapping makes it impossible short of a bug.
func clockErr(noun, id, op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("feedback: %s %q: %s: SLA clock out of step: %w", noun, id, op, err)
}

// Start moves item id from open to in progress, now.
func (rs *Rectifications) Start(id string, by fsm.By) (Rectification, error) {
	return rs.StartAt(rs.eng.Clock().Now(), id, by)
}

// StartAt is Start at an explicit instant.
func (rs *Rectifications) StartAt(at time.Time, id string, by fsm.By) (Rectification, error) {
	return rs.op(at, id, "Start", func(it *cases.Item[Rectification]) error {
		return fire(it, at, RectStart, by, rectErr("Start"))
	})
}
