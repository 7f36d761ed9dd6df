package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/workforce"
)

// The desk: where it is, when it works, who calls it and how urgently.
const deskLocation = "Asia/Shanghai"

var (
	teams         = []string{"hotline", "online", "backoffice"}
	channels      = []string{"phone", "chat", "email", "web"}
	channelWeight = []float64{0.35, 0.25, 0.25, 0.15}
	// the faulty batch was sold by phone: its complaints come mostly there
	surgeChannelWeight = []float64{0.75, 0.1, 0.1, 0.05}
	channelTeam        = map[string]string{"phone": "hotline", "chat": "online", "web": "online", "email": "backoffice"}

	priorities     = []string{"urgent", "high", "normal", "low"}
	priorityWeight = []float64{0.05, 0.20, 0.55, 0.20}
	// priorityRank orders the work queues; complaints rank with high.
	priorityRank = map[string]int{"urgent": 0, "high": 1, "complaint": 1, "normal": 2, "low": 3}
)

const (
	complaintShare = 0.08 // share of arrivals that are complaints
	surgeShare     = 0.15 // extra product complaints a day, as a share of PerDay, at full surge
	approvalLimit  = fsm.DefaultApprovalLimit
)

// deskCalendar is the desk's business calendar: weekdays 08:00-12:00 and
// 13:00-20:00, weekends 09:00-17:00 (Sundays 10:00-16:00), closed at night.
func deskCalendar() (*sla.Calendar, error) {
	return sla.NewCalendar(weekSpec("08:00", "20:00"))
}

// weekSpec is a calendar in the desk's location open on weekdays from
// `from` to `to` with the desk's lunch break (12:00-13:00), and on weekends
// for the desk's weekend hours: the desk's own calendar and its agents'
// shifts.
func weekSpec(from, to string) sla.CalendarSpec {
	day := []sla.CalendarWindow{{Start: from, End: "12:00"}, {Start: "13:00", End: to}}
	return sla.CalendarSpec{
		Location: deskLocation,
		Week: sla.CalendarWeek{Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day,
			Saturday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
			Sunday:   []sla.CalendarWindow{{Start: "10:00", End: "16:00"}}},
	}
}

// deskPolicy is the desk's SLA policy, built from the seed figures: tickets
// are measured in business time by priority, complaints around the clock
// (answered within 24h and handled within 48h, 1h and 24h on the phone fast
// track). Warnings at 50/75/90 % and 15 minutes before; a breached clock
// reminds its owner 15 minutes later.
func deskPolicy() sla.Policy {
	d := func(x time.Duration) sla.Duration { return sla.Duration(x) }
	targets := func(fr, res time.Duration) []sla.Target {
		return []sla.Target{{Metric: sla.FirstResponse, Within: d(fr)}, {Metric: sla.Resolution, Within: d(res)}}
	}
	return sla.Policy{
		ID: "desk", Version: 1, Description: "service desk policy",
		Calendar:  sla.CalendarBusiness,
		Warnings:  []sla.Rung{{Percent: 50}, {Percent: 75}, {Percent: 90}, {Before: d(15 * time.Minute)}},
		Reminders: []sla.Duration{d(15 * time.Minute)},
		Rules: []sla.Rule{
			{Name: "complaint-fast-track", Calendar: sla.CalendarAlways,
				Match:   map[string][]string{"type": {"complaint"}, "channel": {"phone"}},
				Targets: targets(time.Hour, 24*time.Hour)},
			{Name: "complaint", Calendar: sla.CalendarAlways, Match: map[string][]string{"type": {"complaint"}},
				Targets: targets(24*time.Hour, 48*time.Hour)},
			{Name: "urgent", Match: map[string][]string{"priority": {"urgent"}}, Targets: targets(10*time.Minute, 4*time.Hour)},
			{Name: "high", Match: map[string][]string{"priority": {"high"}}, Targets: targets(15*time.Minute, 8*time.Hour)},
			{Name: "normal", Match: map[string][]string{"priority": {"normal"}}, Targets: targets(30*time.Minute, 16*time.Hour)},
			{Name: "low", Match: map[string][]string{"priority": {"low"}}, Targets: targets(2*time.Hour, 24*time.Hour)},
		},
		Fallback: &sla.Rule{Name: "general", Targets: targets(15*time.Minute, 48*time.Hour)},
	}
}

