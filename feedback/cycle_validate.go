package feedback

import (
	"errors"
	"time"
)

// nextPhase is the phase each phase moves to.
var nextPhase = map[Phase]Phase{PhasePlan: PhaseDo, PhaseDo: PhaseCheck, PhaseCheck: PhaseAct, PhaseAct: PhaseClosed}

// Validate checks that the operations could have produced the cycle, for
// example after restoring it, and reports every problem at once: an id, an
// opening instant and a valid plan; a history that moves Plan, Do, Check,
// Act, Closed one step at a time, never back in time, and ends in the
// cycle's phase; actions updated only during Do, done at their first
// 100 % (or at the opening when planned done), and all done once Check
// started; checks made during Check, in time order, whose verdict, reason
// and change follow from the plan and the measured figure; an outcome
// exactly in Act and Closed (standardised after a met check, with a
// standard; continued after a check, naming the next cycle); and a closing
// instant exactly when closed, that of the last phase change.
func (c Cycle) Validate() error {
	var errs []error
	bad := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	if c.ID == "" {
		bad("id", "empty")
	}
	if !c.Phase.valid() {
		bad("phase", "unknown phase %q", c.Phase)
	}
	if c.OpenedAt.IsZero() {
		bad("opened_at", "zero time")
	}
	if err := c.Plan.Validate(); err != nil {
		errs = append(errs, err)
	} else if c.Plan.Baseline.Metric != c.Plan.Metric {
		bad("plan.baseline.metric", "empty; NewCycle sets it to the plan's metric")
	}
	entered := c.validateHistory(bad)
	c.validateActions(entered, bad)
	c.validateChecks(entered, bad)
	c.validateOutcome(bad)
	closedAt, closed := entered[PhaseClosed]
	switch {
	case c.Phase == PhaseClosed && c.ClosedAt.IsZero():
		bad("closed_at", "a closed cycle needs its closing time")
	case c.Phase != PhaseClosed && !c.ClosedAt.IsZero():
		bad("closed_at", "set on a cycle in phase %s", c.Phase)
	case closed && !c.ClosedAt.Equal(closedAt):
		bad("closed_at", "%v, but the cycle closed at %v", c.ClosedAt, closedAt)
	}
	return errors.Join(errs...)
}

// validateHistory checks the phase changes and returns the instant each
// phase was entered.
func (c Cycle) validateHistory(bad func(path, format string, args ...any)) map[Phase]time.Time {
	entered := map[Phase]time.Time{PhasePlan: c.OpenedAt}
	phase, last := PhasePlan, c.OpenedAt
	for i, h := range c.History {
		p := pathf("history[%d]", i)
		if h.From != phase || h.To != nextPhase[phase] {
			bad(p, "%s -> %s does not follow phase %s", h.From, h.To, phase)
			return entered
		}
		if h.At.Before(last) {
			bad(p+".at", "%v is before the previous change %v", h.At, last)
			return entered
		}
		phase, last = h.To, h.At
		entered[phase] = h.At
	}
	if phase != c.Phase && c.Phase.valid() {
		bad("phase", "%s, but the history ends in %s", c.Phase, phase)
	}
	return entered
}

// during reports whether t falls while the cycle was in phase p.
func during(entered map[Phase]time.Time, p Phase, t time.Time) bool {
	start, ok := entered[p]
	if !ok || t.Before(start) {
		return false
	}
	end, ended := entered[nextPhase[p]]
	return !ended || !t.After(end)
}

func (c Cycle) validateActions(entered map[Phase]time.Time, bad func(path, format string, args ...any)) {
	_, checked := entered[PhaseCheck]
	for i, a := range c.Plan.Actions {
		p := pathf("plan.actions[%d]", i)
		if checked && !a.Done() {
			bad(p+".progress", "%d%%, but Check started", a.Progress)
		}
		if !a.UpdatedAt.IsZero() && !during(entered, PhaseDo, a.UpdatedAt) {
			bad(p+".updated_at", "%v is not during Do", a.UpdatedAt)
		}
		switch {
		case a.Done() == a.DoneAt.IsZero():
			bad(p+".done_at", "%v for progress %d%%", a.DoneAt, a.Progress)
		case a.DoneAt.IsZero():
		case a.UpdatedAt.IsZero() && !a.DoneAt.Equal(c.OpenedAt):
			bad(p+".done_at", "%v without a progress update (an action planned done is done at the opening)", a.DoneAt)
		case !a.UpdatedAt.IsZero() && a.DoneAt.After(a.UpdatedAt):
			bad(p+".done_at", "%v is after the last update %v", a.DoneAt, a.UpdatedAt)
		}
	}
}

