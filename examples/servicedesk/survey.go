package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sqkit/sqkit/feedback"
)

// What a finished case leaves in the feedback figures: its service record,
// a survey invitation and, when the customer answers, the survey's two
// questions (overall satisfaction, and satisfaction with how the problem
// was solved), now and then an NPS answer. Everything carries the case's
// dimensions (the agent who solved it, its team and channel), so the
// desk's one aggregator counts the totals and every slice in one pass.

// deskSlicings are the slices the desk's aggregator keeps besides its
// totals: per agent (the inspection scores on the statements), per team
// and channel, the same per survey question, and per survey question.
func deskSlicings() []feedback.Slicing {
	return []feedback.Slicing{
		feedback.SliceBy(feedback.DimAgent),
		feedback.SliceBy(feedback.DimTeam, feedback.DimChannel),
		feedback.SliceBy(feedback.DimTeam, feedback.DimChannel, feedback.DimQuestion),
		feedback.SliceBy(feedback.DimQuestion),
	}
}

// dims are the dimensions of t's feedback: its team and channel, and who
// solved it: an agent, or the bot.
func (t *ticket) dims() feedback.Dimensions {
	d := feedback.Dimensions{Team: t.team, Channel: t.channel}
	switch {
	case t.resolvedBy != nil:
		d.Agent = t.resolvedBy.name
	case t.bot && !t.resolvedAt.IsZero():
		d.Agent = botActor
	}
	return d
}

// surveyRate is the share of customers who answer the survey.
const surveyRate = 0.35

// closed records a finished case in the feedback figures: the service
// record, the survey invitation and the customer's answers when they give
// them.
func (s *sim) closed(t *ticket, at time.Time) error {
	fcr := !t.waited && !t.escalated && !t.reopened && !t.reworked
	d := t.dims()
	rec := feedback.Record{
		ID: t.id, At: at, FirstResponse: t.firstResponse.Sub(t.arrived), Handling: t.handling,
		FCR: feedback.FlagOf(fcr), CycleTime: t.resolvedAt.Sub(t.arrived), Dimensions: d,
	}
	if err := s.daily.AddRecord(rec); err != nil {
		return err
	}
	s.qa.done(t.id, at, d)
	if a := t.resolvedBy; a != nil {
		a.stats.FCRKnown++
		if fcr {
			a.stats.FCRYes++
		}
	}
	happy := 0.9
	for _, bad := range []struct {
		hit  bool
		cost float64
	}{{t.frBreached, 0.2}, {t.resBreached, 0.2}, {t.reopened, 0.25}, {t.reworked, 0.25}, {t.waited, 0.05}, {t.escalated, 0.05}, {t.complaint, 0.15}} {
		if bad.hit {
			happy -= bad.cost
		}
	}
	answered := s.rng.Float64() < surveyRate
	if err := s.daily.AddInvitation(feedback.Invitation{ID: t.id, At: at, Answered: answered, Dimensions: d}); err != nil {
		return err
	}
	if answered {
		score := 1 + s.rng.IntN(3)
		if s.rng.Float64() < happy {
			score = 4 + s.rng.IntN(2)
		}
		overall, solved := d, d
		overall.Question, solved.Question = feedback.QuestionOverall, feedback.QuestionProblemResolution
		if err := s.daily.AddResponses([]feedback.Response{
			{ID: t.id + "/csat", At: at, Kind: feedback.SurveyCSAT, Score: float64(score), Dimensions: overall},
			{ID: t.id + "/solved", At: at, Kind: feedback.SurveyCSAT, Score: solvedScore(s.aux, t), Dimensions: solved},
		}); err != nil {
			return err
		}
		if a := t.resolvedBy; a != nil {
			a.stats.CSATAnswers++
			if score >= 4 {
				a.stats.CSATHappy++
			}
		}
	}
	if s.rng.Float64() < 0.15 {
		var score int
		switch r := s.rng.Float64(); {
		case r < happy*0.7:
			score = 9 + s.rng.IntN(2)
		case r < happy:
			score = 7 + s.rng.IntN(2)
		default:
			score = s.rng.IntN(7)
		}
		if err := s.daily.AddResponse(feedback.Response{ID: t.id + "/nps", At: at, Kind: feedback.SurveyNPS, Score: float64(score), Dimensions: d}); err != nil {
			return err
		}
	}
	s.out.Closed++
	return nil
}

