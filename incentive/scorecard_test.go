package incentive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScorecardHandComputed(t *testing.T) {
	sc := servicePlan().Scorecard
	r, err := sc.Score(aliceValues())
	require.NoError(t, err)
	want := map[string]string{
		"csat": "0.7500", "fcr": "1.0000", "aht": "0.8000", "asa": "1.0000",
		"nps": "1.2000", "complaints": "0.7500", "compliance": "0.9000", "attitude": "1.0000",
	}
	for _, k := range r.KPIs {
		assert.Equal(t, want[k.KPI], k.Score.String(), k.KPI)
	}
	assert.Equal(t, "0.9250", r.Total.String())
	assert.Equal(t, "B", r.Grade)
	assert.True(t, r.Passed)
	require.Len(t, r.Gates, 1)
	assert.Equal(t, "0.99", r.Gates[0].Value.String())
}

func TestKPIScoreClampAndDirection(t *testing.T) {
	d := MustDecimal
	sc := Scorecard{Name: "one", KPIs: []KPI{
		{ID: "aht", Weight: d("1"), Direction: LowerIsBetter, Floor: d("600"), Target: d("300"), Cap: d("1.2")},
	}}
	for v, want := range map[string]string{
		"600": "0.0000", "700": "0.0000", "450": "0.5000", "300": "1.0000", "240": "1.2000", "0": "1.2000",
		"400": "0.6667", // 200/300 rounded half-even to 4 places
	} {
		r, err := sc.Score([]Value{{KPI: "aht", Value: d(v)}})
		require.NoError(t, err)
		assert.Equal(t, want, r.KPIs[0].Score.String(), "aht=%s", v)
	}
	sc.Rounding = Down
	r, err := sc.Score([]Value{{KPI: "aht", Value: d("400")}})
	require.NoError(t, err)
	assert.Equal(t, "0.6666", r.Total.String())
}

func TestScorecardInputErrors(t *testing.T) {
	sc := servicePlan().Scorecard
	vals := aliceValues()
	_, err := sc.Score(vals[:7])
	require.ErrorIs(t, err, ErrInput)
	dup := append([]Value(nil), vals...)
	dup[7] = dup[0]
	_, err = sc.Score(dup)
	require.ErrorIs(t, err, ErrInput)
	unk := append([]Value(nil), vals...)
	unk[7] = Value{KPI: "mood", Label: "good"}
	_, err = sc.Score(unk)
	require.ErrorIs(t, err, ErrInput)
	badLabel := append([]Value(nil), vals...)
	badLabel[7].Label = "stellar"
	_, err = sc.Score(badLabel)
	require.ErrorIs(t, err, ErrInput)
	labelOnNumber := append([]Value(nil), vals...)
	labelOnNumber[0].Label = "good"
	_, err = sc.Score(labelOnNumber)
	require.ErrorIs(t, err, ErrInput)
}

func TestScorecardValidate(t *testing.T) {
	d := MustDecimal
	// Ten weights of 0.1 sum to exactly 1 in decimal (float64 would give 0.9999999999999999).
	var kpis []KPI
	for i := range 10 {
		kpis = append(kpis, KPI{ID: string(rune('a' + i)), Weight: d("0.1"), Direction: HigherIsBetter, Floor: d("0"), Target: d("1"), Cap: d("1")})
	}
	ok := Scorecard{Name: "tenths", KPIs: kpis}
	require.NoError(t, ok.Validate())

	bad := Scorecard{
		Precision: 12, Rounding: 8,
		KPIs: []KPI{
			{ID: "a", Weight: d("0.5"), Direction: HigherIsBetter, Floor: d("1"), Target: d("1"), Cap: d("1")},
			{ID: "a", Weight: d("0.49"), Direction: LowerIsBetter, Floor: d("1"), Target: d("2"), Cap: d("0")},
			{ID: "c", Weight: d("-0.01"), Direction: "sideways", Cap: d("1")},
			{ID: "q", Weight: d("0.03"), Cap: d("1"), Levels: []Level{{Label: "x", Score: d("2")}, {Label: "x"}, {}}},
		},
		Gates:  []Gate{{KPI: "zz"}, {KPI: "a", Min: dp("2"), Max: dp("1")}},
		Grades: []Grade{{Name: "A", MinScore: d("0.5")}, {Name: "A", MinScore: d("0.9")}, {MinScore: d("0")}},
	}
	err := bad.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	for _, want := range []string{
		"precision:", "rounding:",
		"kpis[0].target: higher-is-better KPI \"a\" needs target > floor",
		"kpis[1].id: duplicate id \"a\"", "kpis[1].cap:", "kpis[1].target: lower-is-better",
		"kpis[2].weight:", "kpis[2].direction:",
		"kpis[3].levels[0].score:", "kpis[3].levels[1].label: duplicate", "kpis[3].levels[2].label: is required",
		"kpis: weights sum to 1.01, want exactly 1",
		"gates[0].kpi: unknown KPI \"zz\"", "gates[0]: needs min or max", "gates[1].min:",
		"grades[1].name: duplicate", "grades[1].min_score:", "grades[2].name: is required",
	} {
		assert.Contains(t, err.Error(), want)
	}
	fine := servicePlan().Scorecard
	fine.KPIs[0].Cap = MustDecimal("1.23456")
	fine.KPIs[7].Levels[0].Score = MustDecimal("1.00001")
	fine.KPIs[1].Weight = MustDecimal("0.150000000000000")
	err2 := fine.Validate()
	require.ErrorIs(t, err2, ErrInvalid)
	assert.Contains(t, err2.Error(), "kpis[0].cap: 1.23456 has more places than the score precision 4")
	assert.Contains(t, err2.Error(), "kpis[7].levels[0].score: 1.00001 has more places")
	assert.NotContains(t, err2.Error(), "kpis[1].weight") // trailing zeros do not count
	_, err = bad.Score(nil)
	require.ErrorIs(t, err, ErrInvalid)
}

func TestScorecardJSONRoundTrip(t *testing.T) {
	sc := servicePlan().Scorecard
	sc.Rounding = HalfUp
	sc.Precision = 6
	b, err := json.Marshal(sc)
	require.NoError(t, err)
	var back Scorecard
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, sc, back)
	assert.Contains(t, string(b), `"weight":"0.20"`)
}
