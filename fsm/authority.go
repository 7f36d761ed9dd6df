package fsm

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Role is a level of authority an approver holds, such as RoleSupervisor.
// The zero value names no role.
type Role string

// The role levels of the seeds, lowest authority first.
const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleManager    Role = "manager"
)

// RoleLimit is the largest amount a role may approve under one rule:
// Limit, or any amount when Unlimited.
type RoleLimit struct {
	Role      Role  `json:"role"`
	Limit     int64 `json:"limit,omitempty"`
	Unlimited bool  `json:"unlimited,omitempty"`
}

// covers reports whether the limit covers amount.
func (l RoleLimit) covers(amount int64) bool { return l.Unlimited || amount <= l.Limit }

// AuthorityRule gives the limits of the roles for one kind of request: a
// request type and an urgency, either of which may be empty to mean "any".
// A role the rule does not list has no authority under it.
type AuthorityRule struct {
	Type    string      `json:"type,omitempty"`
	Urgency string      `json:"urgency,omitempty"`
	Limits  []RoleLimit `json:"limits"`
}

// AuthorityMatrix is the approval authority of a desk: the role levels,
// lowest first, and per request type and urgency the largest amount each
// role may approve. The first role is the one that handles a case: amounts
// within its limit need no approval. Above it, an approval is needed from a
// role whose limit covers the amount.
//
// A request is judged by its most specific rule: the rule for its type and
// urgency, else the one for its type (any urgency), else the one for its
// urgency (any type), else the catch-all rule (both empty). A request no
// rule covers is refused (ErrNoAuthority).
type AuthorityMatrix struct {
	Roles []Role          `json:"roles"`
	Rules []AuthorityRule `json:"rules"`
}

// DefaultRoles returns the seeds' role levels: agent, supervisor, manager.
func DefaultRoles() []Role { return []Role{RoleAgent, RoleSupervisor, RoleManager} }

// SingleLimitMatrix returns the matrix of the seeds' approval guard: one
// rule for every request, the agent handling amounts up to limit, a
// supervisor approving any amount. RequireApproval(limit) is its guard,
// with any approver counting as the supervisor.
func SingleLimitMatrix(limit int64) AuthorityMatrix {
	return AuthorityMatrix{Roles: []Role{RoleAgent, RoleSupervisor}, Rules: []AuthorityRule{{Limits: []RoleLimit{
		{Role: RoleAgent, Limit: limit}, {Role: RoleSupervisor, Unlimited: true}}}}}
}

