package feedback

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// States of the rectification lifecycle ([RectificationSpec]).
const (
	RectOpen             fsm.State = "open"
	RectInProgress       fsm.State = "in_progress"
	RectDone             fsm.State = "done"
	RectVerified         fsm.State = "verified"
	RectCustomerInformed fsm.State = "customer_informed"
	RectClosed           fsm.State = "closed"
)

// Events of the rectification lifecycle ([RectificationSpec]).
const (
	RectStart          fsm.Event = "start"           // open -> in_progress
	RectComplete       fsm.Event = "complete"        // in_progress -> done (every action done)
	RectVerifyPass     fsm.Event = "verify_pass"     // done -> verified
	RectVerifyFail     fsm.Event = "verify_fail"     // done -> in_progress
	RectInformCustomer fsm.Event = "inform_customer" // verified -> customer_informed
	RectClose          fsm.Event = "close"           // customer_informed -> closed
)

// RectificationSpec returns the lifecycle of a rectification item as an
// fsm.Spec: open -> in_progress -> done -> verified -> customer_informed ->
// closed, with a failed verification going from done back to in_progress.
// closed is terminal. The only way into closed is from customer_informed,
// and the only way there is from verified, so an item cannot close before it
// was verified and the customer informed.
//
// [Rectifications] runs every item on the definition built from this spec;
// it is exported so hosts can draw it (fsm.Definition.Mermaid) or inspect it.
func RectificationSpec() fsm.Spec {
	return fsm.Spec{
		Name:    "rectification",
		Initial: RectOpen,
		States: []fsm.State{
			RectOpen, RectInProgress, RectDone, RectVerified, RectCustomerInformed, RectClosed,
		},
		Terminal: []fsm.State{RectClosed},
		Transitions: []fsm.Transition{
			{Event: RectStart, From: []fsm.State{RectOpen}, To: RectInProgress},
			{Event: RectComplete, From: []fsm.State{RectInProgress}, To: RectDone},
			{Event: RectVerifyPass, From: []fsm.State{RectDone}, To: RectVerified},
			{Event: RectVerifyFail, From: []fsm.State{RectDone}, To: RectInProgress},
			{Event: RectInformCustomer, From: []fsm.State{RectVerified}, To: RectCustomerInformed},
			{Event: RectClose, From: []fsm.State{RectCustomerInformed}, To: RectClosed},
		},
	}
}

// rectDefinition is the shared, validated rectification lifecycle.
var rectDefinition = fsm.MustDefinition(RectificationSpec())

// RectificationDefinition returns the shared definition every rectification
// item runs on (built once from [RectificationSpec]).
func RectificationDefinition() *fsm.Definition { return rectDefinition }

// Sentinel errors of the closed loop (rectification items and return
// visits), in addition to ErrInvalidTransition, ErrNotFound, ErrDuplicate and
// ErrInvalidConfig.
var (
	// ErrActionsIncomplete reports an item that cannot be completed because
	// it has no corrective action or an action is not done yet.
	ErrActionsIncomplete = errors.New("feedback: corrective actions incomplete")
)

// RectificationError reports a rectification operation that the item's
// current state does not allow, or one dated before the last change
// recorded on the item. It matches ErrInvalidTransition with errors.Is and
// also whatever Err matches: the fsm error (fsm.ErrNotAllowed, ...),
// ErrActionsIncomplete or ErrTimeBackwards.
type RectificationError struct {
	ItemID string
	Op     string    // the operation attempted, e.g. "Close"
	State  fsm.State // the state the item was in
	Err    error     // the underlying reason
}

// Error implements error.
func (e *RectificationError) Error() string {
	return fmt.Sprintf("feedback: rectification %q: %s not allowed in state %s: %v", e.ItemID, e.Op, e.State, e.Err)
}

// Unwrap lets errors.Is match ErrInvalidTransition and the underlying
// reason.
func (e *RectificationError) Unwrap() []error { return []error{ErrInvalidTransition, e.Err} }

// RectificationMetric is the SLA metric of the default rectification
// deadline: event ids read "R-7/rectification/breach/1/1".
const RectificationMetric sla.Metric = "rectification"

// DefaultRectificationWithin is the default time allowed to carry out a
// rectification item's corrective actions: 3 days, around the clock.
const DefaultRectificationWithin = 72 * time.Hour

// DefaultRectificationDeadline returns the default deadline of
// rectification items: [RectificationMetric] within
// [DefaultRectificationWithin] on the always-open calendar
// (sla.CalendarAlways, in UTC), warnings at 50 %, 75 % and 90 % of it, and
// a reminder to the owner 15 minutes after the deadline.
func DefaultRectificationDeadline() sla.SpecDef {
	return sla.SpecDef{
		Policy:    "rectification",
		Metric:    RectificationMetric,
		Within:    sla.Duration(DefaultRectificationWithin),
		Calendar:  sla.CalendarAlways,
		Warnings:  []sla.Rung{{Percent: 50}, {Percent: 75}, {Percent: 90}},
		Reminders: []sla.Duration{sla.Duration(15 * time.Minute)},
	}
}
