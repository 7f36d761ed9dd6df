package feedback

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSlicingText(t *testing.T) {
	for _, tc := range []struct {
		s    Slicing
		text string
	}{
		{SliceBy(DimAgent), "agent"},
		{SliceBy(DimChannel, DimTeam), "team+channel"},
		{SliceBy(DimQuestion, DimTier, DimCategory), "category+tier+question"},
		{SliceBy(DimSheet, DimSheet), "sheet"},
	} {
		b, err := tc.s.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, tc.text, string(b))
		var back Slicing
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, tc.s, back)
	}
	for _, bad := range []string{"", "agent+nobody", "agent+team+channel+tier", "+"} {
		var s Slicing
		assert.ErrorIs(t, s.UnmarshalText([]byte(bad)), ErrInvalidConfig, bad)
	}
	_, err := Slicing(0).MarshalText()
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorIs(t, SliceBy(DimAgent, Dimension(99)).Validate(), ErrInvalidConfig)
	assert.ErrorContains(t, SliceBy(DimAgent, DimTeam, DimTier, DimSheet).Validate(), "combines 4 dimensions, at most 3")

	d := Dimensions{Agent: "a", Channel: "c", Sheet: "s"}
	assert.Equal(t, SliceBy(DimAgent, DimChannel, DimSheet), d.Slicing())
	assert.Equal(t, "c", d.Get(DimChannel))
	assert.Equal(t, "", d.Get(Dimension(0)))
	assert.Equal(t, Dimensions{Channel: "c"}, d.keep(SliceBy(DimChannel, DimTeam)))
	assert.True(t, d.Slicing().Has(DimSheet))
	assert.False(t, d.Slicing().Has(DimTeam))
}

func TestConfigValidatesSlicings(t *testing.T) {
	err := Config{MaxSlices: -1, Slicings: []Slicing{SliceBy(DimAgent), 0, SliceBy(DimAgent), SliceBy(DimAgent, DimTeam, DimTier, DimSheet)}}.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{"max_slices: must be in 0", "slicings[1]: empty slicing", `slicings[2]: duplicate slicing "agent"`, "slicings[3]: slicing"} {
		assert.ErrorContains(t, err, want)
	}
	many := make([]Slicing, MaxSlicings+1)
	assert.ErrorContains(t, Config{Slicings: many}.Validate(), "17 slicings, at most 16")
}

// sliceObs is one observation of the slicing tests, of any kind, and its
// dimensions (a question for responses, a sheet for inspections).
type sliceObs struct {
	d   Dimensions
	add func(a *Aggregator, d Dimensions) error
}

// randomObservations returns n observations of every kind over three
// days, from 7 agents, 3 teams, 2 channels and 2 questions, some with
// dimensions left empty.
func randomObservations(rng *rand.Rand, n int) []sliceObs {
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	out := make([]sliceObs, n)
	for i := range out {
		at := t0.Add(time.Duration(rng.IntN(72*60)) * time.Minute)
		d := Dimensions{Agent: pick("a1", "a2", "a3", "a4", "a5", "a6", "a7", ""), Team: pick("t1", "t2", "t3"), Channel: pick("chat", "phone", "")}
		score := float64(rng.IntN(5) + 1)
		resolved := Unknown
		if score == 1 {
			resolved = Flag(rng.IntN(3))
		}
		var add func(a *Aggregator, d Dimensions) error
		switch rng.IntN(5) {
		case 0:
			d.Question = pick(QuestionOverall, QuestionProblemResolution)
			add = func(a *Aggregator, d Dimensions) error {
				return a.AddResponse(Response{At: at, Kind: SurveyCSAT, Score: score, Dimensions: d})
			}
		case 1:
			add = func(a *Aggregator, d Dimensions) error {
				return a.AddRecord(Record{At: at, FirstResponse: time.Duration(score) * 7 * time.Second, Handling: time.Minute,
					Complaint: score == 1, ComplaintResolved: resolved, Dimensions: d})
			}
		case 2:
			add = func(a *Aggregator, d Dimensions) error {
				return a.AddBotSession(BotSession{At: at, HandedOff: score > 4, Dimensions: d})
			}
		case 3:
			add = func(a *Aggregator, d Dimensions) error {
				return a.AddInvitation(Invitation{At: at, Answered: score > 2, Dimensions: d})
			}
		default:
			d.Sheet = "qa"
			add = func(a *Aggregator, d Dimensions) error {
				return a.AddInspection(InspectionResult{ID: "i", At: at, Kind: SpotCheck, Score: 20 * score, RawScore: 20 * score, Passed: score > 2, Dimensions: d})
			}
		}
		out[i] = sliceObs{d: d, add: add}
	}
	return out
}

