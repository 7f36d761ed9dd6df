// Package slariver keeps the sla timeline in PostgreSQL and fires it with
// River (github.com/riverqueue/river), so that several replicas of a host
// share one desk: every warning, breach, reminder and met event is
// delivered once, never before its instant.
//
// It is a module of its own, so that users of the core sqkit module do not
// get River and pgx as dependencies.
//
// # Model
//
// Each record of the timeline (a ticket's SLA clocks, sla.RecordKey) is a
// row of sqkit_records, saved with the host's own state of the subject (for
// example the ticket's fsm snapshot) and a version for optimistic
// concurrency: of two replicas changing one ticket at once, one commits and
// the other gets sla.ErrConflict and nothing else changes. The record's
// next deadline is a River job scheduled at that exact instant, unique by
// the record, the event's stable id and the instant, and inserted in the
// same transaction as the record (transactional enqueue): a host changes a
// ticket and its clocks in one transaction with Timeline.Update.
//
// The Worker runs the job in one transaction: it locks the record, takes
// every event due by then (each with its own instant), writes each to the
// sqkit_outbox table keyed by event id (an event already there is
// skipped), hands the new ones to Config.Handler, saves the record with its
// next deadline job, and completes the job. River never runs a job before
// its scheduled instant; lateness follows the client's FetchPollInterval.
// A job whose record was deleted or cannot be read completes with a row in
// sqkit_skips instead of failing forever.
//
// # Guarantees
//
//   - Never early: an event is taken only at or after its instant.
//   - At-least-once delivery with stable ids, exactly once in the outbox.
//   - Exactly-once effect when the Handler writes in the transaction it is
//     given.
//
// # Setting up
//
//	pool, _ := pgxpool.New(ctx, databaseURL)
//	_ = slariver.Migrate(ctx, pool) // River's tables and sqkit's
//	tl, _ := slariver.New(pool, slariver.Config{Resolve: sla.SpecResolver(policies, registry)})
//	workers := river.NewWorkers()
//	river.AddWorker(workers, tl.Worker())
//	client, _ := river.NewClient(riverpgxv5.New(pool), &river.Config{
//		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 20}},
//		Workers:           workers,
//		FetchPollInterval: 100 * time.Millisecond,
//	})
//	_ = client.Start(ctx)
//
//	// a state change of a ticket, in the host's own transaction
//	tx, _ := pool.Begin(ctx)
//	_, err := tl.Update(ctx, tx, sla.RecordKey{ID: "T-1"}, func(tr *sla.Tracker, data *json.RawMessage) error {
//		return tr.StartAt(now, sla.ClockKey{ID: "T-1"}, spec, "urgent")
//	})
//	// ... the host's own writes on tx ...
//	_ = tx.Commit(ctx)
//
// # Tests
//
// The tests need a PostgreSQL server: set SQKIT_TEST_DATABASE_URL (each
// test works in a schema of its own). Without it they skip, unless CI is
// set, when they fail. The repository's .ci/postgres starts a throwaway
// cluster on 127.0.0.1 for them.
package slariver
