package holidays

import (
	"cmp"
	"slices"
	"time"
)

// Occurrence is one occurrence of an event: a recurring event's instance
// or a single event. An all-day occurrence is a span of dates, never an
// instant: "2026-10-01" stays 1 October in any location. A timed
// occurrence is a span of instants.
type Occurrence struct {
	UID        string
	Summary    string
	Categories []string
	// Line is the physical line of the BEGIN:VEVENT it comes from.
	Line int
	// AllDay reports an occurrence of dates: Start and End are set, From and
	// To are zero.
	AllDay bool
	// Start and End are the first date and the day after the last date of
	// an all-day occurrence (End is exclusive, as DTEND is).
	Start, End Date
	// From and To are the instants of a timed occurrence, in the location
	// given to [Feed.Occurrences]; To may equal From.
	From, To time.Time
}

// MaxOccurrences is the most occurrences one call of [Feed.Occurrences]
// (or [Feed.Days]) returns; a feed with more in the range fails with
// [ErrTooManyOccurrences].
const MaxOccurrences = 1_000_000

// maxExpandDays bounds the days the recurrence rules of one call may
// examine, so that a hostile feed (many rules that never match, COUNT rules
// starting centuries ago) cannot stall the host.
const maxExpandDays = 10_000_000

// instance is one start of an event, in the frame of its DTSTART.
type instance struct {
	t   icsTime
	end *icsTime     // an RDATE period's end
	dur *icsDuration // an RDATE period's duration
}

