package feedback

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// callSheet is a spot-check sheet of four items, one critical, one that
// may not apply.
func callSheet() ScoreSheet {
	return ScoreSheet{ID: "call-qa", Name: "Call quality", Kind: SpotCheck, PassScore: 80, Items: []SheetItem{
		{ID: "greeting", Text: "Greets and names themself", Weight: 1},
		{ID: "verify", Text: "Verifies the customer's identity", Weight: 2, Critical: true},
		{ID: "solution", Text: "Solves the problem", Weight: 5, Max: 5},
		{ID: "upsell", Text: "Offers the loyalty plan", Weight: 2, AllowNA: true},
	}}
}

func answers(points ...float64) []Answer {
	ids := []string{"greeting", "verify", "solution", "upsell"}
	out := make([]Answer, len(points))
	for i, p := range points {
		out[i] = Answer{Item: ids[i], Points: p, NA: math.IsNaN(p)}
		if out[i].NA {
			out[i].Points = 0
		}
	}
	return out
}

func TestScoreSheetScores(t *testing.T) {
	na := math.NaN()
	for _, tc := range []struct {
		name           string
		answers        []Answer
		score, raw     float64
		passed         bool
		criticalFailed []string
	}{
		{"full marks", answers(1, 1, 5, 1), 100, 100, true, nil},
		{"weighted partial", answers(1, 1, 3, 0), 60, 60, false, nil},
		{"exactly the pass score", answers(0, 1, 5, 1), 90, 90, true, nil},
		{"not applicable leaves the weight out", answers(1, 1, 4, na), 100 * 7 / 8.0, 100 * 7 / 8.0, true, nil},
		{"a critical item vetoes the sheet", answers(1, 0, 5, 1), 0, 80, false, []string{"verify"}},
		{"weighted with partial points", answers(1, 1, 3.5, 1), 85, 85, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Inspection{ID: "QA-1", Work: "T-9", At: t0, Inspector: "q-1", Answers: tc.answers, Dimensions: Dimensions{Agent: "a-1", Team: "t-1"}}
			r, err := callSheet().Score(in)
			require.NoError(t, err)
			assert.InDelta(t, tc.score, r.Score, 1e-9)
			assert.InDelta(t, tc.raw, r.RawScore, 1e-9)
			assert.Equal(t, tc.passed, r.Passed)
			assert.Equal(t, tc.criticalFailed, r.CriticalFailed)
			assert.Equal(t, "call-qa", r.Sheet)
			assert.Equal(t, SpotCheck, r.Kind)
			assert.Equal(t, "a-1", r.Agent)
			require.Len(t, r.Items, 4)
			assert.Equal(t, 5.0, r.Items[2].Max)
			assert.NoError(t, checkInspection(&r, -1), "AddInspection accepts what Score gives")
		})
	}
}

// Weights of 0.1, 0.5 and 0.2 give 74.99999999999999 in floating point
// for the first two items; the sheet rounds, so a pass score of 75 passes.
func TestScoreSheetPassScoreOnAFloatEdge(t *testing.T) {
	sheet := ScoreSheet{ID: "sop", Kind: SOPCheck, PassScore: 75, Items: []SheetItem{{ID: "a", Weight: 0.1}, {ID: "b", Weight: 0.5}, {ID: "c", Weight: 0.2}}}
	r, err := sheet.Score(Inspection{ID: "x", At: t0, Answers: []Answer{{Item: "a", Points: 1}, {Item: "b", Points: 1}, {Item: "c"}}})
	require.NoError(t, err)
	assert.Equal(t, 75.0, r.RawScore)
	assert.True(t, r.Passed)
}

