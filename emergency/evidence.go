package emergency

import "time"

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
