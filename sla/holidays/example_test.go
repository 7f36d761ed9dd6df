package holidays_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/holidays"
)

const smallFeed = "BEGIN:VCALENDAR\r\n" +
	"VERSION:2.0\r\n" +
	"BEGIN:VEVENT\r\n" +
	"UID:founders-day\r\n" +
	"SUMMARY:Founders' day\r\n" +
	"DTSTART;VALUE=DATE:20240610\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=6;BYDAY=2MO\r\n" +
	"EXDATE;VALUE=DATE:20250609\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"UID:summer-break\r\n" +
	"SUMMARY:Summer break (DTEND is exclusive: 3 to 5 August)\r\n" +
	"DTSTART;VALUE=DATE:20260803\r\n" +
	"DTEND;VALUE=DATE:20260806\r\n" +
	"END:VEVENT\r\n" +
	"BEGIN:VEVENT\r\n" +
	"UID:training\r\n" +
	"SUMMARY:Staff training, a long description folded onto \r\n" +
	" two lines\r\n" +
	"DTSTART;TZID=Europe/Berlin:20261223T130000\r\n" +
	"DTEND;TZID=Europe/Berlin:20261223T170000\r\n" +
	"END:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// Parse a small feed and turn its 2026 occurrences into days for a
// calendar in Berlin: the yearly event is expanded, the all-day span keeps
// its dates, and the timed event becomes a partial-day closure.
func ExampleFeed_Days() {
	feed, err := holidays.Parse(strings.NewReader(smallFeed))
	if err != nil {
		fmt.Println(err)
		return
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	days, err := feed.Days(berlin, holidays.Year(2026))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range days {
		fmt.Println(d.Date, d.Date.Weekday(), d.Kind, d.Closed, d.Name)
	}
	// Output:
	// 2026-06-08 Monday holiday [] Founders' day
	// 2026-08-03 Monday holiday [] Summer break (DTEND is exclusive: 3 to 5 August)
	// 2026-08-04 Tuesday holiday [] Summer break (DTEND is exclusive: 3 to 5 August)
	// 2026-08-05 Wednesday holiday [] Summer break (DTEND is exclusive: 3 to 5 August)
	// 2026-12-23 Wednesday holiday [{13:00 17:00}] Staff training, a long description folded onto two lines
}

// A bad feed is an error that names the line, never a panic.
func ExampleParse_error() {
	bad := strings.Replace(smallFeed, "DTSTART;VALUE=DATE:20260803", "DTSTART;VALUE=DATE:20260832", 1)
	_, err := holidays.Parse(strings.NewReader(bad))
	var pe *holidays.ParseError
	if errors.As(err, &pe) {
		fmt.Println("line", pe.Line, "event", pe.UID, errors.Is(err, holidays.ErrValue))
	}
	fmt.Println(err)
	// Output:
	// line 13 event summer-break true
	// holidays: invalid iCalendar value: line 13 (event "summer-break"): DTSTART: "20260832" is not a valid DATE (YYYYMMDD)
}

// Fill a 2026 calendar in Shanghai with China's public holidays and make-up
// working days, then measure business time across National Day (1 to 7
// October) and its make-up Saturday (10 October).
func ExampleChina_Fill() {
	work := []sla.CalendarWindow{{Start: "09:00", End: "12:00"}, {Start: "13:00", End: "18:00"}}
	spec := sla.CalendarSpec{
		Location: "Asia/Shanghai",
		Week:     sla.CalendarWeek{Monday: work, Tuesday: work, Wednesday: work, Thursday: work, Friday: work},
	}
	spec, report, err := holidays.China{}.Fill(spec, 2026, holidays.MergeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("added:", len(report.Added), "holidays:", len(spec.Holidays), "make-up days:", len(spec.MakeUpDays))
	cal, err := sla.NewCalendar(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	sh := cal.Location()
	eve := time.Date(2026, 9, 30, 17, 0, 0, 0, sh)
	fmt.Println("30 Sep 17:00 + 2h =", cal.Add(eve, 2*time.Hour).Format("Mon 2 Jan 15:04"))
	friday := time.Date(2026, 10, 9, 17, 0, 0, 0, sh)
	fmt.Println(" 9 Oct 17:00 + 2h =", cal.Add(friday, 2*time.Hour).Format("Mon 2 Jan 15:04"))
	fmt.Println("business time 1-11 Oct:", cal.Between(time.Date(2026, 10, 1, 0, 0, 0, 0, sh), time.Date(2026, 10, 12, 0, 0, 0, 0, sh)))
	// Output:
	// added: 39 holidays: 33 make-up days: 6
	// 30 Sep 17:00 + 2h = Thu 8 Oct 10:00
	//  9 Oct 17:00 + 2h = Sat 10 Oct 10:00
	// business time 1-11 Oct: 24h0m0s
}

// A year the built-in schedule does not have yet comes from the host, the
// day the State Council publishes it.
func ExampleChina_Days() {
	c := holidays.China{Years: map[int][]holidays.Day{
		2030: {
			{Date: holidays.NewDate(2030, 1, 1), Kind: holidays.KindHoliday, Name: "元旦"},
			{Date: holidays.NewDate(2029, 12, 29), Kind: holidays.KindMakeUpDay, Name: "元旦"},
		},
	}}
	if err := c.Validate(); err != nil {
		fmt.Println(err)
	}
	_, err := c.Days(2031)
	fmt.Println(errors.Is(err, holidays.ErrNotPublished), err)
	// Output:
	// holidays: years.2030[1].date: 2029-12-29 is not in 2030
	// true holidays: schedule not published for 2031 (supply it as a host override)
}

// Merging into a spec that already holds a date: by default every
// conflict is an error; ConflictKeepExisting lets the host's entries win.
func ExampleMerge() {
	spec := sla.CalendarSpec{
		Location: "Europe/Berlin",
		Week:     sla.CalendarWeek{Monday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}},
		Overrides: []sla.CalendarOverride{
			{Date: "2026-12-24", Name: "open in the morning", Hours: []sla.CalendarWindow{{Start: "09:00", End: "12:00"}}},
		},
	}
	days := []holidays.Day{
		{Date: holidays.NewDate(2026, 12, 24), Kind: holidays.KindHoliday, Name: "Christmas Eve"},
		{Date: holidays.NewDate(2026, 12, 25), Kind: holidays.KindHoliday, Name: "Christmas Day"},
	}
	_, _, err := holidays.Merge(spec, days, holidays.MergeOptions{})
	fmt.Println(err)
	out, report, err := holidays.Merge(spec, days, holidays.MergeOptions{OnConflict: holidays.ConflictKeepExisting})
	fmt.Println(err, report.Added, len(report.Kept), out.Holidays)
	// Output:
	// holidays: 2026-12-24: date already in the calendar at overrides[0] (open in the morning) (incoming "Christmas Eve")
	// <nil> [2026-12-25] 1 [{2026-12-25 Christmas Day []}]
}
