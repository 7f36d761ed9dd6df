package feedback

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

func TestAggregatorSurveyMetrics(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{MinSamples: 5})
	require.NoError(t, err)
	// Day 1: CSAT 1..5 twice each -> 4 of 10 satisfied; NPS 0..10 -> 2 promoters, 7 detractors of 11.
	var batch []Response
	for s := 1; s <= 5; s++ {
		batch = append(batch, Response{At: t0, Kind: SurveyCSAT, Score: float64(s)}, Response{At: t0.Add(time.Hour), Kind: SurveyCSAT, Score: float64(s)})
	}
	for s := 0; s <= 10; s++ {
		batch = append(batch, Response{At: t0, Kind: SurveyNPS, Score: float64(s)})
	}
	for _, s := range []float64{2, 4, 6} {
		batch = append(batch, Response{At: t0, Kind: SurveyCES, Score: s})
	}
	require.NoError(t, a.AddResponses(batch))
	// Day 2: a single CSAT response.
	require.NoError(t, a.AddResponse(Response{ID: "x", At: t0.Add(24 * time.Hour), Kind: SurveyCSAT, Score: 5}))

	reps := a.Reports()
	require.Len(t, reps, 2)
	r := reps[0]
	assert.Equal(t, "2026-03-02", r.Window.Label())
	assert.InDelta(t, 40, r.CSAT.Value, 1e-9)
	assert.EqualValues(t, 4, r.CSAT.Hits)
	assert.EqualValues(t, 10, r.CSAT.N)
	lo, hi := Wilson(4, 10, 0.95)
	assert.InDelta(t, 100*lo, r.CSAT.Lower, 1e-9)
	assert.InDelta(t, 100*hi, r.CSAT.Upper, 1e-9)
	assert.False(t, r.CSAT.Insufficient)
	assert.InDelta(t, 100*(2.0-7.0)/11, r.NPS.Value, 1e-9)
	assert.EqualValues(t, 11, r.NPS.N)
	assert.InDelta(t, 4, r.CES.Value, 1e-12)
	assert.EqualValues(t, 3, r.CES.N)
	assert.True(t, r.CES.Insufficient, "3 < 5 samples")
	assert.InDelta(t, 2/math.Sqrt(3), r.CES.StdErr, 1e-12)

	day2 := reps[1]
	assert.Equal(t, 100.0, day2.CSAT.Value)
	assert.True(t, day2.CSAT.Insufficient)
	assert.EqualValues(t, 1, day2.CSAT.N)

	tot := a.Total()
	assert.EqualValues(t, 11, tot.CSAT.N)
	assert.EqualValues(t, 5, tot.CSAT.Hits)

	empty := a.ReportAt(t0.Add(72 * time.Hour))
	assert.Zero(t, empty.CSAT.N)
	assert.True(t, empty.CSAT.Insufficient)
	assert.Equal(t, "2026-03-05", empty.Window.Label())
}