func (s *sim) setupSLA() error {
	cal, err := deskCalendar()
	if err != nil {
		return err
	}
	policies, err := sla.NewPolicies(sla.DefaultRegistry(cal), deskPolicy())
	if err != nil {
		return err
	}
	s.cal, s.policies = cal, policies
	s.tracker = sla.NewTracker(sla.WithClock(s.clk), sla.WithCapacity(2*s.cfg.Days*s.cfg.PerDay),
		sla.WithHandler(s.onSLAEvent))
	return nil
}

func (s *sim) setupFSM() error {
	def, err := fsm.ComplaintDefinition(approvalLimit)
	if err != nil {
		return err
	}
	s.ticketDef, s.complaintDef = fsm.TicketDefinition(), def
	return nil
}

// stage is where a ticket is in the desk's work, which decides what the
// next agent to pick it up does.
type stage uint8

const (
	stNew       stage = iota + 1 // waiting for its first response
	stFollowUp                   // the customer answered; more work to do
	stTier2                      // escalated to a senior agent
	stReopened                   // reopened by the customer
	stComplaint                  // a complaint waiting for investigation
	stApproval                   // a complaint waiting for a senior's approval
	stHandling                   // a complaint being handled
	stRework                     // the customer was not satisfied with the handling
)

// ticket is one case on the desk: a service ticket or a complaint, its
// state machine and what the simulation needs to know about it.
type ticket struct {
	n         int
	id        string
	complaint bool
	surge     bool
	channel   string
	priority  string
	team      string
	arrived   time.Time
	amount    int64
	text      string
	truth     string // the cause the simulation drew
	category  string // the cause the classifier found
	m         *fsm.Machine
	stage     stage

	handling      time.Duration
	firstResponse time.Time
	firstBy       *agent
	firstOwner    string    // the first responder the dispatcher named
	desk          deskState // where the case is in the dispatcher
	resolvedAt    time.Time
	resolvedBy    *agent
	frBreached    bool
	resBreached   bool
	waited        bool
	escalated     bool
	reopened      bool
	reworked      bool
}

func (t *ticket) rank() int { return priorityRank[t.priority] }

func (t *ticket) key(m sla.Metric) sla.ClockKey { return sla.ClockKey{ID: t.id, Metric: m} }

func (t *ticket) attrs() sla.Attributes {
	if t.complaint {
		return sla.Attributes{"type": "complaint", "channel": t.channel, "priority": "complaint"}
	}
	return sla.Attributes{"type": "ticket", "channel": t.channel, "priority": t.priority}
}

// newArrival draws the attributes of the n-th arrival.
func (s *sim) newArrival(n int, at time.Time, surge bool) *ticket {
	t := &ticket{n: n, arrived: at, surge: surge}
	if surge {
		t.channel = channels[pick(s.rng, surgeChannelWeight)]
	} else {
		t.channel = channels[pick(s.rng, channelWeight)]
	}
	t.team = channelTeam[t.channel]
	t.complaint = surge || s.rng.Float64() < s.complaintChance()
	if t.complaint {
		t.id = fmt.Sprintf("C-%05d", n)
		t.priority = "complaint"
		t.truth = s.drawCause(surge)
		t.text = s.complaintText(t.truth, n)
		t.amount = s.drawAmount(t.truth)
	} else {
		t.id = fmt.Sprintf("T-%05d", n)
		t.priority = priorities[pick(s.rng, priorityWeight)]
	}
	return t
}

// by is the attribution of a recorded action.
func by(actor, reason string) fsm.By { return fsm.By{Actor: actor, Reason: reason} }

