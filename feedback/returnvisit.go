package feedback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// VisitMode says how a return visit is made.
type VisitMode string

// Return visit modes.
const (
	// VisitAutomated: an automated follow-up (text message, voice robot,
	// survey link).
	VisitAutomated VisitMode = "automated"
	// VisitHuman: a person calls or visits the customer. Required for
	// high-risk complaints.
	VisitHuman VisitMode = "human"
)

func (m VisitMode) valid() bool { return m == VisitAutomated || m == VisitHuman }

// States of the return visit lifecycle ([ReturnVisitSpec]).
const (
	VisitScheduled fsm.State = "scheduled"
	VisitCompleted fsm.State = "completed"
	VisitCancelled fsm.State = "cancelled"
)

// Events of the return visit lifecycle ([ReturnVisitSpec]).
const (
	VisitComplete fsm.Event = "complete" // scheduled -> completed (outcome recorded)
	VisitCancel   fsm.Event = "cancel"   // scheduled -> cancelled
)

// ReturnVisitSpec returns the lifecycle of a return visit: scheduled, then
// completed (its outcome recorded) or cancelled; both end states are
// terminal.
func ReturnVisitSpec() fsm.Spec {
	return fsm.Spec{
		Name:     "return_visit",
		Initial:  VisitScheduled,
		States:   []fsm.State{VisitScheduled, VisitCompleted, VisitCancelled},
		Terminal: []fsm.State{VisitCompleted, VisitCancelled},
		Transitions: []fsm.Transition{
			{Event: VisitComplete, From: []fsm.State{VisitScheduled}, To: VisitCompleted},
			{Event: VisitCancel, From: []fsm.State{VisitScheduled}, To: VisitCancelled},
		},
	}
}

var rvDefinition = fsm.MustDefinition(ReturnVisitSpec())

// ReturnVisitDefinition returns the shared definition every return visit
// runs on (built once from [ReturnVisitSpec]).
func ReturnVisitDefinition() *fsm.Definition { return rvDefinition }

// ErrHumanFollowUpRequired reports an automated outcome recorded for a
// high-risk return visit, which needs a human follow-up.
var ErrHumanFollowUpRequired = errors.New("feedback: high-risk complaint requires a human follow-up")

// VisitError reports a return visit operation that is not allowed: the
// visit's state does not allow it (Err matches fsm.ErrNotAllowed), the
// visit is high risk and the outcome was automated (Err is
// ErrHumanFollowUpRequired), or the operation is dated before the last
// change recorded on the visit (Err matches ErrTimeBackwards). It matches
// ErrInvalidTransition and Err with errors.Is.
type VisitError struct {
	VisitID string
	Op      string
	State   fsm.State
	Err     error
}

// Error implements error.
func (e *VisitError) Error() string {
	return fmt.Sprintf("feedback: return visit %q: %s not allowed in state %s: %v", e.VisitID, e.Op, e.State, e.Err)
}

// Unwrap lets errors.Is match ErrInvalidTransition and the underlying
// reason.
func (e *VisitError) Unwrap() []error { return []error{ErrInvalidTransition, e.Err} }

// ReturnVisitMetric is the SLA metric of return visit deadlines: event ids
// read "V-1/return_visit/breach/1/1".
const ReturnVisitMetric sla.Metric = "return_visit"

// DefaultReturnVisitWithin is the default time within which a resolved
// complaint gets its return visit: 48 hours.
const DefaultReturnVisitWithin = 48 * time.Hour

// DefaultSatisfiedScore is the default lowest satisfaction (on 1–5) that
// counts as satisfied, as in CSAT.
const DefaultSatisfiedScore = 4

