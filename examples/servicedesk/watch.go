package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/sla"
)

// Measures, rules and events the desk's warning board uses.
const (
	measureComplaints   = "complaints"    // complaints per team, week over week
	measureFRAttainment = "fr_attainment" // first responses in target per team per day, percent
	eventMassComplaint  = "mass-complaint"

	ruleComplaintsUp    = "complaints-up-30pct-wow"
	ruleComplaintsSurge = "complaints-doubled-wow"
	ruleAttainment      = "first-response-attainment"
	ruleMassComplaint   = "mass-complaint"
)

// boardConfig is the desk's warning rules, one board subject per team:
//   - complaints up 30 % week over week (exact test, at least 20 complaints): yellow;
//   - complaints doubled week over week (at least 40, alpha 1 %): orange
//     (both compared once two whole weeks have passed);
//   - first-response attainment of the day at or below 80 % yellow, 65 %
//     orange, 45 % red, with hysteresis and a day's dwell before lowering;
//   - a mass complaint (a team's complaints in one day at 2.5 times its
//     mean of the last 7 days, and at least 15): red at once, lowering 48
//     hours after the last one or when the incident is resolved;
//   - staffing short: the agents on duty cover 75 % or less of the agents
//     the day's plan needs, at every hour's check for more than two hours:
//     yellow, lowering once they cover 90 % (or the desk closes).
func boardConfig() emergency.Config {
	up := emergency.NewChangeRule(ruleComplaintsUp, measureComplaints)
	doubled := emergency.NewChangeRule(ruleComplaintsSurge, measureComplaints)
	doubled.Level, doubled.MinIncrease, doubled.MinVolume, doubled.Alpha = emergency.Orange, 1.0, 40, 0.01
	shortage := emergency.NewShortageRule(ruleShortage, measureOnDuty, measureNeeded)
	shortage.Enter, shortage.Exit, shortage.Hold = 0.75, 0.9, sla.Duration(150*time.Minute)
	return emergency.Config{
		Changes:   []emergency.ChangeRule{up, doubled},
		Shortages: []emergency.ShortageRule{shortage},
		Thresholds: []emergency.ThresholdRule{{
			Name: ruleAttainment, Measure: measureFRAttainment, Direction: emergency.LowerIsWorse,
			Steps: []emergency.Step{
				{Level: emergency.Yellow, Enter: 80, Exit: 88},
				{Level: emergency.Orange, Enter: 65, Exit: 75},
				{Level: emergency.Red, Enter: 45, Exit: 55},
			},
			Dwell: sla.Duration(24 * time.Hour),
		}},
		Events: []emergency.EventRule{{Name: ruleMassComplaint, Event: eventMassComplaint, Level: emergency.Red, Dwell: sla.Duration(48 * time.Hour)}},
	}
}

// teamDay counts one team's day for the warning rules.
type teamDay struct {
	complaints int
	byCause    map[string]int // classified complaints by category
	frMet      int
	frBreached int
	signalled  bool
	maxLevel   emergency.Level
}

// watch is the desk's monitoring state: per-team daily counts and their
// history, and the improvement cycle the warnings started.
type watch struct {
	today      map[string]*teamDay
	complaints map[string][]int // per team, complaints of each finished day
	pdca       pdcaState
}