// Each slice reports exactly what a plain aggregator fed only that slice's
// observations reports; observations without a value of the slicing are
// in no slice, but in the window totals.
func TestSlicesMatchAnAggregatorPerSlice(t *testing.T) {
	by := []Slicing{SliceBy(DimAgent), SliceBy(DimTeam, DimChannel), SliceBy(DimQuestion), SliceBy(DimSheet, DimAgent)}
	a, err := NewAggregator(Day, time.UTC, Config{Slicings: by})
	require.NoError(t, err)
	plain, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	per := map[Dimensions]*Aggregator{}
	for _, o := range randomObservations(rand.New(rand.NewPCG(1, 2)), 3000) {
		require.NoError(t, o.add(a, o.d))
		require.NoError(t, o.add(plain, o.d))
		for _, s := range by {
			k := o.d.keep(s)
			if k.Slicing() != s {
				continue // a value of the slicing is missing
			}
			if per[k] == nil {
				per[k], err = NewAggregator(Day, time.UTC, Config{})
				require.NoError(t, err)
			}
			require.NoError(t, o.add(per[k], o.d))
		}
	}
	require.Len(t, per, 7+3*2+2+7)
	assert.Equal(t, plain.Reports(), a.Reports(), "slicing leaves the window totals alone")
	for slice, want := range per {
		for _, w := range want.Reports() {
			got, err := a.SliceReportAt(w.Window.Start, slice)
			require.NoError(t, err)
			assert.Equal(t, w, got, "slice %+v window %s", slice, w.Window)
		}
	}
	day := a.Reports()[1].Window
	rs, err := a.SliceReportsAt(day.Start, SliceBy(DimAgent))
	require.NoError(t, err)
	require.Len(t, rs, 7)
	for i, r := range rs {
		assert.Equal(t, fmt.Sprintf("a%d", i+1), r.Slice.Agent, "ordered by value")
		assert.Equal(t, day, r.Report.Window)
	}
}

// Past MaxSlices distinct values, new values count into the overflow
// bucket, in every window; values admitted before keep their slices.
func TestSlicesOverflowBucket(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{MaxSlices: 2, MinSamples: 1, Slicings: []Slicing{SliceBy(DimAgent), SliceBy(DimTeam)}})
	require.NoError(t, err)
	add := func(at time.Time, agent string, score float64) {
		require.NoError(t, a.AddResponse(Response{At: at, Kind: SurveyCSAT, Score: score, Dimensions: Dimensions{Agent: agent, Team: "t"}}))
	}
	add(t0, "a", 5)
	add(t0, "b", 5)
	add(t0, "c", 1)
	add(t0, "d", 2)
	add(t0.Add(24*time.Hour), "d", 5) // another window: still the overflow
	add(t0.Add(24*time.Hour), "a", 1)
	rs, err := a.SliceReportsAt(t0, SliceBy(DimAgent))
	require.NoError(t, err)
	require.Len(t, rs, 3)
	assert.Equal(t, "a", rs[0].Slice.Agent)
	assert.Equal(t, "b", rs[1].Slice.Agent)
	assert.True(t, rs[2].Other)
	assert.Zero(t, rs[2].Slice)
	assert.EqualValues(t, 2, rs[2].Report.CSAT.N, "c and d")
	assert.EqualValues(t, 0, rs[2].Report.CSAT.Hits)
	next, err := a.SliceReportsAt(t0.Add(24*time.Hour), SliceBy(DimAgent))
	require.NoError(t, err)
	require.Len(t, next, 2)
	assert.Equal(t, "a", next[0].Slice.Agent)
	assert.True(t, next[1].Other)
	r, err := a.SliceReportAt(t0, Dimensions{Agent: "c"})
	require.NoError(t, err)
	assert.Zero(t, r.CSAT.N, "an overflowed value has no report of its own")
	teams, err := a.SliceReportsAt(t0, SliceBy(DimTeam))
	require.NoError(t, err)
	require.Len(t, teams, 1, "the cap is per slicing")
	assert.EqualValues(t, 4, teams[0].Report.CSAT.N)

	// The restored aggregator admits no new value either.
	b, err := RestoreAggregator(roundTrip(t, a.Snapshot()))
	require.NoError(t, err)
	require.NoError(t, b.AddResponse(Response{At: t0, Kind: SurveyCSAT, Score: 5, Dimensions: Dimensions{Agent: "e"}}))
	rs, err = b.SliceReportsAt(t0, SliceBy(DimAgent))
	require.NoError(t, err)
	require.Len(t, rs, 3)
	assert.EqualValues(t, 3, rs[2].Report.CSAT.N)

	_, err = a.SliceReportsAt(t0, SliceBy(DimChannel))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, `does not slice by "channel"`)
	_, err = a.SliceReportAt(t0, Dimensions{Agent: "a", Team: "t"})
	require.ErrorIs(t, err, ErrInvalidConfig)
}

