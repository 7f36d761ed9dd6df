package emergency

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fullConfig() Config {
	return Config{
		Thresholds: []ThresholdRule{complaintRateRule()},
		Changes:    []ChangeRule{NewChangeRule("wow", "complaints")},
		Events:     []EventRule{{Name: "mass", Event: "mass-complaint", Level: Orange, Dwell: 24 * time.Hour}},
		Shortages: []ShortageRule{{Name: "staff", Available: "on_duty", Demand: "needed",
			Level: Yellow, Enter: 0.9, Exit: 1, Dwell: 30 * time.Minute}},
	}
}

// drive puts several subjects into different states, some with pending
// holds and dwells.
func drive(t *testing.T, b *Board) {
	t.Helper()
	observe(t, b, 0, "a", "complaint_rate", 13)
	b.EvaluateAt(at(10 * time.Minute))
	observe(t, b, 15*time.Minute, "a", "complaint_rate", 3) // dwell pending
	_, err := b.ObserveCountsAt(at(16*time.Minute), "b", "complaints", Counts{Current: 130, Baseline: 100})
	require.NoError(t, err)
	_, err = b.SignalAt(at(17*time.Minute), "c", "mass-complaint", "flood of complaints")
	require.NoError(t, err)
	observe(t, b, 18*time.Minute, "d", "needed", 10)
	observe(t, b, 18*time.Minute, "d", "on_duty", 5)
	observe(t, b, 19*time.Minute, "e", "complaint_rate", 6) // hold pending
}

func TestSnapshotRoundTrip(t *testing.T) {
	b := newBoard(t, fullConfig())
	drive(t, b)
	snap := b.Snapshot()
	require.Len(t, snap.Subjects, 5)

	raw, err := json.Marshal(snap)
	require.NoError(t, err)
	var decoded Snapshot
	require.NoError(t, json.Unmarshal(raw, &decoded))
	assert.Equal(t, snap, decoded)

	restored := newBoard(t, fullConfig())
	require.NoError(t, restored.Restore(decoded))
	assert.Equal(t, snap, restored.Snapshot())
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		assert.Equal(t, b.Level(s), restored.Level(s), s)
		assert.Equal(t, b.History(s), restored.History(s), s)
		st1, _ := b.Status(s)
		st2, _ := restored.Status(s)
		assert.Equal(t, st1, st2, s)
	}
	n1, _ := b.NextDue()
	n2, _ := restored.NextDue()
	assert.Equal(t, n1, n2)

	// Both boards go on identically: same changes at the same instants.
	for _, d := range []time.Duration{29 * time.Minute, 75 * time.Minute, 26 * time.Hour} {
		assert.Equal(t, b.EvaluateAt(at(d)), restored.EvaluateAt(at(d)), d)
	}
	c1 := observe(t, b, 27*time.Hour, "a", "complaint_rate", 20)
	c2 := observe(t, restored, 27*time.Hour, "a", "complaint_rate", 20)
	assert.Equal(t, c1, c2)
	assert.Equal(t, b.Snapshot(), restored.Snapshot())
}

func TestRestoreRejectsMismatch(t *testing.T) {
	b := newBoard(t, fullConfig())
	drive(t, b)
	good := b.Snapshot()

	other := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}})
	assert.ErrorIs(t, other.Restore(good), ErrSnapshot, "rules missing from the board")
	assert.ErrorIs(t, other.Restore(good), ErrUnknownRule)

	bad := b.Snapshot()
	bad.Version = 99
	assert.ErrorIs(t, b.Restore(bad), ErrSnapshot)

	bad = b.Snapshot()
	bad.Subjects[1].Subject = bad.Subjects[0].Subject
	assert.ErrorIs(t, b.Restore(bad), ErrSnapshot)

	bad = b.Snapshot()
	bad.Subjects[0].Level = None // not the top rule level
	assert.ErrorIs(t, b.Restore(bad), ErrSnapshot)

	bad = b.Snapshot()
	bad.Subjects[0].Rules[0].Level = 9
	assert.ErrorIs(t, b.Restore(bad), ErrSnapshot)

	bad = b.Snapshot()
	bad.Subjects[0].Subject = ""
	assert.ErrorIs(t, b.Restore(bad), ErrSnapshot)

	assert.Equal(t, good, b.Snapshot(), "failed restores leave the board unchanged")

	// A board with more rules accepts a snapshot of fewer.
	wider := fullConfig()
	wider.Events = append(wider.Events, EventRule{Name: "accident", Event: "major-accident", Level: Red})
	w := newBoard(t, wider)
	require.NoError(t, w.Restore(good))
	assert.Equal(t, b.Level("a"), w.Level("a"))
}
