package sla

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Sentinel errors returned (wrapped in *ClockError or *TrackerError) by clock
// and tracker operations. Test for them with errors.Is.
var (
	// ErrNotStarted: the clock has not been started.
	ErrNotStarted = errors.New("sla: clock not started")
	// ErrAlreadyStarted: Start was called on a clock that has already started.
	ErrAlreadyStarted = errors.New("sla: clock already started")
	// ErrNotRunning: Pause was called on a clock that is not running.
	ErrNotRunning = errors.New("sla: clock not running")
	// ErrNotPaused: Resume was called on a clock that is not paused.
	ErrNotPaused = errors.New("sla: clock not paused")
	// ErrStopped: the operation needs a live cycle but the clock is stopped.
	ErrStopped = errors.New("sla: clock stopped")
	// ErrNotStopped: NewCycle was called while the current cycle is still open.
	ErrNotStopped = errors.New("sla: clock cycle still open")
	// ErrTimeBackwards: the instant is earlier than the last one the clock
	// recorded. It is the one sentinel every sqkit package shares.
	ErrTimeBackwards = sqerr.ErrTimeBackwards
	// ErrNoTarget: the clock has no target (a zero Clock or a nil *Target).
	ErrNoTarget = errors.New("sla: clock has no target")
	// ErrUnknownClock: the tracker holds no clock with the given key.
	ErrUnknownClock = errors.New("sla: unknown clock")
	// ErrDuplicateClock: the tracker already holds a clock with the given key.
	ErrDuplicateClock = errors.New("sla: clock already tracked")
	// ErrNoMatch: no rule of the policy matches and there is no fallback.
	ErrNoMatch = errors.New("sla: no policy rule matches")
	// ErrUnknownCalendar: a calendar name does not resolve.
	ErrUnknownCalendar = errors.New("sla: unknown calendar")
	// ErrNoPolicyVersion: no version of a policy is in force at the instant.
	ErrNoPolicyVersion = errors.New("sla: no policy version in force")
	// ErrOutOfRange: an instant outside the years 1678 to 2262, the range of
	// Unix nanoseconds the deadline queue orders by.
	ErrOutOfRange = errors.New("sla: instant outside the years 1678 to 2262")
	// ErrInvalid: a policy, target or snapshot failed validation.
	ErrInvalid = errors.New("sla: invalid")
)

// ClockError reports an out-of-order or impossible clock operation. The
// clock is left unchanged. Unwrap returns one of the sentinel errors above.
type ClockError struct {
	Op     string    // "start", "pause", "resume", "stop", "new cycle", "retarget"
	Status Status    // the status the clock was in
	At     time.Time // the instant passed to the operation
	Last   time.Time // the last instant the clock recorded (zero if none)
	Err    error     // the sentinel
}

// Error implements error.
func (e *ClockError) Error() string {
	if errors.Is(e.Err, ErrTimeBackwards) {
		return fmt.Sprintf("sla: %s at %s: instant earlier than the last recorded one (%s)",
			e.Op, e.At.Format(time.RFC3339Nano), e.Last.Format(time.RFC3339Nano))
	}
	return fmt.Sprintf("sla: %s: %s (clock is %s)", e.Op, trimPrefix(e.Err.Error()), e.Status)
}

// Unwrap returns the sentinel error.
func (e *ClockError) Unwrap() error { return e.Err }

// TrackerError reports a failed tracker operation on one clock.
type TrackerError struct {
	Key ClockKey
	Err error
}

// Error implements error.
func (e *TrackerError) Error() string {
	return fmt.Sprintf("sla: clock %s: %s", e.Key, trimPrefix(e.Err.Error()))
}

// Unwrap returns the underlying error.
func (e *TrackerError) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	const p = "sla: "
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// FieldError is one validation problem, with the path of the field (for
// example "rules[2].targets[0].within"). It is the type every sqkit package
// shares; the problems this package finds match ErrInvalid.
type FieldError = sqerr.FieldError

// fieldErr returns a *FieldError matching ErrInvalid.
func fieldErr(path, format string, args ...any) error {
	return sqerr.Field(ErrInvalid, path, format, args...)
}
