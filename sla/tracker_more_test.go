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

// tkCountingScheduler wraps the keyed memory scheduler, standing in for a
// durable one.
type tkCountingScheduler struct {
	Scheduler
	sets, removes int
}

func (s *tkCountingScheduler) Set(k ClockKey, at time.Time) { s.sets++; s.Scheduler.Set(k, at) }
func (s *tkCountingScheduler) Remove(k ClockKey)            { s.removes++; s.Scheduler.Remove(k) }

// TestTrackerSchedulersAgree runs one random workload on the default heap
// and on a custom Scheduler and expects the same events in the same order.
func TestTrackerSchedulersAgree(t *testing.T) {
	run := func(opts ...Option) []string {
		m := clock.NewMock()
		m.Set(tkT0)
		rec := &tkRecorder{}
		tr := NewTracker(append(opts, WithClock(m), WithHandler(rec.handle))...)
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
		}
		tr.AdvanceTo(now.Add(30 * 24 * time.Hour))
		return rec.ids()
	}
	heap := run()
	sched := &tkCountingScheduler{Scheduler: NewMemoryScheduler()}
	keyed := run(WithScheduler(sched))
	assert.Greater(t, len(heap), 100)
	assert.Equal(t, heap, keyed)
	assert.Positive(t, sched.sets)
	assert.Positive(t, sched.removes)
	assert.Zero(t, sched.Len())
}

func TestTrackerAttainment(t *testing.T) {
	tr, _, _ := tkTracker(t)
	fast := tkSpec(t, time.Hour, tkAlways{}, nil)
	first, err := NewSpec(SpecDef{Metric: FirstResponse, Within: Duration(10 * time.Minute), Calendar: "24x7"}, tkAlways{})
	require.NoError(t, err)
	require.NoError(t, tr.StartAt("A", fast, "urgent", tkT0))
	require.NoError(t, tr.StartAt("B", fast, "urgent", tkT0))
	require.NoError(t, tr.StartAt("C", fast, "normal", tkT0))
	require.NoError(t, tr.StartAt("A", first, "urgent", tkT0))
	_, err = tr.StopAt(ClockKey{"A", FirstResponse}, tkT0.Add(5*time.Minute))
	require.NoError(t, err)
	_, err = tr.StopAt(ClockKey{"A", Resolution}, tkT0.Add(30*time.Minute))
	require.NoError(t, err)
	require.NoError(t, tr.PauseAt(ClockKey{"C", Resolution}, tkT0.Add(50*time.Minute)))

	assert.Equal(t, []Attainment{
		{Metric: FirstResponse, Priority: "urgent", Met: 1, PercentMet: 100},
		{Metric: Resolution, Priority: "normal", InProgress: 1},
		{Metric: Resolution, Priority: "urgent", Met: 1, InProgress: 1, PercentMet: 100},
	}, tr.AttainmentAt(tkT0.Add(59*time.Minute)), "B is still in time at 09:59")
	got := tr.AttainmentAt(tkT0.Add(61 * time.Minute))
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
		require.NoError(t, tr.StartAt(fmt.Sprint("T", i), s, prio, tkT0))
	}
	b, err := json.Marshal(tr.Snapshot())
	require.NoError(t, err)
	var snap TrackerSnapshot
	require.NoError(t, json.Unmarshal(b, &snap))
	tr2, rec2, _ := tkTracker(t)
	require.NoError(t, tr2.Restore(snap, SpecResolver(ps, nil)))
	c0, _ := tr2.Clock(ClockKey{"T0", FirstResponse})
	c3, _ := tr2.Clock(ClockKey{"T3", FirstResponse})
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
	require.NoError(t, tr.StartAt("INC-7", s, "major", tkT0))
	_, err = NewSpec(SpecDef{Metric: "a b", Within: Duration(time.Hour), Calendar: "24x7"}, tkAlways{})
	require.ErrorIs(t, err, ErrInvalid)
	tr.AdvanceTo(tkT0.Add(2 * time.Hour))
	assert.Equal(t, []string{"INC-7/assessment/warning/1/1@09:45", "INC-7/assessment/breach/1/1@10:00"}, rec.ids())
}

func TestTrackerSkipsUnknownScheduledKeys(t *testing.T) {
	sched := NewMemoryScheduler()
	sched.Set(ClockKey{ID: "ghost", Metric: Resolution}, tkT0) // left over in a durable store
	m := clock.NewMock()
	m.Set(tkT0)
	rec := &tkRecorder{}
	tr := NewTracker(WithClock(m), WithScheduler(sched), WithHandler(rec.handle))
	require.NoError(t, tr.StartAt("A", tkSpec(t, time.Hour, tkAlways{}, nil), "", tkT0))
	assert.Equal(t, 1, tr.Advance()+tr.AdvanceTo(tkT0.Add(2*time.Hour)))
	assert.Equal(t, []string{"A/resolution/breach/1/1@10:00"}, rec.ids())
	assert.Zero(t, sched.Len())
	assert.Equal(t, []Attainment{{Metric: Resolution, InProgress: 1}}, tr.Attainment(), "the mock still reads 09:00")
	assert.Equal(t, []Attainment{{Metric: Resolution, Breached: 1}}, tr.AttainmentAt(tkT0.Add(2*time.Hour)))
}

