package emergency

import (
	"fmt"
	"github.com/sqkit/sqkit/sla"
	"slices"
)

// Step is one level of a threshold rule: the measure enters Level when it
// reaches Enter and leaves it only when it gets back to Exit (hysteresis).
//
// For a higher-is-worse measure the level is entered when value >= Enter and
// left when value <= Exit, so Exit must not be above Enter. For a
// lower-is-worse measure it is entered when value <= Enter and left when
// value >= Exit, so Exit must not be below Enter. Exit == Enter means no
// hysteresis.
type Step struct {
	Level Level   `json:"level"`
	Enter float64 `json:"enter"`
	Exit  float64 `json:"exit"`
}

// ThresholdRule maps one measure of a subject (a complaint rate, an NPS) to
// a level through hysteresis steps, a hold time and a dwell time. Direction
// must be set: HigherIsWorse or LowerIsWorse.
//
// Hold is how long the measure must stay at or beyond a level's enter value
// (continuously, as seen by the observations) before the rule raises to that
// level; zero raises on the first observation. Dwell is how long the measure
// must stay below a level (after crossing its exit value) before the rule
// lowers; zero lowers at once. See the package documentation for how hold
// and dwell are evaluated.
type ThresholdRule struct {
	Name      string       `json:"name"`
	Measure   string       `json:"measure"`
	Direction Direction    `json:"direction"`
	Steps     []Step       `json:"steps"`
	Hold      sla.Duration `json:"hold,omitempty"`
	Dwell     sla.Duration `json:"dwell,omitempty"`
}

// Validate reports every problem of the rule at once.
func (r ThresholdRule) Validate() error { return errorsJoin(r.validate("threshold")) }

func (r ThresholdRule) validate(p string) []error {
	c := &ruleCheck{path: p}
	c.nonEmpty("name", r.Name)
	c.nonEmpty("measure", r.Measure)
	if !r.Direction.Valid() {
		c.add("direction", "%v: want higher-is-worse or lower-is-worse", r.Direction)
	}
	if len(r.Steps) == 0 {
		c.add("steps", "no steps")
	}
	seen := map[Level]bool{}
	for i, s := range r.Steps {
		sp := fmt.Sprintf("steps[%d]", i)
		c.level(sp+".level", s.Level)
		if seen[s.Level] {
			c.add(sp+".level", "duplicate level %v", s.Level)
		}
		seen[s.Level] = true
		if !finite(s.Enter) {
			c.add(sp+".enter", "not a finite number: %v", s.Enter)
		}
		if !finite(s.Exit) {
			c.add(sp+".exit", "not a finite number: %v", s.Exit)
		}
		if r.Direction == HigherIsWorse && s.Exit > s.Enter {
			c.add(sp+".exit", "exit value %v is above enter value %v of a higher-is-worse measure", s.Exit, s.Enter)
		}
		if r.Direction == LowerIsWorse && s.Exit < s.Enter {
			c.add(sp+".exit", "exit value %v is below enter value %v of a lower-is-worse measure", s.Exit, s.Enter)
		}
	}
	// Worse levels must need worse values.
	sorted := sortedSteps(r.Steps)
	for i := 1; i < len(sorted); i++ {
		a, b := sorted[i-1], sorted[i]
		if a.Level == b.Level {
			continue
		}
		worse, exitOK := b.Enter > a.Enter, b.Exit >= a.Exit
		if r.Direction == LowerIsWorse {
			worse, exitOK = b.Enter < a.Enter, b.Exit <= a.Exit
		}
		if !worse {
			c.add("steps", "enter value %v of %v is not worse than enter value %v of %v (%v)",
				b.Enter, b.Level, a.Enter, a.Level, r.Direction)
		}
		if !exitOK {
			c.add("steps", "exit value %v of %v is better than exit value %v of %v (%v)",
				b.Exit, b.Level, a.Exit, a.Level, r.Direction)
		}
	}
	c.durations(r.Hold, r.Dwell)
	return c.errs
}

func sortedSteps(steps []Step) []Step {
	sorted := slices.Clone(steps)
	slices.SortFunc(sorted, func(a, b Step) int { return int(a.Level) - int(b.Level) })
	return sorted
}

func (r ThresholdRule) compile() compiledRule {
	return compiledRule{name: r.Name, kind: KindThreshold, measure: r.Measure, dir: r.Direction,
		steps: sortedSteps(r.Steps), hold: r.Hold, dwell: r.Dwell}
}

func (r *compiledRule) thresholdCandidate(rs *ruleState) Level {
	if !rs.hasValue {
		return None
	}
	return r.classify(rs.value, rs.cand)
}
