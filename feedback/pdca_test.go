package feedback

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func csatPlan(deadline time.Time) Plan {
	return Plan{
		Problem:       "late deliveries drive CSAT down",
		CauseCategory: CategoryLogistics,
		Metric:        MetricCSAT,
		Baseline:      proportionFigure(MetricCSAT, UnitPercent, 700, 1000, 100, Config{}.settings()),
		Target:        80,
		Actions: []Action{
			{ID: "a1", Description: "switch courier in the north region", Owner: "ops.li", Deadline: deadline},
			{ID: "a2", Description: "proactive delay SMS", Owner: "cs.wang", Deadline: deadline},
		},
	}
}

func figure(m Metric, hits, n int64) Figure {
	return proportionFigure(m, UnitPercent, hits, n, 100, Config{}.settings())
}

func TestCycleFullRun(t *testing.T) {
	at := t0
	c, err := NewCycle(at, "c1", csatPlan(t0.Add(14*24*time.Hour)))
	require.NoError(t, err)
	assert.Equal(t, PhasePlan, c.Phase)
	require.NoError(t, c.StartDo(at.Add(time.Hour)))
	require.NoError(t, c.UpdateAction(at.Add(24*time.Hour), "a1", 50, "half the routes switched"))
	err = c.StartCheck(at.Add(48 * time.Hour))
	require.ErrorIs(t, err, ErrInvalidTransition)
	assert.Contains(t, err.Error(), "a1 (50%)")
	assert.Contains(t, err.Error(), "a2 (0%)")
	assert.Len(t, c.OverdueActions(at.Add(15*24*time.Hour)), 2)

	require.NoError(t, c.UpdateAction(at.Add(72*time.Hour), "a1", 100, ""))
	require.NoError(t, c.UpdateAction(at.Add(96*time.Hour), "a2", 100, ""))
	assert.Equal(t, at.Add(72*time.Hour), c.Plan.Actions[0].DoneAt)
	assert.Equal(t, "half the routes switched", c.Plan.Actions[0].Note)
	assert.Empty(t, c.OverdueActions(at.Add(15*24*time.Hour)))
	require.ErrorIs(t, c.UpdateAction(at, "zz", 10, ""), ErrNotFound)
	require.ErrorIs(t, c.UpdateAction(at, "a1", 101, ""), ErrInvalidConfig)

	require.NoError(t, c.StartCheck(at.Add(30*24*time.Hour)))
	w, _ := WindowOf(Month, at.Add(30*24*time.Hour), time.UTC)
	res, err := c.Check(at.Add(31*24*time.Hour), w, figure(MetricCSAT, 9, 10))
	require.NoError(t, err)
	assert.Equal(t, Inconclusive, res.Verdict)
	assert.Contains(t, res.Reason, "too few samples")
	require.ErrorIs(t, c.Standardise(at, "new courier"), ErrInvalidTransition)

	res, err = c.Check(at.Add(40*24*time.Hour), w, figure(MetricCSAT, 850, 1000))
	require.NoError(t, err)
	assert.Equal(t, Met, res.Verdict)
	assert.InDelta(t, 15, res.Change, 1e-9)
	require.NoError(t, c.Standardise(at.Add(41*24*time.Hour), "north region uses courier B; delay SMS is standard"))
	assert.Equal(t, PhaseAct, c.Phase)
	require.NoError(t, c.Close(at.Add(42*24*time.Hour)))
	assert.Equal(t, PhaseClosed, c.Phase)
	assert.Equal(t, Standardised, c.Outcome)
	require.NoError(t, c.Validate())
	var phases []Phase
	for _, h := range c.History {
		phases = append(phases, h.To)
	}
	assert.Equal(t, []Phase{PhaseDo, PhaseCheck, PhaseAct, PhaseClosed}, phases)
}

