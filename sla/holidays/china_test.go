package holidays

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// officialCN is testdata/cn-holidays-2025-2026.json: the State Council's
// schedules for 2025 and 2026 (see its "about" field for the sources).
type officialCN struct {
	About string `json:"about"`
	Years map[string]struct {
		Papers []string `json:"papers"`
		Days   []struct {
			Name     string `json:"name"`
			Date     string `json:"date"`
			IsOffDay bool   `json:"isOffDay"`
		} `json:"days"`
	} `json:"years"`
}

func loadOfficialCN(t *testing.T) officialCN {
	t.Helper()
	raw, err := os.ReadFile("testdata/cn-holidays-2025-2026.json")
	require.NoError(t, err)
	var o officialCN
	require.NoError(t, json.Unmarshal(raw, &o))
	require.Contains(t, o.About, "State Council")
	return o
}

func TestChinaReproducesTheOfficialSchedules(t *testing.T) {
	official := loadOfficialCN(t)
	for _, year := range []int{2025, 2026} {
		t.Run(strconv.Itoa(year), func(t *testing.T) {
			y, ok := official.Years[strconv.Itoa(year)]
			require.True(t, ok)
			var want []Day
			for _, x := range y.Days {
				kind := KindMakeUpDay
				if x.IsOffDay {
					kind = KindHoliday
				}
				want = append(want, Day{Date: d(x.Date), Kind: kind, Name: x.Name})
			}
			got, err := China{}.Days(year)
			require.NoError(t, err)
			// Every date, its kind (holiday or make-up working day) and its name.
			assert.Equal(t, want, got)
			holidays, makeUps := 0, 0
			for _, x := range got {
				if x.Kind == KindHoliday {
					holidays++
				} else {
					makeUps++
					assert.Contains(t, []time.Weekday{time.Saturday, time.Sunday}, x.Date.Weekday(), "%s", x.Date)
				}
			}
			t.Logf("%d: %d holidays, %d make-up days", year, holidays, makeUps)
		})
	}
}