// arrive opens the ticket's machine and its SLA clocks and queues it.
func (s *sim) arrive(ctx context.Context, t *ticket, at time.Time) error {
	def := s.ticketDef
	st := stNew
	if t.complaint {
		def, st = s.complaintDef, stComplaint
	}
	m, err := fsm.NewMachine(def, fsm.WithClock(s.clk), fsm.WithID(t.id), fsm.WithAmount(t.amount))
	if err != nil {
		return err
	}
	t.m, t.stage = m, st
	s.tickets[t.id] = t
	for _, metric := range []sla.Metric{sla.FirstResponse, sla.Resolution} {
		spec, err := s.policies.Spec(at, t.attrs(), metric)
		if err != nil {
			return err
		}
		if err := s.tracker.StartAt(at, sla.ClockKey{ID: t.id}, spec, t.priority); err != nil {
			return err
		}
	}
	s.countArrival(t, at)
	if t.complaint {
		if err := s.complaintArrived(t, at); err != nil {
			return err
		}
	}
	return s.enqueue(ctx, t, at)
}

// respond stops the first-response clock: the agent's first answer.
func (s *sim) respond(t *ticket, a *agent, at time.Time) error {
	met, err := s.tracker.StopAt(at, t.key(sla.FirstResponse))
	if err != nil {
		return err
	}
	t.firstResponse, t.firstBy = at, a
	if met {
		a.stats.FRMet++
		s.countFR(t, at, true)
	} else {
		a.stats.FRBreached++
	}
	return nil
}

// resumeWork is what an agent does on a case that comes back to the
// queue: why the dispatcher gave it, the event the agent fires (if any)
// and the minutes the work takes (at least, mean extra, at most).
var resumeWork = map[stage]struct {
	why, reason       string
	event             fsm.Event
	least, mean, most float64
}{
	stFollowUp: {why: "customer answered", least: 2, mean: 4, most: 45},
	stTier2:    {"escalated to a senior agent", "senior takes over", fsm.TicketStart, 6, 10, 90},
	stReopened: {"reopened", "looking at the reopened ticket", fsm.TicketStart, 3, 5, 45},
	stRework:   {"customer not satisfied; rework", "customer not satisfied", fsm.ComplaintRework, 5, 8, 60},
}

// pickUp is what agent a does when the dispatcher gives it t (asg); it
// returns the business time the work takes.
func (s *sim) pickUp(ctx context.Context, a *agent, t *ticket, asg workforce.Assignment) (time.Duration, error) {
	m, at := t.m, asg.At
	if w, ok := resumeWork[t.stage]; ok {
		if err := s.own(t, asg, w.why); err != nil {
			return 0, err
		}
		if w.event != "" {
			if _, err := m.FireAt(ctx, at, w.event, by(a.name, w.reason)); err != nil {
				return 0, err
			}
		}
		if t.stage == stRework {
			t.stage = stHandling
		}
		return expMinutes(s.rng, w.least, w.mean, w.most), nil
	}
	switch t.stage {
	case stNew:
		if err := s.own(t, asg, "next in the "+t.team+" queue"); err != nil {
			return 0, err
		}
		if _, err := m.FireAt(ctx, at, fsm.TicketAssign, by("dispatcher", t.priority)); err != nil {
			return 0, err
		}
		if _, err := m.FireAt(ctx, at, fsm.TicketStart, by(a.name, "first reply sent")); err != nil {
			return 0, err
		}
		if err := s.respond(t, a, at); err != nil {
			return 0, err
		}
		return expMinutes(s.rng, 3, 6, 60), nil
	case stComplaint:
		if err := s.own(t, asg, "complaint, "+t.category); err != nil {
			return 0, err
		}
		if _, err := m.FireAt(ctx, at, fsm.ComplaintInvestigate, by(a.name, "complaint received")); err != nil {
			return 0, err
		}
		if err := s.respond(t, a, at); err != nil {
			return 0, err
		}
		return expMinutes(s.rng, 5, 8, 60), nil
	case stApproval:
		if err := s.own(t, asg, fmt.Sprintf("refund of %d above the front-line limit of %d", t.amount, approvalLimit)); err != nil {
			return 0, err
		}
		if _, err := m.ApproveAt(at, "lead-"+t.team, "refund approved"); err != nil {
			return 0, err
		}
		if _, err := m.FireAt(ctx, at, fsm.ComplaintHandle, by(a.name, "refund approved by the team lead")); err != nil {
			return 0, err
		}
		t.stage = stHandling
		return expMinutes(s.rng, 6, 12, 90), nil
	}
	return 0, fmt.Errorf("cannot pick up a ticket in stage %d", t.stage)
}

