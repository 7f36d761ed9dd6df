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
package fsm
