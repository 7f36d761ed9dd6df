package workforce

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func TestShiftBoundariesExact(t *testing.T) {
	cfg := testConfig()
	cfg.Shifts = map[string]sla.CalendarSpec{"day": dayShift("Europe/Berlin", "09:00", "17:00")}
	cfg.Agents = []AgentSpec{{ID: "cai", Skills: map[string]int{"general": 1}, Capacity: 100, Shift: "day"}}
	d := newTestDispatcher(t, cfg, newDueBook())
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	// 2025-03-30 is the spring-forward day in Berlin: the shift still runs
	// 09:00-17:00 local time.
	for i, tc := range []struct {
		at   time.Time
		open bool
	}{
		{time.Date(2025, 3, 29, 8, 59, 59, 999999999, berlin), false},
		{time.Date(2025, 3, 29, 9, 0, 0, 0, berlin), true},
		{time.Date(2025, 3, 29, 16, 59, 59, 999999999, berlin), true},
		{time.Date(2025, 3, 29, 17, 0, 0, 0, berlin), false},
		{time.Date(2025, 3, 30, 9, 0, 0, 0, berlin), true},
		{time.Date(2025, 3, 30, 16, 59, 59, 999999999, berlin), true},
		{time.Date(2025, 3, 30, 17, 0, 0, 0, berlin), false},
		{time.Date(2025, 3, 29, 12, 0, 0, 0, berlin), true}, // back in time: recomputed
	} {
		require.NoError(t, d.AddAt(tc.at, Item{ID: fmt.Sprint(i)}))
		_, err := d.DispatchAt(tc.at)
		if tc.open {
			assert.NoError(t, err, tc.at)
		} else {
			assert.ErrorIs(t, err, ErrNobodyAvailable, tc.at)
			_, err := d.Remove(fmt.Sprint(i))
			require.NoError(t, err)
		}
	}
}

func TestUrgencyOnBusinessCalendar(t *testing.T) {
	week := []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "UTC", Week: sla.CalendarWeek{Monday: week, Tuesday: week, Wednesday: week, Thursday: week, Friday: week}})
	require.NoError(t, err)
	friday := time.Date(2025, 3, 7, 16, 30, 0, 0, time.UTC)
	monday := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	// a: 1h of business time left on Friday 16:30, so 30m on Monday 09:00;
	// b: 20m left on Monday 09:00. b is more urgent.
	rem := func(id string, at time.Time) (time.Duration, bool) {
		switch id {
		case "a":
			return time.Hour - cal.Between(friday, at), true
		case "b":
			return 20*time.Minute - cal.Between(monday, at), true
		}
		return 0, false
	}
	cfg := testConfig()
	cfg.Agents = []AgentSpec{{ID: "ann", Skills: map[string]int{"general": 1}, Capacity: 5}}
	order := func(opts ...Option) []string {
		d, err := NewDispatcher(cfg, append(opts, WithRemaining(rem))...)
		require.NoError(t, err)
		require.NoError(t, d.AddAt(friday, Item{ID: "a"}))
		require.NoError(t, d.AddAt(monday, Item{ID: "b"}))
		var got []string
		for _, a := range d.DispatchAllAt(monday, 0) {
			got = append(got, a.Item)
		}
		return got
	}
	assert.Equal(t, []string{"b", "a"}, order(WithBusinessTime(cal)))
	// On wall-clock time a looks due on Friday 17:30: the wrong order.
	assert.Equal(t, []string{"a", "b"}, order())
}

func TestUrgencyStepLetsPriorityDecide(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.UrgencyStep = sla.Duration(15 * time.Minute)
	d := newTestDispatcher(t, cfg, book)
	book.set("low", t0.Add(31*time.Minute))
	book.set("high", t0.Add(44*time.Minute))
	require.NoError(t, d.AddAt(t0, Item{ID: "low", Priority: 3}))
	require.NoError(t, d.AddAt(t0, Item{ID: "high", Priority: 0}))
	a, err := d.DispatchAt(t0)
	require.NoError(t, err)
	assert.Equal(t, "high", a.Item) // both due in the 30-45 minute step
}

