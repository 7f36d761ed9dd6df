package emergency

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

func TestFloorsAndEscalation(t *testing.T) {
	r := complaintRateRule()
	r.Hold, r.Dwell = 0, sla.Duration(time.Hour)
	b := newBoard(t, Config{Thresholds: []ThresholdRule{r}})
	observe(t, b, 0, "east", "complaint_rate", 6)
	require.Equal(t, Yellow, b.Level("east"))

	// A missed obligation escalates one level, at once, with evidence.
	ch, err := b.EscalateAt(at(time.Hour), "east", "obligation:rectification-plan", "plan overdue")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].From)
	assert.Equal(t, Orange, ch[0].To)
	assert.Equal(t, at(time.Hour), ch[0].Due)
	assert.Equal(t, KindFloor, ch[0].Evidence.Kind)
	assert.Equal(t, "obligation:rectification-plan", ch[0].Evidence.Rule)
	assert.Equal(t, "plan overdue", ch[0].Evidence.Detail)

	// The floor holds while the rule calms down.
	observe(t, b, 2*time.Hour, "east", "complaint_rate", 1)
	assert.Empty(t, b.EvaluateAt(at(4*time.Hour)), "rule lowered under the floor: no change")
	st, _ := b.Status("east")
	assert.Equal(t, None, st.Rules[0].Level)
	require.Len(t, st.Floors, 1)
	assert.Equal(t, Orange, st.Floors[0].Level)

	// Escalating again goes one more level; red is the ceiling.
	ch, err = b.EscalateAt(at(5*time.Hour), "east", "obligation:task-force", "no task force")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, Red, ch[0].To)
	ch, err = b.EscalateAt(at(6*time.Hour), "east", "obligation:other", "")
	require.NoError(t, err)
	assert.Empty(t, ch)
	assert.Len(t, b.Floors("east"), 3)

	// Lifting floors lowers at once to what remains.
	ch, err = b.LiftFloorAt(at(7*time.Hour), "east", "obligation:task-force", "task force formed")
	require.NoError(t, err)
	assert.Empty(t, ch, "another floor still holds red")
	ch, err = b.LiftFloorAt(at(7*time.Hour), "east", "obligation:other", "")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, Red, ch[0].From)
	assert.Equal(t, Orange, ch[0].To)
	assert.Equal(t, "obligation:other", ch[0].Evidence.Rule)
	ch, err = b.LiftFloorAt(at(8*time.Hour), "east", "obligation:rectification-plan", "plan filed")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, None, ch[0].To)
	assert.Equal(t, "plan filed", ch[0].Evidence.Detail)
	assert.Empty(t, b.Floors("east"))

	// Lifting a floor that is not set changes nothing.
	ch, err = b.LiftFloorAt(at(9*time.Hour), "east", "nothing", "")
	require.NoError(t, err)
	assert.Empty(t, ch)

	// SetFloor with an explicit level, on a new subject.
	ch, err = b.SetFloorAt(at(9*time.Hour), "west", "incident-42", Orange, "incident open")
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, Orange, ch[0].To)
	// A rule raising above the floor is the cause of that raise.
	observe(t, b, 10*time.Hour, "west", "complaint_rate", 13)
	h := b.History("west")
	require.Len(t, h, 2)
	assert.Equal(t, Red, h[1].To)
	assert.Equal(t, KindThreshold, h[1].Evidence.Kind)
	ch, err = b.SetFloorAt(at(11*time.Hour), "west", "incident-42", None, "closed")
	require.NoError(t, err)
	assert.Empty(t, ch)
	assert.Empty(t, b.Floors("west"))
}

func TestFloorBadInput(t *testing.T) {
	b := newBoard(t, Config{Events: []EventRule{{Name: "e", Event: "ev", Level: Red}}})
	_, err := b.SetFloorAt(t0, "s", "src", 9, "")
	assert.ErrorIs(t, err, ErrUnknownLevel)
	_, err = b.SetFloorAt(t0, "", "src", Red, "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.EscalateAt(t0, "s", "", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.LiftFloorAt(time.Time{}, "s", "src", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = b.SignalAt(at(time.Hour), "s", "ev", "")
	require.NoError(t, err)
	_, err = b.EscalateAt(t0, "s", "src", "")
	assert.ErrorIs(t, err, ErrInvalidInput, "time must not run backwards")
}

func TestFloorClockFormsAndSnapshot(t *testing.T) {
	b := newBoard(t, fullConfig(), WithClock(mockAt(t0)))
	_, err := b.SetFloor("a", "incident", Yellow, "open")
	require.NoError(t, err)
	_, err = b.Escalate("a", "obligation", "late")
	require.NoError(t, err)
	assert.Equal(t, Orange, b.Level("a"))
	snap := b.Snapshot()
	require.Len(t, snap.Subjects[0].Floors, 2)

	r, err := RestoreBoard(snap, WithClock(mockAt(t0)))
	require.NoError(t, err)
	assert.Equal(t, snap, r.Snapshot())
	_, err = r.LiftFloor("a", "obligation", "done")
	require.NoError(t, err)
	assert.Equal(t, Yellow, r.Level("a"))

	bad := b.Snapshot()
	bad.Subjects[0].Floors[1].Source = bad.Subjects[0].Floors[0].Source
	_, err = RestoreBoard(bad)
	assert.ErrorIs(t, err, ErrSnapshot)
	bad = b.Snapshot()
	bad.Subjects[0].Floors = nil
	_, err = RestoreBoard(bad)
	assert.ErrorIs(t, err, ErrSnapshot, "level no longer explained")
}
