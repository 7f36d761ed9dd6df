package emergency

import (
	"fmt"
	"math"
	"slices"

	"github.com/sqkit/sqkit/sla"
)

// RuleKind names the kind of a rule in evidence and status.
type RuleKind string

// The rule kinds. Each has a file of its own: rule_threshold.go,
// rule_change.go, rule_event.go and rule_shortage.go.
const (
	KindThreshold RuleKind = "threshold"
	KindChange    RuleKind = "change"
	KindEvent     RuleKind = "event"
	KindShortage  RuleKind = "shortage"
)

// Config is the rule set of a board. Every subject of the board is judged by
// every rule; the subject's level is the highest level any rule asserts.
type Config struct {
	Thresholds []ThresholdRule `json:"thresholds,omitempty"`
	Changes    []ChangeRule    `json:"changes,omitempty"`
	Events     []EventRule     `json:"events,omitempty"`
	Shortages  []ShortageRule  `json:"shortages,omitempty"`
	// HistoryLimit caps the changes kept per subject (oldest dropped
	// first); zero keeps them all.
	HistoryLimit int `json:"history_limit,omitempty"`
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// ruleCheck collects the problems of one rule under its path.
type ruleCheck struct {
	path string
	errs []error
}

func (c *ruleCheck) add(field, format string, args ...any) {
	c.errs = append(c.errs, fieldErr(c.path+"."+field, format, args...))
}

func (c *ruleCheck) nonEmpty(field, v string) {
	if v == "" {
		c.add(field, "empty")
	}
}

func (c *ruleCheck) level(field string, l Level) {
	if !l.Valid() || l == None {
		c.add(field, "level must be yellow, orange or red, got %v", l)
	}
}

func (c *ruleCheck) durations(hold, dwell sla.Duration) {
	if hold < 0 {
		c.add("hold", "negative duration %v", hold)
	}
	if dwell < 0 {
		c.add("dwell", "negative duration %v", dwell)
	}
}

// Validate reports every problem of the configuration at once, each as a
// *FieldError with the path of the field, joined with errors.Join. It also
// checks that rule names are unique and that no measure is used both as a
// plain value (threshold, shortage) and as a window count (change).
func (c Config) Validate() error {
	var errs []error
	names := map[string]string{}
	name := func(path, n string) {
		if n == "" {
			return
		}
		if prev, ok := names[n]; ok {
			errs = append(errs, fieldErr(path+".name", "duplicate rule name %q (also %s)", n, prev))
			return
		}
		names[n] = path
	}
	valueMeasures := map[string]bool{}
	for i, r := range c.Thresholds {
		p := fmt.Sprintf("thresholds[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
		valueMeasures[r.Measure] = true
	}
	for i, r := range c.Shortages {
		p := fmt.Sprintf("shortages[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
		valueMeasures[r.Available] = true
		valueMeasures[r.Demand] = true
	}
	for i, r := range c.Changes {
		p := fmt.Sprintf("changes[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
		if r.Measure != "" && valueMeasures[r.Measure] {
			errs = append(errs, fieldErr(p+".measure",
				"measure %q is also used as a plain value by a threshold or shortage rule", r.Measure))
		}
	}
	for i, r := range c.Events {
		p := fmt.Sprintf("events[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
	}
	if c.HistoryLimit < 0 {
		errs = append(errs, fieldErr("history_limit", "negative: %d", c.HistoryLimit))
	}
	return errorsJoin(errs)
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

// compiledRule is a rule of any kind as the board runs it. The code that
// differs by kind lives in the kind's file; this file holds what the kinds
// share: hysteresis, hold and dwell.
type compiledRule struct {
	name    string
	kind    RuleKind
	measure string // threshold, change: the measure; shortage: available
	demand  string // shortage
	event   string
	dir     Direction
	steps   []Step // sorted by level; shortage: one lower-is-worse step
	level   Level  // change, event, shortage
	hold    sla.Duration
	dwell   sla.Duration
	change  ChangeRule
}

// ruleState is the state of one rule for one subject.
type ruleState struct {
	value, demand float64
	counts        Counts
	res           IncreaseResult // PValue valid only when tested
	tested        bool
	hasValue      bool
	hasDemand     bool
	hasCounts     bool
	dirty         bool
	cand          Level
	level         Level
	observedAt    stamp
	since         stamp    // when level was last set
	atLeast       [3]stamp // [L-1]: since when cand >= L (0: not now)
	atMost        [3]stamp // [L]: since when cand <= L (0: not now)
	lastSignal    stamp
	detail        string
	// clearRequested is set by ClearAt until the evaluation that follows
	// it under the same lock.
	clearRequested bool
}

// candidate returns the level the rule's latest input calls for (before
// hold and dwell); event rules keep theirs as signalled.
func (r *compiledRule) candidate(rs *ruleState) Level {
	switch r.kind {
	case KindThreshold:
		return r.thresholdCandidate(rs)
	case KindShortage:
		return r.shortageCandidate(rs)
	case KindChange:
		return r.changeCandidate(rs)
	}
	return rs.cand
}

func (r *compiledRule) updateCandidate(rs *ruleState, t stamp) {
	rs.setCandidate(r.candidate(rs), t)
}

// setCandidate records cand as the candidate at t, keeping the starts of the
// conditions "at least L" and "at most L" that still hold.
func (rs *ruleState) setCandidate(cand Level, t stamp) {
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

// classify applies hysteresis: the highest step whose enter value is
// reached, or whose level is at most the previous candidate and whose exit
// value is not yet reached.
func (r *compiledRule) classify(v float64, prev Level) Level {
	cand := None
	for _, st := range r.steps {
		var entered, exited bool
		if r.dir == LowerIsWorse {
			entered, exited = v <= st.Enter, v >= st.Exit
		} else {
			entered, exited = v >= st.Enter, v <= st.Exit
		}
		if entered || (st.Level <= prev && !exited) {
			cand = max(cand, st.Level)
		}
	}
	return cand
}

// target returns the level the rule asserts at t if it differs from the
// current one, with the instant the change became due and the start of the
// condition behind it. A change is due at its own instant: a hold of 10
// minutes started at t raises at t+10m exactly.
func (r *compiledRule) target(rs *ruleState, t stamp) (to Level, due, since stamp, ok bool) {
	if r.kind == KindEvent {
		return r.eventTarget(rs, t)
	}
	cur := rs.level
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

// nextDue returns the earliest instant at which target would report a
// change, if one is pending.
func (r *compiledRule) nextDue(rs *ruleState) (stamp, bool) {
	if r.kind == KindEvent {
		return r.eventNextDue(rs)
	}
	cur := rs.level
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

// levels reports whether l is a level the rule can assert.
func (r *compiledRule) asserts(l Level) bool {
	if l == None {
		return true
	}
	if r.kind == KindThreshold {
		_, ok := r.step(l)
		return ok
	}
	return l == r.level
}

// bound returns the enter value crossed when the rule rose from from to to,
// or the exit value crossed when it fell (threshold and shortage rules).
func (r *compiledRule) bound(from, to Level) float64 {
	if to > from {
		if st, ok := r.step(to); ok {
			return st.Enter
		}
	} else if st, ok := r.step(from); ok {
		return st.Exit
	}
	return 0
}

func (r *compiledRule) evidence(rs *ruleState, from, to Level, since stamp) Evidence {
	e := Evidence{Rule: r.name, Kind: r.kind, Level: to, Measure: r.measure,
		ObservedAt: rs.observedAt.time(), Since: since.time()}
	switch r.kind {
	case KindThreshold:
		e.Value, e.Bound = rs.value, r.bound(from, to)
	case KindShortage:
		r.shortageEvidence(rs, &e)
		e.Bound = r.bound(from, to)
	case KindChange:
		r.changeEvidence(rs, &e)
	case KindEvent:
		e.Measure, e.Event, e.Detail = "", r.event, rs.detail
	}
	return e
}
