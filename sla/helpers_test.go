package sla

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tkAlways is a 24x7 business-time measure: business time is wall time.
type tkAlways struct{}

func (tkAlways) Add(from time.Time, d time.Duration) time.Time { return from.Add(d) }
func (tkAlways) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	return b.Sub(a)
}

// tkNineToFive is a simple reference business calendar for tests: every day
// 09:00-17:00 UTC, computed by minute-free interval walking (spans here are
// short).
type tkNineToFive struct{}

func (tkNineToFive) window(t time.Time) (time.Time, time.Time) {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 9, 0, 0, 0, time.UTC), time.Date(y, m, d, 17, 0, 0, 0, time.UTC)
}

func (c tkNineToFive) Add(from time.Time, d time.Duration) time.Time {
	t := from.UTC()
	for {
		open, closeAt := c.window(t)
		if t.Before(open) {
			t = open
		}
		if t.Before(closeAt) {
			if left := closeAt.Sub(t); d <= left {
				return t.Add(d)
			} else {
				d -= left
			}
		}
		if d == 0 {
			return t
		}
		t = open.AddDate(0, 0, 1)
	}
}

func (c tkNineToFive) Between(a, b time.Time) time.Duration {
	var sum time.Duration
	t := a.UTC()
	for t.Before(b) {
		open, closeAt := c.window(t)
		s, e := tkLater(t, open), tkEarlier(b.UTC(), closeAt)
		if e.After(s) {
			sum += e.Sub(s)
		}
		t = open.AddDate(0, 0, 1)
	}
	return sum
}

func tkLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func tkEarlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

var tkT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday

func tkSpec(t testing.TB, within time.Duration, bt BusinessTime, warnings []Rung, reminders ...Duration) *Spec {
	t.Helper()
	s, err := NewSpec(SpecDef{Policy: "p", Version: 1, Rule: "r", Metric: Resolution, Within: Duration(within),
		Calendar: "24x7", Warnings: warnings, Reminders: reminders}, bt)
	require.NoError(t, err)
	return s
}

func tkLadder() []Rung {
	return []Rung{{Percent: 50}, {Percent: 75}, {Before: Duration(15 * time.Minute)}}
}
