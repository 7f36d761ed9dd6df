package fsm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	looplab "github.com/looplab/fsm"
)

// State names a state of a lifecycle, e.g. "in_progress".
type State string

// Event names an event that moves a machine between states, e.g. "resolve".
type Event string

// Transition declares an event: the states it may be fired from, the state
// it leads to, and what must hold before it may happen.
//
// From and To may be equal (a self-transition): firing it is recorded in the
// history like any other transition, guards and hooks run, and the state
// stays the same. (Raw looplab/fsm reports a self-transition as a
// NoTransitionError; this package treats it as a success.)
type Transition struct {
	// Event is the event's name, unique within a Spec.
	Event Event `json:"event"`
	// From lists the source states (at least one).
	From []State `json:"from"`
	// To is the destination state.
	To State `json:"to"`
	// Checklists names checklists (declared in Spec.Checklists) whose items
	// must all be marked before the event may be fired. They are checked
	// before Guards; a gap is reported as a *GuardError wrapping a
	// *ChecklistIncompleteError.
	Checklists []string `json:"checklists,omitempty"`
	// Guards run in order, under the machine's lock, before the transition;
	// the first one that returns an error refuses it.
	Guards []Guard `json:"-"`
	// Hooks run in order after the transition, outside any lock, before the
	// Spec-wide hooks.
	Hooks []Hook `json:"-"`
}

// Guard decides whether a transition may happen. Check returns nil to allow
// it or an error saying why not; Fire wraps that error in a *GuardError.
//
// Check runs while the machine's lock is held: it must not call methods of
// the Machine (use the View it is given, which reads the machine's data
// without locking) and must not block for long.
type Guard struct {
	// Name identifies the guard in errors and exported diagrams.
	Name string
	// Check returns nil to allow the transition.
	Check func(ctx context.Context, v View) error
}

// Hook runs after a transition has been committed, in the goroutine that
// fired it and outside any lock; it may call any method of m, including
// Fire. r is the history record of the transition.
//
// A hook must pass the ctx it receives on to every firing it makes (Fire,
// FireAt, FireAssign, on m or on another machine), or a context derived
// from it: ctx carries the chain of nested firings that MaxHookDepth
// bounds. A hook that fires with a context of its own, such as
// context.Background(), starts a new chain and escapes the bound, so a
// cycle of hooks would never be stopped with a *HookDepthError.
type Hook func(ctx context.Context, m *Machine, r Record)

// Checklist is a named list of items that must all be marked (see
// Machine.Mark) before a transition naming it in Transition.Checklists may
// happen.
type Checklist struct {
	Name  string   `json:"name"`
	Items []string `json:"items"`
}

// Spec is the plain description of a lifecycle. Build it into a Definition
// with NewDefinition, which validates it once.
type Spec struct {
	// Name identifies the definition (used as the diagram title).
	Name string `json:"name"`
	// Initial is the state every new machine starts in.
	Initial State `json:"initial"`
	// States lists every state, in the order used by listings and exports.
	States []State `json:"states"`
	// Terminal lists the states a machine never leaves; they may have no
	// outgoing events.
	Terminal []State `json:"terminal,omitempty"`
	// Transitions lists the events, in the order used by exports.
	Transitions []Transition `json:"transitions"`
	// Checklists declares the checklists machines can mark.
	Checklists []Checklist `json:"checklists,omitempty"`
	// MaxTier is the number of handling tiers (0 for none). Machines of a
	// definition with tiers start at tier 1 and escalate one tier at a
	// time up to MaxTier.
	MaxTier int `json:"max_tier,omitempty"`
	// Hooks run after every transition, after the transition's own hooks.
	Hooks []Hook `json:"-"`
}

