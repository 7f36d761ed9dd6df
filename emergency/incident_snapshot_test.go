package emergency

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

func TestIncidentSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	lib := planTestLibrary(t)
	f := incNewFixture(t, DefaultIncidentConfig(), WithPlans(lib))
	a := incReport(t, f, Report{Type: SystemFailure, Grade: GradeIII, Title: "db failover"})
	b := incReport(t, f, Report{Type: SecurityEvent, Grade: GradeII, CustomerData: true})
	c := incReport(t, f, Report{Type: PublicOpinionCrisis, Grade: GradeIV})
	_, err := f.mgr.AcknowledgeAt(t0.Add(time.Minute), b.ID, "ciso")
	require.NoError(t, err)
	f.advance(20 * time.Minute) // a and c escalate to the department
	_, err = f.mgr.Fire(ctx, a.ID, IncidentAssess, fsm.By{Actor: "ops"})
	require.NoError(t, err)
	_, err = f.mgr.Regrade(c.ID, GradeII, "pr-lead", "trending")
	require.NoError(t, err)
	_, err = f.mgr.Fire(ctx, b.ID, IncidentAssess, fsm.By{Actor: "ciso"})
	require.NoError(t, err)
	_, err = f.mgr.Fire(ctx, b.ID, IncidentResolve, fsm.By{Actor: "ciso"})
	require.NoError(t, err)
	_, err = f.mgr.ReviewAt(ctx, f.clk.Now(), b.ID, Review{Reviewer: "ciso", Summary: "phishing contained",
		ActionItems: []ActionItem{{Description: "MFA for admins", Owner: "it", Due: t0.Add(7 * 24 * time.Hour)}}})
	require.NoError(t, err)

	snap := f.mgr.Snapshot()
	back, raw := jsonCopy(t, snap)

	g := incRestoreFixture(t, f.clk.Now(), back, WithPlans(lib))
	assert.Equal(t, f.mgr.List(), g.mgr.List())
	raw2, err := json.Marshal(g.mgr.Snapshot())
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(raw2))

	// Both managers then fire the same deadlines at the same instants.
	f.advance(5 * time.Hour)
	g.advance(5 * time.Hour)
	assert.Equal(t, f.mgr.List(), g.mgr.List())
	assert.Equal(t, len(f.eventsOf(EventMilestoneMissed))-len(g.eventsOf(EventMilestoneMissed)), countBefore(f, snap))
	assert.Equal(t, f.eventsOf(EventEscalated)[len(f.eventsOf(EventEscalated))-len(g.eventsOf(EventEscalated)):], g.eventsOf(EventEscalated))
	// New incidents continue the numbering.
	d := incReport(t, g, Report{Type: SystemFailure, Grade: GradeIV})
	assert.Equal(t, "INC-4", d.ID)

	tests := []refusal[IncidentSnapshot]{
		{"version", func(s *IncidentSnapshot) { s.Version = 99 }, "version: format version 99, want 2"},
		{"type", func(s *IncidentSnapshot) { s.Items[0].Report.Type = "meteor" }, "items[0].report.type"},
		{"grade", func(s *IncidentSnapshot) { s.Items[1].Grade = 0 }, "items[1].grade"},
		{"duplicate", func(s *IncidentSnapshot) { s.Items[1].Report.ID = s.Items[0].Report.ID }, "items[1]: repeated id"},
		{"state", func(s *IncidentSnapshot) { s.Items[0].Machine.State = "lost" }, "items[0].machine"},
		{"deadline", func(s *IncidentSnapshot) { recordOf(s.Timeline, "INC-1").Clocks[0].Clock.Spec.Within *= 2 }, "does not match the configuration"},
		{"config", func(s *IncidentSnapshot) { s.Config.AckTimeouts = nil }, "config.ack_timeouts"},
	}
	assertRefused(t, raw, func(s IncidentSnapshot) (*IncidentManager, error) { return RestoreIncidentManager(s) }, tests)
}

// incRestoreFixture restores back on a new mock clock at now.
func incRestoreFixture(t *testing.T, now time.Time, back IncidentSnapshot, opts ...Option) *incFixture {
	t.Helper()
	g := &incFixture{clk: clock.NewMock()}
	g.clk.Set(now)
	var err error
	g.mgr, err = RestoreIncidentManager(back, append([]Option{WithClock(g.clk), WithIncidentHandler(g.record)}, opts...)...)
	require.NoError(t, err)
	return g
}

// countBefore counts the milestone-missed events f delivered before snap.
func countBefore(f *incFixture, snap IncidentSnapshot) int {
	n := 0
	for _, rec := range snap.Items {
		for _, ms := range rec.Milestones {
			if !ms.MissedAt.IsZero() {
				n++
			}
		}
	}
	return n
}

