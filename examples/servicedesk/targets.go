package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/sla"
)

// The month against its targets: the seeds' (overall satisfaction at
// least 90 %, problem-resolution satisfaction at least 95 %, human
// intervention in bot sessions at most 15 %, spot checks on at least 20 %
// of handled work) and the desk's own for every other key figure. Each
// target gets its gap and whether the figure's 95 % interval excludes it,
// so a miss by chance is told apart from a real one.

// deskTargets are the targets the desk sets itself, in the metrics' units
// (percent, points, seconds, per 1,000 orders).
func deskTargets() feedback.Targets {
	return feedback.Targets{
		{Name: "NPS", Metric: feedback.MetricNPS, Value: 40},
		{Name: "first-contact resolution", Metric: feedback.MetricFCR, Value: 75},
		{Name: "handling time", Metric: feedback.MetricAHT, Value: (15 * time.Minute).Seconds()},
		{Name: "arrival to first response", Metric: feedback.MetricASA, Value: time.Hour.Seconds()},
		{Name: "arrival to solution", Metric: feedback.MetricCycleTime, Value: (8 * time.Hour).Seconds()},
		{Name: "complaint rate", Metric: feedback.MetricComplaintRate, Value: 2},
		{Name: "first responses in target", Metric: feedback.MetricServiceLevel, Value: 90},
		{Name: "return visits in 48 h", Metric: feedback.MetricCompliance, Value: 95},
		{Name: "survey response rate", Metric: feedback.MetricResponseRate, Value: 30},
		{Name: "complaints resolved", Metric: feedback.MetricComplaintResolution, Value: 90},
		{Name: "inspection score", Metric: feedback.MetricInspectionScore, Value: 85},
		{Name: "inspections passed", Metric: feedback.MetricInspectionPass, Value: 90},
		{Name: "critical failures", Metric: feedback.MetricCriticalFailure, Value: 2},
	}
}

// monthTargets are the seeds' targets and the desk's.
func monthTargets() feedback.Targets { return append(feedback.SeedTargets(), deskTargets()...) }

// monthReport assembles the run's figures as one feedback report: the
// desk's aggregator's totals, the complaint rate of the complaints counted
// at arrival, and three figures counted elsewhere (feedback.FigureOf): the
// first responses within their SLA target as the service level, the return
// visits made within 48 hours as compliance with the return-visit rule,
// and the complaints whose problem had not come back at the return visit
// as complaint resolution.
func monthReport(total, complaints feedback.Report, att []sla.Attainment, visits VisitSummary) (feedback.Report, error) {
	cfg := feedback.Config{}
	r := total
	r.ComplaintRate = complaints.ComplaintRate
	frMet, frDecided := attained(att, sla.FirstResponse)
	vMet, vDecided := attained(visits.Attainment, "")
	var err error
	if r.ServiceLevel, err = feedback.FigureOf(feedback.MetricServiceLevel, frMet, frDecided, cfg); err != nil {
		return r, err
	}
	if r.Compliance, err = feedback.FigureOf(feedback.MetricCompliance, vMet, vDecided, cfg); err != nil {
		return r, err
	}
	made := int64(visits.Made)
	r.ComplaintResolution, err = feedback.FigureOf(feedback.MetricComplaintResolution, made-int64(visits.Recurred), made, cfg)
	return r, err
}

// targetRow is one target of the report: the figure, the target with its
// direction, the gap and the verdict, in the figure's unit.
type targetRow struct {
	Name, Actual, Interval, Target, Gap, Excludes, Verdict string
}

// targetRows are the month's targets as the report shows them, the same
// in text and HTML.
func targetRows(r *Result) []targetRow {
	var rows []targetRow
	for _, g := range r.Targets {
		higher := g.Target.Metric.HigherIsBetter()
		switch g.Target.Direction {
		case feedback.HigherIsBetter:
			higher = true
		case feedback.LowerIsBetter:
			higher = false
		}
		cmpSign := ">="
		if !higher {
			cmpSign = "<="
		}
		ex := "no"
		if g.Excludes {
			ex = "yes"
		}
		rows = append(rows, targetRow{Name: g.Target.Name, Actual: cell(g.Actual), Interval: intervalText(g.Actual),
			Target: cmpSign + " " + unitText(g.Actual, g.Target.Value, false), Gap: gapText(g),
			Excludes: ex, Verdict: strings.ReplaceAll(string(g.Verdict), "_", " ")})
	}
	return rows
}

// writeTargets writes the report's targets section.
func writeTargets(p *printer, r *Result) {
	p.section("Targets")
	p.f("the month against the seeds' targets and the desk's own; \"excludes\": the 95 %% interval excludes the target (* fewer than 30 samples)\n")
	p.f("%-32s %-11s %-16s %-12s %-11s %-9s %s\n", "target", "actual", "95 % interval", "target", "gap", "excludes", "verdict")
	for _, t := range targetRows(r) {
		p.f("%-32s %-11s %-16s %-12s %-11s %-9s %s\n", t.Name, t.Actual, t.Interval, t.Target, t.Gap, t.Excludes, t.Verdict)
	}
}

// unitText formats v in the unit figureText gives f: minutes or hours for
// times, with a sign for a gap.
func unitText(f feedback.Figure, v float64, signed bool) string {
	unit, scale, digits := figureUnit(f)
	if signed {
		return fmt.Sprintf("%+.*f%s", digits, v/scale, unit)
	}
	return fmt.Sprintf("%.*f%s", digits, v/scale, unit)
}

// monthFigures puts the run's feedback figures into r: the month's report,
// its slices and its targets.
func (s *sim) monthFigures(r *Result) error {
	run := periodOf(s.daily, time.Time{}, time.Time{})
	var err error
	if r.Feedback, err = monthReport(run.total(), s.complaints.Total(), r.Attainment, r.ReturnVisits); err != nil {
		return err
	}
	r.SurveyQuestions = run.slices(feedback.SliceBy(feedback.DimQuestion))
	r.TeamChannels = run.slices(feedback.SliceBy(feedback.DimTeam, feedback.DimChannel))
	r.TeamChannelQuestions = run.slices(feedback.SliceBy(feedback.DimTeam, feedback.DimChannel, feedback.DimQuestion))
	r.Targets, err = run.versus(r.Feedback, monthTargets())
	return err
}

// question is the run's report of one survey question.
func (r *Result) question(q string) feedback.Report {
	for _, sr := range r.SurveyQuestions {
		if sr.Slice.Question == q && !sr.Other {
			return sr.Report
		}
	}
	return feedback.Counters{}.Report(feedback.Config{})
}

// gapText is a target's gap in its figure's unit, "-" without a figure.
func gapText(g feedback.TargetGap) string {
	if g.Actual.N == 0 {
		return "-"
	}
	return unitText(g.Actual, g.Gap, true)
}
