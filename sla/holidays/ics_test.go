package holidays

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func parseFile(t testing.TB, name string, opts ...ParseOption) *Feed {
	t.Helper()
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	f, err := Parse(bytes.NewReader(data), opts...)
	require.NoError(t, err)
	return f
}

// ics builds a feed from lines joined with CRLF.
func ics(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

func d(s string) Date {
	dt, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return dt
}

func win(s, e string) sla.CalendarWindow { return sla.CalendarWindow{Start: s, End: e} }

// dayMap indexes days by date string for assertions.
func dayMap(days []Day) map[string]Day {
	m := map[string]Day{}
	for _, x := range days {
		m[x.Date.String()] = x
	}
	return m
}

func TestCompanyFeed(t *testing.T) {
	raw, err := os.ReadFile("testdata/company.ics")
	require.NoError(t, err)
	require.Contains(t, string(raw), "\r\n", "the fixture keeps CRLF line ends")
	require.Contains(t, string(raw), "\r\n ", "the fixture has folded lines")

	f := parseFile(t, "testdata/company.ics")
	assert.Equal(t, "Service desk closures", f.Name)
	require.Len(t, f.Events, 8)
	sh := mustLoc(t, "Asia/Shanghai")
	days, err := f.Days(sh, Year(2026))
	require.NoError(t, err)
	m := dayMap(days)

	national := "国庆节假期（国务院办公厅关于2026年部分节假日安排的通知，10月1日至7日放假调休，共7天）"
	for i := 1; i <= 7; i++ {
		x, ok := m[NewDate(2026, 10, i).String()]
		require.True(t, ok, "October %d", i)
		assert.Equal(t, KindHoliday, x.Kind)
		assert.Empty(t, x.Closed, "an all-day event closes the whole day")
		assert.Equal(t, national, x.Name, "a folded line split inside a character unfolds intact")
	}
	assert.NotContains(t, m, "2026-10-08", "DTEND is exclusive")
	assert.Equal(t, Day{Date: d("2026-06-18"), Kind: KindHoliday, Name: "Company anniversary"}, m["2026-06-18"])
	assert.Equal(t, []sla.CalendarWindow{win("14:00", "18:00")}, m["2026-12-31"].Closed)
	assert.Equal(t, []sla.CalendarWindow{win("09:00", "11:30")}, m["2026-03-05"].Closed, "01:00Z plus PT2H30M in Shanghai")
	assert.NotContains(t, m, "2026-05-20", "a cancelled event closes nothing")

	// The monthly review: last Friday of each month, one overridden, one cancelled.
	var reviews []string
	for _, x := range days {
		if strings.HasPrefix(x.Name, "Monthly review") {
			reviews = append(reviews, x.Date.String()+" "+x.Closed[0].Start+"-"+x.Closed[0].End)
		}
	}
	assert.Equal(t, []string{
		"2026-01-30 16:30-17:30", "2026-02-27 16:30-17:30", "2026-03-27 16:30-17:30",
		"2026-04-24 15:00-17:30", "2026-05-29 16:30-17:30", "2026-06-26 16:30-17:30",
		"2026-08-28 16:30-17:30", "2026-09-25 16:30-17:30", "2026-10-30 16:30-17:30",
		"2026-11-27 16:30-17:30", "2026-12-25 16:30-17:30",
	}, reviews)
	assert.Equal(t, "Monthly review (long session in April)", m["2026-04-24"].Name)

	// The yearly anniversary skips its EXDATE.
	later, err := f.Days(sh, Range{d("2027-01-01"), d("2029-01-01")})
	require.NoError(t, err)
	lm := dayMap(later)
	assert.NotContains(t, lm, "2027-06-18")
	assert.Contains(t, lm, "2028-06-18")
	assert.NotContains(t, lm, "2027-01-29", "UNTIL ends the monthly review")

	// The feed parses the same with LF line ends.
	lf, err := Parse(strings.NewReader(strings.ReplaceAll(string(raw), "\r\n", "\n")))
	require.NoError(t, err)
	lfDays, err := lf.Days(sh, Year(2026))
	require.NoError(t, err)
	assert.Equal(t, days, lfDays)
}

func TestUSFeedAllDayDatesAreDatesEverywhere(t *testing.T) {
	f := parseFile(t, "testdata/us-holidays.ics")
	want := []string{
		"2026-01-01 New Year's Day", "2026-01-19 Martin Luther King Jr. Day", "2026-05-25 Memorial Day",
		"2026-06-19 Juneteenth", "2026-07-04 Independence Day", "2026-09-07 Labor Day",
		"2026-11-26 Thanksgiving Day and the day after", "2026-11-27 Thanksgiving Day and the day after",
		"2026-12-25 Christmas Day",
	}
	for _, zone := range []string{"America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			loc := mustLoc(t, zone)
			occ, err := f.Occurrences(loc, Year(2026))
			require.NoError(t, err)
			var got []string
			for _, o := range occ {
				if o.AllDay {
					for x := o.Start; x.Before(o.End); x = x.AddDays(1) {
						got = append(got, x.String()+" "+o.Summary)
					}
				}
			}
			assert.Equal(t, want, got)
		})
	}
	ny := mustLoc(t, "America/New_York")
	days, err := f.Days(ny, Year(2026))
	require.NoError(t, err)
	assert.Equal(t, []sla.CalendarWindow{win("12:00", "24:00")}, dayMap(days)["2026-12-24"].Closed)
	assert.Empty(t, dayMap(days)["2026-12-25"].Closed)
	// Christmas Eve seen from Tokyo: noon in New York is 02:00 the next day,
	// and Christmas Day (all day) absorbs the partial closure.
	tokyo := mustLoc(t, "Asia/Tokyo")
	occ, err := f.Occurrences(tokyo, Range{d("2026-12-24"), d("2026-12-26")})
	require.NoError(t, err)
	require.Len(t, occ, 2)
	assert.Equal(t, "Christmas Eve (closing at noon)", occ[1].Summary)
	assert.Equal(t, "12-25 02:00..12-25 14:00", occ[1].From.Format("01-02 15:04")+".."+occ[1].To.Format("01-02 15:04"))
	td, err := f.Days(tokyo, Year(2026))
	require.NoError(t, err)
	assert.Equal(t, Day{Date: d("2026-12-25"), Kind: KindHoliday, Name: "Christmas Day; Christmas Eve (closing at noon)"},
		dayMap(td)["2026-12-25"])
}