func TestTrackerOptionsTolerateBadValues(t *testing.T) {
	tr := NewTracker(WithClock(nil), WithCapacity(-5), WithHandler(nil))
	tr.OnEvent(nil)
	require.NoError(t, tr.Start("A", tkSpec(t, time.Hour, tkAlways{}, nil), ""))
	assert.Equal(t, 1, tr.Len())
	p, ok := tr.Priority(ClockKey{"A", Resolution})
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
		require.NoError(t, tr.StartAt("A", spec, "", tkT0))
		met, err := tr.StopAt(ClockKey{"A", Resolution}, tkT0.Add(30*time.Minute))
		require.NoError(t, err)
		require.True(t, met)
		return tr
	}
	want := []string{"A/resolution/warning/1/1@09:30", "A/resolution/met/1/1@09:30"}

	direct, rec, _ := tkTracker(t)
	require.NoError(t, direct.Restore(setup().Snapshot(), SpecResolver(nil, Registry{"24x7": tkAlways{}})))
	src := setup()
	srcRec := &tkRecorder{}
	src.OnEvent(srcRec.handle)
	src.AdvanceTo(tkT0.Add(time.Hour))
	assert.Equal(t, want, srcRec.ids(), "without a snapshot")

	b, err := json.Marshal(setup().Snapshot())
	require.NoError(t, err)
	var snap TrackerSnapshot
	require.NoError(t, json.Unmarshal(b, &snap))
	tr2, rec2, _ := tkTracker(t)
	require.NoError(t, tr2.Restore(snap, SpecResolver(nil, Registry{"24x7": tkAlways{}})))
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
	require.NoError(t, tr.StartAt("A", spec, "", tkT0))
	tr.OnEvent(func(e Event) {
		if e.ID.Kind == Warning {
			panic("handler failed")
		}
	})
	assert.PanicsWithValue(t, "handler failed", func() { tr.AdvanceTo(tkT0.Add(2 * time.Hour)) })
	assert.Equal(t, []string{"A/resolution/warning/1/1@09:30"}, rec.ids())
	assert.Equal(t, 1, tr.AdvanceTo(tkT0.Add(2*time.Hour)), "the warning is not delivered again")
	assert.Equal(t, []string{"A/resolution/warning/1/1@09:30", "A/resolution/breach/1/1@10:00"}, rec.ids())
	require.NoError(t, tr.StartAt("B", spec, "", tkT0.Add(2*time.Hour)))
	assert.Equal(t, 2, tr.Len())
}

// TestTrackerDeadlineBeyondNanosecondRange starts a clock whose breach
// falls after 2262, beyond the range of Unix nanoseconds that the deadline
// queue orders by: it must not fire early (a wrapped instant used to put it
// first in the queue).
func TestTrackerDeadlineBeyondNanosecondRange(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithScheduler(NewMemoryScheduler())}} {
		m := clock.NewMock()
		m.Set(tkT0)
		rec := &tkRecorder{}
		tr := NewTracker(append(opts, WithClock(m), WithHandler(rec.handle))...)
		far := tkSpec(t, 250*365*24*time.Hour, tkAlways{}, []Rung{{Percent: 50}})
		near := tkSpec(t, time.Hour, tkAlways{}, nil)
		require.NoError(t, tr.StartAt("far", far, "", tkT0))
		require.NoError(t, tr.StartAt("near", near, "", tkT0))
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
	tr, _, _ := tkTracker(t)
	err := tr.Restore(TrackerSnapshot{Closed: []ClosedCycles{
		{Metric: Resolution, Priority: "p", Met: 2},
		{Metric: Resolution, Priority: "p", Breached: 1},
		{Metric: FirstResponse, Priority: "p", Met: -1},
	}}, SpecResolver(nil, nil))
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "closed[1]: duplicate counts of resolution/p")
	assert.Contains(t, err.Error(), "closed[2]: counts must not be negative")
	require.NoError(t, tr.Restore(TrackerSnapshot{Closed: []ClosedCycles{{Metric: Resolution, Priority: "p", Met: 2, Breached: 1}}}, SpecResolver(nil, nil)))
	assert.Equal(t, []Attainment{{Metric: Resolution, Priority: "p", Met: 2, Breached: 1, PercentMet: 200.0 / 3}}, tr.AttainmentAt(tkT0))
}
