package sla

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTimelineNamespaces: engines register namespaces; each event reaches
// the handlers of its own namespace only, keys of different namespaces do
// not collide, and one AdvanceTo drives them all in deadline order.
func TestTimelineNamespaces(t *testing.T) {
	tr, host, _ := tkTracker(t)
	var order []string
	a, b := &tkRecorder{}, &tkRecorder{}
	require.NoError(t, tr.Register("eng.a", func(e Event) { a.handle(e); order = append(order, e.ID.String()) }))
	require.NoError(t, tr.Register("eng.b", func(e Event) { b.handle(e); order = append(order, e.ID.String()) }))
	tr.OnEvent(func(e Event) { order = append(order, e.ID.String()) })
	require.ErrorIs(t, tr.Register("eng.a", func(Event) {}), ErrNamespaceTaken)
	for _, bad := range []string{"", "a:b", "a/b", "a b"} {
		require.ErrorIs(t, tr.Register(bad, func(Event) {}), ErrInvalid, bad)
	}
	spec := tkSpec(t, time.Hour, tkAlways{}, nil)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "X"}, spec, ""))
	require.NoError(t, tr.StartAt(tkT0.Add(time.Minute), ClockKey{Namespace: "eng.a", ID: "X"}, spec, ""))
	require.NoError(t, tr.StartAt(tkT0.Add(2*time.Minute), ClockKey{Namespace: "eng.b", ID: "X"}, spec, ""))
	require.NoError(t, tr.SetTimer(RecordKey{Namespace: "eng.b", ID: "tick"}, tkT0.Add(90*time.Second)))
	assert.Equal(t, 3, tr.Len())

	assert.Equal(t, 4, tr.AdvanceTo(tkT0.Add(2*time.Hour)))
	assert.Equal(t, []string{"X/resolution/breach/1/1@10:00"}, host.ids())
	assert.Equal(t, []string{"eng.a:X/resolution/breach/1/1@10:01"}, a.ids())
	assert.Equal(t, []string{"eng.b:tick/timer/1@09:01", "eng.b:X/resolution/breach/1/1@10:02"}, b.ids())
	assert.Equal(t, []string{"eng.b:tick/timer/1", "X/resolution/breach/1/1", "eng.a:X/resolution/breach/1/1", "eng.b:X/resolution/breach/1/1"}, order)
	assert.Equal(t, []ClockKey{{Namespace: "eng.a", ID: "X", Metric: Resolution}}, tr.Clocks("eng.a"))

	_, err := tr.StopAt(tkT0.Add(3*time.Hour), ClockKey{Namespace: "eng.a", ID: "X", Metric: Resolution})
	require.NoError(t, err)
	assert.Equal(t, []Attainment{{Namespace: "eng.a", Metric: Resolution, Breached: 1, PercentMet: 0}}, tr.AttainmentAt(tkT0.Add(3*time.Hour), "eng.a"))
	assert.Equal(t, []Attainment{{Metric: Resolution, Breached: 1}}, tr.AttainmentAt(tkT0.Add(3*time.Hour), ""))
}

// TestTimelineTimers: a timer fires once at its own instant with its
// generation as cycle; setting it again moves it; cancelling removes it.
func TestTimelineTimers(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	k := RecordKey{ID: "eval"}
	require.NoError(t, tr.SetTimer(k, tkT0.Add(time.Hour)))
	require.NoError(t, tr.SetTimer(k, tkT0.Add(30*time.Minute)))
	at, ok := tr.Timer(k)
	require.True(t, ok)
	assert.Equal(t, tkT0.Add(30*time.Minute), at)
	assert.Equal(t, 1, tr.AdvanceTo(tkT0.Add(2*time.Hour)))
	assert.Equal(t, []string{"eval/timer/2@09:30"}, rec.ids())
	_, ok = tr.Timer(k)
	assert.False(t, ok, "a timer that fired is gone")

	require.NoError(t, tr.SetTimer(k, tkT0.Add(3*time.Hour)))
	assert.True(t, tr.CancelTimer(k))
	assert.False(t, tr.CancelTimer(k))
	assert.Zero(t, tr.AdvanceTo(tkT0.Add(4*time.Hour)))

	require.ErrorIs(t, tr.SetTimer(RecordKey{}, tkT0), ErrInvalid)
	require.ErrorIs(t, tr.SetTimer(k, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)), ErrInvalid)
	require.ErrorIs(t, tr.SetTimer(RecordKey{Namespace: "a b", ID: "x"}, tkT0), ErrInvalid)
}

