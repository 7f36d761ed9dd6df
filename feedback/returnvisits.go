package feedback

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// ReturnVisitsNamespace is the default namespace of ReturnVisits on its
// timeline (WithNamespace changes it).
const ReturnVisitsNamespace = "feedback.visits"

// ReturnVisits schedules and records return visits for resolved
// complaints. Each visit runs the lifecycle of [ReturnVisitSpec] on an
// fsm.Machine and its deadline (48 hours by default) on an SLA clock in
// the record of the visit's id, under the engine's namespace, on the
// host's timeline (WithTracker) or on a private one. The clock's priority
// label is the visit's mode, so AttainmentAt reports human and automated
// follow-ups apart. A high-risk complaint gets a visit in VisitHuman mode
// with an assignee, and an automated outcome for it is refused
// (ErrHumanFollowUpRequired).
//
// SLA events reach OnEvent handlers when the timeline delivers them.
// Every operation takes its time from the clock (WithClock) or, in its
// ...At form, explicitly and first; an instant before the visit's last
// change is refused with a *VisitError matching ErrTimeBackwards.
// ReturnVisits is safe for concurrent use; Get and List return copies.
type ReturnVisits struct {
	loop[ReturnVisit, ReturnVisitEvent]
	cfg      ReturnVisitConfig
	spec     *sla.Spec
	loc      *time.Location
	highRisk map[string]bool
}

// NewReturnVisits returns an empty set of visits configured by cfg. It
// reads the options WithClock, WithTracker, WithNamespace and
// WithCalendars (for the calendar cfg names).
func NewReturnVisits(cfg ReturnVisitConfig, opts ...Option) (*ReturnVisits, error) {
	rv, o, err := newReturnVisits(cfg, opts)
	if err != nil {
		return nil, err
	}
	rv.eng, err = cases.New(rv.caseSpec(), o.engine())
	if err != nil {
		return nil, err
	}
	return rv, nil
}

func newReturnVisits(cfg ReturnVisitConfig, opts []Option) (*ReturnVisits, options, error) {
	o := buildOptions(opts)
	cfg, spec, err := cfg.withDefaults(o)
	if err != nil {
		return nil, o, err
	}
	rv := &ReturnVisits{cfg: cfg, spec: spec, loc: calendarLocation(spec.Calendar()), highRisk: map[string]bool{}}
	for _, c := range cfg.HighRiskCategories {
		rv.highRisk[c] = true
	}
	rv.loop = loop[ReturnVisit, ReturnVisitEvent]{
		noun: "return visit", view: rv.view,
		since:   func(v *ReturnVisit) time.Time { return v.ScheduledAt },
		overdue: func(v *ReturnVisit, at time.Time) bool { return v.OverdueAt(at) },
		due:     func(v *ReturnVisit) time.Time { return v.Due },
		id:      func(v *ReturnVisit) string { return v.ID },
	}
	return rv, o, nil
}

// caseSpec describes the engine to the case engine.
func (rv *ReturnVisits) caseSpec() cases.Spec[ReturnVisit, ReturnVisitEvent] {
	return cases.Spec[ReturnVisit, ReturnVisitEvent]{
		Noun: "return visit", Namespace: ReturnVisitsNamespace,
		NotFound: ErrNotFound, Duplicate: ErrDuplicate, Invalid: ErrInvalidConfig,
		OnEvent: rv.event, Resolve: rv.resolve,
	}
}

// OnEvent registers a handler of the visits' SLA events: handlers run in
// registration order, in the goroutine that advances the timeline, with no
// lock held, and may call any method except AdvanceTo, Advance and Run.
func (rv *ReturnVisits) OnEvent(h func(ReturnVisitEvent)) { rv.eng.OnEvent(h) }

// Get returns a copy of visit id, or an error matching ErrNotFound.
func (rv *ReturnVisits) Get(id string) (ReturnVisit, error) { return rv.get(id) }

// List returns copies of every visit, by scheduling time then id.
func (rv *ReturnVisits) List() []ReturnVisit { return rv.list() }

// Overdue is OverdueAt at the clock's current time.
func (rv *ReturnVisits) Overdue() []ReturnVisit { return rv.overdueAt(rv.eng.Clock().Now()) }

