package feedback

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
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
	var errs []error
	if in.ID == "" {
		errs = append(errs, fieldErr("id", "empty"))
	}
	if in.Source.Kind == "" {
		errs = append(errs, fieldErr("source.kind", "empty"))
	}
	if in.Source.ID == "" {
		errs = append(errs, fieldErr("source.id", "empty"))
	}
	if in.Category == "" {
		errs = append(errs, fieldErr("category", "empty"))
	}
	if in.Owner == "" {
		errs = append(errs, fieldErr("owner", "empty"))
	}
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
// [Rectifications.Get] or [Rectifications.List].
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
// at now: it is still open or in progress and its deadline has been reached.
func (r Rectification) OverdueAt(now time.Time) bool {
	return (r.State == RectOpen || r.State == RectInProgress) && !r.Due.IsZero() && !now.Before(r.Due)
}

func (r *Rectification) clone() Rectification {
	c := *r
	c.Actions = slices.Clone(r.Actions)
	c.Verifications = slices.Clone(r.Verifications)
	if r.Notice != nil {
		n := *r.Notice
		c.Notice = &n
	}
	c.History = slices.Clone(r.History)
	return c
}

// RectificationEvent is an SLA event of a rectification item: a warning as
// its deadline approaches, the breach when the deadline passes with the
// work not done (the item is overdue), reminders after it, or met when the
// item was verified within its deadline. ID is stable (item, metric, kind,
// cycle, step), so a host can deduplicate at-least-once delivery; At is the
// event's own instant, never the later time it was delivered.
type RectificationEvent struct {
	ID       sla.EventID `json:"id"`
	Item     string      `json:"item"`
	Kind     sla.Kind    `json:"kind"`
	At       time.Time   `json:"at"`
	Category string      `json:"category"`
	Owner    string      `json:"owner,omitempty"`
	// State is the item's state when the event was delivered.
	State fsm.State `json:"state,omitempty"`
}

// Overdue reports whether the event says the item is overdue (a breach or a
// reminder after it).
func (e RectificationEvent) Overdue() bool { return e.Kind == sla.Breach || e.Kind == sla.Reminder }

// RectificationConfig chooses the SLA deadline of rectification items. It
// holds compiled sla specs, so it is built in code, not read from JSON; a
// snapshot records each clock's spec as a plain sla.SpecDef and
// RestoreRectifications matches it against the configuration.
type RectificationConfig struct {
	// Deadline is the target of items whose category has no entry in
	// ByCategory. Nil means DefaultRectificationDeadline().
	Deadline *sla.Spec
	// ByCategory gives categories their own deadline (for example a
	// shorter one for product safety).
	ByCategory map[string]*sla.Spec
}

// Validate reports every problem of the configuration at once.
func (c RectificationConfig) Validate() error {
	var errs []error
	if c.Deadline != nil && c.Deadline.Target() <= 0 {
		errs = append(errs, fieldErr("deadline", "spec has no target"))
	}
	cats := make([]string, 0, len(c.ByCategory))
	for k := range c.ByCategory {
		cats = append(cats, k)
	}
	sort.Strings(cats)
	for _, k := range cats {
		s := c.ByCategory[k]
		switch {
		case k == "":
			errs = append(errs, fieldErr("by_category[\"\"]", "empty category"))
		case s == nil:
			errs = append(errs, fieldErr(pathf("by_category[%q]", k), "nil spec"))
		case s.Target() <= 0:
			errs = append(errs, fieldErr(pathf("by_category[%q]", k), "spec has no target"))
		}
	}
	return errors.Join(errs...)
}

func (c RectificationConfig) spec(category string) *sla.Spec {
	if s, ok := c.ByCategory[category]; ok {
		return s
	}
	return c.Deadline
}

// rectItem is one item with its lifecycle machine and SLA clock key.
type rectItem struct {
	r    Rectification // own fields only; derived fields are filled on read
	m    *fsm.Machine
	key  sla.ClockKey
	last time.Time // the latest instant recorded on the item
}

