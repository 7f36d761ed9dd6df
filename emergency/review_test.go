package emergency

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
)

func reviewResolved(t *testing.T) (*incFixture, string) {
	t.Helper()
	ctx := context.Background()
	f := incNewFixture(t, DefaultIncidentConfig())
	in := incReport(t, f, Report{Type: ServiceInterruption, Grade: GradeIII})
	for i, ev := range []fsm.Event{IncidentAssess, IncidentRespond, IncidentRecover, IncidentResolve} {
		_, err := f.mgr.FireAt(ctx, t0.Add(time.Duration(i+1)*time.Minute), in.ID, ev, fsm.By{Actor: "lead"})
		require.NoError(t, err)
	}
	return f, in.ID
}

func TestReviewRecordsActionItems(t *testing.T) {
	ctx := context.Background()
	f, id := reviewResolved(t)
	at := t0.Add(24 * time.Hour)
	in, err := f.mgr.ReviewAt(ctx, at, id, Review{
		Reviewer: "quality-lead", Summary: "router firmware bug", RootCause: "untested upgrade",
		Lessons: []string{"stage upgrades"},
		ActionItems: []ActionItem{
			{Description: "canary upgrades", Owner: "netops", Due: at.Add(14 * 24 * time.Hour)},
			{ID: "A1", Description: "runbook", Owner: "sre", Due: at.Add(7 * 24 * time.Hour)},
		},
	})
	require.NoError(t, err)
	assert.Equal(t, IncidentReviewed, in.State)
	require.NotNil(t, in.Review)
	assert.Equal(t, at, in.Review.At)
	assert.Equal(t, "A2", in.Review.ActionItems[0].ID, "numbered without clashing")
	assert.Equal(t, "A1", in.Review.ActionItems[1].ID)
	last := in.History[len(in.History)-1]
	assert.Equal(t, IncidentReview, last.Event)
	assert.Equal(t, "quality-lead", last.Actor)

	over := in.Review.Overdue(at.Add(8 * 24 * time.Hour))
	require.Len(t, over, 1)
	assert.Equal(t, "A1", over[0].ID)
	f.clk.Set(at.Add(8 * 24 * time.Hour))
	in, err = f.mgr.CompleteAction(id, "A1", "sre")
	require.NoError(t, err)
	assert.Empty(t, in.Review.Overdue(at.Add(8*24*time.Hour)))
	later := at.Add(8 * 24 * time.Hour) // not before the completion: the time guard would refuse first
	_, err = f.mgr.CompleteActionAt(later, id, "A1", "sre")
	assert.ErrorIs(t, err, ErrInvalidInput, "already done")
	assert.ErrorContains(t, err, "already done")
	_, err = f.mgr.CompleteActionAt(later, id, "A9", "sre")
	assert.ErrorIs(t, err, ErrUnknownActionItem)
	_, err = f.mgr.CompleteActionAt(at, id, "A9", "sre")
	assert.ErrorIs(t, err, ErrTimeBackwards, "before the incident's last recorded instant")
	assert.Len(t, f.eventsOf(EventReviewed), 1)
}

func TestReviewErrors(t *testing.T) {
	ctx := context.Background()
	f, id := reviewResolved(t)
	err := Review{ActionItems: []ActionItem{{ID: "X"}, {ID: "X", Description: "d", Owner: "o", Due: t0}}}.Validate()
	require.Error(t, err)
	for _, p := range []string{"reviewer", "summary", "action_items[0].description", "action_items[0].owner", "action_items[0].due", "action_items[1].id"} {
		assert.Contains(t, err.Error(), "emergency: "+p+":")
	}
	_, err = f.mgr.ReviewAt(ctx, t0.Add(time.Hour), id, Review{Reviewer: "q", Summary: "s",
		ActionItems: []ActionItem{{Description: "d", Owner: "o", Due: t0}}})
	assert.ErrorIs(t, err, ErrInvalidConfig, "deadline before the review")

	g := incNewFixture(t, DefaultIncidentConfig())
	open := incReport(t, g, Report{Type: SystemFailure, Grade: GradeIV})
	_, err = g.mgr.ReviewAt(ctx, t0, open.ID, Review{Reviewer: "q", Summary: "s"})
	assert.ErrorIs(t, err, fsm.ErrNotAllowed, "only a resolved incident is reviewed")
	_, err = g.mgr.CompleteActionAt(t0, open.ID, "A1", "x")
	assert.ErrorIs(t, err, ErrIncidentState)
}

// An action item cannot be done before the review that assigned it.
func TestReviewActionDoneBeforeReview(t *testing.T) {
	f, id := reviewResolved(t)
	at := t0.Add(24 * time.Hour)
	_, err := f.mgr.ReviewAt(context.Background(), at, id, Review{Reviewer: "q", Summary: "s",
		ActionItems: []ActionItem{{Description: "d", Owner: "o", Due: at.Add(time.Hour)}}})
	require.NoError(t, err)
	_, err = f.mgr.CompleteActionAt(at.Add(-time.Minute), id, "A1", "o")
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Contains(t, err.Error(), "before the review")
	in, _ := f.mgr.Get(id)
	assert.True(t, in.Review.ActionItems[0].DoneAt.IsZero())
	in, err = f.mgr.CompleteActionAt(at, id, "A1", "o")
	require.NoError(t, err)
	assert.Equal(t, at, in.Review.ActionItems[0].DoneAt)
}
