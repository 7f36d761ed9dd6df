package sla

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Strategy says how a clock re-targets when its priority or policy changes
// while a cycle is open. Paused time always stays paused: only business time
// counted while running is ever elapsed time.
type Strategy string

// Re-targeting strategies.
const (
	// KeepElapsed keeps the business time already elapsed and measures it
	// against the new target (the default).
	KeepElapsed Strategy = "keep_elapsed"
	// Restart starts the cycle afresh at the change: elapsed time becomes zero.
	Restart Strategy = "restart"
	// Rescale keeps the elapsed fraction of the target: elapsed becomes
	// elapsed * new target / old target.
	Rescale Strategy = "rescale"
)

// Valid reports whether s is one of the strategies (the empty string counts as
// KeepElapsed).
func (s Strategy) Valid() bool {
	switch s {
	case "", KeepElapsed, Restart, Rescale:
		return true
	}
	return false
}

// Rung is one rung of a warning ladder: exactly one of Percent (a share of
// the target, 0 < Percent < 100) or Before (business time before the due
// instant, Before > 0) is set. Rungs fire in the order of the elapsed time
// at which they fall, whatever order they are listed in. A Before rung not
// shorter than the target (for example "15 minutes before" on a 10-minute
// target) is dropped for that target, so one ladder can serve every target.
type Rung struct {
	Percent float64  `json:"percent,omitempty"`
	Before  Duration `json:"before,omitempty"`
}

// threshold returns the elapsed business time at which the rung fires.
func (r Rung) threshold(target time.Duration) time.Duration {
	if r.Percent != 0 {
		return time.Duration(math.Round(float64(target) * r.Percent / 100))
	}
	return target - r.Before.D()
}

// String returns "50%" or "15m0s before".
func (r Rung) String() string {
	if r.Percent != 0 {
		return fmt.Sprintf("%g%%", r.Percent)
	}
	return r.Before.String() + " before"
}

// Target is one metric's objective in a rule.
type Target struct {
	Metric Metric   `json:"metric"`
	Within Duration `json:"within"`
	// Calendar overrides the rule's and the policy's calendar.
	Calendar string `json:"calendar,omitempty"`
	// Warnings overrides the policy's warning ladder (an empty, non-nil list
	// means no warnings).
	Warnings []Rung `json:"warnings,omitzero"`
	// Reminders overrides the policy's reminders (an empty, non-nil list
	// means no reminders).
	Reminders []Duration `json:"reminders,omitzero"`
}

// Rule matches tickets by attributes and gives their targets. Match maps an
// attribute name (for example "priority", "channel", "tier",
// "customer_class") to the values it accepts; a ticket matches when every
// listed attribute has one of the listed values. An empty Match matches
// every ticket.
type Rule struct {
	Name     string              `json:"name"`
	Match    map[string][]string `json:"match,omitempty"`
	Calendar string              `json:"calendar,omitempty"`
	Targets  []Target            `json:"targets"`
}

// Matches reports whether the rule matches attrs.
func (r *Rule) Matches(attrs Attributes) bool {
	for k, vals := range r.Match {
		v, ok := attrs[k]
		if !ok || !slices.Contains(vals, v) {
			return false
		}
	}
	return true
}

// Attributes are a ticket's attributes that policy rules match on.
type Attributes map[string]string

// Policy is one effective-dated version of an SLA policy: rules tried in
// order (first match wins) and a fallback, each with per-metric targets on a
// named calendar, a default warning ladder and reminders after breach, and
// the strategy for changes mid-flight. A ticket for which no rule has a
// target for a metric has no clock for that metric.
//
// Calendars are referenced by name and resolved against the Registry the
// host passes to NewPolicies, so a Policy is plain JSON.
type Policy struct {
	ID            string    `json:"id"`
	Version       int       `json:"version"`
	EffectiveFrom time.Time `json:"effective_from,omitzero"`
	Description   string    `json:"description,omitempty"`
	// Calendar is the default calendar name for every target.
	Calendar string `json:"calendar,omitempty"`
	// Warnings is the default warning ladder.
	Warnings []Rung `json:"warnings,omitempty"`
	// Reminders are business-time offsets after the due instant at which a
	// breached, still open cycle reminds its owner, strictly increasing.
	Reminders []Duration `json:"reminders,omitempty"`
	Rules     []Rule     `json:"rules,omitempty"`
	Fallback  *Rule      `json:"fallback,omitempty"`
	OnChange  Strategy   `json:"on_change,omitempty"`
}

