package sla

import (
	"math"
	"sort"
	"time"
)

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
