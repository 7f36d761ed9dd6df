package sla

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/internal/deadline"
)

// ErrTrackerRunning is returned by Run when another Run is in progress.
var ErrTrackerRunning = errors.New("sla: tracker already running")

// ErrNamespaceTaken is returned by Register when another engine already
// registered the namespace.
var ErrNamespaceTaken = errors.New("sla: namespace already registered")

// EventID identifies an event so that a host can deduplicate at-least-once
// delivery: the namespace and id of the record, the metric, the kind, the
// cycle and the step (the 1-based number within the kind: warning 2,
// reminder 1; 1 for breach and met). Start opens cycle 1; NewCycle and
// re-targeting open the next one, so a clock never delivers the same id
// twice. Removing a clock and starting the same key again begins at cycle 1
// again: keep the clock and use NewCycle to measure a key anew. A timer's
// event has no metric, kind Timer and the timer's generation (the number of
// times it was set) as its cycle.
type EventID struct {
	Namespace string `json:"namespace,omitempty"`
	Clock     string `json:"clock"`
	Metric    Metric `json:"metric,omitempty"`
	Kind      Kind   `json:"kind"`
	Cycle     int    `json:"cycle"`
	Step      int    `json:"step"`
}

// String returns "clock/metric/kind/cycle/step", for example
// "T-42/resolution/warning/1/2", prefixed by "namespace:" outside the
// host's namespace; a timer's is "namespace:id/timer/generation".
func (id EventID) String() string {
	rk := RecordKey{Namespace: id.Namespace, ID: id.Clock}.String()
	if id.Kind == Timer {
		return rk + "/timer/" + strconv.Itoa(id.Cycle)
	}
	return rk + "/" + id.Metric.String() + "/" + id.Kind.String() + "/" +
		strconv.Itoa(id.Cycle) + "/" + strconv.Itoa(id.Step)
}

// Event is a warning, breach, reminder or met event of one clock, or a
// timer falling due. At is the event's own deadline (the instant the
// warning or breach fell, the stop instant for met, the timer's instant),
// never the later instant at which it was delivered.
type Event struct {
	ID       EventID   `json:"id"`
	At       time.Time `json:"at"`
	Priority string    `json:"priority,omitempty"`
	Target   Duration  `json:"target"`
	// Elapsed is the business time elapsed in the cycle at At.
	Elapsed Duration `json:"elapsed"`
}

// Key returns the key of the clock the event belongs to (for a timer, its
// record with no metric).
func (e Event) Key() ClockKey {
	return ClockKey{Namespace: e.ID.Namespace, ID: e.ID.Clock, Metric: e.ID.Metric}
}

// Handler receives tracker events. Handlers run in the goroutine that calls
// AdvanceTo (or Run), one event at a time, in deadline order, with no lock
// held: they may call any Tracker method except AdvanceTo and Run (which
// wait for the delivery in progress, that is for the handler itself). A
// panicking handler's panic propagates to the caller of AdvanceTo; its
// event counts as delivered.
type Handler func(Event)

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

// WithHandler registers a handler of the host's own namespace (see
// OnEvent).
func WithHandler(h Handler) Option {
	return func(t *Tracker) {
		if h != nil {
			t.spaces[0].handlers = append(t.spaces[0].handlers, h)
		}
	}
}

// WithObserver registers a function called with every event the tracker
// delivers, of every namespace, after the event's handlers, with the
// instant it was delivered at (the AdvanceTo instant; Run's is the clock's
// now): metrics and audit logs hang here. Observers run outside the lock,
// in registration order. A nil function is ignored.
func WithObserver(f func(e Event, deliveredAt time.Time)) Option {
	return func(t *Tracker) {
		if f != nil {
			t.observers = append(t.observers, f)
		}
	}
}

// WithLogger sends the tracker's log to l (default: none): each delivery
// and each namespace registered, record loaded or unloaded at Debug, with
// the stable keys namespace, record, event_id, kind, at and late. Records
// carry ids only, never customer text. A nil logger is ignored.
func WithLogger(l *slog.Logger) Option {
	return func(t *Tracker) {
		if l != nil {
			t.log = l
		}
	}
}

// WithCapacity pre-sizes the tracker for n records.
func WithCapacity(n int) Option { return func(t *Tracker) { t.capacity = max(n, 0) } }

