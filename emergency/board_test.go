package emergency

import (
	"encoding/json"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func complaintRateRule() ThresholdRule {
	return ThresholdRule{
		Name: "complaint-rate", Measure: "complaint_rate", Direction: HigherIsWorse,
		Steps: []Step{
			{Level: Yellow, Enter: 5, Exit: 4},
			{Level: Orange, Enter: 8, Exit: 7},
			{Level: Red, Enter: 12, Exit: 10},
		},
		Hold: sla.Duration(10 * time.Minute), Dwell: sla.Duration(time.Hour),
	}
}

func newBoard(t *testing.T, cfg Config, opts ...Option) *Board {
	t.Helper()
	b, err := NewBoard(cfg, opts...)
	require.NoError(t, err)
	return b
}

func observe(t *testing.T, b *Board, d time.Duration, subject, measure string, v float64) []Change {
	t.Helper()
	ch, err := b.ObserveAt(at(d), subject, measure, v)
	require.NoError(t, err)
	return ch
}

func TestThresholdHoldHysteresisDwell(t *testing.T) {
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}})
	const m = "complaint_rate"

	// Entering yellow starts the hold; nothing changes yet.
	assert.Empty(t, observe(t, b, 0, "east", m, 6))
	st, ok := b.Status("east")
	require.True(t, ok)
	require.NotNil(t, st.Rules[0].Pending)
	assert.Equal(t, Pending{To: Yellow, Due: at(10 * time.Minute)}, *st.Rules[0].Pending)
	next, ok := b.NextDue()
	require.True(t, ok)
	assert.Equal(t, at(10*time.Minute), next)

	assert.Empty(t, observe(t, b, 5*time.Minute, "east", m, 6.5))
	assert.Empty(t, b.EvaluateAt(at(9*time.Minute+59*time.Second)))

	// Evaluated late: At is the evaluation, Due the end of the hold.
	ch := b.EvaluateAt(at(12 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, None, ch[0].From)
	assert.Equal(t, Yellow, ch[0].To)
	assert.True(t, ch[0].Raised())
	assert.Equal(t, at(12*time.Minute), ch[0].At)
	assert.Equal(t, at(10*time.Minute), ch[0].Due)
	assert.Equal(t, "complaint-rate", ch[0].Evidence.Rule)
	assert.Equal(t, KindThreshold, ch[0].Evidence.Kind)
	assert.Equal(t, 6.5, ch[0].Evidence.Value)
	assert.Equal(t, 5.0, ch[0].Evidence.Bound)
	assert.Equal(t, at(0), ch[0].Evidence.Since)
	assert.Equal(t, at(5*time.Minute), ch[0].Evidence.ObservedAt)
	assert.Equal(t, uint64(1), ch[0].Seq)

	// Between exit and enter: hysteresis keeps yellow as the candidate.
	assert.Empty(t, observe(t, b, 20*time.Minute, "east", m, 4.5))
	st, _ = b.Status("east")
	assert.Equal(t, Yellow, st.Rules[0].Candidate)
	assert.Nil(t, st.Rules[0].Pending)

	// At the exit value the dwell starts; a relapse cancels it.
	assert.Empty(t, observe(t, b, 30*time.Minute, "east", m, 4))
	st, _ = b.Status("east")
	require.NotNil(t, st.Rules[0].Pending)
	assert.Equal(t, Pending{To: None, Due: at(90 * time.Minute)}, *st.Rules[0].Pending)
	assert.Empty(t, observe(t, b, 40*time.Minute, "east", m, 6))
	assert.Empty(t, observe(t, b, 50*time.Minute, "east", m, 3))
	assert.Empty(t, b.EvaluateAt(at(109*time.Minute)))
	ch = b.EvaluateAt(at(110 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].From)
	assert.Equal(t, None, ch[0].To)
	assert.False(t, ch[0].Raised())
	assert.Equal(t, at(110*time.Minute), ch[0].Due)
	assert.Equal(t, 4.0, ch[0].Evidence.Bound, "lowering evidence names the exit value")
	assert.Equal(t, 3.0, ch[0].Evidence.Value)
	assert.Equal(t, at(50*time.Minute), ch[0].Evidence.Since)

	h := b.History("east")
	require.Len(t, h, 2)
	assert.Equal(t, []Level{Yellow, None}, []Level{h[0].To, h[1].To})
	_, ok = b.NextDue()
	assert.False(t, ok)
}

