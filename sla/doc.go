// Package sla measures service-level agreements in business time: business
// calendars, SLA policies, SLA clocks, and a tracker that delivers warnings,
// breaches, reminders and met events at their exact minute.
//
// # Concepts
//
// A [Calendar] says when the desk works (weekly windows in an IANA location,
// holidays, make-up days, overrides) and measures business time with Add and
// Between. Policies and clocks use any [BusinessTime] (Add and Between); a
// *Calendar is one, [AlwaysOpen] is the 24x7 one.
//
// A [Policy] is a plain, JSON-serialisable, effective-dated document: rules
// tried in order on ticket [Attributes] (first match wins, then the
// fallback), each with per-[Metric] targets (first response, next response,
// resolution, or a metric of the host's own, such as an incident's
// "assessment") on a calendar named in a [Registry]; a warning ladder mixing
// percentages and absolute "before due" times ([Rung]); reminders after the
// breach; and the [Strategy] for changes mid-flight. [Policy.Validate]
// reports every problem at once with field paths. [NewPolicies] compiles the
// versions of a policy into shared [Spec] values: a million clocks on one
// policy share a handful of specs. [DefaultPolicy] ships the seed figures
// (urgent response 10 min, normal 30 min, general 15 min, complex problems
// handled in 48 h, complaints answered in 24 h and handled in 48 h, a
// preliminary solution within 2 working days, a reminder 15 min after the
// due time).
//
// A [Clock] is one metric of one ticket: a pure value. Start, Pause, Resume,
// Stop and NewCycle take the instant of the change; Elapsed, Remaining,
// Breached and NextEvent take the instant to evaluate at; Due is computed
// from the calendar, never polled. Out-of-order or impossible calls return a
// [*ClockError] wrapping a sentinel (ErrNotStarted, ErrNotPaused,
// ErrTimeBackwards, ...) and change nothing. Retarget applies a new target
// by keeping the elapsed time, restarting, or rescaling it, and opens a new
// cycle number so event ids never repeat; paused time always stays paused.
// A clock keeps the policy version in force when it started until it is
// re-targeted (look the new target up with [Policies.Spec] and the declared
// strategy with [Policies.Strategy]).
//
// A [Tracker] is the host's timeline: it holds any number of clocks, keyed
// by [ClockKey] (namespace, record id and metric), and timers, keyed by
// [RecordKey]. It keeps one deadline queue with each one's next event, an
// intrusive 4-ary heap ordered by (deadline, sequence) so that equal
// deadlines fire in the order they were scheduled, and arms at most one
// timer on its clock.Clock, only while [Tracker.Run] is active.
// [Tracker.AdvanceTo] delivers everything due up to an instant,
// synchronously and in order; each [Event] carries its own deadline as its
// time and a stable [EventID] (namespace, clock, metric, kind, cycle, step)
// for deduplication. Handlers run outside the tracker's lock and may pause,
// stop, start or re-target clocks; they must not call AdvanceTo or Run. A
// change recorded at an instant after events fell due (a pause at 10:40
// when a warning fell at 10:30 and the tracker was not advanced yet) keeps
// those events, delivered with their own deadlines on the next advance; a
// met event is delivered the same way, at its stop instant.
//
// # One timeline
//
// Every time-driven engine of sqkit (obligations and incidents in
// emergency, the board's next evaluation, rectifications and return visits
// in feedback) takes the host's tracker as an option and schedules under a
// namespace of its own ([Tracker.Register]): events of a namespace reach
// its engine only, and keys of different engines never collide. The host's
// own clocks live in the namespace "". One AdvanceTo (or one Run, or one
// call of the sla/slatest helpers in tests) drives them all, in deadline
// order across engines. [Tracker.SetTimer] schedules one-shot deadlines
// that are not SLA clocks.
//
// # Persistence
//
// [Tracker.Snapshot] and [RestoreTracker] round-trip every record (a
// subject's clocks, its timer and its undelivered events), the count of
// events delivered in each cycle (so nothing fires twice) and the
// attainment counts; events that fell due while the host was down are
// delivered, in order, by the first advance. Snapshots carry
// [SnapshotVersion]; a restore refuses another version and checks what the
// live operations would check. [Tracker.AttainmentAt] gives met, breached,
// in-progress and percentage met per namespace, metric and priority.
//
// A host that keeps each ticket's clocks in the ticket's own row uses
// [Tracker.Record], [Tracker.Unload] and [Tracker.Load], or, with a
// durable [Store], a [Durable]: it changes one record at a time
// ([Durable.Update], optimistic concurrency with [ErrConflict]) and fires
// what fell due ([Durable.Fire]), recording delivered events in the store's
// outbox so that each is delivered once. [MemoryStore] is the in-memory
// store; the sla/slariver module keeps records in PostgreSQL and fires them
// with River jobs, for several replicas. Any store proves itself with the
// conformance suite in sla/slatest (slatest.TestStore).
//
// # Usage
//
//	reg := sla.DefaultRegistry(businessHours)           // calendars by name
//	policies, err := sla.NewPolicies(reg, sla.DefaultPolicy())
//	tr := sla.NewTracker(sla.WithClock(clk), sla.WithHandler(func(e sla.Event) {
//		notify(e.ID.String(), e.ID.Kind, e.At) // dedupe on e.ID
//	}))
//	go tr.Run(ctx)
//
//	spec, err := policies.Spec(now, sla.Attributes{"priority": "urgent"}, sla.FirstResponse)
//	err = tr.StartAt(now, sla.ClockKey{ID: "T-42"}, spec, "urgent")
//	...
//	met, err := tr.StopAt(replied, sla.ClockKey{ID: "T-42", Metric: sla.FirstResponse})
//
// # Time
//
// Library code never reads the wall clock: the tracker takes a
// clock.Clock (github.com/benbjohnson/clock, default clock.New()) and every
// operation has an explicit-instant form. Do not build on the mock clock's
// timers for correctness: each fired mock timer sleeps a millisecond of real
// time and re-sorts all timers, AfterFunc callbacks run in goroutines that
// may outlive Mock.Add, and equal deadlines fire in unspecified order. In
// tests, move the mock and a tracker together with the sla/slatest package:
// one call jumps a month and every handler runs with the mock at its
// event's minute.
//
// # Concurrency
//
// Tracker is safe for concurrent use. Policies and Spec are immutable and
// safe for concurrent use. Clock and Policy are plain values: copy them
// freely, do not mutate one from several goroutines.
//
// # Performance
//
// Measured against what a user would otherwise use, in the same run (full
// run logs in the repository's BENCHMARKS.md):
//
//	calendar Add of 1000 business hours vs rickar/cal/v2   about 700-1,100x faster
//	tracker vs one mock timer per deadline (1,000 clocks)  about 1,300-1,700x faster
//	one million clocks through a month                     2.3-4.6 µs and 222 B per clock
//
//	go test ./sla -run '^$' -bench 'CalendarAdd1000h$|RickarAddWorkHours1000h$|VsRickar' -benchtime=200x -count=3
//	go test ./sla -run '^$' -bench 'BenchmarkTracker' -benchtime=1x -count=3
package sla