func (s *sim) setupWatch() error {
	board, err := emergency.NewBoard(boardConfig(), emergency.WithClock(s.clk), emergency.WithTracker(s.tracker), emergency.WithObserver(s.onLevelChange))
	if err != nil {
		return err
	}
	s.board = board
	if err := s.setupResponse(); err != nil {
		return err
	}
	if err := s.setupLoop(); err != nil {
		return err
	}
	s.series = map[string]*emergency.Series{}
	s.watch = &watch{today: map[string]*teamDay{}, complaints: map[string][]int{}}
	for _, tm := range teams {
		sr, err := emergency.NewSeries(s.start, 7*24*time.Hour, 24*time.Hour)
		if err != nil {
			return err
		}
		s.series[tm] = sr
		s.watch.today[tm] = &teamDay{}
	}
	if s.classifier, err = feedback.NewClassifier(feedback.SeedRuleSet()); err != nil {
		return err
	}
	if s.daily, err = feedback.NewAggregator(feedback.Day, s.loc, feedback.Config{Slicings: deskSlicings()}); err != nil {
		return err
	}
	s.bot = chatBot{sessions: s.daily}
	if s.complaints, err = feedback.NewAggregator(feedback.Day, s.loc, feedback.Config{}); err != nil {
		return err
	}
	if s.weekly, err = feedback.NewAggregator(feedback.Week, s.loc, feedback.Config{}); err != nil {
		return err
	}
	if s.tally, err = feedback.NewCategoryTally(feedback.Day, s.loc); err != nil {
		return err
	}
	s.pdca = feedback.NewBook(feedback.WithClock(s.clk))
	s.out.Days = make([]DayStat, s.cfg.Days)
	for d := range s.out.Days {
		s.out.Days[d].Date = s.dayStart(d).Format("2006-01-02")
		s.out.Days[d].Weekday = s.dayStart(d).Weekday().String()[:3]
	}
	if s.cfg.SurgeDay == 0 {
		s.surge = 1
		s.surgeArrivals(0)
	}
	return nil
}

// ---- complaint causes and text ----

var causes = []string{feedback.CategoryProductQuality, feedback.CategoryLogistics, feedback.CategoryServiceProcess, feedback.CategoryUncategorised}

// causeWeight is the mix of complaint causes in a normal week.
var causeWeight = []float64{0.33, 0.40, 0.22, 0.05}

// complaintTexts are what customers write, in English and Chinese; the
// classifier, not the simulation, decides the category the desk records.
var complaintTexts = map[string][]string{
	feedback.CategoryProductQuality: {
		"The charger stopped working after two days",
		"充电器质量太差，用了两天就坏了",
		"Screen has a defect, poor quality",
		"收到的耳机有瑕疵，不能用",
		"The kettle is faulty and leaks",
		"This looks counterfeit, not as described",
	},
	feedback.CategoryLogistics: {
		"My parcel never arrived and the tracking is stuck",
		"快递延误一周还没收到",
		"The courier left it at the wrong address, lost package",
		"The box was crushed, damaged in transit",
		"配送太慢，物流信息三天没更新",
		"Shipping delayed again",
		"The parcel arrived and the vase inside was broken",
	},
	feedback.CategoryServiceProcess: {
		"I waited on hold for 40 minutes",
		"客服态度很差，一直推诿",
		"Still no refund after two weeks",
		"I was transferred four times and got no reply",
		"售后流程太复杂，等了很久",
		"The agent was rude",
		"Nobody told me the delivery was cancelled",
	},
	feedback.CategoryUncategorised: {
		"I want to speak to a manager",
		"请尽快联系我",
		"This is unacceptable",
	},
}

// surgeTexts are what customers write about the faulty batch.
var surgeTexts = []string{
	"The new power bank is faulty, it stopped working overnight",
	"充电宝故障，充不进电",
	"Power bank broken after one charge, poor quality",
	"新买的充电宝质量问题，发烫",
}

func (s *sim) drawCause(surge bool) string {
	if surge {
		return feedback.CategoryProductQuality
	}
	return causes[pick(s.rng, s.causeWeights())]
}

// causeWeights is causeWeight after the improvement cycles: each
// corrective action on a category lowers its complaints by 40 %.
func (s *sim) causeWeights() []float64 {
	w := slices.Clone(causeWeight)
	if c := s.watch.pdca.improved; c != "" {
		w[slices.Index(causes, c)] *= math.Pow(0.6, float64(s.watch.pdca.strength))
	}
	return w
}