// Validate reports every problem of the matrix at once, joined with
// errors.Join; each is a *FieldError matching ErrInvalidConfig: no roles,
// empty or repeated roles, no rules, two rules for the same type and
// urgency, a rule without a limit for the first role (the handler's limit
// must be stated, 0 if the handler approves nothing), limits naming an
// unknown role or one role twice, negative limits, an unlimited limit with
// an amount, and a role with a lower limit than a role below it.
func (m AuthorityMatrix) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, sqerr.Field(ErrInvalidConfig, path, format, args...))
	}
	if len(m.Roles) == 0 {
		add("roles", "no roles")
	}
	rank := make(map[Role]int, len(m.Roles))
	for i, r := range m.Roles {
		p := fmt.Sprintf("roles[%d]", i)
		if r == "" {
			add(p, "empty role")
		} else if j, dup := rank[r]; dup {
			add(p, "role %q again (also roles[%d])", r, j)
		} else {
			rank[r] = i
		}
	}
	if len(m.Rules) == 0 {
		add("rules", "no rules")
	}
	keys := make(map[Request]int, len(m.Rules))
	for i, rule := range m.Rules {
		p := fmt.Sprintf("rules[%d]", i)
		k := Request{Type: rule.Type, Urgency: rule.Urgency}
		if j, dup := keys[k]; dup {
			add(p, "type %q and urgency %q again (also rules[%d])", rule.Type, rule.Urgency, j)
		} else {
			keys[k] = i
		}
		var listed []int // indexes of the limits of known roles, in role order
		for j, l := range rule.Limits {
			lp := fmt.Sprintf("%s.limits[%d]", p, j)
			_, known := rank[l.Role]
			switch {
			case !known:
				add(lp+".role", "unknown role %q", l.Role)
			case slices.ContainsFunc(rule.Limits[:j], func(o RoleLimit) bool { return o.Role == l.Role }):
				add(lp+".role", "role %q again", l.Role)
				known = false
			}
			if l.Limit < 0 {
				add(lp+".limit", "negative limit %d", l.Limit)
			}
			if l.Unlimited && l.Limit != 0 {
				add(lp+".limit", "limit %d on an unlimited role", l.Limit)
			}
			if known {
				listed = append(listed, j)
			}
		}
		slices.SortFunc(listed, func(x, y int) int { return rank[rule.Limits[x].Role] - rank[rule.Limits[y].Role] })
		handler := len(listed) > 0 && rank[rule.Limits[listed[0]].Role] == 0
		for k := 1; k < len(listed); k++ {
			lo, hi := rule.Limits[listed[k-1]], rule.Limits[listed[k]]
			if !hi.Unlimited && (lo.Unlimited || hi.Limit < lo.Limit) {
				add(fmt.Sprintf("%s.limits[%d]", p, listed[k]), "%q may approve less than %q below it", hi.Role, lo.Role)
			}
		}
		if len(m.Roles) > 0 && !handler {
			add(p+".limits", "no limit for the first role %q (the amount handled without approval)", m.Roles[0])
		}
	}
	return errors.Join(errs...)
}

// Authority is a validated AuthorityMatrix, immutable and safe for
// concurrent use. Its Guard checks the approvals of machines against it;
// Covers, Limit and Needs answer questions about it; Audit checks recorded
// approvals.
type Authority struct {
	m           AuthorityMatrix
	rank        map[Role]int
	rules       map[Request]int
	anyApprover bool // RequireApproval: any approver counts as the top role
}

// NewAuthority validates m (see AuthorityMatrix.Validate) and builds an
// Authority from a deep copy of it.
func NewAuthority(m AuthorityMatrix) (*Authority, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	a := &Authority{m: cloneMatrix(m)}
	a.index()
	return a, nil
}

func cloneMatrix(m AuthorityMatrix) AuthorityMatrix {
	m.Roles = slices.Clone(m.Roles)
	m.Rules = slices.Clone(m.Rules)
	for i := range m.Rules {
		m.Rules[i].Limits = slices.Clone(m.Rules[i].Limits)
	}
	return m
}

func (a *Authority) index() {
	a.rank = make(map[Role]int, len(a.m.Roles))
	for i, r := range a.m.Roles {
		a.rank[r] = i
	}
	a.rules = make(map[Request]int, len(a.m.Rules))
	for i, r := range a.m.Rules {
		a.rules[Request{Type: r.Type, Urgency: r.Urgency}] = i
	}
}

// Matrix returns a deep copy of the matrix.
func (a *Authority) Matrix() AuthorityMatrix { return cloneMatrix(a.m) }

// rule returns the most specific rule for req.
func (a *Authority) rule(req Request) (*AuthorityRule, bool) {
	for _, k := range [...]Request{req, {Type: req.Type}, {Urgency: req.Urgency}, {}} {
		if i, ok := a.rules[k]; ok {
			return &a.m.Rules[i], true
		}
	}
	return nil, false
}

// Rule returns the rule that judges req (a copy), and false if none does.
func (a *Authority) Rule(req Request) (AuthorityRule, bool) {
	r, ok := a.rule(req)
	if !ok {
		return AuthorityRule{}, false
	}
	c := *r
	c.Limits = slices.Clone(c.Limits)
	return c, true
}

