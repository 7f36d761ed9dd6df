package feedback

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRectificationSpecIsValid(t *testing.T) {
	require.NoError(t, RectificationSpec().Validate())
	def := RectificationDefinition()
	assert.Equal(t, RectOpen, def.Initial())
	assert.True(t, def.IsTerminal(RectClosed))
	// The only way into closed is from customer_informed.
	for _, s := range def.States() {
		for _, ev := range def.EventsFrom(s) {
			if ev == RectClose {
				assert.Equal(t, RectCustomerInformed, s)
			}
		}
	}
	assert.Contains(t, def.Mermaid(), "customer_informed --> closed : close")
}

func TestReturnVisitSpecIsValid(t *testing.T) {
	require.NoError(t, ReturnVisitSpec().Validate())
	def := ReturnVisitDefinition()
	assert.True(t, def.IsTerminal(VisitCompleted))
	assert.True(t, def.IsTerminal(VisitCancelled))
}

// host is a host's timeline with both engines on it and one log of every
// event, the host's own included.
type host struct {
	clk *clock.Mock
	tr  *sla.Tracker
	rs  *Rectifications
	rv  *ReturnVisits
	mu  sync.Mutex
	log []string
}

func (h *host) note(format string, args ...any) {
	h.mu.Lock()
	h.log = append(h.log, fmt.Sprintf(format, args...))
	h.mu.Unlock()
}

func (h *host) events() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.log...)
}

// newHost builds both engines on tr (restoring them from rss and rvs when
// given) and logs their events.
func newHost(t *testing.T, clk *clock.Mock, tr *sla.Tracker, rss *RectificationsSnapshot, rvs *ReturnVisitsSnapshot) *host {
	t.Helper()
	h := &host{clk: clk, tr: tr}
	opts := []Option{WithTracker(tr), WithClock(clk)}
	var err error
	if rss == nil {
		h.rs, err = NewRectifications(RectificationConfig{}, opts...)
	} else {
		h.rs, err = RestoreRectifications(*rss, opts...)
	}
	require.NoError(t, err)
	if rvs == nil {
		h.rv, err = NewReturnVisits(ReturnVisitConfig{}, opts...)
	} else {
		h.rv, err = RestoreReturnVisits(*rvs, opts...)
	}
	require.NoError(t, err)
	tr.OnEvent(func(e sla.Event) { h.note("%s@%s", e.ID, e.At.Sub(t0)) })
	h.rs.OnEvent(func(e RectificationEvent) { h.note("%s@%s %s", e.ID, e.At.Sub(t0), e.State) })
	h.rv.OnEvent(func(e ReturnVisitEvent) { h.note("%s@%s %s", e.ID, e.At.Sub(t0), e.State) })
	return h
}

