package feedback

import (
	"errors"
	"fmt"
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

func (p Phase) valid() bool { return p == PhaseClosed || nextPhase[p] != "" }

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
	// UpdatedAt is the last progress update, DoneAt the instant the action
	// reached 100 % (the operations set both).
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	DoneAt    time.Time `json:"done_at,omitzero"`
}

// Done reports whether the action is complete.
func (a Action) Done() bool { return a.Progress >= 100 }

// Overdue reports whether the action is not done and its deadline has been
// reached at now: an action due at t is overdue from t.
func (a Action) Overdue(now time.Time) bool { return !a.Done() && !now.Before(a.Deadline) }

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

func (p Plan) higher() bool { return p.Direction.higher(p.Metric) }

// higher reports whether higher values of m are better under d: d's way,
// or the metric's usual one when d is empty.
func (d Direction) higher(m Metric) bool {
	switch d {
	case HigherIsBetter:
		return true
	case LowerIsBetter:
		return false
	}
	return m.HigherIsBetter()
}

// check reports a direction other than empty, higher or lower.
func (d Direction) check(path string) error {
	if d != "" && d != HigherIsBetter && d != LowerIsBetter {
		return fieldErr(path, "must be %q or %q, got %q", HigherIsBetter, LowerIsBetter, d)
	}
	return nil
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
	if err := p.Direction.check("plan.direction"); err != nil {
		errs = append(errs, err)
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
