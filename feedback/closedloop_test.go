package feedback

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

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
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				id := fmt.Sprintf("w%d-%d", w, i)
				at := t0.Add(time.Duration(i) * time.Minute)
				_, err := h.rs.OpenAt(at, rectInput(id))
				assert.NoError(t, err)
				_, err = h.rv.ScheduleAt(at, rvComplaint(id))
				assert.NoError(t, err)
				if i%2 == 0 {
					_, err = h.rv.RecordAt(at, id, VisitOutcome{Mode: VisitAutomated, Satisfaction: 4})
					assert.NoError(t, err)
				}
				_ = h.rs.Snapshot()
				_ = h.rv.List()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 40 {
			h.tr.AdvanceTo(t0.Add(time.Duration(i) * 2 * time.Hour))
		}
	}()
	wg.Wait()
	h.tr.AdvanceTo(t0.Add(100 * time.Hour))
	assert.Len(t, h.rs.OverdueAt(t0.Add(100*time.Hour)), 100)
	assert.Len(t, h.rv.OverdueAt(t0.Add(100*time.Hour)), 48, "the 12 odd visits of each worker were never made")
}

func TestGoldenRectificationsSnapshot(t *testing.T) {
	rs, clk := rectScenario(t)
	goldenSnapshot(t, "rectifications_snapshot.json", rs.Snapshot(), func(s RectificationsSnapshot) (RectificationsSnapshot, error) {
		r, err := RestoreRectifications(s, WithClock(clk))
		if err != nil {
			return RectificationsSnapshot{}, err
		}
		return r.Snapshot(), nil
	})
}

func TestGoldenReturnVisitsSnapshot(t *testing.T) {
	rv, clk := rvScenario(t)
	goldenSnapshot(t, "return_visits_snapshot.json", rv.Snapshot(), func(s ReturnVisitsSnapshot) (ReturnVisitsSnapshot, error) {
		r, err := RestoreReturnVisits(s, WithClock(clk))
		if err != nil {
			return ReturnVisitsSnapshot{}, err
		}
		return r.Snapshot(), nil
	})
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

// spoil marshals good, lets f change it and returns the result.
func spoil[S any](t *testing.T, good S, f func(s *S)) S {
	t.Helper()
	var s S
	data, err := json.Marshal(good)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &s))
	f(&s)
	return s
}

// RestoreRectifications refuses items whose record, lifecycle and clock do
// not fit together, which it accepted before.
func TestRestoreRectificationsRefusesWhatDoesNotFit(t *testing.T) {
	rs, clk := rectScenario(t)
	good := rs.Snapshot()
	item := func(s *RectificationsSnapshot, id string) *RectificationRecord {
		for i := range s.Items {
			if s.Items[i].Item.ID == id {
				return &s.Items[i]
			}
		}
		t.Fatalf("no item %q", id)
		return nil
	}
	clockOf := func(s *RectificationsSnapshot, id string) *sla.ClockSnapshot {
		for i := range s.Timeline.Records {
			if r := &s.Timeline.Records[i]; r.ID == id {
				return &r.Clocks[0].Clock
			}
		}
		t.Fatalf("no record %q", id)
		return nil
	}
	for _, tc := range []struct {
		name string
		f    func(s *RectificationsSnapshot)
		want string
	}{
		{"a done item's clock running", func(s *RectificationsSnapshot) { clockOf(s, "done").Status = sla.Running },
			`rectification "done".clock.status: running in cycle 1, but the lifecycle implies paused`},
		{"a clock changed after the item", func(s *RectificationsSnapshot) {
			c := clockOf(s, "working")
			c.LastChange = c.LastChange.Add(time.Hour)
		}, `rectification "working".clock.last_change`},
		{"a clock labelled with another category", func(s *RectificationsSnapshot) {
			for i := range s.Timeline.Records {
				if s.Timeline.Records[i].ID == "open" {
					s.Timeline.Records[i].Clocks[0].Priority = "other"
				}
			}
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RestoreRectifications(spoil(t, good, tc.f), WithClock(clk))
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// RestoreReturnVisits refuses visits whose record, lifecycle and clock do
// not fit together, which it accepted before.
func TestRestoreReturnVisitsRefusesWhatDoesNotFit(t *testing.T) {
	rv, clk := rvScenario(t)
	good := rv.Snapshot()
	visit := func(s *ReturnVisitsSnapshot, id string) *ReturnVisitRecord {
		for i := range s.Visits {
			if s.Visits[i].Visit.ID == id {
				return &s.Visits[i]
			}
		}
		t.Fatalf("no visit %q", id)
		return nil
	}
	for _, tc := range []struct {
		name string
		f    func(s *ReturnVisitsSnapshot)
		want string
	}{
		{"an automated outcome of a high-risk visit", func(s *ReturnVisitsSnapshot) {
			v := visit(s, "late")
			v.Visit.HighRisk, v.Visit.Mode, v.Visit.Outcome.Mode = true, VisitHuman, VisitAutomated
		}, `visit.outcome.mode: "automated" for a high-risk visit`},
		{"a high-risk category without the risk", func(s *ReturnVisitsSnapshot) { visit(s, "waiting").Visit.Category = "safety" },
			`visit.mode: mode "automated" for a visit with high risk false in category "safety"`},
		{"a cancelled visit without its instant", func(s *ReturnVisitsSnapshot) { visit(s, "cancelled").Visit.CancelledAt = time.Time{} },
			"visit.cancelled_at: state cancelled"},
		{"an outcome at another instant", func(s *ReturnVisitsSnapshot) { visit(s, "done").Visit.Outcome.At = t0.Add(2 * time.Hour) },
			"visit.outcome.at"},
		{"a late visit not marked late", func(s *ReturnVisitsSnapshot) { visit(s, "late").Visit.Outcome.Late = false },
			"visit.outcome.late: false, but the deadline was reached by the visit: true"},
		{"a completed visit's clock running", func(s *ReturnVisitsSnapshot) {
			for i := range s.Timeline.Records {
				if s.Timeline.Records[i].ID == "done" {
					s.Timeline.Records[i].Clocks[0].Clock.Status = sla.Running
				}
			}
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RestoreReturnVisits(spoil(t, good, tc.f), WithClock(clk))
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	// What restores can be operated on.
	back, err := RestoreReturnVisits(good, WithClock(clk))
	require.NoError(t, err)
	_, err = back.AssignAt(clk.Now(), "waiting", "cs.liu", fsm.By{})
	require.NoError(t, err)
}
