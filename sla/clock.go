package sla

import (
	"errors"
	"math/big"
	"time"
)

// Clock is one SLA clock: one metric of one ticket, measured in business
// time on its Spec's calendar. It is a pure value: every query takes the
// instant as an argument, and every change is a method call with the instant
// at which it happened. A Clock does no I/O, reads no clock and arms no
// timer; the Tracker drives many of them.
//
// A cycle starts with Start (or NewCycle after a stop), may be paused and
// resumed any number of times, and ends with Stop. Out-of-order or
// impossible calls return a *ClockError and leave the clock unchanged.
//
// A Clock is a small value (copy it freely); it is not safe for concurrent
// mutation.
type Clock struct {
	spec    *Spec
	anchor  time.Time     // the last instant recorded
	elapsed time.Duration // business time counted up to anchor
	breach  int64         // Unix ns of the breach instant, when hasBreach
	cycle   uint32        // 1 for the first cycle, 0 before Start
	status  Status
	fired   uint8 // events of this cycle already delivered by a tracker
	// hasBreach records that breach holds the breach instant (which may be
	// the Unix epoch itself, zero nanoseconds).
	hasBreach bool
}

// NewClock returns an idle clock on spec.
func NewClock(spec *Spec) Clock { return Clock{spec: spec} }

// Spec returns the clock's target.
func (c Clock) Spec() *Spec { return c.spec }

// Status returns the status of the current cycle.
func (c Clock) Status() Status { return c.status }

// Cycle returns the number of the current cycle (1 for the first, 0 before Start).
func (c Clock) Cycle() int { return int(c.cycle) }

// LastChange returns the last instant the clock recorded (zero before Start).
func (c Clock) LastChange() time.Time { return c.anchor }

func (c *Clock) check(op string, at time.Time, want ...Status) error {
	if c.spec == nil {
		return &ClockError{Op: op, Status: c.status, At: at, Err: ErrNoTarget}
	}
	if !queueable(at) {
		return &ClockError{Op: op, Status: c.status, At: at, Last: c.anchor, Err: ErrOutOfRange}
	}
	ok := false
	for _, s := range want {
		ok = ok || s == c.status
	}
	if !ok {
		var err error
		switch {
		case op == "start" && c.status != Idle:
			err = ErrAlreadyStarted
		case c.status == Idle:
			err = ErrNotStarted
		case op == "new cycle":
			err = ErrNotStopped
		case c.status == Stopped:
			err = ErrStopped
		case op == "pause":
			err = ErrNotRunning
		default:
			err = ErrNotPaused
		}
		return &ClockError{Op: op, Status: c.status, At: at, Last: c.anchor, Err: err}
	}
	if c.status != Idle && at.Before(c.anchor) {
		return &ClockError{Op: op, Status: c.status, At: at, Last: c.anchor, Err: ErrTimeBackwards}
	}
	return nil
}

// settle counts the business time from anchor to at (running clocks only)
// and records the breach instant if the target is crossed.
func (c *Clock) settle(at time.Time) {
	if c.status == Running {
		target := c.spec.Target()
		if !c.hasBreach && c.elapsed < target {
			if due := c.spec.bt.Add(c.anchor, target-c.elapsed); !due.After(at) {
				c.breach, c.hasBreach = due.UnixNano(), true
			}
		}
		c.elapsed += c.spec.bt.Between(c.anchor, at)
	}
	c.anchor = at
}

// Start starts the first cycle at at.
func (c *Clock) Start(at time.Time) error {
	if err := c.check("start", at, Idle); err != nil {
		return err
	}
	c.status, c.anchor, c.elapsed, c.breach, c.hasBreach, c.cycle, c.fired = Running, at, 0, 0, false, 1, 0
	return nil
}

// Pause stops counting business time at at (for example while waiting on
// the customer).
func (c *Clock) Pause(at time.Time) error {
	if err := c.check("pause", at, Running); err != nil {
		return err
	}
	c.settle(at)
	c.status = Paused
	return nil
}

// Resume counts business time again from at.
func (c *Clock) Resume(at time.Time) error {
	if err := c.check("resume", at, Paused); err != nil {
		return err
	}
	c.anchor = at
	c.status = Running
	return nil
}

// Stop ends the current cycle at at. It reports whether the cycle met its
// target (stopped before the due instant).
func (c *Clock) Stop(at time.Time) (met bool, err error) {
	if err := c.check("stop", at, Running, Paused); err != nil {
		return false, err
	}
	c.settle(at)
	c.status = Stopped
	return c.met(), nil
}

// met reports whether the cycle is within its target and never breached.
func (c *Clock) met() bool { return !c.hasBreach && c.elapsed < c.spec.Target() }

