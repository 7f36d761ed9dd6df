package feedback

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// loop is what Rectifications and ReturnVisits share: the case engine
// (items keyed by id, a lifecycle machine each, the SLA clock in the record
// of the item's id in the engine's namespace, the time guard, events after
// the lock is released), the timeline it schedules on, and the reads of
// items as plain values.
type loop[R, E any] struct {
	eng  *cases.Engine[R, E]
	noun string // "rectification", "return visit"
	// view returns a copy of an item with its derived fields; it runs
	// under the engine's lock.
	view func(it *cases.Item[R]) R
	// since is the instant an item was opened (the order of List).
	since func(r *R) time.Time
	// overdue reports whether an item is overdue at an instant, due its
	// deadline, and id its id.
	overdue func(r *R, at time.Time) bool
	due     func(r *R) time.Time
	id      func(r *R) string
}

// AdvanceTo delivers, in deadline order, every event of the engine's
// timeline due at or before at, and returns how many it delivered (see
// sla.Tracker.AdvanceTo). On the host's timeline (WithTracker) that is
// every engine's events: the host may as well call its tracker's
// AdvanceTo.
func (x *loop[R, E]) AdvanceTo(at time.Time) int { return x.eng.Tracker().AdvanceTo(at) }

// Advance is AdvanceTo at the clock's current time.
func (x *loop[R, E]) Advance() int { return x.AdvanceTo(x.eng.Clock().Now()) }

// Run delivers the events of the engine's timeline as they fall due on the
// timeline's clock until ctx ends (see sla.Tracker.Run); it returns
// ctx.Err(). On the host's timeline, run the tracker once instead.
func (x *loop[R, E]) Run(ctx context.Context) error { return x.eng.Tracker().Run(ctx) }

// NextDeadline returns the instant of the earliest undelivered event of
// the engine's timeline.
func (x *loop[R, E]) NextDeadline() (time.Time, bool) { return x.eng.Tracker().NextDeadline() }

// Tracker returns the timeline the engine schedules on: the host's
// (WithTracker) or its own.
func (x *loop[R, E]) Tracker() *sla.Tracker { return x.eng.Tracker() }

// Namespace returns the engine's namespace on its timeline.
func (x *loop[R, E]) Namespace() string { return x.eng.Namespace() }

// Len returns the number of items.
func (x *loop[R, E]) Len() int { return x.eng.Len() }

// order is the order of List and of snapshots: opening instant, then id.
func (l *loop[R, E]) order() func(a, b *cases.Item[R]) int {
	return cases.ByTimeThenID(func(it *cases.Item[R]) time.Time { return l.since(&it.Rec) })
}

// get returns a copy of item id.
func (l *loop[R, E]) get(id string) (R, error) {
	r, ok := cases.Get(l.eng, id, l.view)
	if !ok {
		return r, fmt.Errorf("%w: %s %q", ErrNotFound, l.noun, id)
	}
	return r, nil
}

// list returns copies of every item, by opening instant, then id.
func (l *loop[R, E]) list() []R { return cases.List(l.eng, l.view, l.order()) }

// overdueAt returns the items overdue at at, by deadline, then id.
func (l *loop[R, E]) overdueAt(at time.Time) []R {
	var out []R
	for _, r := range l.list() {
		if l.overdue(&r, at) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b R) int { return cmp.Or(l.due(&a).Compare(l.due(&b)), cmp.Compare(l.id(&a), l.id(&b))) })
	return out
}

// AttainmentAt returns the deadline attainment of the engine's items at at
// (sla.Tracker.AttainmentAt in the engine's namespace), by metric and by
// the clocks' priority label: the category of a rectification item, the
// mode of a return visit. Met means the work was done (the item verified,
// the visit made) within its deadline; closed items stay counted,
// cancelled visits are not.
func (x *loop[R, E]) AttainmentAt(at time.Time) []sla.Attainment {
	return x.eng.Tracker().AttainmentAt(at, x.eng.Namespace())
}

// do runs op on item id at at under the engine's lock, after the time
// guard (whose error wrap shapes), and returns a copy of the item.
func (l *loop[R, E]) do(at time.Time, id string, wrap func(it *cases.Item[R], err error) error, op func(it *cases.Item[R]) error) (R, error) {
	var out R
	_, err := l.eng.Do(at, id, wrap, func(it *cases.Item[R]) ([]E, error) {
		if err := op(it); err != nil {
			return nil, err
		}
		out = l.view(it)
		return nil, nil
	})
	return out, err
}

// fire fires ev on the item's machine at at, shaping a refusal with wrap.
func fire[R any](it *cases.Item[R], at time.Time, ev fsm.Event, by fsm.By, wrap func(it *cases.Item[R], err error) error) error {
	if _, err := it.M.FireAt(context.Background(), at, ev, by); err != nil {
		return wrap(it, err)
	}
	return nil
}