// Rectifications and return visits schedule on the host's one timeline,
// under their own namespaces: one AdvanceTo drives them and the host's own
// clocks in deadline order, the same id in three namespaces never
// collides, and the host restores everything from one timeline snapshot
// plus each engine's own snapshot.
func TestSharedTimeline(t *testing.T) {
	clk := clock.NewMock()
	clk.Set(t0)
	tr := sla.NewTracker(sla.WithClock(clk))
	h := newHost(t, clk, tr, nil, nil)
	_, err := NewReturnVisits(ReturnVisitConfig{}, WithTracker(tr))
	require.ErrorIs(t, err, sla.ErrNamespaceTaken)
	other, err := NewReturnVisits(ReturnVisitConfig{Within: time.Hour}, WithTracker(tr), WithClock(clk), WithNamespace("feedback.visits.vip"))
	require.NoError(t, err)
	assert.Equal(t, "feedback.visits.vip", other.Namespace())

	hourly, err := sla.NewSpec(sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(time.Hour), Calendar: sla.CalendarAlways}, sla.AlwaysOpen())
	require.NoError(t, err)
	require.NoError(t, tr.StartAt(t0, sla.ClockKey{ID: "X"}, hourly, "p1"))
	_, err = h.rs.OpenAt(t0, rectInput("X"))
	require.NoError(t, err)
	_, err = h.rv.ScheduleAt(t0.Add(time.Minute), rvComplaint("X"))
	require.NoError(t, err)
	_, err = other.ScheduleAt(t0, rvComplaint("X"))
	require.NoError(t, err)
	_, err = h.rv.ScheduleAt(t0, rvComplaint("Y"))
	require.NoError(t, err)
	_, err = h.rv.RecordAt(t0.Add(2*time.Hour), "Y", VisitOutcome{Mode: VisitAutomated, Satisfaction: 5})
	require.NoError(t, err)

	// the host's breach, the other engine's breach and reminder, a met
	// visit and a rectification warning
	assert.Equal(t, 5, tr.AdvanceTo(t0.Add(40*time.Hour)), "one AdvanceTo for every engine")
	assert.Equal(t, []string{
		"X/resolution/breach/1/1@1h0m0s",
		"feedback.visits:Y/return_visit/met/1/1@2h0m0s completed",
		"feedback.rectifications:X/rectification/warning/1/1@36h0m0s open",
	}, h.events(), "the other visits engine's events go to its own handlers")
	assert.Empty(t, other.OverdueAt(t0.Add(time.Hour-time.Nanosecond)))
	assert.Len(t, other.OverdueAt(t0.Add(time.Hour)), 1, "due at t means overdue from t")

	// The host snapshots its timeline once, each engine its items.
	rss, rvs, tl := h.rs.Snapshot(), h.rv.Snapshot(), tr.Snapshot()
	assert.Nil(t, rss.Timeline, "the host's timeline is the host's to save")
	assert.Nil(t, rvs.Timeline)
	var back struct {
		Rect     RectificationsSnapshot
		Visits   ReturnVisitsSnapshot
		Timeline sla.TrackerSnapshot
	}
	data, err := json.Marshal(map[string]any{"rect": rss, "visits": rvs, "timeline": tl})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &back))

	clk2 := clock.NewMock()
	clk2.Set(clk.Now())
	tr2, err := sla.RestoreTracker(back.Timeline, sla.WithClock(clk2))
	require.NoError(t, err)
	_, err = RestoreRectifications(back.Rect, WithClock(clk2))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorContains(t, err, "timeline: missing", "a shared engine's snapshot needs the host's timeline")
	h2 := newHost(t, clk2, tr2, &back.Rect, &back.Visits)
	assert.Equal(t, h.rs.List(), h2.rs.List())
	assert.Equal(t, h.rv.List(), h2.rv.List())
	assert.Equal(t, h.rv.AttainmentAt(clk.Now()), h2.rv.AttainmentAt(clk.Now()))
	private, err := NewReturnVisits(ReturnVisitConfig{}, WithClock(clk))
	require.NoError(t, err)
	_, err = RestoreReturnVisits(private.Snapshot(), WithTracker(tr2), WithNamespace("elsewhere"))
	assert.ErrorContains(t, err, "timeline: present", "a private timeline does not go onto the host's")

	// Both hosts go on alike; the restored one with slatest moving its mock
	// deadline by deadline, so handlers reading the clock see their minute.
	h.log, h2.log = nil, nil
	h2.rv.OnEvent(func(e ReturnVisitEvent) { assert.True(t, clk2.Now().Equal(e.At), "%s at %v", e.ID, clk2.Now()) })
	tr.AdvanceTo(t0.Add(80 * time.Hour))
	slatest.AdvanceTo(clk2, tr2, t0.Add(80*time.Hour))
	assert.Equal(t, h.events(), h2.events())
	assert.Contains(t, h2.events(), "feedback.visits:X/return_visit/breach/1/1@48h1m0s scheduled")
	assert.Contains(t, h2.events(), "feedback.rectifications:X/rectification/breach/1/1@72h0m0s open")
	assert.Equal(t, t0.Add(80*time.Hour), clk2.Now())
}

