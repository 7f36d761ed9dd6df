package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/sla"
)

// The month's key figures, formatted once for the terminal report and the
// HTML tiles alike: the same Result (or its data.json) gives the same
// strings in both.

// keyFigure is one headline figure: its name, value with its unit, the
// 95 % interval when it has one, and what it counts.
type keyFigure struct {
	Name     string
	Value    string
	Interval string
	Note     string
}

// line is the figure as one line of the terminal report.
func (f keyFigure) line() string {
	s := fmt.Sprintf("%-26s %s", f.Name, f.Value)
	if f.Interval != "" {
		s += " [" + f.Interval + "]"
	}
	return s + "  " + f.Note
}

// keyFigures returns the month's headline figures in reading order.
func keyFigures(r *Result) []keyFigure {
	fb := r.Feedback
	var out []keyFigure
	add := func(name string, f feedback.Figure, note string) {
		v, iv := figureText(f)
		out = append(out, keyFigure{Name: name, Value: v, Interval: iv, Note: fmt.Sprintf("%s; n=%d", note, f.N)})
	}
	add("CSAT", r.question(feedback.QuestionOverall).CSAT, "overall satisfaction: share of 4-5 answers on 1-5")
	add("NPS", fb.NPS, "promoters minus detractors")
	add("FCR", fb.FCR, "closed cases solved at first contact")
	add("AHT", fb.AHT, "agent time per closed case")
	add("ASA", fb.ASA, "arrival to first response")
	add("Cycle time", fb.CycleTime, "arrival to solution")
	add("Complaint rate", r.ComplaintRate, "complaints per 1,000 orders")

	met, decided := attained(r.Attainment, sla.FirstResponse)
	out = append(out, shareFigure("First responses in target", met, decided, "first-response clocks met"))
	vmet, vdecided := attained(r.ReturnVisits.Attainment, "")
	rv := r.ReturnVisits
	out = append(out, shareFigure("Return visits in 48 h", vmet, vdecided,
		fmt.Sprintf("%d made, %d satisfied, %d recurred", rv.Made, rv.Satisfied, rv.Recurred)))
	out = append(out, pdcaFigure(r), milestoneFigure(r), staffingFigure(r))
	return out
}

// attained counts the clocks of metric m (every metric when empty) that
// met their target, of those decided (met or breached).
func attained(att []sla.Attainment, m sla.Metric) (met, decided int64) {
	for _, a := range att {
		if m == "" || a.Metric == m {
			met, decided = met+int64(a.Met), decided+int64(a.Met+a.Breached)
		}
	}
	return met, decided
}

// shareFigure is hits of n as a percentage with its Wilson interval.
func shareFigure(name string, hits, n int64, note string) keyFigure {
	if n == 0 {
		return keyFigure{Name: name, Value: "-", Note: note + "; none decided"}
	}
	lo, hi := feedback.Wilson(hits, n, 0.95)
	return keyFigure{Name: name, Value: fmt.Sprintf("%.1f %%", 100*float64(hits)/float64(n)),
		Interval: fmt.Sprintf("%.1f-%.1f %%", 100*lo, 100*hi), Note: fmt.Sprintf("%s; %d of %d", note, hits, n)}
}

// pdcaFigure is the verdict of the month's last improvement check.
func pdcaFigure(r *Result) keyFigure {
	f := keyFigure{Name: "PDCA result", Value: "-", Note: "no improvement cycle"}
	for _, cy := range r.PDCA {
		f.Note = fmt.Sprintf("%s %s, phase %s", cy.ID, cy.Plan.CauseCategory, cy.Phase)
		if n := len(cy.Checks); n > 0 {
			ck := cy.Checks[n-1]
			v, iv := figureText(ck.Measured)
			f.Value, f.Interval = string(ck.Verdict), iv
			f.Note = fmt.Sprintf("%s %s: complaint rate %s against target %.2f ‰ (baseline %.2f ‰)",
				cy.ID, cy.Plan.CauseCategory, v, cy.Plan.Target, cy.Plan.Baseline.Value)
		}
	}
	return f
}

// milestoneFigure counts the incidents' milestones met on time.
func milestoneFigure(r *Result) keyFigure {
	f := keyFigure{Name: "Incident milestones", Value: "-", Note: "no incident"}
	var onTime, all int
	var late []string
	for _, in := range r.Incidents {
		for _, ms := range in.Milestones {
			all++
			switch {
			case ms.MetAt.IsZero():
				late = append(late, fmt.Sprintf("%s not met (target %s)", ms.Name, minutes(ms.Within.D())))
			case ms.Late:
				late = append(late, fmt.Sprintf("%s after %s (target %s)", ms.Name, since(in.ReportedAt, ms.MetAt), minutes(ms.Within.D())))
			default:
				onTime++
			}
		}
	}
	if all > 0 {
		f.Value = fmt.Sprintf("%d of %d on time", onTime, all)
		f.Note = "every milestone on time"
		if len(late) > 0 {
			f.Note = "late: " + strings.Join(late, "; ")
		}
	}
	return f
}

