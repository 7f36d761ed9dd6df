package sla

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// calEveryDay is a week with the same windows on each day.
func calEveryDay(ws ...CalendarWindow) CalendarWeek {
	var wk CalendarWeek
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		wk.SetDay(wd, ws)
	}
	return wk
}

// TestCalendarDSTDefects pins the cases the semantics was defined for: a
// window bound inside a spring-forward gap opens or closes at the first
// instant after the gap, on either side of UTC, and a window over a
// repeated hour counts both occurrences, whichever side of UTC.
func TestCalendarDSTDefects(t *testing.T) {
	ny := calMustLoc(t, "America/New_York")
	la := calMustLoc(t, "America/Los_Angeles")
	est := time.FixedZone("EST", -5*3600)
	edt := time.FixedZone("EDT", -4*3600)
	pst := time.FixedZone("PST", -8*3600)
	pdt := time.FixedZone("PDT", -7*3600)

	t.Run("New York 02:00-06:00 on the spring-forward Sunday", func(t *testing.T) {
		c := calMust(t, CalendarSpec{Location: "America/New_York", Week: CalendarWeek{
			Sunday: []CalendarWindow{calW("02:00", "06:00")},
			Monday: []CalendarWindow{calW("09:00", "17:00")},
		}})
		mid := time.Date(2026, 3, 8, 0, 0, 0, 0, ny)
		assert.False(t, c.IsOpen(time.Date(2026, 3, 8, 1, 30, 0, 0, est)), "01:30 EST shows 01:30, before the window")
		assert.False(t, c.IsOpen(time.Date(2026, 3, 8, 1, 59, 59, 0, est)))
		assert.True(t, c.IsOpen(time.Date(2026, 3, 8, 3, 0, 0, 0, edt)), "the first instant after the gap")
		assert.Equal(t, 3*time.Hour, c.Between(mid, mid.AddDate(0, 0, 1)), "03:00-06:00 EDT")
		got := c.Add(mid, time.Hour)
		assert.True(t, time.Date(2026, 3, 8, 4, 0, 0, 0, edt).Equal(got), "Add(00:00, 1h) = %v", got)
		got = c.NextOpen(mid)
		assert.True(t, time.Date(2026, 3, 8, 3, 0, 0, 0, edt).Equal(got), "NextOpen(00:00) = %v", got)
		got = c.Add(mid, 3*time.Hour+time.Minute)
		assert.True(t, time.Date(2026, 3, 9, 9, 1, 0, 0, edt).Equal(got), "%v", got)
	})

	t.Run("Los Angeles 02:30-03:15 on the spring-forward Sunday", func(t *testing.T) {
		c := calMust(t, CalendarSpec{Location: "America/Los_Angeles", Week: calEveryDay(calW("02:30", "03:15"))})
		mid := time.Date(2026, 3, 8, 0, 0, 0, 0, la)
		assert.False(t, c.IsOpen(time.Date(2026, 3, 8, 1, 30, 0, 0, pst)))
		got := c.NextOpen(mid)
		assert.True(t, time.Date(2026, 3, 8, 3, 0, 0, 0, pdt).Equal(got), "NextOpen(00:00) = %v", got)
		assert.Equal(t, 15*time.Minute, c.Between(mid, mid.AddDate(0, 0, 1)))
		got = c.Add(mid, 15*time.Minute)
		assert.True(t, time.Date(2026, 3, 8, 3, 15, 0, 0, pdt).Equal(got), "%v", got)
		got = c.Add(mid, 16*time.Minute)
		assert.True(t, time.Date(2026, 3, 9, 2, 31, 0, 0, pdt).Equal(got), "%v", got)
	})

	// Fall-back Sundays: [wall-clock window, business time of the date,
	// instants in each occurrence of the repeated hour that are open, one
	// that is closed].
	repeated := []struct {
		zone   string
		y      int
		m      time.Month
		d      int
		win    CalendarWindow
		total  time.Duration
		open   []time.Time
		closed []time.Time
	}{
		{"America/New_York", 2026, 11, 1, calW("01:30", "03:00"), 2 * time.Hour,
			[]time.Time{time.Date(2026, 11, 1, 1, 45, 0, 0, edt), time.Date(2026, 11, 1, 1, 45, 0, 0, est)},
			[]time.Time{time.Date(2026, 11, 1, 1, 15, 0, 0, est), time.Date(2026, 11, 1, 1, 15, 0, 0, edt)}},
		{"America/Los_Angeles", 2026, 11, 1, calW("01:30", "03:00"), 2 * time.Hour,
			[]time.Time{time.Date(2026, 11, 1, 1, 45, 0, 0, pdt), time.Date(2026, 11, 1, 1, 45, 0, 0, pst)},
			[]time.Time{time.Date(2026, 11, 1, 1, 15, 0, 0, pst)}},
		{"Europe/Berlin", 2026, 10, 25, calW("02:30", "04:00"), 2 * time.Hour,
			[]time.Time{time.Date(2026, 10, 25, 2, 45, 0, 0, time.FixedZone("CEST", 2*3600)), time.Date(2026, 10, 25, 2, 45, 0, 0, time.FixedZone("CET", 3600))},
			[]time.Time{time.Date(2026, 10, 25, 2, 15, 0, 0, time.FixedZone("CET", 3600))}},
		{"Australia/Sydney", 2026, 4, 5, calW("02:30", "04:00"), 2 * time.Hour,
			[]time.Time{time.Date(2026, 4, 5, 2, 45, 0, 0, time.FixedZone("AEDT", 11*3600)), time.Date(2026, 4, 5, 2, 45, 0, 0, time.FixedZone("AEST", 10*3600))},
			[]time.Time{time.Date(2026, 4, 5, 2, 15, 0, 0, time.FixedZone("AEST", 10*3600))}},
		{"Australia/Lord_Howe", 2026, 4, 5, calW("01:45", "03:00"), 90 * time.Minute,
			[]time.Time{time.Date(2026, 4, 5, 1, 50, 0, 0, time.FixedZone("+11", 11*3600)), time.Date(2026, 4, 5, 1, 50, 0, 0, time.FixedZone("+1030", 21*1800))},
			[]time.Time{time.Date(2026, 4, 5, 1, 40, 0, 0, time.FixedZone("+1030", 21*1800))}},
		{"America/Santiago", 2026, 4, 4, calW("23:30", "24:00"), time.Hour,
			[]time.Time{time.Date(2026, 4, 4, 23, 45, 0, 0, time.FixedZone("-03", -3*3600)), time.Date(2026, 4, 4, 23, 45, 0, 0, time.FixedZone("-04", -4*3600))},
			[]time.Time{time.Date(2026, 4, 4, 23, 15, 0, 0, time.FixedZone("-04", -4*3600))}},
	}
	for _, tc := range repeated {
		t.Run(tc.zone+" "+tc.win.Start+"-"+tc.win.End+" on the fall-back day", func(t *testing.T) {
			c := calMust(t, CalendarSpec{Location: tc.zone, Week: calEveryDay(tc.win)})
			loc := c.Location()
			mid := time.Date(tc.y, tc.m, tc.d, 0, 0, 0, 0, loc)
			next := time.Date(tc.y, tc.m, tc.d+1, 0, 0, 0, 0, loc)
			assert.Equal(t, tc.total, c.Between(mid, next), "both occurrences count")
			for _, x := range tc.open {
				require.Equal(t, tc.d, x.In(loc).Day(), "test data: %v", x)
				assert.True(t, c.IsOpen(x), "open at %v", x)
				assert.True(t, x.Equal(c.NextOpen(x)))
			}
			for _, x := range tc.closed {
				assert.False(t, c.IsOpen(x), "closed at %v", x)
			}
			// Business time runs while open: the date's total ends exactly
			// at the window's last wall-clock end.
			end := c.Add(mid, tc.total)
			if tc.win.End == "24:00" {
				assert.True(t, next.Equal(end), "%v", end)
			} else {
				assert.Equal(t, tc.win.End, end.In(loc).Format("15:04"))
			}
			assert.Equal(t, tc.total, c.Between(mid, end))
		})
	}
}

