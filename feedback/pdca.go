package feedback

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Phase is the phase of a PDCA cycle.
type Phase string

// PDCA phases. A cycle moves Plan → Do → Check → Act → Closed; Check may be
// repeated (for example after an inconclusive result, on more data).
const (
	PhasePlan   Phase = "plan"
	PhaseDo     Phase = "do"
	PhaseCheck  Phase = "check"
	PhaseAct    Phase = "act"
	PhaseClosed Phase = "closed"
)

func (p Phase) valid() bool {
	switch p {
	case PhasePlan, PhaseDo, PhaseCheck, PhaseAct, PhaseClosed:
		return true
	}
	return false
}

// Direction says which way a metric improves.
type Direction string

// Directions. The empty Direction in a Plan means the metric's usual
// direction (Metric.HigherIsBetter).
const (
	HigherIsBetter Direction = "higher"
	LowerIsBetter  Direction = "lower"
)

// Action is one planned corrective or improvement action with an owner and
// a deadline. Progress is a percentage; an action is done at 100.
type Action struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Deadline    time.Time `json:"deadline"`
	Progress    int       `json:"progress"`
	Note        string    `json:"note,omitempty"`
	UpdatedAt   time.Time `json:"updated_at"`
	DoneAt      time.Time `json:"done_at"`
}

// Done reports whether the action is complete.
func (a Action) Done() bool { return a.Progress >= 100 }

// Overdue reports whether the action is not done and its deadline has
// passed at now.
func (a Action) Overdue(now time.Time) bool { return !a.Done() && now.After(a.Deadline) }

// Plan is the P of PDCA: the problem, its cause category, the target metric
// with its baseline and target value, and the actions.
type Plan struct {
	Problem       string `json:"problem"`
	CauseCategory string `json:"cause_category"`
	Metric        Metric `json:"metric"`
	// Direction overrides the metric's usual direction; empty means
	// Metric.HigherIsBetter.
	Direction Direction `json:"direction,omitempty"`
	// Baseline is the metric measured before the change, with its sample.
	Baseline Figure   `json:"baseline"`
	Target   float64  `json:"target"`
	Actions  []Action `json:"actions"`
}

func (p Plan) higher() bool {
	switch p.Direction {
	case HigherIsBetter:
		return true
	case LowerIsBetter:
		return false
	}
	return p.Metric.HigherIsBetter()
}

// Validate reports every problem in the plan at once, with field paths.
func (p Plan) Validate() error {
	var errs []error
	if strings.TrimSpace(p.Problem) == "" {
		errs = append(errs, fieldErr("plan.problem", "empty"))
	}
	if strings.TrimSpace(p.CauseCategory) == "" {
		errs = append(errs, fieldErr("plan.cause_category", "empty"))
	}
	switch {
	case p.Metric == "":
		errs = append(errs, fieldErr("plan.metric", "empty"))
	case !p.Metric.Known() && p.Direction == "":
		errs = append(errs, fieldErr("plan.direction", "required for metric %q, which this package does not know", p.Metric))
	}
	if p.Direction != "" && p.Direction != HigherIsBetter && p.Direction != LowerIsBetter {
		errs = append(errs, fieldErr("plan.direction", "must be %q or %q, got %q", HigherIsBetter, LowerIsBetter, p.Direction))
	}
	if p.Baseline.Metric != "" && p.Baseline.Metric != p.Metric {
		errs = append(errs, fieldErr("plan.baseline.metric", "is %q, plan metric is %q", p.Baseline.Metric, p.Metric))
	}
	if why := badFloat(p.Baseline.Value); why != "" {
		errs = append(errs, fieldErr("plan.baseline.value", "%s", why))
	}
	if why := badFloat(p.Target); why != "" {
		errs = append(errs, fieldErr("plan.target", "%s", why))
	} else if badFloat(p.Baseline.Value) == "" {
		if p.higher() && !(p.Target > p.Baseline.Value) {
			errs = append(errs, fieldErr("plan.target", "%v does not improve on baseline %v (higher is better)", p.Target, p.Baseline.Value))
		}
		if !p.higher() && !(p.Target < p.Baseline.Value) {
			errs = append(errs, fieldErr("plan.target", "%v does not improve on baseline %v (lower is better)", p.Target, p.Baseline.Value))
		}
	}
	if len(p.Actions) == 0 {
		errs = append(errs, fieldErr("plan.actions", "no actions"))
	}
	ids := make(map[string]bool, len(p.Actions))
	for i, a := range p.Actions {
		path := fmt.Sprintf("plan.actions[%d]", i)
		switch {
		case a.ID == "":
			errs = append(errs, fieldErr(path+".id", "empty"))
		case ids[a.ID]:
			errs = append(errs, fieldErr(path+".id", "duplicate action %q", a.ID))
		}
		ids[a.ID] = true
		if strings.TrimSpace(a.Owner) == "" {
			errs = append(errs, fieldErr(path+".owner", "empty"))
		}
		if a.Deadline.IsZero() {
			errs = append(errs, fieldErr(path+".deadline", "zero time"))
		}
		if a.Progress < 0 || a.Progress > 100 {
			errs = append(errs, fieldErr(path+".progress", "must be 0–100, got %d", a.Progress))
		}
	}
	return errors.Join(errs...)
}

