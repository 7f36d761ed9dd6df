package fsm

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/internal/hashchain"
)

var defaultClock = clock.New()

// By says who fires an event (or performs another recorded action) and why.
// Both fields are free text recorded as given; either may be empty.
type By struct {
	Actor  string `json:"actor,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Record is one entry of a machine's history: a transition that happened.
type Record struct {
	Event  Event     `json:"event"`
	From   State     `json:"from"`
	To     State     `json:"to"`
	Actor  string    `json:"actor,omitempty"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// Option configures a Machine made by NewMachine or Restore.
type Option func(*Machine)

// WithClock sets the clock a machine reads "now" from (default clock.New()).
// Pass a *clock.Mock in tests.
func WithClock(c clock.Clock) Option {
	return func(m *Machine) {
		if c != nil {
			m.clk = c
		}
	}
}

// WithDefinition sets the definition Restore rebuilds a machine of; Restore
// requires it (a snapshot names its definition but cannot carry its guards
// and hooks). NewMachine takes its definition as an argument and refuses a
// WithDefinition naming another one.
func WithDefinition(def *Definition) Option {
	return func(m *Machine) { m.def = def }
}

// WithID sets the machine's identifier (e.g. a ticket number); the machine
// only stores it and puts it in snapshots. Restore takes the ID from the
// snapshot; WithID passed to Restore overrides it.
func WithID(id string) Option {
	return func(m *Machine) { m.id = id }
}

// WithAmount sets the amount an approval guard compares with its limit
// (see RequireApproval). Amounts are plain int64 values in whatever unit
// the host chooses, typically minor currency units (cents); never floats.
func WithAmount(amount int64) Option {
	return func(m *Machine) { m.amount = amount }
}

// Machine is one running instance of a Definition: its current state, its
// history and its case data (checklist marks, tier, owner, transfers,
// approvals, amount, request).
//
// A Machine is safe for concurrent use: every method may be called from
// several goroutines at once. Guards run under the machine's lock; hooks run
// after it is released and may call back into the machine.
type Machine struct {
	mu     sync.Mutex
	def    *Definition
	clk    clock.Clock
	id     string
	state  int32
	tier   int32
	amount int64
	last   time.Time // latest instant recorded; see stamp

	owner       string
	first       string
	history     [][]entry // blocks; see record
	marks       []Mark
	transfers   []Transfer
	escalations []Escalation
	approvals   []Approval // oldest first; the last is the current one
	req         *Request   // nil: unclassified

	chain *hashchain.State[Record] // nil: the history is not chained (WithChain)
}

// NewMachine returns a machine of def in def's initial state (tier 1 if the
// definition has tiers). It allocates only the machine itself. A nil def
// returns ErrNilDefinition; a WithDefinition option naming another
// definition returns ErrInvalidArgument.
func NewMachine(def *Definition, opts ...Option) (*Machine, error) {
	if def == nil {
		return nil, ErrNilDefinition
	}
	m := &Machine{def: def, clk: defaultClock, state: def.initial}
	if def.maxTier > 0 {
		m.tier = 1
	}
	m.apply(opts)
	if m.def != def {
		return nil, fmt.Errorf("%w: WithDefinition names another definition than NewMachine's", ErrInvalidArgument)
	}
	return m, nil
}

func (m *Machine) apply(opts []Option) {
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
}

// LastRecorded returns the latest instant recorded on the machine: of its
// transitions, marks, transfers, escalations and approval (the zero time
// for a machine with none). Every recording operation refuses an earlier
// instant with an error matching ErrTimeBackwards, so each of those records
// is in time order and a machine's records never run backwards.
func (m *Machine) LastRecorded() time.Time { return locked(m, func() time.Time { return m.last }) }

// stamp returns the instant to record an operation with: at, or the
// clock's time when explicit is false, without its monotonic reading; ok is
// false for a zero instant or one before the latest instant recorded (the
// caller reports it with timeError). Called with the lock held; the caller
// sets m.last once the operation succeeds.
func (m *Machine) stamp(at time.Time, explicit bool) (t time.Time, ok bool) {
	if !explicit {
		at = m.clk.Now()
	}
	at = at.Round(0)
	return at, !at.IsZero() && !at.Before(m.last)
}

// locked returns what read returns, read under the machine's lock.
func locked[T any](m *Machine, read func() T) T {
	m.mu.Lock()
	defer m.mu.Unlock()
	return read()
}

// Definition returns the definition the machine was made from.
func (m *Machine) Definition() *Definition { return m.def }

// ID returns the identifier set with WithID (or restored from a snapshot).
func (m *Machine) ID() string { return locked(m, func() string { return m.id }) }

// State returns the current state.
func (m *Machine) State() State { return locked(m, func() State { return m.def.states[m.state] }) }

// IsTerminal reports whether the machine is in a terminal state.
func (m *Machine) IsTerminal() bool { return locked(m, func() bool { return m.def.terminal[m.state] }) }

// Can reports whether ev is declared and may be fired from the current
// state. Guards are not evaluated.
func (m *Machine) Can(ev Event) bool {
	ei, ok := m.def.eventIndex[ev]
	if !ok {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.def.table[int(ei)*len(m.def.states)+int(m.state)] >= 0
}

// Available returns the events that may be fired from the current state,
// sorted by name (a fresh slice). Guards are not evaluated.
func (m *Machine) Available() []Event {
	return locked(m, func() []Event { return slices.Clone(m.def.avail[m.state]) })
}

// History returns a copy of the recorded transitions, oldest first.
func (m *Machine) History() []Record { return locked(m, func() []Record { return m.historyLocked() }) }

// MaxHookDepth bounds how deeply hooks may nest firings. The Fire (or
// FireAt) a host calls is at depth 1; a Fire called from one of its hooks,
// with the context the hook received (or one derived from it), is at depth
// 2; and so on. A firing that would be at depth MaxHookDepth+1 is refused
// with a *HookDepthError (matching ErrHookDepth) before its event is even
// looked up: the transitions of the enclosing firings have happened and stay
// recorded, the refused one does not happen. The error is returned to the
// hook that fired; the enclosing Fire calls return their own results.
//
// The depth travels in the context, so it also counts firings a hook makes
// on other machines, and chains started concurrently are counted
// separately. A hook that fires with a context not derived from the one it
// received (context.Background(), say) starts a new chain and escapes the
// bound: always pass the hook's context on.
const MaxHookDepth = 32

// chainKey is the context key of the innermost firing whose hooks are
// running.
type chainKey struct{}

// chainLink is one firing of a chain of firings nested through hooks.
type chainLink struct {
	parent *chainLink
	event  Event
	depth  int
}

// depthError returns the refusal of ev fired below parent, whose depth is
// MaxHookDepth.
func depthError(parent *chainLink, ev Event) error {
	chain := make([]Event, parent.depth+1)
	chain[parent.depth] = ev
	for l := parent; l != nil; l = l.parent {
		chain[l.depth-1] = l.event
	}
	return &HookDepthError{Depth: parent.depth + 1, Chain: chain}
}

// Fire fires ev at the clock's current time. See FireAt.
func (m *Machine) Fire(ctx context.Context, ev Event, by By) (Record, error) {
	return m.fire(ctx, time.Time{}, false, ev, by, nil)
}

// FireAt fires ev, recording at as the time of the transition.
//
// In order it: returns a *CancelledError if ctx is already done; returns a
// *HookDepthError if it is called from hooks nested MaxHookDepth deep;
// returns an *UnknownEventError or *NotAllowedError if ev is not declared or not
// allowed from the current state; refuses a zero instant
// (ErrInvalidArgument) and one before the latest instant recorded on the
// machine (ErrTimeBackwards, see LastRecorded); checks the transition's
// checklists and runs its guards, returning a *GuardError from the first
// refusal; performs the transition through looplab/fsm; records it in the
// history; then, after releasing the lock, runs the transition's hooks and
// the definition's hooks. On any error the machine is unchanged and usable.
//
// Fire and FireAt may be called concurrently and from hooks.
func (m *Machine) FireAt(ctx context.Context, at time.Time, ev Event, by By) (Record, error) {
	return m.fire(ctx, at, true, ev, by, nil)
}

// handover is the change of owner FireAssign makes together with its
// transition.
type handover struct {
	to string
	tr Transfer // the record made; zero when to already owned the machine
}

func (m *Machine) fire(ctx context.Context, at time.Time, explicit bool, ev Event, by By, own *handover) (Record, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return Record{}, &CancelledError{Event: ev, Err: err}
	}
	parent, _ := ctx.Value(chainKey{}).(*chainLink)
	depth := 1
	if parent != nil {
		if parent.depth >= MaxHookDepth {
			return Record{}, depthError(parent, ev)
		}
		depth = parent.depth + 1
	}
	ei, ok := m.def.eventIndex[ev]
	if !ok {
		return Record{}, &UnknownEventError{Event: ev}
	}
	rec, err := m.transition(ctx, at, explicit, ei, ev, by, own)
	if err != nil {
		return Record{}, err
	}
	t := &m.def.trans[ei]
	if len(t.Hooks) == 0 && len(m.def.hooks) == 0 {
		return rec, nil
	}
	hctx := context.WithValue(ctx, chainKey{}, &chainLink{parent: parent, event: ev, depth: depth})
	for _, h := range t.Hooks {
		h(hctx, m, rec)
	}
	for _, h := range m.def.hooks {
		h(hctx, m, rec)
	}
	return rec, nil
}

// transition does the locked part of fire. With own it hands the machine
// over first, so the guards see the new owner, and undoes the handover if
// the transition fails.
func (m *Machine) transition(ctx context.Context, at time.Time, explicit bool, ei int32, ev Event, by By, own *handover) (Record, error) {
	d := m.def
	m.mu.Lock()
	defer m.mu.Unlock()
	from := m.state
	to := d.table[int(ei)*len(d.states)+int(from)]
	if to < 0 {
		return Record{}, &NotAllowedError{Event: ev, State: d.states[from], Allowed: slices.Clone(d.avail[from])}
	}
	if !explicit { // stamp, written out on this hot path
		at = m.clk.Now()
	}
	if at = at.Round(0); at.IsZero() || at.Before(m.last) {
		return Record{}, timeError("event "+string(ev), at, m.last)
	}
	var undo func()
	if own != nil {
		var err error
		if undo, err = m.handOver(at, own, by); err != nil {
			return Record{}, err
		}
	}
	fail := func(err error) (Record, error) {
		if undo != nil {
			undo()
		}
		return Record{}, err
	}
	t := &d.trans[ei]
	if len(t.Checklists) > 0 || len(t.Guards) > 0 {
		v := View{m: m, Event: ev, From: d.states[from], To: d.states[to], At: at, By: by}
		for _, c := range t.Checklists {
			if missing := m.missingLocked(c); len(missing) > 0 {
				return fail(&GuardError{Event: ev, From: v.From, To: v.To, Guard: "checklist " + c,
					Err: &ChecklistIncompleteError{Checklist: c, Missing: missing}})
			}
		}
		for _, g := range t.Guards {
			if err := g.Check(ctx, v); err != nil {
				return fail(&GuardError{Event: ev, From: v.From, To: v.To, Guard: g.Name, Err: err})
			}
		}
	}
	if err := d.step(ctx, d.states[from], d.states[to], ev); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return fail(&CancelledError{Event: ev, Err: cerr})
		}
		return fail(&InternalError{Event: ev, Err: err})
	}
	m.state = to
	m.last = at
	m.record(entry{at: at, actor: by.Actor, reason: by.Reason, event: ei, from: from, to: to})
	rec := Record{Event: ev, From: d.states[from], To: d.states[to], Actor: by.Actor, Reason: by.Reason, At: at}
	if m.chain != nil {
		m.chain.Append(rec)
	}
	return rec, nil
}

