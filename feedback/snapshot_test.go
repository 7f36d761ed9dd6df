package feedback

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAggregatorSnapshotRoundTrip(t *testing.T) {
	loc := mustLoc(t, "America/New_York")
	a, err := NewAggregator(Day, loc, Config{MinSamples: 2, ServiceLevelThreshold: 15 * time.Second})
	require.NoError(t, err)
	at := time.Date(2026, 3, 7, 10, 0, 0, 0, loc) // spans the DST change on the 8th
	for i := 0; i < 200; i++ {
		ts := at.Add(time.Duration(i) * 37 * time.Minute)
		require.NoError(t, a.AddResponse(Response{At: ts, Kind: SurveyKind(1 + i%3), Score: float64(1 + i%5)}))
		require.NoError(t, a.AddRecord(Record{At: ts, FirstResponse: time.Duration(i%40) * time.Second, Handling: time.Minute, Abandoned: i%9 == 0, FCR: FlagOf(i%2 == 0)}))
	}
	require.NoError(t, a.AddOrders(at, 500))

	data, err := json.Marshal(a.Snapshot())
	require.NoError(t, err)
	b, err := RestoreAggregator(roundTrip(t, a.Snapshot()))
	require.NoError(t, err)

	want, err := json.Marshal(a.Reports())
	require.NoError(t, err)
	got, err := json.Marshal(b.Reports())
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
	again, err := json.Marshal(b.Snapshot())
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again))
	// The restored aggregator keeps counting into the same windows.
	require.NoError(t, b.AddResponse(Response{At: at, Kind: SurveyCSAT, Score: 5}))
	assert.Equal(t, a.ReportAt(at).CSAT.N+1, b.ReportAt(at).CSAT.N)
	assert.Equal(t, "America/New_York", b.Location().String())
	assert.Equal(t, Day, b.Granularity())
}

func TestRestoreAggregatorRejectsBadSnapshots(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	require.NoError(t, a.AddResponse(Response{At: t0, Kind: SurveyCSAT, Score: 5}))
	good := a.Snapshot()

	_, err = RestoreAggregator(AggregatorSnapshot{Version: 9, Location: "Nowhere/City"})
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "version")
	assert.Contains(t, err.Error(), "location")

	bad := good
	bad.Windows = append([]WindowCounters{}, good.Windows...)
	bad.Windows = append(bad.Windows, good.Windows[0])               // duplicate
	bad.Windows = append(bad.Windows, WindowCounters{Window: Window{ // not a day boundary
		Granularity: Day, Start: t0.Add(48 * time.Hour), End: t0.Add(72 * time.Hour),
	}})
	neg := good.Windows[0]
	neg.Window = neg.Window.Next().Next().Next()
	neg.Counters.CSATSatisfied = 9
	neg.Counters.Orders = -1
	bad.Windows = append(bad.Windows, neg)
	_, err = RestoreAggregator(bad)
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, s := range []string{"windows[1].window: duplicate", "windows[2].window", "windows[3].counters.orders", "windows[3].counters.csat_satisfied"} {
		assert.Contains(t, err.Error(), s)
	}
}

func TestCategoryTallySnapshotRoundTrip(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	tally, err := NewCategoryTally(Month, sh)
	require.NoError(t, err)
	for i := 0; i < 90; i++ {
		require.NoError(t, tally.Add(t0.AddDate(0, 0, i), []string{CategoryLogistics, CategoryProductQuality, ""}[i%3]))
	}
	snap := roundTrip(t, tally.Snapshot())
	back, err := RestoreCategoryTally(snap)
	require.NoError(t, err)
	assert.Equal(t, roundTrip(t, tally.Snapshot()), roundTrip(t, back.Snapshot()))
	assert.Equal(t, tally.TopMovers(t0.AddDate(0, 1, 0), 2).Movers, back.TopMovers(t0.AddDate(0, 1, 0), 2).Movers)

	snap.Windows[0].Counts["x"] = -2
	snap.Windows = append(snap.Windows, snap.Windows[1])
	_, err = RestoreCategoryTally(snap)
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), `windows[0].counts: invalid entry "x"`)
	assert.Contains(t, err.Error(), "duplicate window")
	_, err = RestoreCategoryTally(TallySnapshot{Version: 1, Location: "UTC"})
	require.ErrorIs(t, err, ErrInvalidConfig, "granularity missing")
}

