// Package cases is the case engine the time-driven engines of sqkit share
// (incidents, obligations, rectification items, return visits): items keyed
// by id, each with a lifecycle fsm machine and clocks or a timer on a
// timeline (an sla.Tracker), a guard against time running backwards,
// handler fan-out after the lock is released, and one snapshot envelope.
// The public engines are thin domain layers on it.
//
// An engine schedules under its own namespace, on the tracker its host
// passes it or on a private one. The clocks of item id live in the record
// (namespace, id) of the tracker, so the engine routes every event of the
// namespace to the item with that id.
package cases

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/sqerr"
	"github.com/sqkit/sqkit/sla"
)

// Item is one case: its domain record, its lifecycle machine (nil for
// engines without one) and the latest instant recorded on it.
type Item[R any] struct {
	ID   string
	Rec  R
	M    *fsm.Machine
	Last time.Time
}

// Key returns the key of the item's clock measuring metric.
func (it *Item[R]) Key(ns string, metric sla.Metric) sla.ClockKey {
	return sla.ClockKey{Namespace: ns, ID: it.ID, Metric: metric}
}

// Spec describes the domain of an engine.
type Spec[R, E any] struct {
	// Noun names an item in errors ("rectification", "return visit").
	Noun string
	// Namespace is the engine's default namespace on the timeline.
	Namespace string
	// Errors holds the package's sentinels.
	NotFound, Duplicate, Invalid error
	// OnEvent turns an event of an item's clock or timer into domain events;
	// it runs under the engine's lock and must not call the engine. it is
	// nil for an event whose item is gone.
	OnEvent func(it *Item[R], ev sla.Event) []E
	// Resolve turns the target recorded in a private timeline's snapshot
	// back into the engine's spec (nil: the timeline's default resolver).
	Resolve func(sla.SpecDef) (*sla.Spec, error)
}

// Options are the engine options every public engine accepts.
type Options struct {
	Clock     clock.Clock
	Tracker   *sla.Tracker
	Namespace string
	// Logger receives the engine's log (nil: none): items opened and
	// changed and deadlines delivered at Debug, with ids only.
	Logger *slog.Logger
}

// Engine holds the items of one engine. It is safe for concurrent use;
// handlers run outside its lock.
type Engine[R, E any] struct {
	spec     Spec[R, E]
	clk      clock.Clock
	tr       *sla.Tracker
	ns       string
	private  bool
	mu       sync.Mutex
	items    map[string]*Item[R]
	handlers []func(E) // copy on write
	log      *slog.Logger
}

// New returns an empty engine on o.Tracker (registering its namespace) or,
// when o.Tracker is nil, on a private tracker of its own.
func New[R, E any](spec Spec[R, E], o Options) (*Engine[R, E], error) {
	e := newEngine(spec, o)
	if e.private {
		e.tr = sla.NewTracker(sla.WithClock(e.clk))
	}
	if err := e.tr.Register(e.ns, e.deliver); err != nil {
		return nil, err
	}
	return e, nil
}

func newEngine[R, E any](spec Spec[R, E], o Options) *Engine[R, E] {
	e := &Engine[R, E]{spec: spec, clk: o.Clock, tr: o.Tracker, ns: cmp.Or(o.Namespace, spec.Namespace),
		items: map[string]*Item[R]{}, log: o.Logger}
	if e.clk == nil && e.tr != nil {
		e.clk = e.tr.TimeSource()
	}
	if e.clk == nil {
		e.clk = clock.New()
	}
	e.private = e.tr == nil
	return e
}

// Clock returns the engine's time source.
func (e *Engine[R, E]) Clock() clock.Clock { return e.clk }

// Tracker returns the timeline the engine schedules on.
func (e *Engine[R, E]) Tracker() *sla.Tracker { return e.tr }

// Namespace returns the engine's namespace on the timeline.
func (e *Engine[R, E]) Namespace() string { return e.ns }

// OnEvent registers a domain event handler.
func (e *Engine[R, E]) OnEvent(h func(E)) {
	if h == nil {
		return
	}
	e.mu.Lock()
	e.handlers = append(slices.Clip(e.handlers), h)
	e.mu.Unlock()
}

// Emit calls the handlers with events, in order, with no lock held.
func (e *Engine[R, E]) Emit(events []E) {
	if len(events) == 0 {
		return
	}
	e.mu.Lock()
	hs := e.handlers
	e.mu.Unlock()
	for _, ev := range events {
		for _, h := range hs {
			h(ev)
		}
	}
}

// Debug logs msg at Debug with the engine's namespace and args (ids only,
// never customer text), when the engine has a logger that wants it.
func (e *Engine[R, E]) Debug(msg string, args ...any) {
	if e.log != nil && e.log.Enabled(context.Background(), slog.LevelDebug) {
		e.log.Debug(msg, append([]any{"namespace", e.ns}, args...)...)
	}
}

// Warn logs a failure the engine could not return to a caller (it happened
// while a deadline was delivered).
func (e *Engine[R, E]) Warn(msg string, args ...any) {
	if e.log != nil {
		e.log.Warn(msg, append([]any{"namespace", e.ns}, args...)...)
	}
}

