package sla

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/internal/deadline"
)

// ErrTrackerRunning is returned by Run when another Run is in progress.
var ErrTrackerRunning = errors.New("sla: tracker already running")

// EventID identifies an event so that a host can deduplicate at-least-once
// delivery: the clock, the metric, the kind, the cycle and the step (the
// 1-based number within the kind: warning 2, reminder 1; 1 for breach and
// met). Start opens cycle 1; NewCycle and re-targeting open the next one, so
// a clock never delivers the same id twice. Removing a clock and starting
// the same key again begins at cycle 1 again: keep the clock and use
// NewCycle to measure a key anew.
type EventID struct {
	Clock  string `json:"clock"`
	Metric Metric `json:"metric"`
	Kind   Kind   `json:"kind"`
	Cycle  int    `json:"cycle"`
	Step   int    `json:"step"`
}

// String returns "clock/metric/kind/cycle/step", for example
// "T-42/resolution/warning/1/2".
func (id EventID) String() string {
	return id.Clock + "/" + id.Metric.String() + "/" + id.Kind.String() + "/" +
		strconv.Itoa(id.Cycle) + "/" + strconv.Itoa(id.Step)
}

// Event is a warning, breach, reminder or met event of one clock. At is the
// event's own deadline (the instant the warning or breach fell, or the stop
// instant for met), never the later instant at which it was delivered.
type Event struct {
	ID       EventID   `json:"id"`
	At       time.Time `json:"at"`
	Priority string    `json:"priority,omitempty"`
	Target   Duration  `json:"target"`
	// Elapsed is the business time elapsed in the cycle at At.
	Elapsed Duration `json:"elapsed"`
}

// Key returns the key of the clock the event belongs to.
func (e Event) Key() ClockKey { return ClockKey{ID: e.ID.Clock, Metric: e.ID.Metric} }

// Handler receives tracker events. Handlers run in the goroutine that calls
// AdvanceTo (or Run), one event at a time, in deadline order, with no lock
// held: they may call any Tracker method except AdvanceTo and Run (which
// wait for the delivery in progress, that is for the handler itself). A
// panicking handler's panic propagates to the caller of AdvanceTo; its
// event counts as delivered.
type Handler func(Event)

// Scheduler is the deadline queue behind a Tracker: at most one deadline
// per clock key, earliest first, equal deadlines in the order they were set.
// The default is an in-memory indexed heap; a host running several replicas
// can supply a durable one. The Tracker calls it with its own lock held, so
// implementations need no locking of their own and must not call back into
// the tracker.
type Scheduler interface {
	// Set schedules key at at, replacing any deadline it had.
	Set(key ClockKey, at time.Time)
	// Remove deletes key's deadline, if any.
	Remove(key ClockKey)
	// Peek returns the earliest deadline and its key.
	Peek() (key ClockKey, at time.Time, ok bool)
	// Len returns the number of keys scheduled.
	Len() int
}

// NewMemoryScheduler returns the default in-memory Scheduler, an indexed
// min-heap ordered by (deadline, sequence). It is not safe for concurrent
// use on its own.
func NewMemoryScheduler() Scheduler { return &memScheduler{q: deadline.New[ClockKey](0)} }

type memScheduler struct{ q *deadline.Queue[ClockKey] }

// Set implements Scheduler.
func (m *memScheduler) Set(key ClockKey, at time.Time) { m.q.Set(key, at.UnixNano()) }

// Remove implements Scheduler.
func (m *memScheduler) Remove(key ClockKey) { m.q.Remove(key) }

// Len implements Scheduler.
func (m *memScheduler) Len() int { return m.q.Len() }

// Peek implements Scheduler.
func (m *memScheduler) Peek() (ClockKey, time.Time, bool) {
	k, at, ok := m.q.Peek()
	if !ok {
		return k, time.Time{}, false
	}
	return k, time.Unix(0, at).UTC(), true
}

// Option configures a Tracker.
type Option func(*Tracker)

// WithClock sets the time source (default clock.New()). Run sleeps on it and
// the methods without an explicit instant read it.
// A nil clock is ignored.
func WithClock(c clock.Clock) Option {
	return func(t *Tracker) {
		if c != nil {
			t.clk = c
		}
	}
}

// WithScheduler replaces the in-memory deadline queue (an intrusive heap
// with no per-clock map) with s.
func WithScheduler(s Scheduler) Option { return func(t *Tracker) { t.sched = s } }

