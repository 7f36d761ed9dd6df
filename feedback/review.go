package feedback

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// CycleSummary is one cycle's line in a review.
type CycleSummary struct {
	ID        string  `json:"id"`
	Problem   string  `json:"problem"`
	Metric    Metric  `json:"metric"`
	Phase     Phase   `json:"phase"`
	Baseline  float64 `json:"baseline"`
	Target    float64 `json:"target"`
	Measured  *Figure `json:"measured,omitempty"`
	Verdict   Verdict `json:"verdict,omitempty"`
	Outcome   Outcome `json:"outcome,omitempty"`
	Overdue   int     `json:"overdue_actions"`
	OpenedIn  bool    `json:"opened_in_period"`
	ClosedIn  bool    `json:"closed_in_period"`
	CheckedIn bool    `json:"checked_in_period"`
}

// TrendPoint is one window's value of a metric.
type TrendPoint struct {
	Window       Window  `json:"window"`
	Value        float64 `json:"value"`
	Lower        float64 `json:"lower"`
	Upper        float64 `json:"upper"`
	N            int64   `json:"n"`
	Insufficient bool    `json:"insufficient,omitempty"`
}

// MetricTrend is a metric's values over the review period. Change is the
// last sufficient point minus the first sufficient one (0 with fewer than
// two); Improving says whether that change goes the better way (the
// direction of the first cycle in the review that targets the metric).
type MetricTrend struct {
	Metric    Metric       `json:"metric"`
	Points    []TrendPoint `json:"points"`
	Change    float64      `json:"change"`
	Improving bool         `json:"improving"`
}

// Review summarises PDCA work over a month, a quarter or a year: cycles
// opened, closed and checked in the period, targets met, decisions taken,
// actions overdue at the period's end, and the trend of the metrics the
// cycles target. It is a plain value: print it with String or serialise it.
type Review struct {
	Period       Window         `json:"period"`
	Opened       int            `json:"opened"`
	Closed       int            `json:"closed"`
	Checked      int            `json:"checked"`
	Met          int            `json:"met"`
	NotMet       int            `json:"not_met"`
	Inconclusive int            `json:"inconclusive"`
	Standardised int            `json:"standardised"`
	Continued    int            `json:"continued"`
	OpenAtEnd    int            `json:"open_at_end"`
	Overdue      int            `json:"overdue_actions"`
	Cycles       []CycleSummary `json:"cycles"`
	Trends       []MetricTrend  `json:"trends,omitempty"`
}