// ReturnVisitConfig configures [ReturnVisits]. The zero value means a
// return visit within 48 hours around the clock.
type ReturnVisitConfig struct {
	// Within is the time allowed for the visit after the complaint was
	// resolved, in business time on Calendar (default 48 h).
	Within time.Duration `json:"within,omitempty"`
	// Calendar measures Within (default sla.AlwaysOpen()); CalendarName
	// names it in snapshots and event targets (default sla.CalendarAlways,
	// or "custom" when Calendar is set).
	Calendar     sla.BusinessTime `json:"-"`
	CalendarName string           `json:"calendar,omitempty"`
	// Reminders are business-time offsets after the deadline at which an
	// overdue visit reminds its assignee again (default 15 minutes; an
	// empty, non-nil slice means none).
	Reminders []time.Duration `json:"reminders,omitempty"`
	// HighRiskCategories are complaint categories that always count as
	// high risk, whatever the complaint's own flag says.
	HighRiskCategories []string `json:"high_risk_categories,omitempty"`
	// SatisfiedScore is the lowest satisfaction (1–5) that counts as
	// satisfied in ReturnVisit.Verification (default 4).
	SatisfiedScore int `json:"satisfied_score,omitempty"`
}

// Validate reports every problem of the configuration at once.
func (c ReturnVisitConfig) Validate() error {
	var errs []error
	if c.Within < 0 {
		errs = append(errs, fieldErr("within", "negative duration %v", c.Within))
	}
	for i, r := range c.Reminders {
		if r <= 0 || (i > 0 && r <= c.Reminders[i-1]) {
			errs = append(errs, fieldErr(pathf("reminders[%d]", i), "reminders must be positive and strictly increasing, got %v", r))
		}
	}
	for i, cat := range c.HighRiskCategories {
		if cat == "" {
			errs = append(errs, fieldErr(pathf("high_risk_categories[%d]", i), "empty"))
		}
	}
	if c.SatisfiedScore < 0 || c.SatisfiedScore > 5 {
		errs = append(errs, fieldErr("satisfied_score", "%d is not in 1–5", c.SatisfiedScore))
	}
	return errors.Join(errs...)
}

