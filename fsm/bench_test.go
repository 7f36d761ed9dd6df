package fsm

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	looplab "github.com/looplab/fsm"
)

// The benchmarks use the ticket preset's "there and back" pair:
// in_progress -wait_customer-> waiting_on_customer -customer_reply-> in_progress.

func benchRawPair(b *testing.B) {
	ctx := context.Background()
	f := looplab.NewFSM(string(TicketInProgress), TicketDefinition().descs, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := f.Event(ctx, string(TicketWaitCustomer)); err != nil {
			b.Fatal(err)
		}
		if err := f.Event(ctx, string(TicketCustomerReply)); err != nil {
			b.Fatal(err)
		}
	}
}

// pairedRatio estimates ours/raw where raw is one raw looplab transition
// pair and ours(n) runs n of the operations under test. Raw and ours run in
// adjacent chunks, so both see the same load on a shared machine; the
// result is the median of the per-chunk ratios. It runs outside the
// benchmark timer (testing.Benchmark cannot be nested in a benchmark).
func pairedRatio(ours func(n int)) float64 {
	const rounds, chunk = 101, 200
	ctx := context.Background()
	f := looplab.NewFSM(string(TicketInProgress), TicketDefinition().descs, nil)
	ratios := make([]float64, rounds)
	for i := range ratios {
		start := time.Now()
		for range chunk {
			_ = f.Event(ctx, string(TicketWaitCustomer))
			_ = f.Event(ctx, string(TicketCustomerReply))
		}
		raw := time.Since(start)
		start = time.Now()
		ours(chunk)
		ratios[i] = float64(time.Since(start)) / float64(raw)
	}
	slices.Sort(ratios)
	return ratios[rounds/2]
}

// BenchmarkLooplabRawTransition is the baseline: raw looplab/fsm doing two
// transitions (there and back).
func BenchmarkLooplabRawTransition(b *testing.B) {
	benchRawPair(b)
}

// BenchmarkMachineTransition: an fsm.Machine doing the same two transitions
// with guards checked, history recorded (time from the default clock) and
// looplab performing each transition. Goal: at most 1.5x raw. A fresh
// machine replaces the old one every 1024 pairs so the history stays
// bounded; that cost is included.
func BenchmarkMachineTransition(b *testing.B) { benchMachinePair(b, false) }

// BenchmarkMachineTransitionAt: BenchmarkMachineTransition with the
// instants given (FireAt, one second apart), as a host replaying events or
// driving a machine from a request's own timestamp does. The difference
// between the two is what reading the clock for the history costs.
func BenchmarkMachineTransitionAt(b *testing.B) { benchMachinePair(b, true) }

// benchMachinePair measures machines firing the pair with Fire or, when
// explicit, with FireAt.
func benchMachinePair(b *testing.B, explicit bool) {
	ctx := context.Background()
	def := TicketDefinition()
	newM := func() *Machine {
		// A machine in progress with an empty history, as the benchmark
		// has always measured (Restore now refuses such a snapshot).
		m, err := NewMachine(def)
		if err != nil {
			b.Fatal(err)
		}
		m.state = def.stateIndex[TicketInProgress]
		return m
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	by := By{Actor: "agent", Reason: "bench"}
	pair := func(m *Machine) (err error) {
		if explicit {
			at = at.Add(time.Second)
			if _, err = m.FireAt(ctx, at, TicketWaitCustomer, by); err == nil {
				_, err = m.FireAt(ctx, at, TicketCustomerReply, by)
			}
			return err
		}
		if _, err = m.Fire(ctx, TicketWaitCustomer, by); err == nil {
			_, err = m.Fire(ctx, TicketCustomerReply, by)
		}
		return err
	}
	m := newM()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i&1023 == 1023 {
			m = newM()
		}
		if err := pair(m); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(pairedRatio(func(n int) {
		m := newM()
		for range n {
			_ = pair(m)
		}
	}), "x-raw")
}

// BenchmarkRestoreFireSnapshot: what a host does per request — restore a
// ticket from its snapshot, fire one event, snapshot it again. Goal: under
// 10x one raw looplab transition pair.
func BenchmarkRestoreFireSnapshot(b *testing.B) {
	ctx := context.Background()
	def := TicketDefinition()
	m, _ := NewMachine(def, WithID("T-1"))
	_, _ = m.Assign("ann", By{Actor: "dispatcher"})
	for _, ev := range []Event{TicketAssign, TicketStart, TicketWaitCustomer, TicketCustomerReply} {
		if _, err := m.Fire(ctx, ev, By{Actor: "ann"}); err != nil {
			b.Fatal(err)
		}
	}
	snap := m.Snapshot()
	by := By{Actor: "ann", Reason: "asked for logs"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, err := Restore(snap, WithDefinition(def))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Fire(ctx, TicketWaitCustomer, by); err != nil {
			b.Fatal(err)
		}
		if s := r.Snapshot(); s.State != TicketWaitingOnCustomer {
			b.Fatal(s.State)
		}
	}
	b.StopTimer()
	b.ReportMetric(pairedRatio(func(n int) {
		for range n {
			r, _ := Restore(snap, WithDefinition(def))
			_, _ = r.Fire(ctx, TicketWaitCustomer, by)
			_ = r.Snapshot()
		}
	}), "x-raw-pair")
}

// BenchmarkIdleMachines: heap bytes held by 100,000 idle ticket machines
// made from one definition (including the slice of pointers that keeps
// them), reported as B/machine. Goal: at most 1024 B/machine, history
// excluded (idle machines have none).
func BenchmarkIdleMachines(b *testing.B) {
	const n = 100_000
	def := TicketDefinition()
	var perMachine float64
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ms := make([]*Machine, n)
		for i := range ms {
			m, err := NewMachine(def)
			if err != nil {
				b.Fatal(err)
			}
			ms[i] = m
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perMachine = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(ms)
	}
	b.ReportMetric(perMachine, "B/machine")
}
