package emergency

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func fullConfig() Config {
	return Config{
		Thresholds: []ThresholdRule{complaintRateRule()},
		Changes:    []ChangeRule{NewChangeRule("wow", "complaints")},
		Events:     []EventRule{{Name: "mass", Event: "mass-complaint", Level: Orange, Dwell: sla.Duration(24 * time.Hour)}},
		Shortages: []ShortageRule{{Name: "staff", Available: "on_duty", Demand: "needed",
			Level: Yellow, Enter: 0.9, Exit: 1, Dwell: sla.Duration(30 * time.Minute)}},
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

	decoded, _ := jsonCopy(t, snap)
	assert.Equal(t, snap, decoded)

	restored, err := RestoreBoard(decoded)
	require.NoError(t, err)
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
	restore := func(edit func(s *BoardSnapshot)) error {
		t.Helper()
		s, _ := jsonCopy(t, good)
		edit(&s)
		_, err := RestoreBoard(s)
		return err
	}

	// The configuration travels in the snapshot: one that lacks rules the
	// subjects use does not fit them.
	err := restore(func(s *BoardSnapshot) { s.Config = Config{Thresholds: []ThresholdRule{complaintRateRule()}} })
	assert.ErrorIs(t, err, ErrSnapshot, "rules missing from the configuration")
	assert.ErrorIs(t, err, ErrUnknownRule)

	err = restore(func(s *BoardSnapshot) { s.Version = 99 })
	assert.ErrorIs(t, err, ErrSnapshot)
	assert.ErrorContains(t, err, "emergency: version: format version 99, want 2")
	err = restore(func(s *BoardSnapshot) { s.Config.Changes[0].Alpha = 2 })
	assert.ErrorIs(t, err, ErrSnapshot)
	assert.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, "config.changes[0].alpha")
	assert.ErrorIs(t, restore(func(s *BoardSnapshot) { s.Subjects[1].Subject = s.Subjects[0].Subject }), ErrSnapshot)
	assert.ErrorIs(t, restore(func(s *BoardSnapshot) { s.Subjects[0].Level = None }), ErrSnapshot, "not the top rule level")
	assert.ErrorIs(t, restore(func(s *BoardSnapshot) { s.Subjects[0].Rules[0].Level = 9 }), ErrSnapshot)
	assert.ErrorIs(t, restore(func(s *BoardSnapshot) { s.Subjects[0].Subject = "" }), ErrSnapshot)
	assert.Equal(t, good, b.Snapshot(), "failed restores leave the board unchanged")

	// A configuration with more rules accepts the subjects of fewer.
	w, err := RestoreBoard(func() BoardSnapshot {
		s := b.Snapshot()
		s.Config.Events = append(s.Config.Events, EventRule{Name: "accident", Event: "major-accident", Level: Red})
		return s
	}())
	require.NoError(t, err)
	assert.Equal(t, b.Level("a"), w.Level("a"))
}

