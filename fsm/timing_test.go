package fsm

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// at returns t0 plus the given number of minutes.
func at(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }

// trail builds a ticket history from (event, minute) pairs, following the
// ticket definition from the initial state.
func trail(t testing.TB, steps ...any) []Record {
	t.Helper()
	def := TicketDefinition()
	cur := def.Initial()
	var out []Record
	for i := 0; i < len(steps); i += 2 {
		ev, min := steps[i].(Event), steps[i+1].(int)
		ei := def.eventIndex[ev]
		to := def.table[int(ei)*len(def.states)+int(def.stateIndex[cur])]
		require.GreaterOrEqual(t, to, int32(0), "%s from %s", ev, cur)
		out = append(out, Record{Event: ev, From: cur, To: def.states[to], At: at(min)})
		cur = def.states[to]
	}
	return out
}

// timingTraces: A is closed after a customer wait; B is resolved, reopened
// and resolved again, measured up to an End; C has no known start.
func timingTraces(t testing.TB) []Trace {
	return []Trace{
		{ID: "A", Start: t0, History: trail(t, TicketAssign, 10, TicketStart, 30, TicketWaitCustomer, 90,
			TicketCustomerReply, 330, TicketResolve, 360, TicketClose, 1800), Approvals: 1},
		{ID: "B", Start: t0, History: trail(t, TicketAssign, 20, TicketStart, 60, TicketResolve, 180,
			TicketReopen, 300, TicketStart, 310, TicketResolve, 360), End: at(480), Approvals: 3},
		{ID: "C", History: trail(t, TicketAssign, 60, TicketStart, 180)},
	}
}

func stateOf(rep TimeReport, s State) StateTimes {
	for _, st := range rep.States {
		if st.State == s {
			return st
		}
	}
	return StateTimes{}
}

func transOf(rep TimeReport, from State, ev Event) TransitionTimes {
	for _, tr := range rep.Transitions {
		if tr.From == from && tr.Event == ev {
			return tr
		}
	}
	return TransitionTimes{}
}

func mins(n int) Duration { return Duration(time.Duration(n) * time.Minute) }

