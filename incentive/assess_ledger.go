package incentive

import (
	"fmt"
	"time"
)

// penaltyLedger is where an Assessor's penalties and the appeals of
// penalised outcomes go: the Book (liveLedger), or, while a snapshot is
// replayed, a check that the Book already holds them (checkLedger).
type penaltyLedger interface {
	// post deducts reqs[i] for outs[i], all or none, and records the
	// adjustment on each outcome.
	post(t time.Time, outs []*Outcome, reqs []AdjustmentRequest) error
	// appeal files the appeal of a penalised outcome.
	appeal(t time.Time, o *Outcome, req OutcomeAppealRequest) error
	// decide decides it and returns the adjustment that gave the penalty
	// back ("" when upheld).
	decide(t time.Time, o *Outcome, d OutcomeDecision) (string, error)
}

// bookAppealID is the ID of a penalised outcome's appeal in the Book.
func bookAppealID(outcome string) string { return "outcome:" + outcome }

type liveLedger struct{ b *Book }

func (l liveLedger) post(t time.Time, outs []*Outcome, reqs []AdjustmentRequest) error {
	adjs, err := l.b.adjustAllAt(t, reqs)
	if err != nil {
		return err
	}
	for i, o := range outs {
		o.Adjustment = adjs[i].ID
	}
	return nil
}

func (l liveLedger) appeal(t time.Time, o *Outcome, req OutcomeAppealRequest) error {
	_, err := l.b.FileAppealAt(t, AppealRequest{ID: bookAppealID(o.ID), Person: o.Person, Period: o.Period,
		Reason: req.Reason, FiledBy: req.FiledBy})
	return err
}

func (l liveLedger) decide(t time.Time, o *Outcome, d OutcomeDecision) (string, error) {
	dec := Decision{Appeal: bookAppealID(o.ID), Approve: d.Overturn, Reason: d.Reason, Approver: d.DecidedBy}
	if d.Overturn {
		dec.Amount = *o.Penalty // given back
	}
	ap, err := l.b.DecideAt(t, dec)
	return ap.Adjustment, err
}

// checkLedger replays a snapshot against the Book that already holds its
// penalties and appeals: instead of posting, it finds each in the Book and
// checks that it is what the live operation would have posted.
type checkLedger struct {
	b    *Book
	want map[string]*Outcome // the snapshot's outcomes by ID
}

func (l checkLedger) post(t time.Time, outs []*Outcome, reqs []AdjustmentRequest) error {
	for i, o := range outs {
		w := l.want[o.ID]
		if w == nil || w.Adjustment == "" {
			return fmt.Errorf("%w: outcome %q deducts %s, but the snapshot records no adjustment", ErrInvalid, o.ID, o.Penalty)
		}
		adjs, err := l.b.Adjustments(o.Person, o.Period)
		if err != nil {
			return err
		}
		want := Adjustment{ID: w.Adjustment, Person: o.Person, Period: o.Period, Amount: reqs[i].Amount,
			Reason: reqs[i].Reason, Approver: reqs[i].Approver, At: t}
		if !holds(adjs, want) {
			return fmt.Errorf("%w: the book holds no adjustment %s of %s for %s %s at %v (%q by %q)",
				ErrInvalid, want.ID, want.Amount, want.Person, want.Period, t, want.Reason, want.Approver)
		}
		o.Adjustment = w.Adjustment
	}
	return nil
}

// holds reports whether adjs has one equal to want (instants compared
// with Equal).
func holds(adjs []Adjustment, want Adjustment) bool {
	for _, a := range adjs {
		if a.ID == want.ID {
			at := a.At
			a.At = want.At
			return a == want && at.Equal(want.At)
		}
	}
	return false
}

func (l checkLedger) appeal(t time.Time, o *Outcome, req OutcomeAppealRequest) error {
	ap, err := l.b.Appeal(bookAppealID(o.ID))
	if err != nil {
		return err
	}
	if ap.Person != o.Person || ap.Period != o.Period || ap.Reason != req.Reason || ap.FiledBy != req.FiledBy || !ap.FiledAt.Equal(t) {
		return fmt.Errorf("%w: the book's appeal %q is not the one filed for outcome %q at %v", ErrInvalid, ap.ID, o.ID, t)
	}
	return nil
}

func (l checkLedger) decide(t time.Time, o *Outcome, d OutcomeDecision) (string, error) {
	ap, err := l.b.Appeal(bookAppealID(o.ID))
	if err != nil {
		return "", err
	}
	status := AppealRejected
	if d.Overturn {
		status = AppealApproved
	}
	if ap.Status != status || ap.DecidedAt == nil || !ap.DecidedAt.Equal(t) || ap.DecidedBy != d.DecidedBy || ap.Decision != d.Reason {
		return "", fmt.Errorf("%w: the book's appeal %q is not %s by %q at %v", ErrInvalid, ap.ID, status, d.DecidedBy, t)
	}
	if d.Overturn {
		adjs, err := l.b.Adjustments(o.Person, o.Period)
		if err != nil {
			return "", err
		}
		want := Adjustment{ID: ap.Adjustment, Person: o.Person, Period: o.Period, Amount: *o.Penalty, Reason: d.Reason,
			Approver: d.DecidedBy, Appeal: ap.ID, At: t}
		if !holds(adjs, want) {
			return "", fmt.Errorf("%w: the book holds no adjustment giving back %s for outcome %q", ErrInvalid, o.Penalty, o.ID)
		}
	}
	return ap.Adjustment, nil
}
