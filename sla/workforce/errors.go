package workforce

import (
	"errors"
	"fmt"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Sentinel errors. Every error this package returns wraps one of them, so
// callers can test with errors.Is.
var (
	// ErrInvalid: a configuration failed validation. The joined errors are
	// *FieldError values naming each problem.
	ErrInvalid = errors.New("workforce: invalid configuration")
	// ErrInvalidInput: an argument that cannot be used (NaN, a negative
	// count, an empty id, an instant out of range).
	ErrInvalidInput = errors.New("workforce: invalid input")
	// ErrUnknownSkill: an item requires a skill the configuration does not
	// list.
	ErrUnknownSkill = errors.New("workforce: unknown skill")
	// ErrUnknownAgent: no agent has the given id.
	ErrUnknownAgent = errors.New("workforce: unknown agent")
	// ErrUnknownItem: the dispatcher holds no item with the given id.
	ErrUnknownItem = errors.New("workforce: unknown item")
	// ErrDuplicateItem: the dispatcher already holds an item with the id.
	ErrDuplicateItem = errors.New("workforce: item already held")
	// ErrOverCapacity: the agent already works as many items as its
	// capacity allows.
	ErrOverCapacity = errors.New("workforce: agent over capacity")
	// ErrNotEligible: the agent lacks a required skill or level, or is not
	// in the item's team.
	ErrNotEligible = errors.New("workforce: agent not eligible for the item")
	// ErrNobodyAvailable: there is queued work, but no agent who could take
	// any of it is available (present, on shift and below capacity).
	ErrNobodyAvailable = errors.New("workforce: nobody available")
	// ErrNoWork: there is no queued work (for this agent).
	ErrNoWork = errors.New("workforce: no queued work")
	// ErrNotAssigned: the item is queued, not assigned to an agent.
	ErrNotAssigned = errors.New("workforce: item not assigned")
	// ErrAgentBusy: the agent still works items and cannot be removed.
	ErrAgentBusy = errors.New("workforce: agent still has items")
	// ErrUnreachable: no staffing up to MaxAgents meets the target.
	ErrUnreachable = errors.New("workforce: target unreachable")
	// ErrInsufficientHistory: the history holds no day of the type needed
	// for a forecast.
	ErrInsufficientHistory = errors.New("workforce: insufficient history")
	// ErrSnapshot: a snapshot does not fit the dispatcher it is restored into.
	ErrSnapshot = errors.New("workforce: bad snapshot")
)

// FieldError is one validation problem: the path of the offending field
// (for example "agents[2].skills.billing") and what is wrong with it. It is
// the type every sqkit package shares; the problems this package finds
// match ErrInvalid.
type FieldError = sqerr.FieldError

func fieldErr(path, format string, args ...any) error {
	return sqerr.Field(ErrInvalid, path, format, args...)
}

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

// RouteError reports a routing operation that could not be done: which
// operation, which item and agent, and why. Unwrap returns one of the
// sentinels (ErrUnknownItem, ErrOverCapacity, ErrNobodyAvailable, ...), so a
// host tests the outcome with errors.Is; the dispatcher is left unchanged.
type RouteError struct {
	Op     string // "add", "dispatch", "next", "assign", "requeue", "done", ...
	Item   string // the item concerned, if any
	Agent  string // the agent concerned, if any
	Err    error  // the sentinel
	Detail string // more context, for people (may be empty)
	// Waiting is the number of queued items when Err is ErrNobodyAvailable.
	Waiting int
}

// Error implements error.
func (e *RouteError) Error() string {
	s := "workforce: " + e.Op
	if e.Item != "" {
		s += " item " + e.Item
	}
	if e.Agent != "" {
		s += " agent " + e.Agent
	}
	s += ": " + trimPrefix(e.Err.Error())
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns the sentinel.
func (e *RouteError) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	const p = "workforce: "
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// prefixCalendarErrors turns the problems of a calendar spec (an
// errors.Join of *sla.CalendarError) into FieldErrors under path.
func prefixErrors(path string, err error, field func(error) (string, bool)) []error {
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, 0, len(list))
	for _, e := range list {
		p := path
		if f, ok := field(e); ok && f != "" {
			p += "." + f
		}
		out = append(out, sqerr.Field(ErrInvalid, p, "%s", e.Error()))
	}
	return out
}

// joinFlat joins errors, flattening joined errors one level so that every
// problem is one element.
func joinFlat(errs []error) error {
	var out []error
	for _, e := range errs {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			out = append(out, j.Unwrap()...)
		} else if e != nil {
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}
