package emergency

import (
	"fmt"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// oblFixture is a board with event rules for each level and an obligations
// engine wired to it, on a mock clock at t0.
type oblFixture struct {
	clk   *clock.Mock
	board *Board
	obl   *Obligations
	recorder[ObligationEvent]
}

func oblBoardConfig() Config {
	return Config{Events: []EventRule{
		{Name: "minor", Event: "minor", Level: Yellow},
		{Name: "serious", Event: "serious", Level: Orange},
		{Name: "accident", Event: "accident", Level: Red},
	}}
}

func oblNewFixture(t *testing.T, cfg ObligationConfig, opts ...Option) *oblFixture {
	t.Helper()
	f := &oblFixture{clk: clock.NewMock()}
	f.clk.Set(t0)
	var err error
	f.board, err = NewBoard(oblBoardConfig(), WithClock(f.clk), WithObserver(func(c Change) { f.obl.HandleChange(c) }))
	require.NoError(t, err)
	f.obl, err = NewObligations(cfg, append([]Option{WithBoard(f.board), WithClock(f.clk), WithObligationHandler(f.record)}, opts...)...)
	require.NoError(t, err)
	return f
}

func (f *oblFixture) kinds() []string {
	var out []string
	for _, e := range f.events() {
		out = append(out, string(e.Kind)+" "+e.Obligation.Rule)
	}
	return out
}

func TestObligationYellowFulfilledInTime(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0, "east", "minor", "queue backlog")
	require.NoError(t, err)

	list := f.obl.List("east")
	require.Len(t, list, 1)
	ob := list[0]
	assert.Equal(t, ObligationRectificationPlan, ob.Rule)
	assert.Equal(t, ObligationOpen, ob.State)
	assert.Equal(t, t0, ob.OpenedAt)
	assert.Equal(t, t0.Add(72*time.Hour), ob.Due)

	slatest.Advance(f.clk, f.obl.Tracker(), 48*time.Hour)
	done, err := f.obl.FulfillAt(f.clk.Now(), ob.ID, "alice", "plan v1 submitted")
	require.NoError(t, err)
	assert.Equal(t, ObligationFulfilled, done.State)
	assert.Equal(t, "alice", done.ClosedBy)
	assert.False(t, done.Late)

	// The deadline passing later changes nothing.
	slatest.Advance(f.clk, f.obl.Tracker(), 72*time.Hour)
	assert.Equal(t, Yellow, f.board.Level("east"))
	assert.Equal(t, []string{"opened rectification-plan", "fulfilled rectification-plan"}, f.kinds())
	att := f.obl.Tracker().AttainmentAt(f.clk.Now(), DefaultObligationNamespace)
	require.Len(t, att, 1)
	assert.Equal(t, 1, att[0].Met)
}

func TestObligationMissedEscalatesAndLateFulfilmentLifts(t *testing.T) {
	cfg := DefaultObligationConfig()
	cfg.Rules = append(cfg.Rules, ObligationRule{Name: "orange-review", Level: Orange, Action: "daily review", Within: sla.Duration(24 * time.Hour)})
	f := oblNewFixture(t, cfg)
	_, err := f.board.SignalAt(t0, "east", "minor", "")
	require.NoError(t, err)
	id := f.obl.List("east")[0].ID

	slatest.Advance(f.clk, f.obl.Tracker(), 73*time.Hour)
	ob, ok := f.obl.Get(id)
	require.True(t, ok)
	assert.Equal(t, ObligationMissed, ob.State)
	assert.Equal(t, t0.Add(72*time.Hour), ob.MissedAt, "missed at the exact deadline")
	require.NotNil(t, ob.Escalated)
	assert.Equal(t, Yellow, ob.Escalated.From)
	assert.Equal(t, Orange, ob.Escalated.To)
	assert.Equal(t, KindFloor, ob.Escalated.Evidence.Kind)
	assert.Equal(t, ob.EscalationSource(), ob.Escalated.Evidence.Rule)
	assert.Equal(t, Orange, f.board.Level("east"))

	// The escalation to orange opened the orange obligation at the deadline.
	list := f.obl.List("east")
	require.Len(t, list, 2)
	assert.Equal(t, "orange-review", list[1].Rule)
	assert.Equal(t, t0.Add(72*time.Hour), list[1].OpenedAt)

	late, err := f.obl.FulfillAt(f.clk.Now(), id, "bob", "late plan")
	require.NoError(t, err)
	assert.True(t, late.Late)
	assert.Equal(t, Yellow, f.board.Level("east"), "fulfilling lifts the escalation")
	assert.Empty(t, f.board.Floors("east"))
	assert.Equal(t, []string{
		"opened rectification-plan", "opened orange-review", "missed rectification-plan", "fulfilled rectification-plan",
	}, f.kinds())
}

