package feedback

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResponseRateContainmentAndComplaintResolution(t *testing.T) {
	a, err := NewAggregator(Week, time.UTC, Config{MinSamples: 1})
	require.NoError(t, err)
	// 40 invitations, 13 answered.
	for i := range 40 {
		require.NoError(t, a.AddInvitation(Invitation{At: t0, Answered: i < 13}))
	}
	// 200 bot sessions, 27 handed to a human.
	sessions := make([]BotSession, 200)
	for i := range sessions {
		sessions[i] = BotSession{ID: "b", At: t0.Add(time.Hour), HandedOff: i%200 < 27}
	}
	require.NoError(t, a.AddBotSessions(sessions))
	// 10 complaints: 6 resolved, 2 not, 2 unknown; 5 other records.
	var recs []Record
	for i := range 15 {
		r := Record{At: t0, Complaint: i < 10}
		switch {
		case i < 6:
			r.ComplaintResolved = Yes
		case i < 8:
			r.ComplaintResolved = No
		}
		recs = append(recs, r)
	}
	require.NoError(t, a.AddRecords(recs))
	r := a.ReportAt(t0)
	for _, tc := range []struct {
		f       Figure
		hits, n int64
		value   float64
	}{
		{r.ResponseRate, 13, 40, 32.5},
		{r.HumanIntervention, 27, 200, 13.5},
		{r.BotContainment, 173, 200, 86.5},
		{r.ComplaintResolution, 6, 8, 75},
	} {
		assert.Equal(t, tc.hits, tc.f.Hits, tc.f.Metric)
		assert.Equal(t, tc.n, tc.f.N, tc.f.Metric)
		assert.InDelta(t, tc.value, tc.f.Value, 1e-9, tc.f.Metric)
		lo, hi := Wilson(tc.hits, tc.n, 0.95)
		assert.InDelta(t, 100*lo, tc.f.Lower, 1e-9, tc.f.Metric)
		assert.InDelta(t, 100*hi, tc.f.Upper, 1e-9, tc.f.Metric)
		assert.Equal(t, UnitPercent, tc.f.Unit)
	}
	assert.False(t, MetricHumanIntervention.HigherIsBetter())
	assert.True(t, MetricBotContainment.HigherIsBetter())
	assert.EqualValues(t, 10, r.ComplaintRate.Hits, "complaints still count in the complaint rate")

	// The same figure from plain counts.
	f, err := FigureOf(MetricHumanIntervention, 27, 200, Config{MinSamples: 1})
	require.NoError(t, err)
	assert.Equal(t, r.HumanIntervention, f)
	f, err = FigureOf(MetricComplaintRate, 3, 2, Config{})
	require.NoError(t, err)
	assert.InDelta(t, 1500, f.Value, 1e-9, "more complaints than orders")
	_, err = FigureOf(MetricNPS, 1, 2, Config{Confidence: 2})
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, `metric: "nps" is not a proportion metric`)
	assert.ErrorContains(t, err, "cfg.confidence")
	_, err = FigureOf(MetricBotContainment, 3, 2, Config{})
	assert.ErrorContains(t, err, "hits: 3 exceeds n 2")
	_, err = FigureOf(MetricBotContainment, -1, 2, Config{})
	assert.ErrorContains(t, err, "negative count")
}

func TestNewObservationsRejectWhatTheyCannotCarry(t *testing.T) {
	a, err := NewAggregator(Day, time.UTC, Config{})
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		err   error
		field []string
	}{
		{"record with a question and a resolution but no complaint",
			a.AddRecord(Record{ID: "r", At: t0, ComplaintResolved: Yes, Dimensions: Dimensions{Question: "q", Sheet: "s"}}),
			[]string{"complaint_resolved", "question", "sheet"}},
		{"record with an unknown resolution flag", a.AddRecord(Record{ID: "r", At: t0, Complaint: true, ComplaintResolved: 7}), []string{"complaint_resolved"}},
		{"response with a sheet", a.AddResponse(Response{ID: "s", At: t0, Kind: SurveyCSAT, Score: 4, Dimensions: Dimensions{Sheet: "x"}}), []string{"sheet"}},
		{"invitation with a question and no time", a.AddInvitation(Invitation{ID: "i", Dimensions: Dimensions{Question: "q"}}), []string{"at", "question"}},
		{"bot session with a sheet", a.AddBotSession(BotSession{ID: "b", At: t0, Dimensions: Dimensions{Sheet: "x"}}), []string{"sheet"}},
		{"batch of invitations", a.AddInvitations([]Invitation{{At: t0}, {ID: "bad"}}), []string{"at"}},
		{"inspection with a question", a.AddInspection(InspectionResult{ID: "q", At: t0, Kind: SpotCheck, Dimensions: Dimensions{Sheet: "s", Question: "q"}}), []string{"question"}},
		{"inspection without sheet or kind, score out of range", a.AddInspection(InspectionResult{ID: "q", At: t0, Score: 101, RawScore: -1}), []string{"sheet", "kind", "score", "raw_score"}},
		{"critical failure that passed", a.AddInspection(InspectionResult{ID: "q", At: t0, Kind: SpotCheck, Passed: true, CriticalFailed: []string{"x"}, Dimensions: Dimensions{Sheet: "s"}}), []string{"passed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.err, ErrInvalidRecord)
			for _, f := range tc.field {
				assert.ErrorContains(t, tc.err, ": "+f+": ")
			}
		})
	}
	assert.Empty(t, a.Reports(), "nothing counted")
}

