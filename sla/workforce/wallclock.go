package workforce

import "time"

// dayNumber returns the civil day number (days since 1970-01-01) of a
// "YYYY-MM-DD" date.
func dayNumber(date string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return 0, false
	}
	return floorDiv(t.Unix(), 86400), true
}

// dayOf returns the civil day number of the local date of t in loc.
func dayOf(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
}

// civil returns the date of day number n.
func civil(n int64) (int, time.Month, int) {
	return time.Unix(n*86400, 0).UTC().Date()
}

// dateString formats day number n as "YYYY-MM-DD".
func dateString(n int64) string { return time.Unix(n*86400, 0).UTC().Format(time.DateOnly) }

// weekdayOf returns the weekday of day number n (1970-01-01 was a Thursday).
func weekdayOf(n int64) time.Weekday { return time.Weekday(((n % 7) + 7 + 4) % 7) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// wallClock returns the instant at which the wall clock in loc shows
// minute (0..1440) of day n. A time inside a spring-forward gap resolves to
// the first instant after the gap, whichever way time.Date would move it
// (forward east of UTC, backward west of it); in a repeated hour it is the
// instant time.Date picks.
func wallClock(loc *time.Location, n int64, minute int) time.Time {
	if minute >= 1440 {
		n, minute = n+int64(minute/1440), minute%1440
	}
	y, m, d := civil(n)
	t := time.Date(y, m, d, minute/60, minute%60, 0, 0, loc)
	got := dayOf(t, loc)*1440 + int64(t.Hour()*60+t.Minute())
	want := n*1440 + int64(minute)
	switch {
	case got < want: // moved backward: the gap ends where t's zone period ends
		_, end := t.ZoneBounds()
		if !end.IsZero() {
			return end
		}
	case got > want: // moved forward: the gap ends where t's zone period starts
		start, _ := t.ZoneBounds()
		if !start.IsZero() {
			return start
		}
	}
	return t
}