// withDefaults fills the defaults and builds the deadline spec.
func (c ReturnVisitConfig) withDefaults() (ReturnVisitConfig, *sla.Spec, error) {
	if c.Within == 0 {
		c.Within = DefaultReturnVisitWithin
	}
	if c.Calendar == nil {
		c.Calendar = sla.AlwaysOpen()
		if c.CalendarName == "" {
			c.CalendarName = sla.CalendarAlways
		}
	}
	if c.CalendarName == "" {
		c.CalendarName = "custom"
	}
	if c.Reminders == nil {
		c.Reminders = []time.Duration{15 * time.Minute}
	}
	if c.SatisfiedScore == 0 {
		c.SatisfiedScore = DefaultSatisfiedScore
	}
	c.HighRiskCategories = slices.Clone(c.HighRiskCategories)
	rem := make([]sla.Duration, len(c.Reminders))
	for i, r := range c.Reminders {
		rem[i] = sla.Duration(r)
	}
	spec, err := sla.NewSpec(sla.SpecDef{
		Policy:    "return_visit",
		Metric:    ReturnVisitMetric,
		Within:    sla.Duration(c.Within),
		Calendar:  c.CalendarName,
		Warnings:  []sla.Rung{},
		Reminders: rem,
	}, c.Calendar)
	if err != nil {
		return c, nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return c, spec, nil
}

// ResolvedComplaint describes a complaint that was just resolved and needs
// a return visit (see [ReturnVisits.Schedule]). ID (the visit's id),
// ComplaintID and Customer are required; a high-risk complaint also needs an
// Assignee, the person who will follow up.
type ResolvedComplaint struct {
	ID          string `json:"id"`
	ComplaintID string `json:"complaint_id"`
	Customer    string `json:"customer"`
	Category    string `json:"category,omitempty"`
	// HighRisk marks a complaint that needs a human follow-up (for example
	// a repeat complaint, a threat to go to the media or a regulator, a
	// safety issue). Complaints in ReturnVisitConfig.HighRiskCategories are
	// high risk too.
	HighRisk   bool   `json:"high_risk,omitempty"`
	RiskReason string `json:"risk_reason,omitempty"`
	// Assignee follows up; required for high-risk complaints.
	Assignee string `json:"assignee,omitempty"`
	// Rectification links the visit to the rectification item it should
	// verify, if any.
	Rectification string `json:"rectification,omitempty"`
}

// Validate reports every problem of the request at once.
func (c ResolvedComplaint) Validate() error {
	var errs []error
	if c.ID == "" {
		errs = append(errs, fieldErr("id", "empty"))
	}
	if c.ComplaintID == "" {
		errs = append(errs, fieldErr("complaint_id", "empty"))
	}
	if c.Customer == "" {
		errs = append(errs, fieldErr("customer", "empty"))
	}
	return errors.Join(errs...)
}

// VisitOutcome is what a return visit found: how it was made, by whom, the
// customer's satisfaction on 1–5 and whether the problem recurred.
type VisitOutcome struct {
	Mode         VisitMode `json:"mode"`
	By           string    `json:"by,omitempty"`
	Satisfaction int       `json:"satisfaction"`
	Recurred     bool      `json:"recurred"`
	Note         string    `json:"note,omitempty"`
	At           time.Time `json:"at"`
	// Late is set when the visit was made after its deadline.
	Late bool `json:"late,omitempty"`
}

// Validate reports every problem of the outcome at once.
func (o VisitOutcome) Validate() error {
	var errs []error
	if !o.Mode.valid() {
		errs = append(errs, fieldErr("mode", "unknown mode %q", o.Mode))
	}
	if o.Satisfaction < 1 || o.Satisfaction > 5 {
		errs = append(errs, fieldErr("satisfaction", "%d is not in 1–5", o.Satisfaction))
	}
	if o.Mode == VisitHuman && o.By == "" {
		errs = append(errs, fieldErr("by", "a human follow-up names who made it"))
	}
	return errors.Join(errs...)
}

// ReturnVisit is a return visit as a plain value. The fields up to
// CancelNote are the visit's own record; State, Assignee, Due and History
// are read from its lifecycle machine and SLA clock by
// [ReturnVisits.Get] and [ReturnVisits.List].
type ReturnVisit struct {
	ID            string `json:"id"`
	ComplaintID   string `json:"complaint_id"`
	Customer      string `json:"customer"`
	Category      string `json:"category,omitempty"`
	Rectification string `json:"rectification,omitempty"`
	HighRisk      bool   `json:"high_risk,omitempty"`
	RiskReason    string `json:"risk_reason,omitempty"`
	// Mode is the required mode: human for a high-risk complaint,
	// automated otherwise (an automated visit may still be made by a
	// person).
	Mode        VisitMode     `json:"mode"`
	ScheduledAt time.Time     `json:"scheduled_at"`
	Outcome     *VisitOutcome `json:"outcome,omitempty"`
	CancelledAt time.Time     `json:"cancelled_at,omitzero"`
	CancelNote  string        `json:"cancel_note,omitempty"`

	State    fsm.State `json:"state,omitempty"`
	Assignee string    `json:"assignee,omitempty"`
	// Due is the visit's deadline (zero once it was completed in time or
	// cancelled).
	Due     time.Time    `json:"due,omitzero"`
	History []fsm.Record `json:"history,omitempty"`
}

// OverdueAt reports whether the visit is still to be made and its deadline
// has been reached at now.
func (v ReturnVisit) OverdueAt(now time.Time) bool {
	return v.State == VisitScheduled && !v.Due.IsZero() && !now.Before(v.Due)
}

// Satisfied reports whether the visit was completed with a satisfaction of
// at least threshold (1–5).
func (v ReturnVisit) Satisfied(threshold int) bool {
	return v.Outcome != nil && v.Outcome.Satisfaction >= threshold
}

// Verification turns a completed visit into the verification of its
// rectification item: passed when the problem did not recur and the
// satisfaction is at least satisfied (use the configuration's
// SatisfiedScore, DefaultSatisfiedScore by default). ok is false for a
// visit that was not completed.
func (v ReturnVisit) Verification(satisfied int) (Verification, bool) {
	if v.Outcome == nil {
		return Verification{}, false
	}
	o := v.Outcome
	return Verification{
		Passed:  !o.Recurred && o.Satisfaction >= satisfied,
		By:      o.By,
		Note:    fmt.Sprintf("return visit %s: satisfaction %d/5, recurred %v", v.ID, o.Satisfaction, o.Recurred),
		VisitID: v.ID,
	}, true
}

// Response returns the visit's satisfaction as a CSAT survey response for
// an [Aggregator]. ok is false for a visit that was not completed.
func (v ReturnVisit) Response() (Response, bool) {
	if v.Outcome == nil {
		return Response{}, false
	}
	return Response{ID: v.ID, At: v.Outcome.At, Kind: SurveyCSAT, Score: float64(v.Outcome.Satisfaction)}, true
}

func (v *ReturnVisit) clone() ReturnVisit {
	c := *v
	if v.Outcome != nil {
		o := *v.Outcome
		c.Outcome = &o
	}
	c.History = slices.Clone(v.History)
	return c
}

// ReturnVisitEvent is an SLA event of a return visit: the breach when its
// deadline passes with the visit not made (the visit is overdue), reminders
// after it, or met when the visit was made in time. ID is stable, so a host
// can deduplicate at-least-once delivery; At is the event's own instant.
type ReturnVisitEvent struct {
	ID        sla.EventID `json:"id"`
	Visit     string      `json:"visit"`
	Complaint string      `json:"complaint,omitempty"`
	Kind      sla.Kind    `json:"kind"`
	At        time.Time   `json:"at"`
	Mode      VisitMode   `json:"mode"`
	HighRisk  bool        `json:"high_risk,omitempty"`
	Assignee  string      `json:"assignee,omitempty"`
	State     fsm.State   `json:"state,omitempty"`
}

// Overdue reports whether the event says the visit is overdue.
func (e ReturnVisitEvent) Overdue() bool { return e.Kind == sla.Breach || e.Kind == sla.Reminder }

type rvItem struct {
	v    ReturnVisit // own fields only
	m    *fsm.Machine
	last time.Time
}

// ReturnVisits schedules and records return visits for resolved
// complaints. Each visit runs the lifecycle of [ReturnVisitSpec] on an
// fsm.Machine and its deadline (48 hours by default) on an SLA clock in one
// sla.Tracker owned by this value; the tracker's priority label is the
// visit's mode, so AttainmentAt reports human and automated follow-ups
// apart. A high-risk complaint gets a visit in VisitHuman mode with an
// assignee, and an automated outcome for it is refused
// (ErrHumanFollowUpRequired).
//
// SLA events reach OnEvent handlers when AdvanceTo, Advance or Run delivers
// them; handlers run outside every lock and may call any method except
// AdvanceTo, Advance and Run. Every operation takes its time from the
// injected clock.Clock or, in its ...At form, explicitly. ReturnVisits is
// safe for concurrent use; Get and List return copies.
type ReturnVisits struct {
	mu       sync.Mutex
	clk      clock.Clock
	cfg      ReturnVisitConfig
	spec     *sla.Spec
	highRisk map[string]bool
	tr       *sla.Tracker
	visits   map[string]*rvItem
	handlers []func(ReturnVisitEvent)
}

// NewReturnVisits returns an empty set of visits. A nil clock means
// clock.New().
func NewReturnVisits(clk clock.Clock, cfg ReturnVisitConfig) (*ReturnVisits, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg, spec, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if clk == nil {
		clk = clock.New()
	}
	v := &ReturnVisits{clk: clk, cfg: cfg, spec: spec, highRisk: map[string]bool{}, visits: map[string]*rvItem{}}
	for _, c := range cfg.HighRiskCategories {
		v.highRisk[c] = true
	}
	v.tr = sla.NewTracker(sla.WithClock(clk), sla.WithHandler(v.deliver))
	return v, nil
}

// Config returns the configuration with its defaults filled in.
func (rv *ReturnVisits) Config() ReturnVisitConfig {
	c := rv.cfg
	c.Reminders = slices.Clone(c.Reminders)
	c.HighRiskCategories = slices.Clone(c.HighRiskCategories)
	return c
}

// OnEvent registers a handler for SLA events of visits; handlers are called
// in registration order, outside every lock.
func (rv *ReturnVisits) OnEvent(h func(ReturnVisitEvent)) {
	if h == nil {
		return
	}
	rv.mu.Lock()
	rv.handlers = append(rv.handlers, h)
	rv.mu.Unlock()
}

func (rv *ReturnVisits) deliver(ev sla.Event) {
	rv.mu.Lock()
	out := ReturnVisitEvent{ID: ev.ID, Visit: ev.ID.Clock, Kind: ev.ID.Kind, At: ev.At, Mode: VisitMode(ev.Priority)}
	if it, ok := rv.visits[ev.ID.Clock]; ok {
		out.Complaint = it.v.ComplaintID
		out.HighRisk = it.v.HighRisk
		out.Assignee = it.m.Owner()
		out.State = it.m.State()
	}
	hs := rv.handlers
	rv.mu.Unlock()
	for _, h := range hs {
		h(out)
	}
}

// AdvanceTo delivers, in deadline order, every SLA event due at or before
// now and returns how many it delivered (see sla.Tracker.AdvanceTo).
func (rv *ReturnVisits) AdvanceTo(now time.Time) int { return rv.tr.AdvanceTo(now) }

// Advance is AdvanceTo at the clock's current time.
func (rv *ReturnVisits) Advance() int { return rv.tr.Advance() }

// Run delivers SLA events as they fall due on the clock until ctx ends (see
// sla.Tracker.Run); it returns ctx.Err().
func (rv *ReturnVisits) Run(ctx context.Context) error { return rv.tr.Run(ctx) }

// NextDeadline returns the instant of the earliest undelivered SLA event.
func (rv *ReturnVisits) NextDeadline() (time.Time, bool) { return rv.tr.NextDeadline() }

// AttainmentAt returns the share of visits made within their deadline, per
// mode ("human", "automated"). Cancelled visits are not counted.
func (rv *ReturnVisits) AttainmentAt(at time.Time) []sla.Attainment {
	return rv.tr.AttainmentAt(at, "")
}

// Schedule schedules the return visit of a complaint resolved now; see
// ScheduleAt.
func (rv *ReturnVisits) Schedule(c ResolvedComplaint) (ReturnVisit, error) {
	return rv.ScheduleAt(c, rv.clk.Now())
}

// ScheduleAt schedules the return visit of a complaint resolved at time at:
// the visit is due within the configured time (48 hours by default) in
// business time. A complaint flagged high risk, or in one of the
// configured high-risk categories, gets a human follow-up and must name its
// Assignee; others get an automated one. It returns ErrDuplicate for a visit
// id already in use.
func (rv *ReturnVisits) ScheduleAt(c ResolvedComplaint, at time.Time) (ReturnVisit, error) {
	err := c.Validate()
	if at.IsZero() {
		err = errors.Join(err, fieldErr("resolved_at", "zero time"))
	}
	highRisk := c.HighRisk || rv.highRisk[c.Category]
	if highRisk && c.Assignee == "" {
		err = errors.Join(err, fieldErr("assignee", "a high-risk complaint needs a person to follow up"))
	}
	if err != nil {
		return ReturnVisit{}, err
	}
	mode := VisitAutomated
	if highRisk {
		mode = VisitHuman
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	if _, dup := rv.visits[c.ID]; dup {
		return ReturnVisit{}, fmt.Errorf("%w: return visit %q", ErrDuplicate, c.ID)
	}
	m, err := fsm.NewMachine(rvDefinition, fsm.WithID(c.ID), fsm.WithClock(rv.clk))
	if err != nil {
		return ReturnVisit{}, err
	}
	if c.Assignee != "" {
		if _, err := m.AssignAt(at, c.Assignee, fsm.By{Reason: "scheduled"}); err != nil {
			return ReturnVisit{}, err
		}
	}
	if err := rv.tr.StartAt(at, sla.ClockKey{ID: c.ID}, rv.spec, string(mode)); err != nil {
		return ReturnVisit{}, err
	}
	reason := c.RiskReason
	if highRisk && reason == "" && !c.HighRisk {
		reason = "high-risk category " + c.Category
	}
	it := &rvItem{v: ReturnVisit{
		ID: c.ID, ComplaintID: c.ComplaintID, Customer: c.Customer, Category: c.Category,
		Rectification: c.Rectification, HighRisk: highRisk, RiskReason: reason, Mode: mode, ScheduledAt: at,
	}, m: m, last: at}
	rv.visits[c.ID] = it
	return rv.view(it), nil
}

func (rv *ReturnVisits) view(it *rvItem) ReturnVisit {
	v := it.v.clone()
	v.State = it.m.State()
	v.Assignee = it.m.Owner()
	v.History = it.m.History()
	if c, ok := rv.tr.Clock(rv.key(it.v.ID)); ok {
		if due, ok := c.Due(); ok {
			v.Due = due
		}
	}
	return v
}

func (rv *ReturnVisits) key(id string) sla.ClockKey {
	return sla.ClockKey{ID: id, Metric: rv.spec.Metric()}
}

// Get returns a copy of visit id.
func (rv *ReturnVisits) Get(id string) (ReturnVisit, error) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	it, ok := rv.visits[id]
	if !ok {
		return ReturnVisit{}, fmt.Errorf("%w: return visit %q", ErrNotFound, id)
	}
	return rv.view(it), nil
}

// List returns copies of every visit, by scheduling time then id.
func (rv *ReturnVisits) List() []ReturnVisit {
	rv.mu.Lock()
	out := make([]ReturnVisit, 0, len(rv.visits))
	for _, it := range rv.visits {
		out = append(out, rv.view(it))
	}
	rv.mu.Unlock()
	sortByTimeThenID(out, rvScheduled)
	return out
}

// rvScheduled is the order of visits in List and Snapshot.
func rvScheduled(v *ReturnVisit) (time.Time, string) { return v.ScheduledAt, v.ID }

// Overdue returns the visits overdue now; see OverdueAt.
func (rv *ReturnVisits) Overdue() []ReturnVisit { return rv.OverdueAt(rv.clk.Now()) }

// OverdueAt returns the visits still to be made whose deadline has been
// reached at now, by deadline then id.
func (rv *ReturnVisits) OverdueAt(now time.Time) []ReturnVisit {
	return overdueByDue(rv.List(), now, ReturnVisit.OverdueAt, func(v *ReturnVisit) (time.Time, string) { return v.Due, v.ID })
}

// op runs f on visit id under the lock after checking the time; f does the
// visit's own checks, fires the lifecycle event and updates the SLA clock.
func (rv *ReturnVisits) op(id, name string, at time.Time, f func(it *rvItem) error) (ReturnVisit, error) {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	it, ok := rv.visits[id]
	if !ok {
		return ReturnVisit{}, fmt.Errorf("%w: return visit %q", ErrNotFound, id)
	}
	if err := checkNotBefore(at, it.last); err != nil {
		return ReturnVisit{}, &VisitError{VisitID: id, Op: name, State: it.m.State(), Err: err}
	}
	if err := f(it); err != nil {
		return ReturnVisit{}, err
	}
	it.last = at
	return rv.view(it), nil
}

// Record records the outcome of visit id made now; see RecordAt.
func (rv *ReturnVisits) Record(id string, o VisitOutcome) (ReturnVisit, error) {
	return rv.RecordAt(id, o, rv.clk.Now())
}

// RecordAt records the outcome o of visit id, made at time at (o.At is set
// to at, o.Late when at is past the deadline), completes the visit and stops
// its SLA clock. An invalid outcome (satisfaction outside 1–5, unknown
// mode, a human follow-up naming nobody) returns *FieldError values; an
// automated outcome for a high-risk visit returns a *VisitError matching
// ErrHumanFollowUpRequired; a visit not scheduled any more, one matching
// fsm.ErrNotAllowed. Nothing changes on error.
func (rv *ReturnVisits) RecordAt(id string, o VisitOutcome, at time.Time) (ReturnVisit, error) {
	if err := o.Validate(); err != nil {
		return ReturnVisit{}, err
	}
	return rv.op(id, "Record", at, func(it *rvItem) error {
		state := it.m.State()
		if state == VisitScheduled && it.v.HighRisk && o.Mode != VisitHuman {
			return &VisitError{VisitID: id, Op: "Record", State: state, Err: ErrHumanFollowUpRequired}
		}
		if _, err := it.m.FireAt(context.Background(), at, VisitComplete, fsm.By{Actor: o.By, Reason: o.Note}); err != nil {
			return &VisitError{VisitID: id, Op: "Record", State: state, Err: err}
		}
		o.At = at
		if c, ok := rv.tr.Clock(rv.key(id)); ok {
			o.Late = c.Breached(at)
		}
		it.v.Outcome = &o
		if _, err := rv.tr.StopAt(at, rv.key(id)); err != nil {
			return fmt.Errorf("feedback: return visit %q: SLA clock out of step: %w", id, err)
		}
		return nil
	})
}

// Cancel cancels visit id now; see CancelAt.
func (rv *ReturnVisits) Cancel(id string, by fsm.By) (ReturnVisit, error) {
	return rv.CancelAt(id, by, rv.clk.Now())
}

// CancelAt cancels visit id at time at (for example because the customer
// declined to be contacted), recording by.Reason. Its SLA clock is dropped
// with any event not yet delivered, and it is not counted in the
// attainment figures.
func (rv *ReturnVisits) CancelAt(id string, by fsm.By, at time.Time) (ReturnVisit, error) {
	return rv.op(id, "Cancel", at, func(it *rvItem) error {
		state := it.m.State()
		if _, err := it.m.FireAt(context.Background(), at, VisitCancel, by); err != nil {
			return &VisitError{VisitID: id, Op: "Cancel", State: state, Err: err}
		}
		it.v.CancelledAt, it.v.CancelNote = at, by.Reason
		rv.tr.Remove(rv.key(id))
		return nil
	})
}

// Assign hands visit id to a person now; see AssignAt.
func (rv *ReturnVisits) Assign(id, to string, by fsm.By) (ReturnVisit, error) {
	return rv.AssignAt(id, to, by, rv.clk.Now())
}

// AssignAt gives visit id to person to at time at: the first assignment of
// an unassigned visit, or a transfer recording from whom, to whom, by whom
// and why. Errors match fsm.ErrInvalidTransfer (to nobody or to the current
// assignee) or fsm.ErrTerminal (a visit completed or cancelled).
func (rv *ReturnVisits) AssignAt(id, to string, by fsm.By, at time.Time) (ReturnVisit, error) {
	return rv.op(id, "Assign", at, func(it *rvItem) error {
		var err error
		if it.m.Owner() == "" {
			_, err = it.m.AssignAt(at, to, by)
		} else {
			_, err = it.m.TransferAt(at, to, by)
		}
		if err != nil {
			return fmt.Errorf("feedback: return visit %q: %w", id, err)
		}
		return nil
	})
}

// ScheduleHook returns an fsm.Hook that schedules a return visit when a
// complaint or ticket lifecycle resolves, so that the host does not have to
// remember to: add it to the Spec's Hooks (or a Transition's) before
// building the definition. After each transition the hook calls describe
// with the machine and the transition's record; when describe returns ok,
// the visit it describes is scheduled at the transition's own time
// (r.At). A scheduling error (an invalid description, a duplicate visit
// id) goes to onErr, which may be nil. The hook runs outside the machine's
// lock, in the goroutine that fired the event.
func (rv *ReturnVisits) ScheduleHook(describe func(m *fsm.Machine, r fsm.Record) (ResolvedComplaint, bool), onErr func(error)) fsm.Hook {
	return func(_ context.Context, m *fsm.Machine, r fsm.Record) {
		c, ok := describe(m, r)
		if !ok {
			return
		}
		if _, err := rv.ScheduleAt(c, r.At); err != nil && onErr != nil {
			onErr(err)
		}
	}
}