func TestScoreSheetRefusesBadSheetsAndAnswers(t *testing.T) {
	bad := ScoreSheet{PassScore: 101, Items: []SheetItem{{ID: "a", Weight: 0}, {ID: "a", Weight: math.Inf(1), Max: -1}, {Weight: 1}}}
	err := bad.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{"id: empty", "kind: unknown", "pass_score: must be in 0–100", "items[0].weight", `items[1].id: duplicate item "a"`,
		"items[1].weight", "items[1].max", "items[2].id: empty"} {
		assert.ErrorContains(t, err, want)
	}
	assert.ErrorContains(t, ScoreSheet{ID: "x", Kind: SOPCheck}.Validate(), "items: no items")
	_, err = bad.Score(Inspection{})
	assert.ErrorContains(t, err, "sheet.pass_score")

	_, err = callSheet().Score(Inspection{Answers: []Answer{
		{Item: "greeting", Points: 2},
		{Item: "greeting", Points: 1},
		{Item: "nope"},
		{Item: "verify", NA: true},
		{Item: "upsell", NA: true, Points: 1},
		{Item: "solution", Points: math.NaN()},
	}, Dimensions: Dimensions{Question: "q", Sheet: "other"}})
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{"id: empty", "at: zero time", "question: an inspection carries no question", `sheet: "other", but the sheet is "call-qa"`,
		"answers[0].points: must be in 0–1, got 2", `answers[1].item: item "greeting" already answered in answers[0]`, `answers[2].item: unknown item "nope"`,
		`answers[3].na: item "verify" does not allow NA`, "answers[4].points: 1 points on an NA answer", "answers[5].points: must be in 0–5, got NaN"} {
		assert.ErrorContains(t, err, want)
	}
	_, err = callSheet().Score(Inspection{ID: "x", At: t0, Answers: answers(1, 1)})
	assert.ErrorContains(t, err, `answers: item "solution" is not answered`)
	assert.ErrorContains(t, err, `answers: item "upsell" is not answered`)

	allNA := ScoreSheet{ID: "s", Kind: MysteryShopper, Items: []SheetItem{{ID: "x", Weight: 1, AllowNA: true}}}
	_, err = allNA.Score(Inspection{ID: "x", At: t0, Answers: []Answer{{Item: "x", NA: true}}})
	assert.ErrorContains(t, err, "no item applies")
}

func TestInspectionsInTheAggregator(t *testing.T) {
	a, err := NewAggregator(Month, time.UTC, Config{MinSamples: 1, Slicings: []Slicing{SliceBy(DimAgent), SliceBy(DimSheet)}})
	require.NoError(t, err)
	// a-1 handled 10 answered contacts, a-2 handled 5.
	for i := range 15 {
		agent := "a-1"
		if i >= 10 {
			agent = "a-2"
		}
		require.NoError(t, a.AddRecord(Record{ID: fmt.Sprint(i), At: t0, Dimensions: Dimensions{Agent: agent}}))
	}
	sheet := callSheet()
	var results []InspectionResult
	for i, pts := range [][]float64{{1, 1, 5, 1}, {1, 0, 5, 1}, {1, 1, 2, 0}} {
		agent := "a-1"
		if i == 2 {
			agent = "a-2"
		}
		r, err := sheet.Score(Inspection{ID: fmt.Sprint("QA-", i), At: t0, Answers: answers(pts...), Dimensions: Dimensions{Agent: agent}})
		require.NoError(t, err)
		results = append(results, r)
	}
	require.NoError(t, a.AddInspections(results))
	r1, err := a.SliceReportAt(t0, Dimensions{Agent: "a-1"})
	require.NoError(t, err)
	assert.InDelta(t, 20, r1.InspectionCoverage.Value, 1e-9, "2 of 10")
	assert.InDelta(t, 50, r1.InspectionScore.Value, 1e-9, "100 and a critical 0")
	assert.InDelta(t, 50, r1.InspectionPass.Value, 1e-9)
	assert.InDelta(t, 50, r1.CriticalFailure.Value, 1e-9)
	r2, err := a.SliceReportAt(t0, Dimensions{Agent: "a-2"})
	require.NoError(t, err)
	assert.InDelta(t, 20, r2.InspectionCoverage.Value, 1e-9, "1 of 5")
	assert.InDelta(t, 50, r2.InspectionScore.Value, 1e-9, "(1 + 2 + 2)/10")
	assert.Zero(t, r2.InspectionPass.Hits)
	bySheet, err := a.SliceReportAt(t0, Dimensions{Sheet: "call-qa"})
	require.NoError(t, err)
	assert.EqualValues(t, 3, bySheet.InspectionScore.N)
	assert.Zero(t, bySheet.InspectionCoverage.N, "records carry no sheet")
	whole := a.ReportAt(t0)
	assert.InDelta(t, 20, whole.InspectionCoverage.Value, 1e-9, "3 of 15")
	assert.Equal(t, UnitScore, whole.InspectionScore.Unit)
	assert.Equal(t, "QA-1 on  (a-1, sheet call-qa): 0.0 failed on critical [verify] (raw 80.0)", results[1].String())
	assert.Equal(t, "QA-2 on  (a-2, sheet call-qa): 50.0 failed", results[2].String())
}