// OverdueAt returns the visits overdue at at: it is still to be made and
// the deadline reached (due at t means overdue from t), by deadline then id.
func (rv *ReturnVisits) OverdueAt(at time.Time) []ReturnVisit { return rv.overdueAt(at) }

// Config returns the configuration with its defaults filled in.
func (rv *ReturnVisits) Config() ReturnVisitConfig {
	c := rv.cfg
	c.Reminders = slices.Clone(c.Reminders)
	c.HighRiskCategories = slices.Clone(c.HighRiskCategories)
	return c
}

// event turns an event of a visit's clock into a ReturnVisitEvent (under
// the engine's lock).
func (rv *ReturnVisits) event(it *cases.Item[ReturnVisit], ev sla.Event) []ReturnVisitEvent {
	out := ReturnVisitEvent{CaseEvent: caseEvent(ev, rv.loc, ""), Visit: ev.ID.Clock, Mode: VisitMode(ev.Priority)}
	if it != nil {
		out.State, out.Complaint, out.HighRisk, out.Assignee = it.M.State(), it.Rec.ComplaintID, it.Rec.HighRisk, it.M.Owner()
	}
	return []ReturnVisitEvent{out}
}

// key is the key of the visit's clock.
func (rv *ReturnVisits) key(it *cases.Item[ReturnVisit]) sla.ClockKey {
	return it.Key(rv.eng.Namespace(), ReturnVisitMetric)
}

// view returns a copy of the visit with its derived fields, its instants
// in the calendar's location. Called under the engine's lock.
func (rv *ReturnVisits) view(it *cases.Item[ReturnVisit]) ReturnVisit {
	v := it.Rec
	v.Due = dueOf(rv.eng.Tracker(), rv.key(it))
	v = v.clone(rv.loc)
	v.State, v.Assignee, v.History = it.M.State(), it.M.Owner(), historyIn(it.M, rv.loc)
	return v
}

// clone returns a deep copy with its instants in loc (nil: as recorded).
func (v *ReturnVisit) clone(loc *time.Location) ReturnVisit {
	c := *v
	c.History = slices.Clone(v.History)
	inAll(loc, &c.ScheduledAt, &c.CancelledAt, &c.Due)
	c.Outcome = copyIn(v.Outcome, loc, func(o *VisitOutcome) *time.Time { return &o.At })
	return c
}

// Schedule schedules the return visit of a complaint resolved now; see
// ScheduleAt.
func (rv *ReturnVisits) Schedule(c ResolvedComplaint) (ReturnVisit, error) {
	return rv.ScheduleAt(rv.eng.Clock().Now(), c)
}

// ScheduleAt schedules the return visit of a complaint resolved at at: the
// visit is due within the configured time (48 hours by default) in
// business time. A complaint flagged high risk, or in one of the
// configured high-risk categories, gets a human follow-up and must name its
// Assignee; others get an automated one. It returns ErrDuplicate for a visit
// id already in use.
func (rv *ReturnVisits) ScheduleAt(at time.Time, c ResolvedComplaint) (ReturnVisit, error) {
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
	mode, reason := VisitAutomated, c.RiskReason
	if highRisk {
		mode = VisitHuman
		if reason == "" && !c.HighRisk {
			reason = "high-risk category " + c.Category
		}
	}
	var out ReturnVisit
	_, err = rv.eng.Add(at, c.ID, func() (*cases.Item[ReturnVisit], []ReturnVisitEvent, error) {
		m, err := fsm.NewMachine(rvDefinition, fsm.WithID(c.ID), fsm.WithClock(rv.eng.Clock()))
		if err != nil {
			return nil, nil, err
		}
		if c.Assignee != "" {
			if _, err := m.AssignAt(at, c.Assignee, fsm.By{Reason: "scheduled"}); err != nil {
				return nil, nil, err
			}
		}
		it := &cases.Item[ReturnVisit]{ID: c.ID, M: m, Rec: ReturnVisit{
			ID: c.ID, ComplaintID: c.ComplaintID, Customer: c.Customer, Category: c.Category,
			Rectification: c.Rectification, HighRisk: highRisk, RiskReason: reason, Mode: mode, ScheduledAt: at,
		}}
		if err := rv.eng.Tracker().StartAt(at, rv.key(it), rv.spec, string(mode)); err != nil {
			return nil, nil, err
		}
		out = rv.view(it)
		return it, nil, nil
	})
	return out, err
}

