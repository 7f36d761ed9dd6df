package incentive_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/incentive"
)

func d(s string) incentive.Decimal   { return incentive.MustDecimal(s) }
func dp(s string) *incentive.Decimal { v := incentive.MustDecimal(s); return &v }

// Stripe's tiered-pricing guide prices fonts at USD 7 for 1-5, USD 6.50 for
// 6-10 and USD 6 from 11 on. Graduated pricing charges each band at its own
// rate; volume pricing charges every unit at the rate of the band the total
// lands in, so its total can fall as the quantity rises.
func Example_graduatedAndVolume() {
	tiers := []incentive.Tier{
		{Name: "1-5", From: d("0"), To: dp("5"), Bounds: incentive.ClosedClosed, Rate: d("7")},
		{Name: "6-10", From: d("5"), To: dp("10"), Bounds: incentive.OpenClosed, Rate: d("6.50")},
		{Name: "11+", From: d("10"), Bounds: incentive.OpenClosed, Rate: d("6")},
	}
	graduated := incentive.Table{Name: "fonts", Mode: incentive.Graduated, Currency: "USD", Tiers: tiers}
	volume := incentive.Table{Name: "fonts", Mode: incentive.Volume, Currency: "USD", Tiers: tiers}

	r, _ := graduated.Evaluate(d("20"))
	for _, l := range r.Lines {
		fmt.Printf("graduated %-5s %2s × %4s = %s\n", l.Tier, l.Quantity, l.Rate, l.Amount)
	}
	fmt.Println("graduated total", r.Total)
	for _, q := range []string{"5", "6", "10", "10.5", "20"} {
		r, _ := volume.Evaluate(d(q))
		fmt.Printf("volume %4s fonts: %s\n", q, r.Total)
	}
	// Output:
	// graduated 1-5    5 ×    7 = USD 35.00
	// graduated 6-10   5 × 6.50 = USD 32.50
	// graduated 11+   10 ×    6 = USD 60.00
	// graduated total USD 127.50
	// volume    5 fonts: USD 35.00
	// volume    6 fonts: USD 39.00
	// volume   10 fonts: USD 65.00
	// volume 10.5 fonts: USD 63.00
	// volume   20 fonts: USD 120.00
}

// A target bonus pays nothing below target, a base at target and an extra
// amount per unit above it, up to a cap. Attainment 97.5 % is exact.
func Example_targetBonus() {
	bonus := incentive.TargetBonus{
		Name: "attainment", Currency: "CNY",
		Target: d("95"), Base: d("500"), PerUnit: d("40"), Cap: dp("800"),
	}
	for _, att := range []string{"94.9", "95", "97.5", "110"} {
		r, err := bonus.Evaluate(d(att))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%5s%%: %s", att, r.Total)
		for _, l := range r.Lines {
			fmt.Printf(" [%s %s]", l.Kind, l.Amount)
		}
		fmt.Println()
	}
	// Output:
	//  94.9%: CNY 0.00 [target-miss CNY 0.00]
	//    95%: CNY 500.00 [target-base CNY 500.00]
	//  97.5%: CNY 600.00 [target-base CNY 500.00] [target-extra CNY 100.00]
	//   110%: CNY 800.00 [target-base CNY 500.00] [target-extra CNY 600.00] [cap CNY -300.00]
}