// The memory bound the documentation states: counters are allocated per
// slice with data, at most MaxSlices + 1 per slicing and window.
func TestSlicesMemoryBound(t *testing.T) {
	assert.LessOrEqual(t, CountersSize, 400, "Config.MaxSlices documents the cost of a slice")
	a, err := NewAggregator(Day, time.UTC, Config{MaxSlices: 50, Slicings: []Slicing{SliceBy(DimAgent), SliceBy(DimTeam)}})
	require.NoError(t, err)
	for i := range 5000 {
		// even agents on the first day, odd ones on the second
		require.NoError(t, a.AddRecord(Record{At: t0.Add(time.Duration(i%2) * 24 * time.Hour), Dimensions: Dimensions{Agent: fmt.Sprint(i), Team: fmt.Sprint(i % 7)}}))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	assert.Len(t, a.sl.keys, 50+1+7, "50 agents, their overflow bucket, 7 teams")
	for _, s := range a.m {
		allocated := 0
		for _, c := range s.v.slices {
			if c != nil {
				allocated++
			}
		}
		assert.LessOrEqual(t, len(s.v.slices), len(a.sl.keys))
		assert.Equal(t, 25+1+7, allocated, "25 of the 50 admitted agents, the overflow bucket, 7 teams")
	}
}

func TestRestoreAggregatorRefusesBadSlices(t *testing.T) {
	good := slicedGolden(t).Snapshot()
	require.True(t, good.Windows[0].Slices[2].Other, "the golden aggregator has an overflow bucket of agents")
	refuses(t, good, resnapshot(RestoreAggregator), []refusal[AggregatorSnapshot]{
		{"a slicing not configured", func(s *AggregatorSnapshot) { s.Windows[0].Slices[0].By = SliceBy(DimTier) },
			`windows[0].slices[0].by: "tier" is not one of the slicings`},
		{"values of another slicing", func(s *AggregatorSnapshot) { s.Windows[0].Slices[0].Slice.Team = "t-1" },
			`windows[0].slices[0].slice: sets "agent+team", want the values of "agent"`},
		{"an overflow bucket with values", func(s *AggregatorSnapshot) { s.Windows[0].Slices[2].Slice.Agent = "x" },
			"windows[0].slices[2].slice: the overflow bucket has no values"},
		{"a repeated slice", func(s *AggregatorSnapshot) { s.Windows[0].Slices[1] = s.Windows[0].Slices[0] },
			"windows[0].slices[1]: duplicate slice"},
		{"nothing counted", func(s *AggregatorSnapshot) { s.Windows[0].Slices[0].Counters = Counters{} },
			"windows[0].slices[0].counters: nothing counted"},
		{"counters counting cannot give", func(s *AggregatorSnapshot) { s.Windows[0].Slices[0].Counters.HandedOff = 99 },
			"windows[0].slices[0].counters.handed_off: 99 exceeds its total"},
		{"slices counting more than their window", func(s *AggregatorSnapshot) {
			c := &s.Windows[0].Slices[0].Counters
			c.Invitations += 50
		}, `windows[0].slices: the slices of "agent" count`},
		{"more distinct slices than max_slices", func(s *AggregatorSnapshot) { s.Windows[1].Slices[0].Slice.Agent = "zz" },
			`more than max_slices (2) distinct slices of "agent"`},
		{"an overflow bucket before max_slices", func(s *AggregatorSnapshot) { s.Config.MaxSlices = 5 },
			`windows: an overflow bucket of "agent", but only 2 of max_slices 5 distinct slices`},
		{"slices without slicings", func(s *AggregatorSnapshot) { s.Config.Slicings = nil },
			`windows[0].slices[0].by: "agent" is not one of the slicings []`},
	})
}

func TestSliceCountersJSON(t *testing.T) {
	a := slicedGolden(t)
	snap := a.Snapshot()
	data, err := json.Marshal(snap.Windows[0].Slices[2])
	require.NoError(t, err)
	assert.NotContains(t, string(data), `"slice"`, "the overflow bucket has no values")
	assert.Contains(t, string(data), `"other":true`)
	assert.Equal(t, snap.Config.Slicings, a.Slicings())
	c := a.Config()
	c.Slicings[0] = SliceBy(DimTier)
	assert.Equal(t, SliceBy(DimAgent), a.Slicings()[0], "Config returns a copy")
}

func TestSlicedAggregatorConcurrent(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{MaxSlices: 20, Slicings: []Slicing{SliceBy(DimAgent), SliceBy(DimTeam, DimChannel)}})
	require.NoError(t, err)
	parallel(4, func(w int) {
		for i := range 500 {
			d := Dimensions{Agent: fmt.Sprintf("a%d", (w*500+i)%37), Team: "t", Channel: "chat"}
			if err := a.AddResponse(Response{At: t0.Add(time.Duration(i) * time.Minute), Kind: SurveyNPS, Score: float64(i % 11), Dimensions: d}); err != nil {
				t.Error(err)
			}
			if _, err := a.SliceReportsAt(t0, SliceBy(DimAgent)); err != nil {
				t.Error(err)
			}
			_ = a.Snapshot()
		}
	})
	rs, err := a.SliceReportsAt(t0, SliceBy(DimTeam, DimChannel))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.EqualValues(t, 2000, rs[0].Report.NPS.N)
	agents, err := a.SliceReportsAt(t0, SliceBy(DimAgent))
	require.NoError(t, err)
	var n int64
	for _, r := range agents {
		n += r.Report.NPS.N
	}
	assert.EqualValues(t, 2000, n, "every response in exactly one agent slice")
	assert.Len(t, agents, 21)
}
