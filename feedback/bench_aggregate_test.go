package feedback

import (
	"runtime"
	"testing"
	"time"
)

// aggregateResponses is the number of responses one BenchmarkAggregate
// iteration feeds: ten million, spread evenly in time order over one year,
// into daily windows in Asia/Shanghai.
const aggregateResponses = 10_000_000

func benchAggregate(b *testing.B, add func(a *Aggregator, r Response) error) {
	loc := mustLoc(b, "Asia/Shanghai")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	step := 365 * 24 * time.Hour / aggregateResponses
	kinds := [3]SurveyKind{SurveyCSAT, SurveyNPS, SurveyCES}
	var ms0, ms1 runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	var mallocs uint64
	for i := 0; i < b.N; i++ {
		a, err := NewAggregator(Day, loc, Config{})
		if err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&ms0)
		r := Response{At: start}
		for j := 0; j < aggregateResponses; j++ {
			r.At = r.At.Add(step)
			r.Kind = kinds[j%3]
			r.Score = float64(1 + j%5)
			if err := add(a, r); err != nil {
				b.Fatal(err)
			}
		}
		runtime.ReadMemStats(&ms1)
		mallocs += ms1.Mallocs - ms0.Mallocs
		if got := len(a.Counters()); got < 365 || got > 366 {
			b.Fatalf("got %d daily windows", got)
		}
	}
	total := float64(b.N) * aggregateResponses
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/response")
	b.ReportMetric(float64(mallocs)/total, "allocs/response")
}

// BenchmarkAggregate measures the streaming Aggregator: ten million
// responses into daily windows per iteration. Run it with -benchtime=1x.
func BenchmarkAggregate(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		benchAggregate(b, (*Aggregator).AddResponse)
	})
	// naive is the baseline a user would write: compute the window with
	// time.Date for every response and look it up in a map.
	b.Run("naive", func(b *testing.B) {
		benchAggregate(b, func(a *Aggregator, r Response) error {
			if err := a.s.checkResponse(&r, -1); err != nil {
				return err
			}
			a.mu.Lock()
			w := windowOf(a.g, r.At, a.loc)
			bk := a.m[w.Start.Unix()]
			if bk == nil {
				bk = &slot[windowState]{w: w}
				a.m[w.Start.Unix()] = bk
			}
			bk.v.addResponse(&r)
			a.mu.Unlock()
			return nil
		})
	})
}
