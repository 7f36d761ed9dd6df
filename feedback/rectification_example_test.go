package feedback_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
)

// A rectification item raised from a complaint runs its whole loop: work,
// a failed verification that sends it back, new work, a passed
// verification, the customer informed, and only then closing. Its deadline
// is an SLA clock that pauses while the work waits to be verified.
func ExampleRectifications() {
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	rs, err := feedback.NewRectifications(feedback.RectificationConfig{}, feedback.WithClock(clk)) // 72 h by default
	if err != nil {
		fmt.Println(err)
		return
	}
	rs.OnEvent(func(e feedback.RectificationEvent) {
		fmt.Printf("event %s at %s (overdue %v)\n", e.ID, e.At.Format("Jan 2 15:04"), e.Overdue())
	})

	r, _ := rs.Open(feedback.RectificationInput{
		ID:       "R-7",
		Source:   feedback.Source{Kind: feedback.SourceComplaint, ID: "C-1042"},
		Category: feedback.CategoryLogistics,
		Owner:    "ops.li",
		Problem:  "parcels crushed in the north hub",
		Actions:  []feedback.CorrectiveAction{{ID: "a1", Description: "re-train hub staff"}},
	})
	fmt.Println(r.State, "due", r.Due.Format("Jan 2 15:04"))

	// Closing now is refused: not verified, customer not informed.
	_, err = rs.Close("R-7", fsm.By{Actor: "qa.chen"})
	fmt.Println(err)

	clk.Add(8 * time.Hour)
	_, _ = rs.Start("R-7", fsm.By{Actor: "ops.li"})
	_, _ = rs.CompleteAction("R-7", "a1", fsm.By{Actor: "ops.li"})
	r, _ = rs.Complete("R-7", fsm.By{Actor: "ops.li"})
	fmt.Println(r.State)

	clk.Add(48 * time.Hour) // waiting for the return visit does not count
	r, _ = rs.Verify("R-7", feedback.Verification{Passed: false, VisitID: "V-3", Note: "damaged again"})
	fmt.Println(r.State, "due", r.Due.Format("Jan 2 15:04"))

	_, _ = rs.AddAction("R-7", feedback.CorrectiveAction{ID: "a2", Description: "double-wall boxes"})
	_, _ = rs.CompleteAction("R-7", "a2", fsm.By{Actor: "pack.zhao"})
	_, _ = rs.Complete("R-7", fsm.By{Actor: "ops.li"})
	_, _ = rs.Verify("R-7", feedback.Verification{Passed: true, VisitID: "V-4"})
	_, _ = rs.InformCustomer("R-7", feedback.Notice{By: "cs.wang", Channel: "phone"})
	r, _ = rs.Close("R-7", fsm.By{Actor: "qa.chen"})
	fmt.Println(r.State, len(r.History), "transitions")
	rs.Advance()
	// Output:
	// open due Mar 5 09:00
	// feedback: rectification "R-7": Close not allowed in state open: fsm: event "close" not allowed in state "open" (allowed: [start])
	// done
	// in_progress due Mar 7 09:00
	// closed 7 transitions
	// event feedback.rectifications:R-7/rectification/met/1/1 at Mar 4 17:00 (overdue false)
}
