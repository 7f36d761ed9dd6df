package emergency

import (
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
)

// measure routes the observations of one measure name to the rules using it.
// A measure is either a plain value (values) or window counts (counts),
// never both (Config.Validate).
type measure struct {
	values      []route
	counts      []int
	nonNegative bool // a resource figure of a shortage rule
}

type route struct {
	rule   int
	demand bool // the demand measure of a shortage rule
}

type batchItem struct {
	s *subj
	m *measure
}

type subj struct {
	name    string
	level   Level
	since   time.Time
	last    time.Time
	rules   []ruleState
	floors  []Floor // sorted by source
	history []Change
	mark    bool
}

// Board keeps the current warning level of every subject (a team, a channel,
// a region) and the history of its changes.
//
// A subject appears on the board with its first observation (or signal or
// floor). Each rule keeps its own state per subject and asserts a level; the
// subject's level is the highest level any rule or floor asserts. A rule
// raises as soon as its condition has held for its hold time and lowers only
// after its condition has been calm for its dwell time, so a flapping input
// does not make the level flap.
//
// Pending holds and dwells take effect when the board is evaluated. The
// board keeps a timer on its timeline (the host's, WithTracker, or a private
// one) at the earliest instant one may fall due, so advancing the timeline
// evaluates the board exactly when needed; EvaluateAt remains for hosts
// that tick on their own.
//
// A Board is safe for concurrent use by multiple goroutines. Observers run
// after the lock is released.
type Board struct {
	clk       clock.Clock
	log       *slog.Logger
	observers []func(Change)
	cfg       Config
	rules     []compiledRule
	byName    map[string]int
	measures  map[string]*measure
	// measureNames[i] routes to measureList[i]; scanned when short.
	measureNames []string
	measureList  []*measure
	events       map[string][]int
	timeline     boardTimeline

	mu       sync.RWMutex
	subjects map[string]*subj
	list     []*subj
	seq      uint64
	scratch  []batchItem // reused by ObserveBatchAt under mu
	touched  []*subj     // reused by ObserveBatchAt under mu
	// changeBuf collects the changes of one call under mu
	changeBuf []Change
}

// NewBoard validates cfg and returns an empty board. Invalid configuration
// returns an error joining a *FieldError per problem (all wrap
// ErrInvalidConfig). It takes WithClock, WithObserver, WithTracker and
// WithNamespace (default namespace "emergency.board") and ignores the other
// options.
func NewBoard(cfg Config, opts ...Option) (*Board, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := buildBoard(cfg, collect(opts))
	if err := b.timeline.register(b); err != nil {
		return nil, err
	}
	return b, nil
}

func buildBoard(cfg Config, o options) *Board {
	b := &Board{
		clk:       o.clk,
		observers: o.observers,
		log:       o.log,
		cfg:       cloneConfig(cfg),
		byName:    map[string]int{},
		measures:  map[string]*measure{},
		events:    map[string][]int{},
		subjects:  map[string]*subj{},
		timeline:  newBoardTimeline(o),
	}
	add := func(r compiledRule) int {
		b.rules = append(b.rules, r)
		b.byName[r.name] = len(b.rules) - 1
		return len(b.rules) - 1
	}
	for _, r := range cfg.Thresholds {
		i := add(r.compile())
		b.measure(r.Measure).values = append(b.measure(r.Measure).values, route{rule: i})
	}
	for _, r := range cfg.Changes {
		i := add(r.compile())
		b.measure(r.Measure).counts = append(b.measure(r.Measure).counts, i)
	}
	for _, r := range cfg.Events {
		i := add(r.compile())
		b.events[r.Event] = append(b.events[r.Event], i)
	}
	for _, r := range cfg.Shortages {
		i := add(r.compile())
		av, de := b.measure(r.Available), b.measure(r.Demand)
		av.values, av.nonNegative = append(av.values, route{rule: i}), true
		de.values, de.nonNegative = append(de.values, route{rule: i, demand: true}), true
	}
	return b
}

// lookupMeasure finds the routes of a measure name: by a linear scan when
// the board has few measures (faster than hashing the name), else by map.
func (b *Board) lookupMeasure(name string) *measure {
	if len(b.measureNames) <= 8 {
		for i, n := range b.measureNames {
			if n == name {
				return b.measureList[i]
			}
		}
		return nil
	}
	return b.measures[name]
}

func (b *Board) measure(name string) *measure {
	m := b.measures[name]
	if m == nil {
		m = &measure{}
		b.measures[name] = m
		b.measureNames = append(b.measureNames, name)
		b.measureList = append(b.measureList, m)
	}
	return m
}

// Config returns a copy of the board's configuration.
func (b *Board) Config() Config { return cloneConfig(b.cfg) }

