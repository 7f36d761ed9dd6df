package fsm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ownedTicket returns a ticket definition whose assign event requires an
// owner, and whose start event a test can make refuse.
func ownedTicket(t *testing.T, refuseAssign *bool) *Definition {
	t.Helper()
	spec := TicketSpec()
	spec.Transitions[0].Guards = []Guard{RequireOwner(), {Name: "test", Check: func(_ context.Context, v View) error {
		if *refuseAssign {
			return errors.New("refused by test")
		}
		assert.Equal(t, "ann", v.Owner(), "guards see the new owner")
		return nil
	}}}
	d, err := NewDefinition(spec)
	require.NoError(t, err)
	return d
}

func TestFireAssign(t *testing.T) {
	refuse := false
	m, err := NewMachine(ownedTicket(t, &refuse), WithClock(mockClock()))
	require.NoError(t, err)
	ctx := context.Background()

	// A plain Fire of the assign event is refused: nobody owns the ticket.
	_, err = m.Fire(ctx, TicketAssign, By{})
	require.ErrorIs(t, err, ErrNoOwner)
	var ge *GuardError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, "owner", ge.Guard)

	// Refusals leave the machine without owner and unchanged.
	before := m.Snapshot()
	_, _, err = m.FireAssign(ctx, TicketAssign, "", By{})
	require.ErrorIs(t, err, ErrInvalidTransfer)
	_, _, err = m.FireAssign(ctx, TicketStart, "ann", By{})
	require.ErrorIs(t, err, ErrNotAllowed)
	refuse = true
	_, _, err = m.FireAssign(ctx, TicketAssign, "ann", By{})
	require.ErrorIs(t, err, ErrGuardRefused)
	assert.Equal(t, before, m.Snapshot())
	refuse = false

	rec, tr, err := m.FireAssign(ctx, TicketAssign, "ann", By{Actor: "dispatcher", Reason: "round robin"})
	require.NoError(t, err)
	assert.Equal(t, Record{Event: TicketAssign, From: TicketReceived, To: TicketAssigned, Actor: "dispatcher", Reason: "round robin", At: t0}, rec)
	assert.Equal(t, Transfer{To: "ann", Actor: "dispatcher", Reason: "round robin", At: t0}, tr)
	assert.Equal(t, "ann", m.Owner())
	assert.Equal(t, "ann", m.FirstResponder())
	assert.Equal(t, []Transfer{tr}, m.Transfers())

	// Reopened and assigned again to its owner: only the event.
	fireAll(t, m, TicketStart, TicketResolve, TicketReopen)
	at := t0.Add(time.Hour)
	rec, tr, err = m.FireAssignAt(ctx, at, TicketAssign, "ann", By{Actor: "lead"})
	require.NoError(t, err)
	assert.Equal(t, Transfer{}, tr, "already the owner: no transfer")
	assert.Equal(t, at, rec.At)
	assert.Len(t, m.Transfers(), 1)
}

func TestFireAssignTransfersOnReopen(t *testing.T) {
	m, err := NewMachine(TicketDefinition(), WithClock(mockClock()))
	require.NoError(t, err)
	ctx := context.Background()
	_, _, err = m.FireAssign(ctx, TicketAssign, "ann", By{Actor: "desk"})
	require.NoError(t, err)
	fireAll(t, m, TicketStart, TicketResolve, TicketReopen)
	rec, tr, err := m.FireAssignAt(ctx, t0.Add(time.Hour), TicketAssign, "bob", By{Actor: "lead", Reason: "ann is away"})
	require.NoError(t, err)
	assert.Equal(t, TicketAssigned, rec.To)
	assert.Equal(t, Transfer{From: "ann", To: "bob", Actor: "lead", Reason: "ann is away", At: t0.Add(time.Hour)}, tr)
	assert.Equal(t, "bob", m.Owner())
	assert.Equal(t, "ann", m.FirstResponder(), "the first responder stays accountable")

	// A refused transition undoes the transfer too.
	_, _, err = m.FireAssignAt(ctx, t0, TicketStart, "carol", By{})
	require.ErrorIs(t, err, ErrTimeBackwards)
	assert.Equal(t, "bob", m.Owner())
	assert.Len(t, m.Transfers(), 2)
	_, err = Restore(m.Snapshot(), WithDefinition(TicketDefinition()))
	require.NoError(t, err)
}

// Hooks run after both the transfer and the transition, and see both.
func TestFireAssignHooksSeeOwner(t *testing.T) {
	spec := TicketSpec()
	var seen string
	spec.Hooks = []Hook{func(_ context.Context, m *Machine, r Record) { seen = string(r.To) + ":" + m.Owner() }}
	d, err := NewDefinition(spec)
	require.NoError(t, err)
	m, err := NewMachine(d, WithClock(mockClock()))
	require.NoError(t, err)
	_, _, err = m.FireAssign(context.Background(), TicketAssign, "ann", By{})
	require.NoError(t, err)
	assert.Equal(t, "assigned:ann", seen)
}