func TestAggregatorServiceMetrics(t *testing.T) {
	a, err := NewAggregator(Week, time.UTC, Config{ServiceLevelThreshold: 30 * time.Second, MinSamples: 1})
	require.NoError(t, err)
	recs := []Record{
		{ID: "1", At: t0, FirstResponse: 10 * time.Second, Handling: 300 * time.Second, FCR: Yes, Compliant: Yes, CycleTime: time.Hour},
		{ID: "2", At: t0, FirstResponse: 30 * time.Second, Handling: 100 * time.Second, FCR: No, Compliant: Yes},
		{ID: "3", At: t0, FirstResponse: 50 * time.Second, Handling: 200 * time.Second, FCR: Yes, Complaint: true, Compliant: No, CycleTime: 3 * time.Hour},
		{ID: "4", At: t0, Abandoned: true, FirstResponse: 90 * time.Second},
		{ID: "5", At: t0.Add(6 * 24 * time.Hour), FirstResponse: 0, Complaint: true}, // Sunday, same ISO week
	}
	require.NoError(t, a.AddRecords(recs))
	require.NoError(t, a.AddOrders(t0, 1000))
	reps := a.Reports()
	require.Len(t, reps, 1)
	r := reps[0]
	assert.Equal(t, "2026-W10", r.Window.Label())
	// 5 offered, 1 abandoned, answered within 30 s: records 1, 2, 5.
	assert.EqualValues(t, 5, r.ServiceLevel.N)
	assert.EqualValues(t, 3, r.ServiceLevel.Hits)
	assert.InDelta(t, 60, r.ServiceLevel.Value, 1e-9)
	assert.EqualValues(t, 4, r.ServiceLevelAnswered.N)
	assert.InDelta(t, 75, r.ServiceLevelAnswered.Value, 1e-9)
	assert.InDelta(t, 20, r.Abandonment.Value, 1e-9)
	assert.InDelta(t, (10+30+50+0)/4.0, r.ASA.Value, 1e-9)
	assert.EqualValues(t, 4, r.ASA.N)
	assert.InDelta(t, 200, r.AHT.Value, 1e-9)
	assert.EqualValues(t, 3, r.AHT.N)
	assert.InDelta(t, 200.0/3, r.FCR.Value, 1e-9)
	assert.InDelta(t, 2, r.ComplaintRate.Value, 1e-9)
	assert.Equal(t, UnitPer1000, r.ComplaintRate.Unit)
	assert.EqualValues(t, 1000, r.ComplaintRate.N)
	assert.InDelta(t, 7200, r.CycleTime.Value, 1e-9)
	assert.InDelta(t, 200.0/3, r.Compliance.Value, 1e-9)
	for _, m := range Metrics {
		f, ok := r.Figure(m)
		require.True(t, ok)
		assert.Equal(t, m, f.Metric)
		assert.True(t, m.Known())
	}
	_, ok := r.Figure("bogus")
	assert.False(t, ok)
}

func TestAggregatorRejectsBadInput(t *testing.T) {
	a, err := NewAggregator(Month, nil, Config{CESMin: 1, CESMax: 5})
	require.NoError(t, err)
	bad := []struct {
		name  string
		r     Response
		field string
	}{
		{"csat too high", Response{ID: "a", At: t0, Kind: SurveyCSAT, Score: 6}, "score"},
		{"csat fractional", Response{ID: "b", At: t0, Kind: SurveyCSAT, Score: 4.5}, "score"},
		{"nps negative", Response{ID: "c", At: t0, Kind: SurveyNPS, Score: -1}, "score"},
		{"nan", Response{ID: "d", At: t0, Kind: SurveyNPS, Score: math.NaN()}, "score"},
		{"inf", Response{ID: "e", At: t0, Kind: SurveyCES, Score: math.Inf(1)}, "score"},
		{"ces off scale", Response{ID: "f", At: t0, Kind: SurveyCES, Score: 7}, "score"},
		{"unknown kind", Response{ID: "g", At: t0, Kind: 0, Score: 3}, "kind"},
		{"zero time", Response{ID: "h", Kind: SurveyCSAT, Score: 3}, "at"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := a.AddResponse(tt.r)
			require.ErrorIs(t, err, ErrInvalidRecord)
			var re *RecordError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.r.ID, re.ID)
			assert.Equal(t, tt.field, re.Field)
			assert.Contains(t, err.Error(), tt.r.ID)
		})
	}
	// A batch names the index of every bad record and counts nothing.
	err = a.AddResponses([]Response{
		{At: t0, Kind: SurveyCSAT, Score: 5},
		{At: t0, Kind: SurveyCSAT, Score: 0},
		{At: t0, Kind: SurveyNPS, Score: 11},
	})
	require.ErrorIs(t, err, ErrInvalidRecord)
	assert.Contains(t, err.Error(), "record 1")
	assert.Contains(t, err.Error(), "record 2")
	assert.Empty(t, a.Reports())

	err = a.AddRecords([]Record{{At: t0}, {ID: "r2", At: t0, Handling: -time.Second, CycleTime: -1}})
	require.ErrorIs(t, err, ErrInvalidRecord)
	assert.Contains(t, err.Error(), `record 1 (id "r2"): handling`)
	assert.Contains(t, err.Error(), `cycle_time`)
	require.ErrorIs(t, a.AddRecord(Record{ID: "r3", At: t0, FirstResponse: -time.Second}), ErrInvalidRecord)
	require.ErrorIs(t, a.AddRecord(Record{At: t0, FCR: 7}), ErrInvalidRecord)
	require.ErrorIs(t, a.AddOrders(t0, -1), ErrInvalidRecord)
	require.ErrorIs(t, a.AddOrders(time.Time{}, 1), ErrInvalidRecord)
	assert.Empty(t, a.Reports())
}

