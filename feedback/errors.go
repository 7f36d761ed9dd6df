package feedback

import (
	"errors"
	"fmt"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Sentinel errors. Every error returned by this package wraps one of them,
// so callers can test with errors.Is; the typed errors below add detail for
// errors.As.
var (
	// ErrInvalidRecord reports a response or service record that cannot be
	// counted: a score out of range, NaN, a negative duration, a zero time.
	ErrInvalidRecord = errors.New("feedback: invalid record")
	// ErrInvalidConfig reports a configuration, rule set, plan or snapshot
	// that failed validation: every *FieldError of this package wraps it.
	ErrInvalidConfig = errors.New("feedback: invalid configuration")
	// ErrInvalidTransition reports a PDCA operation that the cycle's
	// current phase does not allow.
	ErrInvalidTransition = errors.New("feedback: invalid phase transition")
	// ErrNotFound reports an unknown cycle or action id.
	ErrNotFound = errors.New("feedback: not found")
	// ErrDuplicate reports an id that is already in use.
	ErrDuplicate = errors.New("feedback: duplicate id")
	// ErrTimeBackwards reports an operation dated before the last change
	// recorded on what it changes (a rectification item, a return visit, a
	// PDCA cycle). It is the sentinel every sqkit package shares, so it
	// also matches sla.ErrTimeBackwards and fsm's.
	ErrTimeBackwards = sqerr.ErrTimeBackwards
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
// "rules[3].keywords[0]": the type every sqkit package shares (errors.As
// with a *sla.FieldError target matches it too). Validate methods and
// restores join several of them with errors.Join. Those of this package
// have Err set to ErrInvalidConfig, so errors.Is matches it.
type FieldError = sqerr.FieldError

// fieldErr returns a *FieldError at path wrapping ErrInvalidConfig.
func fieldErr(path, format string, args ...any) error {
	return sqerr.Field(ErrInvalidConfig, path, format, args...)
}

// TransitionError reports a PDCA operation that is not allowed in the
// cycle's current phase, or one dated before the cycle's last change (Err
// is then ErrTimeBackwards). It matches ErrInvalidTransition and Err with
// errors.Is.
type TransitionError struct {
	CycleID string
	Op      string // the operation attempted, e.g. "StartCheck"
	From    Phase  // the phase the cycle was in
	Reason  string // why it is not allowed
	Err     error  // the underlying sentinel, if any
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("feedback: cycle %q: %s not allowed in phase %s: %s", e.CycleID, e.Op, e.From, e.Reason)
}

// Unwrap lets errors.Is match ErrInvalidTransition and Err.
func (e *TransitionError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidTransition}
	}
	return []error{ErrInvalidTransition, e.Err}
}

func pathf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// missing reports, as *FieldError values, the fields of a path-value list
// ("id", in.ID, "owner", in.Owner, ...) whose value is empty.
func missing(fields ...string) []error {
	var errs []error
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			errs = append(errs, fieldErr(fields[i], "empty"))
		}
	}
	return errs
}

// checkIDs reports, as *FieldError values at path(i), the empty ids of n
// elements and those repeated from an earlier element: `duplicate rule
// "x" (also rules[1].id)`, what naming the kind.
func checkIDs(n int, id, path func(i int) string, what string) []error {
	var errs []error
	seen := make(map[string]int, n)
	for i := range n {
		v := id(i)
		if j, dup := seen[v]; dup && v != "" {
			errs = append(errs, fieldErr(path(i), "duplicate %s %q (also %s)", what, v, path(j)))
			continue
		}
		seen[v] = i
		if v == "" {
			errs = append(errs, fieldErr(path(i), "empty"))
		}
	}
	return errs
}

// indexed returns the path function of the elements of a list:
// indexed("rules[%d].id")(3) is "rules[3].id".
func indexed(format string) func(i int) string {
	return func(i int) string { return fmt.Sprintf(format, i) }
}

// prefix moves the field paths of the *FieldError values in err under path
// ("id" under "cycles[2]" becomes "cycles[2].id"); other errors read
// "path: error".
func prefix(path string, err error) error { return sqerr.Prefix(path, err) }
