// Command servicedesk simulates a month of a service desk with every sqkit
// package wired together, and prints what happened.
//
// It is the program a newcomer runs first:
//
//	go run ./examples/servicedesk
//	go run ./examples/servicedesk -days 7 -per-day 100 -agents 8 -seed 42
//	go run ./examples/servicedesk -out report   # also report/report.html and report/data.json
//
// Tickets and complaints arrive by phone, chat, email and web (Poisson
// arrivals with a weekly and daily pattern, from a seeded math/rand/v2
// source) at a desk of three teams working a business calendar. Every
// case runs through its fsm lifecycle (tickets; complaints with three
// tiers, the three verifications, approval above 5,000 and the five
// confirmations), with sla clocks for first response and resolution that
// pause while waiting on the customer and fire warnings and breaches.
// Complaints are classified by feedback's classifier; emergency rules watch
// each team's complaint volume and first-response attainment and raise
// yellow, orange and red with their evidence; the first complaint warning
// opens a PDCA cycle on the worst category, whose actions really lower the
// complaints in the simulation; at month end incentive issues every agent's
// statement from a scorecard, tiers and a target bonus.
//
// Everything runs on clock.NewMock with explicit instants, so the same seed
// gives byte-identical output.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