func TestAnalyzeTimesFigures(t *testing.T) {
	cfg := TimingConfig{
		SlowFrom: mins(180),
		Thresholds: []Threshold{
			{State: TicketInProgress, SlowFrom: mins(60)},
			{State: TicketReceived, Event: TicketAssign, SlowFrom: mins(15)},
		},
		NoValue: []State{TicketWaitingOnCustomer},
	}
	rep, err := AnalyzeTimes(TicketDefinition(), cfg, slices.Values(timingTraces(t)))
	require.NoError(t, err)
	assert.Equal(t, "ticket", rep.Definition)
	assert.False(t, rep.Business)
	assert.Equal(t, 3, rep.Machines)
	assert.Equal(t, 14, rep.Records)

	tests := []struct {
		state                         State
		want                          TimeStats
		entries, open, machines, rewk int
		reentries                     int
	}{
		{TicketReceived, TimeStats{Count: 2, Mean: mins(15), P50: mins(10), P90: mins(20), Max: mins(20), SlowFrom: mins(180)}, 3, 0, 3, 0, 0},
		{TicketAssigned, TimeStats{Count: 3, Mean: mins(60), P50: mins(40), P90: mins(120), Max: mins(120), SlowFrom: mins(180)}, 3, 0, 3, 0, 0},
		{TicketInProgress, TimeStats{Count: 4, Mean: mins(65), P50: mins(50), P90: mins(120), Max: mins(120), SlowFrom: mins(60), Over: 2, Slow: true}, 5, 0, 3, 2, 2},
		{TicketWaitingOnCustomer, TimeStats{Count: 1, Mean: mins(240), P50: mins(240), P90: mins(240), Max: mins(240), SlowFrom: mins(180), Over: 1, Slow: true, NoValue: true}, 1, 0, 1, 0, 0},
		{TicketResolved, TimeStats{Count: 3, Mean: mins(560), P50: mins(120), P90: mins(1440), Max: mins(1440), SlowFrom: mins(180), Over: 1, Slow: true}, 3, 1, 2, 1, 1},
		{TicketClosed, TimeStats{SlowFrom: mins(180)}, 1, 0, 1, 0, 0},
		{TicketReopened, TimeStats{Count: 1, Mean: mins(10), P50: mins(10), P90: mins(10), Max: mins(10), SlowFrom: mins(180)}, 1, 0, 1, 0, 0},
		{TicketEscalated, TimeStats{SlowFrom: mins(180)}, 0, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.state), func(t *testing.T) {
			got := stateOf(rep, tt.state)
			got.Share = 0 // checked below
			assert.Equal(t, StateTimes{State: tt.state, TimeStats: tt.want, Entries: tt.entries, Open: tt.open,
				Machines: tt.machines, Reworked: tt.rewk, Reentries: tt.reentries}, got)
		})
	}
	// 40 hours measured in all; 28 of them resolved, 4 waiting.
	assert.InDelta(t, 1680.0/2400, stateOf(rep, TicketResolved).Share, 1e-12)
	assert.InDelta(t, 0.1, rep.NoValueShare, 1e-12)
	assert.Equal(t, 2, rep.ReworkedMachines)
	assert.Equal(t, 3, rep.Reentries)
	assert.Equal(t, ApprovalCounts{Machines: 2, Repeated: 1, Approvals: 4}, rep.Approvals)
	assert.Equal(t, TimeStats{Count: 2, Mean: mins(19 * 60), P50: mins(8 * 60), P90: mins(30 * 60), Max: mins(30 * 60)}, rep.Lead)

	assign := transOf(rep, TicketReceived, TicketAssign)
	assert.Equal(t, 3, assign.Taken)
	assert.Equal(t, 2, assign.Count)
	assert.Equal(t, mins(15), assign.SlowFrom)
	assert.Equal(t, 1, assign.Over)
	assert.True(t, assign.Slow)
	resolve := transOf(rep, TicketInProgress, TicketResolve)
	assert.Equal(t, TicketResolved, resolve.To)
	assert.Equal(t, []any{3, 3, 1, mins(120), mins(60), true}, []any{resolve.Taken, resolve.Count, resolve.Repeats, resolve.P90, resolve.SlowFrom, resolve.Slow})
	reply := transOf(rep, TicketWaitingOnCustomer, TicketCustomerReply)
	assert.True(t, reply.NoValue)
	assert.Equal(t, mins(240), reply.P50)
	assert.Zero(t, transOf(rep, TicketAssigned, TicketEscalate).Taken)

	assert.Equal(t, []StepRef{
		{State: TicketResolved, P90: mins(1440), Slow: true},
		{State: TicketResolved, Event: TicketClose, To: TicketClosed, P90: mins(1440), Slow: true},
		{State: TicketWaitingOnCustomer, P90: mins(240), Slow: true},
		{State: TicketWaitingOnCustomer, Event: TicketCustomerReply, To: TicketInProgress, P90: mins(240), Slow: true},
		{State: TicketInProgress, P90: mins(120), Slow: true},
	}, rep.Slowest)
}

func TestAnalyzeTimesOrderAndShape(t *testing.T) {
	def := TicketDefinition()
	rep, err := AnalyzeTimes(def, TimingConfig{Slowest: 2}, slices.Values(timingTraces(t)))
	require.NoError(t, err)
	var states []State
	for _, s := range rep.States {
		states = append(states, s.State)
	}
	assert.Equal(t, def.States(), states, "states in the definition's order")
	var pairs [][2]string
	for _, tr := range rep.Transitions {
		pairs = append(pairs, [2]string{string(tr.Event), string(tr.From)})
	}
	var want [][2]string
	for _, tr := range def.Spec().Transitions {
		for _, f := range tr.From {
			want = append(want, [2]string{string(tr.Event), string(f)})
		}
	}
	assert.Equal(t, want, pairs, "transitions in the definition's order")
	assert.Len(t, rep.Slowest, 2)

	// The same traces in another order give the same report, byte for byte.
	tr := timingTraces(t)
	slices.Reverse(tr)
	again, err := AnalyzeTimes(def, TimingConfig{Slowest: 2}, slices.Values(tr))
	require.NoError(t, err)
	a, _ := json.Marshal(rep)
	b, _ := json.Marshal(again)
	assert.Equal(t, string(a), string(b))
}

func TestAnalyzeTimesEmpty(t *testing.T) {
	rep, err := AnalyzeTimes(TicketDefinition(), TimingConfig{}, slices.Values([]Trace(nil)))
	require.NoError(t, err)
	assert.Zero(t, rep.Machines)
	assert.Len(t, rep.States, len(TicketDefinition().States()))
	assert.Empty(t, rep.Slowest)
	assert.Zero(t, rep.NoValueShare)
	_, err = AnalyzeTimes(nil, TimingConfig{}, slices.Values([]Trace(nil)))
	assert.ErrorIs(t, err, ErrNilDefinition)
}

