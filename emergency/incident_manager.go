package emergency

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

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
	Within time.Duration  `json:"within"`
	Due    time.Time      `json:"due"`
	State  MilestoneState `json:"state"`
	MetAt  time.Time      `json:"met_at,omitzero"`
	MetBy  string         `json:"met_by,omitempty"`
	// MissedAt is the deadline at which the milestone was missed.
	MissedAt time.Time `json:"missed_at,omitzero"`
	// Late is set when the milestone was met at or after its deadline (an
	// SLA clock is breached at its due instant).
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

// Incident is a copy of the state of one incident.
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

// IncidentOption configures an IncidentManager.
type IncidentOption func(*IncidentManager)

// WithIncidentClock sets the time source (default clock.New()). A nil
// clock is ignored.
func WithIncidentClock(c clock.Clock) IncidentOption {
	return func(m *IncidentManager) {
		if c != nil {
			m.clk = c
		}
	}
}

// WithIncidentCalendars sets the calendars IncidentConfig.Calendar may name.
// The 24x7 calendar (sla.CalendarAlways) is always available.
func WithIncidentCalendars(reg sla.Registry) IncidentOption {
	return func(m *IncidentManager) {
		for k, v := range reg {
			m.reg[k] = v
		}
	}
}

// WithIncidentHandler registers a function called with every incident
// event, in order, outside the manager's lock. It may call the manager.
func WithIncidentHandler(h func(IncidentEvent)) IncidentOption {
	return func(m *IncidentManager) { m.handlers = append(m.handlers, h) }
}

// WithPlans sets the library of response plans the manager selects from
// when an incident is reported or re-graded.
func WithPlans(lib *PlanLibrary) IncidentOption {
	return func(m *IncidentManager) { m.plans = lib }
}

// AutoEscalationActor is the actor recorded on escalations made because a
// tier did not acknowledge in time.
const AutoEscalationActor = "auto-escalation"

type clockRef struct {
	incident  string
	milestone string // empty for an acknowledgement clock
	tier      Tier
}

type incident struct {
	rep        Report
	reportedAt time.Time
	grade      Grade
	m          *fsm.Machine
	milestones []Milestone
	ackOpen    bool
	acks       []Ack
	regrades   []Regrade
	plans      []PlanSelection
	review     *Review
}

// IncidentManager runs incidents: their lifecycle (an fsm machine each),
// their response timeline (one SLA clock per milestone), the escalation
// ladder with an acknowledgement timeout per tier (one SLA clock for the
// tier awaiting acknowledgement), re-grading, automatic selection of a
// response plan, and the post-incident review.
//
// Deadlines fire when the manager's tracker is advanced: AdvanceTo fires
// everything due synchronously, each handler seeing the deadline's own
// instant; Run is the production loop; slatest.Advance(mock, m.Tracker(), d)
// moves a mock clock and the manager together in tests and drills.
//
// An IncidentManager is safe for concurrent use. Handlers run outside its
// lock.
type IncidentManager struct {
	cfg      IncidentConfig
	clk      clock.Clock
	reg      sla.Registry
	bt       sla.BusinessTime
	specs    map[string]*sla.Spec // by SpecDef.Rule
	tr       *sla.Tracker
	plans    *PlanLibrary
	handlers []func(IncidentEvent)

	mu        sync.Mutex
	seq       uint64
	incidents map[string]*incident
	order     []string
	refs      map[string]clockRef
}

func milestoneRule(g Grade, name string) string { return "grade-" + g.String() + "/" + name }
func ackRule(t Tier) string                     { return "ack/" + t.String() }
func milestoneClock(inc, name string) string    { return "m:" + inc + "/" + name }
func ackClock(inc string, t Tier) string        { return "a:" + inc + "/" + t.String() }
func clockKey(id string) sla.ClockKey           { return sla.ClockKey{ID: id, Metric: sla.Resolution} }

