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
//     reopened); every complaint runs ComplaintDefinition: investigation
//     after the three verifications, escalation to tier 2 and a team lead's
//     approval for refunds above 5,000, tier 3 (the special task force,
//     recorded on the machine) for product complaints while their team is
//     on red, rework when the customer is not satisfied,
//     and the five confirmations before closing. Transfers keep the first
//     responder accountable. (desk.go,
//     lifecycle.go)
//   - sla/workforce: a Dispatcher assigns every waiting case by SLA urgency
//     (the tracker's first-response clock, then its resolution clock) to
//     an agent of its team with the skills it needs (complaints by the
//     classifier's category, escalations and approvals to seniors), back
//     to its previous owner when it returns; each assignment drives the
//     case machine's AssignAt or TransferAt. Each midnight a Forecaster
//     forecasts the day per team and hour from the month's history (the
//     arrival pattern before there is one), NewPlan staffs it by Erlang C
//     for 80 % of first responses within 20 minutes, CheckRoster compares
//     the agents' shifts; every hour the board's ShortageRule compares the
//     agents on duty with the agents needed. (route.go, staff.go)
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
//     stakeholders notified, recovery, resolution, review). (watch.go,
//     incident.go)
//   - feedback: the classifier sorts complaint text (Chinese and English)
//     into causes; Aggregators give CSAT, NPS, FCR, handling and answer
//     times and the complaint rate per 1,000 orders; every closed complaint
//     gets a return visit within 48 hours; the incident's rectification item
//     is verified by a return visit and closes only after the customer is
//     informed; the first mass complaint or complaint-volume warning (failing
//     that, the end of the second week) opens a PDCA cycle on the category
//     with the most complaints of the last 7 days, whose actions really lower
//     those complaints; the check measures the desk's complaint rate per
//     1,000 orders on the first full week after them. (watch.go, loop.go,
//     pdca.go)
//   - incentive: at month end every agent's scorecard (CSAT, FCR, first
//     responses in target, minutes per item), graduated tiers on resolved
//     cases and a target bonus make a statement; agents are ranked with the
//     bottom 10 % flagged and over-achievers earn points. (pay.go)
//
// # Time and determinism
//
// Every engine of the packages schedules on the desk's one timeline (an
// sla.Tracker passed to each with its WithTracker option): SLA clocks, the
// board's next evaluation, obligations, incidents, return visits and
// rectification items. The simulation keeps an agenda of desk events and,
// before each, advances the timeline to it. Every call passes its instant
// explicitly (the ...At forms) and the clock.NewMock every component is
// given moves once per simulated day. The same flags give byte-identical
// output: the terminal report, report.html and data.json.
//
// # The report
//
// The terminal report has these sections: Key figures (CSAT, NPS, FCR,
// AHT, ASA, cycle time, complaint rate, first responses and return visits
// in target, the PDCA result, incident milestones and short-staffed hours,
// with their 95 % intervals), Volume, Staffing, SLA attainment per
// priority (with targets), Warnings (level changes with evidence, signals,
// obligations), Incident (timeline and milestones), Feedback (return
// visits, rectification), PDCA, Statements (top and bottom), and A
// complaint's path. With -out, report.html shows the key figures as tiles
// and four inline SVG charts (daily volume, daily first-response
// attainment against the warning thresholds, warning levels, agents
// required and scheduled per open hour), with no script and no external
// asset, and data.json holds the raw data. Every instant printed or saved
// is in the desk's time zone.
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
