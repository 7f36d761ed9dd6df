package sla

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// SnapshotVersion is the format version of TrackerSnapshot and
// RecordSnapshot. Restores refuse any other version with an error naming
// it; version 1 (the whole-tracker format before records, without a version
// field) is refused too: restore such data on the release that wrote it,
// re-start the clocks from the host's own records, or convert it by moving
// each clock and its pending events into the record of its id.
const SnapshotVersion = 2

// RecordClock is one clock of a RecordSnapshot.
type RecordClock struct {
	Priority string        `json:"priority,omitempty"`
	Clock    ClockSnapshot `json:"clock"`
}

// RecordTimer is the timer of a RecordSnapshot: the instant it is set to
// fall due and its generation (the number of times it was set). A timer
// that fell due or was cancelled is kept, Idle, with the instant it last
// had, so that the next SetTimer continues its generations.
type RecordTimer struct {
	At         time.Time `json:"at"`
	Generation int       `json:"generation"`
	Idle       bool      `json:"idle,omitempty"`
}

// RecordSnapshot is the plain, JSON-serialisable state of one record: its
// clocks (with the count of events already delivered in each cycle), its
// timer, and the events that fell due before a change and are not yet
// delivered, in delivery order. A host stores it in the subject's own row
// and loads it back with Tracker.Load.
type RecordSnapshot struct {
	Version   int           `json:"version"`
	Namespace string        `json:"namespace,omitempty"`
	ID        string        `json:"id"`
	Clocks    []RecordClock `json:"clocks,omitempty"`
	Timer     *RecordTimer  `json:"timer,omitempty"`
	Pending   []Event       `json:"pending,omitempty"`
}

// Key returns the record's key.
func (r RecordSnapshot) Key() RecordKey { return RecordKey{Namespace: r.Namespace, ID: r.ID} }

// ClosedCycles counts the closed cycles of one namespace, metric and
// priority.
type ClosedCycles struct {
	Namespace string `json:"namespace,omitempty"`
	Metric    Metric `json:"metric"`
	Priority  string `json:"priority"`
	Met       int    `json:"met"`
	Breached  int    `json:"breached"`
}

// TrackerSnapshot is the plain, JSON-serialisable state of a Tracker: every
// record, in the order the queue delivers their next events (records with
// nothing queued last, by namespace and id), and the counts of closed
// cycles.
type TrackerSnapshot struct {
	Version int              `json:"version"`
	Records []RecordSnapshot `json:"records"`
	Closed  []ClosedCycles   `json:"closed,omitempty"`
}

// Record returns the state of one record, or false when the tracker holds
// nothing under key.
func (t *Tracker) Record(key RecordKey) (RecordSnapshot, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ns, ok := t.nsIndex[key.Namespace]
	if !ok || t.records[recKey{key.ID, ns}] == nil {
		return RecordSnapshot{}, false
	}
	return t.recordLocked(recKey{key.ID, ns}), true
}

// Unload removes one record (its clocks, timer and undelivered events) and
// returns its state, or false when the tracker holds nothing under key.
// Other records are not touched. Load it back later: events that fell due
// meanwhile are delivered then, once, at their own instants.
func (t *Tracker) Unload(key RecordKey) (RecordSnapshot, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ns, ok := t.nsIndex[key.Namespace]
	rk := recKey{key.ID, ns}
	if !ok || t.records[rk] == nil {
		return RecordSnapshot{}, false
	}
	r := t.recordLocked(rk)
	for e := t.records[rk]; e != nil; e = t.records[rk] {
		t.heap.Remove(e)
		t.dropLocked(e)
	}
	if t.debug() {
		t.log.Debug("sla record unloaded", "namespace", key.Namespace, "record", key.ID)
	}
	return r, true
}

func (t *Tracker) recordLocked(rk recKey) RecordSnapshot {
	r := RecordSnapshot{Version: SnapshotVersion, Namespace: t.spaces[rk.ns].name, ID: rk.id}
	var es []*entry
	for e := t.records[rk]; e != nil; e = e.next {
		es = append(es, e)
	}
	slices.SortFunc(es, t.queueOrder)
	for _, e := range es {
		if e.timer {
			r.Timer = &RecordTimer{At: e.c.anchor, Generation: int(e.c.cycle), Idle: e.idle}
		} else {
			r.Clocks = append(r.Clocks, RecordClock{Priority: t.prios[e.prio], Clock: e.c.Snapshot()})
		}
		r.Pending = append(r.Pending, t.late[e]...)
	}
	// Each entry's events stay in delivery order (a warning before the met
	// event at the same instant); across entries, by instant.
	slices.SortStableFunc(r.Pending, func(a, b Event) int { return a.At.Compare(b.At) })
	return r
}

