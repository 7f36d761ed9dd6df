// Command servicedesk simulates a month of a service desk with every sqkit
// package wired together, and prints what happened.
//
// It is the program a newcomer runs first:
//
//	go run ./examples/servicedesk
//	go run ./examples/servicedesk -days 7 -per-day 100 -agents 6 -seed 42
//	go run ./examples/servicedesk -out report   # also report/report.html and report/data.json
//
// Flags (`-h` lists them):
//
//	-days N        days to simulate (30)
//	-agents N      agents, split over three teams (12)
//	-per-day N     mean arrivals (tickets and complaints) a day (300)
//	-seed N        seed of the random source (1)
//	-surge-day N   0-based day a faulty batch starts a complaint surge (10; -1: none)
//	-out DIR       also write DIR/report.html and DIR/data.json
//
// # The month
//
// Tickets and complaints arrive by phone, chat, email and web: Poisson
// arrivals with a weekly pattern (busy Mondays, quiet Sundays) and a daily
// one, drawn from a seeded math/rand/v2 source. Three teams of agents work
// early and late shifts of a business calendar in Asia/Shanghai (weekdays
// 08:00-12:00 and 13:00-20:00, shorter weekends).
// On day 10 a faulty product batch starts a surge of complaints, mostly by
// phone, until the desk's corrective actions take it off the market.
//
// # How the packages are wired (the adapters a host writes)
//
//   - fsm: every ticket runs TicketDefinition (assigned, in progress, waiting
//     on the customer, escalated to a senior, resolved, closed, sometimes
//     reopened); the owner and the assignment event are set in one step
//     (FireAssignAt). Every complaint runs ComplaintSpecWithAuthority on the
//     desk's AuthorityMatrix: investigation after the three verifications;
//     refunds above the front line's limit (5,000, or 2,000 for goodwill on
//     service-process complaints) escalate to tier 2, where a senior agent
//     approves as supervisor (ApproveAsAt) up to 20,000 (10,000 on the
//     urgent phone fast track) and the service manager above; tier 3 (the
//     special task force) takes product complaints while their team is on
//     red; rework when the customer is not satisfied; the five
//     confirmations before closing. Transfers keep the first responder
//     accountable. At month end Authority.Audit lists the approvals by
//     approver, and AnalyzeTimes the time per state and transition in
//     working hours on the desk's calendar: rework loops, repeated
//     approvals, the slowest and the no-value steps. (desk.go, lifecycle.go,
//     authority.go, times.go)
//   - the chat bot: 60 % of chat tickets go to the bot first (TicketBotStart),
//     which answers most of them (TicketBotResolve) and hands the rest to
//     the agent the dispatcher names (FireAssignAt with TicketHandOff);
//     fsm.Containment counts the histories and checks human intervention
//     against the seeds' 15 %, feedback counts every session
//     (AddBotSession). (bot.go)
//   - sla/workforce: a Dispatcher assigns every waiting case by SLA urgency
//     (the tracker's first-response clock, then its resolution clock) to
//     an agent of its team with the skills it needs (complaints by the
//     classifier's category, escalations and approvals to seniors), back
//     to its previous owner when it returns; each assignment drives the
//     case machine's FireAssignAt, AssignAt or TransferAt. Each midnight a
//     Forecaster forecasts the day per team and hour from the month's
//     history (the arrival pattern before there is one), NewPlan staffs it
//     by Erlang C for 80 % of first responses within 20 minutes,
//     CheckRoster compares the agents' shifts; every hour the board's
//     ShortageRule compares the agents on duty with the agents needed.
//     (route.go, staff.go)
//   - sla: the desk's policy gives first-response and resolution targets by
//     priority on the business calendar, complaints around the clock; the
//     resolution clock pauses while waiting on the customer; a Tracker fires
//     warnings, breaches and reminders. (desk.go, lifecycle.go)
//   - emergency: a Board per team watches complaints week over week (exact
//     test), the day's first-response attainment (thresholds with
//     hysteresis) and mass complaints (red at once), with the evidence of
//     every change; Obligations give yellow a rectification plan within 3
//     days and red a task force within 15 minutes; a mass complaint
//     declares an incident that people handle along its response timeline
//     (acknowledgement, escalation up the ladder, assessment, response plan,
//     stakeholders notified, recovery, resolution, review). An agent with a
//     yellow card is kept at least yellow on the same board (a floor).
//     (watch.go, incident.go, assess.go)
//   - feedback: the classifier sorts complaint text (Chinese and English)
//     into causes; one Aggregator, sliced by agent, team and channel and
//     survey question (Config.Slicings), counts every closed case, survey
//     invitation (response rate), answer (overall satisfaction and
//     problem-resolution satisfaction), bot session and inspection; the
//     complaints counted at arrival give the complaint rate per 1,000
//     orders. Every closed complaint gets a return visit within 48 hours;
//     whether its problem came back gives the complaint resolution rate.
//     At mid-month and month end a seeded stratified spot check (DrawSample,
//     20 % of each agent's work, at least 3 items, random inspectors) is
//     scored on the desk's ScoreSheet from each case's record, and the
//     results go into the aggregator (AddInspection). The month's figures
//     meet the seeds' targets and the desk's own (Report.Versus): gap, and
//     whether the interval excludes the target. The incident's
//     rectification item is verified by a return visit and closes only
//     after the customer is informed; the first mass complaint or
//     complaint-volume warning (failing that, the end of the second week)
//     opens a PDCA cycle on the category with the most complaints of the
//     last 7 days, whose actions really lower those complaints; the check
//     measures the desk's complaint rate per 1,000 orders on the first full
//     week after them. (watch.go, survey.go, period.go, inspect.go,
//     targets.go, loop.go, pdca.go)
//   - incentive: at month end every agent's scorecard (CSAT, FCR, first
//     responses in target, minutes per item, and the inspection score as a
//     plain number), graduated tiers on resolved cases and a target bonus
//     make a statement in a Book; agents are ranked with the bottom 10 %
//     flagged and over-achievers earn points. An Assessor takes the
//     mid-month ranking (on the first half's scorecard) and the month-end
//     one as consecutive periods: bottom 10 % at both gives a yellow card,
//     graded, its penalty posted to the statement as a compensating
//     adjustment with its reason, open to appeal for 7 days. (pay.go,
//     assess.go)
//
// # Time and determinism
//
// Every engine of the packages schedules on the desk's one timeline (an
// sla.Tracker passed to each with its WithTracker option): SLA clocks, the
// board's next evaluation, obligations, incidents, return visits and
// rectification items. The simulation keeps an agenda of desk events and,
// before each, advances the timeline to it. Every call passes its instant
// explicitly (the ...At forms) and the clock.NewMock every component is
// given moves once per simulated day. Two seeded sources draw the
// randomness: one the month itself, the other what the desk only observes
// (the survey's second question, the inspectors' marks), so that observing
// more leaves the month as it was. The same flags give byte-identical
// output: the terminal report, report.html and data.json.
//
// # The report
//
// The terminal report has these sections: Key figures (CSAT as overall
// satisfaction, NPS, FCR, AHT, ASA, cycle time, complaint rate, first
// responses and return visits in target, the PDCA result, incident
// milestones and short-staffed hours, with their 95 % intervals), Volume,
// Staffing, SLA attainment per priority (with targets), Process times
// (tickets and complaints: lead time, no-value share, loops, approvals,
// slowest steps, a table per state), Approvals (the authority matrix and
// the audit by approver), Warnings (level changes with evidence, signals,
// obligations), Incident (timeline and milestones), Feedback (return
// visits, the survey's questions and response rate, a table per team and
// channel, rectification), Chat bot (containment and human intervention
// against the ceiling), Quality inspection (the samples, coverage, score,
// pass rate, critical failures), Targets (every key figure against its
// target: actual, interval, gap, whether the interval excludes the target,
// verdict), PDCA, Statements (top and bottom), Assessments (periods,
// outcomes with their penalties and appeal deadlines, adjustments, the net
// payout) and A complaint's path. With -out, report.html shows the key
// figures as tiles, four inline SVG charts (daily volume, daily
// first-response attainment against the warning thresholds, warning
// levels, agents required and scheduled per open hour) and the new
// sections as tables and lists, with no script and no external asset, and
// data.json holds the raw data. Every instant printed or saved is in the
// desk's time zone.
//
// # Speed
//
// BenchmarkMonth simulates the default month (30 days of 300 arrivals a
// day) with every package at work, against a budget of well under 10 s a
// month. Measure it with
//
//	go test -run '^$' -bench BenchmarkMonth -benchtime=1x -count=5 ./examples/servicedesk
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	_ "time/tzdata" // the desk's time zone, wherever the example runs
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run parses args, simulates and writes the report; it returns the exit
// code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("servicedesk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.Days, "days", cfg.Days, "number of days to simulate")
	fs.IntVar(&cfg.Agents, "agents", cfg.Agents, "number of agents, split over three teams")
	fs.IntVar(&cfg.PerDay, "per-day", cfg.PerDay, "mean arrivals (tickets and complaints) a day")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the random source")
	fs.IntVar(&cfg.SurgeDay, "surge-day", cfg.SurgeDay, "0-based day a faulty batch starts a complaint surge (-1: none)")
	out := fs.String("out", "", "directory for report.html and data.json (optional)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) { // -h asked for the usage: not a failure
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "servicedesk: unexpected arguments %q\n", fs.Args())
		return 2
	}
	res, err := Simulate(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := writeText(stdout, res); err != nil {
		fmt.Fprintln(stderr, "servicedesk:", err)
		return 1
	}
	if *out != "" {
		if err := writeOut(*out, res); err != nil {
			fmt.Fprintln(stderr, "servicedesk:", err)
			return 1
		}
		fmt.Fprintf(stdout, "\nwrote %s and %s\n", filepath.Join(*out, "report.html"), filepath.Join(*out, "data.json"))
	}
	return 0
}
