package main

import (
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
)

// The desk's approval authority: who may approve how large a refund, by
// the complaint's cause and urgency. The complaint preset's handle step is
// guarded by the matrix (fsm.ComplaintSpecWithAuthority): front-line agents
// handle refunds up to their limit, a senior agent approves as supervisor
// up to the supervisor's limit and the service manager above it. At month
// end the approvals are audited by approver against the same matrix.

// Urgency classes of a refund request: complaints on the phone fast track
// are urgent.
const (
	urgencyUrgent = "urgent"
	urgencyNormal = "normal"
)

// deskManager approves the refunds above a supervisor's limit.
const deskManager = "service-manager"

// deskAuthority is the desk's matrix, in yuan:
//   - any refund: agents handle up to 5,000, supervisors approve up to
//     20,000, the manager anything;
//   - urgent (the phone fast track): supervisors only up to 10,000, as a
//     quick decision on a large refund is the manager's;
//   - service-process complaints (goodwill for poor service, not the value
//     of goods): agents up to 2,000, supervisors up to 5,000.
func deskAuthority() fsm.AuthorityMatrix {
	limits := func(agent, supervisor int64) []fsm.RoleLimit {
		return []fsm.RoleLimit{{Role: fsm.RoleAgent, Limit: agent}, {Role: fsm.RoleSupervisor, Limit: supervisor},
			{Role: fsm.RoleManager, Unlimited: true}}
	}
	return fsm.AuthorityMatrix{Roles: fsm.DefaultRoles(), Rules: []fsm.AuthorityRule{
		{Limits: limits(5000, 20000)},
		{Urgency: urgencyUrgent, Limits: limits(5000, 10000)},
		{Type: feedback.CategoryServiceProcess, Limits: limits(2000, 5000)},
	}}
}

// approvals is the adapter between the desk and fsm's authority: the
// matrix, the complaint definition whose handle step it guards, how a
// complaint's refund is classified, and the month's audit.
type approvals struct {
	auth *fsm.Authority
	def  *fsm.Definition
}

func newApprovals(m fsm.AuthorityMatrix) (*approvals, error) {
	auth, err := fsm.NewAuthority(m)
	if err != nil {
		return nil, err
	}
	def, err := fsm.NewDefinition(fsm.ComplaintSpecWithAuthority(auth))
	if err != nil {
		return nil, err
	}
	return &approvals{auth: auth, def: def}, nil
}

// request classifies a complaint's refund: its type is the complaint's
// cause, its urgency the fast track's.
func (ap *approvals) request(channel, category string) fsm.Request {
	u := urgencyNormal
	if channel == "phone" {
		u = urgencyUrgent
	}
	return fsm.Request{Type: category, Urgency: u}
}

// needs returns the lowest role that must approve m's refund, "" when the
// front line handles it.
func (ap *approvals) needs(m *fsm.Machine) (fsm.Role, error) {
	return ap.auth.Needs(m.Request(), m.Amount())
}

// covers reports whether role may approve m's refund.
func (ap *approvals) covers(m *fsm.Machine, role fsm.Role) bool {
	return ap.auth.Covers(m.Request(), role, m.Amount())
}

// approve records approver's approval in role, checked against the matrix
// first: an approval beyond the role's authority is refused here rather
// than recorded and refused later by the guard.
func (ap *approvals) approve(at time.Time, m *fsm.Machine, approver string, role fsm.Role) error {
	if !ap.covers(m, role) {
		return fmt.Errorf("%s: a %s may not approve %d for %+v", m.ID(), role, m.Amount(), m.Request())
	}
	_, err := m.ApproveAsAt(at, approver, role, fmt.Sprintf("refund of %d approved", m.Amount()))
	return err
}

// audit lists the approvals given from `from` to `to` on the machines,
// by approver, each checked against the matrix.
func (ap *approvals) audit(from, to time.Time, machines iter.Seq[*fsm.Machine]) (fsm.ApprovalAudit, error) {
	return ap.auth.Audit(fsm.ApprovalQuery{From: from, To: to}, func(yield func(fsm.Snapshot) bool) {
		for m := range machines {
			if !yield(m.Snapshot()) {
				return
			}
		}
	})
}

// ApprovalSummary is the month's approvals: the matrix they were judged
// by and the audit by approver.
type ApprovalSummary struct {
	Matrix fsm.AuthorityMatrix `json:"matrix"`
	Audit  fsm.ApprovalAudit   `json:"audit"`
}

// ruleText describes one rule of the matrix for people.
func ruleText(r fsm.AuthorityRule) string {
	var when []string
	if r.Type != "" {
		when = append(when, r.Type)
	}
	if r.Urgency != "" {
		when = append(when, r.Urgency)
	}
	if len(when) == 0 {
		when = append(when, "any refund")
	}
	var lims []string
	for _, l := range r.Limits {
		v := fmt.Sprint(l.Limit)
		if l.Unlimited {
			v = "any amount"
		}
		lims = append(lims, fmt.Sprintf("%s %s", l.Role, v))
	}
	return strings.Join(when, ", ") + ": " + strings.Join(lims, ", ")
}

// authorityLines describes every rule of the month's matrix.
func authorityLines(r *Result) []string {
	var out []string
	for _, rule := range r.Approvals.Matrix.Rules {
		out = append(out, ruleText(rule))
	}
	return out
}

// writeApprovals writes the report's approvals section: the matrix and
// the audit by approver.
func writeApprovals(p *printer, r *Result, ts func(time.Time) string) {
	ap := r.Approvals
	p.section("Approvals")
	for _, rule := range authorityLines(r) {
		p.f("authority %s\n", rule)
	}
	var beyond, replaced int
	for _, a := range ap.Audit.Approvals {
		if a.Beyond {
			beyond++
		}
		if a.Replaced {
			replaced++
		}
	}
	q := ap.Audit.Query
	p.f("audit %s to %s: %d approvals, %d beyond the approver's authority, %d replaced by a later approval\n",
		ts(q.From), ts(q.To), len(ap.Audit.Approvals), beyond, replaced)
	p.f("%-16s %6s %12s %9s %7s\n", "approver", "count", "total", "largest", "beyond")
	for _, s := range ap.Audit.Approvers {
		p.f("%-16s %6d %12d %9d %7d\n", s.Approver, s.Count, s.Total, s.Largest, s.Beyond)
	}
}
