package emergency

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// Documented defaults of the obligations owned by warning levels.
const (
	// DefaultRectificationWithin is the seed deadline of the obligation a
	// yellow warning owns: a rectification plan within 3 days (72 hours on
	// the 24x7 calendar; name a business calendar to count working time).
	DefaultRectificationWithin = 72 * time.Hour
	// DefaultTaskForceWithin is the deadline of the obligation a red warning
	// owns: a special task force "at once". SLA targets must be positive, so
	// "at once" is the 15 minutes the seeds give for starting any response.
	DefaultTaskForceWithin = 15 * time.Minute
)

// Names of the default obligation rules.
const (
	ObligationRectificationPlan = "rectification-plan"
	ObligationSpecialTaskForce  = "special-task-force"
)

// ObligationRule says what a warning level requires and by when: when a
// subject's level rises to Level or above (from below it), an obligation
// opens with a deadline Within after the rise, counted on the named
// calendar. The deadline runs on an SLA clock; if it passes before the
// obligation is fulfilled, the obligation is missed and the subject is
// escalated one level.
type ObligationRule struct {
	Name   string `json:"name"`
	Level  Level  `json:"level"`
	Action string `json:"action"`
	// Within is the deadline, in business time of Calendar.
	Within sla.Duration `json:"within"`
	// Calendar names a calendar of the registry given with
	// WithCalendars; empty means sla.CalendarAlways (24x7).
	Calendar string `json:"calendar,omitempty"`
}

// ObligationConfig lists the obligation rules of an Obligations engine.
type ObligationConfig struct {
	Rules []ObligationRule `json:"rules"`
}

// DefaultObligationConfig returns the seed obligations: yellow requires a
// rectification plan within 3 days (DefaultRectificationWithin), red
// requires a special task force at once (DefaultTaskForceWithin).
func DefaultObligationConfig() ObligationConfig {
	return ObligationConfig{Rules: []ObligationRule{
		{Name: ObligationRectificationPlan, Level: Yellow, Action: "submit a rectification plan", Within: sla.Duration(DefaultRectificationWithin)},
		{Name: ObligationSpecialTaskForce, Level: Red, Action: "form a special task force", Within: sla.Duration(DefaultTaskForceWithin)},
	}}
}

// Validate reports every problem of the configuration at once, each as a
// *FieldError with the path of the field.
func (c ObligationConfig) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, r := range c.Rules {
		p := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.Name == "":
			errs = append(errs, fieldErr(p+".name", "empty name"))
		case seen[r.Name]:
			errs = append(errs, fieldErr(p+".name", "duplicate name %q", r.Name))
		}
		seen[r.Name] = true
		if !r.Level.Valid() || r.Level == None {
			errs = append(errs, fieldErr(p+".level", "must be yellow, orange or red, got %v", r.Level))
		}
		if r.Within <= 0 {
			errs = append(errs, fieldErr(p+".within", "must be positive, got %v", r.Within))
		}
	}
	return errors.Join(errs...)
}

// ObligationState is the state of an obligation: the state of its
// lifecycle machine (ObligationDefinition). The zero value is not a state.
type ObligationState string

// Obligation states. A missed obligation is still open: fulfilling it late
// closes it and lifts the escalation its miss caused.
const (
	ObligationOpen      ObligationState = "open"
	ObligationMissed    ObligationState = "missed"
	ObligationFulfilled ObligationState = "fulfilled"
	ObligationCancelled ObligationState = "cancelled"
)

// Obligation lifecycle events.
const (
	ObligationMiss    fsm.Event = "miss"    // open -> missed, when the deadline passes
	ObligationFulfill fsm.Event = "fulfill" // open, missed -> fulfilled
	ObligationCancel  fsm.Event = "cancel"  // open, missed -> cancelled
)

func (s ObligationState) closed() bool { return s == ObligationFulfilled || s == ObligationCancelled }

// ObligationSpec returns the lifecycle of an obligation as an fsm.Spec:
// open -> missed when its deadline passes, and open or missed -> fulfilled
// or cancelled by a person. Fulfilled and cancelled are terminal. Each
// obligation has a machine of this lifecycle, whose history records who
// closed it, when and why.
func ObligationSpec() fsm.Spec {
	open, missed := fsm.State(ObligationOpen), fsm.State(ObligationMissed)
	return fsm.Spec{
		Name:     "obligation",
		Initial:  open,
		States:   []fsm.State{open, missed, fsm.State(ObligationFulfilled), fsm.State(ObligationCancelled)},
		Terminal: []fsm.State{fsm.State(ObligationFulfilled), fsm.State(ObligationCancelled)},
		Transitions: []fsm.Transition{
			{Event: ObligationMiss, From: []fsm.State{open}, To: missed},
			{Event: ObligationFulfill, From: []fsm.State{open, missed}, To: fsm.State(ObligationFulfilled)},
			{Event: ObligationCancel, From: []fsm.State{open, missed}, To: fsm.State(ObligationCancelled)},
		},
	}
}

var obligationDef = fsm.MustDefinition(ObligationSpec())

// ObligationDefinition returns the shared definition built from
// ObligationSpec.
func ObligationDefinition() *fsm.Definition { return obligationDef }

// Obligation is one obligation of a subject: what must be done, by when,
// and what happened to it.
type Obligation struct {
	ID       string          `json:"id"`
	Subject  string          `json:"subject"`
	Rule     string          `json:"rule"`
	Action   string          `json:"action,omitempty"`
	Level    Level           `json:"level"`
	State    ObligationState `json:"state"`
	OpenedAt time.Time       `json:"opened_at"`
	Due      time.Time       `json:"due"`
	// MissedAt is the deadline instant at which the obligation was missed.
	MissedAt time.Time `json:"missed_at,omitzero"`
	// Escalated is the subject's change caused by the miss, if the miss
	// raised the level.
	Escalated *Change `json:"escalated,omitempty"`
	// ClosedAt, ClosedBy and Note record the fulfilment or cancellation.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	ClosedBy string    `json:"closed_by,omitempty"`
	Note     string    `json:"note,omitempty"`
	// Late is set when the obligation was fulfilled at or after its
	// deadline: due at t means missed from t, as an SLA clock is breached
	// at its due instant. If that
	// happens before the deadline was delivered, the miss is still recorded
	// (MissedAt and a missed event) when it is, but nothing is escalated.
	Late bool `json:"late,omitempty"`
}

// clone returns a copy sharing no memory with o.
func (o *Obligation) clone() Obligation {
	c := *o
	if o.Escalated != nil {
		e := *o.Escalated
		if e.Evidence.Test != nil {
			t := *e.Evidence.Test
			e.Evidence.Test = &t
		}
		c.Escalated = &e
	}
	return c
}

// EscalationSource returns the floor source under which a missed obligation
// escalates its subject on the board.
func (o Obligation) EscalationSource() string { return "obligation/" + o.ID }

// ObligationEventKind says what happened to an obligation.
type ObligationEventKind string

// Obligation event kinds.
const (
	ObligationOpened         ObligationEventKind = "opened"
	ObligationMissedEvent    ObligationEventKind = "missed"
	ObligationFulfilledEvent ObligationEventKind = "fulfilled"
	ObligationCancelledEvent ObligationEventKind = "cancelled"
)

// ObligationEvent reports a step in the life of an obligation to handlers
// registered with WithObligationHandler. Its instants, and those of its
// obligation, are in the location of the rule's calendar.
type ObligationEvent struct {
	Kind       ObligationEventKind `json:"kind"`
	At         time.Time           `json:"at"`
	Obligation Obligation          `json:"obligation"`
}
