package sla

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tkBusiness(t testing.TB, loc string) *Calendar {
	t.Helper()
	day := []CalendarWindow{{Start: "09:00", End: "17:00"}}
	c, err := NewCalendar(CalendarSpec{Location: loc, Week: CalendarWeek{Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}})
	require.NoError(t, err)
	return c
}

func TestPolicyValidateReportsEverything(t *testing.T) {
	p := Policy{
		Version:   -1,
		OnChange:  "sometimes",
		Warnings:  []Rung{{Percent: 150}, {}, {Percent: 50, Before: Duration(time.Minute)}, {Before: Duration(-time.Minute)}},
		Reminders: []Duration{Duration(time.Hour), Duration(time.Minute), 0},
		Rules: []Rule{
			{Name: "a", Match: map[string][]string{"priority": {}}, Targets: []Target{{Metric: "bad/metric", Within: 0}}},
			{Name: "a", Targets: []Target{{Metric: Resolution, Within: Duration(time.Hour)}, {Metric: Resolution, Within: Duration(time.Hour)}}},
			{Name: "empty"},
		},
		Fallback: &Rule{Match: map[string][]string{"x": {"y"}}, Targets: []Target{{Metric: FirstResponse, Within: Duration(time.Hour), Calendar: "c"}}},
	}
	err := p.Validate()
	require.Error(t, err)
	require.ErrorIs(t, err, ErrInvalid)
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	for _, want := range []string{
		"sla: id: must not be empty",
		"sla: version: must not be negative",
		"sla: on_change: unknown strategy",
		"sla: warnings[0].percent: must be between 0 and 100",
		"sla: warnings[1]: set percent or before",
		"sla: warnings[2]: set percent or before, not both",
		"sla: warnings[3].before: must be positive",
		"sla: reminders[1]: must be later than the previous reminder",
		"sla: reminders[2]: must be positive",
		"sla: rules[0].match.priority: lists no values",
		"sla: rules[0].targets[0].metric: invalid metric name \"bad/metric\"",
		"sla: rules[0].targets[0].within: must be positive",
		"sla: rules[0].targets[0].calendar: no calendar named",
		"sla: rules[1].name: duplicate rule name \"a\"",
		"sla: rules[1].targets[1].metric: duplicate target for resolution",
		"sla: rules[2].targets: must not be empty",
		"sla: fallback.match: a fallback matches everything",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "fallback.targets[0].calendar")
}

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	require.NoError(t, p.Validate())

	b, err := json.Marshal(p)
	require.NoError(t, err)
	var back Policy
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p, back)
	assert.Contains(t, string(b), `"within":"10m0s"`)

	ps, err := NewPolicies(DefaultRegistry(tkBusiness(t, "Asia/Shanghai")), p)
	require.NoError(t, err)
	at := time.Date(2026, 5, 6, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		attrs  Attributes
		metric Metric
		within time.Duration
		rule   string
		cal    string
		err    error
	}{
		{"urgent response", Attributes{"priority": "urgent"}, FirstResponse, 10 * time.Minute, "urgent", "24x7", nil},
		{"normal response", Attributes{"priority": "normal"}, FirstResponse, 30 * time.Minute, "normal", "24x7", nil},
		{"general response", Attributes{"priority": "low"}, FirstResponse, 15 * time.Minute, "general", "24x7", nil},
		{"complex handled in 48h", Attributes{"complexity": "complex"}, Resolution, 48 * time.Hour, "complex", "24x7", nil},
		{"preliminary solution in 2 working days", Attributes{"complexity": "complex"}, NextResponse, 16 * time.Hour, "complex", "business", nil},
		{"complaint answered in 24h", Attributes{"type": "complaint", "priority": "urgent"}, FirstResponse, 24 * time.Hour, "complaint", "24x7", nil},
		{"complaint handled in 48h", Attributes{"type": "complaint"}, Resolution, 48 * time.Hour, "complaint", "24x7", nil},
		{"fast-track complaint", Attributes{"type": "complaint", "channel": "fast_track"}, FirstResponse, time.Hour, "complaint-fast-track", "24x7", nil},
		{"urgent resolution defers to the fallback", Attributes{"priority": "urgent"}, Resolution, 48 * time.Hour, "general", "24x7", nil},
		{"no next response target", Attributes{"priority": "normal"}, NextResponse, 0, "", "", ErrNoMatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ps.Spec(at, tc.attrs, tc.metric)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.within, s.Target())
			assert.Equal(t, tc.rule, s.Def().Rule)
			assert.Equal(t, tc.cal, s.Def().Calendar)
			again, err := ps.Spec(at, tc.attrs, tc.metric)
			require.NoError(t, err)
			assert.Same(t, s, again, "specs are shared")
			found, ok := ps.Lookup(s.Def())
			require.True(t, ok)
			assert.Same(t, s, found)
		})
	}

	urgent, err := ps.Spec(at, Attributes{"priority": "urgent"}, FirstResponse)
	require.NoError(t, err)
	assert.Equal(t, []Step{
		{Warning, 1, 5 * time.Minute}, {Warning, 2, 7*time.Minute + 30*time.Second}, {Warning, 3, 9 * time.Minute},
		{Breach, 1, 10 * time.Minute}, {Reminder, 1, 25 * time.Minute},
	}, urgent.Events(), "15 minutes before is dropped on a 10-minute target")
}

