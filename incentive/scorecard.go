package incentive

import (
	"fmt"
)

// Direction says whether a higher or a lower KPI value is better.
type Direction string

const (
	// HigherIsBetter KPIs (CSAT, first-contact resolution) score up as the
	// value rises: Target > Floor.
	HigherIsBetter Direction = "higher"
	// LowerIsBetter KPIs (handling time, complaint rate) score up as the
	// value falls: Target < Floor, and the score formula inverts itself.
	LowerIsBetter Direction = "lower"
)

// Level maps a qualitative rating (for example "excellent") onto the
// score scale.
type Level struct {
	Label string  `json:"label"`
	Score Decimal `json:"score"`
}

// KPI is one weighted line of a Scorecard.
//
// A quantitative KPI scores clamp((x - Floor)/(Target - Floor), 0, Cap):
// 0 at or beyond the floor, 1 at the target, at most Cap (for example 1.2)
// beyond it. For LowerIsBetter the floor lies above the target, so the same
// formula is inverted. A qualitative KPI lists Levels instead; its value is
// a label and scores the level's Score.
type KPI struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"`
	Weight    Decimal   `json:"weight"`
	Direction Direction `json:"direction,omitempty"`
	Floor     Decimal   `json:"floor"`
	Target    Decimal   `json:"target"`
	Cap       Decimal   `json:"cap"`
	Levels    []Level   `json:"levels,omitempty"`
}

func (k *KPI) qualitative() bool { return len(k.Levels) > 0 }

// Gate zeroes the whole bonus when a KPI's value is below Min or above Max
// (for example compliance below 0.98). For a qualitative KPI the gate
// compares the level's score.
type Gate struct {
	KPI    string   `json:"kpi"`
	Min    *Decimal `json:"min,omitempty"`
	Max    *Decimal `json:"max,omitempty"`
	Reason string   `json:"reason,omitempty"`
}

// Grade names a band of total scores. Grades are listed from best to worst
// with strictly decreasing MinScore; a total gets the first grade whose
// MinScore it reaches. Tier optionally names the tier of the plan's Table
// that the grade pays (the grade-to-bonus-tier mapping).
type Grade struct {
	Name     string  `json:"name"`
	MinScore Decimal `json:"min_score"`
	Tier     string  `json:"tier,omitempty"`
}

// DefaultPrecision is the number of decimal places of scores when a
// Scorecard leaves Precision at zero.
const DefaultPrecision = 4

// Scorecard weighs KPIs into a total score, applies gates and grades it.
// Weights must sum to exactly 1 (checked in decimal, not in floating point).
// Every KPI score is rounded to Precision places with Rounding; the total
// is the exact weighted sum rounded once to Precision places.
//
// A Scorecard is a plain value, safe for concurrent use while no one
// modifies it.
type Scorecard struct {
	Name      string       `json:"name"`
	KPIs      []KPI        `json:"kpis"`
	Gates     []Gate       `json:"gates,omitempty"`
	Grades    []Grade      `json:"grades,omitempty"`
	Precision int          `json:"precision,omitempty"`
	Rounding  RoundingMode `json:"rounding,omitempty"`
}

func (s *Scorecard) precision() int {
	if s.Precision == 0 {
		return DefaultPrecision
	}
	return s.Precision
}

// Validate reports every problem with s at once.
func (s *Scorecard) Validate() error {
	var p problems
	s.validate(&p)
	return p.err()
}

