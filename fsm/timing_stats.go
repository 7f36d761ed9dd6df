package fsm

import (
	"math"
	"math/bits"
	"slices"
	"time"
)

// sum128 is a sum of non-negative durations that cannot overflow: the
// stays of a hundred thousand machines easily add up to more than the 292
// years an int64 of nanoseconds holds.
type sum128 struct{ hi, lo uint64 }

func (s *sum128) add(d time.Duration) {
	var c uint64
	s.lo, c = bits.Add64(s.lo, uint64(d), 0)
	s.hi += c
}

func (s sum128) plus(o sum128) sum128 {
	lo, c := bits.Add64(s.lo, o.lo, 0)
	return sum128{hi: s.hi + o.hi + c, lo: lo}
}

func (s sum128) float() float64 { return float64(s.hi)*math.Exp2(64) + float64(s.lo) }

// mean returns s/n for the sum s of n durations, each below 2^63, so the
// quotient fits and s.hi < n.
func (s sum128) mean(n int) time.Duration {
	q, _ := bits.Div64(s.hi, s.lo, uint64(n))
	return time.Duration(q)
}

// share returns part/whole, 0 for an empty whole.
func share(part, whole sum128) float64 {
	if whole == (sum128{}) {
		return 0
	}
	return part.float() / whole.float()
}

// rankIndex returns the index, in ascending order, of the nearest-rank
// p-th percentile of n values: ceil(p*n/100) - 1.
func rankIndex(p, n int) int {
	return max((p*n+99)/100-1, 0)
}

// summarise fills the count, mean, percentiles, maximum and threshold
// figures of st from the stays d (reordered in place) and returns their
// sum. It costs O(len(d)) on average (quickselect).
func summarise(st *TimeStats, d []time.Duration, slowFrom time.Duration) sum128 {
	var sum sum128
	st.Count = len(d)
	st.SlowFrom = Duration(slowFrom)
	if len(d) == 0 {
		return sum
	}
	var mx time.Duration
	for _, v := range d {
		sum.add(v)
		mx = max(mx, v)
		if slowFrom > 0 && v >= slowFrom {
			st.Over++
		}
	}
	i50, i90 := rankIndex(50, len(d)), rankIndex(90, len(d))
	p50 := selectKth(d, i50)
	// After the selection every value right of i50 is at least p50.
	p90 := p50
	if i90 > i50 {
		p90 = selectKth(d[i50+1:], i90-i50-1)
	}
	st.Mean, st.P50, st.P90, st.Max = Duration(sum.mean(len(d))), Duration(p50), Duration(p90), Duration(mx)
	st.Slow = slowFrom > 0 && p90 >= slowFrom
	return sum
}

// selectKth reorders a so that a[k] is the value it would have if a were
// sorted, with no larger value left of it and no smaller one right of it,
// and returns a[k]. It is a quickselect with a three-way partition
// (durations repeat often) around a median of three; after 2*log2(n)
// rounds without converging it sorts what is left, so the worst case is
// O(n log n) and the average O(n).
func selectKth(a []time.Duration, k int) time.Duration {
	lo, hi := 0, len(a)
	for budget := 2 * bits.Len(uint(len(a))); hi-lo > 16; budget-- {
		if budget == 0 {
			slices.Sort(a[lo:hi])
			return a[k]
		}
		p := median3(a[lo], a[lo+(hi-lo)/2], a[hi-1])
		// a[lo:lt] < p, a[lt:i] == p, a[gt:hi] > p.
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := a[i]; {
			case v < p:
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case v > p:
				gt--
				a[gt], a[i] = a[i], a[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return p
		}
	}
	slices.Sort(a[lo:hi])
	return a[k]
}

func median3(a, b, c time.Duration) time.Duration {
	if a > b {
		a, b = b, a
	}
	if b > c {
		b = c
	}
	return max(a, b)
}
