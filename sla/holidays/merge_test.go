package holidays

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func baseSpec() sla.CalendarSpec {
	return sla.CalendarSpec{
		Location: "Asia/Shanghai",
		Week: sla.CalendarWeek{
			Monday:   []sla.CalendarWindow{win("08:00", "12:00"), win("13:00", "17:00")},
			Tuesday:  []sla.CalendarWindow{win("09:00", "18:00")},
			Friday:   []sla.CalendarWindow{win("09:00", "15:00")},
			Saturday: []sla.CalendarWindow{win("10:00", "14:00")},
		},
		Holidays:   []sla.CalendarHoliday{{Date: "2026-10-01", Name: "国庆节"}},
		MakeUpDays: []sla.CalendarMakeUpDay{{Date: "2026-10-10", Name: "国庆节", Hours: []sla.CalendarWindow{win("09:00", "18:00")}}},
		Overrides:  []sla.CalendarOverride{{Date: "2026-12-31", Name: "year-end close", Hours: []sla.CalendarWindow{win("09:00", "12:00")}}},
	}
}

func TestMergeAddsInDateOrderWithTemplateHours(t *testing.T) {
	spec := baseSpec()
	before := cloneSpec(spec)
	days := []Day{
		{Date: d("2026-10-11"), Kind: KindMakeUpDay, Name: "B"},
		{Date: d("2026-10-02"), Kind: KindHoliday, Name: "A", Closed: []sla.CalendarWindow{win("12:00", "24:00")}},
		{Date: d("2026-09-20"), Kind: KindMakeUpDay, Name: "C", Hours: []sla.CalendarWindow{win("10:00", "11:00")}},
	}
	out, report, err := Merge(spec, days, MergeOptions{})
	require.NoError(t, err)
	assert.Equal(t, before, spec, "the input spec is not modified")
	assert.Equal(t, []Date{d("2026-09-20"), d("2026-10-02"), d("2026-10-11")}, report.Added)
	assert.Equal(t, []sla.CalendarHoliday{
		{Date: "2026-10-01", Name: "国庆节"},
		{Date: "2026-10-02", Name: "A", Closed: []sla.CalendarWindow{win("12:00", "24:00")}},
	}, out.Holidays)
	assert.Equal(t, []sla.CalendarMakeUpDay{
		spec.MakeUpDays[0],
		{Date: "2026-09-20", Name: "C", Hours: []sla.CalendarWindow{win("10:00", "11:00")}},
		{Date: "2026-10-11", Name: "B", Hours: spec.Week.Monday},
	}, out.MakeUpDays)
	_, err = sla.NewCalendar(out)
	require.NoError(t, err)

	// The result shares no memory with the input or the days.
	out.Week.Monday[0].Start = "07:00"
	out.MakeUpDays[2].Hours[0].Start = "07:00"
	days[1].Closed[0].Start = "11:00"
	assert.Equal(t, before, spec)
	assert.Equal(t, "08:00", spec.Week.Monday[0].Start)

	// Another template weekday, or fixed hours.
	out, _, err = Merge(spec, days[:1], MergeOptions{MakeUpHoursFrom: "friday"})
	require.NoError(t, err)
	assert.Equal(t, spec.Week.Friday, out.MakeUpDays[1].Hours)
	fixed := []sla.CalendarWindow{win("09:30", "16:30")}
	out, _, err = Merge(spec, days[:1], MergeOptions{MakeUpHours: fixed})
	require.NoError(t, err)
	assert.Equal(t, fixed, out.MakeUpDays[1].Hours)

	// A template weekday with no hours cannot make a working day.
	_, _, err = Merge(spec, days[:1], MergeOptions{MakeUpHoursFrom: "sunday"})
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "make_up_hours_from", fe.Path)
	// ... but is no problem when every make-up day has its own hours.
	_, _, err = Merge(spec, days[2:], MergeOptions{MakeUpHoursFrom: "sunday"})
	assert.NoError(t, err)
}

func TestMergeConflicts(t *testing.T) {
	spec := baseSpec()
	days := []Day{
		{Date: d("2026-10-01"), Kind: KindHoliday, Name: "国庆节"},              // identical: unchanged
		{Date: d("2026-10-10"), Kind: KindHoliday, Name: "feed says closed"}, // a make-up day in the spec
		{Date: d("2026-12-31"), Kind: KindHoliday, Name: "New Year's Eve"},   // an override in the spec
		{Date: d("2027-01-01"), Kind: KindHoliday, Name: "元旦"},               // new
	}

	out, report, err := Merge(spec, days, MergeOptions{})
	require.Error(t, err)
	assert.Equal(t, spec, out, "nothing changes on conflict")
	assert.Equal(t, MergeReport{}, report)
	var ces []*ConflictError
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var ce *ConflictError
		require.ErrorAs(t, e, &ce)
		ces = append(ces, ce)
	}
	require.Len(t, ces, 2, "every conflict at once")
	assert.Equal(t, &ConflictError{Date: d("2026-10-10"), Existing: "make_up_days[0] (国庆节)", Incoming: "feed says closed"}, ces[0])
	assert.Equal(t, "overrides[0] (year-end close)", ces[1].Existing)
	assert.ErrorIs(t, err, ErrConflict)

	out, report, err = Merge(spec, days, MergeOptions{OnConflict: ConflictKeepExisting})
	require.NoError(t, err)
	assert.Equal(t, []Date{d("2026-10-01")}, report.Unchanged)
	assert.Equal(t, []Date{d("2027-01-01")}, report.Added)
	require.Len(t, report.Kept, 2)
	assert.Empty(t, report.Replaced)
	assert.Equal(t, spec.MakeUpDays, out.MakeUpDays)
	assert.Equal(t, spec.Overrides, out.Overrides)
	assert.Len(t, out.Holidays, 2)

	out, report, err = Merge(spec, days, MergeOptions{OnConflict: ConflictReplace})
	require.NoError(t, err)
	require.Len(t, report.Replaced, 2)
	assert.Equal(t, []Date{d("2026-10-10"), d("2026-12-31"), d("2027-01-01")}, report.Added)
	assert.Empty(t, out.MakeUpDays)
	assert.Empty(t, out.Overrides)
	var dates []string
	for _, h := range out.Holidays {
		dates = append(dates, h.Date)
	}
	assert.Equal(t, []string{"2026-10-01", "2026-10-10", "2026-12-31", "2027-01-01"}, dates)
	_, err = sla.NewCalendar(out)
	require.NoError(t, err)
}

