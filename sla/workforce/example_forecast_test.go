package workforce_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/workforce"
)

// Forecasting around the 2025 Spring Festival in China: the calendar lists
// the holidays and the make-up working days (Sunday 26 January and Saturday
// 8 February), and the forecaster takes day types from it. The make-up
// Saturday is forecast from Mondays, not from Saturdays.
func ExampleForecaster() {
	day := []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}
	spec := sla.CalendarSpec{Location: "Asia/Shanghai",
		Week: sla.CalendarWeek{Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day},
		MakeUpDays: []sla.CalendarMakeUpDay{
			{Date: "2025-01-26", Name: "Spring Festival", Hours: day},
			{Date: "2025-02-08", Name: "Spring Festival", Hours: day},
		}}
	for d := 28; d <= 35; d++ { // 28 January to 4 February
		date := time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		spec.Holidays = append(spec.Holidays, sla.CalendarHoliday{Date: date, Name: "Spring Festival"})
	}
	cal, err := sla.NewCalendar(spec)
	if err != nil {
		panic(err)
	}
	f, err := workforce.NewForecaster(cal, workforce.ForecastConfig{Interval: sla.Duration(6 * time.Hour), Days: 3})
	if err != nil {
		panic(err)
	}
	// Four weeks of history in 6-hour intervals: busy working days, quiet
	// weekends and holidays, Mondays busiest; every other week 10 % busier.
	var history []workforce.DayCounts
	for i := range 35 {
		date := time.Date(2025, 1, 6+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		typ, _ := f.DayType(date)
		counts := []float64{2, 50, 40, 8}
		switch typ {
		case workforce.DaySaturday, workforce.DaySunday, workforce.DayHoliday:
			counts = []float64{1, 10, 8, 2}
		case workforce.DayMonday:
			counts = []float64{3, 80, 60, 10}
		}
		if i/7%2 == 1 {
			for s := range counts {
				counts[s] *= 1.1
			}
		}
		history = append(history, workforce.DayCounts{Date: date, Counts: counts})
	}
	for _, date := range []string{"2025-01-26", "2025-01-29", "2025-02-08", "2025-02-10"} {
		typ, _ := f.DayType(date)
		fmt.Println(date, typ)
	}
	fc, err := f.Forecast(history[:33], "2025-02-08") // history up to 7 February
	if err != nil {
		panic(err)
	}
	fmt.Printf("2025-02-08 from %v: %.1f contacts\n", fc.Days, fc.Total())
	for i, c := range fc.Counts {
		fmt.Printf("  %02d:00 %5.1f\n", 6*i, c)
	}
	acc, err := f.Backtest(history, "2025-02-03", "2025-02-09")
	if err != nil {
		panic(err)
	}
	fmt.Printf("held out %d days: MAPE %.1f%%, WAPE %.1f%%\n", acc.Days, 100*acc.MAPE, 100*acc.WAPE)
	// Output:
	// 2025-01-26 monday
	// 2025-01-29 holiday
	// 2025-02-08 monday
	// 2025-02-10 monday
	// 2025-02-08 from [2025-01-20 2025-01-26 2025-01-27]: 158.1 contacts
	//   00:00   3.1
	//   06:00  82.7
	//   12:00  62.0
	//   18:00  10.3
	// held out 7 days: MAPE 5.0%, WAPE 3.8%
}