// Tracker returns the timeline the board schedules its next evaluation on
// (the host's, or the board's private one).
func (b *Board) Tracker() *sla.Tracker { return b.timeline.tr }

// AdvanceTo advances the board's timeline to t (the host's whole timeline
// when the board shares it): every evaluation due at or before t happens at
// its own instant. It returns the number of timeline events delivered.
func (b *Board) AdvanceTo(t time.Time) int { return b.timeline.tr.AdvanceTo(t) }

// Observe records a plain value of a measure for a subject at the clock's
// current time; see ObserveAt.
func (b *Board) Observe(subject, measure string, value float64) ([]Change, error) {
	return b.ObserveAt(b.clk.Now(), subject, measure, value)
}

// ObserveAt records a plain value of a measure (used by threshold and
// shortage rules) for a subject at time t and evaluates the subject at t.
// It returns the change of level this caused, if any.
//
// The value must be finite, the measure must be used by a threshold or
// shortage rule, and t must not be before the subject's last evaluation
// (ErrTimeBackwards).
func (b *Board) ObserveAt(t time.Time, subject, measure string, value float64) ([]Change, error) {
	return b.ObserveBatchAt(t, []Observation{{Subject: subject, Measure: measure, Value: value}})
}

// ObserveCounts records window counts of a measure for a subject at the
// clock's current time; see ObserveCountsAt.
func (b *Board) ObserveCounts(subject, measure string, c Counts) ([]Change, error) {
	return b.ObserveCountsAt(b.clk.Now(), subject, measure, c)
}

// ObserveCountsAt records the current and baseline window counts of a
// measure used by change rules for a subject at time t and evaluates the
// subject at t. It returns the change of level this caused, if any.
func (b *Board) ObserveCountsAt(t time.Time, subject, measure string, c Counts) ([]Change, error) {
	return b.ObserveBatchAt(t, []Observation{{Subject: subject, Measure: measure, Counts: c}})
}

// ObserveBatch records many observations at the clock's current time; see
// ObserveBatchAt.
func (b *Board) ObserveBatch(obs []Observation) ([]Change, error) {
	return b.ObserveBatchAt(b.clk.Now(), obs)
}

// ObserveBatchAt records all observations at time t, then evaluates each
// subject they touch once, in the order of first appearance. The batch is
// checked first and applied only if every observation is valid. It returns
// the changes of level, at most one per subject.
func (b *Board) ObserveBatchAt(t time.Time, obs []Observation) ([]Change, error) {
	if err := checkTime(t); err != nil {
		return nil, err
	}
	st := stampOf(t)
	b.mu.Lock()
	// Check everything first, so that a bad batch changes nothing.
	items := b.scratch[:0]
	for i := range obs {
		o := &obs[i]
		m, err := b.checkObservation(o)
		var s *subj
		if err == nil && i > 0 && o.Subject == obs[i-1].Subject && items[i-1].s != nil {
			s = items[i-1].s // observations are often grouped by subject
		} else if err == nil {
			s = b.subjects[o.Subject]
			if s != nil && t.Before(s.last) {
				err = s.backwards(t)
			}
		}
		if err != nil {
			clear(items)
			b.scratch = items[:0]
			b.mu.Unlock()
			if len(obs) > 1 {
				return nil, fmt.Errorf("observation %d: %w", i, err)
			}
			return nil, err
		}
		items = append(items, batchItem{s, m})
	}
	touched := b.touched[:0]
	for i := range obs {
		o, it := &obs[i], &items[i]
		s := it.s
		if s == nil {
			s = b.subjectLocked(o.Subject)
		}
		if !s.mark {
			s.mark = true
			touched = append(touched, s)
		}
		b.record(s, it.m, o, st)
	}
	buf := b.changeBuf[:0]
	var due stamp
	for _, s := range touched {
		s.mark = false
		if c, ok := b.evaluateLocked(s, t); ok {
			buf = append(buf, c)
		}
		due = earlier(due, b.subjectDue(s))
	}
	b.timeline.lower(due)
	changes := b.takeChanges(buf)
	clear(items)
	clear(touched)
	b.scratch, b.touched = items[:0], touched[:0]
	b.mu.Unlock()
	b.notify(changes)
	return changes, nil
}