func TestAnalyzeTimesRefusesBadTraces(t *testing.T) {
	good := timingTraces(t)
	tests := []struct {
		name      string
		mutate    func(tr []Trace)
		want      string
		backwards bool
	}{
		{"broken chain", func(tr []Trace) { tr[0].History[2].From = TicketAssigned },
			`traces[0].history[2].from: "assigned", but the machine was in "in_progress"`, false},
		{"unknown event", func(tr []Trace) { tr[1].History[1].Event = "teleport" },
			`traces[1].history[1].event: unknown event "teleport"`, false},
		{"no such transition", func(tr []Trace) { tr[1].History[0].Event = TicketClose },
			`traces[1].history[0]: the definition has no transition "close" from "received"`, false},
		{"wrong destination", func(tr []Trace) { tr[2].History[0].To = TicketClosed },
			`traces[2].history[0].to: "closed", but "assign" from "received" leads to "assigned"`, false},
		{"zero instant", func(tr []Trace) { tr[0].History[1].At = time.Time{} }, `traces[0].history[1].at: zero instant`, false},
		{"backwards", func(tr []Trace) { tr[0].History[1].At = at(5) },
			`traces[0].history[1].at: 2026-03-02 09:05:00 +0000 UTC is before the previous instant 2026-03-02 09:10:00 +0000 UTC`, true},
		{"before start", func(tr []Trace) { tr[0].Start = at(20) }, `traces[0].history[0].at:`, true},
		{"end before last", func(tr []Trace) { tr[1].End = at(100) }, `traces[1].end:`, true},
		{"negative approvals", func(tr []Trace) { tr[2].Approvals = -1 }, `traces[2].approvals: negative count -1`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := slices.Clone(good)
			for i := range tr {
				tr[i].History = slices.Clone(tr[i].History)
			}
			tt.mutate(tr)
			_, err := AnalyzeTimes(TicketDefinition(), TimingConfig{}, slices.Values(tr))
			require.ErrorIs(t, err, ErrInvalidTrace)
			assert.ErrorContains(t, err, "fsm: "+tt.want)
			assert.Equal(t, tt.backwards, errorIs(err, ErrTimeBackwards))
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
		})
	}
	// Every problem of every trace at once.
	tr := slices.Clone(good)
	tr[0].History = slices.Clone(tr[0].History)
	tr[0].History[0].Event = "x"
	tr[2].Approvals = -2
	_, err := AnalyzeTimes(TicketDefinition(), TimingConfig{}, slices.Values(tr))
	assert.ErrorContains(t, err, "traces[0].history[0].event")
	assert.ErrorContains(t, err, "traces[2].approvals")
}

func TestTimingConfigValidate(t *testing.T) {
	cfg := TimingConfig{
		SlowFrom: -1,
		Slowest:  -1,
		Thresholds: []Threshold{
			{State: "limbo", SlowFrom: mins(1)},
			{State: TicketReceived, Event: "teleport", SlowFrom: mins(1)},
			{State: TicketReceived, Event: TicketClose, SlowFrom: mins(1)},
			{State: TicketAssigned},
			{State: TicketAssigned, SlowFrom: mins(2)},
		},
		NoValue: []State{TicketWaitingOnCustomer, "nowhere", TicketWaitingOnCustomer},
	}
	err := cfg.Validate(TicketDefinition())
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, want := range []string{
		"fsm: slow_from: negative duration -1ns",
		"fsm: slowest: negative count -1",
		`fsm: thresholds[0].state: unknown state "limbo"`,
		`fsm: thresholds[1].event: unknown event "teleport"`,
		`fsm: thresholds[2].event: event "close" does not leave state "received"`,
		"fsm: thresholds[3].slow_from: must be positive, got 0s",
		"fsm: thresholds[4]: the same step as thresholds[3]",
		`fsm: no_value[1]: unknown state "nowhere"`,
		`fsm: no_value[2]: state "waiting_on_customer" again (also no_value[0])`,
	} {
		assert.ErrorContains(t, err, want)
	}
	_, err = AnalyzeTimes(TicketDefinition(), cfg, slices.Values(timingTraces(t)))
	assert.ErrorIs(t, err, ErrInvalidConfig)
	assert.ErrorIs(t, TimingConfig{}.Validate(nil), ErrNilDefinition)
	assert.NoError(t, TimingConfig{}.Validate(TicketDefinition()))
}

// stepCalendar counts only the first half of every hour: a stand-in for a
// business calendar.
type stepCalendar struct{}

func (stepCalendar) Between(a, b time.Time) time.Duration {
	// open is the business time from t0 to t.
	open := func(t time.Time) time.Duration {
		h := t.Truncate(time.Hour)
		return time.Duration(h.Sub(t0)/time.Hour)*30*time.Minute + min(t.Sub(h), 30*time.Minute)
	}
	return open(b) - open(a)
}

