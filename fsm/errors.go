package fsm

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Sentinel errors. Every error returned by this package matches one of them
// with errors.Is; the typed errors below carry the details for errors.As.
var (
	// ErrInvalidDefinition matches every problem reported by Spec.Validate
	// and NewDefinition.
	ErrInvalidDefinition = errors.New("fsm: invalid definition")
	// ErrNilDefinition is returned when a nil *Definition is passed where a
	// definition is required.
	ErrNilDefinition = errors.New("fsm: nil definition")
	// ErrUnknownEvent matches *UnknownEventError.
	ErrUnknownEvent = errors.New("fsm: unknown event")
	// ErrNotAllowed matches *NotAllowedError: the event exists but cannot be
	// fired from the machine's current state.
	ErrNotAllowed = errors.New("fsm: event not allowed in current state")
	// ErrGuardRefused matches *GuardError: a guard (including a checklist
	// or approval guard) refused the transition.
	ErrGuardRefused = errors.New("fsm: guard refused transition")
	// ErrCancelled matches *CancelledError: the context was done before the
	// transition took place.
	ErrCancelled = errors.New("fsm: context cancelled")
	// ErrChecklistIncomplete matches *ChecklistIncompleteError.
	ErrChecklistIncomplete = errors.New("fsm: checklist incomplete")
	// ErrApprovalRequired matches *ApprovalRequiredError.
	ErrApprovalRequired = errors.New("fsm: approval required")
	// ErrInvalidTransfer matches *TransferError.
	ErrInvalidTransfer = errors.New("fsm: invalid transfer")
	// ErrInvalidSnapshot matches every problem found in a snapshot by
	// Restore (including ErrUnknownState problems).
	ErrInvalidSnapshot = errors.New("fsm: invalid snapshot")
	// ErrUnknownState matches the problems of a snapshot naming a state
	// the definition does not know; it matches ErrInvalidSnapshot too.
	ErrUnknownState error = &childError{msg: "fsm: unknown state", parents: []error{ErrInvalidSnapshot}}
	// ErrUnknownChecklistItem is returned by Machine.Mark for a checklist or
	// item the definition does not declare.
	ErrUnknownChecklistItem = errors.New("fsm: unknown checklist item")
	// ErrNoTiers is returned by Machine.Escalate when the definition has no
	// handling tiers (Spec.MaxTier is 0).
	ErrNoTiers = errors.New("fsm: definition has no tiers")
	// ErrTopTier is returned by Machine.Escalate when the machine is already
	// at the highest tier.
	ErrTopTier = errors.New("fsm: already at the highest tier")
	// ErrTerminal is returned by operations that are refused once the
	// machine is in a terminal state (escalation, transfer, approval).
	ErrTerminal = errors.New("fsm: machine is in a terminal state")
	// ErrAlreadyAssigned is returned by Machine.Assign when the machine
	// already has an owner; use Machine.Transfer to change it.
	ErrAlreadyAssigned = errors.New("fsm: already assigned")
	// ErrNoOwner is the reason RequireOwner gives for refusing a
	// transition of a machine with no owner.
	ErrNoOwner = errors.New("fsm: no owner")
	// ErrInvalidArgument is returned for empty or malformed arguments
	// (an empty actor where one is required, an empty approver, ...).
	ErrInvalidArgument = errors.New("fsm: invalid argument")
	// ErrHookDepth matches *HookDepthError: hooks fired events nested more
	// than MaxHookDepth levels deep (typically an unconditional cycle).
	ErrHookDepth = errors.New("fsm: hooks nested too deeply")
	// ErrInvalidConfig matches every problem reported by the Validate
	// methods of TimingConfig, AuthorityMatrix and ApprovalQuery.
	ErrInvalidConfig = errors.New("fsm: invalid configuration")
	// ErrInvalidTrace matches every problem AnalyzeTimes finds in a Trace:
	// a history that is not a chain of the definition's transitions from
	// its initial state, zero instants, instants out of order.
	ErrInvalidTrace = errors.New("fsm: invalid trace")
	// ErrNoAuthority is the reason an authority guard gives for refusing a
	// request no rule of its matrix covers.
	ErrNoAuthority = errors.New("fsm: no authority rule for the request")
)

