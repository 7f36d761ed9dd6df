package feedback

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// Book keeps PDCA cycles and applies operations to them with the time taken
// from its clock (WithClock); every operation also has an ...At form taking
// the instant explicitly, first. It is safe for concurrent use; Get and
// List return copies, so a caller never holds a reference into the book.
type Book struct {
	mu     sync.Mutex
	clock  clock.Clock
	cycles map[string]*Cycle
}

// NewBook returns an empty Book. It reads one option, WithClock (default
// clock.New()).
func NewBook(opts ...Option) *Book {
	return &Book{clock: buildOptions(opts).clock, cycles: make(map[string]*Cycle)}
}

// Open adds a new cycle in the Plan phase, opened now by the book's clock.
func (b *Book) Open(id string, plan Plan) (Cycle, error) {
	return b.OpenAt(b.clock.Now(), id, plan)
}

// OpenAt is Open at an explicit instant.
func (b *Book) OpenAt(at time.Time, id string, plan Plan) (Cycle, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.cycles[id]; dup {
		return Cycle{}, fmt.Errorf("%w: cycle %q", ErrDuplicate, id)
	}
	c, err := NewCycle(at, id, plan)
	if err != nil {
		return Cycle{}, err
	}
	b.cycles[id] = c
	return c.clone(), nil
}

// with runs op on cycle id under the lock. op is one of this package's
// Cycle methods, never user code.
func (b *Book) with(id string, op func(c *Cycle) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.cycles[id]
	if !ok {
		return fmt.Errorf("%w: cycle %q", ErrNotFound, id)
	}
	return op(c)
}

// StartDo moves cycle id from Plan to Do now.
func (b *Book) StartDo(id string) error { return b.StartDoAt(b.clock.Now(), id) }

// StartDoAt is StartDo at an explicit instant.
func (b *Book) StartDoAt(at time.Time, id string) error {
	return b.with(id, func(c *Cycle) error { return c.StartDo(at) })
}

// UpdateAction records progress on an action of cycle id now.
func (b *Book) UpdateAction(id, actionID string, progress int, note string) error {
	return b.UpdateActionAt(b.clock.Now(), id, actionID, progress, note)
}

// UpdateActionAt is UpdateAction at an explicit instant.
func (b *Book) UpdateActionAt(at time.Time, id, actionID string, progress int, note string) error {
	return b.with(id, func(c *Cycle) error { return c.UpdateAction(at, actionID, progress, note) })
}

// StartCheck moves cycle id from Do to Check now.
func (b *Book) StartCheck(id string) error { return b.StartCheckAt(b.clock.Now(), id) }

// StartCheckAt is StartCheck at an explicit instant.
func (b *Book) StartCheckAt(at time.Time, id string) error {
	return b.with(id, func(c *Cycle) error { return c.StartCheck(at) })
}

// Check records a check of cycle id now; see Cycle.Check.
func (b *Book) Check(id string, w Window, measured Figure) (CheckResult, error) {
	return b.CheckAt(b.clock.Now(), id, w, measured)
}

// CheckAt is Check at an explicit instant.
func (b *Book) CheckAt(at time.Time, id string, w Window, measured Figure) (CheckResult, error) {
	var r CheckResult
	err := b.with(id, func(c *Cycle) error {
		var err error
		r, err = c.Check(at, w, measured)
		return err
	})
	return r, err
}

// Standardise records the change of cycle id as standard practice now.
func (b *Book) Standardise(id, standard string) error {
	return b.StandardiseAt(b.clock.Now(), id, standard)
}

// StandardiseAt is Standardise at an explicit instant.
func (b *Book) StandardiseAt(at time.Time, id, standard string) error {
	return b.with(id, func(c *Cycle) error { return c.Standardise(at, standard) })
}

// StartNext decides now to continue cycle id in a new cycle nextID, which
// is added to the book in its Plan phase.
func (b *Book) StartNext(id, nextID string, plan Plan) (Cycle, error) {
	return b.StartNextAt(b.clock.Now(), id, nextID, plan)
}

