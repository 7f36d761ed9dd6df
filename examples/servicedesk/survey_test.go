package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/sla"
)

// A period's figures merge its days: the whole run's equal the
// aggregator's totals, its slices add up to them, and a half of it holds
// only the days it covers.
func TestPeriodFigures(t *testing.T) {
	s, err := newSim(Config{Days: 6, Agents: 6, PerDay: 150, Seed: 2, SurgeDay: -1})
	require.NoError(t, err)
	require.NoError(t, s.run(context.Background()))
	run := periodOf(s.daily, time.Time{}, time.Time{})
	assert.Equal(t, s.daily.Total(), run.total())

	var closed int64
	for _, sr := range run.slices(feedback.SliceBy(feedback.DimTeam, feedback.DimChannel)) {
		assert.NotEmpty(t, sr.Slice.Team)
		assert.NotEmpty(t, sr.Slice.Channel)
		closed += sr.Report.FCR.N
	}
	assert.Equal(t, run.total().FCR.N, closed, "every closed case is in one team and channel")

	mid := s.dayStart(3)
	first, second := periodOf(s.daily, time.Time{}, mid), periodOf(s.daily, mid, time.Time{})
	assert.Equal(t, run.total().FCR.N, first.total().FCR.N+second.total().FCR.N)
	assert.Positive(t, first.total().FCR.N)
	for _, w := range first.windows {
		assert.True(t, w.Window.Start.Before(mid))
	}
	assert.Zero(t, run.slice(feedback.Dimensions{Agent: "nobody"}).FCR.N)
}

// A sliced target reads its slice, a whole one the month's report; the
// verdict follows the gap and the interval.
func TestPeriodVersus(t *testing.T) {
	s, err := newSim(Config{Days: 4, Agents: 6, PerDay: 150, Seed: 2, SurgeDay: -1})
	require.NoError(t, err)
	require.NoError(t, s.run(context.Background()))
	run := periodOf(s.daily, time.Time{}, time.Time{})
	whole := run.total()
	gaps, err := run.versus(whole, feedback.Targets{
		{Name: "overall", Metric: feedback.MetricCSAT, Slice: feedback.Dimensions{Question: feedback.QuestionOverall}, Value: 50},
		{Name: "all", Metric: feedback.MetricCSAT, Value: 50},
	})
	require.NoError(t, err)
	require.Len(t, gaps, 2)
	overall := run.slice(feedback.Dimensions{Question: feedback.QuestionOverall}).CSAT
	assert.Equal(t, overall, gaps[0].Actual)
	assert.Equal(t, feedback.Dimensions{Question: feedback.QuestionOverall}, gaps[0].Target.Slice, "the target as given")
	assert.Equal(t, whole.CSAT, gaps[1].Actual)
	assert.NotEqual(t, gaps[0].Actual.N, gaps[1].Actual.N, "two questions in the whole, one in the slice")
	_, err = run.versus(whole, feedback.Targets{{Metric: "nope", Value: 1}})
	assert.Error(t, err)
}

// The survey and the month's targets: every closed case is invited once,
// each answer answers both questions, the return visits ask how the
// problem was solved, and every target of the seeds and of the desk is
// compared, in order.
func TestSurveyAndTargets(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	fb := res.Feedback
	assert.Equal(t, int64(res.Closed), fb.ResponseRate.N, "one invitation per closed case")
	overall, solved := res.question(feedback.QuestionOverall).CSAT, res.question(feedback.QuestionProblemResolution).CSAT
	assert.Equal(t, fb.ResponseRate.Hits, overall.N)
	assert.Equal(t, overall.N+int64(res.ReturnVisits.Made), solved.N, "the return visits ask how the problem was solved")
	assert.Equal(t, overall.N+solved.N, fb.CSAT.N)
	assert.Equal(t, res.ComplaintRate, fb.ComplaintRate)
	assert.Equal(t, int64(res.ReturnVisits.Made), fb.ComplaintResolution.N)

	targets := monthTargets()
	require.NoError(t, targets.Validate())
	require.Len(t, res.Targets, len(targets))
	for i, g := range res.Targets {
		assert.Equal(t, targets[i], g.Target)
		assert.InDelta(t, g.Actual.Value-g.Target.Value, g.Gap, 1e-9, g.Target.Name)
		if g.Verdict == feedback.Met || g.Verdict == feedback.NotMet {
			assert.True(t, g.Excludes, g.Target.Name)
			assert.Equal(t, g.Meets, g.Verdict == feedback.Met, g.Target.Name)
		}
	}
	assert.Equal(t, feedback.SeedTargets(), targets[:len(feedback.SeedTargets())], "the seeds' targets first")
}

// The figures counted elsewhere become the month report's: first
// responses in target, return visits in time and problems not back.
func TestMonthReport(t *testing.T) {
	att := []sla.Attainment{
		{Metric: sla.FirstResponse, Priority: "high", Met: 80, Breached: 20, InProgress: 3},
		{Metric: sla.Resolution, Priority: "high", Met: 10, Breached: 90},
	}
	visits := VisitSummary{Made: 50, Recurred: 5, Attainment: []sla.Attainment{{Met: 45, Breached: 4, InProgress: 1}}}
	complaints := feedback.Report{ComplaintRate: feedback.Figure{Metric: feedback.MetricComplaintRate, Value: 2.5, N: 1000}}
	rep, err := monthReport(feedback.Report{}, complaints, att, visits)
	require.NoError(t, err)
	assert.Equal(t, [2]int64{80, 100}, [2]int64{rep.ServiceLevel.Hits, rep.ServiceLevel.N}, "first responses only")
	assert.Equal(t, [2]int64{45, 49}, [2]int64{rep.Compliance.Hits, rep.Compliance.N})
	assert.Equal(t, [2]int64{45, 50}, [2]int64{rep.ComplaintResolution.Hits, rep.ComplaintResolution.N})
	assert.Equal(t, complaints.ComplaintRate, rep.ComplaintRate)
}