// queueOrder orders entries as the queue delivers them: queued ones by
// (instant, sequence), then the others by metric (a timer first).
func (t *Tracker) queueOrder(a, b *entry) int {
	aa, as, aq := t.heap.Position(a)
	ba, bs, bq := t.heap.Position(b)
	switch {
	case aq && bq:
		return cmp.Or(cmp.Compare(aa, ba), cmp.Compare(as, bs))
	case aq != bq:
		if aq {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.metric(), b.metric())
}

// Load adds a record saved with Record or Unload (or taken from a
// TrackerSnapshot), resolving each clock's target with the tracker's spec
// resolver (WithSpecResolver). Events already delivered are not delivered
// again; events that fell due while the record was unloaded are delivered,
// in deadline order, by the first AdvanceTo that reaches them. The snapshot
// is checked as the live operations would check it; on error (every
// problem reported at once) nothing changes. A record whose key is already
// on the tracker gives an error wrapping ErrDuplicateClock.
func (t *Tracker) Load(r RecordSnapshot) error {
	es, err := t.buildRecord(r, "")
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.loadLocked(r.Key(), es); err != nil {
		return err
	}
	if t.debug() {
		t.log.Debug("sla record loaded", "namespace", r.Namespace, "record", r.ID, "clocks", len(r.Clocks), "pending", len(r.Pending))
	}
	return nil
}

func (t *Tracker) loadLocked(key RecordKey, es []*builtEntry) error {
	ns, err := t.nsLocked(key.Namespace, true)
	if err != nil {
		return err
	}
	if t.records[recKey{key.ID, ns}] != nil {
		return &TrackerError{Key: ClockKey{Namespace: key.Namespace, ID: key.ID}, Err: ErrDuplicateClock}
	}
	for _, b := range es {
		b.e.ns, b.e.prio = ns, t.prioLocked(b.prio)
		t.addLocked(b.e)
		if len(b.late) > 0 {
			t.late[b.e], b.e.hasLate = b.late, true
		}
		t.rescheduleLocked(b.e)
	}
	return nil
}

// builtEntry is an entry rebuilt from a snapshot with its pending events.
type builtEntry struct {
	e    *entry
	prio string
	late []Event
}

// buildRecord checks r and rebuilds its entries; path prefixes the field
// paths of its problems.
func (t *Tracker) buildRecord(r RecordSnapshot, path string) ([]*builtEntry, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, sqerr.Prefix(path, fieldErr(field, format, args...)))
	}
	if path == "" && r.Version != SnapshotVersion {
		bad("version", "format version %d, want %d", r.Version, SnapshotVersion)
	}
	if r.ID == "" {
		bad("id", "must not be empty")
	}
	if !validNamespace(r.Namespace) {
		bad("namespace", "%q is not a namespace", r.Namespace)
	}
	var es []*builtEntry
	byMetric := map[Metric]*builtEntry{}
	for i, rc := range r.Clocks {
		p := fmt.Sprintf("clocks[%d].clock", i)
		spec, err := t.resolve(rc.Clock.Spec)
		if err != nil {
			errs = append(errs, sqerr.Prefix(join(path, p+".spec"), err))
			continue
		}
		c, err := RestoreClock(rc.Clock, spec)
		if err != nil {
			errs = append(errs, sqerr.Prefix(join(path, p), err))
			continue
		}
		if byMetric[spec.Metric()] != nil {
			bad(fmt.Sprintf("clocks[%d]", i), "second clock of metric %s", spec.Metric())
			continue
		}
		b := &builtEntry{e: &entry{c: c, id: r.ID}, prio: rc.Priority}
		byMetric[spec.Metric()] = b
		es = append(es, b)
	}
	var timer *builtEntry
	if tm := r.Timer; tm != nil {
		if !queueable(tm.At) || tm.Generation < 1 || tm.Generation > 1<<32-1 {
			bad("timer", "instant %v or generation %d out of range", tm.At, tm.Generation)
		} else {
			timer = &builtEntry{e: &entry{timer: true, idle: tm.Idle, id: r.ID, c: Clock{anchor: tm.At.UTC(), cycle: uint32(tm.Generation)}}}
			es = append(es, timer)
		}
	}
	seen := make(map[EventID]bool, len(r.Pending))
	for i, ev := range r.Pending {
		p := fmt.Sprintf("pending[%d]", i)
		if seen[ev.ID] {
			bad(p, "event %s listed twice", ev.ID)
			continue
		}
		seen[ev.ID] = true
		b := byMetric[ev.ID.Metric]
		if ev.ID.Kind == Timer {
			b = timer
		}
		if ev.ID.Namespace != r.Namespace || ev.ID.Clock != r.ID || b == nil {
			bad(p, "event %s belongs to no clock of the record", ev.ID)
			continue
		}
		if err := checkPending(ev, b.e); err != nil {
			bad(p, "event %s: %v", ev.ID, err)
			continue
		}
		b.late = append(b.late, ev)
	}
	for _, b := range es {
		// The first pending event is the one the queue holds: keep each
		// clock's list in deadline order (stable, so a warning recorded
		// before a met event at the same instant stays first).
		slices.SortStableFunc(b.late, func(a, b Event) int { return a.At.Compare(b.At) })
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return es, nil
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// checkPending checks an undelivered event against the entry it belongs
// to: a known kind, an instant the queue can hold and not after the
// entry's last change, and a cycle and step the clock has had.
func checkPending(ev Event, e *entry) error {
	switch {
	case ev.At.IsZero() || !queueable(ev.At):
		return errors.New("instant zero or outside the years 1678 to 2262")
	case !ev.ID.Kind.valid():
		return errors.New("unknown kind")
	case ev.ID.Cycle < 1 || ev.ID.Step < 1:
		return errors.New("cycle and step must be at least 1")
	case e.timer:
		if ev.ID.Kind != Timer || ev.ID.Cycle > int(e.c.cycle) || e.idle {
			return errors.New("not an event of the record's timer (an idle timer has none)")
		}
		return nil
	case ev.ID.Kind == Timer || ev.ID.Cycle > e.c.Cycle():
		return fmt.Errorf("kind %s or cycle %d the clock has not had (cycle %d)", ev.ID.Kind, ev.ID.Cycle, e.c.Cycle())
	case ev.At.After(e.c.anchor):
		return fmt.Errorf("falls after the clock's last change %v", e.c.anchor)
	}
	if ev.ID.Kind == Met {
		if ev.ID.Step != 1 {
			return errors.New("a met event has step 1")
		}
		return nil
	}
	if ev.ID.Cycle < e.c.Cycle() {
		return nil // an earlier cycle, possibly on another target
	}
	n := 0
	for i, st := range e.c.spec.steps {
		if st.kind != ev.ID.Kind {
			continue
		}
		if n++; n == ev.ID.Step && i >= int(e.c.fired) {
			// A step the clock has not taken yet: it delivers it itself.
			return fmt.Errorf("step %d of the cycle, not among the %d the clock has delivered", i+1, e.c.fired)
		}
	}
	if ev.ID.Step > n {
		return fmt.Errorf("step %d of %d %s events", ev.ID.Step, n, ev.ID.Kind)
	}
	return nil
}

// Snapshot returns the tracker's state: every record, in the order their
// next deadlines fall (so that RestoreTracker, loading them in this order,
// delivers events of equal instants in the order they had), and the
// closed-cycle counts.
func (t *Tracker) Snapshot() TrackerSnapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := TrackerSnapshot{Version: SnapshotVersion, Records: make([]RecordSnapshot, 0, len(t.records))}
	// Records in the order the queue delivers their first entries, so that
	// a restore, loading them in this order, schedules equal instants in the
	// order they had; records with nothing queued last, by key.
	heads := make([]*entry, 0, len(t.records))
	for rk := range t.records {
		first := t.records[rk]
		for e := first.next; e != nil; e = e.next {
			if t.queueOrder(e, first) < 0 {
				first = e
			}
		}
		heads = append(heads, first)
	}
	slices.SortFunc(heads, func(a, b *entry) int {
		return cmp.Or(t.queueOrder(a, b), cmp.Compare(t.spaces[a.ns].name, t.spaces[b.ns].name), cmp.Compare(a.id, b.id))
	})
	for _, e := range heads {
		s.Records = append(s.Records, t.recordLocked(recKey{e.id, e.ns}))
	}
	for k, c := range t.closed {
		s.Closed = append(s.Closed, ClosedCycles{Namespace: t.spaces[k.ns].name, Metric: k.m, Priority: t.prios[k.prio],
			Met: c.met, Breached: c.breached})
	}
	slices.SortFunc(s.Closed, compareClosed)
	return s
}