func TestIncidentSnapshotGolden(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig(), WithPlans(planTestLibrary(t)))
	a := incReport(t, f, Report{Type: SecurityEvent, Grade: GradeII, CustomerData: true, Title: "phishing"})
	b := incReport(t, f, Report{Type: PublicOpinionCrisis, Grade: GradeIV})
	ctx := context.Background()
	_, err := f.mgr.AcknowledgeAt(t0.Add(time.Minute), a.ID, "ciso")
	require.NoError(t, err)
	f.mgr.AdvanceTo(t0.Add(20 * time.Minute))
	_, err = f.mgr.FireAt(ctx, t0.Add(20*time.Minute), a.ID, IncidentAssess, fsm.By{Actor: "ciso"})
	require.NoError(t, err)
	_, err = f.mgr.RegradeAt(t0.Add(25*time.Minute), b.ID, GradeII, "pr-lead", "trending")
	require.NoError(t, err)
	_, err = f.mgr.FireAt(ctx, t0.Add(30*time.Minute), a.ID, IncidentResolve, fsm.By{Actor: "ciso"})
	require.NoError(t, err)
	_, err = f.mgr.ReviewAt(ctx, t0.Add(time.Hour), a.ID, Review{Reviewer: "ciso", Summary: "contained",
		ActionItems: []ActionItem{{Description: "MFA for admins", Owner: "it", Due: t0.Add(7 * 24 * time.Hour)}}})
	require.NoError(t, err)
	raw := golden(t, "incident_snapshot.json", f.mgr.Snapshot())

	s := decode[IncidentSnapshot](t, raw)
	g := incRestoreFixture(t, f.clk.Now(), s, WithPlans(planTestLibrary(t)))
	assert.Equal(t, f.mgr.List(), g.mgr.List())

	for _, v := range []int{1, 3} {
		old := decode[IncidentSnapshot](t, withVersion(t, raw, v))
		_, err := RestoreIncidentManager(old)
		require.ErrorIs(t, err, ErrSnapshot)
		assert.ErrorContains(t, err, "version: format version "+string(rune('0'+v))+", want 2")
	}
}

// incSnapshotForRestore returns a manager's JSON with a reviewed incident
// (INC-1, grade II), one re-graded (INC-2) and one awaiting acknowledgement
// at the department (INC-3), on a private timeline.
func incSnapshotForRestore(t *testing.T) []byte {
	f := incNewFixture(t, DefaultIncidentConfig())
	ctx := context.Background()
	a := incReport(t, f, Report{Type: SystemFailure, Grade: GradeII})
	b := incReport(t, f, Report{Type: PublicOpinionCrisis, Grade: GradeIV})
	incReport(t, f, Report{Type: ServiceInterruption, Grade: GradeIII})
	_, err := f.mgr.AcknowledgeAt(t0.Add(time.Minute), a.ID, "duty")
	require.NoError(t, err)
	for i, ev := range []fsm.Event{IncidentAssess, IncidentRespond, IncidentResolve} {
		_, err = f.mgr.FireAt(ctx, t0.Add(time.Duration(2+i)*time.Minute), a.ID, ev, fsm.By{Actor: "lead"})
		require.NoError(t, err)
	}
	_, err = f.mgr.ReviewAt(ctx, t0.Add(10*time.Minute), a.ID, Review{Reviewer: "q", Summary: "s"})
	require.NoError(t, err)
	_, err = f.mgr.RegradeAt(t0.Add(5*time.Minute), b.ID, GradeII, "pr", "trending")
	require.NoError(t, err)
	f.mgr.AdvanceTo(t0.Add(20 * time.Minute))
	raw, err := json.Marshal(f.mgr.Snapshot())
	require.NoError(t, err)
	return raw
}