// Engines on one shared timeline stay safe under concurrent use while the
// timeline is advanced (run with -race).
func TestSharedTimelineConcurrent(t *testing.T) {
	clk := clock.NewMock()
	clk.Set(t0)
	h := newHost(t, clk, sla.NewTracker(sla.WithClock(clk)), nil, nil)
	hammer(t, 4, 25, 2*time.Hour, h.tr.AdvanceTo, func(id string, at time.Time, i int) error {
		if _, err := h.rs.OpenAt(at, rectInput(id)); err != nil {
			return err
		}
		if _, err := h.rv.ScheduleAt(at, rvComplaint(id)); err != nil || i%2 == 1 {
			return err
		}
		_, err := h.rv.RecordAt(at, id, VisitOutcome{Mode: VisitAutomated, Satisfaction: 4})
		return err
	}, func() { _, _ = h.rs.Snapshot(), h.rv.List() })
	assert.Len(t, h.rs.OverdueAt(t0.Add(100*time.Hour)), 100)
	assert.Len(t, h.rv.OverdueAt(t0.Add(100*time.Hour)), 48, "the 12 odd visits of each worker were never made")
}

func TestRectificationConcurrent(t *testing.T) {
	rs, clk, _ := rectNew(t, RectificationConfig{})
	var seen sync.Map
	rs.OnEvent(func(e RectificationEvent) {
		// Handlers may call back into the set.
		r, err := rs.Get(e.Item)
		var w, i int
		if _, serr := fmt.Sscanf(e.Item, "w%d-%d", &w, &i); serr == nil && err == nil && i%2 == 0 {
			// Odd items may or may not see events, depending on how far
			// the concurrent AdvanceTo got before they were done.
			seen.Store(e.ID.String(), r.State)
		}
	})
	const workers, per = 8, 20
	hammer(t, workers, per, 2*time.Hour, rs.AdvanceTo, func(id string, at time.Time, i int) error {
		if _, err := rs.OpenAt(at, rectInput(id)); err != nil {
			return err
		}
		steps := []func() error{
			func() error { _, err := rs.StartAt(at, id, fsm.By{}); return err },
			func() error { _, err := rs.CompleteActionAt(at, id, "a1", fsm.By{}); return err },
			func() error { _, err := rs.CompleteActionAt(at, id, "a2", fsm.By{}); return err },
			func() error { _, err := rs.CompleteAt(at, id, fsm.By{}); return err },
		}
		if i%2 == 0 {
			steps = steps[:1] // left running: these will be overdue
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
		return nil
	}, func() { _, _ = rs.List(), rs.Snapshot() })
	clk.Set(t0.Add(100 * time.Hour))
	assert.Len(t, rs.Overdue(), workers*per/2)
	n := 0
	seen.Range(func(k, v any) bool { n++; return true })
	// Each left-running item: 3 warnings, breach, reminder.
	assert.Equal(t, workers*per/2*5, n)
}

func TestReturnVisitConcurrent(t *testing.T) {
	rv, clk, _ := rvNew(t, ReturnVisitConfig{})
	var mu sync.Mutex
	overdue := map[string]bool{}
	rv.OnEvent(func(e ReturnVisitEvent) {
		if _, err := rv.Get(e.Visit); err != nil {
			t.Error(err)
		}
		if e.Kind == sla.Breach {
			mu.Lock()
			overdue[e.Visit] = true
			mu.Unlock()
		}
	})
	const workers, per = 8, 20
	hammer(t, workers, per, time.Hour, rv.AdvanceTo, func(id string, at time.Time, i int) error {
		if _, err := rv.ScheduleAt(at, rvComplaint(id)); err != nil {
			return err
		}
		if i%2 == 1 {
			if _, err := rv.RecordAt(at, id, VisitOutcome{Mode: VisitAutomated, Satisfaction: 4}); err != nil {
				return err
			}
		}
		return nil
	}, func() { _, _ = rv.List(), rv.Snapshot() })
	clk.Set(t0.Add(100 * time.Hour))
	assert.Len(t, rv.Overdue(), workers*per/2)
	mu.Lock()
	defer mu.Unlock()
	// Visits left unrecorded all breached. (A recorded one may have
	// breached too if the concurrent AdvanceTo passed its deadline before
	// it was recorded: that depends on scheduling, so it is not checked.)
	for w := 0; w < workers; w++ {
		for i := 0; i < per; i += 2 {
			assert.True(t, overdue[fmt.Sprintf("w%d-%d", w, i)])
		}
	}
}

func TestGoldenRectificationsSnapshot(t *testing.T) {
	rs, clk := rectScenario(t)
	goldenSnapshot(t, "rectifications_snapshot.json", rs.Snapshot(), resnapshot(RestoreRectifications, WithClock(clk)))
}

func TestGoldenReturnVisitsSnapshot(t *testing.T) {
	rv, clk := rvScenario(t)
	goldenSnapshot(t, "return_visits_snapshot.json", rv.Snapshot(), resnapshot(RestoreReturnVisits, WithClock(clk)))
}

// Items on a calendar in Shanghai report their instants in Shanghai, also
// after a JSON round trip, whatever location the caller used.
func TestInstantsInTheCalendarsLocation(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	cal, err := sla.NewCalendarIn(sh, sla.CalendarSpec{Week: sla.CalendarWeek{
		Monday: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}, Tuesday: []sla.CalendarWindow{{Start: "09:00", End: "18:00"}},
	}})
	require.NoError(t, err)
	cals := WithCalendars(sla.Registry{"shanghai": cal})
	def := DefaultRectificationDeadline()
	def.Within, def.Calendar = sla.Duration(9*time.Hour), "shanghai"
	rs, _, rec := rectNew(t, RectificationConfig{ByCategory: map[string]sla.SpecDef{CategoryProductQuality: def}}, cals)
	rv, _, rvRec := rvNew(t, ReturnVisitConfig{Within: 9 * time.Hour, CalendarName: "shanghai"}, cals)
	monday := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in Shanghai
	in := rectInput("Q")
	in.Category = CategoryProductQuality
	r, err := rs.OpenAt(monday, in)
	require.NoError(t, err)
	l, err := rs.OpenAt(monday, rectInput("L"))
	require.NoError(t, err)
	v, err := rv.ScheduleAt(monday, rvComplaint("V"))
	require.NoError(t, err)
	r, err = rs.StartAt(monday.Add(time.Minute), "Q", fsm.By{})
	require.NoError(t, err)
	for _, x := range []time.Time{r.Due, r.OpenedAt, r.Actions[0].AddedAt, r.History[0].At, v.Due, v.ScheduledAt} {
		assert.Same(t, sh, x.Location())
	}
	assert.Equal(t, time.Date(2026, 3, 2, 18, 0, 0, 0, sh), r.Due)
	assert.Equal(t, time.UTC, l.Due.Location(), "the default deadline's calendar is in UTC")

	rs.AdvanceTo(monday.Add(24 * time.Hour))
	rv.AdvanceTo(monday.Add(24 * time.Hour))
	require.NotEmpty(t, rec.list())
	for _, e := range rec.list() {
		if e.Item == "Q" {
			assert.Same(t, sh, e.At.Location(), e.ID.String())
		}
	}
	require.NotEmpty(t, rvRec.list())
	assert.Same(t, sh, rvRec.list()[0].At.Location())

	data, err := json.Marshal(rs.Snapshot())
	require.NoError(t, err)
	var back RectificationsSnapshot
	require.NoError(t, json.Unmarshal(data, &back))
	restored, err := RestoreRectifications(back, cals)
	require.NoError(t, err)
	assert.Equal(t, rs.List(), restored.List(), "the same instants in the same locations")
	_, err = RestoreRectifications(back)
	assert.ErrorContains(t, err, `unknown calendar "shanghai" (give it with WithCalendars)`)
}

