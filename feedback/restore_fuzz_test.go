package feedback

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// fuzzRestore feeds mutated snapshots to restore: it must never panic, and
// whatever it accepts must snapshot again to a value it restores to the
// same snapshot, and use (the operations of the restored value) must not
// panic either. Seeds are snapshots; the large ones want a short
// minimisation, e.g. -fuzztime=20s -fuzzminimizetime=1s.
func fuzzRestore[S, X any](f *testing.F, restore func(S) (X, error), snapshot func(X) S, use func(X), seeds ...any) {
	for _, s := range seeds {
		data, ok := s.([]byte)
		if !ok {
			var err error
			data, err = json.Marshal(s)
			require.NoError(f, err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s S
		if json.Unmarshal(data, &s) != nil {
			return
		}
		x, err := restore(s)
		if err != nil {
			return
		}
		snap := snapshot(x)
		again, err := restore(snap)
		require.NoError(t, err)
		require.Equal(t, snap, snapshot(again))
		use(x)
	})
}

// later is far enough for every deadline of the scenarios to fall due.
var later = t0.Add(365 * 24 * time.Hour)

// useEngine reads a restored engine and drives its timeline past every
// deadline.
func useEngine(x interface {
	AttainmentAt(at time.Time) []sla.Attainment
	AdvanceTo(at time.Time) int
}) {
	_ = x.AttainmentAt(later)
	x.AdvanceTo(later)
}

// emptyEngine is the snapshot of an engine without items.
var emptyEngine = []byte(`{"version":2,"items":[],"timeline":{"version":2,"records":[]}}`)

func FuzzRestoreRectifications(f *testing.F) {
	rs, _ := rectScenario(f)
	fuzzRestore(f, bind(RestoreRectifications, WithClock(clock.NewMock())), (*Rectifications).Snapshot,
		func(r *Rectifications) { _, _ = r.OverdueAt(later), r.List(); useEngine(r) }, rs.Snapshot(), emptyEngine,
		[]byte(`{"version":2,"items":[{"item":{"id":"x"},"lifecycle":{"id":"x","state":"closed"}}]}`))
}

func FuzzRestoreReturnVisits(f *testing.F) {
	rv, _ := rvScenario(f)
	fuzzRestore(f, bind(RestoreReturnVisits, WithClock(clock.NewMock())), (*ReturnVisits).Snapshot,
		func(r *ReturnVisits) { _, _ = r.OverdueAt(later), r.List(); useEngine(r) }, rv.Snapshot(), emptyEngine)
}

func FuzzRestoreAggregator(f *testing.F) {
	fuzzRestore(f, func(s AggregatorSnapshot) (*Aggregator, error) { return RestoreAggregator(s) }, (*Aggregator).Snapshot,
		func(a *Aggregator) {
			_ = a.Total()
			reps := a.Reports()
			_ = a.AddOrders(t0, 1)
			d := Dimensions{Agent: "a-9", Team: "t-1", Channel: "chat", Question: QuestionOverall}
			_ = a.AddResponse(Response{At: t0, Kind: SurveyCSAT, Score: 5, Dimensions: d})
			for _, r := range reps {
				for _, by := range a.Slicings() {
					_, _ = a.SliceReportsAt(r.Window.Start, by)
				}
				_, _ = a.VersusAt(r.Window.Start, SeedTargets())
			}
		}, aggregatorGolden(f).Snapshot(), slicedGolden(f).Snapshot())
}

// FuzzSlicingText: what UnmarshalText accepts is a valid slicing that
// marshals back to a text it reads the same way.
func FuzzSlicingText(f *testing.F) {
	for _, s := range []string{"agent", "team+channel", "sheet+agent+tier", "question+question", "+", "agent+agent+team+tier"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		var s Slicing
		if s.UnmarshalText([]byte(text)) != nil {
			return
		}
		require.NoError(t, s.Validate())
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back Slicing
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, s, back)
	})
}

func FuzzRestoreCategoryTally(f *testing.F) {
	tally, err := NewCategoryTally(Day, time.UTC)
	require.NoError(f, err)
	require.NoError(f, tally.AddN(t0, "a", 3))
	require.NoError(f, tally.AddN(t0.Add(24*time.Hour), "b", 2))
	fuzzRestore(f, func(s TallySnapshot) (*CategoryTally, error) { return RestoreCategoryTally(s) }, (*CategoryTally).Snapshot,
		func(t *CategoryTally) {
			_ = t.TopMovers(t0.Add(24*time.Hour), 0)
			_ = t.Add(t0, "c")
		}, tally.Snapshot())
}

func FuzzRestoreBook(f *testing.F) {
	fuzzRestore(f, func(s BookSnapshot) (*Book, error) { return RestoreBook(s) }, (*Book).Snapshot,
		func(b *Book) {
			_ = b.OverdueAt(later)
			for _, c := range b.List() {
				_, _ = NewReview(Window{Granularity: Year, Start: c.OpenedAt, End: later}, b.List(), nil)
				_ = b.CloseAt(later, c.ID)
			}
		}, bookGolden(f).Snapshot())
}
