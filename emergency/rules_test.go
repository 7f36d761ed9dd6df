package emergency

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func fieldPaths(err error) []string {
	var paths []string
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(*FieldError); ok {
			paths = append(paths, fe.Path)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return paths
}

func TestConfigValidate(t *testing.T) {
	good := Config{
		Thresholds: []ThresholdRule{complaintRateRule()},
		Changes:    []ChangeRule{NewChangeRule("wow", "complaints")},
		Events:     []EventRule{{Name: "accident", Event: "major-accident", Level: Red}},
		Shortages: []ShortageRule{{Name: "staff", Available: "on_duty", Demand: "needed",
			Level: Yellow, Enter: 0.9, Exit: 1}},
	}
	require.NoError(t, good.Validate())

	tests := []struct {
		name   string
		mutate func(c *Config)
		paths  []string
		text   string
	}{
		{"negative hold", func(c *Config) { c.Thresholds[0].Hold = sla.Duration(-time.Second) },
			[]string{"thresholds[0].hold"}, "negative duration"},
		{"negative dwell", func(c *Config) { c.Changes[0].Dwell = sla.Duration(-time.Minute) },
			[]string{"changes[0].dwell"}, "negative duration"},
		{"negative event dwell", func(c *Config) { c.Events[0].Dwell = -1 },
			[]string{"events[0].dwell"}, "negative duration"},
		{"alpha zero", func(c *Config) { c.Changes[0].Alpha = 0 },
			[]string{"changes[0].alpha"}, "outside (0,1)"},
		{"alpha one", func(c *Config) { c.Changes[0].Alpha = 1 },
			[]string{"changes[0].alpha"}, "outside (0,1)"},
		{"alpha NaN", func(c *Config) { c.Changes[0].Alpha = math.NaN() },
			[]string{"changes[0].alpha"}, "outside (0,1)"},
		{"exit above enter, higher is worse", func(c *Config) { c.Thresholds[0].Steps[1].Exit = 9 },
			[]string{"thresholds[0].steps[1].exit"}, "above enter value"},
		{"exit below enter, lower is worse", func(c *Config) {
			c.Thresholds[0].Direction = LowerIsWorse
			c.Thresholds[0].Steps = []Step{{Level: Yellow, Enter: 30, Exit: 20}}
		}, []string{"thresholds[0].steps[0].exit"}, "below enter value"},
		{"shortage exit below enter", func(c *Config) { c.Shortages[0].Exit = 0.5 },
			[]string{"shortages[0].exit"}, "below enter value"},
		{"levels not ordered", func(c *Config) { c.Thresholds[0].Steps[2].Enter = 6; c.Thresholds[0].Steps[2].Exit = 5 },
			[]string{"thresholds[0].steps", "thresholds[0].steps"}, "not worse"},
		{"exits not ordered", func(c *Config) { c.Thresholds[0].Steps[1].Exit = 3 },
			[]string{"thresholds[0].steps"}, "exit value 3 of orange is better than exit value 4 of yellow"},
		{"duplicate step", func(c *Config) { c.Thresholds[0].Steps[1].Level = Yellow },
			[]string{"thresholds[0].steps[1].level"}, "duplicate level"},
		{"none level", func(c *Config) { c.Events[0].Level = None },
			[]string{"events[0].level"}, "yellow, orange or red"},
		{"bad level", func(c *Config) { c.Changes[0].Level = 9 },
			[]string{"changes[0].level"}, "Level(9)"},
		{"duplicate names", func(c *Config) { c.Events[0].Name = "wow" },
			[]string{"events[0].name"}, "duplicate rule name"},
		{"measure both value and counts", func(c *Config) { c.Changes[0].Measure = "complaint_rate" },
			[]string{"changes[0].measure"}, "also used as a plain value"},
		{"empty names", func(c *Config) { c.Thresholds[0].Name = ""; c.Shortages[0].Demand = "" },
			[]string{"thresholds[0].name", "shortages[0].demand"}, "empty"},
		{"negative volume and history", func(c *Config) { c.Changes[0].MinVolume = -1; c.HistoryLimit = -1 },
			[]string{"changes[0].min_volume", "history_limit"}, "min_volume"},
		{"every problem at once", func(c *Config) {
			c.Thresholds[0].Hold = -1
			c.Changes[0].Alpha = 2
			c.Shortages[0].Dwell = -1
		}, []string{"thresholds[0].hold", "changes[0].alpha", "shortages[0].dwell"}, "alpha 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := cloneConfig(good)
			tc.mutate(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidConfig)
			assert.ElementsMatch(t, tc.paths, fieldPaths(err))
			assert.Contains(t, err.Error(), tc.text)
			var fe *FieldError
			assert.True(t, errors.As(err, &fe))
			_, err = NewBoard(c)
			assert.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
}

func TestRuleValidateMethods(t *testing.T) {
	assert.NoError(t, complaintRateRule().Validate())
	assert.NoError(t, NewChangeRule("a", "b").Validate())
	assert.NoError(t, NewShortageRule("a", "b", "c").Validate())
	assert.ErrorIs(t, ThresholdRule{}.Validate(), ErrInvalidConfig)
	assert.ErrorIs(t, ChangeRule{}.Validate(), ErrInvalidConfig)
	assert.ErrorIs(t, EventRule{}.Validate(), ErrInvalidConfig)
	assert.ErrorIs(t, ShortageRule{}.Validate(), ErrInvalidConfig)
	assert.Contains(t, EventRule{Name: "x", Event: "y", Level: Red, Dwell: -1}.Validate().Error(),
		"emergency: event.dwell: negative duration")
}

func TestConfigJSONRoundTrip(t *testing.T) {
	cfg := Config{
		Thresholds: []ThresholdRule{complaintRateRule(), {
			Name: "nps", Measure: "nps", Direction: LowerIsWorse,
			Steps: []Step{{Level: Orange, Enter: 0, Exit: 10}}, Dwell: sla.Duration(24 * time.Hour),
		}},
		Changes:      []ChangeRule{NewChangeRule("wow", "complaints")},
		Events:       []EventRule{{Name: "accident", Event: "major-accident", Level: Red, Dwell: sla.Duration(time.Hour)}},
		Shortages:    []ShortageRule{{Name: "staff", Available: "on", Demand: "need", Level: Yellow, Enter: 0.9, Exit: 1}},
		HistoryLimit: 100,
	}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"direction":"lower-is-worse"`)
	assert.Contains(t, string(raw), `"level":"red"`)
	back := decode[Config](t, raw)
	assert.Equal(t, cfg, back)
	b, err := NewBoard(back)
	require.NoError(t, err)
	assert.Equal(t, cfg, b.Config())
}
