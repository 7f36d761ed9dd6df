package sla

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

type tkRecorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *tkRecorder) handle(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func (r *tkRecorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.events))
	for i, e := range r.events {
		out[i] = e.ID.String() + "@" + e.At.Format("15:04")
	}
	return out
}

func tkTracker(t testing.TB) (*Tracker, *tkRecorder, *clock.Mock) {
	m := clock.NewMock()
	m.Set(tkT0)
	rec := &tkRecorder{}
	return NewTracker(WithClock(m), WithHandler(rec.handle)), rec, m
}

// tkRestore restores snap on a mock clock at tkT0 with a recorder, resolving
// targets with resolve.
func tkRestore(t testing.TB, snap TrackerSnapshot, resolve func(SpecDef) (*Spec, error)) (*Tracker, *tkRecorder, error) {
	m := clock.NewMock()
	m.Set(tkT0)
	rec := &tkRecorder{}
	tr, err := RestoreTracker(snap, WithClock(m), WithHandler(rec.handle), WithSpecResolver(resolve))
	return tr, rec, err
}

func TestTrackerFiresInOrderAtOwnDeadlines(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, tkLadder(), Duration(15*time.Minute))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, spec, "urgent"))
	require.NoError(t, tr.StartAt(tkT0.Add(10*time.Minute), ClockKey{ID: "B"}, spec, "normal"))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "C"}, spec, "normal")) // same deadlines as A, scheduled after it

	assert.Equal(t, 0, tr.AdvanceTo(tkT0.Add(29*time.Minute)))
	n := tr.AdvanceTo(tkT0.Add(31 * 24 * time.Hour))
	assert.Equal(t, 15, n)
	assert.Equal(t, []string{
		"A/resolution/warning/1/1@09:30", "C/resolution/warning/1/1@09:30",
		"B/resolution/warning/1/1@09:40",
		"A/resolution/warning/1/2@09:45", "C/resolution/warning/1/2@09:45",
		"A/resolution/warning/1/3@09:45", "C/resolution/warning/1/3@09:45",
		"B/resolution/warning/1/2@09:55", "B/resolution/warning/1/3@09:55",
		"A/resolution/breach/1/1@10:00", "C/resolution/breach/1/1@10:00",
		"B/resolution/breach/1/1@10:10",
		"A/resolution/reminder/1/1@10:15", "C/resolution/reminder/1/1@10:15",
		"B/resolution/reminder/1/1@10:25",
	}, rec.ids())
	_, ok := tr.NextDeadline()
	assert.False(t, ok)
	assert.Equal(t, 0, tr.AdvanceTo(tkT0.Add(62*24*time.Hour)), "nothing fires twice")
	ev := rec.events[0]
	assert.Equal(t, "urgent", ev.Priority)
	assert.Equal(t, Duration(30*time.Minute), ev.Elapsed)
	assert.Equal(t, Duration(time.Hour), ev.Target)
}

func TestTrackerChangesKeepLateEventsAndMet(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}}, Duration(15*time.Minute))
	key := ClockKey{ID: "T", Metric: Resolution}
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "T"}, spec, "p1"))
	// The host records a pause at 09:40 before advancing: the 09:30 warning
	// still fires with its own deadline, on the next advance.
	require.NoError(t, tr.PauseAt(tkT0.Add(40*time.Minute), key))
	require.NoError(t, tr.ResumeAt(tkT0.Add(100*time.Minute), key))
	met, err := tr.StopAt(tkT0.Add(110*time.Minute), key)
	require.NoError(t, err)
	assert.True(t, met)
	assert.Equal(t, 2, tr.AdvanceTo(tkT0.Add(110*time.Minute)))
	assert.Equal(t, []string{"T/resolution/warning/1/1@09:30", "T/resolution/met/1/1@10:50"}, rec.ids())

	// A new cycle that breaches, stopped late without an advance in between.
	require.NoError(t, tr.NewCycleAt(tkT0.Add(2*time.Hour), key))
	met, err = tr.StopAt(tkT0.Add(4*time.Hour), key)
	require.NoError(t, err)
	assert.False(t, met)
	tr.AdvanceTo(tkT0.Add(5 * time.Hour))
	assert.Equal(t, []string{"T/resolution/warning/1/1@09:30", "T/resolution/met/1/1@10:50",
		"T/resolution/warning/2/1@11:30", "T/resolution/breach/2/1@12:00", "T/resolution/reminder/2/1@12:15"}, rec.ids())

	att := tr.AttainmentAt(tkT0.Add(5*time.Hour), "")
	assert.Equal(t, []Attainment{{Metric: Resolution, Priority: "p1", Met: 1, Breached: 1, PercentMet: 50}}, att)
}

