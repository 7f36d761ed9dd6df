package holidays

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/internal/civil"
)

// Date is a civil date, with no time of day and no location: a holiday is
// "1 October", not an instant. The zero Date is not a valid date.
//
// Dates compare with ==, [Date.Compare] and [Date.Before]. They marshal to
// and from JSON as "YYYY-MM-DD", the form [sla.CalendarSpec] uses.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised as [time.Date] does
// (2026-02-30 becomes 2026-03-02).
func NewDate(y int, m time.Month, d int) Date {
	return dateFromDays(civil.Days(int64(y), int64(m), int64(d)))
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD". The date must exist (2026-02-30 does not).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("holidays: date %q is not a valid YYYY-MM-DD date", s)
	}
	return DateOf(t), nil
}

// String formats the date as "YYYY-MM-DD".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsValid reports whether d is a real date of the years 1 to 9999.
func (d Date) IsValid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Month, d.Year)
}

// AddDays returns the date n days after d (before it for negative n).
func (d Date) AddDays(n int) Date { return dateFromDays(d.days() + int64(n)) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.days()) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	a, b := d.days(), e.days()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// In returns the instant at which date d starts in loc: its first instant,
// which is midnight unless a time-zone change skips midnight.
func (d Date) In(loc *time.Location) time.Time {
	return localInstant(d, 0, loc)
}

// MarshalText implements encoding.TextMarshaler ("YYYY-MM-DD").
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsValid() {
		return nil, fmt.Errorf("holidays: cannot marshal invalid date %s", d)
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler ("YYYY-MM-DD").
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// days returns the number of days from 1970-01-01 to d.
func (d Date) days() int64 { return civil.Days(int64(d.Year), int64(d.Month), int64(d.Day)) }

// Range is the half-open span of dates [From, To). The zero Range is
// invalid.
type Range struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// MaxRangeYears is the longest span a [Range] may cover. It bounds the work
// of expanding recurring events in untrusted feeds.
const MaxRangeYears = 200

// Year returns the range covering the whole of year y.
func Year(y int) Range { return Range{NewDate(y, time.January, 1), NewDate(y+1, time.January, 1)} }

// Contains reports whether d lies in [From, To).
func (r Range) Contains(d Date) bool { return !d.Before(r.From) && d.Before(r.To) }

// Validate reports every problem of the range at once: both ends valid
// dates, From before To, and a span of at most [MaxRangeYears] years. Each
// problem is a [*FieldError] wrapping [ErrInvalid].
func (r Range) Validate() error {
	var errs []error
	if !r.From.IsValid() {
		errs = append(errs, fieldErr("from", "%s is not a valid date", r.From))
	}
	if !r.To.IsValid() {
		errs = append(errs, fieldErr("to", "%s is not a valid date", r.To))
	}
	if len(errs) == 0 {
		if !r.From.Before(r.To) {
			errs = append(errs, fieldErr("to", "%s is not after from %s", r.To, r.From))
		} else if r.To.days()-r.From.days() > MaxRangeYears*366 {
			errs = append(errs, fieldErr("to", "the range spans more than %d years", MaxRangeYears))
		}
	}
	return joinErrs(errs)
}

func dateFromDays(n int64) Date {
	y, m, d := civil.Date(n)
	return Date{int(y), time.Month(m), int(d)}
}

// weekdayOf returns the weekday of day number n (1970-01-01 was a Thursday).
func weekdayOf(n int64) time.Weekday {
	return time.Weekday(((n % 7) + 7 + 4) % 7)
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