func TestRefreshReorders(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.Agents = cfg.Agents[:1]
	d := newTestDispatcher(t, cfg, book)
	book.set("a", t0.Add(time.Hour))
	book.set("b", t0.Add(2*time.Hour))
	require.NoError(t, d.AddAt(t0, Item{ID: "a"}))
	require.NoError(t, d.AddAt(t0, Item{ID: "b"}))
	book.set("b", t0.Add(time.Minute)) // retargeted
	d.RefreshAt(t0)
	a, err := d.DispatchAt(t0)
	require.NoError(t, err)
	assert.Equal(t, "b", a.Item)
	assert.Equal(t, sla.Duration(time.Minute), a.Reason.Remaining)
}

func TestTrackerRemaining(t *testing.T) {
	spec, err := sla.NewSpec(sla.SpecDef{Metric: sla.FirstResponse, Within: sla.Duration(30 * time.Minute), Calendar: "always"}, sla.AlwaysOpen())
	require.NoError(t, err)
	res, err := sla.NewSpec(sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(4 * time.Hour), Calendar: "always"}, sla.AlwaysOpen())
	require.NoError(t, err)
	tr := sla.NewTracker(sla.WithClock(clock.NewMock()))
	require.NoError(t, tr.StartAt(t0, sla.ClockKey{ID: "t1"}, spec, "normal"))
	require.NoError(t, tr.StartAt(t0, sla.ClockKey{ID: "t1"}, res, "normal"))
	require.NoError(t, tr.StartAt(t0, sla.ClockKey{ID: "t2"}, res, "normal"))
	f := TrackerRemaining(tr, sla.FirstResponse, sla.Resolution)
	r, ok := f("t1", t0.Add(10*time.Minute))
	require.True(t, ok)
	assert.Equal(t, 20*time.Minute, r)
	r, ok = f("t2", t0.Add(10*time.Minute))
	require.True(t, ok)
	assert.Equal(t, 3*time.Hour+50*time.Minute, r)
	_, ok = f("t3", t0)
	assert.False(t, ok)
	// Paused clocks do not count.
	require.NoError(t, tr.PauseAt(t0.Add(time.Hour), sla.ClockKey{ID: "t2", Metric: sla.Resolution}))
	_, ok = f("t2", t0.Add(2*time.Hour))
	assert.False(t, ok)
}

func TestSnapshotRoundTrip(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.Strategy = RoundRobin
	d := newTestDispatcher(t, cfg, book)
	for i := range 12 {
		id := fmt.Sprintf("i%02d", i)
		book.set(id, t0.Add(time.Duration(12-i)*time.Minute))
		attrs := map[string]string{"channel": "phone"}
		if i%3 == 0 {
			attrs = map[string]string{"category": "billing"}
		}
		require.NoError(t, d.AddAt(t0, Item{ID: id, Priority: i % 2, Attributes: attrs}))
	}
	first := d.DispatchAllAt(t0, 3)
	require.Len(t, first, 3)
	require.NoError(t, d.SetPresence("bob", Away))
	snap := d.Snapshot()
	data, err := json.Marshal(snap)
	require.NoError(t, err)
	var back DispatcherSnapshot
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, snap, back)
	// Golden format.
	golden := golden(t, "snapshot_v1.json", data)
	assert.JSONEq(t, golden, string(data))

	d2 := newTestDispatcher(t, cfg, book)
	require.NoError(t, d2.RestoreAt(t0, back))
	checkInvariants(t, d2)
	assert.Equal(t, snap, d2.Snapshot())
	rest1 := d.DispatchAllAt(t0, 0)
	rest2 := d2.DispatchAllAt(t0, 0)
	assert.Equal(t, rest1, rest2)
	require.ErrorIs(t, d2.RestoreAt(t0, back), ErrSnapshot)
}