// TestTimelineTimerGenerationsContinue: a timer set again after it fell
// due or was cancelled continues its generations, through a snapshot of
// its record too, so that no timer event id is used twice (an outbox
// swallowed the second one before); a restore refuses an undelivered
// event for a timer that is not set.
func TestTimelineTimerGenerationsContinue(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	k := RecordKey{ID: "eval"}
	require.NoError(t, tr.SetTimer(k, tkT0.Add(time.Hour)))
	tr.AdvanceTo(tkT0.Add(time.Hour))
	assert.Zero(t, tr.Stats().Timers, "a timer that fell due is not set")
	require.NoError(t, tr.SetTimer(k, tkT0.Add(2*time.Hour)))
	assert.Equal(t, 1, tr.Stats().Timers)
	require.True(t, tr.CancelTimer(k))
	require.NoError(t, tr.SetTimer(k, tkT0.Add(3*time.Hour)))
	tr.AdvanceTo(tkT0.Add(3 * time.Hour))
	assert.Equal(t, []string{"eval/timer/1@10:00", "eval/timer/3@12:00"}, rec.ids())

	saved, ok := tr.Unload(k)
	require.True(t, ok, "the record keeps its idle timer")
	require.NotNil(t, saved.Timer)
	assert.Equal(t, RecordTimer{At: tkT0.Add(3 * time.Hour), Generation: 3, Idle: true}, *saved.Timer)
	raw, err := json.Marshal(saved)
	require.NoError(t, err)
	var back RecordSnapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	require.NoError(t, tr.Load(back))
	_, ok = tr.Timer(k)
	assert.False(t, ok)
	require.NoError(t, tr.SetTimer(k, tkT0.Add(4*time.Hour)))
	tr.AdvanceTo(tkT0.Add(4 * time.Hour))
	assert.Equal(t, "eval/timer/4@13:00", rec.ids()[2])

	bad, _ := tr.Unload(k)
	bad.Pending = []Event{{ID: EventID{Clock: "eval", Kind: Timer, Cycle: 4, Step: 1}, At: tkT0.Add(4 * time.Hour)}}
	require.ErrorIs(t, tr.Load(bad), ErrInvalid)

	last := RecordSnapshot{Version: SnapshotVersion, ID: "eval", Timer: &RecordTimer{At: tkT0, Generation: 1<<32 - 1, Idle: true}}
	require.NoError(t, tr.Load(last))
	require.ErrorIs(t, tr.SetTimer(k, tkT0.Add(5*time.Hour)), ErrInvalid, "no generation is left")
	assert.Zero(t, tr.Stats().Timers, "the refused timer is not set")
	_, ok = tr.Timer(k)
	assert.False(t, ok)
}

// TestTimelineRecordsLoadUnload: a record unloads alone and loads back; the
// events that fell due while it was unloaded are delivered once, at their
// own instants; a second load of the same key is refused.
func TestTimelineRecordsLoadUnload(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}})
	for _, id := range []string{"A", "B"} {
		require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: id}, spec, "p"))
	}
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A", Metric: FirstResponse},
		tkSpecMetric(t, FirstResponse, 10*time.Minute), "p"))
	require.NoError(t, tr.SetTimer(RecordKey{ID: "A"}, tkT0.Add(45*time.Minute)))
	tr.AdvanceTo(tkT0.Add(20 * time.Minute))
	assert.Equal(t, []string{"A/first_response/breach/1/1@09:10"}, rec.ids())

	saved, ok := tr.Unload(RecordKey{ID: "A"})
	require.True(t, ok)
	assert.Len(t, saved.Clocks, 2)
	require.NotNil(t, saved.Timer)
	assert.Equal(t, 1, tr.Len(), "B stays")
	_, ok = tr.Unload(RecordKey{ID: "A"})
	assert.False(t, ok)

	tr.AdvanceTo(tkT0.Add(50 * time.Minute)) // only B's warning; A is unloaded
	raw, err := json.Marshal(saved)
	require.NoError(t, err)
	var back RecordSnapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	require.NoError(t, tr.Load(back))
	require.ErrorIs(t, tr.Load(back), ErrDuplicateClock)
	tr.AdvanceTo(tkT0.Add(2 * time.Hour))
	assert.Equal(t, []string{
		"A/first_response/breach/1/1@09:10",
		"B/resolution/warning/1/1@09:30",
		"A/resolution/warning/1/1@09:30", "A/timer/1@09:45",
		// equal instants fire in scheduling order: A was loaded after B
		"B/resolution/breach/1/1@10:00", "A/resolution/breach/1/1@10:00",
	}, rec.ids())
}

