package feedback

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them,
// so callers can test with errors.Is; the typed errors below add detail for
// errors.As.
var (
	// ErrInvalidRecord reports a response or service record that cannot be
	// counted: a score out of range, NaN, a negative duration, a zero time.
	ErrInvalidRecord = errors.New("feedback: invalid record")
	// ErrInvalidConfig reports a configuration, rule set or plan that
	// failed validation.
	ErrInvalidConfig = errors.New("feedback: invalid configuration")
	// ErrInvalidTransition reports a PDCA operation that the cycle's
	// current phase does not allow.
	ErrInvalidTransition = errors.New("feedback: invalid phase transition")
	// ErrNotFound reports an unknown cycle or action id.
	ErrNotFound = errors.New("feedback: not found")
	// ErrDuplicate reports an id that is already in use.
	ErrDuplicate = errors.New("feedback: duplicate id")
)

// RecordError names the record that was rejected: its position in the
// batch (Index, -1 when the record was added on its own), its ID when it has
// one, the offending field and why. It wraps ErrInvalidRecord.
type RecordError struct {
	Index  int    // position in the batch, or -1
	ID     string // the record's ID, may be empty
	Field  string // e.g. "score", "handling"
	Reason string // human-readable cause
}

// Error implements error.
func (e *RecordError) Error() string {
	where := "record"
	switch {
	case e.ID != "" && e.Index >= 0:
		where = fmt.Sprintf("record %d (id %q)", e.Index, e.ID)
	case e.ID != "":
		where = fmt.Sprintf("record %q", e.ID)
	case e.Index >= 0:
		where = fmt.Sprintf("record %d", e.Index)
	}
	return fmt.Sprintf("feedback: invalid %s: %s: %s", where, e.Field, e.Reason)
}

// Unwrap lets errors.Is match ErrInvalidRecord.
func (e *RecordError) Unwrap() error { return ErrInvalidRecord }

// FieldError is one validation problem at a field path such as
// "rules[3].keywords[0]". Validate methods join several of them with
// errors.Join. It wraps ErrInvalidConfig.
type FieldError struct {
	Path   string
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("feedback: %s: %s", e.Path, e.Reason)
}

// Unwrap lets errors.Is match ErrInvalidConfig.
func (e *FieldError) Unwrap() error { return ErrInvalidConfig }

func fieldErr(path, format string, args ...any) error {
	return &FieldError{Path: path, Reason: fmt.Sprintf(format, args...)}
}

// TransitionError reports a PDCA operation that is not allowed in the
// cycle's current phase. It wraps ErrInvalidTransition.
type TransitionError struct {
	CycleID string
	Op      string // the operation attempted, e.g. "StartCheck"
	From    Phase  // the phase the cycle was in
	Reason  string // why it is not allowed
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("feedback: cycle %q: %s not allowed in phase %s: %s", e.CycleID, e.Op, e.From, e.Reason)
}

// Unwrap lets errors.Is match ErrInvalidTransition.
func (e *TransitionError) Unwrap() error { return ErrInvalidTransition }

func pathf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