func TestObligationRedOpensEveryLevelBelow(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0, "north", "accident", "data centre fire")
	require.NoError(t, err)
	list := f.obl.List("north")
	require.Len(t, list, 2)
	assert.Equal(t, ObligationRectificationPlan, list[0].Rule)
	assert.Equal(t, ObligationSpecialTaskForce, list[1].Rule)
	assert.Equal(t, t0.Add(DefaultTaskForceWithin), list[1].Due)

	// A red subject cannot go higher: the miss is recorded, no change.
	slatest.Advance(f.clk, f.obl.Tracker(), time.Hour)
	ob, _ := f.obl.Get(list[1].ID)
	assert.Equal(t, ObligationMissed, ob.State)
	assert.Nil(t, ob.Escalated)
	assert.Equal(t, Red, f.board.Level("north"))

	// Raising again while an obligation of the rule is open opens no duplicate.
	_, err = f.board.ClearAt(f.clk.Now(), "north", "accident", "over")
	require.NoError(t, err)
	_, err = f.board.SignalAt(f.clk.Now(), "north", "minor", "")
	require.NoError(t, err)
	assert.Len(t, f.obl.List("north"), 2)
	assert.Len(t, f.obl.List(""), 2)
}

func TestObligationBusinessCalendar(t *testing.T) {
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "UTC", Week: sla.CalendarWeek{
		Monday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}, Tuesday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
		Wednesday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}, Thursday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
		Friday: []sla.CalendarWindow{{Start: "09:00", End: "17:00"}},
	}})
	require.NoError(t, err)
	clk := clock.NewMock()
	clk.Set(t0)
	board, err := NewBoard(oblBoardConfig(), WithClock(clk))
	require.NoError(t, err)
	obl, err := NewObligations(ObligationConfig{Rules: []ObligationRule{
		{Name: "plan", Level: Yellow, Within: sla.Duration(24 * time.Hour), Calendar: "business"},
	}}, WithBoard(board), WithClock(clk), WithCalendars(sla.Registry{"business": cal}))
	require.NoError(t, err)
	// Friday 2026-03-06 16:00: 24 business hours are 3 working days later.
	fri := time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC)
	obl.HandleChange(Change{Subject: "s", From: None, To: Yellow, At: fri, Due: fri})
	list := obl.List("s")
	require.Len(t, list, 1)
	assert.Equal(t, time.Date(2026, 3, 11, 16, 0, 0, 0, time.UTC), list[0].Due)
}

func TestObligationConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		rule ObligationRule
		path string
	}{
		{"empty name", ObligationRule{Level: Yellow, Within: sla.Duration(time.Hour)}, "rules[1].name"},
		{"duplicate", ObligationRule{Name: "a", Level: Yellow, Within: sla.Duration(time.Hour)}, "rules[1].name"},
		{"level none", ObligationRule{Name: "b", Level: None, Within: sla.Duration(time.Hour)}, "rules[1].level"},
		{"bad level", ObligationRule{Name: "b", Level: Level(9), Within: sla.Duration(time.Hour)}, "rules[1].level"},
		{"negative", ObligationRule{Name: "b", Level: Red, Within: sla.Duration(-time.Hour)}, "rules[1].within"},
		{"zero", ObligationRule{Name: "b", Level: Red}, "rules[1].within"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ObligationConfig{Rules: []ObligationRule{{Name: "a", Level: Yellow, Within: sla.Duration(time.Hour)}, tt.rule}}
			err := cfg.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidConfig)
			assert.Contains(t, err.Error(), "emergency: "+tt.path)
		})
	}
	require.NoError(t, DefaultObligationConfig().Validate())

	board, err := NewBoard(oblBoardConfig())
	require.NoError(t, err)
	_, err = NewObligations(ObligationConfig{Rules: []ObligationRule{{Name: "a", Level: Yellow, Within: sla.Duration(time.Hour), Calendar: "nope"}}},
		WithBoard(board))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rules[0].calendar")
	_, err = NewObligations(DefaultObligationConfig())
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.ErrorContains(t, err, "WithBoard")
}

