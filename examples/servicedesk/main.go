// Command servicedesk drives a small service desk through its workflows on a
// fake clock and prints what happened.
//
// It is the program a newcomer runs first:
//
//	go run ./examples/servicedesk
//
// Everything runs on clock.NewMock, so the output is the same on every run.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/fsm"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "servicedesk:", err)
		os.Exit(1)
	}
}

// step is one scripted action of the desk, applied at an offset from the
// start of the day.
type step struct {
	after time.Duration
	do    func(ctx context.Context, m *fsm.Machine) error
}

func fire(ev fsm.Event, actor, reason string) func(context.Context, *fsm.Machine) error {
	return func(ctx context.Context, m *fsm.Machine) error {
		_, err := m.Fire(ctx, ev, fsm.By{Actor: actor, Reason: reason})
		return err
	}
}

func assign(owner, actor string) func(context.Context, *fsm.Machine) error {
	return func(_ context.Context, m *fsm.Machine) error {
		_, err := m.Assign(owner, fsm.By{Actor: actor, Reason: "dispatch"})
		return err
	}
}

func transfer(to, actor, reason string) func(context.Context, *fsm.Machine) error {
	return func(_ context.Context, m *fsm.Machine) error {
		_, err := m.Transfer(to, fsm.By{Actor: actor, Reason: reason})
		return err
	}
}

func run(ctx context.Context, w io.Writer) error {
	clk := clock.NewMock()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clk.Set(start)

	complaints, err := fsm.ComplaintDefinition(fsm.DefaultApprovalLimit)
	if err != nil {
		return err
	}

	type scripted struct {
		id     string
		def    *fsm.Definition
		amount int64
		steps  []step
	}
	cases := []scripted{
		{id: "T-1001", def: fsm.TicketDefinition(), steps: []step{
			{5 * time.Minute, assign("alice", "dispatcher")},
			{5 * time.Minute, fire(fsm.TicketAssign, "dispatcher", "login problems go to alice")},
			{8 * time.Minute, fire(fsm.TicketStart, "alice", "looking into login failure")},
			{20 * time.Minute, fire(fsm.TicketWaitCustomer, "alice", "asked for a screenshot")},
			{95 * time.Minute, fire(fsm.TicketCustomerReply, "customer", "screenshot sent")},
			{130 * time.Minute, fire(fsm.TicketResolve, "alice", "password reset")},
			{24 * time.Hour, fire(fsm.TicketClose, "system", "no reply in 24h")},
		}},
		{id: "T-1002", def: fsm.TicketDefinition(), steps: []step{
			{2 * time.Minute, assign("bob", "dispatcher")},
			{2 * time.Minute, fire(fsm.TicketAssign, "dispatcher", "billing queue")},
			{10 * time.Minute, fire(fsm.TicketStart, "bob", "invoice question")},
			{40 * time.Minute, fire(fsm.TicketEscalate, "bob", "needs billing team")},
			{45 * time.Minute, transfer("carol", "bob", "billing specialist")},
			{3 * time.Hour, fire(fsm.TicketResolve, "carol", "credit note issued")},
			{26 * time.Hour, fire(fsm.TicketReopen, "customer", "credit note missing VAT")},
			{27 * time.Hour, fire(fsm.TicketStart, "carol", "reissuing")},
			{28 * time.Hour, fire(fsm.TicketResolve, "carol", "credit note reissued")},
		}},
		{id: "C-2001", def: complaints, amount: 8000, steps: []step{
			{3 * time.Minute, assign("dave", "dispatcher")},
			{6 * time.Minute, fire(fsm.ComplaintInvestigate, "dave", "damaged parcel")},
			{15 * time.Minute, func(_ context.Context, m *fsm.Machine) error {
				for _, item := range []string{fsm.ItemCustomerIdentity, fsm.ItemOrderInformation, fsm.ItemProblemDescription} {
					if _, err := m.Mark(fsm.ThreeVerifications, item, fsm.By{Actor: "dave"}); err != nil {
						return err
					}
				}
				return nil
			}},
			{20 * time.Minute, func(_ context.Context, m *fsm.Machine) error {
				_, err := m.Escalate(fsm.By{Actor: "dave", Reason: "refund above my limit"})
				return err
			}},
			{50 * time.Minute, func(_ context.Context, m *fsm.Machine) error {
				_, err := m.Approve("erin", "refund of 8,000 approved")
				return err
			}},
			{55 * time.Minute, fire(fsm.ComplaintHandle, "dave", "refund and reship")},
			{4 * time.Hour, fire(fsm.ComplaintFeedBack, "dave", "customer called back")},
			{5 * time.Hour, func(_ context.Context, m *fsm.Machine) error {
				for _, item := range []string{fsm.ItemSolution, fsm.ItemProgress, fsm.ItemCustomerFeedback, fsm.ItemImprovementMeasure, fsm.ItemPreventionMechanism} {
					if _, err := m.Mark(fsm.FiveConfirmations, item, fsm.By{Actor: "dave"}); err != nil {
						return err
					}
				}
				return nil
			}},
			{5*time.Hour + 5*time.Minute, fire(fsm.ComplaintClose, "dave", "customer satisfied")},
		}},
	}

	fmt.Fprintln(w, "sqkit service desk: scripted day on a fake clock")
	for _, c := range cases {
		clk.Set(start)
		m, err := fsm.NewMachine(c.def, fsm.WithClock(clk), fsm.WithID(c.id), fsm.WithAmount(c.amount))
		if err != nil {
			return err
		}
		for _, s := range c.steps {
			clk.Set(start.Add(s.after))
			if err := s.do(ctx, m); err != nil {
				return fmt.Errorf("%s: %w", c.id, err)
			}
		}
		fmt.Fprintf(w, "\n%s (%s) now %s, owner %s, accountable %s\n", c.id, c.def.Name(), m.State(), m.Owner(), m.FirstResponder())
		for _, r := range m.History() {
			fmt.Fprintf(w, "  %s  %-14s %s -> %s  by %s: %s\n", r.At.Format("Mon 15:04"), r.Event, r.From, r.To, r.Actor, r.Reason)
		}
	}
	return nil
}
