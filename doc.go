// Package sqkit is an embeddable Go SDK for service-quality workflows.
//
// sqkit runs no server and owns no database. A host service imports the
// packages it needs and wires their primitives together with small adapters
// of its own:
//
//   - [github.com/sqkit/sqkit/fsm]: ticket and complaint state machines on
//     github.com/looplab/fsm, with guards, checklists, tiers, transfers,
//     approvals, history and snapshots.
//
// Every time-dependent type takes its time source as a clock.Clock from
// github.com/benbjohnson/clock, so a test suite drives the whole SDK with
// clock.NewMock and gets the same result on every run.
package sqkit