// NewCycle starts a new cycle at at after a stop (next response re-arms on
// each customer message; a reopened ticket starts a new resolution cycle).
// Elapsed time starts again from zero.
func (c *Clock) NewCycle(at time.Time) error {
	if err := c.check("new cycle", at, Stopped); err != nil {
		return err
	}
	c.status, c.anchor, c.elapsed, c.breach, c.hasBreach, c.fired = Running, at, 0, 0, false, 0
	c.cycle++
	return nil
}

// Retarget moves an open cycle to spec at at, following strategy: keep the
// elapsed time, restart from zero, or rescale it to the same fraction of the
// new target. A paused clock stays paused. Re-targeting opens a new cycle
// number (the elapsed time carries over as the strategy says), so the event
// ids of the new schedule never repeat those already delivered. Events of
// the new schedule whose elapsed time has already passed are not delivered,
// except the breach: a cycle not breached before and at or over the new
// target is breached at at. A breached cycle stays breached under any new
// target (with KeepElapsed or Rescale), and its breach is not delivered
// again; Restart starts a fresh, unbreached measurement. Re-targeting to
// the same spec with KeepElapsed or Rescale changes nothing.
func (c *Clock) Retarget(at time.Time, spec *Spec, strategy Strategy) error {
	if spec == nil {
		return &ClockError{Op: "retarget", Status: c.status, At: at, Last: c.anchor, Err: ErrNoTarget}
	}
	if err := c.check("retarget", at, Running, Paused); err != nil {
		return err
	}
	if !strategy.Valid() {
		return &ClockError{Op: "retarget", Status: c.status, At: at, Last: c.anchor, Err: ErrInvalid}
	}
	if spec == c.spec && strategy != Restart {
		return nil // nothing changes: same target, elapsed time kept
	}
	c.settle(at)
	wasBreached := c.hasBreach || c.elapsed >= c.spec.Target()
	switch strategy {
	case Restart:
		c.elapsed = 0
		wasBreached = false // a fresh measurement
	case Rescale:
		c.elapsed = rescale(c.elapsed, spec.Target(), c.spec.Target())
	}
	c.spec = spec
	c.cycle++
	n := 0
	for n < len(spec.steps) && spec.steps[n].at <= c.elapsed {
		n++
	}
	if wasBreached {
		// The cycle stays breached, even under a longer target, and its
		// breach is not delivered again.
		n = max(n, spec.breachAt+1)
	} else {
		c.breach, c.hasBreach = 0, false
		if n > spec.breachAt {
			n = spec.breachAt
			c.breach, c.hasBreach = at.UnixNano(), true
		}
	}
	c.fired = uint8(n)
	return nil
}

// rescale returns e*num/den without overflow, rounded down.
func rescale(e, num, den time.Duration) time.Duration {
	r := new(big.Int).Mul(big.NewInt(int64(e)), big.NewInt(int64(num)))
	return time.Duration(r.Quo(r, big.NewInt(int64(den))).Int64())
}

// Elapsed returns the business time counted in the current cycle up to at.
// For instants before the last recorded change it returns the elapsed time
// at that change.
func (c Clock) Elapsed(at time.Time) time.Duration {
	if c.status == Running && at.After(c.anchor) {
		return c.elapsed + c.spec.bt.Between(c.anchor, at)
	}
	return c.elapsed
}

// Remaining returns the target minus the elapsed time at at; it is negative
// once the cycle is overdue.
func (c Clock) Remaining(at time.Time) time.Duration {
	if c.spec == nil {
		return 0
	}
	return c.spec.Target() - c.Elapsed(at)
}

// Breached reports whether the cycle has reached its target by at (a cycle
// breached before a re-target to a longer target stays breached).
func (c Clock) Breached(at time.Time) bool {
	if c.spec == nil || c.status == Idle {
		return false
	}
	return c.Elapsed(at) >= c.spec.Target() || (c.hasBreach && c.breach <= at.UnixNano())
}

// Due returns the instant at which the cycle reaches (or reached) its
// target. ok is false when it is not determined: before Start, or for a
// paused or stopped cycle that had not breached.
func (c Clock) Due() (due time.Time, ok bool) {
	if c.spec == nil || c.status == Idle {
		return time.Time{}, false
	}
	if c.hasBreach {
		return time.Unix(0, c.breach).In(c.anchor.Location()), true
	}
	if c.status != Running {
		return time.Time{}, false
	}
	if c.elapsed >= c.spec.Target() {
		// Breached at the last change (a re-target) without a recorded instant.
		return c.anchor, true
	}
	return c.spec.bt.Add(c.anchor, c.spec.Target()-c.elapsed), true
}

// Next describes the next scheduled event of a clock.
type Next struct {
	Kind Kind      `json:"kind"`
	Step int       `json:"step"` // 1-based number within the kind (warning 2, reminder 1)
	At   time.Time `json:"at"`
}