// Rectifications holds rectification items: each runs its lifecycle on an
// fsm.Machine of [RectificationDefinition] and its deadline on an SLA clock
// in one sla.Tracker owned by this value. The clock runs while the item is
// open or in progress, pauses when the item is done (waiting for
// verification), resumes if the verification fails and stops when it
// passes, so the deadline measures the corrective work, not the wait for
// the check. A closed item keeps its stopped clock, so that events not yet
// delivered (such as met) and the attainment figures survive.
//
// SLA events (warnings, the breach that makes an item overdue, reminders,
// met) reach the handlers registered with OnEvent when AdvanceTo, Advance
// or Run delivers them; handlers run outside every lock and may call any
// method except AdvanceTo, Advance and Run.
//
// Every operation takes its time from the injected clock.Clock or, in its
// ...At form, explicitly. A Rectifications is safe for concurrent use; Get
// and List return copies.
type Rectifications struct {
	mu       sync.Mutex
	clk      clock.Clock
	cfg      RectificationConfig
	tr       *sla.Tracker
	items    map[string]*rectItem
	handlers []func(RectificationEvent)
}

// NewRectifications returns an empty set of items. A nil clock means
// clock.New().
func NewRectifications(clk clock.Clock, cfg RectificationConfig) (*Rectifications, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if clk == nil {
		clk = clock.New()
	}
	if cfg.Deadline == nil {
		cfg.Deadline = DefaultRectificationDeadline()
	}
	cfg.ByCategory = maps.Clone(cfg.ByCategory)
	rs := &Rectifications{clk: clk, cfg: cfg, items: make(map[string]*rectItem)}
	rs.tr = sla.NewTracker(sla.WithClock(clk), sla.WithHandler(rs.deliver))
	return rs, nil
}

// OnEvent registers a handler for SLA events of items; handlers are called
// in registration order, outside every lock.
func (rs *Rectifications) OnEvent(h func(RectificationEvent)) {
	if h == nil {
		return
	}
	rs.mu.Lock()
	rs.handlers = append(rs.handlers, h)
	rs.mu.Unlock()
}

// deliver is the tracker's handler: it adds the item's details and calls
// the user's handlers with no lock held.
func (rs *Rectifications) deliver(ev sla.Event) {
	rs.mu.Lock()
	out := RectificationEvent{ID: ev.ID, Item: ev.ID.Clock, Kind: ev.ID.Kind, At: ev.At, Category: ev.Priority}
	if it, ok := rs.items[ev.ID.Clock]; ok {
		out.Category = it.r.Category
		out.Owner = it.m.Owner()
		out.State = it.m.State()
	}
	hs := rs.handlers
	rs.mu.Unlock()
	for _, h := range hs {
		h(out)
	}
}

// AdvanceTo delivers, in deadline order, every SLA event due at or before
// now and returns how many it delivered (see sla.Tracker.AdvanceTo).
func (rs *Rectifications) AdvanceTo(now time.Time) int { return rs.tr.AdvanceTo(now) }

// Advance is AdvanceTo at the clock's current time.
func (rs *Rectifications) Advance() int { return rs.tr.Advance() }

// Run delivers SLA events as they fall due on the clock until ctx ends (see
// sla.Tracker.Run); it returns ctx.Err().
func (rs *Rectifications) Run(ctx context.Context) error { return rs.tr.Run(ctx) }

// NextDeadline returns the instant of the earliest undelivered SLA event.
func (rs *Rectifications) NextDeadline() (time.Time, bool) { return rs.tr.NextDeadline() }

// AttainmentAt returns the deadline attainment of items per category (the
// tracker's priority label is the item's category): met means verified
// within the deadline. Closed items stay counted.
func (rs *Rectifications) AttainmentAt(at time.Time) []sla.Attainment {
	return rs.tr.AttainmentAt(at, "")
}

// Open adds a new item in state open, now; see OpenAt.
func (rs *Rectifications) Open(in RectificationInput) (Rectification, error) {
	return rs.OpenAt(in, rs.clk.Now())
}