// RestoreRectifications refuses items whose record, lifecycle and clock do
// not fit together, which it accepted before.
func TestRestoreRectificationsRefusesWhatDoesNotFit(t *testing.T) {
	rs, clk := rectScenario(t)
	good := rs.Snapshot()
	item := func(s *RectificationsSnapshot, id string) *RectificationRecord {
		return find(t, s.Items, func(r *RectificationRecord) bool { return r.Item.ID == id })
	}
	record := func(s *RectificationsSnapshot, id string) *sla.RecordSnapshot {
		return find(t, s.Timeline.Records, func(r *sla.RecordSnapshot) bool { return r.ID == id })
	}
	clockOf := func(s *RectificationsSnapshot, id string) *sla.ClockSnapshot { return &record(s, id).Clocks[0].Clock }
	refuses(t, good, resnapshot(RestoreRectifications, WithClock(clk)), []refusal[RectificationsSnapshot]{
		{"a done item's clock running", func(s *RectificationsSnapshot) { clockOf(s, "done").Status = sla.Running },
			`rectification "done".clock.status: running in cycle 1, but the lifecycle implies paused`},
		{"a clock changed after the item", func(s *RectificationsSnapshot) {
			c := clockOf(s, "working")
			c.LastChange = c.LastChange.Add(time.Hour)
		}, `rectification "working".clock.last_change`},
		{"a clock labelled with another category", func(s *RectificationsSnapshot) {
			record(s, "open").Clocks[0].Priority = "other"
		}, `clock.priority: "other", want "logistics_delivery"`},
		{"a verified item without its verification", func(s *RectificationsSnapshot) { item(s, "verified").Item.Verifications = nil },
			"item.verifications: 0, but the lifecycle verified 1 times"},
		{"a passed verification recorded as failed", func(s *RectificationsSnapshot) { item(s, "verified").Item.Verifications[0].Passed = false },
			"item.verifications[0]: passed false"},
		{"a notice before the customer was informed", func(s *RectificationsSnapshot) {
			item(s, "done").Item.Notice = &Notice{By: "cs", At: t0.Add(3 * time.Hour)}
		}, "item.notice: present true, but the customer informed false"},
		{"an action done before it was added", func(s *RectificationsSnapshot) {
			a := &item(s, "working").Item.Actions[0]
			a.DoneAt, a.DoneBy = t0.Add(-time.Hour), "x"
		}, "item.actions[0].done_at"},
		{"a transfer before the opening", func(s *RectificationsSnapshot) {
			item(s, "open").Lifecycle.Transfers[1].At = t0.Add(-time.Hour)
		}, "lifecycle.transfers[1].at"},
		{"a done item with an action not done", func(s *RectificationsSnapshot) {
			a := &item(s, "done").Item.Actions[1]
			a.DoneAt, a.DoneBy, a.Note = time.Time{}, "", ""
		}, "item.actions: feedback: corrective actions incomplete"},
		{"a derived field", func(s *RectificationsSnapshot) { item(s, "open").Item.State = RectClosed },
			"item: state, owner, first responder, due and history come from the lifecycle"},
	})
}

