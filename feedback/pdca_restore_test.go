package feedback

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bookGolden runs two linked cycles and a third still planning, at fixed
// instants in Shanghai.
func bookGolden(t testing.TB) *Book {
	t.Helper()
	sh := mustLoc(t, "Asia/Shanghai")
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, sh)
	b := NewBook()
	// Round figures, so that the golden file does not depend on the last
	// bits of math.Sqrt and math.Erfinv.
	plan := func(deadline time.Time) Plan {
		p := csatPlan(deadline)
		p.Baseline = Figure{Metric: MetricCSAT, Unit: UnitPercent, Value: 70, N: 1000}
		return p
	}
	measured := Figure{Metric: MetricCSAT, Unit: UnitPercent, Value: 76, Lower: 73.25, Upper: 78.5, Confidence: 0.95, N: 1000, MinN: 30}
	step := func(d time.Duration) time.Time { at = at.Add(d); return at }
	_, err := b.OpenAt(at, "c1", plan(at.Add(10*24*time.Hour)))
	require.NoError(t, err)
	require.NoError(t, b.StartDoAt(step(time.Hour), "c1"))
	require.NoError(t, b.UpdateActionAt(step(24*time.Hour), "c1", "a1", 100, "switched"))
	require.NoError(t, b.UpdateActionAt(step(24*time.Hour), "c1", "a2", 40, ""))
	require.NoError(t, b.UpdateActionAt(step(24*time.Hour), "c1", "a2", 100, "live"))
	require.NoError(t, b.StartCheckAt(step(24*time.Hour), "c1"))
	w, err := WindowOf(Week, at, sh)
	require.NoError(t, err)
	_, err = b.CheckAt(step(7*24*time.Hour), "c1", w, measured)
	require.NoError(t, err)
	_, err = b.StartNextAt(step(time.Hour), "c1", "c2", plan(at.Add(14*24*time.Hour)))
	require.NoError(t, err)
	require.NoError(t, b.CloseAt(step(time.Hour), "c1"))
	require.NoError(t, b.StartDoAt(step(time.Hour), "c2"))
	planned := plan(at.Add(30 * 24 * time.Hour))
	planned.Actions[1].Progress = 100
	_, err = b.OpenAt(step(time.Hour), "c3", planned)
	require.NoError(t, err)
	return b
}

func TestGoldenBookSnapshot(t *testing.T) {
	goldenSnapshot(t, "book_snapshot.json", bookGolden(t).Snapshot(), resnapshot(RestoreBook))
}

// Every cycle operation refuses an instant before the cycle's last change,
// as rectification items and return visits do; phase and argument errors
// are reported first.
func TestCycleRefusesTimeBackwards(t *testing.T) {
	b := bookGolden(t)
	c3, err := b.Get("c3")
	require.NoError(t, err)
	assert.Equal(t, c3.OpenedAt, c3.Plan.Actions[1].DoneAt, "an action planned done is done at the opening")
	assert.True(t, c3.Plan.Actions[0].DoneAt.IsZero())
	c2, err := b.Get("c2")
	require.NoError(t, err)
	at := c2.LastChange()
	for _, step := range []struct {
		op string
		do func(at time.Time) error
	}{
		{"UpdateAction", func(at time.Time) error { return b.UpdateActionAt(at, "c2", "a1", 100, "") }},
		{"UpdateAction", func(at time.Time) error { return b.UpdateActionAt(at, "c2", "a2", 100, "") }},
		{"StartCheck", func(at time.Time) error { return b.StartCheckAt(at, "c2") }},
	} {
		err := step.do(at.Add(-time.Minute))
		require.ErrorIs(t, err, ErrTimeBackwards, step.op)
		require.ErrorIs(t, err, ErrInvalidTransition)
		var te *TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, step.op, te.Op)
		at = at.Add(time.Hour)
		require.NoError(t, step.do(at), step.op)
	}
	require.ErrorIs(t, b.StartDoAt(c3.OpenedAt.Add(-time.Second), "c3"), ErrTimeBackwards)
	require.NoError(t, b.StartDoAt(c3.OpenedAt, "c3"), "an operation at the last change itself is fine")
	c := &Cycle{ID: "x"}
	require.NoError(t, b.with("c2", func(cc *Cycle) error { *c = cc.clone(); return nil }))
	at = c.LastChange()
	_, err = c.Check(at.Add(-time.Second), Window{}, figure(MetricCSAT, 900, 1000))
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = c.Check(at, Window{}, figure(MetricCSAT, 900, 1000))
	require.NoError(t, err)
	require.ErrorIs(t, c.Standardise(at.Add(-time.Second), "std"), ErrTimeBackwards)
	_, err = c.StartNext(at.Add(-time.Second), "n", csatPlan(at))
	require.ErrorIs(t, err, ErrTimeBackwards)
	assert.Equal(t, PhaseCheck, c.Phase, "a refused decision changes nothing")
	assert.Empty(t, c.Next)
	require.NoError(t, c.Standardise(at, "std"))
	require.ErrorIs(t, c.Close(time.Time{}), ErrTimeBackwards)
	require.NoError(t, c.Close(at))
}