// calDSTZones are the zones of the reference tests, on both sides of UTC:
// transitions at 02:00 (New York, Los Angeles), at midnight (Havana,
// Santiago), at 02:00/03:00 east of UTC (Berlin, Sydney), a 30-minute DST
// (Lord Howe), a DST suspended for Ramadan (Casablanca) and, for the years
// it changed at 00:01, St John's, whose fall-back turned the clock back
// over midnight so that a date showed twice. Years past 2037 are computed
// from the zone's rules rather than read from its table.
var calDSTZones = []struct {
	zone  string
	years []int
}{
	{"America/New_York", []int{2019, 2026, 2044}},
	{"America/Los_Angeles", []int{2021, 2026}},
	{"America/Santiago", []int{2019, 2023, 2026, 2044}},
	{"America/Havana", []int{2020, 2026}},
	{"Europe/Berlin", []int{2019, 2022, 2026}},
	{"Australia/Sydney", []int{2020, 2026}},
	{"Australia/Lord_Howe", []int{2019, 2026, 2044}},
	{"Africa/Casablanca", []int{2019, 2022, 2026, 2030}},
	{"America/St_Johns", []int{2008, 2010, 2026}},
}

// calDSTSpecs have window bounds inside the gaps and the repeated hours of
// every zone above (00:00-01:00 and 23:00-24:00 at midnight transitions,
// 01:00-03:00 elsewhere, the half hours of Lord Howe), windows that span
// whole transitions, windows touching across midnight, and exception dates
// on transition days.
func calDSTSpecs(zone string) []CalendarSpec {
	bounds := calEveryDay(
		calW("00:00", "00:20"), calW("00:40", "01:40"), calW("01:50", "02:10"), calW("02:20", "02:40"),
		calW("02:50", "03:30"), calW("09:00", "12:00"), calW("23:10", "23:30"), calW("23:45", "24:00"))
	span := calEveryDay(calW("00:30", "03:30"), calW("22:30", "24:00"))
	nine := []CalendarWindow{calW("00:30", "03:30"), calW("09:00", "17:00"), calW("22:30", "24:00")}
	span.Monday, span.Wednesday, span.Friday = nine, nine, nine
	spanEx := CalendarSpec{Location: zone, Week: span,
		Holidays: []CalendarHoliday{{Date: "2026-03-08", Closed: []CalendarWindow{calW("01:00", "02:30")}}, {Date: "2026-10-25"}},
		Overrides: []CalendarOverride{
			{Date: "2026-11-01", Hours: []CalendarWindow{calW("00:15", "01:15"), calW("01:20", "02:05")}},
			{Date: "2026-04-04", Hours: []CalendarWindow{calW("23:00", "23:59")}},
			{Date: "2026-04-05", Hours: []CalendarWindow{calW("01:35", "01:55"), calW("02:00", "02:45")}},
		},
		MakeUpDays: []CalendarMakeUpDay{{Date: "2026-09-05", Hours: []CalendarWindow{calW("23:30", "24:00")}}},
	}
	return []CalendarSpec{
		{Location: zone, Week: bounds},
		spanEx,
		{Location: zone, Week: calEveryDay(calW("00:00", "24:00"))},
	}
}