func TestPoliciesVersions(t *testing.T) {
	reg := Registry{"24x7": tkAlways{}}
	v1 := Policy{ID: "p", Version: 1, Calendar: "24x7", EffectiveFrom: tkT0,
		Fallback: &Rule{Name: "all", Targets: []Target{{Metric: Resolution, Within: Duration(time.Hour)}}}}
	v2 := v1
	v2.Version, v2.EffectiveFrom = 2, tkT0.Add(24*time.Hour)
	v2.Fallback = &Rule{Name: "all", Targets: []Target{{Metric: Resolution, Within: Duration(2 * time.Hour)}}}
	v2.OnChange = Rescale
	ps, err := NewPolicies(reg, v2, v1)
	require.NoError(t, err)

	_, err = ps.Spec(tkT0.Add(-time.Second), nil, Resolution)
	require.ErrorIs(t, err, ErrNoPolicyVersion)
	s1, err := ps.Spec(tkT0.Add(23*time.Hour), nil, Resolution)
	require.NoError(t, err)
	assert.Equal(t, time.Hour, s1.Target())
	s2, err := ps.Spec(tkT0.Add(24*time.Hour), nil, Resolution)
	require.NoError(t, err)
	assert.Equal(t, 2*time.Hour, s2.Target())
	assert.Equal(t, KeepElapsed, ps.Strategy(tkT0))
	assert.Equal(t, Rescale, ps.Strategy(tkT0.Add(48*time.Hour)))
	v, err := ps.Version(tkT0.Add(30 * time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, v.Version)

	// A clock keeps the version in force when it started unless re-targeted.
	c := NewClock(s1)
	require.NoError(t, c.Start(tkT0.Add(23*time.Hour+30*time.Minute)))
	due, _ := c.Due()
	assert.Equal(t, tkT0.Add(24*time.Hour+30*time.Minute), due)
	now := tkT0.Add(24 * time.Hour)
	cur, err := ps.Spec(now, nil, Resolution)
	require.NoError(t, err)
	require.NoError(t, c.Retarget(now, cur, ps.Strategy(now)))
	due, _ = c.Due()
	assert.Equal(t, tkT0.Add(25*time.Hour), due, "rescaled: 30m of 1h becomes 1h of 2h, 1h left")

	dup := v1
	dup.EffectiveFrom = tkT0
	_, err = NewPolicies(reg, v1, dup)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "same instant")
	other := v2
	other.ID = "q"
	other.Calendar = "nowhere"
	_, err = NewPolicies(reg, v1, other)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), `versions[1].id`)
	assert.Contains(t, err.Error(), `versions[1].fallback.targets[0].calendar: unknown calendar "nowhere"`)
	_, err = NewPolicies(reg)
	require.ErrorIs(t, err, ErrInvalid)
}

func TestSpecValidation(t *testing.T) {
	_, err := NewSpec(SpecDef{Metric: "", Within: -1, Warnings: []Rung{{}}, Reminders: []Duration{0}}, nil)
	require.ErrorIs(t, err, ErrInvalid)
	for _, want := range []string{"metric", "within", "calendar", "warnings[0]", "reminders[0]"} {
		assert.Contains(t, err.Error(), "sla: "+want)
	}
}

