package emergency

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// The methods below run under the engine's lock unless they say otherwise.

// startMilestone starts the clock of milestone ms of the incident's grade
// at from (the report).
func (m *IncidentManager) startMilestone(it *incItem, ms MilestoneSpec, from time.Time) error {
	inc := it.Rec
	key := m.key(it.ID, sla.Metric(ms.Name))
	if err := m.eng.Tracker().StartAt(from, key, m.dl.specs[milestoneRule(inc.grade, ms.Name)], "grade-"+inc.grade.String()); err != nil {
		return fmt.Errorf("%w: milestone %q: %w", ErrInvalidInput, ms.Name, err)
	}
	inc.milestones = append(inc.milestones, Milestone{Name: ms.Name, Within: ms.Within, Due: m.due(key), State: MilestoneOpen})
	return nil
}

// due returns the instant the clock under key reaches its target.
func (m *IncidentManager) due(key sla.ClockKey) time.Time {
	if c, ok := m.eng.Tracker().Clock(key); ok {
		if d, ok := c.Due(); ok {
			return d.In(m.loc)
		}
	}
	return time.Time{}
}

// startAck starts the acknowledgement clock of the incident's tier at t.
func (m *IncidentManager) startAck(it *incItem, t time.Time) error {
	tier := Tier(it.M.Tier())
	if err := m.eng.Tracker().StartAt(t, m.key(it.ID, AckMetric(tier)), m.dl.specs[ackRule(tier)], tier.String()); err != nil {
		return fmt.Errorf("%w: acknowledgement clock: %w", ErrInvalidInput, err)
	}
	it.Rec.ackOpen = true
	return nil
}

// stopAck stops the running acknowledgement clock, if any, at t.
func (m *IncidentManager) stopAck(it *incItem, t time.Time) error {
	if !it.Rec.ackOpen {
		return nil
	}
	if _, err := m.eng.Tracker().StopAt(t, m.key(it.ID, AckMetric(Tier(it.M.Tier())))); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	it.Rec.ackOpen = false
	return nil
}

// escalate moves the incident one tier up at t and returns the event.
func (m *IncidentManager) escalate(it *incItem, t time.Time, actor, reason string) (IncidentEvent, error) {
	e, err := it.M.EscalateAt(t, fsm.By{Actor: actor, Reason: reason})
	if err != nil {
		return IncidentEvent{}, err
	}
	return IncidentEvent{ID: it.ID + "/escalated/" + Tier(e.To).String(), Kind: EventEscalated, Incident: it.ID,
		At: t, Tier: Tier(e.To), Actor: actor, Detail: reason}, nil
}

// escalateToTop escalates the incident tier by tier to the executives.
func (m *IncidentManager) escalateToTop(it *incItem, t time.Time, actor, reason string) []IncidentEvent {
	var events []IncidentEvent
	for Tier(it.M.Tier()) < Executives {
		e, err := m.escalate(it, t, actor, reason)
		if err != nil {
			break
		}
		events = append(events, e)
	}
	return events
}

// reassign stops the acknowledgement clock, escalates with up and starts
// the clock of the tier reached.
func (m *IncidentManager) reassign(it *incItem, t time.Time, up func() ([]IncidentEvent, error)) ([]IncidentEvent, error) {
	if err := m.stopAck(it, t); err != nil {
		return nil, err
	}
	events, err := up()
	if err == nil {
		err = m.startAck(it, t)
	}
	return events, err
}

