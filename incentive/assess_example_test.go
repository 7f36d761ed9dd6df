package incentive_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/incentive"
)

// Assessments over consecutive periods: bottom 10 % two months running
// gives a yellow card, graded and deducted from the month's statement as a
// compensating adjustment; the card may be appealed within the window, and
// overturning it gives the money back. The host maps the plain outcomes
// onto its warning levels with an adapter of its own.
func ExampleAssessor() {
	book := incentive.NewBook()
	rules := incentive.SeedAssessmentRules(incentive.MustDecimal("0.6"))
	rules[0].Penalties = []incentive.Money{incentive.MustMoney("CNY 100.00"), incentive.MustMoney("CNY 300.00")}
	a, err := incentive.NewAssessor(incentive.AssessmentConfig{Rules: rules,
		AppealWindow: incentive.DefaultAppealWindow, Approver: "assessment board"}, incentive.WithBook(book))
	if err != nil {
		fmt.Println(err)
		return
	}
	scores := map[string][2]string{ // January, February
		"ann": {"0.95", "0.92"}, "bob": {"0.88", "0.90"}, "cai": {"0.91", "0.89"}, "dan": {"0.86", "0.87"},
		"eve": {"0.93", "0.94"}, "fay": {"0.90", "0.91"}, "gus": {"0.89", "0.88"}, "hal": {"0.92", "0.93"},
		"ivy": {"0.87", "0.89"}, "joe": {"0.70", "0.65"},
	}
	var card incentive.Outcome
	for m, period := range []string{"2026-01", "2026-02"} {
		end := time.Date(2026, time.Month(m+2), 1, 9, 0, 0, 0, time.UTC)
		var entries []incentive.Entry
		for person, s := range scores {
			pay := incentive.MustMoney("CNY 1000.00")
			_ = book.IssueAt(end.Add(-time.Hour), incentive.Statement{Version: incentive.StatementVersion, Person: person,
				Period: period, Total: pay, Lines: []incentive.Line{{Kind: incentive.LineFlat, Amount: pay}}})
			entries = append(entries, incentive.Entry{ID: person, Score: incentive.MustDecimal(s[m])})
		}
		ranked, _ := incentive.Rank(entries, incentive.SeedBottomShare())
		outs, err := a.AssessAt(end, period, ranked)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, o := range outs {
			fmt.Println(o.Period, o.Person, o.Outcome, "grade", o.Grade, "over", o.Periods, "penalty", o.Penalty, "appeal by", o.AppealBy.Format("Jan 2"))
			card = o
		}
	}
	net, _ := book.Net("joe", "2026-02")
	fmt.Println("joe's February:", net)

	_, err = a.AppealAt(card.AppealBy, incentive.OutcomeAppealRequest{Outcome: card.ID, Reason: "too late"})
	fmt.Println(err)
	_, _ = a.AppealAt(card.AppealBy.Add(-time.Hour), incentive.OutcomeAppealRequest{Outcome: card.ID, Reason: "survey outage in February", FiledBy: "joe"})
	o, _ := a.DecideAt(card.AppealBy, incentive.OutcomeDecision{Outcome: card.ID, Overturn: true, Reason: "outage confirmed", DecidedBy: "hr"})
	net, _ = book.Net("joe", "2026-02")
	fmt.Println(o.Status, "- joe's February:", net)
	// Output:
	// 2026-02 joe yellow_card grade 1 over [2026-01 2026-02] penalty CNY 100.00 appeal by Mar 8
	// joe's February: CNY 900.00
	// incentive: appeal deadline passed: outcome "2026-02/bottom-two-periods/joe" could be appealed before 2026-03-08 09:00:00 +0000 UTC, not at 2026-03-08 09:00:00 +0000 UTC
	// overturned - joe's February: CNY 1000.00
}
