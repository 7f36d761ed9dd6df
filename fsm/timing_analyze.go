package fsm

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// AnalyzeTimes measures where the time of def's lifecycle goes over many
// machines' traces: every stay in every state, and every transition with
// the stay it ended, each with its count, mean, p50, p90 and maximum; the
// rework loops (states entered again by the same machine, transitions
// taken again); repeated approvals; the steps that are slow against cfg's
// thresholds and those cfg names as adding no value; and the slowest steps
// by name. Time is wall-clock time, or business time on cfg.Calendar.
//
// A stay runs from the record that entered a state (or the trace's Start,
// for the initial state) to the record that left it (or the trace's End,
// for the state it is still in). Stays whose start is unknown are counted
// as entries but not measured.
//
// Every trace must be what a machine of def records: a chain of def's
// transitions from its initial state, no zero instants, instants in order
// from Start to End. AnalyzeTimes reads every trace and reports every
// problem it finds (a *FieldError matching ErrInvalidTrace, with a path
// such as "traces[3].history[2].from"; instants out of order also match
// ErrTimeBackwards) together with cfg's (see TimingConfig.Validate), and
// then returns no report. The cost is linear in the total number of
// records (the percentiles are found by selection, not by sorting); the
// output is deterministic.
func AnalyzeTimes(def *Definition, cfg TimingConfig, traces iter.Seq[Trace]) (TimeReport, error) {
	if def == nil {
		return TimeReport{}, ErrNilDefinition
	}
	if err := cfg.Validate(def); err != nil {
		return TimeReport{}, err
	}
	a := newTimeAcc(def, cfg.Calendar)
	for tr := range traces {
		a.trace(&tr)
		a.traces++
	}
	if len(a.errs) > 0 {
		return TimeReport{}, errors.Join(a.errs...)
	}
	return a.report(&cfg), nil
}

// timeAcc accumulates the stays of many traces, indexed by the
// definition's state indexes and by dense transition slots.
type timeAcc struct {
	d   *Definition
	cal Calendar

	slot          []int32 // [event*len(states)+from] -> transition slot, or -1
	slotEv        []int32
	slotFrom      []int32
	stays         [][]time.Duration // per state
	trStays       [][]time.Duration // per slot
	entries, open []int             // per state
	machines      []int
	reworked      []int
	reentries     []int
	taken         []int // per slot
	repeats       []int
	lead          []time.Duration

	// Visits of the current trace: a state's (transition's) count is
	// valid while its generation is the trace's.
	gen        int32
	sGen, sCnt []int32
	tGen, tCnt []int32

	approvals        ApprovalCounts
	reworkedMachines int
	records, traces  int
	errs             []error
}

func newTimeAcc(d *Definition, cal Calendar) *timeAcc {
	n := len(d.states)
	a := &timeAcc{d: d, cal: cal, slot: make([]int32, len(d.table))}
	for i := range a.slot {
		a.slot[i] = -1
	}
	for ei, t := range d.trans {
		for _, f := range t.From {
			fi := d.stateIndex[f]
			a.slot[ei*n+int(fi)] = int32(len(a.slotEv))
			a.slotEv = append(a.slotEv, int32(ei))
			a.slotFrom = append(a.slotFrom, fi)
		}
	}
	m := len(a.slotEv)
	a.stays, a.trStays = make([][]time.Duration, n), make([][]time.Duration, m)
	a.entries, a.open, a.machines = make([]int, n), make([]int, n), make([]int, n)
	a.reworked, a.reentries = make([]int, n), make([]int, n)
	a.taken, a.repeats = make([]int, m), make([]int, m)
	a.sGen, a.sCnt = make([]int32, n), make([]int32, n)
	a.tGen, a.tCnt = make([]int32, m), make([]int32, m)
	return a
}

// between returns the time from a to b (b not before a), on the calendar
// if there is one; a calendar's negative answer counts as zero.
func (a *timeAcc) between(from, to time.Time) time.Duration {
	if a.cal != nil {
		return max(a.cal.Between(from, to), 0)
	}
	return to.Sub(from)
}

// fail records a problem of trace a.traces at path (relative to it).
func (a *timeAcc) fail(kind error, path, format string, args ...any) {
	a.errs = append(a.errs, sqerr.Field(kind, fmt.Sprintf("traces[%d]", a.traces)+path, format, args...))
}

