package feedback

import (
	"fmt"
	"runtime"
	"sort"
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

// BenchmarkAggregateSliced measures slicing by dimensions: ten million
// survey responses per iteration (200 agents in 20 teams, 4 channels, 2
// questions) into daily windows, counted by an aggregator sliced by agent,
// by team+channel and by question, and by a plain aggregator, the same
// responses in the same run. The two alternate in chunks of a million
// responses; "ns/response" is the sliced cost, "plain-ns/response" the
// plain one, "x-vs-plain" the median of the chunk ratios (steadier on a
// loaded machine than either cost). Run it with -benchtime=1x.
func BenchmarkAggregateSliced(b *testing.B) {
	loc := mustLoc(b, "Asia/Shanghai")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	step := 365 * 24 * time.Hour / aggregateResponses
	const chunks = 10
	agents := make([]string, 200)
	for i := range agents {
		agents[i] = fmt.Sprintf("agent-%03d", i)
	}
	teams := make([]string, 20)
	for i := range teams {
		teams[i] = fmt.Sprintf("team-%02d", i)
	}
	channels := [...]string{"phone", "chat", "email", "app"}
	questions := [...]string{QuestionOverall, QuestionProblemResolution}
	feed := func(a *Aggregator, from, to int) time.Duration {
		r := Response{At: start.Add(time.Duration(from) * step)}
		began := time.Now()
		for j := from; j < to; j++ {
			r.At = r.At.Add(step)
			r.Score = float64(1 + j%5)
			r.Kind = SurveyCSAT
			r.Agent = agents[j%200]
			r.Team = teams[j%200/10]
			r.Channel = channels[j%7%4]
			r.Question = questions[j%2]
			if err := a.AddResponse(r); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(began)
	}
	slicings := []Slicing{SliceBy(DimAgent), SliceBy(DimTeam, DimChannel), SliceBy(DimQuestion)}
	b.ReportAllocs()
	var sliced, plain time.Duration
	var ratios []float64
	for i := 0; i < b.N; i++ {
		p, err := NewAggregator(Day, loc, Config{})
		if err != nil {
			b.Fatal(err)
		}
		s, err := NewAggregator(Day, loc, Config{Slicings: slicings})
		if err != nil {
			b.Fatal(err)
		}
		per := aggregateResponses / chunks
		for c := range chunks {
			tp := feed(p, c*per, (c+1)*per)
			ts := feed(s, c*per, (c+1)*per)
			plain += tp
			sliced += ts
			ratios = append(ratios, float64(ts)/float64(tp))
		}
		rs, err := s.SliceReportsAt(start.AddDate(0, 6, 0), SliceBy(DimAgent))
		if err != nil || len(rs) != 200 {
			b.Fatalf("%d agent slices, %v", len(rs), err)
		}
	}
	sort.Float64s(ratios)
	total := float64(b.N) * aggregateResponses
	b.ReportMetric(float64(sliced.Nanoseconds())/total, "ns/response")
	b.ReportMetric(float64(plain.Nanoseconds())/total, "plain-ns/response")
	b.ReportMetric(ratios[len(ratios)/2], "x-vs-plain")
}
