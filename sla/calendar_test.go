package sla

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/internal/civil"
)

func calMustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func calW(start, end string) CalendarWindow { return CalendarWindow{Start: start, End: end} }

func calNineToFive(loc string) CalendarSpec {
	day := []CalendarWindow{calW("09:00", "17:00")}
	return CalendarSpec{Location: loc, Week: CalendarWeek{
		Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day,
	}}
}

func calMust(t testing.TB, spec CalendarSpec) *Calendar {
	t.Helper()
	c, err := NewCalendar(spec)
	require.NoError(t, err)
	return c
}

// calAt builds a wall-clock instant in loc.
func calAt(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

func TestCalendarCivilDays(t *testing.T) {
	for _, n := range []int64{-1_000_000, -719468, -1, 0, 1, 59, 60, 365, 10957, 20000, 2_000_000} {
		y, m, d := civil.Date(n)
		tm := time.Date(int(y), time.Month(m), int(d), 12, 0, 0, 0, time.UTC)
		assert.Equal(t, tm.Weekday(), calWeekday(n), "weekday of %d", n)
		assert.Equal(t, n*86400, tm.Unix()-12*3600, "day %d", n)
	}
}

func TestCalendarParseTimeOfDay(t *testing.T) {
	cases := []struct {
		in   string
		secs int32
		ok   bool
	}{
		{"00:00", 0, true}, {"09:30", 9*3600 + 30*60, true}, {"23:59", 23*3600 + 59*60, true},
		{"24:00", 86400, true}, {"24:01", 0, false}, {"25:00", 0, false}, {"9:00", 0, false},
		{"09:60", 0, false}, {"0900", 0, false}, {"ab:cd", 0, false}, {"", 0, false}, {"09:00:00", 0, false},
	}
	for _, tc := range cases {
		got, ok := calParseTimeOfDay(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		if tc.ok {
			assert.Equal(t, tc.secs, got, tc.in)
		}
	}
}

func TestCalendarValidateReportsEveryProblem(t *testing.T) {
	spec := CalendarSpec{
		Location: "Mars/Olympus_Mons",
		Week: CalendarWeek{
			Monday:  []CalendarWindow{calW("09:00", "12:00"), calW("11:00", "17:00")},
			Tuesday: []CalendarWindow{calW("17:00", "09:00")},
			Friday:  []CalendarWindow{calW("9am", "17:00")},
		},
		Holidays:   []CalendarHoliday{{Date: "2026-13-01"}, {Date: "2026-12-25"}},
		MakeUpDays: []CalendarMakeUpDay{{Date: "2026-12-25", Hours: []CalendarWindow{calW("09:00", "17:00")}}, {Date: "2026-12-26"}},
		Overrides:  []CalendarOverride{{Date: "2026-12-31", Hours: []CalendarWindow{calW("10:00", "10:00")}}},
	}
	err := spec.Validate()
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []struct {
		sentinel error
		field    string
	}{
		{ErrCalendarLocation, "location"},
		{ErrCalendarOverlap, "week.monday"},
		{ErrCalendarWindowOrder, "week.tuesday[0]"},
		{ErrCalendarTimeOfDay, "week.friday[0].start"},
		{ErrCalendarDate, "holidays[0].date"},
		{ErrCalendarDuplicateDate, "make_up_days[0].date"},
		{ErrCalendarNoWorkingTime, "make_up_days[1].hours"},
		{ErrCalendarWindowOrder, "overrides[0].hours[0]"},
	} {
		assert.ErrorIs(t, err, want.sentinel)
		assert.Contains(t, msg, want.field)
	}
	assert.True(t, strings.HasPrefix(msg, "sla: "), msg)
	var ce *CalendarError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "location", ce.Field)

	_, err = NewCalendar(spec)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrCalendarOverlap)
}

