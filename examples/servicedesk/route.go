package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/workforce"
)

// The desk's routing: sla/workforce's Dispatcher decides who works on
// what. Every case waiting for an agent is an item ordered by its SLA
// urgency (the first-response clock until the first answer, the resolution
// clock after it); its team, type, complaint category (the classifier's
// result) and tier say which agents may take it. Agents work one case at a
// time on a shift of the desk's calendar.

// The skills of the desk's agents.
const (
	skillTickets    = "tickets"    // service tickets
	skillComplaints = "complaints" // complaints of any category
	skillSenior     = "senior"     // escalated tickets and refund approvals
)

// categorySkills are the complaint categories agents specialise in; an
// uncategorised complaint needs no specialist.
var categorySkills = []string{feedback.CategoryProductQuality, feedback.CategoryLogistics, feedback.CategoryServiceProcess}

// The agents' shifts: early and late on weekdays, the desk's hours on
// weekends; an agent alone in its team works every hour the desk is open.
const (
	shiftEarly = "early"
	shiftLate  = "late"
	shiftDay   = "day"
)

// deskShifts are the working hours of the desk's shifts, all inside the
// desk's calendar.
func deskShifts() map[string]sla.CalendarSpec {
	return map[string]sla.CalendarSpec{
		shiftEarly: weekSpec("08:00", "18:00"),
		shiftLate:  weekSpec("10:00", "20:00"),
		shiftDay:   weekSpec("08:00", "20:00"),
	}
}

// agent is one member of the desk.
type agent struct {
	name   string
	team   string
	senior bool
	shift  string
	skills map[string]int
	stats  agentStats
}

// agentStats are the month's figures of one agent, for the scorecard.
type agentStats struct {
	Resolved    int           `json:"resolved"`
	FRMet       int           `json:"fr_met"`
	FRBreached  int           `json:"fr_breached"`
	CSATAnswers int           `json:"csat_answers"`
	CSATHappy   int           `json:"csat_satisfied"`
	FCRKnown    int           `json:"fcr_known"`
	FCRYes      int           `json:"fcr_yes"`
	Work        time.Duration `json:"work"`
	WorkItems   int           `json:"work_items"`
}

// teamSizes splits the desk's agents over the teams in proportion to the
// teams' share of the arrivals, at least one each.
func teamSizes(agents int) []int {
	share := map[string]float64{}
	for i, ch := range channels {
		share[channelTeam[ch]] += channelWeight[i]
	}
	counts := make([]int, len(teams))
	left := agents
	for i, tm := range teams {
		counts[i] = max(1, int(float64(agents)*share[tm]))
		left -= counts[i]
	}
	for i := 0; left > 0; i = (i + 1) % len(teams) {
		counts[i]++
		left--
	}
	for i := 0; left < 0; i = (i + 1) % len(teams) {
		if counts[i] > 1 {
			counts[i]--
			left++
		}
	}
	return counts
}

// newAgent is the k-th agent of team: every fifth (the first included) is
// a senior who takes escalations and approvals and knows every complaint
// category; the others specialise in one category (level 3) and know a
// second (level 2).
func newAgent(team string, k int) *agent {
	a := &agent{name: fmt.Sprintf("%s-%02d", team, k+1), team: team, senior: k%5 == 0,
		skills: map[string]int{skillTickets: 1, skillComplaints: 1}}
	if a.senior {
		a.skills[skillSenior] = 1
		for _, c := range categorySkills {
			a.skills[c] = 2
		}
		return a
	}
	a.skills[categorySkills[k%len(categorySkills)]] = 3
	a.skills[categorySkills[(k+1)%len(categorySkills)]] = 2
	return a
}

