package emergency

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

type incFixture struct {
	clk *clock.Mock
	mgr *IncidentManager
	recorder[IncidentEvent]
}

func incNewFixture(t *testing.T, cfg IncidentConfig, opts ...Option) *incFixture {
	t.Helper()
	f := &incFixture{clk: clock.NewMock()}
	f.clk.Set(t0)
	opts = append([]Option{WithClock(f.clk), WithIncidentHandler(f.record)}, opts...)
	var err error
	f.mgr, err = NewIncidentManager(cfg, opts...)
	require.NoError(t, err)
	return f
}

func (f *incFixture) advance(d time.Duration) { slatest.Advance(f.clk, f.mgr.Tracker(), d) }

func (f *incFixture) eventsOf(kind IncidentEventKind) []IncidentEvent {
	var out []IncidentEvent
	for _, e := range f.events() {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

func incReport(t *testing.T, f *incFixture, r Report) Incident {
	t.Helper()
	if r.ReportedBy == "" {
		r.ReportedBy = "monitor"
	}
	in, err := f.mgr.ReportAt(f.clk.Now(), r)
	require.NoError(t, err)
	return in
}

func TestGradeText(t *testing.T) {
	for _, g := range AllGrades() {
		b, err := json.Marshal(g)
		require.NoError(t, err)
		back := decode[Grade](t, b)
		assert.Equal(t, g, back)
	}
	tests := []struct {
		in   string
		want Grade
		ok   bool
	}{
		{"I", GradeI, true}, {" iv ", GradeIV, true}, {"3", GradeIII, true}, {"ii", GradeII, true},
		{"V", 0, false}, {"0", 0, false}, {"", 0, false}, {"5", 0, false},
	}
	for _, tt := range tests {
		g, err := ParseGrade(tt.in)
		if !tt.ok {
			assert.ErrorIs(t, err, ErrInvalidGrade, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, g)
	}
	_, err := Grade(7).MarshalText()
	assert.ErrorIs(t, err, ErrInvalidGrade)
	assert.Equal(t, "Grade(7)", Grade(7).String())
	assert.Equal(t, "especially major", GradeI.Description())
	assert.Equal(t, "headquarters", Headquarters.String())
	assert.Equal(t, "Tier(9)", Tier(9).String())
}

func TestIncidentConfigValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *IncidentConfig)
		paths []string
	}{
		{"no types", func(c *IncidentConfig) { c.Types = nil }, []string{"types", "timelines[0].milestones[4].types[0]"}},
		{"duplicate type", func(c *IncidentConfig) { c.Types = append(c.Types, SystemFailure) }, []string{"types[6]"}},
		{"missing grade", func(c *IncidentConfig) { c.Timelines = c.Timelines[:3] }, []string{"timelines"}},
		{"grade out of range", func(c *IncidentConfig) { c.Timelines[3].Grade = 5 }, []string{"timelines[3].grade", "timelines"}},
		{"negative within", func(c *IncidentConfig) { c.Timelines[1].Milestones[0].Within = sla.Duration(-time.Minute) },
			[]string{"timelines[1].milestones[0].within"}},
		{"duplicate milestone", func(c *IncidentConfig) { c.Timelines[0].Milestones[1].Name = MilestoneResponseStarted },
			[]string{"timelines[0].milestones[1].name"}},
		{"unknown state", func(c *IncidentConfig) { c.Timelines[0].Milestones[0].MetOn = "nowhere" },
			[]string{"timelines[0].milestones[0].met_on"}},
		{"ack timeouts", func(c *IncidentConfig) { c.AckTimeouts = c.AckTimeouts[:2] }, []string{"ack_timeouts"}},
		{"zero ack", func(c *IncidentConfig) { c.AckTimeouts[3] = 0 }, []string{"ack_timeouts[3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultIncidentConfig()
			tt.edit(&c)
			err := c.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidConfig)
			for _, p := range tt.paths {
				assert.Contains(t, err.Error(), "emergency: "+p+":")
			}
			_, err = NewIncidentManager(c)
			assert.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
	require.NoError(t, DefaultIncidentConfig().Validate())
	c := DefaultIncidentConfig()
	c.Calendar = "office"
	_, err := NewIncidentManager(c)
	assert.ErrorIs(t, err, ErrInvalidConfig)
}

func TestIncidentReportErrors(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig())
	_, err := f.mgr.ReportAt(t0, Report{Type: "meteor", Grade: 9})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrUnknownIncidentType)
	assert.ErrorIs(t, err, ErrInvalidGrade)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), `"meteor"`)

	in := incReport(t, f, Report{ID: "X-1", Type: SystemFailure, Grade: GradeIII})
	assert.Equal(t, "X-1", in.ID)
	_, err = f.mgr.ReportAt(t0, Report{ID: "X-1", Type: SystemFailure, Grade: GradeIII, ReportedBy: "a"})
	assert.ErrorIs(t, err, ErrDuplicateIncident)
	_, err = f.mgr.AcknowledgeAt(t0, "nope", "a")
	assert.ErrorIs(t, err, ErrUnknownIncident)
	_, err = f.mgr.MeetAt(t0, "X-1", "nope", "a")
	assert.ErrorIs(t, err, ErrUnknownMilestone)
	_, err = f.mgr.RegradeAt(t0, "X-1", 0, "a", "")
	assert.ErrorIs(t, err, ErrInvalidGrade)
	_, err = f.mgr.RegradeAt(t0, "X-1", GradeIII, "a", "")
	assert.ErrorIs(t, err, ErrInvalidInput)
	_, err = f.mgr.FireAt(context.Background(), t0, "X-1", IncidentReview, fsm.By{})
	assert.ErrorIs(t, err, ErrIncidentState)
	_, err = f.mgr.FireAt(context.Background(), t0, "X-1", IncidentRecover, fsm.By{})
	assert.ErrorIs(t, err, fsm.ErrNotAllowed)
	_, err = f.mgr.FireAt(context.Background(), t0.Add(-time.Minute), "X-1", IncidentAssess, fsm.By{})
	assert.ErrorIs(t, err, ErrInvalidInput)
}

