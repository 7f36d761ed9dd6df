package feedback

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

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
// return visit within 48 hours around the clock. It is plain JSON (the
// durations as Go duration strings) and travels in the snapshot; the
// calendar it names is given with WithCalendars.
type ReturnVisitConfig struct {
	// Within is the time allowed for the visit after the complaint was
	// resolved, in business time on the calendar (default 48 h).
	Within time.Duration `json:"within,omitempty"`
	// CalendarName names the calendar that measures Within: a calendar
	// given with WithCalendars, or sla.CalendarAlways (the default, 24x7
	// in UTC).
	CalendarName string `json:"calendar,omitempty"`
	// Reminders are business-time offsets after the deadline at which an
	// overdue visit reminds its assignee again (default 15 minutes; an
	// empty, non-nil slice means none).
	Reminders []time.Duration `json:"reminders"`
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

// withDefaults fills the defaults and builds the deadline with the
// calendar from o.
func (c ReturnVisitConfig) withDefaults(o options) (ReturnVisitConfig, *sla.Spec, error) {
	if err := c.Validate(); err != nil {
		return c, nil, err
	}
	if c.Within == 0 {
		c.Within = DefaultReturnVisitWithin
	}
	c.CalendarName = cmp.Or(c.CalendarName, sla.CalendarAlways)
	if c.Reminders == nil {
		c.Reminders = []time.Duration{15 * time.Minute}
	}
	c.Reminders = slices.Clone(c.Reminders)
	c.SatisfiedScore = cmp.Or(c.SatisfiedScore, DefaultSatisfiedScore)
	c.HighRiskCategories = slices.Clone(c.HighRiskCategories)
	bt, err := o.calendar(c.CalendarName)
	if err != nil {
		return c, nil, fieldErr("calendar", "%v (give it with WithCalendars)", err)
	}
	spec, err := sla.NewSpec(sla.SpecDef{
		Policy:    "return_visit",
		Metric:    ReturnVisitMetric,
		Within:    sla.Duration(c.Within),
		Calendar:  c.CalendarName,
		Warnings:  []sla.Rung{},
		Reminders: durations(c.Reminders),
	}, bt)
	if err != nil {
		return c, nil, fieldErr("within", "%v", err)
	}
	return c, spec, nil
}

// durations converts durations to their JSON form, keeping nil nil.
func durations(ds []time.Duration) []sla.Duration {
	if ds == nil {
		return nil
	}
	out := make([]sla.Duration, len(ds))
	for i, d := range ds {
		out[i] = sla.Duration(d)
	}
	return out
}

// MarshalJSON writes the durations as Go duration strings.
func (c ReturnVisitConfig) MarshalJSON() ([]byte, error) {
	type plain ReturnVisitConfig
	return json.Marshal(struct {
		plain
		Within    sla.Duration   `json:"within,omitempty"`
		Reminders []sla.Duration `json:"reminders"`
	}{plain(c), sla.Duration(c.Within), durations(c.Reminders)})
}

// UnmarshalJSON reads durations written as Go duration strings (or as
// numbers of nanoseconds).
func (c *ReturnVisitConfig) UnmarshalJSON(b []byte) error {
	type plain ReturnVisitConfig
	v := struct {
		*plain
		Within    sla.Duration   `json:"within,omitempty"`
		Reminders []sla.Duration `json:"reminders"`
	}{(*plain)(c), sla.Duration(c.Within), durations(c.Reminders)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	c.Within, c.Reminders = v.Within.D(), nil
	if v.Reminders != nil {
		c.Reminders = make([]time.Duration, len(v.Reminders))
		for i, r := range v.Reminders {
			c.Reminders[i] = r.D()
		}
	}
	return nil
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
	return errors.Join(missing("id", c.ID, "complaint_id", c.ComplaintID, "customer", c.Customer)...)
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
// are read from its lifecycle machine and SLA clock by [ReturnVisits.Get]
// and [ReturnVisits.List], which give every instant of the visit in the
// location of the deadline's calendar (UTC for the default 24x7 one).
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
// has been reached at at (due at t means overdue from t).
func (v ReturnVisit) OverdueAt(at time.Time) bool {
	return v.State == VisitScheduled && !v.Due.IsZero() && !at.Before(v.Due)
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

// ReturnVisitEvent is an SLA event of a return visit: the breach when its
// deadline passes with the visit not made (the visit is overdue), reminders
// after it, or met when the visit was made in time.
type ReturnVisitEvent struct {
	CaseEvent
	Visit     string    `json:"visit"`
	Complaint string    `json:"complaint,omitempty"`
	Mode      VisitMode `json:"mode"`
	HighRisk  bool      `json:"high_risk,omitempty"`
	Assignee  string    `json:"assignee,omitempty"`
}
