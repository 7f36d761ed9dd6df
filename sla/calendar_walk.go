package sla

import (
	"math"
	"sort"
	"time"

	"github.com/sqkit/sqkit/internal/civil"
)

// This file places the working windows of each civil day on the time line
// (see the semantics on [Calendar]). A day's windows are wall-clock ranges
// of local time; the calendar is open at the instants whose local date and
// time of day fall in them. Within a stretch of constant UTC offset the
// local time is the Unix time plus the offset, so each window is one
// interval per stretch, found by subtraction: no time.Date, which resolves
// missing wall-clock times differently on either side of UTC.

// calSpan is a working span on the time line, [start, end) in Unix seconds.
type calSpan struct{ start, end int64 }

// calZone is a stretch of constant UTC offset: off seconds east of UTC for
// Unix seconds in [from, to). It may be shorter than the zone's period of
// that offset, never longer.
type calZone struct{ off, from, to int64 }

const (
	calDaySecs = 86400
	// calMargin keeps the fast path two days away from any zone
	// transition, further than any offset change, so that every instant
	// of a fast-path day has the same offset and no instant outside the
	// day shows one of its dates.
	calMargin = 2 * calDaySecs
	// calMaxOffset bounds the UTC offset of any zone, local mean times
	// included (they stay within 16 hours), so that local midnight of a
	// date is never earlier than its UTC midnight minus calMaxOffset.
	calMaxOffset = 18 * 3600
	// calProbe is the step used to find a zone change when the runtime's
	// zone bounds cannot be used, and calProbeSpan how far it looks.
	calProbe     = 3600
	calProbeSpan = 2 * calDaySecs
)

// calWalker walks the civil days of one calendar. It caches the current
// zone stretch and the last day computed. It lives on the caller's stack;
// a Calendar itself is never mutated.
//
// Day n's extent on the time line is [dayStart(n), dayStart(n+1)), where
// dayStart(n) is the first instant whose local date is n or later. The
// extents partition the time line in order; a date the zone skipped has an
// empty extent.
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
	hasCS  bool       // csV is dayStart(csN)
	csN    int64
	csV    int64
}

// zoneAt loads a stretch of constant offset containing Unix second sec.
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
		// The runtime reported bounds that do not contain sec (seen on
		// 31 December of leap years past the zone's table, where the
		// rules are computed): find the next change of offset by probing.
		z.from, z.to = sec, w.offsetChange(sec, int64(off))
	}
	w.z, w.hasZ = z, true
}

// offsetAt returns the UTC offset at Unix second sec.
func (w *calWalker) offsetAt(sec int64) int64 {
	_, off := time.Unix(sec, 0).In(w.c.loc).Zone()
	return int64(off)
}

// offsetChange returns the first Unix second after sec whose offset is not
// off, probing hourly up to calProbeSpan ahead and then bisecting; if none
// is found it returns sec+calProbeSpan, up to which the offset is off.
func (w *calWalker) offsetChange(sec, off int64) int64 {
	lo := sec
	for lo < sec+calProbeSpan {
		hi := min(lo+calProbe, sec+calProbeSpan)
		if w.offsetAt(hi) == off {
			lo = hi
			continue
		}
		for hi-lo > 1 { // offsetAt(lo) == off, offsetAt(hi) != off
			mid := lo + (hi-lo)/2
			if w.offsetAt(mid) == off {
				lo = mid
			} else {
				hi = mid
			}
		}
		return hi
	}
	return sec + calProbeSpan
}

// stretch returns a stretch of constant offset containing sec, from the
// cache when it can.
func (w *calWalker) stretch(sec int64) calZone {
	if !w.hasZ || sec < w.z.from || sec >= w.z.to {
		w.zoneAt(sec)
	}
	return w.z
}