func TestCheckVerdicts(t *testing.T) {
	s := Config{MinSamples: 30}.settings()
	tests := []struct {
		name      string
		direction Direction
		metric    Metric
		baseline  float64
		target    float64
		measured  Figure
		want      Verdict
	}{
		{"met", "", MetricCSAT, 70, 80, figure(MetricCSAT, 850, 1000), Met},
		{"not met", "", MetricCSAT, 70, 80, figure(MetricCSAT, 750, 1000), NotMet},
		{"too few", "", MetricCSAT, 70, 80, figure(MetricCSAT, 20, 20), Inconclusive},
		{"reached but noisy", "", MetricCSAT, 70, 80, figure(MetricCSAT, 32, 40), Inconclusive},
		{"lower is better met", "", MetricAbandonment, 10, 5, figure(MetricAbandonment, 30, 1000), Met},
		{"lower is better not met", "", MetricAbandonment, 10, 5, figure(MetricAbandonment, 80, 1000), NotMet},
		{"direction override", LowerIsBetter, MetricCES, 4, 3, meanFigure(MetricCES, UnitScore, Moments{N: 100, Mean: 2.5, M2: 99}, s), Met},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := csatPlan(t0.Add(time.Hour))
			p.Metric, p.Direction, p.Target = tt.metric, tt.direction, tt.target
			p.Baseline = Figure{Metric: tt.metric, Value: tt.baseline}
			c, err := NewCycle(t0, "c", p)
			require.NoError(t, err)
			require.NoError(t, c.StartDo(t0))
			require.NoError(t, c.UpdateAction(t0, "a1", 100, ""))
			require.NoError(t, c.UpdateAction(t0, "a2", 100, ""))
			require.NoError(t, c.StartCheck(t0))
			r, err := c.Check(t0, Window{}, tt.measured)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Verdict, r.Reason)
		})
	}
}

func TestInvalidTransitions(t *testing.T) {
	newAt := func(p Phase) *Cycle {
		c, err := NewCycle(t0, "c", csatPlan(t0.Add(time.Hour)))
		require.NoError(t, err)
		c.Phase = p
		if p == PhaseCheck {
			c.Checks = []CheckResult{{Verdict: NotMet}}
		}
		return c
	}
	ops := map[string]func(c *Cycle) error{
		"StartDo":     func(c *Cycle) error { return c.StartDo(t0) },
		"StartCheck":  func(c *Cycle) error { return c.StartCheck(t0) },
		"Check":       func(c *Cycle) error { _, err := c.Check(t0, Window{}, figure(MetricCSAT, 1, 2)); return err },
		"Standardise": func(c *Cycle) error { return c.Standardise(t0, "x") },
		"StartNext": func(c *Cycle) error {
			_, err := c.StartNext(t0, "n", csatPlan(t0))
			return err
		},
		"Close":        func(c *Cycle) error { return c.Close(t0) },
		"UpdateAction": func(c *Cycle) error { return c.UpdateAction(t0, "a1", 10, "") },
	}
	allowed := map[Phase]map[string]bool{
		PhasePlan:   {"StartDo": true},
		PhaseDo:     {"UpdateAction": true},
		PhaseCheck:  {"Check": true, "StartNext": true},
		PhaseAct:    {"Close": true},
		PhaseClosed: {},
	}
	for phase, ok := range allowed {
		for name, op := range ops {
			if ok[name] {
				continue
			}
			t.Run(string(phase)+"/"+name, func(t *testing.T) {
				c := newAt(phase)
				err := op(c)
				require.ErrorIs(t, err, ErrInvalidTransition)
				var te *TransitionError
				require.True(t, errors.As(err, &te))
				assert.Equal(t, phase, te.From)
				assert.Equal(t, name, te.Op)
				assert.Equal(t, phase, c.Phase, "a denied operation changes nothing")
			})
		}
	}
	// Standardise needs a met target even in Check.
	c := newAt(PhaseCheck)
	err := c.Standardise(t0, "x")
	require.ErrorIs(t, err, ErrInvalidTransition)
	assert.Contains(t, err.Error(), "not_met")
	// StartNext needs a check.
	c.Checks = nil
	_, err = c.StartNext(t0, "n", csatPlan(t0))
	require.ErrorIs(t, err, ErrInvalidTransition)
}

