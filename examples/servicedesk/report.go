package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/incentive"
)

// writeText writes the terminal report.
func writeText(w io.Writer, r *Result) error {
	p := &printer{w: w}
	loc, err := time.LoadLocation(r.Location)
	if err != nil {
		return err
	}
	ts := func(t time.Time) string { return t.In(loc).Format("Mon 01-02 15:04") }
	c := r.Config
	p.f("sqkit service desk: %d days from %s (%s), %d agents, %d arrivals a day on average, seed %d\n",
		c.Days, r.Start.In(loc).Format("Mon 2006-01-02"), r.Location, c.Agents, c.PerDay, c.Seed)

	p.section("Key figures")
	for _, f := range keyFigures(r) {
		p.f("%s\n", f.line())
	}

	p.section("Volume")
	var arrivals, complaints, surge int
	for _, d := range r.Days {
		arrivals += d.Arrivals
		complaints += d.Complaints
		surge += d.SurgeComplaints
	}
	p.f("arrivals %d: %d tickets, %d complaints (%d about the faulty batch); closed %d, open at the end %d\n",
		arrivals, arrivals-complaints, complaints, surge, r.Closed, r.OpenAtEnd)
	fl := r.Flow
	p.f("tickets: %d waited on the customer, %d escalated to a senior, %d reopened; complaints: %d refunds approved at tier 2 (%d by the manager), %d sent to the task force at tier 3, %d reworked; %d transfers, %d cases back with their owner\n",
		fl.WaitedOnCustomer, fl.EscalatedTickets, fl.Reopened, fl.Approvals, fl.ManagerApprovals, fl.TaskForce, fl.Reworked, fl.Transfers, fl.BackToOwner)
	p.f("%-10s %-3s %8s %10s %8s %9s %9s\n", "date", "day", "arrivals", "complaints", "FR in %", "SLA warn", "backlog")
	for _, d := range r.Days {
		att := "-"
		if v, ok := d.FRAttainment(); ok {
			att = fmt.Sprintf("%.1f", v)
		}
		p.f("%-10s %-3s %8d %10d %8s %9d %9d\n", d.Date, d.Weekday, d.Arrivals, d.Complaints, att, d.SLAWarnings, d.Backlog)
	}

	writeStaffing(p, r, ts)

	p.section("SLA attainment per priority")
	p.f("%-15s %-10s %-40s %7s %9s %8s %11s\n", "metric", "priority", "target", "met", "breached", "open", "attainment")
	for _, a := range attainmentRows(r) {
		p.f("%-15s %-10s %-40s %7d %9d %8d %10.1f%%\n", a.Metric, a.Priority, a.Target, a.Met, a.Breached, a.InProgress, a.PercentMet)
	}
	var warn, breach, remind int
	for _, d := range r.Days {
		warn, breach, remind = warn+d.SLAWarnings, breach+d.SLABreaches, remind+d.SLAReminders
	}
	p.f("SLA clock events: %d warnings, %d breaches, %d overdue reminders\n", warn, breach, remind)

	writeTimes(p, r)
	writeApprovals(p, r, ts)

	p.section("Warnings")
	if len(r.Warnings) == 0 {
		p.f("no warning level was raised\n")
	}
	for _, ch := range r.Warnings {
		p.f("%s  %-10s %-6s -> %-6s %s\n", ts(ch.At), ch.Subject, ch.From, ch.To, evidence(ch.Evidence))
	}

	p.f("signals:\n")
	if len(r.Signals) == 0 {
		p.f("  none\n")
	}
	for _, sg := range r.Signals {
		p.f("  %s  %-10s %s: %s; level now %s\n", ts(sg.At), sg.Team, sg.Event, sg.Detail, sg.Level)
	}
	p.f("obligations of the levels:\n")
	if len(r.Obligations) == 0 {
		p.f("  none\n")
	}
	for _, ob := range r.Obligations {
		closed := "open"
		if !ob.ClosedAt.IsZero() {
			closed = fmt.Sprintf("%s by %s at %s", ob.State, ob.ClosedBy, ts(ob.ClosedAt))
		}
		late := ""
		if !ob.MissedAt.IsZero() {
			late = ", missed at " + ts(ob.MissedAt)
			if ob.Escalated != nil {
				late += fmt.Sprintf(" (escalated %s -> %s)", ob.Escalated.From, ob.Escalated.To)
			}
		}
		p.f("  %s  %-10s %-6s %s, due %s%s; %s\n", ts(ob.OpenedAt), ob.Subject, ob.Level, ob.Action, ts(ob.Due), late, closed)
	}

	p.section("Incident")
	if len(r.Incidents) == 0 {
		p.f("no incident was declared (no mass complaint)\n")
	}
	for _, in := range r.Incidents {
		plan := "no plan"
		if pl, ok := in.Plan(); ok {
			plan = fmt.Sprintf("plan %s v%d (%s)", pl.PlanID, pl.Version, pl.Reason)
		}
		p.f("%s %s grade %s (%s) on %s: %s\n", in.ID, in.Type, in.Grade, in.Grade.Description(), in.Report.Subject, in.Report.Title)
		p.f("  now %s at %s; %s\n", in.State, in.Tier, plan)
		for _, e := range r.IncidentEvents {
			if e.Incident != in.ID {
				continue
			}
			what := incidentWhat(e)
			p.f("  %s  +%-9s %-17s %s\n", ts(e.At), since(in.ReportedAt, e.At), e.Kind, what)
		}
		p.f("  timeline:\n")
		for _, ms := range in.Milestones {
			met := "not met"
			if !ms.MetAt.IsZero() {
				met = "met +" + since(in.ReportedAt, ms.MetAt)
			}
			if ms.Late {
				met += " (late)"
			}
			p.f("    %-22s within %-6v %s\n", ms.Name, ms.Within, met)
		}
		if rv := in.Review; rv != nil {
			p.f("  review by %s at %s: %s; root cause: %s\n", rv.Reviewer, ts(rv.At), rv.Summary, rv.RootCause)
			for _, a := range rv.ActionItems {
				p.f("    action %s (%s, due %s): %s\n", a.ID, a.Owner, ts(a.Due), a.Description)
			}
		}
	}

	p.section("Feedback")
	p.f("CSAT, NPS, FCR, AHT, ASA, cycle time and the complaint rate: see the key figures; every key figure against its target: see Targets\n")
	cats := make([]string, 0, len(r.Categories))
	for k := range r.Categories {
		cats = append(cats, k)
	}
	slices.Sort(cats)
	var parts []string
	for _, k := range cats {
		parts = append(parts, fmt.Sprintf("%s %d", k, r.Categories[k]))
	}
	p.f("complaints by classified cause: %s\n", strings.Join(parts, ", "))
	writeChannels(p, r)
	if r.Classified > 0 {
		p.f("classifier agrees with the simulated cause on %d of %d complaints (%.1f%%)\n",
			r.ClassifiedAsDrawn, r.Classified, 100*float64(r.ClassifiedAsDrawn)/float64(r.Classified))
	}

	rv := r.ReturnVisits
	p.f("return visits: %d scheduled (%d human follow-ups), %d made (%d late), %d overdue at the end; %d satisfied, %d problems recurred\n",
		rv.Scheduled, rv.Human, rv.Made, rv.Late, rv.Overdue, rv.Satisfied, rv.Recurred)
	for _, a := range rv.Attainment {
		p.f("  %-9s visits in 48h: %d met, %d late, %d open (%.1f%%)\n", a.Priority, a.Met, a.Breached, a.InProgress, a.PercentMet)
	}
	for _, it := range r.Rectifications {
		p.f("rectification %s (%s, from %s %s, owner %s): %s\n", it.ID, it.Category, it.Source.Kind, it.Source.ID, it.Owner, it.State)
		for _, h := range it.History {
			p.f("  %s  %-14s -> %-17s by %s %s\n", ts(h.At), h.Event, h.To, h.Actor, h.Reason)
		}
		for _, v := range it.Verifications {
			p.f("  verification by visit %s at %s: passed %v %s\n", v.VisitID, ts(v.At), v.Passed, v.Note)
		}
	}

	p.section("Chat bot")
	p.lines(botLines(r))

	p.section("Quality inspection")
	p.lines(inspectionLines(r))

	writeTargets(p, r)

	p.section("PDCA")
	if len(r.PDCA) == 0 {
		p.f("no improvement cycle was opened (no complaint warning, and the run is shorter than two weeks)\n")
	}
	for _, cy := range r.PDCA {
		pl := cy.Plan
		p.f("%s  phase %s, opened %s\n", cy.ID, cy.Phase, ts(cy.OpenedAt))
		p.f("  problem: %s\n", pl.Problem)
		p.f("  metric %s: baseline %.2f, target %.2f\n", pl.Metric, pl.Baseline.Value, pl.Target)
		for _, a := range pl.Actions {
			done := "not done"
			if a.Done() {
				done = "done " + ts(a.DoneAt)
			}
			p.f("  action %s (%s, due %s): %s, %s\n", a.ID, a.Owner, ts(a.Deadline), a.Description, done)
		}
		for _, ck := range cy.Checks {
			p.f("  check %s: %s -> %s (%s)\n", ck.Window, ck.Measured, ck.Verdict, ck.Reason)
		}
		switch cy.Outcome {
		case feedback.Standardised:
			p.f("  outcome: standardised: %s\n", cy.Standard)
		case feedback.Continued:
			p.f("  outcome: continued in %s\n", cy.Next)
		}
	}

	p.section("Statements")
	p.f("plan desk-monthly, rules hash %s, %d statements, payout %s\n", short(r.RulesHash), len(r.Statements), r.Payout)
	byPerson := map[string]incentive.Statement{}
	for _, st := range r.Statements {
		byPerson[st.Person] = st
	}
	line := func(rk incentive.Ranked) {
		st := byPerson[rk.ID]
		var kpis []string
		for _, k := range st.KPIs {
			kpis = append(kpis, fmt.Sprintf("%s %s", k.KPI, k.Value))
		}
		flag := ""
		if rk.Bottom {
			flag = "  [bottom 10%]"
		}
		p.f("  #%-3d %-14s score %-7s grade %-2s %-14s %s%s\n", rk.Rank, rk.ID, st.Score, st.Grade, st.Total, strings.Join(kpis, ", "), flag)
	}
	if len(r.Ranking) <= 6 {
		p.f("ranking:\n")
		for _, rk := range r.Ranking {
			line(rk)
		}
	} else {
		p.f("top:\n")
		for _, rk := range r.Ranking[:3] {
			line(rk)
		}
		p.f("bottom:\n")
		for _, rk := range r.Ranking[len(r.Ranking)-3:] {
			line(rk)
		}
	}
	if len(r.Ranking) > 0 {
		st := byPerson[r.Ranking[0].ID]
		p.f("statement of %s:\n", st.Person)
		for _, l := range st.Lines {
			p.f("  %-12s %-9s %-9s %8s x %-5s = %s\n", l.Kind, l.Source, l.Tier, l.Quantity, l.Rate, l.Amount)
		}
	}

	p.section("Assessments")
	p.lines(assessmentLines(r))

	p.section("A complaint's path")
	if r.SampleComplaint == nil {
		p.f("no complaint went through approval and rework this time\n")
	}
	if sc := r.SampleComplaint; sc != nil {
		writePath(p, sc, ts)
	}
	return p.err
}

