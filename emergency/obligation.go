package emergency

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// DefaultObligationNamespace is an Obligations engine's namespace on its
// timeline unless WithNamespace names another.
const DefaultObligationNamespace = "emergency.obligations"

// ObligationMetric is the metric of an obligation's deadline clock on the
// timeline: the record of obligation id holds one clock, (namespace, id,
// "deadline"), labelled with the rule's name.
const ObligationMetric sla.Metric = "deadline"

// deadlineActor is the actor recorded on an obligation missed by its
// deadline.
const deadlineActor = "deadline"

// errAlreadyOpen stops HandleChange from opening a second obligation of a
// rule still open for the subject.
var errAlreadyOpen = errors.New("emergency: obligation already open")

// oblRec is the domain record of one obligation: what the machine does not
// hold. Its instants are in UTC; views put them in the rule's location.
type oblRec struct {
	ob  Obligation // State and the Closed fields come from the machine
	ord uint64     // the order obligations were opened in
}

type oblItem = cases.Item[*oblRec]

// oblEffect is what the engine emits after its lock is released: an event
// for the handlers, and the board call it needs first.
type oblEffect struct {
	ev       ObligationEvent
	it       *oblItem
	escalate bool // a miss: escalate the subject on the board
	lift     bool // closed after a miss: lift that escalation
}

// Obligations opens, tracks and closes the obligations that warning levels
// own. An obligation stays open when the level falls again before it is
// fulfilled (the warning happened; the plan is still owed); cancel it with
// CancelAt when it no longer applies. It listens to a Board's changes
// (register HandleChange as the board's observer); each obligation has a
// lifecycle machine (ObligationDefinition) and its deadline is an SLA clock
// on the engine's timeline. When a deadline passes the obligation is
// missed, at the deadline's own instant, and the subject is escalated one
// level with Board.EscalateAt (a floor with the source
// Obligation.EscalationSource). Fulfilling is an explicit call with an
// actor; fulfilling a missed obligation lifts its escalation.
//
// Deadlines fire when the timeline is advanced: the host's (WithTracker,
// then one tr.AdvanceTo or tr.Run drives the board, the obligations and the
// incidents together) or the engine's private one (AdvanceTo).
//
// An Obligations engine is safe for concurrent use. Handlers and board calls
// run outside its lock.
type Obligations struct {
	eng      *cases.Engine[*oblRec, oblEffect]
	board    *Board
	cfg      ObligationConfig
	rules    map[string]ObligationRule
	dl       *deadlines
	handlers []func(ObligationEvent)
	seq      atomic.Uint64
	// Guarded by the engine's lock:
	open  map[string]string // subject and rule -> id of the open obligation
	ord   uint64
	chain bool // WithChain
}

// NewObligations returns an engine with the given rules for the board given
// with WithBoard (required). It takes WithBoard, WithClock, WithTracker,
// WithNamespace (default "emergency.obligations"), WithCalendars and
// WithObligationHandler and ignores the other options. The host connects
// the board to it by registering HandleChange as an observer:
//
//	var obl *emergency.Obligations
//	board, _ := emergency.NewBoard(cfg, emergency.WithObserver(func(c emergency.Change) { obl.HandleChange(c) }))
//	obl, _ = emergency.NewObligations(emergency.DefaultObligationConfig(), emergency.WithBoard(board))
func NewObligations(cfg ObligationConfig, opts ...Option) (*Obligations, error) {
	o, eo, err := newObligations(cfg, collect(opts))
	if err != nil {
		return nil, err
	}
	eng, err := cases.New(o.spec(), eo)
	if err != nil {
		return nil, err
	}
	o.attach(eng)
	return o, nil
}

