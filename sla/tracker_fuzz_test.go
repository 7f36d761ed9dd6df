package sla

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzTracker drives a tracker with random changes and advances at
// non-decreasing instants and checks what it delivers: deadlines never go
// backwards, no event id is delivered twice, no event is delivered before
// its deadline is reached, and within a cycle events come in schedule order.
// It then snapshots the tracker, restores the snapshot (through JSON) into
// another one and expects both to deliver the same events of each clock in
// the same order.
// (Before re-targeting opened a new cycle, a restart re-delivered warning 1
// of the same cycle: see testdata.)
func FuzzTracker(f *testing.F) {
	f.Add([]byte{0, 1, 5, 2, 0, 9, 1, 3, 4, 0, 5, 200, 2, 1, 3, 3, 5, 255}, false)
	f.Add([]byte{0, 0, 0, 1, 0, 2, 6, 30, 1, 1, 6, 90, 2, 1, 3, 1, 4, 1, 5, 255, 5, 255}, false)
	f.Fuzz(tkFuzzTracker)
}

// tkFuzzTracker is the body of FuzzTracker.
func tkFuzzTracker(t *testing.T, ops []byte, business bool) {
	var bt BusinessTime = tkAlways{}
	if business {
		bt = tkNineToFive{}
	}
	spec := tkSpec(t, 90*time.Minute, bt, tkLadder(), Duration(15*time.Minute), Duration(time.Hour))
	short := tkSpec(t, 20*time.Minute, bt, []Rung{{Percent: 50}})
	tr := NewTracker()
	now := tkT0
	last := time.Time{}
	seen := map[string]bool{}
	order := map[string]int{} // clock/cycle -> index of the last step delivered
	tr.OnEvent(func(e Event) {
		if e.At.Before(last) {
			t.Fatalf("%s at %s after an event at %s", e.ID, e.At, last)
		}
		if e.At.After(now) {
			t.Fatalf("%s at %s delivered by an advance to %s", e.ID, e.At, now)
		}
		last = e.At
		if seen[e.ID.String()] {
			t.Fatalf("%s delivered twice", e.ID)
		}
		seen[e.ID.String()] = true
		rank := map[Kind]int{Warning: 0, Breach: 100, Reminder: 200, Met: 300}[e.ID.Kind] + e.ID.Step
		cyc := fmt.Sprint(e.ID.Clock, "/", e.ID.Cycle)
		if prev, ok := order[cyc]; ok && rank <= prev {
			t.Fatalf("%s out of order within its cycle", e.ID)
		}
		order[cyc] = rank
	})
	for i := 0; i+1 < len(ops); i += 2 {
		now = now.Add(time.Duration(ops[i+1]) * time.Minute)
		id := fmt.Sprint("T", ops[i]>>4)
		key := ClockKey{ID: id, Metric: Resolution}
		switch op := int(ops[i] % 8); op {
		case 0, 1, 2, 3, 4, 5:
			tkApplyOp(tr, op, id, spec, "", now)
		case 6:
			_ = tr.RetargetAt(now, key, short, Strategy([]string{"keep_elapsed", "restart", "rescale"}[ops[i+1]%3]))
		case 7:
			// A key started again after Remove begins at cycle 1 again
			// (documented): forget what it delivered.
			if tr.Remove(key) {
				for k := range seen {
					if strings.HasPrefix(k, id+"/") {
						delete(seen, k)
					}
				}
				for k := range order {
					if strings.HasPrefix(k, id+"/") {
						delete(order, k)
					}
				}
			}
		}
	}
	// A snapshot taken now and restored into another tracker (through
	// JSON) delivers what the original delivers from here on: the same
	// events of each clock in the same order, at non-decreasing
	// instants (equal instants of different clocks may come in another
	// order: a snapshot does not record scheduling sequence).
	raw, err := json.Marshal(tr.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap TrackerSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	restored, err := RestoreTracker(snap, WithSpecResolver(SpecResolver(nil, Registry{"24x7": bt})))
	if err != nil {
		t.Fatal(err)
	}
	after, restoredAfter := map[string][]string{}, map[string][]string{}
	tr.OnEvent(func(e Event) { after[e.ID.Clock] = append(after[e.ID.Clock], e.ID.String()+"@"+e.At.UTC().String()) })
	var lastRestored time.Time
	restored.OnEvent(func(e Event) {
		if e.At.Before(lastRestored) {
			t.Fatalf("restored: %s at %s after an event at %s", e.ID, e.At, lastRestored)
		}
		lastRestored = e.At
		restoredAfter[e.ID.Clock] = append(restoredAfter[e.ID.Clock], e.ID.String()+"@"+e.At.UTC().String())
	})
	now = now.Add(90 * 24 * time.Hour)
	tr.AdvanceTo(now)
	restored.AdvanceTo(now)
	if _, ok := tr.NextDeadline(); ok {
		t.Fatal("deadlines left after 90 days")
	}
	if !maps.EqualFunc(after, restoredAfter, slices.Equal) {
		t.Fatalf("after a snapshot round trip:\n got %q\nwant %q", restoredAfter, after)
	}
}

// tkApplyOp applies one of the six basic tracker operations to clock id:
// 0 start (on spec, with priority prio), 1 pause, 2 resume, 3 stop, 4 new
// cycle, 5 advance to now. Errors are ignored: random workloads make
// out-of-order calls on purpose.
func tkApplyOp(tr *Tracker, op int, id string, spec *Spec, prio string, now time.Time) {
	key := ClockKey{ID: id, Metric: spec.Metric()}
	switch op {
	case 0:
		_ = tr.StartAt(now, ClockKey{ID: id}, spec, prio)
	case 1:
		_ = tr.PauseAt(now, key)
	case 2:
		_ = tr.ResumeAt(now, key)
	case 3:
		_, _ = tr.StopAt(now, key)
	case 4:
		_ = tr.NewCycleAt(now, key)
	case 5:
		tr.AdvanceTo(now)
	}
}
