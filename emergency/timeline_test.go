package emergency

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

var boardTimer = sla.RecordKey{Namespace: DefaultBoardNamespace, ID: boardTimerID}

// changeLog records a board's changes as "subject from->to @offset".
type changeLog struct{ recorder[string] }

func (l *changeLog) observe(c Change) {
	l.record(fmt.Sprintf("%s %v->%v @%v due %v", c.Subject, c.From, c.To, c.At.Sub(t0), c.Due.Sub(t0)))
}

// The board's next evaluation is a timer on the host's timeline: advancing
// the timeline raises and lowers at the exact instants, with no polling.
func TestBoardTimerOnSharedTimeline(t *testing.T) {
	tr := sla.NewTracker()
	var log changeLog
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}}, WithTracker(tr), WithObserver(log.observe))
	_, ok := tr.Timer(boardTimer)
	assert.False(t, ok, "nothing pending, no timer")

	observe(t, b, 0, "east", "complaint_rate", 6)
	due, ok := tr.Timer(boardTimer)
	require.True(t, ok)
	assert.Equal(t, at(10*time.Minute), due)

	tr.AdvanceTo(at(30 * time.Minute))
	assert.Equal(t, []string{"east none->yellow @10m0s due 10m0s"}, log.take(), "raised at the end of the hold, not later")
	_, ok = tr.Timer(boardTimer)
	assert.False(t, ok)

	observe(t, b, 40*time.Minute, "east", "complaint_rate", 3)
	due, _ = tr.Timer(boardTimer)
	assert.Equal(t, at(100*time.Minute), due)
	tr.AdvanceTo(at(3 * time.Hour))
	assert.Equal(t, []string{"east yellow->none @1h40m0s due 1h40m0s"}, log.take())
	_, ok = tr.Timer(boardTimer)
	assert.False(t, ok)

	_, err := NewBoard(Config{}, WithTracker(tr))
	require.ErrorIs(t, err, sla.ErrNamespaceTaken, "one board per namespace")
	_, err = NewBoard(Config{}, WithTracker(tr), WithNamespace("emergency.board.west"))
	require.NoError(t, err)
}

// An observation only lowers the timer; one left early fires, evaluates
// nothing new and moves on to the true next instant.
func TestBoardTimerEarlyIsHarmless(t *testing.T) {
	var log changeLog
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}}, WithObserver(log.observe))
	tr := b.Tracker()
	observe(t, b, 0, "a", "complaint_rate", 6)                // due +10m
	observe(t, b, 10*time.Second, "b", "complaint_rate", 6)   // due +10m10s: the timer stays
	observe(t, b, 5*time.Minute, "a", "complaint_rate", 1)    // a calms down: the timer is now early
	observe(t, b, 6*time.Minute, "c", "complaint_rate", 0.5)  // nothing pending
	observe(t, b, 7*time.Minute, "d", "complaint_rate", 13.5) // red, due +17m
	due, _ := tr.Timer(boardTimer)
	assert.Equal(t, at(10*time.Minute), due)

	assert.Equal(t, 1, b.AdvanceTo(at(10*time.Minute)))
	assert.Empty(t, log.take(), "the early timer changed nothing")
	due, _ = tr.Timer(boardTimer)
	assert.Equal(t, at(10*time.Minute+10*time.Second), due, "set to the true next instant")
	next, ok := b.NextDue()
	require.True(t, ok)
	assert.Equal(t, next, due)

	b.AdvanceTo(at(time.Hour))
	assert.Equal(t, []string{"b none->yellow @10m10s due 10m10s", "d none->red @17m0s due 17m0s"}, log.take())
}

// The host's evaluations keep the timer right too, and a restored board
// arms it again from its subjects.
func TestBoardTimerAfterEvaluateAndRestore(t *testing.T) {
	b := newBoard(t, fullConfig())
	drive(t, b)
	b.EvaluateAt(at(20 * time.Minute))
	due, ok := b.Tracker().Timer(boardTimer)
	require.True(t, ok)
	next, _ := b.NextDue()
	assert.Equal(t, next, due)

	r, err := RestoreBoard(b.Snapshot())
	require.NoError(t, err)
	due, ok = r.Tracker().Timer(boardTimer)
	require.True(t, ok)
	assert.Equal(t, next, due)
	b.EvaluateAt(at(26 * time.Hour))
	r.AdvanceTo(at(26 * time.Hour))
	for _, s := range b.Subjects() {
		assert.Equal(t, b.Level(s), r.Level(s), s)
	}
}

// timelineHost is a host with one timeline and every engine of the
// package on it.
type timelineHost struct {
	tr    *sla.Tracker
	board *Board
	obl   *Obligations
	mgr   *IncidentManager
	recorder[string]
}