// NewIncidentManager validates cfg and returns an empty manager. Invalid
// configuration returns every problem at once (*FieldError values wrapping
// ErrInvalidConfig).
func NewIncidentManager(cfg IncidentConfig, opts ...IncidentOption) (*IncidentManager, error) {
	m := &IncidentManager{
		clk:       clock.New(),
		reg:       sla.Registry{sla.CalendarAlways: sla.AlwaysOpen()},
		specs:     map[string]*sla.Spec{},
		incidents: map[string]*incident{},
		refs:      map[string]clockRef{},
	}
	for _, opt := range opts {
		opt(m)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	calName := cmp.Or(cfg.Calendar, sla.CalendarAlways)
	bt, err := m.reg.Lookup(calName)
	if err != nil {
		return nil, fieldErr("calendar", "%v", err)
	}
	m.bt = bt
	newSpec := func(rule string, within time.Duration) error {
		s, err := sla.NewSpec(sla.SpecDef{Policy: "emergency-incident", Rule: rule, Metric: sla.Resolution,
			Within: sla.Duration(within), Calendar: calName}, bt)
		if err == nil {
			m.specs[rule] = s
		}
		return err
	}
	for _, tl := range cfg.Timelines {
		for _, ms := range tl.Milestones {
			if err := newSpec(milestoneRule(tl.Grade, ms.Name), ms.Within); err != nil {
				return nil, fieldErr("timelines", "%v", err)
			}
		}
	}
	for i, d := range cfg.AckTimeouts {
		if err := newSpec(ackRule(Tier(i+1)), d); err != nil {
			return nil, fieldErr("ack_timeouts", "%v", err)
		}
	}
	m.cfg = cfg.clone()
	m.tr = sla.NewTracker(sla.WithClock(m.clk), sla.WithHandler(m.onDeadline))
	return m, nil
}

// Config returns a copy of the manager's configuration.
func (m *IncidentManager) Config() IncidentConfig { return m.cfg.clone() }

// Tracker returns the manager's SLA tracker, for slatest helpers and
// attainment figures (milestone clocks are labelled with their grade,
// acknowledgement clocks with their tier). Do not change its clocks directly.
func (m *IncidentManager) Tracker() *sla.Tracker { return m.tr }

// AdvanceTo fires, in deadline order, every milestone and acknowledgement
// deadline due at or before t, and returns how many tracker events it
// delivered.
func (m *IncidentManager) AdvanceTo(t time.Time) int { return m.tr.AdvanceTo(t) }

// Run fires deadlines as they fall due on the manager's clock until ctx
// ends.
func (m *IncidentManager) Run(ctx context.Context) error { return m.tr.Run(ctx) }

// NextDeadline returns the earliest pending deadline.
func (m *IncidentManager) NextDeadline() (time.Time, bool) { return m.tr.NextDeadline() }

// Report reports an incident at the clock's current time; see ReportAt.
func (m *IncidentManager) Report(r Report) (Incident, error) { return m.ReportAt(m.clk.Now(), r) }

// ReportAt opens an incident reported at t: it starts in the "reported"
// state at the front line (at the executives for grade I or a security
// event involving customer data), with the milestones of its grade's
// timeline that apply to its type running from t, the acknowledgement
// clock of its tier running, and a response plan selected from the library
// (if the manager has one).
func (m *IncidentManager) ReportAt(t time.Time, r Report) (Incident, error) {
	if err := m.checkReport(t, r); err != nil {
		return Incident{}, err
	}
	m.mu.Lock()
	if r.ID == "" {
		for {
			m.seq++
			r.ID = "INC-" + strconv.FormatUint(m.seq, 10)
			if m.incidents[r.ID] == nil {
				break
			}
		}
	} else if m.incidents[r.ID] != nil {
		m.mu.Unlock()
		return Incident{}, fmt.Errorf("%w: %q", ErrDuplicateIncident, r.ID)
	}
	mach, err := fsm.NewMachine(incidentDef, fsm.WithID(r.ID), fsm.WithClock(m.clk))
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	inc := &incident{rep: r, reportedAt: t.UTC(), grade: r.Grade, m: mach}
	var events []IncidentEvent
	events = append(events, IncidentEvent{ID: r.ID + "/reported", Kind: EventReported, Incident: r.ID, At: t.UTC(),
		Grade: r.Grade, Actor: r.ReportedBy, Detail: string(r.Type)})
	for _, ms := range m.cfg.timeline(r.Grade) {
		if ms.appliesTo(r.Type) {
			if err := m.startMilestoneLocked(inc, ms, t); err != nil {
				m.mu.Unlock()
				return Incident{}, err
			}
		}
	}
	if top := startsAtTop(r); top != "" {
		events = append(events, m.escalateToTopLocked(inc, t, r.ReportedBy, top)...)
	}
	if err := m.startAckLocked(inc, t); err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	events = append(events, m.selectPlanLocked(inc, t, "reported")...)
	m.incidents[r.ID] = inc
	m.order = append(m.order, r.ID)
	out := m.viewLocked(inc)
	m.mu.Unlock()
	m.emit(events)
	return out, nil
}

func (m *IncidentManager) checkReport(t time.Time, r Report) error {
	var errs []error
	if err := checkTime(t); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(m.cfg.Types, r.Type) {
		errs = append(errs, fmt.Errorf("%w: %q", ErrUnknownIncidentType, r.Type))
	}
	if !r.Grade.Valid() {
		errs = append(errs, fmt.Errorf("%w: %d (want I..IV)", ErrInvalidGrade, uint8(r.Grade)))
	}
	if r.ReportedBy == "" {
		errs = append(errs, inputErr("empty reporter"))
	}
	return errors.Join(errs...)
}

// startsAtTop returns why an incident starts at the executives, or "".
func startsAtTop(r Report) string {
	switch {
	case r.Grade == GradeI:
		return "grade I incident starts at the top"
	case r.Type == SecurityEvent && r.CustomerData:
		return "security event involving customer data starts at the top"
	}
	return ""
}

func (m *IncidentManager) startMilestoneLocked(inc *incident, ms MilestoneSpec, t time.Time) error {
	id := milestoneClock(inc.rep.ID, ms.Name)
	if err := m.tr.StartAt(t, sla.ClockKey{ID: id}, m.specs[milestoneRule(inc.grade, ms.Name)], "grade-"+inc.grade.String()); err != nil {
		return fmt.Errorf("%w: milestone %q: %w", ErrInvalidInput, ms.Name, err)
	}
	m.refs[id] = clockRef{incident: inc.rep.ID, milestone: ms.Name}
	inc.milestones = append(inc.milestones, Milestone{Name: ms.Name, Within: ms.Within, Due: m.due(id), State: MilestoneOpen})
	return nil
}

func (m *IncidentManager) due(clockID string) time.Time {
	if c, ok := m.tr.Clock(clockKey(clockID)); ok {
		if d, ok := c.Due(); ok {
			return d.UTC()
		}
	}
	return time.Time{}
}

func (m *IncidentManager) startAckLocked(inc *incident, t time.Time) error {
	tier := Tier(inc.m.Tier())
	id := ackClock(inc.rep.ID, tier)
	if err := m.tr.StartAt(t, sla.ClockKey{ID: id}, m.specs[ackRule(tier)], tier.String()); err != nil {
		return fmt.Errorf("%w: acknowledgement clock: %w", ErrInvalidInput, err)
	}
	m.refs[id] = clockRef{incident: inc.rep.ID, tier: tier}
	inc.ackOpen = true
	return nil
}

func (m *IncidentManager) stopAckLocked(inc *incident, t time.Time) error {
	if !inc.ackOpen {
		return nil
	}
	if _, err := m.tr.StopAt(t, clockKey(ackClock(inc.rep.ID, Tier(inc.m.Tier())))); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	inc.ackOpen = false
	return nil
}

// escalateLocked moves the incident one tier up at t and returns the event.
func (m *IncidentManager) escalateLocked(inc *incident, t time.Time, actor, reason string) (IncidentEvent, error) {
	e, err := inc.m.EscalateAt(t, fsm.By{Actor: actor, Reason: reason})
	if err != nil {
		return IncidentEvent{}, err
	}
	return IncidentEvent{ID: inc.rep.ID + "/escalated/" + Tier(e.To).String(), Kind: EventEscalated, Incident: inc.rep.ID,
		At: t.UTC(), Tier: Tier(e.To), Actor: actor, Detail: reason}, nil
}

func (m *IncidentManager) escalateToTopLocked(inc *incident, t time.Time, actor, reason string) []IncidentEvent {
	var events []IncidentEvent
	for Tier(inc.m.Tier()) < Executives {
		e, err := m.escalateLocked(inc, t, actor, reason)
		if err != nil {
			break
		}
		events = append(events, e)
	}
	return events
}

// notBeforeReport rejects an operation on the incident at a time before
// it was reported.
func (inc *incident) notBeforeReport(t time.Time) error {
	if t.Before(inc.reportedAt) {
		return inputErr("time %v is before incident %q was reported at %v", t, inc.rep.ID, inc.reportedAt)
	}
	return nil
}

func (m *IncidentManager) lookupLocked(id string) (*incident, error) {
	inc := m.incidents[id]
	if inc == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownIncident, id)
	}
	return inc, nil
}

