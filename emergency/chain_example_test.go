package emergency_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/emergency"
)

// A chained incident manager keeps each incident's event log sealed; the
// host keeps the chains' heads apart from the snapshot, checks a stored
// snapshot against them, and shares a redacted copy.
func ExampleWithChain() {
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC))
	mgr, _ := emergency.NewIncidentManager(emergency.DefaultIncidentConfig(), emergency.WithClock(clk), emergency.WithChain())
	_, _ = mgr.Report(emergency.Report{ID: "INC-7", Type: emergency.CustomerComplaint, Grade: emergency.GradeIII,
		Title: "Li Na (13800138000): refund refused", ReportedBy: "hotline"})
	clk.Add(10 * time.Minute)
	_, _ = mgr.Escalate("INC-7", "lead", "Li Na threatens to go to the press")
	heads, _ := mgr.ChainHeads("INC-7")

	snap := mgr.Snapshot()
	rec := snap.Items[0]
	for _, e := range rec.Events {
		fmt.Println(e.Kind, e.Actor)
	}
	fmt.Println("verifies:", emergency.VerifyIncident(rec, &heads) == nil)

	// Someone deletes the escalation from the stored log.
	last := len(rec.Events) - 1
	rec.Events, rec.EventChain = rec.Events[:last], rec.EventChain[:last]
	var ce *emergency.ChainError
	if errors.As(emergency.VerifyIncident(rec, &heads), &ce) {
		fmt.Println("event", ce.Index, ce.Kind)
	}

	// A redacted copy for the analysts: no customer text, not restorable.
	shared := emergency.RedactIncidents(mgr.Snapshot(), emergency.Mask())
	raw, _ := json.Marshal(shared)
	fmt.Println(strings.Contains(string(raw), "13800138000"), shared.Items[0].Report.Title)
	_, err := emergency.RestoreIncidentManager(shared, emergency.WithClock(clk), emergency.WithChain())
	fmt.Println(errors.Is(err, emergency.ErrRedacted))
	// Output:
	// reported hotline
	// escalated lead
	// verifies: true
	// event 1 truncated
	// false [redacted]
	// true
}