func tkSpecMetric(t testing.TB, m Metric, within time.Duration) *Spec {
	t.Helper()
	s, err := NewSpec(SpecDef{Metric: m, Within: Duration(within), Calendar: CalendarAlways}, AlwaysOpen())
	require.NoError(t, err)
	return s
}

// TestTimelineLoadRefusesBadRecords: a record is input from a database: a
// load checks what the live operations check, reports every problem, and
// changes nothing on error.
func TestTimelineLoadRefusesBadRecords(t *testing.T) {
	tr, _, _ := tkTracker(t)
	spec := tkSpecMetric(t, Resolution, time.Hour)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, spec, ""))
	_, err := tr.StopAt(tkT0.Add(10*time.Minute), ClockKey{ID: "A", Metric: Resolution})
	require.NoError(t, err)
	good, ok := tr.Unload(RecordKey{ID: "A"})
	require.True(t, ok)
	require.Len(t, good.Pending, 1, "the met event")

	clone := func() RecordSnapshot {
		b, err := json.Marshal(good)
		require.NoError(t, err)
		var r RecordSnapshot
		require.NoError(t, json.Unmarshal(b, &r))
		return r
	}
	cases := map[string]struct {
		edit func(*RecordSnapshot)
		want string
	}{
		"version":         {func(r *RecordSnapshot) { r.Version = 1 }, "version: format version 1, want 2"},
		"zero instant":    {func(r *RecordSnapshot) { r.Pending[0].At = time.Time{} }, "pending[0]: event A/resolution/met/1/1: instant zero"},
		"far instant":     {func(r *RecordSnapshot) { r.Pending[0].At = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC) }, "instant zero or outside"},
		"future cycle":    {func(r *RecordSnapshot) { r.Pending[0].ID.Cycle = 2 }, "cycle 2 the clock has not had"},
		"zero step":       {func(r *RecordSnapshot) { r.Pending[0].ID.Step = 0 }, "cycle and step must be at least 1"},
		"bad step":        {func(r *RecordSnapshot) { r.Pending[0].ID.Kind, r.Pending[0].ID.Step = Reminder, 1 }, "step 1 of 0 reminder events"},
		"after change":    {func(r *RecordSnapshot) { r.Pending[0].At = tkT0.Add(time.Hour) }, "falls after the clock's last change"},
		"other record":    {func(r *RecordSnapshot) { r.Pending[0].ID.Clock = "B" }, "belongs to no clock of the record"},
		"unknown kind":    {func(r *RecordSnapshot) { r.Pending[0].ID.Kind = 9 }, "unknown kind"},
		"two clocks":      {func(r *RecordSnapshot) { r.Clocks = append(r.Clocks, r.Clocks[0]) }, "clocks[1]: second clock of metric resolution"},
		"bad timer":       {func(r *RecordSnapshot) { r.Timer = &RecordTimer{At: tkT0} }, "timer: instant"},
		"timer event":     {func(r *RecordSnapshot) { r.Pending[0].ID.Kind = Timer }, "belongs to no clock of the record"},
		"bad namespace":   {func(r *RecordSnapshot) { r.Namespace = "a/b" }, "namespace"},
		"delivered range": {func(r *RecordSnapshot) { r.Clocks[0].Clock.Delivered = 9 }, "clocks[0].clock.delivered: out of range"},
		"listed twice":    {func(r *RecordSnapshot) { r.Pending = append(r.Pending, r.Pending[0]) }, "pending[1]: event A/resolution/met/1/1 listed twice"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := clone()
			tc.edit(&r)
			err := tr.Load(r)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
			assert.Zero(t, tr.Len())
		})
	}
	require.NoError(t, tr.Load(clone()))
}

