package emergency

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// oblSnapshotForRestore returns an engine's JSON with an open (east), a
// missed (north) and a fulfilled (west) obligation, on a private timeline.
func oblSnapshotForRestore(t *testing.T) (*oblFixture, []byte) {
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0, "east", "minor", "")
	require.NoError(t, err)
	_, err = f.board.SignalAt(t0, "north", "accident", "")
	require.NoError(t, err)
	_, err = f.board.SignalAt(t0, "west", "minor", "")
	require.NoError(t, err)
	f.obl.AdvanceTo(t0.Add(time.Hour))
	_, err = f.obl.FulfillAt(t0.Add(time.Hour), f.obl.List("west")[0].ID, "carol", "")
	require.NoError(t, err)
	raw, err := json.Marshal(f.obl.Snapshot())
	require.NoError(t, err)
	return f, raw
}

// A restore refuses obligations whose lifecycle or clock does not fit.
// Obligations, in order: east rectification (open), north rectification
// (open), north task force (missed), west rectification (fulfilled).
func TestRestoreObligationsRefusesWhatDoesNotFit(t *testing.T) {
	f, raw := oblSnapshotForRestore(t)
	tests := []struct {
		name string
		edit func(s *ObligationSnapshot)
		want string
	}{
		{"state the machine does not have", func(s *ObligationSnapshot) { s.Items[0].State = ObligationFulfilled },
			"items[0].state"},
		{"machine in another state", func(s *ObligationSnapshot) { s.Items[2].Machine.State = "open" }, "items[2]"},
		{"machine of another obligation", func(s *ObligationSnapshot) { s.Items[1].Machine.ID = "x" }, "items[1].machine.id"},
		{"unknown machine state", func(s *ObligationSnapshot) { s.Items[1].Machine.State = "lost" }, "items[1].machine"},
		{"miss off the deadline", func(s *ObligationSnapshot) { s.Items[2].MissedAt = s.Items[2].Due.Add(time.Minute) },
			"items[2].missed_at"},
		{"open with a miss", func(s *ObligationSnapshot) { s.Items[0].MissedAt = s.Items[0].Due }, "items[0].missed_at"},
		{"late though in time", func(s *ObligationSnapshot) { s.Items[3].Late = true }, "items[3].late"},
		{"due before opening", func(s *ObligationSnapshot) { s.Items[0].Due = s.Items[0].OpenedAt }, "items[0].due"},
		{"opened out of range", func(s *ObligationSnapshot) { s.Items[0].OpenedAt = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC) },
			"items[0].opened_at"},
		{"level not the rule's", func(s *ObligationSnapshot) { s.Items[0].Level = Red }, "items[0].rule"},
		{"unknown rule", func(s *ObligationSnapshot) { s.Items[0].Rule = "nope" }, "items[0].rule"},
		{"two open of one rule", func(s *ObligationSnapshot) {
			s.Items[1].Subject, s.Items[1].Machine.State = "east", "open"
		}, "items[1]"},
		{"escalation without a miss", func(s *ObligationSnapshot) { s.Items[0].Escalated = &Change{Subject: "east"} },
			"items[0].escalated"},
		{"clock stopped while open", func(s *ObligationSnapshot) { s.Timeline.Records[0].Clocks[0].Clock.Status = sla.Stopped },
			`obligation "east/rectification-plan/1"`},
		{"clock on another target", func(s *ObligationSnapshot) { s.Timeline.Records[3].Clocks[0].Priority = "other" },
			`obligation "west/rectification-plan/4"`},
		{"clock missing", func(s *ObligationSnapshot) {
			s.Timeline.Records[1].ID = "ghost"
		}, "timeline"},
		{"timeline version", func(s *ObligationSnapshot) { s.Timeline.Version = 1 }, "timeline.version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s ObligationSnapshot
			require.NoError(t, json.Unmarshal(raw, &s))
			tt.edit(&s)
			_, err := RestoreObligations(s, WithBoard(f.board))
			require.ErrorIs(t, err, ErrSnapshot)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	var s ObligationSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	_, err := RestoreObligations(s)
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.ErrorContains(t, err, "WithBoard", "the board is required")
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
	tests := []struct {
		name string
		edit func(s *IncidentSnapshot)
		want string
	}{
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
			rec := &s.Timeline.Records[2] // INC-3
			for i := range rec.Clocks {
				if rec.Clocks[i].Clock.Spec.Metric == MilestoneResponsePlan {
					rec.Clocks[i].Clock.Status = sla.Stopped
				}
			}
		}, `incident "INC-3"`},
		{"acknowledgement clock missing", func(s *IncidentSnapshot) {
			rec := &s.Timeline.Records[2]
			for i := range rec.Clocks {
				if rec.Clocks[i].Clock.Spec.Metric == AckMetric(Department) {
					rec.Clocks = append(rec.Clocks[:i], rec.Clocks[i+1:]...)
					break
				}
			}
		}, "no acknowledgement clock for the tier department"},
		{"a clock on no target of the configuration", func(s *IncidentSnapshot) {
			s.Timeline.Records[2].Clocks[0].Clock.Spec.Metric = "elsewhere"
		}, "timeline.records[2].clocks[0].clock.spec"},
		{"record of no incident", func(s *IncidentSnapshot) { s.Timeline.Records[2].ID = "INC-9" }, "belongs to no incident"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s IncidentSnapshot
			require.NoError(t, json.Unmarshal(raw, &s))
			tt.edit(&s)
			_, err := RestoreIncidentManager(s)
			require.ErrorIs(t, err, ErrSnapshot)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	var s IncidentSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	m, err := RestoreIncidentManager(s)
	require.NoError(t, err, "the unedited snapshot restores")
	assert.Len(t, m.List(), 3)
}
