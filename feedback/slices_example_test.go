package feedback_test

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/feedback"
)

// One aggregator slices every metric by team, by channel and by survey
// question at once; a cap bounds the number of slices, and values beyond
// it share an overflow bucket.
func ExampleAggregator_slices() {
	agg, err := feedback.NewAggregator(feedback.Month, time.UTC, feedback.Config{
		MinSamples: 10,
		Slicings:   []feedback.Slicing{feedback.SliceBy(feedback.DimTeam), feedback.SliceBy(feedback.DimChannel), feedback.SliceBy(feedback.DimQuestion)},
		MaxSlices:  2, // at most two teams and two channels of their own
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	teams := []string{"north", "south", "east", "west"}
	for i := range 400 {
		d := feedback.Dimensions{Team: teams[i%4], Channel: []string{"phone", "chat"}[i/2%2]}
		// Every survey sent; four in five answered, with two questions each.
		_ = agg.AddInvitation(feedback.Invitation{At: at, Answered: i%5 != 0, Dimensions: d})
		if i%5 == 0 {
			continue
		}
		overall, resolution := 5.0, 5.0
		if i%10 == 3 || (d.Channel == "chat" && i%10 == 7) {
			overall = 2
		}
		if i%20 == 7 {
			resolution = 3
		}
		d.Question = feedback.QuestionOverall
		_ = agg.AddResponse(feedback.Response{At: at, Kind: feedback.SurveyCSAT, Score: overall, Dimensions: d})
		d.Question = feedback.QuestionProblemResolution
		_ = agg.AddResponse(feedback.Response{At: at, Kind: feedback.SurveyCSAT, Score: resolution, Dimensions: d})
	}
	for _, by := range agg.Slicings() {
		rs, _ := agg.SliceReportsAt(at, by)
		for _, r := range rs {
			name := r.Slice.Get(by.Dimensions()[0])
			if r.Other {
				name = "(other)"
			}
			line := fmt.Sprintf("%-8s %-18s %s", by, name, r.Report.CSAT)
			if !by.Has(feedback.DimQuestion) { // invitations carry no question
				line += " | " + r.Report.ResponseRate.String()
			}
			fmt.Println(line)
		}
	}
	// Output:
	// team     north              csat 100.0% [97.7, 100.0] n=160 | response_rate 80.0% [71.1, 86.7] n=100
	// team     south              csat 87.5% [81.5, 91.8] n=160 | response_rate 80.0% [71.1, 86.7] n=100
	// team     (other)            csat 81.2% [76.6, 85.1] n=320 | response_rate 80.0% [73.9, 85.0] n=200
	// channel  chat               csat 81.2% [76.6, 85.1] n=320 | response_rate 80.0% [73.9, 85.0] n=200
	// channel  phone              csat 93.8% [90.5, 95.9] n=320 | response_rate 80.0% [73.9, 85.0] n=200
	// question overall            csat 81.2% [76.6, 85.1] n=320
	// question problem_resolution csat 93.8% [90.5, 95.9] n=320
}

// Target against actual for a period: the seeds' targets (overall
// satisfaction 90 %, problem-resolution satisfaction 95 %, at most 15 %
// human intervention in bot sessions, 20 % inspection coverage), each with
// its gap and whether the interval excludes the target.
func ExampleAggregator_VersusAt() {
	agg, _ := feedback.NewAggregator(feedback.Month, time.UTC, feedback.Config{
		Slicings: []feedback.Slicing{feedback.SliceBy(feedback.DimQuestion)},
	})
	at := time.Date(2026, 5, 12, 15, 0, 0, 0, time.UTC)
	for i := range 400 {
		overall, resolved := 5.0, 5.0
		if i%25 == 0 {
			overall = 2 // 4 % dissatisfied overall
		}
		if i%10 < 1 {
			resolved = 3 // 10 % not satisfied with the resolution
		}
		_ = agg.AddResponse(feedback.Response{At: at, Kind: feedback.SurveyCSAT, Score: overall, Dimensions: feedback.Dimensions{Question: feedback.QuestionOverall}})
		_ = agg.AddResponse(feedback.Response{At: at, Kind: feedback.SurveyCSAT, Score: resolved, Dimensions: feedback.Dimensions{Question: feedback.QuestionProblemResolution}})
	}
	// A bot platform's counts: 2,000 sessions, 262 handed to a human.
	for i := range 2000 {
		_ = agg.AddBotSession(feedback.BotSession{At: at, HandedOff: i < 262})
	}
	for i := range 500 {
		_ = agg.AddRecord(feedback.Record{At: at, FirstResponse: 12 * time.Second})
		if i%6 == 0 {
			_ = agg.AddInspection(feedback.InspectionResult{ID: fmt.Sprint("QA-", i), At: at, Kind: feedback.SpotCheck,
				Score: 90, RawScore: 90, Passed: true, Dimensions: feedback.Dimensions{Sheet: "call-qa"}})
		}
	}
	gaps, err := agg.VersusAt(at, feedback.SeedTargets())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range gaps {
		fmt.Println(g)
	}
	// Output:
	// overall satisfaction: csat 96.0% [93.6, 97.5] n=400 vs target 90 (+6.0): met
	// problem-resolution satisfaction: csat 90.0% [86.7, 92.6] n=400 vs target 95 (-5.0): not_met
	// human intervention: human_intervention 13.1% [11.7, 14.6] n=2000 vs target 15 (-1.9): met
	// inspection coverage: inspection_coverage 16.8% [13.8, 20.3] n=500 vs target 20 (-3.2): inconclusive
}

// Counts from elsewhere (a bot platform's daily totals) get the figures
// counted records get, and compare with a target the same way.
func ExampleFigureOf() {
	f, err := feedback.FigureOf(feedback.MetricHumanIntervention, 185, 1000, feedback.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	gaps, _ := feedback.Report{HumanIntervention: f}.Versus(feedback.Targets{{Metric: feedback.MetricHumanIntervention, Value: 15}})
	fmt.Println(gaps[0])
	// Output:
	// human_intervention: human_intervention 18.5% [16.2, 21.0] n=1000 vs target 15 (+3.5): not_met
}