// onDeadline handles the tracker's breach events: a missed milestone, or a
// tier that did not acknowledge in time.
func (m *IncidentManager) onDeadline(e sla.Event) {
	if e.ID.Kind != sla.Breach {
		return
	}
	at := e.At.UTC()
	var events []IncidentEvent
	m.mu.Lock()
	ref, ok := m.refs[e.ID.Clock]
	inc := m.incidents[ref.incident]
	switch {
	case !ok || inc == nil:
	case ref.milestone != "":
		for i := range inc.milestones {
			ms := &inc.milestones[i]
			// A milestone met late before its deadline was delivered is
			// still reported missed, at its own minute.
			if ms.Name == ref.milestone && ms.MissedAt.IsZero() && (ms.State == MilestoneOpen || ms.Late) {
				if ms.State == MilestoneOpen {
					ms.State = MilestoneMissed
				}
				ms.MissedAt = at
				events = append(events, IncidentEvent{ID: inc.rep.ID + "/milestone_missed/" + ms.Name, Kind: EventMilestoneMissed,
					Incident: inc.rep.ID, At: at, Milestone: ms.Name, Grade: inc.grade, Detail: "due " + ms.Due.Format(time.RFC3339)})
			}
		}
	case inc.ackOpen && Tier(inc.m.Tier()) == ref.tier:
		reason := fmt.Sprintf("not acknowledged within %v at %v", m.cfg.AckTimeouts[ref.tier-1], ref.tier)
		if ref.tier == Executives {
			// Nowhere higher to go: report it and keep waiting.
			events = append(events, IncidentEvent{ID: inc.rep.ID + "/ack_timeout/" + ref.tier.String(), Kind: EventAckTimeout,
				Incident: inc.rep.ID, At: at, Tier: ref.tier, Detail: reason})
			break
		}
		_ = m.stopAckLocked(inc, at)
		ev, err := m.escalateLocked(inc, at, AutoEscalationActor, reason)
		if err == nil {
			events = append(events, ev)
			_ = m.startAckLocked(inc, at)
		}
	}
	m.mu.Unlock()
	m.emit(events)
}

