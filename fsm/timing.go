package fsm

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Calendar measures the business time between two instants. *sla.Calendar
// satisfies it (fsm does not import sla): give one to TimingConfig and
// AnalyzeTimes counts only working time.
type Calendar interface {
	Between(a, b time.Time) time.Duration
}

// Trace is one machine's history as AnalyzeTimes reads it.
//
// A machine does not record when it was created, so the time of its first
// stay (in the initial state, before its first transition) is known only
// when Start is set. The stay in the state the machine is in at the end of
// its history is open: it is measured, up to End, only when End is set.
type Trace struct {
	// ID names the machine (a ticket number); it is not required.
	ID string `json:"id,omitempty"`
	// Start is when the machine entered its initial state (zero: unknown,
	// the first stay is not measured).
	Start time.Time `json:"start,omitzero"`
	// History is the machine's history, oldest first.
	History []Record `json:"history,omitempty"`
	// End is the instant up to which the open stay is measured (zero: it
	// is not measured).
	End time.Time `json:"end,omitzero"`
	// Approvals is the number of approvals recorded on the machine,
	// replaced ones included (see Machine.Approvals).
	Approvals int `json:"approvals,omitempty"`
}

// Trace returns the machine's trace for AnalyzeTimes, with the given start
// and end (either may be zero; see Trace).
func (m *Machine) Trace(start, end time.Time) Trace {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Trace{ID: m.id, Start: start, History: m.historyLocked(), End: end, Approvals: len(m.approvals)}
}

// Trace returns the snapshot's trace for AnalyzeTimes, with the given start
// and end (either may be zero; see Trace).
func (s Snapshot) Trace(start, end time.Time) Trace {
	n := len(s.ReplacedApprovals)
	if s.Approval != nil {
		n++
	}
	return Trace{ID: s.ID, Start: start, History: s.History, End: end, Approvals: n}
}

// DefaultSlowest is how many steps TimeReport.Slowest names when
// TimingConfig.Slowest is zero.
const DefaultSlowest = 5

// TimingConfig says how AnalyzeTimes measures and judges the steps of a
// lifecycle. The zero value measures wall-clock time, flags nothing and
// names the DefaultSlowest slowest steps.
type TimingConfig struct {
	// SlowFrom flags every step (state or transition) whose p90 is
	// SlowFrom or longer, and counts its stays that long (Over); zero
	// flags nothing. Thresholds override it step by step.
	SlowFrom Duration `json:"slow_from,omitempty"`
	// Thresholds set SlowFrom for single states or transitions.
	Thresholds []Threshold `json:"thresholds,omitempty"`
	// NoValue names the states that add no value (queues, waiting on
	// someone, hand-overs); they and the transitions out of them are
	// flagged, and TimeReport.NoValueShare is their share of the time.
	NoValue []State `json:"no_value,omitempty"`
	// Slowest is how many steps TimeReport.Slowest names (0:
	// DefaultSlowest).
	Slowest int `json:"slowest,omitempty"`
	// Calendar, if set, measures business time instead of wall-clock
	// time.
	Calendar Calendar `json:"-"`
}

// Threshold is the SlowFrom of one step: the stays in State, or, with
// Event, the stays in State that ended with Event. A state's threshold also
// applies to the transitions out of it that have none of their own.
type Threshold struct {
	State    State    `json:"state"`
	Event    Event    `json:"event,omitempty"`
	SlowFrom Duration `json:"slow_from"`
}

// Validate reports every problem of the configuration for def at once,
// joined with errors.Join; each is a *FieldError matching
// ErrInvalidConfig: a negative SlowFrom or Slowest, thresholds that are
// not positive, name a state or an event def does not have (or an event
// that does not leave that state) or repeat a step, and unknown or repeated
// no-value states.
func (c TimingConfig) Validate(def *Definition) error {
	if def == nil {
		return ErrNilDefinition
	}
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, sqerr.Field(ErrInvalidConfig, path, format, args...))
	}
	if c.SlowFrom < 0 {
		add("slow_from", "negative duration %s", c.SlowFrom)
	}
	if c.Slowest < 0 {
		add("slowest", "negative count %d", c.Slowest)
	}
	type step struct {
		s State
		e Event
	}
	seen := make(map[step]int, len(c.Thresholds))
	for i, th := range c.Thresholds {
		p := fmt.Sprintf("thresholds[%d]", i)
		si, ok := def.stateIndex[th.State]
		if !ok {
			add(p+".state", "unknown state %q", th.State)
		}
		if th.Event != "" {
			ei, evOK := def.eventIndex[th.Event]
			switch {
			case !evOK:
				add(p+".event", "unknown event %q", th.Event)
			case ok && def.table[int(ei)*len(def.states)+int(si)] < 0:
				add(p+".event", "event %q does not leave state %q", th.Event, th.State)
			}
		}
		if th.SlowFrom <= 0 {
			add(p+".slow_from", "must be positive, got %s", th.SlowFrom)
		}
		if j, dup := seen[step{th.State, th.Event}]; dup {
			add(p, "the same step as thresholds[%d]", j)
		} else {
			seen[step{th.State, th.Event}] = i
		}
	}
	noValue := make(map[State]int, len(c.NoValue))
	for i, st := range c.NoValue {
		p := fmt.Sprintf("no_value[%d]", i)
		if !def.HasState(st) {
			add(p, "unknown state %q", st)
		} else if j, dup := noValue[st]; dup {
			add(p, "state %q again (also no_value[%d])", st, j)
		} else {
			noValue[st] = i
		}
	}
	return errors.Join(errs...)
}