func TestOccurrencesDetails(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	feed := ics(
		"BEGIN:VCALENDAR",
		"BEGIN:VEVENT",
		"UID:a",
		"SUMMARY:Unsynchronised start",
		"DTSTART;VALUE=DATE:20260102",
		"RRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2",
		"RDATE;VALUE=DATE:20260301,20260302",
		"EXDATE:20260302",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:b",
		"SUMMARY:Floating",
		"DTSTART:20260105T090000",
		"DURATION:P1DT1H",
		"END:VEVENT",
		"BEGIN:VEVENT",
		"UID:c",
		"SUMMARY:Period",
		"DTSTART:20260110T090000Z",
		"RDATE;VALUE=PERIOD:20260111T000000Z/PT1H,20260112T000000Z/20260112T003000Z",
		"END:VEVENT",
		"END:VCALENDAR")
	f, err := Parse(strings.NewReader(feed))
	require.NoError(t, err)
	occ, err := f.Occurrences(sh, Year(2026))
	require.NoError(t, err)
	var got []string
	for _, o := range occ {
		if o.AllDay {
			got = append(got, o.UID+" "+o.Start.String()+".."+o.End.String())
		} else {
			got = append(got, o.UID+" "+o.From.Format("01-02 15:04")+".."+o.To.Format("01-02 15:04"))
		}
	}
	assert.Equal(t, []string{
		"a 2026-01-02..2026-01-03", // DTSTART counts even when the rule would not produce it
		"b 01-05 09:00..01-06 10:00",
		"c 01-10 17:00..01-10 17:00",
		"c 01-11 08:00..01-11 09:00",
		"c 01-12 08:00..01-12 08:30",
		"a 2026-01-15..2026-01-16",
		"a 2026-02-15..2026-02-16",
		"a 2026-03-01..2026-03-02",
	}, got)
	for _, o := range occ {
		if !o.AllDay {
			assert.Equal(t, sh, o.From.Location())
		}
	}
}

