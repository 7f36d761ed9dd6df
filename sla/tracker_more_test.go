package sla

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrackerRecordsRoundTrip runs one random workload twice: on one
// tracker, and on a tracker that unloads the touched record after every
// operation, passes it through JSON and loads it back, as a host keeping
// each ticket's clocks in the ticket's own row does. Each clock must
// deliver the same events at the same instants either way.
func TestTrackerRecordsRoundTrip(t *testing.T) {
	run := func(reload bool) map[string][]string {
		m := clock.NewMock()
		m.Set(tkT0)
		byClock := map[string][]string{}
		tr := NewTracker(WithClock(m), WithSpecResolver(SpecResolver(nil, Registry{"24x7": tkNineToFive{}})),
			WithHandler(func(e Event) {
				byClock[e.ID.Clock] = append(byClock[e.ID.Clock], e.ID.String()+"@"+e.At.UTC().Format(time.RFC3339))
			}))
		r := rand.New(rand.NewPCG(4, 2))
		spec := tkSpec(t, 2*time.Hour, tkNineToFive{}, tkLadder(), Duration(15*time.Minute), Duration(time.Hour))
		now := tkT0
		for i := range 300 {
			now = now.Add(time.Duration(r.IntN(20)) * time.Minute)
			id := fmt.Sprint("T", r.IntN(60))
			key := ClockKey{ID: id, Metric: Resolution}
			tkApplyOp(tr, r.IntN(6), id, spec, "p", now)
			if i%50 == 0 {
				tr.Remove(key)
			}
			if i%7 == 0 {
				tr.AdvanceTo(now)
			}
			if reload {
				rec, ok := tr.Unload(key.Record())
				if !ok {
					continue
				}
				b, err := json.Marshal(rec)
				require.NoError(t, err)
				var back RecordSnapshot
				require.NoError(t, json.Unmarshal(b, &back))
				require.NoError(t, tr.Load(back))
			}
		}
		tr.AdvanceTo(now.Add(30 * 24 * time.Hour))
		return byClock
	}
	direct := run(false)
	reloaded := run(true)
	total := 0
	for _, evs := range direct {
		total += len(evs)
	}
	assert.Greater(t, total, 100)
	assert.Equal(t, direct, reloaded)
}

func TestTrackerAttainment(t *testing.T) {
	tr, _, _ := tkTracker(t)
	fast := tkSpec(t, time.Hour, tkAlways{}, nil)
	first, err := NewSpec(SpecDef{Metric: FirstResponse, Within: Duration(10 * time.Minute), Calendar: "24x7"}, tkAlways{})
	require.NoError(t, err)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, fast, "urgent"))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "B"}, fast, "urgent"))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "C"}, fast, "normal"))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, first, "urgent"))
	_, err = tr.StopAt(tkT0.Add(5*time.Minute), ClockKey{ID: "A", Metric: FirstResponse})
	require.NoError(t, err)
	_, err = tr.StopAt(tkT0.Add(30*time.Minute), ClockKey{ID: "A", Metric: Resolution})
	require.NoError(t, err)
	require.NoError(t, tr.PauseAt(tkT0.Add(50*time.Minute), ClockKey{ID: "C", Metric: Resolution}))

	assert.Equal(t, []Attainment{
		{Metric: FirstResponse, Priority: "urgent", Met: 1, PercentMet: 100},
		{Metric: Resolution, Priority: "normal", InProgress: 1},
		{Metric: Resolution, Priority: "urgent", Met: 1, InProgress: 1, PercentMet: 100},
	}, tr.AttainmentAt(tkT0.Add(59*time.Minute), ""), "B is still in time at 09:59")
	got := tr.AttainmentAt(tkT0.Add(61*time.Minute), "")
	assert.Equal(t, Attainment{Metric: Resolution, Priority: "urgent", Met: 1, Breached: 1, PercentMet: 50}, got[2], "B is open and breached")
	assert.Equal(t, Attainment{Metric: Resolution, Priority: "normal", InProgress: 1}, got[1], "C is paused within target")
}