func TestIncidentTimelineMilestones(t *testing.T) {
	ctx := context.Background()
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeII, Title: "payments down"})
	assert.Equal(t, "INC-1", in.ID)
	assert.Equal(t, IncidentReported, in.State)
	assert.Equal(t, FrontLine, in.Tier)
	require.Len(t, in.Milestones, 4, "no public response for a system failure")
	wantDue := map[string]time.Duration{
		MilestoneResponseStarted: 15 * time.Minute, MilestoneInitialAssessment: time.Hour,
		MilestoneResponsePlan: 2 * time.Hour, MilestoneStakeholdersNotified: 4 * time.Hour,
	}
	for _, ms := range in.Milestones {
		assert.Equal(t, t0.Add(wantDue[ms.Name]), ms.Due, ms.Name)
		assert.Equal(t, MilestoneOpen, ms.State)
	}

	_, err := f.mgr.AcknowledgeAt(t0.Add(2*time.Minute), in.ID, "duty-officer")
	require.NoError(t, err)
	f.advance(10 * time.Minute)
	in, err = f.mgr.Fire(ctx, in.ID, IncidentAssess, fsm.By{Actor: "duty-officer"})
	require.NoError(t, err)
	ms, _ := in.Milestone(MilestoneResponseStarted)
	assert.Equal(t, MilestoneMet, ms.State)
	assert.Equal(t, t0.Add(10*time.Minute), ms.MetAt)
	assert.False(t, ms.Late)

	f.advance(65 * time.Minute) // past the initial assessment deadline
	missed := f.eventsOf(EventMilestoneMissed)
	require.Len(t, missed, 1)
	assert.Equal(t, MilestoneInitialAssessment, missed[0].Milestone)
	assert.Equal(t, t0.Add(time.Hour), missed[0].At, "missed at its own minute")
	assert.Equal(t, "INC-1/milestone_missed/initial_assessment", missed[0].ID)

	in, err = f.mgr.Fire(ctx, in.ID, IncidentRespond, fsm.By{Actor: "lead"})
	require.NoError(t, err)
	ms, _ = in.Milestone(MilestoneInitialAssessment)
	assert.Equal(t, MilestoneMet, ms.State)
	assert.True(t, ms.Late)
	assert.Equal(t, t0.Add(time.Hour), ms.MissedAt)

	in, err = f.mgr.MeetAt(t0.Add(100*time.Minute), in.ID, MilestoneResponsePlan, "lead")
	require.NoError(t, err)
	_, err = f.mgr.MeetAt(t0.Add(101*time.Minute), in.ID, MilestoneResponsePlan, "lead")
	assert.ErrorIs(t, err, ErrMilestoneClosed)
	f.advance(5 * time.Hour)
	missed = f.eventsOf(EventMilestoneMissed)
	require.Len(t, missed, 2)
	assert.Equal(t, MilestoneStakeholdersNotified, missed[1].Milestone)
	assert.Equal(t, t0.Add(4*time.Hour), missed[1].At)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, FrontLine, in.Tier, "acknowledged: no escalation")
	assert.Len(t, in.History, 2)
}

