package feedback_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// One host timeline drives both engines: a return visit verifies a
// rectification item, one AdvanceTo delivers every deadline in order, and
// the host saves the timeline once and each engine's items beside it.
func Example_sharedTimeline() {
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	tr := sla.NewTracker(sla.WithClock(clk)) // the host's one timeline
	opts := []feedback.Option{feedback.WithTracker(tr), feedback.WithClock(clk)}
	rs, _ := feedback.NewRectifications(feedback.RectificationConfig{}, opts...)
	rv, _ := feedback.NewReturnVisits(feedback.ReturnVisitConfig{}, opts...)
	rs.OnEvent(func(e feedback.RectificationEvent) { fmt.Println("rectification", e.ID) })
	rv.OnEvent(func(e feedback.ReturnVisitEvent) { fmt.Println("visit", e.ID) })

	_, _ = rs.Open(feedback.RectificationInput{
		ID: "R-1", Source: feedback.Source{Kind: feedback.SourceComplaint, ID: "C-7"}, Category: feedback.CategoryLogistics,
		Owner: "ops.li", Actions: []feedback.CorrectiveAction{{ID: "a1", Description: "re-train hub staff"}},
	})
	_, _ = rs.Start("R-1", fsm.By{Actor: "ops.li"})
	_, _ = rs.CompleteAction("R-1", "a1", fsm.By{Actor: "ops.li"})
	_, _ = rs.Complete("R-1", fsm.By{Actor: "ops.li"})
	_, _ = rv.Schedule(feedback.ResolvedComplaint{ID: "V-1", ComplaintID: "C-7", Customer: "cust-3", Rectification: "R-1"})

	clk.Add(30 * time.Hour)
	v, _ := rv.Record("V-1", feedback.VisitOutcome{Mode: feedback.VisitAutomated, Satisfaction: 5})
	ver, _ := v.Verification(feedback.DefaultSatisfiedScore)
	r, _ := rs.Verify(v.Rectification, ver)
	fmt.Println(r.ID, r.State)
	tr.AdvanceTo(clk.Now()) // one call for every engine on the timeline

	// Save: the timeline once, each engine's items (without clocks) beside it.
	saved, _ := json.Marshal(map[string]any{"timeline": tr.Snapshot(), "rectifications": rs.Snapshot(), "visits": rv.Snapshot()})
	var back struct {
		Timeline       sla.TrackerSnapshot
		Rectifications feedback.RectificationsSnapshot
		Visits         feedback.ReturnVisitsSnapshot
	}
	_ = json.Unmarshal(saved, &back)
	// Restore: the timeline first, then each engine on it.
	tr2, _ := sla.RestoreTracker(back.Timeline, sla.WithClock(clk))
	rs2, _ := feedback.RestoreRectifications(back.Rectifications, feedback.WithTracker(tr2), feedback.WithClock(clk))
	rv2, err := feedback.RestoreReturnVisits(back.Visits, feedback.WithTracker(tr2), feedback.WithClock(clk))
	fmt.Println(rs2.Len(), rv2.Len(), err)
	// Output:
	// R-1 verified
	// visit feedback.visits:V-1/return_visit/met/1/1
	// rectification feedback.rectifications:R-1/rectification/met/1/1
	// 1 1 <nil>
}