func TestThresholdMultiLevel(t *testing.T) {
	r := complaintRateRule()
	r.Hold = 0
	b := newBoard(t, Config{Thresholds: []ThresholdRule{r}})
	const m = "complaint_rate"
	ch := observe(t, b, 0, "s", m, 13)
	require.Len(t, ch, 1)
	assert.Equal(t, Red, ch[0].To)
	assert.Equal(t, 12.0, ch[0].Evidence.Bound)

	// Drop to a value inside orange's band: after the dwell, the level
	// goes to orange, not to none.
	assert.Empty(t, observe(t, b, time.Minute, "s", m, 9))
	ch = b.EvaluateAt(at(61 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, Red, ch[0].From)
	assert.Equal(t, Orange, ch[0].To)
	assert.Equal(t, 10.0, ch[0].Evidence.Bound)

	// Calm for 10 minutes, then yellow-range for the rest of the dwell:
	// the level settles at the highest candidate of the dwell window.
	assert.Empty(t, observe(t, b, 70*time.Minute, "s", m, 1))
	assert.Empty(t, observe(t, b, 80*time.Minute, "s", m, 6))
	ch = b.EvaluateAt(at(131 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].To)
	assert.Equal(t, Yellow, b.Level("s"))
}

func TestHoldPerLevel(t *testing.T) {
	// Yellow for 9 minutes, then a one-minute red spike: the hold of red
	// has not passed, so the board raises to yellow only.
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}})
	const m = "complaint_rate"
	assert.Empty(t, observe(t, b, 0, "s", m, 6))
	assert.Empty(t, observe(t, b, 9*time.Minute, "s", m, 13))
	ch := b.EvaluateAt(at(10 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].To)
	ch = b.EvaluateAt(at(19 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, Red, ch[0].To)
}

func TestLowerIsWorse(t *testing.T) {
	nps := ThresholdRule{
		Name: "nps", Measure: "nps", Direction: LowerIsWorse,
		Steps: []Step{{Level: Yellow, Enter: 30, Exit: 35}, {Level: Orange, Enter: 10, Exit: 15}},
		Dwell: sla.Duration(24 * time.Hour),
	}
	b := newBoard(t, Config{Thresholds: []ThresholdRule{nps}})
	assert.Empty(t, observe(t, b, 0, "app", "nps", 40))
	ch := observe(t, b, time.Hour, "app", "nps", 28)
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].To)
	ch = observe(t, b, 2*time.Hour, "app", "nps", -5)
	require.Len(t, ch, 1)
	assert.Equal(t, Orange, ch[0].To)
	assert.Equal(t, 10.0, ch[0].Evidence.Bound)
	assert.Empty(t, observe(t, b, 3*time.Hour, "app", "nps", 33)) // above orange's exit, below yellow's
	ch = b.EvaluateAt(at(27 * time.Hour))
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].To)
	assert.Equal(t, 15.0, ch[0].Evidence.Bound)
}

