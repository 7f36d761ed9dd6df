// Package slatest holds test helpers for code built on package sla.
//
// Never build correctness on benbjohnson/clock's Mock timers (each fired
// timer sleeps a millisecond of real time, AfterFunc callbacks run in
// goroutines that may outlive Add, and equal deadlines fire in unspecified
// order). Instead, move the mock and the tracker together with Advance: the
// tracker's own deadline queue decides what fires, in order, synchronously,
// and every handler sees the mock at the event's own minute.
package slatest

import (
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
)

// Advance moves m forward by d and tr with it, deadline by deadline: for
// each pending deadline up to the target instant it sets m to that deadline
// and delivers what falls due there, so handlers reading m.Now() see the
// event's minute. It returns the number of events delivered. One call can
// jump a month; the test itself never sleeps. Mock.Set itself pauses about
// a millisecond of real time on every call, so a jump costs about 1 ms per
// distinct deadline instant (events due at the same instant share one Set):
// a month of a few hundred deadlines takes well under a second. When the
// handlers do not read the mock, tr.AdvanceTo alone is faster still.
func Advance(m *clock.Mock, tr *sla.Tracker, d time.Duration) int {
	return AdvanceTo(m, tr, m.Now().Add(d))
}

// AdvanceTo is Advance to an absolute instant. It never moves m backwards.
func AdvanceTo(m *clock.Mock, tr *sla.Tracker, until time.Time) int {
	n := 0
	for {
		next, ok := tr.NextDeadline()
		if !ok || next.After(until) {
			break
		}
		if next.After(m.Now()) {
			m.Set(next)
		}
		n += tr.AdvanceTo(next)
	}
	if until.After(m.Now()) {
		m.Set(until)
	}
	return n + tr.AdvanceTo(until)
}