func (c Cycle) validateChecks(entered map[Phase]time.Time, bad func(path, format string, args ...any)) {
	var last time.Time
	for i, r := range c.Checks {
		p := pathf("checks[%d]", i)
		finite := true
		for _, x := range []float64{r.Measured.Value, r.Measured.Lower, r.Measured.Upper, r.Baseline, r.Target, r.Change} {
			finite = finite && badFloat(x) == ""
		}
		switch {
		case !finite:
			bad(p, "non-finite number")
		case !during(entered, PhaseCheck, r.At) || r.At.Before(last):
			bad(p+".at", "%v is not during Check, after the previous check", r.At)
		case r.Measured.Metric != c.Plan.Metric:
			bad(p+".measured.metric", "is %q, plan metric is %q", r.Measured.Metric, c.Plan.Metric)
		case c.Plan.judge(r.At, r.Window, r.Measured) != r:
			want := c.Plan.judge(r.At, r.Window, r.Measured)
			bad(p, "verdict %s (%s) does not follow from the plan and the measured figure: want %s (%s)", r.Verdict, r.Reason, want.Verdict, want.Reason)
		}
		last = r.At
	}
}

func (c Cycle) validateOutcome(bad func(path, format string, args ...any)) {
	decided := c.Phase == PhaseAct || c.Phase == PhaseClosed
	last, checked := c.LastCheck()
	switch {
	case decided && c.Outcome != Standardised && c.Outcome != Continued:
		bad("outcome", "phase %s needs an outcome, got %q", c.Phase, c.Outcome)
	case !decided && c.Outcome != "":
		bad("outcome", "%q before the decision (phase %s)", c.Outcome, c.Phase)
	case c.Outcome == Standardised && (!checked || last.Verdict != Met):
		bad("outcome", "standardised without a met check")
	case c.Outcome == Standardised && c.Standard == "":
		bad("standard", "a standardised cycle names its standard")
	case c.Outcome == Continued && (c.Next == "" || c.Next == c.ID):
		bad("next", "a continued cycle names its next cycle (%q)", c.Next)
	case c.Outcome == Continued && !checked:
		bad("outcome", "continued without a check")
	}
	if c.Outcome != Standardised && c.Standard != "" {
		bad("standard", "set on a cycle that was not standardised")
	}
	if c.Outcome != Continued && c.Next != "" {
		bad("next", "set on a cycle that was not continued")
	}
}

// validateLinks checks the links between the cycles of a book: the next
// cycle of a continued one is in the book, names it as its previous one and
// opened when it was continued; a previous cycle is in the book and names
// this one as its next.
func validateLinks(cycles []Cycle) error {
	byID := make(map[string]*Cycle, len(cycles))
	for i := range cycles {
		byID[cycles[i].ID] = &cycles[i]
	}
	var errs []error
	for i, c := range cycles {
		if c.Next != "" {
			n := byID[c.Next]
			switch {
			case n == nil:
				errs = append(errs, fieldErr(pathf("cycles[%d].next", i), "%q is no cycle of the book", c.Next))
			case n.Previous != c.ID:
				errs = append(errs, fieldErr(pathf("cycles[%d].next", i), "%q names %q as its previous cycle", c.Next, n.Previous))
			case len(c.History) < 3 || !n.OpenedAt.Equal(c.History[2].At):
				errs = append(errs, fieldErr(pathf("cycles[%d].next", i), "%q did not open when %q was continued", c.Next, c.ID))
			}
		}
		if p := byID[c.Previous]; c.Previous != "" && (p == nil || p.Next != c.ID) {
			errs = append(errs, fieldErr(pathf("cycles[%d].previous", i), "%q is no cycle of the book continued in %q", c.Previous, c.ID))
		}
	}
	return errors.Join(errs...)
}
