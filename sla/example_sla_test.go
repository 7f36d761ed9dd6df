package sla_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// A service desk wires the default policy, a business calendar and a tracker,
// then drives the tracker with a mock clock in a test.
func Example() {
	day := []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}
	business, err := sla.NewCalendar(sla.CalendarSpec{Location: "UTC",
		Week: sla.CalendarWeek{Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}})
	if err != nil {
		panic(err)
	}
	policies, err := sla.NewPolicies(sla.DefaultRegistry(business), sla.DefaultPolicy())
	if err != nil {
		panic(err)
	}

	m := clock.NewMock()
	m.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	tr := sla.NewTracker(sla.WithClock(m), sla.WithHandler(func(e sla.Event) {
		fmt.Println(e.At.Format("15:04"), e.ID)
	}))

	ticket := sla.Attributes{"priority": "urgent"}
	spec, err := policies.Spec(m.Now(), ticket, sla.FirstResponse)
	if err != nil {
		panic(err)
	}
	if err := tr.Start(sla.ClockKey{ID: "T-1"}, spec, ticket["priority"]); err != nil {
		panic(err)
	}
	slatest.Advance(m, tr, 8*time.Minute)
	met, _ := tr.Stop(sla.ClockKey{ID: "T-1", Metric: sla.FirstResponse})
	fmt.Println("met:", met)
	slatest.Advance(m, tr, time.Hour)
	// Output:
	// 09:05 T-1/first_response/warning/1/1
	// 09:07 T-1/first_response/warning/1/2
	// met: true
	// 09:08 T-1/first_response/met/1/1
}

// A clock is a pure value: pause it while waiting on the customer and ask
// for its due time and next event at any instant.
func ExampleClock() {
	spec, err := sla.NewSpec(sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(4 * time.Hour), Calendar: "24x7",
		Warnings: []sla.Rung{{Percent: 50}, {Before: sla.Duration(15 * time.Minute)}}}, sla.AlwaysOpen())
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := sla.NewClock(spec)
	_ = c.Start(t0)
	_ = c.Pause(t0.Add(time.Hour))        // waiting on the customer
	_ = c.Resume(t0.Add(3 * time.Hour))   // the customer answered
	err = c.Resume(t0.Add(4 * time.Hour)) // out of order: changes nothing
	fmt.Println(err)
	due, _ := c.Due()
	next, _ := c.NextEvent(t0.Add(3 * time.Hour))
	fmt.Println("elapsed:", c.Elapsed(t0.Add(4*time.Hour)))
	fmt.Println("due:", due.Format("15:04"))
	fmt.Println("next:", next.Kind, next.Step, next.At.Format("15:04"))
	// Output:
	// sla: resume: clock not paused (clock is running)
	// elapsed: 2h0m0s
	// due: 15:00
	// next: warning 1 13:00
}

// Validate reports every problem at once, each with the path of its field.
func ExamplePolicy_Validate() {
	p := sla.Policy{ID: "desk", Calendar: "24x7", Rules: []sla.Rule{{
		Name:    "vip",
		Match:   map[string][]string{"tier": {"gold"}},
		Targets: []sla.Target{{Metric: sla.FirstResponse, Within: 0, Warnings: []sla.Rung{{Percent: 120}}}},
	}}}
	fmt.Println(p.Validate())
	// Output:
	// sla: rules[0].targets[0].within: must be positive, got 0s
	// sla: rules[0].targets[0].warnings[0].percent: must be between 0 and 100 exclusive, got 120
}

