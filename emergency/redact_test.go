package emergency

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func assertNoSecret(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "Zhang")
	assert.NotContains(t, string(raw), "13800138000")
	return string(raw)
}

func TestRedactIncidents(t *testing.T) {
	f := busyIncident(t)
	before := f.mgr.Snapshot()
	raw, err := json.Marshal(before)
	require.NoError(t, err)
	require.Contains(t, string(raw), "13800138000", "the fixture puts the secret everywhere")

	for _, p := range []Redaction{Mask(), mustKeyedHash(t)} {
		red := RedactIncidents(before, p)
		out := assertNoSecret(t, red)
		assert.Equal(t, p.Method(), red.Redaction)
		assert.Contains(t, out, `"redaction":"`+p.Method()+`"`)
		rec := red.Items[0]
		assert.Equal(t, before.Items[0].Report.ReportedBy, rec.Report.ReportedBy, "people are kept")
		assert.Equal(t, before.Items[0].Report.ID, rec.Report.ID)
		assert.Equal(t, len(before.Items[0].Events), len(rec.Events))

		_, err := RestoreIncidentManager(red, WithClock(f.clk), WithChain())
		require.ErrorIs(t, err, ErrRedacted)
		require.ErrorIs(t, err, ErrSnapshot)
		assert.EqualError(t, err, "emergency: redaction: redacted ("+p.Method()+"): a redacted snapshot is an export and is not restored; restore the original")

		// The chains are kept (their heads match) but seal the originals.
		heads, _ := f.mgr.ChainHeads("INC-1")
		rh, ok := rec.Heads()
		require.True(t, ok)
		assert.Equal(t, heads, rh)
		assert.ErrorIs(t, VerifyIncident(rec, &heads), ErrChainBroken)
	}
	assert.Equal(t, before, f.mgr.Snapshot(), "the manager is not changed")
	assert.Contains(t, before.Items[0].Report.Title, secret, "nor the snapshot redacted")
}

func TestRedactIncidentViews(t *testing.T) {
	f := busyIncident(t)
	in, _ := f.mgr.Get("INC-1")
	red := in.Redact(Mask())
	assertNoSecret(t, red)
	assert.Equal(t, "[redacted]", red.Report.Title)
	assert.Equal(t, in.Review.Reviewer, red.Review.Reviewer)
	assert.Equal(t, in.Review.ActionItems[0].Owner, red.Review.ActionItems[0].Owner)
	assert.Contains(t, in.Review.Summary, secret, "the incident redacted is a copy")
	assert.Contains(t, in.Review.ActionItems[0].Description, secret)

	assertNoSecret(t, RedactEvents(f.events(), Mask()))
	reported := f.eventsOf(EventReported)[0]
	assert.Equal(t, reported, reported.Redact(Mask()), "generated details are kept")
	assert.Nil(t, RedactEvents(nil, Mask()))
	var none Incident
	assert.Equal(t, none, none.Redact(Mask()))
}

func TestRedactObligations(t *testing.T) {
	f := obligationsWithChain(t)
	before := f.obl.Snapshot()
	require.Contains(t, before.Items[0].Note, secret)
	red := RedactObligations(before, Mask())
	assertNoSecret(t, red)
	assert.Equal(t, "alice", red.Items[0].ClosedBy)
	_, err := RestoreObligations(red, WithBoard(f.board), WithClock(f.clk))
	require.ErrorIs(t, err, ErrRedacted)
	require.ErrorIs(t, err, ErrSnapshot)

	ob, ok := f.obl.Get(before.Items[0].ID)
	require.True(t, ok)
	assertNoSecret(t, ob.Redact(Mask()))
	events := f.events()
	require.NotEmpty(t, events)
	assertNoSecret(t, events[len(events)-1].Redact(Mask()))
	assert.Contains(t, before.Items[0].Note, secret)
}

func mustKeyedHash(t *testing.T) Redaction {
	t.Helper()
	p, err := KeyedHash([]byte("the host's key, 16 bytes or more"))
	require.NoError(t, err)
	_, err = KeyedHash([]byte("short"))
	require.ErrorIs(t, err, ErrShortKey)
	return p
}

// TestRedactKeyedHashJoins: the same customer text in two incidents gets
// the same placeholder under one key.
func TestRedactKeyedHashJoins(t *testing.T) {
	p := mustKeyedHash(t)
	a := busyIncident(t).mgr.Snapshot()
	b := busyIncident(t).mgr.Snapshot()
	ra, rb := RedactIncidents(a, p), RedactIncidents(b, p)
	assert.Equal(t, ra.Items[0].Report.Title, rb.Items[0].Report.Title)
	assert.Regexp(t, `^hmac:[0-9a-f]{32}$`, ra.Items[0].Report.Title)
	assert.NotEqual(t, ra.Items[0].Report.Title, ra.Items[0].Review.Summary)
}