// complaintChance is the probability that an ordinary arrival is a
// complaint: fewer complaints of an improved category mean fewer
// complaints, not another mix.
func (s *sim) complaintChance() float64 {
	var now, base float64
	for i, w := range s.causeWeights() {
		now, base = now+w, base+causeWeight[i]
	}
	return complaintShare * now / base
}

func (s *sim) complaintText(cause string, n int) string {
	if cause == feedback.CategoryProductQuality && s.surge > 0 && s.rng.Float64() < 0.5 {
		return fmt.Sprintf("#%d %s", n, surgeTexts[s.rng.IntN(len(surgeTexts))])
	}
	texts := complaintTexts[cause]
	return fmt.Sprintf("#%d %s", n, texts[s.rng.IntN(len(texts))])
}

// drawAmount draws the refund a complaint asks for, in yuan; above the
// approval limit a team lead must approve it.
func (s *sim) drawAmount(cause string) int64 {
	mean := 2500.0
	if cause == feedback.CategoryProductQuality {
		mean = 4000
	}
	return int64(math.Min(50+s.rng.ExpFloat64()*mean, 30000))
}

// classify files the complaint under the cause the classifier finds in
// its text.
func (s *sim) classify(t *ticket) {
	t.category = s.classifier.Classify(t.text).Category
	if t.category == "" {
		t.category = feedback.CategoryUncategorised
	}
}

// complaintArrived counts the classified complaint for the warning rules
// and signals a mass complaint when a team's day gets out of hand.
func (s *sim) complaintArrived(t *ticket, at time.Time) error {
	if err := s.tally.Add(at, t.category); err != nil {
		return err
	}
	if err := s.series[t.team].AddAt(at, 1, 0); err != nil {
		return err
	}
	// the complaint rate counts complaints when they arrive
	rec := feedback.Record{ID: t.id, At: at, Complaint: true}
	if err := s.complaints.AddRecord(rec); err != nil {
		return err
	}
	if err := s.weekly.AddRecord(rec); err != nil {
		return err
	}
	s.out.Classified++
	if t.category == t.truth {
		s.out.ClassifiedAsDrawn++
	}
	td := s.watch.today[t.team]
	td.complaints++
	if td.byCause == nil {
		td.byCause = map[string]int{}
	}
	td.byCause[t.category]++
	hist := s.watch.complaints[t.team]
	if td.signalled || len(hist) < 3 {
		return nil
	}
	usual := usualComplaints(hist)
	limit := math.Max(15, math.Ceil(2.5*usual))
	if float64(td.complaints) < limit {
		return nil
	}
	td.signalled = true
	detail := fmt.Sprintf("%d complaints today by %s, usual %.1f a day (limit %.0f)", td.complaints, at.In(s.loc).Format("15:04"), usual, limit)
	if _, err := s.board.SignalAt(at, t.team, eventMassComplaint, detail); err != nil {
		return err
	}
	s.out.Signals = append(s.out.Signals, Signal{At: at, Team: t.team, Event: eventMassComplaint, Detail: detail, Level: s.board.Level(t.team)})
	if s.watch.pdca.why == "" {
		s.watch.pdca.why = "mass complaint on " + t.team
	}
	top := causes[0]
	for _, c := range causes {
		if td.byCause[c] > td.byCause[top] {
			top = c
		}
	}
	return s.declareIncident(t.team, top, at, td.complaints, usual)
}

// taskForce reports whether a new complaint goes to the special task
// force: product complaints while the team is on red.
func (s *sim) taskForce(t *ticket) bool {
	return t.truth == feedback.CategoryProductQuality && s.board.Level(t.team) == emergency.Red
}

func (s *sim) countArrival(t *ticket, at time.Time) {
	d := s.dayOf(at)
	if d < 0 || d >= len(s.out.Days) {
		return
	}
	s.countDemand(t, at)
	day := &s.out.Days[d]
	day.Arrivals++
	if t.complaint {
		day.Complaints++
		if t.surge {
			day.SurgeComplaints++
		}
	}
}