// FieldError is one problem found while validating a Spec or a Snapshot:
// Path names the offending field (e.g. "transitions[2].from[0]"), Message
// says what is wrong and Err is the sentinel it matches
// (ErrInvalidDefinition, ErrInvalidSnapshot or ErrUnknownState, which
// matches ErrInvalidSnapshot too). It is the one FieldError of the whole
// SDK, so errors.As finds it whichever package reported the problem.
type FieldError = sqerr.FieldError

// ErrTimeBackwards matches an operation dated before the latest instant
// recorded on the machine (see Machine.LastRecorded). It is the SDK-wide
// sentinel, the same value as sla.ErrTimeBackwards.
var ErrTimeBackwards = sqerr.ErrTimeBackwards

// childError is a sentinel that also matches its parents with errors.Is.
type childError struct {
	msg     string
	parents []error
}

func (e *childError) Error() string   { return e.msg }
func (e *childError) Unwrap() []error { return e.parents }

// errSnapshotBackwards is the kind of a snapshot's record dated before the
// record it follows: it matches ErrInvalidSnapshot and ErrTimeBackwards.
var errSnapshotBackwards = &childError{msg: "fsm: invalid snapshot", parents: []error{ErrInvalidSnapshot, ErrTimeBackwards}}

// errTraceBackwards is the kind of a trace's instant dated before the one
// it follows: it matches ErrInvalidTrace and ErrTimeBackwards.
var errTraceBackwards = &childError{msg: "fsm: invalid trace", parents: []error{ErrInvalidTrace, ErrTimeBackwards}}

func defErr(path, format string, args ...any) error {
	return sqerr.Field(ErrInvalidDefinition, path, format, args...)
}

func snapErr(kind error, path, format string, args ...any) error {
	return sqerr.Field(kind, path, format, args...)
}

// timeError reports at, earlier than last (or zero), for op.
func timeError(op string, at, last time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("%w: %s at the zero instant", ErrInvalidArgument, op)
	}
	return fmt.Errorf("fsm: %s at %v, before the last recorded instant %v: %w", op, at, last, ErrTimeBackwards)
}

// UnknownEventError reports an event the definition does not declare.
type UnknownEventError struct {
	Event Event
}

// Error implements the error interface.
func (e *UnknownEventError) Error() string {
	return fmt.Sprintf("fsm: unknown event %q", e.Event)
}

// Is matches ErrUnknownEvent.
func (e *UnknownEventError) Is(target error) bool { return target == ErrUnknownEvent }

// NotAllowedError reports an event that cannot be fired from the current
// state. Allowed lists the events that can be fired from it, sorted.
type NotAllowedError struct {
	Event   Event
	State   State
	Allowed []Event
}

// Error implements the error interface.
func (e *NotAllowedError) Error() string {
	names := make([]string, len(e.Allowed))
	for i, a := range e.Allowed {
		names[i] = string(a)
	}
	return fmt.Sprintf("fsm: event %q not allowed in state %q (allowed: [%s])",
		e.Event, e.State, strings.Join(names, " "))
}

// Is matches ErrNotAllowed.
func (e *NotAllowedError) Is(target error) bool { return target == ErrNotAllowed }

// GuardError reports a guard that refused a transition. Err is the reason
// the guard gave; it is returned by Unwrap, so errors.As can reach typed
// reasons such as *ChecklistIncompleteError or *ApprovalRequiredError.
type GuardError struct {
	Event Event
	From  State
	To    State
	Guard string
	Err   error
}

// Error implements the error interface.
func (e *GuardError) Error() string {
	return fmt.Sprintf("fsm: guard %q refused event %q (%s -> %s): %v",
		e.Guard, e.Event, e.From, e.To, e.Err)
}

// Unwrap returns the guard's reason.
func (e *GuardError) Unwrap() error { return e.Err }

// Is matches ErrGuardRefused.
func (e *GuardError) Is(target error) bool { return target == ErrGuardRefused }

// CancelledError reports that the context was done before the transition
// took place; the machine is unchanged. Err is the context's error and is
// returned by Unwrap, so errors.Is(err, context.Canceled) works too.
type CancelledError struct {
	Event Event
	Err   error
}

// Error implements the error interface.
func (e *CancelledError) Error() string {
	return fmt.Sprintf("fsm: event %q not fired: %v", e.Event, e.Err)
}

// Unwrap returns the context's error.
func (e *CancelledError) Unwrap() error { return e.Err }

