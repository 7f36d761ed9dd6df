package emergency

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// What the obligations and the incident manager share: both are thin
// domain layers on the case engine of internal/cases, with their deadlines
// as SLA clocks of one record per item (the item's id) on a timeline.

// deadlines holds the targets of an engine's clocks, by SpecDef.Rule, on
// one calendar per target.
type deadlines struct {
	policy string
	specs  map[string]*sla.Spec
	locs   map[string]*time.Location
}

func newDeadlines(policy string) *deadlines {
	return &deadlines{policy: policy, specs: map[string]*sla.Spec{}, locs: map[string]*time.Location{}}
}

// add builds the target of rule: metric within business time of calendar
// (24x7 when empty), a calendar of reg.
func (d *deadlines) add(reg sla.Registry, rule string, metric sla.Metric, within sla.Duration, calendar string) error {
	name := cmp.Or(calendar, sla.CalendarAlways)
	bt, err := reg.Lookup(name)
	if err != nil {
		return err
	}
	spec, err := sla.NewSpec(sla.SpecDef{Policy: d.policy, Rule: rule, Metric: metric,
		Within: within, Calendar: name}, bt)
	if err != nil {
		return err
	}
	d.specs[rule], d.locs[rule] = spec, locationOf(bt)
	return nil
}

// locationOf returns the location a calendar reports (sla.Calendar does),
// else UTC.
func locationOf(bt sla.BusinessTime) *time.Location {
	if l, ok := bt.(interface{ Location() *time.Location }); ok && l.Location() != nil {
		return l.Location()
	}
	return time.UTC
}

// resolve turns a target recorded in a private timeline's snapshot back into
// the engine's own, refusing one that differs from the configuration.
func (d *deadlines) resolve(def sla.SpecDef) (*sla.Spec, error) {
	if spec := d.specs[def.Rule]; spec != nil && sameTarget(spec.Def(), def) {
		return spec, nil
	}
	return nil, snapErr("spec", "deadline %q does not match the configuration", def.Rule)
}

func sameTarget(a, b sla.SpecDef) bool {
	return a.Policy == b.Policy && a.Rule == b.Rule && a.Metric == b.Metric && a.Within == b.Within &&
		a.Calendar == b.Calendar && len(b.Warnings) == 0 && len(b.Reminders) == 0
}

// clock restores the clock rc of a record, which must run on the target of
// rule and carry the priority label prio (any label when prio is empty).
func (d *deadlines) clock(rc sla.RecordClock, rule, prio string) (sla.Clock, error) {
	spec := d.specs[rule]
	if spec == nil || !sameTarget(spec.Def(), rc.Clock.Spec) || prio != "" && rc.Priority != prio {
		return sla.Clock{}, snapErr("", "clock %s does not run on the deadline %q of the configuration",
			rc.Clock.Spec.Metric, rule)
	}
	c, err := sla.RestoreClock(rc.Clock, spec)
	if err != nil {
		return sla.Clock{}, asSnapshotErr("", err, ErrSnapshot)
	}
	return c, nil
}

// CaseSnapshot is the snapshot of an engine of cases, an Obligations engine
// (ObligationSnapshot) or an IncidentManager (IncidentSnapshot): the format
// version, the configuration C (plain JSON, so it travels inside the
// snapshot), the sequence the engine numbers new items from, the items R in
// the order they were opened, and the private timeline with their clocks
// (nil when the engine runs on the host's timeline, which the host
// snapshots once for every engine). Redaction (optional) names the policy
// that redacted the snapshot (RedactIncidents, RedactObligations); a
// redacted snapshot is an export, refused by the restores (ErrRedacted).
type CaseSnapshot[C, R any] struct {
	Version   int                  `json:"version"`
	Config    C                    `json:"config"`
	Seq       uint64               `json:"seq"`
	Items     []R                  `json:"items"`
	Timeline  *sla.TrackerSnapshot `json:"timeline,omitempty"`
	Redaction string               `json:"redaction,omitempty"`
}

// snapshotCases takes the snapshot of an engine's items.
func snapshotCases[R, E, C, V any](e *cases.Engine[R, E], version int, cfg C, seq uint64,
	view func(*cases.Item[R]) V, order func(a, b *cases.Item[R]) int) CaseSnapshot[C, V] {
	items, tl := cases.Snapshot(e, view, order)
	return CaseSnapshot[C, V]{Version: version, Config: cfg, Seq: seq, Items: items, Timeline: tl}
}

// restoreCases rebuilds an engine's items with the case engine's restore:
// a repeated id is refused as a snapshot problem before the engine sees it,
// and every field problem (the timeline's included) matches ErrSnapshot.
func restoreCases[R, E, C, V any](s CaseSnapshot[C, V], version int, spec cases.Spec[R, E], o cases.Options,
	id func(V) string, build func(path string, v V) (*cases.Item[R], error),
	check func(*cases.Item[R], sla.RecordSnapshot) error) (*cases.Engine[R, E], error) {
	seen := map[string]bool{}
	eng, err := cases.Restore(spec, o, cases.Restored[V]{Version: s.Version, Want: version, Items: s.Items, Timeline: s.Timeline,
		Redaction: s.Redaction},
		func(path string, v V) (*cases.Item[R], error) {
			if seen[id(v)] {
				return nil, snapErr(path, "repeated id %q", id(v))
			}
			seen[id(v)] = true
			return build(path, v)
		}, check)
	return eng, snapshotProblems(err)
}

// configProblems makes the configuration problems of a snapshot snapshot
// problems.
func configProblems(err error) error {
	if errors.Is(err, ErrInvalidConfig) {
		return asSnapshotErr("config", err, errSnapshotConfig)
	}
	return err
}

// snapshotProblems makes every field problem of a restore error match
// ErrSnapshot, keeping the sentinel it had (a timeline's problems match
// sla.ErrInvalid too).
func snapshotProblems(err error) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, e := range flatten(err) {
		var fe *FieldError
		if errors.As(e, &fe) && !errors.Is(fe, ErrSnapshot) {
			c := *fe
			c.Err = fmt.Errorf("%w (%w)", ErrSnapshot, fe.Err)
			e = &c
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// engineOptions are the case engine's options from the package's.
func engineOptions(o options) cases.Options {
	return cases.Options{Clock: o.clk, Tracker: o.tracker, Namespace: o.namespace, Logger: o.log}
}

// later returns the later of two instants.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// touch records at as the latest instant of an item when it is later: a
// deadline delivered at its own instant (an escalation, a miss) counts as
// recorded on the item.
func touch[R any](it *cases.Item[R], at time.Time) { it.Last = later(it.Last, at) }

// guard shapes the case engine's "instant before the item's last one"
// error as this package's: it matches ErrInvalidInput and ErrTimeBackwards.
func guard[R any](noun string) func(*cases.Item[R], error) error {
	return func(it *cases.Item[R], err error) error {
		return fmt.Errorf("%w: instant is before %s %q's last recorded instant %v: %w",
			ErrInvalidInput, noun, it.ID, it.Last, err)
	}
}
