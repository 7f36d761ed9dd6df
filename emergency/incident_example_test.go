package emergency_test

import (
	"context"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// A red incident's timeline: a grade I service interruption starts at the
// top of the escalation ladder, gets its response plan picked
// automatically, and runs its milestones on SLA clocks; the response plan
// comes late and the miss is an event at its own minute.
func Example_redIncidentTimeline() {
	start := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	clk := clock.NewMock()
	clk.Set(start)

	plans, err := emergency.NewPlanLibrary(emergency.Plan{
		ID: "major-outage", Version: 2, Title: "Major outage", Grades: []emergency.Grade{emergency.GradeI, emergency.GradeII},
		Roles: []string{"incident-commander", "communications"},
		Steps: []emergency.PlanStep{
			{Name: "open the war room", Role: "incident-commander", Within: sla.Duration(15 * time.Minute)},
			{Name: "customer notice", Role: "communications", Within: sla.Duration(time.Hour)},
		},
	})
	if err != nil {
		panic(err)
	}
	mgr, err := emergency.NewIncidentManager(emergency.DefaultIncidentConfig(),
		emergency.WithClock(clk), emergency.WithPlans(plans),
		emergency.WithIncidentHandler(func(e emergency.IncidentEvent) {
			what := e.Detail
			switch e.Kind {
			case emergency.EventEscalated, emergency.EventAcknowledged:
				what = e.Tier.String()
			case emergency.EventMilestoneMet, emergency.EventMilestoneMissed:
				what = e.Milestone
			case emergency.EventTransitioned:
				what = string(e.State)
			}
			fmt.Printf("+%-7v %-17s %s\n", e.At.Sub(start), e.Kind, what)
		}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	at := func(d time.Duration) { slatest.AdvanceTo(clk, mgr.Tracker(), start.Add(d)) }

	in, _ := mgr.Report(emergency.Report{Type: emergency.ServiceInterruption, Grade: emergency.GradeI,
		Title: "core network down in region east", ReportedBy: "noc"})
	at(5 * time.Minute)
	_, _ = mgr.Acknowledge(in.ID, "coo")
	at(12 * time.Minute)
	_, _ = mgr.Fire(ctx, in.ID, emergency.IncidentAssess, fsm.By{Actor: "incident-commander"})
	at(50 * time.Minute)
	_, _ = mgr.Fire(ctx, in.ID, emergency.IncidentRespond, fsm.By{Actor: "incident-commander"})
	at(130 * time.Minute)
	_, _ = mgr.Meet(in.ID, emergency.MilestoneResponsePlan, "incident-commander")
	at(3 * time.Hour)
	_, _ = mgr.Meet(in.ID, emergency.MilestoneStakeholdersNotified, "communications")
	at(4 * time.Hour)

	in, _ = mgr.Get(in.ID)
	plan, _ := in.Plan()
	fmt.Printf("%s grade %v at %s, plan %s v%d (%s)\n", in.ID, in.Grade, in.Tier, plan.PlanID, plan.Version, plan.Reason)
	for _, ms := range in.Milestones {
		late := ""
		if ms.Late {
			late = " late"
		}
		fmt.Printf("  %-22s due +%-6v met +%v%s\n", ms.Name, ms.Due.Sub(start), ms.MetAt.Sub(start), late)
	}
	// Output:
	// +0s      reported          service_interruption
	// +0s      escalated         department
	// +0s      escalated         headquarters
	// +0s      escalated         executives
	// +0s      plan_selected     major-outage v2 (any type, grade I)
	// +5m0s    acknowledged      executives
	// +12m0s   transitioned      assessing
	// +12m0s   milestone_met     response_started
	// +50m0s   transitioned      responding
	// +50m0s   milestone_met     initial_assessment
	// +2h0m0s  milestone_missed  response_plan
	// +2h10m0s milestone_met     response_plan
	// +3h0m0s  milestone_met     stakeholders_notified
	// INC-1 grade I at executives, plan major-outage v2 (any type, grade I)
	//   response_started       due +15m0s  met +12m0s
	//   initial_assessment     due +1h0m0s met +50m0s
	//   response_plan          due +2h0m0s met +2h10m0s late
	//   stakeholders_notified  due +4h0m0s met +3h0m0s
}
