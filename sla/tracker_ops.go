package sla

import (
	"fmt"
	"time"
)

// StartAt adds a clock under key measuring spec's metric and starts its
// first cycle at at. An empty key.Metric means spec's metric; any other
// must equal it. priority labels the clock in attainment figures and
// events. The error wraps ErrDuplicateClock if the key is taken.
func (t *Tracker) StartAt(at time.Time, key ClockKey, spec *Spec, priority string) error {
	if spec == nil {
		return &TrackerError{Key: key, Err: ErrNoTarget}
	}
	if key.Metric == "" {
		key.Metric = spec.Metric()
	}
	switch {
	case key.ID == "":
		return &TrackerError{Key: key, Err: fmt.Errorf("%w: empty clock id", ErrInvalid)}
	case key.Metric != spec.Metric():
		return &TrackerError{Key: key, Err: fmt.Errorf("%w: spec measures %s", ErrInvalid, spec.Metric())}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ns, err := t.nsLocked(key.Namespace, true)
	if err != nil {
		return &TrackerError{Key: key, Err: err}
	}
	if t.findLocked(key) != nil {
		return &TrackerError{Key: key, Err: ErrDuplicateClock}
	}
	e := &entry{ns: ns, c: NewClock(spec), id: key.ID, prio: t.prioLocked(priority)}
	if err := e.c.Start(at); err != nil {
		return &TrackerError{Key: key, Err: err}
	}
	t.addLocked(e)
	t.rescheduleLocked(e)
	return nil
}

// Start is StartAt at the clock's current time.
func (t *Tracker) Start(key ClockKey, spec *Spec, priority string) error {
	return t.StartAt(t.clk.Now(), key, spec, priority)
}

// addLocked puts e in its record.
func (t *Tracker) addLocked(e *entry) {
	rk := recKey{e.id, e.ns}
	e.next = t.records[rk]
	t.records[rk] = e
	if e.timer {
		if !e.idle {
			t.ntimers++
		}
	} else {
		t.nclocks++
		t.byStatus[e.c.status]++
	}
}

// dropLocked takes e out of its record (not out of the queue) and forgets
// its undelivered events.
func (t *Tracker) dropLocked(e *entry) {
	rk := recKey{e.id, e.ns}
	if head := t.records[rk]; head == e {
		if e.next == nil {
			delete(t.records, rk)
		} else {
			t.records[rk] = e.next
		}
	} else {
		for x := head; x != nil; x = x.next {
			if x.next == e {
				x.next = e.next
				break
			}
		}
	}
	e.next = nil
	if e.hasLate {
		delete(t.late, e)
		e.hasLate = false
	}
	if e.timer {
		if !e.idle {
			t.ntimers--
		}
	} else {
		t.nclocks--
		t.byStatus[e.c.status]--
	}
}

// PauseAt pauses the clock under key at at.
func (t *Tracker) PauseAt(at time.Time, key ClockKey) error {
	return t.change(key, at, func(c *Clock) error { return c.Pause(at) })
}

// ResumeAt resumes the clock under key at at.
func (t *Tracker) ResumeAt(at time.Time, key ClockKey) error {
	return t.change(key, at, func(c *Clock) error { return c.Resume(at) })
}

// StopAt ends the current cycle of the clock under key at at. A cycle that
// met its target emits a met event with time at; either way the cycle is
// counted in the attainment figures.
func (t *Tracker) StopAt(at time.Time, key ClockKey) (met bool, err error) {
	err = t.change(key, at, func(c *Clock) error {
		var err error
		met, err = c.Stop(at)
		return err
	})
	return met, err
}

// NewCycleAt starts a new cycle of a stopped clock at at.
func (t *Tracker) NewCycleAt(at time.Time, key ClockKey) error {
	return t.change(key, at, func(c *Clock) error { return c.NewCycle(at) })
}

// RetargetAt moves the open cycle of the clock under key to spec at at (see
// Clock.Retarget). spec must measure the same metric.
func (t *Tracker) RetargetAt(at time.Time, key ClockKey, spec *Spec, strategy Strategy) error {
	if spec != nil && spec.Metric() != key.Metric {
		return &TrackerError{Key: key, Err: fmt.Errorf("%w: spec measures %s", ErrInvalid, spec.Metric())}
	}
	return t.change(key, at, func(c *Clock) error { return c.Retarget(at, spec, strategy) })
}

// Pause is PauseAt at the clock's current time.
func (t *Tracker) Pause(key ClockKey) error { return t.PauseAt(t.clk.Now(), key) }

// Resume is ResumeAt at the clock's current time.
func (t *Tracker) Resume(key ClockKey) error { return t.ResumeAt(t.clk.Now(), key) }

// Stop is StopAt at the clock's current time.
func (t *Tracker) Stop(key ClockKey) (bool, error) { return t.StopAt(t.clk.Now(), key) }

// NewCycle is NewCycleAt at the clock's current time.
func (t *Tracker) NewCycle(key ClockKey) error { return t.NewCycleAt(t.clk.Now(), key) }

// Remove drops the clock under key and any of its undelivered events. An
// open cycle is not counted in the attainment figures.
func (t *Tracker) Remove(key ClockKey) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.findLocked(key)
	if e == nil {
		return false
	}
	t.heap.Remove(e)
	t.dropLocked(e)
	return true
}

