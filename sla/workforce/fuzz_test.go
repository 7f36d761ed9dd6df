package workforce

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func finite01(t *testing.T, name string, x float64) {
	t.Helper()
	require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s = %v", name, x)
	require.True(t, x >= 0 && x <= 1, "%s = %v", name, x)
}

func isInputError(err error) bool {
	return errors.Is(err, ErrInvalidInput) || errors.Is(err, ErrInvalid)
}

// FuzzErlang checks the Erlang arithmetic on arbitrary input: errors are
// typed, results finite and in range, and monotone in the number of agents.
func FuzzErlang(f *testing.F) {
	f.Add(uint32(14), 100.0, int64(30*time.Minute), int64(180*time.Second), int64(20*time.Second), int64(time.Minute), 0.8)
	f.Add(uint32(2000), 1950.0*6, int64(30*time.Minute), int64(5*time.Minute), int64(0), int64(time.Hour), 0.95)
	f.Add(uint32(0), 0.0, int64(time.Hour), int64(time.Second), int64(-1), int64(0), 0.0)
	f.Add(uint32(3), 1e-300, int64(1), int64(math.MaxInt64), int64(math.MaxInt64), int64(1), 0.999999)
	f.Add(uint32(70000), 1e9, int64(time.Hour), int64(time.Second), int64(time.Minute), int64(time.Second), math.NaN())
	f.Fuzz(func(t *testing.T, n uint32, contacts float64, interval, aht, within, patience int64, sl float64) {
		agents := int(n % 2500)
		l := Load{Contacts: contacts, Interval: sla.Duration(interval), HandleTime: sla.Duration(aht)}
		p, err := Evaluate(agents, l, time.Duration(within))
		if err != nil {
			require.True(t, isInputError(err), "%v", err)
			return
		}
		finite01(t, "prob wait", p.ProbWait)
		finite01(t, "service level", p.ServiceLevel)
		finite01(t, "occupancy", p.Occupancy)
		require.GreaterOrEqual(t, p.ASA, sla.Duration(0))
		require.False(t, math.IsNaN(p.Erlangs) || math.IsInf(p.Erlangs, 0))
		next, err := Evaluate(agents+1, l, time.Duration(within))
		require.NoError(t, err)
		require.LessOrEqual(t, next.ProbWait, p.ProbWait+1e-12)
		require.GreaterOrEqual(t, next.ServiceLevel, p.ServiceLevel-1e-12)
		require.LessOrEqual(t, next.Occupancy, p.Occupancy+1e-12)
		if p.Stable && p.ASA < math.MaxInt64 {
			require.LessOrEqual(t, next.ASA, p.ASA+1)
		}
		b, err := ErlangB(agents, p.Erlangs)
		require.NoError(t, err)
		finite01(t, "erlang b", b)
		c, err := ErlangC(agents, p.Erlangs)
		require.NoError(t, err)
		if p.Erlangs > 0 {
			require.GreaterOrEqual(t, c, b-1e-12) // waiting is at least as likely as blocking
		}

		target := Target{ServiceLevel: sl, AnswerWithin: sla.Duration(max(within, 0))}
		s, err := FewestAgents(l, target)
		switch {
		case err == nil:
			if p.Erlangs > 0 {
				require.GreaterOrEqual(t, s.Performance.ServiceLevel, sl)
				if s.Agents-1 > int(p.Erlangs) {
					q, err := Evaluate(s.Agents-1, l, target.AnswerWithin.D())
					require.NoError(t, err)
					require.Less(t, q.ServiceLevel, sl)
				}
			}
			require.GreaterOrEqual(t, s.Required, s.Agents)
		case errors.Is(err, ErrUnreachable) || isInputError(err):
		default:
			t.Fatalf("untyped error %v", err)
		}

		if patience > 0 && agents < 300 {
			pa, err := ErlangA(agents, l, time.Duration(patience))
			if err != nil {
				require.True(t, errors.Is(err, ErrUnreachable) || isInputError(err), "%v", err)
				return
			}
			finite01(t, "abandon prob wait", pa.ProbWait)
			finite01(t, "abandon", pa.ProbAbandon)
			finite01(t, "abandon occupancy", pa.Occupancy)
			require.GreaterOrEqual(t, pa.MeanWait, sla.Duration(0))
		}
	})
}

var fuzzCal *sla.Calendar

// FuzzForecast feeds random history to the forecaster: forecasts and
// backtest figures stay finite and non-negative, and errors are typed.
func FuzzForecast(f *testing.F) {
	f.Add(uint64(1), uint8(40), uint8(4), true, 1.5, uint8(3))
	f.Add(uint64(2), uint8(200), uint8(1), false, 0.0, uint8(0))
	f.Add(uint64(3), uint8(3), uint8(30), true, 1.0, uint8(9))
	f.Fuzz(func(t *testing.T, seed uint64, days, n uint8, trend bool, maxTrend float64, shape uint8) {
		if fuzzCal == nil {
			fuzzCal = cnCalendar(t)
		}
		cfg := ForecastConfig{Interval: sla.Duration(2 * time.Hour), Days: int(n), Trend: trend, MaxTrend: maxTrend}
		fc, err := NewForecaster(fuzzCal, cfg)
		if err != nil {
			require.True(t, isInputError(err), "%v", err)
			return
		}
		rng := rand.New(rand.NewPCG(seed, uint64(shape)))
		start, _ := dayNumber("2025-01-01")
		hist := make([]DayCounts, 0, days)
		for i := range int(days) {
			counts := make([]float64, fc.Slots())
			for s := range counts {
				switch shape % 4 {
				case 0:
					counts[s] = float64(rng.IntN(50))
				case 1:
					counts[s] = rng.ExpFloat64() * 1e6
				case 2:
					if rng.IntN(5) == 0 {
						counts[s] = float64(rng.IntN(3))
					}
				case 3:
					counts[s] = math.Ldexp(rng.Float64(), rng.IntN(1800)-900)
				}
			}
			hist = append(hist, DayCounts{Date: dateString(start + int64(i)), Counts: counts})
		}
		target := dateString(start + int64(days) + int64(rng.IntN(20)))
		tooBig := false
		for _, d := range hist {
			for _, c := range d.Counts {
				tooBig = tooBig || c > MaxCount
			}
		}
		out, err := fc.Forecast(hist, target)
		if tooBig {
			require.ErrorIs(t, err, ErrInvalid)
			_, err = fc.Backtest(hist, hist[0].Date, hist[len(hist)-1].Date)
			require.ErrorIs(t, err, ErrInvalid)
			return
		}
		if err != nil {
			require.ErrorIs(t, err, ErrInsufficientHistory)
		} else {
			require.Len(t, out.Counts, fc.Slots())
			for _, c := range out.Counts {
				require.False(t, math.IsNaN(c) || math.IsInf(c, 0) || c < 0, "%v", c)
			}
			require.True(t, out.Trend > 0 && !math.IsInf(out.Trend, 0))
			ivs, err := fc.Intervals(out)
			require.NoError(t, err)
			require.Len(t, ivs, fc.Slots())
		}
		if days == 0 {
			return
		}
		acc, err := fc.Backtest(hist, hist[0].Date, hist[len(hist)-1].Date)
		require.NoError(t, err)
		for _, x := range []float64{acc.MAPE, acc.WAPE, acc.MAE} {
			require.False(t, math.IsNaN(x) || math.IsInf(x, 0) || x < 0, "%+v", acc)
		}
		require.False(t, math.IsNaN(acc.Bias) || math.IsInf(acc.Bias, 0))
		require.Equal(t, int(days), acc.Days+acc.Skipped)
	})
}
