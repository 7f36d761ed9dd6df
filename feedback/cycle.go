package feedback

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Cycle is one PDCA improvement cycle. It is a plain value with JSON tags:
// serialise it to store it and unmarshal it to restore it exactly. Its
// methods enforce the phase order and return a *TransitionError (wrapping
// ErrInvalidTransition) for an operation the current phase does not allow.
// Every method takes the instant of the operation first; an instant before
// the cycle's last change (LastChange) is refused with a *TransitionError
// that also matches ErrTimeBackwards. A refused operation changes nothing.
//
// A Cycle is not safe for concurrent use; Book is.
type Cycle struct {
	ID       string        `json:"id"`
	Plan     Plan          `json:"plan"`
	Phase    Phase         `json:"phase"`
	OpenedAt time.Time     `json:"opened_at"`
	ClosedAt time.Time     `json:"closed_at,omitzero"`
	Previous string        `json:"previous,omitempty"`
	Next     string        `json:"next,omitempty"`
	Checks   []CheckResult `json:"checks,omitempty"`
	Outcome  Outcome       `json:"outcome,omitempty"`
	Standard string        `json:"standard,omitempty"`
	History  []Transition  `json:"history,omitempty"`
}

// NewCycle opens a cycle in the Plan phase at at after validating plan.
// The operations set the actions' UpdatedAt and DoneAt: NewCycle clears
// them, and an action planned at 100 % is done at the opening.
func NewCycle(at time.Time, id string, plan Plan) (*Cycle, error) {
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
	for i := range plan.Actions {
		a := &plan.Actions[i]
		a.UpdatedAt, a.DoneAt = time.Time{}, time.Time{}
		if a.Done() {
			a.DoneAt = at
		}
	}
	return &Cycle{ID: id, Plan: plan, Phase: PhasePlan, OpenedAt: at}, nil
}

func (c *Cycle) deny(op, reason string) error {
	return &TransitionError{CycleID: c.ID, Op: op, From: c.Phase, Reason: reason}
}

// LastChange returns the latest instant recorded on the cycle: its
// opening, a phase change, a check or an action's progress. The next
// operation may not be dated before it.
func (c *Cycle) LastChange() time.Time {
	last := c.OpenedAt
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, h := range c.History {
		later(h.At)
	}
	for _, r := range c.Checks {
		later(r.At)
	}
	for _, a := range c.Plan.Actions {
		later(a.UpdatedAt)
		later(a.DoneAt)
	}
	return last
}

// guard refuses an operation at an instant that is zero or before the last
// change.
func (c *Cycle) guard(op string, at time.Time) error {
	if last := c.LastChange(); at.IsZero() || at.Before(last) {
		return &TransitionError{CycleID: c.ID, Op: op, From: c.Phase,
			Reason: fmt.Sprintf("%v is before the cycle's last change %v", at, last), Err: ErrTimeBackwards}
	}
	return nil
}

// move changes phase at at, after checking at.
func (c *Cycle) move(op string, at time.Time, to Phase, note string) error {
	if err := c.guard(op, at); err != nil {
		return err
	}
	c.History = append(c.History, Transition{From: c.Phase, To: to, At: at, Note: note})
	c.Phase = to
	return nil
}

// StartDo moves the cycle from Plan to Do at at: the actions start.
func (c *Cycle) StartDo(at time.Time) error {
	if c.Phase != PhasePlan {
		return c.deny("StartDo", "only a planned cycle can start")
	}
	return c.move("StartDo", at, PhaseDo, "")
}

