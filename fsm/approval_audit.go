package fsm

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// ApprovalQuery selects the approvals of a periodic audit: those given by
// Approver (every approver when empty) at or after From and before To
// (either bound may be zero: no bound).
type ApprovalQuery struct {
	Approver string    `json:"approver,omitempty"`
	From     time.Time `json:"from,omitzero"`
	To       time.Time `json:"to,omitzero"`
}

// Validate reports a period that ends before it starts (a *FieldError
// matching ErrInvalidConfig at "to").
func (q ApprovalQuery) Validate() error {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return sqerr.Field(ErrInvalidConfig, "to", "%v is before from %v", q.To, q.From)
	}
	return nil
}

// Match reports whether the query selects a.
func (q ApprovalQuery) Match(a Approval) bool {
	return (q.Approver == "" || a.Approver == q.Approver) &&
		(q.From.IsZero() || !a.At.Before(q.From)) && (q.To.IsZero() || a.At.Before(q.To))
}

// AuditedApproval is one approval found by an audit, with the machine it
// was given on.
type AuditedApproval struct {
	// Machine is the machine's ID; Request its request classification.
	Machine string  `json:"machine"`
	Request Request `json:"request,omitzero"`
	Approval
	// Replaced is set when a later approval replaced this one.
	Replaced bool `json:"replaced,omitempty"`
	// Beyond is set by Authority.Audit when the approver's role (or the
	// lack of one) has no authority for the amount under the matrix; Need
	// is then the lowest role that has (empty if none has).
	Beyond bool `json:"beyond,omitempty"`
	Need   Role `json:"need,omitempty"`
}

// ApproverSummary totals one approver's approvals in an audit.
type ApproverSummary struct {
	Approver string `json:"approver"`
	Count    int    `json:"count"`
	Total    int64  `json:"total"`
	Largest  int64  `json:"largest"`
	// Beyond counts the approvals beyond the approver's authority
	// (Authority.Audit only).
	Beyond int `json:"beyond,omitempty"`
}

// ApprovalAudit lists the approvals a query selects across many machines,
// ordered by time (then machine and approver), and totals them per
// approver, ordered by approver.
type ApprovalAudit struct {
	Query     ApprovalQuery     `json:"query"`
	Approvals []AuditedApproval `json:"approvals"`
	Approvers []ApproverSummary `json:"approvers"`
}

// AuditApprovals lists, across the machines snaps holds (stored snapshots,
// or Machine.Snapshot of live machines), every approval the query selects,
// replaced approvals included, and totals them per approver. It returns an
// error for an invalid query, or matching ErrInvalidArgument when an
// approver's total does not fit in an int64.
func AuditApprovals(q ApprovalQuery, snaps iter.Seq[Snapshot]) (ApprovalAudit, error) {
	return audit(q, snaps, nil)
}

// Audit is AuditApprovals that also checks each approval against the
// matrix: an approval whose role (or lack of one, for Approve) may not
// approve its amount for the machine's request is marked Beyond, with the
// role it needed, and counted in its approver's summary.
func (a *Authority) Audit(q ApprovalQuery, snaps iter.Seq[Snapshot]) (ApprovalAudit, error) {
	return audit(q, snaps, a)
}

func audit(q ApprovalQuery, snaps iter.Seq[Snapshot], auth *Authority) (ApprovalAudit, error) {
	if err := q.Validate(); err != nil {
		return ApprovalAudit{}, err
	}
	out := ApprovalAudit{Query: q, Approvals: []AuditedApproval{}, Approvers: []ApproverSummary{}}
	for s := range snaps {
		n := len(s.ReplacedApprovals)
		for i := range n + 1 {
			ap := s.Approval
			if i < n {
				ap = &s.ReplacedApprovals[i]
			}
			if ap == nil || !q.Match(*ap) {
				continue
			}
			e := AuditedApproval{Machine: s.ID, Request: s.Request, Approval: *ap, Replaced: i < n}
			if auth != nil && !auth.Covers(s.Request, ap.Role, ap.Amount) {
				e.Beyond = true
				if r, ok := auth.rule(s.Request); ok {
					e.Need = auth.lowest(r, ap.Amount)
				}
			}
			out.Approvals = append(out.Approvals, e)
		}
	}
	slices.SortStableFunc(out.Approvals, func(x, y AuditedApproval) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.Machine, y.Machine), cmp.Compare(x.Approver, y.Approver))
	})
	by := map[string]*ApproverSummary{}
	var errs []error
	for _, e := range out.Approvals {
		sum := by[e.Approver]
		if sum == nil {
			sum = &ApproverSummary{Approver: e.Approver, Largest: math.MinInt64}
			by[e.Approver] = sum
		}
		if sum.Count < 0 {
			continue // its total already overflowed
		}
		if e.Amount > 0 && sum.Total > math.MaxInt64-e.Amount || e.Amount < 0 && sum.Total < math.MinInt64-e.Amount {
			errs = append(errs, fmt.Errorf("%w: the approvals of %q add up to more than an int64 holds", ErrInvalidArgument, e.Approver))
			sum.Count = -1
			continue
		}
		sum.Count++
		sum.Total += e.Amount
		sum.Largest = max(sum.Largest, e.Amount)
		if e.Beyond {
			sum.Beyond++
		}
	}
	if err := errors.Join(errs...); err != nil {
		return ApprovalAudit{}, err
	}
	for _, sum := range by {
		out.Approvers = append(out.Approvers, *sum)
	}
	slices.SortFunc(out.Approvers, func(x, y ApproverSummary) int { return cmp.Compare(x.Approver, y.Approver) })
	return out, nil
}
