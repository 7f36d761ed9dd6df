package feedback

import (
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// Kinds of feedback a rectification item can come from ([Source].Kind).
// Hosts may use their own kinds too.
const (
	SourceComplaint   = "complaint"
	SourceSurvey      = "survey"
	SourceReturnVisit = "return_visit"
)

// Source names the feedback a rectification item was raised from, for
// example {Kind: "complaint", ID: "C-1042"}.
type Source struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// CorrectiveAction is one action of a rectification item. Owner defaults to
// the item's owner when the action is added. An action is done once DoneAt
// is set (see [Rectifications.CompleteAction]).
type CorrectiveAction struct {
	ID          string    `json:"id"`
	Description string    `json:"description"`
	Owner       string    `json:"owner,omitempty"`
	AddedAt     time.Time `json:"added_at,omitzero"`
	DoneAt      time.Time `json:"done_at,omitzero"`
	DoneBy      string    `json:"done_by,omitempty"`
	Note        string    `json:"note,omitempty"`
}

// Done reports whether the action has been carried out.
func (a CorrectiveAction) Done() bool { return !a.DoneAt.IsZero() }

// Verification is the result of checking that a rectification worked, for
// example by a return visit (VisitID). A failed verification sends the item
// back to in progress.
type Verification struct {
	Passed  bool      `json:"passed"`
	By      string    `json:"by,omitempty"`
	Note    string    `json:"note,omitempty"`
	VisitID string    `json:"visit_id,omitempty"`
	At      time.Time `json:"at"`
	// Actions is the number of corrective actions the item had when it was
	// verified (set by VerifyAt): the work this verification judged.
	Actions int `json:"actions"`
}

// Notice records that the customer was informed of the outcome: by whom,
// through which channel, and what was said.
type Notice struct {
	By      string    `json:"by,omitempty"`
	Channel string    `json:"channel,omitempty"`
	Note    string    `json:"note,omitempty"`
	At      time.Time `json:"at"`
}

// RectificationInput describes a new rectification item (see
// [Rectifications.Open]). ID, Source, Category and Owner are required;
// Actions may be added later; every action starts not done (DoneAt, DoneBy
// and AddedAt are set by the operations).
type RectificationInput struct {
	ID       string             `json:"id"`
	Source   Source             `json:"source"`
	Category string             `json:"category"`
	Owner    string             `json:"owner"`
	Problem  string             `json:"problem,omitempty"`
	Actions  []CorrectiveAction `json:"actions,omitempty"`
	// By is who opened the item (recorded as the actor of the assignment).
	By string `json:"by,omitempty"`
}

// Validate reports every problem of the input at once (errors.Join of
// *FieldError values matching ErrInvalidConfig).
func (in RectificationInput) Validate() error {
	errs := missing("id", in.ID, "source.kind", in.Source.Kind, "source.id", in.Source.ID, "category", in.Category, "owner", in.Owner)
	seen := map[string]bool{}
	for i, a := range in.Actions {
		errs = append(errs, rectValidateAction(pathf("actions[%d]", i), a, seen)...)
	}
	return errors.Join(errs...)
}

func rectValidateAction(path string, a CorrectiveAction, seen map[string]bool) []error {
	var errs []error
	switch {
	case a.ID == "":
		errs = append(errs, fieldErr(path+".id", "empty"))
	case seen[a.ID]:
		errs = append(errs, fieldErr(path+".id", "duplicate action id %q", a.ID))
	default:
		seen[a.ID] = true
	}
	if a.Description == "" {
		errs = append(errs, fieldErr(path+".description", "empty"))
	}
	return errs
}

// Rectification is a rectification item (a corrective action raised from
// feedback) as a plain value. The fields up to ClosedAt are the item's own
// record; State, Owner, FirstResponder, Due and History are read from its
// lifecycle machine and its SLA clock when the item is returned by
// [Rectifications.Get] or [Rectifications.List], which give every instant
// of the item in the location of its deadline's calendar (UTC for the
// default 24x7 deadline).
type Rectification struct {
	ID            string             `json:"id"`
	Source        Source             `json:"source"`
	Category      string             `json:"category"`
	Problem       string             `json:"problem,omitempty"`
	Actions       []CorrectiveAction `json:"actions,omitempty"`
	Verifications []Verification     `json:"verifications,omitempty"`
	Notice        *Notice            `json:"notice,omitempty"`
	OpenedAt      time.Time          `json:"opened_at"`
	ClosedAt      time.Time          `json:"closed_at,omitzero"`

	// State is the lifecycle state (RectOpen ... RectClosed).
	State fsm.State `json:"state,omitempty"`
	// Owner is the current owner; FirstResponder the first one, who stays
	// accountable across transfers.
	Owner          string `json:"owner,omitempty"`
	FirstResponder string `json:"first_responder,omitempty"`
	// Due is the instant the SLA deadline falls (or fell) in business time.
	// It is zero once the work stopped before the deadline (the item is
	// done and waiting for verification, or verified in time); a non-zero
	// Due on a done or later item means the deadline was missed.
	Due time.Time `json:"due,omitzero"`
	// History is the lifecycle's transitions, oldest first.
	History []fsm.Record `json:"history,omitempty"`
}

// OverdueAt reports whether the item's corrective work is past its deadline
// at at: it is still open or in progress and its deadline has been reached
// (due at t means overdue from t).
func (r Rectification) OverdueAt(at time.Time) bool {
	return (r.State == RectOpen || r.State == RectInProgress) && !r.Due.IsZero() && !at.Before(r.Due)
}

// RectificationEvent is an SLA event of a rectification item: a warning as
// its deadline approaches, the breach when the deadline passes with the
// work not done (the item is overdue), reminders after it, or met when the
// item was verified within its deadline.
type RectificationEvent struct {
	CaseEvent
	Item     string `json:"item"`
	Category string `json:"category"`
	Owner    string `json:"owner,omitempty"`
}

// RectificationConfig chooses the SLA deadline of rectification items as
// plain targets (sla.SpecDef), so it is JSON and travels in the snapshot;
// the calendars the targets name (other than sla.CalendarAlways) are given
// with WithCalendars.
type RectificationConfig struct {
	// Deadline is the target of items whose category has no entry in
	// ByCategory. Nil means DefaultRectificationDeadline().
	Deadline *sla.SpecDef `json:"deadline,omitempty"`
	// ByCategory gives categories their own deadline (for example a
	// shorter one for product safety).
	ByCategory map[string]sla.SpecDef `json:"by_category,omitempty"`
}

// Validate reports every problem of the configuration at once: an empty
// category and targets that are not valid sla targets (the calendars are
// checked when the engine is built).
func (c RectificationConfig) Validate() error {
	var errs []error
	check := func(path string, def sla.SpecDef) {
		if _, err := sla.NewSpec(def, alwaysOpen); err != nil {
			errs = append(errs, fieldErr(path, "%v", err))
		}
	}
	if c.Deadline != nil {
		check("deadline", *c.Deadline)
	}
	for _, k := range slices.Sorted(maps.Keys(c.ByCategory)) {
		if k == "" {
			errs = append(errs, fieldErr(`by_category[""]`, "empty category"))
			continue
		}
		check(pathf("by_category[%q]", k), c.ByCategory[k])
	}
	return errors.Join(errs...)
}

// withDefaults returns the configuration with its default deadline and the
// compiled targets, their calendars taken from o.
func (c RectificationConfig) withDefaults(o options) (RectificationConfig, rectSpecs, error) {
	if err := c.Validate(); err != nil {
		return c, rectSpecs{}, err
	}
	if c.Deadline == nil {
		d := DefaultRectificationDeadline()
		c.Deadline = &d
	}
	c.ByCategory = maps.Clone(c.ByCategory)
	var errs []error
	compile := func(path string, def sla.SpecDef) *sla.Spec {
		bt, err := o.calendar(def.Calendar)
		if err != nil {
			errs = append(errs, fieldErr(path+".calendar", "%v (give it with WithCalendars)", err))
			return nil
		}
		s, err := sla.NewSpec(def, bt)
		errs = append(errs, err)
		return s
	}
	rs := rectSpecs{def: compile("deadline", *c.Deadline), by: map[string]*sla.Spec{}}
	for k, def := range c.ByCategory {
		rs.by[k] = compile(pathf("by_category[%q]", k), def)
	}
	return c, rs, errors.Join(errs...)
}

// rectSpecs are the compiled targets of a RectificationConfig.
type rectSpecs struct {
	def *sla.Spec
	by  map[string]*sla.Spec
}

// of returns the target of category.
func (s rectSpecs) of(category string) *sla.Spec {
	if spec, ok := s.by[category]; ok {
		return spec
	}
	return s.def
}