// Validate reports every problem of the spec at once, joined with
// errors.Join; each problem is a *FieldError matching ErrInvalidDefinition.
// It checks for empty and duplicate names, unknown states, events with no
// source, states unreachable from the initial state, terminal states with
// outgoing events, nil guards and hooks, and malformed checklists.
func (s Spec) Validate() error {
	var errs []error
	add := func(err error) { errs = append(errs, err) }

	if len(s.States) == 0 {
		add(defErr("states", "no states"))
	}
	known := make(map[State]int, len(s.States))
	seen := make(map[State]bool, len(s.States))
	for i, st := range s.States {
		if distinct(add, seen, st, fmt.Sprintf("states[%d]", i), "state", "state") {
			known[st] = i
		}
	}
	if s.Initial == "" {
		add(defErr("initial", "no initial state"))
	} else if _, ok := known[s.Initial]; !ok {
		add(defErr("initial", "unknown state %q", s.Initial))
	}
	terminal := make(map[State]bool, len(s.Terminal))
	for i, st := range s.Terminal {
		p := fmt.Sprintf("terminal[%d]", i)
		if _, ok := known[st]; distinct(add, terminal, st, p, "state", "terminal state") && !ok {
			add(defErr(p, "unknown state %q", st))
		}
	}
	checklists := make(map[string]bool, len(s.Checklists))
	for i, c := range s.Checklists {
		p := fmt.Sprintf("checklists[%d]", i)
		distinct(add, checklists, c.Name, p+".name", "checklist", "checklist")
		if len(c.Items) == 0 {
			add(defErr(p+".items", "checklist has no items"))
		}
		items := make(map[string]bool, len(c.Items))
		for j, it := range c.Items {
			distinct(add, items, it, fmt.Sprintf("%s.items[%d]", p, j), "item", "item")
		}
	}
	if s.MaxTier < 0 {
		add(defErr("max_tier", "negative tier count %d", s.MaxTier))
	}
	events := make(map[Event]bool, len(s.Transitions))
	for i, t := range s.Transitions {
		p := fmt.Sprintf("transitions[%d]", i)
		distinct(add, events, t.Event, p+".event", "event", "event")
		if len(t.From) == 0 {
			add(defErr(p+".from", "event %q has no source state", t.Event))
		}
		srcs := make(map[State]bool, len(t.From))
		for j, f := range t.From {
			fp := fmt.Sprintf("%s.from[%d]", p, j)
			if _, ok := known[f]; !ok {
				add(defErr(fp, "unknown state %q", f))
			}
			if srcs[f] {
				add(defErr(fp, "duplicate source state %q", f))
			}
			srcs[f] = true
			if terminal[f] {
				add(defErr(fp, "terminal state %q has outgoing event %q", f, t.Event))
			}
		}
		if _, ok := known[t.To]; !ok {
			add(defErr(p+".to", "unknown state %q", t.To))
		}
		for j, c := range t.Checklists {
			if !checklists[c] {
				add(defErr(fmt.Sprintf("%s.checklists[%d]", p, j), "unknown checklist %q", c))
			}
		}
		for j, g := range t.Guards {
			gp := fmt.Sprintf("%s.guards[%d]", p, j)
			if g.Check == nil {
				add(defErr(gp, "guard %q has no Check function", g.Name))
			}
			if g.Name == "" {
				add(defErr(gp, "guard has no name"))
			}
		}
		for j, h := range t.Hooks {
			if h == nil {
				add(defErr(fmt.Sprintf("%s.hooks[%d]", p, j), "nil hook"))
			}
		}
	}
	for j, h := range s.Hooks {
		if h == nil {
			add(defErr(fmt.Sprintf("hooks[%d]", j), "nil hook"))
		}
	}
	// Reachability from the initial state.
	if _, ok := known[s.Initial]; ok {
		reached := map[State]bool{s.Initial: true}
		for changed := true; changed; {
			changed = false
			for _, t := range s.Transitions {
				if reached[t.To] {
					continue
				}
				for _, f := range t.From {
					if reached[f] {
						reached[t.To] = true
						changed = true
						break
					}
				}
			}
		}
		for i, st := range s.States {
			if st != "" && known[st] == i && !reached[st] {
				add(defErr(fmt.Sprintf("states[%d]", i), "state %q is unreachable from initial state %q", st, s.Initial))
			}
		}
	}
	return errors.Join(errs...)
}

// distinct checks a name that must be non-empty and unique in its list:
// it reports an empty name ("empty <noun> name") or one already in seen
// ("duplicate <dup> <name>") at path, and otherwise adds it to seen and
// returns true.
func distinct[N ~string](add func(error), seen map[N]bool, name N, path, noun, dup string) bool {
	switch {
	case name == "":
		add(defErr(path, "empty %s name", noun))
	case seen[name]:
		add(defErr(path, "duplicate %s %q", dup, name))
	default:
		seen[name] = true
		return true
	}
	return false
}

// Definition is a validated, immutable lifecycle built once from a Spec and
// shared by every Machine made from it. It is safe for concurrent use.
// Creating a machine does not rebuild anything.
type Definition struct {
	name       string
	initial    int32
	states     []State
	stateIndex map[State]int32
	terminal   []bool
	events     []Event // transition order
	eventIndex map[Event]int32
	trans      []Transition // deep copies, transition order
	table      []int32      // [event*len(states)+from] = to, or -1
	avail      [][]Event    // per state, sorted
	checklists []Checklist
	checkIndex map[string]int
	maxTier    int
	hooks      []Hook
	spec       Spec // deep copy, for Spec()

	// pool holds looplab FSMs built from the definition's events; a
	// machine borrows one per transition (see Machine.Fire).
	pool  sync.Pool
	descs []looplab.EventDesc
}

