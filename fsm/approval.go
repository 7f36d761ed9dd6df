package fsm

import (
	"context"
	"slices"
	"time"
)

// Approval records an approval of an amount: who approved it, in which
// role (empty for an approval recorded with Approve), when and why.
type Approval struct {
	Approver string    `json:"approver"`
	Role     Role      `json:"role,omitempty"`
	Amount   int64     `json:"amount"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
}

// Request classifies what a machine asks to have approved: its type (a
// refund, a compensation, a goodwill gesture) and its urgency, as the
// host names them. An authority matrix sets its limits by them (see
// AuthorityMatrix). The zero value is an unclassified request, which only
// the matrix's catch-all rule covers.
type Request struct {
	Type    string `json:"type,omitempty"`
	Urgency string `json:"urgency,omitempty"`
}

// WithRequest classifies the machine's request (see Request); an
// authority guard looks its limits up by it.
func WithRequest(r Request) Option {
	return func(m *Machine) { m.setRequest(r) }
}

// setRequest keeps the request, nil for the zero value so that an
// unclassified machine stays small.
func (m *Machine) setRequest(r Request) {
	m.req = nil
	if r != (Request{}) {
		m.req = &Request{Type: r.Type, Urgency: r.Urgency} // allocated only here
	}
}

func (m *Machine) request() Request {
	if m.req == nil {
		return Request{}
	}
	return *m.req
}

// Request returns the machine's request classification (see WithRequest).
func (m *Machine) Request() Request { return locked(m, m.request) }

// SetRequest changes the machine's request classification. Like
// SetAmount it records nothing: the guards judge the request as it is when
// a transition is fired.
func (m *Machine) SetRequest(r Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.setRequest(r)
}

// Amount returns the machine's amount (see WithAmount).
func (m *Machine) Amount() int64 { return locked(m, func() int64 { return m.amount }) }

// SetAmount changes the machine's amount. An existing approval keeps
// covering amounts up to the amount it approved; a larger amount needs a
// new approval.
func (m *Machine) SetAmount(amount int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.amount = amount
}

// Approve records approver's approval of the machine's current amount. See
// ApproveAt.
func (m *Machine) Approve(approver string, reason string) (Approval, error) {
	return m.approve(time.Time{}, false, approver, "", reason)
}

// ApproveAt records approver's approval of the machine's current amount at
// time at; it becomes the machine's current approval and the one it
// replaces stays in Approvals. The package does not decide who is a
// supervisor: the host authorises the approver before calling, or records
// the approver's role with ApproveAsAt for an authority guard to check. An
// empty approver returns ErrInvalidArgument; a terminal state ErrTerminal.
// Like every recording operation it refuses a zero instant
// (ErrInvalidArgument) and one before LastRecorded (ErrTimeBackwards).
func (m *Machine) ApproveAt(at time.Time, approver string, reason string) (Approval, error) {
	return m.approve(at, true, approver, "", reason)
}

// ApproveAs records approver's approval, in role, of the machine's current
// amount. See ApproveAsAt.
func (m *Machine) ApproveAs(approver string, role Role, reason string) (Approval, error) {
	if role == "" {
		return Approval{}, ErrInvalidArgument
	}
	return m.approve(time.Time{}, false, approver, role, reason)
}

// ApproveAsAt is ApproveAt recording the role the approver holds, which
// an authority guard (Authority.Guard) checks against its matrix: the
// approval lets a transition through only if the role's limit for the
// machine's request covers the amount. An empty role returns
// ErrInvalidArgument. Use Authority.Covers to check the role before
// recording the approval.
func (m *Machine) ApproveAsAt(at time.Time, approver string, role Role, reason string) (Approval, error) {
	if role == "" {
		return Approval{}, ErrInvalidArgument
	}
	return m.approve(at, true, approver, role, reason)
}

func (m *Machine) approve(at time.Time, explicit bool, approver string, role Role, reason string) (Approval, error) {
	if approver == "" {
		return Approval{}, ErrInvalidArgument
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.def.terminal[m.state] {
		return Approval{}, ErrTerminal
	}
	at, ok := m.stamp(at, explicit)
	if !ok {
		return Approval{}, timeError("approve", at, m.last)
	}
	a := Approval{Approver: approver, Role: role, Amount: m.amount, Reason: reason, At: at}
	m.approvals = append(m.approvals, a)
	m.last = at
	return a, nil
}

// current returns the machine's current approval (nil if none). Called
// with the lock held.
func (m *Machine) current() *Approval {
	if n := len(m.approvals); n > 0 {
		return &m.approvals[n-1]
	}
	return nil
}

// Approval returns the current approval (the latest), if any.
func (m *Machine) Approval() (Approval, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a := m.current(); a != nil {
		return *a, true
	}
	return Approval{}, false
}

// Approvals returns every approval recorded on the machine, oldest first:
// the current one last, the ones it replaced before it (see AuditApprovals).
func (m *Machine) Approvals() []Approval {
	return locked(m, func() []Approval { return slices.Clone(m.approvals) })
}

// RequireApproval returns a guard, named "approval", that refuses a
// transition while the machine's amount is above limit and no approval
// covers it (an approval covers amounts up to the amount it approved). At or
// below the limit the transition goes straight through. The refusal wraps
// an *ApprovalRequiredError.
//
// It is the special case of an authority guard (Authority.Guard) whose
// matrix is SingleLimitMatrix(limit) — one rule for every request, the
// agent handling up to limit, a supervisor approving any amount — except
// that any approver counts as the supervisor, so approvals recorded with
// Approve (no role) are accepted, and limit may be negative.
func RequireApproval(limit int64) Guard {
	a := &Authority{m: SingleLimitMatrix(limit), anyApprover: true}
	a.index()
	return Guard{Name: "approval", Check: func(_ context.Context, v View) error {
		return a.check(v.m.amount, v.m.request(), v.m.current())
	}}
}
