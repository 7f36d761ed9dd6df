package sla

import (
	"errors"
	"testing"
	"time"
)

// FuzzClockOps drives a clock with random operations and checks it against
// a model of its state machine and the calendar: elapsed time is the sum of
// Between over the running spans, the due instant is the earliest instant at
// which the elapsed time reaches the target, the next event falls where its
// step's elapsed time is reached, and failed calls change nothing.
func FuzzClockOps(f *testing.F) {
	f.Add([]byte{0, 10, 1, 30, 4, 0, 2, 200, 3, 5, 0, 1}, false)
	f.Add([]byte{4, 255, 0, 3, 1, 255, 4, 17, 2, 9, 2, 9, 3, 0}, true)
	f.Add([]byte{128, 1, 0, 0, 0, 0, 1, 0, 5, 60, 5, 60}, true)
	berlin := tkDailyF(f)
	f.Fuzz(func(t *testing.T, ops []byte, business bool) {
		var bt BusinessTime = tkAlways{}
		if business {
			bt = berlin
		}
		spec, err := NewSpec(SpecDef{Metric: Resolution, Within: Duration(3 * time.Hour), Calendar: "x",
			Warnings: []Rung{{Percent: 50}, {Before: Duration(20 * time.Minute)}}, Reminders: []Duration{Duration(15 * time.Minute)}}, bt)
		if err != nil {
			t.Fatal(err)
		}
		c := NewClock(spec)
		at := time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC) // the Friday before Berlin's spring-forward
		var elapsed time.Duration                           // model: elapsed up to the last change
		var since time.Time                                 // model: running since
		status := Idle
		var last time.Time // model: the last change recorded
		for i := 0; i+1 < len(ops); i += 2 {
			op, step := ops[i], time.Duration(ops[i+1])*7*time.Minute
			next := at.Add(step)
			if op&0x80 != 0 {
				next = at.Add(-step - time.Nanosecond)
			}
			before := c
			var err error
			var want error
			switch op % 6 {
			case 0:
				err = c.Start(next)
				if status != Idle {
					want = ErrAlreadyStarted
				}
			case 1:
				err = c.Pause(next)
				want = map[Status]error{Idle: ErrNotStarted, Paused: ErrNotRunning, Stopped: ErrStopped}[status]
			case 2:
				err = c.Resume(next)
				want = map[Status]error{Idle: ErrNotStarted, Running: ErrNotPaused, Stopped: ErrStopped}[status]
			case 3:
				_, err = c.Stop(next)
				want = map[Status]error{Idle: ErrNotStarted, Stopped: ErrStopped}[status]
			case 4:
				err = c.NewCycle(next)
				want = map[Status]error{Idle: ErrNotStarted, Running: ErrNotStopped, Paused: ErrNotStopped}[status]
			case 5:
				// query only
				at = next
				if op&0x80 != 0 {
					continue
				}
				checkClockQueries(t, c, spec, at)
				continue
			}
			if want == nil && status != Idle && next.Before(last) {
				want = ErrTimeBackwards
			}
			if want != nil {
				if !errors.Is(err, want) {
					t.Fatalf("op %d at %s: err %v, want %v", op%6, next, err, want)
				}
				if c != before {
					t.Fatalf("failed op %d changed the clock", op%6)
				}
				continue
			}
			if err != nil {
				t.Fatalf("op %d at %s: unexpected %v", op%6, next, err)
			}
			at, last = next, next
			switch op % 6 {
			case 0:
				status, elapsed, since = Running, 0, at
			case 1:
				elapsed += bt.Between(since, at)
				status = Paused
			case 2:
				status, since = Running, at
			case 3:
				if status == Running {
					elapsed += bt.Between(since, at)
				}
				status = Stopped
			case 4:
				status, elapsed, since = Running, 0, at
			}
			if c.Status() != status {
				t.Fatalf("status %s, model %s", c.Status(), status)
			}
			model := elapsed
			if status == Running {
				model += bt.Between(since, at.Add(time.Hour))
			}
			if got := c.Elapsed(at.Add(time.Hour)); got != model {
				t.Fatalf("elapsed %s, model %s", got, model)
			}
			checkClockQueries(t, c, spec, at)
		}
	})
}

func tkDailyF(f *testing.F) *Calendar {
	var w CalendarWeek
	for _, d := range tkWeekdays {
		w.SetDay(d, []CalendarWindow{{Start: "08:00", End: "12:00"}, {Start: "13:00", End: "17:30"}})
	}
	c, err := NewCalendar(CalendarSpec{Location: "Europe/Berlin", Week: w})
	if err != nil {
		f.Fatal(err)
	}
	return c
}

func checkClockQueries(t *testing.T, c Clock, spec *Spec, at time.Time) {
	t.Helper()
	target := spec.Target()
	if due, ok := c.Due(); ok && c.Status() == Running {
		if c.Elapsed(due) < target && !due.Before(c.LastChange()) {
			t.Fatalf("elapsed at due %s is %s < target", due, c.Elapsed(due))
		}
		if due.After(c.LastChange()) && c.Elapsed(due.Add(-time.Nanosecond)) >= target {
			t.Fatalf("due %s is not the earliest instant reaching the target", due)
		}
		if c.Breached(at) != !at.Before(due) && !due.Before(c.LastChange()) {
			t.Fatalf("breached(%s) = %v with due %s", at, c.Breached(at), due)
		}
	}
	if n, ok := c.NextEvent(at); ok {
		if n.At.Before(at) {
			t.Fatalf("next event %v before %s", n, at)
		}
		e := c.Elapsed(n.At)
		if e <= c.Elapsed(at) {
			t.Fatalf("next event %v does not move elapsed time past %s", n, c.Elapsed(at))
		}
	}
	if r := c.Remaining(at); r != target-c.Elapsed(at) {
		t.Fatalf("remaining %s", r)
	}
}
