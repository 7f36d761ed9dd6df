package sla

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/sqkit/sqkit/internal/civil"
)

// Sentinel errors about calendars. Every problem found when a calendar is
// built is a *CalendarError that wraps one of them, so callers can test for
// a class of problem with errors.Is.
var (
	// ErrCalendarLocation: the location is missing, nil or not a known IANA name.
	ErrCalendarLocation = errors.New("sla: calendar location is missing or unknown")
	// ErrCalendarTimeOfDay: a time of day is not "HH:MM" between "00:00" and "24:00".
	ErrCalendarTimeOfDay = errors.New("sla: calendar time of day is malformed")
	// ErrCalendarWindowOrder: a window ends before it starts, or is empty.
	ErrCalendarWindowOrder = errors.New("sla: calendar window ends before it starts")
	// ErrCalendarOverlap: two windows of the same day overlap.
	ErrCalendarOverlap = errors.New("sla: calendar windows overlap")
	// ErrCalendarDate: a date is not "YYYY-MM-DD".
	ErrCalendarDate = errors.New("sla: calendar date is malformed")
	// ErrCalendarDuplicateDate: the same date is listed twice among the
	// holidays, make-up days and overrides.
	ErrCalendarDuplicateDate = errors.New("sla: calendar date is listed twice")
	// ErrCalendarNoWorkingTime: the weekly hours contain no working time at
	// all, so deadlines could never be reached.
	ErrCalendarNoWorkingTime = errors.New("sla: calendar has no working time")
)

// CalendarError is one problem found in a [CalendarSpec]. Field is the path
// of the offending field (for example "week.monday[1]" or "holidays[3].date"),
// Err one of the ErrCalendar... sentinels and Detail a human-readable
// explanation naming the offending value.
type CalendarError struct {
	Field  string
	Err    error
	Detail string
}

// Error implements error.
func (e *CalendarError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%v: %s", e.Err, e.Field)
	}
	return fmt.Sprintf("%v: %s: %s", e.Err, e.Field, e.Detail)
}

// Unwrap returns the sentinel error, for errors.Is.
func (e *CalendarError) Unwrap() error { return e.Err }

// CalendarSpec is the plain, JSON-serialisable definition of a business
// calendar. Build a [Calendar] from it with [NewCalendar].
//
// Times of day are strings "HH:MM" on a 24-hour clock, from "00:00" to
// "24:00" ("24:00" is the end of the day and is only meaningful as a window
// end). Dates are strings "YYYY-MM-DD" in the calendar's location.
//
// For any date the working windows are, in this order of precedence:
// the date's override if there is one, else its make-up day hours, else the
// weekly hours of its weekday minus its holiday closures. A date may appear
// at most once among Holidays, MakeUpDays and Overrides.
type CalendarSpec struct {
	// Location is the IANA time zone name, for example "Europe/Berlin".
	// Windows keep their wall-clock hours in this location across DST.
	Location string `json:"location"`
	// Week holds the regular working windows of each weekday.
	Week CalendarWeek `json:"week"`
	// Holidays close whole days, or parts of days, that would otherwise be
	// working days.
	Holidays []CalendarHoliday `json:"holidays,omitempty"`
	// MakeUpDays turn dates (typically a Saturday or Sunday) into working
	// days with the given hours.
	MakeUpDays []CalendarMakeUpDay `json:"make_up_days,omitempty"`
	// Overrides replace the hours of single dates.
	Overrides []CalendarOverride `json:"overrides,omitempty"`
}

// CalendarWeek holds the working windows of each weekday. A weekday with no
// windows is a day off. Windows of one day must not overlap; they may touch
// ("09:00"-"12:00" and "12:00"-"17:00"), and may be listed in any order.
type CalendarWeek struct {
	Monday    []CalendarWindow `json:"monday,omitempty"`
	Tuesday   []CalendarWindow `json:"tuesday,omitempty"`
	Wednesday []CalendarWindow `json:"wednesday,omitempty"`
	Thursday  []CalendarWindow `json:"thursday,omitempty"`
	Friday    []CalendarWindow `json:"friday,omitempty"`
	Saturday  []CalendarWindow `json:"saturday,omitempty"`
	Sunday    []CalendarWindow `json:"sunday,omitempty"`
}

// Day returns the windows of weekday wd.
func (w CalendarWeek) Day(wd time.Weekday) []CalendarWindow {
	switch wd {
	case time.Monday:
		return w.Monday
	case time.Tuesday:
		return w.Tuesday
	case time.Wednesday:
		return w.Wednesday
	case time.Thursday:
		return w.Thursday
	case time.Friday:
		return w.Friday
	case time.Saturday:
		return w.Saturday
	case time.Sunday:
		return w.Sunday
	}
	return nil
}

// SetDay sets the windows of weekday wd.
func (w *CalendarWeek) SetDay(wd time.Weekday, windows []CalendarWindow) {
	switch wd {
	case time.Monday:
		w.Monday = windows
	case time.Tuesday:
		w.Tuesday = windows
	case time.Wednesday:
		w.Wednesday = windows
	case time.Thursday:
		w.Thursday = windows
	case time.Friday:
		w.Friday = windows
	case time.Saturday:
		w.Saturday = windows
	case time.Sunday:
		w.Sunday = windows
	}
}

