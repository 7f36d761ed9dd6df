package fsm

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// auditSnapshots: C-1 approved by sam then meg (replacing sam's), C-2 by
// sam without a role, C-3 by sam beyond a supervisor's refund limit, C-4
// never approved.
func auditSnapshots(t *testing.T) []Snapshot {
	t.Helper()
	mk := func(id string, amount int64, req Request) *Machine {
		m, err := NewMachine(TicketDefinition(), WithID(id), WithAmount(amount), WithRequest(req))
		require.NoError(t, err)
		return m
	}
	approve := func(m *Machine, min int, who string, role Role) {
		var err error
		if role == "" {
			_, err = m.ApproveAt(at(min), who, "")
		} else {
			_, err = m.ApproveAsAt(at(min), who, role, "")
		}
		require.NoError(t, err)
	}
	c1 := mk("C-1", 3000, Request{Type: "refund"})
	approve(c1, 10, "sam", RoleSupervisor)
	c1.SetAmount(30000)
	approve(c1, 70, "meg", RoleManager)
	c2 := mk("C-2", 6000, Request{})
	approve(c2, 30, "sam", "")
	c3 := mk("C-3", 12000, Request{Type: "refund"})
	approve(c3, 10, "sam", RoleSupervisor)
	c4 := mk("C-4", 100, Request{})
	return []Snapshot{c1.Snapshot(), c2.Snapshot(), c3.Snapshot(), c4.Snapshot()}
}

func TestAuditApprovals(t *testing.T) {
	snaps := auditSnapshots(t)
	all, err := AuditApprovals(ApprovalQuery{}, slices.Values(snaps))
	require.NoError(t, err)
	var got [][3]any
	for _, e := range all.Approvals {
		got = append(got, [3]any{e.Machine, e.Approver, e.Replaced})
	}
	assert.Equal(t, [][3]any{{"C-1", "sam", true}, {"C-3", "sam", false}, {"C-2", "sam", false}, {"C-1", "meg", false}}, got,
		"by time, then machine")
	assert.Equal(t, []ApproverSummary{
		{Approver: "meg", Count: 1, Total: 30000, Largest: 30000},
		{Approver: "sam", Count: 3, Total: 21000, Largest: 12000},
	}, all.Approvers)
	assert.Equal(t, Request{Type: "refund"}, all.Approvals[0].Request)

	// One approver, one period: [09:10, 09:30).
	q := ApprovalQuery{Approver: "sam", From: at(10), To: at(30)}
	part, err := AuditApprovals(q, slices.Values(snaps))
	require.NoError(t, err)
	assert.Equal(t, q, part.Query)
	require.Len(t, part.Approvals, 2)
	assert.Equal(t, []ApproverSummary{{Approver: "sam", Count: 2, Total: 15000, Largest: 12000}}, part.Approvers)

	none, err := AuditApprovals(ApprovalQuery{Approver: "nobody"}, slices.Values(snaps))
	require.NoError(t, err)
	assert.Empty(t, none.Approvals)
	assert.NotNil(t, none.Approvers)
}

func TestAuthorityAudit(t *testing.T) {
	rep, err := deskAuthority(t).Audit(ApprovalQuery{}, slices.Values(auditSnapshots(t)))
	require.NoError(t, err)
	beyond := map[string][2]any{}
	for _, e := range rep.Approvals {
		beyond[e.Machine+"/"+e.Approver] = [2]any{e.Beyond, e.Need}
	}
	assert.Equal(t, map[string][2]any{
		"C-1/sam": {false, Role("")},      // 3,000 refund: within a supervisor's 10,000
		"C-1/meg": {false, Role("")},      // 30,000 refund: a manager's 50,000
		"C-2/sam": {true, RoleSupervisor}, // no role recorded
		"C-3/sam": {true, RoleManager},    // 12,000 refund: above a supervisor's 10,000
	}, beyond)
	assert.Equal(t, 2, rep.Approvers[1].Beyond)
	assert.Zero(t, rep.Approvers[0].Beyond)
}

func TestAuditApprovalsErrors(t *testing.T) {
	_, err := AuditApprovals(ApprovalQuery{From: at(10), To: at(5)}, slices.Values([]Snapshot(nil)))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, "fsm: to: ")
	assert.NoError(t, ApprovalQuery{From: at(10), To: at(10)}.Validate())

	huge := []Snapshot{
		{ID: "a", Approval: &Approval{Approver: "x", Amount: math.MaxInt64, At: t0}},
		{ID: "b", Approval: &Approval{Approver: "x", Amount: 1, At: t0.Add(time.Second)}},
		{ID: "c", Approval: &Approval{Approver: "x", Amount: 1, At: t0.Add(2 * time.Second)}},
	}
	_, err = AuditApprovals(ApprovalQuery{}, slices.Values(huge))
	require.ErrorIs(t, err, ErrInvalidArgument)
	assert.EqualError(t, err, `fsm: invalid argument: the approvals of "x" add up to more than an int64 holds`)
}

func TestApprovalQueryMatch(t *testing.T) {
	a := Approval{Approver: "sam", At: at(10)}
	tests := []struct {
		q    ApprovalQuery
		want bool
	}{
		{ApprovalQuery{}, true},
		{ApprovalQuery{Approver: "sam"}, true},
		{ApprovalQuery{Approver: "meg"}, false},
		{ApprovalQuery{From: at(10)}, true},
		{ApprovalQuery{From: at(11)}, false},
		{ApprovalQuery{To: at(10)}, false},
		{ApprovalQuery{To: at(11)}, true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.q.Match(a), "%+v", tt.q)
	}
}
