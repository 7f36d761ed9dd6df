package feedback_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sqkit/sqkit/feedback"
)

// Return visits exported for an analyst under a keyed hash: the customer
// and the complaint are replaced, the two visits of one customer still
// share a placeholder, and the export cannot be restored.
func ExampleRedactReturnVisits() {
	rv, _ := feedback.NewReturnVisits(feedback.ReturnVisitConfig{})
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	_, _ = rv.ScheduleAt(at, feedback.ResolvedComplaint{ID: "V-1", ComplaintID: "C-1", Customer: "Li Na 13800138000"})
	_, _ = rv.ScheduleAt(at, feedback.ResolvedComplaint{ID: "V-2", ComplaintID: "C-7", Customer: "Li Na 13800138000"})

	key, err := feedback.KeyedHash([]byte("the host's secret key"))
	if err != nil {
		panic(err)
	}
	export := feedback.RedactReturnVisits(rv.Snapshot(), key)
	raw, _ := json.Marshal(export)
	a, b := export.Items[0].Item, export.Items[1].Item
	fmt.Println(strings.Contains(string(raw), "Li Na"), a.ID, b.ID, a.Customer == b.Customer, a.ComplaintID == b.ComplaintID)

	_, err = feedback.RestoreReturnVisits(export)
	fmt.Println(errors.Is(err, feedback.ErrRedacted))
	// Output:
	// false V-1 V-2 true false
	// true
}
