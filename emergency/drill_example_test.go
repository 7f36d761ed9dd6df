package emergency_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/sla"
)

// A drill scorecard: a scripted public-opinion crisis runs on a fake clock
// through the incident manager; nobody acknowledges for 20 minutes, the
// assessment is late and the public answer comes within the golden 4 hours.
func Example_drillScorecard() {
	drill := emergency.Drill{
		Name: "viral complaint video",
		Report: emergency.Report{Type: emergency.PublicOpinionCrisis, Grade: emergency.GradeIII,
			ReportedBy: "social-media-monitor"},
		Steps: []emergency.DrillStep{
			{After: sla.Duration(20 * time.Minute), Action: emergency.DrillAcknowledge, Actor: "pr-department"},
			{After: sla.Duration(25 * time.Minute), Action: emergency.DrillFire, Event: emergency.IncidentAssess, Actor: "pr-lead"},
			{After: sla.Duration(75 * time.Minute), Action: emergency.DrillFire, Event: emergency.IncidentRespond, Actor: "pr-lead"},
			{After: sla.Duration(100 * time.Minute), Action: emergency.DrillMeet, Milestone: emergency.MilestoneResponsePlan, Actor: "pr-lead"},
			{After: sla.Duration(3 * time.Hour), Action: emergency.DrillMeet, Milestone: emergency.MilestonePublicResponse, Actor: "spokesperson"},
			{After: sla.Duration(210 * time.Minute), Action: emergency.DrillMeet, Milestone: emergency.MilestoneStakeholdersNotified, Actor: "pr-lead"},
		},
	}
	start := time.Date(2026, 5, 12, 14, 0, 0, 0, time.UTC)
	sc, err := emergency.RunDrill(emergency.DefaultIncidentConfig(), drill, start)
	if err != nil {
		panic(err)
	}
	fmt.Print(sc)
	// Output:
	// drill "viral complaint video": incident INC-1 grade III, responding at department, 3 met, 2 missed
	//   missed  response_started       due +15m0s    met +25m0s (late 10m0s)
	//   missed  initial_assessment     due +1h0m0s   met +1h15m0s (late 15m0s)
	//   met     response_plan          due +2h0m0s   met +1h40m0s
	//   met     stakeholders_notified  due +4h0m0s   met +3h30m0s
	//   met     public_response        due +4h0m0s   met +3h0m0s
	//   escalated front_line -> department at +15m0s by auto-escalation
}