// fastMidnight returns the Unix second of local midnight starting civil
// day n and true if every instant within two days of day n has the same
// offset, so that the day's extent is [midnight, midnight+24h) and its
// windows are plain offsets from midnight.
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
// and its working spans, in time order, touching spans merged.
func (w *calWalker) day(n int64) {
	if w.hasDay && w.lastN == n {
		return
	}
	w.walked++
	w.lastN, w.hasDay = n, true
	w.nsp = 0
	if w.big != nil {
		w.big = w.big[:0]
	}
	if mid, ok := w.fastMidnight(n); ok {
		w.dStart, w.dEnd = mid, mid+calDaySecs
		for _, win := range w.c.windowsOf(n) {
			w.push(calSpan{mid + int64(win.start), mid + int64(win.end)})
		}
		return
	}
	// Slow path near a zone transition: cut the day's extent into
	// stretches of constant offset; in each, the instants showing local
	// time L are L minus the offset, so a window [s, e) of local date dn
	// is the interval [dn*24h+s-off, dn*24h+e-off) clipped to the
	// stretch. A window bound in a gap thus lands on the first instant
	// after the gap, and a repeated hour is counted in each stretch that
	// shows it. The extent holds only local dates up to n, and date n-1
	// only where a transition turned the clock back over midnight.
	start := w.dayStartCached(n)
	end := max(w.dayStartCached(n+1), start)
	w.dStart, w.dEnd = start, end
	for sec := start; sec < end; {
		z := w.stretch(sec)
		b := min(end, z.to)
		lo, hi := sec+z.off, b+z.off // local seconds shown in [sec, b)
		for dn := calFloorDiv(lo, calDaySecs); dn*calDaySecs < hi; dn++ {
			base := dn*calDaySecs - z.off
			for _, win := range w.c.windowsOf(dn) {
				s := max(base+int64(win.start), sec)
				e := min(base+int64(win.end), b)
				if e > s {
					w.pushMerge(calSpan{s, e})
				}
			}
		}
		sec = b
	}
}

// calFloorDiv divides rounding toward negative infinity.
func calFloorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
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

// dayStartSlow returns the first Unix second whose local date is day n or
// later. No instant before UTC midnight minus calMaxOffset can show date
// n, so it scans the stretches of constant offset from there: in a
// stretch with offset off, the first instant showing a time at or after
// local midnight of n is n*24h-off, or the stretch's start if that is
// later.
func (w *calWalker) dayStartSlow(n int64) int64 {
	target := n * calDaySecs
	sec := target - calMaxOffset
	for range 1000 { // a few stretches at most; the bound only guards against a broken zone
		z := w.stretch(sec)
		if c := max(sec, target-z.off); c < z.to {
			return c
		}
		sec = z.to
	}
	return sec
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

// pushMerge appends a span to the current day, extending the last span
// instead when the two touch (a window running across a transition).
func (w *calWalker) pushMerge(sp calSpan) {
	if w.nsp > 0 {
		var last *calSpan
		if w.big != nil {
			last = &w.big[w.nsp-1]
		} else {
			last = &w.arr[w.nsp-1]
		}
		if last.end == sp.start {
			last.end = sp.end
			return
		}
	}
	w.push(sp)
}

// spans returns the working spans of civil day n.
func (w *calWalker) spans(n int64) []calSpan {
	w.day(n)
	if w.big != nil {
		return w.big
	}
	return w.arr[:w.nsp]
}

// dayOf returns the civil day whose extent contains t. That is t's local
// date, or a later one when a transition turned the clock back over
// midnight and t shows the earlier date a second time.
func (w *calWalker) dayOf(t time.Time) int64 {
	y, m, d := t.In(w.c.loc).Date()
	n := civil.Days(int64(y), int64(m), int64(d))
	sec := t.Unix()
	w.day(n)
	for sec >= w.dEnd {
		n++
		w.day(n)
	}
	return n
}

// skippableWeeks returns how many whole weeks starting at civil day n (at
// most limit) contain no exception date and lie in one zone stretch, so
// that each has exactly weekDur of business time.
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