func TestRestoreRejectsBadSnapshot(t *testing.T) {
	d := newTestDispatcher(t, testConfig(), newDueBook())
	err := d.RestoreAt(t0, DispatcherSnapshot{Version: 2,
		Items: []ItemState{
			{Item: Item{ID: "a"}, Owner: "dan"}, {Item: Item{ID: "b"}, Owner: "dan"}, {Item: Item{ID: "a"}},
			{Item: Item{ID: "c", Require: []Requirement{{Skill: "tarot"}}}}, {Item: Item{}}, {Item: Item{ID: "d"}, Owner: "zed"},
		},
		Presence:   map[string]Presence{"zed": Away, "ann": 9},
		RoundRobin: map[string]string{"hotline": ""},
	})
	require.ErrorIs(t, err, ErrSnapshot)
	for _, p := range []string{"version", "items[1].owner", "items[2].item.id", "items[3].item", "items[4].item", "items[5].owner", "presence.zed", "presence.ann", "round_robin.hotline"} {
		assert.Contains(t, err.Error(), p+":")
	}
	q, a := d.Len()
	assert.Zero(t, q+a)
	checkInvariants(t, d)
}

func TestAgentChanges(t *testing.T) {
	d := newTestDispatcher(t, testConfig(), newDueBook())
	require.NoError(t, d.AddAt(t0, Item{ID: "x", Require: []Requirement{{Skill: "senior", Level: 3}}}))
	_, err := d.DispatchAt(t0)
	require.ErrorIs(t, err, ErrNobodyAvailable)
	require.NoError(t, d.UpsertAgent(AgentSpec{ID: "eve", Skills: map[string]int{"senior": 4}, Capacity: 1}))
	a, err := d.DispatchAt(t0)
	require.NoError(t, err)
	assert.Equal(t, "eve", a.Agent)
	require.ErrorIs(t, d.RemoveAgent("eve"), ErrAgentBusy)
	// Lowering her level keeps her item and load.
	require.NoError(t, d.UpsertAgent(AgentSpec{ID: "eve", Skills: map[string]int{"senior": 1}, Capacity: 1}))
	st, _ := d.Item("x")
	assert.Equal(t, "eve", st.Owner)
	_, err = d.Remove("x")
	require.NoError(t, err)
	require.NoError(t, d.RemoveAgent("eve"))
	require.ErrorIs(t, d.RemoveAgent("eve"), ErrUnknownAgent)
	err = d.UpsertAgent(AgentSpec{ID: "", Skills: map[string]int{"tarot": 1}, Capacity: 0, Shift: "night"})
	require.ErrorIs(t, err, ErrInvalid)
	for _, p := range []string{"agent.id", "agent.skills.tarot", "agent.capacity", "agent.shift"} {
		assert.Contains(t, err.Error(), p)
	}
	checkInvariants(t, d)
}

// TestConcurrentPortal drives one dispatcher from several goroutines, as a
// portal would; run with -race.
func TestConcurrentPortal(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.Sticky = true
	d := newTestDispatcher(t, cfg, book)
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			agents := []string{"ann", "bob", "cai", "dan"}
			cats := []string{"billing", "product_quality", "other"}
			at := t0
			for i := range 300 {
				at = at.Add(time.Second)
				id := fmt.Sprintf("w%d-%d", w, i)
				book.set(id, at.Add(time.Duration(rng.IntN(3600))*time.Second))
				_ = d.AddAt(at, Item{ID: id, Priority: rng.IntN(3), Attributes: map[string]string{"category": cats[rng.IntN(3)]}})
				switch rng.IntN(6) {
				case 0, 1:
					if a, err := d.DispatchAt(at); err == nil && rng.IntN(2) == 0 {
						_, _ = d.Remove(a.Item)
					}
				case 2:
					if a, err := d.NextForAt(at, agents[rng.IntN(4)]); err == nil {
						_ = d.RequeueAt(at, Item{ID: a.Item})
					}
				case 3:
					_ = d.SetPresence(agents[rng.IntN(4)], Presence(1+rng.IntN(3)))
				case 4:
					_, _ = d.Remove(fmt.Sprintf("w%d-%d", w, rng.IntN(i+1)))
				case 5:
					_ = d.Snapshot()
					_ = d.HeadcountAt(at)
					d.RefreshAt(at, id)
				}
			}
		}()
	}
	wg.Wait()
	checkInvariants(t, d)
}