// visitErr shapes a refusal of operation op as a *VisitError.
func visitErr(op string) func(it *cases.Item[ReturnVisit], err error) error {
	return func(it *cases.Item[ReturnVisit], err error) error {
		return &VisitError{VisitID: it.ID, Op: op, State: it.M.State(), Err: err}
	}
}

// Record records the outcome of visit id made now; see RecordAt.
func (rv *ReturnVisits) Record(id string, o VisitOutcome) (ReturnVisit, error) {
	return rv.RecordAt(rv.eng.Clock().Now(), id, o)
}

// RecordAt records the outcome o of visit id, made at at (o.At is set to
// at, o.Late when the deadline was reached by then), completes the visit
// and stops its SLA clock. An invalid outcome (satisfaction outside 1–5,
// unknown mode, a human follow-up naming nobody) returns *FieldError
// values; an automated outcome for a high-risk visit returns a *VisitError
// matching ErrHumanFollowUpRequired; a visit not scheduled any more, one
// matching fsm.ErrNotAllowed. Nothing changes on error.
func (rv *ReturnVisits) RecordAt(at time.Time, id string, o VisitOutcome) (ReturnVisit, error) {
	if err := o.Validate(); err != nil {
		return ReturnVisit{}, err
	}
	return rv.do(at, id, visitErr("Record"), func(it *cases.Item[ReturnVisit]) error {
		if it.M.State() == VisitScheduled && it.Rec.HighRisk && o.Mode != VisitHuman {
			return visitErr("Record")(it, ErrHumanFollowUpRequired)
		}
		if err := fire(it, at, VisitComplete, fsm.By{Actor: o.By, Reason: o.Note}, visitErr("Record")); err != nil {
			return err
		}
		o.At = at
		if c, ok := rv.eng.Tracker().Clock(rv.key(it)); ok {
			o.Late = c.Breached(at)
		}
		it.Rec.Outcome = &o
		_, err := rv.eng.Tracker().StopAt(at, rv.key(it))
		return clockErr("return visit", it.ID, "Record", err)
	})
}

// Cancel cancels visit id now; see CancelAt.
func (rv *ReturnVisits) Cancel(id string, by fsm.By) (ReturnVisit, error) {
	return rv.CancelAt(rv.eng.Clock().Now(), id, by)
}

// CancelAt cancels visit id at at (for example because the customer
// declined to be contacted), recording by.Reason. Its SLA clock is dropped
// with any event not yet delivered, and it is not counted in the
// attainment figures.
func (rv *ReturnVisits) CancelAt(at time.Time, id string, by fsm.By) (ReturnVisit, error) {
	return rv.do(at, id, visitErr("Cancel"), func(it *cases.Item[ReturnVisit]) error {
		if err := fire(it, at, VisitCancel, by, visitErr("Cancel")); err != nil {
			return err
		}
		it.Rec.CancelledAt, it.Rec.CancelNote = at, by.Reason
		rv.eng.Tracker().Remove(rv.key(it))
		return nil
	})
}

// Assign hands visit id to a person now; see AssignAt.
func (rv *ReturnVisits) Assign(id, to string, by fsm.By) (ReturnVisit, error) {
	return rv.AssignAt(rv.eng.Clock().Now(), id, to, by)
}

// AssignAt gives visit id to person to at at: the first assignment of an
// unassigned visit, or a transfer recording from whom, to whom, by whom
// and why. Errors match fsm.ErrInvalidTransfer (to nobody or to the current
// assignee) or fsm.ErrTerminal (a visit completed or cancelled).
func (rv *ReturnVisits) AssignAt(at time.Time, id, to string, by fsm.By) (ReturnVisit, error) {
	return rv.do(at, id, visitErr("Assign"), func(it *cases.Item[ReturnVisit]) error {
		return transfer(it, at, to, by, "return visit")
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
		if _, err := rv.ScheduleAt(r.At, c); err != nil && onErr != nil {
			onErr(err)
		}
	}
}