// WithHandler registers an event handler (see OnEvent).
func WithHandler(h Handler) Option {
	return func(t *Tracker) {
		if h != nil {
			t.handlers = append(t.handlers, h)
		}
	}
}

// WithCapacity pre-sizes the tracker for n clocks.
func WithCapacity(n int) Option { return func(t *Tracker) { t.capacity = max(n, 0) } }

type entry struct {
	deadline.Node
	c    Clock
	id   string // the key's ID; its metric is the spec's
	prio string
}

func (e *entry) key() ClockKey { return ClockKey{ID: e.id, Metric: e.c.spec.def.Metric} }

type attKey struct {
	m    Metric
	prio string
}

type attCount struct{ met, breached int }

// Tracker holds any number of SLA clocks, keeps one deadline queue holding
// each clock's next event, and delivers warning, breach, reminder and met
// events to handlers at their exact deadlines. AdvanceTo fires everything
// due synchronously; Run is the production loop, arming at most one timer on
// the clock at a time. The queue holds instants as Unix nanoseconds: an
// event falling after the year 2262 (or before 1678) is never delivered.
//
// A Tracker is safe for concurrent use. Handlers run outside its lock.
type Tracker struct {
	mu       sync.Mutex
	advMu    sync.Mutex // serialises deliveries so events reach handlers in order
	clk      clock.Clock
	sched    Scheduler                     // a custom scheduler, or nil
	heap     *deadline.Heap[entry, *entry] // the default scheduler
	capacity int
	clocks   map[ClockKey]*entry
	late     map[ClockKey][]Event // events fallen due before a change, not yet delivered
	handlers []Handler            // copy on write
	closed   map[attKey]*attCount
	wake     chan struct{}
	armed    time.Time // deadline Run sleeps until; zero when none
	running  bool
}

// NewTracker returns an empty tracker.
func NewTracker(opts ...Option) *Tracker {
	t := &Tracker{clk: clock.New(), wake: make(chan struct{}, 1)}
	for _, o := range opts {
		o(t)
	}
	if t.sched == nil {
		t.heap = deadline.NewHeap[entry](t.capacity)
	}
	t.clocks = make(map[ClockKey]*entry, t.capacity)
	t.late = map[ClockKey][]Event{}
	t.closed = map[attKey]*attCount{}
	return t
}

// OnEvent registers a handler; handlers are called in registration order.
func (t *Tracker) OnEvent(h Handler) {
	if h == nil {
		return
	}
	t.mu.Lock()
	t.handlers = append(slices.Clip(t.handlers), h)
	t.mu.Unlock()
}

// Len returns the number of clocks held.
func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.clocks)
}

// Clock returns a copy of the clock under key.
func (t *Tracker) Clock(key ClockKey) (Clock, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.clocks[key]
	if !ok {
		return Clock{}, false
	}
	return e.c, true
}

// Priority returns the priority label the clock under key was started with.
func (t *Tracker) Priority(key ClockKey) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.clocks[key]
	if !ok {
		return "", false
	}
	return e.prio, true
}

// Start is StartAt at the clock's current time.
func (t *Tracker) Start(id string, spec *Spec, priority string) error {
	return t.StartAt(id, spec, priority, t.clk.Now())
}