func TestPlanValidate(t *testing.T) {
	p := Plan{
		Metric:   "custom_metric",
		Baseline: Figure{Metric: MetricNPS, Value: math.NaN()},
		Target:   math.Inf(1),
		Actions:  []Action{{ID: "a", Progress: 120}, {ID: "a"}},
	}
	err := p.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, path := range []string{
		"plan.problem", "plan.cause_category", "plan.direction", "plan.baseline.metric", "plan.baseline.value",
		"plan.target", "plan.actions[0].owner", "plan.actions[0].deadline", "plan.actions[0].progress", "plan.actions[1].id",
	} {
		assert.Contains(t, err.Error(), path)
	}
	bad := csatPlan(t0)
	bad.Target = 60 // below baseline 70 for a higher-is-better metric
	require.ErrorContains(t, bad.Validate(), "does not improve")
	bad.Actions = nil
	require.ErrorContains(t, bad.Validate(), "no actions")
	_, err = NewCycle(time.Time{}, "", csatPlan(t0))
	require.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "id")
	assert.Contains(t, err.Error(), "opened_at")
}

func runBookCycle(t *testing.T, b *Book, mock *clock.Mock) {
	t.Helper()
	_, err := b.Open("c1", csatPlan(mock.Now().Add(10*24*time.Hour)))
	require.NoError(t, err)
	require.NoError(t, b.StartDo("c1"))
	mock.Add(24 * time.Hour)
	require.NoError(t, b.UpdateAction("c1", "a1", 100, "done"))
	require.NoError(t, b.UpdateAction("c1", "a2", 60, ""))
	mock.Add(10 * 24 * time.Hour)
	over := b.Overdue()
	require.Len(t, over, 1)
	assert.Equal(t, "a2", over[0].Action.ID)
	require.NoError(t, b.UpdateAction("c1", "a2", 100, ""))
	require.NoError(t, b.StartCheck("c1"))
	w, _ := WindowOf(Month, mock.Now(), time.UTC)
	r, err := b.Check("c1", w, figure(MetricCSAT, 760, 1000))
	require.NoError(t, err)
	require.Equal(t, NotMet, r.Verdict)
	next := csatPlan(mock.Now().Add(20 * 24 * time.Hour))
	next.Baseline = r.Measured
	nc, err := b.StartNext("c1", "c2", next)
	require.NoError(t, err)
	assert.Equal(t, "c1", nc.Previous)
	require.NoError(t, b.Close("c1"))
}

func TestBookSnapshotRoundTrip(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	b := NewBook(WithClock(mock))
	runBookCycle(t, b, mock)

	snap := b.Snapshot()
	data, err := json.Marshal(snap)
	require.NoError(t, err)
	var back BookSnapshot
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, snap, back)
	rb, err := RestoreBook(back, WithClock(mock))
	require.NoError(t, err)
	assert.Equal(t, b.List(), rb.List())
	c1, err := rb.Get("c1")
	require.NoError(t, err)
	assert.Equal(t, "c2", c1.Next)
	assert.Equal(t, Continued, c1.Outcome)
	// The restored book carries on where the original stopped.
	require.NoError(t, rb.StartDo("c2"))
	data2, err := json.Marshal(rb.Snapshot())
	require.NoError(t, err)
	assert.NotEqual(t, string(data), string(data2))

	// Restoring rejects broken snapshots, naming every problem.
	broken := back
	broken.Version = 9
	broken.Cycles = append([]Cycle{}, back.Cycles...)
	broken.Cycles[0].Phase = "limbo"
	broken.Cycles = append(broken.Cycles, broken.Cycles[1])
	_, err = RestoreBook(broken)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "version")
	assert.Contains(t, err.Error(), "limbo")
	require.ErrorIs(t, err, ErrDuplicate)
}

func TestBookErrorsAndConcurrency(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	b := NewBook(WithClock(mock))
	_, err := b.Open("c1", csatPlan(t0.Add(time.Hour)))
	require.NoError(t, err)
	_, err = b.Open("c1", csatPlan(t0.Add(time.Hour)))
	require.ErrorIs(t, err, ErrDuplicate)
	require.ErrorIs(t, b.StartDo("nope"), ErrNotFound)
	_, err = b.Get("nope")
	require.ErrorIs(t, err, ErrNotFound)

	// Copies do not alias the book.
	c, err := b.Get("c1")
	require.NoError(t, err)
	c.Plan.Actions[0].Owner = "someone else"
	c2, _ := b.Get("c1")
	assert.Equal(t, "ops.li", c2.Plan.Actions[0].Owner)

	require.NoError(t, b.StartDo("c1"))
	parallel(4, func(g int) {
		for i := range 101 {
			assert.NoError(t, b.UpdateAction("c1", []string{"a1", "a2"}[g%2], i, ""))
			_, _ = b.List(), b.Snapshot()
		}
	})
	c, _ = b.Get("c1")
	assert.True(t, c.Plan.Actions[0].Done())
	assert.True(t, c.Plan.Actions[1].Done())
}

