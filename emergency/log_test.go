package emergency

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// TestLogsCarryNoCustomerText drives the board, obligations and incidents
// with customer text in every free-text field and a Debug logger: the log
// has the engines' changes and deliveries with their stable keys, and none
// of that text.
func TestLogsCarryNoCustomerText(t *testing.T) {
	const secret = "Zhang Wei 13800138000"
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clk := clock.NewMock()
	h := &timelineHost{tr: sla.NewTracker(sla.WithClock(clk), sla.WithLogger(log))}
	opts := append(h.options(clk), WithLogger(log), WithChain())
	var err error
	h.board, err = NewBoard(boardConfigWithHold(), opts...)
	require.NoError(t, err)
	h.obl, err = NewObligations(DefaultObligationConfig(), append(opts, WithBoard(h.board))...)
	require.NoError(t, err)
	h.mgr, err = NewIncidentManager(DefaultIncidentConfig(), opts...)
	require.NoError(t, err)

	observe(t, h.board, 0, "east", "complaint_rate", 6)
	_, err = h.mgr.ReportAt(t0, Report{ID: "INC-1", Type: CustomerComplaint, Grade: GradeIII, ReportedBy: "noc",
		Title: "refund for " + secret, Subject: secret})
	require.NoError(t, err)
	_, err = h.mgr.EscalateAt(at(5*time.Minute), "INC-1", "lead", "customer "+secret+" threatens the press")
	require.NoError(t, err)
	h.tr.AdvanceTo(at(time.Hour))
	for _, ob := range h.obl.List("") {
		_, err := h.obl.FulfillAt(at(2*time.Hour), ob.ID, "lead", "called "+secret)
		require.NoError(t, err)
	}
	h.tr.AdvanceTo(at(80 * time.Hour))

	out := buf.String()
	for _, want := range []string{`"msg":"emergency level changed"`, `"msg":"case opened"`, `"msg":"case deadline"`,
		`"msg":"sla event delivered"`, `"namespace":"emergency.incidents"`, `"event_id":`, `"subject":"east"`} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "Zhang")
	assert.NotContains(t, out, "13800138000")
}