// Occurrences expands the feed's events into their occurrences that
// overlap r, sorted by start (then by line). loc is the calendar's
// location: timed occurrences are reported in it, floating times (no TZID,
// no "Z") are read in it, and r's dates are its dates.
//
// A recurring event's occurrences are DTSTART, the dates its RRULE
// generates (RFC 5545, 3.3.10; DAILY to YEARLY, every BYxxx part but BYHOUR,
// BYMINUTE and BYSECOND) and its RDATEs, less its EXDATEs and the
// occurrences that an event with the same UID and a RECURRENCE-ID replaces.
// A cancelled event (STATUS:CANCELLED) has none; a cancelled override
// removes its occurrence. Each occurrence lasts as long as the event: DTEND
// minus DTSTART exactly, or DURATION (nominal days, exact hours), or one
// day for an all-day event with neither.
func (f *Feed) Occurrences(loc *time.Location, r Range) ([]Occurrence, error) {
	var errs []error
	if loc == nil {
		errs = append(errs, fieldErr("location", "is nil"))
	}
	if err := r.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, joinErrs(errs)
	}
	overrides := map[string][]*Event{}
	masters := map[string]bool{}
	for i := range f.Events {
		e := &f.Events[i]
		if e.Override && e.UID != "" {
			overrides[e.UID] = append(overrides[e.UID], e)
		} else if !e.Override && e.UID != "" {
			masters[e.UID] = true
		}
	}
	budget := int64(maxExpandDays)
	var out []Occurrence
	for i := range f.Events {
		e := &f.Events[i]
		if e.Cancelled || (e.Override && masters[e.UID]) {
			continue
		}
		insts := []instance{{t: e.start}}
		if !e.Override {
			var err error
			if insts, err = e.instances(loc, r, &budget); err != nil {
				return nil, err
			}
		}
		for _, in := range insts {
			if !e.Override && e.replaced(in.t, overrides[e.UID], loc) {
				continue
			}
			o, ok := e.occurrence(in, loc, r)
			if !ok {
				continue
			}
			if len(out) >= MaxOccurrences {
				return nil, &ParseError{Line: e.Line, UID: e.UID, Err: ErrTooManyOccurrences,
					Detail: "the feed has more occurrences in the range than the limit"}
			}
			out = append(out, o)
		}
	}
	for _, list := range overrides {
		if !masters[list[0].UID] {
			continue // handled above as standalone events
		}
		for _, e := range list {
			if e.Cancelled {
				continue
			}
			if o, ok := e.occurrence(instance{t: e.start}, loc, r); ok {
				out = append(out, o)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int {
		if c := a.startInstant(loc).Compare(b.startInstant(loc)); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
	return out, nil
}

func (o *Occurrence) startInstant(loc *time.Location) time.Time {
	if o.AllDay {
		return o.Start.In(loc)
	}
	return o.From
}

// sameInstance reports whether an EXDATE or RECURRENCE-ID value x names
// the instance t: by date when either is a DATE, else by instant.
func sameInstance(t, x icsTime, loc *time.Location) bool {
	if t.isDate || x.isDate {
		return t.date == x.date
	}
	return t.instant(loc).Equal(x.instant(loc))
}

// replaced reports whether instance t is excluded by an EXDATE or replaced
// by an override.
func (e *Event) replaced(t icsTime, overrides []*Event, loc *time.Location) bool {
	for _, x := range e.exdates {
		if sameInstance(t, x, loc) {
			return true
		}
	}
	for _, o := range overrides {
		if sameInstance(t, o.recurID, loc) {
			return true
		}
	}
	return false
}

// allDayLength returns the length in days of an all-day event (at least 1).
func (e *Event) allDayLength() int64 {
	n := int64(1)
	switch {
	case e.end != nil:
		n = e.end.date.days() - e.start.date.days()
	case e.dur != nil:
		n = e.dur.days
	}
	return max(n, 1)
}

// instances returns DTSTART, the rule's dates and the RDATEs, deduplicated,
// limited to what can overlap r.
func (e *Event) instances(loc *time.Location, r Range, budget *int64) ([]instance, error) {
	insts := []instance{{t: e.start}}
	for _, rd := range e.rdates {
		t := rd.start
		switch {
		case e.start.isDate && !t.isDate: // a DATE-TIME RDATE of an all-day event: its date
			t = icsTime{date: t.date, isDate: true}
		case !e.start.isDate && t.isDate: // a DATE RDATE of a timed event: DTSTART's time that day
			t = icsTime{date: t.date, sec: e.start.sec, utc: e.start.utc, loc: e.start.loc}
		}
		insts = append(insts, instance{t: t, end: rd.end, dur: rd.dur})
	}
	if e.rule != nil {
		var margin int64 = 2
		if e.start.isDate {
			margin = e.allDayLength() - 1
		} else {
			if e.dur != nil {
				margin += e.dur.days + e.dur.secs/86400 + 1
			}
			if e.end != nil {
				margin += e.end.date.days() - e.start.date.days() + 1
			}
		}
		limit := r.To.days()
		if !e.start.isDate {
			limit += 2
		}
		a := expandArgs{
			start:      e.start.date,
			skipBefore: r.From.days() - margin,
			limit:      limit,
			budget:     budget,
			emit: func(day int64) bool {
				insts = append(insts, instance{t: icsTime{date: dateFromDays(day), sec: e.start.sec,
					isDate: e.start.isDate, utc: e.start.utc, loc: e.start.loc}})
				return len(insts) <= MaxOccurrences
			},
		}
		if u := e.rule.until; u != nil {
			switch {
			case e.start.isDate || u.isDate:
				ud := u.date.days()
				a.pastUntil = func(day int64) bool { return day > ud }
			default:
				ui := u.instant(loc)
				fr := e.start.frame(loc)
				a.pastUntil = func(day int64) bool { return localInstant(dateFromDays(day), e.start.sec, fr).After(ui) }
			}
		}
		e.rule.expand(a)
		if *budget < 0 {
			return nil, &ParseError{Line: e.ruleLine, UID: e.UID, Err: ErrTooManyOccurrences,
				Detail: "expanding the recurrence rules exceeds the work limit (rules that rarely or never match, or COUNT from a distant DTSTART)"}
		}
		if len(insts) > MaxOccurrences {
			return nil, &ParseError{Line: e.ruleLine, UID: e.UID, Err: ErrTooManyOccurrences,
				Detail: "the event recurs more often in the range than the limit"}
		}
	}
	// Deduplicate (DTSTART is usually also the rule's first date).
	slices.SortStableFunc(insts, func(a, b instance) int {
		if c := a.t.date.Compare(b.t.date); c != 0 {
			return c
		}
		return a.t.instant(loc).Compare(b.t.instant(loc))
	})
	return slices.CompactFunc(insts, func(a, b instance) bool { return sameInstance(a.t, b.t, loc) && !a.t.isDate == !b.t.isDate }), nil
}

// occurrence builds the occurrence of instance in and reports whether it
// overlaps r.
func (e *Event) occurrence(in instance, loc *time.Location, r Range) (Occurrence, bool) {
	o := Occurrence{UID: e.UID, Summary: e.Summary, Categories: slices.Clone(e.Categories), Line: e.Line}
	if in.t.isDate {
		o.AllDay = true
		o.Start = in.t.date
		o.End = o.Start.AddDays(int(e.allDayLength()))
		return o, o.End.days() > r.From.days() && o.Start.Before(r.To)
	}
	o.From = in.t.instant(loc).In(loc)
	switch {
	case in.end != nil:
		o.To = in.end.instant(loc).In(loc)
	case in.dur != nil:
		o.To = addDuration(in.t, *in.dur, loc)
	case e.end != nil:
		o.To = o.From.Add(e.end.instant(loc).Sub(e.start.instant(loc)))
	case e.dur != nil:
		o.To = addDuration(in.t, *e.dur, loc)
	default:
		o.To = o.From
	}
	if o.To.Before(o.From) {
		o.To = o.From
	}
	lo, hi := r.From.In(loc), r.To.In(loc)
	if o.To.Equal(o.From) {
		return o, !o.From.Before(lo) && o.From.Before(hi)
	}
	return o, o.To.After(lo) && o.From.Before(hi)
}

// addDuration adds a DURATION to a start: its days on the wall clock of the
// start's frame (so "P1D" keeps the time of day across a DST change), then
// its exact seconds.
func addDuration(t icsTime, d icsDuration, loc *time.Location) time.Time {
	fr := t.frame(loc)
	return localInstant(t.date.AddDays(int(d.days)), t.sec, fr).Add(time.Duration(d.secs) * time.Second).In(loc)
}