// StartAt adds a clock for ticket id measuring spec's metric and starts its
// first cycle at at. priority labels the clock in attainment figures and
// events. The error wraps ErrDuplicateClock if the key is taken.
func (t *Tracker) StartAt(id string, spec *Spec, priority string, at time.Time) error {
	if spec == nil {
		return &TrackerError{Key: ClockKey{ID: id}, Err: ErrNoTarget}
	}
	key := ClockKey{ID: id, Metric: spec.Metric()}
	if id == "" {
		return &TrackerError{Key: key, Err: fmt.Errorf("%w: empty clock id", ErrInvalid)}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, dup := t.clocks[key]; dup {
		return &TrackerError{Key: key, Err: ErrDuplicateClock}
	}
	e := &entry{c: NewClock(spec), id: id, prio: priority}
	if err := e.c.Start(at); err != nil {
		return &TrackerError{Key: key, Err: err}
	}
	t.clocks[key] = e
	t.reschedule(key, e)
	return nil
}

// PauseAt pauses the clock under key at at.
func (t *Tracker) PauseAt(key ClockKey, at time.Time) error {
	return t.change(key, at, func(c *Clock) error { return c.Pause(at) })
}

// ResumeAt resumes the clock under key at at.
func (t *Tracker) ResumeAt(key ClockKey, at time.Time) error {
	return t.change(key, at, func(c *Clock) error { return c.Resume(at) })
}

// StopAt ends the current cycle of the clock under key at at. A cycle that
// met its target emits a met event with time at; either way the cycle is
// counted in the attainment figures.
func (t *Tracker) StopAt(key ClockKey, at time.Time) (met bool, err error) {
	err = t.change(key, at, func(c *Clock) error {
		var err error
		met, err = c.Stop(at)
		return err
	})
	return met, err
}

// NewCycleAt starts a new cycle of a stopped clock at at.
func (t *Tracker) NewCycleAt(key ClockKey, at time.Time) error {
	return t.change(key, at, func(c *Clock) error { return c.NewCycle(at) })
}

// RetargetAt moves the open cycle of the clock under key to spec at at (see
// Clock.Retarget). spec must measure the same metric.
func (t *Tracker) RetargetAt(key ClockKey, spec *Spec, strategy Strategy, at time.Time) error {
	if spec != nil && spec.Metric() != key.Metric {
		return &TrackerError{Key: key, Err: fmt.Errorf("%w: spec measures %s", ErrInvalid, spec.Metric())}
	}
	return t.change(key, at, func(c *Clock) error { return c.Retarget(at, spec, strategy) })
}

// Pause is PauseAt at the clock's current time.
func (t *Tracker) Pause(key ClockKey) error { return t.PauseAt(key, t.clk.Now()) }

// Resume is ResumeAt at the clock's current time.
func (t *Tracker) Resume(key ClockKey) error { return t.ResumeAt(key, t.clk.Now()) }

// Stop is StopAt at the clock's current time.
func (t *Tracker) Stop(key ClockKey) (bool, error) { return t.StopAt(key, t.clk.Now()) }

// NewCycle is NewCycleAt at the clock's current time.
func (t *Tracker) NewCycle(key ClockKey) error { return t.NewCycleAt(key, t.clk.Now()) }

// Remove drops the clock under key and any of its undelivered events. An
// open cycle is not counted in the attainment figures.
func (t *Tracker) Remove(key ClockKey) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.clocks[key]; !ok {
		return false
	}
	t.unschedule(t.clocks[key])
	delete(t.clocks, key)
	delete(t.late, key)
	return true
}

func (t *Tracker) change(key ClockKey, at time.Time, f func(*Clock) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.clocks[key]
	if !ok {
		return &TrackerError{Key: key, Err: ErrUnknownClock}
	}
	// Validate on a copy first, so a failed call changes nothing.
	probe := e.c
	if err := f(&probe); err != nil {
		return &TrackerError{Key: key, Err: err}
	}
	// Events that fell due up to at keep their own deadlines: set them aside
	// before the change alters the schedule.
	t.collectLate(key, e, at)
	before := e.c.status
	_ = f(&e.c)
	if before != Stopped && e.c.status == Stopped {
		ak := attKey{key.Metric, e.prio}
		cnt := t.closed[ak]
		if cnt == nil {
			cnt = &attCount{}
			t.closed[ak] = cnt
		}
		if e.c.met() {
			cnt.met++
			t.late[key] = append(t.late[key], Event{
				ID: EventID{Clock: key.ID, Metric: key.Metric, Kind: Met, Cycle: int(e.c.cycle), Step: 1},
				At: at, Priority: e.prio, Target: e.c.spec.def.Within, Elapsed: Duration(e.c.elapsed),
			})
		} else {
			cnt.breached++
		}
	}
	t.reschedule(key, e)
	return nil
}

// collectLate moves every undelivered event of e due at or before at to the
// late list.
func (t *Tracker) collectLate(key ClockKey, e *entry, at time.Time) {
	for {
		st, when, el, ok := e.c.pending()
		if !ok || when.After(at) {
			return
		}
		t.late[key] = append(t.late[key], t.event(key, e, st, when, el))
		e.c.fired++
	}
}

func (t *Tracker) event(key ClockKey, e *entry, st step, at time.Time, elapsed time.Duration) Event {
	return Event{
		ID:       EventID{Clock: key.ID, Metric: key.Metric, Kind: st.kind, Cycle: int(e.c.cycle), Step: int(st.n)},
		At:       at,
		Priority: e.prio,
		Target:   e.c.spec.def.Within,
		Elapsed:  Duration(elapsed),
	}
}

