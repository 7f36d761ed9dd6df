package feedback_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/feedback"
)

// A month of "double random" spot checks: draw at least 20 % of each
// agent's closed tickets (at least 2) with random inspectors, score them
// on a standard sheet with a critical item, and hand each agent's results
// to a KPI scorecard as plain numbers.
func ExampleDrawSample() {
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	agents := []feedback.Dimensions{{Agent: "li", Team: "north"}, {Agent: "wang", Team: "north"}, {Agent: "zhao", Team: "south"}}
	var closed []feedback.ClosedItem
	for i := range 24 {
		closed = append(closed, feedback.ClosedItem{
			ID: fmt.Sprintf("T-%02d", i), ClosedAt: march.Add(time.Duration(i) * 29 * time.Hour), Dimensions: agents[i%3],
		})
	}
	window, _ := feedback.WindowOf(feedback.Month, march, time.UTC)
	plan := feedback.SamplePlan{Rate: 0.2, MinPerStratum: 2, Seed: feedback.PeriodSeed(7, window), Inspectors: []string{"qa-1", "qa-2", "li"}}
	sample, err := feedback.DrawSample(plan, closed)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, st := range sample.Strata {
		fmt.Println(st)
	}

	sheet := feedback.ScoreSheet{ID: "ticket-qa", Kind: feedback.SpotCheck, PassScore: 80, Items: []feedback.SheetItem{
		{ID: "verify", Text: "three verifications before handling", Weight: 3, Critical: true},
		{ID: "solution", Text: "solution correct and complete", Weight: 5, Max: 5},
		{ID: "closing", Text: "five confirmations before closing", Weight: 2},
	}}
	agg, _ := feedback.NewAggregator(feedback.Month, time.UTC, feedback.Config{MinSamples: 1, Slicings: []feedback.Slicing{feedback.SliceBy(feedback.DimAgent)}})
	for _, it := range closed { // the handled work: the denominator of coverage
		_ = agg.AddRecord(feedback.Record{ID: it.ID, At: it.ClosedAt, Dimensions: it.Dimensions})
	}
	for i, p := range sample.Picks {
		// What the inspector found: wang skipped a verification once.
		verify := 1.0
		if p.Agent == "wang" && i%2 == 0 {
			verify = 0
		}
		res, err := sheet.Score(feedback.Inspection{ID: "QA-" + p.ID, Work: p.ID, At: p.ClosedAt, Inspector: p.Inspector,
			Dimensions: p.Dimensions, Answers: []feedback.Answer{
				{Item: "verify", Points: verify}, {Item: "solution", Points: float64(3 + i%3)}, {Item: "closing", Points: 1},
			}})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s by %s: %s\n", p.ID, p.Inspector, res)
		_ = agg.AddInspection(res)
	}

	// The numbers a scorecard takes, one line per agent.
	reports, _ := agg.SliceReportsAt(march, feedback.SliceBy(feedback.DimAgent))
	for _, r := range reports {
		kpis, _ := r.Report.KPIs(2, feedback.MetricInspectionScore, feedback.MetricInspectionPass,
			feedback.MetricCriticalFailure, feedback.MetricInspectionCoverage)
		fmt.Printf("%-5s", r.Slice.Agent)
		for _, k := range kpis {
			fmt.Printf(" %s=%s", k.KPI, k.Text)
		}
		fmt.Println()
	}
	// Output:
	// agent=li team=north: 2 of 8 (25.0 %)
	// agent=wang team=north: 2 of 8 (25.0 %)
	// agent=zhao team=south: 2 of 8 (25.0 %)
	// T-03 by qa-2: QA-T-03 on T-03 (li, sheet ticket-qa): 80.0 passed
	// T-18 by qa-1: QA-T-18 on T-18 (li, sheet ticket-qa): 90.0 passed
	// T-07 by li: QA-T-07 on T-07 (wang, sheet ticket-qa): 0.0 failed on critical [verify] (raw 70.0)
	// T-19 by li: QA-T-19 on T-19 (wang, sheet ticket-qa): 80.0 passed
	// T-02 by qa-2: QA-T-02 on T-02 (zhao, sheet ticket-qa): 90.0 passed
	// T-17 by qa-2: QA-T-17 on T-17 (zhao, sheet ticket-qa): 100.0 passed
	// li    inspection_score=85.00 inspection_pass=100.00 critical_failure=0.00 inspection_coverage=25.00
	// wang  inspection_score=40.00 inspection_pass=50.00 critical_failure=50.00 inspection_coverage=25.00
	// zhao  inspection_score=95.00 inspection_pass=100.00 critical_failure=0.00 inspection_coverage=25.00
}