// TestTimelineLoadRefusesStepsNotTaken: an undelivered event of a step
// the clock has not taken yet (Delivered does not count it) is refused:
// the clock would deliver it again itself.
func TestTimelineLoadRefusesStepsNotTaken(t *testing.T) {
	tr, rec, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, []Rung{{Percent: 50}})
	ck := ClockKey{ID: "A", Metric: Resolution}
	require.NoError(t, tr.StartAt(tkT0, ck, spec, ""))
	require.NoError(t, tr.PauseAt(tkT0.Add(40*time.Minute), ck))
	good, ok := tr.Unload(RecordKey{ID: "A"})
	require.True(t, ok)
	require.Len(t, good.Pending, 1, "the warning of 09:30, taken by the pause")
	require.Equal(t, 1, good.Clocks[0].Clock.Delivered)

	bad := good
	bad.Clocks = slices.Clone(good.Clocks)
	bad.Clocks[0].Clock.Delivered = 0
	err := tr.Load(bad)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "not among the 0 the clock has delivered")

	require.NoError(t, tr.Load(good))
	require.NoError(t, tr.ResumeAt(tkT0.Add(50*time.Minute), ck))
	tr.AdvanceTo(tkT0.Add(3 * time.Hour))
	assert.Equal(t, []string{"A/resolution/warning/1/1@09:30", "A/resolution/breach/1/1@10:10"}, rec.ids(), "each once")
}

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestTimelineSnapshotGolden pins the JSON format of a tracker snapshot.
// Run with -update to rewrite the golden file after a deliberate change
// (and raise SnapshotVersion).
func TestTimelineSnapshotGolden(t *testing.T) {
	tr, _, _ := tkTracker(t)
	spec := tkSpec(t, time.Hour, tkAlways{}, tkLadder(), Duration(15*time.Minute))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "T-1"}, spec, "urgent"))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{Namespace: "feedback.visits", ID: "V-1"}, spec, "human"))
	require.NoError(t, tr.PauseAt(tkT0.Add(40*time.Minute), ClockKey{ID: "T-1", Metric: Resolution}))
	require.NoError(t, tr.SetTimer(RecordKey{Namespace: "emergency.board", ID: "evaluate"}, tkT0.Add(2*time.Hour)))
	_, err := tr.StopAt(tkT0.Add(50*time.Minute), ClockKey{Namespace: "feedback.visits", ID: "V-1", Metric: Resolution})
	require.NoError(t, err)
	got, err := json.MarshalIndent(tr.Snapshot(), "", "  ")
	require.NoError(t, err)
	path := filepath.Join("testdata", "tracker_snapshot.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))

	var snap TrackerSnapshot
	require.NoError(t, json.Unmarshal(want, &snap))
	back, err := RestoreTracker(snap, WithSpecResolver(SpecResolver(nil, Registry{"24x7": tkAlways{}})))
	require.NoError(t, err)
	assert.Equal(t, tr.Snapshot(), back.Snapshot())

	old := snap
	old.Version = 0
	_, err = RestoreTracker(old)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "version: format version 0, want 2")
}

// TestClockInstantRange: clocks refuse instants the deadline queue cannot
// hold, live and when restored, instead of clamping them.
func TestClockInstantRange(t *testing.T) {
	spec := tkSpecMetric(t, Resolution, time.Hour)
	c := NewClock(spec)
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	require.ErrorIs(t, c.Start(far), ErrOutOfRange)
	require.ErrorIs(t, c.Start(time.Time{}), ErrOutOfRange)
	require.NoError(t, c.Start(tkT0))
	require.ErrorIs(t, c.Pause(far), ErrOutOfRange)

	s := c.Snapshot()
	s.LastChange = far
	_, err := RestoreClock(s, spec)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "last_change: outside the years 1678 to 2262")
	s = c.Snapshot()
	b := tkT0.Add(time.Hour)
	s.BreachedAt = &b
	_, err = RestoreClock(s, spec)
	assert.ErrorContains(t, err, "breached_at")
}

