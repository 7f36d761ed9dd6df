package fsm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// busyAuthorityComplaint is an urgent refund approved by a supervisor,
// raised, and approved again by a manager.
func busyAuthorityComplaint(t *testing.T) *Machine {
	t.Helper()
	m := complaintWith(t, deskAuthority(t), 4000, Request{Type: "refund", Urgency: "urgent"})
	_, err := m.ApproveAsAt(t0.Add(5*time.Minute), "sam", RoleSupervisor, "goodwill")
	require.NoError(t, err)
	m.SetAmount(9000)
	_, err = m.ApproveAsAt(t0.Add(20*time.Minute), "meg", RoleManager, "second repair failed")
	require.NoError(t, err)
	_, err = m.FireAt(context.Background(), t0.Add(30*time.Minute), ComplaintHandle, By{Actor: "ann"})
	require.NoError(t, err)
	return m
}

func TestSnapshotV2Golden(t *testing.T) {
	m := busyAuthorityComplaint(t)
	snap := m.Snapshot()
	assert.Equal(t, SnapshotVersion, snap.Version)
	assert.Equal(t, Request{Type: "refund", Urgency: "urgent"}, snap.Request)
	require.Len(t, snap.ReplacedApprovals, 1)
	assert.Equal(t, RoleManager, snap.Approval.Role)
	data, err := json.MarshalIndent(snap, "", "  ")
	require.NoError(t, err)
	golden(t, "snapshot_v2.golden.json", string(data)+"\n")

	raw, err := os.ReadFile(filepath.Join("testdata", "snapshot_v2.golden.json"))
	require.NoError(t, err)
	var back Snapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	r, err := Restore(back, WithDefinition(m.Definition()))
	require.NoError(t, err)
	again, err := json.MarshalIndent(r.Snapshot(), "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(again)+"\n")
	assert.Equal(t, m.Approvals(), r.Approvals())
	assert.Equal(t, m.Request(), r.Request())
	assert.Equal(t, m.LastRecorded(), r.LastRecorded())

	// A version 1 reader's refusal: version 1 cannot carry any of it.
	v1 := strings.Replace(string(raw), `"version": 2,`, `"version": 1,`, 1)
	require.NoError(t, json.Unmarshal([]byte(v1), &back))
	_, err = Restore(back, WithDefinition(m.Definition()))
	require.ErrorIs(t, err, ErrInvalidSnapshot)
	for _, p := range []string{"request", "replaced_approvals", "approval.role"} {
		assert.ErrorContains(t, err, "fsm: "+p+": a version 1 snapshot carries no ")
	}
}

// A machine without what version 2 added snapshots as version 1, whatever
// version it was restored from.
func TestSnapshotWritesTheFirstVersionThatHoldsIt(t *testing.T) {
	snap := busyComplaint(t).Snapshot()
	assert.Equal(t, SnapshotVersion1, snap.Version)
	snap.Version = SnapshotVersion
	r, err := Restore(snap, WithDefinition(busyComplaint(t).Definition()))
	require.NoError(t, err)
	assert.Equal(t, SnapshotVersion1, r.Snapshot().Version)
	r.SetRequest(Request{Urgency: "urgent"})
	assert.Equal(t, SnapshotVersion, r.Snapshot().Version)
}

func TestRestoreRefusesBadApprovals(t *testing.T) {
	busy := busyAuthorityComplaint(t)
	tests := []struct {
		name      string
		mutate    func(*Snapshot)
		want      string
		backwards bool
	}{
		{"replaced approvals without a current one", func(s *Snapshot) { s.Approval = nil },
			"approval: 1 replaced approvals but no current one", false},
		{"replaced approval without approver", func(s *Snapshot) { s.ReplacedApprovals[0].Approver = "" },
			"replaced_approvals[0].approver: approval of 4000 with no approver", false},
		{"current before replaced", func(s *Snapshot) { s.Approval.At = t0.Add(time.Minute) }, "approval.at:", true},
		{"replaced at the zero instant", func(s *Snapshot) { s.ReplacedApprovals[0].At = time.Time{} },
			"replaced_approvals[0].at: zero instant", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := busy.Snapshot()
			tt.mutate(&snap)
			_, err := Restore(snap, WithDefinition(busy.Definition()))
			require.ErrorIs(t, err, ErrInvalidSnapshot)
			assert.ErrorContains(t, err, "fsm: "+tt.want)
			assert.Equal(t, tt.backwards, errorIs(err, ErrTimeBackwards))
		})
	}

	// Approvals after a terminal state, replaced ones too.
	d, err := NewDefinition(Spec{Initial: "a", States: []State{"a", "z"}, Terminal: []State{"z"},
		Transitions: []Transition{{Event: "end", From: []State{"a"}, To: "z"}}})
	require.NoError(t, err)
	m, err := NewMachine(d)
	require.NoError(t, err)
	_, err = m.FireAt(context.Background(), t0, "end", By{})
	require.NoError(t, err)
	snap := m.Snapshot()
	snap.Version = SnapshotVersion
	snap.ReplacedApprovals = []Approval{{Approver: "x", At: t0.Add(time.Hour)}}
	snap.Approval = &Approval{Approver: "y", At: t0.Add(2 * time.Hour)}
	_, err = Restore(snap, WithDefinition(d))
	assert.ErrorContains(t, err, "fsm: replaced_approvals[0].at: ")
	assert.ErrorContains(t, err, "fsm: approval.at: ")
}