func TestObligationCloseErrors(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0.Add(time.Hour), "east", "minor", "")
	require.NoError(t, err)
	id := f.obl.List("east")[0].ID

	_, err = f.obl.FulfillAt(t0.Add(2*time.Hour), "nope", "a", "")
	assert.ErrorIs(t, err, ErrUnknownObligation)
	_, err = f.obl.FulfillAt(t0.Add(2*time.Hour), id, "", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = f.obl.FulfillAt(t0, id, "a", "")
	assert.ErrorIs(t, err, ErrInvalidInput, "before it opened")

	c, err := f.obl.CancelAt(t0.Add(2*time.Hour), id, "lead", "false alarm")
	require.NoError(t, err)
	assert.Equal(t, ObligationCancelled, c.State)
	_, err = f.obl.FulfillAt(t0.Add(3*time.Hour), id, "a", "")
	assert.ErrorIs(t, err, ErrObligationClosed)
}

func TestObligationConcurrent(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	concurrently(4, 20, func(w int) {
		for i := range 50 {
			subject := fmt.Sprintf("w%d-%d", w, i)
			_, err := f.board.SignalAt(t0, subject, "minor", "")
			assert.NoError(t, err)
			if i%2 == 0 {
				for _, ob := range f.obl.List(subject) {
					_, err := f.obl.FulfillAt(t0.Add(time.Hour), ob.ID, "w", "")
					assert.NoError(t, err)
				}
			}
		}
	}, func(i int) {
		f.obl.AdvanceTo(t0.Add(time.Duration(i) * time.Minute))
		_ = f.obl.Snapshot()
	})
	f.obl.AdvanceTo(t0.Add(100 * time.Hour))
	missed := 0
	for _, ob := range f.obl.List("") {
		if ob.State == ObligationMissed {
			missed++
			assert.Equal(t, Orange, f.board.Level(ob.Subject))
		}
	}
	assert.Equal(t, 100, missed)
}

func TestObligationFulfilledLateBeforeDeadlineDelivered(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0, "east", "minor", "")
	require.NoError(t, err)
	id := f.obl.List("east")[0].ID
	// The host fulfils after the deadline without having advanced the engine.
	ob, err := f.obl.FulfillAt(t0.Add(73*time.Hour), id, "alice", "")
	require.NoError(t, err)
	assert.True(t, ob.Late)
	f.obl.AdvanceTo(t0.Add(74 * time.Hour))
	ob, _ = f.obl.Get(id)
	assert.Equal(t, ObligationFulfilled, ob.State)
	assert.Equal(t, t0.Add(72*time.Hour), ob.MissedAt)
	assert.Nil(t, ob.Escalated)
	assert.Equal(t, Yellow, f.board.Level("east"), "nothing to escalate once fulfilled")
	assert.Equal(t, []string{"opened rectification-plan", "fulfilled rectification-plan", "missed rectification-plan"}, f.kinds())
}

func TestNilClockOptionsAreIgnored(t *testing.T) {
	board, err := NewBoard(Config{})
	require.NoError(t, err)
	obl, err := NewObligations(DefaultObligationConfig(), WithBoard(board), WithClock(nil))
	require.NoError(t, err)
	mgr, err := NewIncidentManager(DefaultIncidentConfig(), WithClock(nil), WithTracker(nil), WithNamespace(""),
		WithCalendars(nil), WithPlans(nil), WithBoard(nil), WithObserver(nil), WithIncidentHandler(nil), WithObligationHandler(nil), nil)
	require.NoError(t, err)
	require.NotNil(t, mgr.eng.Clock())
	require.NotNil(t, obl.eng.Clock())
	assert.Equal(t, DefaultIncidentNamespace, mgr.eng.Namespace())
}
