package sla_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// A night window in New York on both DST Sundays of 2026. In March its end,
// 03:00, falls in the spring-forward gap, so it closes at the first instant
// after the gap (03:00 EDT, 30 minutes after 01:30 EST). In November the
// hour 01:00-02:00 shows twice and both occurrences of 01:30-02:00 count:
// 30 minutes after 01:30 EDT the clock falls back to 01:00 EST, the window
// reopens at 01:30 EST and runs to 03:00 EST.
func ExampleCalendar_dst() {
	night := []sla.CalendarWindow{{Start: "01:30", End: "03:00"}}
	c, err := sla.NewCalendar(sla.CalendarSpec{
		Location: "America/New_York",
		Week:     sla.CalendarWeek{Sunday: night},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	const layout = "Jan 2 15:04 MST"
	for _, day := range []time.Time{
		time.Date(2026, 3, 8, 0, 0, 0, 0, c.Location()),  // 02:00 EST jumps to 03:00 EDT
		time.Date(2026, 11, 1, 0, 0, 0, 0, c.Location()), // 02:00 EDT falls back to 01:00 EST
	} {
		fmt.Println(day.Format("Jan 2:"), c.Between(day, day.AddDate(0, 0, 1)), "of business time")
		open := c.NextOpen(day)
		fmt.Println("  opens at  ", open.Format(layout))
		fmt.Println("  30m later:", c.Add(open, 30*time.Minute).Format(layout))
		fmt.Println("  31m later:", c.Add(open, 31*time.Minute).Format(layout))
	}
	// Output:
	// Mar 8: 30m0s of business time
	//   opens at   Mar 8 01:30 EST
	//   30m later: Mar 8 03:00 EDT
	//   31m later: Mar 15 01:31 EDT
	// Nov 1: 2h0m0s of business time
	//   opens at   Nov 1 01:30 EDT
	//   30m later: Nov 1 01:00 EST
	//   31m later: Nov 1 01:31 EST
}