func (h *timelineHost) note(format string, args ...any) { h.record(fmt.Sprintf(format, args...)) }

func (h *timelineHost) options(clk clock.Clock) []Option {
	return []Option{WithTracker(h.tr), WithClock(clk),
		WithObserver(func(c Change) {
			h.note("board %s %v->%v @%v", c.Subject, c.From, c.To, c.At.Sub(t0))
			h.obl.HandleChange(c)
		}),
		WithObligationHandler(func(e ObligationEvent) {
			h.note("obligation %s %s @%v", e.Obligation.Rule, e.Kind, e.At.Sub(t0))
		}),
		WithIncidentHandler(func(e IncidentEvent) {
			what := e.Milestone
			if e.Tier != 0 {
				what = e.Tier.String()
			}
			h.note("incident %s %s @%v", e.Kind, what, e.At.Sub(t0))
		}),
	}
}

func boardConfigWithHold() Config {
	return Config{Thresholds: []ThresholdRule{complaintRateRule()}}
}

func newTimelineHost(t *testing.T, clk clock.Clock) *timelineHost {
	t.Helper()
	h := &timelineHost{tr: sla.NewTracker(sla.WithClock(clk))}
	var err error
	h.board, err = NewBoard(boardConfigWithHold(), h.options(clk)...)
	require.NoError(t, err)
	h.obl, err = NewObligations(DefaultObligationConfig(), append(h.options(clk), WithBoard(h.board))...)
	require.NoError(t, err)
	h.mgr, err = NewIncidentManager(DefaultIncidentConfig(), h.options(clk)...)
	require.NoError(t, err)
	return h
}

func (h *timelineHost) start(t *testing.T) {
	t.Helper()
	observe(t, h.board, 0, "east", "complaint_rate", 6)
	_, err := h.mgr.ReportAt(t0, Report{ID: "INC-1", Type: ServiceInterruption, Grade: GradeIII, ReportedBy: "noc"})
	require.NoError(t, err)
}

// One timeline, one AdvanceTo: the board's hold, the obligation its raise
// opens, the obligation's miss escalating the board, and the incident's
// milestones and escalations all happen at their own instants, in order.
func TestOneTimelineDrivesEveryEngine(t *testing.T) {
	h := newTimelineHost(t, clock.NewMock())
	h.start(t)
	h.take()
	h.tr.AdvanceTo(at(80 * time.Hour))
	assert.Equal(t, []string{
		"board east none->yellow @10m0s",
		"obligation rectification-plan opened @10m0s",
		"incident milestone_missed response_started @15m0s",
		"incident escalated department @15m0s",
		"incident escalated headquarters @30m0s",
		"incident escalated executives @45m0s",
		"incident milestone_missed initial_assessment @1h0m0s",
		"incident ack_timeout executives @1h0m0s",
		"incident milestone_missed response_plan @2h0m0s",
		"incident milestone_missed stakeholders_notified @4h0m0s",
		"board east yellow->orange @72h10m0s",
		"obligation rectification-plan missed @72h10m0s",
	}, h.take())
	assert.Equal(t, Orange, h.board.Level("east"))
}

// The same on a mock clock moved by slatest.AdvanceTo: handlers that read
// the clock see the minute of their event.
func TestOneTimelineOnMockClock(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	h := newTimelineHost(t, mock)
	h.mgr.eng.OnEvent(func(e IncidentEvent) {
		if e.Kind == EventEscalated && e.Tier == Department {
			_, err := h.mgr.Acknowledge(e.Incident, "department-head") // reads the mock
			assert.NoError(t, err)
		}
	})
	h.start(t)
	slatest.AdvanceTo(mock, h.tr, at(80*time.Hour))
	in, _ := h.mgr.Get("INC-1")
	require.Len(t, in.Acks, 1)
	assert.Equal(t, at(15*time.Minute), in.Acks[0].At, "acknowledged at the minute of the escalation")
	assert.Equal(t, Department, in.Tier)
	ob := h.obl.List("east")[0]
	assert.Equal(t, ObligationMissed, ob.State)
	assert.Equal(t, at(72*time.Hour+10*time.Minute), ob.MissedAt)
	assert.Equal(t, at(80*time.Hour), mock.Now())
}

