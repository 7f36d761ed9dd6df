package feedback

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGapVerdicts(t *testing.T) {
	fig := func(m Metric, v, lo, hi float64, n int64, insufficient bool) Figure {
		return Figure{Metric: m, Value: v, Lower: lo, Upper: hi, N: n, Insufficient: insufficient}
	}
	for _, tc := range []struct {
		name            string
		target          Target
		actual          Figure
		gap             float64
		meets, excludes bool
		verdict         Verdict
	}{
		{"above, interval clear", Target{Metric: MetricCSAT, Value: 90}, fig(MetricCSAT, 95, 92, 97, 400, false), 5, true, true, Met},
		{"above, interval reaches the target", Target{Metric: MetricCSAT, Value: 90}, fig(MetricCSAT, 92, 89, 94, 200, false), 2, true, false, Inconclusive},
		{"below, interval clear", Target{Metric: MetricCSAT, Value: 90}, fig(MetricCSAT, 85, 82, 88, 400, false), -5, false, true, NotMet},
		{"exactly on target", Target{Metric: MetricCSAT, Value: 90}, fig(MetricCSAT, 90, 87, 93, 400, false), 0, true, false, Inconclusive},
		{"lower is better, met", Target{Metric: MetricHumanIntervention, Value: 15}, fig(MetricHumanIntervention, 10, 8, 12.5, 900, false), -5, true, true, Met},
		{"lower is better, missed", Target{Metric: MetricHumanIntervention, Value: 15}, fig(MetricHumanIntervention, 20, 17, 23, 900, false), 5, false, true, NotMet},
		{"direction overridden", Target{Metric: MetricAHT, Value: 300, Direction: HigherIsBetter}, fig(MetricAHT, 360, 340, 380, 100, false), 60, true, true, Met},
		{"too few samples", Target{Metric: MetricCSAT, Value: 90}, fig(MetricCSAT, 100, 95, 100, 10, true), 10, true, true, Inconclusive},
		{"no data", Target{Metric: MetricCSAT, Value: 90}, fig(MetricCSAT, 0, 0, 0, 0, true), -90, false, false, Inconclusive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := gapOf(tc.target, tc.actual)
			assert.InDelta(t, tc.gap, g.Gap, 1e-12)
			assert.Equal(t, tc.meets, g.Meets, "meets")
			assert.Equal(t, tc.excludes, g.Excludes, "excludes")
			assert.Equal(t, tc.verdict, g.Verdict)
		})
	}
}

func TestTargetsValidate(t *testing.T) {
	require.NoError(t, SeedTargets().Validate())
	err := Targets{
		{Metric: "bogus", Value: 1},
		{Metric: MetricCSAT, Value: 120},
		{Metric: MetricNPS, Value: -101},
		{Metric: MetricAHT, Value: math.NaN()},
		{Metric: MetricFCR, Value: 70, Direction: "sideways"},
		{Metric: MetricFCR, Value: 80},
		{Metric: MetricCSAT, Value: 90, Slice: Dimensions{Agent: "a", Team: "t", Tier: "gold", Question: "q"}},
	}.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{`targets[0].metric: unknown metric "bogus"`, "targets[1].value: 120 is not a value of csat (0 to 100)",
		"targets[2].value", "targets[3].value: NaN", "targets[4].direction", "targets[5]: fcr of this slice is targeted twice (also targets[4])",
		"targets[6].slice: slicing"} {
		assert.ErrorContains(t, err, want)
	}
	assert.NoError(t, Targets{{Metric: MetricCES, Value: -3}, {Metric: MetricComplaintRate, Value: 1500}}.Validate(), "CES on any scale, complaints beyond orders")
}

func TestVersusPerQuestionAndWindow(t *testing.T) {
	a, err := NewAggregator(Month, time.UTC, Config{Slicings: []Slicing{SliceBy(DimQuestion), SliceBy(DimAgent)}})
	require.NoError(t, err)
	// Overall: 300 answers, 282 satisfied (94 %); problem resolution: 300, 276 (92 %).
	for i := range 300 {
		for _, q := range []struct {
			id        string
			satisfied int
		}{{QuestionOverall, 282}, {QuestionProblemResolution, 276}} {
			score := 5.0
			if i >= q.satisfied {
				score = 2
			}
			require.NoError(t, a.AddResponse(Response{At: t0, Kind: SurveyCSAT, Score: score, Dimensions: Dimensions{Question: q.id, Agent: "a"}}))
		}
	}
	for i := range 1000 {
		require.NoError(t, a.AddBotSession(BotSession{At: t0, HandedOff: i < 120}))
	}
	gaps, err := a.VersusAt(t0, SeedTargets())
	require.NoError(t, err)
	require.Len(t, gaps, 4)
	assert.Equal(t, "overall satisfaction: csat 94.0% [90.7, 96.2] n=300 vs target 90 (+4.0): met", gaps[0].String())
	assert.Equal(t, "problem-resolution satisfaction: csat 92.0% [88.4, 94.6] n=300 vs target 95 (-3.0): not_met", gaps[1].String())
	assert.Equal(t, "human intervention: human_intervention 12.0% [10.1, 14.2] n=1000 vs target 15 (-3.0): met", gaps[2].String())
	assert.Equal(t, Inconclusive, gaps[3].Verdict, "no handled work, no coverage")
	assert.EqualValues(t, 600, a.ReportAt(t0).CSAT.N, "the window mixes the questions")

	unnamed := gapOf(Target{Metric: MetricCSAT, Value: 90, Slice: Dimensions{Agent: "a", Question: QuestionOverall}}, Figure{Metric: MetricCSAT})
	assert.Contains(t, unnamed.String(), "csat[agent=a question=overall]: ")

	_, err = a.VersusAt(t0, Targets{{Metric: MetricCSAT, Value: 90, Slice: Dimensions{Team: "t"}}, {Metric: "x"}})
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, `targets[0].slice: the aggregator does not slice by "team"`)
	assert.ErrorContains(t, err, "targets[1].metric")

	whole, err := a.ReportAt(t0).Versus(SeedTargets()[2:3])
	require.NoError(t, err)
	assert.Equal(t, gaps[2], whole[0])
	_, err = a.ReportAt(t0).Versus(SeedTargets())
	assert.ErrorContains(t, err, "targets[0].slice: a report has no slices")
}

func TestKPIs(t *testing.T) {
	r := Report{CSAT: Figure{Metric: MetricCSAT, Value: 91.23456, Hits: 9123456, N: 10000000}, AHT: Figure{Metric: MetricAHT, Value: 312.5, N: 8, Insufficient: true}}
	ks, err := r.KPIs(2, MetricCSAT, MetricAHT)
	require.NoError(t, err)
	assert.Equal(t, []KPIValue{
		{KPI: "csat", Value: 91.23456, Text: "91.23", Hits: 9123456, N: 10000000},
		{KPI: "aht", Value: 312.5, Text: "312.50", N: 8, Insufficient: true},
	}, ks)
	all, err := r.KPIs(0)
	require.NoError(t, err)
	assert.Len(t, all, len(Metrics))
	assert.Equal(t, "91", all[0].Text)
	_, err = r.KPIs(10, "nope")
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, "places: must be in 0–9")
	assert.ErrorContains(t, err, `metrics[0]: unknown metric "nope"`)
}