// RestoreReturnVisits refuses visits whose record, lifecycle and clock do
// not fit together, which it accepted before.
func TestRestoreReturnVisitsRefusesWhatDoesNotFit(t *testing.T) {
	rv, clk := rvScenario(t)
	good := rv.Snapshot()
	visit := func(s *ReturnVisitsSnapshot, id string) *ReturnVisitRecord {
		return find(t, s.Items, func(r *ReturnVisitRecord) bool { return r.Item.ID == id })
	}
	refuses(t, good, resnapshot(RestoreReturnVisits, WithClock(clk)), []refusal[ReturnVisitsSnapshot]{
		{"an automated outcome of a high-risk visit", func(s *ReturnVisitsSnapshot) {
			v := visit(s, "late")
			v.Item.HighRisk, v.Item.Mode, v.Item.Outcome.Mode = true, VisitHuman, VisitAutomated
		}, `item.outcome.mode: "automated" for a high-risk visit`},
		{"a high-risk category without the risk", func(s *ReturnVisitsSnapshot) { visit(s, "waiting").Item.Category = "safety" },
			`item.mode: mode "automated" for a visit with high risk false in category "safety"`},
		{"a cancelled visit without its instant", func(s *ReturnVisitsSnapshot) { visit(s, "cancelled").Item.CancelledAt = time.Time{} },
			"item.cancelled_at: state cancelled"},
		{"an outcome at another instant", func(s *ReturnVisitsSnapshot) { visit(s, "done").Item.Outcome.At = t0.Add(2 * time.Hour) },
			"item.outcome.at"},
		{"a late visit not marked late", func(s *ReturnVisitsSnapshot) { visit(s, "late").Item.Outcome.Late = false },
			"item.outcome.late: false, but the deadline was reached by the visit: true"},
		{"a completed visit's clock running", func(s *ReturnVisitsSnapshot) {
			find(t, s.Timeline.Records, func(r *sla.RecordSnapshot) bool { return r.ID == "done" }).Clocks[0].Clock.Status = sla.Running
		}, `return visit "done".clock.status: running`},
		{"a scheduled visit without its clock", func(s *ReturnVisitsSnapshot) {
			var keep []sla.RecordSnapshot
			for _, r := range s.Timeline.Records {
				if r.ID != "waiting" {
					keep = append(keep, r)
				}
			}
			s.Timeline.Records = keep
		}, `return visit "waiting".clock: has no SLA clock`},
	})
	// What restores can be operated on.
	back, err := RestoreReturnVisits(good, WithClock(clk))
	require.NoError(t, err)
	_, err = back.AssignAt(clk.Now(), "waiting", "cs.liu", fsm.By{})
	require.NoError(t, err)
}

