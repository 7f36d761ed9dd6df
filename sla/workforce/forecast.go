package workforce

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// MaxCount bounds the demand of one interval in history (a quadrillion
// contacts), so that sums and ratios of counts stay finite.
const MaxCount = 1e15

// maxHistoryDays bounds the span of observations Aggregate accepts (about
// 27 years), so that a stray timestamp cannot allocate without bound.
const maxHistoryDays = 10_000

// ForecastConfig configures a Forecaster. It is a plain JSON value.
type ForecastConfig struct {
	// Interval is the planning interval; it must be a whole number of
	// minutes that divides 24 hours (15m, 30m, 1h, ...).
	Interval sla.Duration `json:"interval"`
	// Days is N, the number of most recent same-type days averaged.
	Days int `json:"days"`
	// Trend scales the average by the growth between the last N same-type
	// days and the N before them (see the package documentation); without
	// it the forecast is the plain average.
	Trend bool `json:"trend,omitempty"`
	// MaxTrend bounds the trend factor to [1/MaxTrend, MaxTrend]; 0 means
	// the default 1.5. It must be 0 or at least 1.
	MaxTrend float64 `json:"max_trend,omitempty"`
	// MakeUpAs is the day type of make-up working days; unset means
	// DayMonday (the first working day after a break). It must be a
	// weekday type, not DayHoliday.
	MakeUpAs DayType `json:"make_up_as,omitempty"`
	// HolidayFallback is the day type whose history forecasts a holiday
	// when the history holds no holiday yet; unset means DaySunday.
	HolidayFallback DayType `json:"holiday_fallback,omitempty"`
}

// DefaultForecastConfig returns 30-minute intervals, the mean of the last
// four same-type days, with the trend factor on.
func DefaultForecastConfig() ForecastConfig {
	return ForecastConfig{Interval: sla.Duration(30 * time.Minute), Days: 4, Trend: true}
}

// Validate reports every problem of the configuration at once.
func (c ForecastConfig) Validate() error {
	var errs []error
	iv := c.Interval.D()
	if iv < time.Minute || iv > 24*time.Hour || iv%time.Minute != 0 || (24*time.Hour)%iv != 0 {
		errs = append(errs, fieldErr("interval", "must be whole minutes dividing 24h, got %s", iv))
	}
	if c.Days < 1 || c.Days > 366 {
		errs = append(errs, fieldErr("days", "must be in [1, 366], got %d", c.Days))
	}
	if math.IsNaN(c.MaxTrend) || math.IsInf(c.MaxTrend, 0) || (c.MaxTrend != 0 && c.MaxTrend < 1) {
		errs = append(errs, fieldErr("max_trend", "must be 0 or a finite number >= 1, got %v", c.MaxTrend))
	}
	if c.MakeUpAs != DayUnset && (!c.MakeUpAs.Valid() || c.MakeUpAs == DayHoliday) {
		errs = append(errs, fieldErr("make_up_as", "must be a weekday, got %s", c.MakeUpAs))
	}
	if c.HolidayFallback != DayUnset && (!c.HolidayFallback.Valid() || c.HolidayFallback == DayHoliday) {
		errs = append(errs, fieldErr("holiday_fallback", "must be a weekday, got %s", c.HolidayFallback))
	}
	return errors.Join(errs...)
}

// Observation is demand seen at an instant: Count contacts (usually the
// arrivals of one interval, or 1 per contact).
type Observation struct {
	At    time.Time `json:"at"`
	Count float64   `json:"count"`
}

// DayCounts is one date of demand per interval: Counts[i] is the demand of
// the i-th interval of the local day (wall-clock 00:00 onwards).
type DayCounts struct {
	Date   string    `json:"date"`
	Counts []float64 `json:"counts"`
}

// DayForecast is the forecast demand of one date.
type DayForecast struct {
	Date string  `json:"date"`
	Type DayType `json:"type"`
	// Basis is the type whose history was used (Type, or the holiday
	// fallback) and Days the dates averaged, oldest first.
	Basis DayType  `json:"basis"`
	Days  []string `json:"days"`
	// Trend is the factor the average was scaled by (1 without trend).
	Trend  float64   `json:"trend"`
	Counts []float64 `json:"counts"`
}

// Total returns the forecast demand of the whole day.
func (f DayForecast) Total() float64 {
	var s float64
	for _, c := range f.Counts {
		s += c
	}
	return s
}

// Forecaster forecasts demand per interval from history, by day type and
// time of day, on a business calendar whose holidays and make-up days
// decide the day types. It is immutable and safe for concurrent use.
type Forecaster struct {
	cfg      ForecastConfig
	loc      *time.Location
	minutes  int
	slots    int
	makeUp   map[int64]bool
	holidays map[int64]bool
}