// OpenAt adds a new item in state open at time at: it validates in, assigns
// the owner (who becomes the first responder) and starts the item's SLA
// clock on the deadline spec of its category. It returns ErrDuplicate for an
// id already in use.
func (rs *Rectifications) OpenAt(in RectificationInput, at time.Time) (Rectification, error) {
	err := in.Validate()
	if at.IsZero() {
		err = errors.Join(err, fieldErr("opened_at", "zero time"))
	}
	if err != nil {
		return Rectification{}, err
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if _, dup := rs.items[in.ID]; dup {
		return Rectification{}, fmt.Errorf("%w: rectification %q", ErrDuplicate, in.ID)
	}
	m, err := fsm.NewMachine(rectDefinition, fsm.WithID(in.ID), fsm.WithClock(rs.clk))
	if err != nil {
		return Rectification{}, err
	}
	if _, err := m.AssignAt(at, in.Owner, fsm.By{Actor: in.By, Reason: "opened"}); err != nil {
		return Rectification{}, err
	}
	spec := rs.cfg.spec(in.Category)
	if err := rs.tr.StartAt(at, sla.ClockKey{ID: in.ID}, spec, in.Category); err != nil {
		return Rectification{}, err
	}
	it := &rectItem{
		r: Rectification{
			ID: in.ID, Source: in.Source, Category: in.Category, Problem: in.Problem,
			Actions: make([]CorrectiveAction, len(in.Actions)), OpenedAt: at,
		},
		m: m, key: sla.ClockKey{ID: in.ID, Metric: spec.Metric()}, last: at,
	}
	for i, a := range in.Actions {
		a.DoneAt, a.DoneBy, a.AddedAt = time.Time{}, "", at
		it.r.Actions[i] = rectNewAction(a, in.Owner, at)
	}
	rs.items[in.ID] = it
	return rs.view(it), nil
}

func rectNewAction(a CorrectiveAction, owner string, at time.Time) CorrectiveAction {
	if a.Owner == "" {
		a.Owner = owner
	}
	if a.AddedAt.IsZero() {
		a.AddedAt = at
	}
	return a
}

// view returns a copy of the item with its derived fields. Called with
// rs.mu held.
func (rs *Rectifications) view(it *rectItem) Rectification {
	r := it.r.clone()
	r.State = it.m.State()
	r.Owner = it.m.Owner()
	r.FirstResponder = it.m.FirstResponder()
	r.History = it.m.History()
	if c, ok := rs.tr.Clock(it.key); ok {
		if due, ok := c.Due(); ok {
			r.Due = due
		}
	}
	return r
}

// Get returns a copy of item id.
func (rs *Rectifications) Get(id string) (Rectification, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	it, ok := rs.items[id]
	if !ok {
		return Rectification{}, fmt.Errorf("%w: rectification %q", ErrNotFound, id)
	}
	return rs.view(it), nil
}

// List returns copies of every item, by opening time then id.
func (rs *Rectifications) List() []Rectification {
	rs.mu.Lock()
	out := make([]Rectification, 0, len(rs.items))
	for _, it := range rs.items {
		out = append(out, rs.view(it))
	}
	rs.mu.Unlock()
	sortByTimeThenID(out, rectOpened)
	return out
}

// rectOpened is the order of items in List and Snapshot.
func rectOpened(r *Rectification) (time.Time, string) { return r.OpenedAt, r.ID }

// Overdue returns the items overdue now; see OverdueAt.
func (rs *Rectifications) Overdue() []Rectification { return rs.OverdueAt(rs.clk.Now()) }

// OverdueAt returns the items whose corrective work is past its deadline at
// now (open or in progress, deadline reached), by deadline then id.
func (rs *Rectifications) OverdueAt(now time.Time) []Rectification {
	return overdueByDue(rs.List(), now, Rectification.OverdueAt, func(r *Rectification) (time.Time, string) { return r.Due, r.ID })
}

// op runs f on item id under the lock after checking the time. f does the
// item's own checks, fires the lifecycle event and updates the SLA clock;
// it returns the operation's error.
func (rs *Rectifications) op(id, name string, at time.Time, f func(it *rectItem) error) (Rectification, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	it, ok := rs.items[id]
	if !ok {
		return Rectification{}, fmt.Errorf("%w: rectification %q", ErrNotFound, id)
	}
	if err := checkNotBefore(at, it.last); err != nil {
		return Rectification{}, &RectificationError{ItemID: id, Op: name, State: it.m.State(), Err: err}
	}
	if err := f(it); err != nil {
		return Rectification{}, err
	}
	it.last = at
	return rs.view(it), nil
}

// fire fires ev on the item's machine at at, wrapping a refusal in a
// *RectificationError.
func (it *rectItem) fire(op string, at time.Time, ev fsm.Event, by fsm.By) error {
	from := it.m.State()
	if _, err := it.m.FireAt(context.Background(), at, ev, by); err != nil {
		return &RectificationError{ItemID: it.r.ID, Op: op, State: from, Err: err}
	}
	return nil
}

// clockErr reports an SLA clock failure after the lifecycle moved; the
// state mapping makes it impossible short of a bug.
func (it *rectItem) clockErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("feedback: rectification %q: %s: SLA clock out of step: %w", it.r.ID, op, err)
}