// recorder collects the events of an engine; id names one in ids().
type recorder[E any] struct {
	mu  sync.Mutex
	evs []E
	id  func(E) string
}

func (r *recorder[E]) add(e E) {
	r.mu.Lock()
	r.evs = append(r.evs, e)
	r.mu.Unlock()
}

func (r *recorder[E]) list() []E {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]E(nil), r.evs...)
}

func (r *recorder[E]) ids() []string {
	var out []string
	for _, e := range r.list() {
		out = append(out, r.id(e))
	}
	return out
}

type (
	rectRecorder = recorder[RectificationEvent]
	rvRecorder   = recorder[ReturnVisitEvent]
)

// newRectRecorder names events by their id.
func newRectRecorder() *rectRecorder {
	return &rectRecorder{id: func(e RectificationEvent) string { return e.ID.String() }}
}

// newRVRecorder names events by their id and their instant after t0.
func newRVRecorder() *rvRecorder {
	return &rvRecorder{id: func(e ReturnVisitEvent) string { return fmt.Sprintf("%s@%s", e.ID, e.At.Sub(t0)) }}
}

// engineNew builds an engine on a mock clock at t0 with a recorder of its
// events.
func engineNew[X interface{ OnEvent(func(E)) }, E any](t testing.TB, build func(opts ...Option) (X, error), rec *recorder[E], opts ...Option) (X, *clock.Mock, *recorder[E]) {
	t.Helper()
	clk := clock.NewMock()
	clk.Set(t0)
	x, err := build(append([]Option{WithClock(clk)}, opts...)...)
	require.NoError(t, err)
	x.OnEvent(rec.add)
	return x, clk, rec
}

// rectNew returns an empty set on a mock clock at t0 and a recorder of its
// events.
func rectNew(t testing.TB, cfg RectificationConfig, opts ...Option) (*Rectifications, *clock.Mock, *rectRecorder) {
	return engineNew(t, func(opts ...Option) (*Rectifications, error) { return NewRectifications(cfg, opts...) }, newRectRecorder(), opts...)
}

// rvNew returns an empty set of visits on a mock clock at t0 and a
// recorder of its events.
func rvNew(t testing.TB, cfg ReturnVisitConfig, opts ...Option) (*ReturnVisits, *clock.Mock, *rvRecorder) {
	return engineNew(t, func(opts ...Option) (*ReturnVisits, error) { return NewReturnVisits(cfg, opts...) }, newRVRecorder(), opts...)
}

// roundTrip returns v after a trip through JSON.
func roundTrip[S any](t testing.TB, v S) S {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	var back S
	require.NoError(t, json.Unmarshal(data, &back))
	return back
}

// engine is what the tests read of Rectifications and ReturnVisits.
type engine[S, V any] interface {
	Snapshot() S
	List() []V
	AttainmentAt(at time.Time) []sla.Attainment
	NextDeadline() (time.Time, bool)
	Run(ctx context.Context) error
}

// restoredLikeIt restores x's snapshot after a JSON round trip and checks
// that the copy lists, snapshots and counts the same at at.
func restoredLikeIt[S, V any, X engine[S, V]](t *testing.T, x X, restore func(S) (X, error), at time.Time) X {
	t.Helper()
	snap := x.Snapshot()
	back, err := restore(roundTrip(t, snap))
	require.NoError(t, err)
	assert.Equal(t, x.List(), back.List())
	assert.Equal(t, snap, back.Snapshot())
	assert.Equal(t, x.AttainmentAt(at), back.AttainmentAt(at))
	return back
}

