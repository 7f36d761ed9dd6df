package slatest_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// A test jumps a month in one call; each handler runs with the mock at its
// event's own minute.
func ExampleAdvance() {
	m := clock.NewMock()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m.Set(start)
	spec, err := sla.NewSpec(sla.SpecDef{Metric: sla.FirstResponse, Within: sla.Duration(30 * time.Minute),
		Calendar: "24x7", Warnings: []sla.Rung{{Before: sla.Duration(10 * time.Minute)}},
		Reminders: []sla.Duration{sla.Duration(15 * time.Minute)}}, sla.AlwaysOpen())
	if err != nil {
		panic(err)
	}
	tr := sla.NewTracker(sla.WithClock(m), sla.WithHandler(func(e sla.Event) {
		fmt.Println(m.Now().Format("Jan 2 15:04"), e.ID)
	}))
	if err := tr.StartAt(start, sla.ClockKey{ID: "T-1"}, spec, "normal"); err != nil {
		panic(err)
	}
	n := slatest.Advance(m, tr, 31*24*time.Hour)
	fmt.Println(n, "events; the mock reads", m.Now().Format("Jan 2 15:04"))
	// Output:
	// Mar 2 09:20 T-1/first_response/warning/1/1
	// Mar 2 09:30 T-1/first_response/breach/1/1
	// Mar 2 09:45 T-1/first_response/reminder/1/1
	// 3 events; the mock reads Apr 2 09:00
}