// Acknowledge records an acknowledgement at the clock's current time; see
// AcknowledgeAt.
func (m *IncidentManager) Acknowledge(id, actor string) (Incident, error) {
	return m.AcknowledgeAt(m.clk.Now(), id, actor)
}

// AcknowledgeAt records that actor, at the incident's current tier,
// acknowledged it at t: the tier's timeout stops and the incident escalates
// no further on its own. It is an error (ErrIncidentState) when the current
// tier has already acknowledged or the incident is resolved, and bad input
// (ErrInvalidInput) when t is before the report.
func (m *IncidentManager) AcknowledgeAt(t time.Time, id, actor string) (Incident, error) {
	if actor == "" {
		return Incident{}, inputErr("empty actor acknowledging incident %q", id)
	}
	if err := checkTime(t); err != nil {
		return Incident{}, err
	}
	m.mu.Lock()
	inc, err := m.lookupLocked(id)
	if err == nil {
		err = inc.notBeforeReport(t)
	}
	if err == nil && !inc.ackOpen {
		err = fmt.Errorf("%w: %q is not awaiting acknowledgement at %v", ErrIncidentState, id, Tier(inc.m.Tier()))
	}
	if err == nil {
		err = m.stopAckLocked(inc, t)
	}
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	tier := Tier(inc.m.Tier())
	inc.acks = append(inc.acks, Ack{Tier: tier, Actor: actor, At: t.UTC()})
	out := m.viewLocked(inc)
	m.mu.Unlock()
	m.emit([]IncidentEvent{{ID: id + "/acknowledged/" + tier.String(), Kind: EventAcknowledged, Incident: id, At: t.UTC(), Tier: tier, Actor: actor}})
	return out, nil
}

