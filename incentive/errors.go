package incentive

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them,
// so callers can test with errors.Is.
var (
	// ErrOverflow reports that a result does not fit in an int64 (or in the
	// 18 decimal digits of a Decimal).
	ErrOverflow = errors.New("incentive: overflow")
	// ErrPrecision reports that an exact result would need more than
	// MaxScale decimal places, or more minor units than a currency has.
	ErrPrecision = errors.New("incentive: precision exceeded")
	// ErrDivisionByZero reports a division by zero.
	ErrDivisionByZero = errors.New("incentive: division by zero")
	// ErrSyntax reports a malformed decimal or money literal.
	ErrSyntax = errors.New("incentive: syntax error")
	// ErrUnknownCurrency reports a currency code this package does not know.
	ErrUnknownCurrency = errors.New("incentive: unknown currency")
	// ErrCurrencyMismatch reports arithmetic between different currencies.
	ErrCurrencyMismatch = errors.New("incentive: currency mismatch")
	// ErrInvalid is wrapped by every validation failure (see FieldError).
	ErrInvalid = errors.New("incentive: invalid definition")
	// ErrOutOfRange reports a quantity outside every tier of a table.
	ErrOutOfRange = errors.New("incentive: quantity out of range")
	// ErrNotFound reports an unknown statement, appeal, KPI, tier or account.
	ErrNotFound = errors.New("incentive: not found")
	// ErrDuplicate reports an attempt to issue or file something twice.
	ErrDuplicate = errors.New("incentive: duplicate")
	// ErrFrozen reports an operation refused because an appeal froze the statement.
	ErrFrozen = errors.New("incentive: statement frozen by appeal")
	// ErrAppealState reports a decision on an appeal that is not pending.
	ErrAppealState = errors.New("incentive: appeal not pending")
	// ErrInsufficientPoints reports a redemption larger than the balance.
	ErrInsufficientPoints = errors.New("incentive: insufficient points")
	// ErrIdempotencyConflict reports a reused idempotency key whose posting differs.
	ErrIdempotencyConflict = errors.New("incentive: idempotency key reused with different posting")
	// ErrInput reports bad evaluation input (missing or unknown KPI values, wrong currency).
	ErrInput = errors.New("incentive: invalid input")
)

// FieldError is one validation problem, located by the path of the field
// (for example "tiers[2].to"). It wraps ErrInvalid.
type FieldError struct {
	Path string // path of the offending field
	Msg  string // what is wrong with it
}

// Error implements error.
func (e *FieldError) Error() string { return fmt.Sprintf("incentive: %s: %s", e.Path, e.Msg) }

// Unwrap returns ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// problems collects FieldErrors for errors.Join.
type problems []error

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (p *problems) addErr(path string, err error) {
	*p = append(*p, &FieldError{Path: path, Msg: err.Error()})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.Join(p...)
}