func TestIncidentGoldenHours(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: PublicOpinionCrisis, Grade: GradeIII})
	ms, ok := in.Milestone(MilestonePublicResponse)
	require.True(t, ok)
	assert.Equal(t, t0.Add(4*time.Hour), ms.Due)
}

func TestIncidentEscalationLadder(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: ServiceInterruption, Grade: GradeIII})
	f.advance(14 * time.Minute)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, FrontLine, in.Tier)
	f.advance(time.Minute)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, Department, in.Tier)
	f.advance(50 * time.Minute)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, Executives, in.Tier)
	require.Len(t, in.Escalations, 3)
	for i, e := range in.Escalations {
		assert.Equal(t, i+1, e.From)
		assert.Equal(t, i+2, e.To)
		assert.Equal(t, t0.Add(time.Duration(i+1)*15*time.Minute), e.At)
		assert.Equal(t, AutoEscalationActor, e.Actor)
		assert.Contains(t, e.Reason, "not acknowledged within 15m0s at "+Tier(i+1).String())
	}
	timeouts := f.eventsOf(EventAckTimeout)
	require.Len(t, timeouts, 1)
	assert.Equal(t, t0.Add(time.Hour), timeouts[0].At)
	assert.Equal(t, Executives, timeouts[0].Tier)
	assert.True(t, in.AwaitingAck, "the top keeps being awaited")

	// There is no tier above the executives; they may still acknowledge late.
	_, err := f.mgr.EscalateAt(f.clk.Now(), in.ID, "ceo", "")
	assert.ErrorIs(t, err, fsm.ErrTopTier)
	in, err = f.mgr.AcknowledgeAt(f.clk.Now(), in.ID, "ceo")
	require.NoError(t, err)
	assert.False(t, in.AwaitingAck)
	_, err = f.mgr.AcknowledgeAt(f.clk.Now(), in.ID, "ceo")
	assert.ErrorIs(t, err, ErrIncidentState)
}

func TestIncidentManualEscalationAndAck(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: CustomerComplaint, Grade: GradeIV})
	in, err := f.mgr.EscalateAt(t0.Add(5*time.Minute), in.ID, "agent", "customer is a journalist")
	require.NoError(t, err)
	assert.Equal(t, Department, in.Tier)
	assert.True(t, in.AwaitingAck)
	// The department's timeout runs from the escalation.
	f.advance(19 * time.Minute)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, Department, in.Tier)
	in, err = f.mgr.AcknowledgeAt(f.clk.Now(), in.ID, "dept-head")
	require.NoError(t, err)
	assert.Equal(t, []Ack{{Tier: Department, Actor: "dept-head", At: t0.Add(19 * time.Minute)}}, in.Acks)
	f.advance(3 * time.Hour)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, Department, in.Tier)
	_, err = f.mgr.AcknowledgeAt(f.clk.Now(), in.ID, "dept-head")
	assert.ErrorIs(t, err, ErrIncidentState)
}

