package workforce

import (
	"errors"
	"math"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// solveTraffic returns the traffic A at which f(agents, A) equals p, by
// bisection (f increases with A).
func solveTraffic(t *testing.T, f func(int, float64) (float64, error), agents int, p float64) float64 {
	t.Helper()
	lo, hi := 0.0, float64(agents)
	for range 200 {
		mid := (lo + hi) / 2
		v, err := f(agents, mid)
		require.NoError(t, err)
		if v < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// Published tables and worked examples.
//
// Erlang C: J. Dunlop, D. Girma, J. Irvine, "Digital Mobile Communications
// and the TETRA System", Wiley 1999, Appendix A.4 "Erlang C table (for
// blocked-calls-queued)", p. 424: 8 channels at a 5 % probability of queueing
// carry 3.87 Erlangs; 10 channels at 1 % carry 4.08 Erlangs; the share of
// queued calls waiting longer than the mean holding time is 0.016 with 8
// channels and 0.0022 with 10 (both at 3.87 Erlangs).
func TestErlangCPublishedTable(t *testing.T) {
	for _, tc := range []struct {
		agents  int
		p, want float64
	}{
		{8, 0.05, 3.87},
		{10, 0.01, 4.08},
	} {
		a := solveTraffic(t, ErlangC, tc.agents, tc.p)
		assert.InDelta(t, tc.want, math.Round(a*100)/100, 1e-9, "N=%d P=%v: A=%v", tc.agents, tc.p, a)
	}
	// P(W > T | W > 0) = exp(-(N-A) T/h); with T = h.
	assert.InDelta(t, 0.016, math.Exp(-(8 - 3.87)), 0.0005)
	assert.InDelta(t, 0.0022, math.Exp(-(10 - 3.87)), 0.00005)
	// The same through Evaluate: SL(T) = 1 - C exp(-(N-A)T/h).
	l := Load{Contacts: 387, Interval: sla.Duration(100 * time.Minute), HandleTime: sla.Duration(time.Minute)}
	p, err := Evaluate(8, l, time.Minute)
	require.NoError(t, err)
	require.InDelta(t, 3.87, p.Erlangs, 1e-12)
	assert.InDelta(t, p.ProbWait*0.016, 1-p.ServiceLevel, 0.0005*p.ProbWait)
}

// Erlang B: the Westbay Engineers traffic calculator manual (erlang.com,
// "How much traffic can a trunk group handle?" and the trunk-engineering
// forum reply): 15 lines at 1 % blocking carry 8.108 Erlangs; 33.333
// Erlangs at 1 % blocking need 45 lines.
func TestErlangBPublished(t *testing.T) {
	a := solveTraffic(t, ErlangB, 15, 0.01)
	assert.InDelta(t, 8.108, math.Round(a*1000)/1000, 1e-9)
	b45, err := ErlangB(45, 33.333)
	require.NoError(t, err)
	b44, err := ErlangB(44, 33.333)
	require.NoError(t, err)
	assert.LessOrEqual(t, b45, 0.01)
	assert.Greater(t, b44, 0.01)
}

// Erlang C calculator example (V. R., "Erlang C calculator",
// personal.telefonica.terra.es/web/vr/erlang/eng/mcerlc.htm): 600 calls an
// hour of 120 s are 20 Erlangs; a 15 % delay probability needs 26 agents,
// whose average delay is about 3 s a call; 30 agents cut the delay
// probability to 2.5 %, and 30 agents at 15 % carry 23.6 Erlangs.
func TestErlangCCalculatorExample(t *testing.T) {
	l := Load{Contacts: 600, Interval: sla.Duration(time.Hour), HandleTime: sla.Duration(120 * time.Second)}
	require.InDelta(t, 20, l.Erlangs(), 1e-12)
	p25, err := Evaluate(25, l, 0)
	require.NoError(t, err)
	p26, err := Evaluate(26, l, 0)
	require.NoError(t, err)
	assert.Greater(t, p25.ProbWait, 0.15)
	assert.LessOrEqual(t, p26.ProbWait, 0.15)
	assert.InDelta(t, 3, p26.ASA.D().Seconds(), 0.5)
	p30, err := Evaluate(30, l, 0)
	require.NoError(t, err)
	assert.InDelta(t, 0.025, p30.ProbWait, 0.0005)
	a := solveTraffic(t, ErlangC, 30, 0.15)
	assert.InDelta(t, 23.6, math.Floor(a*10)/10, 1e-9)
}

// bigErlangC evaluates the closed form
//
//	C(N, A) = (A^N/N! * N/(N-A)) / (sum_{k<N} A^k/k! + A^N/N! * N/(N-A))
//
// with 512-bit floats, whose exponent range makes A^N/N! representable
// for every N tested.
func bigErlangC(n int, a float64) float64 {
	const prec = 512
	nf := func(x float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(x) }
	A := nf(a)
	term, sum := nf(1), nf(0)
	for k := 0; k < n; k++ {
		sum.Add(sum, term)
		term.Mul(term, A)
		term.Quo(term, nf(float64(k+1)))
	}
	tail := new(big.Float).SetPrec(prec).Mul(term, nf(float64(n)))
	tail.Quo(tail, nf(float64(n)-a))
	den := new(big.Float).SetPrec(prec).Add(sum, tail)
	c, _ := new(big.Float).SetPrec(prec).Quo(tail, den).Float64()
	return c
}

func TestErlangCMatchesClosedFormInHighPrecision(t *testing.T) {
	for _, tc := range []struct {
		n int
		a float64
	}{
		{1, 0.5}, {2, 1.5}, {11, 10}, {14, 10}, {55, 48}, {100, 91.3}, {250, 240},
		{500, 470.5}, {1000, 985}, {1500, 1400}, {2000, 1950}, {2000, 1999.5}, {2000, 1000}, {2000, 10},
	} {
		got, err := ErlangC(tc.n, tc.a)
		require.NoError(t, err)
		want := bigErlangC(tc.n, tc.a)
		if want < 1e-300 {
			assert.Less(t, got, 1e-290, "N=%d A=%v", tc.n, tc.a)
			continue
		}
		assert.InEpsilon(t, want, got, 1e-11, "N=%d A=%v", tc.n, tc.a)
	}
}

func TestErlangCMonotone(t *testing.T) {
	l := Load{Contacts: 1950 * 6, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(5 * time.Minute)}
	prev, err := Evaluate(1951, l, 20*time.Second)
	require.NoError(t, err)
	for n := 1952; n <= 2100; n++ {
		p, err := Evaluate(n, l, 20*time.Second)
		require.NoError(t, err)
		assert.LessOrEqual(t, p.ProbWait, prev.ProbWait)
		assert.GreaterOrEqual(t, p.ServiceLevel, prev.ServiceLevel)
		assert.LessOrEqual(t, p.ASA, prev.ASA)
		assert.Less(t, p.Occupancy, prev.Occupancy)
		prev = p
	}
}

func TestEvaluateEdgeCases(t *testing.T) {
	l := Load{Contacts: 100, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(180 * time.Second)}
	p, err := Evaluate(10, l, 20*time.Second) // A = 10: unstable
	require.NoError(t, err)
	assert.False(t, p.Stable)
	assert.Equal(t, 1.0, p.ProbWait)
	assert.Equal(t, 0.0, p.ServiceLevel)
	assert.Equal(t, 1.0, p.Occupancy)

	p, err = Evaluate(0, Load{Interval: l.Interval, HandleTime: l.HandleTime}, 0)
	require.NoError(t, err)
	assert.True(t, p.Stable)
	assert.Equal(t, 1.0, p.ServiceLevel)

	p, err = Evaluate(11, l, 20*time.Second)
	require.NoError(t, err)
	assert.InDelta(t, 0.6821, p.ProbWait, 0.00005)
	assert.InDelta(t, 1-0.6821*math.Exp(-20.0/180), p.ServiceLevel, 0.0001)
	assert.InDelta(t, 0.6821*180, p.ASA.D().Seconds(), 0.01)

	_, err = Evaluate(-1, Load{Contacts: math.NaN()}, -time.Second)
	require.ErrorIs(t, err, ErrInvalidInput)
	require.ErrorIs(t, err, ErrInvalid)
	for _, path := range []string{"load.contacts", "load.interval", "load.handle_time"} {
		assert.Contains(t, err.Error(), path)
	}
	_, err = ErlangB(5, math.Inf(1))
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = ErlangC(MaxAgents+1, 1)
	require.ErrorIs(t, err, ErrInvalidInput)
	b, err := ErlangB(0, 3)
	require.NoError(t, err)
	assert.Equal(t, 1.0, b)
	c, err := ErlangC(3, 0)
	require.NoError(t, err)
	assert.Equal(t, 0.0, c)
}

func TestFewestAgents(t *testing.T) {
	// 100 contacts in 30 minutes at 180 s: 10 Erlangs. 13 agents answer
	// 79.6 % within 20 s, 14 agents 88.8 %.
	l := Load{Contacts: 100, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(180 * time.Second)}
	s, err := FewestAgents(l, Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second), Shrinkage: 0.3})
	require.NoError(t, err)
	assert.Equal(t, 14, s.Agents)
	assert.Equal(t, 20, s.Required) // ceil(14/0.7)
	assert.InDelta(t, 0.888, s.Performance.ServiceLevel, 0.001)

	for _, tc := range []struct {
		name   string
		target Target
		agents int
		req    int
	}{
		{"stable only", Target{}, 11, 11},
		{"asa 10s", Target{MaxASA: sla.Duration(10 * time.Second)}, 14, 14},
		{"occupancy 85%", Target{MaxOccupancy: 0.85}, 12, 12},
		{"occupancy exactly met", Target{MaxOccupancy: 0.8}, 13, 13},
		{"reserve and shrinkage", Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second), Reserve: 0.1, Shrinkage: 0.2}, 14, 20},
		{"exact ceiling", Target{MaxOccupancy: 0.8, Shrinkage: 0.2}, 13, 17},
		{"min agents", Target{MinAgents: 30}, 11, 30},
		{"answer at once", Target{ServiceLevel: 0.9}, 16, 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := FewestAgents(l, tc.target)
			require.NoError(t, err)
			assert.Equal(t, tc.agents, s.Agents)
			assert.Equal(t, tc.req, s.Required)
		})
	}
	// 8 agents with 20 % shrinkage are 10 heads, not 11.
	assert.Equal(t, 10, Target{Shrinkage: 0.2}.headcount(8))

	s, err = FewestAgents(Load{Interval: l.Interval, HandleTime: l.HandleTime}, Target{MinAgents: 2})
	require.NoError(t, err)
	assert.Equal(t, 0, s.Agents)
	assert.Equal(t, 2, s.Required)
}