// Start moves item id from open to in progress, now.
func (rs *Rectifications) Start(id string, by fsm.By) (Rectification, error) {
	return rs.StartAt(id, by, rs.clk.Now())
}

// StartAt is Start at an explicit time.
func (rs *Rectifications) StartAt(id string, by fsm.By, at time.Time) (Rectification, error) {
	return rs.op(id, "Start", at, func(it *rectItem) error { return it.fire("Start", at, RectStart, by) })
}

// AddAction adds a corrective action to item id, now; see AddActionAt.
func (rs *Rectifications) AddAction(id string, a CorrectiveAction) (Rectification, error) {
	return rs.AddActionAt(id, a, rs.clk.Now())
}

// AddActionAt adds a corrective action to item id at time at. Actions may be
// added while the item is open or in progress (after a failed verification,
// for example). An empty Owner means the item's owner.
func (rs *Rectifications) AddActionAt(id string, a CorrectiveAction, at time.Time) (Rectification, error) {
	return rs.op(id, "AddAction", at, func(it *rectItem) error {
		if err := it.editable("AddAction"); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, x := range it.r.Actions {
			seen[x.ID] = true
		}
		if errs := rectValidateAction("action", a, map[string]bool{}); len(errs) > 0 {
			return errors.Join(errs...)
		}
		if seen[a.ID] {
			return fmt.Errorf("%w: rectification %q action %q", ErrDuplicate, it.r.ID, a.ID)
		}
		a.DoneAt, a.DoneBy, a.AddedAt = time.Time{}, "", at
		it.r.Actions = append(it.r.Actions, rectNewAction(a, it.m.Owner(), at))
		return nil
	})
}

func (it *rectItem) editable(op string) error {
	if s := it.m.State(); s != RectOpen && s != RectInProgress {
		return &RectificationError{ItemID: it.r.ID, Op: op, State: s,
			Err: errors.New("actions change only while the item is open or in progress")}
	}
	return nil
}

// CompleteAction marks an action of item id done, now; see
// CompleteActionAt.
func (rs *Rectifications) CompleteAction(id, actionID string, by fsm.By) (Rectification, error) {
	return rs.CompleteActionAt(id, actionID, by, rs.clk.Now())
}

// CompleteActionAt marks action actionID of item id done at time at, by
// by.Actor with by.Reason as its note. The item must be open or in progress.
// Completing an action that is already done keeps the first completion.
func (rs *Rectifications) CompleteActionAt(id, actionID string, by fsm.By, at time.Time) (Rectification, error) {
	return rs.op(id, "CompleteAction", at, func(it *rectItem) error {
		if err := it.editable("CompleteAction"); err != nil {
			return err
		}
		for i := range it.r.Actions {
			a := &it.r.Actions[i]
			if a.ID != actionID {
				continue
			}
			if !a.Done() {
				a.DoneAt, a.DoneBy, a.Note = at, by.Actor, by.Reason
			}
			return nil
		}
		return fmt.Errorf("%w: rectification %q action %q", ErrNotFound, it.r.ID, actionID)
	})
}

// Complete moves item id from in progress to done, now; see CompleteAt.
func (rs *Rectifications) Complete(id string, by fsm.By) (Rectification, error) {
	return rs.CompleteAt(id, by, rs.clk.Now())
}

// CompleteAt moves item id from in progress to done at time at and pauses
// its SLA clock while the item waits for verification. It is refused with
// ErrActionsIncomplete (in a *RectificationError) when the item has no
// corrective action, when an action is not done, or, after a failed
// verification, when no new action was added since: the work that failed
// its check is not submitted again unchanged.
func (rs *Rectifications) CompleteAt(id string, by fsm.By, at time.Time) (Rectification, error) {
	return rs.op(id, "Complete", at, func(it *rectItem) error {
		if it.m.State() == RectInProgress {
			if err := it.actionsComplete(); err != nil {
				return &RectificationError{ItemID: it.r.ID, Op: "Complete", State: RectInProgress, Err: err}
			}
		}
		if err := it.fire("Complete", at, RectComplete, by); err != nil {
			return err
		}
		return it.clockErr("Complete", rs.tr.PauseAt(at, it.key))
	})
}

