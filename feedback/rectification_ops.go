package feedback

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
)

// AddAction adds a corrective action to item id, now; see AddActionAt.
func (rs *Rectifications) AddAction(id string, a CorrectiveAction) (Rectification, error) {
	return rs.AddActionAt(rs.eng.Clock().Now(), id, a)
}

// AddActionAt adds a corrective action to item id at at. Actions may be
// added while the item is open or in progress (after a failed verification,
// for example). An empty Owner means the item's owner; the action starts
// not done, whatever its DoneAt says.
func (rs *Rectifications) AddActionAt(at time.Time, id string, a CorrectiveAction) (Rectification, error) {
	return rs.op(at, id, "AddAction", func(it *cases.Item[Rectification]) error {
		if err := editable(it, "AddAction"); err != nil {
			return err
		}
		if errs := rectValidateAction("action", a, map[string]bool{}); len(errs) > 0 {
			return errors.Join(errs...)
		}
		if slices.ContainsFunc(it.Rec.Actions, func(x CorrectiveAction) bool { return x.ID == a.ID }) {
			return fmt.Errorf("%w: rectification %q action %q", ErrDuplicate, it.ID, a.ID)
		}
		it.Rec.Actions = append(it.Rec.Actions, newAction(a, it.M.Owner(), at))
		return nil
	})
}

// editable refuses a change of actions after the work was submitted.
func editable(it *cases.Item[Rectification], op string) error {
	if s := it.M.State(); s != RectOpen && s != RectInProgress {
		return rectErr(op)(it, errors.New("actions change only while the item is open or in progress"))
	}
	return nil
}

// CompleteAction marks an action of item id done, now; see
// CompleteActionAt.
func (rs *Rectifications) CompleteAction(id, actionID string, by fsm.By) (Rectification, error) {
	return rs.CompleteActionAt(rs.eng.Clock().Now(), id, actionID, by)
}

// CompleteActionAt marks action actionID of item id done at at, by
// by.Actor with by.Reason as its note. The item must be open or in progress.
// Completing an action that is already done keeps the first completion.
func (rs *Rectifications) CompleteActionAt(at time.Time, id, actionID string, by fsm.By) (Rectification, error) {
	return rs.op(at, id, "CompleteAction", func(it *cases.Item[Rectification]) error {
		if err := editable(it, "CompleteAction"); err != nil {
			return err
		}
		i := slices.IndexFunc(it.Rec.Actions, func(a CorrectiveAction) bool { return a.ID == actionID })
		if i < 0 {
			return fmt.Errorf("%w: rectification %q action %q", ErrNotFound, it.ID, actionID)
		}
		if a := &it.Rec.Actions[i]; !a.Done() {
			a.DoneAt, a.DoneBy, a.Note = at, by.Actor, by.Reason
		}
		return nil
	})
}

// Complete moves item id from in progress to done, now; see CompleteAt.
func (rs *Rectifications) Complete(id string, by fsm.By) (Rectification, error) {
	return rs.CompleteAt(rs.eng.Clock().Now(), id, by)
}

// CompleteAt moves item id from in progress to done at at and pauses its
// SLA clock while the item waits for verification. It is refused with
// ErrActionsIncomplete (in a *RectificationError) when the item has no
// corrective action, when an action is not done, or, after a failed
// verification, when no new action was added since: the work that failed
// its check is not submitted again unchanged.
func (rs *Rectifications) CompleteAt(at time.Time, id string, by fsm.By) (Rectification, error) {
	return rs.op(at, id, "Complete", func(it *cases.Item[Rectification]) error {
		if it.M.State() == RectInProgress {
			if err := actionsComplete(it.Rec); err != nil {
				return rectErr("Complete")(it, err)
			}
		}
		if err := fire(it, at, RectComplete, by, rectErr("Complete")); err != nil {
			return err
		}
		return clockErr("rectification", it.ID, "Complete", rs.eng.Tracker().PauseAt(at, rs.key(it)))
	})
}

