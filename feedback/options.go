package feedback

import (
	"log/slog"
	"maps"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// Option configures the stateful types of this package. Every constructor
// and every RestoreX function takes the same options; each reads those that
// concern it and ignores the others:
//
//	option          Rectifications, ReturnVisits   Book   Aggregator, CategoryTally
//	WithClock       yes                            yes    (no clock)
//	WithTracker     yes                            -      -
//	WithNamespace   yes                            -      -
//	WithCalendars   yes                            -      -
//	WithLocation    -                              -      restores only
//	WithClassifier  -                              -      Aggregator only
//	WithLogger      yes                            -      -
//
// Options carry what a snapshot cannot: the time source, the host's
// timeline, calendars and locations. Everything else that configures a
// type is plain JSON and travels inside its snapshot, so a restore needs no
// configuration argument (see the package documentation, "Persistence").
type Option func(*options)

type options struct {
	clock     clock.Clock
	tracker   *sla.Tracker
	namespace string
	calendars sla.Registry
	location  *time.Location

	classifier *Classifier
	log        *slog.Logger
}

func buildOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.clock == nil {
		o.clock = clock.New()
	}
	return o
}

// engine returns the options of the case engine.
func (o options) engine() cases.Options {
	return cases.Options{Clock: o.clock, Tracker: o.tracker, Namespace: o.namespace, Logger: o.log}
}

// WithLogger sends the log of rectifications and return visits to l
// (default: none): items opened and changed and deadlines delivered at
// Debug, with stable keys (namespace, record, event_id, kind, at, state) and
// ids only: never a customer, a problem, a note or any other free text. A
// nil logger is ignored.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithClock sets the time source of the methods without an explicit
// instant (default clock.New()); on a private timeline Run sleeps on it
// too. Give the host's timeline the same clock. A nil clock is ignored.
func WithClock(c clock.Clock) Option {
	return func(o *options) {
		if c != nil {
			o.clock = c
		}
	}
}

// WithTracker schedules the engine's deadlines on the host's timeline t,
// under the engine's namespace, instead of a private timeline: one
// t.AdvanceTo or t.Run then drives every engine of the host, and the
// engine's snapshot leaves its clocks to the host's snapshot of t (restore
// t first with sla.RestoreTracker, then the engine with WithTracker). A nil
// tracker is ignored.
func WithTracker(t *sla.Tracker) Option {
	return func(o *options) {
		if t != nil {
			o.tracker = t
		}
	}
}

// WithNamespace sets the engine's namespace on its timeline (defaults
// "feedback.rectifications" and "feedback.visits"); two engines of one kind
// on one timeline need different namespaces. An empty namespace is ignored.
func WithNamespace(ns string) Option {
	return func(o *options) {
		if ns != "" {
			o.namespace = ns
		}
	}
}

// WithCalendars adds calendars the engines' deadlines name (for example
// ReturnVisitConfig.CalendarName or an sla.SpecDef in RectificationConfig);
// sla.CalendarAlways, the 24x7 calendar in UTC, is always known. Several
// WithCalendars options add up; a later name replaces an earlier one.
func WithCalendars(reg sla.Registry) Option {
	return func(o *options) {
		if o.calendars == nil {
			o.calendars = sla.Registry{}
		}
		maps.Copy(o.calendars, reg)
	}
}

// WithLocation gives a restore the location its snapshot names, for a
// location time.LoadLocation cannot load by name (one made with
// time.FixedZone, for example). Its name (loc.String()) must be the one
// the snapshot records. A nil location is ignored.
func WithLocation(loc *time.Location) Option {
	return func(o *options) {
		if loc != nil {
			o.location = loc
		}
	}
}

// WithClassifier gives an Aggregator a classifier for the free-text
// comments of survey responses: a response with a Comment and no Category
// counts under the category c gives the comment (CategoryUncategorised
// when no rule matches), so that slicing by DimCategory shows satisfaction
// and comment counts per root cause. The text itself is never kept. A
// restore takes the classifier again; a nil classifier is ignored.
func WithClassifier(c *Classifier) Option {
	return func(o *options) {
		if c != nil {
			o.classifier = c
		}
	}
}

// calendar returns the calendar called name.
func (o options) calendar(name string) (sla.BusinessTime, error) {
	bt, err := o.calendars.Lookup(name)
	if err != nil && name == sla.CalendarAlways {
		return alwaysOpen, nil
	}
	return bt, err
}

// alwaysOpen is the 24x7 calendar every engine knows.
var alwaysOpen = sla.AlwaysOpen()