// WithSpecResolver sets how Load and RestoreTracker turn the targets
// recorded in snapshots back into specs (see SpecResolver). The default
// resolves only targets on the 24x7 calendar (CalendarAlways). A nil
// resolver is ignored.
func WithSpecResolver(resolve func(SpecDef) (*Spec, error)) Option {
	return func(t *Tracker) {
		if resolve != nil {
			t.resolve = resolve
		}
	}
}

// nsID indexes a namespace in Tracker.spaces; 0 is the host's own.
type nsID uint16

// space is a namespace: its name and the handlers its events go to.
type space struct {
	name       string
	handlers   []Handler // copy on write
	registered bool
}

// recKey is a record's key in the tracker's map.
type recKey struct {
	id string
	ns nsID
}

// entry is one clock, or one timer, in the deadline queue. The entries of
// one record form a list (next). A timer keeps its instant in c.anchor and
// its generation in c.cycle; once it has fallen due or been cancelled it
// stays in its record, idle, so that the next SetTimer continues its
// generations (its event ids are never used twice). The layout keeps an
// entry at 96 bytes.
type entry struct {
	deadline.Node
	ns      nsID
	timer   bool
	idle    bool // a timer that fell due or was cancelled: not set
	hasLate bool // late holds undelivered events of this entry
	c       Clock
	prio    prioID
	id      string
	next    *entry
}

// prioID indexes a priority label in Tracker.prios.
type prioID uint32

func (e *entry) metric() Metric {
	if e.timer {
		return ""
	}
	return e.c.spec.def.Metric
}

type attKey struct {
	m    Metric
	ns   nsID
	prio prioID
}

type attCount struct{ met, breached int }

// Tracker is the timeline of a host: it holds any number of SLA clocks and
// timers, keeps one deadline queue holding each one's next event, and
// delivers warning, breach, reminder, met and timer events to handlers at
// their exact deadlines. AdvanceTo fires everything due synchronously; Run
// is the production loop, arming at most one timer on the clock at a time.
//
// Every time-driven engine of sqkit schedules on the tracker its host
// passes it, under a namespace of its own (Register): its events reach its
// handlers only, and keys of different namespaces never collide. One
// AdvanceTo or one Run drives them all, in (deadline, sequence) order, and
// one Snapshot covers every clock and timer.
//
// Clocks and the timer of one subject form a record (RecordKey), which a
// host can save and load on its own (Record, Unload, Load). The queue holds
// instants as Unix nanoseconds: an event falling after the year 2262 (or
// before 1678) is never delivered.
//
// A Tracker is safe for concurrent use. Handlers run outside its lock.
type Tracker struct {
	mu        sync.Mutex
	advMu     sync.Mutex // serialises deliveries so events reach handlers in order
	clk       clock.Clock
	resolve   func(SpecDef) (*Spec, error)
	heap      *deadline.Heap[entry, *entry]
	capacity  int
	records   map[recKey]*entry // the first entry of each record
	nclocks   int
	ntimers   int
	byStatus  [Stopped + 1]int // clocks by status
	observers []func(Event, time.Time)
	log       *slog.Logger // nil: no log
	prios     []string     // priority labels by prioID
	prioIdx   map[string]prioID
	late      map[*entry][]Event // events fallen due before a change, not yet delivered
	spaces    []space
	nsIndex   map[string]nsID
	closed    map[attKey]*attCount
	wake      chan struct{}
	armed     time.Time // deadline Run sleeps until; zero when none
	running   bool
}

// NewTracker returns an empty tracker.
func NewTracker(opts ...Option) *Tracker {
	t := &Tracker{
		clk:     clock.New(),
		wake:    make(chan struct{}, 1),
		spaces:  []space{{name: "", registered: true}},
		nsIndex: map[string]nsID{"": 0},
		prios:   []string{""},
		prioIdx: map[string]prioID{"": 0},
		resolve: SpecResolver(nil, nil),
	}
	for _, o := range opts {
		o(t)
	}
	t.heap = deadline.NewHeap[entry](t.capacity)
	t.records = make(map[recKey]*entry, t.capacity)
	t.late = map[*entry][]Event{}
	t.closed = map[attKey]*attCount{}
	return t
}

// OnEvent registers a handler of the host's own namespace (""); handlers
// are called in registration order.
func (t *Tracker) OnEvent(h Handler) {
	if h == nil {
		return
	}
	t.mu.Lock()
	t.spaces[0].handlers = append(slices.Clip(t.spaces[0].handlers), h)
	t.mu.Unlock()
}