func TestFlappingInputDoesNotFlap(t *testing.T) {
	r := complaintRateRule()
	r.Hold, r.Dwell = 0, sla.Duration(30*time.Minute)
	b := newBoard(t, Config{Thresholds: []ThresholdRule{r}})
	var all []Change
	for i := range 240 { // four hours, crossing enter and exit every minute
		v := 5.5
		if i%2 == 1 {
			v = 3
		}
		all = append(all, observe(t, b, time.Duration(i)*time.Minute, "s", "complaint_rate", v)...)
	}
	require.Len(t, all, 1, "one raise and no lowering while the input flaps")
	assert.Equal(t, Yellow, all[0].To)
	assert.Len(t, b.History("s"), 1)

	// Once the input settles, the level lowers once, after the dwell.
	assert.Empty(t, observe(t, b, 240*time.Minute, "s", "complaint_rate", 3))
	ch := b.EvaluateAt(at(270 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, None, ch[0].To)
}

func weekOverWeek() ChangeRule { return NewChangeRule("complaints-wow", "complaints") }

func TestChangeRuleAcceptance(t *testing.T) {
	tests := []struct {
		name   string
		counts Counts
		want   Level
	}{
		{"3 to 4 is noise", Counts{Current: 4, Baseline: 3}, None},
		{"100 to 130 raises", Counts{Current: 130, Baseline: 100}, Yellow},
		{"100 to 120 is below 30 %", Counts{Current: 120, Baseline: 100}, None},
		{"5 to 19 is below the minimum volume", Counts{Current: 19, Baseline: 5}, None},
		{"20 from 0 raises", Counts{Current: 20, Baseline: 0}, Yellow},
		{"a fall never raises", Counts{Current: 50, Baseline: 130}, None},
		{"same rate per order", Counts{Current: 130, Baseline: 100, Exposure: 13000, BaselineExposure: 10000}, None},
		{"rate per order up", Counts{Current: 130, Baseline: 100, Exposure: 10000, BaselineExposure: 10000}, Yellow},
		{"orders fell, rate up", Counts{Current: 100, Baseline: 100, Exposure: 5000, BaselineExposure: 10000}, Yellow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBoard(t, Config{Changes: []ChangeRule{weekOverWeek()}})
			_, err := b.ObserveCountsAt(t0, "team-a", "complaints", tc.counts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, b.Level("team-a"))
		})
	}
}

func TestChangeRuleEvidence(t *testing.T) {
	rule := weekOverWeek()
	rule.Per = 1000
	b := newBoard(t, Config{Changes: []ChangeRule{rule}})
	ch, err := b.ObserveCountsAt(t0, "team-a", "complaints",
		Counts{Current: 130, Baseline: 100, Exposure: 10000, BaselineExposure: 10000})
	require.NoError(t, err)
	require.Len(t, ch, 1)
	e := ch[0].Evidence
	assert.Equal(t, KindChange, e.Kind)
	assert.InDelta(t, 13.0, e.Value, 1e-12)
	assert.InDelta(t, 10.0, e.Baseline, 1e-12)
	require.NotNil(t, e.Test)
	assert.Equal(t, TestMethod, e.Test.Method)
	assert.InDelta(t, 0.0278, e.Test.PValue, 1e-4)
	assert.InDelta(t, 0.30, e.Test.RelativeChange, 1e-9)
	assert.Equal(t, 0.5, e.Test.Share)
	assert.Equal(t, DefaultAlpha, e.Test.Alpha)
	assert.Equal(t, int64(DefaultMinVolume), e.Test.MinVolume)

	// Evidence is JSON-friendly.
	back, _ := jsonCopy(t, ch[0])
	assert.Equal(t, ch[0], back)
}

func TestEventRule(t *testing.T) {
	cfg := Config{
		Thresholds: []ThresholdRule{complaintRateRule()},
		Events: []EventRule{
			{Name: "accident", Event: "major-accident", Level: Red},
			{Name: "mass", Event: "mass-complaint", Level: Orange, Dwell: sla.Duration(24 * time.Hour)},
		},
	}
	b := newBoard(t, cfg)
	ch, err := b.SignalAt(t0, "north", "major-accident", "data centre power loss")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, Red, ch[0].To)
	assert.Equal(t, "major-accident", ch[0].Evidence.Event)
	assert.Equal(t, "data centre power loss", ch[0].Evidence.Detail)

	// Sticky without dwell: evaluation does not lower it.
	assert.Empty(t, b.EvaluateAt(at(1000*time.Hour)))
	ch, err = b.ClearAt(at(1001*time.Hour), "north", "accident", "restored")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, None, ch[0].To)
	assert.Equal(t, "restored", ch[0].Evidence.Detail)

	// With dwell: lowers a day after the last signal.
	start := 1002 * time.Hour
	_, err = b.SignalAt(at(start), "north", "mass-complaint", "40 complaints in an hour")
	require.NoError(t, err)
	_, err = b.SignalAt(at(start+time.Hour), "north", "mass-complaint", "again")
	require.NoError(t, err)
	assert.Equal(t, Orange, b.Level("north"))
	assert.Empty(t, b.EvaluateAt(at(start+24*time.Hour)))
	ch = b.EvaluateAt(at(start + 25*time.Hour))
	require.Len(t, ch, 1)
	assert.Equal(t, None, ch[0].To)
	assert.Equal(t, at(start+25*time.Hour), ch[0].Due)

	// The highest rule wins; lowering one exposes the next.
	r := complaintRateRule()
	_ = r
	observe(t, b, 2000*time.Hour, "north", "complaint_rate", 6)
	b.EvaluateAt(at(2000*time.Hour + 10*time.Minute))
	assert.Equal(t, Yellow, b.Level("north"))
	_, err = b.SignalAt(at(2001*time.Hour), "north", "major-accident", "")
	require.NoError(t, err)
	assert.Equal(t, Red, b.Level("north"))
	ch, err = b.ClearAt(at(2002*time.Hour), "north", "accident", "over")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, Red, ch[0].From)
	assert.Equal(t, Yellow, ch[0].To)
	assert.Equal(t, "accident", ch[0].Evidence.Rule)
}