// writePath writes a complaint's path: its assignments and transfers,
// approvals, completed checklists, escalations and transitions in time
// order (steps of one instant in the order the desk takes them).
func writePath(p *printer, sc *fsm.Snapshot, ts func(time.Time) string) {
	p.f("%s: tier %d, owner %s, first responder %s, amount %d\n", sc.ID, sc.Tier, sc.Owner, sc.FirstResponder, sc.Amount)
	type step struct {
		at   time.Time
		text string
	}
	var steps []step
	marked := map[string]int{}
	for _, m := range sc.Marks {
		marked[m.Checklist]++
		if marked[m.Checklist] == len(checklistItems[m.Checklist]) {
			steps = append(steps, step{m.At, fmt.Sprintf("%-12s %s complete by %s", "checklist", m.Checklist, m.Actor)})
		}
	}
	for _, e := range sc.Escalations {
		steps = append(steps, step{e.At, fmt.Sprintf("%-12s tier %d -> %d by %s: %s", "escalate", e.From, e.To, e.Actor, e.Reason)})
	}
	for _, tr := range sc.Transfers {
		what := fmt.Sprintf("%-12s %s -> %s: %s", "transfer", tr.From, tr.To, tr.Reason)
		if tr.From == "" {
			what = fmt.Sprintf("%-12s %s: %s", "assign", tr.To, tr.Reason)
		}
		steps = append(steps, step{tr.At, what})
	}
	approvals := sc.ReplacedApprovals
	if sc.Approval != nil {
		approvals = append(slices.Clone(approvals), *sc.Approval)
	}
	for _, a := range approvals {
		steps = append(steps, step{a.At, fmt.Sprintf("%-12s by %s as %s: %s", "approve", a.Approver, a.Role, a.Reason)})
	}
	for _, h := range sc.History {
		steps = append(steps, step{h.At, fmt.Sprintf("%-12s %-13s -> %-13s by %s: %s", h.Event, h.From, h.To, h.Actor, h.Reason)})
	}
	slices.SortStableFunc(steps, func(a, b step) int { return a.at.Compare(b.at) })
	for _, st := range steps {
		p.f("  %s  %s\n", ts(st.at), st.text)
	}
}