func (t *Tracker) change(key ClockKey, at time.Time, f func(*Clock) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.findLocked(key)
	if e == nil {
		return &TrackerError{Key: key, Err: ErrUnknownClock}
	}
	// Validate on a copy first, so a failed call changes nothing.
	probe := e.c
	if err := f(&probe); err != nil {
		return &TrackerError{Key: key, Err: err}
	}
	if probe == e.c {
		return nil // a no-op (re-targeting to the same spec): nothing to set aside
	}
	// Events that fell due up to at keep their own deadlines: set them aside
	// before the change alters the schedule.
	t.collectLateLocked(e, at)
	before := e.c.status
	_ = f(&e.c)
	t.byStatus[before]--
	t.byStatus[e.c.status]++
	if before != Stopped && e.c.status == Stopped {
		ak := attKey{key.Metric, e.ns, e.prio}
		cnt := t.closed[ak]
		if cnt == nil {
			cnt = &attCount{}
			t.closed[ak] = cnt
		}
		if e.c.met() {
			cnt.met++
			t.addLateLocked(e, Event{
				ID: EventID{Namespace: key.Namespace, Clock: key.ID, Metric: key.Metric, Kind: Met, Cycle: int(e.c.cycle), Step: 1},
				At: at, Priority: t.prios[e.prio], Target: e.c.spec.def.Within, Elapsed: Duration(e.c.elapsed),
			})
		} else {
			cnt.breached++
		}
	}
	t.rescheduleLocked(e)
	return nil
}

func (t *Tracker) addLateLocked(e *entry, ev Event) {
	t.late[e] = append(t.late[e], ev)
	e.hasLate = true
}

// collectLateLocked moves every undelivered event of e due at or before at
// to the late list.
func (t *Tracker) collectLateLocked(e *entry, at time.Time) {
	for {
		st, when, el, ok := e.c.pending()
		if !ok || when.After(at) {
			return
		}
		t.addLateLocked(e, t.event(e, st, when, el))
		e.c.fired++
	}
}

func (t *Tracker) event(e *entry, st step, at time.Time, elapsed time.Duration) Event {
	return Event{
		ID: EventID{Namespace: t.spaces[e.ns].name, Clock: e.id, Metric: e.c.spec.def.Metric,
			Kind: st.kind, Cycle: int(e.c.cycle), Step: int(st.n)},
		At:       at,
		Priority: t.prios[e.prio],
		Target:   e.c.spec.def.Within,
		Elapsed:  Duration(elapsed),
	}
}

