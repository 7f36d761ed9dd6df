package sla

import (
	"encoding/json"
	"errors"
	"math"
	"time"
)

// Calendar is a business calendar: weekly working windows in an IANA
// location, with full- and partial-day holidays, make-up working days and
// per-date overrides. It answers four questions, all exact to the
// nanosecond and consistent with each other:
//
//   - [Calendar.Add]: the instant at which d of business time has elapsed
//     after from;
//   - [Calendar.Between]: the business time between two instants;
//   - [Calendar.IsOpen]: whether an instant is inside a working window;
//   - [Calendar.NextOpen]: the first working instant at or after t.
//
// # Semantics
//
// The calendar is open at an instant when the local wall-clock time shown
// at that instant, in the calendar's location, lies inside a window of
// that local date. Business time is real elapsed time while open. The four
// methods follow this one rule; in particular:
//
//   - Windows are half-open, [start, end), and keep their wall-clock
//     hours on DST days: a 09:00-17:00 window is 09:00-17:00 local time,
//     so a window that spans a transition is shorter or longer in elapsed
//     time (00:00-06:00 is 5 hours on a spring-forward night, 7 on a
//     fall-back night in New York).
//   - A window bound inside a spring-forward gap (a wall-clock time the
//     day skips) opens or closes the window at the first instant after
//     the gap, on either side of UTC: in New York on 8 March 2026 (02:00
//     EST jumps to 03:00 EDT) a 02:00-06:00 window is open from 03:00 to
//     06:00 EDT, 3 hours; it is closed at 01:30 EST, and one business hour
//     after midnight is 04:00 EDT. A 02:15-02:45 window has no working
//     time that day.
//     (time.Date is no guide here: it moves a missing time forward east
//     of UTC but backward west of it.)
//   - A window over a repeated hour counts both occurrences: in New York
//     on 1 November 2026 (02:00 EDT falls back to 01:00 EST) a 01:30-03:00
//     window is open from 01:30 to 02:00 EDT and again from 01:30 to
//     03:00 EST, 2 hours in all, and closed at 01:15 EST.
//   - "00:00" and "24:00" are the bounds of the local date itself, so
//     windows that touch midnight stay continuous in zones whose
//     transitions happen at midnight (Havana, Santiago); a date the zone
//     skipped (Samoa, 30 December 2011) has no working time; a date the
//     clock showed twice (a fall-back over midnight) is open whenever it
//     shows a working time.
//
// Instants may be given in any location; results of Add and NextOpen are
// expressed in the location of their argument.
//
// # Cost
//
// The arithmetic works on intervals, not steps: the working time of a
// regular week is precomputed, runs of whole weeks that contain no
// exception date (found by binary search) and no time-zone transition are
// skipped in O(1), and only the days of irregular weeks (at most about two
// weeks around each transition or exception date) are walked. The cost of
// Add and Between therefore grows with the number of exception dates and
// DST transitions in the span, not with its length. On days at least two
// days away from any zone transition, windows are placed as local midnight
// plus their offset; nearer to a transition the day is cut into stretches
// of constant UTC offset and each window is placed in each stretch by
// subtracting the offset, which yields the rules above.
//
// A Calendar is immutable once built and safe for concurrent use by any
// number of goroutines. Build one with [NewCalendar], [NewCalendarIn] or
// [AlwaysOpen]; the zero Calendar is not usable.
type Calendar struct {
	loc  *time.Location
	spec CalendarSpec
	calCompiled
}

// NewCalendar builds a calendar from spec, loading spec.Location with
// time.LoadLocation. It reports every problem of the spec at once (see
// [CalendarSpec.Validate]): an unknown location, malformed or reversed
// windows, overlapping windows, malformed or repeated dates, and weekly
// hours with no working time at all.
func NewCalendar(spec CalendarSpec) (*Calendar, error) {
	return calBuild(spec, nil)
}

// NewCalendarIn builds a calendar from spec in the given location, which
// replaces spec.Location (the calendar's [Calendar.Spec] reports
// loc.String()). A nil loc is rejected with [ErrCalendarLocation], together
// with every other problem of the spec.
func NewCalendarIn(loc *time.Location, spec CalendarSpec) (*Calendar, error) {
	if loc == nil {
		_, err := calBuild(spec, time.UTC)
		nilErr := &CalendarError{Field: "location", Err: ErrCalendarLocation, Detail: "nil *time.Location"}
		if err != nil {
			return nil, calJoin(nilErr, err)
		}
		return nil, calJoin(nilErr)
	}
	spec.Location = loc.String()
	return calBuild(spec, loc)
}

