package fsm_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// Process time analysis: where a desk's tickets spend their time, in
// working hours, with the slow steps and the waiting that adds no value
// flagged. *sla.Calendar satisfies fsm.Calendar.
func ExampleAnalyzeTimes() {
	day := []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "UTC", Week: sla.CalendarWeek{
		Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	monday := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var traces []fsm.Trace
	for i, wait := range []time.Duration{2 * time.Hour, 30 * time.Hour, 5 * time.Hour} {
		m, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithID(fmt.Sprint("T-", i+1)))
		at := monday.Add(time.Duration(i) * time.Hour)
		start := at
		step := func(d time.Duration, ev fsm.Event) {
			at = at.Add(d)
			_, _ = m.FireAt(ctx, at, ev, fsm.By{Actor: "desk"})
		}
		step(15*time.Minute, fsm.TicketAssign)
		step(45*time.Minute, fsm.TicketStart)
		step(30*time.Minute, fsm.TicketWaitCustomer)
		step(wait, fsm.TicketCustomerReply)
		step(time.Hour, fsm.TicketResolve)
		traces = append(traces, m.Trace(start, time.Time{}))
	}
	rep, err := fsm.AnalyzeTimes(fsm.TicketDefinition(), fsm.TimingConfig{
		SlowFrom:   fsm.Duration(4 * time.Hour),
		Thresholds: []fsm.Threshold{{State: fsm.TicketReceived, SlowFrom: fsm.Duration(10 * time.Minute)}},
		NoValue:    []fsm.State{fsm.TicketWaitingOnCustomer},
		Slowest:    2,
		Calendar:   cal,
	}, slices.Values(traces))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range rep.States {
		if s.Count > 0 {
			fmt.Printf("%-20s n=%d p50=%-6v p90=%-6v slow=%-5v no-value=%v\n", s.State, s.Count, s.P50, s.P90, s.Slow, s.NoValue)
		}
	}
	fmt.Printf("waiting share %.0f %%, lead p90 %v\n", 100*rep.NoValueShare, rep.Lead.P90)
	for _, st := range rep.Slowest {
		fmt.Println("slowest:", st.State, st.Event, st.P90)
	}
	// Output:
	// received             n=3 p50=15m0s  p90=15m0s  slow=true  no-value=false
	// assigned             n=3 p50=45m0s  p90=45m0s  slow=false no-value=false
	// in_progress          n=6 p50=30m0s  p90=1h0m0s slow=false no-value=false
	// waiting_on_customer  n=3 p50=5h0m0s p90=15h0m0s slow=true  no-value=true
	// waiting share 77 %, lead p90 17h0m0s
	// slowest: waiting_on_customer  15h0m0s
	// slowest: waiting_on_customer customer_reply 15h0m0s
}
