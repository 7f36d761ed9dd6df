package sla

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClockLifecycle(t *testing.T) {
	spec := tkSpec(t, time.Hour, tkAlways{}, tkLadder(), Duration(15*time.Minute))
	c := NewClock(spec)
	_, ok := c.Due()
	assert.False(t, ok)
	require.NoError(t, c.Start(tkT0))
	assert.Equal(t, Running, c.Status())
	assert.Equal(t, 1, c.Cycle())
	due, ok := c.Due()
	require.True(t, ok)
	assert.Equal(t, tkT0.Add(time.Hour), due)

	next, ok := c.NextEvent(tkT0)
	require.True(t, ok)
	assert.Equal(t, Next{Kind: Warning, Step: 1, At: tkT0.Add(30 * time.Minute)}, next)

	// Pause after 20 minutes for 2 hours: paused time stays paused.
	require.NoError(t, c.Pause(tkT0.Add(20*time.Minute)))
	assert.Equal(t, 20*time.Minute, c.Elapsed(tkT0.Add(3*time.Hour)))
	_, ok = c.NextEvent(tkT0.Add(time.Hour))
	assert.False(t, ok, "a paused clock schedules nothing")
	_, ok = c.Due()
	assert.False(t, ok)
	require.NoError(t, c.Resume(tkT0.Add(140*time.Minute)))
	due, _ = c.Due()
	assert.Equal(t, tkT0.Add(180*time.Minute), due)
	assert.Equal(t, 40*time.Minute, c.Remaining(tkT0.Add(140*time.Minute)))

	// Events in order: 50% at 30m elapsed, 75% at 45m, 15m before at 45m, breach, reminder.
	at := tkT0.Add(140 * time.Minute)
	var got []Next
	for {
		n, ok := c.NextEvent(at)
		if !ok {
			break
		}
		got = append(got, n)
		at = n.At
	}
	base := tkT0.Add(120 * time.Minute) // when elapsed would be 0 had the clock never paused
	assert.Equal(t, []Next{
		{Warning, 1, base.Add(30 * time.Minute)},
		{Warning, 2, base.Add(45 * time.Minute)},
		{Breach, 1, base.Add(60 * time.Minute)},
		{Reminder, 1, base.Add(75 * time.Minute)},
	}, got, "rungs at the same elapsed time share an instant; NextEvent skips to the next distinct one")

	assert.False(t, c.Breached(due.Add(-time.Nanosecond)))
	assert.True(t, c.Breached(due))
	met, err := c.Stop(due.Add(time.Minute))
	require.NoError(t, err)
	assert.False(t, met)
	d2, ok := c.Due()
	require.True(t, ok, "a breached, stopped cycle keeps its due instant")
	assert.Equal(t, due, d2)

	require.NoError(t, c.NewCycle(due.Add(time.Hour)))
	assert.Equal(t, 2, c.Cycle())
	assert.Zero(t, c.Elapsed(due.Add(time.Hour)))
	met, err = c.Stop(due.Add(90 * time.Minute))
	require.NoError(t, err)
	assert.True(t, met)
}