// onDeadline handles the breach of a milestone (it is missed) or of an
// acknowledgement clock (the tier did not acknowledge in time), at the
// deadline's own instant.
func (m *IncidentManager) onDeadline(it *incItem, e sla.Event) []IncidentEvent {
	if it == nil || e.ID.Kind != sla.Breach {
		return nil
	}
	inc, at := it.Rec, e.At.In(m.loc)
	if tier, ok := ackTier(e.ID.Metric); ok {
		if !inc.ackOpen || Tier(it.M.Tier()) != tier {
			return nil
		}
		touch(it, at)
		reason := fmt.Sprintf("not acknowledged within %v at %v", m.cfg.AckTimeouts[tier-1], tier)
		if tier == Executives {
			// Nowhere higher to go: report it and keep waiting.
			return []IncidentEvent{{ID: it.ID + "/ack_timeout/" + tier.String(), Kind: EventAckTimeout,
				Incident: it.ID, At: at, Tier: tier, Detail: reason}}
		}
		events, _ := m.reassign(it, at, func() ([]IncidentEvent, error) {
			ev, err := m.escalate(it, at, AutoEscalationActor, reason)
			return []IncidentEvent{ev}, err
		})
		return events
	}
	for i := range inc.milestones {
		ms := &inc.milestones[i]
		// A milestone met late before its deadline was delivered is still
		// reported missed, at its own minute.
		if ms.Name == string(e.ID.Metric) && ms.MissedAt.IsZero() && (ms.State == MilestoneOpen || ms.Late) {
			if ms.State == MilestoneOpen {
				ms.State = MilestoneMissed
			}
			ms.MissedAt = at
			touch(it, at)
			return []IncidentEvent{{ID: it.ID + "/milestone_missed/" + ms.Name, Kind: EventMilestoneMissed,
				Incident: it.ID, At: at, Milestone: ms.Name, Grade: inc.grade, Detail: "due " + ms.Due.Format(time.RFC3339)}}
		}
	}
	return nil
}

// do runs op on incident id at t (checked, in the manager's location) under
// the engine's lock, with the package's time guard, and returns the
// incident as op left it.
func (m *IncidentManager) do(t time.Time, id string, op func(it *incItem, t time.Time) ([]IncidentEvent, error)) (Incident, error) {
	if err := checkTime(t); err != nil {
		return Incident{}, err
	}
	t = t.In(m.loc)
	var out Incident
	_, err := m.eng.Do(t, id, guard[*incident]("incident"), func(it *incItem) ([]IncidentEvent, error) {
		events, err := op(it, t)
		if err == nil {
			m.logEvents(it, events)
			out = m.view(it)
		}
		return events, err
	})
	return out, err
}

func resolved(it *incItem) bool { return stateRank(it.M.State()) >= stateRank(IncidentResolved) }

// Acknowledge records an acknowledgement at the clock's current time; see
// AcknowledgeAt.
func (m *IncidentManager) Acknowledge(id, actor string) (Incident, error) {
	return m.AcknowledgeAt(m.eng.Clock().Now(), id, actor)
}

// AcknowledgeAt records that actor, at the incident's current tier,
// acknowledged it at t: the tier's timeout stops and the incident escalates
// no further on its own. It is an error (ErrIncidentState) when the current
// tier has already acknowledged or the incident is resolved, and bad input
// (ErrInvalidInput, ErrTimeBackwards) when t is before the incident's last
// recorded instant.
func (m *IncidentManager) AcknowledgeAt(t time.Time, id, actor string) (Incident, error) {
	if actor == "" {
		return Incident{}, inputErr("empty actor acknowledging incident %q", id)
	}
	return m.do(t, id, func(it *incItem, t time.Time) ([]IncidentEvent, error) {
		tier := Tier(it.M.Tier())
		if !it.Rec.ackOpen {
			return nil, fmt.Errorf("%w: %q is not awaiting acknowledgement at %v", ErrIncidentState, id, tier)
		}
		if err := m.stopAck(it, t); err != nil {
			return nil, err
		}
		it.Rec.acks = append(it.Rec.acks, Ack{Tier: tier, Actor: actor, At: t})
		return []IncidentEvent{{ID: id + "/acknowledged/" + tier.String(), Kind: EventAcknowledged, Incident: id,
			At: t, Tier: tier, Actor: actor}}, nil
	})
}

// Escalate escalates an incident at the clock's current time; see
// EscalateAt.
func (m *IncidentManager) Escalate(id, actor, reason string) (Incident, error) {
	return m.EscalateAt(m.eng.Clock().Now(), id, actor, reason)
}

// EscalateAt moves the incident one tier up at t on a person's decision,
// recorded with actor and reason; the new tier's acknowledgement clock
// starts. At the executives the error wraps fsm.ErrTopTier; a resolved
// incident is ErrIncidentState; t before the incident's last recorded
// instant is bad input (ErrInvalidInput, ErrTimeBackwards).
func (m *IncidentManager) EscalateAt(t time.Time, id, actor, reason string) (Incident, error) {
	if actor == "" {
		return Incident{}, inputErr("empty actor escalating incident %q", id)
	}
	return m.do(t, id, func(it *incItem, t time.Time) ([]IncidentEvent, error) {
		switch {
		case resolved(it):
			return nil, fmt.Errorf("%w: %q is %s", ErrIncidentState, id, it.M.State())
		case Tier(it.M.Tier()) == Executives:
			return nil, fmt.Errorf("emergency: incident %q: %w", id, fsm.ErrTopTier)
		}
		return m.reassign(it, t, func() ([]IncidentEvent, error) {
			ev, err := m.escalate(it, t, actor, reason)
			return []IncidentEvent{ev}, err
		})
	})
}

