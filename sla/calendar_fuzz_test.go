package sla

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// calFixtureZones are the locations the reference tests run in: DST regimes
// on both sides of UTC, a half-hour DST (Lord Howe), zones without DST,
// zones whose transitions happen at midnight (Havana, Santiago) and one
// whose DST is suspended for Ramadan (Casablanca).
var calFixtureZones = []string{
	"America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Shanghai",
	"Australia/Lord_Howe", "Asia/Kolkata", "UTC", "America/Havana", "America/Santiago",
	"America/Los_Angeles", "Africa/Casablanca",
}

// calFixtureSpec has several windows a day, windows that span the DST
// transitions (early Sunday), holidays, partial holidays, make-up days and
// overrides on transition Sundays.
func calFixtureSpec(zone string) CalendarSpec {
	wk := []CalendarWindow{calW("13:00", "17:30"), calW("08:00", "12:00")}
	return CalendarSpec{
		Location: zone,
		Week: CalendarWeek{
			Monday: wk, Tuesday: wk, Wednesday: wk, Thursday: wk, Friday: wk,
			Saturday: []CalendarWindow{calW("00:00", "02:00"), calW("10:00", "14:00"), calW("22:00", "24:00")},
			Sunday:   []CalendarWindow{calW("00:00", "04:00"), calW("22:00", "24:00")},
		},
		Holidays: []CalendarHoliday{
			{Date: "2026-01-01"},
			{Date: "2026-03-09", Closed: []CalendarWindow{calW("12:00", "24:00")}},
			{Date: "2026-04-03"},
			{Date: "2026-04-05", Closed: []CalendarWindow{calW("02:00", "03:00")}},
			{Date: "2026-10-05", Closed: []CalendarWindow{calW("08:00", "09:00"), calW("16:00", "24:00")}},
			{Date: "2026-12-25"},
		},
		MakeUpDays: []CalendarMakeUpDay{
			{Date: "2026-02-14", Hours: []CalendarWindow{calW("09:00", "18:00")}},
			{Date: "2026-10-10", Hours: []CalendarWindow{calW("09:00", "12:00"), calW("13:00", "17:00")}},
		},
		Overrides: []CalendarOverride{
			{Date: "2026-03-29", Hours: []CalendarWindow{calW("01:30", "02:15"), calW("02:30", "03:30")}},
			{Date: "2026-11-01", Hours: []CalendarWindow{calW("00:30", "01:30"), calW("01:45", "02:30")}},
			{Date: "2026-10-04"},
		},
	}
}

func calFixtures(t testing.TB) []*Calendar {
	out := make([]*Calendar, 0, len(calFixtureZones))
	for _, z := range calFixtureZones {
		out = append(out, calMust(t, calFixtureSpec(z)))
	}
	return out
}

// calRef is a slow, obviously correct model of a calendar, written from
// the definition: an instant is open when the local wall-clock minute it
// shows (t.In(loc)) is open on the local date it shows, the date's open
// minutes being built one by one from the spec. It knows nothing of gaps,
// repeated hours or time.Date; offsets in whole minutes are assumed, so
// that the wall clock shows one minute over each whole UTC minute.
type calRef struct {
	spec  CalendarSpec
	loc   *time.Location
	cache map[int]*[1441]bool
}

func calRefMinutes(ws []CalendarWindow, set *[1441]bool, val bool) {
	for _, w := range ws {
		s, _ := calParseTimeOfDay(w.Start)
		e, _ := calParseTimeOfDay(w.End)
		for m := s / 60; m < e/60; m++ {
			set[m] = val
		}
	}
}

// minutes returns the date's open minutes.
func (r *calRef) minutes(y int, mo time.Month, d int) *[1441]bool {
	key := y*10000 + int(mo)*100 + d
	if w, ok := r.cache[key]; ok {
		return w
	}
	if r.cache == nil {
		r.cache = map[int]*[1441]bool{}
	}
	w := r.computeMinutes(fmt.Sprintf("%04d-%02d-%02d", y, mo, d), y, mo, d)
	r.cache[key] = w
	return w
}

func (r *calRef) computeMinutes(date string, y int, mo time.Month, d int) *[1441]bool {
	var open [1441]bool
	found := false
	for _, o := range r.spec.Overrides {
		if o.Date == date {
			calRefMinutes(o.Hours, &open, true)
			found = true
		}
	}
	for _, m := range r.spec.MakeUpDays {
		if !found && m.Date == date {
			calRefMinutes(m.Hours, &open, true)
			found = true
		}
	}
	if !found {
		wd := time.Date(y, mo, d, 12, 0, 0, 0, time.UTC).Weekday()
		calRefMinutes(r.spec.Week.Day(wd), &open, true)
		for _, h := range r.spec.Holidays {
			if h.Date != date {
				continue
			}
			if len(h.Closed) == 0 {
				open = [1441]bool{}
			}
			calRefMinutes(h.Closed, &open, false)
		}
	}
	return &open
}

