package incentive

import (
	"fmt"
	"time"
)

// Issue records st as issued now. See IssueAt.
func (b *Book) Issue(st Statement) error { return b.IssueAt(b.clock.Now(), st) }

// IssueAt records st as issued at t. The statement must be one this
// package writes (Version StatementVersion), name a person and a period,
// and add up: its lines in the currency of its total, summing to it. A
// statement for the same person and period cannot be issued twice
// (ErrDuplicate): correct it with an adjustment instead. A zero t is
// ErrInput.
func (b *Book) IssueAt(t time.Time, st Statement) error {
	if err := st.check(); err != nil {
		return err
	}
	if t.IsZero() {
		return errZeroInstant
	}
	raw, err := st.Canonical()
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k := bookKey{st.Person, st.Period}
	if _, ok := b.records[k]; ok {
		return fmt.Errorf("%w: statement for %s %s already issued", ErrDuplicate, st.Person, st.Period)
	}
	b.records[k] = &bookRecord{canonical: raw, total: st.Total, last: t}
	amt := st.Total
	b.event(Event{At: t, Kind: EventIssued, Person: st.Person, Period: st.Period, Amount: &amt})
	return nil
}

var errZeroInstant = fmt.Errorf("%w: zero instant", ErrInput)

// check reports what makes s a statement a Book does not issue.
func (s *Statement) check() error {
	var p problems
	if s.Version != StatementVersion {
		p.add("version", "statement version %d, this package writes version %d", s.Version, StatementVersion)
	}
	p.required("person", s.Person)
	p.required("period", s.Period)
	if _, err := s.Total.Currency.Digits(); err != nil {
		p.addErr("total.currency", err)
	}
	sum := Money{Currency: s.Total.Currency}
	for i, l := range s.Lines {
		if !l.Kind.valid() {
			p.add(fmt.Sprintf("lines[%d].kind", i), "unknown line kind %q", l.Kind)
		}
		var err error
		if sum, err = sum.Add(l.Amount); err != nil {
			p.addErr(fmt.Sprintf("lines[%d].amount", i), err)
			return p.err()
		}
	}
	if sum != s.Total {
		p.add("total", "%s, but the lines sum to %s", s.Total, sum)
	}
	return p.err()
}

// at checks that t may be recorded on r: not zero, not before the latest
// instant recorded on it. Called with the lock held.
func (r *bookRecord) at(t time.Time, person, period string) error {
	if t.IsZero() {
		return errZeroInstant
	}
	if t.Before(r.last) {
		return fmt.Errorf("incentive: %s %s: %v is before the statement's last recorded instant %v: %w",
			person, period, t, r.last, ErrTimeBackwards)
	}
	return nil
}

// FileAppeal files an appeal now. See FileAppealAt.
func (b *Book) FileAppeal(req AppealRequest) (Appeal, error) {
	return b.FileAppealAt(b.clock.Now(), req)
}