func TestShortageRule(t *testing.T) {
	cfg := Config{Shortages: []ShortageRule{NewShortageRule("staffing", "agents_on_duty", "agents_needed")}}
	b := newBoard(t, cfg)
	assert.Empty(t, observe(t, b, 0, "hotline", "agents_needed", 10))
	ch := observe(t, b, 0, "hotline", "agents_on_duty", 8)
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].To)
	assert.Equal(t, KindShortage, ch[0].Evidence.Kind)
	assert.InDelta(t, 0.8, ch[0].Evidence.Value, 1e-12)
	assert.Equal(t, 8.0, ch[0].Evidence.Available)
	assert.Equal(t, 10.0, ch[0].Evidence.Demand)
	assert.Empty(t, observe(t, b, time.Minute, "hotline", "agents_on_duty", 9.5)) // hysteresis
	ch = observe(t, b, 2*time.Minute, "hotline", "agents_needed", 0)              // no demand
	require.Len(t, ch, 1)
	assert.Equal(t, None, ch[0].To)
	assert.Equal(t, 0.0, ch[0].Evidence.Value, "infinite coverage is not put in evidence")

	_, err := b.ObserveAt(at(3*time.Minute), "hotline", "agents_on_duty", -1)
	require.ErrorIs(t, err, ErrInvalidInput)
}

func TestBadInput(t *testing.T) {
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()},
		Changes: []ChangeRule{weekOverWeek()}, Events: []EventRule{{Name: "e", Event: "ev", Level: Red}}})
	_, err := b.ObserveAt(t0, "s", "complaint_rate", math.NaN())
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.ObserveAt(t0, "s", "complaint_rate", math.Inf(1))
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.ObserveAt(t0, "", "complaint_rate", 1)
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.ObserveAt(time.Time{}, "s", "complaint_rate", 1)
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.ObserveAt(t0, "s", "nope", 1)
	assert.ErrorIs(t, err, ErrUnknownRule)
	_, err = b.ObserveAt(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC), "s", "complaint_rate", 1)
	assert.ErrorIs(t, err, ErrInvalidInput, "instants before 1970 are not supported")
	_, err = b.SignalAt(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), "s", "ev", "")
	assert.ErrorIs(t, err, ErrInvalidInput, "instants after 2262 are not supported")
	_, err = b.ObserveCountsAt(t0, "s", "complaints", Counts{Current: -1})
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.ObserveCountsAt(t0, "s", "complaints", Counts{Current: 1, Baseline: 1, Exposure: 5})
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.SignalAt(t0, "s", "nope", "")
	assert.ErrorIs(t, err, ErrUnknownRule)
	_, err = b.ClearAt(t0, "s", "complaint-rate", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.ClearAt(t0, "s", "nope", "")
	assert.ErrorIs(t, err, ErrUnknownRule)

	// A batch with one bad observation applies nothing.
	_, err = b.ObserveBatchAt(t0, []Observation{
		{Subject: "s", Measure: "complaint_rate", Value: 20},
		{Subject: "s", Measure: "complaint_rate", Value: math.NaN()},
	})
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "observation 1")
	assert.Equal(t, 0, b.Len())

	// Time must not run backwards for a subject.
	observe(t, b, time.Hour, "s", "complaint_rate", 1)
	_, err = b.ObserveAt(t0, "s", "complaint_rate", 1)
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.SignalAt(t0, "s", "ev", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Empty(t, b.EvaluateAt(t0), "subjects evaluated later are skipped")
}

