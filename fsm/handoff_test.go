package fsm

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBotHandOffLifecycle(t *testing.T) {
	ctx := context.Background()
	m, err := NewMachine(TicketDefinition(), WithClock(mockClock()))
	require.NoError(t, err)
	fireAll(t, m, TicketBotStart)
	assert.Equal(t, TicketBotHandling, m.State())
	assert.Equal(t, []Event{TicketBotResolve, TicketHandOff}, m.Available())
	rec, tr, err := m.FireAssign(ctx, TicketHandOff, "ann", By{Actor: "bot", Reason: "customer asked for a person"})
	require.NoError(t, err)
	assert.Equal(t, TicketAssigned, rec.To)
	assert.Equal(t, "ann", tr.To)
	assert.Equal(t, "ann", m.FirstResponder(), "the person, not the bot, is accountable")
	fireAll(t, m, TicketStart, TicketResolve, TicketClose)

	// A bot-resolved ticket goes through the usual close and reopen.
	b, err := NewMachine(TicketDefinition(), WithClock(mockClock()))
	require.NoError(t, err)
	fireAll(t, b, TicketBotStart, TicketBotResolve, TicketReopen, TicketAssign)
	assert.Equal(t, TicketAssigned, b.State())

	// The bot cannot take a ticket a person already has.
	_, err = b.Fire(ctx, TicketBotStart, By{})
	assert.ErrorIs(t, err, ErrNotAllowed)
}

func TestContainment(t *testing.T) {
	tests := []struct {
		name string
		evs  []Event
		want Containment
	}{
		{"never with the bot", []Event{TicketAssign, TicketStart, TicketResolve}, Containment{Tickets: 1}},
		{"contained", []Event{TicketBotStart, TicketBotResolve, TicketClose}, Containment{Tickets: 1, Bot: 1, Contained: 1}},
		{"handed off", []Event{TicketBotStart, TicketHandOff, TicketStart, TicketResolve}, Containment{Tickets: 1, Bot: 1, HandedOff: 1}},
		{"reopened after the bot", []Event{TicketBotStart, TicketBotResolve, TicketClose, TicketReopen, TicketAssign},
			Containment{Tickets: 1, Bot: 1, Reopened: 1}},
		{"still with the bot", []Event{TicketBotStart}, Containment{Tickets: 1, Bot: 1, Open: 1}},
		{"reopened after a person resolved it", []Event{TicketBotStart, TicketHandOff, TicketStart, TicketResolve, TicketReopen},
			Containment{Tickets: 1, Bot: 1, HandedOff: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Containment
			c.Add(trail(t, pairs(tt.evs)...))
			assert.Equal(t, tt.want, c)
		})
	}
}

// pairs turns events into trail's (event, minute) arguments.
func pairs(evs []Event) []any {
	var out []any
	for i, ev := range evs {
		out = append(out, ev, i+1)
	}
	return out
}

func TestContainmentRates(t *testing.T) {
	c := Containment{Tickets: 40, Bot: 30, Contained: 22, HandedOff: 3, Reopened: 1, Open: 4}
	assert.Equal(t, 26, c.Decided())
	assert.Equal(t, 4, c.Intervened())
	assert.InDelta(t, 4.0/26, c.InterventionRate(), 1e-12)
	assert.InDelta(t, 22.0/26, c.ContainmentRate(), 1e-12)
	assert.False(t, c.Within(MaxHumanIntervention), "4/26 is 15.4 %")
	c.Bot++
	c.Contained++
	assert.True(t, c.Within(MaxHumanIntervention), "4/27 is 14.8 %")
	// Exactly at the ceiling: 3 of 20 is 15 %.
	assert.True(t, Containment{Bot: 20, Contained: 17, HandedOff: 3}.Within(15))
	assert.False(t, Containment{Bot: 20, Contained: 17, HandedOff: 3}.Within(14))
	var zero Containment
	assert.True(t, zero.Within(MaxHumanIntervention))
	assert.Zero(t, zero.InterventionRate())
	assert.Zero(t, zero.ContainmentRate())
	assert.Equal(t, Containment{Tickets: 80, Bot: 62, Contained: 45, HandedOff: 6, Reopened: 2, Open: 8}, c.Plus(c.Plus(Containment{}).Plus(Containment{Contained: -1})))

	data, err := json.Marshal(Containment{Tickets: 2, Bot: 1, HandedOff: 1})
	require.NoError(t, err)
	assert.JSONEq(t, `{"tickets":2,"bot":1,"contained":0,"handed_off":1,"reopened":0,"open":0}`, string(data))
}
