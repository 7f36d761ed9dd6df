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
	_, _, _ = ticket.FireAssign(ctx, fsm.TicketAssign, "alice", by)
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

// The quick start of the README: a ticket assigned in one call, its first
// response measured in working hours. It arrives on Friday at 17:50, ten
// minutes before the desk closes, so its 30 minutes of working time end on
// Monday at 09:20.
func Example_quickStart() {
	ctx := context.Background()
	workdays := []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}
	business, err := sla.NewCalendar(sla.CalendarSpec{Location: "Asia/Shanghai", Week: sla.CalendarWeek{
		Monday: workdays, Tuesday: workdays, Wednesday: workdays, Thursday: workdays, Friday: workdays}})
	if err != nil {
		fmt.Println(err)
		return
	}
	policy := sla.DefaultPolicy()
	policy.Calendar = sla.CalendarBusiness // every target counts working hours unless it names its own calendar
	policies, err := sla.NewPolicies(sla.DefaultRegistry(business), policy)
	if err != nil {
		fmt.Println(err)
		return
	}
	tracker := sla.NewTracker(sla.WithHandler(func(e sla.Event) {
		fmt.Println(e.At.Format("Mon 15:04"), e.ID)
	}))

	now := time.Date(2026, 3, 6, 17, 50, 0, 0, business.Location()) // Friday
	ticket, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithID("T-1"))
	if _, _, err := ticket.FireAssignAt(ctx, now, fsm.TicketAssign, "alice", fsm.By{Actor: "dispatcher"}); err != nil {
		fmt.Println(err)
		return
	}
	spec, _ := policies.Spec(now, sla.Attributes{"priority": "normal"}, sla.FirstResponse) // 30 minutes
	_ = tracker.StartAt(now, sla.ClockKey{ID: ticket.ID()}, spec, "normal")
	c, _ := tracker.Clock(sla.ClockKey{ID: "T-1", Metric: sla.FirstResponse})
	due, _ := c.Due()
	fmt.Println(ticket.State(), "by", ticket.Owner(), "- first response due", due.Format("Mon 15:04"))

	tracker.AdvanceTo(now.Add(72 * time.Hour)) // in production: go tracker.Run(ctx)
	// Output:
	// assigned by alice - first response due Mon 09:20
	// Mon 09:05 T-1/first_response/warning/1/1
	// Mon 09:05 T-1/first_response/warning/1/2
	// Mon 09:12 T-1/first_response/warning/1/3
	// Mon 09:17 T-1/first_response/warning/1/4
	// Mon 09:20 T-1/first_response/breach/1/1
	// Mon 09:35 T-1/first_response/reminder/1/1
}
