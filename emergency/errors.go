package emergency

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them,
// so callers can test with errors.Is.
var (
	// ErrUnknownLevel: a level name or value that is not None, Yellow,
	// Orange or Red.
	ErrUnknownLevel = errors.New("emergency: unknown level")
	// ErrInvalidConfig: a rule or board configuration failed validation. The
	// joined errors are *FieldError values naming each problem.
	ErrInvalidConfig = errors.New("emergency: invalid configuration")
	// ErrInvalidInput: an observation, count or argument that cannot be used
	// (NaN, negative count, empty subject, ...).
	ErrInvalidInput = errors.New("emergency: invalid input")
	// ErrUnknownRule: an observation or call names a measure, event or rule
	// that no rule of the board uses.
	ErrUnknownRule = errors.New("emergency: unknown rule")
	// ErrSnapshot: a snapshot does not fit the board it is restored into.
	ErrSnapshot = errors.New("emergency: bad snapshot")
)

// FieldError is one validation problem: the path of the offending field
// (for example "changes[0].alpha") and what is wrong with it. It wraps
// ErrInvalidConfig.
type FieldError struct {
	Path    string // field path, e.g. "thresholds[1].steps[0].exit"
	Problem string // human-readable description
}

// Error implements error.
func (e *FieldError) Error() string {
	return fmt.Sprintf("emergency: %s: %s", e.Path, e.Problem)
}

// Unwrap returns ErrInvalidConfig.
func (e *FieldError) Unwrap() error { return ErrInvalidConfig }

func fieldErr(path, format string, args ...any) error {
	return &FieldError{Path: path, Problem: fmt.Sprintf(format, args...)}
}

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

func joinErrors(errs ...error) error { return errors.Join(errs...) }