// record stores one observation in the rules of s that use it. The
// candidate is a pure function of the inputs and the previous candidate,
// and applying it twice changes nothing, so an unchanged input needs no
// recomputation (and no new exact test).
func (b *Board) record(s *subj, m *measure, o *Observation, st stamp) {
	for _, rt := range m.values {
		rs := &s.rules[rt.rule]
		if rt.demand {
			rs.dirty = rs.dirty || !rs.hasDemand || rs.demand != o.Value
			rs.demand, rs.hasDemand = o.Value, true
		} else {
			rs.dirty = rs.dirty || !rs.hasValue || rs.value != o.Value
			rs.value, rs.hasValue = o.Value, true
		}
		rs.observedAt = st
	}
	for _, ri := range m.counts {
		rs := &s.rules[ri]
		rs.dirty = rs.dirty || !rs.hasCounts || rs.counts != o.Counts
		rs.counts, rs.hasCounts = o.Counts, true
		rs.observedAt = st
	}
}

func (b *Board) checkObservation(o *Observation) (*measure, error) {
	if o.Subject == "" {
		return nil, inputErr("empty subject")
	}
	m := b.lookupMeasure(o.Measure)
	switch {
	case m == nil:
		return nil, fmt.Errorf("%w: no rule uses measure %q", ErrUnknownRule, o.Measure)
	case len(m.values) > 0:
		if !finite(o.Value) {
			return nil, inputErr("value of %q for %q is not finite: %v", o.Measure, o.Subject, o.Value)
		}
		if m.nonNegative && o.Value < 0 {
			return nil, inputErr("negative resource figure %v of %q for %q", o.Value, o.Measure, o.Subject)
		}
	default:
		if err := o.Counts.Validate(); err != nil {
			return nil, fmt.Errorf("counts of %q for %q: %w", o.Measure, o.Subject, err)
		}
	}
	return m, nil
}

// backwards reports an instant before the subject's last evaluation.
func (s *subj) backwards(t time.Time) error {
	return backwardsErr(t, s.last, fmt.Sprintf("subject %q", s.name))
}

// Signal signals an event for a subject at the clock's current time; see
// SignalAt.
func (b *Board) Signal(subject, event, detail string) ([]Change, error) {
	return b.SignalAt(b.clk.Now(), subject, event, detail)
}

// SignalAt signals an event (for example "mass-complaint") for a subject at
// time t. Every event rule for that event asserts its level at once; detail
// is recorded in the evidence. It returns the change of level, if any.
func (b *Board) SignalAt(t time.Time, subject, event, detail string) ([]Change, error) {
	if err := checkTime(t); err != nil {
		return nil, err
	}
	if subject == "" {
		return nil, inputErr("empty subject")
	}
	rules, ok := b.events[event]
	if !ok {
		return nil, fmt.Errorf("%w: no rule uses event %q", ErrUnknownRule, event)
	}
	return b.updateSubject(t, subject, true, func(s *subj) *floorOp {
		for _, ri := range rules {
			b.rules[ri].signal(&s.rules[ri], stampOf(t), detail)
		}
		return nil
	})
}

// Clear clears an event rule for a subject at the clock's current time; see
// ClearAt.
func (b *Board) Clear(subject, rule, reason string) ([]Change, error) {
	return b.ClearAt(b.clk.Now(), subject, rule, reason)
}

// ClearAt lowers the named event rule of a subject to None at time t (the
// accident is over, the mass complaint is handled); reason is recorded in
// the evidence. Only event rules can be cleared; other rules follow their
// observations. Clearing a rule that asserts nothing is not an error.
func (b *Board) ClearAt(t time.Time, subject, rule, reason string) ([]Change, error) {
	if err := checkTime(t); err != nil {
		return nil, err
	}
	ri, ok := b.byName[rule]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownRule, rule)
	}
	if b.rules[ri].kind != KindEvent {
		return nil, inputErr("rule %q is a %s rule; only event rules can be cleared", rule, b.rules[ri].kind)
	}
	return b.updateSubject(t, subject, false, func(s *subj) *floorOp {
		s.rules[ri].clear(stampOf(t), reason)
		return nil
	})
}

// updateSubject runs f on the subject at t under the lock (adding the
// subject when create is set; otherwise an unknown subject changes
// nothing), evaluates it at t, keeps the timer up to date and notifies the
// observers after the lock is released. f may return the floor it changed.
func (b *Board) updateSubject(t time.Time, name string, create bool, f func(*subj) *floorOp) ([]Change, error) {
	b.mu.Lock()
	s := b.subjects[name]
	switch {
	case s == nil && !create:
		b.mu.Unlock()
		return nil, nil
	case s != nil && t.Before(s.last):
		err := s.backwards(t) // reads s.last: before the lock is released
		b.mu.Unlock()
		return nil, err
	case s == nil:
		s = b.subjectLocked(name)
	}
	var changes []Change
	if c, ok := b.evaluateFloorLocked(s, t, f(s)); ok {
		changes = []Change{c}
	}
	b.timeline.lower(b.subjectDue(s))
	b.mu.Unlock()
	b.notify(changes)
	return changes, nil
}