// actionsComplete says why the work of r cannot be submitted, or nil.
func actionsComplete(r Rectification) error {
	if len(r.Actions) == 0 {
		return fmt.Errorf("%w: no corrective action", ErrActionsIncomplete)
	}
	var open []string
	for _, a := range r.Actions {
		if !a.Done() {
			open = append(open, a.ID)
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("%w: actions not done: %v", ErrActionsIncomplete, open)
	}
	if n := len(r.Verifications); n > 0 {
		if v := r.Verifications[n-1]; !v.Passed && len(r.Actions) <= v.Actions {
			return fmt.Errorf("%w: no new action since the failed verification of %v", ErrActionsIncomplete, v.At)
		}
	}
	return nil
}

// Verify records a verification of item id now; see VerifyAt.
func (rs *Rectifications) Verify(id string, v Verification) (Rectification, error) {
	return rs.VerifyAt(rs.eng.Clock().Now(), id, v)
}

// VerifyAt records the verification v of item id (which must be done) at
// at (v.At is set to at, v.Actions to the item's number of corrective
// actions). A passed verification moves the item to verified and stops its
// SLA clock (met if the work was done within the deadline); a failed one
// sends it back to in progress and resumes the clock, so the deadline keeps
// counting from where it paused.
func (rs *Rectifications) VerifyAt(at time.Time, id string, v Verification) (Rectification, error) {
	return rs.op(at, id, "Verify", func(it *cases.Item[Rectification]) error {
		v.At, v.Actions = at, len(it.Rec.Actions)
		ev := RectVerifyFail
		if v.Passed {
			ev = RectVerifyPass
		}
		if err := fire(it, at, ev, fsm.By{Actor: v.By, Reason: v.Note}, rectErr("Verify")); err != nil {
			return err
		}
		it.Rec.Verifications = append(it.Rec.Verifications, v)
		if !v.Passed {
			return clockErr("rectification", it.ID, "Verify", rs.eng.Tracker().ResumeAt(at, rs.key(it)))
		}
		_, err := rs.eng.Tracker().StopAt(at, rs.key(it))
		return clockErr("rectification", it.ID, "Verify", err)
	})
}

// InformCustomer records that the customer of item id was told the
// outcome, now; see InformCustomerAt.
func (rs *Rectifications) InformCustomer(id string, n Notice) (Rectification, error) {
	return rs.InformCustomerAt(rs.eng.Clock().Now(), id, n)
}

// InformCustomerAt records the notice n (n.At is set to at) and moves item
// id from verified to customer informed at at. An item that was not
// verified cannot be marked informed.
func (rs *Rectifications) InformCustomerAt(at time.Time, id string, n Notice) (Rectification, error) {
	return rs.op(at, id, "InformCustomer", func(it *cases.Item[Rectification]) error {
		if err := fire(it, at, RectInformCustomer, fsm.By{Actor: n.By, Reason: n.Note}, rectErr("InformCustomer")); err != nil {
			return err
		}
		n.At = at
		it.Rec.Notice = &n
		return nil
	})
}

// Close closes item id now; see CloseAt.
func (rs *Rectifications) Close(id string, by fsm.By) (Rectification, error) {
	return rs.CloseAt(rs.eng.Clock().Now(), id, by)
}

// CloseAt closes item id at at. Only an item whose customer was informed
// (after verification) can close; any other state returns a
// *RectificationError matching fsm.ErrNotAllowed.
func (rs *Rectifications) CloseAt(at time.Time, id string, by fsm.By) (Rectification, error) {
	return rs.op(at, id, "Close", func(it *cases.Item[Rectification]) error {
		if err := fire(it, at, RectClose, by, rectErr("Close")); err != nil {
			return err
		}
		it.Rec.ClosedAt = at
		return nil
	})
}

// Transfer hands item id to a new owner now; see TransferAt.
func (rs *Rectifications) Transfer(id, to string, by fsm.By) (Rectification, error) {
	return rs.TransferAt(rs.eng.Clock().Now(), id, to, by)
}

// TransferAt hands item id to owner to at at, recording from whom, to
// whom, by whom and why (fsm.Machine.TransferAt); the first responder stays
// accountable. A transfer to nobody or to the current owner returns an
// error matching fsm.ErrInvalidTransfer; a closed item, fsm.ErrTerminal.
func (rs *Rectifications) TransferAt(at time.Time, id, to string, by fsm.By) (Rectification, error) {
	return rs.op(at, id, "Transfer", func(it *cases.Item[Rectification]) error {
		return transfer(it, at, to, by, "rectification")
	})
}

// transfer gives the item to a person at at: the first assignment of an
// item nobody owns, else a transfer.
func transfer[R any](it *cases.Item[R], at time.Time, to string, by fsm.By, noun string) error {
	var err error
	if it.M.Owner() == "" {
		_, err = it.M.AssignAt(at, to, by)
	} else {
		_, err = it.M.TransferAt(at, to, by)
	}
	if err != nil {
		return fmt.Errorf("feedback: %s %q: %w", noun, it.ID, err)
	}
	return nil
}
