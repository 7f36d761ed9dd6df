package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/workforce"
)

// A case's lifecycle on the desk: what an agent does when the dispatcher
// gives it a case, what follows when the work is done, and what the
// customer does in between (answers, reopens, gives feedback), each step
// driving the case's state machine and its SLA clocks.

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
	stManager                    // a senior refers a refund above a supervisor's limit to the manager
	stApproved                   // the manager approved the refund; back to the senior to handle
)

// respond stops the first-response clock: the first answer, by agent a
// (nil: the bot).
func (s *sim) respond(t *ticket, a *agent, at time.Time) error {
	met, err := s.tracker.StopAt(at, t.key(sla.FirstResponse))
	if err != nil {
		return err
	}
	t.firstResponse, t.firstBy = at, a
	if met {
		s.countFR(t, at, true)
	}
	if a == nil {
		return nil
	}
	if met {
		a.stats.FRMet++
	} else {
		a.stats.FRBreached++
	}
	return nil
}

// resolved stops the resolution clock of a ticket solved by a (nil: the
// bot) and schedules its closing, or now and then the customer reopening
// it.
func (s *sim) resolved(t *ticket, a *agent, at time.Time) error {
	if _, err := s.tracker.StopAt(at, t.key(sla.Resolution)); err != nil {
		return err
	}
	t.resolvedAt, t.resolvedBy = at, a
	if a != nil {
		a.stats.Resolved++
	}
	if !t.reopened && s.rng.Float64() < 0.05 {
		s.schedule(&event{at: at.Add(expMinutes(s.rng, 30, 360, 20*60)), kind: evReopen, t: t})
	} else {
		s.schedule(&event{at: at.Add(24 * time.Hour), kind: evClose, t: t})
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
	stApproved: {"the manager approved the refund", "refund approved by the service manager", fsm.ComplaintHandle, 6, 12, 90},
}

// pickUp is what agent a does when the dispatcher gives it t (asg); it
// returns the business time the work takes.
func (s *sim) pickUp(ctx context.Context, a *agent, t *ticket, asg workforce.Assignment) (time.Duration, error) {
	m, at := t.m, asg.At
	if w, ok := resumeWork[t.stage]; ok {
		if err := s.own(ctx, t, asg, w.why, ""); err != nil {
			return 0, err
		}
		if w.event != "" {
			if _, err := m.FireAt(ctx, at, w.event, by(a.name, w.reason)); err != nil {
				return 0, err
			}
		}
		if t.stage == stRework || t.stage == stApproved {
			t.stage = stHandling
		}
		return expMinutes(s.rng, w.least, w.mean, w.most), nil
	}
	switch t.stage {
	case stNew:
		// the assignment and its event in one step; the bot's tickets
		// are handed off to the agent
		ev, why := fsm.TicketAssign, "next in the "+t.team+" queue"
		if t.bot {
			ev, why = fsm.TicketHandOff, "the customer asked for a person; "+why
		}
		if err := s.own(ctx, t, asg, why, ev); err != nil {
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
		if err := s.own(ctx, t, asg, "complaint, "+t.category, ""); err != nil {
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
		need, err := s.approvals.needs(m)
		if err != nil {
			return 0, err
		}
		if err := s.own(ctx, t, asg, fmt.Sprintf("refund of %d needs a %s", t.amount, need), ""); err != nil {
			return 0, err
		}
		if !s.approvals.covers(m, fsm.RoleSupervisor) {
			// beyond a supervisor's authority: the senior writes the
			// referral to the manager
			t.stage = stManager
			s.out.Flow.ManagerApprovals++
			return expMinutes(s.rng, 3, 5, 30), nil
		}
		if err := s.approvals.approve(at, m, a.name, fsm.RoleSupervisor); err != nil {
			return 0, err
		}
		if _, err := m.FireAt(ctx, at, fsm.ComplaintHandle, by(a.name, "refund approved as supervisor")); err != nil {
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
		return 0, s.resolved(t, a, at)
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
		need, err := s.approvals.needs(m)
		if err != nil {
			return 0, err
		}
		if need != "" {
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
	case stManager:
		// the manager decides within working hours; the case then goes
		// back to the senior
		s.after(s.cal.Add(at, s.minutes(20, 240)), func(at time.Time) error {
			if err := s.approvals.approve(at, m, deskManager, fsm.RoleManager); err != nil {
				return err
			}
			t.stage = stApproved
			return s.enqueue(context.Background(), t, at)
		})
		return 0, nil
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