// CalendarWindow is a half-open span of wall-clock time within one day,
// [Start, End), as "HH:MM" strings; End may be "24:00".
type CalendarWindow struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// CalendarHoliday closes a date. With no Closed windows the whole date is
// closed; otherwise only the listed windows are removed from the date's
// weekly hours (a partial-day holiday, for example closing at 12:00 on
// Christmas Eve is Closed: [{"12:00", "24:00"}]).
type CalendarHoliday struct {
	Date   string           `json:"date"`
	Name   string           `json:"name,omitempty"`
	Closed []CalendarWindow `json:"closed,omitempty"`
}

// CalendarMakeUpDay makes a date a working day with the given hours, as
// Chinese calendars do with a Saturday or Sunday next to a long holiday.
// Hours must not be empty.
type CalendarMakeUpDay struct {
	Date  string           `json:"date"`
	Name  string           `json:"name,omitempty"`
	Hours []CalendarWindow `json:"hours"`
}

// CalendarOverride replaces the hours of one date. Empty Hours closes the
// date.
type CalendarOverride struct {
	Date  string           `json:"date"`
	Name  string           `json:"name,omitempty"`
	Hours []CalendarWindow `json:"hours,omitempty"`
}

// calWin is a parsed window in seconds since local midnight, [start, end).
type calWin struct{ start, end int32 }

// calWeekdayNames are the JSON names of the weekdays, indexed by time.Weekday.
var calWeekdayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// calParseTimeOfDay parses "HH:MM" (00:00..24:00) into seconds of the day.
func calParseTimeOfDay(s string) (int32, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int32(s[0]-'0')*10 + int32(s[1]-'0')
	m := int32(s[3]-'0')*10 + int32(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*3600 + m*60, true
}

// calParseDate parses "YYYY-MM-DD" into a civil day number.
func calParseDate(s string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	y, m, d := t.Date()
	return civil.Days(int64(y), int64(m), int64(d)), true
}

// calParseWindows parses, checks, sorts and merges the windows at path,
// appending every problem to errs.
func calParseWindows(path string, ws []CalendarWindow, errs *[]error) []calWin {
	out := make([]calWin, 0, len(ws))
	ok := true
	for i, w := range ws {
		p := fmt.Sprintf("%s[%d]", path, i)
		s, okS := calParseTimeOfDay(w.Start)
		e, okE := calParseTimeOfDay(w.End)
		if !okS {
			*errs = append(*errs, &CalendarError{Field: p + ".start", Err: ErrCalendarTimeOfDay, Detail: strconv.Quote(w.Start)})
		}
		if !okE {
			*errs = append(*errs, &CalendarError{Field: p + ".end", Err: ErrCalendarTimeOfDay, Detail: strconv.Quote(w.End)})
		}
		if !okS || !okE {
			ok = false
			continue
		}
		if e <= s {
			*errs = append(*errs, &CalendarError{Field: p, Err: ErrCalendarWindowOrder, Detail: w.Start + "-" + w.End})
			ok = false
			continue
		}
		out = append(out, calWin{s, e})
	}
	slices.SortFunc(out, func(a, b calWin) int { return int(a.start - b.start) })
	merged := out[:0]
	for _, w := range out {
		if n := len(merged); n > 0 {
			last := &merged[n-1]
			if w.start < last.end {
				*errs = append(*errs, &CalendarError{Field: path, Err: ErrCalendarOverlap,
					Detail: calFormatWin(*last) + " and " + calFormatWin(w)})
				ok = false
				if w.end > last.end {
					last.end = w.end
				}
				continue
			}
			if w.start == last.end {
				last.end = w.end
				continue
			}
		}
		merged = append(merged, w)
	}
	if !ok {
		return nil
	}
	return merged
}

func calFormatTimeOfDay(s int32) string {
	return fmt.Sprintf("%02d:%02d", s/3600, s%3600/60)
}

func calFormatWin(w calWin) string {
	return calFormatTimeOfDay(w.start) + "-" + calFormatTimeOfDay(w.end)
}

// calSubtract returns base minus the closed windows (both sorted, disjoint).
func calSubtract(base, closed []calWin) []calWin {
	out := make([]calWin, 0, len(base)+len(closed))
	for _, b := range base {
		cur := b
		for _, c := range closed {
			if c.end <= cur.start || c.start >= cur.end {
				continue
			}
			if c.start > cur.start {
				out = append(out, calWin{cur.start, c.start})
			}
			cur.start = c.end
			if cur.start >= cur.end {
				break
			}
		}
		if cur.start < cur.end {
			out = append(out, cur)
		}
	}
	return out
}

// calCompiled is the checked, parsed form of a spec.
type calCompiled struct {
	week    [7][]calWin
	weekDur int64 // nanoseconds of wall-clock working time in a regular week
	exDays  []int64
	exWins  [][]calWin
}

// calCompile checks the spec (except its location) and reports every
// problem at once.
func calCompile(s CalendarSpec) (calCompiled, []error) {
	var errs []error
	var c calCompiled
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		c.week[wd] = calParseWindows("week."+calWeekdayNames[wd], s.Week.Day(wd), &errs)
		for _, w := range c.week[wd] {
			c.weekDur += int64(w.end-w.start) * int64(time.Second)
		}
	}
	if c.weekDur == 0 && len(errs) == 0 { // not when the weekly windows failed to parse
		errs = append(errs, &CalendarError{Field: "week", Err: ErrCalendarNoWorkingTime,
			Detail: "no weekday has a working window"})
	}
	type ex struct {
		day  int64
		wins []calWin
		path string
	}
	var exs []ex
	seen := map[int64]string{}
	addDate := func(path, date string) (int64, bool) {
		n, ok := calParseDate(date)
		if !ok {
			errs = append(errs, &CalendarError{Field: path + ".date", Err: ErrCalendarDate, Detail: strconv.Quote(date)})
			return 0, false
		}
		if prev, dup := seen[n]; dup {
			errs = append(errs, &CalendarError{Field: path + ".date", Err: ErrCalendarDuplicateDate,
				Detail: date + " is also listed at " + prev})
			return 0, false
		}
		seen[n] = path
		return n, true
	}
	for i, h := range s.Holidays {
		p := fmt.Sprintf("holidays[%d]", i)
		n, ok := addDate(p, h.Date)
		closed := calParseWindows(p+".closed", h.Closed, &errs)
		if !ok {
			continue
		}
		var wins []calWin
		if len(h.Closed) > 0 {
			wins = calSubtract(c.week[calWeekday(n)], closed)
		}
		exs = append(exs, ex{n, wins, p})
	}
	for i, m := range s.MakeUpDays {
		p := fmt.Sprintf("make_up_days[%d]", i)
		n, ok := addDate(p, m.Date)
		wins := calParseWindows(p+".hours", m.Hours, &errs)
		if len(m.Hours) == 0 {
			errs = append(errs, &CalendarError{Field: p + ".hours", Err: ErrCalendarNoWorkingTime,
				Detail: "a make-up day needs working hours"})
		}
		if ok {
			exs = append(exs, ex{n, wins, p})
		}
	}
	for i, o := range s.Overrides {
		p := fmt.Sprintf("overrides[%d]", i)
		n, ok := addDate(p, o.Date)
		wins := calParseWindows(p+".hours", o.Hours, &errs)
		if ok {
			exs = append(exs, ex{n, wins, p})
		}
	}
	slices.SortFunc(exs, func(a, b ex) int {
		switch {
		case a.day < b.day:
			return -1
		case a.day > b.day:
			return 1
		}
		return 0
	})
	for _, e := range exs {
		c.exDays = append(c.exDays, e.day)
		c.exWins = append(c.exWins, e.wins)
	}
	return c, errs
}

