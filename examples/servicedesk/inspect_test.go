package main

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
)

// An inspector scores what the case's record shows: a breached first
// response and a reopened ticket lose their items, a complaint whose refund
// needed an approval is not judged on first contact, and a complaint
// without its verifications fails the sheet on the critical item.
func TestInspectorScoresTheRecord(t *testing.T) {
	ap := testApprovals(t)
	in := &inspector{sheet: deskSheet(), rng: rand.New(rand.NewPCG(1, 1))}
	require.NoError(t, in.sheet.Validate())
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	pick := feedback.Pick{ClosedItem: feedback.ClosedItem{ID: "T-1", ClosedAt: at, Dimensions: feedback.Dimensions{Agent: "a", Team: "t"}}, Inspector: "qa"}
	points := func(res feedback.InspectionResult) map[string]float64 {
		out := map[string]float64{}
		for _, it := range res.Items {
			if it.NA {
				out[it.Item] = -1
			} else {
				out[it.Item] = it.Points
			}
		}
		return out
	}

	m, err := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithID("T-1"))
	require.NoError(t, err)
	res, err := in.score(pick, &ticket{id: "T-1", m: m, frBreached: true, reopened: true}, ap)
	require.NoError(t, err)
	got := points(res)
	assert.Zero(t, got["first-response"])
	assert.Zero(t, got["no-rework"])
	assert.Zero(t, got["first-contact"])
	assert.Equal(t, 1.0, got["solution"])
	assert.Equal(t, "QA-T-1", res.ID)
	assert.Equal(t, at, res.At, "an inspection counts when the work was done")

	c, err := fsm.NewMachine(ap.def, fsm.WithID("C-1"), fsm.WithAmount(9000), fsm.WithRequest(ap.request("chat", feedback.CategoryLogistics)))
	require.NoError(t, err)
	require.NoError(t, ap.approve(at, c, "online-01", fsm.RoleSupervisor))
	res, err = in.score(pick, &ticket{id: "C-1", complaint: true, m: c}, ap)
	require.NoError(t, err)
	assert.Equal(t, -1.0, points(res)["first-contact"], "not applicable after an approval")
	assert.NotEmpty(t, res.CriticalFailed, "no three verifications on the record")
	assert.False(t, res.Passed)
	assert.Zero(t, res.Score)
}

// The month's spot checks: every agent's work (and the bot's) sampled at
// the rate, at least the minimum, by an inspector who is not its agent;
// the results counted per agent, the same sample for the same seed, and
// each agent's statement carrying its inspection score.
func TestSpotChecksOfTheMonth(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	in := res.Inspections
	require.Len(t, in.Periods, 2, "mid-month and month end")
	assert.Equal(t, res.Start, in.Periods[0].From)
	assert.Equal(t, in.Periods[0].To, in.Periods[1].From)
	assert.Equal(t, res.End, in.Periods[1].To)
	var sampled int
	for _, p := range in.Periods {
		sampled += p.Sampled
		var agents int
		for _, st := range p.Agents {
			agents += st.Sampled
			want := min(st.Items, max(inspectionMin, (st.Items*int(100*inspectionRate)+99)/100))
			assert.Equal(t, want, st.Sampled, "%s", st)
		}
		assert.Equal(t, p.Sampled, agents)
		assert.GreaterOrEqual(t, 100*p.Sampled, 20*p.Items)
	}
	assert.Equal(t, int64(sampled), res.Feedback.InspectionScore.N, "every pick scored and counted")
	assert.GreaterOrEqual(t, res.Feedback.InspectionCoverage.Value, 20.0)

	for _, st := range res.Statements {
		var qa string
		for _, k := range st.KPIs {
			if k.KPI == "qa" {
				qa = k.Value.String()
			}
		}
		assert.NotEmpty(t, qa, "%s's statement scores the inspections", st.Person)
	}
}

// The same seed draws the same sample; inspectors never check their own
// work.
func TestSpotCheckDraw(t *testing.T) {
	s, err := newSim(Config{Days: 4, Agents: 6, PerDay: 150, Seed: 5, SurgeDay: -1})
	require.NoError(t, err)
	require.NoError(t, s.run(context.Background()))
	a, items, err := s.qa.draw(s.cfg.Seed, s.start, s.end, s.loc)
	require.NoError(t, err)
	require.NotEmpty(t, items)
	b, _, err := s.qa.draw(s.cfg.Seed, s.start, s.end, s.loc)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	for _, p := range a.Picks {
		assert.NotEqual(t, p.Agent, p.Inspector, p.ID)
		assert.NotEmpty(t, p.Inspector)
	}
	c, _, err := s.qa.draw(s.cfg.Seed+1, s.start, s.end, s.loc)
	require.NoError(t, err)
	assert.NotEqual(t, a.Picks, c.Picks, "another seed, another sample")
}