// View gives a guard read access to the machine being transitioned and to
// the transition itself. It reads the machine without locking (the lock is
// already held by Fire) and is valid only during the guard's call.
type View struct {
	m *Machine
	// Event, From and To describe the transition being attempted.
	Event Event
	From  State
	To    State
	// At is the time the transition would be recorded with.
	At time.Time
	// By is the actor and reason given to Fire.
	By By
}

// ID returns the machine's identifier.
func (v View) ID() string { return v.m.id }

// Tier returns the machine's current tier (0 if the definition has none).
func (v View) Tier() int { return int(v.m.tier) }

// Owner returns the machine's current owner ("" if unassigned).
func (v View) Owner() string { return v.m.owner }

// FirstResponder returns the machine's first owner ("" if never assigned).
func (v View) FirstResponder() string { return v.m.first }

// Amount returns the machine's amount (see WithAmount).
func (v View) Amount() int64 { return v.m.amount }

// Approval returns the machine's approval, if any.
func (v View) Approval() (Approval, bool) {
	if a := v.m.current(); a != nil {
		return *a, true
	}
	return Approval{}, false
}

// Request returns the machine's request classification (see WithRequest).
func (v View) Request() Request { return v.m.request() }

// Missing returns the unmarked items of the named checklist, in declared
// order (nil if all are marked or the checklist is unknown).
func (v View) Missing(checklist string) []string { return v.m.missingLocked(checklist) }