func TestMergeValidatesEverythingAtOnce(t *testing.T) {
	days := []Day{
		{Date: Date{2026, 2, 30}, Kind: KindHoliday},
		{Date: d("2026-05-01"), Kind: KindUnset},
		{Date: d("2026-05-01"), Kind: KindHoliday, Closed: []sla.CalendarWindow{win("10:00", "09:00"), win("08:00", "24:01")}},
		{Date: d("2026-05-02"), Kind: KindHoliday, Hours: []sla.CalendarWindow{win("10:00", "12:00")}},
		{Date: d("2026-05-03"), Kind: KindMakeUpDay, Hours: []sla.CalendarWindow{win("09:00", "12:00"), win("11:00", "13:00")}},
	}
	opts := MergeOptions{OnConflict: 9, MakeUpHoursFrom: "someday", MakeUpHours: []sla.CalendarWindow{win("x", "12:00")}}
	_, _, err := Merge(baseSpec(), days, opts)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalid)
	for _, want := range []string{
		"on_conflict", "make_up_hours_from", "make_up_hours: set either", "make_up_hours[0].start",
		"days[0].date", "days[1].kind", "days[2].closed[0]: 10:00-09:00 ends before it starts", "days[2].closed[1].end",
		"days[2].date: 2026-05-01 is also days[1]", "days[3].hours: a holiday has no working hours",
		"days[4].hours: windows 09:00-12:00 and 11:00-13:00 overlap",
	} {
		assert.Contains(t, err.Error(), want)
	}

	// An invalid spec is reported as sla reports it.
	bad := baseSpec()
	bad.Location = "Mars/Base"
	_, _, err = Merge(bad, nil, MergeOptions{})
	var ce *sla.CalendarError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, sla.ErrCalendarLocation)
}

func TestPolicyAndKindText(t *testing.T) {
	for _, p := range []ConflictPolicy{ConflictFail, ConflictKeepExisting, ConflictReplace} {
		b, err := p.MarshalText()
		require.NoError(t, err)
		var back ConflictPolicy
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, p, back)
		assert.Equal(t, string(b), p.String())
	}
	var p ConflictPolicy
	assert.Error(t, p.UnmarshalText([]byte("merge")))
	_, err := ConflictPolicy(7).MarshalText()
	assert.Error(t, err)
	assert.Equal(t, "unset", ConflictPolicy(7).String())

	raw, err := json.Marshal(MergeOptions{OnConflict: ConflictReplace, MakeUpHoursFrom: "friday"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"on_conflict":"replace","make_up_hours_from":"friday"}`, string(raw))
	var o MergeOptions
	require.NoError(t, json.Unmarshal(raw, &o))
	assert.Equal(t, ConflictReplace, o.OnConflict)

	var k Kind
	assert.Error(t, k.UnmarshalText([]byte("weekend")))
	_, err = KindUnset.MarshalText()
	assert.True(t, errors.Is(err, ErrInvalid))
	_, err = json.Marshal(Day{Date: d("2026-01-01")})
	assert.Error(t, err, "an unset kind does not marshal")
}

func TestDateAndRange(t *testing.T) {
	assert.Equal(t, d("2026-03-02"), NewDate(2026, 2, 30))
	assert.Equal(t, d("2027-01-01"), NewDate(2026, 13, 1))
	assert.Equal(t, d("2025-12-31"), NewDate(2026, 1, 0))
	assert.Equal(t, d("2024-02-29"), d("2024-02-28").AddDays(1))
	assert.Equal(t, "0001-01-01", NewDate(1, 1, 1).String())
	assert.False(t, Date{}.IsValid())
	assert.False(t, Date{2026, 2, 29}.IsValid())
	assert.True(t, Date{2024, 2, 29}.IsValid())
	_, err := ParseDate("2026-02-29")
	assert.Error(t, err)
	for n := int64(-800000); n < 3000000; n += 997 {
		x := dateFromDays(n)
		require.Equal(t, n, x.days())
		require.Equal(t, x.In(time.UTC).Weekday(), x.Weekday(), "%s", x)
	}
	var x Date
	require.NoError(t, json.Unmarshal([]byte(`"2026-10-01"`), &x))
	assert.Equal(t, d("2026-10-01"), x)
	assert.Error(t, json.Unmarshal([]byte(`"2026-10-1"`), &x))
	_, err = json.Marshal(Date{2026, 2, 30})
	assert.Error(t, err)
	assert.True(t, Year(2026).Contains(d("2026-12-31")))
	assert.False(t, Year(2026).Contains(d("2027-01-01")))
	assert.NoError(t, Year(2026).Validate())
}