func newObligations(cfg ObligationConfig, o options) (*Obligations, cases.Options, error) {
	if o.board == nil {
		return nil, cases.Options{}, inputErr("an Obligations engine needs a board: pass WithBoard")
	}
	if err := cfg.Validate(); err != nil {
		return nil, cases.Options{}, err
	}
	ob := &Obligations{board: o.board, cfg: ObligationConfig{Rules: append([]ObligationRule(nil), cfg.Rules...)},
		rules: map[string]ObligationRule{}, dl: newDeadlines("emergency-obligation"),
		handlers: o.oblHandlers, open: map[string]string{}, chain: o.chain}
	reg := o.registry()
	var errs []error
	for i, r := range cfg.Rules {
		if err := ob.dl.add(reg, r.Name, ObligationMetric, r.Within, r.Calendar); err != nil {
			errs = append(errs, fieldErr(fmt.Sprintf("rules[%d].calendar", i), "%v", err))
		}
		ob.rules[r.Name] = r
	}
	if err := errors.Join(errs...); err != nil {
		return nil, cases.Options{}, err
	}
	o.namespace = cmp.Or(o.namespace, DefaultObligationNamespace)
	return ob, engineOptions(o), nil
}

func (o *Obligations) spec() cases.Spec[*oblRec, oblEffect] {
	return cases.Spec[*oblRec, oblEffect]{
		Noun: "obligation", Namespace: DefaultObligationNamespace,
		NotFound: ErrUnknownObligation, Duplicate: errDuplicate, Invalid: ErrSnapshot,
		OnEvent: o.onDeadline, Resolve: o.dl.resolve,
	}
}

// errDuplicate reports an id already taken (obligation ids are made by the
// engine; a restore reports a repeated id as a snapshot problem).
var errDuplicate = fmt.Errorf("%w: repeated id", ErrSnapshot)

func (o *Obligations) attach(eng *cases.Engine[*oblRec, oblEffect]) {
	o.eng = eng
	eng.OnEvent(o.dispatch)
}

// Tracker returns the timeline the engine schedules its deadlines on (the
// host's, or the engine's private one).
func (o *Obligations) Tracker() *sla.Tracker { return o.eng.Tracker() }

// AdvanceTo advances the engine's timeline to t (the host's whole timeline
// when the engine shares it): every deadline due at or before t fires, in
// order, at its own instant. It returns the number of timeline events
// delivered.
func (o *Obligations) AdvanceTo(t time.Time) int { return o.eng.Tracker().AdvanceTo(t) }

// Config returns a copy of the engine's configuration.
func (o *Obligations) Config() ObligationConfig {
	return ObligationConfig{Rules: append([]ObligationRule(nil), o.cfg.Rules...)}
}

func (o *Obligations) key(id string) sla.ClockKey {
	return sla.ClockKey{Namespace: o.eng.Namespace(), ID: id, Metric: ObligationMetric}
}

func openKey(subject, rule string) string { return subject + "\x00" + rule }

// HandleChange opens the obligations a change of level calls for: every
// rule whose level lies in (From, To] opens an obligation for the subject at
// c.At, unless one of the same rule is still open for it. Register it as an
// observer of the board (WithObserver). A nil engine ignores the change.
func (o *Obligations) HandleChange(c Change) {
	if o == nil || !c.Raised() {
		return
	}
	for _, r := range o.cfg.Rules {
		if r.Level > c.From && r.Level <= c.To {
			o.openAt(c.At, c.Subject, r)
		}
	}
}

// openAt opens an obligation of rule r for subject at t, unless one is open.
func (o *Obligations) openAt(t time.Time, subject string, r ObligationRule) {
	t = t.UTC()
	spec := o.dl.specs[r.Name]
	for {
		id := subject + "/" + r.Name + "/" + strconv.FormatUint(o.seq.Add(1), 10)
		_, err := o.eng.Add(t, id, func() (*oblItem, []oblEffect, error) {
			if _, open := o.open[openKey(subject, r.Name)]; open {
				return nil, nil, errAlreadyOpen
			}
			m, err := fsm.NewMachine(obligationDef, machineOptions(o.chain, fsm.WithID(id))...)
			if err == nil {
				err = o.eng.Tracker().StartAt(t, o.key(id), spec, r.Name)
			}
			if err != nil {
				return nil, nil, err
			}
			it := &oblItem{ID: id, M: m, Rec: &oblRec{ord: o.ord, ob: Obligation{
				ID: id, Subject: subject, Rule: r.Name, Action: r.Action, Level: r.Level,
				OpenedAt: t, Due: spec.Calendar().Add(t, r.Within.D()).UTC()}}}
			o.ord++
			o.open[openKey(subject, r.Name)] = id
			return it, []oblEffect{o.effect(it, ObligationOpened, t)}, nil
		})
		if !errors.Is(err, errDuplicate) {
			return // opened, or one is open already (the spec is valid, the instant was the board's)
		}
	}
}