// NextEvent returns the next event of the current cycle after at: the first
// warning, breach or reminder whose elapsed time has not been reached at at,
// and the instant it falls. ok is false when the clock is not running or the
// schedule is exhausted.
func (c Clock) NextEvent(at time.Time) (Next, bool) {
	if c.spec == nil || c.status != Running {
		return Next{}, false
	}
	e := c.Elapsed(at)
	for _, st := range c.spec.steps {
		if st.at > e {
			return Next{Kind: st.kind, Step: int(st.n), At: c.spec.bt.Add(c.anchor, st.at-c.elapsed)}, true
		}
	}
	return Next{}, false
}

// pendingStep returns the next undelivered event of the cycle and the
// elapsed business time at its instant, without computing the instant.
// due reports whether the step's elapsed time was already reached at the
// last change.
func (c *Clock) pendingStep() (st step, elapsed time.Duration, due, ok bool) {
	if c.spec == nil || int(c.fired) >= len(c.spec.steps) || c.status == Idle || c.status == Stopped {
		return step{}, 0, false, false
	}
	st = c.spec.steps[c.fired]
	if st.at <= c.elapsed {
		if st.kind == Breach && c.hasBreach {
			return st, st.at, true, true
		}
		return st, c.elapsed, true, true
	}
	if c.status != Running {
		return step{}, 0, false, false
	}
	return st, st.at, false, true
}

// pending returns the next undelivered event of the cycle, its instant and
// the elapsed business time at that instant: steps already passed at the
// last change fall at that change (or at the recorded breach instant).
func (c *Clock) pending() (st step, at time.Time, elapsed time.Duration, ok bool) {
	st, elapsed, due, ok := c.pendingStep()
	switch {
	case !ok:
		return step{}, time.Time{}, 0, false
	case due && st.kind == Breach && c.hasBreach:
		return st, time.Unix(0, c.breach).In(c.anchor.Location()), elapsed, true
	case due:
		return st, c.anchor, elapsed, true
	}
	return st, c.spec.bt.Add(c.anchor, st.at-c.elapsed), elapsed, true
}

// ClockSnapshot is the plain, JSON-serialisable state of a Clock.
type ClockSnapshot struct {
	Spec       SpecDef    `json:"spec"`
	Status     Status     `json:"status"`
	Cycle      int        `json:"cycle"`
	LastChange time.Time  `json:"last_change,omitzero"`
	Elapsed    Duration   `json:"elapsed"`
	BreachedAt *time.Time `json:"breached_at,omitempty"`
	// Delivered counts the events of this cycle a tracker already delivered.
	Delivered int `json:"delivered"`
}

// Snapshot returns the clock's state as a plain value.
func (c Clock) Snapshot() ClockSnapshot {
	s := ClockSnapshot{Status: c.status, Cycle: int(c.cycle), LastChange: c.anchor, Elapsed: Duration(c.elapsed), Delivered: int(c.fired)}
	if c.spec != nil {
		s.Spec = c.spec.Def()
	}
	if c.hasBreach {
		b := time.Unix(0, c.breach).In(c.anchor.Location())
		s.BreachedAt = &b
	}
	return s
}

// RestoreClock rebuilds a clock from a snapshot on spec, which must be the
// target the snapshot names (resolve s.Spec with Policies.Lookup, or NewSpec
// with the calendar from a Registry).
func RestoreClock(s ClockSnapshot, spec *Spec) (Clock, error) {
	var errs []error
	add := func(path, msg string) { errs = append(errs, fieldErr(path, "%s", msg)) }
	if spec == nil {
		add("spec", "no spec given")
	} else if !sameDef(spec.def, s.Spec) {
		add("spec", "the spec given differs from the one recorded")
	}
	if s.Status > Stopped {
		add("status", "unknown status")
	}
	if s.Elapsed < 0 {
		add("elapsed", "must not be negative")
	}
	if s.Status == Idle && (s.Cycle != 0 || s.Elapsed != 0 || s.Delivered != 0) {
		add("status", "an idle clock has no cycle, elapsed time or delivered events")
	}
	if s.Status != Idle && (s.Cycle < 1 || s.Cycle > 1<<32-1) {
		add("cycle", "must be at least 1 once started")
	}
	if s.Status != Idle && !queueable(s.LastChange) {
		add("last_change", "outside the years 1678 to 2262")
	}
	if s.BreachedAt != nil && (s.Status == Idle || !queueable(*s.BreachedAt) || s.BreachedAt.After(s.LastChange)) {
		add("breached_at", "set on an idle clock, outside the years 1678 to 2262, or after the last change")
	}
	if spec != nil && (s.Delivered < 0 || s.Delivered > len(spec.steps)) {
		add("delivered", "out of range for the spec's schedule")
	}
	if len(errs) > 0 {
		return Clock{}, errors.Join(errs...)
	}
	c := Clock{spec: spec, anchor: s.LastChange, elapsed: s.Elapsed.D(), cycle: uint32(s.Cycle), status: s.Status, fired: uint8(s.Delivered)}
	if s.BreachedAt != nil {
		c.breach, c.hasBreach = s.BreachedAt.UnixNano(), true
	}
	return c, nil
}