// TestTimelineObserverAndStats: an observer sees every event of every
// namespace with the instant it was delivered at; Stats follows the clocks'
// statuses and the timers.
func TestTimelineObserverAndStats(t *testing.T) {
	var seen []string
	tr := NewTracker(WithObserver(func(e Event, at time.Time) {
		seen = append(seen, e.ID.String()+" late "+at.Sub(e.At).String())
	}))
	require.NoError(t, tr.Register("eng", func(Event) {}))
	spec := tkSpecMetric(t, Resolution, time.Hour)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "A"}, spec, ""))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{Namespace: "eng", ID: "B"}, spec, ""))
	require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: "C"}, spec, ""))
	require.NoError(t, tr.PauseAt(tkT0.Add(time.Minute), ClockKey{ID: "C", Metric: Resolution}))
	require.NoError(t, tr.SetTimer(RecordKey{ID: "tick"}, tkT0.Add(2*time.Hour)))
	assert.Equal(t, Stats{Running: 2, Paused: 1, Timers: 1, Queued: 3}, tr.Stats())
	_, err := tr.StopAt(tkT0.Add(30*time.Minute), ClockKey{ID: "A", Metric: Resolution})
	require.NoError(t, err)
	tr.AdvanceTo(tkT0.Add(3 * time.Hour))
	assert.Equal(t, []string{"A/resolution/met/1/1 late 2h30m0s", "eng:B/resolution/breach/1/1 late 2h0m0s", "tick/timer/1 late 1h0m0s"}, seen)
	assert.Equal(t, Stats{Running: 1, Paused: 1, Stopped: 1}, tr.Stats())
	_, ok := tr.Unload(RecordKey{ID: "C"})
	require.True(t, ok)
	assert.Equal(t, Stats{Running: 1, Stopped: 1}, tr.Stats())
}

// TestTimelineRestoreKeepsEqualInstantOrder: events of different records
// falling at one instant are delivered in the order they were scheduled,
// after a snapshot round trip too (a restore used to load records by key,
// which reordered them).
func TestTimelineRestoreKeepsEqualInstantOrder(t *testing.T) {
	spec := tkSpecMetric(t, Resolution, time.Hour)
	tr, rec, _ := tkTracker(t)
	for _, id := range []string{"Z", "B", "M", "A"} {
		require.NoError(t, tr.StartAt(tkT0, ClockKey{ID: id}, spec, ""))
	}
	require.NoError(t, tr.SetTimer(RecordKey{ID: "K"}, tkT0.Add(time.Hour)))
	raw, err := json.Marshal(tr.Snapshot())
	require.NoError(t, err)
	var snap TrackerSnapshot
	require.NoError(t, json.Unmarshal(raw, &snap))
	back, rec2, err := tkRestore(t, snap, nil)
	require.NoError(t, err)
	tr.AdvanceTo(tkT0.Add(2 * time.Hour))
	back.AdvanceTo(tkT0.Add(2 * time.Hour))
	want := []string{"Z/resolution/breach/1/1@10:00", "B/resolution/breach/1/1@10:00", "M/resolution/breach/1/1@10:00",
		"A/resolution/breach/1/1@10:00", "K/timer/1@10:00"}
	assert.Equal(t, want, rec.ids())
	assert.Equal(t, want, rec2.ids())
}

// TestTrackerLog: deliveries and record moves are logged at Debug with ids,
// never the priority label or anything else a host passed in.
func TestTrackerLog(t *testing.T) {
	var buf bytes.Buffer
	tr := NewTracker(WithLogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, tr.Register("eng", func(Event) {}))
	spec := tkSpecMetric(t, Resolution, time.Hour)
	require.NoError(t, tr.StartAt(tkT0, ClockKey{Namespace: "eng", ID: "T-1"}, spec, "vip Zhang Wei"))
	r, ok := tr.Unload(RecordKey{Namespace: "eng", ID: "T-1"})
	require.True(t, ok)
	require.NoError(t, tr.Load(r))
	tr.AdvanceTo(tkT0.Add(2 * time.Hour))
	out := buf.String()
	for _, want := range []string{`"msg":"sla namespace registered"`, `"msg":"sla record unloaded"`, `"msg":"sla record loaded"`,
		`"msg":"sla event delivered","namespace":"eng","record":"T-1","event_id":"eng:T-1/resolution/breach/1/1","kind":"breach"`, `"late":3600000000000`} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "Zhang")
}
