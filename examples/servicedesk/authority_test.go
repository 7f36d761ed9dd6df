package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
)

// Who must approve a refund, by the complaint's channel (the phone is the
// urgent fast track), its cause and its amount.
func TestDeskAuthorityNeeds(t *testing.T) {
	ap := testApprovals(t)
	tests := []struct {
		channel, category string
		amount            int64
		need              fsm.Role
	}{
		{"chat", feedback.CategoryLogistics, 5000, ""},
		{"chat", feedback.CategoryLogistics, 5001, fsm.RoleSupervisor},
		{"chat", feedback.CategoryLogistics, 20000, fsm.RoleSupervisor},
		{"chat", feedback.CategoryLogistics, 20001, fsm.RoleManager},
		{"phone", feedback.CategoryProductQuality, 10000, fsm.RoleSupervisor},
		{"phone", feedback.CategoryProductQuality, 10001, fsm.RoleManager},
		{"email", feedback.CategoryServiceProcess, 2000, ""},
		{"email", feedback.CategoryServiceProcess, 2001, fsm.RoleSupervisor},
		{"phone", feedback.CategoryServiceProcess, 5001, fsm.RoleManager}, // the type's rule before the urgency's
	}
	for _, tt := range tests {
		m, err := fsm.NewMachine(ap.def, fsm.WithID("C-1"), fsm.WithAmount(tt.amount), fsm.WithRequest(ap.request(tt.channel, tt.category)))
		require.NoError(t, err)
		need, err := ap.needs(m)
		require.NoError(t, err)
		assert.Equal(t, tt.need, need, "%s %s %d", tt.channel, tt.category, tt.amount)
	}
}

// An approval beyond the approver's role is refused before it is
// recorded, and the handle step's guard refuses a complaint that needs an
// approval it does not have.
func TestApprovalWithinAuthority(t *testing.T) {
	ap := testApprovals(t)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	m, err := fsm.NewMachine(ap.def, fsm.WithID("C-1"), fsm.WithAmount(15000), fsm.WithRequest(ap.request("phone", feedback.CategoryLogistics)))
	require.NoError(t, err)
	for _, item := range checklistItems[fsm.ThreeVerifications] {
		_, err := m.MarkAt(at, fsm.ThreeVerifications, item, fsm.By{Actor: "a"})
		require.NoError(t, err)
	}
	_, err = m.FireAt(context.Background(), at, fsm.ComplaintInvestigate, fsm.By{Actor: "a"})
	require.NoError(t, err)
	_, err = m.FireAt(context.Background(), at, fsm.ComplaintHandle, fsm.By{Actor: "a"})
	assert.ErrorIs(t, err, fsm.ErrApprovalRequired)
	assert.Error(t, ap.approve(at, m, "hotline-01", fsm.RoleSupervisor), "urgent: a supervisor approves up to 10,000")
	assert.Empty(t, m.Approvals())
	require.NoError(t, ap.approve(at, m, deskManager, fsm.RoleManager))
	_, err = m.FireAt(context.Background(), at, fsm.ComplaintHandle, fsm.By{Actor: "a"})
	assert.NoError(t, err)
}

// The month's audit: every approval within its approver's authority,
// given by a senior agent as supervisor or by the manager.
func TestApprovalsAudit(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	audit := res.Approvals.Audit
	require.NotEmpty(t, audit.Approvals)
	seniors := map[string]bool{}
	for _, a := range res.Agents {
		seniors[a.Name] = a.Senior
	}
	var count int
	for _, a := range audit.Approvals {
		assert.False(t, a.Beyond, "%s approved %d beyond authority", a.Approver, a.Amount)
		switch a.Role {
		case fsm.RoleSupervisor:
			assert.True(t, seniors[a.Approver], "%s approves as supervisor but is no senior", a.Approver)
		case fsm.RoleManager:
			assert.Equal(t, deskManager, a.Approver)
		default:
			t.Errorf("approval of %s in role %q", a.Machine, a.Role)
		}
	}
	for _, s := range audit.Approvers {
		count += s.Count
	}
	assert.Equal(t, len(audit.Approvals), count, "the approvers' counts add up")
	assert.LessOrEqual(t, len(audit.Approvals), res.Flow.Approvals, "an approval per complaint at most")
}

// testApprovals is the desk's authority for a test.
func testApprovals(t *testing.T) *approvals {
	t.Helper()
	ap, err := newApprovals(deskAuthority())
	require.NoError(t, err)
	return ap
}