// NewForecaster returns a forecaster for calendar cal. Full-day holidays
// (and overrides that close a date) are DayHoliday; make-up days take
// cfg.MakeUpAs; partial holidays and every other date take their weekday.
func NewForecaster(cal *sla.Calendar, cfg ForecastConfig) (*Forecaster, error) {
	var errs []error
	if cal == nil {
		errs = append(errs, inputErr("nil calendar"))
	}
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if cfg.MaxTrend == 0 {
		cfg.MaxTrend = 1.5
	}
	if cfg.MakeUpAs == DayUnset {
		cfg.MakeUpAs = DayMonday
	}
	if cfg.HolidayFallback == DayUnset {
		cfg.HolidayFallback = DaySunday
	}
	f := &Forecaster{cfg: cfg, loc: cal.Location(), minutes: int(cfg.Interval.D() / time.Minute),
		makeUp: map[int64]bool{}, holidays: map[int64]bool{}}
	f.slots = 1440 / f.minutes
	spec := cal.Spec()
	for _, h := range spec.Holidays {
		if n, ok := dayNumber(h.Date); ok && len(h.Closed) == 0 {
			f.holidays[n] = true
		}
	}
	for _, o := range spec.Overrides {
		if n, ok := dayNumber(o.Date); ok && len(o.Hours) == 0 {
			f.holidays[n] = true
		}
	}
	for _, m := range spec.MakeUpDays {
		if n, ok := dayNumber(m.Date); ok {
			f.makeUp[n] = true
		}
	}
	return f, nil
}

// Config returns the configuration with defaults filled in.
func (f *Forecaster) Config() ForecastConfig { return f.cfg }

// Slots returns the number of intervals in a day.
func (f *Forecaster) Slots() int { return f.slots }

// DayType returns the type of a "YYYY-MM-DD" date.
func (f *Forecaster) DayType(date string) (DayType, error) {
	n, ok := dayNumber(date)
	if !ok {
		return DayUnset, inputErr("date %q is not YYYY-MM-DD", date)
	}
	return f.dayType(n), nil
}

func (f *Forecaster) dayType(n int64) DayType {
	switch {
	case f.holidays[n]:
		return DayHoliday
	case f.makeUp[n]:
		return f.cfg.MakeUpAs
	}
	return DayTypeOf(weekdayOf(n))
}