func TestChinaYearsAndOverrides(t *testing.T) {
	first, last := ChinaBuiltinYears()
	assert.Equal(t, 2002, first)
	assert.GreaterOrEqual(t, last, 2027)
	for y := first; y <= last; y++ {
		days, err := China{}.Days(y)
		require.NoError(t, err, y)
		require.NoError(t, (China{Years: map[int][]Day{y: days}}).Validate(), "built-in %d passes the host checks", y)
	}

	_, err := China{}.Days(last + 1)
	var ye *YearError
	require.ErrorAs(t, err, &ye)
	assert.Equal(t, last+1, ye.Year)
	assert.ErrorIs(t, err, ErrNotPublished)
	_, err = China{}.Days(0)
	assert.ErrorIs(t, err, ErrNotPublished)

	// A host supplies a year that is not built in, and corrects one that is.
	future := last + 1
	c := China{Years: map[int][]Day{
		future: {
			{Date: NewDate(future, 1, 2), Kind: KindHoliday, Name: "元旦"},
			{Date: NewDate(future, 1, 1), Kind: KindHoliday, Name: "元旦"},
		},
		2026: {{Date: d("2026-10-01"), Kind: KindHoliday, Name: "国庆节"}},
	}}
	require.NoError(t, c.Validate())
	days, err := c.Days(future)
	require.NoError(t, err)
	assert.Equal(t, []Day{
		{Date: NewDate(future, 1, 1), Kind: KindHoliday, Name: "元旦"},
		{Date: NewDate(future, 1, 2), Kind: KindHoliday, Name: "元旦"},
	}, days, "sorted by date")
	days, err = c.Days(2026)
	require.NoError(t, err)
	assert.Len(t, days, 1)
	days, err = c.Days(2025)
	require.NoError(t, err)
	assert.Len(t, days, 33, "years without an override keep the built-in schedule")

	bad := China{Years: map[int][]Day{
		2030: {
			{Date: d("2031-01-01"), Kind: KindHoliday},
			{Date: d("2030-05-01"), Kind: KindUnset},
			{Date: d("2030-05-01"), Kind: KindHoliday, Closed: []sla.CalendarWindow{{Start: "9:00", End: "12:00"}}},
			{Date: d("2030-05-04"), Kind: KindMakeUpDay, Closed: []sla.CalendarWindow{{Start: "09:00", End: "12:00"}}},
		},
		2031: nil,
	}}
	err = bad.Validate()
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	for _, path := range []string{
		"years.2030[0].date: 2031-01-01 is not in 2030",
		"years.2030[1].kind",
		"years.2030[2].closed[0].start",
		"years.2030[2].date: 2030-05-01 is also years.2030[1]",
		"years.2030[3].closed: a make-up day closes nothing",
		"years.2031: lists no days",
	} {
		assert.Contains(t, err.Error(), path)
	}
	_, err = bad.Days(2030)
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestChinaEnglishNames(t *testing.T) {
	days, err := China{English: true}.Days(2025)
	require.NoError(t, err)
	m := dayMap(days)
	assert.Equal(t, "New Year's Day", m["2025-01-01"].Name)
	assert.Equal(t, "Spring Festival", m["2025-01-26"].Name)
	assert.Equal(t, "National Day and Mid-Autumn Festival", m["2025-10-08"].Name)
	zh, err := China{}.Days(2025)
	require.NoError(t, err)
	assert.Equal(t, "国庆节、中秋节", dayMap(zh)["2025-10-08"].Name)
}

func TestChinaFillAndJSON(t *testing.T) {
	work := []sla.CalendarWindow{{Start: "09:00", End: "12:00"}, {Start: "13:00", End: "18:00"}}
	spec := sla.CalendarSpec{Location: "Asia/Shanghai", Week: sla.CalendarWeek{
		Monday: work, Tuesday: work, Wednesday: work, Thursday: work, Friday: work}}
	out, report, err := China{}.Fill(spec, 2026, MergeOptions{})
	require.NoError(t, err)
	assert.Len(t, report.Added, 39)
	assert.Len(t, out.Holidays, 33)
	assert.Len(t, out.MakeUpDays, 6)
	for _, m := range out.MakeUpDays {
		assert.Equal(t, work, m.Hours, "make-up days get Monday's hours")
	}
	cal, err := sla.NewCalendar(out)
	require.NoError(t, err)
	sh := cal.Location()
	// Friday 9 October 17:00 plus 2h: one hour on Friday, one on the make-up Saturday.
	assert.Equal(t, time.Date(2026, 10, 10, 10, 0, 0, 0, sh), cal.Add(time.Date(2026, 10, 9, 17, 0, 0, 0, sh), 2*time.Hour))
	// Across the whole National Day holiday: 30 September 17:00 plus 2h.
	assert.Equal(t, time.Date(2026, 10, 8, 10, 0, 0, 0, sh), cal.Add(time.Date(2026, 9, 30, 17, 0, 0, 0, sh), 2*time.Hour))
	assert.Equal(t, 8*time.Hour, cal.Between(time.Date(2026, 10, 1, 0, 0, 0, 0, sh), time.Date(2026, 10, 9, 0, 0, 0, 0, sh)))

	// Filling the same year again changes nothing.
	again, report, err := China{}.Fill(out, 2026, MergeOptions{})
	require.NoError(t, err)
	assert.Empty(t, report.Added)
	assert.Len(t, report.Unchanged, 39)
	assert.Equal(t, out, again)

	// A host year round-trips through JSON.
	c := China{Years: map[int][]Day{2030: {{Date: d("2030-01-01"), Kind: KindHoliday, Name: "元旦"},
		{Date: d("2030-01-05"), Kind: KindMakeUpDay, Name: "元旦", Hours: []sla.CalendarWindow{{Start: "09:00", End: "12:00"}}}}}}
	raw, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"years":{"2030":[{"date":"2030-01-01","kind":"holiday","name":"元旦"},
		{"date":"2030-01-05","kind":"make_up_day","name":"元旦","hours":[{"start":"09:00","end":"12:00"}]}]}}`, string(raw))
	var back China
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, c, back)
}