func (s *Scorecard) validate(p *problems) {
	if len(s.KPIs) == 0 {
		p.add("kpis", "at least one KPI is required")
	}
	if s.Precision < 0 || s.Precision > 9 {
		p.add("precision", "must be between 0 and 9, got %d", s.Precision)
	}
	p.rounding(s.Rounding)
	var sum Decimal
	sumOK := true
	ids := make(map[string]int, len(s.KPIs))
	for i := range s.KPIs {
		k := &s.KPIs[i]
		path := fmt.Sprintf("kpis[%d]", i)
		if k.ID == "" {
			p.add(path+".id", "is required")
		} else if j, dup := ids[k.ID]; dup {
			p.add(path+".id", "duplicate id %q (also kpis[%d])", k.ID, j)
		} else {
			ids[k.ID] = i
		}
		if k.Weight.Sign() < 0 {
			p.add(path+".weight", "must not be negative, got %s", k.Weight)
		}
		if sumOK {
			var err error
			if sum, err = sum.Add(k.Weight); err != nil {
				sumOK = false
			}
		}
		if k.Cap.Sign() <= 0 {
			p.add(path+".cap", "must be positive (the maximum score, e.g. 1 or 1.2), got %s", k.Cap)
		}
		prec := s.precision()
		if k.Cap.Normalize().Scale() > prec {
			p.add(path+".cap", "%s has more places than the score precision %d", k.Cap, prec)
		}
		if k.Weight.Normalize().Scale()+prec > MaxScale {
			p.add(path+".weight", "%s has too many places for score precision %d (at most %d)", k.Weight, prec, MaxScale-prec)
		}
		if k.qualitative() {
			labels := make(map[string]bool, len(k.Levels))
			for j, l := range k.Levels {
				lp := fmt.Sprintf("%s.levels[%d]", path, j)
				if l.Label == "" {
					p.add(lp+".label", "is required")
				} else if labels[l.Label] {
					p.add(lp+".label", "duplicate label %q", l.Label)
				}
				labels[l.Label] = true
				if l.Score.Sign() < 0 || (k.Cap.Sign() > 0 && l.Score.Cmp(k.Cap) > 0) {
					p.add(lp+".score", "must be between 0 and the cap %s, got %s", k.Cap, l.Score)
				}
				if l.Score.Normalize().Scale() > prec {
					p.add(lp+".score", "%s has more places than the score precision %d", l.Score, prec)
				}
			}
			continue
		}
		c := k.Target.Cmp(k.Floor)
		switch k.Direction {
		case HigherIsBetter:
			if c <= 0 {
				p.add(path+".target", "higher-is-better KPI %q needs target > floor, got target %s, floor %s", k.ID, k.Target, k.Floor)
			}
		case LowerIsBetter:
			if c >= 0 {
				p.add(path+".target", "lower-is-better KPI %q needs target < floor, got target %s, floor %s", k.ID, k.Target, k.Floor)
			}
		default:
			p.add(path+".direction", "must be %q or %q, got %q", HigherIsBetter, LowerIsBetter, k.Direction)
		}
		if _, err := k.Target.Sub(k.Floor); err != nil {
			p.addErr(path+".target", err)
		}
	}
	if !sumOK {
		p.add("kpis", "weights overflow")
	} else if len(s.KPIs) > 0 && !sum.Equal(one) {
		p.add("kpis", "weights sum to %s, want exactly 1", sum)
	}
	for i, g := range s.Gates {
		path := fmt.Sprintf("gates[%d]", i)
		if _, ok := ids[g.KPI]; !ok {
			p.add(path+".kpi", "unknown KPI %q", g.KPI)
		}
		if g.Min == nil && g.Max == nil {
			p.add(path, "needs min or max")
		}
		if g.Min != nil && g.Max != nil && g.Min.Cmp(*g.Max) > 0 {
			p.add(path+".min", "min %s exceeds max %s", g.Min, g.Max)
		}
	}
	names := make(map[string]bool, len(s.Grades))
	for i, g := range s.Grades {
		path := fmt.Sprintf("grades[%d]", i)
		if g.Name == "" {
			p.add(path+".name", "is required")
		} else if names[g.Name] {
			p.add(path+".name", "duplicate grade %q", g.Name)
		}
		names[g.Name] = true
		if i > 0 && g.MinScore.Cmp(s.Grades[i-1].MinScore) >= 0 {
			p.add(path+".min_score", "grades must be listed best first with strictly decreasing min_score: %q (%s) after %q (%s)",
				g.Name, g.MinScore, s.Grades[i-1].Name, s.Grades[i-1].MinScore)
		}
	}
}

// Value is one observed KPI value for a person: a number for quantitative
// KPIs, a Label for qualitative ones.
type Value struct {
	KPI   string  `json:"kpi"`
	Value Decimal `json:"value"`
	Label string  `json:"label,omitempty"`
}

// KPIScore explains how one KPI contributed to the total score.
type KPIScore struct {
	KPI      string  `json:"kpi"`
	Value    Decimal `json:"value"`
	Label    string  `json:"label,omitempty"`
	Score    Decimal `json:"score"`
	Weight   Decimal `json:"weight"`
	Weighted Decimal `json:"weighted"`
}

// GateResult records one gate check. Min and Max point to copies of the
// gate's bounds, owned by the result.
type GateResult struct {
	KPI    string   `json:"kpi"`
	Value  Decimal  `json:"value"`
	Min    *Decimal `json:"min,omitempty"`
	Max    *Decimal `json:"max,omitempty"`
	Passed bool     `json:"passed"`
	Reason string   `json:"reason,omitempty"`
}

// ScoreResult is the outcome of a Scorecard: per-KPI scores, the total,
// the grade ("" if no grade is reached or none is defined) and the gates.
type ScoreResult struct {
	KPIs   []KPIScore   `json:"kpis"`
	Total  Decimal      `json:"total"`
	Grade  string       `json:"grade,omitempty"`
	Gates  []GateResult `json:"gates,omitempty"`
	Passed bool         `json:"passed"` // every gate passed
}

// Score scores one person's values. It validates s first; values may come
// in any order but must cover every KPI exactly once.
func (s *Scorecard) Score(values []Value) (ScoreResult, error) {
	if err := s.Validate(); err != nil {
		return ScoreResult{}, err
	}
	idx := make(map[string]int, len(s.KPIs))
	for i := range s.KPIs {
		idx[s.KPIs[i].ID] = i
	}
	return s.score(values, idx, nil, nil)
}

