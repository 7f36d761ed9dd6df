package emergency

import (
	"math"
	"sync"
)

// MaxCount is the largest window count the exact test accepts (10⁹). The
// tail sum needs a number of terms proportional to the standard deviation
// of the count, so a bound keeps every test well under a millisecond.
const MaxCount = 1_000_000_000

// Counts are the event counts of two windows of the same length: the
// current window and the baseline window before it ("this week" and "last
// week" for a week-over-week rule). The host aggregates its own events into
// windows; the board only compares them.
//
// Exposure optionally normalises the counts: with Exposure and
// BaselineExposure set (for example the number of orders in each window)
// the rule compares complaints per order instead of raw complaints. Leave
// both zero to compare raw counts of equally long windows.
type Counts struct {
	Current          int64   `json:"current"`
	Baseline         int64   `json:"baseline"`
	Exposure         float64 `json:"exposure,omitempty"`
	BaselineExposure float64 `json:"baseline_exposure,omitempty"`
}

// Validate reports whether c can be tested: counts in [0, MaxCount],
// exposures both zero or both positive and finite.
func (c Counts) Validate() error {
	switch {
	case c.Current < 0 || c.Baseline < 0:
		return inputErr("negative count (current %d, baseline %d)", c.Current, c.Baseline)
	case c.Current > MaxCount || c.Baseline > MaxCount:
		return inputErr("count above %d (current %d, baseline %d)", int64(MaxCount), c.Current, c.Baseline)
	case c.Exposure == 0 && c.BaselineExposure == 0:
		return nil
	case !(c.Exposure > 0) || !(c.BaselineExposure > 0) ||
		math.IsInf(c.Exposure, 0) || math.IsInf(c.BaselineExposure, 0):
		return inputErr("exposures must be both zero or both positive and finite (current %v, baseline %v)",
			c.Exposure, c.BaselineExposure)
	}
	return nil
}

// IncreaseResult is the outcome of ExactIncreaseTest.
type IncreaseResult struct {
	// Share is the probability, under the null hypothesis "no increase",
	// that one event of the pooled total falls in the current window: the
	// current window's share of the exposure, or 0.5 without exposure.
	Share float64 `json:"share"`
	// RelativeChange is rate/baselineRate - 1 (0.30 means up 30 %). It is
	// 0 when the baseline count is zero (the change is unbounded).
	RelativeChange float64 `json:"relative_change"`
	// PValue is P(X >= Current) for X ~ Binomial(Current+Baseline, Share):
	// the exact one-sided p-value of "no increase". Always in [0, 1].
	PValue float64 `json:"p_value"`
}

// ExactIncreaseTest tests whether the current window's event rate is higher
// than the baseline window's.
//
// The test is the exact conditional test for two Poisson counts: given the
// total n = Current + Baseline, under "equal rates" the current count is
// Binomial(n, s) where s is the current window's share of the exposure (0.5
// for equal windows). The p-value is the upper tail P(X >= Current). This
// is the uniformly most powerful unbiased test for comparing two Poisson
// rates; unlike a one-sample Poisson test it accounts for the noise in the
// baseline count, so a small baseline does not make a small rise look
// significant (3 -> 4 gives p = 0.5; 100 -> 130 gives p ≈ 0.03).
func ExactIncreaseTest(c Counts) (IncreaseResult, error) {
	if err := c.Validate(); err != nil {
		return IncreaseResult{}, err
	}
	r := increaseStats(c)
	r.PValue = binomialUpperTail(c.Current, c.Current+c.Baseline, r.Share)
	return r, nil
}

// increaseStats fills Share and RelativeChange of valid counts, leaving the
// p-value to the caller.
func increaseStats(c Counts) IncreaseResult {
	var r IncreaseResult
	r.Share = 0.5
	ratio := 1.0 // exposure ratio current/baseline
	if c.Exposure > 0 {
		r.Share = c.Exposure / (c.Exposure + c.BaselineExposure)
		ratio = c.Exposure / c.BaselineExposure
	}
	if c.Baseline > 0 {
		r.RelativeChange = float64(c.Current)/(float64(c.Baseline)*ratio) - 1
		if math.IsInf(r.RelativeChange, 0) || math.IsNaN(r.RelativeChange) {
			r.RelativeChange = 0
		}
	}
	return r
}

// BinomialUpperTail returns P(X >= k) for X ~ Binomial(n, p), computed
// exactly (to floating-point accuracy) in log space, so counts in the
// millions neither overflow nor underflow to NaN. It requires
// 0 <= n <= 2*MaxCount and p in [0, 1]; k outside [0, n] gives 1 or 0.
func BinomialUpperTail(k, n int64, p float64) (float64, error) {
	if n < 0 || n > 2*MaxCount {
		return 0, inputErr("binomial n %d outside [0, %d]", n, int64(2*MaxCount))
	}
	if !(p >= 0 && p <= 1) {
		return 0, inputErr("binomial p %v outside [0, 1]", p)
	}
	return binomialUpperTail(k, n, p), nil
}

func binomialUpperTail(k, n int64, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	q := 1 - p
	pq := p / q
	mode := int64(math.Floor(float64(n+1) * p))
	if k > mode {
		// Terms decrease from k upward: sum them relative to the first.
		s, t := 1.0, 1.0
		for i := k; i < n; i++ {
			t *= float64(n-i) / float64(i+1) * pq
			s += t
			if t <= s*1e-17 {
				break
			}
		}
		return clamp01(math.Exp(logBinomTerm(k, n, p) + math.Log(s)))
	}
	// k <= mode: the upper tail is at least about one half; compute the lower
	// tail P(X <= k-1), whose terms decrease from k-1 downward.
	qp := q / p
	s, t := 1.0, 1.0
	for i := k - 1; i > 0; i-- {
		t *= float64(i) / float64(n-i+1) * qp
		s += t
		if t <= s*1e-17 {
			break
		}
	}
	return clamp01(1 - math.Exp(logBinomTerm(k-1, n, p)+math.Log(s)))
}

// logFactTable holds log(i!) for i < 4096, the common case of window
// counts; it is built on first use.
var logFactTable = sync.OnceValue(func() []float64 {
	t := make([]float64, 4096)
	for i := range t {
		t[i], _ = math.Lgamma(float64(i + 1))
	}
	return t
})

// logFact returns log(n!) for n >= 0.
func logFact(n int64) float64 {
	if t := logFactTable(); n < int64(len(t)) {
		return t[n]
	}
	v, _ := math.Lgamma(float64(n + 1))
	return v
}

// logBinomTerm returns log(C(n,k) p^k (1-p)^(n-k)) for 0 < p < 1.
func logBinomTerm(k, n int64, p float64) float64 {
	return logFact(n) - logFact(k) - logFact(n-k) + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p)
}

func clamp01(x float64) float64 {
	switch {
	case x > 1:
		return 1
	case x >= 0:
		return x
	}
	return 0 // negative or NaN
}
