package sla

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Zones whose transitions happen at midnight, so that local midnight is
// missing or repeated, and Samoa, which skipped 30 December 2011 entirely.
var calMidnightCases = []struct {
	zone string
	y    int
	m    time.Month
	d    int
}{
	{"America/Havana", 2026, 3, 7},
	{"America/Havana", 2026, 10, 31},
	{"America/Santiago", 2026, 4, 3},
	{"America/Santiago", 2026, 9, 4},
	{"Pacific/Apia", 2011, 12, 28},
	{"Asia/Beirut", 2026, 3, 28},
}

func TestCalendarMidnightTransitions(t *testing.T) {
	for _, tc := range calMidnightCases {
		t.Run(tc.zone, func(t *testing.T) {
			all := []CalendarWindow{calW("00:00", "24:00")}
			c24 := calMust(t, CalendarSpec{Location: tc.zone, Week: CalendarWeek{all, all, all, all, all, all, all}})
			spec := calFixtureSpec(tc.zone)
			c := calMust(t, spec)
			ref := &calRef{spec: spec, loc: c.Location()}
			a := time.Date(tc.y, tc.m, tc.d, 0, 0, 0, 0, c.Location())
			b := a.Add(4 * 24 * time.Hour)
			assert.Equal(t, b.Sub(a), c24.Between(a, b), "24x7 is continuous")
			for x := a; x.Before(b); x = x.Add(97 * time.Minute) {
				require.True(t, c24.IsOpen(x))
				require.True(t, x.Add(5*time.Hour).Equal(c24.Add(x, 5*time.Hour)))
				require.Equal(t, ref.isOpen(x), c.IsOpen(x), "IsOpen(%v)", x)
				d := time.Duration(x.Sub(a)/time.Minute%(12*60)) * time.Minute
				want := ref.add(x, d)
				got := c.Add(x, d)
				require.True(t, want.Equal(got), "Add(%v, %v): want %v got %v", x, d, want, got)
				require.Equal(t, d, c.Between(x, got))
				n := c.NextOpen(x)
				require.True(t, ref.isOpen(n), "NextOpen(%v) = %v", x, n)
			}
			assert.Equal(t, ref.between(a, b), c.Between(a, b))
		})
	}
}

// TestCalendarFarFuture checks years past the explicit transition tables,
// where zone rules are computed (and, for some leap years, the runtime
// reports zone bounds that end a day early), against the reference.
func TestCalendarFarFuture(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, zone := range []string{"America/New_York", "Europe/Berlin", "Australia/Sydney", "America/Santiago"} {
		spec := calFixtureSpec(zone)
		c := calMust(t, spec)
		ref := &calRef{spec: spec, loc: c.Location()}
		starts := []time.Time{
			time.Date(2040, 12, 29, 0, 0, 0, 0, c.Location()),
			time.Date(2044, 12, 30, 12, 0, 0, 0, c.Location()),
			time.Date(2038, 1, 18, 0, 0, 0, 0, c.Location()),
		}
		for range 4 {
			starts = append(starts, time.Date(2030+rng.IntN(70), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), 0, 0, c.Location()))
		}
		for _, a := range starts {
			for _, d := range []time.Duration{time.Minute, 5 * time.Hour, 31 * time.Hour} {
				want := ref.add(a, d)
				got := c.Add(a, d)
				require.True(t, want.Equal(got), "%s Add(%v, %v): want %v got %v", zone, a, d, want, got)
			}
			require.Equal(t, ref.between(a, a.Add(50*time.Hour)), c.Between(a, a.Add(50*time.Hour)))
			// long spans into the computed years agree with the day walk
			far, _ := c.calAdd(a, 5*52*40*time.Hour, false)
			require.True(t, far.Equal(c.Add(a, 5*52*40*time.Hour)), "%s from %v", zone, a)
		}
	}
}

func TestCalendarExtremeSpans(t *testing.T) {
	c := calMust(t, calNineToFive("America/New_York"))
	zero := time.Time{}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) // Monday 07:00 in New York
	old := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)    // local mean time, before zones
	span := c.Between(old, now)
	assert.Equal(t, 473544*time.Hour, span)
	ref, _ := c.calBetween(old, now, false)
	assert.Equal(t, ref, span)
	last := c.Add(old, span)
	assert.True(t, calAt(c.Location(), 2026, 11, 20, 17, 0).Equal(last), "%v", last)
	assert.Equal(t, time.Duration(0), c.Between(last, now))
	assert.Equal(t, time.Duration(math.MaxInt64), c.Between(zero, now), "more than 292 years of business time saturates")

	// Adding the largest duration: 292 years of business time is more than
	// a thousand calendar years (in UTC, so no transitions to walk).
	c = calMust(t, calNineToFive("UTC"))
	far := c.Add(now, math.MaxInt64)
	assert.True(t, far.After(now.AddDate(1000, 0, 0)), "%v", far)
	assert.Equal(t, time.Duration(math.MaxInt64), c.Between(now, far))
	assert.True(t, c.IsOpen(far.Add(-1)))
	assert.False(t, c.IsOpen(zero), "midnight, year 1")
	assert.True(t, c.NextOpen(zero).After(zero))
}
