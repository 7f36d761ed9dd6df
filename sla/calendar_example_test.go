package sla_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
)

func ExampleNewCalendar() {
	workday := []sla.CalendarWindow{{Start: "09:00", End: "12:00"}, {Start: "13:00", End: "17:00"}}
	c, err := sla.NewCalendar(sla.CalendarSpec{
		Location: "Europe/Berlin",
		Week: sla.CalendarWeek{
			Monday: workday, Tuesday: workday, Wednesday: workday, Thursday: workday, Friday: workday,
		},
		Holidays: []sla.CalendarHoliday{
			{Date: "2026-12-24", Name: "Christmas Eve", Closed: []sla.CalendarWindow{{Start: "12:00", End: "24:00"}}},
			{Date: "2026-12-25", Name: "Christmas Day"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	from := time.Date(2026, 12, 23, 16, 0, 0, 0, c.Location())
	fmt.Println(c.Add(from, 4*time.Hour).Format(time.DateTime))
	fmt.Println(c.Add(from, 5*time.Hour).Format(time.DateTime))
	fmt.Println(c.WeekDuration())
	// Output:
	// 2026-12-24 12:00:00
	// 2026-12-28 10:00:00
	// 35h0m0s
}

func ExampleCalendar_Between() {
	c, _ := sla.NewCalendar(sla.CalendarSpec{
		Location: "America/New_York",
		Week: sla.CalendarWeek{
			Monday:   []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
			Friday:   []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
			Saturday: []sla.CalendarWindow{{Start: "10:00", End: "14:00"}},
		},
	})
	ny := c.Location()
	opened := time.Date(2026, 3, 6, 15, 30, 0, 0, ny) // Friday
	now := time.Date(2026, 3, 9, 10, 0, 0, 0, ny)     // Monday, after the DST change
	due := c.Add(opened, 8*time.Hour)
	fmt.Println("business time spent:", c.Between(opened, now))
	fmt.Println("due:", due.Format("Mon 15:04 MST"))
	fmt.Println("left:", c.Between(now, due))
	fmt.Println("overdue by at Mon 15:00:", -c.Between(time.Date(2026, 3, 9, 15, 0, 0, 0, ny), due))
	// Output:
	// business time spent: 6h30m0s
	// due: Mon 11:30 EDT
	// left: 1h30m0s
	// overdue by at Mon 15:00: 3h30m0s
}

func ExampleCalendar_NextOpen() {
	c, _ := sla.NewCalendar(sla.CalendarSpec{
		Location: "Asia/Shanghai",
		Week: sla.CalendarWeek{
			Monday: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}},
		},
		MakeUpDays: []sla.CalendarMakeUpDay{
			{Date: "2026-02-28", Name: "make-up Saturday", Hours: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}},
		},
	})
	t := time.Date(2026, 2, 27, 20, 0, 0, 0, time.UTC) // Saturday 04:00 in Shanghai
	fmt.Println(c.IsOpen(t), c.NextOpen(t).In(c.Location()).Format("Mon Jan 2 15:04"))
	// Output:
	// false Sat Feb 28 09:00
}

func ExampleAlwaysOpen() {
	c := sla.AlwaysOpen()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fmt.Println(c.Add(from, 36*time.Hour).Format(time.DateTime), c.IsOpen(from))
	// Output:
	// 2026-01-02 12:00:00 true
}

func ExampleCalendarSpec_Validate() {
	spec := sla.CalendarSpec{
		Location: "Europe/Atlantis",
		Week: sla.CalendarWeek{
			Monday: []sla.CalendarWindow{{Start: "17:00", End: "09:00"}},
		},
	}
	err := spec.Validate()
	fmt.Println(err)
	fmt.Println(errors.Is(err, sla.ErrCalendarWindowOrder))
	// Output:
	// sla: calendar location is missing or unknown: location: "Europe/Atlantis"
	// sla: calendar window ends before it starts: week.monday[0]: 17:00-09:00
	// true
}

func ExampleCalendarSpec_json() {
	var spec sla.CalendarSpec
	err := json.Unmarshal([]byte(`{
		"location": "Australia/Sydney",
		"week": {"monday": [{"start": "08:30", "end": "17:00"}]},
		"overrides": [{"date": "2026-10-05", "name": "Labour Day"}]
	}`), &spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := sla.NewCalendar(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	from := time.Date(2026, 10, 5, 9, 0, 0, 0, c.Location())
	fmt.Println(c.NextOpen(from).Format("Mon Jan 2 15:04 MST"))
	// Output:
	// Mon Oct 12 08:30 AEDT
}

func ExampleNewCalendarIn() {
	sydney, err := time.LoadLocation("Australia/Sydney")
	if err != nil {
		fmt.Println(err)
		return
	}
	week := sla.CalendarWeek{}
	for _, wd := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		week.SetDay(wd, []sla.CalendarWindow{{Start: "08:30", End: "17:00"}})
	}
	c, err := sla.NewCalendarIn(sydney, sla.CalendarSpec{Week: week})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Friday 16:00 before the October 2026 DST change: one hour on Friday,
	// then 30 minutes from the 08:30 wall-clock opening on Monday.
	from := time.Date(2026, 10, 2, 16, 0, 0, 0, sydney)
	fmt.Println(c.Add(from, 90*time.Minute).Format("Mon 15:04 MST"))

	_, err = sla.NewCalendarIn(nil, sla.CalendarSpec{Week: week})
	fmt.Println(errors.Is(err, sla.ErrCalendarLocation))
	// Output:
	// Mon 09:00 AEDT
	// true
}
