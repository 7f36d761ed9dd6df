package main

// This file is the portal's one adapter to package feedback: survey answers
// and closed contacts become CSAT, NPS, FCR and AHT figures with intervals.

import (
	"strconv"
	"time"

	"github.com/samber/lo"

	"github.com/sqkit/sqkit/feedback"
)

// surveyRow is one stored survey answer.
type surveyRow struct {
	ID    int64
	Kind  string // csat or nps
	Score int64
	At    time.Time
	Agent string
}

// contactRec is one stored closed contact.
type contactRec struct {
	Ticket        int64
	Agent         string
	At            time.Time
	FirstResponse time.Duration
	Handling      time.Duration
	FCR, FRMet    bool
	Complaint     bool
}

// figures are the metrics the portal shows: the whole period and each day.
type figures struct {
	Total feedback.Report
	Days  []feedback.Report
}

// tile is one headline figure.
type tile struct {
	Name, Value, Interval, N string
	Insufficient             bool
}

// computeFigures aggregates answers and contacts into daily windows in loc.
func computeFigures(answers []surveyRow, contacts []contactRec, loc *time.Location) (figures, error) {
	agg, err := feedback.NewAggregator(feedback.Day, loc, feedback.Config{})
	if err != nil {
		return figures{}, err
	}
	rs := lo.Map(answers, func(a surveyRow, _ int) feedback.Response {
		k := feedback.SurveyCSAT
		if a.Kind == "nps" {
			k = feedback.SurveyNPS
		}
		return feedback.Response{ID: "S-" + strconv.FormatInt(a.ID, 10), At: a.At, Kind: k, Score: float64(a.Score)}
	})
	if err := agg.AddResponses(rs); err != nil {
		return figures{}, err
	}
	recs := lo.Map(contacts, func(c contactRec, _ int) feedback.Record {
		return feedback.Record{ID: "T-" + strconv.FormatInt(c.Ticket, 10), At: c.At,
			FirstResponse: c.FirstResponse, Handling: c.Handling, FCR: feedback.FlagOf(c.FCR), Complaint: c.Complaint}
	})
	if err := agg.AddRecords(recs); err != nil {
		return figures{}, err
	}
	return figures{Total: agg.Total(), Days: agg.Reports()}, nil
}

// tiles returns the headline figures: CSAT, NPS, FCR and AHT.
func (f figures) tiles() []tile {
	mk := func(name string, fg feedback.Figure, unit string, scale float64) tile {
		fmtv := func(v float64) string { return strconv.FormatFloat(v*scale, 'f', 1, 64) }
		return tile{Name: name, Value: fmtv(fg.Value) + unit, Interval: "[" + fmtv(fg.Lower) + ", " + fmtv(fg.Upper) + "]",
			N: strconv.FormatInt(fg.N, 10), Insufficient: fg.Insufficient}
	}
	return []tile{
		mk("CSAT", f.Total.CSAT, " %", 1),
		mk("NPS", f.Total.NPS, "", 1),
		mk("FCR", f.Total.FCR, " %", 1),
		mk("AHT", f.Total.AHT, " min", 1.0/60),
	}
}

// series is one metric per day for a chart: value and interval.
type series struct {
	Name         string
	Labels       []string
	Value, Lo, H []float64
	Min, Max     float64
}

// dailySeries returns the daily CSAT and NPS series.
func (f figures) dailySeries() []series {
	csat := series{Name: "CSAT % per day", Min: 0, Max: 100}
	nps := series{Name: "NPS per day", Min: -100, Max: 100}
	for _, d := range f.Days {
		if d.CSAT.N > 0 {
			csat.Labels = append(csat.Labels, d.Window.Label())
			csat.Value, csat.Lo, csat.H = append(csat.Value, d.CSAT.Value), append(csat.Lo, d.CSAT.Lower), append(csat.H, d.CSAT.Upper)
		}
		if d.NPS.N > 0 {
			nps.Labels = append(nps.Labels, d.Window.Label())
			nps.Value, nps.Lo, nps.H = append(nps.Value, d.NPS.Value), append(nps.Lo, d.NPS.Lower), append(nps.H, d.NPS.Upper)
		}
	}
	return []series{csat, nps}
}