// TestShiftCacheOutOfOrder asks for instants in random order, as
// concurrent requests do, and compares the dispatcher's view of the shift
// with the calendar's.
func TestShiftCacheOutOfOrder(t *testing.T) {
	spec := dayShift("Europe/Berlin", "09:00", "12:00")
	spec.Week.Monday = append(spec.Week.Monday, sla.CalendarWindow{Start: "13:00", End: "17:30"})
	spec.Holidays = []sla.CalendarHoliday{{Date: "2025-03-31"}}
	cal, err := sla.NewCalendar(spec)
	require.NoError(t, err)
	cfg := testConfig()
	cfg.Shifts = map[string]sla.CalendarSpec{"day": spec}
	cfg.Agents = []AgentSpec{{ID: "cai", Skills: map[string]int{"general": 1}, Capacity: 1, Shift: "day"}}
	d := newTestDispatcher(t, cfg, newDueBook())
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2025, 3, 28, 0, 0, 0, 0, time.UTC)
	at := base
	for i := range 3000 {
		switch rng.IntN(4) {
		case 0: // a jump anywhere in ten days
			at = base.Add(time.Duration(rng.Int64N(int64(240 * time.Hour))))
		case 1: // slightly earlier
			at = at.Add(-time.Duration(rng.Int64N(int64(10 * time.Minute))))
		default: // slightly later
			at = at.Add(time.Duration(rng.Int64N(int64(10 * time.Minute))))
		}
		if i%50 == 0 { // exactly on a boundary
			at = time.Date(2025, 3, 28+rng.IntN(9), []int{9, 12, 13, 17}[rng.IntN(4)], []int{0, 30}[rng.IntN(2)], 0, 0, cal.Location())
		}
		h := d.HeadcountAt(at)
		assert.Equal(t, cal.IsOpen(at), h.OnDuty == 1, "%s", at)
	}
}

func TestClockForms(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	book := newDueBook()
	d, err := NewDispatcher(testConfig(), WithClock(mock), WithClock(nil), WithRemaining(book.remaining))
	require.NoError(t, err)
	book.set("a", t0.Add(time.Hour))
	require.NoError(t, d.Add(Item{ID: "a"}))
	require.NoError(t, d.Add(Item{ID: "b"}))
	require.NoError(t, d.Add(Item{ID: "c"}))
	st, _ := d.Item("b")
	assert.Equal(t, t0, st.Item.Created)
	mock.Add(10 * time.Minute)
	d.Refresh()
	a, err := d.Dispatch()
	require.NoError(t, err)
	assert.Equal(t, "a", a.Item)
	assert.Equal(t, t0.Add(10*time.Minute), a.At)
	assert.Equal(t, sla.Duration(50*time.Minute), a.Reason.Remaining)
	assert.Equal(t, sla.Duration(10*time.Minute), a.Reason.Waited)
	a, err = d.NextFor("bob")
	require.NoError(t, err)
	assert.Equal(t, "b", a.Item)
	_, err = d.Assign("c", "cai", "")
	require.NoError(t, err)
	require.NoError(t, d.Requeue(Item{ID: "c"}))
	assert.Len(t, d.DispatchAll(1), 1)
	checkInvariants(t, d)
}
