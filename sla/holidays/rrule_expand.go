package holidays

import (
	"slices"
	"time"

	"github.com/sqkit/sqkit/internal/civil"
)

// expandArgs bounds one expansion of a rule.
type expandArgs struct {
	start      Date                 // DTSTART's date, in DTSTART's frame
	skipBefore int64                // day number: occurrences before it are not wanted (unless COUNT needs them counted)
	limit      int64                // day number: occurrences on or after it are not wanted
	pastUntil  func(day int64) bool // reports whether the occurrence on day lies after UNTIL; nil for none
	emit       func(day int64) bool // receives each wanted occurrence in order; false stops
	budget     *int64               // days left to examine; expansion stops when it runs out
}

// expand generates the dates of the occurrences of r (RFC 5545, 3.3.10) in
// ascending order, as day numbers in DTSTART's frame. It works period by
// period (a day, week, month or year, stepped by INTERVAL) over the days of
// each period, so its cost is bounded by the span from DTSTART (or, without
// COUNT, from skipBefore) to limit, whatever the rule: a rule that never
// matches simply ends at limit.
func (r *rule) expand(a expandArgs) {
	startDay := a.start.days()
	byMonth, byMonthDay, byDay := r.byMonth, r.byMonthDay, r.byDay
	if len(r.byWeekNo) == 0 && len(r.byYearDay) == 0 && len(r.byMonthDay) == 0 && len(r.byDay) == 0 {
		switch r.freq {
		case freqYearly:
			if len(byMonth) == 0 {
				byMonth = []int{int(a.start.Month)}
			}
			byMonthDay = []int{a.start.Day}
		case freqMonthly:
			byMonthDay = []int{a.start.Day}
		case freqWeekly:
			byDay = []weekdayNum{{0, a.start.Weekday()}}
		}
	}
	nthInMonth := r.freq == freqMonthly || len(byMonth) > 0

	match := func(n int64, y, m, dom int, wd time.Weekday) bool {
		y64 := int64(y)
		if len(byMonth) > 0 && !slices.Contains(byMonth, m) {
			return false
		}
		if len(r.byWeekNo) > 0 && !weekNoMatches(n, y, r.wkst, r.byWeekNo) {
			return false
		}
		if len(r.byYearDay) > 0 {
			jan1 := civil.Days(y64, 1, 1)
			doy, ylen := int(n-jan1)+1, 365
			if isLeap(y) {
				ylen = 366
			}
			if !matchesSigned(r.byYearDay, doy, ylen) {
				return false
			}
		}
		if len(byMonthDay) > 0 && !matchesSigned(byMonthDay, dom, daysIn(time.Month(m), y)) {
			return false
		}
		if len(byDay) > 0 {
			var lo, hi int64 // the month or year the ordinals count in, [lo, hi)
			if nthInMonth {
				lo = n - int64(dom) + 1
				hi = lo + int64(daysIn(time.Month(m), y))
			} else {
				lo = civil.Days(y64, 1, 1)
				hi = civil.Days(y64+1, 1, 1)
			}
			ok := false
			for _, d := range byDay {
				if d.wd != wd {
					continue
				}
				if d.n == 0 || (d.n > 0 && int((n-lo)/7)+1 == d.n) || (d.n < 0 && -(int((hi-1-n)/7)+1) == d.n) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}

	// The period of index k is [lo, hi); periods start from the one holding DTSTART.
	y0, m0 := int64(a.start.Year), int64(a.start.Month)-1
	weekStart0 := startDay - int64((int(weekdayOf(startDay))-int(r.wkst)+7)%7)
	period := func(k int64) (int64, int64) {
		switch r.freq {
		case freqDaily:
			lo := startDay + k*r.interval
			return lo, lo + 1
		case freqWeekly:
			lo := weekStart0 + 7*k*r.interval
			return lo, lo + 7
		case freqMonthly:
			mi := y0*12 + m0 + k*r.interval
			y := civil.FloorDiv(mi, 12)
			return civil.Days(y, mi-y*12+1, 1), civil.Days(y, mi-y*12+2, 1)
		default:
			y := y0 + k*r.interval
			return civil.Days(y, 1, 1), civil.Days(y+1, 1, 1)
		}
	}
	var k int64
	if r.count == 0 && a.skipBefore > startDay {
		// Without COUNT, nothing before skipBefore needs generating.
		sb := dateFromDays(a.skipBefore)
		switch r.freq {
		case freqDaily:
			k = civil.FloorDiv(a.skipBefore-startDay, r.interval)
		case freqWeekly:
			k = civil.FloorDiv(a.skipBefore-weekStart0, 7*r.interval)
		case freqMonthly:
			k = civil.FloorDiv(int64(sb.Year)*12+int64(sb.Month)-1-(y0*12+m0), r.interval)
		default:
			k = civil.FloorDiv(int64(sb.Year)-y0, r.interval)
		}
		k = max(k, 0)
	}
	maxDay := civil.Days(10000, 1, 1)
	var count int64
	var days []int64
	// The civil date of day number next, carried from one period to the next.
	next := int64(-1 << 62)
	var y, m, dom, dim int
	var wd time.Weekday
	for ; ; k++ {
		lo, hi := period(k)
		if lo >= a.limit || lo >= maxDay {
			return
		}
		if a.budget != nil {
			if *a.budget < hi-lo {
				*a.budget = -1
				return
			}
			*a.budget -= hi - lo
		}
		days = days[:0]
		if lo != next { // not where the previous period ended: find the date afresh
			y64, m64, dom64 := civil.Date(lo)
			y, m, dom, wd = int(y64), int(m64), int(dom64), weekdayOf(lo)
			dim = daysIn(time.Month(m), y)
		}
		next = hi
		for n := lo; n < hi; n++ {
			if match(n, y, m, dom, wd) {
				days = append(days, n)
			}
			wd = (wd + 1) % 7
			if dom++; dom > dim {
				dom = 1
				if m++; m > 12 {
					m = 1
					y++
				}
				dim = daysIn(time.Month(m), y)
			}
		}
		if len(r.bySetPos) > 0 {
			days = selectSetPos(days, r.bySetPos)
		}
		for _, n := range days {
			if n < startDay {
				continue
			}
			if n >= a.limit || (a.pastUntil != nil && a.pastUntil(n)) {
				return
			}
			count++
			if n >= a.skipBefore && !a.emit(n) {
				return
			}
			if r.count > 0 && count >= r.count {
				return
			}
		}
	}
}

// matchesSigned reports whether v (1-based, out of length) is listed in
// list, where a negative entry counts from the end (-1 is the last).
func matchesSigned(list []int, v, length int) bool {
	for _, x := range list {
		if x == v || (x < 0 && length+x+1 == v) {
			return true
		}
	}
	return false
}

// selectSetPos applies BYSETPOS to the sorted days of one period.
func selectSetPos(days []int64, pos []int) []int64 {
	var out []int64
	for _, p := range pos {
		i := p - 1
		if p < 0 {
			i = len(days) + p
		}
		if i >= 0 && i < len(days) && !slices.Contains(out, days[i]) {
			out = append(out, days[i])
		}
	}
	slices.Sort(out)
	return out
}

// week1Start returns the day number of the first day of week 1 of year y
// for weeks starting on wkst: the first week with at least four days in y.
func week1Start(y int64, wkst time.Weekday) int64 {
	jan1 := civil.Days(y, 1, 1)
	ws := jan1 - int64((int(weekdayOf(jan1))-int(wkst)+7)%7)
	if jan1-ws > 3 {
		ws += 7
	}
	return ws
}

// weekNoMatches reports whether day n (in calendar year y) lies in one of
// the weeks listed, numbering weeks as RFC 5545 does (a week belongs to
// the year holding at least four of its days; -1 is the last week of that
// year).
func weekNoMatches(n int64, y int, wkst time.Weekday, list []int) bool {
	wy := int64(y)
	w1 := week1Start(wy, wkst)
	if n < w1 {
		wy--
		w1 = week1Start(wy, wkst)
	} else if next := week1Start(wy+1, wkst); n >= next {
		wy++
		w1 = next
	}
	weeks := int((week1Start(wy+1, wkst) - w1) / 7)
	return matchesSigned(list, int((n-w1)/7)+1, weeks)
}
