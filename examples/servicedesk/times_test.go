package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
)

// A case's trace runs from its arrival to its solution: a closed ticket's
// close record and its wait for it are left out, an open one's stay counts
// to the end of the month.
func TestTraceEndsWithTheSolution(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	end := t0.Add(72 * time.Hour)
	newTicket := func() *ticket {
		m, err := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithID("T-1"))
		require.NoError(t, err)
		return &ticket{id: "T-1", arrived: t0, m: m}
	}
	fire := func(tk *ticket, d time.Duration, ev fsm.Event) {
		var err error
		if ev == fsm.TicketAssign {
			_, _, err = tk.m.FireAssignAt(ctx, t0.Add(d), ev, "a", fsm.By{})
		} else {
			_, err = tk.m.FireAt(ctx, t0.Add(d), ev, fsm.By{})
		}
		require.NoError(t, err)
	}

	closed := newTicket()
	fire(closed, time.Minute, fsm.TicketAssign)
	fire(closed, time.Minute, fsm.TicketStart)
	fire(closed, 10*time.Minute, fsm.TicketResolve)
	fire(closed, 24*time.Hour, fsm.TicketClose)
	tr := closed.trace(end)
	require.Len(t, tr.History, 3)
	assert.Equal(t, fsm.TicketResolve, tr.History[2].Event)
	assert.True(t, tr.End.IsZero(), "the wait for the close is not measured")
	assert.Equal(t, t0, tr.Start)

	open := newTicket()
	fire(open, time.Minute, fsm.TicketAssign)
	fire(open, time.Minute, fsm.TicketStart)
	tr = open.trace(end)
	assert.Len(t, tr.History, 2)
	assert.Equal(t, end, tr.End, "an open case counts to the end")

	rep, err := processTimes(fsm.TicketDefinition(), ticketTiming(nil), []fsm.Trace{closed.trace(end), open.trace(end)})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Machines)
	assert.Equal(t, 10*time.Minute, rep.Lead.P50.D(), "arrival to solution")
}

// The month's analysis covers every case once, in working hours, and
// names the slowest steps; the complaints' approvals are counted.
func TestProcessTimesOfTheMonth(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	require.Len(t, res.ProcessTimes, 2)
	tickets, complaints := res.ProcessTimes[0], res.ProcessTimes[1]
	var nTickets, nComplaints int
	for _, d := range res.Days {
		nTickets += d.Arrivals - d.Complaints
		nComplaints += d.Complaints
	}
	assert.Equal(t, nTickets, tickets.Machines)
	assert.Equal(t, nComplaints, complaints.Machines)
	for _, tr := range res.ProcessTimes {
		assert.True(t, tr.Business, "%s: working hours", tr.Definition)
		assert.NotEmpty(t, tr.Slowest)
		assert.Greater(t, tr.NoValueShare, 0.0)
		assert.Less(t, tr.NoValueShare, 1.0)
	}
	assert.Equal(t, len(res.Approvals.Audit.Approvals), complaints.Approvals.Approvals, "the analysis and the audit count the same approvals")
	var bot fsm.StateTimes
	for _, st := range tickets.States {
		if st.State == fsm.TicketBotHandling {
			bot = st
		}
	}
	assert.Equal(t, res.Bot.Containment.Bot, bot.Entries, "every bot ticket passes through the bot")
}
