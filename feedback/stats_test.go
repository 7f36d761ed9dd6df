package feedback

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWilsonKnownValues(t *testing.T) {
	tests := []struct {
		name      string
		hits, n   int64
		conf      float64
		low, high float64
	}{
		{"half of ten", 5, 10, 0.95, 0.2366, 0.7634},
		{"none of ten", 0, 10, 0.95, 0, 0.2775},
		{"all of ten", 10, 10, 0.95, 0.7225, 1},
		{"eighty of hundred", 80, 100, 0.95, 0.7112, 0.8666},
		{"empty", 0, 0, 0.95, 0, 0},
		{"hits clamped to n", 12, 10, 0.95, 0.7225, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, hi := Wilson(tt.hits, tt.n, tt.conf)
			assert.InDelta(t, tt.low, lo, 5e-4)
			assert.InDelta(t, tt.high, hi, 5e-4)
		})
	}
}

func TestZFor(t *testing.T) {
	assert.InDelta(t, 1.959964, zFor(0.95), 1e-6)
	assert.InDelta(t, 2.575829, zFor(0.99), 1e-6)
}

func TestNPSFigure(t *testing.T) {
	f := NPS(50, 20, 100, 0.95, 30)
	assert.Equal(t, MetricNPS, f.Metric)
	assert.InDelta(t, 30, f.Value, 1e-9)
	assert.InDelta(t, 100*math.Sqrt(0.0061), f.StdErr, 1e-9)
	assert.InDelta(t, 30-1.959964*f.StdErr, f.Lower, 1e-4)
	assert.InDelta(t, 30+1.959964*f.StdErr, f.Upper, 1e-4)
	assert.False(t, f.Insufficient)
	assert.EqualValues(t, 100, f.N)

	small := NPS(5, 1, 10, 0.95, 30)
	assert.True(t, small.Insufficient)
	assert.Contains(t, small.String(), "too few samples: 10 < 30")

	all := NPS(10, 0, 10, 0.95, 1)
	assert.Equal(t, 100.0, all.Value)
	assert.LessOrEqual(t, all.Upper, 100.0)

	empty := NPS(0, 0, 0, 0.95, 0)
	assert.True(t, empty.Insufficient)
	assert.Zero(t, empty.Value)
	_, err := json.Marshal(empty)
	require.NoError(t, err)
}

func TestMomentsMergeMatchesSequential(t *testing.T) {
	xs := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5}
	var all, a, b Moments
	for i, x := range xs {
		all.Add(x)
		if i < 4 {
			a.Add(x)
		} else {
			b.Add(x)
		}
	}
	var m Moments
	m.Merge(a)
	m.Merge(b)
	assert.Equal(t, all.N, m.N)
	assert.InDelta(t, all.Mean, m.Mean, 1e-12)
	assert.InDelta(t, all.M2, m.M2, 1e-9)
	// sample standard deviation of xs
	assert.InDelta(t, 2.3664, all.StdDev(), 1e-4) // sqrt(56/10)
	var one Moments
	one.Add(7)
	assert.Zero(t, one.StdDev())
}

func FuzzWilson(f *testing.F) {
	f.Add(int64(5), int64(10), 0.95)
	f.Add(int64(0), int64(1), 0.5)
	f.Add(int64(-3), int64(7), 0.999)
	f.Fuzz(func(t *testing.T, hits, n int64, conf float64) {
		if !(conf > 0 && conf < 1) {
			return
		}
		lo, hi := Wilson(hits, n, conf)
		if n <= 0 {
			require.Zero(t, lo)
			require.Zero(t, hi)
			return
		}
		require.False(t, math.IsNaN(lo) || math.IsNaN(hi))
		require.GreaterOrEqual(t, lo, 0.0)
		require.LessOrEqual(t, hi, 1.0)
		require.LessOrEqual(t, lo, hi)
		p := float64(min(max(hits, 0), n)) / float64(n)
		require.LessOrEqual(t, lo, p+1e-9)
		require.GreaterOrEqual(t, hi, p-1e-9)
	})
}

func TestConfidenceOutsideUnitIntervalHasNoInterval(t *testing.T) {
	for _, conf := range []float64{0, 1, 1.5, -0.2, math.NaN()} {
		lo, hi := Wilson(3, 10, conf)
		assert.True(t, math.IsNaN(lo) && math.IsNaN(hi), "Wilson at %v: [%v, %v]", conf, lo, hi)
		f := NPS(5, 2, 10, conf, 1)
		assert.True(t, math.IsNaN(f.Lower) && math.IsNaN(f.Upper), "NPS at %v: [%v, %v]", conf, f.Lower, f.Upper)
		assert.InDelta(t, 30, f.Value, 1e-9, "the score itself does not depend on the confidence")
	}
}