const maxSteps = 64

// Validate reports every problem of the policy at once, each as a
// *FieldError (matching ErrInvalid) joined with errors.Join.
func (p *Policy) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fieldErr(path, format, args...))
	}
	if strings.TrimSpace(p.ID) == "" {
		add("id", "must not be empty")
	}
	if p.Version < 0 {
		add("version", "must not be negative, got %d", p.Version)
	}
	if !p.OnChange.Valid() {
		add("on_change", "unknown strategy %q (want keep_elapsed, restart or rescale)", p.OnChange)
	}
	if len(p.Rules) == 0 && p.Fallback == nil {
		add("rules", "a policy needs at least one rule or a fallback")
	}
	validateRemindersAt(add, "reminders", p.Reminders)
	for i, r := range p.Warnings {
		validateRungShape(add, fmt.Sprintf("warnings[%d]", i), r)
	}
	if len(p.Warnings)+len(p.Reminders)+1 > maxSteps {
		add("warnings", "too many warnings and reminders (at most %d events a cycle)", maxSteps)
	}
	names := map[string]int{}
	check := func(path string, r *Rule) {
		if r.Name != "" {
			if j, dup := names[r.Name]; dup {
				add(path+".name", "duplicate rule name %q (also rules[%d])", r.Name, j)
			}
		}
		for k, vals := range r.Match {
			if k == "" {
				add(path+".match", "empty attribute name")
			}
			if len(vals) == 0 {
				add(path+".match."+k, "lists no values (the rule could never match)")
			}
		}
		if len(r.Targets) == 0 {
			add(path+".targets", "must not be empty")
		}
		seen := map[Metric]bool{}
		for j, t := range r.Targets {
			tp := fmt.Sprintf("%s.targets[%d]", path, j)
			if !t.Metric.Valid() {
				add(tp+".metric", "invalid metric name %q", t.Metric)
			} else if seen[t.Metric] {
				add(tp+".metric", "duplicate target for %s", t.Metric)
			}
			seen[t.Metric] = true
			if t.Within <= 0 {
				add(tp+".within", "must be positive, got %s", t.Within)
			}
			if cmp.Or(t.Calendar, r.Calendar, p.Calendar) == "" {
				add(tp+".calendar", "no calendar named here, on the rule or on the policy")
			}
			ladder := t.Warnings
			if ladder == nil {
				ladder = p.Warnings
			}
			for k, rg := range ladder {
				rp := fmt.Sprintf("%s.warnings[%d]", tp, k)
				if t.Warnings == nil {
					rp = fmt.Sprintf("warnings[%d] (for %s)", k, tp)
				}
				validateRungShape(add, rp, rg)
			}
			validateRemindersAt(add, tp+".reminders", t.Reminders)
			if len(t.Warnings)+len(t.Reminders)+1 > maxSteps {
				add(tp, "too many warnings and reminders (at most %d events a cycle)", maxSteps)
			}
		}
	}
	for i := range p.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		check(path, &p.Rules[i])
		if p.Rules[i].Name != "" {
			if _, dup := names[p.Rules[i].Name]; !dup {
				names[p.Rules[i].Name] = i
			}
		}
	}
	if p.Fallback != nil {
		if len(p.Fallback.Match) != 0 {
			add("fallback.match", "a fallback matches everything; remove its match")
		}
		check("fallback", p.Fallback)
	}
	return errors.Join(errs...)
}