// A restore refuses what the live operations refuse, and states the live
// operations cannot reach; each problem names its field.
func TestRestoreBoardRefusesWhatLiveOperationsRefuse(t *testing.T) {
	b := newBoard(t, fullConfig())
	drive(t, b)
	_, raw := jsonCopy(t, b.Snapshot())
	// subjects: a (threshold, dwell pending), b (change), c (event), d
	// (shortage), e (threshold, hold pending); rules in the order
	// complaint-rate, wow, mass, staff.
	tests := []refusal[BoardSnapshot]{
		{"negative count", func(s *BoardSnapshot) { s.Subjects[1].Rules[1].Counts.Baseline = -100 }, "subjects[1].rules[1].counts"},
		{"count above the maximum", func(s *BoardSnapshot) { s.Subjects[1].Rules[1].Counts.Current = MaxCount + 1 }, "subjects[1].rules[1].counts"},
		{"same rule twice", func(s *BoardSnapshot) { s.Subjects[0].Rules[1] = s.Subjects[0].Rules[0] }, "subjects[0].rules[1].rule"},
		{"instant before 1970", func(s *BoardSnapshot) {
			s.Subjects[4].Rules[0].AtLeast[0] = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
		},
			"subjects[4].rules[0].at_least[0]"},
		{"instant after 2262", func(s *BoardSnapshot) { s.Subjects[2].LastEvaluated = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC) },
			"subjects[2].last_evaluated"},
		{"instant after the last evaluation", func(s *BoardSnapshot) { s.Subjects[0].Rules[0].ObservedAt = at(time.Hour) },
			"subjects[0].rules[0].observed_at"},
		{"candidate the inputs do not give", func(s *BoardSnapshot) { s.Subjects[1].Rules[1].Counts.Current = 100 },
			"subjects[1].rules[1].candidate"},
		{"negative resource figure", func(s *BoardSnapshot) { s.Subjects[3].Rules[3].Demand = -10 }, "subjects[3].rules[3].value"},
		{"value not finite", func(s *BoardSnapshot) { s.Subjects[0].Rules[0].Value = math.Inf(1) }, "subjects[0].rules[0].value"},
		{"input the rule does not take", func(s *BoardSnapshot) { s.Subjects[0].Rules[0].HasCounts = true }, "subjects[0].rules[0]"},
		{"hold already over", func(s *BoardSnapshot) { s.Subjects[4].Rules[0].AtLeast[0] = at(0) }, "subjects[4].rules[0]"},
		{"conditions that do not fit", func(s *BoardSnapshot) { s.Subjects[4].Rules[0].AtLeast[0] = time.Time{} }, "subjects[4].rules[0]"},
		{"event without its signal", func(s *BoardSnapshot) { s.Subjects[2].Rules[2].LastSignal = time.Time{} }, "subjects[2].rules[2]"},
		{"history of another subject", func(s *BoardSnapshot) { s.Subjects[0].History[0].Subject = "zz" }, "subjects[0].history[0].subject"},
		{"history ahead of the board", func(s *BoardSnapshot) { s.Seq = 1 }, "subjects[1].history[0].seq"},
		{"history not ending at the level", func(s *BoardSnapshot) { s.Subjects[0].History = nil }, "subjects[0].history"},
	}
	assertRefused(t, raw, func(s BoardSnapshot) (*Board, error) { return RestoreBoard(s) }, tests)
}

// Every problem of a snapshot is reported at once.
func TestRestoreBoardReportsEveryProblem(t *testing.T) {
	b := newBoard(t, fullConfig())
	drive(t, b)
	s := b.Snapshot()
	s.Version = 1
	s.Subjects[0].Subject = ""
	s.Subjects[1].Rules[1].Counts.Current = -1
	_, err := RestoreBoard(s)
	require.Error(t, err)
	assert.Subset(t, fieldPaths(err), []string{"version", "subjects[0].subject", "subjects[1].rules[1].counts"})
}

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// golden compares the JSON of v with testdata/name (rewriting it with
// -update) and returns the file's content.
func golden(t *testing.T, name string, v any) []byte {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./emergency -run Golden -args -update to write it")
	assert.JSONEq(t, string(want), string(got), "the format of %s changed: bump its version", name)
	return want
}

// withVersion returns raw with its top-level "version" set to v.
func withVersion(t *testing.T, raw []byte, v int) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	m["version"] = v
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

func TestBoardSnapshotGolden(t *testing.T) {
	b := newBoard(t, fullConfig())
	drive(t, b)
	raw := golden(t, "board_snapshot.json", b.Snapshot())

	s := decode[BoardSnapshot](t, raw)
	r, err := RestoreBoard(s)
	require.NoError(t, err)
	assert.Equal(t, b.Snapshot(), r.Snapshot())

	for _, v := range []int{1, 3} {
		old := decode[BoardSnapshot](t, withVersion(t, raw, v))
		_, err := RestoreBoard(old)
		require.ErrorIs(t, err, ErrSnapshot)
		assert.ErrorContains(t, err, "version: format version "+string(rune('0'+v))+", want 2")
	}
}
