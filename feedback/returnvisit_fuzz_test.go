package feedback

import (
	"encoding/json"
	"testing"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/require"
)

// FuzzRestoreReturnVisits feeds mutated snapshots to RestoreReturnVisits:
// it must never panic, and whatever it accepts must snapshot again to a
// value it restores to the same state. The seed snapshot is large, so run it
// with a short minimisation, e.g. -fuzztime=20s -fuzzminimizetime=1s.
func FuzzRestoreReturnVisits(f *testing.F) {
	rv, _ := rvScenario(f)
	data, err := json.Marshal(rv.Snapshot())
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"version":1,"visits":[],"tracker":{"clocks":[]}}`))
	cfg := ReturnVisitConfig{HighRiskCategories: []string{"safety"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s ReturnVisitsSnapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		clk := clock.NewMock()
		r, err := RestoreReturnVisits(clk, cfg, s)
		if err != nil {
			return
		}
		snap := r.Snapshot()
		again, err := RestoreReturnVisits(clk, cfg, snap)
		require.NoError(t, err)
		require.Equal(t, snap, again.Snapshot())
		require.Equal(t, r.List(), again.List())
	})
}