// validateRungShape checks that exactly one field is set and in range.
func validateRungShape(add func(string, string, ...any), path string, r Rung) bool {
	switch {
	case r.Percent != 0 && r.Before != 0:
		add(path, "set percent or before, not both")
	case r.Percent == 0 && r.Before == 0:
		add(path, "set percent or before")
	case r.Percent != 0 && !(r.Percent > 0 && r.Percent < 100):
		add(path+".percent", "must be between 0 and 100 exclusive, got %g", r.Percent)
	case r.Before < 0:
		add(path+".before", "must be positive, got %s", r.Before)
	default:
		return true
	}
	return false
}

func validateRemindersAt(add func(string, string, ...any), path string, rs []Duration) {
	for i, d := range rs {
		if d <= 0 {
			add(fmt.Sprintf("%s[%d]", path, i), "must be positive, got %s", d)
		} else if i > 0 && d <= rs[i-1] {
			add(fmt.Sprintf("%s[%d]", path, i), "must be later than the previous reminder (%s)", rs[i-1])
		}
	}
}

// Match returns the rule that applies to attrs: the first matching rule, else
// the fallback. ok is false when nothing matches.
func (p *Policy) Match(attrs Attributes) (rule *Rule, ok bool) {
	for i := range p.Rules {
		if p.Rules[i].Matches(attrs) {
			return &p.Rules[i], true
		}
	}
	if p.Fallback != nil {
		return p.Fallback, true
	}
	return nil, false
}

// SpecDef is the plain description of a resolved target: which policy,
// version and rule it came from, the metric, the target and its calendar, the
// warning ladder and the reminders. It is what a clock snapshot records.
type SpecDef struct {
	Policy    string     `json:"policy,omitempty"`
	Version   int        `json:"version,omitempty"`
	Rule      string     `json:"rule,omitempty"`
	Metric    Metric     `json:"metric"`
	Within    Duration   `json:"within"`
	Calendar  string     `json:"calendar"`
	Warnings  []Rung     `json:"warnings,omitempty"`
	Reminders []Duration `json:"reminders,omitempty"`
}

// step is one scheduled event of a cycle: its kind, its 1-based number
// within the kind, and the elapsed business time at which it falls.
type step struct {
	kind Kind
	n    uint8
	at   time.Duration
}

// Spec is a resolved target ready to drive clocks: immutable and shared by
// every clock on the same target (a million clocks on one policy share a
// handful of Specs). Build one with NewSpec or get it from Policies.
type Spec struct {
	def      SpecDef
	bt       BusinessTime
	steps    []step
	breachAt int // index of the breach step
}

// NewSpec validates def and binds it to bt.
func NewSpec(def SpecDef, bt BusinessTime) (*Spec, error) {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, fieldErr(path, format, args...))
	}
	if !def.Metric.Valid() {
		add("metric", "invalid metric name %q", def.Metric)
	}
	if def.Within <= 0 {
		add("within", "must be positive, got %s", def.Within)
	}
	if bt == nil {
		add("calendar", "no business-time measure for calendar %q", def.Calendar)
	}
	for i, r := range def.Warnings {
		p := fmt.Sprintf("warnings[%d]", i)
		validateRungShape(add, p, r)
	}
	validateRemindersAt(add, "reminders", def.Reminders)
	for i, r := range def.Reminders {
		if def.Within > 0 && r > 0 && r > math.MaxInt64-def.Within {
			add(fmt.Sprintf("reminders[%d]", i), "%s after the target %s is beyond the range of a duration", r, def.Within)
		}
	}
	if len(def.Warnings)+len(def.Reminders)+1 > maxSteps {
		add("warnings", "too many warnings and reminders (at most %d events a cycle)", maxSteps)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	target := def.Within.D()
	s := &Spec{def: def, bt: bt}
	s.def.Warnings = slices.Clone(def.Warnings)
	s.def.Reminders = slices.Clone(def.Reminders)
	ths := make([]time.Duration, 0, len(def.Warnings))
	for _, r := range def.Warnings {
		if th := r.threshold(target); th > 0 && th < target {
			ths = append(ths, th)
		}
	}
	slices.Sort(ths)
	for i, th := range ths {
		s.steps = append(s.steps, step{kind: Warning, n: uint8(i + 1), at: th})
	}
	s.breachAt = len(s.steps)
	s.steps = append(s.steps, step{kind: Breach, n: 1, at: target})
	for i, r := range def.Reminders {
		s.steps = append(s.steps, step{kind: Reminder, n: uint8(i + 1), at: target + r.D()})
	}
	return s, nil
}

