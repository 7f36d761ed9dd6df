package holidays

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns wraps one of them (often
// inside a [*ParseError], [*FieldError], [*ConflictError] or [*YearError]),
// so callers can test for a class of problem with errors.Is.
var (
	// ErrSyntax: a content line of a feed is malformed (no colon, a bad
	// property name or parameter, a control character, invalid UTF-8).
	ErrSyntax = errors.New("holidays: malformed iCalendar line")
	// ErrStructure: BEGIN and END do not pair up, a property stands outside
	// any component, or the feed is not one or more VCALENDAR objects.
	ErrStructure = errors.New("holidays: malformed iCalendar structure")
	// ErrValue: a property value is malformed or impossible (a bad date,
	// time, duration or period, DTEND before DTSTART, a missing DTSTART).
	ErrValue = errors.New("holidays: invalid iCalendar value")
	// ErrTimeZone: a TZID names no time zone that can be resolved.
	ErrTimeZone = errors.New("holidays: unknown time zone")
	// ErrUnsupported: a valid iCalendar construct this package does not
	// handle, such as a recurrence rule more frequent than daily.
	ErrUnsupported = errors.New("holidays: unsupported iCalendar feature")
	// ErrTooLarge: the feed exceeds the size limit given to [Parse].
	ErrTooLarge = errors.New("holidays: feed too large")
	// ErrTooManyOccurrences: one event recurs more often in the range than
	// the limit allows.
	ErrTooManyOccurrences = errors.New("holidays: too many occurrences")
	// ErrInvalid: a configuration value or a [Day] is invalid.
	ErrInvalid = errors.New("holidays: invalid")
	// ErrConflict: an incoming day's date is already taken in the calendar
	// spec by a different entry.
	ErrConflict = errors.New("holidays: date already in the calendar")
	// ErrNotPublished: the holiday schedule of a year is not known.
	ErrNotPublished = errors.New("holidays: schedule not published for the year")
)

// ParseError is a problem found in a feed. Line is the 1-based number of
// the physical line where the offending content line starts (a folded line
// is named by its first physical line); UID names the event when the problem
// belongs to one.
type ParseError struct {
	Line   int
	UID    string
	Err    error // one of the sentinels
	Detail string
}

// Error implements error.
func (e *ParseError) Error() string {
	s := fmt.Sprintf("%v: line %d", e.Err, e.Line)
	if e.UID != "" {
		s += fmt.Sprintf(" (event %q)", e.UID)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// FieldError is one validation problem, with the path of the field (for
// example "days[3].closed[0].end" or "years.2027.holidays[2].date").
type FieldError struct {
	Path    string
	Message string
}

// Error implements error.
func (e *FieldError) Error() string { return "holidays: " + e.Path + ": " + e.Message }

// Is makes every FieldError match [ErrInvalid].
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// ConflictError reports an incoming day whose date the calendar spec
// already holds with different content. Existing is the path of the entry
// in the spec (for example "holidays[4]"), Incoming the name of the day
// that was to be added.
type ConflictError struct {
	Date     Date
	Existing string
	Incoming string
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("holidays: %s: date already in the calendar at %s (incoming %q)", e.Date, e.Existing, e.Incoming)
}

// Unwrap returns [ErrConflict].
func (e *ConflictError) Unwrap() error { return ErrConflict }

// YearError reports a year whose schedule a provider does not know.
type YearError struct {
	Year int
}

// Error implements error.
func (e *YearError) Error() string {
	return fmt.Sprintf("holidays: schedule not published for %d (supply it as a host override)", e.Year)
}

// Unwrap returns [ErrNotPublished].
func (e *YearError) Unwrap() error { return ErrNotPublished }

func fieldErr(path, format string, args ...any) error {
	return &FieldError{Path: path, Message: fmt.Sprintf(format, args...)}
}

// joinErrs is errors.Join that returns nil for no errors.
func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
