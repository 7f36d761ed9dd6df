package main

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
)

// The desk's chat bot: a share of chat tickets goes to the bot first, day
// and night. It answers from the knowledge base (the ticket is resolved:
// contained) or hands the customer to the agent the dispatcher names
// (TicketHandOff with FireAssignAt, so the agent becomes the first
// responder). Every session counts in feedback's bot containment and
// human-intervention figures; at month end fsm.Containment counts the
// tickets' histories, where a contained ticket the customer reopened is a
// person's work after all, and checks the human-intervention rate against
// the seeds' ceiling of 15 %.

const (
	botActor  = "bot"
	botShare  = 0.6  // share of chat tickets the bot takes first
	botSolves = 0.88 // share of its sessions the bot ends with an answer
)

// chatBot is the adapter between the bot, a ticket's state machine and the
// feedback figures its sessions count in.
type chatBot struct {
	sessions *feedback.Aggregator
}

// take gives the ticket to the bot.
func (b chatBot) take(ctx context.Context, m *fsm.Machine, at time.Time) error {
	_, err := m.FireAt(ctx, at, fsm.TicketBotStart, by(botActor, "chat"))
	return err
}

// answer ends a session with the bot's answer: the ticket is resolved
// without a person.
func (b chatBot) answer(ctx context.Context, m *fsm.Machine, at time.Time, d feedback.Dimensions) error {
	if _, err := m.FireAt(ctx, at, fsm.TicketBotResolve, by(botActor, "answered from the knowledge base")); err != nil {
		return err
	}
	return b.sessions.AddBotSession(feedback.BotSession{ID: m.ID(), At: at, Dimensions: d})
}

// askForPerson ends a session with the customer asking for a person: the
// ticket waits with the bot until the dispatcher names an agent.
func (b chatBot) askForPerson(m *fsm.Machine, at time.Time, d feedback.Dimensions) error {
	return b.sessions.AddBotSession(feedback.BotSession{ID: m.ID(), At: at, HandedOff: true, Dimensions: d})
}

// handOff hands the ticket to agent, who becomes its owner and first
// responder, in one step.
func (b chatBot) handOff(ctx context.Context, m *fsm.Machine, at time.Time, agent string, why fsm.By) error {
	why.Actor = botActor
	_, _, err := m.FireAssignAt(ctx, at, fsm.TicketHandOff, agent, why)
	return err
}

// BotSummary is the month's bot work: what became of the tickets it took
// first (from their histories), whether the human-intervention rate is
// within the ceiling, and the sessions' figures.
type BotSummary struct {
	ChatTickets       int             `json:"chat_tickets"`
	Containment       fsm.Containment `json:"containment"`
	MaxIntervention   int             `json:"max_intervention_percent"`
	Within            bool            `json:"within"`
	BotContainment    feedback.Figure `json:"bot_containment"`
	HumanIntervention feedback.Figure `json:"human_intervention"`
}

// containment counts the histories of the bot's tickets and checks the
// human-intervention rate against the seeds' ceiling.
func containment(histories iter.Seq[[]fsm.Record]) (fsm.Containment, bool) {
	var c fsm.Containment
	for h := range histories {
		c.Add(h)
	}
	return c, c.Within(fsm.MaxHumanIntervention)
}

// toBot reports whether the bot takes the new ticket t first.
func (s *sim) toBot(t *ticket) bool {
	return !t.complaint && t.channel == "chat" && s.rng.Float64() < botShare
}

// botSession runs t's session with the bot: after a few minutes the bot
// answers it (the first response and the solution at once) or the
// customer asks for a person and the ticket joins the dispatcher's queue.
func (s *sim) botSession(ctx context.Context, t *ticket, at time.Time) error {
	if err := s.bot.take(ctx, t.m, at); err != nil {
		return err
	}
	t.bot = true
	s.after(at.Add(expMinutes(s.rng, 1, 3, 20)), func(at time.Time) error {
		ctx := context.Background()
		if s.rng.Float64() >= botSolves {
			if err := s.bot.askForPerson(t.m, at, t.dims()); err != nil {
				return err
			}
			return s.enqueue(ctx, t, at)
		}
		if err := s.bot.answer(ctx, t.m, at, t.dims()); err != nil {
			return err
		}
		if err := s.respond(t, nil, at); err != nil {
			return err
		}
		return s.resolved(t, nil, at)
	})
	return nil
}

// botSummary is the month's bot work for the report.
func (s *sim) botSummary(cases []*ticket) BotSummary {
	var sum BotSummary
	c, within := containment(func(yield func([]fsm.Record) bool) {
		for _, t := range cases {
			if !t.complaint && t.channel == "chat" {
				sum.ChatTickets++
				if !yield(t.m.History()) {
					return
				}
			}
		}
	})
	tot := s.daily.Total()
	sum.Containment, sum.Within, sum.MaxIntervention = c, within, fsm.MaxHumanIntervention
	sum.BotContainment, sum.HumanIntervention = tot.BotContainment, tot.HumanIntervention
	return sum
}

// botLines are the report's lines on the chat bot, the same in text and
// HTML.
func botLines(r *Result) []string {
	b := r.Bot
	c := b.Containment
	verdict := "within"
	if !b.Within {
		verdict = "above"
	}
	return []string{
		fmt.Sprintf("the bot took %d of %d chat tickets first: %d contained, %d handed off to a person, %d contained but reopened, %d still with the bot",
			c.Bot, b.ChatTickets, c.Contained, c.HandedOff, c.Reopened, c.Open),
		fmt.Sprintf("human intervention (handed off or reopened): %d of %d decided, %.1f %%: %s the %d %% ceiling",
			c.Intervened(), c.Decided(), 100*c.InterventionRate(), verdict, b.MaxIntervention),
		fmt.Sprintf("bot sessions: containment %s, handed off %s; n=%d", withInterval(b.BotContainment), withInterval(b.HumanIntervention), b.BotContainment.N),
	}
}