// TestBookStartNextWhileNextInUse: the copy StartNextAt returns is taken
// under the book's lock, so work on the new cycle, reachable by id at once,
// does not race with it (the race detector reports it otherwise).
func TestBookStartNextWhileNextInUse(t *testing.T) {
	const n = 50
	b := NewBook()
	w, _ := WindowOf(Week, t0, time.UTC)
	for i := range n {
		id := fmt.Sprint("c", i)
		_, err := b.OpenAt(t0, id, csatPlan(t0.Add(240*time.Hour)))
		require.NoError(t, err)
		require.NoError(t, b.StartDoAt(t0.Add(time.Hour), id))
		require.NoError(t, b.UpdateActionAt(t0.Add(2*time.Hour), id, "a1", 100, ""))
		require.NoError(t, b.UpdateActionAt(t0.Add(2*time.Hour), id, "a2", 100, ""))
		require.NoError(t, b.StartCheckAt(t0.Add(3*time.Hour), id))
		_, err = b.CheckAt(t0.Add(200*time.Hour), id, w, figure(MetricCSAT, 760, 1000))
		require.NoError(t, err)
	}
	parallel(2, func(g int) {
		for i := range n {
			if g == 0 {
				next, err := b.StartNextAt(t0.Add(201*time.Hour), fmt.Sprint("c", i), fmt.Sprint("n", i), csatPlan(t0.Add(400*time.Hour)))
				assert.NoError(t, err)
				assert.Equal(t, fmt.Sprint("n", i), next.ID)
				continue
			}
			for b.StartDoAt(t0.Add(202*time.Hour), fmt.Sprint("n", i)) != nil {
				runtime.Gosched() // until the other goroutine has started n<i>
			}
		}
	})
	for i := range n {
		c, err := b.Get(fmt.Sprint("n", i))
		require.NoError(t, err)
		assert.Equal(t, PhaseDo, c.Phase)
	}
}

func TestReview(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0) // 2026-03-02
	b := NewBook(WithClock(mock))
	runBookCycle(t, b, mock) // c1 opened and continued into c2 in March
	// c3 opened in March, still planning, its action overdue by the end of March.
	_, err := b.Open("c3", Plan{
		Problem: "slow answers", CauseCategory: CategoryServiceProcess, Metric: MetricASA,
		Baseline: Figure{Value: 40}, Target: 20,
		Actions: []Action{{ID: "x", Owner: "lead", Deadline: t0.Add(5 * 24 * time.Hour)}},
	})
	require.NoError(t, err)

	agg, err := NewAggregator(Week, time.UTC, Config{MinSamples: 3})
	require.NoError(t, err)
	for wk := 0; wk < 4; wk++ {
		for i := 0; i < 10; i++ {
			score := 3.0
			if i < 6+wk {
				score = 5
			}
			require.NoError(t, agg.AddResponse(Response{At: t0.Add(time.Duration(wk*7*24) * time.Hour), Kind: SurveyCSAT, Score: score}))
		}
	}
	march, _ := WindowOf(Month, t0, time.UTC)
	rv, err := NewReview(march, b.List(), agg.Reports())
	require.NoError(t, err)
	assert.Equal(t, 3, rv.Opened)
	assert.Equal(t, 1, rv.Closed)
	assert.Equal(t, 1, rv.Checked)
	assert.Equal(t, 1, rv.NotMet)
	assert.Equal(t, 1, rv.Continued)
	assert.Equal(t, 2, rv.OpenAtEnd)
	assert.Equal(t, 1, rv.Overdue)
	require.Len(t, rv.Cycles, 3)
	require.Len(t, rv.Trends, 1, "only CSAT has data; ASA has no report points")
	tr := rv.Trends[0]
	assert.Equal(t, MetricCSAT, tr.Metric)
	require.Len(t, tr.Points, 4)
	assert.InDelta(t, 30, tr.Change, 1e-9)
	assert.True(t, tr.Improving)
	out := rv.String()
	assert.Contains(t, out, "PDCA review 2026-03 (month)")
	assert.Contains(t, out, "1 not met")
	assert.Contains(t, out, "improving")

	data, err := json.Marshal(rv)
	require.NoError(t, err)
	var back Review
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, rv, back)

	// A quarter and a year see the same cycles; February sees none.
	q, _ := WindowOf(Quarter, t0, time.UTC)
	rq, err := NewReview(q, b.List(), nil)
	require.NoError(t, err)
	assert.Equal(t, 3, rq.Opened)
	assert.Empty(t, rq.Trends)
	y, _ := WindowOf(Year, t0, time.UTC)
	ry, err := NewReview(y, b.List(), nil)
	require.NoError(t, err)
	assert.Equal(t, 3, ry.Opened)
	assert.Equal(t, rq.Closed, ry.Closed)
	assert.Contains(t, ry.String(), "PDCA review 2026 (year)")
	feb, _ := WindowOf(Month, t0.AddDate(0, -1, 0), time.UTC)
	rf, err := NewReview(feb, b.List(), nil)
	require.NoError(t, err)
	assert.Empty(t, rf.Cycles)
	// April: c1 closed in March is gone; c2 and c3 are still open.
	rApr, err := NewReview(march.Next(), b.List(), nil)
	require.NoError(t, err)
	assert.Len(t, rApr.Cycles, 2)
	assert.Zero(t, rApr.Opened)

	_, err = NewReview(Window{Granularity: Day}, nil, nil)
	require.ErrorIs(t, err, ErrInvalidConfig)
}

