package feedback

import (
	"fmt"
	"math"
)

// Unit says how a Figure's Value, Lower and Upper are expressed.
type Unit string

// Units of Figure values.
const (
	UnitPercent Unit = "percent"  // 0–100
	UnitPoints  Unit = "points"   // NPS, −100…+100
	UnitScore   Unit = "score"    // a mean on the survey's own scale (CES)
	UnitSeconds Unit = "seconds"  // mean durations
	UnitPer1000 Unit = "per_1000" // complaints per 1,000 orders
)

// Figure is one metric value with its uncertainty and sample size. It is a
// plain value: print it with String or serialise it as JSON.
//
// For proportions Hits is the numerator and N the denominator, and
// [Lower, Upper] is the Wilson score interval. For NPS the interval is
// NPS ± z·StdErr (clipped to ±100). For means it is mean ± z·s/√N with s the
// sample standard deviation (a normal approximation). When N is below the
// configured minimum, Insufficient is true: the value is reported but must
// not be acted on. With N = 0 every number is 0 (JSON has no NaN).
type Figure struct {
	Metric       Metric  `json:"metric"`
	Unit         Unit    `json:"unit"`
	Value        float64 `json:"value"`
	StdErr       float64 `json:"std_err"`
	Lower        float64 `json:"lower"`
	Upper        float64 `json:"upper"`
	Confidence   float64 `json:"confidence"`
	Hits         int64   `json:"hits,omitempty"`
	N            int64   `json:"n"`
	MinN         int64   `json:"min_n"`
	Insufficient bool    `json:"insufficient,omitempty"`
}

// String formats the figure for a report line, e.g.
// "csat 82.5% [78.1, 86.2] n=400" or, on too few samples,
// "csat 80.0% [49.0, 94.3] n=10 (too few samples: 10 < 30)".
func (f Figure) String() string {
	suffix := ""
	switch f.Unit {
	case UnitPercent:
		suffix = "%"
	case UnitSeconds:
		suffix = "s"
	case UnitPer1000:
		suffix = "‰"
	}
	s := fmt.Sprintf("%s %.1f%s [%.1f, %.1f] n=%d", f.Metric, f.Value, suffix, f.Lower, f.Upper, f.N)
	if f.Insufficient {
		s += fmt.Sprintf(" (too few samples: %d < %d)", f.N, f.MinN)
	}
	return s
}

// zFor returns the two-sided standard normal quantile for a confidence
// level in (0, 1), e.g. 1.959964 for 0.95.
func zFor(confidence float64) float64 {
	return math.Sqrt2 * math.Erfinv(confidence)
}

// Wilson returns the Wilson score interval for hits successes out of n
// trials at the given two-sided confidence level (e.g. 0.95), as fractions in
// [0, 1]. It returns (0, 0) when n <= 0, and clamps hits to [0, n]. A
// confidence level outside (0, 1) has no interval: both bounds are NaN.
func Wilson(hits, n int64, confidence float64) (lower, upper float64) {
	if !validConfidence(confidence) {
		return math.NaN(), math.NaN()
	}
	if n <= 0 {
		return 0, 0
	}
	hits = min(max(hits, 0), n)
	z := zFor(confidence)
	nf := float64(n)
	p := float64(hits) / nf
	z2 := z * z
	denom := 1 + z2/nf
	centre := (p + z2/(2*nf)) / denom
	half := z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / denom
	lower, upper = max(centre-half, 0), min(centre+half, 1)
	// Exact ends: with no hits the lower bound is 0, with all hits the upper is 1.
	if hits == 0 {
		lower = 0
	}
	if hits == n {
		upper = 1
	}
	return lower, upper
}

// proportionFigure builds a Figure for hits/n scaled by scale (100 for
// percent, 1000 for per-thousand).
func proportionFigure(m Metric, unit Unit, hits, n int64, scale float64, s settings) Figure {
	f := Figure{Metric: m, Unit: unit, Confidence: s.confidence, Hits: hits, N: n, MinN: s.minN}
	f.Insufficient = n < s.minN || n == 0
	if n <= 0 {
		return f
	}
	p := float64(hits) / float64(n)
	lo, hi := Wilson(hits, n, s.confidence)
	f.Value = p * scale
	pc := min(p, 1)
	f.StdErr = math.Sqrt(pc*(1-pc)/float64(n)) * scale
	f.Lower, f.Upper = lo*scale, hi*scale
	return f
}