// enter counts an entry of the current trace into state s and reports
// whether it is a re-entry.
func (a *timeAcc) enter(s int32) bool {
	a.entries[s]++
	if a.sGen[s] != a.gen {
		a.sGen[s], a.sCnt[s] = a.gen, 0
		a.machines[s]++
	}
	a.sCnt[s]++
	switch a.sCnt[s] {
	case 1:
		return false
	case 2:
		a.reworked[s]++
	}
	a.reentries[s]++
	return true
}

// take counts a taking of transition slot k by the current trace.
func (a *timeAcc) take(k int32) {
	a.taken[k]++
	if a.tGen[k] != a.gen {
		a.tGen[k], a.tCnt[k] = a.gen, 0
	}
	if a.tCnt[k]++; a.tCnt[k] > 1 {
		a.repeats[k]++
	}
}

// trace reads one trace: it checks it and adds its stays.
func (a *timeAcc) trace(tr *Trace) {
	d, n := a.d, len(a.d.states)
	a.gen++
	cur := d.initial
	since, prev := tr.Start, tr.Start // start of the current stay (zero: unknown); latest instant
	ok := len(a.errs) == 0            // keep measuring while nothing is wrong
	reworked := a.enter(cur)
	for j := range tr.History {
		r := &tr.History[j]
		if r.From != d.states[cur] {
			a.fail(ErrInvalidTrace, fmt.Sprintf(".history[%d].from", j), "%q, but the machine was in %q", r.From, d.states[cur])
			ok = false
		}
		ei, evOK := d.eventIndex[r.Event]
		to := int32(-1)
		if !evOK {
			a.fail(ErrInvalidTrace, fmt.Sprintf(".history[%d].event", j), "unknown event %q", r.Event)
		} else if to = d.table[int(ei)*n+int(cur)]; to < 0 {
			a.fail(ErrInvalidTrace, fmt.Sprintf(".history[%d]", j), "the definition has no transition %q from %q", r.Event, d.states[cur])
		} else if r.To != d.states[to] {
			a.fail(ErrInvalidTrace, fmt.Sprintf(".history[%d].to", j), "%q, but %q from %q leads to %q", r.To, r.Event, d.states[cur], d.states[to])
			to = -1
		}
		switch {
		case r.At.IsZero():
			a.fail(ErrInvalidTrace, fmt.Sprintf(".history[%d].at", j), "zero instant")
			to = -1
		case r.At.Before(prev):
			a.fail(errTraceBackwards, fmt.Sprintf(".history[%d].at", j), "%v is before the previous instant %v", r.At, prev)
			to = -1
		}
		if to < 0 {
			// Go on checking from the state the record names.
			ok = false
			if ti, known := d.stateIndex[r.To]; known {
				cur = ti
			}
			continue
		}
		if ok {
			k := a.slot[int(ei)*n+int(cur)]
			if !since.IsZero() {
				dur := a.between(since, r.At)
				a.stays[cur] = append(a.stays[cur], dur)
				a.trStays[k] = append(a.trStays[k], dur)
			}
			a.take(k)
			reworked = a.enter(to) || reworked
		}
		cur, since, prev = to, r.At, r.At
	}
	a.records += len(tr.History)
	a.finish(tr, cur, since, prev, ok, reworked)
}

// finish measures the open stay and the lead time of a trace and counts
// its approvals.
func (a *timeAcc) finish(tr *Trace, cur int32, since, prev time.Time, ok, reworked bool) {
	if !tr.End.IsZero() && tr.End.Before(prev) {
		a.fail(errTraceBackwards, ".end", "%v is before the last instant %v", tr.End, prev)
		ok = false
	}
	if tr.Approvals < 0 {
		a.fail(ErrInvalidTrace, ".approvals", "negative count %d", tr.Approvals)
		ok = false
	}
	if !ok {
		return
	}
	if reworked {
		a.reworkedMachines++
	}
	if !tr.End.IsZero() && !since.IsZero() {
		a.stays[cur] = append(a.stays[cur], a.between(since, tr.End))
		a.open[cur]++
	}
	if end := cmp.Or(tr.End, prev); !tr.Start.IsZero() && !end.IsZero() {
		a.lead = append(a.lead, a.between(tr.Start, end))
	}
	if tr.Approvals > 0 {
		a.approvals.Machines++
		a.approvals.Approvals += tr.Approvals
		if tr.Approvals > 1 {
			a.approvals.Repeated++
		}
	}
}