// Marked reports whether item of the named checklist has been marked.
func (v View) Marked(checklist, item string) bool { return v.m.markedLocked(checklist, item) }

// entry is the compact in-memory form of a Record: states and event are
// indexes into the definition.
type entry struct {
	at            time.Time
	actor, reason string
	event         int32
	from, to      int32
}

// maxBlock bounds the size of one history block.
const maxBlock = 256

// record appends e to the history. The history is kept in blocks that
// double in size (8, 16, ... up to maxBlock entries) and are never copied
// when the history grows. Called with the lock held.
func (m *Machine) record(e entry) {
	k := len(m.history)
	if k == 0 || len(m.history[k-1]) == cap(m.history[k-1]) {
		size := 8
		if k > 0 {
			size = min(2*cap(m.history[k-1]), maxBlock)
		}
		m.history = append(m.history, make([]entry, 0, size))
		k++
	}
	m.history[k-1] = append(m.history[k-1], e)
}

// historyLocked returns the history as a fresh []Record (nil if empty).
func (m *Machine) historyLocked() []Record {
	n := 0
	for _, b := range m.history {
		n += len(b)
	}
	if n == 0 {
		return nil
	}
	d := m.def
	out := make([]Record, 0, n)
	for _, b := range m.history {
		for _, e := range b {
			out = append(out, Record{Event: d.events[e.event], From: d.states[e.from], To: d.states[e.to],
				Actor: e.actor, Reason: e.reason, At: e.at})
		}
	}
	return out
}
