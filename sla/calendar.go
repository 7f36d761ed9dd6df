package sla

import (
	"encoding/json"
	"errors"
	"math"
	"sort"
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
// Windows are half-open, [start, end). Each date's windows are placed on
// the time line in the calendar's location as time.Date(y, m, d, h, min, 0,
// 0, loc) would place them, so on DST days windows keep their wall-clock
// hours (a 09:00-17:00 window is still 09:00-17:00 local time; a window
// that spans the transition is an hour shorter or longer in absolute time).
// A wall-clock time that does not exist on a spring-forward day is resolved
// as time.Date resolves it (in practice, moved forward by the size of the
// gap), and overlapping images of windows count once.
//
// Every instant belongs to its civil date in the calendar's location, and a
// date runs from its first instant to the first instant of the next date:
// "00:00" and "24:00" are those bounds, so windows that touch midnight stay
// continuous even in zones whose transitions happen at midnight (Havana,
// Santiago), and a date a zone skipped (Samoa, 30 December 2011) has no
// working time. Instants may be given in any location; results of Add and
// NextOpen are expressed in the location of their argument.
//
// The arithmetic works on intervals, not steps: the working time of a
// regular week is precomputed, runs of whole weeks that contain no
// exception date (found by binary search) and no time-zone transition are
// skipped in O(1), and only the days of irregular weeks (at most about two
// weeks around each transition or exception date) are walked. The cost of
// Add and Between therefore grows with the number of exception dates and
// DST transitions in the span, not with its length. On days at least two
// days away from any zone transition, windows are placed as local midnight
// plus their offset, which is what time.Date gives there; nearer to a
// transition every boundary is placed with time.Date itself.
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

// calSpan is a working span on the time line, [start, end) in Unix seconds.
type calSpan struct{ start, end int64 }

// calZone is a period of constant UTC offset: off seconds east of UTC for
// Unix seconds in [from, to).
type calZone struct{ off, from, to int64 }

const (
	calDaySecs = 86400
	// calMargin keeps the fast path two days away from any zone
	// transition, further than any offset change, so that no wall-clock
	// time of a fast-path day can be ambiguous or missing.
	calMargin = 2 * calDaySecs
)

// calWalker walks the civil days of one calendar. It caches the current
// zone period and the last day computed. It lives on the caller's stack;
// a Calendar itself is never mutated.
type calWalker struct {
	c      *Calendar
	z      calZone
	hasZ   bool
	lastN  int64
	hasDay bool
	dStart int64
	dEnd   int64
	nsp    int
	arr    [8]calSpan // the day's spans, without allocation for up to 8
	big    []calSpan  // the day's spans when there are more
	walked int        // days computed, for tests of the skipping
	hasCS  bool       // csV is the first second of civil day csN
	csN    int64
	csV    int64
}

// zoneAt loads the zone period containing Unix second sec.
func (w *calWalker) zoneAt(sec int64) {
	t := time.Unix(sec, 0).In(w.c.loc)
	_, off := t.Zone()
	s, e := t.ZoneBounds()
	z := calZone{off: int64(off), from: math.MinInt64, to: math.MaxInt64}
	if !s.IsZero() {
		z.from = s.Unix()
	}
	if !e.IsZero() {
		z.to = e.Unix()
	}
	if z.from > sec || sec >= z.to {
		// The runtime reported bounds that do not contain sec (seen for
		// rule-based years past the zone's table); trust nothing, so that
		// the day takes the slow path.
		z.from, z.to = sec, sec
	}
	w.z, w.hasZ = z, true
}

// fastMidnight returns the Unix second of local midnight starting civil
// day n and true if every wall-clock time of day n (and two days either
// side) lies in one zone period, so that the day's windows are plain
// offsets from midnight.
func (w *calWalker) fastMidnight(n int64) (int64, bool) {
	if !w.hasZ {
		w.zoneAt(n * calDaySecs)
	}
	mid := n*calDaySecs - w.z.off
	if mid-calMargin >= w.z.from && mid+calDaySecs+calMargin < w.z.to {
		return mid, true
	}
	w.zoneAt(mid)
	mid = n*calDaySecs - w.z.off
	if mid-calMargin >= w.z.from && mid+calDaySecs+calMargin < w.z.to {
		return mid, true
	}
	return 0, false
}

// windowsOf returns the working windows of civil day n.
func (c *Calendar) windowsOf(n int64) []calWin {
	i := sort.Search(len(c.exDays), func(i int) bool { return c.exDays[i] >= n })
	if i < len(c.exDays) && c.exDays[i] == n {
		return c.exWins[i]
	}
	return c.week[calWeekday(n)]
}

// day computes the extent [dStart, dEnd) of civil day n on the time line
// and its working spans.
func (w *calWalker) day(n int64) {
	if w.hasDay && w.lastN == n {
		return
	}
	w.walked++
	w.lastN, w.hasDay = n, true
	wins := w.c.windowsOf(n)
	w.nsp = 0
	if w.big != nil {
		w.big = w.big[:0]
	}
	if mid, ok := w.fastMidnight(n); ok {
		w.dStart, w.dEnd = mid, mid+calDaySecs
		for _, win := range wins {
			w.push(calSpan{mid + int64(win.start), mid + int64(win.end)})
		}
		return
	}
	// Slow path near a zone transition: the day runs from the first
	// instant whose civil date is n to the first whose civil date is n+1
	// (empty for a date the zone skipped), and every window boundary is
	// placed with time.Date, then clipped to the day.
	loc := w.c.loc
	y, m, d := calCivilFromDays(n)
	start := w.dayStartCached(n)
	end := w.dayStartCached(n + 1)
	if end < start {
		end = start
	}
	w.dStart, w.dEnd = start, end
	prev := start
	for _, win := range wins {
		s, e := start, end // 00:00 and 24:00 are the day's own bounds
		if win.start != 0 {
			s = calDateAt(y, m, d, win.start, loc)
		}
		if win.end != calDaySecs {
			e = calDateAt(y, m, d, win.end, loc)
		}
		s = max(s, prev)
		e = min(e, end)
		if e > s {
			w.push(calSpan{s, e})
			prev = e
		}
	}
}

// dayStartCached is dayStartSlow with a one-entry cache: walking day by
// day, the end of one day is the start of the next.
func (w *calWalker) dayStartCached(n int64) int64 {
	if w.hasCS && w.csN == n {
		return w.csV
	}
	v := w.dayStartSlow(n)
	w.csN, w.csV, w.hasCS = n, v, true
	return v
}

// dayStartSlow returns the first Unix second whose civil date in the
// calendar's location is day n or later. Local midnight as placed by
// time.Date is the answer unless midnight is missing or repeated; then a
// binary search over the four days around it finds the first second of
// the date (civil dates only move forward across the transitions there).
func (w *calWalker) dayStartSlow(n int64) int64 {
	y, m, d := calCivilFromDays(n)
	s := time.Date(y, m, d, 0, 0, 0, 0, w.c.loc).Unix()
	if w.civilDay(s) >= n && w.civilDay(s-1) < n {
		return s
	}
	lo, hi := n*calDaySecs-calMargin, n*calDaySecs+calMargin // civilDay(lo) < n <= civilDay(hi)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if w.civilDay(mid) >= n {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// civilDay returns the civil day number of Unix second sec in the
// calendar's location.
func (w *calWalker) civilDay(sec int64) int64 {
	y, m, d := time.Unix(sec, 0).In(w.c.loc).Date()
	return calDaysFromCivil(int64(y), int64(m), int64(d))
}

// calDateAt places the wall-clock time secs (seconds since midnight, up to
// 24:00) of y-m-d in loc.
func calDateAt(y int, m time.Month, d int, secs int32, loc *time.Location) int64 {
	s := int(secs)
	return time.Date(y, m, d, s/3600, s%3600/60, s%60, 0, loc).Unix()
}

// push appends a span to the current day.
func (w *calWalker) push(sp calSpan) {
	if w.big == nil && w.nsp < len(w.arr) {
		w.arr[w.nsp] = sp
		w.nsp++
		return
	}
	if w.big == nil {
		w.big = append(make([]calSpan, 0, 2*len(w.arr)), w.arr[:w.nsp]...)
	}
	w.big = append(w.big, sp)
	w.nsp++
}

// spans returns the working spans of civil day n.
func (w *calWalker) spans(n int64) []calSpan {
	w.day(n)
	if w.big != nil {
		return w.big
	}
	return w.arr[:w.nsp]
}

// dayOf returns the civil day whose extent contains t.
func (w *calWalker) dayOf(t time.Time) int64 {
	y, m, d := t.In(w.c.loc).Date()
	n := calDaysFromCivil(int64(y), int64(m), int64(d))
	sec := t.Unix()
	w.day(n)
	if sec < w.dStart {
		return n - 1
	}
	if sec >= w.dEnd && w.dEnd > w.dStart {
		return n + 1
	}
	return n
}

// skippableWeeks returns how many whole weeks starting at civil day n (at
// most limit) contain no exception date and lie in one zone period, so that
// each has exactly weekDur of business time.
func (w *calWalker) skippableWeeks(n, limit int64) int64 {
	if limit <= 0 {
		return 0
	}
	ex := w.c.exDays
	if i := sort.Search(len(ex), func(i int) bool { return ex[i] >= n }); i < len(ex) {
		limit = min(limit, (ex[i]-n)/7)
		if limit <= 0 {
			return 0
		}
	}
	mid, ok := w.fastMidnight(n)
	if !ok {
		return 0
	}
	if w.z.to != math.MaxInt64 {
		// need mid + 7*k*day + margin < to
		limit = min(limit, (w.z.to-1-calMargin-mid)/(7*calDaySecs))
	}
	return max(limit, 0)
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
