package workforce

import (
	"encoding/json"
	"math"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// cnCalendar is a Shanghai desk calendar (weekdays 09:00-18:00) with the
// 2025-2026 public holidays and make-up working days of testdata.
func cnCalendar(t testing.TB) *sla.Calendar {
	t.Helper()
	data, err := os.ReadFile("testdata/cn-holidays-2025-2026.json")
	require.NoError(t, err)
	var doc struct {
		Years map[string]struct {
			Days []struct {
				Name     string `json:"name"`
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		} `json:"years"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	day := []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}
	spec := sla.CalendarSpec{Location: "Asia/Shanghai", Week: sla.CalendarWeek{Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}}
	for _, y := range []string{"2025", "2026"} {
		for _, d := range doc.Years[y].Days {
			if d.IsOffDay {
				spec.Holidays = append(spec.Holidays, sla.CalendarHoliday{Date: d.Date, Name: d.Name})
			} else {
				spec.MakeUpDays = append(spec.MakeUpDays, sla.CalendarMakeUpDay{Date: d.Date, Name: d.Name, Hours: day})
			}
		}
	}
	cal, err := sla.NewCalendar(spec)
	require.NoError(t, err)
	return cal
}

func hourly(days int) ForecastConfig {
	return ForecastConfig{Interval: sla.Duration(time.Hour), Days: days}
}

// profile is a demand shape per day type: type t, hour h.
func profile(t DayType, h int) float64 {
	switch t {
	case DayHoliday:
		return float64(h % 3)
	case DaySaturday, DaySunday:
		return float64(h) / 2
	}
	return float64(int(t)*10 + h)
}

// synthHistory builds history from from to to (inclusive) with the
// profile of each date's type, times growth^(index of the date among its
// type's dates).
func synthHistory(t *testing.T, f *Forecaster, from, to string, growth float64) []DayCounts {
	t.Helper()
	lo, _ := dayNumber(from)
	hi, _ := dayNumber(to)
	seen := map[DayType]int{}
	var out []DayCounts
	for n := lo; n <= hi; n++ {
		typ := f.dayType(n)
		k := math.Pow(growth, float64(seen[typ]))
		seen[typ]++
		counts := make([]float64, f.Slots())
		for h := range counts {
			counts[h] = profile(typ, h) * k
		}
		out = append(out, DayCounts{Date: dateString(n), Counts: counts})
	}
	return out
}

func TestDayTypesFromCalendar(t *testing.T) {
	f, err := NewForecaster(cnCalendar(t), hourly(4))
	require.NoError(t, err)
	for date, want := range map[string]DayType{
		"2025-01-26": DayMonday,  // Sunday, a make-up working day
		"2025-02-08": DayMonday,  // Saturday, a make-up working day
		"2025-01-27": DayMonday,  // a plain Monday
		"2025-01-28": DayHoliday, // Spring Festival
		"2025-02-04": DayHoliday,
		"2025-02-05": DayWednesday,
		"2025-02-09": DaySunday,
		"2025-10-01": DayHoliday,
		"2026-01-01": DayHoliday,
	} {
		got, err := f.DayType(date)
		require.NoError(t, err)
		assert.Equal(t, want, got, date)
	}
	_, err = f.DayType("2025-13-01")
	require.ErrorIs(t, err, ErrInvalidInput)

	// Partial holidays keep their weekday; closing overrides are holidays;
	// MakeUpAs picks the type of make-up days.
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "UTC", Week: sla.CalendarWeek{Monday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}},
		Holidays:   []sla.CalendarHoliday{{Date: "2025-12-24", Closed: []sla.CalendarWindow{{Start: "12:00", End: "24:00"}}}},
		Overrides:  []sla.CalendarOverride{{Date: "2025-12-31"}},
		MakeUpDays: []sla.CalendarMakeUpDay{{Date: "2025-12-27", Hours: []sla.CalendarWindow{{Start: "09:00", End: "12:00"}}}}})
	require.NoError(t, err)
	f, err = NewForecaster(cal, ForecastConfig{Interval: sla.Duration(time.Hour), Days: 1, MakeUpAs: DayFriday})
	require.NoError(t, err)
	for date, want := range map[string]DayType{"2025-12-24": DayWednesday, "2025-12-31": DayHoliday, "2025-12-27": DayFriday} {
		got, _ := f.DayType(date)
		assert.Equal(t, want, got, date)
	}
}

func TestForecastSameTypeMean(t *testing.T) {
	f, err := NewForecaster(cnCalendar(t), hourly(3))
	require.NoError(t, err)
	hist := synthHistory(t, f, "2025-01-01", "2025-02-07", 1)
	// A plain Wednesday: the mean of the last three Wednesdays, exactly the
	// profile.
	fc, err := f.Forecast(hist, "2025-02-12")
	require.NoError(t, err)
	assert.Equal(t, DayWednesday, fc.Type)
	assert.Equal(t, []string{"2025-01-15", "2025-01-22", "2025-02-05"}, fc.Days) // 01-29 was a holiday
	for h, c := range fc.Counts {
		assert.InDelta(t, profile(DayWednesday, h), c, 1e-12)
	}
	assert.Equal(t, 1.0, fc.Trend)
	// The make-up Saturday 2025-02-08 behaves like a Monday: its basis is
	// Mondays, including the make-up Sunday 2025-01-26.
	fc, err = f.Forecast(hist, "2025-02-08")
	require.NoError(t, err)
	assert.Equal(t, DayMonday, fc.Type)
	assert.Equal(t, []string{"2025-01-20", "2025-01-26", "2025-01-27"}, fc.Days)
	assert.InDelta(t, profile(DayMonday, 10), fc.Counts[10], 1e-12)
	// A holiday forecast from holidays (2025-01-01 and 01-28..02-04).
	fc, err = f.Forecast(hist, "2025-04-04")
	require.NoError(t, err)
	assert.Equal(t, DayHoliday, fc.Basis)
	assert.Equal(t, []string{"2025-02-02", "2025-02-03", "2025-02-04"}, fc.Days)
	// Without holiday history a holiday falls back to Sundays.
	short := synthHistory(t, f, "2025-01-02", "2025-01-20", 1)
	fc, err = f.Forecast(short, "2025-01-28")
	require.NoError(t, err)
	assert.Equal(t, DayHoliday, fc.Type)
	assert.Equal(t, DaySunday, fc.Basis)
	assert.InDelta(t, profile(DaySunday, 7), fc.Counts[7], 1e-12)
	// Fewer than N days: the mean of what there is; none: an error.
	fc, err = f.Forecast(short[:7], "2025-01-09")
	require.NoError(t, err)
	assert.Equal(t, []string{"2025-01-02"}, fc.Days)
	_, err = f.Forecast(short[1:2], "2025-01-09") // a Friday only
	require.ErrorIs(t, err, ErrInsufficientHistory)
}

func TestForecastTrend(t *testing.T) {
	cfg := hourly(4)
	cfg.Trend = true
	f, err := NewForecaster(cnCalendar(t), cfg)
	require.NoError(t, err)
	const r = 1.03 // 3 % more each Tuesday
	hist := synthHistory(t, f, "2025-03-01", "2025-05-31", r)
	fc, err := f.Forecast(hist, "2025-06-03") // the next Tuesday
	require.NoError(t, err)
	last := hist[len(hist)-1-4] // 2025-05-27, a Tuesday
	require.Equal(t, "2025-05-27", last.Date)
	// The trend factor is g^((N-1)/2 + h) with g = r and h = 1.
	assert.InDelta(t, math.Pow(r, 1.5+1), fc.Trend, 1e-12)
	for h, c := range fc.Counts {
		assert.InEpsilon(t, last.Counts[h]*r, c, 0.002, "hour %d", h) // within 0.2 % of the truth
	}
	// Two Tuesdays ahead: h = 2.
	fc2, err := f.Forecast(hist, "2025-06-10")
	require.NoError(t, err)
	assert.InDelta(t, math.Pow(r, 3.5), fc2.Trend, 1e-12)

	// Without trend the forecast is the plain mean, lower than the truth.
	f0, err := NewForecaster(cnCalendar(t), hourly(4))
	require.NoError(t, err)
	fc0, err := f0.Forecast(hist, "2025-06-03")
	require.NoError(t, err)
	assert.Less(t, fc0.Total(), fc.Total())
	// Doubling every week is clamped to MaxTrend.
	steep := synthHistory(t, f, "2025-03-01", "2025-05-31", 2)
	fcs, err := f.Forecast(steep, "2025-06-03")
	require.NoError(t, err)
	assert.Equal(t, 1.5, fcs.Trend)
}

func TestBacktest(t *testing.T) {
	f, err := NewForecaster(cnCalendar(t), hourly(2))
	require.NoError(t, err)
	hist := synthHistory(t, f, "2025-03-03", "2025-03-30", 1)
	// A perfect profile forecasts perfectly.
	acc, err := f.Backtest(hist, "2025-03-17", "2025-03-30")
	require.NoError(t, err)
	assert.Equal(t, 14, acc.Days)
	assert.Zero(t, acc.MAPE)
	assert.Zero(t, acc.WAPE)
	// Perturb one held-out Monday by +50 % at every hour: its forecast
	// (from earlier Mondays) is off by 1/3 of the actual value.
	for i := range hist {
		if hist[i].Date == "2025-03-24" {
			for h := range hist[i].Counts {
				hist[i].Counts[h] *= 1.5
			}
		}
	}
	acc, err = f.Backtest(hist, "2025-03-24", "2025-03-24")
	require.NoError(t, err)
	assert.Equal(t, 1, acc.Days)
	assert.Equal(t, 24, acc.Intervals)
	assert.Zero(t, acc.Zero)
	assert.InDelta(t, 1.0/3, acc.MAPE, 1e-12)
	assert.InDelta(t, 1.0/3, acc.WAPE, 1e-12)
	assert.InDelta(t, -1.0/3, acc.Bias, 1e-12)
	// Days with nothing before them are skipped; zero actuals are counted
	// apart.
	acc, err = f.Backtest(hist, "2025-03-01", "2025-03-09")
	require.NoError(t, err)
	assert.Equal(t, 7, acc.Skipped)
	assert.Equal(t, 0, acc.Days) // 03-08 and 03-09: no earlier weekend day
	_, err = f.Backtest(hist, "2025-03-10", "2025-03-01")
	require.ErrorIs(t, err, ErrInvalidInput)
}

func TestAggregateAndIntervalsAcrossDST(t *testing.T) {
	cal, err := sla.NewCalendar(dayShift("Europe/Berlin", "08:00", "20:00"))
	require.NoError(t, err)
	f, err := NewForecaster(cal, ForecastConfig{Interval: sla.Duration(30 * time.Minute), Days: 1})
	require.NoError(t, err)
	berlin := cal.Location()
	// Fall-back day 2025-10-26: 02:15 CEST and 02:15 CET land in one slot.
	first := time.Date(2025, 10, 26, 0, 15, 0, 0, time.UTC) // 02:15 CEST
	second := first.Add(time.Hour)                          // 02:15 CET
	days, err := f.Aggregate([]Observation{{At: first, Count: 2}, {At: second, Count: 3}, {At: time.Date(2025, 10, 28, 9, 0, 0, 0, berlin), Count: 1}})
	require.NoError(t, err)
	require.Len(t, days, 3)
	assert.Equal(t, "2025-10-26", days[0].Date)
	assert.Equal(t, 5.0, days[0].Counts[4])
	assert.Equal(t, make([]float64, 48), days[1].Counts)
	assert.Equal(t, 1.0, days[2].Counts[18])

	for _, tc := range []struct {
		loc, date string
		n         int
		hours     time.Duration
	}{
		{"Europe/Berlin", "2025-03-30", 46, 23 * time.Hour},
		{"Europe/Berlin", "2025-10-26", 48, 25 * time.Hour},
		{"America/New_York", "2025-03-09", 46, 23 * time.Hour},
		{"America/New_York", "2025-11-02", 48, 25 * time.Hour},
		{"Asia/Shanghai", "2025-03-09", 48, 24 * time.Hour},
	} {
		cal, err := sla.NewCalendar(dayShift(tc.loc, "08:00", "20:00"))
		require.NoError(t, err)
		f, err := NewForecaster(cal, ForecastConfig{Interval: sla.Duration(30 * time.Minute), Days: 1})
		require.NoError(t, err)
		ivs, err := f.Intervals(DayForecast{Date: tc.date, Counts: make([]float64, 48)})
		require.NoError(t, err)
		assert.Len(t, ivs, tc.n, tc.loc)
		var total time.Duration
		for i, iv := range ivs {
			require.True(t, iv.End.After(iv.Start))
			if i > 0 {
				require.True(t, ivs[i-1].End.Equal(iv.Start), "%s %d", tc.loc, i)
			}
			total += iv.End.Sub(iv.Start)
		}
		assert.Equal(t, tc.hours, total, tc.loc)
		loc := cal.Location()
		assert.Equal(t, "00:00", ivs[0].Start.In(loc).Format("15:04"))
	}
	_, err = f.Intervals(DayForecast{Date: "2025-03-30", Counts: []float64{1}})
	require.ErrorIs(t, err, ErrInvalidInput)
}

func TestForecastInputErrors(t *testing.T) {
	cal := cnCalendar(t)
	_, err := NewForecaster(cal, ForecastConfig{Interval: sla.Duration(7 * time.Minute), Days: 0, MaxTrend: 0.5, MakeUpAs: DayHoliday, HolidayFallback: 42})
	require.ErrorIs(t, err, ErrInvalid)
	for _, p := range []string{"interval", "days", "max_trend", "make_up_as", "holiday_fallback"} {
		assert.Contains(t, err.Error(), "workforce: "+p+":")
	}
	_, err = NewForecaster(nil, hourly(1))
	require.ErrorIs(t, err, ErrInvalidInput)

	f, err := NewForecaster(cal, hourly(1))
	require.NoError(t, err)
	bad := []DayCounts{
		{Date: "2025-01-02", Counts: make([]float64, 24)},
		{Date: "2025-01-02", Counts: make([]float64, 24)},
		{Date: "x", Counts: make([]float64, 3)},
		{Date: "2025-01-05", Counts: append(make([]float64, 23), math.NaN())},
	}
	_, err = f.Forecast(bad, "2025-01-09")
	require.ErrorIs(t, err, ErrInvalid)
	for _, p := range []string{"history[1].date", "history[2].date", "history[2].counts", "history[3].counts[23]"} {
		assert.Contains(t, err.Error(), p+":")
	}
	_, err = f.Forecast(nil, "2025-1-9")
	require.ErrorIs(t, err, ErrInvalidInput)
	_, err = f.Aggregate([]Observation{{At: t0, Count: -1}, {At: time.Time{}, Count: 1}})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "observations[0].count")
	assert.Contains(t, err.Error(), "observations[1].at")
	_, err = f.Aggregate([]Observation{{At: t0, Count: 1}, {At: t0.AddDate(40, 0, 0), Count: 1}})
	require.ErrorIs(t, err, ErrInvalidInput)
}
