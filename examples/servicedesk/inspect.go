package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
)

// The desk's quality inspection: "double random" spot checks. At each
// review (mid-month and month end) a seeded sample of the work closed
// since the last one is drawn, stratified per agent within each team (at
// least 20 % of each agent's work, at least three items), each item given
// an inspector at random (the quality staff and the senior agents, never
// the work's own agent). The inspectors fill the desk's score sheet from
// what the case's record shows; the results count in the desk's aggregator,
// per agent, team and channel, and the inspection score goes onto the
// agents' scorecards.

// inspectionRate and inspectionMin are the share of each agent's work a
// spot check covers and the least it takes from each.
const (
	inspectionRate = feedback.DefaultSampleRate
	inspectionMin  = 3
)

// qaStaff inspect besides the senior agents.
var qaStaff = []string{"qa-lin", "qa-zhou"}

// deskSheet is the desk's spot-check score sheet: what the record shows
// (responses and solutions in target, solved at first contact, not
// reopened or reworked), the conversation (greeting, communication) and a
// critical item: the procedure followed (checklists, approvals within
// authority, no data-protection slip), which fails the sheet on its own.
func deskSheet() feedback.ScoreSheet {
	return feedback.ScoreSheet{ID: "desk-spot-check", Name: "Service desk spot check", Kind: feedback.SpotCheck, PassScore: 80,
		Items: []feedback.SheetItem{
			{ID: "greeting", Text: "greeted the customer and confirmed who they are", Weight: 1},
			{ID: "first-response", Text: "first response within its target", Weight: 2},
			{ID: "solution", Text: "solved within its target", Weight: 2},
			{ID: "first-contact", Text: "solved at the first contact (not applicable when the case needed an approval)", Weight: 2, AllowNA: true},
			{ID: "no-rework", Text: "not reopened or handled again", Weight: 1},
			{ID: "communication", Text: "clear and courteous", Weight: 2, Max: 5},
			{ID: "procedure", Text: "followed the procedure: checklists, approvals within authority, customer data protected", Weight: 2, Critical: true},
		}}
}

// inspector is the adapter from the desk's cases to feedback's spot
// checks: the plan, the sheet, the work closed so far, and how an
// inspector scores a case from its record.
type inspector struct {
	sheet      feedback.ScoreSheet
	inspectors []string
	closed     []feedback.ClosedItem // every piece of work closed, in order
	rng        *rand.Rand
}

// done records a closed piece of work that may be inspected.
func (in *inspector) done(id string, at time.Time, d feedback.Dimensions) {
	in.closed = append(in.closed, feedback.ClosedItem{ID: id, ClosedAt: at, Dimensions: d})
}

// draw draws the sample of the work closed in [from, to) with the seed
// of the period; the period is named by its first day.
func (in *inspector) draw(seed uint64, from, to time.Time, loc *time.Location) (feedback.Sample, []feedback.ClosedItem, error) {
	var items []feedback.ClosedItem
	for _, it := range in.closed {
		if !it.ClosedAt.Before(from) && it.ClosedAt.Before(to) {
			items = append(items, it)
		}
	}
	day, err := feedback.WindowOf(feedback.Day, from, loc)
	if err != nil {
		return feedback.Sample{}, nil, err
	}
	plan := feedback.SamplePlan{Rate: inspectionRate, MinPerStratum: inspectionMin,
		Seed: feedback.PeriodSeed(seed, day), Inspectors: in.inspectors}
	sample, err := feedback.DrawSample(plan, items)
	return sample, items, err
}

// score is an inspector's score sheet of case t: the record's facts and
// the inspector's judgment of the conversation.
func (in *inspector) score(p feedback.Pick, t *ticket, approvals *approvals) (feedback.InspectionResult, error) {
	yes := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	fcr := feedback.Answer{Item: "first-contact", Points: yes(!t.waited && !t.escalated && !t.reopened && !t.reworked)}
	if _, approved := t.m.Approval(); approved {
		fcr = feedback.Answer{Item: "first-contact", NA: true}
	}
	communication := 5.0
	switch r := in.rng.Float64(); {
	case r < 0.04:
		communication = 2
	case r < 0.15:
		communication = 3
	case r < 0.45:
		communication = 4
	}
	return in.sheet.Score(feedback.Inspection{
		ID: "QA-" + t.id, Work: t.id, At: p.ClosedAt, Inspector: p.Inspector, Dimensions: p.Dimensions,
		Answers: []feedback.Answer{
			{Item: "greeting", Points: yes(in.rng.Float64() >= 0.03)},
			{Item: "first-response", Points: yes(!t.frBreached)},
			{Item: "solution", Points: yes(!t.resBreached)},
			fcr,
			{Item: "no-rework", Points: yes(!t.reopened && !t.reworked)},
			{Item: "communication", Points: communication},
			{Item: "procedure", Points: yes(procedureFollowed(t, approvals) && in.rng.Float64() >= 0.015)},
		},
	})
}

