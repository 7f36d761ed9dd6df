package emergency

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

func FuzzParseGrade(f *testing.F) {
	for _, s := range []string{"I", "ii", " III ", "4", "V", "", "0", "IIII", "1x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGrade(s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidGrade)
			return
		}
		require.True(t, g.Valid())
		b, err := g.MarshalText()
		require.NoError(t, err)
		back, err := ParseGrade(string(b))
		require.NoError(t, err)
		require.Equal(t, g, back)
	})
}

func TestIncidentConfigJSONRoundTrip(t *testing.T) {
	cfg := DefaultIncidentConfig()
	cfg.Calendar = "24x7"
	back, raw := jsonCopy(t, cfg)
	assert.Equal(t, cfg, back)
	assert.Contains(t, string(raw), `"grade":"I"`)

	ob := DefaultObligationConfig()
	raw, err := json.Marshal(ob)
	require.NoError(t, err)
	obBack := decode[ObligationConfig](t, raw)
	assert.Equal(t, ob, obBack)

	d := drillTestScenario()
	d.Steps = append(d.Steps, DrillStep{After: sla.Duration(time.Hour), Action: DrillRegrade, Grade: GradeI, Actor: "x", Reason: "y"})
	raw, err = json.Marshal(d)
	require.NoError(t, err)
	dBack := decode[Drill](t, raw)
	assert.Equal(t, d, dBack)

	p := Plan{ID: "p", Version: 3, Types: []IncidentType{SecurityEvent}, Grades: []Grade{GradeII}, Roles: []string{"r"},
		Steps: []PlanStep{{Name: "s", Role: "r", Within: sla.Duration(time.Hour)}}}
	raw, err = json.Marshal(p)
	require.NoError(t, err)
	pBack := decode[Plan](t, raw)
	assert.Equal(t, p, pBack)

	var g Grade
	assert.ErrorIs(t, json.Unmarshal([]byte(`"V"`), &g), ErrInvalidGrade)
}

// FuzzIncidentOps drives a manager with an arbitrary sequence of operations
// and checks that nothing panics, every error is typed, time never makes an
// incident inconsistent, and the final state survives a snapshot round trip.
func FuzzIncidentOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{0, 0, 10, 3, 3, 3, 6, 200, 7, 2, 9, 9, 9})
	f.Add([]byte{0, 4, 1, 1, 5, 2, 8, 3, 6, 6, 6})
	f.Add([]byte{0x80, 1, 2, 3, 4, 5, 6, 200, 7, 8, 9, 0, 4, 9, 5, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		lib, err := NewPlanLibrary(Plan{ID: "p", Version: 1, Grades: []Grade{GradeI, GradeII}, Roles: []string{"r"},
			Steps: []PlanStep{{Name: "s", Role: "r", Within: sla.Duration(time.Hour)}}})
		require.NoError(t, err)
		// A first byte with its high bit set chains the incidents.
		opts := []Option{WithPlans(lib)}
		if len(ops) > 0 && ops[0]&0x80 != 0 {
			opts = append(opts, WithChain())
		}
		m, err := NewIncidentManager(DefaultIncidentConfig(), opts...)
		require.NoError(t, err)
		ctx := context.Background()
		now := t0
		events := []fsm.Event{IncidentAssess, IncidentRespond, IncidentRecover, IncidentResolve}
		types := DefaultIncidentTypes()
		milestones := []string{MilestoneResponsePlan, MilestoneStakeholdersNotified, MilestonePublicResponse, "nope"}
		var ids []string
		pick := func(b byte) string {
			if len(ids) == 0 {
				return "none"
			}
			return ids[int(b)%len(ids)]
		}
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%10, ops[i+1]
			var err error
			switch op {
			case 0:
				var in Incident
				in, err = m.ReportAt(now, Report{Type: types[int(arg)%len(types)], Grade: Grade(arg%5) + 1, CustomerData: arg&8 != 0, ReportedBy: "r"})
				if err == nil {
					ids = append(ids, in.ID)
				}
			case 1:
				_, err = m.AcknowledgeAt(now, pick(arg), "a")
			case 2:
				_, err = m.FireAt(ctx, now, pick(arg), events[int(arg>>4)%len(events)], fsm.By{Actor: "a"})
			case 3:
				_, err = m.MeetAt(now, pick(arg), milestones[int(arg>>4)%len(milestones)], "a")
			case 4:
				_, err = m.RegradeAt(now, pick(arg), Grade(arg>>4%5), "a", "")
			case 5:
				_, err = m.EscalateAt(now, pick(arg), "a", "")
			case 6, 7:
				now = now.Add(time.Duration(arg) * time.Minute)
				m.AdvanceTo(now)
			case 8:
				_, err = m.ReviewAt(ctx, now, pick(arg), Review{Reviewer: "q", Summary: "s",
					ActionItems: []ActionItem{{Description: "d", Owner: "o", Due: now.Add(time.Hour)}}})
			case 9:
				_, err = m.CompleteActionAt(now, pick(arg), "A1", "a")
			}
			if err != nil {
				assert.True(t, isTypedIncidentError(err), "untyped error %v", err)
			}
		}
		for _, in := range m.List() {
			assert.True(t, in.Tier >= FrontLine && in.Tier <= Executives)
			for _, ms := range in.Milestones {
				if ms.State == MilestoneMet {
					assert.False(t, ms.MetAt.Before(in.ReportedAt))
					assert.Equal(t, !ms.MetAt.Before(ms.Due), ms.Late, "%s %+v regrades %+v", in.ID, ms, in.Regrades)
				}
			}
		}
		snap := m.Snapshot()
		back, _ := jsonCopy(t, snap)
		g, err := RestoreIncidentManager(back, opts...)
		require.NoError(t, err)
		assert.Equal(t, m.List(), g.List())
		for _, rec := range snap.Items {
			if heads, ok := g.ChainHeads(rec.Report.ID); ok {
				assert.NoError(t, VerifyIncident(rec, &heads))
			}
		}
		again := g.Snapshot()
		assert.Equal(t, snap, again, "a restored manager snapshots the same")
	})
}

func isTypedIncidentError(err error) bool {
	for _, s := range []error{ErrInvalidInput, ErrTimeBackwards, ErrInvalidConfig, ErrInvalidGrade, ErrUnknownIncidentType, ErrUnknownIncident,
		ErrUnknownMilestone, ErrMilestoneClosed, ErrIncidentState, ErrUnknownActionItem, fsm.ErrNotAllowed, fsm.ErrTopTier} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
