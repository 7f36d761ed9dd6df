package emergency

import (
	"log/slog"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
)

// Option configures the engines of this package: NewBoard, NewObligations,
// NewIncidentManager, RunDrill and the Restore functions all take the same
// options. Each ignores the options that do not concern it (a board has no
// incident handler, an incident manager no board), so a host can build one
// list and pass it everywhere. A nil value given to an option is ignored.
type Option func(*options)

// options collects what the options set.
type options struct {
	clk         clock.Clock
	tracker     *sla.Tracker
	namespace   string
	calendars   sla.Registry
	observers   []func(Change)
	oblHandlers []func(ObligationEvent)
	incHandlers []func(IncidentEvent)
	plans       *PlanLibrary
	board       *Board
	log         *slog.Logger
	chain       bool
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.clk == nil {
		o.clk = clock.New()
	}
	return o
}

// WithClock sets the time source of the methods without an explicit
// instant (default clock.New()). A nil clock is ignored.
func WithClock(c clock.Clock) Option {
	return func(o *options) {
		if c != nil {
			o.clk = c
		}
	}
}

// WithLogger sends the engines' log to l (default: none): level changes,
// obligations and incidents opened and changed, deadlines delivered at
// Debug, and failures that happen while a deadline is delivered (a board
// that refuses an escalation) at Warn, with stable keys (namespace, record,
// subject, event_id, kind, from, to, rule) and ids only, never customer
// text (no titles, notes or reasons). A nil logger is ignored.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithTracker schedules the engine on the host's timeline: the board's next
// evaluation, the obligations' deadlines and the incidents' milestones and
// acknowledgement timeouts become clocks and timers of tr, under the
// engine's namespace, and one tr.AdvanceTo or tr.Run drives every engine of
// the host. Without it an engine makes a private timeline of its own. A nil
// tracker is ignored.
func WithTracker(tr *sla.Tracker) Option {
	return func(o *options) {
		if tr != nil {
			o.tracker = tr
		}
	}
}

// WithNamespace changes the engine's namespace on the timeline (defaults:
// "emergency.board", "emergency.obligations", "emergency.incidents"), for
// example to run two boards on one tracker. An empty namespace is ignored.
func WithNamespace(ns string) Option {
	return func(o *options) {
		if ns != "" {
			o.namespace = ns
		}
	}
}

// WithCalendars adds the business calendars that obligation rules and the
// incident configuration name. The 24x7 calendar (sla.CalendarAlways) is
// always available.
func WithCalendars(reg sla.Registry) Option {
	return func(o *options) {
		for k, v := range reg {
			if o.calendars == nil {
				o.calendars = sla.Registry{}
			}
			o.calendars[k] = v
		}
	}
}

// WithObserver registers a function the board calls with every change, in
// order, after its lock is released. An observer may call any method of the
// board. Observers of changes made by concurrent calls may run
// concurrently; Change.Seq orders them.
func WithObserver(f func(Change)) Option {
	return func(o *options) {
		if f != nil {
			o.observers = append(o.observers, f)
		}
	}
}

// WithObligationHandler registers a function an Obligations engine calls
// with every obligation event, in order, outside its lock.
func WithObligationHandler(h func(ObligationEvent)) Option {
	return func(o *options) {
		if h != nil {
			o.oblHandlers = append(o.oblHandlers, h)
		}
	}
}

// WithIncidentHandler registers a function an IncidentManager (and a drill)
// calls with every incident event, in order, outside its lock. It may call
// the manager.
func WithIncidentHandler(h func(IncidentEvent)) Option {
	return func(o *options) {
		if h != nil {
			o.incHandlers = append(o.incHandlers, h)
		}
	}
}

// WithPlans sets the library of response plans an IncidentManager selects
// from when an incident is reported or re-graded.
func WithPlans(lib *PlanLibrary) Option {
	return func(o *options) {
		if lib != nil {
			o.plans = lib
		}
	}
}

// WithBoard sets the board an Obligations engine escalates subjects on and
// lifts escalations from. NewObligations and RestoreObligations require it.
func WithBoard(b *Board) Option {
	return func(o *options) {
		if b != nil {
			o.board = b
		}
	}
}

// registry returns the calendars of o with the 24x7 calendar.
func (o *options) registry() sla.Registry {
	reg := sla.Registry{sla.CalendarAlways: sla.AlwaysOpen()}
	for k, v := range o.calendars {
		reg[k] = v
	}
	return reg
}
