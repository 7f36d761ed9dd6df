package emergency

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func FuzzParseGrade(f *testing.F) {
	for _, s := range []string{"I", "ii", " III ", "4", "V", "", "0", "IIII", "1x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGrade(s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidGrade)
			return
		}
		require.True(t, g.Valid())
		b, err := g.MarshalText()
		require.NoError(t, err)
		back, err := ParseGrade(string(b))
		require.NoError(t, err)
		require.Equal(t, g, back)
	})
}

func TestIncidentConfigJSONRoundTrip(t *testing.T) {
	cfg := DefaultIncidentConfig()
	cfg.Calendar = "24x7"
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	var back IncidentConfig
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, cfg, back)
	assert.Contains(t, string(raw), `"grade":"I"`)

	ob := DefaultObligationConfig()
	raw, err = json.Marshal(ob)
	require.NoError(t, err)
	var obBack ObligationConfig
	require.NoError(t, json.Unmarshal(raw, &obBack))
	assert.Equal(t, ob, obBack)

	d := drillTestScenario()
	d.Steps = append(d.Steps, DrillStep{After: time.Hour, Action: DrillRegrade, Grade: GradeI, Actor: "x", Reason: "y"})
	raw, err = json.Marshal(d)
	require.NoError(t, err)
	var dBack Drill
	require.NoError(t, json.Unmarshal(raw, &dBack))
	assert.Equal(t, d, dBack)

	p := Plan{ID: "p", Version: 3, Types: []IncidentType{SecurityEvent}, Grades: []Grade{GradeII}, Roles: []string{"r"},
		Steps: []PlanStep{{Name: "s", Role: "r", Within: time.Hour}}}
	raw, err = json.Marshal(p)
	require.NoError(t, err)
	var pBack Plan
	require.NoError(t, json.Unmarshal(raw, &pBack))
	assert.Equal(t, p, pBack)

	var g Grade
	assert.ErrorIs(t, json.Unmarshal([]byte(`"V"`), &g), ErrInvalidGrade)
}