// Escalate escalates an incident at the clock's current time; see
// EscalateAt.
func (m *IncidentManager) Escalate(id, actor, reason string) (Incident, error) {
	return m.EscalateAt(m.clk.Now(), id, actor, reason)
}

// EscalateAt moves the incident one tier up at t on a person's decision,
// recorded with actor and reason; the new tier's acknowledgement clock
// starts. At the executives the error wraps fsm.ErrTopTier; a time before
// the report is bad input (ErrInvalidInput).
func (m *IncidentManager) EscalateAt(t time.Time, id, actor, reason string) (Incident, error) {
	if actor == "" {
		return Incident{}, inputErr("empty actor escalating incident %q", id)
	}
	if err := checkTime(t); err != nil {
		return Incident{}, err
	}
	m.mu.Lock()
	inc, err := m.lookupLocked(id)
	if err == nil {
		err = inc.notBeforeReport(t)
	}
	switch {
	case err != nil:
	case stateRank(inc.m.State()) >= stateRank(IncidentResolved):
		err = fmt.Errorf("%w: %q is %s", ErrIncidentState, id, inc.m.State())
	case Tier(inc.m.Tier()) == Executives:
		err = fmt.Errorf("emergency: incident %q: %w", id, fsm.ErrTopTier)
	}
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	if err := m.stopAckLocked(inc, t); err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	ev, err := m.escalateLocked(inc, t, actor, reason)
	if err == nil {
		err = m.startAckLocked(inc, t)
	}
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	out := m.viewLocked(inc)
	m.mu.Unlock()
	m.emit([]IncidentEvent{ev})
	return out, nil
}

// Fire fires a lifecycle event at the clock's current time; see FireAt.
func (m *IncidentManager) Fire(ctx context.Context, id string, ev fsm.Event, by fsm.By) (Incident, error) {
	return m.FireAt(ctx, m.clk.Now(), id, ev, by)
}

// FireAt moves the incident through its lifecycle at t (assess, respond,
// recover, resolve). Milestones whose MetOn state is reached are met at t;
// resolving stops the acknowledgement clock. Milestones met by no state
// (the response plan, notifying stakeholders) keep running after the
// incident is resolved: meet them, or they are missed. The review event is
// fired by
// ReviewAt, which records the review. Errors from the lifecycle are the fsm
// package's typed errors (fsm.ErrNotAllowed, ...).
func (m *IncidentManager) FireAt(ctx context.Context, t time.Time, id string, ev fsm.Event, by fsm.By) (Incident, error) {
	if ev == IncidentReview {
		return Incident{}, fmt.Errorf("%w: use ReviewAt to review incident %q", ErrIncidentState, id)
	}
	return m.fire(ctx, t, id, ev, by, nil)
}