func TestCalendarValidateSingleProblems(t *testing.T) {
	base := calNineToFive("Europe/Berlin")
	cases := []struct {
		name   string
		mutate func(*CalendarSpec)
		want   error
	}{
		{"valid", func(*CalendarSpec) {}, nil},
		{"no working time", func(s *CalendarSpec) { s.Week = CalendarWeek{} }, ErrCalendarNoWorkingTime},
		{"no working time with make-up days only", func(s *CalendarSpec) {
			s.Week = CalendarWeek{}
			s.MakeUpDays = []CalendarMakeUpDay{{Date: "2026-01-03", Hours: []CalendarWindow{calW("09:00", "17:00")}}}
		}, ErrCalendarNoWorkingTime},
		{"empty location", func(s *CalendarSpec) { s.Location = "" }, ErrCalendarLocation},
		{"end before start", func(s *CalendarSpec) { s.Week.Monday = []CalendarWindow{calW("17:00", "09:00")} }, ErrCalendarWindowOrder},
		{"empty window", func(s *CalendarSpec) { s.Week.Monday = []CalendarWindow{calW("09:00", "09:00")} }, ErrCalendarWindowOrder},
		{"overlap", func(s *CalendarSpec) {
			s.Week.Monday = []CalendarWindow{calW("13:00", "18:00"), calW("09:00", "13:30")}
		}, ErrCalendarOverlap},
		{"touching windows are fine", func(s *CalendarSpec) {
			s.Week.Monday = []CalendarWindow{calW("13:00", "18:00"), calW("09:00", "13:00")}
		}, nil},
		{"24:00 as start", func(s *CalendarSpec) { s.Week.Monday = []CalendarWindow{calW("24:00", "24:00")} }, ErrCalendarWindowOrder},
		{"bad holiday closure", func(s *CalendarSpec) {
			s.Holidays = []CalendarHoliday{{Date: "2026-12-24", Closed: []CalendarWindow{calW("12:00", "11:00")}}}
		}, ErrCalendarWindowOrder},
		{"duplicate holiday", func(s *CalendarSpec) {
			s.Holidays = []CalendarHoliday{{Date: "2026-12-24"}, {Date: "2026-12-24"}}
		}, ErrCalendarDuplicateDate},
		{"holiday and override on one date", func(s *CalendarSpec) {
			s.Holidays = []CalendarHoliday{{Date: "2026-12-24"}}
			s.Overrides = []CalendarOverride{{Date: "2026-12-24"}}
		}, ErrCalendarDuplicateDate},
		{"bad date", func(s *CalendarSpec) { s.Overrides = []CalendarOverride{{Date: "24.12.2026"}} }, ErrCalendarDate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := calCloneSpec(base)
			tc.mutate(&s)
			err := s.Validate()
			c, nerr := NewCalendar(s)
			if tc.want == nil {
				require.NoError(t, err)
				require.NoError(t, nerr)
				require.NotNil(t, c)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorIs(t, nerr, tc.want)
			assert.Nil(t, c)
		})
	}
}

func TestNewCalendarInNilLocation(t *testing.T) {
	_, err := NewCalendarIn(nil, calNineToFive(""))
	require.ErrorIs(t, err, ErrCalendarLocation)
	assert.Contains(t, err.Error(), "nil")

	bad := calNineToFive("")
	bad.Week.Monday = []CalendarWindow{calW("10:00", "09:00")}
	_, err = NewCalendarIn(nil, bad)
	require.ErrorIs(t, err, ErrCalendarLocation)
	require.ErrorIs(t, err, ErrCalendarWindowOrder, "every problem is reported")

	tokyo := calMustLoc(t, "Asia/Tokyo")
	c, err := NewCalendarIn(tokyo, calNineToFive("ignored"))
	require.NoError(t, err)
	assert.Equal(t, tokyo, c.Location())
	assert.Equal(t, "Asia/Tokyo", c.Spec().Location)
}

