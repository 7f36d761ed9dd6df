package holidays

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// Kind says what a [Day] does to a calendar. The zero Kind is unset and
// invalid.
type Kind int

const (
	// KindUnset is the invalid zero value.
	KindUnset Kind = iota
	// KindHoliday closes the date: the whole day, or only its Closed windows.
	KindHoliday
	// KindMakeUpDay makes the date a working day (调休上班, typically a
	// Saturday or Sunday next to a long holiday).
	KindMakeUpDay
)

// String returns "holiday", "make_up_day" or "unset".
func (k Kind) String() string {
	switch k {
	case KindHoliday:
		return "holiday"
	case KindMakeUpDay:
		return "make_up_day"
	}
	return "unset"
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if k != KindHoliday && k != KindMakeUpDay {
		return nil, fmt.Errorf("%w: kind %d", ErrInvalid, int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "holiday":
		*k = KindHoliday
	case "make_up_day":
		*k = KindMakeUpDay
	default:
		return fmt.Errorf("%w: kind %q (want \"holiday\" or \"make_up_day\")", ErrInvalid, clip(string(b)))
	}
	return nil
}

// Day is one date a holiday source contributes to a calendar: a holiday
// (closed all day, or only in its Closed windows) or a make-up working
// day. [Merge] writes Days into a [sla.CalendarSpec].
type Day struct {
	Date Date   `json:"date"`
	Kind Kind   `json:"kind"`
	Name string `json:"name,omitempty"`
	// Closed, for a holiday, lists the windows closed on the date; empty
	// closes the whole day.
	Closed []sla.CalendarWindow `json:"closed,omitempty"`
	// Hours, for a make-up day, lists its working windows; empty gives it
	// the template hours chosen in [MergeOptions].
	Hours []sla.CalendarWindow `json:"hours,omitempty"`
}

// Validate reports every problem of the day at once, each a [*FieldError]
// with the path of the field.
func (d Day) Validate() error { return joinErrs(d.validate("")) }

func (d Day) validate(prefix string) []error {
	var errs []error
	if !d.Date.IsValid() {
		errs = append(errs, fieldErr(prefix+"date", "%s is not a valid date", d.Date))
	}
	switch d.Kind {
	case KindHoliday:
		if len(d.Hours) > 0 {
			errs = append(errs, fieldErr(prefix+"hours", "a holiday has no working hours (use closed)"))
		}
	case KindMakeUpDay:
		if len(d.Closed) > 0 {
			errs = append(errs, fieldErr(prefix+"closed", "a make-up day closes nothing (use hours)"))
		}
	default:
		errs = append(errs, fieldErr(prefix+"kind", "is %s (want holiday or make_up_day)", d.Kind))
	}
	errs = append(errs, validateWindows(prefix+"closed", d.Closed)...)
	errs = append(errs, validateWindows(prefix+"hours", d.Hours)...)
	return errs
}

// parseClock parses "HH:MM" from "00:00" to "24:00" into seconds.
func parseClock(s string) (int32, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, ok1 := digits(s[:2])
	m, ok2 := digits(s[3:])
	if !ok1 || !ok2 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return int32(h*3600 + m*60), true
}

func formatClock(sec int32) string { return fmt.Sprintf("%02d:%02d", sec/3600, sec%3600/60) }

// validateWindows checks the form and order of windows and that they do
// not overlap.
func validateWindows(path string, ws []sla.CalendarWindow) []error {
	var errs []error
	type span struct{ s, e int32 }
	var ok []span
	for i, w := range ws {
		p := fmt.Sprintf("%s[%d]", path, i)
		s, okS := parseClock(w.Start)
		e, okE := parseClock(w.End)
		if !okS {
			errs = append(errs, fieldErr(p+".start", "%q is not HH:MM", w.Start))
		}
		if !okE {
			errs = append(errs, fieldErr(p+".end", "%q is not HH:MM", w.End))
		}
		if okS && okE {
			if e <= s {
				errs = append(errs, fieldErr(p, "%s-%s ends before it starts", w.Start, w.End))
			} else {
				ok = append(ok, span{s, e})
			}
		}
	}
	slices.SortFunc(ok, func(a, b span) int { return int(a.s - b.s) })
	for i := 1; i < len(ok); i++ {
		if ok[i].s < ok[i-1].e {
			errs = append(errs, fieldErr(path, "windows %s-%s and %s-%s overlap",
				formatClock(ok[i-1].s), formatClock(ok[i-1].e), formatClock(ok[i].s), formatClock(ok[i].e)))
		}
	}
	return errs
}

// DaysOption configures [Feed.Days].
type DaysOption func(*daysConfig)

type daysConfig struct {
	makeUp func(Occurrence) bool
}

// MakeUpDaysWhere makes the occurrences for which match returns true
// make-up working days instead of holidays: an all-day occurrence gives
// make-up days with the template hours, a timed one gives its own windows
// as the day's hours (for feeds that publish "上班" or "working day"
// events). A nil match is ignored.
func MakeUpDaysWhere(match func(Occurrence) bool) DaysOption {
	return func(c *daysConfig) {
		if match != nil {
			c.makeUp = match
		}
	}
}

// Days turns the feed's occurrences in r into [Day] values for loc, sorted
// by date, one per date:
//   - an all-day occurrence closes each of its dates (DTEND is exclusive);
//   - a timed occurrence closes, on each local date it touches in loc, the
//     wall-clock window it covers, widened to whole minutes; one that covers a
//     whole local day closes that day. Across a fall-back change the window
//     covers every wall-clock time the occurrence shows.
//
// Occurrences on the same date combine: windows are united, a whole-day
// closure absorbs partial ones, names are joined with "; ". A holiday and
// a make-up day on the same date is a [*ConflictError].
func (f *Feed) Days(loc *time.Location, r Range, opts ...DaysOption) ([]Day, error) {
	var cfg daysConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	occs, err := f.Occurrences(loc, r)
	if err != nil {
		return nil, err
	}
	acc := map[Date]*dayAcc{}
	get := func(d Date, o *Occurrence, kind Kind) (*dayAcc, error) {
		a := acc[d]
		if a == nil {
			a = &dayAcc{kind: kind, line: o.Line}
			acc[d] = a
		} else if a.kind != kind {
			return nil, &ConflictError{Date: d, Existing: fmt.Sprintf("%s from the event at line %d", a.kind, a.line),
				Incoming: fmt.Sprintf("%s (%s, line %d)", o.Summary, kind, o.Line)}
		}
		if o.Summary != "" && !slices.Contains(a.names, o.Summary) {
			a.names = append(a.names, o.Summary)
		}
		return a, nil
	}
	for i := range occs {
		o := &occs[i]
		kind := KindHoliday
		if cfg.makeUp != nil && cfg.makeUp(*o) {
			kind = KindMakeUpDay
		}
		if o.AllDay {
			for d := maxDate(o.Start, r.From); d.Before(o.End) && d.Before(r.To); d = d.AddDays(1) {
				a, err := get(d, o, kind)
				if err != nil {
					return nil, err
				}
				a.full = true
			}
			continue
		}
		if !o.To.After(o.From) {
			continue // a zero-length occurrence closes nothing
		}
		for d := maxDate(DateOf(o.From), r.From); ; d = d.AddDays(1) {
			lo, hi := d.In(loc), d.AddDays(1).In(loc)
			if !lo.Before(o.To) || !d.Before(r.To) {
				break
			}
			a, err := get(d, o, kind)
			if err != nil {
				return nil, err
			}
			from, to := maxTime(o.From, lo), minTime(o.To, hi)
			if !from.Before(to) {
				continue
			}
			if from.Equal(lo) && to.Equal(hi) {
				a.full = true
				continue
			}
			a.wins = append(a.wins, wallWindows(from, to, d, loc)...)
		}
	}
	out := make([]Day, 0, len(acc))
	for d, a := range acc {
		day := Day{Date: d, Kind: a.kind, Name: strings.Join(a.names, "; ")}
		if !a.full {
			ws := unionWins(a.wins)
			if len(ws) == 0 {
				continue // only zero-length occurrences
			}
			if len(ws) == 1 && ws[0] == [2]int32{0, 86400} {
				ws = nil // the windows close the whole day after all
			}
			var cw []sla.CalendarWindow
			for _, w := range ws {
				cw = append(cw, sla.CalendarWindow{Start: formatClock(w[0]), End: formatClock(w[1])})
			}
			if a.kind == KindHoliday {
				day.Closed = cw
			} else {
				day.Hours = cw
			}
		}
		out = append(out, day)
	}
	slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return out, nil
}

// dayAcc gathers what the occurrences do to one date.
type dayAcc struct {
	kind  Kind
	line  int // the first event's line
	names []string
	full  bool
	wins  [][2]int32
}

// wallWindows returns the wall-clock windows, in seconds since the local
// midnight of d, that the instants [from, to) show in loc (all within date
// d). The span is split where the zone's offset changes, so a span across
// a fall-back change covers both passes of the repeated hour. Starts round
// down and ends up to whole minutes.
func wallWindows(from, to time.Time, d Date, loc *time.Location) [][2]int32 {
	base := d.days() * 86400
	var out [][2]int32
	for from.Before(to) {
		_, off := from.In(loc).Zone()
		next := to
		if _, offEnd := to.Add(-time.Second).In(loc).Zone(); offEnd != off {
			// binary search the first second with another offset
			lo, hi := from.Unix(), to.Unix()
			for hi-lo > 1 {
				mid := lo + (hi-lo)/2
				if _, o := time.Unix(mid, 0).In(loc).Zone(); o == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			next = time.Unix(hi, 0)
		}
		ws := from.Unix() + int64(off) - base
		we := next.Unix() + int64(off) - base
		if next.Nanosecond() != 0 {
			we++
		}
		ws = ws / 60 * 60
		we = (we + 59) / 60 * 60
		ws, we = max(ws, 0), min(we, 86400)
		if ws < we {
			out = append(out, [2]int32{int32(ws), int32(we)})
		}
		from = next
	}
	return out
}

// unionWins sorts and merges windows (touching ones too).
func unionWins(ws [][2]int32) [][2]int32 {
	slices.SortFunc(ws, func(a, b [2]int32) int { return int(a[0] - b[0]) })
	var out [][2]int32
	for _, w := range ws {
		if n := len(out); n > 0 && w[0] <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], w[1])
			continue
		}
		out = append(out, w)
	}
	return out
}

func maxDate(a, b Date) Date {
	if a.Before(b) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