// Verdict is the result of a PDCA check.
type Verdict string

// Verdicts.
const (
	// Met: enough samples, the measured value reaches the target, and the
	// interval lies entirely on the better side of the baseline.
	Met Verdict = "met"
	// NotMet: enough samples and the measured value misses the target.
	NotMet Verdict = "not_met"
	// Inconclusive: too few samples, or the value reaches the target but the
	// interval still reaches back to the baseline (the improvement is not
	// distinguishable from noise).
	Inconclusive Verdict = "inconclusive"
)

// CheckResult is the C of PDCA: the metric measured over a window after the
// change, compared with the plan's baseline and target.
type CheckResult struct {
	At       time.Time `json:"at"`
	Window   Window    `json:"window"`
	Measured Figure    `json:"measured"`
	Baseline float64   `json:"baseline"`
	Target   float64   `json:"target"`
	// Change is Measured.Value − Baseline.
	Change  float64 `json:"change"`
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason"`
}

// Outcome is the decision taken in the Act phase.
type Outcome string

// Outcomes.
const (
	// Standardised: the change becomes standard practice.
	Standardised Outcome = "standardised"
	// Continued: a next cycle, linked to this one, takes the problem on.
	Continued Outcome = "continued"
)

// Transition is one phase change in a cycle's history.
type Transition struct {
	From Phase     `json:"from"`
	To   Phase     `json:"to"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// Cycle is one PDCA improvement cycle. It is a plain value with JSON tags:
// serialise it to store it and unmarshal it to restore it exactly. Its
// methods enforce the phase order and return a *TransitionError (wrapping
// ErrInvalidTransition) for an operation the current phase does not allow.
// Every method takes the time of the operation as an argument.
//
// A Cycle is not safe for concurrent use; Book is.
type Cycle struct {
	ID       string        `json:"id"`
	Plan     Plan          `json:"plan"`
	Phase    Phase         `json:"phase"`
	OpenedAt time.Time     `json:"opened_at"`
	ClosedAt time.Time     `json:"closed_at"`
	Previous string        `json:"previous,omitempty"`
	Next     string        `json:"next,omitempty"`
	Checks   []CheckResult `json:"checks,omitempty"`
	Outcome  Outcome       `json:"outcome,omitempty"`
	Standard string        `json:"standard,omitempty"`
	History  []Transition  `json:"history,omitempty"`
}

// NewCycle opens a cycle in the Plan phase after validating plan.
func NewCycle(id string, plan Plan, at time.Time) (*Cycle, error) {
	var errs []error
	if id == "" {
		errs = append(errs, fieldErr("id", "empty"))
	}
	if at.IsZero() {
		errs = append(errs, fieldErr("opened_at", "zero time"))
	}
	if err := plan.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if plan.Baseline.Metric == "" {
		plan.Baseline.Metric = plan.Metric
	}
	plan.Actions = slices.Clone(plan.Actions)
	return &Cycle{ID: id, Plan: plan, Phase: PhasePlan, OpenedAt: at}, nil
}

func (c *Cycle) deny(op, reason string) error {
	return &TransitionError{CycleID: c.ID, Op: op, From: c.Phase, Reason: reason}
}

func (c *Cycle) move(to Phase, at time.Time, note string) {
	c.History = append(c.History, Transition{From: c.Phase, To: to, At: at, Note: note})
	c.Phase = to
}

// StartDo moves the cycle from Plan to Do: the actions start.
func (c *Cycle) StartDo(at time.Time) error {
	if c.Phase != PhasePlan {
		return c.deny("StartDo", "only a planned cycle can start")
	}
	c.move(PhaseDo, at, "")
	return nil
}

// UpdateAction records progress (0–100) on an action during Do. Reaching
// 100 marks it done at at.
func (c *Cycle) UpdateAction(actionID string, progress int, note string, at time.Time) error {
	if c.Phase != PhaseDo {
		return c.deny("UpdateAction", "actions progress only during Do")
	}
	if progress < 0 || progress > 100 {
		return fieldErr("progress", "must be 0–100, got %d", progress)
	}
	for i := range c.Plan.Actions {
		a := &c.Plan.Actions[i]
		if a.ID != actionID {
			continue
		}
		a.Progress, a.UpdatedAt = progress, at
		if note != "" {
			a.Note = note
		}
		if a.Done() && a.DoneAt.IsZero() {
			a.DoneAt = at
		} else if !a.Done() {
			a.DoneAt = time.Time{}
		}
		return nil
	}
	return fmt.Errorf("%w: cycle %q has no action %q", ErrNotFound, c.ID, actionID)
}

// OverdueActions returns the actions not done whose deadline has passed at
// now.
func (c *Cycle) OverdueActions(now time.Time) []Action {
	var out []Action
	for _, a := range c.Plan.Actions {
		if a.Overdue(now) {
			out = append(out, a)
		}
	}
	return out
}

// StartCheck moves the cycle from Do to Check. Every action must be done.
func (c *Cycle) StartCheck(at time.Time) error {
	if c.Phase != PhaseDo {
		return c.deny("StartCheck", "only a cycle in Do can be checked")
	}
	var open []string
	for _, a := range c.Plan.Actions {
		if !a.Done() {
			open = append(open, fmt.Sprintf("%s (%d%%)", a.ID, a.Progress))
		}
	}
	if len(open) > 0 {
		return c.deny("StartCheck", "actions not done: "+strings.Join(open, ", "))
	}
	c.move(PhaseCheck, at, "")
	return nil
}

// Check measures the result: measured is the plan metric over window w
// after the change (typically Aggregator.ReportAt(...).Figure(metric)). The
// verdict is Inconclusive on too few samples (measured.Insufficient), NotMet
// when the value misses the target, Inconclusive when it reaches the target
// but its interval reaches back to the baseline, and Met otherwise. Check
// may be called again (on a later or longer window); the last result
// counts.
func (c *Cycle) Check(w Window, measured Figure, at time.Time) (CheckResult, error) {
	if c.Phase != PhaseCheck {
		return CheckResult{}, c.deny("Check", "checks happen in the Check phase")
	}
	if measured.Metric != c.Plan.Metric {
		return CheckResult{}, fieldErr("measured.metric", "is %q, plan metric is %q", measured.Metric, c.Plan.Metric)
	}
	for _, x := range []float64{measured.Value, measured.Lower, measured.Upper} {
		if why := badFloat(x); why != "" {
			return CheckResult{}, fieldErr("measured", "%s", why)
		}
	}
	base, target := c.Plan.Baseline.Value, c.Plan.Target
	r := CheckResult{At: at, Window: w, Measured: measured, Baseline: base, Target: target, Change: measured.Value - base}
	higher := c.Plan.higher()
	reaches := measured.Value >= target
	clears := measured.Lower > base
	if !higher {
		reaches = measured.Value <= target
		clears = measured.Upper < base
	}
	switch {
	case measured.Insufficient || measured.N == 0:
		r.Verdict = Inconclusive
		r.Reason = fmt.Sprintf("too few samples: %d < %d", measured.N, measured.MinN)
	case !reaches:
		r.Verdict = NotMet
		r.Reason = fmt.Sprintf("%.4g misses the target %.4g (baseline %.4g)", measured.Value, target, base)
	case !clears:
		r.Verdict = Inconclusive
		r.Reason = fmt.Sprintf("%.4g reaches the target %.4g but the interval [%.4g, %.4g] still includes the baseline %.4g",
			measured.Value, target, measured.Lower, measured.Upper, base)
	default:
		r.Verdict = Met
		r.Reason = fmt.Sprintf("%.4g reaches the target %.4g and the interval [%.4g, %.4g] excludes the baseline %.4g",
			measured.Value, target, measured.Lower, measured.Upper, base)
	}
	c.Checks = append(c.Checks, r)
	return r, nil
}

// LastCheck returns the latest check result, if any.
func (c *Cycle) LastCheck() (CheckResult, bool) {
	if len(c.Checks) == 0 {
		return CheckResult{}, false
	}
	return c.Checks[len(c.Checks)-1], true
}

// Standardise moves the cycle from Check to Act, recording the change as
// standard practice. The latest check must be Met.
func (c *Cycle) Standardise(standard string, at time.Time) error {
	if c.Phase != PhaseCheck {
		return c.deny("Standardise", "the decision follows Check")
	}
	last, ok := c.LastCheck()
	if !ok || last.Verdict != Met {
		v := Verdict("none")
		if ok {
			v = last.Verdict
		}
		return c.deny("Standardise", fmt.Sprintf("only a met target can be standardised (latest check: %s)", v))
	}
	if strings.TrimSpace(standard) == "" {
		return fieldErr("standard", "empty")
	}
	c.Outcome, c.Standard = Standardised, standard
	c.move(PhaseAct, at, "standardised")
	return nil
}

// StartNext moves the cycle from Check to Act and opens the next cycle,
// linked both ways, whatever the verdict (at least one check is needed).
// The next cycle is returned in its Plan phase.
func (c *Cycle) StartNext(nextID string, plan Plan, at time.Time) (*Cycle, error) {
	if c.Phase != PhaseCheck {
		return nil, c.deny("StartNext", "the decision follows Check")
	}
	if len(c.Checks) == 0 {
		return nil, c.deny("StartNext", "no check has been recorded")
	}
	if nextID == c.ID {
		return nil, fieldErr("next", "a cycle cannot follow itself")
	}
	next, err := NewCycle(nextID, plan, at)
	if err != nil {
		return nil, err
	}
	next.Previous = c.ID
	c.Next, c.Outcome = nextID, Continued
	c.move(PhaseAct, at, "continued in "+nextID)
	return next, nil
}

// Close ends the cycle after Act.
func (c *Cycle) Close(at time.Time) error {
	if c.Phase != PhaseAct {
		return c.deny("Close", "only a cycle in Act can close")
	}
	c.ClosedAt = at
	c.move(PhaseClosed, at, "")
	return nil
}

// Validate checks a cycle's consistency, for example after restoring it.
func (c Cycle) Validate() error {
	var errs []error
	if c.ID == "" {
		errs = append(errs, fieldErr("id", "empty"))
	}
	if !c.Phase.valid() {
		errs = append(errs, fieldErr("phase", "unknown phase %q", c.Phase))
	}
	if c.OpenedAt.IsZero() {
		errs = append(errs, fieldErr("opened_at", "zero time"))
	}
	if err := c.Plan.Validate(); err != nil {
		errs = append(errs, err)
	}
	if (c.Phase == PhaseAct || c.Phase == PhaseClosed) && c.Outcome != Standardised && c.Outcome != Continued {
		errs = append(errs, fieldErr("outcome", "phase %s needs an outcome, got %q", c.Phase, c.Outcome))
	}
	if c.Phase == PhaseClosed && c.ClosedAt.IsZero() {
		errs = append(errs, fieldErr("closed_at", "a closed cycle needs its closing time"))
	}
	if c.Outcome == Continued && c.Next == "" {
		errs = append(errs, fieldErr("next", "a continued cycle names its next cycle"))
	}
	for i, r := range c.Checks {
		for _, x := range []float64{r.Measured.Value, r.Measured.Lower, r.Measured.Upper, r.Baseline, r.Target} {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				errs = append(errs, fieldErr(fmt.Sprintf("checks[%d]", i), "non-finite number"))
				break
			}
		}
	}
	return errors.Join(errs...)
}

// clone returns a deep copy.
func (c *Cycle) clone() Cycle {
	out := *c
	out.Plan.Actions = slices.Clone(c.Plan.Actions)
	out.Checks = slices.Clone(c.Checks)
	out.History = slices.Clone(c.History)
	return out
}