func (m *IncidentManager) fire(ctx context.Context, t time.Time, id string, ev fsm.Event, by fsm.By, then func(*incident)) (Incident, error) {
	if err := checkTime(t); err != nil {
		return Incident{}, err
	}
	m.mu.Lock()
	inc, err := m.lookupLocked(id)
	if err == nil {
		err = inc.notBeforeReport(t)
	}
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	rec, err := inc.m.FireAt(ctx, t, ev, by)
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	events := []IncidentEvent{{ID: fmt.Sprintf("%s/transitioned/%d", id, len(inc.m.History())), Kind: EventTransitioned,
		Incident: id, At: t.UTC(), State: rec.To, Actor: by.Actor, Detail: string(ev)}}
	rank := stateRank(rec.To)
	for _, ms := range m.cfg.timeline(inc.grade) {
		if ms.MetOn != "" && stateRank(ms.MetOn) <= rank {
			if e, ok := m.meetLocked(inc, ms.Name, t, by.Actor); ok {
				events = append(events, e)
			}
		}
	}
	if rank >= stateRank(IncidentResolved) {
		_ = m.stopAckLocked(inc, t)
	}
	if then != nil {
		then(inc)
	}
	out := m.viewLocked(inc)
	m.mu.Unlock()
	m.emit(events)
	return out, nil
}

// meetLocked meets an open or missed milestone at t.
func (m *IncidentManager) meetLocked(inc *incident, name string, t time.Time, actor string) (IncidentEvent, bool) {
	for i := range inc.milestones {
		ms := &inc.milestones[i]
		if ms.Name != name || ms.State == MilestoneMet {
			continue
		}
		met, err := m.tr.StopAt(t, clockKey(milestoneClock(inc.rep.ID, name)))
		if err != nil {
			return IncidentEvent{}, false
		}
		ms.State, ms.MetAt, ms.MetBy, ms.Late = MilestoneMet, t.UTC(), actor, !met || !t.Before(ms.Due)
		return IncidentEvent{ID: inc.rep.ID + "/milestone_met/" + name, Kind: EventMilestoneMet, Incident: inc.rep.ID,
			At: t.UTC(), Milestone: name, Actor: actor}, true
	}
	return IncidentEvent{}, false
}

// Meet meets a milestone at the clock's current time; see MeetAt.
func (m *IncidentManager) Meet(id, milestone, actor string) (Incident, error) {
	return m.MeetAt(m.clk.Now(), id, milestone, actor)
}

// MeetAt records that actor met a milestone of the incident at t (the
// response plan is adopted, the stakeholders are notified). Meeting a missed
// milestone marks it late. Errors wrap ErrUnknownMilestone or
// ErrMilestoneClosed.
func (m *IncidentManager) MeetAt(t time.Time, id, milestone, actor string) (Incident, error) {
	if actor == "" {
		return Incident{}, inputErr("empty actor meeting milestone %q of incident %q", milestone, id)
	}
	if err := checkTime(t); err != nil {
		return Incident{}, err
	}
	m.mu.Lock()
	inc, err := m.lookupLocked(id)
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	idx := slices.IndexFunc(inc.milestones, func(ms Milestone) bool { return ms.Name == milestone })
	switch {
	case idx < 0:
		err = fmt.Errorf("%w: %q of incident %q", ErrUnknownMilestone, milestone, id)
	case inc.milestones[idx].State == MilestoneMet:
		err = fmt.Errorf("%w: %q of incident %q at %v", ErrMilestoneClosed, milestone, id, inc.milestones[idx].MetAt)
	default:
		err = inc.notBeforeReport(t)
	}
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	ev, _ := m.meetLocked(inc, milestone, t, actor)
	out := m.viewLocked(inc)
	m.mu.Unlock()
	m.emit([]IncidentEvent{ev})
	return out, nil
}