// Def returns the plain description of the spec.
func (s *Spec) Def() SpecDef {
	d := s.def
	d.Warnings = slices.Clone(d.Warnings)
	d.Reminders = slices.Clone(d.Reminders)
	return d
}

// Metric returns the metric the spec measures.
func (s *Spec) Metric() Metric { return s.def.Metric }

// Target returns the target business time.
func (s *Spec) Target() time.Duration { return s.def.Within.D() }

// Calendar returns the business-time measure.
func (s *Spec) Calendar() BusinessTime { return s.bt }

// Events returns the scheduled events of one cycle in firing order, with the
// elapsed business time at which each falls.
func (s *Spec) Events() []Step {
	out := make([]Step, len(s.steps))
	for i, st := range s.steps {
		out[i] = Step{Kind: st.kind, N: int(st.n), Elapsed: st.at}
	}
	return out
}

// Step describes one event of a cycle's schedule.
type Step struct {
	Kind    Kind          `json:"kind"`
	N       int           `json:"n"` // 1-based number within the kind
	Elapsed time.Duration `json:"elapsed"`
}

// Policies holds the compiled, effective-dated versions of one policy. It is
// immutable after NewPolicies and safe for concurrent use.
type Policies struct {
	versions []*compiledPolicy // by EffectiveFrom ascending
}

type compiledPolicy struct {
	p        Policy
	rules    []compiledRule // rules then fallback
	fallback *compiledRule
}

type compiledRule struct {
	rule  *Rule
	specs map[Metric]*Spec
}