// Aggregate sums observations into days of interval counts, in the
// calendar's location by wall-clock time of day: every date from the first
// observation's to the last one's, dates without observations as zeros. In
// a repeated (fall-back) hour both occurrences count in the same interval.
func (f *Forecaster) Aggregate(obs []Observation) ([]DayCounts, error) {
	var errs []error
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for i, o := range obs {
		if math.IsNaN(o.Count) || o.Count < 0 || o.Count > MaxCount {
			errs = append(errs, fieldErr(fmt.Sprintf("observations[%d].count", i), "must be a number in [0, %g], got %v", MaxCount, o.Count))
			continue
		}
		if y := o.At.Year(); o.At.IsZero() || y < 1 || y > 9999 {
			errs = append(errs, fieldErr(fmt.Sprintf("observations[%d].at", i), "zero or out-of-range instant %s", o.At))
			continue
		}
		n := dayOf(o.At, f.loc)
		first, last = min(first, n), max(last, n)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(obs) == 0 {
		return nil, nil
	}
	if last-first >= maxHistoryDays {
		return nil, inputErr("observations span %d days, more than %d", last-first+1, maxHistoryDays)
	}
	days := make([]DayCounts, last-first+1)
	for i := range days {
		days[i] = DayCounts{Date: dateString(first + int64(i)), Counts: make([]float64, f.slots)}
	}
	for _, o := range obs {
		lt := o.At.In(f.loc)
		slot := (lt.Hour()*60 + lt.Minute()) / f.minutes
		days[dayOf(o.At, f.loc)-first].Counts[slot] += o.Count
	}
	return days, nil
}

// history is validated history with day numbers and per-type indexes.
type history struct {
	days   []DayCounts
	nums   []int64
	totals []float64
	byType [DayHoliday + 1][]int // indexes into days, ascending
}

func (f *Forecaster) index(h []DayCounts) (*history, error) {
	var errs []error
	hs := &history{days: h, nums: make([]int64, len(h)), totals: make([]float64, len(h))}
	for i, d := range h {
		p := fmt.Sprintf("history[%d]", i)
		n, ok := dayNumber(d.Date)
		if !ok {
			errs = append(errs, fieldErr(p+".date", "%q is not YYYY-MM-DD", d.Date))
		} else if i > 0 && len(errs) == 0 && n <= hs.nums[i-1] {
			errs = append(errs, fieldErr(p+".date", "%s is not after the previous date", d.Date))
		}
		hs.nums[i] = n
		if len(d.Counts) != f.slots {
			errs = append(errs, fieldErr(p+".counts", "has %d intervals, want %d", len(d.Counts), f.slots))
		}
		for j, c := range d.Counts {
			if math.IsNaN(c) || c < 0 || c > MaxCount {
				errs = append(errs, fieldErr(fmt.Sprintf("%s.counts[%d]", p, j), "must be a number in [0, %g], got %v", MaxCount, c))
			}
			hs.totals[i] += c
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i, n := range hs.nums {
		t := f.dayType(n)
		hs.byType[t] = append(hs.byType[t], i)
	}
	return hs, nil
}

// Forecast forecasts the demand of date from the history days before it
// (history sorted by date, one entry per date, each with Slots counts).
// It returns ErrInsufficientHistory when no earlier day of the date's type
// (or, for a holiday, of the fallback type) exists.
func (f *Forecaster) Forecast(history []DayCounts, date string) (DayForecast, error) {
	n, ok := dayNumber(date)
	if !ok {
		return DayForecast{}, inputErr("date %q is not YYYY-MM-DD", date)
	}
	hs, err := f.index(history)
	if err != nil {
		return DayForecast{}, err
	}
	return f.forecast(hs, n)
}

func (f *Forecaster) forecast(hs *history, n int64) (DayForecast, error) {
	typ := f.dayType(n)
	fc := DayForecast{Date: dateString(n), Type: typ, Basis: typ, Trend: 1}
	before := func(t DayType) []int {
		idx := hs.byType[t]
		k := sort.Search(len(idx), func(i int) bool { return hs.nums[idx[i]] >= n })
		return idx[:k]
	}
	cand := before(typ)
	if len(cand) == 0 && typ == DayHoliday {
		fc.Basis = f.cfg.HolidayFallback
		cand = before(fc.Basis)
	}
	if len(cand) == 0 {
		return fc, fmt.Errorf("%w: no %s before %s", ErrInsufficientHistory, fc.Basis, fc.Date)
	}
	N := f.cfg.Days
	basis := cand[max(0, len(cand)-N):]
	fc.Counts = make([]float64, f.slots)
	for _, i := range basis {
		fc.Days = append(fc.Days, hs.days[i].Date)
		for s, c := range hs.days[i].Counts {
			fc.Counts[s] += c
		}
	}
	if f.cfg.Trend && len(cand) >= 2*N {
		fc.Trend = f.trend(hs, cand, n, fc.Basis)
	}
	scale := fc.Trend / float64(len(basis))
	for s := range fc.Counts {
		fc.Counts[s] *= scale
	}
	return fc, nil
}

// trend is g^(c+h) clamped to [1/MaxTrend, MaxTrend], with
// g = (recent/older)^(1/N), c = (N-1)/2 and h the number of days of type t
// after the last basis day and before day n, plus one for day n itself.
func (f *Forecaster) trend(hs *history, cand []int, n int64, t DayType) float64 {
	N := f.cfg.Days
	var recent, older float64
	for _, i := range cand[len(cand)-N:] {
		recent += hs.totals[i]
	}
	for _, i := range cand[len(cand)-2*N : len(cand)-N] {
		older += hs.totals[i]
	}
	if recent <= 0 || older <= 0 {
		return 1
	}
	last := hs.nums[cand[len(cand)-1]]
	h := 1 // day n itself
	for d := last + 1; d < n; d++ {
		if f.dayType(d) == t {
			h++
		}
	}
	g := math.Pow(recent/older, 1/float64(N))
	factor := math.Pow(g, float64(N-1)/2+float64(h))
	return min(max(factor, 1/f.cfg.MaxTrend), f.cfg.MaxTrend)
}

// Intervals turns a day forecast into planning intervals with instants in
// the calendar's location. Interval i runs from wall-clock i*Interval to
// (i+1)*Interval of the date; an interval that falls wholly inside a
// spring-forward gap does not exist that day and is left out, and one over
// a repeated hour lasts longer by the repeat.
func (f *Forecaster) Intervals(fc DayForecast) ([]Interval, error) {
	n, ok := dayNumber(fc.Date)
	if !ok {
		return nil, inputErr("date %q is not YYYY-MM-DD", fc.Date)
	}
	if len(fc.Counts) != f.slots {
		return nil, inputErr("forecast has %d intervals, want %d", len(fc.Counts), f.slots)
	}
	out := make([]Interval, 0, f.slots)
	start := wallClock(f.loc, n, 0)
	for s, c := range fc.Counts {
		end := wallClock(f.loc, n, (s+1)*f.minutes)
		if end.After(start) {
			out = append(out, Interval{Start: start, End: end, Contacts: c})
			start = end
		}
	}
	return out, nil
}
