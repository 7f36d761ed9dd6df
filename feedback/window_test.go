package feedback

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestWindowOf(t *testing.T) {
	sh := mustLoc(t, "Asia/Shanghai")
	// 2026-01-01 is a Thursday; ISO week 1 of 2026 starts Monday 2025-12-29.
	at := time.Date(2026, 1, 1, 0, 30, 0, 0, sh)
	tests := []struct {
		g          Granularity
		start, end time.Time
		label      string
	}{
		{Day, time.Date(2026, 1, 1, 0, 0, 0, 0, sh), time.Date(2026, 1, 2, 0, 0, 0, 0, sh), "2026-01-01"},
		{Week, time.Date(2025, 12, 29, 0, 0, 0, 0, sh), time.Date(2026, 1, 5, 0, 0, 0, 0, sh), "2026-W01"},
		{Month, time.Date(2026, 1, 1, 0, 0, 0, 0, sh), time.Date(2026, 2, 1, 0, 0, 0, 0, sh), "2026-01"},
		{Quarter, time.Date(2026, 1, 1, 0, 0, 0, 0, sh), time.Date(2026, 4, 1, 0, 0, 0, 0, sh), "2026-Q1"},
		{Year, time.Date(2026, 1, 1, 0, 0, 0, 0, sh), time.Date(2027, 1, 1, 0, 0, 0, 0, sh), "2026"},
	}
	for _, tt := range tests {
		t.Run(tt.g.String(), func(t *testing.T) {
			// The same instant seen from UTC is still 2025-12-31 there; the
			// window must follow the requested location.
			w, err := WindowOf(tt.g, at.UTC(), sh)
			require.NoError(t, err)
			assert.True(t, tt.start.Equal(w.Start), "start %v", w.Start)
			assert.True(t, tt.end.Equal(w.End), "end %v", w.End)
			assert.Equal(t, tt.label, w.Label())
			assert.True(t, w.Contains(at))
			assert.False(t, w.Contains(w.End))
			assert.True(t, w.Next().Start.Equal(w.End))
			assert.True(t, w.Prev().End.Equal(w.Start))
			assert.True(t, w.Next().Prev().Start.Equal(w.Start))
		})
	}
	_, err := WindowOf(Granularity(9), at, sh)
	require.ErrorIs(t, err, ErrInvalidConfig)
}

func TestWindowDSTDays(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	spring, err := WindowOf(Day, time.Date(2026, 3, 8, 12, 0, 0, 0, ny), ny)
	require.NoError(t, err)
	assert.Equal(t, 23*time.Hour, spring.End.Sub(spring.Start))
	fall, err := WindowOf(Day, time.Date(2026, 11, 1, 12, 0, 0, 0, ny), ny)
	require.NoError(t, err)
	assert.Equal(t, 25*time.Hour, fall.End.Sub(fall.Start))

	// In Santiago, 2026-09-06 00:00 does not exist: clocks go from
	// 23:59:59 on the 5th to 01:00 on the 6th.
	scl := mustLoc(t, "America/Santiago")
	sat, err := WindowOf(Day, time.Date(2026, 9, 5, 23, 30, 0, 0, scl), scl)
	require.NoError(t, err)
	assert.Equal(t, "2026-09-05", sat.Label())
	assert.Equal(t, 24*time.Hour, sat.End.Sub(sat.Start))
	sun := sat.Next()
	assert.Equal(t, "2026-09-06", sun.Label())
	assert.Equal(t, 1, sun.Start.Hour())
	assert.Equal(t, 23*time.Hour, sun.End.Sub(sun.Start))
}

func TestGranularityText(t *testing.T) {
	for g := Day; g <= Year; g++ {
		b, err := json.Marshal(g)
		require.NoError(t, err)
		var back Granularity
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, g, back)
	}
	var g Granularity
	require.ErrorIs(t, g.UnmarshalText([]byte("fortnight")), ErrInvalidConfig)
	_, err := Granularity(7).MarshalText()
	require.Error(t, err)
	b, err := json.Marshal(Window{})
	require.NoError(t, err)
	var w Window
	require.NoError(t, json.Unmarshal(b, &w))
	assert.Equal(t, Window{}, w)
	assert.Equal(t, "granularity(0)", Granularity(0).String())
}

// TestWindowsTileTime walks a year hour by hour (and by 7-minute steps
// around changes) in zones with awkward daylight-saving rules, including
// Santiago where midnight itself is skipped, and checks that every instant
// falls in exactly the window labelled with its local date, and that
// consecutive windows tile time without gaps or overlaps.
func TestWindowsTileTime(t *testing.T) {
	for _, name := range []string{"America/Santiago", "America/New_York", "Australia/Lord_Howe", "Asia/Shanghai", "Europe/London"} {
		loc := mustLoc(t, name)
		for g := Day; g <= Year; g++ {
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
			end := at.AddDate(1, 0, 0)
			for ; at.Before(end); at = at.Add(67 * time.Minute) {
				w := windowOf(g, at, loc)
				require.True(t, w.Contains(at), "%s %s %v not in %v–%v", name, g, at, w.Start, w.End)
				require.True(t, w.Next().Start.Equal(w.End), "%s %s next of %v", name, g, w.Start)
				require.True(t, w.Prev().End.Equal(w.Start), "%s %s prev of %v", name, g, w.Start)
				if g == Day {
					require.Equal(t, at.In(loc).Format("2006-01-02"), w.Label())
				}
			}
		}
	}
}
