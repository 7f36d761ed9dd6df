package fsm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/fsm"
)

func fakeClock() *clock.Mock {
	c := clock.NewMock()
	c.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	return c
}

// A custom lifecycle: build the definition once, share it, make machines.
func Example() {
	def, err := fsm.NewDefinition(fsm.Spec{
		Name:     "task",
		Initial:  "open",
		States:   []fsm.State{"open", "working", "done"},
		Terminal: []fsm.State{"done"},
		Transitions: []fsm.Transition{
			{Event: "start", From: []fsm.State{"open"}, To: "working"},
			{Event: "finish", From: []fsm.State{"working"}, To: "done"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	clk := fakeClock()
	m, _ := fsm.NewMachine(def, fsm.WithClock(clk), fsm.WithID("T-1"))
	ctx := context.Background()

	_, _ = m.Fire(ctx, "start", fsm.By{Actor: "alice", Reason: "picked up"})
	clk.Add(90 * time.Minute)
	_, _ = m.Fire(ctx, "finish", fsm.By{Actor: "alice", Reason: "fixed"})

	_, err = m.Fire(ctx, "start", fsm.By{Actor: "bob"})
	fmt.Println(errors.Is(err, fsm.ErrNotAllowed), err)
	for _, r := range m.History() {
		fmt.Println(r.At.Format("15:04"), r.Event, r.From, "->", r.To, "by", r.Actor+":", r.Reason)
	}
	// Output:
	// true fsm: event "start" not allowed in state "done" (allowed: [])
	// 09:00 start open -> working by alice: picked up
	// 10:30 finish working -> done by alice: fixed
}

// Validation reports every problem of a spec at once, with field paths.
func ExampleNewDefinition_validation() {
	_, err := fsm.NewDefinition(fsm.Spec{
		Initial: "open",
		States:  []fsm.State{"open", "done", "limbo"},
		Transitions: []fsm.Transition{
			{Event: "finish", From: []fsm.State{"open"}, To: "dnoe"},
			{Event: "finish", To: "done"},
		},
	})
	fmt.Println(errors.Is(err, fsm.ErrInvalidDefinition))
	fmt.Println(err)
	// Output:
	// true
	// fsm: transitions[0].to: unknown state "dnoe"
	// fsm: transitions[1].event: duplicate event "finish"
	// fsm: transitions[1].from: event "finish" has no source state
	// fsm: states[1]: state "done" is unreachable from initial state "open"
	// fsm: states[2]: state "limbo" is unreachable from initial state "open"
}

// A service ticket through its lifecycle, reopened after it was closed.
func ExampleTicketDefinition() {
	m, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithClock(fakeClock()))
	ctx := context.Background()
	for _, ev := range []fsm.Event{fsm.TicketAssign, fsm.TicketStart, fsm.TicketWaitCustomer,
		fsm.TicketCustomerReply, fsm.TicketResolve, fsm.TicketClose, fsm.TicketReopen} {
		if _, err := m.Fire(ctx, ev, fsm.By{Actor: "desk"}); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println(m.State(), m.Available())
	// Output:
	// reopened [assign start]
}

// A complaint: the three verifications and, above the limit, a
// supervisor's approval are required before handling.
func ExampleComplaintDefinition() {
	def, _ := fsm.ComplaintDefinition(fsm.DefaultApprovalLimit)
	m, _ := fsm.NewMachine(def, fsm.WithClock(fakeClock()), fsm.WithAmount(8000))
	ctx := context.Background()
	_, _ = m.Fire(ctx, fsm.ComplaintInvestigate, fsm.By{Actor: "ann"})

	_, _ = m.Mark(fsm.ThreeVerifications, fsm.ItemCustomerIdentity, fsm.By{Actor: "ann"})
	_, err := m.Fire(ctx, fsm.ComplaintHandle, fsm.By{Actor: "ann"})
	var incomplete *fsm.ChecklistIncompleteError
	if errors.As(err, &incomplete) {
		fmt.Println("missing:", incomplete.Missing)
	}

	_, _ = m.Mark(fsm.ThreeVerifications, fsm.ItemOrderInformation, fsm.By{Actor: "ann"})
	_, _ = m.Mark(fsm.ThreeVerifications, fsm.ItemProblemDescription, fsm.By{Actor: "ann"})
	_, err = m.Fire(ctx, fsm.ComplaintHandle, fsm.By{Actor: "ann"})
	var approval *fsm.ApprovalRequiredError
	if errors.As(err, &approval) {
		fmt.Println("needs approval:", approval.Amount, ">", approval.Limit)
	}

	_, _ = m.Approve("supervisor", "refund justified")
	_, err = m.Fire(ctx, fsm.ComplaintHandle, fsm.By{Actor: "ann"})
	fmt.Println(err, m.State())
	// Output:
	// missing: [order_information problem_description]
	// needs approval: 8000 > 5000
	// <nil> handling
}

// Escalation moves one tier at a time and is recorded.
func ExampleMachine_Escalate() {
	def, _ := fsm.ComplaintDefinition(fsm.DefaultApprovalLimit)
	m, _ := fsm.NewMachine(def, fsm.WithClock(fakeClock()))
	for range 3 {
		e, err := m.Escalate(fsm.By{Actor: "lead", Reason: "not resolved at this tier"})
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println("tier", e.From, "->", e.To)
	}
	// Output:
	// tier 1 -> 2
	// tier 2 -> 3
	// fsm: already at the highest tier
}

// Transfers change the owner; the first responder stays accountable.
func ExampleMachine_Transfer() {
	m, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithClock(fakeClock()))
	_, _ = m.Assign("ann", fsm.By{Actor: "dispatcher"})
	_, _ = m.Transfer("bob", fsm.By{Actor: "ann", Reason: "billing question"})
	_, err := m.Transfer("bob", fsm.By{Actor: "bob"})
	fmt.Println(err)
	fmt.Println("owner:", m.Owner(), "first responder:", m.FirstResponder())
	for _, t := range m.Transfers() {
		fmt.Printf("%q -> %q (%s)\n", t.From, t.To, t.Reason)
	}
	// Output:
	// fsm: transfer from "bob" to "bob" refused: transfer to the current owner
	// owner: bob first responder: ann
	// "" -> "ann" ()
	// "ann" -> "bob" (billing question)
}

// A host stores the snapshot in its own database and restores the machine
// per request.
func ExampleRestore() {
	def := fsm.TicketDefinition()
	m, _ := fsm.NewMachine(def, fsm.WithClock(fakeClock()), fsm.WithID("T-7"))
	_, _ = m.Fire(context.Background(), fsm.TicketAssign, fsm.By{Actor: "desk"})
	data, _ := json.Marshal(m.Snapshot())
	fmt.Println(string(data))

	var snap fsm.Snapshot
	_ = json.Unmarshal(data, &snap)
	r, err := fsm.Restore(snap, fsm.WithDefinition(def), fsm.WithClock(fakeClock()))
	fmt.Println(err, r.ID(), r.State())

	snap.State = "lost"
	_, err = fsm.Restore(snap, fsm.WithDefinition(def))
	fmt.Println(errors.Is(err, fsm.ErrUnknownState), err)
	// Output:
	// {"version":1,"definition":"ticket","id":"T-7","state":"assigned","history":[{"event":"assign","from":"received","to":"assigned","actor":"desk","at":"2026-03-02T09:00:00Z"}]}
	// <nil> T-7 assigned
	// true fsm: state: unknown state "lost"
}

// Hooks run after the transition, outside the machine's lock, and may fire
// further events on the same machine.
func ExampleHook() {
	def, _ := fsm.NewDefinition(fsm.Spec{
		Initial: "new",
		States:  []fsm.State{"new", "triaged", "queued"},
		Transitions: []fsm.Transition{
			{Event: "triage", From: []fsm.State{"new"}, To: "triaged",
				Hooks: []fsm.Hook{func(ctx context.Context, m *fsm.Machine, r fsm.Record) {
					_, _ = m.Fire(ctx, "enqueue", fsm.By{Actor: "auto", Reason: "after " + string(r.Event)})
				}}},
			{Event: "enqueue", From: []fsm.State{"triaged"}, To: "queued"},
		},
	})
	m, _ := fsm.NewMachine(def, fsm.WithClock(fakeClock()))
	_, _ = m.Fire(context.Background(), "triage", fsm.By{Actor: "ann"})
	for _, r := range m.History() {
		fmt.Printf("%s by %s %q\n", r.Event, r.Actor, r.Reason)
	}
	// Output:
	// triage by ann ""
	// enqueue by auto "after triage"
}

func ExampleDefinition_Mermaid() {
	def, _ := fsm.ComplaintDefinition(fsm.DefaultApprovalLimit)
	fmt.Print(def.Mermaid())
	// Output:
	// stateDiagram-v2
	//     %% complaint
	//     [*] --> received
	//     received --> investigating : investigate
	//     investigating --> handling : handle [three_verifications, approval]
	//     handling --> feeding_back : feed_back
	//     feeding_back --> handling : rework
	//     feeding_back --> closed : close [five_confirmations]
	//     closed --> [*]
}

// FireAssign makes the owner and fires the assign event in one step: a
// ticket is never assigned with nobody assigned, and a refused event leaves
// it unowned. RequireOwner on the assign event makes that a rule.
func ExampleMachine_FireAssign() {
	spec := fsm.TicketSpec()
	spec.Transitions[0].Guards = append(spec.Transitions[0].Guards, fsm.RequireOwner()) // TicketAssign
	def := fsm.MustDefinition(spec)
	m, _ := fsm.NewMachine(def, fsm.WithClock(fakeClock()), fsm.WithID("T-8"))
	ctx := context.Background()

	_, err := m.Fire(ctx, fsm.TicketAssign, fsm.By{Actor: "desk"})
	fmt.Println(errors.Is(err, fsm.ErrNoOwner), m.State())

	rec, tr, err := m.FireAssign(ctx, fsm.TicketAssign, "ann", fsm.By{Actor: "desk", Reason: "billing queue"})
	fmt.Println(err, rec.From, "->", rec.To, "owner:", m.Owner(), "transfer:", tr.From == "", "->", tr.To)
	// Output:
	// true received
	// <nil> received -> assigned owner: ann transfer: true -> ann
}

// Bot-to-human hand-off: a bot takes tickets first and hands some to a
// person; the hand-off names the person, who becomes the first responder.
// Containment counts what the bot contained and checks the
// human-intervention rate against the seeds' 15 %.
func ExampleContainment() {
	ctx := context.Background()
	var c fsm.Containment
	for i := range 20 {
		m, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithClock(fakeClock()))
		bot := fsm.By{Actor: "bot"}
		if i < 4 { // four tickets go straight to the desk
			_, _, _ = m.FireAssign(ctx, fsm.TicketAssign, "ann", fsm.By{Actor: "dispatcher"})
			c.Add(m.History())
			continue
		}
		_, _ = m.Fire(ctx, fsm.TicketBotStart, bot)
		switch {
		case i < 6:
			_, _, _ = m.FireAssign(ctx, fsm.TicketHandOff, "ann", fsm.By{Actor: "bot", Reason: "asked for a person"})
		case i == 6:
			_, _ = m.Fire(ctx, fsm.TicketBotResolve, bot)
			_, _ = m.Fire(ctx, fsm.TicketReopen, fsm.By{Actor: "customer"})
		case i == 19: // still talking to the bot
		default:
			_, _ = m.Fire(ctx, fsm.TicketBotResolve, bot)
		}
		c.Add(m.History())
	}
	fmt.Printf("%+v\n", c)
	fmt.Printf("contained %.0f %%, human intervention %.0f %%, within %d %%: %v\n",
		100*c.ContainmentRate(), 100*c.InterventionRate(), fsm.MaxHumanIntervention, c.Within(fsm.MaxHumanIntervention))
	// Output:
	// {Tickets:20 Bot:16 Contained:12 HandedOff:2 Reopened:1 Open:1}
	// contained 80 %, human intervention 20 %, within 15 %: false
}
