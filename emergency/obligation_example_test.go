package emergency_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/sla/slatest"
)

// Obligations owned by levels: yellow requires a rectification plan within
// 3 days; missing it escalates the subject to orange, and fulfilling it
// late lifts that escalation.
func Example_obligations() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	clk := clock.NewMock()
	clk.Set(start)

	var obl *emergency.Obligations
	board, err := emergency.NewBoard(emergency.Config{
		Shortages: []emergency.ShortageRule{emergency.NewShortageRule("staffing", "agents_on_duty", "agents_needed")},
	}, emergency.WithClock(clk), emergency.WithObserver(func(c emergency.Change) {
		fmt.Printf("+%-4v %s: %v -> %v (%s)\n", c.At.Sub(start), c.Subject, c.From, c.To, c.Evidence.Kind)
		obl.HandleChange(c)
	}))
	if err != nil {
		panic(err)
	}
	obl, err = emergency.NewObligations(emergency.DefaultObligationConfig(), emergency.WithBoard(board), emergency.WithClock(clk),
		emergency.WithObligationHandler(func(e emergency.ObligationEvent) {
			fmt.Printf("+%-4v obligation %s %s (due +%v)\n", e.At.Sub(start), e.Obligation.Rule, e.Kind, e.Obligation.Due.Sub(start))
		}))
	if err != nil {
		panic(err)
	}

	_, _ = board.Observe("hotline", "agents_needed", 40)
	_, _ = board.Observe("hotline", "agents_on_duty", 30) // coverage 0.75: yellow
	slatest.Advance(clk, obl.Tracker(), 80*time.Hour)     // nobody submits a plan
	id := obl.List("hotline")[0].ID
	ob, _ := obl.Fulfill(id, "hotline-manager", "plan v1")
	fmt.Println("late:", ob.Late, "level:", board.Level("hotline"))
	// Output:
	// +0s   hotline: none -> yellow (shortage)
	// +0s   obligation rectification-plan opened (due +72h0m0s)
	// +72h0m0s hotline: yellow -> orange (floor)
	// +72h0m0s obligation rectification-plan missed (due +72h0m0s)
	// +80h0m0s hotline: orange -> yellow (floor)
	// +80h0m0s obligation rectification-plan fulfilled (due +72h0m0s)
	// late: true level: yellow
}
