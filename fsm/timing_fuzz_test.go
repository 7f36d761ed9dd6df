package fsm

import (
	"slices"
	"testing"
	"time"
)

// fuzzTraces turns bytes into ticket traces: each pair of bytes picks an
// event among those the current state allows and a gap in minutes; a zero
// byte ends a trace; 0xFF corrupts the record (an unknown event) and 0xFE
// dates it before the previous one.
func fuzzTraces(data []byte) (traces []Trace, corrupt bool) {
	def := TicketDefinition()
	tr := Trace{Start: t0}
	cur, now := def.Initial(), t0
	for i := 0; i+1 < len(data); i += 2 {
		c, gap := data[i], time.Duration(data[i+1])*time.Minute
		switch c {
		case 0:
			tr.End = now.Add(gap)
			traces = append(traces, tr)
			tr, cur = Trace{Start: now}, def.Initial()
			continue
		case 0xFF:
			tr.History = append(tr.History, Record{Event: "bogus", From: cur, To: cur, At: now})
			corrupt = true
			continue
		case 0xFE:
			now = now.Add(-gap - time.Minute)
			corrupt = true
		}
		evs := def.avail[def.stateIndex[cur]]
		ev := evs[int(c)%len(evs)]
		to := def.states[def.table[int(def.eventIndex[ev])*len(def.states)+int(def.stateIndex[cur])]]
		now = now.Add(gap)
		tr.History = append(tr.History, Record{Event: ev, From: cur, To: to, At: now})
		cur = to
	}
	return append(traces, tr), corrupt
}

// FuzzAnalyzeTimes: AnalyzeTimes never panics, refuses corrupt traces and
// otherwise agrees with the naive map-and-sort computation; its counts add
// up.
func FuzzAnalyzeTimes(f *testing.F) {
	f.Add([]byte{1, 10, 2, 20, 3, 30, 0, 5, 1, 1, 1, 1})
	f.Add([]byte{1, 0, 1, 0, 1, 0, 0, 0})
	f.Add([]byte{1, 10, 0xFF, 1, 2, 2})
	f.Add([]byte{1, 10, 0xFE, 20})
	f.Fuzz(func(t *testing.T, data []byte) {
		traces, corrupt := fuzzTraces(data)
		rep, err := AnalyzeTimes(TicketDefinition(), TimingConfig{SlowFrom: Duration(time.Hour)}, slices.Values(traces))
		if corrupt {
			if err == nil {
				t.Fatal("corrupt traces accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		want := naiveTimes(traces)
		entries, taken := 0, 0
		for _, s := range rep.States {
			entries += s.Entries
			if s.Count > 0 && bare(s.TimeStats) != want["state "+string(s.State)] {
				t.Fatalf("state %s: %+v, naive %+v", s.State, s.TimeStats, want["state "+string(s.State)])
			}
			if s.P50 > s.P90 || s.P90 > s.Max || s.Mean > s.Max || s.Over > s.Count {
				t.Fatalf("state %s: %+v", s.State, s.TimeStats)
			}
		}
		for _, tr := range rep.Transitions {
			taken += tr.Taken
			if tr.Count > tr.Taken || tr.Repeats >= max(tr.Taken, 1) && tr.Taken > 0 {
				t.Fatalf("transition %s from %s: %+v", tr.Event, tr.From, tr)
			}
		}
		if entries != rep.Records+rep.Machines || taken != rep.Records {
			t.Fatalf("entries %d, taken %d, records %d, machines %d", entries, taken, rep.Records, rep.Machines)
		}
	})
}

// FuzzSelectKth: the selection agrees with sorting for any values and k.
func FuzzSelectKth(f *testing.F) {
	f.Add([]byte{5, 1, 4, 1, 5, 9, 2, 6}, uint8(3))
	f.Add(make([]byte, 40), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		if len(data) == 0 {
			return
		}
		a := make([]time.Duration, len(data))
		for i, b := range data {
			a[i] = time.Duration(b%17) * time.Duration(1+i%3)
		}
		sorted := slices.Clone(a)
		slices.Sort(sorted)
		i := int(k) % len(a)
		if got := selectKth(a, i); got != sorted[i] {
			t.Fatalf("selectKth(%d) = %v, sorted %v", i, got, sorted)
		}
	})
}
