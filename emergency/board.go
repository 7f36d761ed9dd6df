package emergency

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// TestMethod names the statistical test recorded in the evidence of
// relative-change rules.
const TestMethod = "exact one-sided conditional binomial test of two Poisson counts"

// TestEvidence is the statistical part of the evidence of a relative-change
// rule: the counts, the test result and the thresholds it was judged by.
type TestEvidence struct {
	Method         string  `json:"method"`
	Counts         Counts  `json:"counts"`
	Share          float64 `json:"share"`
	RelativeChange float64 `json:"relative_change"`
	PValue         float64 `json:"p_value"`
	Alpha          float64 `json:"alpha"`
	MinVolume      int64   `json:"min_volume"`
	MinIncrease    float64 `json:"min_increase"`
}

// Evidence explains one rule's decision: which rule, which values it saw,
// what it compared them with and when. Its instants are in UTC.
type Evidence struct {
	Rule string   `json:"rule"`
	Kind RuleKind `json:"kind"`
	// Level is the level the rule asserts after its decision.
	Level   Level  `json:"level"`
	Measure string `json:"measure,omitempty"`
	// Value is the observed value: the measure (threshold), the coverage
	// ratio available/demand (shortage) or the current rate (change).
	Value float64 `json:"value"`
	// Bound is the enter value crossed when raising or the exit value
	// crossed when lowering (threshold and shortage rules).
	Bound float64 `json:"bound,omitempty"`
	// Baseline is the baseline rate of a change rule.
	Baseline float64 `json:"baseline,omitempty"`
	// Available and Demand are the raw measures of a shortage rule.
	Available float64 `json:"available,omitempty"`
	Demand    float64 `json:"demand,omitempty"`
	// Test holds the counts and the exact test of a change rule.
	Test *TestEvidence `json:"test,omitempty"`
	// Event and Detail describe a signalled event (or a clearing).
	Event  string `json:"event,omitempty"`
	Detail string `json:"detail,omitempty"`
	// ObservedAt is the time of the last input the rule saw.
	ObservedAt time.Time `json:"observed_at"`
	// Since is when the condition behind the decision began: the start of
	// the hold (raising) or of the dwell (lowering).
	Since time.Time `json:"since"`
}

// Change is one change of a subject's level, with the evidence of the rule
// that caused it. Boards return changes from every mutating call and pass
// them to observers, so a host (or the obligations built on top of the
// board) can act on each one.
type Change struct {
	// Seq numbers the changes of a board, starting at 1, in the order the
	// board made them.
	Seq     uint64 `json:"seq"`
	Subject string `json:"subject"`
	From    Level  `json:"from"`
	To      Level  `json:"to"`
	// At is the evaluation instant at which the change took effect.
	At time.Time `json:"at"`
	// Due is when the change became due: the end of the hold or dwell time,
	// or At for immediate changes. Due <= At; they differ when the board
	// was evaluated late.
	Due      time.Time `json:"due"`
	Evidence Evidence  `json:"evidence"`
}

// Raised reports whether the change raised the level.
func (c Change) Raised() bool { return c.To > c.From }

// Observation is one input for ObserveBatch: a plain value for threshold and
// shortage measures, or window counts for change measures. Which field is
// read depends on the rules that use Measure.
type Observation struct {
	Subject string  `json:"subject"`
	Measure string  `json:"measure"`
	Value   float64 `json:"value,omitempty"`
	Counts  Counts  `json:"counts,omitzero"`
}

// Option configures a Board.
type Option func(*Board)

// WithClock sets the time source of the forms without an explicit time
// (default clock.New()). Tests pass a *clock.Mock.
func WithClock(c clock.Clock) Option {
	return func(b *Board) {
		if c != nil {
			b.clk = c
		}
	}
}

