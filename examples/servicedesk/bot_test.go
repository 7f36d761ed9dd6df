package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
)

// The bot's month adds up: every ticket it took is contained, handed off,
// reopened or still with it; its sessions are the tickets it decided on;
// the feedback figures and the fsm count agree on the hand-offs, and the
// ceiling check is the exact comparison.
func TestBotContainmentAddsUp(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	b := res.Bot
	c := b.Containment
	require.Positive(t, c.Bot, "the bot takes chat tickets")
	assert.Less(t, c.Bot, b.ChatTickets, "a share of them, not all")
	assert.Equal(t, c.Bot, c.Contained+c.HandedOff+c.Reopened+c.Open)
	assert.Positive(t, c.Contained)
	assert.Positive(t, c.HandedOff)
	assert.Equal(t, int64(c.Bot-c.Open), b.BotContainment.N, "one session per ticket the bot decided on")
	assert.Equal(t, int64(c.HandedOff), b.HumanIntervention.Hits, "a session handed off is a ticket handed off")
	assert.Equal(t, 100*c.Intervened() <= fsm.MaxHumanIntervention*c.Decided(), b.Within)
}

// A ticket the bot hands off goes to the dispatcher's agent, who becomes
// its owner and first responder; a ticket it contains is resolved with no
// person at all.
func TestBotHandOffHistory(t *testing.T) {
	s, err := newSim(Config{Days: 3, Agents: 6, PerDay: 150, Seed: 4, SurgeDay: -1})
	require.NoError(t, err)
	require.NoError(t, s.run(context.Background()))
	var handedOff, contained int
	for _, tk := range s.cases() {
		if !tk.bot {
			assert.NotEqual(t, fsm.TicketBotStart, first(tk.m.History()).Event, tk.id)
			continue
		}
		h := tk.m.History()
		require.NotEmpty(t, h, tk.id)
		assert.Equal(t, fsm.TicketBotStart, h[0].Event, tk.id)
		assert.Equal(t, botActor, h[0].Actor)
		if len(h) < 2 {
			continue
		}
		switch h[1].Event {
		case fsm.TicketHandOff:
			handedOff++
			assert.Equal(t, botActor, h[1].Actor)
			require.NotEmpty(t, tk.m.Transfers())
			assert.Equal(t, tk.m.Transfers()[0].To, tk.m.FirstResponder(), "the agent handed to answers first")
			assert.NotNil(t, tk.firstBy)
		case fsm.TicketBotResolve:
			contained++
			assert.Nil(t, tk.firstBy, "the bot answered")
			assert.Equal(t, h[1].At, tk.firstResponse)
		default:
			t.Errorf("%s: %s after the bot took it", tk.id, h[1].Event)
		}
	}
	assert.Positive(t, handedOff)
	assert.Positive(t, contained)
}

func first(h []fsm.Record) fsm.Record {
	if len(h) == 0 {
		return fsm.Record{}
	}
	return h[0]
}