// calJoin joins first with the problems inside err (an errors.Join value).
func calJoin(first error, rest ...error) error {
	errs := []error{first}
	for _, e := range rest {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			errs = append(errs, j.Unwrap()...)
		} else {
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}

// AlwaysOpen returns a 24x7 calendar in UTC: every instant is business
// time, so Add(from, d) is from.Add(d) and Between(a, b) is b.Sub(a).
func AlwaysOpen() *Calendar {
	all := []CalendarWindow{{Start: "00:00", End: "24:00"}}
	c, err := NewCalendar(CalendarSpec{Location: "UTC", Week: CalendarWeek{
		Monday: all, Tuesday: all, Wednesday: all, Thursday: all, Friday: all, Saturday: all, Sunday: all,
	}})
	if err != nil {
		panic("sla: AlwaysOpen: " + err.Error()) // unreachable: the spec is constant and valid
	}
	return c
}

// Location returns the calendar's location.
func (c *Calendar) Location() *time.Location { return c.loc }

// Spec returns a copy of the spec the calendar was built from.
func (c *Calendar) Spec() CalendarSpec { return calCloneSpec(c.spec) }

// WeekDuration returns the business time of a regular week (one with no
// exception date and no DST transition).
func (c *Calendar) WeekDuration() time.Duration { return time.Duration(c.weekDur) }

// MarshalJSON encodes the calendar as its [CalendarSpec].
func (c *Calendar) MarshalJSON() ([]byte, error) { return json.Marshal(c.spec) }

// IsOpen reports whether t is inside a working window.
func (c *Calendar) IsOpen(t time.Time) bool {
	w := calWalker{c: c}
	sec := t.Unix()
	n := w.dayOf(t)
	for _, sp := range w.spans(n) {
		if sec >= sp.start && sec < sp.end {
			return true
		}
	}
	return false
}

// NextOpen returns t if t is inside a working window, else the start of the
// next working window after t, in t's location.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	w := calWalker{c: c}
	sec := t.Unix()
	n := w.dayOf(t)
	for _, sp := range w.spans(n) {
		if sec < sp.end {
			if sec >= sp.start {
				return t
			}
			return time.Unix(sp.start, 0).In(t.Location())
		}
	}
	for {
		n++
		if sp := w.spans(n); len(sp) > 0 {
			return time.Unix(sp[0].start, 0).In(t.Location())
		}
	}
}

// Add returns the earliest instant at which d of business time has elapsed
// after from, in from's location. If from is outside working hours the
// count starts at the next opening; if the target is reached exactly at
// the end of a window, that end is returned (not the next opening). For
// d <= 0 Add returns from unchanged.
//
// Add is monotone in d and consistent with Between:
// Between(from, Add(from, d)) == d for every d >= 0.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	t, _ := c.calAdd(from, d, true)
	return t
}

// Between returns the business time between a and b: the total length of
// the working windows inside [a, b). It is antisymmetric: if b is before a
// the result is negative, Between(a, b) == -Between(b, a), so
// Between(now, due) is the business time left before a deadline, or
// (negative) the business time it is overdue by. Results beyond the range
// of time.Duration saturate.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.Between(b, a)
	}
	d, _ := c.calBetween(a, b, true)
	return d
}

const calNano = int64(time.Second)

// calAdd implements Add; with skip false it walks every day (the reference
// for tests). It also returns the number of days computed.
func (c *Calendar) calAdd(from time.Time, d time.Duration, skip bool) (time.Time, int) {
	if d <= 0 {
		return from, 0
	}
	w := calWalker{c: c}
	sec, ns := from.Unix(), int64(from.Nanosecond())
	rem := int64(d)
	n := w.dayOf(from)
	for _, sp := range w.spans(n) {
		if sec >= sp.end {
			continue
		}
		cs, cns := sp.start, int64(0)
		if sec >= sp.start {
			cs, cns = sec, ns
		}
		avail := (sp.end-cs)*calNano - cns
		if avail >= rem {
			return time.Unix(cs, cns+rem).In(from.Location()), w.walked
		}
		rem -= avail
	}
	for n++; ; n++ {
		if skip && rem > c.weekDur {
			if k := w.skippableWeeks(n, (rem-1)/c.weekDur); k > 0 {
				rem -= k * c.weekDur
				n += 7 * k
			}
		}
		for _, sp := range w.spans(n) {
			avail := (sp.end - sp.start) * calNano
			if avail >= rem {
				return time.Unix(sp.start, rem).In(from.Location()), w.walked
			}
			rem -= avail
		}
	}
}

// calSatAdd adds two non-negative durations, saturating at the maximum.
func calSatAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// calBetween implements Between for a <= b; with skip false it walks every
// day. It also returns the number of days computed.
func (c *Calendar) calBetween(a, b time.Time, skip bool) (time.Duration, int) {
	if !a.Before(b) {
		return 0, 0
	}
	w := calWalker{c: c}
	as, ans := a.Unix(), int64(a.Nanosecond())
	bs, bns := b.Unix(), int64(b.Nanosecond())
	na := w.dayOf(a)
	nb := w.dayOf(b)
	var total int64
	for n := na; n <= nb; n++ {
		if skip && n > na && n < nb {
			if k := w.skippableWeeks(n, (nb-n)/7); k > 0 {
				if k > (math.MaxInt64-total)/c.weekDur {
					return math.MaxInt64, w.walked
				}
				total += k * c.weekDur
				n += 7*k - 1
				continue
			}
		}
		for _, sp := range w.spans(n) {
			// overlap of [a, b) and [sp.start, sp.end)
			los, lons := sp.start, int64(0)
			if as > los || (as == los && ans > 0) {
				los, lons = as, ans
			}
			his, hins := sp.end, int64(0)
			if bs < his {
				his, hins = bs, bns
			}
			if his > los || (his == los && hins > lons) {
				total = calSatAdd(total, (his-los)*calNano+hins-lons)
			}
		}
	}
	return time.Duration(total), w.walked
}
