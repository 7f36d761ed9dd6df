package holidays

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/6tail/lunar-go/HolidayUtil"
	"github.com/sqkit/sqkit/sla"
)

// China provides China's official public holidays and make-up working days
// (调休上班) as published each year by the General Office of the State
// Council. The built-in schedule comes from the holiday table of
// github.com/6tail/lunar-go (see [ChinaBuiltinYears] for the years it
// covers); Years lets the host supply a year the table does not have yet
// (the notice for a year appears in the autumn before it) or correct one.
//
// Holidays include the weekend days inside a holiday block (the notice
// lists them as days off), so a calendar that works on Saturdays is closed
// on them too. Names are those of the notices ("元旦", "春节", "清明节",
// "劳动节", "端午节", "中秋节", "国庆节", "国庆节、中秋节"), or English ones
// with English set. A make-up day carries the name of the holiday it
// belongs to.
//
// The zero China is ready to use. A China is safe for concurrent use while
// nothing modifies it; it only reads lunar-go's table (a host that patches
// that table with HolidayUtil.Fix must not do so concurrently).
type China struct {
	// Years supplies or replaces the schedule of whole years: every holiday
	// and make-up day of the year, as in the State Council's notice.
	Years map[int][]Day `json:"years,omitempty"`
	// English gives the built-in days English names ("Spring Festival").
	English bool `json:"english,omitempty"`
}

// chinaNames maps the table's names to the notices' and to English.
var chinaNames = map[string][2]string{
	"元旦节":   {"元旦", "New Year's Day"},
	"春节":    {"春节", "Spring Festival"},
	"清明节":   {"清明节", "Qingming Festival"},
	"劳动节":   {"劳动节", "Labour Day"},
	"端午节":   {"端午节", "Dragon Boat Festival"},
	"中秋节":   {"中秋节", "Mid-Autumn Festival"},
	"国庆节":   {"国庆节", "National Day"},
	"国庆中秋":  {"国庆节、中秋节", "National Day and Mid-Autumn Festival"},
	"抗战胜利日": {"抗战胜利日", "Victory Day of the War of Resistance"},
}

// Validate reports every problem of the host's years at once: each day
// valid (see [Day.Validate]), dated in its year, and listed once. Each
// problem is a [*FieldError] with a path such as "years.2027[3].date".
func (c China) Validate() error {
	var errs []error
	years := make([]int, 0, len(c.Years))
	for y := range c.Years {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		errs = append(errs, validateYear(y, c.Years[y])...)
	}
	return joinErrs(errs)
}

func validateYear(y int, days []Day) []error {
	var errs []error
	base := "years." + strconv.Itoa(y)
	if y < 1 || y > 9999 {
		errs = append(errs, fieldErr(base, "%d is not a year from 1 to 9999", y))
	}
	if len(days) == 0 {
		errs = append(errs, fieldErr(base, "lists no days (a year with no holidays is not a schedule)"))
	}
	seen := map[Date]int{}
	for i, d := range days {
		p := fmt.Sprintf("%s[%d].", base, i)
		errs = append(errs, d.validate(p)...)
		if d.Date.IsValid() && d.Date.Year != y {
			errs = append(errs, fieldErr(p+"date", "%s is not in %d", d.Date, y))
		}
		if prev, dup := seen[d.Date]; dup {
			errs = append(errs, fieldErr(p+"date", "%s is also %s[%d]", d.Date, base, prev))
		}
		seen[d.Date] = i
	}
	return errs
}

// Days returns the holidays and make-up days of year, sorted by date: the
// host's days for the year if Years has them, else the built-in schedule.
// A year in neither is a [*YearError] (errors.Is [ErrNotPublished]); an
// invalid host year is reported as by Validate.
func (c China) Days(year int) ([]Day, error) {
	if days, ok := c.Years[year]; ok {
		if errs := validateYear(year, days); len(errs) > 0 {
			return nil, joinErrs(errs)
		}
		out := make([]Day, len(days))
		for i, d := range days {
			out[i] = d
			out[i].Closed = slices.Clone(d.Closed)
			out[i].Hours = slices.Clone(d.Hours)
		}
		slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
		return out, nil
	}
	out := builtinChina(year, c.English)
	if len(out) == 0 {
		return nil, &YearError{Year: year}
	}
	return out, nil
}

// Fill merges the days of year into spec; see [Merge] for opts and the
// result.
func (c China) Fill(spec sla.CalendarSpec, year int, opts MergeOptions) (sla.CalendarSpec, MergeReport, error) {
	days, err := c.Days(year)
	if err != nil {
		return spec, MergeReport{}, err
	}
	return Merge(spec, days, opts)
}

// builtinChina reads year from lunar-go's table. A year whose table holds
// no day off (2001 only lists the make-up days before 2002's New Year) has
// no schedule.
func builtinChina(year int, english bool) []Day {
	if year < 1 || year > 9999 {
		return nil
	}
	var out []Day
	hasOff := false
	for e := HolidayUtil.GetHolidaysByYear(year).Front(); e != nil; e = e.Next() {
		h, ok := e.Value.(*HolidayUtil.Holiday)
		if !ok || h == nil {
			continue
		}
		d, err := ParseDate(h.GetDay())
		if err != nil || d.Year != year {
			continue
		}
		name := h.GetName()
		if n, ok := chinaNames[name]; ok {
			name = n[0]
			if english {
				name = n[1]
			}
		}
		day := Day{Date: d, Kind: KindHoliday, Name: name}
		if h.IsWork() {
			day.Kind = KindMakeUpDay
		} else {
			hasOff = true
		}
		out = append(out, day)
	}
	if !hasOff {
		return nil
	}
	slices.SortStableFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return slices.CompactFunc(out, func(a, b Day) bool { return a.Date == b.Date })
}

// ChinaBuiltinYears returns the first and last year of the built-in
// schedule; every year between has one.
func ChinaBuiltinYears() (first, last int) { return builtinYears() }

var builtinYears = sync.OnceValues(func() (first, last int) {
	for y := 1990; y <= 2200; y++ {
		if len(builtinChina(y, false)) > 0 {
			if first == 0 {
				first = y
			}
			last = y
		}
	}
	return first, last
})