// A scorecard turns KPI values into a weighted score and a grade; the plan
// prices it and the statement explains every line and carries the rules
// hash.
func Example_scorecardToStatement() {
	plan := incentive.Plan{
		Name: "support-2026", Currency: "USD",
		Scorecard: incentive.Scorecard{
			Name: "agent",
			KPIs: []incentive.KPI{
				{ID: "csat", Weight: d("0.5"), Direction: incentive.HigherIsBetter, Floor: d("0.70"), Target: d("0.90"), Cap: d("1.2")},
				{ID: "aht", Weight: d("0.3"), Direction: incentive.LowerIsBetter, Floor: d("600"), Target: d("300"), Cap: d("1.2")},
				{ID: "attitude", Weight: d("0.2"), Cap: d("1"), Levels: []incentive.Level{
					{Label: "good", Score: d("1")}, {Label: "fair", Score: d("0.6")},
				}},
			},
			Gates:  []incentive.Gate{{KPI: "csat", Min: dp("0.60"), Reason: "CSAT floor"}},
			Grades: []incentive.Grade{{Name: "A", MinScore: d("1")}, {Name: "B", MinScore: d("0.8")}, {Name: "C", MinScore: d("0")}},
		},
		Table: &incentive.Table{Name: "tickets", Mode: incentive.Graduated, Currency: "USD", Tiers: []incentive.Tier{
			{Name: "first-100", From: d("0"), To: dp("100"), Bounds: incentive.ClosedOpen, Rate: d("0.50")},
			{Name: "beyond", From: d("100"), Bounds: incentive.ClosedOpen, Rate: d("0.80")},
		}},
		Target: &incentive.TargetBonus{Name: "attainment", Currency: "USD", Target: d("90"), Base: d("100"), PerUnit: d("5")},
	}
	compiled, err := incentive.Compile(plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := compiled.Statement(incentive.Input{
		Person: "alice", Period: "2026-10", Quantity: d("130"),
		Values: []incentive.Value{
			{KPI: "csat", Value: d("0.92")},
			{KPI: "aht", Value: d("390")},
			{KPI: "attitude", Label: "good"},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, k := range st.KPIs {
		v := k.Value.String()
		if k.Label != "" {
			v = k.Label
		}
		fmt.Printf("%-8s value %-4s score %s × weight %s = %s\n", k.KPI, v, k.Score, k.Weight, k.Weighted)
	}
	fmt.Printf("score %s grade %s\n", st.Score, st.Grade)
	for _, l := range st.Lines {
		fmt.Printf("%-12s %-10s %6s × %4s = %-8s (%s) → %s\n", l.Kind, l.Source, l.Quantity, l.Rate, l.Exact, l.Rounding, l.Amount)
	}
	fmt.Println("total", st.Total, "rules", st.RulesHash == compiled.Hash())
	// Output:
	// csat     value 0.92 score 1.1000 × weight 0.5 = 0.55000
	// aht      value 390  score 0.7000 × weight 0.3 = 0.21000
	// attitude value good score 1.0000 × weight 0.2 = 0.20000
	// score 0.9600 grade B
	// tier         tickets       100 × 0.50 = 50.00    (half-even) → USD 50.00
	// tier         tickets        30 × 0.80 = 24.00    (half-even) → USD 24.00
	// target-base  attainment      1 ×  100 = 100      (half-even) → USD 100.00
	// target-extra attainment 6.0000 ×    5 = 30.0000  (half-even) → USD 30.00
	// total USD 204.00 rules true
}

// Splitting a pool by weights with the largest-remainder method: the parts
// always add up to the pool, to the cent.
func ExampleMoney_Split() {
	pool := incentive.MustMoney("USD 100.00")
	parts, err := pool.Split([]incentive.Decimal{d("1"), d("1"), d("1")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(parts[0], parts[1], parts[2])
	// Output: USD 33.34 USD 33.33 USD 33.33
}

// Standard competition ranking with the seeds' bottom 10 % flag.
func ExampleRank() {
	var people []incentive.Entry
	for i, s := range []string{"1.12", "0.98", "0.98", "0.95", "0.91", "0.90", "0.88", "0.85", "0.80", "0.62"} {
		people = append(people, incentive.Entry{ID: fmt.Sprintf("agent-%02d", i+1), Score: d(s)})
	}
	ranked, err := incentive.Rank(people, incentive.SeedBottomShare())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range ranked[:4] {
		fmt.Println(r.Rank, r.ID, r.Score)
	}
	last := ranked[len(ranked)-1]
	fmt.Println(last.Rank, last.ID, last.Score, "bottom:", last.Bottom)
	// Output:
	// 1 agent-01 1.12
	// 2 agent-02 0.98
	// 2 agent-03 0.98
	// 4 agent-04 0.95
	// 10 agent-10 0.62 bottom: true
}

// The points ledger applies each idempotency key once and never lets a
// balance go negative.
func ExamplePointsLedger() {
	ledger := incentive.NewPointsLedger()
	pts, _ := incentive.OverAchievementPoints(d("1.15"), d("1"), d("1000"))
	ledger.Earn("2026-10/alice/over", "alice", pts, "score 1.15")
	_, applied, _ := ledger.Earn("2026-10/alice/over", "alice", pts, "score 1.15") // a retry
	fmt.Println("retry applied:", applied, "balance:", ledger.Balance("alice"))
	_, _, err := ledger.Redeem("r-1", "alice", 200, "extra day off")
	fmt.Println(err)
	ledger.Redeem("r-2", "alice", 100, "gift card")
	fmt.Println("balance:", ledger.Balance("alice"))
	// Output:
	// retry applied: false balance: 150
	// incentive: insufficient points: alice has 150, redeeming 200
	// balance: 50
}

// An appeal freezes the issued statement; the approval posts a
// compensating adjustment and the statement itself is never edited.
func ExampleBook() {
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	book := incentive.NewBook(incentive.WithClock(clk))
	// A statement made by hand; CompiledPlan.Statement makes them from the rules.
	st := incentive.Statement{Version: incentive.StatementVersion, Person: "alice", Period: "2026-10",
		Lines: []incentive.Line{{Kind: incentive.LineFlat, Amount: incentive.MustMoney("USD 400.00")}},
		Total: incentive.MustMoney("USD 400.00")}
	if err := book.Issue(st); err != nil {
		fmt.Println(err)
		return
	}
	book.FileAppeal(incentive.AppealRequest{ID: "ap-7", Person: "alice", Period: "2026-10", Reason: "duplicate survey counted", FiledBy: "alice"})
	_, err := book.Adjust(incentive.AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: incentive.MustMoney("USD 5.00"), Reason: "x", Approver: "y"})
	fmt.Println(err)
	clk.Add(26 * time.Hour)
	book.Decide(incentive.Decision{Appeal: "ap-7", Approve: true, Amount: incentive.MustMoney("USD 12.50"), Reason: "survey removed", Approver: "team-lead"})
	net, _ := book.Net("alice", "2026-10")
	issued, _ := book.Statement("alice", "2026-10")
	fmt.Println("issued", issued.Total, "net", net)
	for _, e := range book.History("alice", "2026-10") {
		line := e.At.Format("01-02 15:04") + " " + string(e.Kind)
		if e.Actor != "" {
			line += " by " + e.Actor
		}
		fmt.Println(line)
	}
	// Output:
	// incentive: statement frozen by appeal: appeal "ap-7" is pending on alice 2026-10
	// issued USD 400.00 net USD 412.50
	// 11-02 09:00 issued
	// 11-02 09:00 appeal-filed by alice
	// 11-03 11:00 adjusted by team-lead
	// 11-03 11:00 appeal-approved by team-lead
}
