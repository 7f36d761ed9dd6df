// Package fsm provides typed lifecycle state machines for service-quality
// workflows (tickets, complaints, incidents, rectifications), built on
// github.com/looplab/fsm.
//
// # Definitions and machines
//
// A Spec describes a lifecycle: its states, its events (each with source
// states, a destination, checklists to complete, guards and hooks), its
// terminal states, its checklists and its number of handling tiers.
// NewDefinition validates a Spec once, reporting every problem at once, and
// returns an immutable *Definition that is safe for concurrent use and
// shared by every Machine made from it. NewMachine allocates only the
// machine: creating one rebuilds nothing.
//
//	def, err := fsm.NewDefinition(fsm.Spec{
//		Name:     "task",
//		Initial:  "open",
//		States:   []fsm.State{"open", "working", "done"},
//		Terminal: []fsm.State{"done"},
//		Transitions: []fsm.Transition{
//			{Event: "start", From: []fsm.State{"open"}, To: "working"},
//			{Event: "finish", From: []fsm.State{"working"}, To: "done"},
//		},
//	})
//	m, err := fsm.NewMachine(def, fsm.WithClock(clk), fsm.WithID("T-1"))
//	rec, err := m.Fire(ctx, "start", fsm.By{Actor: "alice", Reason: "picked up"})
//
// # Firing events
//
// Machine.Fire (or FireAt with an explicit time) checks the context, looks
// the event up, checks the transition's checklists and runs its guards under
// the machine's lock, asks looplab/fsm to perform the transition, records it
// (event, from, to, actor, reason, time) and releases the lock before
// running hooks, which may fire further events on the same machine. Errors
// are typed and leave the machine unchanged: *UnknownEventError,
// *NotAllowedError, *GuardError (wrapping the guard's reason, e.g.
// *ChecklistIncompleteError or *ApprovalRequiredError) and *CancelledError;
// each matches a sentinel (ErrUnknownEvent, ErrNotAllowed, ErrGuardRefused,
// ErrCancelled, ...) with errors.Is.
//
// A self-transition (an event whose destination is its source) is a
// success: it is recorded and its hooks run, where raw looplab/fsm would
// return a NoTransitionError.
//
// Time comes from the machine's clock.Clock (default clock.New(); use a
// *clock.Mock in tests), or explicitly through the ...At methods.
//
// # Case data: checklists, tiers, owners, approvals
//
// Besides its state and history a machine carries the data service-quality
// rules need, all recorded with actor and time and all part of its
// Snapshot:
//
//   - Checklist marks (Machine.Mark). A transition listing a checklist in
//     Transition.Checklists is refused until every item is marked; the
//     error lists the missing items.
//   - A handling tier (Spec.MaxTier > 0): machines start at tier 1 and
//     Machine.Escalate moves them up exactly one tier, recorded.
//   - An owner and a first responder: Machine.Assign sets the first owner,
//     who stays accountable as first responder; Machine.Transfer records
//     from, to, actor, reason and time and refuses a transfer to nobody or
//     to the current owner.
//   - An amount (WithAmount, SetAmount; an int64 in the host's unit,
//     typically minor currency units, never a float) and an approval
//     (Machine.Approve). RequireApproval(limit) is a guard refusing a
//     transition while the amount is above limit and not approved.
//
// # Presets
//
// TicketDefinition is a service ticket (received, assigned, in progress,
// waiting on customer, escalated, resolved, closed, reopened; reopen from
// resolved or closed). ComplaintDefinition(limit) is a complaint (received,
// investigating, handling, feeding back, closed) with three tiers (front
// line, senior staff, special task force), the "three verifications"
// (customer identity, order information, problem description) and the
// approval guard before handling, and the "five confirmations" (solution,
// progress, customer feedback, improvement measure, prevention mechanism)
// before closing; DefaultApprovalLimit is 5,000. Both are built from
// TicketSpec and ComplaintSpec with the same public API a user has; adjust
// the Spec to derive your own.
//
// # Snapshots and diagrams
//
// Machine.Snapshot returns a plain, JSON-serialisable Snapshot; Restore
// brings the machine back exactly and rejects a snapshot whose state (or
// history, tier or marks) the definition does not know. Definition.Mermaid
// and Definition.DOT export the lifecycle as a Mermaid stateDiagram-v2 or a
// Graphviz digraph, deterministic byte for byte.
//
// # Concurrency
//
// A Definition is immutable and safe for concurrent use. A Machine is safe
// for concurrent use; its guards run under its lock and must not call the
// machine (they get a View instead); its hooks run outside the lock.
//
// # Design notes on looplab/fsm
//
// looplab/fsm v1.0.3 builds maps per FSM, deadlocks when Event, Can or
// SetState are called from its before_/leave_ callbacks, stays stuck in
// transition when the context is cancelled, ignores misspelled callback
// keys, reports self-transitions as errors and lists transitions in random
// order. This package therefore keeps a pool of looplab FSMs per
// Definition: to fire, a machine borrows one, sets it to its own state,
// calls Event and returns it (an FSM that reports any error is dropped, not
// reused). Guards and hooks are this package's own, never looplab
// callbacks, and every listing is sorted.
//
// # Performance
//
// Measured with
//
//	go test -run '^$' -bench . -benchtime=300ms -count=5 ./fsm
//
// on a shared, loaded 2-core amd64 VM (Go 1.26). x-raw is the median of
// ratios measured in adjacent chunks against raw looplab/fsm in the same
// run, which is stable under load where the ns/op figures are not:
//
//	BenchmarkLooplabRawTransition  raw looplab, one pair (there and back): ~700-3,900 ns/op, 578 B/op, 10 allocs
//	BenchmarkMachineTransition     Machine, same pair with history:        1.41-1.51x raw (goal <= 1.5x), 746 B/op, 10 allocs
//	BenchmarkRestoreFireSnapshot   Restore + Fire + Snapshot:              2.49-2.64x one raw pair (goal < 10x), 1,993 B/op, 15 allocs
//	BenchmarkIdleMachines          100,000 idle ticket machines:           216 B/machine (goal <= 1024), pointer slice included
//
// The Machine's ratio sits at the 1.5x goal, not clearly under it: most
// runs measure 1.41-1.49x, some up to 1.51x. Most of its extra cost over
// raw looplab is reading the clock (FireAt with an explicit time skips it)
// and recording the history entry.
package fsm