// countFR counts a first-response decision for the team's daily attainment.
func (s *sim) countFR(t *ticket, at time.Time, met bool) {
	d := s.dayOf(at)
	if d < 0 || d >= len(s.out.Days) {
		return
	}
	td := s.watch.today[t.team]
	if met {
		td.frMet++
		s.out.Days[d].FRMet++
	} else {
		td.frBreached++
		s.out.Days[d].FRBreached++
	}
}

// onLevelChange is the board's observer: it keeps every change with its
// evidence for the report and starts the improvement cycle on the first
// complaint warning.
func (s *sim) onLevelChange(c emergency.Change) {
	s.out.Warnings = append(s.out.Warnings, c)
	if td := s.watch.today[c.Subject]; td != nil && c.To > td.maxLevel {
		td.maxLevel = c.To
	}
	if c.Raised() && s.watch.pdca.why == "" {
		switch c.Evidence.Rule {
		case ruleComplaintsUp, ruleComplaintsSurge:
			s.watch.pdca.why = fmt.Sprintf("%s warning on %s (%s)", c.To, c.Subject, c.Evidence.Rule)
		}
	}
	s.obligations.HandleChange(c)
}

// dayEnd runs at local midnight after day d: orders, the warning rules'
// daily observations, the day's figures, the improvement cycle and the
// surge's next day.
func (s *sim) dayEnd(_ context.Context, d int, at time.Time) error {
	noon := s.dayStart(d).Add(12 * time.Hour)
	orders := int64(float64(s.cfg.PerDay) * 40 * weekdayWeight[s.dayStart(d).Weekday()] * (0.95 + 0.1*s.rng.Float64()))
	if err := s.complaints.AddOrders(noon, orders); err != nil {
		return err
	}
	if err := s.weekly.AddOrders(noon, orders); err != nil {
		return err
	}
	day := &s.out.Days[d]
	day.Orders = orders
	last := at.Add(-time.Nanosecond)
	var obs []emergency.Observation
	for _, tm := range teams {
		td := s.watch.today[tm]
		if d >= 13 { // two whole weeks since the start: this week and the one before
			counts, err := s.series[tm].CountsAt(last)
			if err != nil {
				return err
			}
			obs = append(obs, emergency.Observation{Subject: tm, Measure: measureComplaints, Counts: counts})
		}
		if n := td.frMet + td.frBreached; n >= 10 {
			obs = append(obs, emergency.Observation{Subject: tm, Measure: measureFRAttainment, Value: 100 * float64(td.frMet) / float64(n)})
		}
	}
	if len(obs) > 0 {
		if _, err := s.board.ObserveBatchAt(at, obs); err != nil {
			return err
		}
	}
	s.board.EvaluateAt(at)
	for _, tm := range teams {
		td := s.watch.today[tm]
		lvl := s.board.Level(tm)
		day.Teams = append(day.Teams, TeamDay{
			Team: tm, Complaints: td.complaints, FRMet: td.frMet, FRBreached: td.frBreached,
			Level: lvl, MaxLevel: max(lvl, td.maxLevel),
		})
		s.watch.complaints[tm] = append(s.watch.complaints[tm], td.complaints)
		*td = teamDay{maxLevel: lvl}
	}
	day.Backlog, _ = s.desk.Len()
	if err := s.incidentDay(at); err != nil {
		return err
	}
	if err := s.pdcaDay(d, at); err != nil {
		return err
	}
	s.closeDemandDay(d)
	if d+1 < s.cfg.Days {
		if err := s.planDay(d + 1); err != nil {
			return err
		}
	}
	if d+1 == s.cfg.SurgeDay {
		s.surge = 1
	}
	s.surgeArrivals(d + 1)
	return nil
}