// calTransitions lists the instants in year y at which loc's UTC offset
// changes, found by stepping through the year an hour at a time and then a
// minute at a time (independently of the calendar's own zone handling).
func calTransitions(loc *time.Location, y int) []time.Time {
	var out []time.Time
	t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
	_, off := t.In(loc).Zone()
	for ; t.Before(end); t = t.Add(time.Hour) {
		_, o := t.Add(time.Hour).In(loc).Zone()
		if o == off {
			continue
		}
		for m := t; ; m = m.Add(time.Minute) {
			if _, mo := m.In(loc).Zone(); mo != off {
				out = append(out, m)
				break
			}
		}
		off = o
	}
	return out
}

var calTransitionCache sync.Map // zone name -> []time.Time

// calZoneTransitions is calTransitions over several years, cached.
func calZoneTransitions(zone string, loc *time.Location, years []int) []time.Time {
	if v, ok := calTransitionCache.Load(zone); ok {
		return v.([]time.Time)
	}
	var trs []time.Time
	for _, y := range years {
		trs = append(trs, calTransitions(loc, y)...)
	}
	calTransitionCache.Store(zone, trs)
	return trs
}

// calRefLine holds the reference's verdict for every minute of a stretch
// of the time line, with running totals, so that Add, Between and NextOpen
// of the reference are look-ups (the minutes are still stepped one by one).
type calRefLine struct {
	start time.Time
	open  []bool
	cum   []int // cum[i] is the number of open minutes in [0, i)
}