func TestRecurringAcrossDST(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	feed := ics(
		"BEGIN:VCALENDAR",
		"BEGIN:VEVENT",
		"UID:weekly",
		"DTSTART;TZID=America/New_York:20260301T020000",
		"DTEND;TZID=America/New_York:20260301T030000",
		"RRULE:FREQ=WEEKLY;COUNT=3",
		"END:VEVENT",
		"END:VCALENDAR")
	f, err := Parse(strings.NewReader(feed))
	require.NoError(t, err)
	occ, err := f.Occurrences(ny, Year(2026))
	require.NoError(t, err)
	require.Len(t, occ, 3)
	assert.Equal(t, "03-01 02:00 EST", occ[0].From.Format("01-02 15:04 MST"))
	// 8 March 02:00 does not exist: read with the offset before the gap.
	assert.Equal(t, "03-08 03:00 EDT", occ[1].From.Format("01-02 15:04 MST"))
	assert.Equal(t, "03-15 02:00 EDT", occ[2].From.Format("01-02 15:04 MST"))
	assert.Equal(t, time.Hour, occ[1].To.Sub(occ[1].From), "DTEND-DTSTART is an exact duration")
}

func TestTimedClosuresOnTheWallClock(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	cases := []struct {
		name  string
		start string
		end   string
		want  map[string][]sla.CalendarWindow // nil windows: the whole day
	}{
		{"across midnight", "20260610T220000", "20260611T020000", map[string][]sla.CalendarWindow{
			"2026-06-10": {win("22:00", "24:00")}, "2026-06-11": {win("00:00", "02:00")}}},
		{"a whole day and a bit", "20260610T000000", "20260611T013000", map[string][]sla.CalendarWindow{
			"2026-06-10": nil, "2026-06-11": {win("00:00", "01:30")}}},
		{"seconds widen outwards", "20260610T090030", "20260610T091010", map[string][]sla.CalendarWindow{
			"2026-06-10": {win("09:00", "09:11")}}},
		{"spring forward", "20260308T013000", "20260308T033000", map[string][]sla.CalendarWindow{
			"2026-03-08": {win("01:30", "02:00"), win("03:00", "03:30")}}},
		{"fall back covers both passes", "20261101T013000", "20261101T020000", map[string][]sla.CalendarWindow{
			"2026-11-01": {win("01:00", "02:00")}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:x",
				"DTSTART;TZID=America/New_York:"+tc.start, "DTEND;TZID=America/New_York:"+tc.end,
				"END:VEVENT", "END:VCALENDAR")))
			require.NoError(t, err)
			days, err := f.Days(ny, Year(2026))
			require.NoError(t, err)
			got := map[string][]sla.CalendarWindow{}
			for _, x := range days {
				got[x.Date.String()] = x.Closed
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestMakeUpDaysWhere(t *testing.T) {
	f, err := Parse(strings.NewReader(ics("BEGIN:VCALENDAR",
		"BEGIN:VEVENT", "UID:1", "SUMMARY:国庆节 放假", "DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20261008", "END:VEVENT",
		"BEGIN:VEVENT", "UID:2", "SUMMARY:国庆节 补班", "DTSTART;VALUE=DATE:20261010", "END:VEVENT",
		"BEGIN:VEVENT", "UID:3", "SUMMARY:补班 (half day)", "DTSTART:20260920T090000", "DTEND:20260920T120000", "END:VEVENT",
		"END:VCALENDAR")))
	require.NoError(t, err)
	sh := mustLoc(t, "Asia/Shanghai")
	isWork := MakeUpDaysWhere(func(o Occurrence) bool { return strings.Contains(o.Summary, "补班") })
	days, err := f.Days(sh, Year(2026), isWork)
	require.NoError(t, err)
	m := dayMap(days)
	assert.Equal(t, Day{Date: d("2026-10-10"), Kind: KindMakeUpDay, Name: "国庆节 补班"}, m["2026-10-10"])
	assert.Equal(t, Day{Date: d("2026-09-20"), Kind: KindMakeUpDay, Name: "补班 (half day)",
		Hours: []sla.CalendarWindow{win("09:00", "12:00")}}, m["2026-09-20"])
	assert.Equal(t, KindHoliday, m["2026-10-03"].Kind)

	// A holiday and a make-up day on one date conflict.
	clash, err := Parse(strings.NewReader(ics("BEGIN:VCALENDAR",
		"BEGIN:VEVENT", "UID:1", "SUMMARY:off", "DTSTART;VALUE=DATE:20261010", "END:VEVENT",
		"BEGIN:VEVENT", "UID:2", "SUMMARY:补班", "DTSTART;VALUE=DATE:20261010", "END:VEVENT",
		"END:VCALENDAR")))
	require.NoError(t, err)
	_, err = clash.Days(sh, Year(2026), isWork)
	var ce *ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, d("2026-10-10"), ce.Date)
	assert.ErrorIs(t, err, ErrConflict)
}

func TestParseErrorsNameTheLine(t *testing.T) {
	ev := func(props ...string) string {
		lines := append([]string{"BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:u1"}, props...)
		return ics(append(lines, "END:VEVENT", "END:VCALENDAR")...)
	}
	cases := []struct {
		name string
		feed string
		err  error
		line int
	}{
		{"empty", "", ErrStructure, 1},
		{"no colon", ics("BEGIN:VCALENDAR", "VERSION 2.0", "END:VCALENDAR"), ErrSyntax, 2},
		{"parameter without =", ev("DTSTART;VALUE:20260101"), ErrSyntax, 5},
		{"unterminated quote", ev(`DTSTART;TZID="Asia/Shanghai:20260101T000000`), ErrSyntax, 5},
		{"control character", ev("SUMMARY:a\x01b", "DTSTART:20260101"), ErrSyntax, 5},
		{"invalid UTF-8", ev("DTSTART:20260101", "SUMMARY:\xff\xfe"), ErrSyntax, 6},
		{"continuation first", " BEGIN:VCALENDAR\r\n", ErrSyntax, 1},
		{"not a calendar", ics("BEGIN:VEVENT", "END:VEVENT"), ErrStructure, 1},
		{"property outside", ics("VERSION:2.0"), ErrStructure, 1},
		{"mismatched END", ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20260101", "END:VTODO", "END:VCALENDAR"), ErrStructure, 4},
		{"never closed", ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20260101", "END:VCALENDAR"), ErrStructure, 4},
		{"unclosed at end", ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20260101"), ErrStructure, 2},
		{"END with nothing open", ics("BEGIN:VCALENDAR", "END:VCALENDAR", "END:VCALENDAR"), ErrStructure, 3},
		{"bad date", ev("DTSTART;VALUE=DATE:20261301"), ErrValue, 5},
		{"bad date-time", ev("DTSTART:20260101T250000Z"), ErrValue, 5},
		{"missing DTSTART", ev("SUMMARY:nothing"), ErrValue, 3},
		{"DTEND before DTSTART", ev("DTSTART;VALUE=DATE:20260105", "DTEND;VALUE=DATE:20260104"), ErrValue, 6},
		{"DTEND of another type", ev("DTSTART;VALUE=DATE:20260105", "DTEND:20260106T000000Z"), ErrValue, 6},
		{"DTEND and DURATION", ev("DTSTART:20260105T000000Z", "DTEND:20260106T000000Z", "DURATION:PT1H"), ErrValue, 7},
		{"bad duration", ev("DTSTART:20260105T000000Z", "DURATION:-PT1H"), ErrValue, 6},
		{"timed duration on a date", ev("DTSTART;VALUE=DATE:20260105", "DURATION:PT1H"), ErrValue, 6},
		{"unknown TZID", ev("DTSTART;TZID=Mars/Olympus_Mons:20260105T090000"), ErrTimeZone, 5},
		{"Local TZID", ev("DTSTART;TZID=Local:20260105T090000"), ErrTimeZone, 5},
		{"hourly rule", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=HOURLY"), ErrUnsupported, 6},
		{"BYHOUR", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=DAILY;BYHOUR=9,10"), ErrUnsupported, 6},
		{"two RRULEs", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"), ErrUnsupported, 7},
		{"rule without FREQ", ev("DTSTART:20260105T090000Z", "RRULE:COUNT=3"), ErrValue, 6},
		{"rule part unknown", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=DAILY;BYMOON=1"), ErrValue, 6},
		{"COUNT and UNTIL", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z"), ErrValue, 6},
		{"BYWEEKNO monthly", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=MONTHLY;BYWEEKNO=3"), ErrValue, 6},
		{"ordinal weekly", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=WEEKLY;BYDAY=2MO"), ErrValue, 6},
		{"BYMONTHDAY out of range", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=MONTHLY;BYMONTHDAY=32"), ErrValue, 6},
		{"bad EXDATE", ev("DTSTART:20260105T090000Z", "RRULE:FREQ=DAILY", "EXDATE:2026"), ErrValue, 7},
		{"bad RDATE period", ev("DTSTART:20260105T090000Z", "RDATE;VALUE=PERIOD:20260106T000000Z"), ErrValue, 6},
		{"folded bad value names its first line", ev("DTSTART:2026", " 0105T25", " 0000Z"), ErrValue, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tc.feed))
			require.Error(t, err)
			assert.Nil(t, f)
			assert.ErrorIs(t, err, tc.err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.line, pe.Line, "%v", err)
			assert.Contains(t, err.Error(), "line ")
		})
	}
}

func TestParseReportsEveryBadEventOrSkipsThem(t *testing.T) {
	feed := ics("BEGIN:VCALENDAR",
		"BEGIN:VEVENT", "UID:bad1", "DTSTART:20261301", "END:VEVENT",
		"BEGIN:VEVENT", "UID:good", "DTSTART;VALUE=DATE:20260101", "END:VEVENT",
		"BEGIN:VEVENT", "UID:bad2", "DTSTART:20260101T000000Z", "RRULE:FREQ=SECONDLY", "END:VEVENT",
		"END:VCALENDAR")
	_, err := Parse(strings.NewReader(feed))
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValue)
	assert.ErrorIs(t, err, ErrUnsupported)
	assert.Contains(t, err.Error(), `line 4 (event "bad1")`)
	assert.Contains(t, err.Error(), `line 13 (event "bad2")`)

	f, err := Parse(strings.NewReader(feed), SkipInvalidEvents())
	require.NoError(t, err)
	require.Len(t, f.Events, 1)
	assert.Equal(t, "good", f.Events[0].UID)
	require.Len(t, f.Skipped, 2)
	var pe *ParseError
	require.ErrorAs(t, f.Skipped[1], &pe)
	assert.Equal(t, 13, pe.Line)
}

func TestParseLimitsAndOptions(t *testing.T) {
	big := ics("BEGIN:VCALENDAR", "X-PAD:"+strings.Repeat("x", 200), "END:VCALENDAR")
	_, err := Parse(strings.NewReader(big), WithMaxBytes(100))
	assert.ErrorIs(t, err, ErrTooLarge)

	deep := "BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:X-A\r\n", 20)
	_, err = Parse(strings.NewReader(deep))
	assert.ErrorIs(t, err, ErrStructure)

	// A resolver for Windows zone names a feed may use.
	win := func(tzid string) (*time.Location, error) {
		if tzid == "China Standard Time" {
			return time.LoadLocation("Asia/Shanghai")
		}
		return DefaultTZResolver(tzid)
	}
	feed := ics("\ufeffBEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:w",
		`DTSTART;TZID="China Standard Time":20260105T090000`, "DURATION:PT1H", "END:VEVENT", "END:VCALENDAR",
		"", "BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:slash", "DTSTART;TZID=/Europe/Berlin:20260105T090000", "END:VEVENT", "END:VCALENDAR")
	_, err = Parse(strings.NewReader(feed))
	assert.ErrorIs(t, err, ErrTimeZone)
	f, err := Parse(strings.NewReader(feed), WithTZResolver(win), WithTZResolver(nil))
	require.NoError(t, err)
	occ, err := f.Occurrences(time.UTC, Year(2026))
	require.NoError(t, err)
	require.Len(t, occ, 2)
	assert.Equal(t, "01:00", occ[0].From.Format("15:04"))
	assert.Equal(t, "08:00", occ[1].From.Format("15:04"))
}

func TestOccurrencesValidatesArguments(t *testing.T) {
	f := parseFile(t, "testdata/us-holidays.ics")
	_, err := f.Occurrences(nil, Range{})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	for _, p := range []string{"location", "from", "to"} {
		assert.Contains(t, err.Error(), "holidays: "+p)
	}
	_, err = f.Occurrences(time.UTC, Range{d("2026-01-01"), d("2500-01-01")})
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = f.Occurrences(time.UTC, Range{d("2026-01-01"), d("2026-01-01")})
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestHostileRulesEndWithinBounds(t *testing.T) {
	cases := []string{
		"RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",          // never matches
		"RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=5", // never matches, counts from DTSTART
		"RRULE:FREQ=WEEKLY;BYMONTH=2;BYDAY=MO;BYSETPOS=9",   // never matches
	}
	for _, rr := range cases {
		t.Run(rr, func(t *testing.T) {
			f, err := Parse(strings.NewReader(ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:h",
				"DTSTART;VALUE=DATE:00010101", rr, "END:VEVENT", "END:VCALENDAR")))
			require.NoError(t, err)
			occ, err := f.Occurrences(time.UTC, Year(2026))
			require.NoError(t, err)
			assert.Empty(t, occ)
		})
	}
	// Many such rules exhaust the work limit instead of stalling.
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\n")
	for range 20 {
		b.WriteString("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:00010101\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=1\r\nEND:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	f, err := Parse(strings.NewReader(b.String()))
	require.NoError(t, err)
	_, err = f.Occurrences(time.UTC, Year(2026))
	require.ErrorIs(t, err, ErrTooManyOccurrences)
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Positive(t, pe.Line)
}