func TestTrackerErrors(t *testing.T) {
	tr, _, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, nil)
	key := ClockKey{ID: "X", Metric: Resolution}
	require.ErrorIs(t, tr.PauseAt(tkT0, key), ErrUnknownClock)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "X"}, spec, ""))
	require.ErrorIs(t, tr.StartAt(tkT0, ClockKey{ID: "X"}, spec, ""), ErrDuplicateClock)
	require.ErrorIs(t, tr.ResumeAt(tkT0, key), ErrNotPaused)
	require.ErrorIs(t, tr.PauseAt(tkT0.Add(-time.Minute), key), ErrTimeBackwards)
	require.ErrorIs(t, tr.StartAt(tkT0, ClockKey{ID: "Y"}, nil, ""), ErrNoTarget)
	require.ErrorIs(t, tr.StartAt(tkT0, ClockKey{ID: ""}, spec, ""), ErrInvalid)
	other, err := NewSpec(SpecDef{Metric: FirstResponse, Within: Duration(time.Minute), Calendar: "x"}, tkAlways{})
	require.NoError(t, err)
	require.ErrorIs(t, tr.RetargetAt(tkT0, key, other, KeepElapsed), ErrInvalid)
	c, ok := tr.Clock(key)
	require.True(t, ok)
	assert.Equal(t, Running, c.Status())
	assert.Equal(t, tkT0, c.LastChange())
	var te *TrackerError
	err = tr.ResumeAt(tkT0, key)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, key, te.Key)
	assert.Equal(t, "sla: clock X/resolution: resume: clock not paused (clock is running)", err.Error())
	assert.True(t, tr.Remove(key))
	assert.False(t, tr.Remove(key))
	assert.Zero(t, tr.Len())
}

func TestTrackerHandlersMayCallTracker(t *testing.T) {
	tr, _, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}})
	var got []string
	tr.OnEvent(func(e Event) {
		got = append(got, e.ID.String())
		switch e.ID.Kind {
		case Warning:
			// Escalate: pause this clock and open a follow-up clock due at once.
			require.NoError(t, tr.PauseAt(e.At, e.Key()))
			require.NoError(t, tr.StartAt(e.At, ClockKey{ID: e.ID.Clock + "-followup"}, spec, ""))
		case Breach:
			_, err := tr.StopAt(e.At, e.Key())
			require.NoError(t, err)
		}
		_ = tr.AttainmentAt(e.At, "")
		_ = tr.Snapshot()
	})
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, spec, ""))
	tr.AdvanceTo(tkT0.Add(2 * time.Hour))
	assert.Equal(t, []string{
		"A/resolution/warning/1/1",
		"A-followup/resolution/warning/1/1",
		"A-followup-followup/resolution/warning/1/1",
		"A-followup-followup-followup/resolution/warning/1/1",
	}, got)
	c, _ := tr.Clock(ClockKey{ID: "A", Metric: Resolution})
	assert.Equal(t, Paused, c.Status())
}

func TestTrackerRetargetBreachesAtOnce(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	hour := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}})
	quarter := tkSpec(t, 15*time.Minute, tkAlways{}, []Rung{{Percent: 50}}, Duration(5*time.Minute))
	key := ClockKey{ID: "P", Metric: Resolution}
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "P"}, hour, "normal"))
	require.NoError(t, tr.RetargetAt(tkT0.Add(20*time.Minute), key, quarter, KeepElapsed))
	tr.AdvanceTo(tkT0.Add(time.Hour))
	assert.Equal(t, []string{"P/resolution/breach/2/1@09:20", "P/resolution/reminder/2/1@09:20"}, rec.ids())
}

