package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
)

// demoUser is an account of the demo data.
type demoUser struct{ Name, Role, Team, Password string }

// demoUsers are the demo logins the portal prints when it starts.
var demoUsers = []demoUser{
	{"alice", roleAgent, "billing", "alice-demo"},
	{"bob", roleAgent, "billing", "bob-demo"},
	{"carol", roleAgent, "logistics", "carol-demo"},
	{"sam", roleSupervisor, "", "sam-demo"},
	{"ada", roleAdmin, "", "ada-demo"},
}

// seeded reports whether the database already has accounts.
func seeded(ctx context.Context, q querier) (bool, error) {
	var n int64
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n > 0, err
}

// seedUsers creates the demo accounts.
func seedUsers(ctx context.Context, db database, a *auth) error {
	return inTx(ctx, db, func(t tx) error {
		for _, u := range demoUsers {
			if err := a.addUser(ctx, t, u.Name, u.Role, u.Team, u.Password); err != nil {
				return err
			}
		}
		return nil
	})
}

// seedDesk fills a new desk with demo work: tickets and complaints in every
// state, created over the last hours so that some are warned or breached,
// an incident, and a month of survey answers and closed contacts. It
// replays the work on a clock of its own that starts three hours before
// now, through the same service calls the pages use.
func seedDesk(ctx context.Context, d *desk, w *watch, lister sla.DueLister, now time.Time) error {
	clk := clock.NewMock()
	clk.Set(now.Add(-3 * time.Hour))
	sd := newDesk(d.db, d.store, clk, d.log, d.config())
	users := map[string]user{}
	for _, u := range demoUsers {
		users[u.Name] = user{Name: u.Name, Role: u.Role, Team: u.Team}
	}
	type step struct {
		who string
		a   caseAction
	}
	fire := func(who, ev string) step { return step{who, caseAction{Op: "fire", Event: ev}} }
	take := func(who string) step { return step{who, caseAction{Op: "take"}} }
	mark := func(who, cl, item string) step { return step{who, caseAction{Op: "mark", Checklist: cl, Item: item}} }
	verify := func(who string) []step {
		return []step{mark(who, "three_verifications", "customer_identity"), mark(who, "three_verifications", "order_information"),
			mark(who, "three_verifications", "problem_description")}
	}
	confirm := func(who string) []step {
		var out []step
		for _, it := range []string{"solution", "progress", "customer_feedback", "improvement_measure", "prevention_mechanism"} {
			out = append(out, mark(who, "five_confirmations", it))
		}
		return out
	}
	cat := func(parts ...[]step) []step {
		var out []step
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	work := []struct {
		in    newTicket
		steps []step
	}{
		{newTicket{kindTicket, "Invoice shows the wrong VAT rate", "The March invoice charges 19 % instead of 7 %.", "Mia Wagner", "normal", "billing", 0}, nil},
		{newTicket{kindTicket, "Card charged twice", "Two identical charges on the same day.", "Jonas Becker", "urgent", "billing", 0}, []step{take("alice")}},
		{newTicket{kindTicket, "Cannot download receipts", "The receipts page stays blank.", "Lea Schulz", "normal", "billing", 0}, []step{take("alice"), fire("alice", "start")}},
		{newTicket{kindTicket, "Parcel stuck in customs", "Tracking has not moved for five days.", "Paul Fischer", "normal", "logistics", 0}, []step{take("carol"), fire("carol", "start"), fire("carol", "wait_customer")}},
		{newTicket{kindTicket, "Refund missing after return", "Returned two weeks ago, no refund yet.", "Emma Weber", "urgent", "billing", 0}, []step{take("bob"), fire("bob", "start"), fire("bob", "escalate")}},
		{newTicket{kindTicket, "Wrong delivery address", "The parcel went to my old address.", "Ben Meyer", "normal", "logistics", 0}, []step{take("carol"), fire("carol", "start"), fire("carol", "resolve")}},
		{newTicket{kindTicket, "Password reset mail missing", "No reset mail arrives.", "Sofia Wolf", "normal", "billing", 0}, []step{take("bob"), fire("bob", "start"), fire("bob", "resolve"), fire("bob", "close")}},
		{newTicket{kindTicket, "Subscription renewed unexpectedly", "I cancelled last month.", "Noah Koch", "normal", "billing", 0}, []step{take("alice"), fire("alice", "start"), fire("alice", "resolve"), fire("alice", "close"), fire("alice", "reopen")}},
		{newTicket{kindComplaint, "Courier was rude", "The courier threw the parcel over the fence.", "Hannah Richter", "urgent", "logistics", 0}, nil},
		{newTicket{kindComplaint, "Damaged sofa, asking for compensation", "The sofa arrived with a torn cushion.", "Lukas Klein", "normal", "logistics", 8000}, cat([]step{take("bob"), fire("bob", "investigate")}, verify("bob"))},
		{newTicket{kindComplaint, "Late delivery of a birthday present", "It arrived three days late.", "Marie Neumann", "normal", "logistics", 300}, cat([]step{take("carol"), fire("carol", "investigate")}, verify("carol"), []step{fire("carol", "handle")})},
		{newTicket{kindComplaint, "Overcharged shipping", "Shipping cost twice the quoted price.", "Felix Schwarz", "normal", "billing", 40}, cat([]step{take("alice"), fire("alice", "investigate")}, verify("alice"), []step{fire("alice", "handle"), fire("alice", "feed_back")})},
		{newTicket{kindComplaint, "Missing item in order", "One of three items was missing.", "Lina Zimmermann", "normal", "logistics", 25}, cat([]step{take("carol"), fire("carol", "investigate")}, verify("carol"), []step{fire("carol", "handle"), fire("carol", "feed_back")}, confirm("carol"), []step{fire("carol", "close")})},
		{newTicket{kindTicket, "Address change request", "Please update my billing address.", "Elias Hoffmann", "normal", "billing", 0}, nil},
		{newTicket{kindTicket, "App crashes at checkout", "The app closes when I pay.", "Clara Krüger", "urgent", "billing", 0}, nil},
	}
	for i, wk := range work {
		clk.Add(5 * time.Minute)
		id, err := sd.create(ctx, users["sam"], wk.in)
		if err != nil {
			return fmt.Errorf("portal: seed ticket %d: %w", i, err)
		}
		for _, st := range wk.steps {
			clk.Add(30 * time.Second)
			if err := sd.act(ctx, users[st.who], id, st.a); err != nil {
				return fmt.Errorf("portal: seed ticket %d: %w", i, err)
			}
		}
	}
	if clk.Now().After(now) {
		return fmt.Errorf("portal: the demo work ends after now")
	}
	if _, err := d.fireDue(ctx, lister, now); err != nil {
		return err
	}
	ws := &watch{db: w.db, clk: clk, log: w.log}
	clk.Set(now.Add(-40 * time.Minute))
	if _, err := ws.with(ctx, func(e *engines, at time.Time) error {
		_, err := e.report(at, "service_interruption", "II", "Payment gateway timeouts", "billing", "sam")
		return err
	}); err != nil {
		return err
	}
	return seedAnswers(ctx, d.db, now)
}

// seedAnswers writes a month of survey answers and closed contacts from a
// fixed random source.
func seedAnswers(ctx context.Context, db database, now time.Time) error {
	rng := rand.New(rand.NewPCG(7, 11))
	agents := []string{"alice", "bob", "carol"}
	return inTx(ctx, db, func(t tx) error {
		ticket := int64(-1) // contacts of tickets closed before the portal's own
		for day := 30; day >= 1; day-- {
			base := now.Add(-time.Duration(day) * 24 * time.Hour)
			for i := range 12 {
				at := base.Add(time.Duration(i) * 40 * time.Minute)
				agent := agents[rng.IntN(len(agents))]
				csat := []int64{5, 5, 4, 4, 4, 3, 2, 5, 4, 1}[rng.IntN(10)]
				nps := []int64{10, 9, 9, 8, 7, 6, 10, 3, 9, 8}[rng.IntN(10)]
				if _, err := t.Exec(ctx, "INSERT INTO surveys (ticket_id, agent, kind, score, at) VALUES (?, ?, 'csat', ?, ?)", ticket, agent, csat, at.UnixNano()); err != nil {
					return err
				}
				if _, err := t.Exec(ctx, "INSERT INTO surveys (ticket_id, agent, kind, score, at) VALUES (?, ?, 'nps', ?, ?)", ticket, agent, nps, at.UnixNano()); err != nil {
					return err
				}
				fr := time.Duration(2+rng.IntN(40)) * time.Minute
				handling := fr + time.Duration(20+rng.IntN(300))*time.Minute
				if _, err := t.Exec(ctx, `INSERT INTO contacts (ticket_id, agent, at, first_response_ns, handling_ns, fcr, fr_met, complaint)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ticket, agent, at.UnixNano(), int64(fr), int64(handling),
					b2i(rng.IntN(10) < 7), b2i(fr <= 30*time.Minute), b2i(rng.IntN(10) == 0)); err != nil {
					return err
				}
				ticket--
			}
		}
		return nil
	})
}
