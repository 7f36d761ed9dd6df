package feedback

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenSnapshot pins the JSON form of snap to testdata/name, then checks
// that restore reads the file back into a value whose snapshot is the same
// JSON, and that it refuses the file with another version, naming it.
func goldenSnapshot[S any](t *testing.T, name string, snap S, restore func(S) (S, error)) {
	t.Helper()
	want := goldenJSON(t, name, snap)
	var back S
	require.NoError(t, json.Unmarshal(want, &back))
	again, err := restore(back)
	require.NoError(t, err)
	data, err := json.Marshal(again)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(data), "restoring %s and snapshotting again changes it", name)

	var raw map[string]any
	require.NoError(t, json.Unmarshal(want, &raw))
	raw["version"] = 99
	other, err := json.Marshal(raw)
	require.NoError(t, err)
	var future S
	require.NoError(t, json.Unmarshal(other, &future))
	_, err = restore(future)
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, "version: format version 99, want ")
}

// goldenJSON pins the indented JSON form of v to testdata/name (rewritten
// with -update) and returns the file's content.
func goldenJSON(t *testing.T, name string, v any) []byte {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run Golden -update to write it")
	assert.Equal(t, string(want), string(got), "the format of %s changed: bump its version", name)
	return want
}

// aggregatorGolden fills an aggregator with a few days of answers and
// contacts in Shanghai.
func aggregatorGolden(t testing.TB) *Aggregator {
	sh := mustLoc(t, "Asia/Shanghai")
	a, err := NewAggregator(Day, sh, Config{MinSamples: 5, ServiceLevelThreshold: 15 * time.Second})
	require.NoError(t, err)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, sh)
	for i := range 12 {
		ts := at.Add(time.Duration(i) * 5 * time.Hour)
		require.NoError(t, a.AddResponse(Response{At: ts, Kind: SurveyKind(1 + i%3), Score: float64(1 + i%5)}))
		require.NoError(t, a.AddRecord(Record{At: ts, FirstResponse: time.Duration(i*4) * time.Second, Handling: 3 * time.Minute,
			Abandoned: i%5 == 0, FCR: FlagOf(i%2 == 0), Complaint: i%4 == 0, CycleTime: time.Hour, Compliant: FlagOf(i%3 > 0)}))
	}
	require.NoError(t, a.AddOrders(at, 40))
	addNewObservations(t, a, at, 5*time.Hour)
	return a
}

// addNewObservations adds, from at on every step, survey invitations, bot
// sessions, a commented response, a resolved complaint and inspections,
// agent and team set.
func addNewObservations(t testing.TB, a *Aggregator, at time.Time, step time.Duration) {
	for i := range 12 {
		ts := at.Add(time.Duration(i) * step)
		d := Dimensions{Agent: []string{"a-1", "a-2", "a-3"}[i%3], Team: []string{"t-1", "t-2"}[i%2], Channel: "chat"}
		require.NoError(t, a.AddInvitation(Invitation{At: ts, Answered: i%3 != 0, Dimensions: d}))
		require.NoError(t, a.AddBotSession(BotSession{At: ts, HandedOff: i%4 == 0, Dimensions: d}))
		require.NoError(t, a.AddResponse(Response{At: ts, Kind: SurveyCSAT, Score: float64(1 + i%5), Comment: "ok",
			Dimensions: Dimensions{Agent: d.Agent, Question: []string{QuestionOverall, QuestionProblemResolution}[i%2], Category: CategoryLogistics}}))
		require.NoError(t, a.AddRecord(Record{At: ts, Complaint: true, ComplaintResolved: FlagOf(i%3 > 0), Dimensions: d}))
		require.NoError(t, a.AddInspection(InspectionResult{ID: pathf("QA-%d", i), At: ts, Kind: SpotCheck, Score: float64(60 + 3*i),
			RawScore: float64(60 + 3*i), Passed: i%4 != 0, Dimensions: Dimensions{Agent: d.Agent, Team: d.Team, Sheet: "call-qa"}}))
	}
}

// slicedGolden is an aggregator sliced by agent (at most two), team and
// question, with an overflow bucket.
func slicedGolden(t testing.TB) *Aggregator {
	a, err := NewAggregator(Day, mustLoc(t, "Asia/Shanghai"), Config{MinSamples: 2, MaxSlices: 2,
		Slicings: []Slicing{SliceBy(DimAgent), SliceBy(DimTeam, DimChannel), SliceBy(DimQuestion)}})
	require.NoError(t, err)
	addNewObservations(t, a, time.Date(2026, 3, 2, 9, 0, 0, 0, a.Location()), 3*time.Hour)
	return a
}

func TestGoldenSlicedAggregatorSnapshot(t *testing.T) {
	goldenSnapshot(t, "aggregator_sliced_snapshot.json", slicedGolden(t).Snapshot(), resnapshot(RestoreAggregator))
}

// A snapshot of format version 2 (before slices and the counters of
// invitations, bot sessions, complaint resolution and inspections) still
// restores, with those counters zero.
func TestRestoreAggregatorReadsVersion2(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "aggregator_snapshot_v2.json"))
	require.NoError(t, err)
	var s AggregatorSnapshot
	require.NoError(t, json.Unmarshal(data, &s))
	require.Equal(t, 2, s.Version)
	a, err := RestoreAggregator(s)
	require.NoError(t, err)
	tot := a.Total()
	assert.EqualValues(t, 4, tot.CSAT.N)
	assert.Zero(t, tot.ResponseRate.N)
	assert.Zero(t, tot.InspectionScore.N)
	assert.Equal(t, AggregatorSnapshotVersion, a.Snapshot().Version)
}

func TestGoldenAggregatorSnapshot(t *testing.T) {
	a := aggregatorGolden(t)
	goldenSnapshot(t, "aggregator_snapshot.json", a.Snapshot(), resnapshot(RestoreAggregator))
	// Version 1 wrote the threshold in nanoseconds; it is still read.
	v1 := a.Snapshot()
	v1.Version = 1
	data, err := json.Marshal(v1)
	require.NoError(t, err)
	var old AggregatorSnapshot
	require.NoError(t, json.Unmarshal([]byte(string(data[:len(data)-1])+`,"config":{"min_samples":5,"service_level_threshold":15000000000}}`), &old))
	b, err := RestoreAggregator(old)
	require.NoError(t, err)
	assert.Equal(t, 15*time.Second, b.Config().ServiceLevelThreshold)
	assert.Equal(t, a.Reports(), b.Reports())
}

func TestGoldenTallySnapshot(t *testing.T) {
	tally, err := NewCategoryTally(Week, mustLoc(t, "Asia/Shanghai"))
	require.NoError(t, err)
	for i := range 20 {
		require.NoError(t, tally.Add(t0.Add(time.Duration(i)*17*time.Hour), []string{CategoryLogistics, CategoryProductQuality, ""}[i%3]))
	}
	goldenSnapshot(t, "tally_snapshot.json", tally.Snapshot(), resnapshot(RestoreCategoryTally))
}