func TestTrackerSnapshotRestore(t *testing.T) {
	reg := Registry{"24x7": tkAlways{}}
	tr, rec, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, tkLadder(), Duration(15*time.Minute))
	for i := range 3 {
		require.NoError(t, tr.StartAt(tkT0.Add(time.Duration(i)*time.Minute), ClockKey{ID: fmt.Sprint("T", i)}, spec, "normal"))
	}
	require.NoError(t, tr.PauseAt(tkT0.Add(50*time.Minute), ClockKey{ID: "T2", Metric: Resolution})) // warnings 1-3 of T2 set aside
	_, err := tr.StopAt(tkT0.Add(20*time.Minute), ClockKey{ID: "T1", Metric: Resolution})
	require.NoError(t, err)
	tr.AdvanceTo(tkT0.Add(35 * time.Minute)) // T0 warning 1, T1 met, T2 warning 1 delivered
	require.Equal(t, []string{"T1/resolution/met/1/1@09:20", "T0/resolution/warning/1/1@09:30", "T2/resolution/warning/1/1@09:32"}, rec.ids())

	b, err := json.Marshal(tr.Snapshot())
	require.NoError(t, err)
	var snap TrackerSnapshot
	require.NoError(t, json.Unmarshal(b, &snap))

	// The host was down from 09:35 to 11:00.
	tr2, rec2, err := tkRestore(t, snap, SpecResolver(nil, reg))
	require.NoError(t, err)
	assert.Equal(t, tr.Snapshot(), tr2.Snapshot())
	tr2.AdvanceTo(tkT0.Add(2 * time.Hour))
	assert.Equal(t, []string{
		"T0/resolution/warning/1/2@09:45", "T0/resolution/warning/1/3@09:45",
		"T2/resolution/warning/1/2@09:47", "T2/resolution/warning/1/3@09:47",
		"T0/resolution/breach/1/1@10:00", "T0/resolution/reminder/1/1@10:15",
	}, rec2.ids())
	c0, _ := tr2.Clock(ClockKey{ID: "T0", Metric: Resolution})
	c1, _ := tr2.Clock(ClockKey{ID: "T0", Metric: Resolution})
	assert.Same(t, c0.Spec(), c1.Spec())
	assert.Equal(t, []Attainment{{Metric: Resolution, Priority: "normal", Met: 1, Breached: 1, InProgress: 1, PercentMet: 50}},
		tr2.AttainmentAt(tkT0.Add(2*time.Hour), ""))

	bad := snap
	bad.Records = append([]RecordSnapshot{}, snap.Records...)
	bad.Records[0].Clocks = append([]RecordClock{}, snap.Records[0].Clocks...)
	bad.Records[0].Clocks[0].Clock.Spec.Calendar = "nowhere"
	bad.Records[1].Pending = append([]Event{}, Event{ID: EventID{Clock: "ghost", Metric: Resolution, Kind: Warning, Cycle: 1, Step: 1}, At: tkT0})
	bad.Records = append(bad.Records, RecordSnapshot{ID: "", Clocks: snap.Records[1].Clocks})
	tr3, _, err := tkRestore(t, bad, SpecResolver(nil, reg))
	require.ErrorIs(t, err, ErrUnknownCalendar)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "records[3].id: must not be empty")
	assert.Contains(t, err.Error(), "records[1].pending[0]: event ghost/resolution/warning/1/1 belongs to no clock of the record")
	assert.Nil(t, tr3)
}

