package emergency

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares the JSON of v with testdata/name (rewriting it with
// -update) and returns the file's content.
func golden(t *testing.T, name string, v any) []byte {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./emergency -run Golden -args -update to write it")
	assert.JSONEq(t, string(want), string(got), "the format of %s changed: bump its version", name)
	return want
}

// withVersion returns raw with its top-level "version" set to v.
func withVersion(t *testing.T, raw []byte, v int) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	m["version"] = v
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func TestBoardSnapshotGolden(t *testing.T) {
	b := newBoard(t, fullConfig())
	drive(t, b)
	raw := golden(t, "board_snapshot.json", b.Snapshot())

	var s BoardSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	r, err := RestoreBoard(s)
	require.NoError(t, err)
	assert.Equal(t, b.Snapshot(), r.Snapshot())

	for _, v := range []int{1, 3} {
		var old BoardSnapshot
		require.NoError(t, json.Unmarshal(withVersion(t, raw, v), &old))
		_, err := RestoreBoard(old)
		require.ErrorIs(t, err, ErrSnapshot)
		assert.ErrorContains(t, err, "version: format version "+string(rune('0'+v))+", want 2")
	}
}

func TestObligationSnapshotGolden(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	for i, ev := range []string{"minor", "accident", "minor"} {
		_, err := f.board.SignalAt(t0, []string{"east", "north", "west"}[i], ev, "")
		require.NoError(t, err)
	}
	f.obl.AdvanceTo(t0.Add(time.Hour)) // the task force is missed
	_, err := f.obl.FulfillAt(t0.Add(time.Hour), f.obl.List("west")[0].ID, "carol", "plan v1")
	require.NoError(t, err)
	raw := golden(t, "obligation_snapshot.json", f.obl.Snapshot())

	var s ObligationSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	g := oblRestoreFixture(t, f, s)
	assert.Equal(t, f.obl.Snapshot(), g.obl.Snapshot())

	for _, v := range []int{1, 3} {
		var old ObligationSnapshot
		require.NoError(t, json.Unmarshal(withVersion(t, raw, v), &old))
		_, err := RestoreObligations(old, WithBoard(g.board))
		require.ErrorIs(t, err, ErrSnapshot)
		assert.ErrorContains(t, err, "version: format version "+string(rune('0'+v))+", want 2")
	}
}

func TestIncidentSnapshotGolden(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig(), WithPlans(planTestLibrary(t)))
	a := incReport(t, f, Report{Type: SecurityEvent, Grade: GradeII, CustomerData: true, Title: "phishing"})
	b := incReport(t, f, Report{Type: PublicOpinionCrisis, Grade: GradeIV})
	ctx := context.Background()
	_, err := f.mgr.AcknowledgeAt(t0.Add(time.Minute), a.ID, "ciso")
	require.NoError(t, err)
	f.mgr.AdvanceTo(t0.Add(20 * time.Minute))
	_, err = f.mgr.FireAt(ctx, t0.Add(20*time.Minute), a.ID, IncidentAssess, fsm.By{Actor: "ciso"})
	require.NoError(t, err)
	_, err = f.mgr.RegradeAt(t0.Add(25*time.Minute), b.ID, GradeII, "pr-lead", "trending")
	require.NoError(t, err)
	_, err = f.mgr.FireAt(ctx, t0.Add(30*time.Minute), a.ID, IncidentResolve, fsm.By{Actor: "ciso"})
	require.NoError(t, err)
	_, err = f.mgr.ReviewAt(ctx, t0.Add(time.Hour), a.ID, Review{Reviewer: "ciso", Summary: "contained",
		ActionItems: []ActionItem{{Description: "MFA for admins", Owner: "it", Due: t0.Add(7 * 24 * time.Hour)}}})
	require.NoError(t, err)
	raw := golden(t, "incident_snapshot.json", f.mgr.Snapshot())

	var s IncidentSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	g := incRestoreFixture(t, f.clk.Now(), s, WithPlans(planTestLibrary(t)))
	assert.Equal(t, f.mgr.List(), g.mgr.List())

	for _, v := range []int{1, 3} {
		var old IncidentSnapshot
		require.NoError(t, json.Unmarshal(withVersion(t, raw, v), &old))
		_, err := RestoreIncidentManager(old)
		require.ErrorIs(t, err, ErrSnapshot)
		assert.ErrorContains(t, err, "version: format version "+string(rune('0'+v))+", want 2")
	}
}