func TestTrackerSnapshotWithPolicies(t *testing.T) {
	reg := Registry{"24x7": tkAlways{}, "business": tkNineToFive{}}
	p := DefaultPolicy()
	ps, err := NewPolicies(reg, p)
	require.NoError(t, err)
	tr, _, _ := tkTracker(t)
	for i, prio := range []string{"urgent", "normal", "low", "urgent"} {
		s, err := ps.Spec(tkT0, Attributes{"priority": prio}, FirstResponse)
		require.NoError(t, err)
		require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: fmt.Sprint("T", i)}, s, prio))
	}
	b, err := json.Marshal(tr.Snapshot())
	require.NoError(t, err)
	var snap TrackerSnapshot
	require.NoError(t, json.Unmarshal(b, &snap))
	tr2, rec2, err := tkRestore(t, snap, SpecResolver(ps, nil))
	require.NoError(t, err)
	c0, _ := tr2.Clock(ClockKey{ID: "T0", Metric: FirstResponse})
	c3, _ := tr2.Clock(ClockKey{ID: "T3", Metric: FirstResponse})
	assert.Same(t, c0.Spec(), c3.Spec(), "restored clocks share the compiled spec")
	orig, err := ps.Spec(tkT0, Attributes{"priority": "urgent"}, FirstResponse)
	require.NoError(t, err)
	assert.Same(t, orig, c0.Spec())
	tr2.AdvanceTo(tkT0.Add(time.Hour))
	// urgent (10m): 3 warnings, breach, reminder; normal (30m): 4 warnings,
	// breach, reminder; low takes the 15m fallback: 3 warnings, breach, reminder.
	assert.Len(t, rec2.events, 2*5+6+5)
}

func TestTrackerCustomMetric(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	s, err := NewSpec(SpecDef{Metric: "assessment", Within: Duration(time.Hour), Calendar: "24x7",
		Warnings: []Rung{{Before: Duration(15 * time.Minute)}}}, tkAlways{})
	require.NoError(t, err)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "INC-7"}, s, "major"))
	_, err = NewSpec(SpecDef{Metric: "a b", Within: Duration(time.Hour), Calendar: "24x7"}, tkAlways{})
	require.ErrorIs(t, err, ErrInvalid)
	tr.AdvanceTo(tkT0.Add(2 * time.Hour))
	assert.Equal(t, []string{"INC-7/assessment/warning/1/1@09:45", "INC-7/assessment/breach/1/1@10:00"}, rec.ids())
}

func TestTrackerAttainmentReadsItsClock(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, tkSpec(t, time.Hour, tkAlways{}, nil), ""))
	assert.Equal(t, 1, tr.Advance()+tr.AdvanceTo(tkT0.Add(2*time.Hour)))
	assert.Equal(t, []string{"A/resolution/breach/1/1@10:00"}, rec.ids())
	assert.Equal(t, []Attainment{{Metric: Resolution, InProgress: 1}}, tr.Attainment(""), "the mock still reads 09:00")
	assert.Equal(t, []Attainment{{Metric: Resolution, Breached: 1}}, tr.AttainmentAt(tkT0.Add(2*time.Hour), ""))
	assert.Empty(t, tr.AttainmentAt(tkT0.Add(2*time.Hour), "elsewhere"))
}

func TestTrackerOptionsTolerateBadValues(t *testing.T) {
	tr := NewTracker(WithClock(nil), WithCapacity(-5), WithHandler(nil))
	tr.OnEvent(nil)
	require.NoError(t, tr.Start(ClockKey{ID: "A"}, tkSpec(t, time.Hour, tkAlways{}, nil), ""))
	assert.Equal(t, 1, tr.Len())
	p, ok := tr.Priority(ClockKey{ID: "A", Metric: Resolution})
	assert.True(t, ok)
	assert.Empty(t, p)
}

// TestTrackerRestoreKeepsPendingOrder stops a clock at the very instant of
// its warning without advancing: the warning and the met event share one
// instant and must come warning first, before and after a snapshot round
// trip (ordering pending events by their id text put "met" before
// "warning").
func TestTrackerRestoreKeepsPendingOrder(t *testing.T) {
	spec := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}})
	setup := func() *Tracker {
		tr, _, _ := tkTracker(t)
		require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, spec, ""))
		met, err := tr.StopAt(tkT0.Add(30*time.Minute), ClockKey{ID: "A", Metric: Resolution})
		require.NoError(t, err)
		require.True(t, met)
		return tr
	}
	want := []string{"A/resolution/warning/1/1@09:30", "A/resolution/met/1/1@09:30"}

	direct, rec, err := tkRestore(t, setup().Snapshot(), SpecResolver(nil, Registry{"24x7": tkAlways{}}))
	require.NoError(t, err)
	src := setup()
	srcRec := &tkRecorder{}
	src.OnEvent(srcRec.handle)
	src.AdvanceTo(tkT0.Add(time.Hour))
	assert.Equal(t, want, srcRec.ids(), "without a snapshot")

	b, err := json.Marshal(setup().Snapshot())
	require.NoError(t, err)
	var snap TrackerSnapshot
	require.NoError(t, json.Unmarshal(b, &snap))
	tr2, rec2, err := tkRestore(t, snap, SpecResolver(nil, Registry{"24x7": tkAlways{}}))
	require.NoError(t, err)
	tr2.AdvanceTo(tkT0.Add(time.Hour))
	assert.Equal(t, want, rec2.ids(), "after a JSON round trip")

	direct.AdvanceTo(tkT0.Add(time.Hour))
	assert.Equal(t, want, rec.ids(), "after restoring the snapshot value")
}