// WithObserver registers a function called with every change, in order,
// after the board's lock is released. An observer may call any method of the
// board. Observers of changes made by concurrent calls may run concurrently;
// Change.Seq orders them.
func WithObserver(f func(Change)) Option {
	return func(b *Board) {
		if f != nil {
			b.observers = append(b.observers, f)
		}
	}
}

type compiledRule struct {
	name    string
	kind    RuleKind
	measure string // threshold, change: the measure; shortage: available
	demand  string // shortage
	event   string
	dir     Direction
	steps   []Step // sorted by level; shortage: one lower-is-worse step
	level   Level  // change, event, shortage
	hold    time.Duration
	dwell   time.Duration
	change  ChangeRule
}

// measure routes the observations of one measure name to the rules using it.
// A measure is either a plain value (values) or window counts (counts),
// never both (Config.Validate).
type measure struct {
	values      []route
	counts      []int
	nonNegative bool // a resource figure of a shortage rule
}

type batchItem struct {
	s *subject
	m *measure
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

type route struct {
	rule   int
	demand bool // the demand measure of a shortage rule
}

type ruleState struct {
	value, demand  float64
	counts         Counts
	res            IncreaseResult // PValue valid only when tested
	tested         bool
	hasValue       bool
	hasDemand      bool
	hasCounts      bool
	dirty          bool
	cand           Level
	level          Level
	observedAt     stamp
	since          stamp    // when level was last set
	atLeast        [3]stamp // [L-1]: since when cand >= L (0: not now)
	atMost         [3]stamp // [L]: since when cand <= L (0: not now)
	lastSignal     stamp
	detail         string
	clearRequested bool
}

type subject struct {
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
// does not make the level flap. Pending holds and dwells of subjects that
// receive no input take effect when EvaluateAt is called; NextDue says when.
//
// A Board is safe for concurrent use by multiple goroutines. Observers run
// after the lock is released.
type Board struct {
	clk       clock.Clock
	observers []func(Change)
	cfg       Config
	rules     []compiledRule
	byName    map[string]int
	measures  map[string]*measure
	// measureNames[i] routes to measureList[i]; scanned when short.
	measureNames []string
	measureList  []*measure
	events       map[string][]int

	mu       sync.RWMutex
	subjects map[string]*subject
	list     []*subject
	seq      uint64
	scratch  []batchItem // reused by ObserveBatchAt under mu
	touched  []*subject  // reused by ObserveBatchAt under mu
	// changeBuf collects the changes of one call under mu
	changeBuf []Change
}

// NewBoard validates cfg and returns an empty board. Invalid configuration
// returns an error joining a *FieldError per problem (all wrap
// ErrInvalidConfig).
func NewBoard(cfg Config, opts ...Option) (*Board, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := &Board{
		clk:      clock.New(),
		cfg:      cloneConfig(cfg),
		byName:   map[string]int{},
		measures: map[string]*measure{},
		events:   map[string][]int{},
		subjects: map[string]*subject{},
	}
	for _, o := range opts {
		o(b)
	}
	add := func(r compiledRule) int {
		b.rules = append(b.rules, r)
		b.byName[r.name] = len(b.rules) - 1
		return len(b.rules) - 1
	}
	for _, r := range cfg.Thresholds {
		steps := slices.Clone(r.Steps)
		slices.SortFunc(steps, func(a, b Step) int { return int(a.Level) - int(b.Level) })
		i := add(compiledRule{name: r.Name, kind: KindThreshold, measure: r.Measure, dir: r.Direction,
			steps: steps, hold: r.Hold, dwell: r.Dwell})
		b.measure(r.Measure).values = append(b.measure(r.Measure).values, route{rule: i})
	}
	for _, r := range cfg.Changes {
		i := add(compiledRule{name: r.Name, kind: KindChange, measure: r.Measure, level: r.Level,
			hold: r.Hold, dwell: r.Dwell, change: r})
		b.measure(r.Measure).counts = append(b.measure(r.Measure).counts, i)
	}
	for _, r := range cfg.Events {
		i := add(compiledRule{name: r.Name, kind: KindEvent, event: r.Event, level: r.Level, dwell: r.Dwell})
		b.events[r.Event] = append(b.events[r.Event], i)
	}
	for _, r := range cfg.Shortages {
		i := add(compiledRule{name: r.Name, kind: KindShortage, measure: r.Available, demand: r.Demand,
			dir: LowerIsWorse, steps: []Step{{Level: r.Level, Enter: r.Enter, Exit: r.Exit}},
			level: r.Level, hold: r.Hold, dwell: r.Dwell})
		av, de := b.measure(r.Available), b.measure(r.Demand)
		av.values, av.nonNegative = append(av.values, route{rule: i}), true
		de.values, de.nonNegative = append(de.values, route{rule: i, demand: true}), true
	}
	return b, nil
}

func cloneConfig(c Config) Config {
	c.Thresholds = slices.Clone(c.Thresholds)
	for i := range c.Thresholds {
		c.Thresholds[i].Steps = slices.Clone(c.Thresholds[i].Steps)
	}
	c.Changes = slices.Clone(c.Changes)
	c.Events = slices.Clone(c.Events)
	c.Shortages = slices.Clone(c.Shortages)
	return c
}

// Config returns a copy of the board's configuration.
func (b *Board) Config() Config { return cloneConfig(b.cfg) }

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
// shortage rule, and t must not be before the subject's last evaluation.
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
		var s *subject
		if err == nil && i > 0 && o.Subject == obs[i-1].Subject && items[i-1].s != nil {
			s = items[i-1].s // observations are often grouped by subject
		} else if err == nil {
			s = b.subjects[o.Subject]
			if s != nil && t.Before(s.last) {
				err = inputErr("time %v is before the last evaluation %v of subject %q", t, s.last, o.Subject)
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
		// The candidate is a pure function of the inputs and the previous
		// candidate, and applying it twice changes nothing, so an unchanged
		// input needs no recomputation (and no new exact test).
		for _, rt := range it.m.values {
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
		for _, ri := range it.m.counts {
			rs := &s.rules[ri]
			rs.dirty = rs.dirty || !rs.hasCounts || rs.counts != o.Counts
			rs.counts, rs.hasCounts = o.Counts, true
			rs.observedAt = st
		}
	}
	buf := b.changeBuf[:0]
	for _, s := range touched {
		s.mark = false
		if c, ok := b.evaluateLocked(s, t); ok {
			buf = append(buf, c)
		}
	}
	changes := b.takeChanges(buf)
	clear(items)
	clear(touched)
	b.scratch, b.touched = items[:0], touched[:0]
	b.mu.Unlock()
	b.notify(changes)
	return changes, nil
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
	b.mu.Lock()
	s := b.subjects[subject]
	if s != nil && t.Before(s.last) {
		err := inputErr("time %v is before the last evaluation %v of subject %q", t, s.last, subject)
		b.mu.Unlock()
		return nil, err
	}
	s = b.subjectLocked(subject)
	for _, ri := range rules {
		rs := &s.rules[ri]
		rs.cand = b.rules[ri].level
		rs.lastSignal, rs.observedAt, rs.detail = stampOf(t), stampOf(t), detail
		rs.clearRequested = false
	}
	changes := b.evaluateOneLocked(s, t)
	b.mu.Unlock()
	b.notify(changes)
	return changes, nil
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
	b.mu.Lock()
	s := b.subjects[subject]
	if s == nil {
		b.mu.Unlock()
		return nil, nil
	}
	if t.Before(s.last) {
		err := inputErr("time %v is before the last evaluation %v of subject %q", t, s.last, subject)
		b.mu.Unlock()
		return nil, err
	}
	rs := &s.rules[ri]
	if rs.level != None || rs.cand != None {
		rs.cand, rs.observedAt, rs.detail, rs.clearRequested = None, stampOf(t), reason, true
	}
	changes := b.evaluateOneLocked(s, t)
	b.mu.Unlock()
	b.notify(changes)
	return changes, nil
}

// Evaluate evaluates every subject at the clock's current time; see
// EvaluateAt.
func (b *Board) Evaluate() []Change { return b.EvaluateAt(b.clk.Now()) }

// EvaluateAt applies every hold and dwell that has ended by t, for every
// subject, and returns the changes in the order the subjects joined the
// board. Subjects already evaluated after t are left alone.
//
// Rules need no timers: a pending change takes effect on the first
// evaluation (an observation, a signal or EvaluateAt) at or after the
// instant it becomes due, and Change.Due records that instant. NextDue tells
// a host when to call EvaluateAt next.
func (b *Board) EvaluateAt(t time.Time) []Change {
	b.mu.Lock()
	buf := b.changeBuf[:0]
	for _, s := range b.list {
		if t.Before(s.last) {
			continue
		}
		if c, ok := b.evaluateLocked(s, t); ok {
			buf = append(buf, c)
		}
	}
	changes := b.takeChanges(buf)
	b.mu.Unlock()
	b.notify(changes)
	return changes
}

// takeChanges copies the changes collected in the reusable buffer into a
// slice of their exact size, which the caller owns. Called with mu held.
func (b *Board) takeChanges(buf []Change) []Change {
	var out []Change
	if len(buf) > 0 {
		out = slices.Clone(buf)
	}
	clear(buf)
	b.changeBuf = buf[:0]
	return out
}

func (b *Board) notify(changes []Change) {
	for _, c := range changes {
		for _, f := range b.observers {
			f(c)
		}
	}
}

func (b *Board) subjectLocked(name string) *subject {
	s := b.subjects[name]
	if s == nil {
		s = &subject{name: name, rules: make([]ruleState, len(b.rules))}
		b.subjects[name] = s
		b.list = append(b.list, s)
	}
	return s
}

func (b *Board) evaluateOneLocked(s *subject, t time.Time) []Change {
	if c, ok := b.evaluateLocked(s, t); ok {
		return []Change{c}
	}
	return nil
}

// evaluateLocked brings every rule of s up to time t and returns the change
// of the subject's level, if any.
func (b *Board) evaluateLocked(s *subject, t time.Time) (Change, bool) {
	return b.evaluateFloorLocked(s, t, nil)
}

// evaluateFloorLocked is evaluateLocked when op, if not nil, describes a
// floor that was just set or lifted at t.
func (b *Board) evaluateFloorLocked(s *subject, t time.Time, op *floorOp) (Change, bool) {
	s.last = t
	st := stampOf(t)
	prev := s.level
	level := None
	type cause struct {
		rule       int
		from       Level
		due, since stamp
	}
	up, down := cause{rule: -1}, cause{rule: -1}
	for i := range b.rules {
		r, rs := &b.rules[i], &s.rules[i]
		if rs.dirty {
			r.updateCandidate(rs, st)
			rs.dirty = false
		}
		if to, due, since, ok := r.target(rs, st); ok {
			from := rs.level
			rs.level, rs.since = to, st
			if r.kind == KindEvent {
				rs.clearRequested = false
				if to == None {
					rs.cand = None
				}
			}
			// The cause of a raise is the first rule that raised to the new
			// top; of a lowering, the first rule that left the old top.
			if to > from && (up.rule < 0 || to > s.rules[up.rule].level) {
				up = cause{i, from, due, since}
			}
			if to < from && from == prev && down.rule < 0 {
				down = cause{i, from, due, since}
			}
		}
		level = max(level, rs.level)
	}
	for _, f := range s.floors {
		level = max(level, f.Level)
	}
	if level == prev {
		return Change{}, false
	}
	c := down
	if level > prev {
		c = up
	}
	var ev Evidence
	byFloor := op != nil && (c.rule < 0 || level > prev && op.to == level && op.to > op.from ||
		level < prev && op.from == prev && op.to < op.from)
	switch {
	case byFloor:
		// The floor set or lifted by this call made the change.
		c.due = st
		ev = op.evidence(t)
	case c.rule < 0:
		// Unreachable while floors change only with an op; keep the record
		// honest rather than panic.
		c.due = st
		ev = Evidence{Kind: KindFloor, ObservedAt: t, Since: t, Level: level}
	default:
		r, rs := &b.rules[c.rule], &s.rules[c.rule]
		ev = r.evidence(rs, c.from, rs.level, c.since)
	}
	b.seq++
	ch := Change{
		Seq: b.seq, Subject: s.name, From: prev, To: level, At: t, Due: c.due.time(),
		Evidence: ev,
	}
	s.level, s.since = level, t
	s.history = append(s.history, ch)
	if lim := b.cfg.HistoryLimit; lim > 0 && len(s.history) >= 2*lim {
		// Trim in batches so that a capped history costs O(1) per change;
		// readers see only the last lim entries (historyLocked).
		n := copy(s.history, s.history[len(s.history)-lim:])
		clear(s.history[n:])
		s.history = s.history[:n]
	}
	return ch, true
}

// historyLocked returns a copy of the visible history of s: all of it, or
// the last HistoryLimit entries.
func (b *Board) historyLocked(s *subject) []Change {
	h := s.history
	if lim := b.cfg.HistoryLimit; lim > 0 && len(h) > lim {
		h = h[len(h)-lim:]
	}
	return slices.Clone(h)
}

// classify applies hysteresis: the highest step whose enter value is reached,
// or whose level is at most the previous candidate and whose exit value is
// not yet reached.
func (r *compiledRule) classify(v float64, prev Level) Level {
	cand := None
	for _, st := range r.steps {
		var entered, exited bool
		if r.dir == HigherIsWorse {
			entered, exited = v >= st.Enter, v <= st.Exit
		} else {
			entered, exited = v <= st.Enter, v >= st.Exit
		}
		if entered || (st.Level <= prev && !exited) {
			cand = max(cand, st.Level)
		}
	}
	return cand
}

func (rs *ruleState) coverage() float64 {
	if rs.demand <= 0 {
		return math.Inf(1)
	}
	return rs.value / rs.demand
}

// pValue runs the exact test on the rule's counts.
func (rs *ruleState) pValue() float64 {
	return binomialUpperTail(rs.counts.Current, rs.counts.Current+rs.counts.Baseline, rs.res.Share)
}

// result returns the full test result, running the test if the candidate
// update skipped it.
func (rs *ruleState) result() IncreaseResult {
	res := rs.res
	if !rs.tested && rs.hasCounts {
		res.PValue = rs.pValue()
	}
	return res
}

func (r *compiledRule) updateCandidate(rs *ruleState, t stamp) {
	cand := None
	switch r.kind {
	case KindThreshold:
		if rs.hasValue {
			cand = r.classify(rs.value, rs.cand)
		}
	case KindShortage:
		if rs.hasValue && rs.hasDemand {
			cand = r.classify(rs.coverage(), rs.cand)
		}
	case KindChange:
		if rs.hasCounts {
			// Counts were validated when observed. The exact test runs only
			// when the volume and the size of the increase could raise.
			c := &r.change
			rs.res, rs.tested = increaseStats(rs.counts), false
			up := rs.counts.Baseline == 0 && rs.counts.Current > 0 ||
				rs.counts.Baseline > 0 && rs.res.RelativeChange >= c.MinIncrease*(1-1e-12)
			if rs.counts.Current >= c.MinVolume && up {
				rs.res.PValue = rs.pValue()
				rs.tested = true
				if rs.res.PValue <= c.Alpha {
					cand = r.level
				}
			}
		}
	}
	rs.cand = cand
	for l := Yellow; l <= Red; l++ {
		if cand >= l {
			if rs.atLeast[l-1] == 0 {
				rs.atLeast[l-1] = t
			}
		} else {
			rs.atLeast[l-1] = 0
		}
	}
	for l := None; l < Red; l++ {
		if cand <= l {
			if rs.atMost[l] == 0 {
				rs.atMost[l] = t
			}
		} else {
			rs.atMost[l] = 0
		}
	}
}

// target returns the level the rule asserts at t if it differs from the
// current one, with the instant the change became due and the start of the
// condition behind it.
func (r *compiledRule) target(rs *ruleState, t stamp) (to Level, due, since stamp, ok bool) {
	cur := rs.level
	if r.kind == KindEvent {
		if rs.cand != cur && (rs.cand > cur || rs.clearRequested) {
			return rs.cand, rs.observedAt, rs.observedAt, true
		}
		if cur > None && r.dwell > 0 {
			if d := rs.lastSignal.add(r.dwell); t >= d {
				return None, d, rs.lastSignal, true
			}
		}
		return cur, 0, 0, false
	}
	switch {
	case rs.cand > cur:
		for l := rs.cand; l > cur; l-- {
			s := rs.atLeast[l-1]
			if s == 0 {
				continue
			}
			if d := s.add(r.hold); t >= d {
				return l, d, s, true
			}
		}
	case rs.cand < cur:
		for l := rs.cand; l < cur; l++ {
			s := rs.atMost[l]
			if s == 0 {
				continue
			}
			if d := s.add(r.dwell); t >= d {
				return l, d, s, true
			}
		}
	}
	return cur, 0, 0, false
}

// nextDue returns the earliest instant after which target would report a
// change, if one is pending.
func (r *compiledRule) nextDue(rs *ruleState) (stamp, bool) {
	cur := rs.level
	if r.kind == KindEvent {
		if cur > None && r.dwell > 0 {
			return rs.lastSignal.add(r.dwell), true
		}
		return 0, false
	}
	switch {
	case rs.cand > cur && rs.atLeast[cur] != 0:
		return rs.atLeast[cur].add(r.hold), true
	case rs.cand < cur && rs.atMost[cur-1] != 0:
		return rs.atMost[cur-1].add(r.dwell), true
	}
	return 0, false
}

func (r *compiledRule) step(l Level) (Step, bool) {
	for _, s := range r.steps {
		if s.Level == l {
			return s, true
		}
	}
	return Step{}, false
}

func (r *compiledRule) evidence(rs *ruleState, from, to Level, since stamp) Evidence {
	e := Evidence{Rule: r.name, Kind: r.kind, Level: to, Measure: r.measure,
		ObservedAt: rs.observedAt.time(), Since: since.time()}
	bound := func() {
		if to > from {
			if st, ok := r.step(to); ok {
				e.Bound = st.Enter
			}
		} else if st, ok := r.step(from); ok {
			e.Bound = st.Exit
		}
	}
	switch r.kind {
	case KindThreshold:
		e.Value = rs.value
		bound()
	case KindShortage:
		e.Available, e.Demand = rs.value, rs.demand
		if cov := rs.coverage(); finite(cov) {
			e.Value = cov
		}
		bound()
	case KindChange:
		c := &r.change
		per := c.Per
		if per == 0 {
			per = 1
		}
		cur, base := float64(rs.counts.Current), float64(rs.counts.Baseline)
		if rs.counts.Exposure > 0 {
			cur = cur / rs.counts.Exposure * per
			base = base / rs.counts.BaselineExposure * per
		}
		if finite(cur) && finite(base) {
			e.Value, e.Baseline = cur, base
		}
		res := rs.result()
		e.Test = &TestEvidence{Method: TestMethod, Counts: rs.counts, Share: res.Share,
			RelativeChange: res.RelativeChange, PValue: res.PValue, Alpha: c.Alpha,
			MinVolume: c.MinVolume, MinIncrease: c.MinIncrease}
	case KindEvent:
		e.Measure = ""
		e.Event, e.Detail = r.event, rs.detail
	}
	return e
}