// Fire fires a lifecycle event at the clock's current time; see FireAt.
func (m *IncidentManager) Fire(ctx context.Context, id string, ev fsm.Event, by fsm.By) (Incident, error) {
	return m.FireAt(ctx, m.eng.Clock().Now(), id, ev, by)
}

// FireAt moves the incident through its lifecycle at t (assess, respond,
// recover, resolve). Milestones whose MetOn state is reached are met at t;
// resolving stops the acknowledgement clock. Milestones met by no state
// (the response plan, notifying stakeholders) keep running after the
// incident is resolved: meet them, or they are missed. The review event is
// fired by ReviewAt, which records the review. Errors from the lifecycle
// are the fsm package's typed errors (fsm.ErrNotAllowed, ...).
func (m *IncidentManager) FireAt(ctx context.Context, t time.Time, id string, ev fsm.Event, by fsm.By) (Incident, error) {
	if ev == IncidentReview {
		return Incident{}, fmt.Errorf("%w: use ReviewAt to review incident %q", ErrIncidentState, id)
	}
	return m.fire(ctx, t, id, ev, by, nil)
}

// fire fires ev and, when then is not nil, lets it add to the transition
// under the same lock.
func (m *IncidentManager) fire(ctx context.Context, t time.Time, id string, ev fsm.Event, by fsm.By,
	then func(it *incItem, t time.Time) []IncidentEvent) (Incident, error) {
	return m.do(t, id, func(it *incItem, t time.Time) ([]IncidentEvent, error) {
		rec, err := it.M.FireAt(ctx, t, ev, by)
		if err != nil {
			return nil, err
		}
		events := []IncidentEvent{{ID: fmt.Sprintf("%s/transitioned/%d", id, len(it.M.History())), Kind: EventTransitioned,
			Incident: id, At: t, State: rec.To, Actor: by.Actor, Detail: string(ev)}}
		rank := stateRank(rec.To)
		for _, ms := range m.cfg.timeline(it.Rec.grade) {
			if ms.MetOn != "" && stateRank(ms.MetOn) <= rank {
				if e, ok := m.meet(it, ms.Name, t, by.Actor); ok {
					events = append(events, e)
				}
			}
		}
		if resolved(it) {
			_ = m.stopAck(it, t)
		}
		if then != nil {
			events = append(events, then(it, t)...)
		}
		return events, nil
	})
}

// meet meets an open or missed milestone at t.
func (m *IncidentManager) meet(it *incItem, name string, t time.Time, actor string) (IncidentEvent, bool) {
	for i := range it.Rec.milestones {
		ms := &it.Rec.milestones[i]
		if ms.Name != name || ms.State == MilestoneMet {
			continue
		}
		met, err := m.eng.Tracker().StopAt(t, m.key(it.ID, sla.Metric(name)))
		if err != nil {
			return IncidentEvent{}, false
		}
		ms.State, ms.MetAt, ms.MetBy, ms.Late = MilestoneMet, t, actor, !met || !t.Before(ms.Due)
		return IncidentEvent{ID: it.ID + "/milestone_met/" + name, Kind: EventMilestoneMet, Incident: it.ID,
			At: t, Milestone: name, Actor: actor}, true
	}
	return IncidentEvent{}, false
}

// Meet meets a milestone at the clock's current time; see MeetAt.
func (m *IncidentManager) Meet(id, milestone, actor string) (Incident, error) {
	return m.MeetAt(m.eng.Clock().Now(), id, milestone, actor)
}

// MeetAt records that actor met a milestone of the incident at t (the
// response plan is adopted, the stakeholders are notified). Meeting a
// milestone at or after its deadline, or a missed one, marks it late.
// Errors wrap ErrUnknownMilestone or ErrMilestoneClosed.
func (m *IncidentManager) MeetAt(t time.Time, id, milestone, actor string) (Incident, error) {
	if actor == "" {
		return Incident{}, inputErr("empty actor meeting milestone %q of incident %q", milestone, id)
	}
	return m.do(t, id, func(it *incItem, t time.Time) ([]IncidentEvent, error) {
		idx := slices.IndexFunc(it.Rec.milestones, func(ms Milestone) bool { return ms.Name == milestone })
		switch {
		case idx < 0:
			return nil, fmt.Errorf("%w: %q of incident %q", ErrUnknownMilestone, milestone, id)
		case it.Rec.milestones[idx].State == MilestoneMet:
			return nil, fmt.Errorf("%w: %q of incident %q at %v", ErrMilestoneClosed, milestone, id, it.Rec.milestones[idx].MetAt)
		}
		ev, _ := m.meet(it, milestone, t, actor)
		return []IncidentEvent{ev}, nil
	})
}

