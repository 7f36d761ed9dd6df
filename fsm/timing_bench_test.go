package fsm

import (
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomTraces returns n ticket traces walked at random through the ticket
// preset (4 to 12 transitions each, 1 minute to 2 days apart), every fifth
// one still open at an End.
func randomTraces(n int, seed uint64) []Trace {
	def := TicketDefinition()
	r := rand.New(rand.NewPCG(seed, 2026))
	out := make([]Trace, n)
	for i := range out {
		cur, now := def.Initial(), t0.Add(time.Duration(r.IntN(30*24*60))*time.Minute)
		tr := Trace{ID: "T-" + itoa(i), Start: now, History: make([]Record, 0, 12)}
		for range 4 + r.IntN(9) {
			evs := def.avail[def.stateIndex[cur]]
			ev := evs[r.IntN(len(evs))]
			to := def.states[def.table[int(def.eventIndex[ev])*len(def.states)+int(def.stateIndex[cur])]]
			now = now.Add(time.Duration(1+r.IntN(48*60)) * time.Minute)
			tr.History = append(tr.History, Record{Event: ev, From: cur, To: to, Actor: "agent", At: now})
			cur = to
		}
		if i%5 == 0 {
			tr.End = now.Add(time.Hour)
		}
		tr.Approvals = r.IntN(3)
		out[i] = tr
	}
	return out
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(b []byte, i int) []byte {
	if i >= 10 {
		b = appendInt(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

// naiveTimes is what a user would otherwise write (for ticket traces): stays collected in maps
// keyed by strings, each list sorted for its percentiles. It computes the
// count, mean (rounded down), p50, p90 and maximum of every state and
// transition that has stays.
func naiveTimes(traces []Trace) map[string]TimeStats {
	stays := map[string][]time.Duration{}
	for _, tr := range traces {
		since := tr.Start
		for _, r := range tr.History {
			if !since.IsZero() {
				d := r.At.Sub(since)
				stays["state "+string(r.From)] = append(stays["state "+string(r.From)], d)
				key := "transition " + string(r.From) + " " + string(r.Event) + " " + string(r.To)
				stays[key] = append(stays[key], d)
			}
			since = r.At
		}
		if !tr.End.IsZero() && !since.IsZero() {
			last := TicketReceived
			if n := len(tr.History); n > 0 {
				last = tr.History[n-1].To
			}
			stays["state "+string(last)] = append(stays["state "+string(last)], tr.End.Sub(since))
		}
	}
	out := make(map[string]TimeStats, len(stays))
	for k, d := range stays {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		var sum time.Duration
		for _, v := range d {
			sum += v
		}
		n := len(d)
		out[k] = TimeStats{Count: n, Mean: Duration(sum / time.Duration(n)), P50: Duration(d[rankIndex(50, n)]),
			P90: Duration(d[rankIndex(90, n)]), Max: Duration(d[n-1])}
	}
	return out
}

// bare keeps the figures naiveTimes computes.
func bare(s TimeStats) TimeStats {
	return TimeStats{Count: s.Count, Mean: s.Mean, P50: s.P50, P90: s.P90, Max: s.Max}
}

func TestAnalyzeTimesAgreesWithNaive(t *testing.T) {
	traces := randomTraces(3000, 7)
	rep, err := AnalyzeTimes(TicketDefinition(), TimingConfig{}, slices.Values(traces))
	require.NoError(t, err)
	want := naiveTimes(traces)
	got := map[string]TimeStats{}
	for _, s := range rep.States {
		if s.Count > 0 {
			got["state "+string(s.State)] = bare(s.TimeStats)
		}
	}
	for _, tr := range rep.Transitions {
		if tr.Count > 0 {
			got["transition "+string(tr.From)+" "+string(tr.Event)+" "+string(tr.To)] = bare(tr.TimeStats)
		}
	}
	assert.Equal(t, want, got)
}

var benchTraces = sync.OnceValue(func() []Trace { return randomTraces(100_000, 1) })

// BenchmarkAnalyzeTimes analyses the histories of 100,000 ticket machines
// (about 800,000 records) per operation and reports ns/record. After the
// timed loop it runs the naive map-and-sort code a user would otherwise
// write (naiveTimes) and AnalyzeTimes in alternation, three times, and
// reports the median of naive/ours as speedup-x. Goal: linear in the
// records, faster than the naive code.
func BenchmarkAnalyzeTimes(b *testing.B) {
	traces := benchTraces()
	def := TicketDefinition()
	records := 0
	for _, tr := range traces {
		records += len(tr.History)
	}
	cfg := TimingConfig{SlowFrom: Duration(24 * time.Hour), NoValue: []State{TicketWaitingOnCustomer}}
	ours := func() {
		if _, err := AnalyzeTimes(def, cfg, slices.Values(traces)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ours()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(records), "ns/record")
	ratios := make([]float64, 3)
	for i := range ratios {
		start := time.Now()
		naiveTimes(traces)
		naive := time.Since(start)
		start = time.Now()
		ours()
		ratios[i] = float64(naive) / float64(time.Since(start))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[1], "speedup-x")
}
