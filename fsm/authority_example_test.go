package fsm_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
)

// Authority by role: limits per request type and urgency for agents,
// supervisors and managers. The complaint's approval guard checks that
// the approver's role may approve the amount.
func ExampleAuthority() {
	auth, err := fsm.NewAuthority(fsm.AuthorityMatrix{
		Roles: fsm.DefaultRoles(), // agent, supervisor, manager
		Rules: []fsm.AuthorityRule{
			{Limits: []fsm.RoleLimit{{Role: fsm.RoleAgent, Limit: 5000}, {Role: fsm.RoleSupervisor, Limit: 20000}, {Role: fsm.RoleManager, Unlimited: true}}},
			{Type: "refund", Urgency: "urgent", Limits: []fsm.RoleLimit{{Role: fsm.RoleAgent, Limit: 2000}, {Role: fsm.RoleManager, Unlimited: true}}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	def := fsm.MustDefinition(fsm.ComplaintSpecWithAuthority(auth))
	m, _ := fsm.NewMachine(def, fsm.WithClock(fakeClock()), fsm.WithID("C-9"), fsm.WithAmount(8000),
		fsm.WithRequest(fsm.Request{Type: "refund", Urgency: "urgent"}))
	ctx := context.Background()
	_, _ = m.Fire(ctx, fsm.ComplaintInvestigate, fsm.By{Actor: "ann"})
	for _, it := range []string{fsm.ItemCustomerIdentity, fsm.ItemOrderInformation, fsm.ItemProblemDescription} {
		_, _ = m.Mark(fsm.ThreeVerifications, it, fsm.By{Actor: "ann"})
	}

	need, _ := auth.Needs(m.Request(), m.Amount())
	fmt.Println("needs:", need, "- a supervisor may:", auth.Covers(m.Request(), fsm.RoleSupervisor, m.Amount()))

	_, _ = m.ApproveAs("sam", fsm.RoleSupervisor, "customer is upset")
	_, err = m.Fire(ctx, fsm.ComplaintHandle, fsm.By{Actor: "ann"})
	var ar *fsm.ApprovalRequiredError
	if errors.As(err, &ar) {
		fmt.Println("refused: needs", ar.Need, "- approved by", ar.Approval.Approver, "as", ar.Approval.Role)
	}

	_, _ = m.ApproveAs("meg", fsm.RoleManager, "second failed repair")
	_, err = m.Fire(ctx, fsm.ComplaintHandle, fsm.By{Actor: "ann"})
	fmt.Println(err, m.State())
	// Output:
	// needs: manager - a supervisor may: false
	// refused: needs manager - approved by sam as supervisor
	// <nil> handling
}

// The periodic audit: every approval one approver gave in a period, across
// many machines, replaced approvals included, checked against the matrix.
func ExampleAuthority_Audit() {
	auth, _ := fsm.NewAuthority(fsm.SingleLimitMatrix(fsm.DefaultApprovalLimit))
	clk := fakeClock()
	var machines []*fsm.Machine
	for i, amount := range []int64{6000, 9000, 7000} {
		m, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithClock(clk), fsm.WithID(fmt.Sprint("T-", i+1)), fsm.WithAmount(amount))
		if i == 1 {
			_, _ = m.Approve("sam", "no role recorded")
		} else {
			_, _ = m.ApproveAs("sam", fsm.RoleSupervisor, "")
		}
		clk.Add(24 * time.Hour)
		machines = append(machines, m)
	}
	snaps := func(yield func(fsm.Snapshot) bool) {
		for _, m := range machines {
			if !yield(m.Snapshot()) {
				return
			}
		}
	}
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	rep, _ := auth.Audit(fsm.ApprovalQuery{Approver: "sam", From: start, To: start.AddDate(0, 0, 2)}, snaps)
	for _, a := range rep.Approvals {
		fmt.Println(a.At.Format("Jan 2"), a.Machine, a.Amount, a.Role, "beyond:", a.Beyond)
	}
	for _, s := range rep.Approvers {
		fmt.Printf("%s: %d approvals, %d in all, %d beyond authority\n", s.Approver, s.Count, s.Total, s.Beyond)
	}
	// Output:
	// Mar 2 T-1 6000 supervisor beyond: false
	// Mar 3 T-2 9000  beyond: true
	// sam: 2 approvals, 15000 in all, 1 beyond authority
}