// routingConfig is the dispatcher's configuration for the desk's agents:
// tickets need the tickets skill, complaints the complaints skill and
// level 2 in their category, escalations a senior; every case stays in
// its channel's team.
func routingConfig(agents []*agent) workforce.Config {
	cfg := workforce.Config{
		Skills:   append([]string{skillTickets, skillComplaints, skillSenior}, categorySkills...),
		Shifts:   deskShifts(),
		Strategy: workforce.BestSkill, Sticky: true, UrgencyStep: sla.Duration(5 * time.Minute),
		Rules: []workforce.Rule{
			{ID: "ticket", When: map[string]string{"type": "ticket"}, Require: []workforce.Requirement{{Skill: skillTickets, Level: 1}}},
			{ID: "complaint", When: map[string]string{"type": "complaint"}, Require: []workforce.Requirement{{Skill: skillComplaints, Level: 1}}},
			{ID: "senior", When: map[string]string{"tier": "senior"}, Require: []workforce.Requirement{{Skill: skillSenior, Level: 1}}},
		},
	}
	for _, c := range categorySkills {
		cfg.Rules = append(cfg.Rules, workforce.Rule{ID: c, When: map[string]string{"category": c},
			Require: []workforce.Requirement{{Skill: c, Level: 2}}})
	}
	for _, a := range agents {
		cfg.Agents = append(cfg.Agents, workforce.AgentSpec{ID: a.name, Team: a.team, Skills: a.skills, Capacity: 1, Shift: a.shift})
	}
	return cfg
}

// setupAgents builds the desk's agents, puts them on shifts and builds the
// dispatcher that routes their work.
func (s *sim) setupAgents() error {
	s.agentByName = map[string]*agent{}
	for i, n := range teamSizes(s.cfg.Agents) {
		var team []*agent
		for k := range n {
			team = append(team, newAgent(teams[i], k))
		}
		if err := s.assignShifts(team); err != nil {
			return err
		}
		for _, a := range team {
			s.agents = append(s.agents, a)
			s.agentByName[a.name] = a
		}
	}
	frLeft := workforce.TrackerRemaining(s.tracker, sla.FirstResponse)
	resLeft := workforce.TrackerRemaining(s.tracker, sla.Resolution)
	// the clock that matters: the first answer until it is given, the
	// resolution after it
	remaining := func(id string, at time.Time) (time.Duration, bool) {
		t := s.tickets[id]
		if t == nil {
			return 0, false
		}
		if t.firstResponse.IsZero() {
			return frLeft(id, at)
		}
		return resLeft(id, at)
	}
	var err error
	s.desk, err = workforce.NewDispatcher(routingConfig(s.agents), workforce.WithClock(s.clk),
		workforce.WithRemaining(remaining), workforce.WithBusinessTime(s.cal))
	if err != nil {
		return err
	}
	s.scheduleShiftStarts()
	return nil
}

// scheduleShiftStarts schedules a dispatch at every instant a shift
// starts: agents coming on duty take the work that waited.
func (s *sim) scheduleShiftStarts() {
	specs := deskShifts()
	for d := range s.cfg.Days {
		day := s.dayStart(d)
		var starts []time.Time
		for _, a := range s.agents {
			for _, w := range windowsOf(specs[a.shift].Week, day.Weekday()) {
				if at, ok := clockOn(day, w.Start); ok && !slices.ContainsFunc(starts, at.Equal) {
					starts = append(starts, at)
				}
			}
		}
		slices.SortFunc(starts, time.Time.Compare)
		for _, at := range starts {
			s.schedule(&event{at: at, kind: evDispatch})
		}
	}
}

// windowsOf returns the windows of a weekday.
func windowsOf(w sla.CalendarWeek, wd time.Weekday) []sla.CalendarWindow {
	return [...][]sla.CalendarWindow{w.Sunday, w.Monday, w.Tuesday, w.Wednesday, w.Thursday, w.Friday, w.Saturday}[wd]
}

// clockOn returns the instant of wall-clock time hhmm ("08:00") on day.
func clockOn(day time.Time, hhmm string) (time.Time, bool) {
	h, m, ok := strings.Cut(hhmm, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, day.Location()), true
}

// deskState is where a case is in the dispatcher.
type deskState uint8

const (
	deskOut      deskState = iota // not waiting for an agent, nobody working on it
	deskQueued                    // waiting for an agent
	deskAssigned                  // an agent works on it
)

// item is how the dispatcher sees case t: its team, type, complaint
// category and tier decide who may take it; its priority breaks ties
// between cases equally urgent; its owner and first responder let the
// dispatcher give a returning case back to its owner.
func (s *sim) item(t *ticket, at time.Time) workforce.Item {
	attrs := map[string]string{"type": "ticket", "tier": "front"}
	if t.complaint {
		attrs["type"] = "complaint"
		attrs["category"] = t.category
	}
	if t.stage == stTier2 || t.stage == stApproval || t.stage == stApproved {
		attrs["tier"] = "senior"
	}
	return workforce.Item{ID: t.id, Priority: t.rank(), Created: at, Attributes: attrs, Team: t.team,
		PreviousOwner: t.m.Owner(), FirstResponder: t.firstOwner}
}

