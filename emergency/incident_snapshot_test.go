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
	raw, err := json.Marshal(snap)
	require.NoError(t, err)
	var back IncidentSnapshot
	require.NoError(t, json.Unmarshal(raw, &back))

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

	tests := []struct {
		name string
		edit func(s *IncidentSnapshot)
	}{
		{"version", func(s *IncidentSnapshot) { s.Version = 99 }},
		{"type", func(s *IncidentSnapshot) { s.Items[0].Report.Type = "meteor" }},
		{"grade", func(s *IncidentSnapshot) { s.Items[1].Grade = 0 }},
		{"duplicate", func(s *IncidentSnapshot) { s.Items[1].Report.ID = s.Items[0].Report.ID }},
		{"state", func(s *IncidentSnapshot) { s.Items[0].Machine.State = "lost" }},
		{"deadline", func(s *IncidentSnapshot) { s.Timeline.Records[0].Clocks[0].Clock.Spec.Within *= 2 }},
		{"config", func(s *IncidentSnapshot) { s.Config.AckTimeouts = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s IncidentSnapshot
			require.NoError(t, json.Unmarshal(raw, &s))
			tt.edit(&s)
			h, err := RestoreIncidentManager(s)
			assert.ErrorIs(t, err, ErrSnapshot)
			assert.Nil(t, h, "nothing is restored on error")
		})
	}
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