// runStops checks that x's next deadline is next and that Run ends with
// its context.
func runStops[S, V any](t *testing.T, x engine[S, V], next time.Time) {
	t.Helper()
	got, ok := x.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, next, got)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- x.Run(ctx) }()
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

// hammer runs item (then read) for per items in each of workers goroutines while
// another advances the timeline to t0 + i*step for i < 50, then advances it
// to t0+100h.
func hammer(t *testing.T, workers, per int, step time.Duration, advance func(at time.Time) int, item func(id string, at time.Time, i int) error, read func()) {
	t.Helper()
	parallel(workers+1, func(w int) {
		if w == workers {
			for i := range 50 {
				advance(t0.Add(time.Duration(i) * step))
			}
			return
		}
		for i := range per {
			if err := item(fmt.Sprintf("w%d-%d", w, i), t0.Add(time.Duration(i)*time.Minute), i); err != nil {
				t.Error(err)
				return
			}
			read()
		}
	})
	advance(t0.Add(100 * time.Hour))
}

// find returns the first element of s that match accepts.
func find[T any](t testing.TB, s []T, match func(*T) bool) *T {
	t.Helper()
	for i := range s {
		if match(&s[i]) {
			return &s[i]
		}
	}
	t.Fatalf("no such element")
	return nil
}

// bind returns restore with opts.
func bind[S, X any](restore func(S, ...Option) (X, error), opts ...Option) func(S) (X, error) {
	return func(s S) (X, error) { return restore(s, opts...) }
}

// resnapshot returns a function that restores a snapshot with opts and
// snapshots the result again.
func resnapshot[S any, X interface{ Snapshot() S }](restore func(S, ...Option) (X, error), opts ...Option) func(S) (S, error) {
	return func(s S) (S, error) {
		x, err := restore(s, opts...)
		if err != nil {
			var zero S
			return zero, err
		}
		return x.Snapshot(), nil
	}
}

// refusal is a way to spoil a good snapshot, and what the restore must
// then say.
type refusal[S any] struct {
	name  string
	spoil func(s *S)
	want  string
}

// refuses checks that restore refuses good, spoiled each way, with an error
// matching ErrInvalidConfig that says what the refusal wants.
func refuses[S any](t *testing.T, good S, restore func(S) (S, error), refusals []refusal[S]) {
	t.Helper()
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			s := roundTrip(t, good)
			r.spoil(&s)
			_, err := restore(s)
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.ErrorContains(t, err, r.want)
		})
	}
}

// asVisitError checks that err is a *VisitError matching sentinel and
// ErrInvalidTransition, and returns it.
func asVisitError(t *testing.T, err, sentinel error) *VisitError {
	t.Helper()
	require.ErrorIs(t, err, sentinel)
	require.ErrorIs(t, err, ErrInvalidTransition)
	var ve *VisitError
	require.ErrorAs(t, err, &ve)
	return ve
}

func rectInput(id string) RectificationInput {
	return RectificationInput{
		ID:       id,
		Source:   Source{Kind: SourceComplaint, ID: "C-" + id},
		Category: CategoryLogistics,
		Owner:    "ops.li",
		Problem:  "parcels crushed in the north hub",
		Actions: []CorrectiveAction{
			{ID: "a1", Description: "re-train hub staff on fragile handling"},
			{ID: "a2", Description: "add corner protectors", Owner: "pack.zhao"},
		},
		By: "qa.chen",
	}
}

// rectDoAll completes every open action of item id at at.
func rectDoAll(t testing.TB, rs *Rectifications, id string, at time.Time) {
	t.Helper()
	r, err := rs.Get(id)
	require.NoError(t, err)
	for _, a := range r.Actions {
		_, err := rs.CompleteActionAt(at, id, a.ID, fsm.By{Actor: a.Owner, Reason: "done"})
		require.NoError(t, err)
	}
}