// Register claims namespace ns for an engine and sends every event of its
// clocks and timers to h (and to nothing else). ns must not be empty, at
// most 64 bytes, and free of ':', '/' and white space; a namespace already
// registered gives an error wrapping ErrNamespaceTaken. Events of a
// namespace nobody registered count as delivered when they fall due:
// register before advancing.
func (t *Tracker) Register(ns string, h Handler) error {
	if ns == "" || !validNamespace(ns) || h == nil {
		return fmt.Errorf("%w: namespace %q (or a nil handler)", ErrInvalid, ns)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	id, err := t.nsLocked(ns, true)
	if err != nil {
		return err
	}
	sp := &t.spaces[id]
	if sp.registered {
		return fmt.Errorf("%w: %q", ErrNamespaceTaken, ns)
	}
	sp.registered, sp.handlers = true, []Handler{h}
	if t.debug() {
		t.log.Debug("sla namespace registered", "namespace", ns)
	}
	return nil
}

// maxNamespaces bounds the namespaces of one tracker: engines, not tickets,
// own namespaces.
const maxNamespaces = 1 << 12

// nsLocked returns the index of namespace name, adding it when create is
// set. Called with t.mu held.
func (t *Tracker) nsLocked(name string, create bool) (nsID, error) {
	if name == "" {
		return 0, nil
	}
	if id, ok := t.nsIndex[name]; ok {
		return id, nil
	}
	if !create {
		return 0, ErrUnknownClock
	}
	if !validNamespace(name) {
		return 0, fmt.Errorf("%w: namespace %q", ErrInvalid, name)
	}
	if len(t.spaces) >= maxNamespaces {
		return 0, fmt.Errorf("%w: more than %d namespaces", ErrInvalid, maxNamespaces)
	}
	id := nsID(len(t.spaces))
	t.spaces = append(t.spaces, space{name: name})
	t.nsIndex[name] = id
	return id, nil
}

// prioLocked returns the index of priority label p, adding it if new.
func (t *Tracker) prioLocked(p string) prioID {
	if id, ok := t.prioIdx[p]; ok {
		return id
	}
	id := prioID(len(t.prios))
	t.prios = append(t.prios, p)
	t.prioIdx[p] = id
	return id
}

// debug reports whether Debug records are wanted (checked before building
// one, so that a tracker without a logger pays nothing).
func (t *Tracker) debug() bool {
	return t.log != nil && t.log.Enabled(context.Background(), slog.LevelDebug)
}

// Stats counts a tracker's clocks by status, its timers, and the deadlines
// in its queue.
type Stats struct {
	Running, Paused, Stopped int
	Timers                   int
	Queued                   int
}

// Stats returns the tracker's counts, kept up to date as clocks change
// (O(1)).
func (t *Tracker) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Stats{Running: t.byStatus[Running], Paused: t.byStatus[Paused], Stopped: t.byStatus[Stopped],
		Timers: t.ntimers, Queued: t.heap.Len()}
}

// TimeSource returns the clock the tracker reads "now" from: engines given
// the tracker default to it, so a host injects its clock once.
func (t *Tracker) TimeSource() clock.Clock { return t.clk }

// Len returns the number of clocks held (timers not included).
func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.nclocks
}

// findLocked returns the clock under key, or nil.
func (t *Tracker) findLocked(key ClockKey) *entry {
	ns, ok := t.nsIndex[key.Namespace]
	if !ok {
		return nil
	}
	for e := t.records[recKey{key.ID, ns}]; e != nil; e = e.next {
		if !e.timer && e.c.spec.def.Metric == key.Metric {
			return e
		}
	}
	return nil
}

// Clock returns a copy of the clock under key.
func (t *Tracker) Clock(key ClockKey) (Clock, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.findLocked(key); e != nil {
		return e.c, true
	}
	return Clock{}, false
}

// Priority returns the priority label the clock under key was started with.
func (t *Tracker) Priority(key ClockKey) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e := t.findLocked(key); e != nil {
		return t.prios[e.prio], true
	}
	return "", false
}

// Clocks returns the keys of every clock of namespace ns, sorted by id then
// metric. It walks every record (O(n)).
func (t *Tracker) Clocks(ns string) []ClockKey {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.nsIndex[ns]
	if !ok {
		return nil
	}
	var out []ClockKey
	for rk, e := range t.records {
		if rk.ns != id {
			continue
		}
		for ; e != nil; e = e.next {
			if !e.timer {
				out = append(out, ClockKey{Namespace: ns, ID: rk.id, Metric: e.metric()})
			}
		}
	}
	slices.SortFunc(out, compareKeys)
	return out
}

