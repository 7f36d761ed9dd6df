package holidays

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// ConflictPolicy says what [Merge] does when an incoming day's date is
// already in the spec with different content. The zero value is unset and
// means [ConflictFail].
type ConflictPolicy int

const (
	// ConflictUnset is the zero value; Merge treats it as ConflictFail.
	ConflictUnset ConflictPolicy = iota
	// ConflictFail reports every conflict as a [*ConflictError] and changes
	// nothing.
	ConflictFail
	// ConflictKeepExisting keeps the spec's entry and skips the incoming day
	// (the host's own entries win over a feed).
	ConflictKeepExisting
	// ConflictReplace removes the spec's entry and adds the incoming day (a
	// newer feed wins over an older import).
	ConflictReplace
)

var conflictNames = [...]string{"", "fail", "keep_existing", "replace"}

// String returns "fail", "keep_existing", "replace" or "unset".
func (p ConflictPolicy) String() string {
	if p > ConflictUnset && int(p) < len(conflictNames) {
		return conflictNames[p]
	}
	return "unset"
}

// MarshalText implements encoding.TextMarshaler; the unset policy is "".
func (p ConflictPolicy) MarshalText() ([]byte, error) {
	if p == ConflictUnset {
		return []byte{}, nil
	}
	if int(p) < 0 || int(p) >= len(conflictNames) {
		return nil, fmt.Errorf("%w: conflict policy %d", ErrInvalid, int(p))
	}
	return []byte(conflictNames[p]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *ConflictPolicy) UnmarshalText(b []byte) error {
	i := slices.Index(conflictNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("%w: conflict policy %q (want fail, keep_existing or replace)", ErrInvalid, clip(string(b)))
	}
	*p = ConflictPolicy(i)
	return nil
}

// MergeOptions configures [Merge].
type MergeOptions struct {
	// OnConflict says what happens to a date the spec already holds with
	// different content; unset means fail.
	OnConflict ConflictPolicy `json:"on_conflict,omitempty"`
	// MakeUpHoursFrom names the weekday ("monday" ... "sunday") whose regular
	// hours in the spec's week a make-up day without hours of its own
	// receives. Empty means "monday": a make-up working day follows an
	// ordinary Monday's hours unless the host says otherwise.
	MakeUpHoursFrom string `json:"make_up_hours_from,omitempty"`
	// MakeUpHours, if set, are the hours of every make-up day without hours
	// of its own, instead of a weekday's. Set at most one of MakeUpHoursFrom
	// and MakeUpHours.
	MakeUpHours []sla.CalendarWindow `json:"make_up_hours,omitempty"`
}

var weekdayNames = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// Validate reports every problem of the options at once, each a
// [*FieldError].
func (o MergeOptions) Validate() error {
	var errs []error
	if o.OnConflict < ConflictUnset || o.OnConflict > ConflictReplace {
		errs = append(errs, fieldErr("on_conflict", "%d is not a conflict policy", int(o.OnConflict)))
	}
	if _, ok := weekdayNames[o.MakeUpHoursFrom]; o.MakeUpHoursFrom != "" && !ok {
		errs = append(errs, fieldErr("make_up_hours_from", "%q is not a weekday name (monday ... sunday)", clip(o.MakeUpHoursFrom)))
	}
	if o.MakeUpHoursFrom != "" && len(o.MakeUpHours) > 0 {
		errs = append(errs, fieldErr("make_up_hours", "set either make_up_hours or make_up_hours_from, not both"))
	}
	errs = append(errs, validateWindows("make_up_hours", o.MakeUpHours)...)
	return joinErrs(errs)
}

// templateHours returns the hours a make-up day without its own receives.
func (o MergeOptions) templateHours(spec *sla.CalendarSpec) ([]sla.CalendarWindow, string) {
	if len(o.MakeUpHours) > 0 {
		return o.MakeUpHours, "make_up_hours"
	}
	name := o.MakeUpHoursFrom
	if name == "" {
		name = "monday"
	}
	return spec.Week.Day(weekdayNames[name]), name
}

// MergeReport says what [Merge] did with each incoming day.
type MergeReport struct {
	// Added lists the dates added to the spec.
	Added []Date
	// Unchanged lists the dates the spec already held with the same content
	// (importing the same days twice changes nothing).
	Unchanged []Date
	// Kept lists the conflicts resolved by keeping the spec's entry.
	Kept []*ConflictError
	// Replaced lists the conflicts resolved by replacing the spec's entry.
	Replaced []*ConflictError
}

// entryRef locates an entry of a spec: its list and index.
type entryRef struct {
	list  string // "holidays", "make_up_days" or "overrides"
	index int
}

func (r entryRef) String() string { return fmt.Sprintf("%s[%d]", r.list, r.index) }

// Merge writes days into a copy of spec and returns it; spec itself is not
// modified. A holiday becomes a [sla.CalendarHoliday] (with its Closed
// windows), a make-up day a [sla.CalendarMakeUpDay] with its own hours or,
// if it has none, the template hours of opts (by default the spec's Monday
// hours). New entries are appended in date order; existing entries keep
// their place.
//
// A date the spec already holds (among Holidays, MakeUpDays or Overrides)
// with the same kind, name and windows is left as it is and reported as
// Unchanged; with anything else it is a conflict, handled by
// opts.OnConflict. Days, options and the template hours are checked first
// and every problem is reported at once ([*FieldError], and
// [*ConflictError] under ConflictFail); on any error the spec is returned
// unchanged. Finally the result is checked with [sla.CalendarSpec.Validate]
// (what [sla.NewCalendar] accepts), whose errors are returned as they are.
func Merge(spec sla.CalendarSpec, days []Day, opts MergeOptions) (sla.CalendarSpec, MergeReport, error) {
	var report MergeReport
	var errs []error
	if err := opts.Validate(); err != nil {
		errs = append(errs, err)
	}
	seen := map[Date]int{}
	needTemplate := false
	for i, d := range days {
		p := fmt.Sprintf("days[%d].", i)
		errs = append(errs, d.validate(p)...)
		if prev, dup := seen[d.Date]; dup {
			errs = append(errs, fieldErr(p+"date", "%s is also days[%d]", d.Date, prev))
		}
		seen[d.Date] = i
		needTemplate = needTemplate || (d.Kind == KindMakeUpDay && len(d.Hours) == 0)
	}
	if len(errs) > 0 {
		return spec, report, joinErrs(errs)
	}
	template, from := opts.templateHours(&spec)
	if needTemplate && len(template) == 0 {
		return spec, report, fieldErr("make_up_hours_from",
			"the calendar has no hours on %s, so a make-up day would have none; choose another weekday or set make_up_hours", from)
	}

	existing := map[string]entryRef{}
	for i, h := range spec.Holidays {
		existing[h.Date] = entryRef{"holidays", i}
	}
	for i, m := range spec.MakeUpDays {
		existing[m.Date] = entryRef{"make_up_days", i}
	}
	for i, o := range spec.Overrides {
		existing[o.Date] = entryRef{"overrides", i}
	}

	sorted := slices.Clone(days)
	slices.SortStableFunc(sorted, func(a, b Day) int { return a.Date.Compare(b.Date) })
	remove := map[entryRef]bool{}
	var addH []sla.CalendarHoliday
	var addM []sla.CalendarMakeUpDay
	for _, d := range sorted {
		var h sla.CalendarHoliday
		var m sla.CalendarMakeUpDay
		if d.Kind == KindHoliday {
			h = sla.CalendarHoliday{Date: d.Date.String(), Name: d.Name, Closed: slices.Clone(d.Closed)}
		} else {
			m = sla.CalendarMakeUpDay{Date: d.Date.String(), Name: d.Name, Hours: slices.Clone(d.Hours)}
			if len(m.Hours) == 0 {
				m.Hours = slices.Clone(template)
			}
		}
		if ref, taken := existing[d.Date.String()]; taken {
			if sameEntry(&spec, ref, d.Kind, h, m) {
				report.Unchanged = append(report.Unchanged, d.Date)
				continue
			}
			ce := &ConflictError{Date: d.Date, Existing: describeEntry(&spec, ref), Incoming: d.Name}
			switch opts.OnConflict {
			case ConflictKeepExisting:
				report.Kept = append(report.Kept, ce)
				continue
			case ConflictReplace:
				report.Replaced = append(report.Replaced, ce)
				remove[ref] = true
			default:
				errs = append(errs, ce)
				continue
			}
		}
		report.Added = append(report.Added, d.Date)
		if d.Kind == KindHoliday {
			addH = append(addH, h)
		} else {
			addM = append(addM, m)
		}
	}
	if len(errs) > 0 {
		return spec, MergeReport{}, joinErrs(errs)
	}
	out := cloneSpec(spec)
	out.Holidays = append(keep(out.Holidays, "holidays", remove), addH...)
	out.MakeUpDays = append(keep(out.MakeUpDays, "make_up_days", remove), addM...)
	out.Overrides = keep(out.Overrides, "overrides", remove)
	if err := out.Validate(); err != nil {
		return spec, MergeReport{}, err
	}
	return out, report, nil
}

// keep returns the entries of list not marked for removal.
func keep[T any](list []T, name string, remove map[entryRef]bool) []T {
	var out []T
	for i, e := range list {
		if !remove[entryRef{name, i}] {
			out = append(out, e)
		}
	}
	return out
}

// sameEntry reports whether the spec's entry at ref equals the incoming one.
func sameEntry(spec *sla.CalendarSpec, ref entryRef, kind Kind, h sla.CalendarHoliday, m sla.CalendarMakeUpDay) bool {
	switch {
	case ref.list == "holidays" && kind == KindHoliday:
		e := spec.Holidays[ref.index]
		return e.Name == h.Name && slices.Equal(e.Closed, h.Closed)
	case ref.list == "make_up_days" && kind == KindMakeUpDay:
		e := spec.MakeUpDays[ref.index]
		return e.Name == m.Name && slices.Equal(e.Hours, m.Hours)
	}
	return false
}

// describeEntry names an entry for a conflict message: its path and name.
func describeEntry(spec *sla.CalendarSpec, ref entryRef) string {
	var name string
	switch ref.list {
	case "holidays":
		name = spec.Holidays[ref.index].Name
	case "make_up_days":
		name = spec.MakeUpDays[ref.index].Name
	default:
		name = spec.Overrides[ref.index].Name
	}
	if name == "" {
		return ref.String()
	}
	return fmt.Sprintf("%s (%s)", ref, strings.TrimSpace(name))
}

// cloneSpec deep-copies a spec so the result shares no memory with its
// input.
func cloneSpec(s sla.CalendarSpec) sla.CalendarSpec {
	out := s
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		out.Week.SetDay(wd, slices.Clone(s.Week.Day(wd)))
	}
	out.Holidays = slices.Clone(s.Holidays)
	for i := range out.Holidays {
		out.Holidays[i].Closed = slices.Clone(out.Holidays[i].Closed)
	}
	out.MakeUpDays = slices.Clone(s.MakeUpDays)
	for i := range out.MakeUpDays {
		out.MakeUpDays[i].Hours = slices.Clone(out.MakeUpDays[i].Hours)
	}
	out.Overrides = slices.Clone(s.Overrides)
	for i := range out.Overrides {
		out.Overrides[i].Hours = slices.Clone(out.Overrides[i].Hours)
	}
	return out
}
