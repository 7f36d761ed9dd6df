package emergency_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/sla"
)

// One timeline drives every engine: the board's hold, the obligation its
// warning opens, that obligation's miss escalating the board, and an
// incident's acknowledgement timeout all happen at their own minute on one
// AdvanceTo. The host saves the timeline once and each engine's own state,
// and restores them in the same order.
func Example_oneTimeline() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	tr := sla.NewTracker()
	var obl *emergency.Obligations
	opts := []emergency.Option{
		emergency.WithTracker(tr),
		emergency.WithObserver(func(c emergency.Change) {
			fmt.Printf("+%-8v board     %s %v -> %v\n", c.At.Sub(start), c.Subject, c.From, c.To)
			obl.HandleChange(c)
		}),
		emergency.WithObligationHandler(func(e emergency.ObligationEvent) {
			fmt.Printf("+%-8v obligation %s %s\n", e.At.Sub(start), e.Obligation.Rule, e.Kind)
		}),
		emergency.WithIncidentHandler(func(e emergency.IncidentEvent) {
			if e.Kind == emergency.EventEscalated {
				fmt.Printf("+%-8v incident  %s escalated to %v\n", e.At.Sub(start), e.Incident, e.Tier)
			}
		}),
	}
	board, err := emergency.NewBoard(emergency.Config{Thresholds: []emergency.ThresholdRule{{
		Name: "complaint-rate", Measure: "complaints_per_1000_orders", Direction: emergency.HigherIsWorse,
		Steps: []emergency.Step{{Level: emergency.Yellow, Enter: 5, Exit: 4}},
		Hold:  sla.Duration(15 * time.Minute),
	}}}, opts...)
	if err != nil {
		panic(err)
	}
	obl, err = emergency.NewObligations(emergency.DefaultObligationConfig(), append(opts, emergency.WithBoard(board))...)
	if err != nil {
		panic(err)
	}
	incidents, err := emergency.NewIncidentManager(emergency.DefaultIncidentConfig(), opts...)
	if err != nil {
		panic(err)
	}

	if _, err := board.ObserveAt(start, "east", "complaints_per_1000_orders", 6); err != nil {
		panic(err)
	}
	in, err := incidents.ReportAt(start.Add(5*time.Minute), emergency.Report{
		Type: emergency.CustomerComplaint, Grade: emergency.GradeIII, ReportedBy: "hotline"})
	if err != nil {
		panic(err)
	}
	tr.AdvanceTo(start.Add(25 * time.Minute))
	if _, err := incidents.AcknowledgeAt(start.Add(25*time.Minute), in.ID, "department-head"); err != nil {
		panic(err)
	}

	// The host saves its state: the timeline once, then each engine.
	timeline, boardState, oblState, incState := tr.Snapshot(), board.Snapshot(), obl.Snapshot(), incidents.Snapshot()
	fmt.Println("-- restored --")
	tr, err = sla.RestoreTracker(timeline)
	if err != nil {
		panic(err)
	}
	opts[0] = emergency.WithTracker(tr)
	if board, err = emergency.RestoreBoard(boardState, opts...); err != nil {
		panic(err)
	}
	if obl, err = emergency.RestoreObligations(oblState, append(opts, emergency.WithBoard(board))...); err != nil {
		panic(err)
	}
	if incidents, err = emergency.RestoreIncidentManager(incState, opts...); err != nil {
		panic(err)
	}
	tr.AdvanceTo(start.Add(4 * 24 * time.Hour))
	fmt.Println("east is", board.Level("east"))
	// Output:
	// +15m0s    board     east none -> yellow
	// +15m0s    obligation rectification-plan opened
	// +20m0s    incident  INC-1 escalated to department
	// -- restored --
	// +72h15m0s board     east yellow -> orange
	// +72h15m0s obligation rectification-plan missed
	// east is orange
}