func newCalRefLine(ref *calRef, start time.Time, minutes int) *calRefLine {
	l := &calRefLine{start: start, open: make([]bool, minutes), cum: make([]int, minutes+1)}
	for i := range minutes {
		l.open[i] = ref.isOpen(l.at(i))
		l.cum[i+1] = l.cum[i]
		if l.open[i] {
			l.cum[i+1]++
		}
	}
	return l
}

func (l *calRefLine) at(i int) time.Time { return l.start.Add(time.Duration(i) * time.Minute) }

// add returns the index j at which d minutes of open time after minute i
// are complete, or -1 past the line.
func (l *calRefLine) add(i, d int) int {
	if d == 0 {
		return i
	}
	j := sort.Search(len(l.cum), func(j int) bool { return l.cum[j]-l.cum[i] >= d })
	if j == len(l.cum) {
		return -1
	}
	return j
}

// nextOpen returns the first open minute at or after i, or -1.
func (l *calRefLine) nextOpen(i int) int {
	for k := i; k < len(l.open); k++ {
		if l.open[k] {
			return k
		}
	}
	return -1
}

// calCheckLine compares every operation of c with the reference line:
// IsOpen at every minute (and inside and just before every fifth), Between
// and Add from every 13th minute, NextOpen from every 7th. Plain checks
// instead of testify's keep the loop fast.
func calCheckLine(t *testing.T, c *Calendar, l *calRefLine, what string) {
	t.Helper()
	loc := c.Location()
	n := len(l.open)
	for i := range n {
		x := l.at(i)
		if got := c.IsOpen(x); got != l.open[i] {
			t.Fatalf("%s: IsOpen(%v) = %v, reference %v", what, x.In(loc), got, l.open[i])
		}
		if i%5 == 0 && i > 0 {
			if got := c.IsOpen(x.Add(37 * time.Second)); got != l.open[i] {
				t.Fatalf("%s: IsOpen(%v+37s) = %v, reference %v", what, x.In(loc), got, l.open[i])
			}
			if got := c.IsOpen(x.Add(-time.Nanosecond)); got != l.open[i-1] {
				t.Fatalf("%s: IsOpen(%v-1ns) = %v, reference %v", what, x.In(loc), got, l.open[i-1])
			}
		}
		if i%7 == 0 {
			if k := l.nextOpen(i); k >= 0 {
				if got := c.NextOpen(x); !got.Equal(l.at(k)) {
					t.Fatalf("%s: NextOpen(%v) = %v, reference %v", what, x.In(loc), got.In(loc), l.at(k).In(loc))
				}
			}
		}
		if i%13 != 0 {
			continue
		}
		for _, j := range []int{i + 1, i + 59, i + 601, n} {
			if j > n {
				continue
			}
			want := time.Duration(l.cum[j]-l.cum[i]) * time.Minute
			if got := c.Between(x, l.at(j)); got != want {
				t.Fatalf("%s: Between(%v, %v) = %v, reference %v", what, x.In(loc), l.at(j).In(loc), got, want)
			}
			if got := c.Between(l.at(j), x); got != -want {
				t.Fatalf("%s: Between(%v, %v) = %v, reference %v", what, l.at(j).In(loc), x.In(loc), got, -want)
			}
		}
		for _, d := range []int{1, 7, 45, 61, 179, 600, 1500} {
			j := l.add(i, d)
			if j < 0 {
				continue
			}
			if got := c.Add(x, time.Duration(d)*time.Minute); !got.Equal(l.at(j)) {
				t.Fatalf("%s: Add(%v, %dm) = %v, reference %v", what, x.In(loc), d, got.In(loc), l.at(j).In(loc))
			}
		}
	}
	if got, want := c.Between(l.at(0), l.at(n)), time.Duration(l.cum[n])*time.Minute; got != want {
		t.Fatalf("%s: Between over the line = %v, reference %v", what, got, want)
	}
}

