package feedback_test

import (
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/feedback"
)

// Computing NPS with its interval from streamed survey responses.
func ExampleAggregator_nps() {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	agg, _ := feedback.NewAggregator(feedback.Month, loc, feedback.Config{})
	day := time.Date(2026, 3, 14, 10, 0, 0, 0, loc)
	// 200 answers: 90 promoters (9–10), 60 passives (7–8), 50 detractors (0–6).
	for i := 0; i < 200; i++ {
		score := 10.0
		switch {
		case i >= 150:
			score = 3
		case i >= 90:
			score = 8
		}
		if err := agg.AddResponse(feedback.Response{At: day, Kind: feedback.SurveyNPS, Score: score}); err != nil {
			fmt.Println(err)
		}
	}
	// Out-of-range scores are rejected, naming the record.
	fmt.Println(agg.AddResponse(feedback.Response{ID: "r-201", At: day, Kind: feedback.SurveyNPS, Score: 11}))

	r := agg.ReportAt(day)
	fmt.Println(r.Window.Label())
	fmt.Println(r.NPS)
	fmt.Printf("standard error %.2f points\n", r.NPS.StdErr)
	// Output:
	// feedback: invalid record "r-201": score: NPS score 11 is not an integer in 0–10
	// 2026-03
	// nps 20.0 [8.7, 31.3] n=200
	// standard error 5.74 points
}

// Classifying complaints in Chinese and English with the seed rules plus a
// user-defined category, and counting them per week.
func ExampleClassifier() {
	rs := feedback.SeedRuleSet()
	rs.Categories = append(rs.Categories, feedback.Category{ID: "pricing", Name: "Pricing"})
	rs.Rules = append(rs.Rules, feedback.Rule{
		ID: "price", Category: "pricing", Priority: 15,
		Keywords: []string{"价格", "overcharged", "price"},
	})
	c, err := feedback.NewClassifier(rs)
	if err != nil {
		fmt.Println(err)
		return
	}
	tally, _ := feedback.NewCategoryTally(feedback.Week, time.UTC)
	monday := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	for _, text := range []string{
		"收到的杯子是坏的，质量太差",
		"Parcel DELAYED twice, courier never called",
		"包装破损，里面的东西也碎了",
		"客服态度不好，等了很久",
		"I was overcharged and the agent was rude",
		"一切都好",
	} {
		res := c.Classify(text)
		fmt.Printf("%-18s %s\n", res.Category, text)
		_ = tally.Add(monday, res.Category)
	}
	fmt.Println(tally.Counts(monday).Total, "complaints in", tally.Counts(monday).Window.Label())
	// Output:
	// product_quality    收到的杯子是坏的，质量太差
	// logistics_delivery Parcel DELAYED twice, courier never called
	// logistics_delivery 包装破损，里面的东西也碎了
	// service_process    客服态度不好，等了很久
	// pricing            I was overcharged and the agent was rude
	//                    一切都好
	// 6 complaints in 2026-W11
}

// One full PDCA cycle: plan, do, check against the baseline and target,
// standardise, close, and the monthly review.
func ExampleBook() {
	mock := clock.NewMock()
	mock.Set(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	book := feedback.NewBook(feedback.WithClock(mock))

	// Plan: FCR is 62% (n=500); target 70% by fixing the knowledge base.
	baseline := feedback.Figure{Metric: feedback.MetricFCR, Value: 62, N: 500}
	_, err := book.Open("fcr-2026-04", feedback.Plan{
		Problem:       "customers call back about the same billing question",
		CauseCategory: feedback.CategoryServiceProcess,
		Metric:        feedback.MetricFCR,
		Baseline:      baseline,
		Target:        70,
		Actions: []feedback.Action{
			{ID: "kb", Description: "rewrite the billing articles", Owner: "kb.team", Deadline: mock.Now().AddDate(0, 0, 7)},
			{ID: "train", Description: "train tier 1 on the new articles", Owner: "trainer", Deadline: mock.Now().AddDate(0, 0, 10)},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Do.
	_ = book.StartDo("fcr-2026-04")
	mock.Add(5 * 24 * time.Hour)
	_ = book.UpdateAction("fcr-2026-04", "kb", 100, "published")
	mock.Add(4 * 24 * time.Hour)
	_ = book.UpdateAction("fcr-2026-04", "train", 100, "")

	// Check: measure FCR over the following weeks with the Aggregator.
	agg, _ := feedback.NewAggregator(feedback.Month, time.UTC, feedback.Config{})
	for i := 0; i < 400; i++ {
		_ = agg.AddRecord(feedback.Record{At: mock.Now().Add(time.Duration(i) * time.Hour), FCR: feedback.FlagOf(i%100 < 76)})
	}
	mock.Add(20 * 24 * time.Hour)
	_ = book.StartCheck("fcr-2026-04")
	rep := agg.ReportAt(mock.Now())
	res, _ := book.Check("fcr-2026-04", rep.Window, rep.FCR)
	fmt.Println(res.Measured)
	fmt.Println(res.Verdict, "-", res.Reason)

	// Act: make it standard, close, and review the month.
	_ = book.Standardise("fcr-2026-04", "billing articles reviewed monthly; new agents trained on them")
	_ = book.Close("fcr-2026-04")
	review, _ := feedback.NewReview(rep.Window, book.List(), agg.Reports())
	fmt.Print(review)
	// Output:
	// fcr 76.0% [71.6, 79.9] n=400
	// met - 76 reaches the target 70 and the interval [71.58, 79.93] excludes the baseline 62
	// PDCA review 2026-04 (month)
	// cycles: 1 opened, 1 closed, 0 open at end; 0 overdue actions
	// checks: 1 checked: 1 met, 0 not met, 0 inconclusive
	// decisions: 1 standardised, 0 continued
	// - fcr-2026-04 [closed] customers call back about the same billing question: fcr baseline 62 target 70 measured 76 (n=400) met
	// trend fcr: 2026-04=76 (+0, flat)
}

// NPS and Wilson work on plain counts too, for figures computed elsewhere.
func ExampleNPS() {
	f := feedback.NPS(45, 12, 80, 0.95, 30) // 45 promoters, 12 detractors of 80
	fmt.Println(f)
	lo, hi := feedback.Wilson(45, 80, 0.95) // the promoter share alone
	fmt.Printf("promoters %.1f%%–%.1f%%\n", 100*lo, 100*hi)
	fmt.Println(feedback.NPS(6, 1, 9, 0.95, 30))
	// Output:
	// nps 41.2 [25.1, 57.4] n=80
	// promoters 45.3%–66.6%
	// nps 55.6 [10.8, 100.0] n=9 (too few samples: 9 < 30)
}