// solvedScore draws the answer (1-5) to "how satisfied are you with how
// your problem was solved": high when it was solved the first time, lower
// when it came back or had to be handled again.
func solvedScore(r *rand.Rand, t *ticket) float64 {
	p := 0.95
	if t.reopened || t.reworked {
		p = 0.55
	}
	if t.complaint {
		p -= 0.1
	}
	if r.Float64() < p {
		return float64(4 + r.IntN(2))
	}
	return float64(1 + r.IntN(3))
}

// channelRow is one team and channel of the report's feedback table.
type channelRow struct {
	Team, Channel                          string
	Closed                                 int64
	FCR, AHT, ASA, CSAT, Response, Contain string
	Coverage, Score                        string
}

// channelRows are the run's figures per team and channel, the same in
// text and HTML.
func channelRows(r *Result) []channelRow {
	var rows []channelRow
	for _, sr := range r.TeamChannels {
		if sr.Other {
			continue
		}
		rep := sr.Report
		csat := feedback.Counters{}.Report(feedback.Config{}).CSAT
		for _, q := range r.TeamChannelQuestions {
			if q.Slice == (feedback.Dimensions{Team: sr.Slice.Team, Channel: sr.Slice.Channel, Question: feedback.QuestionOverall}) {
				csat = q.Report.CSAT
			}
		}
		rows = append(rows, channelRow{Team: sr.Slice.Team, Channel: sr.Slice.Channel, Closed: rep.FCR.N,
			FCR: cell(rep.FCR), AHT: cell(rep.AHT), ASA: cell(rep.ASA), CSAT: cell(csat), Response: cell(rep.ResponseRate),
			Contain: cell(rep.BotContainment), Coverage: cell(rep.InspectionCoverage), Score: cell(rep.InspectionScore)})
	}
	return rows
}

// cell is a figure in a table: its value and unit, "*" when the sample
// is too small to act on, "-" without one.
func cell(f feedback.Figure) string {
	if f.N == 0 {
		return "-"
	}
	unit, scale, digits := figureUnit(f)
	s := fmt.Sprintf("%.*f%s", digits, f.Value/scale, unit)
	if f.Insufficient {
		s += "*"
	}
	return s
}

// withInterval is a figure and its interval, as a table cell.
func withInterval(f feedback.Figure) string {
	if f.N == 0 {
		return cell(f)
	}
	return cell(f) + " [" + intervalText(f) + "]"
}

// questionLines are the survey's figures per question, the same in text
// and HTML.
func questionLines(r *Result) []string {
	rr := r.Feedback.ResponseRate
	out := []string{fmt.Sprintf("survey: %d of %d invitations answered (%s)", rr.Hits, rr.N, withInterval(rr))}
	for _, sr := range r.SurveyQuestions {
		if sr.Other {
			continue
		}
		out = append(out, fmt.Sprintf("question %q: CSAT %s; n=%d", sr.Slice.Question, withInterval(sr.Report.CSAT), sr.Report.CSAT.N))
	}
	return out
}

// writeChannels writes the survey's questions and the table per team and
// channel.
func writeChannels(p *printer, r *Result) {
	p.lines(questionLines(r))
	p.f("per team and channel (* fewer than %d samples):\n", feedback.Counters{}.Report(feedback.Config{}).CSAT.MinN)
	p.f("  %-10s %-7s %7s %8s %9s %10s %8s %9s %9s %9s %8s\n", "team", "channel", "closed", "FCR", "AHT", "ASA", "CSAT", "answered", "bot", "inspected", "QA score")
	for _, c := range channelRows(r) {
		p.f("  %-10s %-7s %7d %8s %9s %10s %8s %9s %9s %9s %8s\n", c.Team, c.Channel, c.Closed, c.FCR, c.AHT, c.ASA, c.CSAT, c.Response, c.Contain, c.Coverage, c.Score)
	}
}