// NewPolicies validates every version, resolves every calendar name against
// reg and precompiles one shared Spec per rule and metric. All versions must
// share one ID and have distinct versions and effective dates. The caller
// must not modify the rules' Match maps afterwards.
func NewPolicies(reg Registry, versions ...Policy) (*Policies, error) {
	var errs []error
	if len(versions) == 0 {
		errs = append(errs, fieldErr("versions", "no policy version given"))
	}
	ps := &Policies{}
	for i := range versions {
		p := versions[i]
		p.Rules = slices.Clone(p.Rules)
		path := fmt.Sprintf("versions[%d]", i)
		if err := p.Validate(); err != nil {
			errs = append(errs, sqerr.Prefix(path, err))
			continue
		}
		if p.ID != versions[0].ID {
			errs = append(errs, fieldErr(path+".id", "%q differs from %q", p.ID, versions[0].ID))
		}
		cp := &compiledPolicy{p: p}
		compile := func(rpath string, r *Rule) *compiledRule {
			cr := &compiledRule{rule: r, specs: map[Metric]*Spec{}}
			for j, t := range r.Targets {
				cal := cmp.Or(t.Calendar, r.Calendar, p.Calendar)
				bt, err := reg.Lookup(cal)
				if err != nil {
					errs = append(errs, fieldErr(fmt.Sprintf("%s.%s.targets[%d].calendar", path, rpath, j), "%s", trimPrefix(err.Error())))
					continue
				}
				def := SpecDef{Policy: p.ID, Version: p.Version, Rule: r.Name, Metric: t.Metric, Within: t.Within, Calendar: cal,
					Warnings: t.Warnings, Reminders: t.Reminders}
				if def.Warnings == nil {
					def.Warnings = p.Warnings
				}
				if def.Reminders == nil {
					def.Reminders = p.Reminders
				}
				s, err := NewSpec(def, bt)
				if err != nil {
					errs = append(errs, sqerr.Prefix(fmt.Sprintf("%s.%s.targets[%d]", path, rpath, j), err))
					continue
				}
				cr.specs[t.Metric] = s
			}
			return cr
		}
		for j := range p.Rules {
			cp.rules = append(cp.rules, *compile(fmt.Sprintf("rules[%d]", j), &p.Rules[j]))
		}
		if p.Fallback != nil {
			cp.fallback = compile("fallback", p.Fallback)
		}
		ps.versions = append(ps.versions, cp)
	}
	slices.SortStableFunc(ps.versions, func(a, b *compiledPolicy) int { return a.p.EffectiveFrom.Compare(b.p.EffectiveFrom) })
	for i := 1; i < len(ps.versions); i++ {
		a, b := ps.versions[i-1].p, ps.versions[i].p
		if a.EffectiveFrom.Equal(b.EffectiveFrom) {
			errs = append(errs, fieldErr("versions", "versions %d and %d take effect at the same instant", a.Version, b.Version))
		}
		if a.Version == b.Version {
			errs = append(errs, fieldErr("versions", "version %d listed twice", a.Version))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ps, nil
}

// Version returns the policy version in force at t: the latest whose
// EffectiveFrom is not after t.
func (ps *Policies) Version(at time.Time) (Policy, error) {
	cp, err := ps.at(at)
	if err != nil {
		return Policy{}, err
	}
	return cp.p, nil
}

func (ps *Policies) at(t time.Time) (*compiledPolicy, error) {
	i, _ := slices.BinarySearchFunc(ps.versions, t, func(c *compiledPolicy, t time.Time) int {
		if c.p.EffectiveFrom.After(t) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return nil, fmt.Errorf("%w at %s", ErrNoPolicyVersion, t.Format(time.RFC3339))
	}
	return ps.versions[i-1], nil
}

// Spec returns the target for metric m of a ticket with attrs under the
// version in force at t: the first matching rule with a target for m, else
// the fallback. The error wraps ErrNoMatch when neither has one and
// ErrNoPolicyVersion when no version is in force.
func (ps *Policies) Spec(at time.Time, attrs Attributes, m Metric) (*Spec, error) {
	cp, err := ps.at(at)
	if err != nil {
		return nil, err
	}
	return cp.spec(attrs, m)
}

func (cp *compiledPolicy) spec(attrs Attributes, m Metric) (*Spec, error) {
	if !m.Valid() {
		return nil, fmt.Errorf("%w metric %q", ErrInvalid, m)
	}
	for i := range cp.rules {
		if cp.rules[i].rule.Matches(attrs) {
			if s := cp.rules[i].specs[m]; s != nil {
				return s, nil
			}
			break
		}
	}
	if cp.fallback != nil && cp.fallback.specs[m] != nil {
		return cp.fallback.specs[m], nil
	}
	return nil, fmt.Errorf("%w for %s in policy %s version %d", ErrNoMatch, m, cp.p.ID, cp.p.Version)
}

// Strategy returns the mid-flight change strategy of the version in force at
// t (KeepElapsed when unset).
func (ps *Policies) Strategy(at time.Time) Strategy {
	cp, err := ps.at(at)
	if err != nil || cp.p.OnChange == "" {
		return KeepElapsed
	}
	return cp.p.OnChange
}

// Lookup returns the precompiled Spec a SpecDef names (policy version, rule
// and metric), so that restored clocks share specs again. ok is false when
// the version or rule is unknown or its target differs from def.
func (ps *Policies) Lookup(def SpecDef) (*Spec, bool) {
	for _, cp := range ps.versions {
		if cp.p.ID != def.Policy || cp.p.Version != def.Version {
			continue
		}
		rules := cp.rules
		if cp.fallback != nil {
			rules = append(slices.Clip(rules), *cp.fallback)
		}
		for _, cr := range rules {
			if cr.rule.Name != def.Rule || !def.Metric.Valid() {
				continue
			}
			if s := cr.specs[def.Metric]; s != nil && sameDef(s.def, def) {
				return s, true
			}
		}
	}
	return nil, false
}

func sameDef(a, b SpecDef) bool {
	return a.Policy == b.Policy && a.Version == b.Version && a.Rule == b.Rule && a.Metric == b.Metric &&
		a.Within == b.Within && a.Calendar == b.Calendar && slices.Equal(a.Warnings, b.Warnings) &&
		slices.Equal(a.Reminders, b.Reminders)
}