// Escalating or acknowledging before the report is bad input, as for every
// other operation on an incident, even when the current tier has already
// acknowledged (no running clock would notice the earlier time).
func TestIncidentEscalateAndAckBeforeReport(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIII})
	_, err := f.mgr.AcknowledgeAt(t0.Add(-time.Hour), in.ID, "duty")
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "before incident")
	_, err = f.mgr.AcknowledgeAt(t0.Add(time.Minute), in.ID, "duty")
	require.NoError(t, err)
	_, err = f.mgr.EscalateAt(t0.Add(-time.Hour), in.ID, "duty", "too early")
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "before incident")
	_, err = f.mgr.EscalateAt(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), in.ID, "duty", "far too early")
	require.ErrorIs(t, err, ErrInvalidInput)
	f.advance(2 * time.Hour)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, FrontLine, in.Tier, "nothing escalated")
	assert.Empty(t, in.Escalations)
	assert.Empty(t, f.eventsOf(EventEscalated))
}

func TestIncidentStartsAtTop(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig())
	tests := []struct {
		r    Report
		want Tier
	}{
		{Report{Type: NaturalDisaster, Grade: GradeI}, Executives},
		{Report{Type: SecurityEvent, Grade: GradeIII, CustomerData: true}, Executives},
		{Report{Type: SecurityEvent, Grade: GradeIII}, FrontLine},
		{Report{Type: SystemFailure, Grade: GradeII, CustomerData: true}, FrontLine},
	}
	for _, tt := range tests {
		in := incReport(t, f, tt.r)
		assert.Equal(t, tt.want, in.Tier, "%+v", tt.r)
		assert.Len(t, in.Escalations, int(tt.want)-1)
		assert.True(t, in.AwaitingAck)
	}
}

func incRegradeConfig() IncidentConfig {
	c := DefaultIncidentConfig()
	for i := range c.Timelines {
		if c.Timelines[i].Grade == GradeIV {
			c.Timelines[i].Milestones = []MilestoneSpec{
				{Name: MilestoneResponseStarted, Within: sla.Duration(time.Hour), MetOn: IncidentAssessing},
				{Name: MilestoneResponsePlan, Within: sla.Duration(8 * time.Hour)},
			}
		}
	}
	return c
}

func TestIncidentRegrade(t *testing.T) {
	f := incNewFixture(t, incRegradeConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIV})
	require.Len(t, in.Milestones, 2)
	_, err := f.mgr.AcknowledgeAt(t0, in.ID, "agent")
	require.NoError(t, err)
	_, err = f.mgr.FireAt(context.Background(), t0.Add(10*time.Minute), in.ID, IncidentAssess, fsm.By{Actor: "agent"})
	require.NoError(t, err)

	f.advance(time.Hour)
	in, err = f.mgr.RegradeAt(f.clk.Now(), in.ID, GradeII, "duty-manager", "more customers affected")
	require.NoError(t, err)
	assert.Equal(t, "INC-1", in.ID, "same id")
	assert.Equal(t, GradeII, in.Grade)
	assert.Equal(t, GradeIV, in.Report.Grade)
	assert.Equal(t, []Regrade{{From: GradeIV, To: GradeII, Actor: "duty-manager", Reason: "more customers affected", At: t0.Add(time.Hour)}}, in.Regrades)
	plan, _ := in.Milestone(MilestoneResponsePlan)
	assert.Equal(t, t0.Add(2*time.Hour), plan.Due, "re-targeted, elapsed time kept")
	started, _ := in.Milestone(MilestoneResponseStarted)
	assert.Equal(t, MilestoneMet, started.State)
	assert.Equal(t, sla.Duration(time.Hour), started.Within, "met milestones keep their target")
	// Milestones grade II has and grade IV had not run from the report.
	assess, ok := in.Milestone(MilestoneInitialAssessment)
	require.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), assess.Due)
	notify, _ := in.Milestone(MilestoneStakeholdersNotified)
	assert.Equal(t, t0.Add(4*time.Hour), notify.Due)

	f.advance(time.Hour)
	var names []string
	for _, e := range f.eventsOf(EventMilestoneMissed) {
		names = append(names, fmt.Sprintf("%s@%s", e.Milestone, e.At.Sub(t0)))
	}
	assert.Equal(t, []string{"initial_assessment@1h0m0s", "response_plan@2h0m0s"}, names)

	in, err = f.mgr.RegradeAt(f.clk.Now(), in.ID, GradeI, "director", "regional outage")
	require.NoError(t, err)
	assert.Equal(t, Executives, in.Tier)
	assert.Len(t, in.Regrades, 2)
}