// RestoreBook refuses cycles the operations could not have produced, which
// it accepted before.
func TestRestoreBookRefusesWhatOperationsCannotProduce(t *testing.T) {
	good := bookGolden(t).Snapshot()
	find := func(s *BookSnapshot, id string) *Cycle {
		for i := range s.Cycles {
			if s.Cycles[i].ID == id {
				return &s.Cycles[i]
			}
		}
		t.Fatalf("no cycle %q", id)
		return nil
	}
	refuses(t, good, resnapshot(RestoreBook), []refusal[BookSnapshot]{
		{"history back in time", func(s *BookSnapshot) {
			c := find(s, "c1")
			c.History[1].At = c.History[0].At.Add(-time.Hour)
		}, "cycles[0].history[1].at"},
		{"phase without its history", func(s *BookSnapshot) { find(s, "c3").Phase = PhaseCheck }, "cycles[2].phase: check, but the history ends in plan"},
		{"skipped phase", func(s *BookSnapshot) { find(s, "c1").History[1].To = PhaseAct }, "cycles[0].history[1]: do -> act does not follow phase do"},
		{"action not done in Check", func(s *BookSnapshot) {
			a := &find(s, "c1").Plan.Actions[1]
			a.Progress, a.DoneAt = 90, time.Time{}
		}, "cycles[0].plan.actions[1].progress: 90%, but Check started"},
		{"action updated after Do", func(s *BookSnapshot) {
			c := find(s, "c1")
			c.Plan.Actions[0].UpdatedAt = c.ClosedAt
		}, "cycles[0].plan.actions[0].updated_at"},
		{"done without its instant", func(s *BookSnapshot) { find(s, "c1").Plan.Actions[0].DoneAt = time.Time{} }, "cycles[0].plan.actions[0].done_at"},
		{"check before Check", func(s *BookSnapshot) {
			c := find(s, "c1")
			c.Checks[0].At = c.OpenedAt
		}, "cycles[0].checks[0].at"},
		{"verdict that does not follow", func(s *BookSnapshot) { find(s, "c1").Checks[0].Verdict = Met }, "cycles[0].checks[0]: verdict met"},
		{"outcome before the decision", func(s *BookSnapshot) { find(s, "c2").Outcome = Standardised }, "cycles[1].outcome"},
		{"closed at another instant", func(s *BookSnapshot) {
			c := find(s, "c1")
			c.ClosedAt = c.ClosedAt.Add(time.Minute)
		}, "cycles[0].closed_at"},
		{"next not in the book", func(s *BookSnapshot) {
			s.Cycles = append(s.Cycles[:1], s.Cycles[2:]...)
		}, `cycles[0].next: "c2" is no cycle of the book`},
		{"baseline without its metric", func(s *BookSnapshot) { find(s, "c3").Plan.Baseline.Metric = "" }, "cycles[2].plan.baseline.metric"},
		{"previous not continued", func(s *BookSnapshot) { find(s, "c3").Previous = "c2" }, `cycles[2].previous: "c2"`},
	})
}

// An action due at t is overdue from t, like rectification items and return
// visits.
func TestActionOverdueFromItsDeadline(t *testing.T) {
	a := Action{Deadline: t0}
	assert.False(t, a.Overdue(t0.Add(-time.Nanosecond)))
	assert.True(t, a.Overdue(t0))
	a.Progress = 100
	assert.False(t, a.Overdue(t0))
}
