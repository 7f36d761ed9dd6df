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

// ErrUnknownObligation: no obligation has the given id.
var ErrUnknownObligation = errors.New("emergency: unknown obligation")

// ErrObligationClosed: the obligation was already fulfilled or cancelled.
var ErrObligationClosed = errors.New("emergency: obligation already closed")

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
	Within time.Duration `json:"within"`
	// Calendar names a calendar of the registry given with
	// WithObligationCalendars; empty means sla.CalendarAlways (24x7).
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
		{Name: ObligationRectificationPlan, Level: Yellow, Action: "submit a rectification plan", Within: DefaultRectificationWithin},
		{Name: ObligationSpecialTaskForce, Level: Red, Action: "form a special task force", Within: DefaultTaskForceWithin},
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

// ObligationState is the state of an obligation.
type ObligationState string

// Obligation states. A missed obligation is still open: fulfilling it late
// closes it and lifts the escalation its miss caused.
const (
	ObligationOpen      ObligationState = "open"
	ObligationMissed    ObligationState = "missed"
	ObligationFulfilled ObligationState = "fulfilled"
	ObligationCancelled ObligationState = "cancelled"
)

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
	// deadline (an SLA clock is breached at its due instant). If that
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
// registered with WithObligationHandler.
type ObligationEvent struct {
	Kind       ObligationEventKind `json:"kind"`
	At         time.Time           `json:"at"`
	Obligation Obligation          `json:"obligation"`
}

// ObligationOption configures an Obligations engine.
type ObligationOption func(*Obligations)

// WithObligationClock sets the time source (default clock.New()). A nil
// clock is ignored.
func WithObligationClock(c clock.Clock) ObligationOption {
	return func(o *Obligations) {
		if c != nil {
			o.clk = c
		}
	}
}

// WithObligationCalendars sets the calendars obligation rules name. The
// 24x7 calendar (sla.CalendarAlways) is always available.
func WithObligationCalendars(reg sla.Registry) ObligationOption {
	return func(o *Obligations) {
		for k, v := range reg {
			o.reg[k] = v
		}
	}
}

// WithObligationHandler registers a function called with every obligation
// event, in order, outside the engine's lock.
func WithObligationHandler(h func(ObligationEvent)) ObligationOption {
	return func(o *Obligations) { o.handlers = append(o.handlers, h) }
}

// Obligations opens, tracks and closes the obligations that warning levels
// own. An obligation stays open when the level falls again before it is
// fulfilled (the warning happened; the plan is still owed); cancel it with
// CancelAt when it no longer applies. It listens to a Board's changes
// (register HandleChange as the board's observer), keeps each obligation's
// deadline on an SLA clock of its own sla.Tracker, and when a deadline
// passes marks the obligation missed and escalates the subject one level
// with Board.EscalateAt (a floor with the source
// Obligation.EscalationSource). Fulfilling is an explicit call with an
// actor; fulfilling a missed obligation lifts its escalation.
//
// Deadlines fire when the engine's tracker is advanced: AdvanceTo fires
// everything due synchronously, Run is the production loop, and
// slatest.Advance(mock, o.Tracker(), d) moves a mock clock and the engine
// together in tests.
//
// An Obligations engine is safe for concurrent use. Handlers and board calls
// run outside its lock.
type Obligations struct {
	board    *Board
	clk      clock.Clock
	reg      sla.Registry
	rules    []ObligationRule
	specs    map[string]*sla.Spec
	tr       *sla.Tracker
	handlers []func(ObligationEvent)

	mu    sync.Mutex
	seq   uint64
	items map[string]*Obligation
	order []string
	open  map[string]string // subject and rule -> id of the open obligation
}

