package emergency

import "github.com/sqkit/sqkit/sla"

// Documented defaults for relative-change rules, used by NewChangeRule.
const (
	// DefaultAlpha is the significance level of the exact increase test.
	DefaultAlpha = 0.05
	// DefaultMinVolume is the smallest current-window count that may raise
	// a warning: fewer events never raise, whatever the change.
	DefaultMinVolume = 20
	// DefaultMinIncrease is the smallest relative increase that may raise a
	// warning (0.30 = up 30 %).
	DefaultMinIncrease = 0.30
)

// ChangeRule raises Level when the count of a measure in the current window
// is significantly higher than in the baseline window ("complaints up 30 %
// week over week"). The host reports both windows with Board.ObserveCounts,
// for example from a Series.
//
// The rule's candidate level is Level when all three hold: the current count
// is at least MinVolume, the relative change of the rate is at least
// MinIncrease, and ExactIncreaseTest gives a p-value <= Alpha. Otherwise it
// is None. Hold and Dwell work as for ThresholdRule.
//
// With exposures in the counts the rates are events per exposure unit; Per
// only scales the rates reported in evidence (1000 reports complaints per
// 1,000 orders) and defaults to 1 when zero.
type ChangeRule struct {
	Name        string       `json:"name"`
	Measure     string       `json:"measure"`
	Level       Level        `json:"level"`
	MinIncrease float64      `json:"min_increase"`
	MinVolume   int64        `json:"min_volume"`
	Alpha       float64      `json:"alpha"`
	Per         float64      `json:"per,omitempty"`
	Hold        sla.Duration `json:"hold,omitempty"`
	Dwell       sla.Duration `json:"dwell,omitempty"`
}

// NewChangeRule returns a yellow relative-change rule with the documented
// defaults: DefaultMinIncrease (30 %), DefaultMinVolume (20 events) and
// DefaultAlpha (0.05), no hold and no dwell.
func NewChangeRule(name, measure string) ChangeRule {
	return ChangeRule{
		Name: name, Measure: measure, Level: Yellow,
		MinIncrease: DefaultMinIncrease, MinVolume: DefaultMinVolume, Alpha: DefaultAlpha,
	}
}

// Validate reports every problem of the rule at once.
func (r ChangeRule) Validate() error { return errorsJoin(r.validate("change")) }

func (r ChangeRule) validate(p string) []error {
	c := &ruleCheck{path: p}
	c.nonEmpty("name", r.Name)
	c.nonEmpty("measure", r.Measure)
	c.level("level", r.Level)
	if !(r.Alpha > 0 && r.Alpha < 1) {
		c.add("alpha", "alpha %v outside (0,1)", r.Alpha)
	}
	if !finite(r.MinIncrease) || r.MinIncrease < 0 {
		c.add("min_increase", "must be a finite number >= 0, got %v", r.MinIncrease)
	}
	if r.MinVolume < 0 || r.MinVolume > MaxCount {
		c.add("min_volume", "must be in [0, %d], got %d", int64(MaxCount), r.MinVolume)
	}
	if !finite(r.Per) || r.Per < 0 {
		c.add("per", "must be a finite number >= 0, got %v", r.Per)
	}
	c.durations(r.Hold, r.Dwell)
	return c.errs
}

func (r ChangeRule) compile() compiledRule {
	return compiledRule{name: r.Name, kind: KindChange, measure: r.Measure, level: r.Level,
		hold: r.Hold, dwell: r.Dwell, change: r}
}

// changeCandidate runs the rule on valid counts. The exact test runs only
// when the volume and the size of the increase could raise.
func (r *compiledRule) changeCandidate(rs *ruleState) Level {
	if !rs.hasCounts {
		return None
	}
	c := &r.change
	rs.res, rs.tested = increaseStats(rs.counts), false
	up := rs.counts.Baseline == 0 && rs.counts.Current > 0 ||
		rs.counts.Baseline > 0 && rs.res.RelativeChange >= c.MinIncrease*(1-1e-12)
	if rs.counts.Current < c.MinVolume || !up {
		return None
	}
	rs.res.PValue = rs.pValue()
	rs.tested = true
	if rs.res.PValue <= c.Alpha {
		return r.level
	}
	return None
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

func (r *compiledRule) changeEvidence(rs *ruleState, e *Evidence) {
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
}