// effect is an event of kind at t with the obligation as it is now. Called
// under the engine's lock.
func (o *Obligations) effect(it *oblItem, kind ObligationEventKind, t time.Time) oblEffect {
	ob := o.view(it)
	return oblEffect{ev: ObligationEvent{Kind: kind, At: t.In(o.dl.locs[ob.Rule]), Obligation: ob}, it: it}
}

// onDeadline handles the breach of an obligation's deadline, under the
// engine's lock: the obligation is missed and its subject will be
// escalated one level.
func (o *Obligations) onDeadline(it *oblItem, e sla.Event) []oblEffect {
	if it == nil || e.ID.Kind != sla.Breach || !it.Rec.ob.MissedAt.IsZero() {
		return nil
	}
	rec, at := it.Rec, e.At.UTC()
	switch ObligationState(it.M.State()) {
	case ObligationOpen:
		if _, err := it.M.FireAt(context.Background(), at, ObligationMiss, fsm.By{Actor: deadlineActor,
			Reason: "deadline " + rec.ob.Due.Format(time.RFC3339) + " passed"}); err != nil {
			return nil
		}
		rec.ob.MissedAt = at
		touch(it, at)
		eff := o.effect(it, ObligationMissedEvent, at)
		eff.escalate = true
		return []oblEffect{eff}
	case ObligationFulfilled:
		if rec.ob.Late {
			// Fulfilled late before the deadline was delivered: record the
			// miss, but there is nothing left to escalate.
			rec.ob.MissedAt = at
			return []oblEffect{o.effect(it, ObligationMissedEvent, at)}
		}
	}
	return nil
}

// dispatch runs an effect outside the engine's lock: the board call first,
// then the handlers.
func (o *Obligations) dispatch(e oblEffect) {
	ob := e.ev.Obligation
	switch {
	case e.escalate:
		reason := fmt.Sprintf("obligation %q (%s) missed its deadline %s", ob.ID, ob.Rule, ob.Due.Format(time.RFC3339))
		changes, err := boardAt(o.board, ob.Subject, e.ev.At, func(t time.Time) ([]Change, error) {
			return o.board.EscalateAt(t, ob.Subject, ob.EscalationSource(), reason)
		})
		if err != nil {
			o.eng.Warn("obligation escalation refused by the board", "record", ob.ID, "subject", ob.Subject, "error", err)
		}
		if err == nil && len(changes) > 0 {
			_ = o.eng.Locked(func() ([]oblEffect, error) {
				c := changes[0]
				e.it.Rec.ob.Escalated = &c
				e.ev.Obligation = o.view(e.it)
				return nil, nil
			})
		}
	case e.lift:
		if _, err := boardAt(o.board, ob.Subject, e.ev.At, func(t time.Time) ([]Change, error) {
			return o.board.LiftFloorAt(t, ob.Subject, ob.EscalationSource(), "obligation "+string(ob.State)+" by "+ob.ClosedBy)
		}); err != nil {
			o.eng.Warn("obligation escalation not lifted: the board refused", "record", ob.ID, "subject", ob.Subject, "error", err)
		}
	}
	for _, h := range o.handlers {
		h(e.ev)
	}
}

// boardAt calls f at t, or at the subject's last evaluation if the board has
// already moved past t (a board refuses to go back in time for a subject).
func boardAt(b *Board, subject string, t time.Time, f func(time.Time) ([]Change, error)) ([]Change, error) {
	for range 3 {
		if st, ok := b.Status(subject); ok && st.LastEvaluated.After(t) {
			t = st.LastEvaluated
		}
		changes, err := f(t)
		if err == nil || !errors.Is(err, ErrTimeBackwards) {
			return changes, err
		}
	}
	return f(t)
}