func TestObserverOutsideLock(t *testing.T) {
	var got []Change
	var b *Board
	b = newBoard(t, Config{Events: []EventRule{{Name: "e", Event: "ev", Level: Red, Dwell: sla.Duration(time.Hour)}}},
		WithObserver(func(c Change) {
			// Calling back into the board would deadlock under the lock.
			assert.Equal(t, c.To, b.Level(c.Subject))
			got = append(got, c)
		}))
	_, err := b.SignalAt(t0, "s", "ev", "")
	require.NoError(t, err)
	b.EvaluateAt(at(time.Hour))
	require.Len(t, got, 2)
	assert.Equal(t, []uint64{1, 2}, []uint64{got[0].Seq, got[1].Seq})
}

func TestClockForms(t *testing.T) {
	mock := clock.NewMock()
	mock.Set(t0)
	b := newBoard(t, Config{
		Thresholds: []ThresholdRule{complaintRateRule()},
		Changes:    []ChangeRule{weekOverWeek()},
		Events:     []EventRule{{Name: "e", Event: "ev", Level: Orange}},
	}, WithClock(mock))
	_, err := b.Observe("s", "complaint_rate", 6)
	require.NoError(t, err)
	mock.Add(10 * time.Minute)
	ch := b.Evaluate()
	require.Len(t, ch, 1)
	assert.Equal(t, at(10*time.Minute), ch[0].At)
	ch, err = b.ObserveCounts("s2", "complaints", Counts{Current: 130, Baseline: 100})
	require.NoError(t, err)
	require.Len(t, ch, 1)
	ch, err = b.Signal("s", "ev", "")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	ch, err = b.Clear("s", "e", "done")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	ch, err = b.ObserveBatch([]Observation{{Subject: "s3", Measure: "complaint_rate", Value: 1}})
	require.NoError(t, err)
	assert.Empty(t, ch)
	assert.Equal(t, []string{"s", "s2", "s3"}, b.Subjects())
}

func TestHistoryLimit(t *testing.T) {
	b := newBoard(t, Config{Events: []EventRule{{Name: "e", Event: "ev", Level: Red}}, HistoryLimit: 3})
	for i := range 5 {
		_, err := b.SignalAt(at(time.Duration(2*i)*time.Minute), "s", "ev", "")
		require.NoError(t, err)
		_, err = b.ClearAt(at(time.Duration(2*i+1)*time.Minute), "s", "e", "")
		require.NoError(t, err)
	}
	h := b.History("s")
	require.Len(t, h, 3)
	assert.Equal(t, uint64(8), h[0].Seq)
	assert.Equal(t, uint64(10), h[2].Seq)
}

func TestConcurrentUse(t *testing.T) {
	var mu sync.Mutex
	seen := map[uint64]bool{}
	b := newBoard(t, Config{
		Thresholds: []ThresholdRule{complaintRateRule()},
		Events:     []EventRule{{Name: "e", Event: "ev", Level: Red, Dwell: sla.Duration(time.Minute)}},
	}, WithObserver(func(c Change) {
		mu.Lock()
		seen[c.Seq] = true
		mu.Unlock()
	}))
	var total sync.Map
	concurrently(4, 100, func(g int) {
		subj := []string{"a", "b", "c", "d"}[g]
		for i := range 200 {
			tm := at(time.Duration(i) * time.Minute)
			// The evaluator may have evaluated this subject at a later
			// instant already; the board refuses time running backwards.
			ch, err := b.ObserveAt(tm, subj, "complaint_rate", float64(i%15))
			if err != nil {
				assert.ErrorIs(t, err, ErrInvalidInput)
				assert.ErrorIs(t, err, ErrTimeBackwards)
				continue
			}
			if i%50 == 0 {
				c2, err := b.SignalAt(tm, subj, "ev", "")
				if err != nil {
					assert.ErrorIs(t, err, ErrInvalidInput)
				}
				ch = append(ch, c2...)
			}
			for _, c := range ch {
				total.Store(c.Seq, true)
			}
			_ = b.Level(subj)
			_, _ = b.Status(subj)
			_ = b.Snapshot()
			_, _ = b.NextDue()
		}
	}, func(i int) {
		for _, c := range b.EvaluateAt(at(time.Duration(i) * time.Minute)) {
			total.Store(c.Seq, true)
		}
		b.AdvanceTo(at(time.Duration(i) * time.Minute))
	})
	mu.Lock()
	defer mu.Unlock()
	n := 0
	total.Range(func(k, v any) bool {
		n++
		assert.True(t, seen[k.(uint64)], "every returned change reached the observer")
		return true
	})
	// An evaluation the timeline makes in AdvanceTo reaches the observers
	// only, so they may have seen more changes than the calls returned.
	assert.GreaterOrEqual(t, len(seen), n)
	for seq := uint64(1); seq <= uint64(len(seen)); seq++ {
		assert.True(t, seen[seq], "sequence numbers are dense")
	}
}

