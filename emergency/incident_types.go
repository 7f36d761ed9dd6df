package emergency

import (
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// Report is what is known when an incident is reported.
type Report struct {
	// ID identifies the incident; empty asks the manager for one
	// ("INC-1", "INC-2", ...).
	ID    string       `json:"id,omitempty"`
	Type  IncidentType `json:"type"`
	Grade Grade        `json:"grade"`
	Title string       `json:"title,omitempty"`
	// Subject is the team, channel or region concerned (free text).
	Subject string `json:"subject,omitempty"`
	// CustomerData marks an incident involving customer data; a security
	// event with customer data starts at the top of the escalation ladder.
	CustomerData bool `json:"customer_data,omitempty"`
	// ReportedBy is who reported it (a person or a monitoring system).
	ReportedBy string `json:"reported_by"`
}

// MilestoneState is the state of a milestone of a response timeline.
type MilestoneState string

// Milestone states. A missed milestone may still be met, late.
const (
	MilestoneOpen   MilestoneState = "open"
	MilestoneMet    MilestoneState = "met"
	MilestoneMissed MilestoneState = "missed"
)

// Milestone is one milestone of an incident's response timeline, running on
// an SLA clock from the report.
type Milestone struct {
	Name   string         `json:"name"`
	Within sla.Duration   `json:"within"`
	Due    time.Time      `json:"due"`
	State  MilestoneState `json:"state"`
	MetAt  time.Time      `json:"met_at,omitzero"`
	MetBy  string         `json:"met_by,omitempty"`
	// MissedAt is the deadline at which the milestone was missed.
	MissedAt time.Time `json:"missed_at,omitzero"`
	// Late is set when the milestone was met at or after its deadline: due
	// at t means missed from t, as an SLA clock is breached at its due
	// instant.
	Late bool `json:"late,omitempty"`
}

// Ack records that a tier of the escalation ladder acknowledged an incident.
type Ack struct {
	Tier  Tier      `json:"tier"`
	Actor string    `json:"actor"`
	At    time.Time `json:"at"`
}

// Regrade records a change of an incident's grade.
type Regrade struct {
	From   Grade     `json:"from"`
	To     Grade     `json:"to"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// Incident is a copy of the state of one incident. Its instants are in the
// location of the configuration's calendar (UTC for 24x7).
type Incident struct {
	ID    string       `json:"id"`
	Type  IncidentType `json:"type"`
	Grade Grade        `json:"grade"`
	// Report is the report the incident was opened with (its Grade is the
	// grade reported; Regrades records every change since).
	Report     Report    `json:"report"`
	ReportedAt time.Time `json:"reported_at"`
	State      fsm.State `json:"state"`
	// Tier is the current tier of the escalation ladder.
	Tier Tier `json:"tier"`
	// AwaitingAck is set while the current tier has not acknowledged.
	AwaitingAck bool             `json:"awaiting_ack"`
	Acks        []Ack            `json:"acks,omitempty"`
	Milestones  []Milestone      `json:"milestones"`
	Escalations []fsm.Escalation `json:"escalations,omitempty"`
	Regrades    []Regrade        `json:"regrades,omitempty"`
	// Plans lists every automatic plan selection, the current one last.
	Plans   []PlanSelection `json:"plans,omitempty"`
	History []fsm.Record    `json:"history,omitempty"`
	Review  *Review         `json:"review,omitempty"`
	// Events is the incident's event log, kept by a manager made
	// WithChain: every event delivered for it, in order.
	Events []IncidentEvent `json:"events,omitempty"`
}

// Milestone returns the milestone with the given name.
func (in Incident) Milestone(name string) (Milestone, bool) {
	for _, m := range in.Milestones {
		if m.Name == name {
			return m, true
		}
	}
	return Milestone{}, false
}

// Plan returns the plan currently selected for the incident, if any.
func (in Incident) Plan() (PlanSelection, bool) {
	if len(in.Plans) == 0 {
		return PlanSelection{}, false
	}
	return in.Plans[len(in.Plans)-1], true
}

// IncidentEventKind says what happened to an incident.
type IncidentEventKind string

// Incident event kinds.
const (
	EventReported        IncidentEventKind = "reported"
	EventTransitioned    IncidentEventKind = "transitioned"
	EventMilestoneMet    IncidentEventKind = "milestone_met"
	EventMilestoneMissed IncidentEventKind = "milestone_missed"
	EventEscalated       IncidentEventKind = "escalated"
	EventAcknowledged    IncidentEventKind = "acknowledged"
	// EventAckTimeout: the executives, the top tier, did not acknowledge in
	// time; there is no higher tier to escalate to.
	EventAckTimeout   IncidentEventKind = "ack_timeout"
	EventRegraded     IncidentEventKind = "regraded"
	EventPlanSelected IncidentEventKind = "plan_selected"
	EventReviewed     IncidentEventKind = "reviewed"
)

// IncidentEvent reports a step in the life of an incident to the handlers
// registered with WithIncidentHandler.
type IncidentEvent struct {
	// ID is stable across redelivery and restore, so a host can
	// deduplicate: incident/kind/detail, for example
	// "INC-1/milestone_missed/response_plan".
	ID       string            `json:"id"`
	Kind     IncidentEventKind `json:"kind"`
	Incident string            `json:"incident"`
	// At is the instant of the event: a deadline's own instant for missed
	// milestones and timeouts.
	At        time.Time `json:"at"`
	Milestone string    `json:"milestone,omitempty"`
	Tier      Tier      `json:"tier,omitempty"`
	Grade     Grade     `json:"grade,omitempty"`
	State     fsm.State `json:"state,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

// AutoEscalationActor is the actor recorded on escalations made because a
// tier did not acknowledge in time.
const AutoEscalationActor = "auto-escalation"