func TestBookExplicitTimes(t *testing.T) {
	b := NewBook() // the real clock is never read by the ...At forms
	at := t0
	_, err := b.OpenAt(at, "c", csatPlan(at.Add(48*time.Hour)))
	require.NoError(t, err)
	require.NoError(t, b.StartDoAt(at.Add(time.Hour), "c"))
	require.NoError(t, b.UpdateActionAt(at.Add(2*time.Hour), "c", "a1", 100, ""))
	require.NoError(t, b.UpdateActionAt(at.Add(3*time.Hour), "c", "a2", 100, ""))
	require.NoError(t, b.StartCheckAt(at.Add(4*time.Hour), "c"))
	r, err := b.CheckAt(at.Add(5*time.Hour), "c", Window{}, figure(MetricCSAT, 900, 1000))
	require.NoError(t, err)
	assert.Equal(t, Met, r.Verdict)
	assert.Equal(t, at.Add(5*time.Hour), r.At)
	require.NoError(t, b.StandardiseAt(at.Add(6*time.Hour), "c", "keep it"))
	require.NoError(t, b.CloseAt(at.Add(7*time.Hour), "c"))
	c, err := b.Get("c")
	require.NoError(t, err)
	assert.Equal(t, at, c.OpenedAt)
	assert.Equal(t, at.Add(7*time.Hour), c.ClosedAt)
	assert.Equal(t, at.Add(2*time.Hour), c.Plan.Actions[0].DoneAt)
	require.Len(t, c.History, 4)
	assert.Equal(t, at.Add(time.Hour), c.History[0].At)
	assert.Empty(t, b.OverdueAt(at.Add(72*time.Hour)), "closed cycles have no overdue actions")

	_, err = b.OpenAt(at, "d", csatPlan(at.Add(time.Hour)))
	require.NoError(t, err)
	require.NoError(t, b.StartDoAt(at, "d"))
	require.NoError(t, b.UpdateActionAt(at, "d", "a1", 100, ""))
	require.NoError(t, b.UpdateActionAt(at, "d", "a2", 100, ""))
	require.NoError(t, b.StartCheckAt(at, "d"))
	_, err = b.CheckAt(at, "d", Window{}, figure(MetricCSAT, 700, 1000))
	require.NoError(t, err)
	_, err = b.StartNextAt(at, "d", "c", csatPlan(at.Add(time.Hour)))
	require.ErrorIs(t, err, ErrDuplicate)
	next, err := b.StartNextAt(at.Add(time.Minute), "d", "e", csatPlan(at.Add(time.Hour)))
	require.NoError(t, err)
	assert.Equal(t, at.Add(time.Minute), next.OpenedAt)
}