func limitIn(r *AuthorityRule, role Role) (RoleLimit, bool) {
	for _, l := range r.Limits {
		if l.Role == role {
			return l, true
		}
	}
	return RoleLimit{}, false
}

// Limit returns role's limit for req, and false if no rule covers req or
// the rule gives the role no authority.
func (a *Authority) Limit(req Request, role Role) (RoleLimit, bool) {
	r, ok := a.rule(req)
	if !ok {
		return RoleLimit{}, false
	}
	return limitIn(r, role)
}

// Covers reports whether role may approve amount for req.
func (a *Authority) Covers(req Request, role Role, amount int64) bool {
	l, ok := a.Limit(req, role)
	return ok && l.covers(amount)
}

// Needs returns the lowest role whose limit for req covers amount, or ""
// when the amount is within the first role's limit and needs no approval.
// It returns an error matching ErrNoAuthority when no rule covers req or
// no role may approve the amount.
func (a *Authority) Needs(req Request, amount int64) (Role, error) {
	r, ok := a.rule(req)
	if !ok {
		return "", noRule(req)
	}
	if l, _ := limitIn(r, a.m.Roles[0]); l.covers(amount) {
		return "", nil
	}
	if need := a.lowest(r, amount); need != "" {
		return need, nil
	}
	return "", fmt.Errorf("%w: amount %d%s is above every role's limit", ErrNoAuthority, amount, req.describe())
}

// lowest returns the lowest role of r whose limit covers amount ("" if
// none).
func (a *Authority) lowest(r *AuthorityRule, amount int64) Role {
	best, need := len(a.m.Roles), Role("")
	for _, l := range r.Limits {
		if rk := a.rank[l.Role]; rk < best && l.covers(amount) {
			best, need = rk, l.Role
		}
	}
	return need
}

func noRule(req Request) error {
	return fmt.Errorf("%w:%s", ErrNoAuthority, req.describe())
}

// describe returns " for request type "t", urgency "u"" (parts omitted
// when empty).
func (r Request) describe() string {
	s := ""
	if r.Type != "" {
		s += fmt.Sprintf(" type %q", r.Type)
	}
	if r.Urgency != "" {
		if s != "" {
			s += ","
		}
		s += fmt.Sprintf(" urgency %q", r.Urgency)
	}
	if s == "" {
		return " for an unclassified request"
	}
	return " for request" + s
}

// Guard returns a guard, named "authority", that lets a transition through
// when the machine's amount is within the first role's limit for its
// request (Machine.Request), or when its current approval approved at
// least the amount and was recorded (ApproveAs) by a role whose limit for
// the request covers it. Otherwise it refuses with an
// *ApprovalRequiredError naming the lowest role that may approve, or with
// an error matching ErrNoAuthority when no rule covers the request.
func (a *Authority) Guard() Guard {
	return Guard{Name: "authority", Check: func(_ context.Context, v View) error {
		return a.check(v.m.amount, v.m.request(), v.m.current())
	}}
}

// check is the decision of the guards: amount of a request req, with the
// current approval ap (nil if none).
func (a *Authority) check(amount int64, req Request, ap *Approval) error {
	r, ok := a.rule(req)
	if !ok {
		return noRule(req)
	}
	direct, _ := limitIn(r, a.m.Roles[0])
	if direct.covers(amount) {
		return nil
	}
	if ap != nil && ap.Amount >= amount {
		if a.anyApprover {
			return nil
		}
		if l, ok := limitIn(r, ap.Role); ok && l.covers(amount) {
			return nil
		}
	}
	if a.anyApprover {
		return &ApprovalRequiredError{Amount: amount, Limit: direct.Limit}
	}
	e := &ApprovalRequiredError{Amount: amount, Limit: direct.Limit, Request: req, Need: a.lowest(r, amount), matrix: true}
	if ap != nil {
		c := *ap
		e.Approval = &c
	}
	return e
}