// afterWork decides what happens when a finishes a piece of work on t. A
// positive duration means a carries on with t for that long.
func (s *sim) afterWork(ctx context.Context, a *agent, t *ticket, at time.Time) (time.Duration, error) {
	m := t.m
	switch t.stage {
	case stNew, stFollowUp, stTier2, stReopened:
		escalate := 0.06
		if t.priority == "urgent" {
			escalate = 0.15
		}
		switch r := s.rng.Float64(); {
		case t.stage == stNew && r < 0.18:
			if _, err := m.FireAt(ctx, at, fsm.TicketWaitCustomer, by(a.name, "asked the customer for details")); err != nil {
				return 0, err
			}
			if err := s.tracker.PauseAt(at, t.key(sla.Resolution)); err != nil {
				return 0, err
			}
			t.waited = true
			s.out.Flow.WaitedOnCustomer++
			s.schedule(&event{at: at.Add(expMinutes(s.rng, 10, 240, 48*60)), kind: evCustomerReply, t: t})
			return 0, nil
		case t.stage == stNew && r < 0.18+escalate:
			if _, err := m.FireAt(ctx, at, fsm.TicketEscalate, by(a.name, "needs a senior agent")); err != nil {
				return 0, err
			}
			t.escalated, t.stage = true, stTier2
			s.out.Flow.EscalatedTickets++
			return 0, s.offer(t, at) // the dispatcher gives it to a senior once this agent is done
		}
		if _, err := m.FireAt(ctx, at, fsm.TicketResolve, by(a.name, "solution given")); err != nil {
			return 0, err
		}
		if _, err := s.tracker.StopAt(at, t.key(sla.Resolution)); err != nil {
			return 0, err
		}
		t.resolvedAt, t.resolvedBy = at, a
		a.stats.Resolved++
		if !t.reopened && s.rng.Float64() < 0.05 {
			s.schedule(&event{at: at.Add(expMinutes(s.rng, 30, 360, 20*60)), kind: evReopen, t: t})
		} else {
			s.schedule(&event{at: at.Add(24 * time.Hour), kind: evClose, t: t})
		}
		return 0, nil
	case stComplaint:
		for _, item := range []string{fsm.ItemCustomerIdentity, fsm.ItemOrderInformation, fsm.ItemProblemDescription} {
			if _, err := m.MarkAt(at, fsm.ThreeVerifications, item, by(a.name, "")); err != nil {
				return 0, err
			}
		}
		if s.taskForce(t) {
			s.out.Flow.TaskForce++
			// during a red warning, product complaints go to the special task force
			for m.Tier() < fsm.TierSpecialForce {
				if _, err := m.EscalateAt(at, by(a.name, "red warning: special task force")); err != nil {
					return 0, err
				}
			}
		}
		if t.amount > approvalLimit {
			if m.Tier() < fsm.TierSeniorStaff {
				if _, err := m.EscalateAt(at, by(a.name, "refund above the front-line limit")); err != nil {
					return 0, err
				}
			}
			t.escalated, t.stage = true, stApproval
			s.out.Flow.Approvals++
			return 0, s.offer(t, at) // the dispatcher gives it to a senior once this agent is done
		}
		if _, err := m.FireAt(ctx, at, fsm.ComplaintHandle, by(a.name, "handled directly")); err != nil {
			return 0, err
		}
		t.stage = stHandling
		return expMinutes(s.rng, 6, 12, 90), nil
	case stHandling:
		if _, err := m.FireAt(ctx, at, fsm.ComplaintFeedBack, by(a.name, "solution explained to the customer")); err != nil {
			return 0, err
		}
		if err := s.tracker.PauseAt(at, t.key(sla.Resolution)); err != nil {
			return 0, err
		}
		t.resolvedAt, t.resolvedBy = at, a
		s.schedule(&event{at: at.Add(expMinutes(s.rng, 30, 180, 24*60)), kind: evFeedback, t: t})
		return 0, nil
	}
	return 0, fmt.Errorf("no work to finish in stage %d", t.stage)
}

