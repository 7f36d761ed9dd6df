package feedback_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/feedback"
)

// Resolved complaints get a return visit within 48 hours. The high-risk
// one needs a person to follow up; an automated survey is refused for it.
// A visit that is not made in time is an overdue event. Every operation
// here takes its instant explicitly, first.
func ExampleReturnVisits() {
	rv, err := feedback.NewReturnVisits(feedback.ReturnVisitConfig{}) // 48 h by default
	if err != nil {
		fmt.Println(err)
		return
	}
	rv.OnEvent(func(e feedback.ReturnVisitEvent) {
		if e.Overdue() {
			fmt.Printf("overdue: %s (%s) at %s\n", e.Visit, e.Mode, e.At.Format("Jan 2 15:04"))
		}
	})
	resolved := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	v, _ := rv.ScheduleAt(resolved, feedback.ResolvedComplaint{ID: "V-1", ComplaintID: "C-1", Customer: "cust-8"})
	fmt.Println(v.ID, v.Mode, "due", v.Due.Format("Jan 2 15:04"))
	h, _ := rv.ScheduleAt(resolved, feedback.ResolvedComplaint{
		ID: "V-2", ComplaintID: "C-2", Customer: "cust-9",
		HighRisk: true, RiskReason: "third complaint this month", Assignee: "sup.zhang",
	})
	fmt.Println(h.ID, h.Mode, "assigned to", h.Assignee)

	called := resolved.Add(6 * time.Hour)
	_, err = rv.RecordAt(called, "V-2", feedback.VisitOutcome{Mode: feedback.VisitAutomated, Satisfaction: 5})
	fmt.Println(errors.Is(err, feedback.ErrHumanFollowUpRequired))
	h, _ = rv.RecordAt(called, "V-2", feedback.VisitOutcome{Mode: feedback.VisitHuman, By: "sup.zhang", Satisfaction: 4})
	ver, _ := h.Verification(feedback.DefaultSatisfiedScore)
	fmt.Println(h.State, "satisfaction", h.Outcome.Satisfaction, "recurred", h.Outcome.Recurred, "verification passed", ver.Passed)

	rv.AdvanceTo(called.Add(48 * time.Hour))
	// Output:
	// V-1 automated due Mar 4 09:00
	// V-2 human assigned to sup.zhang
	// true
	// completed satisfaction 4 recurred false verification passed true
	// overdue: V-1 (automated) at Mar 4 09:00
	// overdue: V-1 (automated) at Mar 4 09:15
}