// rescheduleLocked puts e's next delivery in the queue and wakes Run if it
// is now the earliest.
func (t *Tracker) rescheduleLocked(e *entry) {
	var next time.Time
	switch {
	case e.hasLate:
		next = t.late[e][0].At
	case e.idle:
		t.heap.Remove(e)
		return
	case e.timer:
		next = e.c.anchor
	default:
		_, when, _, ok := e.c.pending()
		if !ok {
			t.heap.Remove(e)
			return
		}
		next = when
	}
	if !queueable(next) {
		// Beyond the range of Unix nanoseconds the queue orders by: the
		// instant would wrap around and fire at once. Such a deadline is
		// never delivered; the clock still reports it (Due, NextEvent).
		t.heap.Remove(e)
		return
	}
	t.heap.Schedule(e, next.UnixNano())
	t.wakeLocked(next)
}

// SetTimer sets the timer of record key to fall due at at, replacing any
// instant it had (delivered or not): one timer per record. When it falls
// due, the handlers of key's namespace receive an event of kind Timer whose
// cycle is the timer's generation (1 for the first SetTimer of the record,
// then 2, ..., counted across firings and cancellations) and whose At is
// the timer's instant; the timer is then no longer set (Timer reports
// false) until the next SetTimer.
// Engines use timers for deadlines that are not SLA clocks (the next
// evaluation of a board, a scheduled action of a simulation).
func (t *Tracker) SetTimer(key RecordKey, at time.Time) error {
	switch {
	case key.ID == "":
		return fmt.Errorf("%w: timer %s: empty id", ErrInvalid, key)
	case !queueable(at):
		return fmt.Errorf("%w: timer %s: instant %v outside the years 1678 to 2262", ErrInvalid, key, at)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ns, err := t.nsLocked(key.Namespace, true)
	if err != nil {
		return fmt.Errorf("sla: timer %s: %w", key, err)
	}
	e := t.timerLocked(recKey{key.ID, ns})
	switch {
	case e == nil:
		e = &entry{ns: ns, timer: true, id: key.ID}
		t.addLocked(e)
	case e.c.cycle == 1<<32-1:
		return fmt.Errorf("%w: timer %s: set %d times, the most a record's timer can be", ErrInvalid, key, e.c.cycle)
	case e.idle:
		e.idle = false
		t.ntimers++
	}
	e.c.anchor, e.c.cycle = at.UTC(), e.c.cycle+1
	t.rescheduleLocked(e)
	return nil
}

// idleLocked leaves the timer e in its record, not set, with its
// generation and without undelivered events (the caller takes it out of
// the queue).
func (t *Tracker) idleLocked(e *entry) {
	if e.hasLate {
		delete(t.late, e)
		e.hasLate = false
	}
	if !e.idle {
		e.idle = true
		t.ntimers--
	}
}

// CancelTimer unsets the timer of record key and reports whether it was
// set. The record keeps the timer's generation: the next SetTimer
// continues it.
func (t *Tracker) CancelTimer(key RecordKey) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	ns, ok := t.nsIndex[key.Namespace]
	if !ok {
		return false
	}
	e := t.timerLocked(recKey{key.ID, ns})
	if e == nil || e.idle {
		return false
	}
	t.heap.Remove(e)
	t.idleLocked(e)
	return true
}

// Timer returns the instant the timer of record key falls due.
func (t *Tracker) Timer(key RecordKey) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ns, ok := t.nsIndex[key.Namespace]
	if !ok {
		return time.Time{}, false
	}
	if e := t.timerLocked(recKey{key.ID, ns}); e != nil && !e.idle {
		return e.c.anchor, true
	}
	return time.Time{}, false
}

func (t *Tracker) timerLocked(rk recKey) *entry {
	for e := t.records[rk]; e != nil; e = e.next {
		if e.timer {
			return e
		}
	}
	return nil
}