func TestAnalyzeTimesOnACalendar(t *testing.T) {
	tr := []Trace{{Start: t0, History: trail(t, TicketAssign, 90, TicketStart, 150)}}
	rep, err := AnalyzeTimes(TicketDefinition(), TimingConfig{Calendar: stepCalendar{}}, slices.Values(tr))
	require.NoError(t, err)
	assert.True(t, rep.Business)
	assert.Equal(t, mins(60), stateOf(rep, TicketReceived).P50) // 09:00-10:30: 30 + 30
	assert.Equal(t, mins(30), stateOf(rep, TicketAssigned).P50) // 10:30-11:30: 0 + 30
	assert.Equal(t, mins(90), rep.Lead.Max)
}

func TestMachineAndSnapshotTrace(t *testing.T) {
	m := busyComplaint(t)
	end := t0.Add(3 * time.Hour)
	tr := m.Trace(t0, end)
	assert.Equal(t, Trace{ID: "C-42", Start: t0, History: m.History(), End: end, Approvals: 1}, tr)
	assert.Equal(t, tr, m.Snapshot().Trace(t0, end))
	rep, err := AnalyzeTimes(m.Definition(), TimingConfig{}, slices.Values([]Trace{tr}))
	require.NoError(t, err)
	assert.Equal(t, mins(70), stateOf(rep, ComplaintInvestigating).P50)
	assert.Equal(t, 1, stateOf(rep, ComplaintHandling).Open)
}

func TestSelectKthAgreesWithSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 16, 17, 100, 1000, 5000} {
		for _, spread := range []int64{1, 3, 1000, 1 << 40} {
			a := make([]time.Duration, n)
			for i := range a {
				a[i] = time.Duration(r.Int64N(spread))
			}
			sorted := slices.Clone(a)
			slices.Sort(sorted)
			for _, k := range []int{0, n / 2, rankIndex(90, n), n - 1} {
				b := slices.Clone(a)
				require.Equal(t, sorted[k], selectKth(b, k), "n=%d spread=%d k=%d", n, spread, k)
				for i := range b {
					if i < k {
						require.LessOrEqual(t, b[i], b[k])
					} else if i > k {
						require.GreaterOrEqual(t, b[i], b[k])
					}
				}
			}
		}
	}
	// Adversarial input: already sorted, reversed, organ pipe.
	for _, mk := range []func(i, n int) int{
		func(i, n int) int { return i }, func(i, n int) int { return n - i }, func(i, n int) int { return min(i, n-i) },
	} {
		const n = 4096
		a := make([]time.Duration, n)
		for i := range a {
			a[i] = time.Duration(mk(i, n))
		}
		sorted := slices.Clone(a)
		slices.Sort(sorted)
		assert.Equal(t, sorted[n/2], selectKth(a, n/2))
	}
}

func TestRankIndex(t *testing.T) {
	tests := []struct{ p, n, want int }{
		{50, 1, 0}, {90, 1, 0}, {50, 2, 0}, {90, 2, 1}, {50, 3, 1}, {90, 3, 2},
		{50, 4, 1}, {90, 10, 8}, {90, 11, 9}, {50, 10, 4}, {100, 7, 6},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, rankIndex(tt.p, tt.n), "p%d of %d", tt.p, tt.n)
	}
}

func TestSum128DoesNotOverflow(t *testing.T) {
	var s sum128
	const big = time.Duration(1 << 62)
	for range 8 {
		s.add(big)
	}
	assert.Equal(t, sum128{hi: 2, lo: 0}, s)
	assert.Equal(t, big, s.mean(8))
	d := []time.Duration{big, big, big, big, big}
	var st TimeStats
	sum := summarise(&st, d, 0)
	assert.Equal(t, Duration(big), st.Mean)
	assert.InDelta(t, 0.5, share(sum, sum.plus(sum)), 1e-15)
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(TimingConfig{SlowFrom: mins(90)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"slow_from":"1h30m0s"}`, string(b))
	var c TimingConfig
	require.NoError(t, json.Unmarshal([]byte(`{"slow_from":"45m","thresholds":[{"state":"assigned","slow_from":60000000000}]}`), &c))
	assert.Equal(t, mins(45), c.SlowFrom)
	assert.Equal(t, mins(1), c.Thresholds[0].SlowFrom)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"slow_from":"soon"}`), &c), ErrDuration)
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"slow_from":true}`), &c), ErrDuration)
}
