package emergency

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
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
	// ErrSnapshot: a snapshot does not fit what it is restored into, or is
	// not consistent in itself. The joined errors are *FieldError values
	// naming each problem.
	ErrSnapshot = errors.New("emergency: bad snapshot")
	// ErrUnknownObligation: no obligation has the given id.
	ErrUnknownObligation = errors.New("emergency: unknown obligation")
	// ErrObligationClosed: the obligation was already fulfilled or cancelled.
	ErrObligationClosed = errors.New("emergency: obligation already closed")
	// ErrUnknownIncidentType: an incident type the configuration does not list.
	ErrUnknownIncidentType = errors.New("emergency: unknown incident type")
	// ErrInvalidGrade: a grade outside I..IV.
	ErrInvalidGrade = errors.New("emergency: grade out of range")
	// ErrUnknownIncident: no incident has the given id.
	ErrUnknownIncident = errors.New("emergency: unknown incident")
	// ErrDuplicateIncident: an incident with the given id already exists.
	ErrDuplicateIncident = errors.New("emergency: incident already exists")
	// ErrUnknownMilestone: the incident has no milestone of that name.
	ErrUnknownMilestone = errors.New("emergency: unknown milestone")
	// ErrMilestoneClosed: the milestone was already met.
	ErrMilestoneClosed = errors.New("emergency: milestone already met")
	// ErrIncidentState: the operation is not allowed in the incident's
	// current lifecycle state (for example acknowledging a resolved one).
	ErrIncidentState = errors.New("emergency: operation not allowed in the incident's state")
	// ErrPlanVersion: a plan version added to a library is not newer than
	// the versions it already holds.
	ErrPlanVersion = errors.New("emergency: plan version not newer than the library's")
	// ErrUnknownActionItem: the review has no action item with the given id.
	ErrUnknownActionItem = errors.New("emergency: unknown action item")
)

// ErrTimeBackwards is the SDK-wide sentinel for an operation dated before
// the last instant recorded on what it changes (a board subject, an
// obligation, an incident). Such errors match ErrInvalidInput too.
var ErrTimeBackwards = sqerr.ErrTimeBackwards

// FieldError is one validation problem: the path of the offending field
// (for example "changes[0].alpha"), what is wrong with it, and the
// package's sentinel it matches (ErrInvalidConfig for configuration,
// ErrSnapshot for snapshots). It is the SDK-wide type, so errors.As works
// across packages.
type FieldError = sqerr.FieldError

func fieldErr(path, format string, args ...any) error {
	return sqerr.Field(ErrInvalidConfig, path, format, args...)
}

func snapErr(path, format string, args ...any) error {
	return sqerr.Field(ErrSnapshot, path, format, args...)
}

func inputErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

// backwardsErr reports instant t before last, the latest instant recorded on
// what (a subject, an obligation, an incident).
func backwardsErr(t, last time.Time, what string) error {
	return fmt.Errorf("%w: instant %v is before %s's last recorded instant %v: %w",
		ErrInvalidInput, t, what, last, ErrTimeBackwards)
}

func errorsJoin(errs []error) error { return errors.Join(errs...) }
