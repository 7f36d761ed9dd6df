package fsm

// MaxHumanIntervention is the ceiling the seeds set on the
// human-intervention rate of bot-handled tickets: 15 %.
const MaxHumanIntervention = 15

// Containment counts what became of the tickets a bot handled first, from
// their histories in the ticket preset (TicketSpec): how many the bot
// contained and how many a person had to take over. It is a plain value:
// add histories with Add, merge counts kept per shard with Plus, store it
// as JSON.
//
// A ticket counts as bot-handled once its history has TicketBotStart. It is
//
//   - handed off when the bot handed it to a person (TicketHandOff);
//   - reopened when the bot resolved it (TicketBotResolve) and it was
//     reopened afterwards, so a person took it up after all;
//   - contained when the bot resolved it and it was not reopened;
//   - open while it is still with the bot.
//
// The human-intervention rate is (handed off + reopened) / decided, where
// decided leaves out the open tickets.
type Containment struct {
	// Tickets counts every history added, bot-handled or not.
	Tickets   int `json:"tickets"`
	Bot       int `json:"bot"`
	Contained int `json:"contained"`
	HandedOff int `json:"handed_off"`
	Reopened  int `json:"reopened"`
	Open      int `json:"open"`
}

// Add counts one ticket's history (Machine.History, or Snapshot.History).
// Each ticket must be added once, with its history as it is now; to
// recount after a ticket moved on, count again from zero.
func (c *Containment) Add(history []Record) {
	c.Tickets++
	bot, handed, resolved, reopened := false, false, false, false
	for _, r := range history {
		switch r.Event {
		case TicketBotStart:
			bot = true
		case TicketHandOff:
			handed = handed || bot
		case TicketBotResolve:
			resolved = resolved || bot
		case TicketReopen:
			reopened = reopened || resolved
		}
	}
	if !bot {
		return
	}
	c.Bot++
	switch {
	case handed:
		c.HandedOff++
	case reopened:
		c.Reopened++
	case resolved:
		c.Contained++
	default:
		c.Open++
	}
}

// Plus returns the sum of c and o (counts kept per team or per shard).
func (c Containment) Plus(o Containment) Containment {
	return Containment{Tickets: c.Tickets + o.Tickets, Bot: c.Bot + o.Bot, Contained: c.Contained + o.Contained,
		HandedOff: c.HandedOff + o.HandedOff, Reopened: c.Reopened + o.Reopened, Open: c.Open + o.Open}
}

// Decided returns the bot-handled tickets no longer with the bot.
func (c Containment) Decided() int { return c.Bot - c.Open }

// Intervened returns the bot-handled tickets a person took over: handed
// off, or reopened after the bot resolved them.
func (c Containment) Intervened() int { return c.HandedOff + c.Reopened }

// InterventionRate returns Intervened / Decided (0 when nothing is
// decided), for display; use Within to compare with a ceiling exactly.
func (c Containment) InterventionRate() float64 {
	if c.Decided() == 0 {
		return 0
	}
	return float64(c.Intervened()) / float64(c.Decided())
}

// ContainmentRate returns Contained / Decided (0 when nothing is decided).
func (c Containment) ContainmentRate() float64 {
	if c.Decided() == 0 {
		return 0
	}
	return float64(c.Contained) / float64(c.Decided())
}

// Within reports whether the human-intervention rate is at most
// maxPercent percent (MaxHumanIntervention for the seeds' 15 %), compared
// exactly in integers. With nothing decided it holds.
func (c Containment) Within(maxPercent int) bool {
	return int64(c.Intervened())*100 <= int64(maxPercent)*int64(c.Decided())
}