// Regrade re-grades an incident at the clock's current time; see RegradeAt.
func (m *IncidentManager) Regrade(id string, to Grade, actor, reason string) (Incident, error) {
	return m.RegradeAt(m.eng.Clock().Now(), id, to, actor, reason)
}

// RegradeAt changes the incident's grade at t, keeping its id. Every
// milestone neither met nor missed is re-targeted to the new grade's
// deadline with the time already elapsed kept (one whose new deadline has
// already passed is missed at t on the next AdvanceTo); milestones of the
// new grade's timeline the incident did not have start from the report (and
// are met at t if the incident has already reached their MetOn state);
// milestones the new timeline lacks, and missed ones, keep their deadline.
// The change is recorded, re-grading to grade I escalates to the top, and
// the response plan is selected again.
func (m *IncidentManager) RegradeAt(t time.Time, id string, to Grade, actor, reason string) (Incident, error) {
	if !to.Valid() {
		return Incident{}, fmt.Errorf("%w: %d (want I..IV)", ErrInvalidGrade, uint8(to))
	}
	if actor == "" {
		return Incident{}, inputErr("empty actor re-grading incident %q", id)
	}
	return m.do(t, id, func(it *incItem, t time.Time) ([]IncidentEvent, error) {
		inc := it.Rec
		switch {
		case inc.grade == to:
			return nil, inputErr("incident %q is already grade %v", id, to)
		case resolved(it):
			return nil, fmt.Errorf("%w: %q is %s", ErrIncidentState, id, it.M.State())
		}
		from := inc.grade
		inc.grade = to
		met := m.retarget(it, t, actor)
		inc.regrades = append(inc.regrades, Regrade{From: from, To: to, Actor: actor, Reason: reason, At: t})
		events := []IncidentEvent{{ID: fmt.Sprintf("%s/regraded/%d", id, len(inc.regrades)), Kind: EventRegraded, Incident: id,
			At: t, Grade: to, Actor: actor, Detail: fmt.Sprintf("%v -> %v: %s", from, to, reason)}}
		events = append(events, met...)
		if to == GradeI && Tier(it.M.Tier()) < Executives {
			up, _ := m.reassign(it, t, func() ([]IncidentEvent, error) {
				return m.escalateToTop(it, t, actor, "re-graded to grade I"), nil
			})
			events = append(events, up...)
		}
		return append(events, m.selectPlan(it, t, "re-graded")...), nil
	})
}

// retarget moves the milestones of the incident to its new grade's
// timeline at t and returns the events of the milestones it met (those
// whose MetOn state the incident has already reached).
func (m *IncidentManager) retarget(it *incItem, t time.Time, actor string) []IncidentEvent {
	inc := it.Rec
	var met []IncidentEvent
	for _, ms := range m.cfg.timeline(inc.grade) {
		if !ms.appliesTo(inc.rep.Type) {
			continue
		}
		idx := slices.IndexFunc(inc.milestones, func(x Milestone) bool { return x.Name == ms.Name })
		switch {
		case idx < 0:
			if m.startMilestone(it, ms, inc.reportedAt) != nil {
				continue
			}
		case inc.milestones[idx].State == MilestoneOpen:
			key := m.key(it.ID, sla.Metric(ms.Name))
			if err := m.eng.Tracker().RetargetAt(t, key, m.dl.specs[milestoneRule(inc.grade, ms.Name)], sla.KeepElapsed); err == nil {
				inc.milestones[idx].Within, inc.milestones[idx].Due = ms.Within, m.due(key)
			}
		}
		if ms.MetOn != "" && stateRank(ms.MetOn) <= stateRank(it.M.State()) {
			// The incident is already past the state that meets it.
			if e, ok := m.meet(it, ms.Name, t, actor); ok {
				met = append(met, e)
			}
		}
	}
	return met
}
