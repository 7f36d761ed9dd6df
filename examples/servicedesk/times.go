package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/fsm"
)

// The desk's process times: fsm.AnalyzeTimes reads the month's ticket and
// complaint histories and says where their time goes, in working hours on
// the desk's calendar: every state and transition with p50 and p90, the
// rework loops (states entered again, transitions taken again), repeated
// approvals, the slowest steps, and the share of time spent in steps that
// add no value (queues and waiting on someone).

// slowStep is the working time from which any step counts as slow: a
// working day.
const slowStep = fsm.Duration(8 * time.Hour)

// ticketTiming judges the ticket lifecycle: the queue before the first
// reply is slow from 30 working minutes, the wait for a senior from an
// hour; waiting in a queue, for a senior and on the customer adds no
// value.
func ticketTiming(cal fsm.Calendar) fsm.TimingConfig {
	return fsm.TimingConfig{
		SlowFrom: slowStep,
		Thresholds: []fsm.Threshold{
			{State: fsm.TicketReceived, SlowFrom: fsm.Duration(30 * time.Minute)},
			{State: fsm.TicketEscalated, SlowFrom: fsm.Duration(time.Hour)},
		},
		NoValue:  []fsm.State{fsm.TicketReceived, fsm.TicketAssigned, fsm.TicketEscalated, fsm.TicketWaitingOnCustomer},
		Calendar: cal,
	}
}

// complaintTiming judges the complaint lifecycle: a complaint waits for
// its investigation at most an hour (the fast track's first response);
// the queue and the wait for the customer's feedback add no value.
func complaintTiming(cal fsm.Calendar) fsm.TimingConfig {
	return fsm.TimingConfig{
		SlowFrom:   slowStep,
		Thresholds: []fsm.Threshold{{State: fsm.ComplaintReceived, SlowFrom: fsm.Duration(time.Hour)}},
		NoValue:    []fsm.State{fsm.ComplaintReceived, fsm.ComplaintFeedingBack},
		Calendar:   cal,
	}
}

// processTimes analyses the traces of def's machines.
func processTimes(def *fsm.Definition, cfg fsm.TimingConfig, traces []fsm.Trace) (fsm.TimeReport, error) {
	return fsm.AnalyzeTimes(def, cfg, slices.Values(traces))
}

// trace is t's history for the time analysis, from its arrival. The
// process ends with the solution: a solved case's last stay (a ticket
// resolved and waiting for its automatic close, or closed; a closed
// complaint) is not measured, and the lead time runs to the solution. The
// stay of a case still open counts up to end.
func (t *ticket) trace(end time.Time) fsm.Trace {
	tr := t.m.Trace(t.arrived, end)
	if n := len(tr.History); n > 0 && !t.complaint && tr.History[n-1].Event == fsm.TicketClose {
		tr.History = tr.History[:n-1]
	}
	if n := len(tr.History); t.m.IsTerminal() || n > 0 && tr.History[n-1].To == fsm.TicketResolved {
		tr.End = time.Time{}
	}
	return tr
}

// analyseTimes is the month's process times of the desk's tickets and
// complaints.
func (s *sim) analyseTimes(cases []*ticket) ([]fsm.TimeReport, error) {
	var tickets, complaints []fsm.Trace
	for _, t := range cases {
		if t.complaint {
			complaints = append(complaints, t.trace(s.end))
		} else {
			tickets = append(tickets, t.trace(s.end))
		}
	}
	tr, err := processTimes(s.ticketDef, ticketTiming(s.cal), tickets)
	if err != nil {
		return nil, err
	}
	cr, err := processTimes(s.complaintDef, complaintTiming(s.cal), complaints)
	if err != nil {
		return nil, err
	}
	return []fsm.TimeReport{tr, cr}, nil
}

// timeRow is one state of a time report as the report prints it.
type timeRow struct {
	State                       fsm.State
	Entries, Stays, Reentries   int
	P50, P90, Max, Share, Flags string
}

// timeRows lists the states a report's machines entered.
func timeRows(tr fsm.TimeReport) []timeRow {
	var rows []timeRow
	for _, st := range tr.States {
		if st.Entries == 0 {
			continue
		}
		var flags []string
		if st.Slow {
			flags = append(flags, fmt.Sprintf("slow (%d of %d from %s)", st.Over, st.Count, minutes(st.SlowFrom.D())))
		}
		if st.NoValue {
			flags = append(flags, "no value")
		}
		rows = append(rows, timeRow{State: st.State, Entries: st.Entries, Stays: st.Count, Reentries: st.Reentries,
			P50: minutes(st.P50.D()), P90: minutes(st.P90.D()), Max: minutes(st.Max.D()),
			Share: fmt.Sprintf("%.1f %%", 100*st.Share), Flags: strings.Join(flags, ", ")})
	}
	return rows
}

// timeLines sum a time report up: lead time, no-value share, rework loops,
// repeated approvals and the slowest steps.
func timeLines(tr fsm.TimeReport) []string {
	var loops []string
	for _, t := range tr.Transitions {
		if t.Repeats > 0 {
			loops = append(loops, fmt.Sprintf("%s %d", t.Event, t.Repeats))
		}
	}
	if len(loops) == 0 {
		loops = append(loops, "none")
	}
	var slowest []string
	for _, st := range tr.Slowest {
		step := string(st.State)
		if st.Event != "" {
			step += " --" + string(st.Event) + "-> " + string(st.To)
		}
		if st.Slow {
			step += " (slow)"
		}
		slowest = append(slowest, fmt.Sprintf("%s p90 %s", step, minutes(st.P90.D())))
	}
	a := tr.Approvals
	return []string{
		fmt.Sprintf("%s: %d machines, %d records; lead time to the solution p50 %s, p90 %s (working hours, n=%d); %.1f %% of the time in steps of no value",
			tr.Definition, tr.Machines, tr.Records, minutes(tr.Lead.P50.D()), minutes(tr.Lead.P90.D()), tr.Lead.Count, 100*tr.NoValueShare),
		fmt.Sprintf("loops: %d machines entered a state again (%d re-entries); transitions taken again: %s; approvals: %d on %d machines, %d approved more than once",
			tr.ReworkedMachines, tr.Reentries, strings.Join(loops, ", "), a.Approvals, a.Machines, a.Repeated),
		"slowest: " + strings.Join(slowest, "; "),
	}
}

// timeBlock is one lifecycle's process times as the report shows them.
type timeBlock struct {
	Lines []string
	Rows  []timeRow
}

// timeBlocks are the month's process times, the same in text and HTML.
func timeBlocks(r *Result) []timeBlock {
	var out []timeBlock
	for _, tr := range r.ProcessTimes {
		out = append(out, timeBlock{Lines: timeLines(tr), Rows: timeRows(tr)})
	}
	return out
}

// writeTimes writes the report's process times section.
func writeTimes(p *printer, r *Result) {
	p.section("Process times")
	for _, b := range timeBlocks(r) {
		p.lines(b.Lines)
		p.f("  %-20s %7s %7s %9s %9s %9s %9s %7s\n", "state", "entries", "again", "measured", "p50", "p90", "max", "share")
		for _, row := range b.Rows {
			line := fmt.Sprintf("  %-20s %7d %7d %9d %9s %9s %9s %7s", row.State, row.Entries, row.Reentries, row.Stays, row.P50, row.P90, row.Max, row.Share)
			if row.Flags != "" {
				line += "  " + row.Flags
			}
			p.f("%s\n", line)
		}
	}
}
