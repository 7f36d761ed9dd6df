package emergency

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exactUpperTail computes P(X >= k), X ~ Binomial(n, num/den), with
// rational arithmetic.
func exactUpperTail(k, n int64, num, den int64) float64 {
	p := big.NewRat(num, den)
	q := new(big.Rat).Sub(big.NewRat(1, 1), p)
	sum := new(big.Rat)
	for i := k; i <= n; i++ {
		c := new(big.Int).Binomial(n, i)
		term := new(big.Rat).SetInt(c)
		term.Mul(term, new(big.Rat).SetFrac(new(big.Int).Exp(p.Num(), big.NewInt(i), nil), new(big.Int).Exp(p.Denom(), big.NewInt(i), nil)))
		term.Mul(term, new(big.Rat).SetFrac(new(big.Int).Exp(q.Num(), big.NewInt(n-i), nil), new(big.Int).Exp(q.Denom(), big.NewInt(n-i), nil)))
		sum.Add(sum, term)
	}
	f, _ := sum.Float64()
	return f
}

func TestBinomialUpperTailExact(t *testing.T) {
	for _, pr := range [][2]int64{{1, 2}, {1, 10}, {3, 4}, {13, 23}} {
		for _, n := range []int64{1, 2, 7, 30, 90} {
			for k := int64(0); k <= n+1; k++ {
				want := exactUpperTail(k, n, pr[0], pr[1])
				got, err := BinomialUpperTail(k, n, float64(pr[0])/float64(pr[1]))
				require.NoError(t, err)
				tol := 1e-12 + 1e-9*want
				require.InDelta(t, want, got, tol, "k=%d n=%d p=%d/%d", k, n, pr[0], pr[1])
			}
		}
	}
}

func TestBinomialUpperTailLargeCounts(t *testing.T) {
	// Thousands and millions of events: no overflow, sensible values.
	for _, n := range []int64{2000, 20000, 2_000_000} {
		half := n / 2
		p, err := BinomialUpperTail(half, n, 0.5)
		require.NoError(t, err)
		assert.InDelta(t, 0.5, p, 0.02, "n=%d", n)
		hi, err := BinomialUpperTail(half+half/5, n, 0.5)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, hi, 0.0)
		assert.Less(t, hi, 1e-10)
	}
	// A normal approximation check at n = 20,000, 2 sd above the mean.
	p, err := BinomialUpperTail(10142, 20000, 0.5)
	require.NoError(t, err)
	assert.InDelta(t, 0.0228, p, 0.002)

	_, err = BinomialUpperTail(1, -1, 0.5)
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = BinomialUpperTail(1, 10, math.NaN())
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = BinomialUpperTail(1, 10, 1.5)
	assert.ErrorIs(t, err, ErrInvalidInput)
}

func TestExactIncreaseTest(t *testing.T) {
	tests := []struct {
		name   string
		c      Counts
		p      float64 // expected p-value
		change float64
		share  float64
	}{
		{"3 to 4", Counts{Current: 4, Baseline: 3}, 0.5, 1.0 / 3, 0.5},
		{"100 to 130", Counts{Current: 130, Baseline: 100}, exactUpperTail(130, 230, 1, 2), 0.3, 0.5},
		{"nothing", Counts{}, 1, 0, 0.5},
		{"from zero", Counts{Current: 5}, 1.0 / 32, 0, 0.5},
		{"exposure", Counts{Current: 30, Baseline: 10, Exposure: 300, BaselineExposure: 100},
			exactUpperTail(30, 40, 3, 4), 0, 0.75},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ExactIncreaseTest(tc.c)
			require.NoError(t, err)
			assert.InDelta(t, tc.p, r.PValue, 1e-12)
			assert.InDelta(t, tc.change, r.RelativeChange, 1e-12)
			assert.InDelta(t, tc.share, r.Share, 1e-15)
		})
	}
	for _, bad := range []Counts{
		{Current: -1}, {Baseline: -2}, {Current: MaxCount + 1},
		{Current: 1, Exposure: 1}, {Current: 1, Exposure: -1, BaselineExposure: 1},
		{Exposure: math.Inf(1), BaselineExposure: 1}, {Exposure: math.NaN(), BaselineExposure: 1},
	} {
		_, err := ExactIncreaseTest(bad)
		assert.ErrorIs(t, err, ErrInvalidInput, "%+v", bad)
	}
}

func FuzzBinomialUpperTail(f *testing.F) {
	f.Add(int64(130), int64(230), 0.5)
	f.Add(int64(0), int64(0), 0.0)
	f.Add(int64(5000), int64(9000), 0.999)
	f.Add(int64(1), int64(2_000_000_000), 1e-300)
	f.Fuzz(func(t *testing.T, k, n int64, p float64) {
		v, err := BinomialUpperTail(k, n, p)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidInput)
			return
		}
		require.False(t, math.IsNaN(v))
		require.GreaterOrEqual(t, v, 0.0)
		require.LessOrEqual(t, v, 1.0)
		if k > 0 && k <= n && n < 1_000_000 {
			// The tail does not grow with k.
			w, err := BinomialUpperTail(k+1, n, p)
			require.NoError(t, err)
			require.LessOrEqual(t, w, v+1e-9)
		}
	})
}

func FuzzExactIncreaseTest(f *testing.F) {
	f.Add(int64(4), int64(3), 0.0, 0.0)
	f.Add(int64(130), int64(100), 1000.0, 1000.0)
	f.Add(int64(MaxCount), int64(MaxCount), 1e-300, 1e300)
	f.Fuzz(func(t *testing.T, cur, base int64, e1, e0 float64) {
		r, err := ExactIncreaseTest(Counts{Current: cur, Baseline: base, Exposure: e1, BaselineExposure: e0})
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidInput)
			return
		}
		require.False(t, math.IsNaN(r.PValue) || math.IsNaN(r.RelativeChange) || math.IsNaN(r.Share))
		require.False(t, math.IsInf(r.RelativeChange, 0))
		require.GreaterOrEqual(t, r.PValue, 0.0)
		require.LessOrEqual(t, r.PValue, 1.0)
		require.GreaterOrEqual(t, r.Share, 0.0)
		require.LessOrEqual(t, r.Share, 1.0)
	})
}
