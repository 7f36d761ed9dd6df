package incentive

import (
	"errors"
	"strings"

	"github.com/sqkit/sqkit/internal/sqerr"
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
	// ErrAppealDeadline reports an appeal of an assessment outcome filed at
	// or after its deadline (Outcome.AppealBy).
	ErrAppealDeadline = errors.New("incentive: appeal deadline passed")
)

// FieldError is one validation problem: the path of the offending field
// (for example "tiers[2].to"), what is wrong with it, and the sentinel it
// matches (ErrInvalid). It is the one FieldError of the whole SDK, so
// errors.As finds it whichever package reported the problem.
type FieldError = sqerr.FieldError

// ErrTimeBackwards matches an operation on a statement of a Book, or a
// posting to an account of a PointsLedger, dated before the latest instant
// recorded on it. It is the SDK-wide sentinel, the same value as
// sla.ErrTimeBackwards.
var ErrTimeBackwards = sqerr.ErrTimeBackwards

// problems collects FieldErrors for errors.Join.
type problems []error

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, sqerr.Field(ErrInvalid, path, format, args...))
}

func (p *problems) addErr(path string, err error) {
	*p = append(*p, sqerr.Field(ErrInvalid, path, "%s", strings.TrimPrefix(err.Error(), "incentive: ")))
}

// prefix adds the problems of src to p, each moved under path.
func (p *problems) prefix(path string, src problems) {
	for _, e := range src {
		*p = append(*p, sqerr.Prefix(path, e))
	}
}

// part validates a part of a definition and adds its problems under path.
func (p *problems) part(path string, validate func(*problems)) {
	var sub problems
	validate(&sub)
	p.prefix(path, sub)
}

// sameCurrency reports a part's currency c that is not the whole's, want.
func (p *problems) sameCurrency(path string, c, want Currency) {
	if c != want {
		p.add(path, "%q differs from the plan's %q", c, want)
	}
}

// money checks the currency and rounding mode of a money rule and returns
// the currency's digits (ok false for an unknown currency).
func (p *problems) money(c Currency, r RoundingMode) (digits int, ok bool) {
	digits, err := c.Digits()
	if err != nil {
		p.addErr("currency", err)
	}
	p.rounding(r)
	return digits, err == nil
}

// rounding reports an undefined rounding mode.
func (p *problems) rounding(r RoundingMode) {
	if !r.Valid() {
		p.add("rounding", "unknown rounding mode %d", r)
	}
}

// places reports an amount d (nil for none) at path with more decimal
// places than the currency c has (digits); ok is false when the currency
// is unknown and nothing is checked.
func (p *problems) places(path string, d *Decimal, c Currency, digits int, ok bool) {
	if ok && d != nil && tooPrecise(*d, digits) {
		p.add(path, placesMsg, d, c, digits)
	}
}

const placesMsg = "%s has more places than %s allows (%d)"

// tooPrecise reports whether d needs more than digits decimal places.
func tooPrecise(d Decimal, digits int) bool {
	return d.Scale() > digits && d.Normalize().Scale() > digits
}

// invalidBecause is the kind of a restore problem that an operation
// refused with err: it matches ErrInvalid and whatever err matches.
type invalidBecause struct{ err error }

func (e *invalidBecause) Error() string   { return e.err.Error() }
func (e *invalidBecause) Unwrap() []error { return []error{ErrInvalid, e.err} }

// required reports an empty value of the field at path.
func (p *problems) required(path, value string) {
	if value == "" {
		p.add(path, "is required")
	}
}

// restoreProblem returns err, refused by the operation that replays the
// item at path of a snapshot, as problems under path that match ErrInvalid
// as well as err's own sentinels.
func restoreProblem(path string, err error) error {
	if !errors.Is(err, ErrInvalid) {
		err = sqerr.Field(&invalidBecause{err}, "", "%s", strings.TrimPrefix(err.Error(), "incentive: "))
	}
	return sqerr.Prefix(path, err)
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.Join(p...)
}