// Is matches ErrCancelled.
func (e *CancelledError) Is(target error) bool { return target == ErrCancelled }

// ChecklistIncompleteError lists the items of a checklist that have not
// been marked yet, in the checklist's declared order.
type ChecklistIncompleteError struct {
	Checklist string
	Missing   []string
}

// Error implements the error interface.
func (e *ChecklistIncompleteError) Error() string {
	return fmt.Sprintf("fsm: checklist %q incomplete, missing: %s",
		e.Checklist, strings.Join(e.Missing, ", "))
}

// Is matches ErrChecklistIncomplete.
func (e *ChecklistIncompleteError) Is(target error) bool { return target == ErrChecklistIncomplete }

// ApprovalRequiredError reports that the machine's amount is above the
// limit of what is handled without approval (Limit) and no approval covers
// it yet.
//
// An authority guard (Authority.Guard) also fills Request (the machine's
// request), Need (the lowest role whose limit covers the amount, empty if
// none does) and Approval (the current approval, if the machine has one
// that does not cover the amount or was given by a role without the
// authority). RequireApproval leaves them empty.
type ApprovalRequiredError struct {
	Amount   int64
	Limit    int64
	Request  Request
	Need     Role
	Approval *Approval

	matrix bool // made by an authority guard
}

// Error implements the error interface.
func (e *ApprovalRequiredError) Error() string {
	if !e.matrix {
		return fmt.Sprintf("fsm: amount %d above limit %d needs a supervisor's approval", e.Amount, e.Limit)
	}
	s := fmt.Sprintf("fsm: amount %d%s is above the limit %d handled without approval", e.Amount, e.Request.describe(), e.Limit)
	if e.Need != "" {
		s += fmt.Sprintf(" and needs the approval of a %s or above", e.Need)
	} else {
		s += " and above every role's limit"
	}
	if a := e.Approval; a != nil {
		role := string(a.Role)
		if role == "" {
			role = "no role"
		}
		s += fmt.Sprintf("; the approval of %d by %q (%s) does not cover it", a.Amount, a.Approver, role)
	}
	return s
}

// Is matches ErrApprovalRequired.
func (e *ApprovalRequiredError) Is(target error) bool { return target == ErrApprovalRequired }

// TransferError reports a refused transfer (to nobody, to the current
// owner, or with no owner to transfer from).
type TransferError struct {
	From    string
	To      string
	Problem string
}

// Error implements the error interface.
func (e *TransferError) Error() string {
	return fmt.Sprintf("fsm: transfer from %q to %q refused: %s", e.From, e.To, e.Problem)
}

// Is matches ErrInvalidTransfer.
func (e *TransferError) Is(target error) bool { return target == ErrInvalidTransfer }

// HookDepthError reports a firing refused because it would nest deeper
// than MaxHookDepth: a hook fired an event whose hooks fired another, and so
// on, MaxHookDepth times. Depth is the depth the refused firing would have
// had (MaxHookDepth+1); Chain lists the events of the nested firings from
// the outermost to the refused one, so len(Chain) == Depth. The chain
// follows the context, so it may span several machines when hooks fire
// events on other machines. The transitions before the refused one happened
// and are recorded; the refused one did not happen.
type HookDepthError struct {
	Depth int
	Chain []Event
}

// Error implements the error interface.
func (e *HookDepthError) Error() string {
	names := make([]string, len(e.Chain))
	for i, ev := range e.Chain {
		names[i] = string(ev)
	}
	return fmt.Sprintf("fsm: event %q refused at hook depth %d (limit %d): %s",
		e.last(), e.Depth, MaxHookDepth, strings.Join(names, " -> "))
}

func (e *HookDepthError) last() Event {
	if len(e.Chain) == 0 {
		return ""
	}
	return e.Chain[len(e.Chain)-1]
}

// Is matches ErrHookDepth.
func (e *HookDepthError) Is(target error) bool { return target == ErrHookDepth }

// InternalError reports an unexpected failure of the underlying looplab/fsm
// machine. It indicates a bug; the machine is left unchanged.
type InternalError struct {
	Event Event
	Err   error
}

// Error implements the error interface.
func (e *InternalError) Error() string {
	return fmt.Sprintf("fsm: event %q: internal state machine error: %v", e.Event, e.Err)
}

// Unwrap returns the underlying error.
func (e *InternalError) Unwrap() error { return e.Err }