// Moments accumulates count, mean and the sum of squared deviations of a
// stream of values (Welford's method), so a mean and its standard error come
// out without keeping the values. Two Moments merge exactly (Chan et al.).
// The zero value is empty and ready to use.
type Moments struct {
	N    int64   `json:"n"`
	Mean float64 `json:"mean"`
	M2   float64 `json:"m2"`
}

// Add records one value.
func (m *Moments) Add(x float64) {
	m.N++
	d := x - m.Mean
	m.Mean += d / float64(m.N)
	m.M2 += d * (x - m.Mean)
}

// Merge adds all values recorded in o.
func (m *Moments) Merge(o Moments) {
	if o.N == 0 {
		return
	}
	if m.N == 0 {
		*m = o
		return
	}
	n := m.N + o.N
	d := o.Mean - m.Mean
	m.M2 += o.M2 + d*d*float64(m.N)*float64(o.N)/float64(n)
	m.Mean += d * float64(o.N) / float64(n)
	m.N = n
}

// StdDev returns the sample standard deviation (n−1 denominator), 0 when
// N < 2.
func (m Moments) StdDev() float64 {
	if m.N < 2 {
		return 0
	}
	return math.Sqrt(max(m.M2, 0) / float64(m.N-1))
}

func meanFigure(metric Metric, unit Unit, m Moments, s settings) Figure {
	f := Figure{Metric: metric, Unit: unit, Confidence: s.confidence, N: m.N, MinN: s.minN}
	f.Insufficient = m.N < s.minN || m.N == 0
	if m.N == 0 {
		return f
	}
	f.Value = m.Mean
	f.StdErr = m.StdDev() / math.Sqrt(float64(m.N))
	z := zFor(s.confidence)
	f.Lower, f.Upper = m.Mean-z*f.StdErr, m.Mean+z*f.StdErr
	return f
}

// NPS returns the Net Promoter Score for the given counts: 100 × (promoters
// − detractors) / n, where promoters scored 9–10 and detractors 0–6 on the
// 0–10 scale and n counts every response (passives 7–8 included).
//
// The standard error is 100 × √((p + d − (p − d)²) / n) with p and d the
// promoter and detractor shares (the variance of a score taking the values
// +1, 0, −1); the interval is NPS ± z·SE, clipped to [−100, +100]. This
// normal approximation is poor on small samples and when nearly everyone is
// a promoter or a detractor, which is one more reason to respect
// Figure.Insufficient. minN is the minimum sample size (0 means 1). A
// confidence level outside (0, 1) has no interval: Lower and Upper are NaN
// (and the figure does not marshal to JSON).
func NPS(promoters, detractors, n int64, confidence float64, minN int64) Figure {
	f := npsFigure(promoters, detractors, n, settings{confidence: confidence, minN: max(minN, 1)})
	if !validConfidence(confidence) {
		f.Lower, f.Upper = math.NaN(), math.NaN()
	}
	return f
}

// validConfidence reports whether c is a two-sided confidence level, in
// (0, 1).
func validConfidence(c float64) bool { return c > 0 && c < 1 }

func npsFigure(promoters, detractors, n int64, s settings) Figure {
	f := Figure{Metric: MetricNPS, Unit: UnitPoints, Confidence: s.confidence, N: n, MinN: s.minN}
	f.Insufficient = n < s.minN || n == 0
	if n <= 0 {
		return f
	}
	nf := float64(n)
	p, d := float64(promoters)/nf, float64(detractors)/nf
	v := p - d
	variance := max((p+d-v*v)/nf, 0)
	f.Value = 100 * v
	f.StdErr = 100 * math.Sqrt(variance)
	z := zFor(s.confidence)
	f.Lower = max(f.Value-z*f.StdErr, -100)
	f.Upper = min(f.Value+z*f.StdErr, 100)
	return f
}
