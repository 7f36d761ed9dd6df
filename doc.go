// Package sqkit is an embeddable Go SDK for service-quality workflows.
//
// sqkit runs no server and owns no database. A host service imports the
// packages it needs and wires their primitives together with small adapters
// of its own; this root package holds only this overview and a runnable
// example of such an adapter.
//
// # Packages
//
//   - [github.com/sqkit/sqkit/fsm]: ticket, complaint and other lifecycles on
//     github.com/looplab/fsm: validated definitions shared by every machine,
//     guards, checklists ("three verifications", "five confirmations"),
//     handling tiers, transfers that keep the first responder accountable,
//     approvals above an amount, history, snapshots, Mermaid and DOT export.
//   - [github.com/sqkit/sqkit/sla]: business calendars (weekly windows,
//     holidays, make-up days, DST-correct interval arithmetic), effective-dated
//     SLA policies with warning ladders and reminders, pure SLA clocks, and a
//     tracker that fires warnings, breaches, reminders and met events at their
//     exact minute from one deadline queue.
//   - [github.com/sqkit/sqkit/emergency]: yellow/orange/red warning levels
//     from rules with hysteresis and exact statistical tests, a board that keeps
//     every subject's level with its evidence, obligations per level, incidents
//     with response timelines, escalation, response plans, drills and reviews.
//   - [github.com/sqkit/sqkit/feedback]: CSAT, NPS, CES, FCR and service-level
//     metrics with intervals in streaming windows, complaint classification,
//     rectification items and return visits that close the loop, and PDCA
//     improvement cycles with periodic reviews.
//   - [github.com/sqkit/sqkit/incentive]: exact money and decimals, tiered
//     bonus tables, target bonuses, KPI scorecards, rankings, pool splits,
//     explainable hashed statements, appeals and a points ledger.
//
// # How the parts compose
//
// Imports point one way. The internal deadline queue serves sla; fsm and sla
// serve emergency and feedback; incentive stands alone and consumes plain
// numbers; nothing imports the examples.
//
//	internal/deadline ──► sla ──┬──► emergency
//	                     fsm ───┴──► feedback
//	incentive (plain numbers in, statements out)
//
// The host connects them: a hook on a ticket's state machine starts, pauses
// and stops its SLA clocks; tracker events feed an emergency board's rules and
// the feedback metrics; month-end figures become incentive statements. The
// package example shows the first of these adapters, and
// examples/servicedesk wires all of them into a simulated month of a service
// desk:
//
//	go run ./examples/servicedesk
//
// # Time
//
// Every time-dependent type takes its time source as a clock.Clock from
// github.com/benbjohnson/clock (default clock.New()), and every operation that
// depends on "now" also has an explicit-time ...At form. Engines keep their own
// deadline queue rather than one mock timer per deadline, so a test suite on
// clock.NewMock jumps a month in one call, every event fires at its own minute,
// and the same inputs give the same output on every run.
package sqkit