func TestClockErrorsChangeNothing(t *testing.T) {
	spec := tkSpec(t, time.Hour, tkAlways{}, nil)
	started := NewClock(spec)
	require.NoError(t, started.Start(tkT0))
	paused := started
	require.NoError(t, paused.Pause(tkT0.Add(time.Minute)))
	stopped := started
	_, err := stopped.Stop(tkT0.Add(time.Minute))
	require.NoError(t, err)

	tests := []struct {
		name string
		c    Clock
		op   func(*Clock) error
		want error
	}{
		{"pause before start", NewClock(spec), func(c *Clock) error { return c.Pause(tkT0) }, ErrNotStarted},
		{"resume before start", NewClock(spec), func(c *Clock) error { return c.Resume(tkT0) }, ErrNotStarted},
		{"stop before start", NewClock(spec), func(c *Clock) error { _, err := c.Stop(tkT0); return err }, ErrNotStarted},
		{"start twice", started, func(c *Clock) error { return c.Start(tkT0.Add(time.Hour)) }, ErrAlreadyStarted},
		{"resume a running clock", started, func(c *Clock) error { return c.Resume(tkT0.Add(time.Hour)) }, ErrNotPaused},
		{"pause a paused clock", paused, func(c *Clock) error { return c.Pause(tkT0.Add(time.Hour)) }, ErrNotRunning},
		{"stop a stopped clock", stopped, func(c *Clock) error { _, err := c.Stop(tkT0.Add(time.Hour)); return err }, ErrStopped},
		{"pause a stopped clock", stopped, func(c *Clock) error { return c.Pause(tkT0.Add(time.Hour)) }, ErrStopped},
		{"new cycle while open", started, func(c *Clock) error { return c.NewCycle(tkT0.Add(time.Hour)) }, ErrNotStopped},
		{"instant in the past", paused, func(c *Clock) error { return c.Resume(tkT0) }, ErrTimeBackwards},
		{"retarget to nothing", started, func(c *Clock) error { return c.Retarget(tkT0.Add(time.Hour), nil, KeepElapsed) }, ErrNoTarget},
		{"retarget a stopped clock", stopped, func(c *Clock) error { return c.Retarget(tkT0.Add(time.Hour), spec, KeepElapsed) }, ErrStopped},
		{"unknown strategy", started, func(c *Clock) error { return c.Retarget(tkT0.Add(time.Hour), spec, "guess") }, ErrInvalid},
		{"zero clock", Clock{}, func(c *Clock) error { return c.Start(tkT0) }, ErrNoTarget},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			err := tc.op(&c)
			require.ErrorIs(t, err, tc.want)
			var ce *ClockError
			require.True(t, errors.As(err, &ce))
			assert.Contains(t, err.Error(), "sla: ")
			assert.Equal(t, tc.c, c, "a failed call changes nothing")
		})
	}
}

func TestClockRetarget(t *testing.T) {
	hour := tkSpec(t, time.Hour, tkAlways{}, tkLadder())
	twoHours := tkSpec(t, 2*time.Hour, tkAlways{}, tkLadder())
	halfHour := tkSpec(t, 30*time.Minute, tkAlways{}, nil)
	tests := []struct {
		name     string
		to       *Spec
		strategy Strategy
		elapsed  time.Duration
		due      time.Time
	}{
		{"keep elapsed", twoHours, KeepElapsed, 40 * time.Minute, tkT0.Add(2 * time.Hour)},
		{"default is keep elapsed", twoHours, "", 40 * time.Minute, tkT0.Add(2 * time.Hour)},
		{"restart", twoHours, Restart, 0, tkT0.Add(40*time.Minute + 2*time.Hour)},
		{"rescale", twoHours, Rescale, 80 * time.Minute, tkT0.Add(40*time.Minute + 40*time.Minute)},
		{"keep elapsed past the new target breaches at once", halfHour, KeepElapsed, 40 * time.Minute, tkT0.Add(40 * time.Minute)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewClock(hour)
			require.NoError(t, c.Start(tkT0))
			at := tkT0.Add(40 * time.Minute)
			require.NoError(t, c.Retarget(at, tc.to, tc.strategy))
			assert.Equal(t, tc.elapsed, c.Elapsed(at))
			due, ok := c.Due()
			require.True(t, ok)
			assert.Equal(t, tc.due, due)
			assert.Same(t, tc.to, c.Spec())
		})
	}

	t.Run("same spec keeps everything", func(t *testing.T) {
		c := NewClock(hour)
		require.NoError(t, c.Start(tkT0))
		before := c
		require.NoError(t, c.Retarget(tkT0.Add(time.Minute), hour, Rescale))
		assert.Equal(t, before, c)
		require.NoError(t, c.Retarget(tkT0.Add(time.Minute), hour, Restart))
		assert.Equal(t, 2, c.Cycle())
		assert.Zero(t, c.Elapsed(tkT0.Add(time.Minute)))
	})

	t.Run("a breach sticks under a longer target", func(t *testing.T) {
		c := NewClock(hour)
		require.NoError(t, c.Start(tkT0))
		at := tkT0.Add(70 * time.Minute)
		require.NoError(t, c.Retarget(at, twoHours, KeepElapsed))
		assert.True(t, c.Breached(at))
		assert.False(t, c.Breached(tkT0.Add(59*time.Minute)), "not yet breached before the original due time")
		due, ok := c.Due()
		require.True(t, ok)
		assert.Equal(t, tkT0.Add(time.Hour), due)
		_, _, _, pending := c.pending()
		assert.False(t, pending, "the new schedule's warnings and breach are not delivered after a breach")
		met, err := c.Stop(tkT0.Add(80 * time.Minute))
		require.NoError(t, err)
		assert.False(t, met)
	})

	t.Run("restart after a breach is a fresh measurement", func(t *testing.T) {
		c := NewClock(hour)
		require.NoError(t, c.Start(tkT0))
		require.NoError(t, c.Retarget(tkT0.Add(70*time.Minute), twoHours, Restart))
		assert.False(t, c.Breached(tkT0.Add(70*time.Minute)))
		met, err := c.Stop(tkT0.Add(80 * time.Minute))
		require.NoError(t, err)
		assert.True(t, met)
	})

	t.Run("paused stays paused", func(t *testing.T) {
		c := NewClock(hour)
		require.NoError(t, c.Start(tkT0))
		require.NoError(t, c.Pause(tkT0.Add(10*time.Minute)))
		require.NoError(t, c.Retarget(tkT0.Add(5*time.Hour), twoHours, Rescale))
		assert.Equal(t, Paused, c.Status())
		assert.Equal(t, 20*time.Minute, c.Elapsed(tkT0.Add(9*time.Hour)))
	})
}