// The instants the deadline queue can hold: Unix nanoseconds, years 1678
// to 2262.
var (
	minQueued = time.Unix(0, math.MinInt64)
	maxQueued = time.Unix(0, math.MaxInt64)
)

// queueable reports whether the deadline queue can hold t.
func queueable(t time.Time) bool { return !t.Before(minQueued) && !t.After(maxQueued) }

// NextDeadline returns the earliest undelivered event's deadline.
func (t *Tracker) NextDeadline() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, at, ok := t.heap.Peek()
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(0, at).UTC(), true
}

// AdvanceTo delivers, synchronously and in deadline order (equal deadlines
// in the order they were scheduled), every event due at or before now, and
// returns how many it delivered. Each handler sees the event's own deadline.
// Events scheduled by handlers that fall due at or before now are delivered
// in the same call. Concurrent calls are serialised.
func (t *Tracker) AdvanceTo(now time.Time) int {
	t.advMu.Lock()
	defer t.advMu.Unlock()
	limit := now.UnixNano()
	if !queueable(now) {
		limit = math.MaxInt64
		if now.Before(minQueued) {
			return 0
		}
	}
	n := 0
	for {
		t.mu.Lock()
		e, at, ok := t.heap.Peek()
		if !ok || at > limit {
			t.mu.Unlock()
			return n
		}
		ev := t.nextEventLocked(e, at)
		hs := t.spaces[e.ns].handlers
		t.mu.Unlock()
		for _, h := range hs {
			h(ev)
		}
		for _, o := range t.observers {
			o(ev, now)
		}
		if t.debug() {
			t.log.Debug("sla event delivered", "namespace", ev.ID.Namespace, "record", ev.ID.Clock,
				"event_id", ev.ID.String(), "kind", ev.ID.Kind.String(), "at", ev.At, "late", now.Sub(ev.At))
		}
		n++
	}
}

// nextEventLocked takes the event the queue holds for e at instant at and
// moves e to its next deadline.
func (t *Tracker) nextEventLocked(e *entry, at int64) Event {
	var ev Event
	switch {
	case e.hasLate:
		l := t.late[e]
		ev = l[0]
		if len(l) == 1 {
			delete(t.late, e)
			e.hasLate = false
		} else {
			t.late[e] = l[1:]
		}
	case e.timer:
		ev = Event{ID: EventID{Namespace: t.spaces[e.ns].name, Clock: e.id, Kind: Timer, Cycle: int(e.c.cycle), Step: 1},
			At: time.Unix(0, at).UTC()}
		t.heap.Remove(e)
		t.idleLocked(e)
		return ev
	default:
		// The heap holds the step's exact instant, computed when it was
		// scheduled: no need to ask the calendar again.
		st, el, _, _ := e.c.pendingStep()
		ev = t.event(e, st, time.Unix(0, at).In(e.c.anchor.Location()), el)
		e.c.fired++
	}
	t.rescheduleLocked(e)
	return ev
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
		_, at, ok := t.heap.Peek()
		next := time.Unix(0, at)
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
		} else {
			next = time.Time{}
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

// wakeLocked wakes Run when next is earlier than the deadline it sleeps
// until.
func (t *Tracker) wakeLocked(next time.Time) {
	if t.running && (t.armed.IsZero() || next.Before(t.armed)) {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
}

// Records returns the keys of every record of namespace ns (its clocks and
// timers), sorted by id. It walks every record (O(n)).
func (t *Tracker) Records(ns string) []RecordKey {
	t.mu.Lock()
	defer t.mu.Unlock()
	id, ok := t.nsIndex[ns]
	if !ok {
		return nil
	}
	var out []RecordKey
	for rk := range t.records {
		if rk.ns == id {
			out = append(out, RecordKey{Namespace: ns, ID: rk.id})
		}
	}
	slices.SortFunc(out, func(a, b RecordKey) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// peekID returns the id of the event the queue delivers next (zero when
// none), without delivering it.
func (t *Tracker) peekID() EventID {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, _, ok := t.heap.Peek()
	switch {
	case !ok:
		return EventID{}
	case e.hasLate:
		return t.late[e][0].ID
	case e.timer:
		return EventID{Namespace: t.spaces[e.ns].name, Clock: e.id, Kind: Timer, Cycle: int(e.c.cycle), Step: 1}
	}
	st, _, _, _ := e.c.pendingStep()
	return EventID{Namespace: t.spaces[e.ns].name, Clock: e.id, Metric: e.metric(), Kind: st.kind, Cycle: int(e.c.cycle), Step: int(st.n)}
}
