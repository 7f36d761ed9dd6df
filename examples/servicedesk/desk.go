package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
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
	ap, err := newApprovals(deskAuthority())
	if err != nil {
		return err
	}
	s.approvals = ap
	s.ticketDef, s.complaintDef = fsm.TicketDefinition(), ap.def
	return nil
}

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
	bot           bool // the chat bot took it first
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
	opts := []fsm.Option{fsm.WithClock(s.clk), fsm.WithID(t.id)}
	if t.complaint {
		def, st = s.complaintDef, stComplaint
		// the classifier's cause decides who may approve the refund
		s.classify(t)
		opts = append(opts, fsm.WithAmount(t.amount), fsm.WithRequest(s.approvals.request(t.channel, t.category)))
	}
	m, err := fsm.NewMachine(def, opts...)
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
	if s.toBot(t) {
		return s.botSession(ctx, t, at)
	}
	return s.enqueue(ctx, t, at)
}
