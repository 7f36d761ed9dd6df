package fsm

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deskMatrix: the catch-all rule, refunds (lower limits), urgent refunds
// (no supervisor) and urgent requests of any type.
func deskMatrix() AuthorityMatrix {
	return AuthorityMatrix{
		Roles: DefaultRoles(),
		Rules: []AuthorityRule{
			{Limits: []RoleLimit{{Role: RoleAgent, Limit: 5000}, {Role: RoleSupervisor, Limit: 20000}, {Role: RoleManager, Unlimited: true}}},
			{Type: "refund", Limits: []RoleLimit{{Role: RoleAgent, Limit: 2000}, {Role: RoleSupervisor, Limit: 10000}, {Role: RoleManager, Limit: 50000}}},
			{Type: "refund", Urgency: "urgent", Limits: []RoleLimit{{Role: RoleManager, Unlimited: true}, {Role: RoleAgent, Limit: 5000}}},
			{Urgency: "urgent", Limits: []RoleLimit{{Role: RoleAgent, Limit: 8000}, {Role: RoleSupervisor, Limit: 30000}, {Role: RoleManager, Unlimited: true}}},
		},
	}
}

func deskAuthority(t testing.TB) *Authority {
	t.Helper()
	a, err := NewAuthority(deskMatrix())
	require.NoError(t, err)
	return a
}

func TestAuthorityMatrixValidate(t *testing.T) {
	m := AuthorityMatrix{
		Roles: []Role{RoleAgent, "", RoleAgent, RoleManager},
		Rules: []AuthorityRule{
			{Limits: []RoleLimit{{Role: RoleAgent, Limit: 100}, {Role: RoleManager, Limit: 50}}},
			{Type: "refund", Limits: []RoleLimit{{Role: RoleManager, Limit: -1}, {Role: "ceo", Unlimited: true}, {Role: RoleManager, Limit: 5}}},
			{Limits: []RoleLimit{{Role: RoleAgent, Unlimited: true, Limit: 3}, {Role: RoleManager, Limit: 10}}},
		},
	}
	err := m.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{
		"fsm: roles[1]: empty role",
		`fsm: roles[2]: role "agent" again (also roles[0])`,
		`fsm: rules[0].limits[1]: "manager" may approve less than "agent" below it`,
		"fsm: rules[1].limits[0].limit: negative limit -1",
		`fsm: rules[1].limits[1].role: unknown role "ceo"`,
		`fsm: rules[1].limits[2].role: role "manager" again`,
		`fsm: rules[1].limits: no limit for the first role "agent" (the amount handled without approval)`,
		`fsm: rules[2]: type "" and urgency "" again (also rules[0])`,
		"fsm: rules[2].limits[0].limit: limit 3 on an unlimited role",
		`fsm: rules[2].limits[1]: "manager" may approve less than "agent" below it`,
	} {
		assert.ErrorContains(t, err, want)
	}
	assert.ErrorContains(t, AuthorityMatrix{}.Validate(), "fsm: roles: no roles")
	assert.ErrorContains(t, AuthorityMatrix{}.Validate(), "fsm: rules: no rules")
	_, err = NewAuthority(m)
	assert.ErrorIs(t, err, ErrInvalidConfig)
	require.NoError(t, deskMatrix().Validate())
	require.NoError(t, SingleLimitMatrix(DefaultApprovalLimit).Validate())
}

func TestAuthorityRules(t *testing.T) {
	a := deskAuthority(t)
	tests := []struct {
		req        Request
		rule       int
		agent, sup int64 // -1: no authority, 0 with unlimited below
	}{
		{Request{}, 0, 5000, 20000},
		{Request{Type: "goodwill"}, 0, 5000, 20000},
		{Request{Type: "refund"}, 1, 2000, 10000},
		{Request{Type: "refund", Urgency: "normal"}, 1, 2000, 10000},
		{Request{Type: "refund", Urgency: "urgent"}, 2, 5000, -1},
		{Request{Type: "goodwill", Urgency: "urgent"}, 3, 8000, 30000},
		{Request{Urgency: "urgent"}, 3, 8000, 30000},
	}
	for _, tt := range tests {
		r, ok := a.Rule(tt.req)
		require.True(t, ok)
		assert.Equal(t, deskMatrix().Rules[tt.rule], r, "%+v", tt.req)
		l, ok := a.Limit(tt.req, RoleAgent)
		assert.True(t, ok)
		assert.Equal(t, tt.agent, l.Limit)
		l, ok = a.Limit(tt.req, RoleSupervisor)
		if tt.sup < 0 {
			assert.False(t, ok, "%+v", tt.req)
		} else {
			assert.Equal(t, tt.sup, l.Limit)
		}
	}
	// The matrix is copied in and out.
	m := a.Matrix()
	m.Rules[0].Limits[0].Limit = 1
	l, _ := a.Limit(Request{}, RoleAgent)
	assert.Equal(t, int64(5000), l.Limit)

	narrow, err := NewAuthority(AuthorityMatrix{Roles: DefaultRoles(), Rules: []AuthorityRule{{Type: "refund", Limits: []RoleLimit{{Role: RoleAgent}}}}})
	require.NoError(t, err)
	_, ok := narrow.Rule(Request{Type: "goodwill"})
	assert.False(t, ok)
	_, err = narrow.Needs(Request{Type: "goodwill"}, 1)
	assert.ErrorIs(t, err, ErrNoAuthority)
	assert.EqualError(t, err, `fsm: no authority rule for the request: for request type "goodwill"`)
}