func compareClosed(a, b ClosedCycles) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Priority, b.Priority))
}

// RestoreTracker returns a tracker holding the state of s, configured by
// opts (the clock, the handlers, and the spec resolver that turns each
// recorded target back into a spec: WithSpecResolver). Events already
// delivered are not delivered again; events that fell due while the host
// was down are delivered, in deadline order, by the first AdvanceTo that
// reaches them. The snapshot is checked as the live operations would check
// it, and every problem is reported at once.
//
// Engines that schedule on a shared tracker register their namespaces on
// the restored tracker (their own Restore functions take it as an option)
// before it is advanced.
func RestoreTracker(s TrackerSnapshot, opts ...Option) (*Tracker, error) {
	t := NewTracker(opts...)
	var errs []error
	if s.Version != SnapshotVersion {
		errs = append(errs, fieldErr("version", "format version %d, want %d", s.Version, SnapshotVersion))
	}
	built := make([][]*builtEntry, len(s.Records))
	seen := map[RecordKey]bool{}
	for i, r := range s.Records {
		p := fmt.Sprintf("records[%d]", i)
		if seen[r.Key()] {
			errs = append(errs, fieldErr(p, "second record %s", r.Key()))
			continue
		}
		seen[r.Key()] = true
		es, err := t.buildRecord(r, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		built[i] = es
	}
	closed := map[ClosedCycles]bool{}
	for i, c := range s.Closed {
		p := fmt.Sprintf("closed[%d]", i)
		k := ClosedCycles{Namespace: c.Namespace, Metric: c.Metric, Priority: c.Priority}
		switch {
		case c.Met < 0 || c.Breached < 0:
			errs = append(errs, fieldErr(p, "counts must not be negative"))
		case closed[k]:
			errs = append(errs, fieldErr(p, "duplicate counts of %s/%s",
				RecordKey{Namespace: c.Namespace, ID: c.Metric.String()}, c.Priority))
		case !validNamespace(c.Namespace):
			errs = append(errs, fieldErr(p, "%q is not a namespace", c.Namespace))
		}
		closed[k] = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Load in a fixed order so equal deadlines fire in a stable order.
	for i, r := range s.Records {
		if err := t.loadLocked(r.Key(), built[i]); err != nil {
			return nil, sqerr.Prefix(fmt.Sprintf("records[%d]", i), err)
		}
	}
	for _, c := range s.Closed {
		ns, err := t.nsLocked(c.Namespace, true)
		if err != nil {
			return nil, err
		}
		t.closed[attKey{c.Metric, ns, t.prioLocked(c.Priority)}] = &attCount{met: c.Met, breached: c.Breached}
	}
	return t, nil
}

// SpecResolver returns a resolver for restores and loads (WithSpecResolver):
// it looks the recorded target up in ps (when ps is not nil) so that
// restored clocks share precompiled specs, else builds it with the calendar
// named in reg (the 24x7 calendar CalendarAlways is always known). Specs it
// builds are shared between identical definitions. The resolver is safe for
// concurrent use.
func SpecResolver(ps *Policies, reg Registry) func(SpecDef) (*Spec, error) {
	var (
		mu    sync.Mutex
		built = map[string]*Spec{}
	)
	return func(def SpecDef) (*Spec, error) {
		if ps != nil {
			if s, ok := ps.Lookup(def); ok {
				return s, nil
			}
		}
		key, err := json.Marshal(def)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		if s := built[string(key)]; s != nil {
			return s, nil
		}
		bt, err := reg.Lookup(def.Calendar)
		if err != nil && def.Calendar == CalendarAlways {
			bt, err = AlwaysOpen(), nil
		}
		if err != nil {
			return nil, err
		}
		s, err := NewSpec(def, bt)
		if err != nil {
			return nil, err
		}
		built[string(key)] = s
		return s, nil
	}
}

// compareKeys orders clock keys by namespace, id, then metric.
func compareKeys(a, b ClockKey) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Metric, b.Metric))
}

// otherRecord returns the key of a record the tracker holds other than
// key, if any.
func (t *Tracker) otherRecord(key RecordKey) (RecordKey, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for rk := range t.records {
		if other := (RecordKey{Namespace: t.spaces[rk.ns].name, ID: rk.id}); other != key {
			return other, true
		}
	}
	return RecordKey{}, false
}