// score assumes a valid scorecard; idx maps KPI ids to positions.
func (s *Scorecard) score(values []Value, idx map[string]int, kbuf []KPIScore, gbuf []GateResult) (ScoreResult, error) {
	n := len(s.KPIs)
	if len(values) != n {
		return ScoreResult{}, fmt.Errorf("%w: %d values for %d KPIs of scorecard %q", ErrInput, len(values), n, s.Name)
	}
	if cap(kbuf) < n {
		kbuf = make([]KPIScore, n)
	}
	kbuf = kbuf[:n]
	if n > 64 {
		clear(kbuf)
	}
	seen := uint64(0)
	prec := s.precision()
	var total Decimal
	for j, v := range values {
		i := j
		if s.KPIs[j].ID != v.KPI { // values usually come in scorecard order
			var ok bool
			if i, ok = idx[v.KPI]; !ok {
				return ScoreResult{}, fmt.Errorf("%w: unknown KPI %q", ErrInput, v.KPI)
			}
		}
		if i < 64 {
			if seen&(1<<i) != 0 {
				return ScoreResult{}, fmt.Errorf("%w: KPI %q given twice", ErrInput, v.KPI)
			}
			seen |= 1 << i
		}
		k := &s.KPIs[i]
		sc, err := s.kpiScore(k, v, prec)
		if err != nil {
			return ScoreResult{}, err
		}
		w, err := k.Weight.Mul(sc)
		if err != nil {
			return ScoreResult{}, fmt.Errorf("incentive: kpi %q: %w", k.ID, err)
		}
		if total, err = total.Add(w); err != nil {
			return ScoreResult{}, fmt.Errorf("incentive: kpi %q: %w", k.ID, err)
		}
		kbuf[i] = KPIScore{KPI: k.ID, Value: v.Value, Label: v.Label, Score: sc, Weight: k.Weight, Weighted: w}
	}
	if n > 64 { // duplicates beyond the bitmap: check that every slot was filled
		for i := range kbuf {
			if kbuf[i].KPI == "" {
				return ScoreResult{}, fmt.Errorf("%w: KPI %q missing", ErrInput, s.KPIs[i].ID)
			}
		}
	}
	total, err := total.Round(prec, s.Rounding)
	if err != nil {
		return ScoreResult{}, err
	}
	res := ScoreResult{KPIs: kbuf, Total: total, Passed: true}
	for i := range s.Grades {
		if total.Cmp(s.Grades[i].MinScore) >= 0 {
			res.Grade = s.Grades[i].Name
			break
		}
	}
	if len(s.Gates) > 0 {
		res.Gates = gbuf[:0]
		// The result gets its own copies of the bounds (one allocation for
		// all gates), so writing through them cannot change the rules.
		bounds := make([]Decimal, 0, 2*len(s.Gates))
		own := func(d *Decimal) *Decimal {
			if d == nil {
				return nil
			}
			bounds = append(bounds, *d)
			return &bounds[len(bounds)-1]
		}
		for _, g := range s.Gates {
			ks := &kbuf[idx[g.KPI]]
			v := ks.Value
			if ks.Label != "" {
				v = ks.Score
			}
			ok := (g.Min == nil || v.Cmp(*g.Min) >= 0) && (g.Max == nil || v.Cmp(*g.Max) <= 0)
			res.Gates = append(res.Gates, GateResult{KPI: g.KPI, Value: v, Min: own(g.Min), Max: own(g.Max), Passed: ok, Reason: g.Reason})
			res.Passed = res.Passed && ok
		}
	}
	return res, nil
}

func (s *Scorecard) kpiScore(k *KPI, v Value, prec int) (Decimal, error) {
	if k.qualitative() {
		for _, l := range k.Levels {
			if l.Label == v.Label {
				return l.Score.Round(prec, s.Rounding)
			}
		}
		return Decimal{}, fmt.Errorf("%w: KPI %q has no level %q", ErrInput, k.ID, v.Label)
	}
	if v.Label != "" {
		return Decimal{}, fmt.Errorf("%w: KPI %q is quantitative, got label %q", ErrInput, k.ID, v.Label)
	}
	num, err := v.Value.Sub(k.Floor)
	if err != nil {
		return Decimal{}, fmt.Errorf("incentive: kpi %q: %w", k.ID, err)
	}
	den, _ := k.Target.Sub(k.Floor) // validated
	sc, err := num.Quo(den, prec, s.Rounding)
	if err != nil {
		return Decimal{}, fmt.Errorf("incentive: kpi %q: %w", k.ID, err)
	}
	if sc.Sign() < 0 {
		sc = Decimal{scale: uint8(prec)}
	}
	if sc.Cmp(k.Cap) > 0 {
		return k.Cap.Round(prec, s.Rounding)
	}
	return sc, nil
}