// Restores refuse counters that counting could not produce, and totals
// that overflow when the windows are merged (Total), which the restores
// accepted before.
func TestRestoreAggregatorRefusesWhatCountingCannotProduce(t *testing.T) {
	good := aggregatorGolden(t).Snapshot()
	require.GreaterOrEqual(t, len(good.Windows), 2)
	refuses(t, good, resnapshot(RestoreAggregator), []refusal[AggregatorSnapshot]{
		{"orders overflow across windows", func(s *AggregatorSnapshot) {
			s.Windows[0].Counters.Orders = math.MaxInt64/2 + 1
			s.Windows[1].Counters.Orders = math.MaxInt64/2 + 1
		}, "windows[1].counters: the totals over the windows up to this one overflow"},
		{"promoters and detractors overflow", func(s *AggregatorSnapshot) {
			c := &s.Windows[0].Counters
			c.NPSResponses, c.NPSPromoters, c.NPSDetractors = math.MaxInt64, math.MaxInt64, math.MaxInt64
		}, "windows[0].counters.nps_promoters"},
		{"a speed of answer per answered contact", func(s *AggregatorSnapshot) {
			s.Windows[0].Counters.Speed.N++
		}, "windows[0].counters.speed.n"},
		{"CES mean off its scale", func(s *AggregatorSnapshot) {
			s.Windows[0].Counters.CES.Mean = 9
		}, "windows[0].counters.ces: mean 9 outside the range of the values, 1 to 7"},
		{"negative speed", func(s *AggregatorSnapshot) {
			s.Windows[0].Counters.Speed.Mean = -3
		}, "windows[0].counters.speed"},
		{"moments without values", func(s *AggregatorSnapshot) {
			s.Windows[1].Counters.CES = Moments{Mean: 2}
		}, "windows[1].counters.ces: no values"},
		{"complaints beyond the contacts", func(s *AggregatorSnapshot) {
			s.Windows[0].Counters.Complaints = s.Windows[0].Counters.Offered + 1
		}, "windows[0].counters.complaints"},
		{"a window of another granularity", func(s *AggregatorSnapshot) {
			s.Windows[0].Window.Granularity = Week
		}, "windows[0].window"},
	})
}

func TestAddOrdersRefusesAnOverflowingTotal(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	require.NoError(t, a.AddOrders(t0, math.MaxInt64/2+1))
	err = a.AddOrders(t0.Add(48*time.Hour), math.MaxInt64/2+1)
	require.ErrorIs(t, err, ErrInvalidRecord)
	assert.ErrorContains(t, err, "overflow")
	assert.EqualValues(t, math.MaxInt64/2+1, a.Total().ComplaintRate.N, "nothing counted")
	b, err := RestoreAggregator(a.Snapshot())
	require.NoError(t, err)
	require.ErrorIs(t, b.AddOrders(t0, math.MaxInt64/2+1), ErrInvalidRecord, "the restored total is known")
}

func TestCategoryTallyRefusesOverflow(t *testing.T) {
	tally, err := NewCategoryTally(Day, time.UTC)
	require.NoError(t, err)
	require.NoError(t, tally.AddN(t0, "a", math.MaxInt64-1))
	require.ErrorIs(t, tally.AddN(t0, "b", 2), ErrInvalidRecord)
	require.NoError(t, tally.AddN(t0.Add(24*time.Hour), "b", 2), "another window has its own total")
	assert.EqualValues(t, math.MaxInt64-1, tally.Counts(t0).Total)

	snap := tally.Snapshot()
	snap.Windows[0].Counts["b"] = 2
	snap.Windows[0].Total = 1
	_, err = RestoreCategoryTally(snap)
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, `windows[0].counts: invalid entry "b": 2`)
	snap = tally.Snapshot()
	snap.Windows[1].Total = 3
	_, err = RestoreCategoryTally(snap)
	assert.ErrorContains(t, err, "windows[1].total: 3, but the counts add up to 2")
}

func TestRestoreWithLocation(t *testing.T) {
	odd := time.FixedZone("UTC+8:45", (8*60+45)*60)
	a, err := NewAggregator(Day, odd, Config{})
	require.NoError(t, err)
	require.NoError(t, a.AddResponse(Response{At: t0, Kind: SurveyCSAT, Score: 5}))
	_, err = RestoreAggregator(a.Snapshot())
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, "location: unknown time zone UTC+8:45 (pass a location of that name with WithLocation)")
	b, err := RestoreAggregator(a.Snapshot(), WithLocation(odd))
	require.NoError(t, err)
	assert.Equal(t, a.Reports(), b.Reports())

	tally, err := NewCategoryTally(Week, odd)
	require.NoError(t, err)
	require.NoError(t, tally.Add(t0, "x"))
	back, err := RestoreCategoryTally(tally.Snapshot(), WithLocation(odd))
	require.NoError(t, err)
	assert.Equal(t, tally.All(), back.All())
	assert.Same(t, odd, back.Location())
}
