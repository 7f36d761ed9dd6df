package sla_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// Keep each ticket's clocks in the ticket's own record: a Durable loads one
// record, changes it and saves it with its next deadline; the store's
// scheduler fires it when that deadline comes. Here the in-memory store
// stands in for a database (see the slariver module for PostgreSQL).
func ExampleDurable() {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	spec, _ := sla.NewSpec(sla.SpecDef{Metric: sla.FirstResponse, Within: sla.Duration(30 * time.Minute),
		Calendar: sla.CalendarAlways, Warnings: []sla.Rung{{Percent: 50}}}, sla.AlwaysOpen())
	store := sla.NewMemoryStore()
	d := sla.NewDurable(store, nil)

	key := sla.RecordKey{ID: "T-1"}
	rec, _ := d.Update(ctx, key, func(tr *sla.Tracker, data *json.RawMessage) error {
		*data = json.RawMessage(`{"state":"received"}`) // the host's own state, saved with the clocks
		return tr.StartAt(t0, sla.ClockKey{ID: key.ID}, spec, "normal")
	})
	fmt.Println("version", rec.Version, "next", rec.Next.Format("15:04"), rec.NextID)

	events, _ := d.AdvanceTo(ctx, t0.Add(time.Hour)) // the scheduler's work
	for _, e := range events {
		fmt.Println(e.At.Format("15:04"), e.ID)
	}
	// Output:
	// version 1 next 09:15 T-1/first_response/warning/1/1
	// 09:15 T-1/first_response/warning/1/1
	// 09:30 T-1/first_response/breach/1/1
}
