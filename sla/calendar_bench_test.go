package sla

import (
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"
	"github.com/stretchr/testify/require"
)

// The benchmark calendar: Monday to Friday 09:00-17:00 in New York with the
// 11 US federal holidays (as observed), in both libraries.

const calBenchHours = 1000 * time.Hour

func calBenchStarts(loc *time.Location) []time.Time {
	out := make([]time.Time, 64)
	base := time.Date(2026, 1, 5, 10, 0, 0, 0, loc)
	for i := range out {
		out[i] = base.Add(time.Duration(i) * 37 * time.Hour)
	}
	return out
}

func calBenchOurs(tb testing.TB) *Calendar {
	spec := calNineToFive("America/New_York")
	for y := 2025; y <= 2030; y++ {
		for _, h := range us.Holidays {
			_, obs := h.Calc(y)
			if obs.IsZero() {
				continue
			}
			spec.Holidays = append(spec.Holidays, CalendarHoliday{Date: obs.Format(time.DateOnly), Name: h.Name})
		}
	}
	return calMust(tb, spec)
}

func calBenchRickar() *cal.BusinessCalendar {
	bc := cal.NewBusinessCalendar()
	bc.AddHoliday(us.Holidays...)
	return bc
}

// TestCalendarAgreesWithRickar shows that the two benchmarks compute the
// same thing.
func TestCalendarAgreesWithRickar(t *testing.T) {
	ours := calBenchOurs(t)
	theirs := calBenchRickar()
	for _, from := range calBenchStarts(ours.Location())[:16] {
		for _, d := range []time.Duration{time.Hour, 8 * time.Hour, 77*time.Hour + 13*time.Minute, calBenchHours} {
			want := theirs.AddWorkHours(from, d)
			got := ours.Add(from, d)
			require.True(t, want.Equal(got), "from %v + %v: rickar %v, ours %v", from, d, want, got)
		}
	}
}

func BenchmarkCalendarAdd1000h(b *testing.B) {
	c := calBenchOurs(b)
	starts := calBenchStarts(c.Location())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = c.Add(starts[i%len(starts)], calBenchHours)
	}
}

func BenchmarkRickarAddWorkHours1000h(b *testing.B) {
	c := calBenchRickar()
	loc, err := time.LoadLocation("America/New_York")
	require.NoError(b, err)
	starts := calBenchStarts(loc)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = c.AddWorkHours(starts[i%len(starts)], calBenchHours)
	}
}

func BenchmarkCalendarBetween1000h(b *testing.B) {
	c := calBenchOurs(b)
	starts := calBenchStarts(c.Location())
	ends := make([]time.Time, len(starts))
	for i, s := range starts {
		ends[i] = c.Add(s, calBenchHours)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = c.Between(starts[i%len(starts)], ends[i%len(starts)])
	}
}

func BenchmarkRickarWorkHoursInRange1000h(b *testing.B) {
	c := calBenchRickar()
	loc, err := time.LoadLocation("America/New_York")
	require.NoError(b, err)
	starts := calBenchStarts(loc)
	ends := make([]time.Time, len(starts))
	for i, s := range starts {
		ends[i] = c.AddWorkHours(s, calBenchHours)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = c.WorkHoursInRange(starts[i%len(starts)], ends[i%len(starts)])
	}
}

// BenchmarkCalendarAdd1000hVsRickar interleaves the two computations of
// the benchmarks above on the same inputs, so that both see the same load,
// and reports the ratio as x-faster (rickar time / our time). Ours runs 100
// times per rickar run to be measurable with the wall clock.
func BenchmarkCalendarAdd1000hVsRickar(b *testing.B) {
	ours := calBenchOurs(b)
	theirs := calBenchRickar()
	starts := calBenchStarts(ours.Location())
	const reps = 100
	var oursT, theirsT time.Duration
	i := 0
	for b.Loop() {
		from := starts[i%len(starts)]
		i++
		t0 := time.Now()
		for range reps {
			_ = ours.Add(from, calBenchHours)
		}
		t1 := time.Now()
		_ = theirs.AddWorkHours(from, calBenchHours)
		t2 := time.Now()
		oursT += t1.Sub(t0)
		theirsT += t2.Sub(t1)
	}
	oursPer := float64(oursT) / float64(reps*b.N)
	theirsPer := float64(theirsT) / float64(b.N)
	b.ReportMetric(oursPer, "ours-ns/add")
	b.ReportMetric(theirsPer, "rickar-ns/add")
	b.ReportMetric(theirsPer/oursPer, "x-faster")
}