func TestClockBusinessHours(t *testing.T) {
	spec := tkSpec(t, 4*time.Hour, tkNineToFive{}, []Rung{{Percent: 50}})
	c := NewClock(spec)
	start := tkT0.Add(6 * time.Hour) // 15:00
	require.NoError(t, c.Start(start))
	due, ok := c.Due()
	require.True(t, ok)
	assert.Equal(t, time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC), due)
	n, ok := c.NextEvent(start)
	require.True(t, ok)
	assert.Equal(t, time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC), n.At, "2h of business time elapse at close")
	assert.Equal(t, 2*time.Hour, c.Elapsed(time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC)))
}

func TestClockSnapshotRoundTrip(t *testing.T) {
	spec := tkSpec(t, time.Hour, tkAlways{}, tkLadder(), Duration(15*time.Minute))
	c := NewClock(spec)
	require.NoError(t, c.Start(tkT0))
	require.NoError(t, c.Pause(tkT0.Add(70*time.Minute)))
	c.fired = 3
	b, err := json.Marshal(c.Snapshot())
	require.NoError(t, err)
	var s ClockSnapshot
	require.NoError(t, json.Unmarshal(b, &s))
	back, err := RestoreClock(s, spec)
	require.NoError(t, err)
	assert.Equal(t, c.Elapsed(tkT0.Add(3*time.Hour)), back.Elapsed(tkT0.Add(3*time.Hour)))
	d1, _ := c.Due()
	d2, ok := back.Due()
	require.True(t, ok)
	assert.True(t, d1.Equal(d2))
	assert.Equal(t, c.Snapshot(), back.Snapshot())

	other := tkSpec(t, 2*time.Hour, tkAlways{}, nil)
	_, err = RestoreClock(s, other)
	require.ErrorIs(t, err, ErrInvalid)
	s.Delivered = 99
	s.Elapsed = -1
	_, err = RestoreClock(s, spec)
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "delivered")
	assert.Contains(t, err.Error(), "elapsed")
}

// TestClockBreachAtUnixEpoch: a breach that falls exactly at the Unix epoch
// is recorded like any other (its instant, zero in Unix nanoseconds, used to
// read as "no breach recorded", so a longer target un-breached the cycle).
func TestClockBreachAtUnixEpoch(t *testing.T) {
	hour := tkSpec(t, time.Hour, tkAlways{}, nil)
	twoHours := tkSpec(t, 2*time.Hour, tkAlways{}, nil)
	epoch := time.Unix(0, 0).UTC()
	c := NewClock(hour)
	require.NoError(t, c.Start(epoch.Add(-time.Hour)))
	require.NoError(t, c.Pause(epoch.Add(30*time.Minute)))
	due, ok := c.Due()
	require.True(t, ok)
	assert.Equal(t, epoch, due)
	require.NotNil(t, c.Snapshot().BreachedAt)
	require.NoError(t, c.Retarget(epoch.Add(40*time.Minute), twoHours, KeepElapsed))
	assert.True(t, c.Breached(epoch.Add(40*time.Minute)), "a breached cycle stays breached under a longer target")
	r, err := RestoreClock(c.Snapshot(), twoHours)
	require.NoError(t, err)
	assert.Equal(t, c, r)
}