func (it *rectItem) actionsComplete() error {
	if len(it.r.Actions) == 0 {
		return fmt.Errorf("%w: no corrective action", ErrActionsIncomplete)
	}
	var open []string
	for _, a := range it.r.Actions {
		if !a.Done() {
			open = append(open, a.ID)
		}
	}
	if len(open) > 0 {
		return fmt.Errorf("%w: actions not done: %v", ErrActionsIncomplete, open)
	}
	if n := len(it.r.Verifications); n > 0 {
		if v := it.r.Verifications[n-1]; !v.Passed && len(it.r.Actions) <= v.Actions {
			return fmt.Errorf("%w: no new action since the failed verification of %v", ErrActionsIncomplete, v.At)
		}
	}
	return nil
}

// Verify records a verification of item id now; see VerifyAt.
func (rs *Rectifications) Verify(id string, v Verification) (Rectification, error) {
	return rs.VerifyAt(id, v, rs.clk.Now())
}

// VerifyAt records the verification v of item id (which must be done) at
// time at (v.At is set to at, v.Actions to the item's number of
// corrective actions). A passed verification moves the item to
// verified and stops its SLA clock (met if the work was done within the
// deadline); a failed one sends it back to in progress and resumes the
// clock, so the deadline keeps counting from where it paused.
func (rs *Rectifications) VerifyAt(id string, v Verification, at time.Time) (Rectification, error) {
	return rs.op(id, "Verify", at, func(it *rectItem) error {
		v.At, v.Actions = at, len(it.r.Actions)
		by := fsm.By{Actor: v.By, Reason: v.Note}
		if v.Passed {
			if err := it.fire("Verify", at, RectVerifyPass, by); err != nil {
				return err
			}
			it.r.Verifications = append(it.r.Verifications, v)
			_, err := rs.tr.StopAt(at, it.key)
			return it.clockErr("Verify", err)
		}
		if err := it.fire("Verify", at, RectVerifyFail, by); err != nil {
			return err
		}
		it.r.Verifications = append(it.r.Verifications, v)
		return it.clockErr("Verify", rs.tr.ResumeAt(at, it.key))
	})
}

// InformCustomer records that the customer of item id was told the
// outcome, now; see InformCustomerAt.
func (rs *Rectifications) InformCustomer(id string, n Notice) (Rectification, error) {
	return rs.InformCustomerAt(id, n, rs.clk.Now())
}

// InformCustomerAt records the notice n (n.At is set to at) and moves item
// id from verified to customer informed at time at. An item that was not
// verified cannot be marked informed.
func (rs *Rectifications) InformCustomerAt(id string, n Notice, at time.Time) (Rectification, error) {
	return rs.op(id, "InformCustomer", at, func(it *rectItem) error {
		if err := it.fire("InformCustomer", at, RectInformCustomer, fsm.By{Actor: n.By, Reason: n.Note}); err != nil {
			return err
		}
		n.At = at
		it.r.Notice = &n
		return nil
	})
}

// Close closes item id now; see CloseAt.
func (rs *Rectifications) Close(id string, by fsm.By) (Rectification, error) {
	return rs.CloseAt(id, by, rs.clk.Now())
}

// CloseAt closes item id at time at. Only an item whose customer was
// informed (after verification) can close; any other state returns a
// *RectificationError matching fsm.ErrNotAllowed.
func (rs *Rectifications) CloseAt(id string, by fsm.By, at time.Time) (Rectification, error) {
	return rs.op(id, "Close", at, func(it *rectItem) error {
		if err := it.fire("Close", at, RectClose, by); err != nil {
			return err
		}
		it.r.ClosedAt = at
		return nil
	})
}

// Transfer hands item id to a new owner now; see TransferAt.
func (rs *Rectifications) Transfer(id, to string, by fsm.By) (Rectification, error) {
	return rs.TransferAt(id, to, by, rs.clk.Now())
}

// TransferAt hands item id to owner to at time at, recording from whom, to
// whom, by whom and why (fsm.Machine.TransferAt); the first responder stays
// accountable. A transfer to nobody or to the current owner returns an
// error matching fsm.ErrInvalidTransfer; a closed item, fsm.ErrTerminal.
func (rs *Rectifications) TransferAt(id, to string, by fsm.By, at time.Time) (Rectification, error) {
	return rs.op(id, "Transfer", at, func(it *rectItem) error {
		if _, err := it.m.TransferAt(at, to, by); err != nil {
			return fmt.Errorf("feedback: rectification %q: %w", it.r.ID, err)
		}
		return nil
	})
}