func TestAuthorityNeedsAndCovers(t *testing.T) {
	a := deskAuthority(t)
	refund := Request{Type: "refund"}
	urgentRefund := Request{Type: "refund", Urgency: "urgent"}
	tests := []struct {
		req    Request
		amount int64
		need   Role
		none   bool
	}{
		{refund, 2000, "", false},
		{refund, 2001, RoleSupervisor, false},
		{refund, 10000, RoleSupervisor, false},
		{refund, 10001, RoleManager, false},
		{refund, 50001, "", true},
		{urgentRefund, 5001, RoleManager, false},
		{Request{}, 1 << 62, RoleManager, false},
		{Request{}, -5, "", false},
	}
	for _, tt := range tests {
		need, err := a.Needs(tt.req, tt.amount)
		if tt.none {
			assert.ErrorIs(t, err, ErrNoAuthority)
			assert.ErrorContains(t, err, "above every role's limit")
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.need, need, "%+v %d", tt.req, tt.amount)
		if need != "" {
			assert.True(t, a.Covers(tt.req, need, tt.amount))
		}
	}
	assert.False(t, a.Covers(urgentRefund, RoleSupervisor, 1))
	assert.False(t, a.Covers(refund, "", 1))
	assert.True(t, a.Covers(refund, RoleManager, 50000))
	assert.False(t, a.Covers(refund, RoleManager, 50001))
}

// complaintWith returns a complaint under the desk matrix, investigated and
// verified, with the given amount and request.
func complaintWith(t *testing.T, a *Authority, amount int64, req Request) *Machine {
	t.Helper()
	def, err := NewDefinition(ComplaintSpecWithAuthority(a))
	require.NoError(t, err)
	m, err := NewMachine(def, WithClock(mockClock()), WithAmount(amount), WithRequest(req))
	require.NoError(t, err)
	fireAll(t, m, ComplaintInvestigate)
	verifyAll(t, m)
	return m
}

func TestAuthorityGuard(t *testing.T) {
	a := deskAuthority(t)
	refund := Request{Type: "refund"}
	tests := []struct {
		name     string
		amount   int64
		req      Request
		approver Role // "" with approved: Approve without a role
		approved int64
		ok       bool
		need     Role
	}{
		{"agent handles within the limit", 2000, refund, "", 0, true, ""},
		{"above the agent's limit, no approval", 2001, refund, "", 0, false, RoleSupervisor},
		{"supervisor within limit", 9000, refund, RoleSupervisor, 9000, true, ""},
		{"supervisor above limit", 12000, refund, RoleSupervisor, 12000, false, RoleManager},
		{"manager", 12000, refund, RoleManager, 12000, true, ""},
		{"approval of a smaller amount", 12000, refund, RoleManager, 11000, false, RoleManager},
		{"approval without a role", 3000, refund, "-", 3000, false, RoleSupervisor},
		{"agent approving does not help", 3000, refund, RoleAgent, 3000, false, RoleSupervisor},
		{"unknown role", 3000, refund, "ceo", 3000, false, RoleSupervisor},
		{"urgent refund: no supervisor authority", 6000, Request{Type: "refund", Urgency: "urgent"}, RoleSupervisor, 6000, false, RoleManager},
		{"urgent goodwill: supervisor to 30,000", 25000, Request{Type: "goodwill", Urgency: "urgent"}, RoleSupervisor, 25000, true, ""},
		{"above everyone", 60000, refund, RoleManager, 60000, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := complaintWith(t, a, tt.amount, tt.req)
			if tt.approved > 0 {
				m.SetAmount(tt.approved)
				var err error
				if tt.approver == "-" {
					_, err = m.Approve("sam", "checked")
				} else {
					_, err = m.ApproveAs("sam", tt.approver, "checked")
				}
				require.NoError(t, err)
				m.SetAmount(tt.amount)
			}
			_, err := m.Fire(context.Background(), ComplaintHandle, By{Actor: "ann"})
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, ComplaintHandling, m.State())
				return
			}
			require.ErrorIs(t, err, ErrApprovalRequired)
			var ar *ApprovalRequiredError
			require.ErrorAs(t, err, &ar)
			assert.Equal(t, tt.amount, ar.Amount)
			assert.Equal(t, tt.need, ar.Need)
			assert.Equal(t, tt.req, ar.Request)
			assert.Equal(t, tt.approved > 0, ar.Approval != nil)
			var ge *GuardError
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, "authority", ge.Guard)
			assert.Equal(t, ComplaintInvestigating, m.State())
		})
	}
}