// Regrade re-grades an incident at the clock's current time; see RegradeAt.
func (m *IncidentManager) Regrade(id string, to Grade, actor, reason string) (Incident, error) {
	return m.RegradeAt(m.clk.Now(), id, to, actor, reason)
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
	if err := checkTime(t); err != nil {
		return Incident{}, err
	}
	m.mu.Lock()
	inc, err := m.lookupLocked(id)
	switch {
	case err != nil:
	case inc.grade == to:
		err = inputErr("incident %q is already grade %v", id, to)
	case stateRank(inc.m.State()) >= stateRank(IncidentResolved):
		err = fmt.Errorf("%w: %q is %s", ErrIncidentState, id, inc.m.State())
	default:
		err = inc.notBeforeReport(t)
	}
	if err != nil {
		m.mu.Unlock()
		return Incident{}, err
	}
	from := inc.grade
	inc.grade = to
	var met []IncidentEvent
	for _, ms := range m.cfg.timeline(to) {
		if !ms.appliesTo(inc.rep.Type) {
			continue
		}
		idx := slices.IndexFunc(inc.milestones, func(x Milestone) bool { return x.Name == ms.Name })
		if idx < 0 {
			if m.startMilestoneLocked(inc, ms, inc.reportedAt) == nil && ms.MetOn != "" &&
				stateRank(ms.MetOn) <= stateRank(inc.m.State()) {
				// The incident is already past the state that meets it.
				if e, ok := m.meetLocked(inc, ms.Name, t, actor); ok {
					met = append(met, e)
				}
			}
			continue
		}
		cur := &inc.milestones[idx]
		if cur.State != MilestoneOpen {
			continue
		}
		cid := milestoneClock(id, ms.Name)
		if err := m.tr.RetargetAt(t, clockKey(cid), m.specs[milestoneRule(to, ms.Name)], sla.KeepElapsed); err == nil {
			cur.Within, cur.Due = ms.Within, m.due(cid)
		}
	}
	inc.regrades = append(inc.regrades, Regrade{From: from, To: to, Actor: actor, Reason: reason, At: t.UTC()})
	events := []IncidentEvent{{ID: fmt.Sprintf("%s/regraded/%d", id, len(inc.regrades)), Kind: EventRegraded, Incident: id,
		At: t.UTC(), Grade: to, Actor: actor, Detail: fmt.Sprintf("%v -> %v: %s", from, to, reason)}}
	events = append(events, met...)
	if to == GradeI && Tier(inc.m.Tier()) < Executives && stateRank(inc.m.State()) < stateRank(IncidentResolved) {
		_ = m.stopAckLocked(inc, t)
		events = append(events, m.escalateToTopLocked(inc, t, actor, "re-graded to grade I")...)
		_ = m.startAckLocked(inc, t)
	}
	events = append(events, m.selectPlanLocked(inc, t, "re-graded")...)
	out := m.viewLocked(inc)
	m.mu.Unlock()
	m.emit(events)
	return out, nil
}

// Get returns a copy of the incident with the given id.
func (m *IncidentManager) Get(id string) (Incident, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	inc := m.incidents[id]
	if inc == nil {
		return Incident{}, false
	}
	return m.viewLocked(inc), true
}

// List returns every incident, in the order they were reported.
func (m *IncidentManager) List() []Incident {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Incident, 0, len(m.order))
	for _, id := range m.order {
		out = append(out, m.viewLocked(m.incidents[id]))
	}
	return out
}

func (m *IncidentManager) viewLocked(inc *incident) Incident {
	out := Incident{
		ID: inc.rep.ID, Type: inc.rep.Type, Grade: inc.grade, Report: inc.rep, ReportedAt: inc.reportedAt,
		State: inc.m.State(), Tier: Tier(inc.m.Tier()), AwaitingAck: inc.ackOpen,
		Acks: slices.Clone(inc.acks), Milestones: slices.Clone(inc.milestones),
		Escalations: inc.m.Escalations(), Regrades: slices.Clone(inc.regrades),
		Plans: clonePlans(inc.plans), History: inc.m.History(),
	}
	if inc.review != nil {
		r := inc.review.clone()
		out.Review = &r
	}
	return out
}

func (m *IncidentManager) emit(events []IncidentEvent) {
	for _, e := range events {
		for _, h := range m.handlers {
			h(e)
		}
	}
}