// NewObligations returns an engine for board with the given rules. The host
// connects the board to it by registering HandleChange as an observer:
//
//	var obl *emergency.Obligations
//	board, _ := emergency.NewBoard(cfg, emergency.WithObserver(func(c emergency.Change) { obl.HandleChange(c) }))
//	obl, _ = emergency.NewObligations(board, emergency.DefaultObligationConfig())
func NewObligations(board *Board, cfg ObligationConfig, opts ...ObligationOption) (*Obligations, error) {
	if board == nil {
		return nil, inputErr("nil board")
	}
	o := &Obligations{
		board: board,
		clk:   clock.New(),
		reg:   sla.Registry{sla.CalendarAlways: sla.AlwaysOpen()},
		items: map[string]*Obligation{},
		open:  map[string]string{},
		specs: map[string]*sla.Spec{},
	}
	for _, opt := range opts {
		opt(o)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var errs []error
	for i, r := range cfg.Rules {
		spec, err := o.newSpec(r)
		if err != nil {
			errs = append(errs, fieldErr(fmt.Sprintf("rules[%d].calendar", i), "%v", err))
			continue
		}
		o.specs[r.Name] = spec
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	o.rules = slices.Clone(cfg.Rules)
	o.tr = sla.NewTracker(sla.WithClock(o.clk), sla.WithHandler(o.onDeadline))
	return o, nil
}

func (o *Obligations) newSpec(r ObligationRule) (*sla.Spec, error) {
	name := cmp.Or(r.Calendar, sla.CalendarAlways)
	bt, err := o.reg.Lookup(name)
	if err != nil {
		return nil, err
	}
	return sla.NewSpec(sla.SpecDef{
		Policy:   "emergency-obligation",
		Rule:     r.Name,
		Metric:   sla.Resolution,
		Within:   sla.Duration(r.Within),
		Calendar: name,
	}, bt)
}

// Tracker returns the engine's SLA tracker (for slatest helpers and
// attainment figures; obligation clocks are labelled with their rule name).
// Do not start or stop its clocks directly.
func (o *Obligations) Tracker() *sla.Tracker { return o.tr }

// AdvanceTo fires, in deadline order, every obligation deadline due at or
// before t, and returns how many tracker events it delivered.
func (o *Obligations) AdvanceTo(t time.Time) int { return o.tr.AdvanceTo(t) }

// Run fires deadlines as they fall due on the engine's clock until ctx ends.
func (o *Obligations) Run(ctx context.Context) error { return o.tr.Run(ctx) }

// NextDeadline returns the earliest pending obligation deadline.
func (o *Obligations) NextDeadline() (time.Time, bool) { return o.tr.NextDeadline() }

// HandleChange opens the obligations a change of level calls for: every
// rule whose level lies in (From, To] opens an obligation for the subject at
// c.At, unless one of the same rule is still open for it. Register it as an
// observer of the board (WithObserver). A nil engine ignores the change.
func (o *Obligations) HandleChange(c Change) {
	if o == nil || !c.Raised() {
		return
	}
	var events []ObligationEvent
	o.mu.Lock()
	for _, r := range o.rules {
		if r.Level <= c.From || r.Level > c.To || o.hasOpenLocked(c.Subject, r.Name) {
			continue
		}
		ob, err := o.openLocked(c.At, c.Subject, r)
		if err != nil {
			continue // unreachable: the id is fresh and the spec valid
		}
		events = append(events, ObligationEvent{Kind: ObligationOpened, At: c.At, Obligation: ob})
	}
	o.mu.Unlock()
	o.emit(events)
}

func (o *Obligations) hasOpenLocked(subject, rule string) bool {
	_, ok := o.open[openKey(subject, rule)]
	return ok
}

func openKey(subject, rule string) string { return subject + "\x00" + rule }

func (o *Obligations) openLocked(t time.Time, subject string, r ObligationRule) (Obligation, error) {
	o.seq++
	id := subject + "/" + r.Name + "/" + strconv.FormatUint(o.seq, 10)
	spec := o.specs[r.Name]
	if err := o.tr.StartAt(t, sla.ClockKey{ID: id}, spec, r.Name); err != nil {
		return Obligation{}, err
	}
	ob := &Obligation{
		ID: id, Subject: subject, Rule: r.Name, Action: r.Action, Level: r.Level,
		State: ObligationOpen, OpenedAt: t.UTC(), Due: spec.Calendar().Add(t, r.Within).UTC(),
	}
	o.items[id] = ob
	o.open[openKey(subject, r.Name)] = id
	o.order = append(o.order, id)
	return ob.clone(), nil
}

// onDeadline handles the tracker's breach events: the obligation is missed
// and its subject escalated one level.
func (o *Obligations) onDeadline(e sla.Event) {
	if e.ID.Kind != sla.Breach {
		return
	}
	o.mu.Lock()
	ob := o.items[e.ID.Clock]
	switch {
	case ob == nil || !ob.MissedAt.IsZero():
		o.mu.Unlock()
		return
	case ob.State == ObligationFulfilled && ob.Late:
		// Fulfilled late before the deadline was delivered: record the
		// miss, but there is nothing left to escalate.
		ob.MissedAt = e.At.UTC()
		snap := ob.clone()
		o.mu.Unlock()
		o.emit([]ObligationEvent{{Kind: ObligationMissedEvent, At: e.At.UTC(), Obligation: snap}})
		return
	case ob.State != ObligationOpen:
		o.mu.Unlock()
		return
	}
	ob.State = ObligationMissed
	ob.MissedAt = e.At.UTC()
	snap := ob.clone()
	o.mu.Unlock()

	reason := fmt.Sprintf("obligation %q (%s) missed its deadline %s", snap.ID, snap.Rule, snap.Due.Format(time.RFC3339))
	changes, err := boardAt(o.board, snap.Subject, e.At, func(t time.Time) ([]Change, error) {
		return o.board.EscalateAt(t, snap.Subject, snap.EscalationSource(), reason)
	})
	o.mu.Lock()
	if err == nil && len(changes) > 0 {
		c := changes[0]
		ob.Escalated = &c
	}
	snap = ob.clone()
	o.mu.Unlock()
	o.emit([]ObligationEvent{{Kind: ObligationMissedEvent, At: e.At.UTC(), Obligation: snap}})
}

// boardAt calls f at t, or at the subject's last evaluation if the board has
// already moved past t (a board refuses to go back in time for a subject).
func boardAt(b *Board, subject string, t time.Time, f func(time.Time) ([]Change, error)) ([]Change, error) {
	for range 3 {
		if st, ok := b.Status(subject); ok && st.LastEvaluated.After(t) {
			t = st.LastEvaluated
		}
		changes, err := f(t)
		if err == nil || !errors.Is(err, ErrInvalidInput) {
			return changes, err
		}
	}
	return f(t)
}

// Fulfill fulfils an obligation at the clock's current time; see FulfillAt.
func (o *Obligations) Fulfill(id, actor, note string) (Obligation, error) {
	return o.FulfillAt(o.clk.Now(), id, actor, note)
}

// FulfillAt records that actor fulfilled the obligation at t (the plan was
// submitted, the task force formed). Fulfilling a missed obligation marks it
// late and lifts the escalation its miss set on the board. The actor must
// not be empty; t must not be before the obligation opened.
func (o *Obligations) FulfillAt(t time.Time, id, actor, note string) (Obligation, error) {
	return o.close(t, id, actor, note, ObligationFulfilled)
}

// Cancel cancels an obligation at the clock's current time; see CancelAt.
func (o *Obligations) Cancel(id, actor, reason string) (Obligation, error) {
	return o.CancelAt(o.clk.Now(), id, actor, reason)
}

// CancelAt withdraws an open or missed obligation at t (for example when the
// warning turned out to be false), recording actor and reason. Like
// fulfilment, it lifts any escalation the obligation caused.
func (o *Obligations) CancelAt(t time.Time, id, actor, reason string) (Obligation, error) {
	return o.close(t, id, actor, reason, ObligationCancelled)
}

func (o *Obligations) close(t time.Time, id, actor, note string, to ObligationState) (Obligation, error) {
	if actor == "" {
		return Obligation{}, inputErr("empty actor for obligation %q", id)
	}
	if err := checkTime(t); err != nil {
		return Obligation{}, err
	}
	o.mu.Lock()
	ob := o.items[id]
	switch {
	case ob == nil:
		o.mu.Unlock()
		return Obligation{}, fmt.Errorf("%w: %q", ErrUnknownObligation, id)
	case ob.State == ObligationFulfilled || ob.State == ObligationCancelled:
		o.mu.Unlock()
		return Obligation{}, fmt.Errorf("%w: %q is %s", ErrObligationClosed, id, ob.State)
	case t.Before(ob.OpenedAt):
		o.mu.Unlock()
		return Obligation{}, inputErr("time %v is before obligation %q opened at %v", t, id, ob.OpenedAt)
	}
	met, err := o.tr.StopAt(t, sla.ClockKey{ID: id, Metric: sla.Resolution})
	if err != nil {
		o.mu.Unlock()
		return Obligation{}, fmt.Errorf("%w: obligation %q: %w", ErrInvalidInput, id, err)
	}
	wasMissed := ob.State == ObligationMissed
	ob.Late = (wasMissed || !met) && to == ObligationFulfilled
	ob.State, ob.ClosedAt, ob.ClosedBy, ob.Note = to, t.UTC(), actor, note
	delete(o.open, openKey(ob.Subject, ob.Rule))
	snap := ob.clone()
	o.mu.Unlock()
	if wasMissed {
		_, _ = boardAt(o.board, snap.Subject, t, func(at time.Time) ([]Change, error) {
			return o.board.LiftFloorAt(at, snap.Subject, snap.EscalationSource(), "obligation "+string(to)+" by "+actor)
		})
	}
	kind := ObligationFulfilledEvent
	if to == ObligationCancelled {
		kind = ObligationCancelledEvent
	}
	o.emit([]ObligationEvent{{Kind: kind, At: t.UTC(), Obligation: snap}})
	return snap, nil
}

// Get returns the obligation with the given id.
func (o *Obligations) Get(id string) (Obligation, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ob := o.items[id]; ob != nil {
		return ob.clone(), true
	}
	return Obligation{}, false
}

// List returns the obligations of a subject (every subject for ""), in the
// order they were opened.
func (o *Obligations) List(subject string) []Obligation {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []Obligation
	for _, id := range o.order {
		if ob := o.items[id]; subject == "" || ob.Subject == subject {
			out = append(out, ob.clone())
		}
	}
	return out
}

func (o *Obligations) emit(events []ObligationEvent) {
	for _, e := range events {
		for _, h := range o.handlers {
			h(e)
		}
	}
}

// ObligationSnapshot is the complete state of an Obligations engine as a
// plain, JSON-serialisable value.
type ObligationSnapshot struct {
	Seq         uint64              `json:"seq"`
	Obligations []Obligation        `json:"obligations"`
	Tracker     sla.TrackerSnapshot `json:"tracker"`
}

// Snapshot returns the engine's state: every obligation, in the order they
// were opened, and the SLA clocks of their deadlines.
func (o *Obligations) Snapshot() ObligationSnapshot {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := ObligationSnapshot{Seq: o.seq, Obligations: make([]Obligation, 0, len(o.order))}
	for _, id := range o.order {
		s.Obligations = append(s.Obligations, o.items[id].clone())
	}
	s.Tracker = o.tr.Snapshot()
	return s
}

// Restore replaces the engine's state with s, which must come from an engine
// with the same rules. Deadlines that fell due while the host was down fire
// on the next AdvanceTo. On error (wrapping ErrSnapshot) nothing changes.
func (o *Obligations) Restore(s ObligationSnapshot) error {
	items := make(map[string]*Obligation, len(s.Obligations))
	order := make([]string, 0, len(s.Obligations))
	open := map[string]string{}
	var errs []error
	for i, ob := range s.Obligations {
		switch {
		case ob.ID == "" || items[ob.ID] != nil:
			errs = append(errs, fmt.Errorf("%w: obligations[%d]: empty or duplicate id %q", ErrSnapshot, i, ob.ID))
			continue
		case o.specs[ob.Rule] == nil:
			errs = append(errs, fmt.Errorf("%w: obligations[%d]: unknown rule %q", ErrSnapshot, i, ob.Rule))
			continue
		case !slices.Contains([]ObligationState{ObligationOpen, ObligationMissed, ObligationFulfilled, ObligationCancelled}, ob.State):
			errs = append(errs, fmt.Errorf("%w: obligations[%d]: unknown state %q", ErrSnapshot, i, ob.State))
			continue
		}
		c := ob.clone()
		items[ob.ID] = &c
		if ob.State == ObligationOpen || ob.State == ObligationMissed {
			open[openKey(ob.Subject, ob.Rule)] = ob.ID
		}
		order = append(order, ob.ID)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	tr, err := sla.RestoreTracker(s.Tracker, sla.WithClock(o.clk), sla.WithHandler(o.onDeadline),
		sla.WithSpecResolver(specResolver(o.specs, "the engine's obligation rules")))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSnapshot, err)
	}
	o.tr = tr
	o.seq, o.items, o.order, o.open = s.Seq, items, order, open
	return nil
}