// TestCalendarDSTAgainstReference runs every operation against the
// minute-stepping reference over the 56 hours around each transition of
// several years, in zones on both sides of UTC, with window bounds inside
// the gaps and the repeated hours.
func TestCalendarDSTAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	for _, z := range calDSTZones {
		loc := calMustLoc(t, z.zone)
		for si, spec := range calDSTSpecs(z.zone) {
			c := calMust(t, spec)
			ref := &calRef{spec: spec, loc: loc}
			for _, y := range z.years {
				if calRaceEnabled && y != 2026 {
					continue // the race detector makes the arithmetic ten times slower
				}
				trs := calTransitions(loc, y)
				require.NotEmpty(t, trs, "%s has transitions in %d", z.zone, y)
				for _, tr := range trs {
					what := fmt.Sprintf("%s spec %d, transition %v", z.zone, si, tr.In(loc))
					l := newCalRefLine(ref, tr.Truncate(time.Minute).Add(-28*time.Hour), 56*60)
					calCheckLine(t, c, l, what)
					if si == 2 {
						require.Equal(t, 56*time.Hour, c.Between(l.at(0), l.at(56*60)), "24x7 is continuous")
					}
				}
			}
		}
	}
}

// TestCalendarDateShownTwice checks St John's 2008 fall-back, where the
// clock went from Sunday 00:00:59 back to Saturday 23:01: Saturday's
// 23:01-24:00 showed twice, around the first minute of Sunday.
func TestCalendarDateShownTwice(t *testing.T) {
	c := calMust(t, CalendarSpec{Location: "America/St_Johns", Week: CalendarWeek{
		Saturday: []CalendarWindow{calW("23:30", "24:00")},
		Sunday:   []CalendarWindow{calW("00:00", "00:30")},
	}})
	ndt := time.FixedZone("NDT", -(2*3600 + 1800))
	nst := time.FixedZone("NST", -(3*3600 + 1800))
	first := time.Date(2008, 11, 1, 23, 30, 0, 0, ndt)
	sunday := time.Date(2008, 11, 2, 0, 0, 0, 0, ndt)
	again := time.Date(2008, 11, 1, 23, 30, 0, 0, nst)
	assert.True(t, c.IsOpen(first))
	assert.True(t, c.IsOpen(sunday), "the first minute of Sunday")
	assert.False(t, c.IsOpen(time.Date(2008, 11, 1, 23, 15, 0, 0, nst)), "Saturday 23:15 again")
	assert.True(t, c.IsOpen(again), "Saturday 23:30 again")
	end := time.Date(2008, 11, 2, 0, 30, 0, 0, nst)
	// 30 min Saturday, 1 min Sunday, 30 min Saturday again, 30 min Sunday.
	assert.Equal(t, 91*time.Minute, c.Between(first, end))
	assert.True(t, sunday.Add(time.Minute).Equal(c.Add(first, 31*time.Minute)))
	assert.True(t, again.Equal(c.NextOpen(sunday.Add(time.Minute))))
	assert.True(t, end.Equal(c.Add(first, 91*time.Minute)))
}

// TestCalendarZoneStretches checks the walker's stretches of constant
// offset against the offsets themselves, in the years where the runtime
// computes zone rules (and reports bounds that miss 31 December of leap
// years).
func TestCalendarZoneStretches(t *testing.T) {
	for _, z := range calDSTZones {
		c := calMust(t, CalendarSpec{Location: z.zone, Week: calEveryDay(calW("09:00", "17:00"))})
		w := calWalker{c: c}
		for _, y := range []int{2026, 2043, 2044, 2088} {
			sec := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			end := time.Date(y+1, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
			for sec < end {
				st := w.stretch(sec)
				require.LessOrEqual(t, st.from, sec)
				require.Greater(t, st.to, sec)
				for _, s := range []int64{sec, (sec + min(st.to, end)) / 2, min(st.to, end) - 1} {
					require.Equal(t, st.off, w.offsetAt(s), "%s at %v", z.zone, time.Unix(s, 0).UTC())
				}
				for s := sec; s < min(st.to, end); s += 6 * 3600 {
					require.Equal(t, st.off, w.offsetAt(s), "%s at %v", z.zone, time.Unix(s, 0).UTC())
				}
				sec = st.to
			}
		}
	}
}

// calFuzzWeek builds random weekly windows on a 5-minute grid, crowded
// around midnight and the early hours where transitions happen.
func calFuzzWeek(seed uint64) CalendarWeek {
	rng := rand.New(rand.NewPCG(seed, seed>>7|1))
	var wk CalendarWeek
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		var pts []int
		for range rng.IntN(7) {
			var m int
			switch rng.IntN(4) {
			case 0:
				m = rng.IntN(289) * 5 // anywhere, 24:00 included
			case 1:
				m = 22*60 + rng.IntN(25)*5 // 22:00-24:00
			default:
				m = rng.IntN(49) * 5 // 00:00-04:00
			}
			pts = append(pts, m)
		}
		sort.Ints(pts)
		var ws []CalendarWindow
		for i := 0; i+1 < len(pts); i += 2 {
			if pts[i] < pts[i+1] {
				ws = append(ws, calW(calFormatTimeOfDay(int32(pts[i]*60)), calFormatTimeOfDay(int32(pts[i+1]*60))))
			}
		}
		wk.SetDay(wd, ws)
	}
	return wk
}