// offer puts t in the dispatcher's queue: a case an agent still holds
// (escalated to a senior) is requeued, one that came back (the customer
// answered, reopened or was not satisfied) is added again with its
// previous owner, so that it goes back to that agent when it can.
func (s *sim) offer(t *ticket, at time.Time) error {
	var err error
	if t.desk == deskAssigned {
		err = s.desk.RequeueAt(at, s.item(t, at))
	} else {
		err = s.desk.AddAt(at, s.item(t, at))
	}
	if err != nil {
		return err
	}
	t.desk = deskQueued
	return nil
}

// release takes t out of the dispatcher once its agent is done with it.
func (s *sim) release(t *ticket) error {
	if t.desk != deskAssigned {
		return nil
	}
	t.desk = deskOut
	_, err := s.desk.Remove(t.id)
	return err
}

// dispatch gives waiting work to the agents on duty with room for it.
func (s *sim) dispatch(ctx context.Context, at time.Time) error {
	for _, asg := range s.desk.DispatchAllAt(at, 0) {
		t, a := s.tickets[asg.Item], s.agentByName[asg.Agent]
		t.desk = deskAssigned
		w, err := s.pickUp(ctx, a, t, asg)
		if err != nil {
			return fmt.Errorf("%s: %w", t.id, err)
		}
		s.startWork(a, t, at, w)
	}
	return nil
}

// own keeps the case's machine in step with the dispatcher: its first
// assignment makes the agent owner and first responder (with ev, the
// lifecycle's event of the assignment, fired in the same step: the
// dispatcher's assignment or the bot's hand-off), a transfer records the
// hand-over with why and the dispatcher's reason (the first responder stays
// accountable), and a case back with its owner changes nothing. It is the
// one place the desk changes an owner.
func (s *sim) own(ctx context.Context, t *ticket, asg workforce.Assignment, why string, ev fsm.Event) error {
	by := fsm.By{Actor: "dispatcher", Reason: why + " (" + asg.Reason.String() + ")"}
	switch {
	case asg.IsFirst() && ev == fsm.TicketHandOff:
		t.firstOwner = asg.Agent
		return s.bot.handOff(ctx, t.m, asg.At, asg.Agent, by)
	case asg.IsFirst() && ev != "":
		t.firstOwner = asg.Agent
		_, _, err := t.m.FireAssignAt(ctx, asg.At, ev, asg.Agent, by)
		return err
	case asg.IsFirst():
		t.firstOwner = asg.Agent
		_, err := t.m.AssignAt(asg.At, asg.Agent, by)
		return err
	case asg.IsTransfer():
		s.out.Flow.Transfers++
		_, err := t.m.TransferAt(asg.At, asg.Agent, by)
		return err
	}
	s.out.Flow.BackToOwner++
	return nil
}

// startWork keeps a busy for w of business time on t.
func (s *sim) startWork(a *agent, t *ticket, at time.Time, w time.Duration) {
	a.stats.Work += w
	a.stats.WorkItems++
	t.handling += w
	s.schedule(&event{at: s.cal.Add(at, w), kind: evWorkDone, a: a, t: t})
}

func (s *sim) workDone(ctx context.Context, a *agent, t *ticket, at time.Time) error {
	next, err := s.afterWork(ctx, a, t, at)
	if err != nil {
		return fmt.Errorf("%s: %w", t.id, err)
	}
	if next > 0 { // the same agent carries on with the next step
		s.startWork(a, t, at, next)
		return nil
	}
	if err := s.release(t); err != nil {
		return err
	}
	return s.dispatch(ctx, at)
}

// enqueue offers t to the dispatcher and lets the agents on duty pick
// work.
func (s *sim) enqueue(ctx context.Context, t *ticket, at time.Time) error {
	if err := s.offer(t, at); err != nil {
		return err
	}
	return s.dispatch(ctx, at)
}