// Validate reports every problem of the spec at once, joined with
// errors.Join; each is a *CalendarError naming the field. It returns nil
// for a spec that [NewCalendar] accepts.
func (s CalendarSpec) Validate() error {
	_, err := calBuild(s, nil)
	return err
}

// calBuild loads the location (unless loc is given), compiles the spec and
// joins every problem.
func calBuild(s CalendarSpec, loc *time.Location) (*Calendar, error) {
	var errs []error
	if loc == nil {
		if s.Location == "" {
			errs = append(errs, &CalendarError{Field: "location", Err: ErrCalendarLocation, Detail: "empty IANA name"})
		} else if l, err := time.LoadLocation(s.Location); err != nil {
			errs = append(errs, &CalendarError{Field: "location", Err: ErrCalendarLocation, Detail: strconv.Quote(s.Location)})
		} else {
			loc = l
		}
	}
	c, cerrs := calCompile(s)
	errs = append(errs, cerrs...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &Calendar{loc: loc, spec: calCloneSpec(s), calCompiled: c}, nil
}

func calCloneWindows(ws []CalendarWindow) []CalendarWindow {
	if ws == nil {
		return nil
	}
	return slices.Clone(ws)
}

// calCloneSpec deep-copies a spec so a Calendar never shares memory with
// its caller.
func calCloneSpec(s CalendarSpec) CalendarSpec {
	out := s
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		out.Week.SetDay(wd, calCloneWindows(s.Week.Day(wd)))
	}
	out.Holidays = slices.Clone(s.Holidays)
	for i := range out.Holidays {
		out.Holidays[i].Closed = calCloneWindows(out.Holidays[i].Closed)
	}
	out.MakeUpDays = slices.Clone(s.MakeUpDays)
	for i := range out.MakeUpDays {
		out.MakeUpDays[i].Hours = calCloneWindows(out.MakeUpDays[i].Hours)
	}
	out.Overrides = slices.Clone(s.Overrides)
	for i := range out.Overrides {
		out.Overrides[i].Hours = calCloneWindows(out.Overrides[i].Hours)
	}
	return out
}

// calWeekday returns the weekday of civil day n (1970-01-01 was a Thursday).
func calWeekday(n int64) time.Weekday {
	return time.Weekday(((n % 7) + 7 + 4) % 7)
}