// Fulfill fulfils an obligation at the clock's current time; see FulfillAt.
func (o *Obligations) Fulfill(id, actor, note string) (Obligation, error) {
	return o.FulfillAt(o.eng.Clock().Now(), id, actor, note)
}

// FulfillAt records that actor fulfilled the obligation at t (the plan was
// submitted, the task force formed). Fulfilling at or after the deadline
// marks it late; fulfilling a missed obligation also lifts the escalation
// its miss set on the board. The actor must not be empty; t must not be
// before the obligation's last recorded instant (ErrTimeBackwards).
func (o *Obligations) FulfillAt(t time.Time, id, actor, note string) (Obligation, error) {
	return o.close(t, id, actor, note, ObligationFulfill)
}

// Cancel cancels an obligation at the clock's current time; see CancelAt.
func (o *Obligations) Cancel(id, actor, reason string) (Obligation, error) {
	return o.CancelAt(o.eng.Clock().Now(), id, actor, reason)
}

// CancelAt withdraws an open or missed obligation at t (for example when the
// warning turned out to be false), recording actor and reason. Like
// fulfilment, it lifts any escalation the obligation caused.
func (o *Obligations) CancelAt(t time.Time, id, actor, reason string) (Obligation, error) {
	return o.close(t, id, actor, reason, ObligationCancel)
}

func (o *Obligations) close(t time.Time, id, actor, note string, ev fsm.Event) (Obligation, error) {
	if actor == "" {
		return Obligation{}, inputErr("empty actor for obligation %q", id)
	}
	if err := checkTime(t); err != nil {
		return Obligation{}, err
	}
	t = t.UTC()
	var out Obligation
	_, err := o.eng.Do(t, id, guard[*oblRec]("obligation"), func(it *oblItem) ([]oblEffect, error) {
		rec := it.Rec
		state := ObligationState(it.M.State())
		if state.closed() {
			return nil, fmt.Errorf("%w: %q is %s", ErrObligationClosed, id, state)
		}
		met, err := o.eng.Tracker().StopAt(t, o.key(id))
		if err == nil {
			_, err = it.M.FireAt(context.Background(), t, ev, fsm.By{Actor: actor, Reason: note})
		}
		if err != nil {
			return nil, fmt.Errorf("%w: obligation %q: %w", ErrInvalidInput, id, err)
		}
		rec.ob.Late = ev == ObligationFulfill && (state == ObligationMissed || !met)
		delete(o.open, openKey(rec.ob.Subject, rec.ob.Rule))
		kind := ObligationFulfilledEvent
		if ev == ObligationCancel {
			kind = ObligationCancelledEvent
		}
		eff := o.effect(it, kind, t)
		eff.lift, out = state == ObligationMissed, eff.ev.Obligation
		return []oblEffect{eff}, nil
	})
	if err != nil {
		return Obligation{}, err
	}
	return out, nil
}

// Get returns the obligation with the given id.
func (o *Obligations) Get(id string) (Obligation, bool) { return cases.Get(o.eng, id, o.view) }

// List returns the obligations of a subject (every subject for ""), in the
// order they were opened.
func (o *Obligations) List(subject string) []Obligation {
	all := cases.List(o.eng, o.view, byOpening)
	out := all[:0]
	for _, ob := range all {
		if subject == "" || ob.Subject == subject {
			out = append(out, ob)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func byOpening(a, b *oblItem) int { return cmp.Compare(a.Rec.ord, b.Rec.ord) }

// view returns the obligation of it: its record, its state and closing from
// the machine, its instants in the location of the rule's calendar. Called
// under the engine's lock.
func (o *Obligations) view(it *oblItem) Obligation {
	ob := it.Rec.ob.clone()
	ob.State = ObligationState(it.M.State())
	if ob.State.closed() {
		h := it.M.History()
		last := h[len(h)-1]
		ob.ClosedAt, ob.ClosedBy, ob.Note = last.At, last.Actor, last.Reason
	}
	loc := o.dl.locs[ob.Rule]
	for _, t := range []*time.Time{&ob.OpenedAt, &ob.Due, &ob.MissedAt, &ob.ClosedAt} {
		if !t.IsZero() {
			*t = t.In(loc)
		}
	}
	return ob
}