// FuzzCalendarDSTAgainstReference compares every operation with the
// minute-stepping reference for random weekly windows around a random
// transition of a random zone.
func FuzzCalendarDSTAgainstReference(f *testing.F) {
	for i := range 24 {
		f.Add(uint8(i), uint8(i/3), uint64(i)*7919+1, uint16(i*331), uint16(i*97))
	}
	f.Fuzz(func(t *testing.T, zone, tr uint8, seed uint64, offMin, durMin uint16) {
		z := calDSTZones[int(zone)%len(calDSTZones)]
		spec := CalendarSpec{Location: z.zone, Week: calFuzzWeek(seed)}
		c, err := NewCalendar(spec)
		if err != nil {
			require.ErrorIs(t, err, ErrCalendarNoWorkingTime)
			return
		}
		loc := c.Location()
		trs := calZoneTransitions(z.zone, loc, z.years)
		at := trs[int(tr)%len(trs)]
		a := at.Truncate(time.Minute).Add(-30 * time.Hour).Add(time.Duration(offMin%(60*60)) * time.Minute)
		ref := &calRef{spec: spec, loc: loc}
		// up to 30 hours of business time, and at most two weeks' worth
		d := time.Duration(durMin) * time.Minute % (min(30*time.Hour, 2*c.WeekDuration()) + time.Minute)
		want := a
		for left := d; left > 0; want = want.Add(time.Minute) {
			if ref.isOpen(want) {
				left -= time.Minute
			}
		}
		got := c.Add(a, d)
		require.True(t, want.Equal(got), "%s Add(%v, %v): want %v got %v", z.zone, a.In(loc), d, want.In(loc), got.In(loc))
		b := a.Add(time.Duration(durMin%(3*24*60)) * time.Minute)
		var between time.Duration
		for x := a; x.Before(b); x = x.Add(time.Minute) {
			if ref.isOpen(x) {
				between += time.Minute
			}
		}
		require.Equal(t, between, c.Between(a, b), "%s Between(%v, %v)", z.zone, a.In(loc), b.In(loc))
		require.Equal(t, ref.isOpen(a), c.IsOpen(a), "%s IsOpen(%v)", z.zone, a.In(loc))
		next := a
		for !ref.isOpen(next) {
			next = next.Add(time.Minute)
		}
		got = c.NextOpen(a)
		require.True(t, next.Equal(got), "%s NextOpen(%v): want %v got %v", z.zone, a.In(loc), next.In(loc), got.In(loc))

		// The algebra at nanosecond resolution, over longer spans.
		a = a.Add(time.Duration(seed % uint64(time.Minute)))
		d = time.Duration(seed>>8) % (60 * c.WeekDuration()) // a year or so
		got = c.Add(a, d)
		require.Equal(t, d, c.Between(a, got), "%s Between(a, Add(a, %v))", z.zone, d)
		walked, _ := c.calAdd(a, d, false)
		require.True(t, walked.Equal(got), "%s: skipping and walking agree", z.zone)
		if d > 0 {
			require.True(t, c.IsOpen(got.Add(-1)), "%s: the last nanosecond counted is open", z.zone)
		}
	})
}