// A host restores its timeline from one snapshot and each engine from its
// own, then goes on exactly as if nothing had happened.
func TestRestoreEveryEngineFromOneTimeline(t *testing.T) {
	h := newTimelineHost(t, clock.NewMock())
	h.start(t)
	h.tr.AdvanceTo(at(20 * time.Minute))
	ctx := context.Background()
	_, err := h.mgr.FireAt(ctx, at(20*time.Minute), "INC-1", IncidentAssess, fsm.By{Actor: "lead"})
	require.NoError(t, err)
	h.take()

	tl, bs, os, is := h.tr.Snapshot(), h.board.Snapshot(), h.obl.Snapshot(), h.mgr.Snapshot()
	assert.Nil(t, os.Timeline, "the host snapshots the shared timeline once")
	assert.Nil(t, is.Timeline)

	g := &timelineHost{}
	g.tr, err = sla.RestoreTracker(tl)
	require.NoError(t, err)
	opts := g.options(clock.NewMock())
	g.board, err = RestoreBoard(bs, opts...)
	require.NoError(t, err)
	g.obl, err = RestoreObligations(os, append(opts, WithBoard(g.board))...)
	require.NoError(t, err)
	g.mgr, err = RestoreIncidentManager(is, opts...)
	require.NoError(t, err)

	h.tr.AdvanceTo(at(80 * time.Hour))
	g.tr.AdvanceTo(at(80 * time.Hour))
	want := h.take()
	assert.NotEmpty(t, want)
	assert.Equal(t, want, g.take())
	assert.Equal(t, h.mgr.List(), g.mgr.List())
	assert.Equal(t, h.obl.List(""), g.obl.List(""))
	assert.Equal(t, h.board.Snapshot(), g.board.Snapshot())

	// An engine's snapshot does not fit another timeline's shape.
	_, err = RestoreObligations(h.obl.Snapshot(), WithBoard(g.board))
	assert.ErrorIs(t, err, ErrSnapshot, "a private engine needs its timeline in the snapshot")
	assert.ErrorContains(t, err, "timeline: missing")
}

// Engines on one timeline are safe for concurrent use while the timeline
// is advanced (run with -race).
func TestOneTimelineConcurrent(t *testing.T) {
	h := newTimelineHost(t, clock.NewMock())
	concurrently(3, 40, func(w int) {
		for i := range 30 {
			subject := fmt.Sprintf("w%d-%d", w, i)
			if _, err := h.board.ObserveAt(at(time.Duration(i)*time.Minute), subject, "complaint_rate", 6); err != nil {
				assert.ErrorIs(t, err, ErrTimeBackwards)
			}
			_, err := h.mgr.ReportAt(at(time.Duration(i)*time.Minute), Report{Type: SystemFailure, Grade: GradeIV, ReportedBy: "m"})
			assert.NoError(t, err)
			_ = h.obl.List(subject)
		}
	}, func(i int) {
		h.tr.AdvanceTo(at(time.Duration(i) * time.Minute))
		_ = h.tr.Snapshot()
		_ = h.board.Snapshot()
	})
	h.tr.AdvanceTo(at(100 * time.Hour))
	assert.Len(t, h.mgr.List(), 90)
	for _, ob := range h.obl.List("") {
		assert.Equal(t, ObligationMissed, ob.State)
		assert.Equal(t, Orange, h.board.Level(ob.Subject))
	}
	assert.NotEmpty(t, h.obl.List(""))
}

// Due at t means missed, late or overdue from t: the boundary of an SLA
// clock, breached at its due instant.
func TestDueAtTMeansOverdueFromT(t *testing.T) {
	// An obligation fulfilled at its deadline is late; the miss is still
	// recorded, and escalates nothing.
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0, "east", "minor", "")
	require.NoError(t, err)
	ob := f.obl.List("east")[0]
	ob, err = f.obl.FulfillAt(ob.Due, ob.ID, "lead", "")
	require.NoError(t, err)
	assert.True(t, ob.Late)
	f.obl.AdvanceTo(ob.Due)
	ob, _ = f.obl.Get(ob.ID)
	assert.Equal(t, ob.Due, ob.MissedAt)
	assert.Equal(t, Yellow, f.board.Level("east"))

	// One fulfilled a nanosecond before is in time.
	_, err = f.board.SignalAt(t0, "west", "minor", "")
	require.NoError(t, err)
	ob = f.obl.List("west")[0]
	ob, err = f.obl.FulfillAt(ob.Due.Add(-time.Nanosecond), ob.ID, "lead", "")
	require.NoError(t, err)
	assert.False(t, ob.Late)

	// An action item is overdue at its deadline.
	due := t0.Add(time.Hour)
	r := Review{ActionItems: []ActionItem{{ID: "A1", Due: due}}}
	assert.Empty(t, r.Overdue(due.Add(-time.Nanosecond)))
	assert.Len(t, r.Overdue(due), 1)

	// A hold raises at its end exactly.
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}})
	observe(t, b, 0, "s", "complaint_rate", 6)
	ch := b.EvaluateAt(at(10 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, at(10*time.Minute), ch[0].Due)
}