// The instants the deadline queue can hold: Unix nanoseconds, years 1678
// to 2262.
var (
	minQueued = time.Unix(0, math.MinInt64)
	maxQueued = time.Unix(0, math.MaxInt64)
)

// reschedule puts key's next delivery in the queue and wakes Run if it is
// now the earliest.
func (t *Tracker) reschedule(key ClockKey, e *entry) {
	var next time.Time
	if l := t.late[key]; len(l) > 0 {
		next = l[0].At
	} else if _, when, _, ok := e.c.pending(); ok {
		next = when
	} else {
		t.unschedule(e)
		return
	}
	if next.Before(minQueued) || next.After(maxQueued) {
		// Beyond the range of Unix nanoseconds the queue orders by: the
		// instant would wrap around and fire at once. Such a deadline is
		// never delivered; the clock still reports it (Due, NextEvent).
		t.unschedule(e)
		return
	}
	if t.heap != nil {
		t.heap.Schedule(e, next.UnixNano())
	} else {
		t.sched.Set(key, next)
	}
	if t.running && (t.armed.IsZero() || next.Before(t.armed)) {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

func (t *Tracker) unschedule(e *entry) {
	if t.heap != nil {
		t.heap.Remove(e)
	} else {
		t.sched.Remove(e.key())
	}
}

// peek returns the clock with the earliest deadline.
func (t *Tracker) peek() (*entry, time.Time, bool) {
	if t.heap != nil {
		e, at, ok := t.heap.Peek()
		if !ok {
			return nil, time.Time{}, false
		}
		return e, time.Unix(0, at).UTC(), true
	}
	key, at, ok := t.sched.Peek()
	if !ok {
		return nil, time.Time{}, false
	}
	return t.clocks[key], at, true
}

// NextDeadline returns the earliest undelivered event's deadline.
func (t *Tracker) NextDeadline() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, at, ok := t.peek()
	return at, ok
}

// AdvanceTo delivers, synchronously and in deadline order (equal deadlines
// in the order they were scheduled), every event due at or before now, and
// returns how many it delivered. Each handler sees the event's own deadline.
// Events scheduled by handlers that fall due at or before now are delivered
// in the same call. Concurrent calls are serialised.
func (t *Tracker) AdvanceTo(now time.Time) int {
	t.advMu.Lock()
	defer t.advMu.Unlock()
	n := 0
	for {
		t.mu.Lock()
		e, at, ok := t.peek()
		if !ok || at.After(now) {
			t.mu.Unlock()
			return n
		}
		if e == nil {
			// A custom scheduler returned a key the tracker no longer holds.
			k, _, _ := t.sched.Peek()
			t.sched.Remove(k)
			t.mu.Unlock()
			continue
		}
		key := e.key()
		var ev Event
		if l := t.late[key]; len(l) > 0 {
			ev = l[0]
			if len(l) == 1 {
				delete(t.late, key)
			} else {
				t.late[key] = l[1:]
			}
		} else {
			if t.heap != nil {
				// The heap holds the step's exact instant, computed when it
				// was scheduled: no need to ask the calendar again.
				st, el, _, _ := e.c.pendingStep()
				ev = t.event(key, e, st, at.In(e.c.anchor.Location()), el)
			} else {
				// A custom scheduler may store instants less precisely.
				st, when, el, _ := e.c.pending()
				ev = t.event(key, e, st, when, el)
			}
			e.c.fired++
		}
		t.reschedule(key, e)
		hs := t.handlers
		t.mu.Unlock()
		for _, h := range hs {
			h(ev)
		}
		n++
	}
}

// Advance is AdvanceTo at the clock's current time.
func (t *Tracker) Advance() int { return t.AdvanceTo(t.clk.Now()) }

// Run delivers events as they fall due on the tracker's clock until ctx
// ends, then returns ctx.Err(). It keeps at most one timer armed on the
// clock, for the earliest deadline, and re-arms when an earlier one is
// added. Only one Run may be active; another returns ErrTrackerRunning.
func (t *Tracker) Run(ctx context.Context) error {
	t.mu.Lock()
	if t.running {
		t.mu.Unlock()
		return ErrTrackerRunning
	}
	t.running = true
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.running, t.armed = false, time.Time{}
		t.mu.Unlock()
	}()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := t.clk.Now()
		t.AdvanceTo(now)
		t.mu.Lock()
		_, next, ok := t.peek()
		if ok && !next.After(now) {
			t.mu.Unlock()
			continue // a handler scheduled something already due
		}
		var wait time.Duration
		if ok {
			if wait = next.Sub(t.clk.Now()); wait <= 0 {
				t.mu.Unlock()
				continue // the clock moved past it meanwhile
			}
		}
		t.armed = next
		t.mu.Unlock()
		var timer *clock.Timer
		var fire <-chan time.Time
		if ok {
			timer = t.clk.Timer(wait)
			fire = timer.C
		}
		select {
		case <-ctx.Done():
		case <-fire:
		case <-t.wake:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// Attainment is the count of cycles of one metric and priority: met
// (stopped within target), breached (stopped late, or open and past due),
// in progress (open and not yet due), and the percentage met among the
// decided ones (met + breached; 0 when none is decided).
type Attainment struct {
	Metric     Metric  `json:"metric"`
	Priority   string  `json:"priority"`
	Met        int     `json:"met"`
	Breached   int     `json:"breached"`
	InProgress int     `json:"in_progress"`
	PercentMet float64 `json:"percent_met"`
}

// Attainment is AttainmentAt at the clock's current time.
func (t *Tracker) Attainment() []Attainment { return t.AttainmentAt(t.clk.Now()) }

// AttainmentAt returns the attainment figures at at, sorted by metric then
// priority. It walks every clock (O(n)).
func (t *Tracker) AttainmentAt(at time.Time) []Attainment {
	t.mu.Lock()
	agg := map[attKey]*Attainment{}
	get := func(k attKey) *Attainment {
		a := agg[k]
		if a == nil {
			a = &Attainment{Metric: k.m, Priority: k.prio}
			agg[k] = a
		}
		return a
	}
	for k, c := range t.closed {
		a := get(k)
		a.Met += c.met
		a.Breached += c.breached
	}
	for key, e := range t.clocks {
		if e.c.status == Running || e.c.status == Paused {
			a := get(attKey{key.Metric, e.prio})
			if e.c.Breached(at) {
				a.Breached++
			} else {
				a.InProgress++
			}
		}
	}
	t.mu.Unlock()
	out := make([]Attainment, 0, len(agg))
	for _, a := range agg {
		if d := a.Met + a.Breached; d > 0 {
			a.PercentMet = 100 * float64(a.Met) / float64(d)
		}
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Attainment) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Priority, b.Priority))
	})
	return out
}

