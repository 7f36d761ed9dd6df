package holidays

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teambition/rrule-go"
)

// expandDates expands RRULE value rr for an all-day DTSTART over [from, to).
func expandDates(t testing.TB, rr, start, from, to string) []string {
	t.Helper()
	st := icsTime{date: d(start), isDate: true}
	r, err := parseRule(&contentLine{line: 1, name: "RRULE", value: rr}, st, &tzCache{resolve: DefaultTZResolver})
	require.NoError(t, err, rr)
	var out []string
	a := expandArgs{start: st.date, skipBefore: d(from).days(), limit: d(to).days(),
		emit: func(n int64) bool { out = append(out, dateFromDays(n).String()); return true }}
	if r.until != nil {
		ud := r.until.date.days()
		a.pastUntil = func(n int64) bool { return n > ud }
	}
	r.expand(a)
	return out
}

// The examples of RFC 5545, 3.8.5.3, that do not depend on the time of day.
func TestRuleRFCExamples(t *testing.T) {
	cases := []struct {
		rule, start string
		want        string
	}{
		{"FREQ=DAILY;COUNT=10", "1997-09-02",
			"1997-09-02 1997-09-03 1997-09-04 1997-09-05 1997-09-06 1997-09-07 1997-09-08 1997-09-09 1997-09-10 1997-09-11"},
		{"FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=TU,TH;COUNT=8", "1997-09-02",
			"1997-09-02 1997-09-04 1997-09-16 1997-09-18 1997-09-30 1997-10-02 1997-10-14 1997-10-16"},
		{"FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "1997-09-05",
			"1997-09-05 1997-10-03 1997-11-07 1997-12-05 1998-01-02 1998-02-06 1998-03-06 1998-04-03 1998-05-01 1998-06-05"},
		{"FREQ=MONTHLY;BYDAY=-2MO;COUNT=6", "1997-09-22",
			"1997-09-22 1997-10-20 1997-11-17 1997-12-22 1998-01-19 1998-02-16"},
		{"FREQ=MONTHLY;BYMONTHDAY=-3;COUNT=6", "1997-09-28",
			"1997-09-28 1997-10-29 1997-11-28 1997-12-29 1998-01-29 1998-02-26"},
		{"FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", "1997-01-01",
			"1997-01-01 1997-04-10 1997-07-19 2000-01-01 2000-04-09 2000-07-18 2003-01-01 2003-04-10 2003-07-19 2006-01-01"},
		{"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3", "1997-05-12", "1997-05-12 1998-05-11 1999-05-17"},
		{"FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=5", "1997-09-02",
			"1998-02-13 1998-03-13 1998-11-13 1999-08-13 2000-10-13"},
		{"FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8;COUNT=3", "1996-11-05",
			"1996-11-05 2000-11-07 2004-11-02"},
		{"FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "1997-09-04", "1997-09-04 1997-10-07 1997-11-06"},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2;COUNT=7", "1997-09-29",
			"1997-09-29 1997-10-30 1997-11-27 1997-12-30 1998-01-29 1998-02-26 1998-03-30"},
		{"FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "2007-01-15", "2007-01-15 2007-01-30 2007-02-15 2007-03-15 2007-03-30"},
		{"FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", "1997-08-05", "1997-08-05 1997-08-10 1997-08-19 1997-08-24"},
		{"FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "1997-08-05", "1997-08-05 1997-08-17 1997-08-19 1997-08-31"},
		{"FREQ=YEARLY;BYDAY=20MO;COUNT=3", "1997-05-19", "1997-05-19 1998-05-18 1999-05-17"},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=TH;COUNT=7", "1997-03-13",
			"1997-03-13 1997-03-20 1997-03-27 1998-03-05 1998-03-12 1998-03-19 1998-03-26"},
		{"FREQ=YEARLY;BYMONTH=1,7;COUNT=4", "2026-01-15", "2026-01-15 2026-07-15 2027-01-15 2027-07-15"},
		{"FREQ=MONTHLY;COUNT=4", "2026-01-31", "2026-01-31 2026-03-31 2026-05-31 2026-07-31"},
		{"FREQ=YEARLY;COUNT=3", "2024-02-29", "2024-02-29 2028-02-29 2032-02-29"},
		{"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;UNTIL=20281231", "2026-11-26", "2026-11-26 2027-11-25 2028-11-23"},
		{"FREQ=DAILY;INTERVAL=10;UNTIL=19971031;BYMONTH=10", "1997-09-02", "1997-10-02 1997-10-12 1997-10-22"},
	}
	for _, tc := range cases {
		t.Run(tc.rule, func(t *testing.T) {
			assert.Equal(t, tc.want, strings.Join(expandDates(t, tc.rule, tc.start, tc.start, "2040-01-01"), " "))
		})
	}
	// FREQ=DAILY;UNTIL=19971224 from 2 September 1997 has 114 occurrences.
	assert.Len(t, expandDates(t, "FREQ=DAILY;UNTIL=19971224", "1997-09-02", "1997-01-01", "1999-01-01"), 114)
	// Without COUNT, expansion may start late and gives the same dates.
	all := expandDates(t, "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR", "2001-01-01", "2001-01-01", "2027-01-01")
	late := expandDates(t, "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,FR", "2001-01-01", "2026-01-01", "2027-01-01")
	var tail []string
	for _, x := range all {
		if x >= "2026-01-01" {
			tail = append(tail, x)
		}
	}
	assert.Equal(t, tail, late)
}

// randomRule builds a random rule both this package and rrule-go accept,
// avoiding the places they knowingly differ: BYDAY mixing plain and
// numbered weekdays (RFC 5545 reads it as a union, rrule-go as an
// intersection); BYSETPOS in a WEEKLY rule (rrule-go counts positions in
// the first week from DTSTART on, not from the week's start as it does for
// every other period); and BYWEEKNO, where rrule-go misplaces the first
// days of some years that belong to the previous year's last week
// (TestWeekNumbers checks week numbers against time.ISOWeek instead).
func randomRule(rng *rand.Rand) (string, rrule.ROption) {
	var parts []string
	var o rrule.ROption
	freqs := []struct {
		s string
		f rrule.Frequency
	}{{"DAILY", rrule.DAILY}, {"WEEKLY", rrule.WEEKLY}, {"MONTHLY", rrule.MONTHLY}, {"YEARLY", rrule.YEARLY}}
	fr := freqs[rng.IntN(4)]
	parts = append(parts, "FREQ="+fr.s)
	o.Freq = fr.f
	signed := func(hi int) int {
		n := rng.IntN(hi) + 1
		if rng.IntN(3) == 0 {
			n = -n
		}
		return n
	}
	list := func(name string, n int, gen func() int) []int {
		var vs []int
		var ss []string
		for range n {
			v := gen()
			vs = append(vs, v)
			ss = append(ss, fmt.Sprint(v))
		}
		parts = append(parts, name+"="+strings.Join(ss, ","))
		return vs
	}
	if rng.IntN(3) == 0 {
		o.Interval = rng.IntN(3) + 1
		parts = append(parts, fmt.Sprintf("INTERVAL=%d", o.Interval))
	}
	if rng.IntN(3) == 0 {
		o.Bymonth = list("BYMONTH", rng.IntN(3)+1, func() int { return rng.IntN(12) + 1 })
	}
	if fr.f == rrule.YEARLY && rng.IntN(4) == 0 {
		o.Byyearday = list("BYYEARDAY", rng.IntN(3)+1, func() int { return signed(366) })
	}
	if fr.f != rrule.WEEKLY && rng.IntN(3) == 0 {
		o.Bymonthday = list("BYMONTHDAY", rng.IntN(3)+1, func() int { return signed(31) })
	}
	codes := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	wds := []rrule.Weekday{rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU}
	if rng.IntN(2) == 0 {
		numbered := (fr.f == rrule.MONTHLY || fr.f == rrule.YEARLY) && rng.IntN(2) == 0
		var ss []string
		for range rng.IntN(3) + 1 {
			i := rng.IntN(7)
			if numbered {
				hi := 5
				if fr.f == rrule.YEARLY && len(o.Bymonth) == 0 {
					hi = 53
				}
				n := signed(hi)
				ss = append(ss, fmt.Sprintf("%d%s", n, codes[i]))
				o.Byweekday = append(o.Byweekday, wds[i].Nth(n))
			} else {
				ss = append(ss, codes[i])
				o.Byweekday = append(o.Byweekday, wds[i])
			}
		}
		parts = append(parts, "BYDAY="+strings.Join(ss, ","))
	}
	if fr.f != rrule.WEEKLY && rng.IntN(5) == 0 {
		o.Bysetpos = list("BYSETPOS", rng.IntN(2)+1, func() int { return signed(8) })
	}
	if rng.IntN(3) == 0 {
		i := rng.IntN(7)
		parts = append(parts, "WKST="+codes[i])
		o.Wkst = wds[i]
	}
	if rng.IntN(2) == 0 {
		o.Count = rng.IntN(30) + 1
		parts = append(parts, fmt.Sprintf("COUNT=%d", o.Count))
	}
	return strings.Join(parts, ";"), o
}

// TestRuleAgainstRRuleGo compares the expansion with rrule-go (a port of
// python-dateutil) on random rules. DTSTART lies in the 9960s-9980s because
// rrule-go looks for occurrences up to the year 9999 before giving up on a
// rule that never matches; so close to it, such rules end quickly.
func TestRuleAgainstRRuleGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2026))
	n := 1500
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		rs, opt := randomRule(rng)
		start := NewDate(9960+rng.IntN(25), time.Month(rng.IntN(12)+1), rng.IntN(28)+1)
		end := start.AddDays(366*3 + rng.IntN(366*3))
		opt.Dtstart = time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, time.UTC)
		rr, err := rrule.NewRRule(opt)
		require.NoError(t, err, rs)
		var want []string
		for _, x := range rr.Between(opt.Dtstart, end.In(time.UTC).Add(-time.Second), true) {
			want = append(want, DateOf(x).String())
		}
		got := expandDates(t, rs, start.String(), start.String(), end.String())
		require.Equal(t, want, got, "rule %s from %s to %s", rs, start, end)
	}
}

