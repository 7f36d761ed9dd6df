package emergency

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const day = 24 * time.Hour

func TestSeriesWeekOverWeek(t *testing.T) {
	monday := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	s, err := NewSeries(monday, 7*day, day)
	require.NoError(t, err)
	for d := range 7 { // last week: 100 complaints
		require.NoError(t, s.AddAt(monday.Add(time.Duration(d)*day+9*time.Hour), []int64{10, 20, 15, 15, 20, 10, 10}[d], 1000))
	}
	for d := range 7 { // this week: 130
		require.NoError(t, s.AddAt(monday.Add(time.Duration(7+d)*day+9*time.Hour), []int64{20, 20, 20, 20, 20, 20, 10}[d], 1000))
	}
	sunday := monday.Add(13*day + 20*time.Hour)
	c, err := s.CountsAt(sunday)
	require.NoError(t, err)
	assert.Equal(t, Counts{Current: 130, Baseline: 100, Exposure: 7000, BaselineExposure: 7000}, c)

	b := newBoard(t, Config{Changes: []ChangeRule{NewChangeRule("wow", "complaints")}})
	ch, err := b.ObserveCountsAt(sunday, "east", "complaints", c)
	require.NoError(t, err)
	require.Len(t, ch, 1)
	assert.Equal(t, Yellow, ch[0].To)

	// A day later the window slides: this week lost its Monday (20) and
	// last week lost its Monday (10).
	c, err = s.CountsAt(sunday.Add(day))
	require.NoError(t, err)
	assert.Equal(t, Counts{Current: 110, Baseline: 110, Exposure: 6000, BaselineExposure: 7000}, c)

	// Two weeks of silence later everything is forgotten.
	c, err = s.CountsAt(sunday.Add(15 * day))
	require.NoError(t, err)
	assert.Equal(t, Counts{}, c)
}

func TestSeriesBadInput(t *testing.T) {
	origin := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		window, bucket time.Duration
		origin         time.Time
		path           string
	}{
		{7 * day, 0, origin, "series.bucket"},
		{-day, day, origin, "series.window"},
		{10 * time.Hour, 3 * time.Hour, origin, "series.window"},
		{100_000 * time.Hour, time.Hour, origin, "series.window"},
		{day, time.Hour, time.Time{}, "series.origin"},
	} {
		_, err := NewSeries(tc.origin, tc.window, tc.bucket)
		require.ErrorIs(t, err, ErrInvalidConfig)
		assert.Contains(t, fieldPaths(err), tc.path)
	}

	s, err := NewSeries(origin, 7*day, day)
	require.NoError(t, err)
	assert.ErrorIs(t, s.AddAt(origin.Add(-time.Second), 1, 0), ErrInvalidInput)
	assert.ErrorIs(t, s.AddAt(origin, -1, 0), ErrInvalidInput)
	assert.ErrorIs(t, s.AddAt(origin, 1, -1), ErrInvalidInput)
	require.NoError(t, s.AddAt(origin.Add(20*day), 1, 0))
	assert.NoError(t, s.AddAt(origin.Add(7*day), 1, 0), "inside the retained windows")
	assert.ErrorIs(t, s.AddAt(origin.Add(6*day), 1, 0), ErrInvalidInput, "older than two windows")
	_, err = s.CountsAt(origin.Add(19 * day))
	assert.ErrorIs(t, err, ErrInvalidInput, "before the newest bucket")

	require.NoError(t, s.AddAt(origin.Add(20*day), 1, 10))
	_, err = s.CountsAt(origin.Add(20 * day))
	assert.ErrorIs(t, err, ErrInvalidInput, "exposure in one window only")
}

// TestSeriesMatchesNaive compares the ring with a plain list of events.
func TestSeriesMatchesNaive(t *testing.T) {
	origin := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const window, bucket = 6 * time.Hour, time.Hour
	rng := rand.New(rand.NewPCG(1, 2))
	s, err := NewSeries(origin, window, bucket)
	require.NoError(t, err)
	type event struct {
		idx int64
		n   int64
	}
	var events []event
	now, head := int64(0), int64(-1)
	for step := range 2000 {
		now += int64(rng.IntN(3)) // sometimes jump over buckets
		if rng.IntN(50) == 0 {
			now += int64(rng.IntN(30)) // and sometimes over whole windows
		}
		idx := now - int64(rng.IntN(16)) // out of order, sometimes too old
		if idx < 0 {
			idx = 0
		}
		n := int64(rng.IntN(5))
		err := s.AddAt(origin.Add(time.Duration(idx)*bucket+time.Minute), n, 0)
		if head >= 0 && idx <= head-12 {
			require.ErrorIs(t, err, ErrInvalidInput)
		} else {
			require.NoError(t, err, "step %d", step)
			events = append(events, event{idx, n})
			head = max(head, idx)
		}
		if rng.IntN(3) == 0 {
			continue
		}
		at := now + int64(rng.IntN(20))
		got, err := s.CountsAt(origin.Add(time.Duration(at)*bucket + 30*time.Minute))
		require.NoError(t, err)
		var want Counts
		for _, e := range events {
			switch {
			case e.idx > at-6 && e.idx <= at:
				want.Current += e.n
			case e.idx > at-12 && e.idx <= at-6:
				want.Baseline += e.n
			}
		}
		require.Equal(t, want, got, "step %d at %d", step, at)
	}
}

func TestSeriesJSONRoundTrip(t *testing.T) {
	origin := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	s, err := NewSeries(origin, 7*day, day)
	require.NoError(t, err)
	for d := range 12 {
		require.NoError(t, s.AddAt(origin.Add(time.Duration(d)*day), int64(d), float64(10*d+1)))
	}
	back, _ := jsonCopy(t, *s)
	require.NoError(t, back.Validate())
	assert.Equal(t, *s, back)
	want, err := s.CountsAt(origin.Add(12 * day))
	require.NoError(t, err)
	got, err := back.CountsAt(origin.Add(12 * day))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	back.Counts = back.Counts[:3]
	assert.ErrorIs(t, back.Validate(), ErrInvalidConfig)
}