// rectScenario builds items in every state, one overdue, with undelivered
// events pending.
func rectScenario(t testing.TB) (*Rectifications, *clock.Mock) {
	t.Helper()
	rs, clk, _ := rectNew(t, RectificationConfig{})
	for _, id := range []string{"open", "working", "done", "verified", "informed", "closed", "failed"} {
		_, err := rs.OpenAt(t0, rectInput(id))
		require.NoError(t, err)
	}
	at := t0.Add(time.Hour)
	for _, id := range []string{"working", "done", "verified", "informed", "closed", "failed"} {
		_, err := rs.StartAt(at, id, fsm.By{Actor: "ops.li", Reason: "go"})
		require.NoError(t, err)
	}
	at = at.Add(time.Hour)
	for _, id := range []string{"done", "verified", "informed", "closed", "failed"} {
		rectDoAll(t, rs, id, at)
		_, err := rs.CompleteAt(at, id, fsm.By{})
		require.NoError(t, err)
	}
	at = at.Add(time.Hour)
	_, err := rs.VerifyAt(at, "failed", Verification{Passed: false, Note: "recurred"})
	require.NoError(t, err)
	for _, id := range []string{"verified", "informed", "closed"} {
		_, err := rs.VerifyAt(at, id, Verification{Passed: true, VisitID: "V-" + id})
		require.NoError(t, err)
	}
	for _, id := range []string{"informed", "closed"} {
		_, err := rs.InformCustomerAt(at, id, Notice{By: "cs", Channel: "sms"})
		require.NoError(t, err)
	}
	_, err = rs.CloseAt(at, "closed", fsm.By{})
	require.NoError(t, err)
	_, err = rs.TransferAt(at, "open", "ops.zhou", fsm.By{Reason: "shift"})
	require.NoError(t, err)
	// Deliver up to the first warning, then move the clock past the breach
	// without delivering: the breach of the open items stays pending.
	slatest.AdvanceTo(clk, rs.Tracker(), t0.Add(40*time.Hour))
	clk.Set(t0.Add(75 * time.Hour))
	return rs, clk
}

func rvComplaint(id string) ResolvedComplaint {
	return ResolvedComplaint{ID: id, ComplaintID: "C-" + id, Customer: "cust-" + id, Category: CategoryLogistics}
}

func rvScenario(t testing.TB) (*ReturnVisits, *clock.Mock) {
	t.Helper()
	rv, clk, _ := rvNew(t, ReturnVisitConfig{HighRiskCategories: []string{"safety"}})
	for i, id := range []string{"waiting", "done", "cancelled", "risky", "late"} {
		c := rvComplaint(id)
		if id == "risky" {
			c.Category, c.Assignee = "safety", "sup.zhang"
		}
		_, err := rv.ScheduleAt(t0.Add(time.Duration(i)*time.Minute), c)
		require.NoError(t, err)
	}
	at := t0.Add(time.Hour)
	_, err := rv.RecordAt(at, "done", VisitOutcome{Mode: VisitAutomated, Satisfaction: 5, Note: "ok"})
	require.NoError(t, err)
	_, err = rv.CancelAt(at, "cancelled", fsm.By{Reason: "declined"})
	require.NoError(t, err)
	_, err = rv.AssignAt(at, "waiting", "cs.wang", fsm.By{})
	require.NoError(t, err)
	slatest.AdvanceTo(clk, rv.Tracker(), t0.Add(47*time.Hour))
	// Recorded after its deadline without AdvanceTo: its breach is
	// pending; so are the breaches and reminders of the others.
	clk.Set(t0.Add(49 * time.Hour))
	v, err := rv.RecordAt(clk.Now(), "late", VisitOutcome{Mode: VisitHuman, By: "cs.liu", Satisfaction: 2, Recurred: true})
	require.NoError(t, err)
	require.True(t, v.Outcome.Late)
	clk.Set(t0.Add(60 * time.Hour))
	return rv, clk
}

// advanceMock moves clk and tr together to until (slatest.AdvanceTo).
func advanceMock(clk *clock.Mock, tr *sla.Tracker, until time.Time) int {
	return slatest.AdvanceTo(clk, tr, until)
}