// StartNextAt is StartNext at an explicit instant.
func (b *Book) StartNextAt(at time.Time, id, nextID string, plan Plan) (Cycle, error) {
	var out Cycle
	err := b.with(id, func(c *Cycle) error {
		if _, dup := b.cycles[nextID]; dup {
			return fmt.Errorf("%w: cycle %q", ErrDuplicate, nextID)
		}
		next, err := c.StartNext(at, nextID, plan)
		if err == nil {
			b.cycles[nextID] = next
			out = next.clone() // under the lock: the new cycle is reachable by id now
		}
		return err
	})
	if err != nil {
		return Cycle{}, err
	}
	return out, nil
}

// Close ends cycle id after Act, now.
func (b *Book) Close(id string) error { return b.CloseAt(b.clock.Now(), id) }

// CloseAt is Close at an explicit instant.
func (b *Book) CloseAt(at time.Time, id string) error {
	return b.with(id, func(c *Cycle) error { return c.Close(at) })
}

// Get returns a copy of cycle id.
func (b *Book) Get(id string) (Cycle, error) {
	var out Cycle
	err := b.with(id, func(c *Cycle) error {
		out = c.clone()
		return nil
	})
	return out, err
}

// List returns copies of every cycle, by opening time then id.
func (b *Book) List() []Cycle {
	b.mu.Lock()
	out := make([]Cycle, 0, len(b.cycles))
	for _, c := range b.cycles {
		out = append(out, c.clone())
	}
	b.mu.Unlock()
	slices.SortFunc(out, func(a, b Cycle) int { return cmp.Or(a.OpenedAt.Compare(b.OpenedAt), cmp.Compare(a.ID, b.ID)) })
	return out
}

// OverdueAction is an action past its deadline, with its cycle.
type OverdueAction struct {
	CycleID string `json:"cycle_id"`
	Action  Action `json:"action"`
}

// Overdue returns the actions of open cycles that are overdue now (by the
// book's clock), by deadline.
func (b *Book) Overdue() []OverdueAction {
	return b.OverdueAt(b.clock.Now())
}

// OverdueAt returns the actions of open cycles that are overdue at at (not
// done, deadline reached), by deadline.
func (b *Book) OverdueAt(at time.Time) []OverdueAction {
	var out []OverdueAction
	for _, c := range b.List() {
		if c.Phase == PhaseClosed {
			continue
		}
		for _, a := range c.OverdueActions(at) {
			out = append(out, OverdueAction{CycleID: c.ID, Action: a})
		}
	}
	slices.SortStableFunc(out, func(x, y OverdueAction) int { return x.Action.Deadline.Compare(y.Action.Deadline) })
	return out
}

// BookSnapshotVersion is the format version of BookSnapshot. RestoreBook
// reads it and version 1 (which wrote zero instants instead of leaving them
// out); it refuses any other with an error naming it.
const BookSnapshotVersion = 2

// BookSnapshot is the serialisable state of a Book.
type BookSnapshot struct {
	Version int     `json:"version"`
	Cycles  []Cycle `json:"cycles"`
}

// Snapshot returns the book's state as a plain value (store it as JSON).
func (b *Book) Snapshot() BookSnapshot {
	return BookSnapshot{Version: BookSnapshotVersion, Cycles: b.List()}
}

// RestoreBook rebuilds a Book from a snapshot, checking each cycle as the
// operations would have made it (Cycle.Validate), refusing repeated ids
// and links between cycles that continuing a cycle would not make, and
// reporting every problem at once. It reads one option, WithClock.
func RestoreBook(s BookSnapshot, opts ...Option) (*Book, error) {
	var errs []error
	if s.Version != 1 && s.Version != BookSnapshotVersion {
		errs = append(errs, fieldErr("version", "format version %d, want %d", s.Version, BookSnapshotVersion))
	}
	b := NewBook(opts...)
	for i, c := range s.Cycles {
		if err := c.Validate(); err != nil {
			errs = append(errs, prefix(pathf("cycles[%d]", i), err))
			continue
		}
		if _, dup := b.cycles[c.ID]; dup {
			errs = append(errs, fmt.Errorf("cycles[%d]: %w: cycle %q", i, ErrDuplicate, c.ID))
			continue
		}
		cc := c.clone()
		b.cycles[c.ID] = &cc
	}
	if len(errs) == 0 {
		errs = append(errs, validateLinks(s.Cycles))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return b, nil
}