// TrackedClock is one clock in a TrackerSnapshot.
type TrackedClock struct {
	ID       string        `json:"id"`
	Priority string        `json:"priority,omitempty"`
	Clock    ClockSnapshot `json:"clock"`
}

// ClosedCycles counts the closed cycles of one metric and priority.
type ClosedCycles struct {
	Metric   Metric `json:"metric"`
	Priority string `json:"priority"`
	Met      int    `json:"met"`
	Breached int    `json:"breached"`
}

// TrackerSnapshot is the plain, JSON-serialisable state of a Tracker: every
// clock (with the count of events already delivered in its cycle), the
// events that fell due before a change and are not yet delivered, and the
// counts of closed cycles.
type TrackerSnapshot struct {
	Clocks  []TrackedClock `json:"clocks"`
	Pending []Event        `json:"pending,omitempty"`
	Closed  []ClosedCycles `json:"closed,omitempty"`
}

// Snapshot returns the tracker's state, clocks sorted by key.
func (t *Tracker) Snapshot() TrackerSnapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := TrackerSnapshot{Clocks: make([]TrackedClock, 0, len(t.clocks))}
	for key, e := range t.clocks {
		s.Clocks = append(s.Clocks, TrackedClock{ID: key.ID, Priority: e.prio, Clock: e.c.Snapshot()})
	}
	slices.SortFunc(s.Clocks, func(a, b TrackedClock) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Clock.Spec.Metric, b.Clock.Spec.Metric))
	})
	// Each clock's pending events stay in the order they will be delivered
	// (a warning before the met event at the same instant); across clocks,
	// by instant, then by key.
	lateKeys := make([]ClockKey, 0, len(t.late))
	for k := range t.late {
		lateKeys = append(lateKeys, k)
	}
	slices.SortFunc(lateKeys, compareKeys)
	for _, k := range lateKeys {
		s.Pending = append(s.Pending, t.late[k]...)
	}
	slices.SortStableFunc(s.Pending, func(a, b Event) int { return a.At.Compare(b.At) })
	for k, c := range t.closed {
		s.Closed = append(s.Closed, ClosedCycles{Metric: k.m, Priority: k.prio, Met: c.met, Breached: c.breached})
	}
	slices.SortFunc(s.Closed, func(a, b ClosedCycles) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Priority, b.Priority))
	})
	return s
}