func TestTrackerRunWithMock(t *testing.T) {
	defer goleak.VerifyNone(t)
	m := clock.NewMock()
	m.Set(tkT0)
	events := make(chan Event, 16)
	tr := NewTracker(WithClock(m), WithHandler(func(e Event) { events <- e }))
	spec := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := func() { go func() { done <- tr.Run(ctx) }() }
	start()
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "R"}, spec, ""))
	// A second Run is refused while the first is active (the cancelled
	// context makes a premature second Run return at once). The probe can
	// itself hold the tracker for an instant and make the first Run return
	// ErrTrackerRunning: start that one again, or the loop never ends.
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	for tr.Run(cancelled) != ErrTrackerRunning {
		select {
		case err := <-done:
			require.ErrorIs(t, err, ErrTrackerRunning)
			start()
		default:
			runtime.Gosched()
		}
	}

	// Move the mock past the warning; Run's single timer fires.
	for _, want := range []time.Time{tkT0.Add(30 * time.Minute), tkT0.Add(time.Hour)} {
		var e Event
		for e.At.IsZero() {
			m.Add(30 * time.Minute)
			select {
			case e = <-events:
			default:
				// Run may not have armed its timer before the mock moved;
				// it re-reads the clock on every wake-up, so keep nudging.
				select {
				case e = <-events:
				case <-time.After(50 * time.Millisecond):
				}
			}
		}
		assert.Equal(t, want, e.At)
	}
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestTrackerConcurrentUse(t *testing.T) {
	tr, _, _ := tkTracker(t)
	var mu sync.Mutex
	seen := map[string]bool{}
	tr.OnEvent(func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		id := e.ID.String()
		assert.False(t, seen[id], "event %s delivered twice", id)
		seen[id] = true
	})
	spec := tkSpec(t, time.Hour, tkAlways{}, tkLadder())
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := fmt.Sprintf("g%d-%d", g, i)
				at := tkT0.Add(time.Duration(i) * time.Minute)
				_ = tr.StartAt(at, ClockKey{ID: id}, spec, "p")
				if i%3 == 0 {
					_ = tr.PauseAt(at.Add(time.Minute), ClockKey{ID: id, Metric: Resolution})
				}
				if i%5 == 0 {
					tr.AdvanceTo(at)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 100 {
			tr.AdvanceTo(tkT0.Add(time.Duration(i) * 10 * time.Minute))
			_ = tr.AttainmentAt(tkT0, "")
		}
	}()
	wg.Wait()
	tr.AdvanceTo(tkT0.Add(48 * time.Hour))
	assert.Equal(t, 800, tr.Len())
	_, ok := tr.NextDeadline()
	assert.False(t, ok)
}

// tkArmingClock is a mock clock that reports every timer Run arms.
type tkArmingClock struct {
	*clock.Mock
	armed chan time.Duration
}

func (c tkArmingClock) Timer(d time.Duration) *clock.Timer {
	tm := c.Mock.Timer(d)
	c.armed <- d
	return tm
}

// TestTrackerRunRearmsForEarlierDeadline checks the Run doc: one timer at a
// time, for the earliest deadline, re-armed when an earlier one is added.
func TestTrackerRunRearmsForEarlierDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	m := clock.NewMock()
	m.Set(tkT0)
	clk := tkArmingClock{Mock: m, armed: make(chan time.Duration, 16)}
	events := make(chan Event, 16)
	tr := NewTracker(WithClock(clk), WithHandler(func(e Event) { events <- e }))
	armed := func() time.Duration {
		select {
		case d := <-clk.armed:
			return d
		case <-time.After(10 * time.Second):
			t.Fatal("Run armed no timer")
			return 0
		}
	}
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "far"}, tkSpec(t, time.Hour, tkAlways{}, nil), ""))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx) }()
	assert.Equal(t, time.Hour, armed())
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "near"}, tkSpec(t, 10*time.Minute, tkAlways{}, nil), ""))
	assert.Equal(t, 10*time.Minute, armed(), "re-armed for the earlier deadline")
	m.Add(10 * time.Minute)
	select {
	case e := <-events:
		assert.Equal(t, "near/resolution/breach/1/1", e.ID.String())
		assert.Equal(t, tkT0.Add(10*time.Minute), e.At)
	case <-time.After(10 * time.Second):
		t.Fatal("the earlier deadline did not fire")
	}
	assert.Equal(t, 50*time.Minute, armed(), "then armed again for the remaining one")
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}