func TestConfigValidateReportsEverything(t *testing.T) {
	err := Config{Confidence: 1.5, MinSamples: -1, ServiceLevelThreshold: -1, CESMin: 5, CESMax: 1}.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, p := range []string{"confidence", "min_samples", "service_level_threshold", "ces_max"} {
		assert.Contains(t, err.Error(), p)
	}
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	_, err = NewAggregator(0, nil, Config{Confidence: math.NaN()})
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "granularity")
	assert.Contains(t, err.Error(), "confidence")
	require.NoError(t, Config{}.Validate())
}

func TestAggregatorOutOfOrderAndConcurrent(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	a, err := NewAggregator(Day, sh, Config{})
	require.NoError(t, err)
	parallel(4, func(g int) {
		for i := range 500 {
			// Alternate between two days so the cache keeps missing.
			at := t0.Add(time.Duration((i+g)%2) * 24 * time.Hour)
			assert.NoError(t, a.AddResponse(Response{At: at, Kind: SurveyCSAT, Score: float64(1 + i%5)}))
		}
	})
	reps := a.Reports()
	require.Len(t, reps, 2)
	assert.EqualValues(t, 1000, reps[0].CSAT.N)
	assert.EqualValues(t, 1000, reps[1].CSAT.N)
	assert.EqualValues(t, 800, a.Total().CSAT.Hits)
}

func TestJSONRoundTrips(t *testing.T) {
	r := Record{ID: "x", At: t0, FirstResponse: time.Second, FCR: Yes, Compliant: No, Complaint: true}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"fcr":"yes"`)
	var back Record
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r, back)

	resp := Response{ID: "y", At: t0, Kind: SurveyNPS, Score: 9}
	b, err = json.Marshal(resp)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"nps"`)
	var rb Response
	require.NoError(t, json.Unmarshal(b, &rb))
	assert.Equal(t, resp, rb)

	a, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	require.NoError(t, a.AddResponse(resp))
	rep := a.Reports()[0]
	b, err = json.Marshal(rep)
	require.NoError(t, err)
	var rr Report
	require.NoError(t, json.Unmarshal(b, &rr))
	assert.Equal(t, rep, rr)

	tot, err := json.Marshal(a.Total())
	require.NoError(t, err)
	assert.Contains(t, string(tot), `"granularity":""`)

	var f Flag
	require.ErrorIs(t, f.UnmarshalText([]byte("maybe")), ErrInvalidRecord)
	var k SurveyKind
	require.ErrorIs(t, k.UnmarshalText([]byte("ces2")), ErrInvalidRecord)
	assert.Equal(t, No, FlagOf(false))
}

func TestCountersMerge(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	b, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	whole, err := NewAggregator(Year, time.UTC, Config{})
	require.NoError(t, err)
	for i := 0; i < 100; i++ {
		rec := Record{At: t0.Add(time.Duration(i) * time.Hour), FirstResponse: time.Duration(i) * time.Second, Handling: time.Duration(i+1) * time.Second}
		target := a
		if i%3 == 0 {
			target = b
		}
		require.NoError(t, target.AddRecord(rec))
		require.NoError(t, whole.AddRecord(rec))
	}
	var c Counters
	for _, wc := range append(a.Counters(), b.Counters()...) {
		c.Merge(wc.Counters)
	}
	got, want := c.Report(Config{}), whole.Total()
	assert.Equal(t, want.ASA.N, got.ASA.N)
	assert.InDelta(t, want.ASA.Value, got.ASA.Value, 1e-9)
	assert.InDelta(t, want.AHT.StdErr, got.AHT.StdErr, 1e-9)
}