// TestBackwardsRefusalUnderConcurrency: a refusal of an instant before the
// subject's last evaluation names that evaluation while other calls move
// it on; under the race detector this fails if the refusal reads the
// subject after the board's lock is released.
func TestBackwardsRefusalUnderConcurrency(t *testing.T) {
	b := newBoard(t, Config{
		Thresholds: []ThresholdRule{complaintRateRule()},
		Events:     []EventRule{{Name: "e", Event: "ev", Level: Red, Dwell: sla.Duration(time.Minute)}},
	})
	_, err := b.ObserveAt(at(time.Minute), "a", "complaint_rate", 1)
	require.NoError(t, err)
	concurrently(2, 500, func(int) {
		for range 500 {
			_, err := b.SignalAt(at(0), "a", "ev", "")
			assert.ErrorIs(t, err, ErrTimeBackwards)
		}
	}, func(i int) {
		_, err := b.ObserveAt(at(time.Duration(i+1)*time.Minute), "a", "complaint_rate", float64(i%15))
		assert.NoError(t, err)
	})
}

func TestErrorsAreTyped(t *testing.T) {
	_, err := NewBoard(Config{Changes: []ChangeRule{{Name: "x", Measure: "m", Level: Yellow, Alpha: 2}}})
	require.ErrorIs(t, err, ErrInvalidConfig)
	var fe *FieldError
	require.True(t, errors.As(err, &fe))
	assert.Equal(t, "changes[0].alpha", fe.Path)
	assert.Contains(t, err.Error(), "emergency: changes[0].alpha: alpha 2 outside (0,1)")
}

// recorder collects what a handler or an observer receives, safe for
// concurrent use.
type recorder[E any] struct {
	mu  sync.Mutex
	all []E
}

func (r *recorder[E]) record(e E) {
	r.mu.Lock()
	r.all = append(r.all, e)
	r.mu.Unlock()
}

// take returns what was recorded since the last take.
func (r *recorder[E]) take() []E {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.all
	r.all = nil
	return out
}

// events returns a copy of everything recorded, leaving it recorded.
func (r *recorder[E]) events() []E {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]E(nil), r.all...)
}

// concurrently runs work(w) in workers goroutines and tick(i), for i from
// 0 to ticks-1, in another, and waits for them all.
func concurrently(workers, ticks int, work func(w int), tick func(i int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(w)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range ticks {
			tick(i)
		}
	}()
	wg.Wait()
}

// refusal edits a snapshot of type S so that its restore must fail, and
// says what the error must contain.
type refusal[S any] struct {
	name string
	edit func(s *S)
	want string
}

// assertRefused checks that restore refuses every edit of the snapshot raw
// with an error matching ErrSnapshot that contains its want, and restores
// nothing.
func assertRefused[S, X any](t *testing.T, raw []byte, restore func(S) (*X, error), tests []refusal[S]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := decode[S](t, raw)
			tt.edit(&s)
			got, err := restore(s)
			require.ErrorIs(t, err, ErrSnapshot)
			assert.ErrorContains(t, err, tt.want)
			assert.Nil(t, got, "nothing is restored on error")
		})
	}
}