func TestJSONForms(t *testing.T) {
	var m Metric
	require.NoError(t, json.Unmarshal([]byte(`"next_response"`), &m))
	assert.Equal(t, NextResponse, m)
	for _, ok := range []Metric{FirstResponse, NextResponse, Resolution, "assessment", "rectification"} {
		assert.True(t, ok.Valid(), ok)
	}
	for _, bad := range []Metric{"", "a/b", "two words", Metric(strings.Repeat("x", 65))} {
		assert.False(t, bad.Valid(), bad)
	}
	var d Duration
	require.NoError(t, json.Unmarshal([]byte(`"1h30m"`), &d))
	assert.Equal(t, Duration(90*time.Minute), d)
	require.NoError(t, json.Unmarshal([]byte(`60000000000`), &d))
	assert.Equal(t, Duration(time.Minute), d)
	require.ErrorIs(t, json.Unmarshal([]byte(`"soon"`), &d), ErrDuration)
	ev := Event{ID: EventID{Clock: "T-1", Metric: Resolution, Kind: Warning, Cycle: 2, Step: 3}, At: tkT0, Target: Duration(time.Hour)}
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":{"clock":"T-1","metric":"resolution","kind":"warning","cycle":2,"step":3},"at":"2026-03-02T09:00:00Z","target":"1h0m0s","elapsed":"0s"}`, string(b))
	var back Event
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, ev, back)
	assert.Equal(t, "T-1/resolution/warning/2/3", ev.ID.String())
	var st Status
	require.NoError(t, json.Unmarshal([]byte(`"paused"`), &st))
	assert.Equal(t, Paused, st)
	_, err = json.Marshal(Kind(0))
	require.Error(t, err)
}

func TestTargetOverridesSurviveJSON(t *testing.T) {
	p := Policy{ID: "p", Calendar: "24x7", Warnings: []Rung{{Percent: 50}}, Reminders: []Duration{Duration(time.Minute)},
		Rules:    []Rule{{Name: "quiet", Targets: []Target{{Metric: Resolution, Within: Duration(time.Hour), Warnings: []Rung{}, Reminders: []Duration{}}}}},
		Fallback: &Rule{Name: "loud", Targets: []Target{{Metric: Resolution, Within: Duration(time.Hour)}}}}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var back Policy
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p, back)
	ps, err := NewPolicies(Registry{"24x7": tkAlways{}}, back)
	require.NoError(t, err)
	quiet, err := ps.Spec(time.Time{}, Attributes{}, Resolution)
	require.NoError(t, err)
	assert.Equal(t, []Step{{Breach, 1, time.Hour}}, quiet.Events(), "empty lists override the policy's ladder and reminders")
	cp, _ := ps.at(time.Time{})
	loud := cp.fallback.specs[Resolution]
	assert.Equal(t, []Step{{Warning, 1, 30 * time.Minute}, {Breach, 1, time.Hour}, {Reminder, 1, time.Hour + time.Minute}}, loud.Events())
}

func TestRegistryFromSpecs(t *testing.T) {
	day := []CalendarWindow{{Start: "09:00", End: "17:00"}}
	reg, err := RegistryFromSpecs(map[string]CalendarSpec{
		"berlin": {Location: "Europe/Berlin", Week: CalendarWeek{Monday: day}},
		"24x7":   AlwaysOpen().Spec(),
	})
	require.NoError(t, err)
	bt, err := reg.Lookup("berlin")
	require.NoError(t, err)
	assert.Equal(t, 8*time.Hour, bt.Between(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)))
	_, err = reg.Lookup("paris")
	require.ErrorIs(t, err, ErrUnknownCalendar)

	_, err = RegistryFromSpecs(map[string]CalendarSpec{"": {}, "nowhere": {Location: "Mars/Olympus", Week: CalendarWeek{Monday: day}}, "closed": {Location: "UTC"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `calendar "nowhere"`)
	assert.Contains(t, err.Error(), `calendar "closed"`)
	assert.Contains(t, err.Error(), "empty calendar name")
	require.ErrorIs(t, err, ErrCalendarNoWorkingTime)
}

// TestSpecReminderBeyondDurationRange: a reminder whose offset after a long
// target passes the largest time.Duration is rejected (the sum used to wrap
// around to a negative elapsed time, so the reminder fell before the
// breach).
func TestSpecReminderBeyondDurationRange(t *testing.T) {
	long := Duration(200 * 365 * 24 * time.Hour)
	_, err := NewSpec(SpecDef{Metric: Resolution, Within: long, Reminders: []Duration{Duration(time.Hour), long}}, tkAlways{})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "sla: reminders[1]: ")
	_, err = NewSpec(SpecDef{Metric: Resolution, Within: long, Reminders: []Duration{Duration(time.Hour)}}, tkAlways{})
	require.NoError(t, err)
}