func items(n int, agents, teams int) []ClosedItem {
	out := make([]ClosedItem, n)
	for i := range out {
		out[i] = ClosedItem{ID: fmt.Sprintf("T-%04d", i), ClosedAt: t0.Add(time.Duration(i) * time.Minute),
			Dimensions: Dimensions{Agent: fmt.Sprintf("a-%d", i%agents), Team: fmt.Sprintf("t-%d", i%agents%teams)}}
	}
	return out
}

func TestDrawSampleIsStratifiedAndReproducible(t *testing.T) {
	its := items(103, 5, 2) // agents of 21 or 20 items
	plan := SamplePlan{Seed: 42, MinPerStratum: 5, Inspectors: []string{"a-0", "q-1", "q-2"}}
	s, err := DrawSample(plan, its)
	require.NoError(t, err)
	require.Len(t, s.Strata, 5)
	total := 0
	for _, st := range s.Strata {
		// ⌈21 × 0.2⌉ = 5, ⌈20 × 0.2⌉ = 4, raised to the minimum of 5
		assert.Equal(t, 5, st.Sampled, st.String())
		assert.GreaterOrEqual(t, st.Coverage(), 20.0)
		total += st.Sampled
	}
	require.Len(t, s.Picks, total)
	for _, p := range s.Picks {
		assert.NotEqual(t, p.Agent, p.Inspector, "never one's own work")
		assert.Contains(t, plan.Inspectors, p.Inspector)
	}
	// Any order of the items, the same sample; another seed, another one.
	shuffled := append([]ClosedItem(nil), its...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	again, err := DrawSample(plan, shuffled)
	require.NoError(t, err)
	assert.Equal(t, s, again)
	plan.Seed = 43
	other, err := DrawSample(plan, its)
	require.NoError(t, err)
	assert.NotEqual(t, s.Picks, other.Picks)

	teams, err := s.CoverageBy(SliceBy(DimTeam))
	require.NoError(t, err)
	require.Len(t, teams, 2)
	assert.Equal(t, Stratum{Slice: Dimensions{Team: "t-0"}, Items: 21 + 21 + 20, Sampled: 15}, teams[0])
	assert.Equal(t, "team=t-0: 15 of 62 (24.2 %)", teams[0].String())
	all, err := s.CoverageBy(0)
	require.NoError(t, err)
	assert.Equal(t, []Stratum{{Items: 103, Sampled: 25}}, all)
	assert.Equal(t, "all: 25 of 103 (24.3 %)", all[0].String())
	_, err = s.CoverageBy(SliceBy(DimChannel))
	assert.ErrorContains(t, err, `"channel" is not within the sample's strata "agent+team"`)

	// The golden draw: the picks of one agent, pinned, so that a change of
	// the hash or the order shows.
	var a0 []string
	for _, p := range s.Picks {
		if p.Agent == "a-1" {
			a0 = append(a0, p.ID+"/"+p.Inspector)
		}
	}
	assert.Equal(t, []string{"T-0036/q-1", "T-0041/q-1", "T-0046/a-0", "T-0086/q-1", "T-0101/q-1"}, a0)
}

// The same plan and items give the same sample in every release: a draw
// is pinned, so that any change to the hash, the sizes or the order shows.
func TestGoldenSampleDraw(t *testing.T) {
	s, err := DrawSample(SamplePlan{Seed: 2026, MinPerStratum: 2, Inspectors: []string{"q-1", "q-2", "a-3"}}, items(40, 4, 2))
	require.NoError(t, err)
	goldenJSON(t, "sample_draw.json", s)
}

func TestDrawSampleRatesAndErrors(t *testing.T) {
	for _, tc := range []struct {
		n       int
		rate    float64
		minimum int
		want    int
	}{
		{10, 0.2, 0, 2}, {10, 0.7, 0, 7}, {10, 0.1, 0, 1}, {3, 0.2, 0, 1}, {3, 0.2, 5, 3},
		{1, 1e-9, 0, 1}, {100, 0.29, 0, 29}, {7, 1, 0, 7}, {0, 0.5, 3, 0}, {49, 0.3, 0, 15},
	} {
		s, err := DrawSample(SamplePlan{Rate: tc.rate, MinPerStratum: tc.minimum, By: SliceBy(DimAgent)}, items(tc.n, 1, 1))
		require.NoError(t, err)
		got := 0
		if len(s.Strata) > 0 {
			got = s.Strata[0].Sampled
		}
		assert.Equal(t, tc.want, got, "%d × %v, at least %d", tc.n, tc.rate, tc.minimum)
	}
	_, err := DrawSample(SamplePlan{Rate: 1.5, MinPerStratum: -1, By: SliceBy(DimQuestion), Inspectors: []string{"x", "", "x"}},
		[]ClosedItem{{ID: "a"}, {ID: "a", ClosedAt: t0, Dimensions: Dimensions{Sheet: "s"}}, {ClosedAt: t0}})
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{"plan.rate", "plan.min_per_stratum", "plan.by: items are work", "plan.inspectors[1]: empty",
		`plan.inspectors[2]: duplicate inspector "x"`, "items[0].closed_at: zero time", `items[1].id: duplicate item "a"`,
		"items[1].sheet: an item of work carries no sheet", "items[2].id: empty"} {
		assert.ErrorContains(t, err, want)
	}
	many := make([]ClosedItem, 30)
	_, err = DrawSample(SamplePlan{}, many)
	assert.ErrorContains(t, err, "items: ")
	assert.ErrorContains(t, err, "more problems")
	_, err = DrawSample(SamplePlan{Inspectors: []string{"a-0"}}, items(3, 1, 1))
	assert.ErrorContains(t, err, `: no inspector but its own agent "a-0"`)
}

func TestSamplePlanJSONAndPeriodSeed(t *testing.T) {
	p := SamplePlan{Rate: 0.25, By: SliceBy(DimTeam), Seed: 7}
	data, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rate":0.25,"by":"team","seed":7}`, string(data))
	assert.JSONEq(t, `{"seed":0}`, string(mustMarshal(t, SamplePlan{})))
	march, _ := WindowOf(Month, t0, time.UTC)
	assert.Equal(t, PeriodSeed(1, march), PeriodSeed(1, march))
	assert.NotEqual(t, PeriodSeed(1, march), PeriodSeed(1, march.Next()))
	assert.NotEqual(t, PeriodSeed(1, march), PeriodSeed(2, march))
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

// FuzzSampleSize: the size is the smallest k with k/n at least the rate
// (read as its decimal), raised to the minimum, within n.
func FuzzSampleSize(f *testing.F) {
	for _, s := range []struct {
		n       int
		rate    float64
		minimum int
	}{{10, 0.2, 0}, {10, 0.7, 3}, {1000003, 0.333, 0}, {5, 1, 9}, {1, 1e-300, 0}} {
		f.Add(s.n, s.rate, s.minimum)
	}
	f.Fuzz(func(t *testing.T, n int, rate float64, minimum int) {
		if n < 0 || n > 1<<40 || !(rate > 0 && rate <= 1) || minimum < 0 {
			return
		}
		r := decimalRate(rate)
		k := sampleSize(n, r, minimum)
		require.GreaterOrEqual(t, k, 0)
		require.LessOrEqual(t, k, n)
		require.GreaterOrEqual(t, k, min(minimum, n))
		nr := new(big.Rat).Mul(big.NewRat(int64(n), 1), r)
		if k > minimum {
			// k - 1 items would fall short of the rate, k items reach it
			require.Negative(t, big.NewRat(int64(k-1), 1).Cmp(nr), "n=%d rate=%v k=%d", n, rate, k)
		}
		require.GreaterOrEqual(t, big.NewRat(int64(k), 1).Cmp(nr), 0, "n=%d rate=%v k=%d", n, rate, k)
		require.InDelta(t, float64(n)*rate, float64(k), max(1, float64(minimum))+1e-6*float64(n))
	})
}

// FuzzScoreSheet: any answers a sheet accepts give a score in 0–100 that
// AddInspection accepts, and a critical failure always fails the sheet.
func FuzzScoreSheet(f *testing.F) {
	f.Add(1.0, 1.0, 5.0, 1.0, false, 2.0, 80.0)
	f.Add(0.5, 0.0, 2.5, 0.0, true, 1e-300, 0.0)
	f.Fuzz(func(t *testing.T, p1, p2, p3, p4 float64, na bool, w float64, pass float64) {
		sheet := callSheet()
		sheet.Items[3].Weight, sheet.PassScore = w, pass
		as := answers(p1, p2, p3, p4)
		as[3].NA = na
		r, err := sheet.Score(Inspection{ID: "x", At: t0, Answers: as})
		if err != nil {
			return
		}
		require.NoError(t, checkInspection(&r, -1))
		require.True(t, r.Score >= 0 && r.Score <= 100 && r.RawScore >= 0 && r.RawScore <= 100, "%v %v", r.Score, r.RawScore)
		if p2 < 1 {
			require.False(t, r.Passed)
			require.Zero(t, r.Score)
		}
		if r.Passed {
			require.GreaterOrEqual(t, r.RawScore, pass)
		}
	})
}
