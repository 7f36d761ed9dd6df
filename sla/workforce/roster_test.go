package workforce

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// flatPlan is a plan of hourly intervals from 08:00 to 20:00 UTC on
// 2025-03-03 requiring need[i] agents.
func flatPlan(need []int) Plan {
	p := Plan{HandleTime: sla.Duration(5 * time.Minute)}
	start := time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)
	for i, n := range need {
		s := start.Add(time.Duration(i) * time.Hour)
		p.Intervals = append(p.Intervals, IntervalStaffing{Start: s, End: s.Add(time.Hour), Staffing: Staffing{Required: n}})
	}
	return p
}

func TestCheckRoster(t *testing.T) {
	early := dayShift("UTC", "08:00", "16:00")
	late := sla.CalendarSpec{Location: "UTC", Week: sla.CalendarWeek{Monday: []sla.CalendarWindow{{Start: "12:30", End: "15:00"}, {Start: "16:00", End: "20:00"}}}}
	r := Roster{Shifts: map[string]sla.CalendarSpec{"early": early, "late": late},
		Lines: []RosterLine{{Shift: "early", Agents: 3}, {Shift: "late", Agents: 2}, {Agents: 1}}}
	require.NoError(t, r.Validate())
	//            08 09 10 11 12 13 14 15 16 17 18 19
	need := []int{4, 4, 4, 5, 5, 4, 6, 6, 3, 4, 3, 3}
	cov, err := CheckRoster(flatPlan(need), r)
	require.NoError(t, err)
	require.Len(t, cov.Intervals, 12)
	want := []float64{4, 4, 4, 4, 5, 6, 6, 4, 3, 3, 3, 3} // 12:00-13:00: late works half of it
	for i, c := range cov.Intervals {
		assert.InDelta(t, want[i], c.Scheduled, 1e-12, "hour %d", 8+i)
	}
	assert.False(t, cov.Covered())
	require.Len(t, cov.Gaps, 3)
	at := func(h int) time.Time { return time.Date(2025, 3, 3, h, 0, 0, 0, time.UTC) }
	assert.Equal(t, Gap{Start: at(11), End: at(12), MaxShort: 1, AgentHours: 1}, cov.Gaps[0])
	assert.Equal(t, Gap{Start: at(15), End: at(16), MaxShort: 2, AgentHours: 2}, cov.Gaps[1])
	assert.Equal(t, Gap{Start: at(17), End: at(18), MaxShort: 1, AgentHours: 1}, cov.Gaps[2])
	assert.InDelta(t, 4, cov.ShortAgentHours, 1e-12)
	assert.InDelta(t, 2, cov.SurplusAgentHours, 1e-12)

	// Consecutive short intervals join into one gap.
	cov, err = CheckRoster(flatPlan([]int{9, 9, 1, 9}), Roster{Lines: []RosterLine{{Agents: 2}}})
	require.NoError(t, err)
	require.Len(t, cov.Gaps, 2)
	assert.Equal(t, at(8), cov.Gaps[0].Start)
	assert.Equal(t, at(10), cov.Gaps[0].End)
	assert.InDelta(t, 14, cov.Gaps[0].AgentHours, 1e-12)

	cov, err = CheckRoster(flatPlan([]int{1, 1}), Roster{Lines: []RosterLine{{Agents: 1}}})
	require.NoError(t, err)
	assert.True(t, cov.Covered())
}

func TestRosterValidate(t *testing.T) {
	bad := sla.CalendarSpec{Location: "Mars/Olympus", Week: sla.CalendarWeek{Monday: []sla.CalendarWindow{{Start: "9", End: "17:00"}}}}
	r := Roster{Shifts: map[string]sla.CalendarSpec{"bad": bad, "": dayShift("UTC", "08:00", "16:00")},
		Lines: []RosterLine{{Shift: "night", Agents: 1}, {Agents: -2}}}
	err := r.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	for _, p := range []string{"shifts.bad.location", "shifts.bad.week.monday[0].start", "shifts:", "lines[0].shift", "lines[1].agents"} {
		assert.Contains(t, err.Error(), "workforce: "+p)
	}
	_, err = CheckRoster(Plan{}, r)
	require.ErrorIs(t, err, ErrInvalid)
}

func TestPlanAndRequiredAt(t *testing.T) {
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	demand := []Interval{
		{Start: start, End: start.Add(30 * time.Minute), Contacts: 100},
		{Start: start.Add(30 * time.Minute), End: start.Add(time.Hour), Contacts: 0},
		{Start: start.Add(2 * time.Hour), End: start.Add(150 * time.Minute), Contacts: 50},
	}
	p, err := NewPlan(demand, 180*time.Second, Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second), Shrinkage: 0.3, MinAgents: 1})
	require.NoError(t, err)
	require.Len(t, p.Intervals, 3)
	assert.Equal(t, 14, p.Intervals[0].Agents)
	assert.Equal(t, 20, p.Intervals[0].Required)
	assert.Equal(t, 1, p.Intervals[1].Required)
	n, ok := p.RequiredAt(start.Add(10 * time.Minute))
	assert.True(t, ok)
	assert.Equal(t, 20, n)
	n, ok = p.RequiredAt(start.Add(30 * time.Minute))
	assert.True(t, ok)
	assert.Equal(t, 1, n)
	_, ok = p.RequiredAt(start.Add(90 * time.Minute)) // between intervals
	assert.False(t, ok)
	_, ok = p.RequiredAt(start.Add(-time.Second))
	assert.False(t, ok)
	peak, ok := p.Peak()
	assert.True(t, ok)
	assert.Equal(t, start, peak.Start)

	_, err = NewPlan([]Interval{{Start: start, End: start}, {Start: start.Add(-time.Hour), End: start.Add(time.Hour), Contacts: -1}}, 0, Target{Shrinkage: 2})
	require.ErrorIs(t, err, ErrInvalid)
	for _, s := range []string{"demand[0].end", "demand[1].start", "handle time", "target.shrinkage"} {
		assert.Contains(t, err.Error(), s)
	}
	_, err = NewPlan([]Interval{{Start: start, End: start.Add(time.Hour), Contacts: -1}}, time.Minute, Target{})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "demand[0]: workforce: load.contacts")
}