// SpecResolver returns a resolver for Restore: it looks the recorded target
// up in ps (when ps is not nil) so that restored clocks share precompiled
// specs, else builds it with the calendar named in reg. Specs it builds are
// shared between identical definitions. The resolver is meant for one
// Restore call and is not safe for concurrent use.
func SpecResolver(ps *Policies, reg Registry) func(SpecDef) (*Spec, error) {
	var built []*Spec
	return func(def SpecDef) (*Spec, error) {
		if ps != nil {
			if s, ok := ps.Lookup(def); ok {
				return s, nil
			}
		}
		for _, s := range built {
			if sameDef(s.def, def) {
				return s, nil
			}
		}
		bt, err := reg.Lookup(def.Calendar)
		if err != nil {
			return nil, err
		}
		s, err := NewSpec(def, bt)
		if err != nil {
			return nil, err
		}
		built = append(built, s)
		return s, nil
	}
}

// Restore replaces the tracker's clocks with those of s, resolving each
// recorded target with resolve (see SpecResolver). Events already delivered
// are not delivered again; events that fell due while the host was down are
// delivered, in deadline order, by the first AdvanceTo that reaches them. On
// error (every problem reported at once) the tracker is unchanged.
func (t *Tracker) Restore(s TrackerSnapshot, resolve func(SpecDef) (*Spec, error)) error {
	var errs []error
	clocks := make(map[ClockKey]*entry, len(s.Clocks))
	for i, tc := range s.Clocks {
		path := fmt.Sprintf("clocks[%d]", i)
		if tc.ID == "" {
			errs = append(errs, &FieldError{Path: path + ".id", Message: "must not be empty"})
			continue
		}
		spec, err := resolve(tc.Clock.Spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("sla: %s.clock.spec: %w", path, err))
			continue
		}
		c, err := RestoreClock(tc.Clock, spec)
		if err != nil {
			errs = append(errs, prefixErrors(path+".clock", err))
			continue
		}
		key := ClockKey{ID: tc.ID, Metric: spec.Metric()}
		if _, dup := clocks[key]; dup {
			errs = append(errs, &FieldError{Path: path, Message: "duplicate clock " + key.String()})
			continue
		}
		clocks[key] = &entry{c: c, id: tc.ID, prio: tc.Priority}
	}
	late := map[ClockKey][]Event{}
	for i, ev := range s.Pending {
		if _, ok := clocks[ev.Key()]; !ok {
			errs = append(errs, &FieldError{Path: fmt.Sprintf("pending[%d]", i), Message: "event of an unknown clock " + ev.Key().String()})
			continue
		}
		late[ev.Key()] = append(late[ev.Key()], ev)
	}
	for _, l := range late {
		// The first pending event is the one the queue holds: keep each
		// clock's list in deadline order (stable, so a warning recorded
		// before a met event at the same instant stays first).
		slices.SortStableFunc(l, func(a, b Event) int { return a.At.Compare(b.At) })
	}
	closed := map[attKey]*attCount{}
	for i, c := range s.Closed {
		path := fmt.Sprintf("closed[%d]", i)
		k := attKey{c.Metric, c.Priority}
		switch {
		case c.Met < 0 || c.Breached < 0:
			errs = append(errs, &FieldError{Path: path, Message: "counts must not be negative"})
		case closed[k] != nil:
			errs = append(errs, &FieldError{Path: path, Message: "duplicate counts of " + c.Metric.String() + "/" + c.Priority})
		default:
			closed[k] = &attCount{met: c.Met, breached: c.Breached}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.clocks {
		t.unschedule(e)
	}
	t.clocks, t.late, t.closed = clocks, late, closed
	keys := make([]ClockKey, 0, len(clocks))
	for k := range clocks {
		keys = append(keys, k)
	}
	// Schedule in a fixed order so equal deadlines fire in a stable order.
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		t.reschedule(k, clocks[k])
	}
	return nil
}

// compareKeys orders clock keys by id, then metric.
func compareKeys(a, b ClockKey) int {
	return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Metric, b.Metric))
}
