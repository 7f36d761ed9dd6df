package emergency

import (
	"github.com/sqkit/sqkit/sla"
	"math"
)

// ShortageRule raises Level when service resources run short: the coverage
// ratio Available/Demand (for example agents on duty over agents needed)
// falls to Enter or below, and lowers when it is back at Exit or above
// (Exit >= Enter). Both measures are plain values reported with
// Board.Observe; a demand of zero or less counts as full coverage.
type ShortageRule struct {
	Name      string       `json:"name"`
	Available string       `json:"available"`
	Demand    string       `json:"demand"`
	Level     Level        `json:"level"`
	Enter     float64      `json:"enter"`
	Exit      float64      `json:"exit"`
	Hold      sla.Duration `json:"hold,omitempty"`
	Dwell     sla.Duration `json:"dwell,omitempty"`
}

// NewShortageRule returns the seed resource-shortage rule: yellow when the
// coverage ratio available/demand is 0.9 or less (resources run more than
// 10 % short), back to none when it is 1.0 or more, with no hold and no
// dwell.
func NewShortageRule(name, available, demand string) ShortageRule {
	return ShortageRule{Name: name, Available: available, Demand: demand, Level: Yellow, Enter: 0.9, Exit: 1}
}

// Validate reports every problem of the rule at once.
func (r ShortageRule) Validate() error { return errorsJoin(r.validate("shortage")) }

func (r ShortageRule) validate(p string) []error {
	c := &ruleCheck{path: p}
	c.nonEmpty("name", r.Name)
	c.nonEmpty("available", r.Available)
	c.nonEmpty("demand", r.Demand)
	if r.Available != "" && r.Available == r.Demand {
		c.add("demand", "same measure as available: %q", r.Demand)
	}
	c.level("level", r.Level)
	if !finite(r.Enter) || r.Enter < 0 {
		c.add("enter", "coverage ratio must be a finite number >= 0, got %v", r.Enter)
	}
	if !finite(r.Exit) {
		c.add("exit", "not a finite number: %v", r.Exit)
	} else if r.Exit < r.Enter {
		c.add("exit", "exit value %v is below enter value %v of a lower-is-worse coverage ratio", r.Exit, r.Enter)
	}
	c.durations(r.Hold, r.Dwell)
	return c.errs
}

func (r ShortageRule) compile() compiledRule {
	return compiledRule{name: r.Name, kind: KindShortage, measure: r.Available, demand: r.Demand,
		dir: LowerIsWorse, steps: []Step{{Level: r.Level, Enter: r.Enter, Exit: r.Exit}},
		level: r.Level, hold: r.Hold, dwell: r.Dwell}
}

func (rs *ruleState) coverage() float64 {
	if rs.demand <= 0 {
		return math.Inf(1)
	}
	return rs.value / rs.demand
}

func (r *compiledRule) shortageCandidate(rs *ruleState) Level {
	if !rs.hasValue || !rs.hasDemand {
		return None
	}
	return r.classify(rs.coverage(), rs.cand)
}

func (r *compiledRule) shortageEvidence(rs *ruleState, e *Evidence) {
	e.Available, e.Demand = rs.value, rs.demand
	if cov := rs.coverage(); finite(cov) {
		e.Value = cov
	}
}