func TestFewestAgentsLarge(t *testing.T) {
	// Up to 2,000 agents: the answer meets the target and one agent fewer
	// does not.
	target := Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second)}
	for _, a := range []float64{0.01, 3.3, 97.5, 480, 1234.5, 1900, 1970} {
		l := Load{Contacts: a * 6, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(5 * time.Minute)}
		s, err := FewestAgents(l, target)
		require.NoError(t, err)
		require.InDelta(t, a, s.Performance.Erlangs, 1e-9)
		assert.GreaterOrEqual(t, s.Performance.ServiceLevel, 0.8)
		assert.LessOrEqual(t, s.Agents, 2000)
		if s.Agents-1 > int(a) {
			p, err := Evaluate(s.Agents-1, l, 20*time.Second)
			require.NoError(t, err)
			assert.Less(t, p.ServiceLevel, 0.8, "A=%v N=%d", a, s.Agents)
		}
	}
}

func TestFewestAgentsErrors(t *testing.T) {
	_, err := FewestAgents(Load{}, Target{ServiceLevel: 1, Shrinkage: -0.1, MaxOccupancy: 2, Reserve: math.NaN(), MinAgents: -1, MaxASA: -1, AnswerWithin: -1})
	require.ErrorIs(t, err, ErrInvalid)
	for _, path := range []string{"load.interval", "load.handle_time", "target.service_level", "target.shrinkage",
		"target.max_occupancy", "target.reserve", "target.min_agents", "target.max_asa", "target.answer_within"} {
		assert.Contains(t, err.Error(), path)
	}
	var fe *FieldError
	require.True(t, errors.As(err, &fe))

	huge := Load{Contacts: 99_999 * 2, Interval: sla.Duration(time.Hour), HandleTime: sla.Duration(30 * time.Minute)}
	_, err = FewestAgents(huge, Target{ServiceLevel: 0.99, AnswerWithin: sla.Duration(time.Second)})
	require.ErrorIs(t, err, ErrUnreachable)
	_, err = FewestAgents(Load{Contacts: 1e6, Interval: sla.Duration(time.Hour), HandleTime: sla.Duration(time.Hour)}, Target{})
	require.ErrorIs(t, err, ErrInvalid)
}

