package emergency

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

func drillTestScenario() Drill {
	return Drill{
		Name:   "payments outage",
		Report: Report{Type: SystemFailure, Grade: GradeII, ReportedBy: "monitor"},
		Steps: []DrillStep{
			{After: sla.Duration(70 * time.Minute), Action: DrillFire, Event: IncidentRespond, Actor: "lead"},
			{After: sla.Duration(3 * time.Minute), Action: DrillAcknowledge, Actor: "duty-officer"},
			{After: sla.Duration(10 * time.Minute), Action: DrillFire, Event: IncidentAssess, Actor: "duty-officer"},
			{After: sla.Duration(110 * time.Minute), Action: DrillMeet, Milestone: MilestoneResponsePlan, Actor: "lead"},
		},
	}
}

func TestDrillScorecard(t *testing.T) {
	sc, err := RunDrill(DefaultIncidentConfig(), drillTestScenario(), t0)
	require.NoError(t, err)
	assert.Equal(t, "INC-1", sc.Incident)
	assert.Equal(t, t0, sc.Start)
	assert.Equal(t, t0.Add(4*time.Hour), sc.End, "runs until the last deadline")
	assert.Equal(t, IncidentResponding, sc.State)
	assert.Equal(t, FrontLine, sc.Tier)
	assert.Equal(t, []MilestoneScore{
		{Name: MilestoneResponseStarted, Due: t0.Add(15 * time.Minute), MetAt: t0.Add(10 * time.Minute), Met: true},
		{Name: MilestoneInitialAssessment, Due: t0.Add(time.Hour), MetAt: t0.Add(70 * time.Minute), Late: sla.Duration(10 * time.Minute)},
		{Name: MilestoneResponsePlan, Due: t0.Add(2 * time.Hour), MetAt: t0.Add(110 * time.Minute), Met: true},
		{Name: MilestoneStakeholdersNotified, Due: t0.Add(4 * time.Hour)},
	}, sc.Milestones)
	assert.Equal(t, 2, sc.Met)
	assert.Equal(t, 2, sc.Missed)
	var missed []string
	for _, e := range sc.Events {
		if e.Kind == EventMilestoneMissed {
			missed = append(missed, e.Milestone)
		}
	}
	assert.Equal(t, []string{MilestoneInitialAssessment, MilestoneStakeholdersNotified}, missed)

	// The same steps by hand on a manager give the same milestones.
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeII})
	ctx := context.Background()
	f.advance(3 * time.Minute)
	_, err = f.mgr.Acknowledge(in.ID, "duty-officer")
	require.NoError(t, err)
	f.advance(7 * time.Minute)
	_, err = f.mgr.Fire(ctx, in.ID, IncidentAssess, fsm.By{Actor: "duty-officer"})
	require.NoError(t, err)
	f.advance(60 * time.Minute)
	_, err = f.mgr.Fire(ctx, in.ID, IncidentRespond, fsm.By{Actor: "lead"})
	require.NoError(t, err)
	f.advance(40 * time.Minute)
	_, err = f.mgr.Meet(in.ID, MilestoneResponsePlan, "lead")
	require.NoError(t, err)
	f.advance(130 * time.Minute)
	in, _ = f.mgr.Get(in.ID)
	for i, ms := range in.Milestones {
		assert.Equal(t, ms.MetAt, sc.Milestones[i].MetAt, ms.Name)
		assert.Equal(t, ms.Due, sc.Milestones[i].Due, ms.Name)
	}
	assert.Contains(t, sc.String(), "missed  initial_assessment")
}