func TestIncidentRegradeDownAndPastDeadline(t *testing.T) {
	f := incNewFixture(t, incRegradeConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIV})
	f.advance(3 * time.Hour)
	_, err := f.mgr.RegradeAt(f.clk.Now(), in.ID, GradeII, "lead", "")
	require.NoError(t, err)
	f.mgr.AdvanceTo(f.clk.Now())
	var plan []IncidentEvent
	for _, e := range f.eventsOf(EventMilestoneMissed) {
		if e.Milestone == MilestoneResponsePlan {
			plan = append(plan, e)
		}
	}
	require.Len(t, plan, 1)
	assert.Equal(t, t0.Add(3*time.Hour), plan[0].At, "a tighter target already passed is missed at the re-grade")

	in, err = f.mgr.RegradeAt(f.clk.Now(), in.ID, GradeIV, "lead", "contained")
	require.NoError(t, err)
	notify, _ := in.Milestone(MilestoneStakeholdersNotified)
	assert.Equal(t, sla.Duration(4*time.Hour), notify.Within, "milestones the new timeline lacks keep their deadline")
}

func TestIncidentResolveStopsEscalation(t *testing.T) {
	ctx := context.Background()
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIV})
	_, err := f.mgr.FireAt(ctx, t0.Add(time.Minute), in.ID, IncidentAssess, fsm.By{Actor: "a"})
	require.NoError(t, err)
	in, err = f.mgr.FireAt(ctx, t0.Add(2*time.Minute), in.ID, IncidentResolve, fsm.By{Actor: "a", Reason: "false alarm"})
	require.NoError(t, err)
	assert.Equal(t, IncidentResolved, in.State)
	assert.False(t, in.AwaitingAck)
	f.advance(time.Hour)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, FrontLine, in.Tier)
	_, err = f.mgr.EscalateAt(f.clk.Now(), in.ID, "a", "")
	assert.ErrorIs(t, err, ErrIncidentState)
	_, err = f.mgr.RegradeAt(f.clk.Now(), in.ID, GradeI, "a", "")
	assert.ErrorIs(t, err, ErrIncidentState)
}

func TestIncidentConcurrent(t *testing.T) {
	ctx := context.Background()
	f := incNewFixture(t, DefaultIncidentConfig())
	concurrently(4, 10, func(w int) {
		for i := range 25 {
			in, err := f.mgr.ReportAt(t0, Report{ID: fmt.Sprintf("W%d-%d", w, i), Type: SystemFailure, Grade: GradeIII, ReportedBy: "m"})
			if !assert.NoError(t, err) {
				return
			}
			if i%2 == 0 {
				_, err = f.mgr.AcknowledgeAt(t0.Add(time.Minute), in.ID, "a")
				assert.NoError(t, err)
			}
			_, err = f.mgr.FireAt(ctx, t0.Add(2*time.Minute), in.ID, IncidentAssess, fsm.By{Actor: "a"})
			assert.NoError(t, err)
			_ = f.mgr.List()
		}
	}, func(i int) {
		f.mgr.AdvanceTo(t0.Add(time.Duration(i) * time.Minute))
		_ = f.mgr.Snapshot()
	})
	f.mgr.AdvanceTo(t0.Add(16 * time.Minute))
	for _, in := range f.mgr.List() {
		if len(in.Acks) > 0 {
			assert.Equal(t, FrontLine, in.Tier, in.ID)
		} else {
			assert.Equal(t, Department, in.Tier, in.ID)
		}
		ms, _ := in.Milestone(MilestoneResponseStarted)
		assert.Equal(t, MilestoneMet, ms.State)
	}
	assert.Len(t, f.mgr.List(), 100)
}

