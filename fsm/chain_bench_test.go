package fsm

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkChainedTransition: the transition pair of
// BenchmarkMachineTransition on a machine made WithChain, which hashes
// every record it makes. x-unchained is the median ratio to the same pair
// on a machine without a chain, run in adjacent chunks.
func BenchmarkChainedTransition(b *testing.B) {
	ctx := context.Background()
	def := TicketDefinition()
	newM := func(opts ...Option) *Machine {
		m, err := NewMachine(def, opts...)
		if err != nil {
			b.Fatal(err)
		}
		m.state = def.stateIndex[TicketInProgress]
		return m
	}
	by := By{Actor: "agent", Reason: "asked the customer for the invoice"}
	pairs := func(m *Machine, n int) {
		for range n {
			if _, err := m.Fire(ctx, TicketWaitCustomer, by); err != nil {
				b.Fatal(err)
			}
			if _, err := m.Fire(ctx, TicketCustomerReply, by); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 512 {
		pairs(newM(WithChain()), min(512, b.N-i))
	}
	b.StopTimer()
	const rounds, chunk = 51, 200
	ratios := make([]float64, rounds)
	for i := range ratios {
		start := time.Now()
		pairs(newM(), chunk)
		plain := time.Since(start)
		start = time.Now()
		pairs(newM(WithChain()), chunk)
		ratios[i] = float64(time.Since(start)) / float64(plain)
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[rounds/2], "x-unchained")
}