// isOpen reads the wall clock at t and asks the date's open minutes.
func (r *calRef) isOpen(t time.Time) bool {
	lt := t.In(r.loc)
	y, mo, d := lt.Date()
	return r.minutes(y, mo, d)[lt.Hour()*60+lt.Minute()]
}

// between counts the open minutes in [a, b); a and b are whole minutes.
func (r *calRef) between(a, b time.Time) time.Duration {
	var n time.Duration
	for t := a; t.Before(b); t = t.Add(time.Minute) {
		if r.isOpen(t) {
			n += time.Minute
		}
	}
	return n
}

// add steps minute by minute until d (whole minutes) of open time elapsed.
func (r *calRef) add(a time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return a
	}
	for t := a; ; t = t.Add(time.Minute) {
		if r.isOpen(t) {
			d -= time.Minute
			if d == 0 {
				return t.Add(time.Minute)
			}
		}
	}
}

// calFuzzBases are instants near the interesting dates of the fixtures.
var calFuzzBases = [][3]int{
	{2026, 3, 6}, {2026, 3, 27}, {2026, 4, 2}, {2026, 10, 2}, {2026, 10, 23},
	{2026, 10, 30}, {2026, 2, 12}, {2026, 12, 23}, {2026, 6, 15}, {2026, 9, 4},
}

func calFuzzInputs(zone, base uint8, offMin uint32) (*Calendar, *calRef, time.Time) {
	spec := calFixtureSpec(calFixtureZones[int(zone)%len(calFixtureZones)])
	c, err := NewCalendar(spec)
	if err != nil {
		panic(err)
	}
	b := calFuzzBases[int(base)%len(calFuzzBases)]
	a := time.Date(b[0], time.Month(b[1]), b[2], 0, 0, 0, 0, c.Location()).
		Add(time.Duration(offMin%(6*24*60)) * time.Minute)
	return c, &calRef{spec: spec, loc: c.Location()}, a
}

// FuzzCalendarAgainstReference compares Add, Between and IsOpen with the
// minute-stepping reference over short ranges around DST transitions and
// exception dates, on whole minutes.
func FuzzCalendarAgainstReference(f *testing.F) {
	for z := range len(calFixtureZones) {
		for b := range len(calFuzzBases) {
			f.Add(uint8(z), uint8(b), uint32(z*977+b*131), uint16(b*97+z*13))
		}
	}
	f.Fuzz(func(t *testing.T, zone, base uint8, offMin uint32, durMin uint16) {
		c, ref, a := calFuzzInputs(zone, base, offMin)
		d := time.Duration(durMin%(36*60)) * time.Minute
		want := ref.add(a, d)
		got := c.Add(a, d)
		require.True(t, want.Equal(got), "%s Add(%v, %v): want %v got %v", c.Location(), a, d, want, got)
		b := a.Add(time.Duration(durMin%(4*24*60)) * time.Minute)
		require.Equal(t, ref.between(a, b), c.Between(a, b), "%s Between(%v, %v)", c.Location(), a, b)
		require.Equal(t, ref.isOpen(a), c.IsOpen(a), "%s IsOpen(%v)", c.Location(), a)
		n := c.NextOpen(a)
		require.True(t, ref.isOpen(n), "%s NextOpen(%v) = %v", c.Location(), a, n)
		require.Equal(t, time.Duration(0), ref.between(a, n))
	})
}

// FuzzCalendarRoundTrip checks the algebra at nanosecond resolution over
// long spans: Between(a, Add(a, d)) == d, monotonicity of Add, additivity
// and antisymmetry of Between, and agreement with the day-walking path.
func FuzzCalendarRoundTrip(f *testing.F) {
	for z := range len(calFixtureZones) {
		f.Add(uint8(z), uint8(z), uint32(z*1013), int64(z)*123456789, int64(z)*int64(time.Hour)*37, int64(z)*int64(time.Minute)*7)
	}
	f.Fuzz(func(t *testing.T, zone, base uint8, offMin uint32, offNs, d1, d2 int64) {
		c, _, a := calFuzzInputs(zone, base, offMin)
		a = a.Add(time.Duration(offNs % int64(24*time.Hour)))
		const limit = int64(3 * 365 * 24 * time.Hour)
		d1 %= limit
		d2 %= limit
		if d1 < 0 {
			d1 = -d1
		}
		if d2 < 0 {
			d2 = -d2
		}
		t1 := c.Add(a, time.Duration(d1))
		require.Equal(t, time.Duration(d1), c.Between(a, t1))
		ref, _ := c.calAdd(a, time.Duration(d1), false)
		require.True(t, ref.Equal(t1), "skip and walk agree")
		t2 := c.Add(a, time.Duration(d1+d2))
		require.False(t, t2.Before(t1), "monotone")
		require.Equal(t, time.Duration(d2), c.Between(t1, t2))
		require.Equal(t, -time.Duration(d1+d2), c.Between(t2, a))
		refB, _ := c.calBetween(a, t2, false)
		require.Equal(t, time.Duration(d1+d2), refB)
		if d1 > 0 {
			require.True(t, c.IsOpen(t1.Add(-1)))
		}
	})
}