// jsonCopy returns v decoded from its JSON, and the JSON.
func jsonCopy[T any](t *testing.T, v T) (T, []byte) {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return decode[T](t, raw), raw
}

// decode decodes raw into a T.
func decode[T any](t *testing.T, raw []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

func mockAt(t time.Time) *clock.Mock {
	m := clock.NewMock()
	m.Set(t)
	return m
}

func TestBatchEvaluatesEachSubjectOnce(t *testing.T) {
	r := complaintRateRule()
	r.Hold = 0
	b := newBoard(t, Config{Thresholds: []ThresholdRule{r}, Changes: []ChangeRule{weekOverWeek()}})
	ch, err := b.ObserveBatchAt(t0, []Observation{
		{Subject: "a", Measure: "complaint_rate", Value: 13}, // overwritten below
		{Subject: "b", Measure: "complaint_rate", Value: 6},
		{Subject: "a", Measure: "complaints", Counts: Counts{Current: 130, Baseline: 100}},
		{Subject: "a", Measure: "complaint_rate", Value: 1},
	})
	require.NoError(t, err)
	require.Len(t, ch, 2, "one change per subject, in order of first appearance")
	assert.Equal(t, "a", ch[0].Subject)
	assert.Equal(t, Yellow, ch[0].To, "the last value of a measure wins")
	assert.Equal(t, KindChange, ch[0].Evidence.Kind)
	assert.Equal(t, "b", ch[1].Subject)
	assert.Equal(t, Yellow, ch[1].To)
	assert.Equal(t, []uint64{1, 2}, []uint64{ch[0].Seq, ch[1].Seq})
}

func TestEventStatusAndNextDue(t *testing.T) {
	b := newBoard(t, Config{Events: []EventRule{{Name: "mass", Event: "mass-complaint", Level: Orange, Dwell: sla.Duration(6 * time.Hour)}}})
	_, ok := b.Status("x")
	assert.False(t, ok)
	assert.Equal(t, None, b.Level("x"))
	assert.Nil(t, b.History("x"))
	_, err := b.SignalAt(t0, "x", "mass-complaint", "60 calls in 10 minutes")
	require.NoError(t, err)
	st, ok := b.Status("x")
	require.True(t, ok)
	assert.Equal(t, Orange, st.Level)
	assert.Equal(t, t0, st.Since)
	require.Len(t, st.Rules, 1)
	assert.Equal(t, Orange, st.Rules[0].Level)
	require.NotNil(t, st.Rules[0].Pending)
	assert.Equal(t, Pending{To: None, Due: at(6 * time.Hour)}, *st.Rules[0].Pending)
	assert.Equal(t, "60 calls in 10 minutes", st.Rules[0].Evidence.Detail)
	next, ok := b.NextDue()
	require.True(t, ok)
	assert.Equal(t, at(6*time.Hour), next)
	raw, err := json.Marshal(st)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"level":"orange"`)
}

func TestRepeatedInputKeepsHoldAndDwell(t *testing.T) {
	b := newBoard(t, Config{Thresholds: []ThresholdRule{complaintRateRule()}, Changes: []ChangeRule{weekOverWeek()}})
	for _, m := range []time.Duration{0, 3, 6, 9} {
		assert.Empty(t, observe(t, b, m*time.Minute, "s", "complaint_rate", 6))
		_, err := b.ObserveCountsAt(at(m*time.Minute), "s", "complaints", Counts{Current: 50, Baseline: 50})
		require.NoError(t, err)
	}
	ch := b.EvaluateAt(at(10 * time.Minute))
	require.Len(t, ch, 1)
	assert.Equal(t, at(0), ch[0].Evidence.Since, "the hold runs from the first observation")
	assert.Equal(t, at(9*time.Minute), ch[0].Evidence.ObservedAt, "the latest observation is recorded")
	st, _ := b.Status("s")
	require.NotNil(t, st.Rules[1].Evidence.Test)
	assert.InDelta(t, 0.5, st.Rules[1].Evidence.Test.PValue, 0.1, "the test result is available even when skipped")
}
