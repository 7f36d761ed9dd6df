package emergency_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/sla"
)

// A week-over-week complaint rule: 3 -> 4 complaints is noise, 100 -> 130
// raises yellow, with the evidence of the exact test.
func Example_weekOverWeek() {
	board, err := emergency.NewBoard(emergency.Config{
		Changes: []emergency.ChangeRule{emergency.NewChangeRule("complaints-wow", "complaints")},
	}, emergency.WithObserver(func(c emergency.Change) {
		fmt.Printf("observer: %s %v -> %v\n", c.Subject, c.From, c.To)
	}))
	if err != nil {
		panic(err)
	}
	monday := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)

	// The host counts complaints per week and reports this week vs last week.
	small, _ := board.ObserveCountsAt(monday, "store-12", "complaints",
		emergency.Counts{Current: 4, Baseline: 3})
	fmt.Println("store-12:", board.Level("store-12"), len(small), "changes")

	changes, _ := board.ObserveCountsAt(monday, "region-east", "complaints",
		emergency.Counts{Current: 130, Baseline: 100})
	for _, c := range changes {
		e := c.Evidence
		fmt.Printf("%s: %v -> %v by %s: %d vs %d complaints, up %.0f%%, p = %.4f <= alpha %.2f\n",
			c.Subject, c.From, c.To, e.Rule, e.Test.Counts.Current, e.Test.Counts.Baseline,
			100*e.Test.RelativeChange, e.Test.PValue, e.Test.Alpha)
	}
	// Output:
	// store-12: none 0 changes
	// observer: region-east none -> yellow
	// region-east: none -> yellow by complaints-wow: 130 vs 100 complaints, up 30%, p = 0.0278 <= alpha 0.05
}

// Hysteresis, hold and dwell on a complaint rate, and an event that raises
// red at once.
func Example_thresholdAndEvent() {
	board, err := emergency.NewBoard(emergency.Config{
		Thresholds: []emergency.ThresholdRule{{
			Name: "complaint-rate", Measure: "complaints_per_1000_orders", Direction: emergency.HigherIsWorse,
			Steps: []emergency.Step{
				{Level: emergency.Yellow, Enter: 5, Exit: 4},
				{Level: emergency.Orange, Enter: 8, Exit: 7},
			},
			Hold:  sla.Duration(15 * time.Minute),
			Dwell: sla.Duration(2 * time.Hour),
		}},
		Events: []emergency.EventRule{{Name: "accident", Event: "major-service-accident", Level: emergency.Red}},
	})
	if err != nil {
		panic(err)
	}
	t := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	show := func(cs []emergency.Change) {
		for _, c := range cs {
			fmt.Printf("%s %v -> %v (%s)\n", c.At.Format("15:04"), c.From, c.To, c.Evidence.Rule)
		}
	}
	const m = "complaints_per_1000_orders"
	show(must(board.ObserveAt(t, "east", m, 6)))                       // hold starts
	show(board.EvaluateAt(t.Add(15 * time.Minute)))                    // hold over: yellow
	show(must(board.ObserveAt(t.Add(20*time.Minute), "east", m, 4.5))) // inside the band: stays
	show(must(board.SignalAt(t.Add(30*time.Minute), "east", "major-service-accident", "payment outage")))
	show(must(board.ClearAt(t.Add(90*time.Minute), "east", "accident", "restored")))
	show(must(board.ObserveAt(t.Add(100*time.Minute), "east", m, 3))) // dwell starts
	due, _ := board.NextDue()
	fmt.Println("next due", due.Format("15:04"))
	show(board.EvaluateAt(due))
	// Output:
	// 08:15 none -> yellow (complaint-rate)
	// 08:30 yellow -> red (accident)
	// 09:30 red -> yellow (accident)
	// next due 11:40
	// 11:40 yellow -> none (complaint-rate)
}

func must(cs []emergency.Change, err error) []emergency.Change {
	if err != nil {
		panic(err)
	}
	return cs
}

// A host escalates a subject one level when an obligation is missed and
// lifts the floor when it is fulfilled; both are recorded as changes.
func ExampleBoard_EscalateAt() {
	board, err := emergency.NewBoard(emergency.Config{
		Changes: []emergency.ChangeRule{emergency.NewChangeRule("complaints-wow", "complaints")},
	})
	if err != nil {
		panic(err)
	}
	t := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	must(board.ObserveCountsAt(t, "east", "complaints", emergency.Counts{Current: 130, Baseline: 100}))

	// Three days later the rectification plan is still missing.
	missed := t.Add(72 * time.Hour)
	for _, c := range must(board.EscalateAt(missed, "east", "rectification-plan", "plan overdue")) {
		fmt.Printf("%v -> %v by %s %q: %s\n", c.From, c.To, c.Evidence.Kind, c.Evidence.Rule, c.Evidence.Detail)
	}
	for _, c := range must(board.LiftFloorAt(missed.Add(time.Hour), "east", "rectification-plan", "plan filed")) {
		fmt.Printf("%v -> %v by %s %q: %s\n", c.From, c.To, c.Evidence.Kind, c.Evidence.Rule, c.Evidence.Detail)
	}
	fmt.Println(len(board.History("east")), "changes recorded")
	// Output:
	// yellow -> orange by floor "rectification-plan": plan overdue
	// orange -> yellow by floor "rectification-plan": plan filed
	// 3 changes recorded
}

// A Series turns a stream of complaints into the two weekly windows a
// change rule compares.
func ExampleSeries() {
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	weeks, err := emergency.NewSeries(monday, 7*24*time.Hour, 24*time.Hour)
	if err != nil {
		panic(err)
	}
	for day := range 14 {
		complaints := int64(14) // last week: 98
		if day >= 7 {
			complaints = 19 // this week: 133
		}
		if err := weeks.AddAt(monday.AddDate(0, 0, day).Add(10*time.Hour), complaints, 0); err != nil {
			panic(err)
		}
	}
	sunday := monday.AddDate(0, 0, 13).Add(18 * time.Hour)
	counts, err := weeks.CountsAt(sunday)
	if err != nil {
		panic(err)
	}
	fmt.Printf("this week %d, last week %d\n", counts.Current, counts.Baseline)

	board, err := emergency.NewBoard(emergency.Config{
		Changes: []emergency.ChangeRule{emergency.NewChangeRule("complaints-wow", "complaints")},
	})
	if err != nil {
		panic(err)
	}
	must(board.ObserveCountsAt(sunday, "hotline", "complaints", counts))
	fmt.Println("hotline:", board.Level("hotline"))
	// Output:
	// this week 133, last week 98
	// hotline: yellow
}