func TestDrillEscalatesWithoutAck(t *testing.T) {
	d := Drill{Name: "silent night", Report: Report{Type: NaturalDisaster, Grade: GradeIII, ReportedBy: "sensor"},
		Steps: []DrillStep{{After: sla.Duration(40 * time.Minute), Action: DrillAcknowledge, Actor: "hq-duty"}}, Duration: sla.Duration(30 * time.Minute)}
	_, err := RunDrill(DefaultIncidentConfig(), d, t0)
	require.Error(t, err, "a step after the end is invalid")
	assert.ErrorIs(t, err, ErrInvalidConfig)

	d.Duration = sla.Duration(time.Hour)
	sc, err := RunDrill(DefaultIncidentConfig(), d, t0)
	require.NoError(t, err)
	assert.Equal(t, Headquarters, sc.Tier)
	require.Len(t, sc.Escalations, 2)
	assert.Equal(t, t0.Add(30*time.Minute), sc.Escalations[1].At)
	assert.Equal(t, 0, sc.Met)
	assert.Equal(t, 2, sc.Missed, "response started and initial assessment")
	var pending int
	for _, m := range sc.Milestones {
		if m.Pending {
			pending++
		}
	}
	assert.Equal(t, 2, pending, "plan and notification are not due within the hour")
	assert.Contains(t, sc.String(), "pending")
}

func TestDrillErrors(t *testing.T) {
	d := Drill{Steps: []DrillStep{
		{After: sla.Duration(-time.Minute), Action: "dance", Actor: ""},
		{Action: DrillFire},
		{Action: DrillMeet, Actor: "a"},
		{Action: DrillRegrade, Actor: "a", Grade: 5},
	}, Duration: sla.Duration(-time.Hour)}
	err := d.Validate()
	require.Error(t, err)
	for _, p := range []string{"name", "duration", "steps[0].after", "steps[0].actor", "steps[0].action", "steps[1].event", "steps[2].milestone", "steps[3].grade"} {
		assert.Contains(t, err.Error(), "emergency: "+p+":")
	}

	bad := drillTestScenario()
	bad.Steps = append(bad.Steps, DrillStep{After: sla.Duration(time.Minute), Action: DrillFire, Event: IncidentRecover, Actor: "x"})
	_, err = RunDrill(DefaultIncidentConfig(), bad, t0)
	assert.ErrorIs(t, err, fsm.ErrNotAllowed)
	assert.Contains(t, err.Error(), "step 4 (fire at +1m0s)")

	bad = drillTestScenario()
	bad.Report.Type = "meteor"
	_, err = RunDrill(DefaultIncidentConfig(), bad, t0)
	assert.ErrorIs(t, err, ErrUnknownIncidentType)
}

// A drill with no duration runs until every milestone deadline has passed,
// measured on the incident's own deadlines: business time that stretches
// over a night and a re-grade that relaxes the timeline both move the end.
func TestDrillRunsUntilEveryDeadline(t *testing.T) {
	day := []sla.CalendarWindow{{Start: "09:00", End: "17:00"}}
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "UTC", Week: sla.CalendarWeek{
		Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}})
	require.NoError(t, err)
	cfg := DefaultIncidentConfig()
	cfg.Calendar = "business"
	d := Drill{Name: "late afternoon", Report: Report{Type: SystemFailure, Grade: GradeII, ReportedBy: "monitor"}}
	start := t0.Add(7 * time.Hour) // Monday 16:00, one business hour left
	sc, err := RunDrill(cfg, d, start, WithCalendars(sla.Registry{"business": cal}))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(27*time.Hour), sc.End, "Tuesday 12:00, four business hours after the report")
	assert.Equal(t, 4, sc.Missed)
	for _, m := range sc.Milestones {
		assert.False(t, m.Pending, m.Name)
	}

	cfg = DefaultIncidentConfig()
	for i := range cfg.Timelines[GradeIV-1].Milestones {
		cfg.Timelines[GradeIV-1].Milestones[i].Within *= 2
	}
	d.Steps = []DrillStep{{After: sla.Duration(5 * time.Minute), Action: DrillRegrade, Grade: GradeIV, Actor: "lead"}}
	sc, err = RunDrill(cfg, d, t0)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(8*time.Hour), sc.End, "the relaxed deadline of stakeholders notified")
	assert.Equal(t, 4, sc.Missed)
	for _, m := range sc.Milestones {
		assert.False(t, m.Pending, m.Name)
	}
}