// staffingFigure counts the open hours the roster fell short of the plan.
func staffingFigure(r *Result) keyFigure {
	short := 0
	for _, iv := range r.Staffing.Intervals {
		if float64(iv.Required) > iv.Scheduled {
			short++
		}
	}
	t := r.Staffing.Target
	return keyFigure{Name: "Hours short-staffed", Value: fmt.Sprintf("%d of %d", short, len(r.Staffing.Intervals)),
		Note: fmt.Sprintf("roster against Erlang C for %.0f %% of first responses within %s; %.0f agent-hours short",
			100*t.ServiceLevel, minutes(t.AnswerWithin.D()), r.Staffing.ShortAgentHours)}
}

// figureText formats a feedback figure for people: minutes or hours, not
// seconds; its 95 % interval in the same unit.
func figureText(f feedback.Figure) (value, interval string) {
	unit, scale, digits := figureUnit(f)
	value = fmt.Sprintf("%.*f%s", digits, f.Value/scale, unit)
	interval = intervalText(f)
	if f.Insufficient {
		value += " (too few samples)"
	}
	return value, interval
}

// intervalText is a figure's interval in its unit ("" without a sample).
func intervalText(f feedback.Figure) string {
	if f.N == 0 {
		return ""
	}
	unit, scale, digits := figureUnit(f)
	return fmt.Sprintf("%.*f-%.*f%s", digits, f.Lower/scale, digits, f.Upper/scale, unit)
}

// figureUnit is the unit a figure is shown in (with its leading space),
// the scale from the figure's unit to it and the decimals shown.
func figureUnit(f feedback.Figure) (unit string, scale float64, digits int) {
	unit, scale, digits = "", 1.0, 1
	switch f.Unit {
	case feedback.UnitPercent:
		unit = " %"
	case feedback.UnitPer1000:
		unit, digits = " ‰", 2
	case feedback.UnitSeconds:
		unit, scale = " min", 60
		if f.Value >= 2*3600 {
			unit, scale = " h", 3600
		}
	}
	return unit, scale, digits
}

// minutes formats a duration for people: "20 min", "13.8 min", "2 h",
// "1.5 h".
func minutes(d time.Duration) string {
	if d >= 2*time.Hour || d >= time.Hour && d%time.Hour == 0 {
		return fmt.Sprintf("%g h", math.Round(d.Hours()*10)/10)
	}
	m := d.Minutes()
	if m == math.Trunc(m) {
		return fmt.Sprintf("%.0f min", m)
	}
	return fmt.Sprintf("%.1f min", m)
}

// slaRow is one line of the SLA attainment table.
type slaRow struct {
	sla.Attainment
	Target string
}

// attainmentRows returns the SLA attainment by metric, priorities in
// severity order (urgent, high, normal, low, then complaints), each with
// the desk policy's target.
func attainmentRows(r *Result) []slaRow {
	targets := policyTargets(deskPolicy())
	rows := make([]slaRow, 0, len(r.Attainment))
	for _, a := range r.Attainment {
		rows = append(rows, slaRow{Attainment: a, Target: targets[a.Metric][a.Priority]})
	}
	slices.SortStableFunc(rows, func(a, b slaRow) int {
		if c := cmp.Compare(a.Metric, b.Metric); c != 0 {
			return c
		}
		return cmp.Compare(priorityOrder(a.Priority), priorityOrder(b.Priority))
	})
	return rows
}

// policyTargets lists the policy's targets per metric and priority, for
// people: "10 min business time", "1 h (phone) / 24 h around the clock".
func policyTargets(p sla.Policy) map[sla.Metric]map[string]string {
	parts := map[sla.Metric]map[string][]string{}
	cals := map[string]string{}
	for _, rule := range p.Rules {
		key := "complaint"
		if pr := rule.Match["priority"]; len(pr) == 1 {
			key = pr[0]
		}
		cals[key] = "business time"
		if rule.Calendar == sla.CalendarAlways {
			cals[key] = "around the clock"
		}
		for _, tg := range rule.Targets {
			txt := minutes(tg.Within.D())
			if ch := rule.Match["channel"]; len(ch) > 0 {
				txt += " (" + strings.Join(ch, ", ") + ")"
			}
			if parts[tg.Metric] == nil {
				parts[tg.Metric] = map[string][]string{}
			}
			parts[tg.Metric][key] = append(parts[tg.Metric][key], txt)
		}
	}
	out := map[sla.Metric]map[string]string{}
	for m, byKey := range parts {
		out[m] = map[string]string{}
		for key, txt := range byKey {
			out[m][key] = strings.Join(txt, " / ") + " " + cals[key]
		}
	}
	return out
}

func priorityOrder(p string) int {
	if i := slices.Index(priorities, p); i >= 0 {
		return i
	}
	return len(priorities)
}