// TestTrackerHandlerPanic checks the Handler doc: a handler's panic reaches
// the caller of AdvanceTo, its event counts as delivered, and the tracker
// stays usable (no lock left held).
func TestTrackerHandlerPanic(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}})
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, spec, ""))
	tr.OnEvent(func(e Event) {
		if e.ID.Kind == Warning {
			panic("handler failed")
		}
	})
	assert.PanicsWithValue(t, "handler failed", func() { tr.AdvanceTo(tkT0.Add(2 * time.Hour)) })
	assert.Equal(t, []string{"A/resolution/warning/1/1@09:30"}, rec.ids())
	assert.Equal(t, 1, tr.AdvanceTo(tkT0.Add(2*time.Hour)), "the warning is not delivered again")
	assert.Equal(t, []string{"A/resolution/warning/1/1@09:30", "A/resolution/breach/1/1@10:00"}, rec.ids())
	require.NoError(t, tr.StartAt(tkT0.Add(2*time.Hour), ClockKey{ID: "B"}, spec, ""))
	assert.Equal(t, 2, tr.Len())
}

// TestTrackerDeadlineBeyondNanosecondRange starts a clock whose breach
// falls after 2262, beyond the range of Unix nanoseconds that the deadline
// queue orders by: it must not fire early (a wrapped instant used to put it
// first in the queue).
func TestTrackerDeadlineBeyondNanosecondRange(t *testing.T) {
	for _, reload := range []bool{false, true} {
		tr, rec, _ := tkTracker(t)
		far := tkSpec(t, 250*365*24*time.Hour, tkAlways{}, []Rung{{Percent: 50}})
		near := tkSpec(t, time.Hour, tkAlways{}, nil)
		require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "far"}, far, ""))
		require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "near"}, near, ""))
		if reload {
			// Unloaded and loaded back (the 24x7 target resolves by default),
			// the far deadline stays out of the queue.
			r, ok := tr.Unload(RecordKey{ID: "far"})
			require.True(t, ok)
			require.NoError(t, tr.Load(r))
		}
		next, ok := tr.NextDeadline()
		require.True(t, ok)
		assert.Equal(t, tkT0.Add(time.Hour), next)
		tr.AdvanceTo(tkT0.Add(200 * 365 * 24 * time.Hour))
		assert.Equal(t, []string{"near/resolution/breach/1/1@10:00", "far/resolution/warning/1/1@09:00"}, rec.ids())
		assert.Equal(t, 2151, rec.events[1].At.Year())
	}
}

// TestTrackerRestoreChecksClosedCounts: the closed-cycle counts of a
// snapshot are checked like its clocks (a repeated metric and priority used
// to overwrite the first, and negative counts were taken as they were).
func TestTrackerRestoreChecksClosedCounts(t *testing.T) {
	_, _, err := tkRestore(t, TrackerSnapshot{Version: SnapshotVersion, Closed: []ClosedCycles{
		{Metric: Resolution, Priority: "p", Met: 2},
		{Metric: Resolution, Priority: "p", Breached: 1},
		{Metric: FirstResponse, Priority: "p", Met: -1},
	}}, SpecResolver(nil, nil))
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "closed[1]: duplicate counts of resolution/p")
	assert.Contains(t, err.Error(), "closed[2]: counts must not be negative")
	tr, _, err := tkRestore(t, TrackerSnapshot{Version: SnapshotVersion, Closed: []ClosedCycles{{Metric: Resolution, Priority: "p", Met: 2, Breached: 1}}}, SpecResolver(nil, nil))
	require.NoError(t, err)
	assert.Equal(t, []Attainment{{Metric: Resolution, Priority: "p", Met: 2, Breached: 1, PercentMet: 200.0 / 3}}, tr.AttainmentAt(tkT0, ""))
}
