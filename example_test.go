package sqkit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// A host wires a ticket's state machine to its SLA clocks with a hook: the
// first response clock stops when the ticket is picked up, and the
// resolution clock pauses while the ticket waits on the customer. The
// tracker then fires warnings and breaches at their exact minute as the fake
// clock moves.
func Example() {
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) // a Monday

	policies, err := sla.NewPolicies(sla.DefaultRegistry(sla.AlwaysOpen()), sla.DefaultPolicy())
	if err != nil {
		fmt.Println(err)
		return
	}
	tracker := sla.NewTracker(sla.WithClock(clk))
	tracker.OnEvent(func(e sla.Event) {
		fmt.Println(e.At.Format("Mon 15:04"), e.ID)
	})

	// The adapter a host writes: ticket transitions drive the SLA clocks.
	def, err := fsm.NewDefinition(withHook(fsm.TicketSpec(), func(_ context.Context, m *fsm.Machine, r fsm.Record) {
		key := func(metric sla.Metric) sla.ClockKey { return sla.ClockKey{ID: m.ID(), Metric: metric} }
		switch r.To {
		case fsm.TicketInProgress:
			if r.From == fsm.TicketWaitingOnCustomer {
				_ = tracker.ResumeAt(r.At, key(sla.Resolution))
			} else {
				_, _ = tracker.StopAt(r.At, key(sla.FirstResponse))
			}
		case fsm.TicketWaitingOnCustomer:
			_ = tracker.PauseAt(r.At, key(sla.Resolution))
		case fsm.TicketResolved:
			_, _ = tracker.StopAt(r.At, key(sla.Resolution))
		}
	}))
	if err != nil {
		fmt.Println(err)
		return
	}

	ticket, _ := fsm.NewMachine(def, fsm.WithClock(clk), fsm.WithID("T-1"))
	attrs := sla.Attributes{"priority": "urgent"}
	for _, metric := range []sla.Metric{sla.FirstResponse, sla.Resolution} {
		spec, err := policies.Spec(clk.Now(), attrs, metric)
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = tracker.StartAt(clk.Now(), sla.ClockKey{ID: "T-1"}, spec, "urgent")
	}

	ctx := context.Background()
	by := fsm.By{Actor: "alice"}
	_, _ = ticket.Fire(ctx, fsm.TicketAssign, by)
	advance(clk, tracker, 12*time.Minute) // urgent first response is 10 minutes
	_, _ = ticket.Fire(ctx, fsm.TicketStart, by)
	_, _ = ticket.Fire(ctx, fsm.TicketWaitCustomer, by)
	advance(clk, tracker, 30*time.Hour) // paused: no resolution warnings
	_, _ = ticket.Fire(ctx, fsm.TicketCustomerReply, by)
	advance(clk, tracker, 24*time.Hour) // 24h of the 48h resolution target used
	_, _ = ticket.Fire(ctx, fsm.TicketResolve, by)
	advance(clk, tracker, time.Minute)
	fmt.Println(ticket.State())
	// Output:
	// Mon 09:05 T-1/first_response/warning/1/1
	// Mon 09:07 T-1/first_response/warning/1/2
	// Mon 09:09 T-1/first_response/warning/1/3
	// Mon 09:10 T-1/first_response/breach/1/1
	// Wed 15:00 T-1/resolution/warning/1/1
	// Wed 15:12 T-1/resolution/met/1/1
	// resolved
}

// withHook returns spec with h added to the hooks run after every transition.
func withHook(spec fsm.Spec, h fsm.Hook) fsm.Spec {
	spec.Hooks = append(spec.Hooks, h)
	return spec
}

// advance moves the fake clock and the tracker forward together.
func advance(clk *clock.Mock, tr *sla.Tracker, d time.Duration) {
	clk.Add(d)
	tr.AdvanceTo(clk.Now())
}