// deliver is the engine's handler on the timeline.
func (e *Engine[R, E]) deliver(ev sla.Event) {
	e.Debug("case deadline", "record", ev.ID.Clock, "event_id", ev.ID.String(), "kind", ev.ID.Kind.String(), "at", ev.At)
	e.mu.Lock()
	out := e.spec.OnEvent(e.items[ev.ID.Clock], ev)
	e.mu.Unlock()
	e.Emit(out)
}

// Locked runs f under the engine's lock and emits the events it returns
// after the lock is released.
func (e *Engine[R, E]) Locked(f func() ([]E, error)) error {
	e.mu.Lock()
	events, err := f()
	e.mu.Unlock()
	e.Emit(events)
	return err
}

// Add adds a new item built by create (under the lock) at instant at, or
// fails with the Duplicate sentinel when id is taken. create starts the
// item's clocks.
func (e *Engine[R, E]) Add(at time.Time, id string, create func() (*Item[R], []E, error)) (*Item[R], error) {
	var it *Item[R]
	err := e.Locked(func() ([]E, error) {
		if _, dup := e.items[id]; dup {
			return nil, fmt.Errorf("%w: %s %q", e.spec.Duplicate, e.spec.Noun, id)
		}
		var events []E
		var err error
		it, events, err = create()
		if err != nil {
			return nil, err
		}
		it.ID, it.Last = id, at
		e.items[id] = it
		return events, nil
	})
	if err == nil {
		e.Debug("case opened", "record", id, "at", at)
	}
	return it, err
}

// Do runs op on item id at instant at under the lock: it refuses an unknown
// id (NotFound) and an instant zero or before the item's last one (an error
// wrapping sqerr.ErrTimeBackwards, shaped by wrap), then records at as the
// item's latest instant when op succeeds. The events op returns are emitted
// after the lock is released.
func (e *Engine[R, E]) Do(at time.Time, id string, wrap func(*Item[R], error) error, op func(*Item[R]) ([]E, error)) (*Item[R], error) {
	var it *Item[R]
	err := e.Locked(func() ([]E, error) {
		it = e.items[id]
		if it == nil {
			return nil, fmt.Errorf("%w: %s %q", e.spec.NotFound, e.spec.Noun, id)
		}
		if at.IsZero() || at.Before(it.Last) {
			return nil, wrap(it, fmt.Errorf("%w: %v is before %v", sqerr.ErrTimeBackwards, at, it.Last))
		}
		events, err := op(it)
		if err != nil {
			return nil, err
		}
		it.Last = at
		return events, nil
	})
	if err == nil {
		e.Debug("case changed", "record", id, "at", at, "state", stateOf(it))
	}
	return it, err
}

func stateOf[R any](it *Item[R]) string {
	if it.M == nil {
		return ""
	}
	return string(it.M.State())
}

// Get calls view on item id under the lock.
func Get[R, E, V any](e *Engine[R, E], id string, view func(*Item[R]) V) (V, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	it := e.items[id]
	if it == nil {
		var zero V
		return zero, false
	}
	return view(it), true
}

// List returns view of every item, ordered by order.
func List[R, E, V any](e *Engine[R, E], view func(*Item[R]) V, order func(a, b *Item[R]) int) []V {
	e.mu.Lock()
	defer e.mu.Unlock()
	return listLocked(e, view, order)
}

// listLocked is List with e.mu held.
func listLocked[R, E, V any](e *Engine[R, E], view func(*Item[R]) V, order func(a, b *Item[R]) int) []V {
	items := make([]*Item[R], 0, len(e.items))
	for _, it := range e.items {
		items = append(items, it)
	}
	slices.SortFunc(items, order)
	out := make([]V, len(items))
	for i, it := range items {
		out[i] = view(it)
	}
	return out
}

// Len returns the number of items.
func (e *Engine[R, E]) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.items)
}

// ByTimeThenID orders items by the instant key gives, then by id.
func ByTimeThenID[R any](key func(*Item[R]) time.Time) func(a, b *Item[R]) int {
	return func(a, b *Item[R]) int {
		return cmp.Or(key(a).Compare(key(b)), cmp.Compare(a.ID, b.ID))
	}
}

// LatestRecorded returns the latest of from, the machine's transitions and
// transfers, and more: the instant a restored item's next operation may not
// precede.
func LatestRecorded(from time.Time, m *fsm.Machine, more ...time.Time) time.Time {
	last := from
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	if m != nil {
		for _, h := range m.History() {
			later(h.At)
		}
		for _, t := range m.Transfers() {
			later(t.At)
		}
	}
	for _, t := range more {
		later(t)
	}
	return last
}

// ErrNoTimeline is joined to a restore error when an engine on a private
// timeline gets a snapshot without one, or an engine on a shared timeline
// gets a snapshot with one.
var ErrNoTimeline = errors.New("the snapshot's timeline does not fit the engine")