// report summarises the accumulated stays.
func (a *timeAcc) report(cfg *TimingConfig) TimeReport {
	d, n := a.d, len(a.d.states)
	rep := TimeReport{Definition: d.name, Business: cfg.Calendar != nil, Machines: a.traces, Records: a.records,
		ReworkedMachines: a.reworkedMachines, Approvals: a.approvals}
	stateTh, slotTh := a.thresholds(cfg)
	noValue := make([]bool, n)
	for _, st := range cfg.NoValue {
		noValue[d.stateIndex[st]] = true
	}
	summarise(&rep.Lead, a.lead, 0)

	sums := make([]sum128, n)
	var total, idle sum128
	rep.States = make([]StateTimes, n)
	for i := range rep.States {
		s := &rep.States[i]
		s.State, s.Entries, s.Open = d.states[i], a.entries[i], a.open[i]
		s.Machines, s.Reworked, s.Reentries = a.machines[i], a.reworked[i], a.reentries[i]
		s.NoValue = noValue[i]
		sums[i] = summarise(&s.TimeStats, a.stays[i], stateTh[i])
		total = total.plus(sums[i])
		if noValue[i] {
			idle = idle.plus(sums[i])
		}
		rep.Reentries += s.Reentries
	}
	rep.NoValueShare = share(idle, total)
	rep.Transitions = make([]TransitionTimes, len(a.slotEv))
	for k := range rep.Transitions {
		t := &rep.Transitions[k]
		ei, from := a.slotEv[k], a.slotFrom[k]
		t.Event, t.From, t.To = d.events[ei], d.states[from], d.states[d.table[int(ei)*n+int(from)]]
		t.Taken, t.Repeats, t.NoValue = a.taken[k], a.repeats[k], noValue[from]
		t.Share = share(summarise(&t.TimeStats, a.trStays[k], slotTh[k]), total)
	}
	for i := range rep.States {
		rep.States[i].Share = share(sums[i], total)
	}
	rep.Slowest = slowest(&rep, cmp.Or(cfg.Slowest, DefaultSlowest))
	return rep
}

// thresholds returns the SlowFrom of every state and transition slot.
func (a *timeAcc) thresholds(cfg *TimingConfig) (states, slots []time.Duration) {
	d, n := a.d, len(a.d.states)
	states = make([]time.Duration, n)
	for i := range states {
		states[i] = cfg.SlowFrom.D()
	}
	for _, th := range cfg.Thresholds {
		if th.Event == "" {
			states[d.stateIndex[th.State]] = th.SlowFrom.D()
		}
	}
	slots = make([]time.Duration, len(a.slotEv))
	for k := range slots {
		slots[k] = states[a.slotFrom[k]]
	}
	for _, th := range cfg.Thresholds {
		if th.Event != "" {
			slots[a.slot[int(d.eventIndex[th.Event])*n+int(d.stateIndex[th.State])]] = th.SlowFrom.D()
		}
	}
	return states, slots
}

// slowest returns the k measured steps with the longest p90.
func slowest(rep *TimeReport, k int) []StepRef {
	type cand struct {
		ref   StepRef
		share float64
		order int // states first, then transitions, each in definition order
	}
	var cs []cand
	for i, s := range rep.States {
		if s.Count > 0 {
			cs = append(cs, cand{StepRef{State: s.State, P90: s.P90, Slow: s.Slow}, s.Share, i})
		}
	}
	for i, t := range rep.Transitions {
		if t.Count > 0 {
			cs = append(cs, cand{StepRef{State: t.From, Event: t.Event, To: t.To, P90: t.P90, Slow: t.Slow}, t.Share, len(rep.States) + i})
		}
	}
	slices.SortFunc(cs, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.ref.P90, x.ref.P90), cmp.Compare(y.share, x.share), cmp.Compare(x.order, y.order))
	})
	out := make([]StepRef, 0, min(k, len(cs)))
	for _, c := range cs[:min(k, len(cs))] {
		out = append(out, c.ref)
	}
	return out
}
