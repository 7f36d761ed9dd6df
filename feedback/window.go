package feedback

import (
	"fmt"
	"time"
)

// Granularity is the length of a reporting window.
type Granularity uint8

// Window granularities. Weeks are ISO 8601 weeks (Monday to Monday, labelled
// with the ISO week-numbering year); quarters start in January, April, July
// and October.
const (
	Day Granularity = iota + 1
	Week
	Month
	Quarter
	Year
)

var granularities = enum[Granularity]{what: "granularity",
	names: []string{Day: "day", Week: "week", Month: "month", Quarter: "quarter", Year: "year"}, err: ErrInvalidConfig, zero: true}

// Valid reports whether g is one of the defined granularities.
func (g Granularity) Valid() bool { return granularities.valid(g) }

// String returns "day", "week", "month", "quarter" or "year".
func (g Granularity) String() string { return granularities.string(g) }

// MarshalText implements encoding.TextMarshaler. The zero value (no
// granularity, as in the zero Window) marshals as "".
func (g Granularity) MarshalText() ([]byte, error) { return granularities.marshal(g) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (g *Granularity) UnmarshalText(b []byte) error { return granularities.unmarshal(g, b) }

// Window is a half-open calendar interval [Start, End) in one location:
// a day, an ISO week, a month, a quarter or a year. Boundaries are local
// midnights computed with time.Date, never by adding 24 hours, so a window
// on a daylight-saving change lasts 23 or 25 hours (or 23½ on Lord Howe
// Island); where a change skips midnight itself, the day starts at the
// change.
type Window struct {
	Granularity Granularity `json:"granularity"`
	Start       time.Time   `json:"start"`
	End         time.Time   `json:"end"`
}

// WindowOf returns the window of granularity g that contains t in loc
// (nil means UTC).
func WindowOf(g Granularity, t time.Time, loc *time.Location) (Window, error) {
	if !g.Valid() {
		return Window{}, fmt.Errorf("%w: unknown granularity %d", ErrInvalidConfig, uint8(g))
	}
	if loc == nil {
		loc = time.UTC
	}
	return windowOf(g, t, loc), nil
}

func windowOf(g Granularity, t time.Time, loc *time.Location) Window {
	t = t.In(loc)
	y, m, d := t.Date()
	var start, end time.Time
	switch g {
	case Day:
		start, end = midnight(y, m, d, loc), midnight(y, m, d+1, loc)
	case Week:
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		start, end = midnight(y, m, d-back, loc), midnight(y, m, d-back+7, loc)
	case Month:
		start, end = midnight(y, m, 1, loc), midnight(y, m+1, 1, loc)
	case Quarter:
		qm := (m-1)/3*3 + 1
		start, end = midnight(y, qm, 1, loc), midnight(y, qm+3, 1, loc)
	default: // Year
		start, end = midnight(y, 1, 1, loc), midnight(y+1, 1, 1, loc)
	}
	return Window{Granularity: g, Start: start, End: end}
}

// midnight returns the first instant of the local date y-m-d (normalised
// like time.Date). Where a daylight-saving change skips midnight itself
// (as in America/Santiago), time.Date may answer an instant of the previous
// day; the day then starts at the zone transition.
func midnight(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t // the common case: midnight exists
	}
	ny, nm, nd := time.Date(y, m, d, 12, 0, 0, 0, loc).Date()
	if ty, tm, td := t.Date(); ty != ny || tm != nm || td != nd {
		if _, next := t.ZoneBounds(); !next.IsZero() {
			return next
		}
	}
	return t
}

// Contains reports whether t falls in [w.Start, w.End).
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Start) && t.Before(w.End)
}

// Next returns the window that follows w.
func (w Window) Next() Window {
	return windowOf(w.Granularity, w.End, w.Start.Location())
}

// Prev returns the window that precedes w.
func (w Window) Prev() Window {
	return windowOf(w.Granularity, w.Start.Add(-time.Nanosecond), w.Start.Location())
}

// Label names the window: "2026-03-14", "2026-W11", "2026-03", "2026-Q1"
// or "2026".
func (w Window) Label() string {
	s := w.Start
	switch w.Granularity {
	case Day:
		return s.Format("2006-01-02")
	case Week:
		y, wk := s.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, wk)
	case Month:
		return s.Format("2006-01")
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", s.Year(), (int(s.Month())-1)/3+1)
	case Year:
		return fmt.Sprintf("%04d", s.Year())
	}
	return ""
}

// String returns the label.
func (w Window) String() string { return w.Label() }
