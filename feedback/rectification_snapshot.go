package feedback

import (
	"errors"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// rectSnapshotVersion is the current RectificationsSnapshot format.
const rectSnapshotVersion = 1

// RectificationRecord is one item in a snapshot: the item's own record
// (its derived fields State, Owner, FirstResponder, Due and History left
// empty) and its lifecycle machine's snapshot, which holds the state,
// owner, transfers and history.
type RectificationRecord struct {
	Item      Rectification `json:"item"`
	Lifecycle fsm.Snapshot  `json:"lifecycle"`
}

// RectificationsSnapshot is the serialisable state of a [Rectifications]:
// every item and the SLA tracker with the items' clocks, the events not yet
// delivered and the attainment counts.
type RectificationsSnapshot struct {
	Version int                   `json:"version"`
	Items   []RectificationRecord `json:"items"`
	Tracker sla.TrackerSnapshot   `json:"tracker"`
}

// Snapshot returns the state as a plain value, items by opening time then
// id. Store it as JSON and rebuild with RestoreRectifications.
func (rs *Rectifications) Snapshot() RectificationsSnapshot {
	rs.mu.Lock()
	s := RectificationsSnapshot{Version: rectSnapshotVersion, Items: make([]RectificationRecord, 0, len(rs.items))}
	for _, it := range rs.items {
		s.Items = append(s.Items, RectificationRecord{Item: it.r.clone(), Lifecycle: it.m.Snapshot()})
	}
	s.Tracker = rs.tr.Snapshot()
	rs.mu.Unlock()
	sortByTimeThenID(s.Items, func(r *RectificationRecord) (time.Time, string) { return rectOpened(&r.Item) })
	return s
}

// RestoreRectifications rebuilds a [Rectifications] from a snapshot with the
// given clock (nil means clock.New()) and configuration. Each recorded
// deadline is resolved against cfg's specs (the default deadline and those
// by category), so cfg must still hold the specs the snapshot's clocks were
// started with. Every problem is reported at once: an unsupported version,
// invalid or duplicate items, lifecycles the rectification definition
// rejects, an item without an SLA clock, a clock without
// an item, and clocks whose deadline cfg does not know. Events that fell due
// and were not delivered before the snapshot are delivered by the first
// AdvanceTo that reaches them.
func RestoreRectifications(clk clock.Clock, cfg RectificationConfig, s RectificationsSnapshot) (*Rectifications, error) {
	rs, err := NewRectifications(clk, cfg)
	if err != nil {
		return nil, err
	}
	var errs []error
	if s.Version != rectSnapshotVersion {
		errs = append(errs, fieldErr("version", "unsupported snapshot version %d", s.Version))
	}
	clocks := map[string]sla.Metric{}
	var pending []sla.Event
	for _, r := range s.Tracker.Records {
		for _, c := range r.Clocks {
			clocks[r.ID] = c.Clock.Spec.Metric
		}
		pending = append(pending, r.Pending...)
	}
	for i, rec := range s.Items {
		path := pathf("items[%d]", i)
		r := rec.Item
		in := RectificationInput{ID: r.ID, Source: r.Source, Category: r.Category, Owner: rec.Lifecycle.Owner, Actions: r.Actions}
		if err := in.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", path, err))
			continue
		}
		if r.OpenedAt.IsZero() {
			errs = append(errs, fieldErr(path+".item.opened_at", "zero time"))
			continue
		}
		if _, dup := rs.items[r.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: %w: rectification %q", path, ErrDuplicate, r.ID))
			continue
		}
		if rec.Lifecycle.ID != r.ID {
			errs = append(errs, fieldErr(path+".lifecycle.id", "%q differs from the item id %q", rec.Lifecycle.ID, r.ID))
			continue
		}
		m, err := fsm.Restore(rectDefinition, rec.Lifecycle, fsm.WithClock(rs.clk))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.lifecycle: %w", path, err))
			continue
		}
		closed := m.State() == RectClosed
		if closed != !r.ClosedAt.IsZero() {
			errs = append(errs, fieldErr(path+".item.closed_at", "closed_at set %v but state is %s", !r.ClosedAt.IsZero(), m.State()))
			continue
		}
		metric, hasClock := clocks[r.ID]
		if !hasClock {
			errs = append(errs, fieldErr(path, "item %q has no SLA clock", r.ID))
			continue
		}
		delete(clocks, r.ID)
		it := &rectItem{r: r.clone(), m: m, key: sla.ClockKey{ID: r.ID, Metric: metric}, last: rectLast(r, m)}
		it.r.State, it.r.Owner, it.r.FirstResponder, it.r.Due, it.r.History = "", "", "", time.Time{}, nil
		rs.items[r.ID] = it
	}
	errs = append(errs, orphanErrors(clocks, pending, func(id string) bool { return rs.items[id] != nil }, "item")...)
	if tr, err := sla.RestoreTracker(s.Tracker, sla.WithClock(rs.clk), sla.WithHandler(rs.deliver), sla.WithSpecResolver(rs.resolve)); err != nil {
		errs = append(errs, fmt.Errorf("tracker: %w", err))
	} else {
		rs.tr = tr
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return rs, nil
}

// resolve finds the configured spec a snapshot's clock was started with.
func (rs *Rectifications) resolve(def sla.SpecDef) (*sla.Spec, error) {
	specs := []*sla.Spec{rs.cfg.Deadline}
	for _, s := range rs.cfg.ByCategory {
		specs = append(specs, s)
	}
	for _, s := range specs {
		same, err := sameSpec(def, s)
		if err != nil {
			return nil, err
		}
		if same {
			return s, nil
		}
	}
	return nil, fieldErr("spec", "deadline %s within %s on %q is not in the configuration", def.Metric, def.Within, def.Calendar)
}

// rectLast returns the latest instant recorded on a restored item.
func rectLast(r Rectification, m *fsm.Machine) time.Time {
	more := []time.Time{r.ClosedAt}
	for _, a := range r.Actions {
		more = append(more, a.AddedAt, a.DoneAt)
	}
	for _, v := range r.Verifications {
		more = append(more, v.At)
	}
	if r.Notice != nil {
		more = append(more, r.Notice.At)
	}
	return latestRecorded(r.OpenedAt, m, more...)
}