// FileAppealAt files an appeal at t, freezing the statement until the
// appeal is decided. A second appeal while one is pending is ErrFrozen; an
// instant before the statement's latest one is ErrTimeBackwards.
func (b *Book) FileAppealAt(t time.Time, req AppealRequest) (Appeal, error) {
	var p problems
	p.required("id", req.ID)
	p.required("reason", req.Reason)
	if err := p.err(); err != nil {
		return Appeal{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.appeals[req.ID]; dup {
		return Appeal{}, fmt.Errorf("%w: appeal %q", ErrDuplicate, req.ID)
	}
	r, err := b.writable(t, req.Person, req.Period)
	if err != nil {
		return Appeal{}, err
	}
	a := &Appeal{ID: req.ID, Person: req.Person, Period: req.Period, Reason: req.Reason, FiledBy: req.FiledBy,
		FiledAt: t, Status: AppealPending}
	b.appeals[a.ID] = a
	r.pending, r.last = a.ID, t
	b.event(Event{At: t, Kind: EventAppealed, Person: a.Person, Period: a.Period, Appeal: a.ID, Actor: a.FiledBy, Reason: a.Reason})
	return *a, nil
}

// writable returns the record of person and period if something may be
// filed or posted on it at t: it exists (ErrNotFound), is not frozen by a
// pending appeal (ErrFrozen) and t may be recorded on it. Called with the
// lock held.
func (b *Book) writable(t time.Time, person, period string) (*bookRecord, error) {
	r, err := b.record(person, period)
	if err != nil {
		return nil, err
	}
	if r.pending != "" {
		return nil, fmt.Errorf("%w: appeal %q is pending on %s %s", ErrFrozen, r.pending, person, period)
	}
	return r, r.at(t, person, period)
}

// Decide decides a pending appeal now. See DecideAt.
func (b *Book) Decide(d Decision) (Appeal, error) { return b.DecideAt(b.clock.Now(), d) }

// DecideAt decides a pending appeal at t, unfreezing the statement. An
// approval with a non-zero amount posts a compensating Adjustment. An
// instant before the statement's latest one is ErrTimeBackwards.
func (b *Book) DecideAt(t time.Time, d Decision) (Appeal, error) {
	var p problems
	p.required("reason", d.Reason)
	p.required("approver", d.Approver)
	if !d.Approve && !d.Amount.IsZero() {
		p.add("amount", "a rejection posts no adjustment, got %s", d.Amount)
	}
	if err := p.err(); err != nil {
		return Appeal{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.appeals[d.Appeal]
	if !ok {
		return Appeal{}, fmt.Errorf("%w: appeal %q", ErrNotFound, d.Appeal)
	}
	if a.Status != AppealPending {
		return Appeal{}, fmt.Errorf("%w: appeal %q is %s", ErrAppealState, a.ID, a.Status)
	}
	r, _ := b.record(a.Person, a.Period)
	if err := r.at(t, a.Person, a.Period); err != nil {
		return Appeal{}, err
	}
	if d.Approve && !d.Amount.IsZero() {
		adj, err := b.postLocked(r, AdjustmentRequest{Person: a.Person, Period: a.Period, Amount: d.Amount,
			Reason: d.Reason, Approver: d.Approver}, a.ID, t)
		if err != nil {
			return Appeal{}, err
		}
		a.Adjustment = adj.ID
	}
	a.Status, a.DecidedBy, a.Decision = AppealRejected, d.Approver, d.Reason
	kind := EventRejected
	if d.Approve {
		a.Status, kind = AppealApproved, EventApproved
	}
	at := t
	a.DecidedAt = &at
	r.pending, r.last = "", t
	b.event(Event{At: t, Kind: kind, Person: a.Person, Period: a.Period, Appeal: a.ID, Actor: d.Approver, Reason: d.Reason})
	return *a, nil
}

// Adjust posts an adjustment now. See AdjustAt.
func (b *Book) Adjust(req AdjustmentRequest) (Adjustment, error) {
	return b.AdjustAt(b.clock.Now(), req)
}

// AdjustAt posts a compensating adjustment outside an appeal at t. It is
// refused with ErrFrozen while an appeal is pending, and with
// ErrTimeBackwards at an instant before the statement's latest one.
func (b *Book) AdjustAt(t time.Time, req AdjustmentRequest) (Adjustment, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.writable(t, req.Person, req.Period)
	if err != nil {
		return Adjustment{}, err
	}
	return b.postLocked(r, req, "", t)
}

func (b *Book) postLocked(r *bookRecord, req AdjustmentRequest, appeal string, t time.Time) (Adjustment, error) {
	var p problems
	p.required("reason", req.Reason)
	p.required("approver", req.Approver)
	if req.Amount.IsZero() {
		p.add("amount", "must not be zero")
	}
	if req.Amount.Currency != r.total.Currency {
		p.add("amount.currency", "%q differs from the statement's %q", req.Amount.Currency, r.total.Currency)
	}
	if err := p.err(); err != nil {
		return Adjustment{}, err
	}
	if _, err := r.net().Add(req.Amount); err != nil {
		return Adjustment{}, err
	}
	b.adjSeq++
	adj := Adjustment{ID: fmt.Sprintf("adj-%d", b.adjSeq), Person: req.Person, Period: req.Period, Amount: req.Amount,
		Reason: req.Reason, Approver: req.Approver, Appeal: appeal, At: t}
	r.adjustments = append(r.adjustments, adj)
	r.last = t
	amt := adj.Amount
	b.event(Event{At: t, Kind: EventAdjusted, Person: adj.Person, Period: adj.Period, Appeal: appeal, Amount: &amt,
		Actor: adj.Approver, Reason: adj.Reason})
	return adj, nil
}