// NewReview builds the review of period (a Month, Quarter or Year window)
// from cycles and, for the metric trend, from reports (for example an
// Aggregator's daily, weekly or monthly Reports; those whose window starts
// outside the period are ignored). Cycles that neither were open during the
// period nor had activity in it are left out. A cycle's verdict is its
// latest check made before the period's end.
func NewReview(period Window, cycles []Cycle, reports []Report) (Review, error) {
	switch period.Granularity {
	case Month, Quarter, Year:
	default:
		return Review{}, fieldErr("period.granularity", "a review covers a month, a quarter or a year, got %s", period.Granularity)
	}
	in := func(t time.Time) bool { return !t.IsZero() && period.Contains(t) }
	end := period.End
	rv := Review{Period: period, Cycles: []CycleSummary{}}
	metrics := map[Metric]bool{} // metric -> higher is better, per the first cycle that targets it
	var order []Metric
	for _, c := range cycles {
		closedBefore := !c.ClosedAt.IsZero() && c.ClosedAt.Before(period.Start)
		if !c.OpenedAt.Before(end) || closedBefore {
			continue
		}
		s := CycleSummary{
			ID: c.ID, Problem: c.Plan.Problem, Metric: c.Plan.Metric, Phase: phaseAt(c, end),
			Baseline: c.Plan.Baseline.Value, Target: c.Plan.Target,
			OpenedIn: in(c.OpenedAt), ClosedIn: in(c.ClosedAt),
		}
		for _, ch := range c.Checks {
			if ch.At.Before(end) {
				f := ch.Measured
				s.Measured, s.Verdict = &f, ch.Verdict
				s.CheckedIn = s.CheckedIn || in(ch.At)
			}
		}
		for _, t := range c.History {
			if t.To == PhaseAct && t.At.Before(end) {
				s.Outcome = c.Outcome
				if in(t.At) {
					switch c.Outcome {
					case Standardised:
						rv.Standardised++
					case Continued:
						rv.Continued++
					}
				}
			}
		}
		if s.Phase != PhaseClosed {
			rv.OpenAtEnd++
			for _, a := range c.Plan.Actions {
				if a.Deadline.Before(end) && (a.DoneAt.IsZero() || !a.DoneAt.Before(end)) {
					s.Overdue++
				}
			}
			rv.Overdue += s.Overdue
		}
		if s.OpenedIn {
			rv.Opened++
		}
		if s.ClosedIn {
			rv.Closed++
		}
		if s.CheckedIn {
			rv.Checked++
			switch s.Verdict {
			case Met:
				rv.Met++
			case NotMet:
				rv.NotMet++
			case Inconclusive:
				rv.Inconclusive++
			}
		}
		rv.Cycles = append(rv.Cycles, s)
		if _, seen := metrics[c.Plan.Metric]; !seen {
			metrics[c.Plan.Metric] = c.Plan.higher()
			order = append(order, c.Plan.Metric)
		}
	}
	rs := append([]Report(nil), reports...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Window.Start.Before(rs[j].Window.Start) })
	for _, m := range order {
		tr := MetricTrend{Metric: m, Points: []TrendPoint{}}
		var first, last *TrendPoint
		for _, r := range rs {
			if !period.Contains(r.Window.Start) {
				continue
			}
			f, ok := r.Figure(m)
			if !ok || f.N == 0 {
				continue // no data for this metric in that window
			}
			tr.Points = append(tr.Points, TrendPoint{Window: r.Window, Value: f.Value, Lower: f.Lower, Upper: f.Upper, N: f.N, Insufficient: f.Insufficient})
		}
		for i := range tr.Points {
			if p := &tr.Points[i]; !p.Insufficient {
				if first == nil {
					first = p
				}
				last = p
			}
		}
		if first != nil && last != first {
			tr.Change = last.Value - first.Value
			tr.Improving = (tr.Change > 0) == metrics[m] && tr.Change != 0
		}
		if len(tr.Points) > 0 {
			rv.Trends = append(rv.Trends, tr)
		}
	}
	return rv, nil
}

// phaseAt returns the phase the cycle was in just before t, from its
// history.
func phaseAt(c Cycle, t time.Time) Phase {
	p := PhasePlan
	for _, tr := range c.History {
		if tr.At.Before(t) {
			p = tr.To
		}
	}
	return p
}

// String renders the review as a short plain-text report.
func (r Review) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "PDCA review %s (%s)\n", r.Period.Label(), r.Period.Granularity)
	fmt.Fprintf(&b, "cycles: %d opened, %d closed, %d open at end; %d overdue actions\n", r.Opened, r.Closed, r.OpenAtEnd, r.Overdue)
	fmt.Fprintf(&b, "checks: %d checked: %d met, %d not met, %d inconclusive\n", r.Checked, r.Met, r.NotMet, r.Inconclusive)
	fmt.Fprintf(&b, "decisions: %d standardised, %d continued\n", r.Standardised, r.Continued)
	for _, c := range r.Cycles {
		fmt.Fprintf(&b, "- %s [%s] %s: %s baseline %.4g target %.4g", c.ID, c.Phase, c.Problem, c.Metric, c.Baseline, c.Target)
		if c.Measured != nil {
			fmt.Fprintf(&b, " measured %.4g (n=%d) %s", c.Measured.Value, c.Measured.N, c.Verdict)
		}
		b.WriteString("\n")
	}
	for _, t := range r.Trends {
		fmt.Fprintf(&b, "trend %s:", t.Metric)
		for _, p := range t.Points {
			fmt.Fprintf(&b, " %s=%.4g", p.Window.Label(), p.Value)
			if p.Insufficient {
				b.WriteString("*")
			}
		}
		dir := "flat"
		switch {
		case t.Improving:
			dir = "improving"
		case t.Change != 0:
			dir = "worsening"
		}
		fmt.Fprintf(&b, " (%+.4g, %s)\n", t.Change, dir)
	}
	return b.String()
}