func TestCalendarSpecJSONRoundTrip(t *testing.T) {
	spec := calNineToFive("Asia/Shanghai")
	spec.Week.Saturday = []CalendarWindow{calW("10:00", "12:00"), calW("13:00", "15:00")}
	spec.Holidays = []CalendarHoliday{
		{Date: "2026-10-01", Name: "National Day"},
		{Date: "2026-12-31", Name: "New Year's Eve", Closed: []CalendarWindow{calW("15:00", "24:00")}},
	}
	spec.MakeUpDays = []CalendarMakeUpDay{{Date: "2026-09-27", Name: "make-up", Hours: []CalendarWindow{calW("09:00", "17:00")}}}
	spec.Overrides = []CalendarOverride{{Date: "2026-11-11", Name: "stocktake"}, {Date: "2026-11-12", Hours: []CalendarWindow{calW("07:00", "11:00")}}}

	raw, err := json.Marshal(spec)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"location":"Asia/Shanghai"`)
	assert.Contains(t, string(raw), `{"start":"09:00","end":"17:00"}`)
	var back CalendarSpec
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, spec, back)

	c1 := calMust(t, spec)
	c2 := calMust(t, back)
	raw2, err := json.Marshal(c1)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(raw2), "a Calendar marshals as its spec")
	loc := c1.Location()
	from := calAt(loc, 2026, 9, 20, 8, 0)
	for _, d := range []time.Duration{time.Minute, 7 * time.Hour, 40 * time.Hour, 300 * time.Hour} {
		assert.True(t, c1.Add(from, d).Equal(c2.Add(from, d)), "Add %v", d)
	}
}

func TestCalendarSpecIsCopied(t *testing.T) {
	spec := calNineToFive("UTC")
	c := calMust(t, spec)
	spec.Week.Monday[0] = calW("00:00", "01:00")
	got := c.Spec()
	assert.Equal(t, "09:00", got.Week.Monday[0].Start, "the calendar does not share the caller's slices")
	got.Week.Tuesday[0] = calW("00:00", "01:00")
	assert.Equal(t, "09:00", c.Spec().Week.Tuesday[0].Start, "Spec returns a copy")
}

func TestCalendarNineToFive(t *testing.T) {
	ny := calMustLoc(t, "America/New_York")
	spec := calNineToFive("America/New_York")
	spec.Holidays = []CalendarHoliday{{Date: "2026-11-26", Name: "Thanksgiving"}, {Date: "2026-11-27", Closed: []CalendarWindow{calW("13:00", "24:00")}}}
	c := calMust(t, spec)
	assert.Equal(t, 40*time.Hour, c.WeekDuration())
	at := func(m time.Month, d, h, min int) time.Time { return calAt(ny, 2026, m, d, h, min) }

	addCases := []struct {
		name string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"inside a window", at(11, 2, 10, 0), 2 * time.Hour, at(11, 2, 12, 0)},
		{"exactly to the end of the day", at(11, 2, 10, 0), 7 * time.Hour, at(11, 2, 17, 0)},
		{"rolls to next morning", at(11, 2, 16, 0), 2 * time.Hour, at(11, 3, 10, 0)},
		{"before opening", at(11, 2, 6, 0), time.Hour, at(11, 2, 10, 0)},
		{"after closing", at(11, 2, 18, 0), time.Hour, at(11, 3, 10, 0)},
		{"over the weekend", at(11, 6, 16, 30), time.Hour, at(11, 9, 9, 30)},
		{"from a Sunday", at(11, 8, 12, 0), 8 * time.Hour, at(11, 9, 17, 0)},
		{"over Thanksgiving and a half day", at(11, 25, 16, 0), 6 * time.Hour, at(11, 30, 10, 0)},
		{"nanoseconds", at(11, 2, 16, 59).Add(59*time.Second + 999_999_999*time.Nanosecond), 2 * time.Nanosecond, at(11, 3, 9, 0).Add(time.Nanosecond)},
		{"zero", at(11, 2, 18, 0), 0, at(11, 2, 18, 0)},
		{"negative", at(11, 2, 18, 0), -time.Hour, at(11, 2, 18, 0)},
		{"many weeks", at(11, 2, 9, 0), 40 * 10 * time.Hour, calAt(ny, 2027, 1, 12, 13, 0)},
	}
	for _, tc := range addCases {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Add(tc.from, tc.d)
			assert.True(t, tc.want.Equal(got), "want %v got %v", tc.want, got)
			if tc.d > 0 {
				assert.Equal(t, tc.d, c.Between(tc.from, got))
			}
		})
	}

	// 10 weeks from Nov 2: Thanksgiving (8h) and half of Nov 27 (4h) are lost,
	// plus Christmas is not a holiday in this spec: 12h into the 11th week.
	// Check against the walking reference rather than by hand.
	ref, _ := c.calAdd(at(11, 2, 9, 0), 400*time.Hour, false)
	assert.True(t, ref.Equal(c.Add(at(11, 2, 9, 0), 400*time.Hour)))

	assert.Equal(t, 8*time.Hour, c.Between(at(11, 2, 0, 0), at(11, 3, 0, 0)))
	assert.Equal(t, -8*time.Hour, c.Between(at(11, 3, 0, 0), at(11, 2, 0, 0)), "antisymmetric")
	assert.Equal(t, time.Duration(0), c.Between(at(11, 2, 10, 0), at(11, 2, 10, 0)))
	assert.Equal(t, 40*time.Hour-8*time.Hour-4*time.Hour, c.Between(at(11, 23, 0, 0), at(11, 30, 0, 0)))

	assert.True(t, c.IsOpen(at(11, 2, 9, 0)))
	assert.True(t, c.IsOpen(at(11, 2, 16, 59)))
	assert.False(t, c.IsOpen(at(11, 2, 17, 0)), "windows are half-open")
	assert.False(t, c.IsOpen(at(11, 2, 8, 59)))
	assert.False(t, c.IsOpen(at(11, 26, 10, 0)), "full holiday")
	assert.True(t, c.IsOpen(at(11, 27, 12, 59)), "partial holiday, morning")
	assert.False(t, c.IsOpen(at(11, 27, 13, 0)), "partial holiday, afternoon")
	assert.False(t, c.IsOpen(at(11, 7, 10, 0)), "Saturday")

	assert.True(t, at(11, 2, 10, 0).Equal(c.NextOpen(at(11, 2, 10, 0))))
	assert.True(t, at(11, 3, 9, 0).Equal(c.NextOpen(at(11, 2, 17, 0))))
	assert.True(t, at(11, 9, 9, 0).Equal(c.NextOpen(at(11, 6, 17, 0))))
	assert.True(t, at(11, 27, 9, 0).Equal(c.NextOpen(at(11, 25, 17, 0))), "the partial holiday opens in the morning")
}

func TestCalendarOtherLocations(t *testing.T) {
	c := calMust(t, calNineToFive("Europe/Berlin"))
	berlin := c.Location()
	from := calAt(berlin, 2026, 6, 5, 16, 0) // Friday 16:00 Berlin
	want := calAt(berlin, 2026, 6, 8, 10, 0)
	for _, name := range []string{"UTC", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Kiritimati"} {
		loc := calMustLoc(t, name)
		got := c.Add(from.In(loc), 2*time.Hour)
		assert.True(t, want.Equal(got), "%s: %v", name, got)
		assert.Equal(t, loc, got.Location(), "result in the argument's location")
		assert.Equal(t, 2*time.Hour, c.Between(from.In(loc), want.In(time.UTC)))
		assert.Equal(t, c.IsOpen(from), c.IsOpen(from.In(loc)))
		assert.True(t, want.Add(-time.Hour).Equal(c.NextOpen(from.Add(time.Hour).In(loc))))
	}
}

func TestCalendarAlwaysOpen(t *testing.T) {
	c := AlwaysOpen()
	ny := calMustLoc(t, "America/New_York")
	from := time.Date(2026, 3, 7, 22, 13, 1, 5, ny)
	for _, d := range []time.Duration{1, time.Hour, 49 * time.Hour, 3000 * 24 * time.Hour} {
		assert.True(t, from.Add(d).Equal(c.Add(from, d)), "%v", d)
		assert.Equal(t, d, c.Between(from, from.Add(d)))
	}
	assert.True(t, c.IsOpen(from))
	assert.True(t, from.Equal(c.NextOpen(from)))
	assert.Equal(t, 7*24*time.Hour, c.WeekDuration())

	// 24x7 in a DST location is also continuous.
	all := []CalendarWindow{calW("00:00", "24:00")}
	spec := CalendarSpec{Location: "America/New_York", Week: CalendarWeek{all, all, all, all, all, all, all}}
	c2 := calMust(t, spec)
	for _, d := range []time.Duration{time.Hour, 49 * time.Hour, 400 * 24 * time.Hour} {
		assert.True(t, from.Add(d).Equal(c2.Add(from, d)), "%v", d)
		assert.Equal(t, d, c2.Between(from, from.Add(d)))
	}
}

// calDSTCase checks a wall-clock window that spans a DST transition.
func TestCalendarDSTTransitions(t *testing.T) {
	cases := []struct {
		zone     string
		date     string // a Sunday with a transition
		y        int
		m        time.Month
		d        int
		window   CalendarWindow
		business time.Duration
	}{
		{"America/New_York", "spring forward", 2026, 3, 8, calW("00:00", "06:00"), 5 * time.Hour},
		{"America/New_York", "fall back", 2026, 11, 1, calW("00:00", "06:00"), 7 * time.Hour},
		{"Europe/Berlin", "spring forward", 2026, 3, 29, calW("01:00", "04:00"), 2 * time.Hour},
		{"Europe/Berlin", "fall back", 2026, 10, 25, calW("01:00", "04:00"), 4 * time.Hour},
		{"Australia/Sydney", "fall back", 2026, 4, 5, calW("00:30", "05:30"), 6 * time.Hour},
		{"Australia/Sydney", "spring forward", 2026, 10, 4, calW("00:30", "05:30"), 4 * time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.zone+" "+tc.date, func(t *testing.T) {
			day := []CalendarWindow{calW("09:00", "17:00")}
			spec := CalendarSpec{Location: tc.zone, Week: CalendarWeek{
				Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day,
				Sunday: []CalendarWindow{tc.window},
			}}
			c := calMust(t, spec)
			loc := c.Location()
			dayStart := calAt(loc, tc.y, tc.m, tc.d, 0, 0)
			dayEnd := calAt(loc, tc.y, tc.m, tc.d+1, 0, 0)
			require.Equal(t, time.Sunday, dayStart.Weekday())
			assert.Equal(t, tc.business, c.Between(dayStart, dayEnd), "the window spans the transition")
			open := c.NextOpen(dayStart)
			sh, sm := tc.window.Start[:2], tc.window.Start[3:]
			assert.Equal(t, sh+":"+sm, open.In(loc).Format("15:04"))
			closeAt := c.Add(dayStart, tc.business)
			assert.Equal(t, tc.window.End, closeAt.In(loc).Format("15:04"), "ends at its wall-clock end")
			// Friday 16:00 + 2h: 1h Friday, then the Sunday window, then Monday.
			fri := calAt(loc, tc.y, tc.m, tc.d-2, 16, 0)
			got := c.Add(fri, time.Hour+tc.business+time.Hour)
			assert.True(t, calAt(loc, tc.y, tc.m, tc.d+1, 10, 0).Equal(got), "got %v", got)
			// Weekday windows keep their wall-clock hours in the weeks on both sides.
			for _, wk := range []int{-14, -7, 7, 14} {
				mon := calAt(loc, tc.y, tc.m, tc.d+1+wk, 9, 0)
				assert.True(t, mon.Equal(c.NextOpen(mon.Add(-3*time.Hour))), "week %d", wk)
				assert.True(t, calAt(loc, tc.y, tc.m, tc.d+1+wk, 17, 0).Equal(c.Add(mon, 8*time.Hour)))
			}
			// Long spans across the transition agree with the walking reference.
			from := calAt(loc, tc.y, tc.m, tc.d-30, 11, 17)
			for _, d := range []time.Duration{100 * time.Hour, 333*time.Hour + 7, 2000 * time.Hour} {
				ref, _ := c.calAdd(from, d, false)
				got := c.Add(from, d)
				assert.True(t, ref.Equal(got), "%v: ref %v got %v", d, ref, got)
				assert.Equal(t, d, c.Between(from, got))
			}
		})
	}
}

// TestCalendarShanghaiMakeUpDays uses a Spring-Festival-style schedule: a
// week of holidays framed by two make-up Saturdays.
func TestCalendarShanghaiMakeUpDays(t *testing.T) {
	spec := calNineToFive("Asia/Shanghai")
	spec.Week = CalendarWeek{}
	for _, wd := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		spec.Week.SetDay(wd, []CalendarWindow{calW("09:00", "12:00"), calW("13:30", "18:00")})
	}
	for d := 16; d <= 20; d++ {
		spec.Holidays = append(spec.Holidays, CalendarHoliday{Date: fmt.Sprintf("2026-02-%02d", d), Name: "Spring Festival"})
	}
	spec.MakeUpDays = []CalendarMakeUpDay{
		{Date: "2026-02-14", Name: "make-up", Hours: []CalendarWindow{calW("09:00", "12:00"), calW("13:30", "18:00")}},
		{Date: "2026-02-28", Name: "make-up", Hours: []CalendarWindow{calW("09:00", "12:00"), calW("13:30", "18:00")}},
	}
	c := calMust(t, spec)
	sh := c.Location()
	at := func(d, h, m int) time.Time { return calAt(sh, 2026, 2, d, h, m) }
	assert.Equal(t, time.Saturday, at(14, 0, 0).Weekday())

	assert.True(t, c.IsOpen(at(14, 10, 0)), "make-up Saturday")
	assert.False(t, c.IsOpen(at(14, 12, 30)), "lunch break on the make-up day")
	assert.False(t, c.IsOpen(at(16, 10, 0)), "holiday Monday")
	assert.False(t, c.IsOpen(at(21, 10, 0)), "ordinary Saturday")
	// Friday 17:00 + 1h: 1h left on Friday... no: 17:00-18:00 is Friday, so + 2h lands on the make-up Saturday.
	assert.True(t, at(14, 10, 0).Equal(c.Add(at(13, 17, 0), 2*time.Hour)))
	// Saturday 17:00 + 2h: 1h Saturday, then the holiday week and Sunday are skipped: next Monday 23rd.
	assert.True(t, at(23, 10, 0).Equal(c.Add(at(14, 17, 0), 2*time.Hour)))
	assert.True(t, at(23, 9, 0).Equal(c.NextOpen(at(14, 18, 0))))
	// Week of Feb 14-20: the make-up Saturday only.
	assert.Equal(t, 7*time.Hour+30*time.Minute, c.Between(at(14, 0, 0), at(21, 0, 0)))
	// Week of Feb 23-Mar 1: five days plus the make-up Saturday.
	assert.Equal(t, 6*(7*time.Hour+30*time.Minute), c.Between(at(23, 0, 0), calAt(sh, 2026, 3, 2, 0, 0)))
}

func TestCalendarOverrides(t *testing.T) {
	spec := calNineToFive("Europe/Berlin")
	spec.Overrides = []CalendarOverride{
		{Date: "2026-07-06", Name: "late shift", Hours: []CalendarWindow{calW("14:00", "22:00")}},
		{Date: "2026-07-07", Name: "closed"},
		{Date: "2026-07-11", Name: "Saturday sale", Hours: []CalendarWindow{calW("10:00", "11:00"), calW("12:00", "13:00")}},
	}
	c := calMust(t, spec)
	b := c.Location()
	at := func(d, h, m int) time.Time { return calAt(b, 2026, 7, d, h, m) }
	assert.False(t, c.IsOpen(at(6, 10, 0)))
	assert.True(t, c.IsOpen(at(6, 21, 59)))
	assert.False(t, c.IsOpen(at(7, 10, 0)))
	assert.True(t, c.IsOpen(at(11, 12, 0)))
	assert.Equal(t, 8*time.Hour, c.Between(at(6, 0, 0), at(8, 0, 0)))
	assert.True(t, at(8, 10, 0).Equal(c.Add(at(6, 21, 0), 2*time.Hour)))
	assert.Equal(t, 5*8*time.Hour-8*time.Hour+2*time.Hour, c.Between(at(6, 0, 0), at(13, 0, 0)))
}

func TestCalendarMultipleWindowsAndNanoseconds(t *testing.T) {
	spec := CalendarSpec{Location: "UTC", Week: CalendarWeek{
		Wednesday: []CalendarWindow{calW("22:00", "24:00"), calW("08:00", "08:01")},
		Thursday:  []CalendarWindow{calW("00:00", "01:00")},
	}}
	c := calMust(t, spec)
	wed := time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)
	require.Equal(t, time.Wednesday, wed.Weekday())
	assert.Equal(t, 3*time.Hour+time.Minute, c.WeekDuration())
	assert.True(t, wed.Add(8*time.Hour+30*time.Second).Equal(c.Add(wed, 30*time.Second)))
	// Wednesday 22:00-24:00 and Thursday 00:00-01:00 touch: one continuous span.
	from := wed.Add(23*time.Hour + 59*time.Minute + 59*time.Second + 999_999_999)
	assert.True(t, from.Add(2*time.Nanosecond).Equal(c.Add(from, 2)))
	assert.Equal(t, time.Duration(2), c.Between(from, from.Add(2)))
	// a year later, arithmetic weeks
	got := c.Add(wed, 52*c.WeekDuration())
	assert.True(t, wed.AddDate(0, 0, 51*7+1).Add(time.Hour).Equal(got), "%v", got)
}

// TestCalendarSkipsWeeks proves that the cost does not grow with the span:
// the number of days computed stays small over decades, and skipping gives
// exactly the same results as walking every day.
func TestCalendarSkipsWeeks(t *testing.T) {
	for _, zone := range []string{"UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Sydney"} {
		t.Run(zone, func(t *testing.T) {
			spec := calNineToFive(zone)
			spec.Holidays = []CalendarHoliday{{Date: "2027-01-01"}, {Date: "2030-12-25", Closed: []CalendarWindow{calW("12:00", "24:00")}}}
			c := calMust(t, spec)
			from := calAt(c.Location(), 2026, 5, 13, 10, 30)
			for _, years := range []int{1, 10, 50} {
				d := time.Duration(years) * 52 * 40 * time.Hour
				got, walked := c.calAdd(from, d, true)
				ref, refWalked := c.calAdd(from, d, false)
				require.True(t, ref.Equal(got), "%d years: ref %v got %v", years, ref, got)
				assert.Greater(t, refWalked, 300*years)
				// at most ~3 weeks per transition pair of a DST year, plus a week per exception
				assert.Less(t, walked, 40+50*years, "%d years", years)
				between, bw := c.calBetween(from, got, true)
				refBetween, _ := c.calBetween(from, got, false)
				assert.Equal(t, d, between)
				assert.Equal(t, refBetween, between)
				assert.Less(t, bw, 40+50*years)
			}
			if zone == "UTC" || zone == "Asia/Shanghai" {
				_, walked := c.calAdd(from, 50*52*40*time.Hour, true)
				assert.Less(t, walked, 40, "no DST: only the days around the exceptions are walked")
			}
		})
	}
}

func TestCalendarBetweenSaturates(t *testing.T) {
	c := AlwaysOpen()
	a := time.Date(-100000, 1, 1, 0, 0, 0, 0, time.UTC)
	b := time.Date(100000, 1, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Duration(math.MaxInt64), c.Between(a, b))
	assert.Equal(t, -time.Duration(math.MaxInt64), c.Between(b, a))
	got := c.Add(a, math.MaxInt64)
	assert.True(t, a.Add(math.MaxInt64).Equal(got))
}

func TestCalendarRandomProperties(t *testing.T) {
	cals := calFixtures(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range cals {
		loc := c.Location()
		base := calAt(loc, 2026, 1, 1, 0, 0)
		for range 300 {
			a := base.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
			d1 := time.Duration(rng.Int64N(int64(300 * time.Hour)))
			d2 := d1 + time.Duration(rng.Int64N(int64(30*time.Hour)))
			t1, t2 := c.Add(a, d1), c.Add(a, d2)
			require.Equal(t, d1, c.Between(a, t1), "%s from %v d %v", loc, a, d1)
			require.False(t, t2.Before(t1), "monotone")
			require.Equal(t, d2-d1, c.Between(t1, t2))
			require.Equal(t, -d2, c.Between(t2, a))
			ref, _ := c.calAdd(a, d2, false)
			require.True(t, ref.Equal(t2))
			if d1 > 0 {
				require.True(t, c.IsOpen(t1.Add(-1)), "the last nanosecond counted is open")
			}
			n := c.NextOpen(a)
			require.False(t, n.Before(a))
			require.True(t, c.IsOpen(n))
			require.Equal(t, time.Duration(0), c.Between(a, n))
			require.Equal(t, c.IsOpen(a), n.Equal(a))
		}
	}
}

func TestCalendarConcurrentUse(t *testing.T) {
	c := calFixtures(t)[0]
	loc := c.Location()
	base := calAt(loc, 2026, 3, 1, 0, 0)
	want := make([]time.Time, 50)
	for i := range want {
		want[i] = c.Add(base.Add(time.Duration(i)*7*time.Hour), time.Duration(i)*13*time.Hour)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range want {
				from := base.Add(time.Duration(i) * 7 * time.Hour)
				got := c.Add(from, time.Duration(i)*13*time.Hour)
				assert.True(t, want[i].Equal(got), "goroutine %d", g)
				assert.Equal(t, time.Duration(i)*13*time.Hour, c.Between(from, got))
				c.IsOpen(got)
				c.NextOpen(got)
			}
		}()
	}
	wg.Wait()
}

func TestCalendarErrorFormat(t *testing.T) {
	e := &CalendarError{Field: "week.monday[0]", Err: ErrCalendarWindowOrder, Detail: "17:00-09:00"}
	assert.Equal(t, "sla: calendar window ends before it starts: week.monday[0]: 17:00-09:00", e.Error())
	assert.True(t, errors.Is(e, ErrCalendarWindowOrder))
	e2 := &CalendarError{Field: "week", Err: ErrCalendarNoWorkingTime}
	assert.Equal(t, "sla: calendar has no working time: week", e2.Error())
}

func TestCalendarManyWindowsADay(t *testing.T) {
	var wins []CalendarWindow
	for h := 0; h < 12; h++ {
		wins = append(wins, calW(fmt.Sprintf("%02d:00", h), fmt.Sprintf("%02d:30", h)))
	}
	spec := CalendarSpec{Location: "Europe/Berlin", Week: CalendarWeek{Tuesday: wins, Sunday: wins}}
	c := calMust(t, spec)
	b := c.Location()
	tue := calAt(b, 2026, 3, 24, 0, 0)
	assert.Equal(t, 6*time.Hour, c.Between(tue, tue.AddDate(0, 0, 1)))
	assert.True(t, calAt(b, 2026, 3, 24, 11, 30).Equal(c.Add(tue, 6*time.Hour)))
	assert.True(t, calAt(b, 2026, 3, 24, 10, 15).Equal(c.Add(tue, 5*time.Hour+15*time.Minute)))
	// Sunday 29 March is the spring-forward day: 02:00-02:30 lies wholly in
	// the gap (02:00 CET jumps to 03:00 CEST), so both its bounds fall on
	// the first instant after the gap and it has no working time.
	sun := calAt(b, 2026, 3, 29, 0, 0)
	assert.Equal(t, 5*time.Hour+30*time.Minute, c.Between(sun, sun.AddDate(0, 0, 1)))
	assert.False(t, c.IsOpen(calAt(b, 2026, 3, 29, 12, 45)))
	assert.True(t, calAt(b, 2026, 3, 31, 0, 0).Equal(c.NextOpen(calAt(b, 2026, 3, 29, 11, 30))))
	assert.True(t, c.IsOpen(calAt(b, 2026, 3, 29, 3, 29)))
	assert.False(t, c.IsOpen(calAt(b, 2026, 3, 29, 3, 30)))
}

// *Calendar is the business-time measure the policies and clocks use.
var _ BusinessTime = (*Calendar)(nil)
