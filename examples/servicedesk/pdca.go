package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/sqkit/sqkit/feedback"
)

// The desk's improvement cycles (PDCA): the first complaint warning, or
// failing that the end of the second week, opens a cycle on the category
// with the most complaints of the last 7 days; its actions progress day by
// day, and the check measures the desk's complaint rate per 1,000 orders
// on the first full week after them.

// pdcaState is the desk's one improvement cycle: opened on the first
// complaint warning (or after two weeks on the worst category), its
// actions progress day by day, and the corrective action really lowers the
// complaints of its category in the simulation.
type pdcaState struct {
	why      string // what started the cycle; empty until something does
	id       string
	category string
	checkDue int    // day index of the check, -1 before the actions are done
	round    int    // cycles opened so far
	improved string // the category whose complaints the actions lowered
	strength int    // how many corrective actions lowered it
}

// pdcaActions are the planned actions per cause category: a containment
// action and a corrective one.
var pdcaActions = map[string][2]string{
	feedback.CategoryProductQuality: {"Quarantine the suspect batch and warn customers", "Supplier root-cause analysis (8D) and corrective action"},
	feedback.CategoryLogistics:      {"Escalate late parcels with the carrier daily", "Switch the worst delivery region to a second carrier"},
	feedback.CategoryServiceProcess: {"Coach agents on refunds and transfers", "Simplify the refund process to one approval"},
	feedback.CategoryUncategorised:  {"Review unclassified complaints daily", "Extend the classification rules"},
}

func (s *sim) pdcaDay(d int, at time.Time) error {
	p := &s.watch.pdca
	if p.id == "" {
		if p.why == "" && d != 13 {
			return nil
		}
		return s.pdcaOpen(d, at)
	}
	c, err := s.pdca.Get(p.id)
	if err != nil {
		return err
	}
	switch c.Phase {
	case feedback.PhaseDo:
		steps := map[string]int{"A1": 50, "A2": 25}
		done := true
		for _, a := range c.Plan.Actions {
			if a.Done() {
				continue
			}
			progress := min(100, a.Progress+steps[a.ID])
			if err := s.pdca.UpdateActionAt(at, p.id, a.ID, progress, fmt.Sprintf("day %d", d+1)); err != nil {
				return err
			}
			if progress == 100 {
				s.actionDone(a.ID)
			} else {
				done = false
			}
		}
		if done {
			if err := s.pdca.StartCheckAt(at, p.id); err != nil {
				return err
			}
			// check on the first full ISO week after the actions
			p.checkDue = d + 1
			for s.dayStart(p.checkDue).Weekday() != time.Monday {
				p.checkDue++
			}
			p.checkDue += 6
		}
	case feedback.PhaseCheck:
		if d < p.checkDue && d < s.cfg.Days-1 {
			return nil
		}
		noon := s.dayStart(d).Add(12 * time.Hour)
		w, err := feedback.WindowOf(feedback.Week, noon, s.loc)
		if err != nil {
			return err
		}
		res, err := s.pdca.CheckAt(at, p.id, w, s.weekly.ReportAt(noon).ComplaintRate)
		if err != nil {
			return err
		}
		switch res.Verdict {
		case feedback.Met: // act: the change becomes the standard
			if err := s.pdca.StandardiseAt(at, p.id, pdcaActions[p.category][1]+" becomes standard practice"); err != nil {
				return err
			}
			return s.pdca.CloseAt(at, p.id)
		case feedback.NotMet: // act: a next cycle takes the problem on from the measured value
			p.round++
			next := fmt.Sprintf("PDCA-%d", p.round)
			acts := pdcaActions[p.category]
			plan := feedback.Plan{
				Problem:       fmt.Sprintf("complaint rate still %.2f per 1,000 orders after %s; %s again", res.Measured.Value, p.id, p.category),
				CauseCategory: p.category, Metric: feedback.MetricComplaintRate, Baseline: res.Measured, Target: res.Target,
				Actions: []feedback.Action{
					{ID: "A1", Description: acts[0] + ", second round", Owner: "quality-lead", Deadline: at.Add(48 * time.Hour)},
					{ID: "A2", Description: acts[1] + ", second round", Owner: "operations-manager", Deadline: at.Add(5 * 24 * time.Hour)},
				},
			}
			if _, err := s.pdca.StartNextAt(at, p.id, next, plan); err != nil {
				return err
			}
			p.id, p.checkDue = next, -1
			return s.pdca.StartDoAt(at, next)
		default: // inconclusive: measure again a week later
			p.checkDue = d + 7
		}
	}
	return nil
}

// actionDone is the effect of a finished action on the simulated world.
func (s *sim) actionDone(id string) {
	p := &s.watch.pdca
	switch id {
	case "A1":
		s.surge *= 0.4
	case "A2":
		if p.category == feedback.CategoryProductQuality {
			s.surge = 0
		}
		p.improved = p.category
		p.strength++
	}
}

func (s *sim) pdcaOpen(d int, at time.Time) error {
	p := &s.watch.pdca
	// the worst category: the most complaints over the last 7 days
	counts := map[string]int64{}
	for _, w := range s.tally.All() {
		if w.Window.Start.Before(s.dayStart(d - 6)) {
			continue
		}
		for c, n := range w.Counts {
			counts[c] += n
		}
	}
	worst := ""
	for _, c := range causes {
		if worst == "" || counts[c] > counts[worst] {
			worst = c
		}
	}
	// a surge: half the rate of the warning day; a routine improvement:
	// 10 % fewer complaints than over the last 7 days
	baseline, cut := s.complaints.ReportAt(s.dayStart(d).Add(12*time.Hour)).ComplaintRate, 0.5
	if p.why == "" {
		var c feedback.Counters
		for _, w := range s.complaints.Counters() {
			if !w.Window.Start.Before(s.dayStart(d - 6)) {
				c.Merge(w.Counters)
			}
		}
		baseline, cut = c.Report(feedback.Config{}).ComplaintRate, 0.1
	}
	target, err := strconv.ParseFloat(strconv.FormatFloat(baseline.Value*(1-cut), 'f', 2, 64), 64)
	if err != nil {
		return err
	}
	acts := pdcaActions[worst]
	why := p.why
	if why == "" {
		why = "the most complaints over two weeks"
	}
	plan := feedback.Plan{
		Problem:       fmt.Sprintf("%d %s complaints in 7 days; %s", counts[worst], worst, why),
		CauseCategory: worst,
		Metric:        feedback.MetricComplaintRate,
		Baseline:      baseline,
		Target:        target,
		Actions: []feedback.Action{
			{ID: "A1", Description: acts[0], Owner: "quality-lead", Deadline: at.Add(48 * time.Hour)},
			{ID: "A2", Description: acts[1], Owner: "operations-manager", Deadline: at.Add(5 * 24 * time.Hour)},
		},
	}
	p.round = 1
	p.id, p.category, p.checkDue = "PDCA-1", worst, -1
	if _, err := s.pdca.OpenAt(at, p.id, plan); err != nil {
		return err
	}
	return s.pdca.StartDoAt(at, p.id)
}