func (s *sim) customerReply(ctx context.Context, t *ticket, at time.Time) error {
	if _, err := t.m.FireAt(ctx, at, fsm.TicketCustomerReply, by("customer", "details sent")); err != nil {
		return err
	}
	if err := s.tracker.ResumeAt(at, t.key(sla.Resolution)); err != nil {
		return err
	}
	t.stage = stFollowUp
	return s.enqueue(ctx, t, at)
}

func (s *sim) reopen(ctx context.Context, t *ticket, at time.Time) error {
	if _, err := t.m.FireAt(ctx, at, fsm.TicketReopen, by("customer", "problem came back")); err != nil {
		return err
	}
	if err := s.tracker.NewCycleAt(at, t.key(sla.Resolution)); err != nil {
		return err
	}
	t.reopened, t.stage = true, stReopened
	s.out.Flow.Reopened++
	return s.enqueue(ctx, t, at)
}

func (s *sim) closeTicket(ctx context.Context, t *ticket, at time.Time) error {
	if _, err := t.m.FireAt(ctx, at, fsm.TicketClose, by("system", "no reply within 24h")); err != nil {
		return err
	}
	return s.closed(t, at)
}

// complaintFeedback is the customer's answer to the feedback call: satisfied
// closes the complaint after the five confirmations, otherwise it goes back
// for rework (once).
func (s *sim) complaintFeedback(ctx context.Context, t *ticket, at time.Time) error {
	satisfied := 0.82
	if t.surge {
		satisfied = 0.7
	}
	if !t.reworked && s.rng.Float64() >= satisfied {
		if err := s.tracker.ResumeAt(at, t.key(sla.Resolution)); err != nil {
			return err
		}
		t.reworked, t.stage = true, stRework
		s.out.Flow.Reworked++
		return s.enqueue(ctx, t, at)
	}
	owner := t.m.Owner()
	for _, item := range []string{fsm.ItemSolution, fsm.ItemProgress, fsm.ItemCustomerFeedback,
		fsm.ItemImprovementMeasure, fsm.ItemPreventionMechanism} {
		if _, err := t.m.MarkAt(at, fsm.FiveConfirmations, item, by(owner, "")); err != nil {
			return err
		}
	}
	if _, err := t.m.FireAt(ctx, at, fsm.ComplaintClose, by(owner, "customer satisfied")); err != nil {
		return err
	}
	if _, err := s.tracker.StopAt(at, t.key(sla.Resolution)); err != nil {
		return err
	}
	if t.resolvedBy != nil {
		t.resolvedBy.stats.Resolved++
	}
	if err := s.closed(t, at); err != nil {
		return err
	}
	return s.scheduleVisit(t, at)
}

// onSLAEvent is the tracker's handler: it counts warnings, breaches and
// reminders per day and marks breached tickets.
func (s *sim) onSLAEvent(e sla.Event) {
	t := s.tickets[e.ID.Clock]
	if t == nil {
		return
	}
	d := s.dayOf(e.At)
	if d < 0 || d >= len(s.out.Days) {
		return
	}
	day := &s.out.Days[d]
	switch e.ID.Kind {
	case sla.Warning:
		day.SLAWarnings++
	case sla.Reminder:
		day.SLAReminders++
	case sla.Breach:
		day.SLABreaches++
		switch e.ID.Metric {
		case sla.FirstResponse:
			t.frBreached = true
			s.countFR(t, e.At, false)
		case sla.Resolution:
			t.resBreached = true
		}
	}
}