func TestAuthorityGuardMessages(t *testing.T) {
	a := deskAuthority(t)
	m := complaintWith(t, a, 12000, Request{Type: "refund"})
	_, err := m.ApproveAs("sam", RoleSupervisor, "ok")
	require.NoError(t, err)
	_, err = m.Fire(context.Background(), ComplaintHandle, By{})
	assert.EqualError(t, err, `fsm: guard "authority" refused event "handle" (investigating -> handling): fsm: amount 12000 for request type "refund" `+
		`is above the limit 2000 handled without approval and needs the approval of a manager or above; the approval of 12000 by "sam" (supervisor) does not cover it`)
	m.SetAmount(1 << 40)
	_, err = m.Fire(context.Background(), ComplaintHandle, By{})
	assert.ErrorContains(t, err, "and above every role's limit")

	narrow, err := NewAuthority(AuthorityMatrix{Roles: DefaultRoles(), Rules: []AuthorityRule{{Type: "refund", Limits: []RoleLimit{{Role: RoleAgent}}}}})
	require.NoError(t, err)
	m = complaintWith(t, narrow, 0, Request{})
	_, err = m.Fire(context.Background(), ComplaintHandle, By{})
	assert.ErrorIs(t, err, ErrNoAuthority)
	assert.ErrorIs(t, err, ErrGuardRefused)
	assert.ErrorContains(t, err, "for an unclassified request")

	_, err = NewDefinition(ComplaintSpecWithAuthority(nil))
	assert.ErrorIs(t, err, ErrInvalidDefinition)
}

// RequireApproval(limit) decides as the authority guard of
// SingleLimitMatrix(limit) does when the approvals are a supervisor's.
func TestRequireApprovalIsTheSingleLimitCase(t *testing.T) {
	a, err := NewAuthority(SingleLimitMatrix(DefaultApprovalLimit))
	require.NoError(t, err)
	legacy := RequireApproval(DefaultApprovalLimit)
	matrix := a.Guard()
	for _, amount := range []int64{-1, 0, 4999, 5000, 5001, 1 << 50} {
		for _, approved := range []int64{0, 4999, 5000, 5001, 1 << 50} {
			m, err := NewMachine(TicketDefinition(), WithClock(mockClock()), WithAmount(approved))
			require.NoError(t, err)
			if approved > 0 {
				_, err = m.ApproveAs("sup", RoleSupervisor, "")
				require.NoError(t, err)
			}
			m.SetAmount(amount)
			v := View{m: m}
			e1, e2 := legacy.Check(context.Background(), v), matrix.Check(context.Background(), v)
			assert.Equal(t, e1 == nil, e2 == nil, "amount %d approved %d", amount, approved)
		}
	}
}

func TestApprovalsHistory(t *testing.T) {
	m, err := NewMachine(TicketDefinition(), WithClock(mockClock()), WithAmount(100))
	require.NoError(t, err)
	_, ok := m.Approval()
	assert.False(t, ok)
	_, err = m.ApproveAs("sam", "", "x")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	_, err = m.ApproveAsAt(t0, "sam", "", "x")
	assert.ErrorIs(t, err, ErrInvalidArgument)
	_, err = m.ApproveAs("", RoleSupervisor, "x")
	assert.ErrorIs(t, err, ErrInvalidArgument)

	a1, err := m.Approve("sam", "first")
	require.NoError(t, err)
	m.SetAmount(300)
	a2, err := m.ApproveAsAt(t0.Add(time.Hour), "meg", RoleManager, "raised")
	require.NoError(t, err)
	assert.Equal(t, Approval{Approver: "meg", Role: RoleManager, Amount: 300, Reason: "raised", At: t0.Add(time.Hour)}, a2)
	cur, ok := m.Approval()
	require.True(t, ok)
	assert.Equal(t, a2, cur)
	assert.Equal(t, []Approval{a1, a2}, m.Approvals())
	_, err = m.ApproveAsAt(t0, "meg", RoleManager, "late")
	assert.ErrorIs(t, err, ErrTimeBackwards)

	m.SetRequest(Request{Type: "refund"})
	assert.Equal(t, Request{Type: "refund"}, m.Request())
	m.SetRequest(Request{})
	assert.Equal(t, Request{}, m.Request())
}