func TestIncidentRegradeMeetsReachedMilestones(t *testing.T) {
	ctx := context.Background()
	f := incNewFixture(t, incRegradeConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIV})
	for i, ev := range []fsm.Event{IncidentAssess, IncidentRespond} {
		_, err := f.mgr.FireAt(ctx, t0.Add(time.Duration(i+1)*10*time.Minute), in.ID, ev, fsm.By{Actor: "a"})
		require.NoError(t, err)
	}
	in, err := f.mgr.RegradeAt(t0.Add(30*time.Minute), in.ID, GradeII, "lead", "")
	require.NoError(t, err)
	ms, _ := in.Milestone(MilestoneInitialAssessment)
	assert.Equal(t, MilestoneMet, ms.State, "already responding: the assessment is done")
	assert.Equal(t, t0.Add(30*time.Minute), ms.MetAt)
	assert.False(t, ms.Late)

	c := incRegradeConfig()
	c.Timelines[0].Milestones[0].Name = "a/b"
	err = c.Validate()
	assert.ErrorIs(t, err, ErrInvalidConfig)
	assert.Contains(t, err.Error(), "timelines[0].milestones[0].name")
}

func TestIncidentHandlerMayCallBack(t *testing.T) {
	var f *incFixture
	f = incNewFixture(t, DefaultIncidentConfig(), WithIncidentHandler(func(e IncidentEvent) {
		if e.Kind == EventMilestoneMissed && e.Milestone == MilestoneResponseStarted {
			_, err := f.mgr.EscalateAt(e.At, e.Incident, "watchdog", "response not started")
			assert.NoError(t, err)
		}
	}))
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIV})
	_, err := f.mgr.AcknowledgeAt(t0, in.ID, "agent")
	require.NoError(t, err)
	f.advance(20 * time.Minute)
	in, _ = f.mgr.Get(in.ID)
	assert.Equal(t, Department, in.Tier)
	require.Len(t, in.Escalations, 1)
	assert.Equal(t, "watchdog", in.Escalations[0].Actor)
	assert.Equal(t, t0.Add(15*time.Minute), in.Escalations[0].At)
}

func TestIncidentConfigIsCopied(t *testing.T) {
	cfg := DefaultIncidentConfig()
	f := incNewFixture(t, cfg)
	cfg.Timelines[0].Milestones[0].Within = sla.Duration(time.Nanosecond)
	got := f.mgr.Config()
	got.Timelines[1].Milestones[0].Within = sla.Duration(time.Nanosecond)
	assert.Equal(t, DefaultIncidentConfig(), f.mgr.Config())
}

func TestIncidentMetLateBeforeDeadlineDelivered(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIV})
	in, err := f.mgr.MeetAt(t0.Add(3*time.Hour), in.ID, MilestoneResponsePlan, "lead")
	require.NoError(t, err)
	ms, _ := in.Milestone(MilestoneResponsePlan)
	assert.True(t, ms.Late)
	f.mgr.AdvanceTo(t0.Add(3 * time.Hour))
	in, _ = f.mgr.Get(in.ID)
	ms, _ = in.Milestone(MilestoneResponsePlan)
	assert.Equal(t, MilestoneMet, ms.State)
	assert.Equal(t, t0.Add(2*time.Hour), ms.MissedAt)
	var missed []string
	for _, e := range f.eventsOf(EventMilestoneMissed) {
		missed = append(missed, e.Milestone)
	}
	assert.Contains(t, missed, MilestoneResponsePlan, "the miss is still an event")

	// Met exactly at the deadline is late: the SLA clock breaches at due.
	in, err = f.mgr.MeetAt(t0.Add(4*time.Hour), in.ID, MilestoneStakeholdersNotified, "lead")
	require.NoError(t, err)
	ms, _ = in.Milestone(MilestoneStakeholdersNotified)
	assert.True(t, ms.Late)
}