// TimeStats are the figures of one step: its measured stays and how they
// compare with the step's threshold.
type TimeStats struct {
	// Count is the number of stays measured.
	Count int `json:"count"`
	// Mean, P50, P90 and Max summarise the stays (zero when Count is 0).
	// P50 and P90 are nearest-rank percentiles: the smallest stay that at
	// least 50 % (90 %) of the stays do not exceed, always one of the
	// measured stays.
	Mean Duration `json:"mean"`
	P50  Duration `json:"p50"`
	P90  Duration `json:"p90"`
	Max  Duration `json:"max"`
	// Share is the step's part of all the time measured in stays (0 to 1).
	Share float64 `json:"share,omitempty"`
	// SlowFrom is the threshold applied (zero: none); Over counts the
	// stays of SlowFrom or longer and Slow is set when P90 is SlowFrom or
	// longer.
	SlowFrom Duration `json:"slow_from,omitempty"`
	Over     int      `json:"over,omitempty"`
	Slow     bool     `json:"slow,omitempty"`
	// NoValue is set for a state named in TimingConfig.NoValue and for the
	// transitions out of it.
	NoValue bool `json:"no_value,omitempty"`
}

// StateTimes are the figures of one state: every stay in it.
type StateTimes struct {
	State State `json:"state"`
	TimeStats
	// Entries counts how often machines entered the state (a machine
	// starting in it enters it once), measured or not.
	Entries int `json:"entries"`
	// Open counts the stays still open at their trace's End, which are
	// measured up to End and included in the figures.
	Open int `json:"open,omitempty"`
	// Machines counts the machines that entered the state; Reworked those
	// that entered it more than once, and Reentries the entries beyond
	// each machine's first: the rework loops through the state.
	Machines  int `json:"machines"`
	Reworked  int `json:"reworked,omitempty"`
	Reentries int `json:"reentries,omitempty"`
}

// TransitionTimes are the figures of one transition: the stays in From
// that ended with Event.
type TransitionTimes struct {
	Event Event `json:"event"`
	From  State `json:"from"`
	To    State `json:"to"`
	TimeStats
	// Taken counts how often the transition happened, measured or not;
	// Repeats the times beyond each machine's first (loops).
	Taken   int `json:"taken"`
	Repeats int `json:"repeats,omitempty"`
}

// StepRef names a step of TimeReport.Slowest: a state, or a transition
// (State, Event, To) out of it.
type StepRef struct {
	State State    `json:"state"`
	Event Event    `json:"event,omitempty"`
	To    State    `json:"to,omitempty"`
	P90   Duration `json:"p90"`
	Slow  bool     `json:"slow,omitempty"`
}

// ApprovalCounts counts the approvals of the machines analysed.
type ApprovalCounts struct {
	// Machines counts machines approved at least once, Repeated those
	// approved more than once, and Approvals every approval.
	Machines  int `json:"machines"`
	Repeated  int `json:"repeated"`
	Approvals int `json:"approvals"`
}

// TimeReport is what AnalyzeTimes finds: where the time of a lifecycle
// goes, step by step, in a deterministic order (states and transitions in
// the definition's order).
type TimeReport struct {
	Definition string `json:"definition"`
	// Business is set when the time was measured on a calendar.
	Business bool `json:"business,omitempty"`
	// Machines and Records count the traces and history records read.
	Machines int `json:"machines"`
	Records  int `json:"records"`
	// Lead is the lead time of the machines whose Start is known: from
	// Start to End, or to their last record when End is not set.
	Lead TimeStats `json:"lead"`
	// States and Transitions hold every state and transition of the
	// definition, taken or not.
	States      []StateTimes      `json:"states"`
	Transitions []TransitionTimes `json:"transitions"`
	// ReworkedMachines counts the machines that entered some state more
	// than once; Reentries sums StateTimes.Reentries.
	ReworkedMachines int `json:"reworked_machines"`
	Reentries        int `json:"reentries"`
	// Approvals counts approvals and repeated approvals.
	Approvals ApprovalCounts `json:"approvals"`
	// NoValueShare is the share of the measured time spent in no-value
	// states (0 to 1).
	NoValueShare float64 `json:"no_value_share"`
	// Slowest names the steps with the longest p90, longest first (ties:
	// the larger share first, then states before transitions, then the
	// definition's order).
	Slowest []StepRef `json:"slowest"`
}