func TestWeekNumbers(t *testing.T) {
	// With weeks starting on Monday, RFC 5545 week numbers are ISO weeks.
	for n := d("1999-12-01").days(); n < d("2101-02-01").days(); n++ {
		x := dateFromDays(n)
		wy, w := x.In(time.UTC).ISOWeek()
		weeks := 52
		if _, last := NewDate(wy, 12, 28).In(time.UTC).ISOWeek(); last == 53 {
			weeks = 53
		}
		if !weekNoMatches(n, x.Year, time.Monday, []int{w}) || !weekNoMatches(n, x.Year, time.Monday, []int{w - weeks - 1}) ||
			weekNoMatches(n, x.Year, time.Monday, []int{w%weeks + 1}) {
			t.Fatalf("%s: ISO week %d of %d (%d weeks)", x, w, wy, weeks)
		}
	}
	// ISO weeks (WKST=MO): 2026-W01 starts on Monday 2025-12-29; 2026 has 53 weeks.
	cases := []struct {
		day  string
		want int // week number; negative: counted from the end
	}{
		{"2025-12-29", 1}, {"2026-01-04", 1}, {"2026-01-05", 2}, {"2026-12-31", 53}, {"2027-01-03", 53},
		{"2027-01-04", 1}, {"2025-12-28", 52}, {"2026-12-31", -1}, {"2025-12-28", -1},
	}
	for _, tc := range cases {
		x := d(tc.day)
		assert.True(t, weekNoMatches(x.days(), x.Year, time.Monday, []int{tc.want}), "%s week %d", tc.day, tc.want)
		assert.False(t, weekNoMatches(x.days(), x.Year, time.Monday, []int{tc.want + 1}), "%s week %d", tc.day, tc.want+1)
	}
}
