package workforce

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// roundTrip encodes v, checks it against the golden file and decodes it
// into a fresh value of the same type.
func roundTrip[T any](t *testing.T, name string, v T) T {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, golden(t, name, data), string(data))
	var back T
	require.NoError(t, json.Unmarshal(data, &back))
	return back
}

func TestConfigJSONRoundTrips(t *testing.T) {
	cfg := testConfig()
	cfg.Sticky = true
	cfg.UrgencyStep = sla.Duration(5 * time.Minute)
	cfg.Agents[1].Presence = Away
	assert.Equal(t, cfg, roundTrip(t, "config.json", cfg))

	target := Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second), MaxASA: sla.Duration(30 * time.Second),
		MaxOccupancy: 0.9, Reserve: 0.1, Shrinkage: 0.3, MinAgents: 2}
	assert.Equal(t, target, roundTrip(t, "target.json", target))

	fc := ForecastConfig{Interval: sla.Duration(30 * time.Minute), Days: 4, Trend: true, MaxTrend: 1.2, MakeUpAs: DayFriday, HolidayFallback: DaySaturday}
	assert.Equal(t, fc, roundTrip(t, "forecast_config.json", fc))

	r := testConfig().Roster()
	assert.Equal(t, r, roundTrip(t, "roster.json", r))

	l := Load{Contacts: 120, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(4 * time.Minute)}
	assert.Equal(t, l, roundTrip(t, "load.json", l))

	// Durations are Go duration strings.
	data, err := json.Marshal(target)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"answer_within":"20s"`)
}

func TestEnumsText(t *testing.T) {
	for _, s := range []Strategy{BestSkill, RoundRobin} {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back Strategy
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	_, err := StrategyUnset.MarshalText()
	require.ErrorIs(t, err, ErrInvalidInput)
	var s Strategy
	require.ErrorIs(t, s.UnmarshalText([]byte("random")), ErrInvalidInput)
	require.ErrorIs(t, s.UnmarshalText([]byte("")), ErrInvalidInput)
	assert.Equal(t, "unset", StrategyUnset.String())

	for _, p := range []Presence{PresenceUnset, Available, Away, Offline} {
		b, err := p.MarshalText()
		require.NoError(t, err)
		var back Presence
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, p, back)
	}
	var p Presence
	require.ErrorIs(t, p.UnmarshalText([]byte("asleep")), ErrInvalidInput)
	_, err = Presence(7).MarshalText()
	require.ErrorIs(t, err, ErrInvalidInput)

	for d := DayUnset; d <= DayHoliday; d++ {
		b, err := d.MarshalText()
		require.NoError(t, err)
		var back DayType
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, d, back)
	}
	assert.Equal(t, "monday", DayTypeOf(time.Monday).String())
	assert.Equal(t, DaySunday, DayTypeOf(time.Sunday))
	assert.Equal(t, "DayType(12)", DayType(12).String())
	var d DayType
	require.ErrorIs(t, d.UnmarshalText([]byte("someday")), ErrInvalidInput)
}

func TestConfigValidateReportsEveryProblem(t *testing.T) {
	cfg := Config{
		Skills: []string{"general", "", "general"},
		Shifts: map[string]sla.CalendarSpec{"early": {Location: "UTC", Week: sla.CalendarWeek{Tuesday: []sla.CalendarWindow{{Start: "17:00", End: "09:00"}}}}},
		Agents: []AgentSpec{
			{ID: "a", Skills: map[string]int{"general": 11, "juggling": 1}, Capacity: 0, Shift: "late", Presence: 9},
			{ID: "a", Capacity: 1},
			{Capacity: 1},
		},
		Rules: []Rule{
			{ID: "r", When: map[string]string{"": "x"}, Require: []Requirement{{Skill: "juggling", Level: -1}}},
			{ID: "r"},
			{},
		},
		UrgencyStep: -1,
	}
	err := cfg.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	want := []string{
		"skills[1]", "skills[2]", "shifts.early.week.tuesday[0]",
		"agents[0].skills.general", "agents[0].skills.juggling", "agents[0].capacity", "agents[0].shift", "agents[0].presence",
		"agents[1].id", "agents[2].id",
		"rules[0].when", "rules[0].require[0].skill", "rules[0].require[0].level", "rules[1].id", "rules[2].id",
		"strategy", "urgency_step",
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	var paths []string
	for _, e := range list {
		var fe *FieldError
		require.True(t, errors.As(e, &fe), "%v", e)
		paths = append(paths, fe.Path)
	}
	for _, p := range want {
		assert.Contains(t, paths, p)
	}
	_, err = NewDispatcher(cfg)
	require.ErrorIs(t, err, ErrInvalid)
	require.NoError(t, testConfig().Validate())
}
