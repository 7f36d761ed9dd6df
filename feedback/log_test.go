package feedback

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
)

// TestLogsCarryNoCustomerText drives rectifications and return visits with
// customer text in every free-text field and a Debug logger: the log has
// the engines' items and deadlines with their stable keys, and none of that
// text.
func TestLogsCarryNoCustomerText(t *testing.T) {
	const name, phone = "Zhang Wei", "13800138000"
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))

	rs, _, _ := rectNew(t, RectificationConfig{}, WithLogger(log))
	in := rectInput("R-1")
	in.Problem = "parcel of " + name + " (" + phone + ") crushed"
	_, err := rs.OpenAt(t0, in)
	require.NoError(t, err)
	_, err = rs.StartAt(t0.Add(time.Hour), "R-1", fsm.By{Actor: "ops.li", Reason: "called " + name})
	require.NoError(t, err)

	rv, _, _ := rvNew(t, ReturnVisitConfig{}, WithLogger(log))
	_, err = rv.ScheduleAt(t0, ResolvedComplaint{ID: "V-1", ComplaintID: "C-1", Customer: name + " " + phone})
	require.NoError(t, err)
	_, err = rv.RecordAt(t0.Add(time.Hour), "V-1", VisitOutcome{Mode: VisitHuman, By: "cs", Satisfaction: 2,
		Note: name + " still angry, call " + phone})
	require.NoError(t, err)
	rs.Tracker().AdvanceTo(t0.Add(100 * time.Hour))

	out := buf.String()
	for _, want := range []string{`"msg":"case opened"`, `"msg":"case changed"`, `"msg":"case deadline"`,
		`"namespace":"feedback.rectifications"`, `"namespace":"feedback.visits"`, `"record":"R-1"`, `"event_id":`} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "Zhang")
	assert.NotContains(t, out, phone)
}
