package slatest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// StoreHarness is what TestStore needs of a durable backend.
type StoreHarness struct {
	// Store is an empty store.
	Store sla.Store
	// FireDue runs the backend's scheduler up to until: it fires, through
	// d (a Durable on Store), every record whose next deadline is at or
	// before until, until none is left, and returns the events that the
	// store's outbox recorded meanwhile, in the order it recorded them.
	// A backend on a job queue works its due jobs here, synchronously.
	FireDue func(ctx context.Context, d *sla.Durable, until time.Time) ([]sla.Event, error)
}

// storeT0 is the start of the suite's workload: Monday 2 March 2026, 09:00 UTC.
var storeT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// TestStore is the conformance suite of sla.Store, in the spirit of
// testing/fstest.TestFS: a durable backend calls it from its own tests
// with a function returning a harness on an empty store. It checks
// loading (a copy of what was saved), optimistic concurrency (one of
// concurrent writers, or of concurrent creators of one key, wins; the
// others get sla.ErrConflict and nothing is lost), deletion (with the
// record's deadline), the outbox (each event recorded once, also when
// delivered concurrently), and that the backend's scheduler, driven through
// sla.Durable, delivers every warning, breach, reminder, met and timer
// event of a workload exactly once and never before its instant: the same
// events a single in-memory sla.Tracker delivers for the same workload.
func TestStore(t *testing.T, newHarness func(t *testing.T) StoreHarness) {
	t.Helper()
	ctx := context.Background()
	t.Run("LoadMissing", func(t *testing.T) {
		h := newHarness(t)
		_, err := h.Store.Load(ctx, sla.RecordKey{ID: "nobody"})
		if !errors.Is(err, sla.ErrRecordNotFound) {
			t.Fatalf("Load of a missing record: got %v, want an error wrapping sla.ErrRecordNotFound", err)
		}
	})
	t.Run("SaveLoadConflictDelete", func(t *testing.T) { storeSaveLoad(ctx, t, newHarness(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { storeConcurrent(ctx, t, newHarness(t)) })
	t.Run("Outbox", func(t *testing.T) { storeOutbox(ctx, t, newHarness(t)) })
	t.Run("Timeline", func(t *testing.T) { storeTimeline(ctx, t, newHarness(t)) })
	t.Run("DeleteUnschedules", func(t *testing.T) { storeDeleteUnschedules(ctx, t, newHarness(t)) })
}

func storeSaveLoad(ctx context.Context, t *testing.T, h StoreHarness) {
	key := sla.RecordKey{Namespace: "suite", ID: "T-1"}
	rec := sla.StoredRecord{Key: key, Timeline: sla.RecordSnapshot{Version: sla.SnapshotVersion, Namespace: key.Namespace, ID: key.ID},
		Data: json.RawMessage(`{"state":"received"}`), Next: storeT0.Add(time.Hour),
		NextID: sla.EventID{Namespace: "suite", Clock: "T-1", Kind: sla.Timer, Cycle: 1, Step: 1}}
	v, err := h.Store.Save(ctx, rec)
	if err != nil || v != 1 {
		t.Fatalf("Save of a new record: version %d, error %v; want 1, nil", v, err)
	}
	got, err := h.Store.Load(ctx, key)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.Version != 1 || got.Key != key || !jsonEqual(got.Data, rec.Data) || !got.Next.Equal(rec.Next) || got.NextID != rec.NextID ||
		!timelineEqual(got.Timeline, rec.Timeline) {
		t.Fatalf("Load returned %+v, want the saved record at version 1", got)
	}
	got.Data[0] = ' ' // the caller's copy: the store's record must not change
	if again, err := h.Store.Load(ctx, key); err != nil || !jsonEqual(again.Data, rec.Data) {
		t.Fatalf("changing a loaded record changed the store: %s (%v)", again.Data, err)
	}
	rec.Version, rec.Data = 1, json.RawMessage(`{"state":"assigned"}`)
	if v, err := h.Store.Save(ctx, rec); err != nil || v != 2 {
		t.Fatalf("Save at version 1: version %d, error %v; want 2, nil", v, err)
	}
	for _, stale := range []int64{0, 1, 3} {
		rec.Version, rec.Data = stale, json.RawMessage(`{"state":"lost"}`)
		_, err := h.Store.Save(ctx, rec)
		var ce *sla.ConflictError
		if !errors.Is(err, sla.ErrConflict) || !errors.As(err, &ce) || ce.Stored != 2 || ce.Expected != stale {
			t.Fatalf("Save expecting version %d of a record at version 2: got %v, want a *sla.ConflictError (2 stored)", stale, err)
		}
	}
	if got, _ := h.Store.Load(ctx, key); got.Version != 2 || !jsonEqual(got.Data, json.RawMessage(`{"state":"assigned"}`)) {
		t.Fatalf("a refused Save changed the record: %+v", got)
	}
	if err := h.Store.Delete(ctx, key, 1); !errors.Is(err, sla.ErrConflict) {
		t.Fatalf("Delete at a stale version: got %v, want sla.ErrConflict", err)
	}
	if err := h.Store.Delete(ctx, key, 2); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := h.Store.Load(ctx, key); !errors.Is(err, sla.ErrRecordNotFound) {
		t.Fatalf("Load after Delete: got %v, want sla.ErrRecordNotFound", err)
	}
	if err := h.Store.Delete(ctx, key, 2); !errors.Is(err, sla.ErrConflict) {
		t.Fatalf("Delete of a missing record: got %v, want sla.ErrConflict", err)
	}
}

// storeConcurrent has writers race on one record from the same loaded
// version (the first round creating it): exactly one wins each round, the
// others get ErrConflict, and the winner's data is what the store holds.
func storeConcurrent(ctx context.Context, t *testing.T, h StoreHarness) {
	key := sla.RecordKey{ID: "shared"}
	const writers = 4
	for round := range 10 {
		base := sla.StoredRecord{Key: key, Timeline: sla.RecordSnapshot{Version: sla.SnapshotVersion, ID: key.ID}}
		if round > 0 {
			var err error
			if base, err = h.Store.Load(ctx, key); err != nil {
				t.Fatalf("Load: %v", err)
			}
		}
		results := make([]error, writers)
		together(writers, func(w int) {
			rec := base
			rec.Data = json.RawMessage(fmt.Sprintf(`{"writer":%d,"round":%d}`, w, round))
			_, results[w] = h.Store.Save(ctx, rec)
		})
		winner := -1
		for w, err := range results {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: writers %d and %d both saved version %d", round, winner, w, base.Version)
			case err == nil:
				winner = w
			case !errors.Is(err, sla.ErrConflict):
				t.Fatalf("round %d: writer %d: %v, want nil or sla.ErrConflict", round, w, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no writer saved", round)
		}
		got, err := h.Store.Load(ctx, key)
		if err != nil || got.Version != base.Version+1 || !jsonEqual(got.Data, json.RawMessage(fmt.Sprintf(`{"writer":%d,"round":%d}`, winner, round))) {
			t.Fatalf("round %d: stored %+v (%v), want writer %d's data at version %d", round, got, err, winner, base.Version+1)
		}
	}
}

func storeOutbox(ctx context.Context, t *testing.T, h StoreHarness) {
	ev := func(id string, step int) sla.Event {
		return sla.Event{ID: sla.EventID{Clock: id, Metric: sla.Resolution, Kind: sla.Warning, Cycle: 1, Step: step}, At: storeT0}
	}
	fresh, err := h.Store.Deliver(ctx, []sla.Event{ev("A", 1), ev("A", 2), ev("A", 1)})
	if err != nil || len(fresh) != 2 || fresh[0].ID != ev("A", 1).ID || fresh[1].ID != ev("A", 2).ID {
		t.Fatalf("Deliver: %v, %v; want A's warnings 1 and 2 once each", fresh, err)
	}
	fresh, err = h.Store.Deliver(ctx, []sla.Event{ev("A", 2), ev("B", 1)})
	if err != nil || len(fresh) != 1 || fresh[0].ID != ev("B", 1).ID {
		t.Fatalf("Deliver of a recorded and a new event: %v, %v; want only B's", fresh, err)
	}
	// One event delivered by several writers at once is fresh for one.
	const writers = 4
	for round := range 5 {
		fresh := make([]int, writers)
		together(writers, func(w int) {
			got, err := h.Store.Deliver(ctx, []sla.Event{ev("C", round+1)})
			if err != nil {
				t.Errorf("Deliver: %v", err)
			}
			fresh[w] = len(got)
		})
		n := 0
		for _, f := range fresh {
			n += f
		}
		if n != 1 {
			t.Fatalf("round %d: %d concurrent writers found one event fresh %d times, want once", round, writers, n)
		}
	}
}

// storeDeleteUnschedules deletes a record with a deadline: the backend's
// scheduler then fires nothing of it, and fails on nothing.
func storeDeleteUnschedules(ctx context.Context, t *testing.T, h StoreHarness) {
	d := sla.NewDurable(h.Store, nil)
	key := sla.RecordKey{ID: "gone"}
	rec, err := d.Update(ctx, key, func(tr *sla.Tracker, _ *json.RawMessage) error { return tr.SetTimer(key, storeT0.Add(time.Hour)) })
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if err := h.Store.Delete(ctx, key, rec.Version); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	evs, err := h.FireDue(ctx, d, storeT0.Add(2*time.Hour))
	if err != nil || len(evs) != 0 {
		t.Fatalf("FireDue after Delete: %v, %v; want nothing", evs, err)
	}
}

// storeTimeline runs a workload of clocks and timers on records kept in the
// store and compares what the backend's scheduler delivers with what one
// in-memory tracker delivers.
func storeTimeline(ctx context.Context, t *testing.T, h StoreHarness) {
	d := sla.NewDurable(h.Store, nil)
	ref := sla.NewTracker()
	var want []sla.Event
	ref.OnEvent(func(e sla.Event) { want = append(want, e) })
	if err := ref.Register("suite.b", func(e sla.Event) { want = append(want, e) }); err != nil {
		t.Fatal(err)
	}
	short, err := sla.NewSpec(sla.SpecDef{Policy: "suite", Metric: sla.FirstResponse, Within: sla.Duration(30 * time.Minute),
		Calendar: sla.CalendarAlways, Warnings: []sla.Rung{{Percent: 50}}, Reminders: []sla.Duration{sla.Duration(15 * time.Minute)}}, sla.AlwaysOpen())
	if err != nil {
		t.Fatal(err)
	}
	long, err := sla.NewSpec(sla.SpecDef{Policy: "suite", Metric: sla.Resolution, Within: sla.Duration(4 * time.Hour),
		Calendar: sla.CalendarAlways, Warnings: []sla.Rung{{Percent: 50}, {Before: sla.Duration(30 * time.Minute)}}}, sla.AlwaysOpen())
	if err != nil {
		t.Fatal(err)
	}
	// op applies one change to the reference tracker and to the store.
	op := func(key sla.RecordKey, f func(tr *sla.Tracker) error) {
		t.Helper()
		if err := f(ref); err != nil {
			t.Fatalf("reference: %v", err)
		}
		if _, err := d.Update(ctx, key, func(tr *sla.Tracker, _ *json.RawMessage) error { return f(tr) }); err != nil {
			t.Fatalf("store: %s: %v", key, err)
		}
	}
	var got []sla.Event
	fire := func(until time.Time) {
		t.Helper()
		ref.AdvanceTo(until)
		evs, err := h.FireDue(ctx, d, until)
		if err != nil {
			t.Fatalf("FireDue(%v): %v", until, err)
		}
		for _, e := range evs {
			if e.At.After(until) {
				t.Fatalf("event %s at %v delivered early, by %v", e.ID, e.At, until)
			}
		}
		got = append(got, evs...)
	}
	const n = 24
	key := func(i int) sla.RecordKey {
		if i%3 == 2 {
			return sla.RecordKey{Namespace: "suite.b", ID: fmt.Sprint("T-", i)}
		}
		return sla.RecordKey{ID: fmt.Sprint("T-", i)}
	}
	ck := func(i int, m sla.Metric) sla.ClockKey {
		return sla.ClockKey{Namespace: key(i).Namespace, ID: key(i).ID, Metric: m}
	}
	for i := range n {
		at := storeT0.Add(time.Duration(i) * 7 * time.Minute)
		op(key(i), func(tr *sla.Tracker) error {
			if err := tr.StartAt(at, ck(i, ""), short, "p"); err != nil {
				return err
			}
			if err := tr.StartAt(at, ck(i, ""), long, "p"); err != nil {
				return err
			}
			if i%4 == 0 {
				return tr.SetTimer(key(i), at.Add(95*time.Minute))
			}
			return nil
		})
	}
	fire(storeT0.Add(40 * time.Minute))
	for i := range n {
		at := storeT0.Add(time.Duration(160+i) * time.Minute)
		switch i % 4 {
		case 1: // answered late, then resolved in time
			op(key(i), func(tr *sla.Tracker) error {
				if _, err := tr.StopAt(at, ck(i, sla.FirstResponse)); err != nil {
					return err
				}
				_, err := tr.StopAt(at, ck(i, sla.Resolution))
				return err
			})
		case 2: // waiting on the customer
			op(key(i), func(tr *sla.Tracker) error { return tr.PauseAt(at, ck(i, sla.Resolution)) })
		}
	}
	fire(storeT0.Add(3 * time.Hour))
	fire(storeT0.Add(3 * time.Hour)) // again: nothing twice
	for i := 0; i < n; i += 4 {      // the timers, which fell due, set again
		op(key(i), func(tr *sla.Tracker) error { return tr.SetTimer(key(i), storeT0.Add(time.Duration(300+i)*time.Minute)) })
	}
	fire(storeT0.Add(24 * time.Hour))

	if len(got) < 3*n {
		t.Fatalf("the store delivered %d events, fewer than the workload's %d at least", len(got), 3*n)
	}
	seen := map[sla.EventID]bool{}
	for _, e := range got {
		if seen[e.ID] {
			t.Fatalf("event %s delivered twice", e.ID)
		}
		seen[e.ID] = true
	}
	byRecord := func(evs []sla.Event) map[sla.RecordKey][]string {
		out := map[sla.RecordKey][]string{}
		for _, e := range evs {
			k := e.Key().Record()
			out[k] = append(out[k], e.ID.String()+"@"+e.At.UTC().Format(time.RFC3339))
		}
		for _, l := range out {
			slices.Sort(l) // equal instants of one record may come in either order
		}
		return out
	}
	w, g := byRecord(want), byRecord(got)
	for k, l := range w {
		if !slices.Equal(l, g[k]) {
			t.Errorf("record %s: the store delivered %v, one tracker %v", k, g[k], l)
		}
	}
	if len(g) != len(w) {
		t.Errorf("the store delivered events of %d records, one tracker of %d", len(g), len(w))
	}
}

// together runs f(0) to f(n-1) in goroutines of their own and waits for
// them.
func together(n int, f func(w int)) {
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w)
		}()
	}
	wg.Wait()
}

// timelineEqual reports whether a and b are the same record state.
func timelineEqual(a, b sla.RecordSnapshot) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && jsonEqual(ja, jb)
}

// jsonEqual reports whether a and b hold the same JSON value (a store may
// normalise the text, as PostgreSQL's jsonb does).
func jsonEqual(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}