// UpdateAction records progress (0–100) on an action during Do, at at.
// Reaching 100 marks it done at at.
func (c *Cycle) UpdateAction(at time.Time, actionID string, progress int, note string) error {
	if c.Phase != PhaseDo {
		return c.deny("UpdateAction", "actions progress only during Do")
	}
	if progress < 0 || progress > 100 {
		return fieldErr("progress", "must be 0–100, got %d", progress)
	}
	i := slices.IndexFunc(c.Plan.Actions, func(a Action) bool { return a.ID == actionID })
	if i < 0 {
		return fmt.Errorf("%w: cycle %q has no action %q", ErrNotFound, c.ID, actionID)
	}
	if err := c.guard("UpdateAction", at); err != nil {
		return err
	}
	a := &c.Plan.Actions[i]
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

// OverdueActions returns the actions not done whose deadline has been
// reached at now.
func (c *Cycle) OverdueActions(now time.Time) []Action {
	var out []Action
	for _, a := range c.Plan.Actions {
		if a.Overdue(now) {
			out = append(out, a)
		}
	}
	return out
}

// StartCheck moves the cycle from Do to Check at at. Every action must be
// done.
func (c *Cycle) StartCheck(at time.Time) error {
	if c.Phase != PhaseDo {
		return c.deny("StartCheck", "only a cycle in Do can be checked")
	}
	if open := openActions(c.Plan.Actions); len(open) > 0 {
		return c.deny("StartCheck", "actions not done: "+strings.Join(open, ", "))
	}
	return c.move("StartCheck", at, PhaseCheck, "")
}

// openActions describes the actions not done: "a1 (50%)".
func openActions(as []Action) []string {
	var open []string
	for _, a := range as {
		if !a.Done() {
			open = append(open, fmt.Sprintf("%s (%d%%)", a.ID, a.Progress))
		}
	}
	return open
}

// Check measures the result at at: measured is the plan metric over window
// w after the change (typically Aggregator.ReportAt(...).Figure(metric)).
// The verdict is Inconclusive on too few samples (measured.Insufficient),
// NotMet when the value misses the target, Inconclusive when it reaches the
// target but its interval reaches back to the baseline, and Met otherwise.
// Check may be called again (on a later or longer window); the last result
// counts.
func (c *Cycle) Check(at time.Time, w Window, measured Figure) (CheckResult, error) {
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
	if err := c.guard("Check", at); err != nil {
		return CheckResult{}, err
	}
	r := c.Plan.judge(at, w, measured)
	c.Checks = append(c.Checks, r)
	return r, nil
}

// judge compares measured with the plan's baseline and target.
func (p Plan) judge(at time.Time, w Window, measured Figure) CheckResult {
	base, target := p.Baseline.Value, p.Target
	r := CheckResult{At: at, Window: w, Measured: measured, Baseline: base, Target: target, Change: measured.Value - base}
	reaches, clears := measured.Value >= target, measured.Lower > base
	if !p.higher() {
		reaches, clears = measured.Value <= target, measured.Upper < base
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
	return r
}

// LastCheck returns the latest check result, if any.
func (c *Cycle) LastCheck() (CheckResult, bool) {
	if len(c.Checks) == 0 {
		return CheckResult{}, false
	}
	return c.Checks[len(c.Checks)-1], true
}

// Standardise moves the cycle from Check to Act at at, recording the
// change as standard practice. The latest check must be Met.
func (c *Cycle) Standardise(at time.Time, standard string) error {
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
	if err := c.move("Standardise", at, PhaseAct, "standardised"); err != nil {
		return err
	}
	c.Outcome, c.Standard = Standardised, standard
	return nil
}

// StartNext moves the cycle from Check to Act at at and opens the next
// cycle, linked both ways, whatever the verdict (at least one check is
// needed). The next cycle is returned in its Plan phase, opened at at.
func (c *Cycle) StartNext(at time.Time, nextID string, plan Plan) (*Cycle, error) {
	if c.Phase != PhaseCheck {
		return nil, c.deny("StartNext", "the decision follows Check")
	}
	if len(c.Checks) == 0 {
		return nil, c.deny("StartNext", "no check has been recorded")
	}
	if nextID == c.ID {
		return nil, fieldErr("next", "a cycle cannot follow itself")
	}
	next, err := NewCycle(at, nextID, plan)
	if err != nil {
		return nil, err
	}
	if err := c.move("StartNext", at, PhaseAct, "continued in "+nextID); err != nil {
		return nil, err
	}
	next.Previous = c.ID
	c.Next, c.Outcome = nextID, Continued
	return next, nil
}

// Close ends the cycle after Act, at at.
func (c *Cycle) Close(at time.Time) error {
	if c.Phase != PhaseAct {
		return c.deny("Close", "only a cycle in Act can close")
	}
	if err := c.move("Close", at, PhaseClosed, ""); err != nil {
		return err
	}
	c.ClosedAt = at
	return nil
}

// clone returns a deep copy.
func (c *Cycle) clone() Cycle {
	out := *c
	out.Plan.Actions = slices.Clone(c.Plan.Actions)
	out.Checks = slices.Clone(c.Checks)
	out.History = slices.Clone(c.History)
	return out
}