// directErlangA solves the M/M/N+M chain by plain summation, for small
// parameters only.
func directErlangA(n int, a, r float64) (pw, pab float64) {
	w := []float64{1}
	for j := 1; j < 4000; j++ {
		var death float64
		if j <= n {
			death = float64(j)
		} else {
			death = float64(n) + float64(j-n)*r
		}
		w = append(w, w[j-1]*a/death)
	}
	var z, wait, queue float64
	for j, x := range w {
		z += x
		if j >= n {
			wait += x
			queue += float64(j-n) * x
		}
	}
	return wait / z, r * queue / z / a
}

func TestErlangA(t *testing.T) {
	for _, tc := range []struct {
		n    int
		a, r float64
	}{{10, 9, 0.5}, {5, 7, 1}, {20, 15, 0.1}, {0, 2, 1}, {3, 0.5, 2}, {30, 40, 0.25}} {
		h := 200 * time.Second
		l := Load{Contacts: tc.a * 18, Interval: sla.Duration(time.Hour), HandleTime: sla.Duration(h)}
		patience := time.Duration(float64(h) / tc.r)
		p, err := ErlangA(tc.n, l, patience)
		require.NoError(t, err)
		pw, pab := directErlangA(tc.n, tc.a, tc.r)
		assert.InDelta(t, pw, p.ProbWait, 1e-9, "%+v", tc)
		assert.InDelta(t, pab, p.ProbAbandon, 1e-9, "%+v", tc)
	}
	// Very patient callers: Erlang A tends to Erlang C.
	l := Load{Contacts: 100, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(180 * time.Second)}
	pa, err := ErlangA(12, l, 1000*time.Hour)
	require.NoError(t, err)
	pc, err := Evaluate(12, l, 0)
	require.NoError(t, err)
	assert.InDelta(t, pc.ProbWait, pa.ProbWait, 1e-3)
	assert.InDelta(t, pc.ASA.D().Seconds(), pa.MeanWait.D().Seconds(), 0.1)
	// Heavy overload with impatient callers stays finite: most leave.
	over := Load{Contacts: 5000, Interval: sla.Duration(time.Hour), HandleTime: sla.Duration(10 * time.Minute)}
	p, err := ErlangA(100, over, 30*time.Second)
	require.NoError(t, err)
	assert.Greater(t, p.ProbAbandon, 0.8)
	assert.InDelta(t, 1, p.Occupancy, 0.01)
	assert.InDelta(t, 1, p.ProbWait, 1e-9)

	_, err = ErlangA(1, l, 0)
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = ErlangA(1, Load{Contacts: 99_000, Interval: sla.Duration(time.Hour), HandleTime: sla.Duration(time.Hour)}, 1000*time.Hour)
	require.ErrorIs(t, err, ErrUnreachable)
}