// FuzzAddResponse feeds arbitrary scores and times: the aggregator never
// panics, accepts exactly the valid answers, and its figures stay finite
// and inside their bounds.
func FuzzAddResponse(f *testing.F) {
	f.Add(uint8(1), 4.0, int64(0))
	f.Add(uint8(2), 9.5, int64(-86400))
	f.Add(uint8(3), math.NaN(), int64(1e12))
	f.Add(uint8(0), 3.0, int64(5))
	f.Fuzz(func(t *testing.T, kind uint8, score float64, offset int64) {
		a, err := NewAggregator(Week, time.UTC, Config{CESMin: 1, CESMax: 5, MinSamples: 1})
		require.NoError(t, err)
		r := Response{At: t0.Add(time.Duration(offset) * time.Second), Kind: SurveyKind(kind), Score: score}
		err = a.AddResponse(r)
		valid := !math.IsNaN(score) && !math.IsInf(score, 0)
		switch SurveyKind(kind) {
		case SurveyCSAT:
			valid = valid && score >= 1 && score <= 5 && score == math.Trunc(score)
		case SurveyNPS:
			valid = valid && score >= 0 && score <= 10 && score == math.Trunc(score)
		case SurveyCES:
			valid = valid && score >= 1 && score <= 5
		default:
			valid = false
		}
		if !valid {
			require.ErrorIs(t, err, ErrInvalidRecord)
			require.Empty(t, a.Reports())
			return
		}
		require.NoError(t, err)
		reps := a.Reports()
		require.Len(t, reps, 1)
		require.True(t, reps[0].Window.Contains(r.At))
		for _, m := range Metrics {
			fg, _ := reps[0].Figure(m)
			for _, x := range []float64{fg.Value, fg.Lower, fg.Upper, fg.StdErr} {
				require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s: %+v", m, fg)
			}
			require.LessOrEqual(t, fg.Lower, fg.Value+1e-9)
			require.GreaterOrEqual(t, fg.Upper, fg.Value-1e-9)
		}
	})
}

func TestBatchErrorsListAtMostTwenty(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	bad := make([]Response, 25)
	for i := range bad {
		bad[i] = Response{ID: fmt.Sprintf("r%d", i), At: t0, Kind: SurveyCSAT, Score: 9}
	}
	err = a.AddResponses(bad)
	require.ErrorIs(t, err, ErrInvalidRecord)
	assert.Len(t, strings.Split(err.Error(), "\n"), 20)
	assert.Contains(t, err.Error(), `record 19 (id "r19")`)
	assert.NotContains(t, err.Error(), `"r20"`)

	recs := make([]Record, 25)
	for i := range recs {
		recs[i] = Record{ID: fmt.Sprintf("s%d", i), At: t0, Handling: -time.Second}
	}
	err = a.AddRecords(recs)
	require.ErrorIs(t, err, ErrInvalidRecord)
	assert.Len(t, strings.Split(err.Error(), "\n"), 20)
	assert.NotContains(t, err.Error(), `"s20"`)
	assert.Empty(t, a.Reports())
}

// Total merges windows oldest first: the same records give bit-identical
// figures however the windows are stored.
func TestTotalMergesWindowsOldestFirst(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for d := range 60 {
		for i := range 7 {
			h := time.Duration(1+(d*7919+i*104729)%9973) * time.Millisecond * 37
			require.NoError(t, a.AddRecord(Record{At: t0.AddDate(0, 0, d).Add(time.Duration(i) * time.Minute), Handling: h}))
		}
	}
	var want Counters
	for _, w := range a.Counters() { // oldest first
		want.Merge(w.Counters)
	}
	wantAHT := want.Report(Config{}).AHT
	for range 20 {
		got := a.Total().AHT
		require.Equal(t, math.Float64bits(wantAHT.Value), math.Float64bits(got.Value))
		require.Equal(t, math.Float64bits(wantAHT.StdErr), math.Float64bits(got.StdErr))
	}
}

// parallel runs f(0) to f(n-1) in goroutines of their own and waits for
// them all.
func parallel(n int, f func(g int)) {
	var wg sync.WaitGroup
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(g)
		}()
	}
	wg.Wait()
}