// A ticket's priority rises mid-flight: the clock moves to the new target
// under the policy's declared strategy (keep the elapsed time by default).
func ExampleTracker_RetargetAt() {
	policies, err := sla.NewPolicies(sla.Registry{"24x7": sla.AlwaysOpen(), "business": sla.AlwaysOpen()}, sla.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tr := sla.NewTracker(sla.WithHandler(func(e sla.Event) {
		fmt.Println(e.At.Format("15:04"), e.ID.Kind, e.ID.Step)
	}))
	normal, _ := policies.Spec(t0, sla.Attributes{"priority": "normal"}, sla.FirstResponse) // 30 min
	_ = tr.StartAt(t0, sla.ClockKey{ID: "T-9"}, normal, "normal")

	// At 09:06 the customer turns out to be urgent (10 min).
	at := t0.Add(6 * time.Minute)
	urgent, _ := policies.Spec(at, sla.Attributes{"priority": "urgent"}, sla.FirstResponse)
	key := sla.ClockKey{ID: "T-9", Metric: sla.FirstResponse}
	_ = tr.RetargetAt(at, key, urgent, policies.Strategy(at))
	c, _ := tr.Clock(key)
	due, _ := c.Due()
	fmt.Println("due:", due.Format("15:04"))
	tr.AdvanceTo(t0.Add(time.Hour))
	// Output:
	// due: 09:10
	// 09:07 warning 2
	// 09:09 warning 3
	// 09:10 breach 1
	// 09:25 reminder 1
}

// Snapshot the tracker into the host's database; after a restart, restore
// it: delivered events are not delivered again, and those that fell due
// while the host was down are delivered in order by the first advance.
func ExampleRestoreTracker() {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	spec, _ := sla.NewSpec(sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(time.Hour), Calendar: "24x7",
		Warnings: []sla.Rung{{Percent: 50}, {Percent: 90}}}, sla.AlwaysOpen())
	show := func(e sla.Event) { fmt.Println(e.At.Format("15:04"), e.ID) }

	before := sla.NewTracker(sla.WithHandler(show))
	_ = before.StartAt(t0, sla.ClockKey{ID: "T-1"}, spec, "normal")
	before.AdvanceTo(t0.Add(40 * time.Minute))
	stored, _ := json.Marshal(before.Snapshot())

	// The host was down from 09:40 to 11:00.
	var snap sla.TrackerSnapshot
	_ = json.Unmarshal(stored, &snap)
	after, err := sla.RestoreTracker(snap, sla.WithHandler(show),
		sla.WithSpecResolver(sla.SpecResolver(nil, sla.Registry{"24x7": sla.AlwaysOpen()})))
	if err != nil {
		panic(err)
	}
	after.AdvanceTo(t0.Add(2 * time.Hour))
	// Output:
	// 09:30 T-1/resolution/warning/1/1
	// 09:54 T-1/resolution/warning/1/2
	// 10:00 T-1/resolution/breach/1/1
}

// Policies are plain JSON documents; calendars are referenced by name.
func ExamplePolicy_json() {
	doc := `{
	  "id": "desk", "version": 2, "effective_from": "2026-01-01T00:00:00Z",
	  "calendar": "24x7",
	  "warnings": [{"percent": 50}, {"percent": 90}, {"before": "15m"}],
	  "reminders": ["15m"],
	  "on_change": "rescale",
	  "rules": [
	    {"name": "gold", "match": {"tier": ["gold"], "channel": ["phone", "chat"]},
	     "targets": [{"metric": "first_response", "within": "5m", "warnings": []}]}
	  ],
	  "fallback": {"name": "standard", "targets": [
	    {"metric": "first_response", "within": "1h"},
	    {"metric": "resolution", "within": "16h", "calendar": "business"}
	  ]}
	}`
	var p sla.Policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		panic(err)
	}
	ps, err := sla.NewPolicies(sla.Registry{"24x7": sla.AlwaysOpen(), "business": sla.AlwaysOpen()}, p)
	if err != nil {
		panic(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, attrs := range []sla.Attributes{{"tier": "gold", "channel": "chat"}, {"tier": "gold", "channel": "email"}} {
		s, _ := ps.Spec(at, attrs, sla.FirstResponse)
		fmt.Println(s.Def().Rule, s.Target(), len(s.Events()), "events")
	}
	// Output:
	// gold 5m0s 2 events
	// standard 1h0m0s 5 events
}