// checklistItems are the items of the complaint preset's checklists.
var checklistItems = map[string][]string{
	fsm.ThreeVerifications: {fsm.ItemCustomerIdentity, fsm.ItemOrderInformation, fsm.ItemProblemDescription},
	fsm.FiveConfirmations: {fsm.ItemSolution, fsm.ItemProgress, fsm.ItemCustomerFeedback,
		fsm.ItemImprovementMeasure, fsm.ItemPreventionMechanism},
}

// incidentWhat says what an incident event is about.
func incidentWhat(e emergency.IncidentEvent) string {
	what := e.Detail
	switch e.Kind {
	case emergency.EventEscalated, emergency.EventAcknowledged, emergency.EventAckTimeout:
		what = e.Tier.String()
	case emergency.EventMilestoneMet, emergency.EventMilestoneMissed:
		what = e.Milestone
	case emergency.EventTransitioned:
		what = string(e.State)
	}
	if e.Actor != "" && e.Kind != emergency.EventReviewed {
		what += " by " + e.Actor
	}
	return what
}

// since formats the time from a to b to the minute: "8m", "3h39m", "2d8h51m".
func since(a, b time.Time) string {
	d := b.Sub(a).Round(time.Minute)
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%dh%02dm", days, h, m)
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// evidence renders the evidence of a level change in one line.
func evidence(e emergency.Evidence) string {
	switch e.Kind {
	case emergency.KindThreshold:
		return fmt.Sprintf("%s: %s %.1f (bound %.1f)", e.Rule, e.Measure, e.Value, e.Bound)
	case emergency.KindChange:
		if t := e.Test; t != nil {
			return fmt.Sprintf("%s: %d complaints in 7 days vs %d the week before (%+.0f%%, p=%.2g, alpha %.2g, min %d)",
				e.Rule, t.Counts.Current, t.Counts.Baseline, 100*t.RelativeChange, t.PValue, t.Alpha, t.MinVolume)
		}
		return fmt.Sprintf("%s: rate %.1f vs %.1f", e.Rule, e.Value, e.Baseline)
	case emergency.KindEvent:
		return fmt.Sprintf("%s: %s %s", e.Rule, e.Event, e.Detail)
	case emergency.KindShortage:
		if e.Demand <= 0 {
			return fmt.Sprintf("%s: %.0f agents on duty, none needed (bound %.2f)", e.Rule, e.Available, e.Bound)
		}
		return fmt.Sprintf("%s: %.0f agents on duty for %.0f needed (coverage %.2f, bound %.2f)", e.Rule, e.Available, e.Demand, e.Value, e.Bound)
	case emergency.KindFloor:
		return fmt.Sprintf("floor %s: %s", e.Rule, e.Detail)
	}
	return fmt.Sprintf("%s (%s)", e.Rule, e.Kind)
}

// printer writes formatted lines and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) section(title string) { p.f("\n== %s ==\n", title) }

// lines writes each line.
func (p *printer) lines(ls []string) {
	for _, l := range ls {
		p.f("%s\n", l)
	}
}