// A restore refuses incidents whose lifecycle or clocks do not fit.
func TestRestoreIncidentManagerRefusesWhatDoesNotFit(t *testing.T) {
	raw := incSnapshotForRestore(t)
	tests := []refusal[IncidentSnapshot]{
		{"review without the reviewed state", func(s *IncidentSnapshot) { s.Items[1].Review = &Review{Reviewer: "q", Summary: "s"} },
			"items[1].review"},
		{"acknowledgement awaited after resolving", func(s *IncidentSnapshot) { s.Items[0].AckOpen = true }, "items[0].ack_open"},
		{"acknowledgement above the tier", func(s *IncidentSnapshot) { s.Items[0].Acks[0].Tier = Executives }, "items[0].acks[0]"},
		{"regrade that does not chain", func(s *IncidentSnapshot) { s.Items[1].Regrades[0].From = GradeI }, "items[1].regrades[0]"},
		{"grade the regrades do not give", func(s *IncidentSnapshot) { s.Items[1].Grade = GradeIII }, "items[1].grade"},
		{"met without an actor", func(s *IncidentSnapshot) { s.Items[0].Milestones[0].MetBy = "" }, "items[0].milestones[0]"},
		{"lateness that does not fit", func(s *IncidentSnapshot) { s.Items[0].Milestones[0].Late = true }, "items[0].milestones[0]"},
		{"missed off its deadline", func(s *IncidentSnapshot) {
			s.Items[2].Milestones[0].MissedAt = s.Items[2].Milestones[0].Due.Add(time.Second)
		}, "items[2].milestones[0].missed_at"},
		{"unknown milestone", func(s *IncidentSnapshot) { s.Items[2].Milestones[3].Name = "nope" }, "items[2].milestones[3].name"},
		{"state that should have met it", func(s *IncidentSnapshot) {
			s.Items[0].Milestones[0] = Milestone{Name: MilestoneResponseStarted, Within: s.Items[0].Milestones[0].Within,
				Due: s.Items[0].Milestones[0].Due, State: MilestoneOpen}
		}, "items[0].milestones[0].state"},
		{"machine of another incident", func(s *IncidentSnapshot) { s.Items[2].Machine.ID = "INC-9" }, "items[2].machine.id"},
		{"tier out of range", func(s *IncidentSnapshot) { s.Items[2].Machine.Tier = 7 }, "items[2].machine"},
		{"milestone clock stopped while open", func(s *IncidentSnapshot) {
			rec := recordOf(s.Timeline, "INC-3")
			for i := range rec.Clocks {
				if rec.Clocks[i].Clock.Spec.Metric == MilestoneResponsePlan {
					rec.Clocks[i].Clock.Status = sla.Stopped
				}
			}
		}, `incident "INC-3"`},
		{"acknowledgement clock missing", func(s *IncidentSnapshot) {
			rec := recordOf(s.Timeline, "INC-3")
			for i := range rec.Clocks {
				if rec.Clocks[i].Clock.Spec.Metric == AckMetric(Department) {
					rec.Clocks = append(rec.Clocks[:i], rec.Clocks[i+1:]...)
					break
				}
			}
		}, "no acknowledgement clock for the tier department"},
		{"a clock on no target of the configuration", func(s *IncidentSnapshot) {
			recordOf(s.Timeline, "INC-3").Clocks[0].Clock.Spec.Metric = "elsewhere"
		}, "clocks[0].clock.spec"},
		{"record of no incident", func(s *IncidentSnapshot) { recordOf(s.Timeline, "INC-3").ID = "INC-9" }, "belongs to no incident"},
	}
	assertRefused(t, raw, func(s IncidentSnapshot) (*IncidentManager, error) { return RestoreIncidentManager(s) }, tests)
	s := decode[IncidentSnapshot](t, raw)
	m, err := RestoreIncidentManager(s)
	require.NoError(t, err, "the unedited snapshot restores")
	assert.Len(t, m.List(), 3)
}

// The instants of an incident on a Shanghai calendar are in Shanghai time,
// before and after a restore.
func TestIncidentInstantsInTheCalendarsLocation(t *testing.T) {
	reg, loc := shanghaiOffice(t)
	cfg := DefaultIncidentConfig()
	cfg.Calendar = "shanghai"
	m, err := NewIncidentManager(cfg, WithCalendars(reg))
	require.NoError(t, err)
	in, err := m.ReportAt(t0, Report{Type: SystemFailure, Grade: GradeIII, ReportedBy: "noc"})
	require.NoError(t, err)
	assert.Equal(t, loc, in.ReportedAt.Location())
	ms, _ := in.Milestone(MilestoneInitialAssessment)
	assert.Equal(t, "2026-03-02T18:00:00+08:00", ms.Due.Format(time.RFC3339), "one working hour after 17:00")
	assert.Equal(t, loc, ms.Due.Location())
	in, err = m.FireAt(context.Background(), t0.Add(time.Minute), in.ID, IncidentAssess, fsm.By{Actor: "duty"})
	require.NoError(t, err)
	assert.Equal(t, loc, in.History[0].At.Location())
	m.AdvanceTo(t0.Add(24 * time.Hour))
	in, _ = m.Get(in.ID)
	assert.Equal(t, loc, in.Escalations[0].At.Location())

	s, _ := jsonCopy(t, m.Snapshot())
	back, err := RestoreIncidentManager(s, WithCalendars(reg))
	require.NoError(t, err)
	got, _ := back.Get(in.ID)
	assert.Equal(t, in, got)
}

// recordOf returns the record of id in a timeline snapshot (records are in
// queue order, not by id).
func recordOf(tl *sla.TrackerSnapshot, id string) *sla.RecordSnapshot {
	for i := range tl.Records {
		if tl.Records[i].ID == id {
			return &tl.Records[i]
		}
	}
	panic("no record " + id)
}