// procedureFollowed checks a case's record: a complaint's three
// verifications (and five confirmations once closed) marked, and every
// approval within its approver's authority.
func procedureFollowed(t *ticket, approvals *approvals) bool {
	if !t.complaint {
		return true
	}
	if len(t.m.Missing(fsm.ThreeVerifications)) > 0 || t.m.IsTerminal() && len(t.m.Missing(fsm.FiveConfirmations)) > 0 {
		return false
	}
	return !slices.ContainsFunc(t.m.Approvals(), func(a fsm.Approval) bool {
		return !approvals.auth.Covers(t.m.Request(), a.Role, a.Amount)
	})
}

// InspectionPeriod is one review's spot check: the work it covered, the
// plan it was drawn with (its seed redraws it) and the coverage per agent
// and per team.
type InspectionPeriod struct {
	From    time.Time           `json:"from"`
	To      time.Time           `json:"to"`
	Plan    feedback.SamplePlan `json:"plan"`
	Items   int                 `json:"items"`
	Sampled int                 `json:"sampled"`
	Agents  []feedback.Stratum  `json:"agents"`
	Teams   []feedback.Stratum  `json:"teams"`
	Failed  []string            `json:"critical_failures"`
}

// InspectionSummary is the month's spot checks: the sheet and every
// review's sample.
type InspectionSummary struct {
	Sheet   feedback.ScoreSheet `json:"sheet"`
	Periods []InspectionPeriod  `json:"periods"`
}

// setupInspection readies the spot checks: the sheet, the inspectors (the
// quality staff and the senior agents) and the review at mid-month; the
// month-end review inspects the rest at the end.
func (s *sim) setupInspection() {
	inspectors := slices.Clone(qaStaff)
	for _, a := range s.agents {
		if a.senior {
			inspectors = append(inspectors, a.name)
		}
	}
	s.qa = &inspector{sheet: deskSheet(), inspectors: inspectors, rng: s.aux}
	s.out.Inspections.Sheet = s.qa.sheet
	if s.mid.After(s.start) {
		s.after(s.mid, func(at time.Time) error { return s.inspect(s.start, at) })
	}
}

// inspect draws the spot check of the work closed in [from, to), scores
// it and counts the results in the desk's aggregator.
func (s *sim) inspect(from, to time.Time) error {
	sample, items, err := s.qa.draw(s.cfg.Seed, from, to, s.loc)
	if err != nil || len(items) == 0 {
		return err
	}
	teams, err := sample.CoverageBy(feedback.SliceBy(feedback.DimTeam))
	if err != nil {
		return err
	}
	per := InspectionPeriod{From: from, To: to, Plan: sample.Plan, Items: len(items), Sampled: len(sample.Picks),
		Agents: sample.Strata, Teams: teams}
	results := make([]feedback.InspectionResult, 0, len(sample.Picks))
	for _, p := range sample.Picks {
		res, err := s.qa.score(p, s.tickets[p.ID], s.approvals)
		if err != nil {
			return fmt.Errorf("%s: %w", p.ID, err)
		}
		if len(res.CriticalFailed) > 0 {
			per.Failed = append(per.Failed, res.String())
		}
		results = append(results, res)
	}
	s.out.Inspections.Periods = append(s.out.Inspections.Periods, per)
	return s.daily.AddInspections(results)
}

// inspectionLines sum the month's spot checks up, the same in text and
// HTML.
func inspectionLines(r *Result) []string {
	in, fb := r.Inspections, r.Feedback
	out := []string{fmt.Sprintf("sheet %s (%s), pass score %.0f, %d items, %d critical", in.Sheet.ID, in.Sheet.Kind, in.Sheet.PassScore,
		len(in.Sheet.Items), countCritical(in.Sheet))}
	for _, p := range in.Periods {
		var teams []string
		for _, t := range p.Teams {
			teams = append(teams, t.String())
		}
		out = append(out, fmt.Sprintf("sample of the work closed %s to %s (seed %d): %d of %d items, at least %.0f %% of each agent's work and %d each; %s",
			p.From.Format("01-02 15:04"), p.To.Format("01-02 15:04"), p.Plan.Seed, p.Sampled, p.Items, 100*p.Plan.Rate, p.Plan.MinPerStratum, joinOr(teams, "no team")))
	}
	out = append(out, fmt.Sprintf("coverage %s of handled work; score %s, passed %s, critical failures %s; n=%d",
		withInterval(fb.InspectionCoverage), cell(fb.InspectionScore), cell(fb.InspectionPass), cell(fb.CriticalFailure), fb.InspectionScore.N))
	var failed []string
	for _, p := range in.Periods {
		failed = append(failed, p.Failed...)
	}
	if len(failed) > 3 {
		failed = append(failed[:3], fmt.Sprintf("and %d more", len(failed)-3))
	}
	if len(failed) > 0 {
		out = append(out, "failed on a critical item: "+strings.Join(failed, "; "))
	}
	return out
}

// joinOr joins xs with ", ", or says none.
func joinOr(xs []string, none string) string {
	if len(xs) == 0 {
		return none
	}
	return strings.Join(xs, ", ")
}

func countCritical(s feedback.ScoreSheet) int {
	n := 0
	for _, it := range s.Items {
		if it.Critical {
			n++
		}
	}
	return n
}