// NewDefinition validates spec (reporting every problem at once, see
// Spec.Validate) and builds a Definition from a deep copy of it, so later
// changes to spec do not affect the definition.
func NewDefinition(spec Spec) (*Definition, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec = cloneSpec(spec)
	d := &Definition{
		name:       spec.Name,
		states:     spec.States,
		stateIndex: make(map[State]int32, len(spec.States)),
		terminal:   make([]bool, len(spec.States)),
		eventIndex: make(map[Event]int32, len(spec.Transitions)),
		trans:      spec.Transitions,
		checklists: spec.Checklists,
		checkIndex: make(map[string]int, len(spec.Checklists)),
		maxTier:    spec.MaxTier,
		hooks:      spec.Hooks,
		spec:       spec,
	}
	for i, st := range spec.States {
		d.stateIndex[st] = int32(i)
	}
	d.initial = d.stateIndex[spec.Initial]
	for _, st := range spec.Terminal {
		d.terminal[d.stateIndex[st]] = true
	}
	for i, c := range spec.Checklists {
		d.checkIndex[c.Name] = i
	}
	n := len(spec.States)
	d.table = make([]int32, len(spec.Transitions)*n)
	for i := range d.table {
		d.table[i] = -1
	}
	d.avail = make([][]Event, n)
	for i, t := range spec.Transitions {
		d.events = append(d.events, t.Event)
		d.eventIndex[t.Event] = int32(i)
		desc := looplab.EventDesc{Name: string(t.Event), Dst: string(t.To)}
		to := d.stateIndex[t.To]
		for _, f := range t.From {
			fi := d.stateIndex[f]
			d.table[i*n+int(fi)] = to
			d.avail[fi] = append(d.avail[fi], t.Event)
			desc.Src = append(desc.Src, string(f))
		}
		d.descs = append(d.descs, desc)
	}
	for _, a := range d.avail {
		slices.Sort(a)
	}
	d.pool.New = func() any {
		return &pooledFSM{f: looplab.NewFSM(string(spec.Initial), d.descs, nil), cur: spec.Initial}
	}
	return d, nil
}

// MustDefinition is like NewDefinition but panics if the spec is invalid.
// It is meant for package-level definitions built from literal specs, like
// regexp.MustCompile.
func MustDefinition(spec Spec) *Definition {
	d, err := NewDefinition(spec)
	if err != nil {
		panic(err)
	}
	return d
}

func cloneSpec(s Spec) Spec {
	s.States = slices.Clone(s.States)
	s.Terminal = slices.Clone(s.Terminal)
	s.Hooks = slices.Clone(s.Hooks)
	s.Transitions = slices.Clone(s.Transitions)
	for i := range s.Transitions {
		t := &s.Transitions[i]
		t.From = slices.Clone(t.From)
		t.Checklists = slices.Clone(t.Checklists)
		t.Guards = slices.Clone(t.Guards)
		t.Hooks = slices.Clone(t.Hooks)
	}
	s.Checklists = slices.Clone(s.Checklists)
	for i := range s.Checklists {
		s.Checklists[i].Items = slices.Clone(s.Checklists[i].Items)
	}
	return s
}

// Name returns the definition's name.
func (d *Definition) Name() string { return d.name }

// Initial returns the state new machines start in.
func (d *Definition) Initial() State { return d.states[d.initial] }

// States returns every state in declaration order (a fresh slice).
func (d *Definition) States() []State { return slices.Clone(d.states) }

// Events returns every event in declaration order (a fresh slice).
func (d *Definition) Events() []Event { return slices.Clone(d.events) }

// HasState reports whether the definition declares s.
func (d *Definition) HasState(s State) bool {
	_, ok := d.stateIndex[s]
	return ok
}

// IsTerminal reports whether s is a terminal state of the definition.
func (d *Definition) IsTerminal(s State) bool {
	i, ok := d.stateIndex[s]
	return ok && d.terminal[i]
}

// MaxTier returns the number of handling tiers (0 for none).
func (d *Definition) MaxTier() int { return d.maxTier }

// EventsFrom returns the events that can be fired from state s, sorted by
// name (a fresh slice; nil for an unknown or terminal state). Guards are
// not evaluated.
func (d *Definition) EventsFrom(s State) []Event {
	i, ok := d.stateIndex[s]
	if !ok {
		return nil
	}
	return slices.Clone(d.avail[i])
}

// Checklist returns the declared checklist with the given name.
func (d *Definition) Checklist(name string) (Checklist, bool) {
	i, ok := d.checkIndex[name]
	if !ok {
		return Checklist{}, false
	}
	c := d.checklists[i]
	c.Items = slices.Clone(c.Items)
	return c, true
}

// Spec returns a deep copy of the spec the definition was built from.
func (d *Definition) Spec() Spec { return cloneSpec(d.spec) }

// step asks looplab to perform the transition ev from state from, on an FSM
// borrowed from the pool. An FSM that reports anything but success is
// dropped rather than returned to the pool, since looplab can leave an FSM
// stuck "in transition" (for example when ctx is cancelled mid-way).
func (d *Definition) step(ctx context.Context, from, to State, ev Event) error {
	p := d.pool.Get().(*pooledFSM)
	if p.cur != from {
		p.f.SetState(string(from))
	}
	err := p.f.Event(ctx, string(ev))
	if ne, ok := err.(looplab.NoTransitionError); ok && from == to && ne.Err == nil {
		err = nil // a self-transition is a success here
	}
	if err != nil {
		return err
	}
	p.cur = to
	d.pool.Put(p)
	return nil
}

// pooledFSM is a looplab FSM in the definition's pool, with the state it
// was left in so a machine in that state can skip SetState.
type pooledFSM struct {
	f   *looplab.FSM
	cur State
}