// Comments are classified into the response's category when it has none;
// the text is not kept.
func TestAggregatorClassifiesComments(t *testing.T) {
	c, err := NewClassifier(SeedRuleSet())
	require.NoError(t, err)
	a, err := NewAggregator(Day, time.UTC, Config{MinSamples: 1, Slicings: []Slicing{SliceBy(DimCategory)}}, WithClassifier(c))
	require.NoError(t, err)
	require.NoError(t, a.AddResponse(Response{At: t0, Kind: SurveyCSAT, Score: 2, Comment: "快递三天都没收到"}))
	require.NoError(t, a.AddResponses([]Response{
		{At: t0, Kind: SurveyCSAT, Score: 1, Comment: "the parcel never arrived"},
		{At: t0, Kind: SurveyCSAT, Score: 5, Comment: "great, thanks"},
		{At: t0, Kind: SurveyCSAT, Score: 4, Comment: "courier late", Dimensions: Dimensions{Category: "mine"}},
		{At: t0, Kind: SurveyNPS, Score: 9},
	}))
	rs, err := a.SliceReportsAt(t0, SliceBy(DimCategory))
	require.NoError(t, err)
	got := map[string][2]int64{}
	for _, r := range rs {
		got[r.Slice.Category] = [2]int64{r.Report.CSAT.N, r.Report.CSAT.Hits}
	}
	assert.Equal(t, map[string][2]int64{CategoryLogistics: {2, 0}, CategoryUncategorised: {1, 1}, "mine": {1, 1}}, got)
	assert.EqualValues(t, 4, a.Counters()[0].Counters.Comments)
	data, err := json.Marshal(a.Snapshot())
	require.NoError(t, err)
	assert.NotContains(t, string(data), "parcel")

	// Without the classifier, comments are counted but not filed.
	b, err := RestoreAggregator(a.Snapshot())
	require.NoError(t, err)
	require.NoError(t, b.AddResponse(Response{At: t0, Kind: SurveyCSAT, Score: 2, Comment: "快递三天都没收到"}))
	rs, err = b.SliceReportsAt(t0, SliceBy(DimCategory))
	require.NoError(t, err)
	assert.Len(t, rs, 3)
	assert.EqualValues(t, 5, b.Counters()[0].Counters.Comments)
}

func TestRestoreAggregatorRefusesNewCountersThatCountingCannotGive(t *testing.T) {
	good := aggregatorGolden(t).Snapshot()
	refuses(t, good, resnapshot(RestoreAggregator), []refusal[AggregatorSnapshot]{
		{"answered invitations beyond the invitations", func(s *AggregatorSnapshot) { s.Windows[0].Counters.InvitationsAnswered = 99 },
			"windows[0].counters.invitations_answered"},
		{"more comments than responses", func(s *AggregatorSnapshot) { s.Windows[0].Counters.Comments = 99 }, "windows[0].counters.comments"},
		{"resolutions beyond the complaints", func(s *AggregatorSnapshot) { s.Windows[0].Counters.ResolutionKnown = 99 },
			"windows[0].counters.resolution_known"},
		{"hand-offs beyond the bot sessions", func(s *AggregatorSnapshot) { s.Windows[0].Counters.HandedOff = 99 }, "windows[0].counters.handed_off"},
		{"a passed sheet that failed critically", func(s *AggregatorSnapshot) {
			c := &s.Windows[0].Counters
			c.CriticalFailures, c.InspectionsPassed = c.Inspections, 1
		}, "windows[0].counters.inspections_passed"},
		{"a score per inspection", func(s *AggregatorSnapshot) { s.Windows[0].Counters.Inspections++ }, "windows[0].counters.inspection_score.n"},
		{"a score above 100", func(s *AggregatorSnapshot) { s.Windows[0].Counters.InspectionScore.Mean = 120 },
			"windows[0].counters.inspection_score: mean 120 outside the range of the values, 0 to 100"},
	})
}

// Dimensions travel flat in the JSON of every observation, beside its own
// fields, and come back.
func TestObservationsJSON(t *testing.T) {
	d := Dimensions{Agent: "a-1", Team: "t-1", Channel: "chat", Category: CategoryLogistics, Tier: "gold"}
	rec := Record{ID: "r", At: t0, FirstResponse: 90 * time.Second, Complaint: true, ComplaintResolved: No, Dimensions: d}
	data, err := json.Marshal(rec)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"r","at":"2026-03-02T09:00:00Z","first_response":"1m30s","complaint":true,"complaint_resolved":"no",
		"agent":"a-1","team":"t-1","channel":"chat","category":"logistics_delivery","tier":"gold"}`, string(data))
	assert.Equal(t, rec, roundTrip(t, rec))
	resp := Response{At: t0, Kind: SurveyCSAT, Score: 4, Comment: "fine", Dimensions: Dimensions{Agent: "a-1", Question: QuestionOverall}}
	data, err = json.Marshal(resp)
	require.NoError(t, err)
	assert.JSONEq(t, `{"at":"2026-03-02T09:00:00Z","kind":"csat","score":4,"comment":"fine","agent":"a-1","question":"overall"}`, string(data))
	assert.Equal(t, resp, roundTrip(t, resp))
	assert.Equal(t, Invitation{At: t0, Answered: true, Dimensions: d}, roundTrip(t, Invitation{At: t0, Answered: true, Dimensions: d}))
	assert.Equal(t, BotSession{At: t0, HandedOff: true, Dimensions: d}, roundTrip(t, BotSession{At: t0, HandedOff: true, Dimensions: d}))
}
