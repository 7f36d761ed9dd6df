package feedback

import (
	"encoding/json"
	"testing"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/require"
)

// FuzzRestoreRectifications feeds mutated snapshots to
// RestoreRectifications: it must never panic, and whatever it accepts must
// snapshot again to a value it restores to the same state. The seed
// snapshot is large, so run it with a short minimisation, e.g.
// -fuzztime=20s -fuzzminimizetime=1s.
func FuzzRestoreRectifications(f *testing.F) {
	rs, _ := rectScenario(f)
	data, err := json.Marshal(rs.Snapshot())
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"version":1,"items":[],"tracker":{"clocks":[]}}`))
	f.Add([]byte(`{"version":1,"items":[{"item":{"id":"x"},"lifecycle":{"id":"x","state":"closed"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s RectificationsSnapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		clk := clock.NewMock()
		r, err := RestoreRectifications(clk, RectificationConfig{}, s)
		if err != nil {
			return
		}
		snap := r.Snapshot()
		again, err := RestoreRectifications(clk, RectificationConfig{}, snap)
		require.NoError(t, err)
		require.Equal(t, snap, again.Snapshot())
		require.Equal(t, r.List(), again.List())
	})
}
