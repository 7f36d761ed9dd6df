package slariver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/benbjohnson/clock"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/sqkit/sqkit/sla"
)

// Config configures a Timeline.
type Config struct {
	// Resolve turns the targets recorded in records back into specs, for
	// example sla.SpecResolver(policies, registry). Nil resolves only
	// targets on the 24x7 calendar.
	Resolve func(sla.SpecDef) (*sla.Spec, error)
	// Handler, when set, receives every newly delivered event inside the
	// worker's transaction, once the event is in the outbox and the record
	// saved, before the job completes and the transaction commits: effects
	// it writes through tx happen exactly once. An error rolls the whole
	// step back (River retries the job).
	Handler func(ctx context.Context, tx pgx.Tx, e sla.Event) error
	// Clock is the worker's time source (default clock.New()).
	Clock clock.Clock
	// Queue is the River queue of deadline jobs (default river.QueueDefault).
	Queue string
	// Logger receives skips (Warn) and firings (Debug) with stable keys and
	// ids only. Nil discards.
	Logger *slog.Logger
}

// Timeline is the sla timeline kept in PostgreSQL and fired by River: a
// Store, a Durable on it, and the River worker that fires each record at
// its next deadline. Every replica of a host builds one on the shared
// database and adds its worker to its River client; a record is changed by
// one replica at a time (optimistic concurrency), each deadline job runs on
// one replica, and each event reaches the outbox once.
//
// A Timeline is safe for concurrent use.
type Timeline struct {
	pool    *pgxpool.Pool
	store   *Store
	durable *sla.Durable
	cfg     Config
}

// New returns a timeline on pool. Run Migrate first.
func New(pool *pgxpool.Pool, cfg Config) (*Timeline, error) {
	st, err := NewStore(pool, cfg.Queue)
	if err != nil {
		return nil, err
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.New()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Timeline{pool: pool, store: st, durable: sla.NewDurable(st, cfg.Resolve), cfg: cfg}, nil
}

// Store returns the timeline's store.
func (t *Timeline) Store() *Store { return t.store }

// Durable returns the Durable on the timeline's store.
func (t *Timeline) Durable() *sla.Durable { return t.durable }

// Update changes the record under key in tx (see sla.Durable.Update): the
// record and its next deadline job commit with the host's own changes made
// in tx. On sla.ErrConflict, roll tx back and retry.
func (t *Timeline) Update(ctx context.Context, tx pgx.Tx, key sla.RecordKey, f func(tr *sla.Tracker, data *json.RawMessage) error) (sla.StoredRecord, error) {
	return t.durable.Update(WithTx(ctx, tx), key, f)
}

// Worker is the River worker of deadline jobs. Add it to the River client
// that works the timeline's queue: river.AddWorker(workers, tl.Worker()).
type Worker struct {
	river.WorkerDefaults[DeadlineArgs]
	tl *Timeline
}

// Worker returns the timeline's River worker.
func (t *Timeline) Worker() *Worker { return &Worker{tl: t} }

// Work fires the job's record in one transaction: it locks the record,
// advances its clocks to the later of the job's instant and now (River
// never runs a job before its instant, so no event is taken early), writes
// each event to the outbox (an event already there is skipped), hands the
// new ones to the Handler, saves the record with its next deadline job, and
// completes the job. A job whose record is gone or unreadable completes
// with a row in sqkit_skips (and a Warn log) instead of failing forever.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeadlineArgs]) error {
	tx := txFrom(ctx)
	own := tx == nil
	if own {
		var err error
		if tx, err = w.tl.pool.Begin(ctx); err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck
	}
	if err := w.tl.fire(ctx, tx, job); err != nil {
		return err
	}
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return err
	}
	if own {
		return tx.Commit(ctx)
	}
	return nil
}

func (t *Timeline) fire(ctx context.Context, tx pgx.Tx, job *river.Job[DeadlineArgs]) error {
	key := job.Args.Record()
	now := t.cfg.Clock.Now()
	if now.Before(job.Args.At) {
		now = job.Args.At // the database's clock said it is due
	}
	fctx := context.WithValue(WithTx(ctx, tx), lockKey, true)
	events, err := t.durable.Fire(fctx, key, now)
	switch {
	case errors.Is(err, sla.ErrRecordNotFound), errors.Is(err, sla.ErrInvalid):
		// Found out in Go, after a successful read: the transaction is
		// still usable to record the skip.
		t.cfg.Logger.WarnContext(ctx, "sqkit deadline skipped", "namespace", key.Namespace, "record", key.ID,
			"event_id", job.Args.Event, "job_id", job.ID, "error", err)
		_, err = tx.Exec(ctx, `INSERT INTO sqkit_skips (job_id, namespace, record_id, event_id, at, reason)
			VALUES ($1, $2, $3, $4, $5, $6)`, job.ID, key.Namespace, key.ID, job.Args.Event, job.Args.At, err.Error())
		return err
	case err != nil:
		return fmt.Errorf("slariver: fire %s: %w", key, err)
	}
	for _, e := range events {
		t.cfg.Logger.DebugContext(ctx, "sqkit event", "event_id", e.ID.String(), "kind", e.ID.Kind.String(), "at", e.At)
		if t.cfg.Handler != nil {
			if err := t.cfg.Handler(ctx, tx, e); err != nil {
				return fmt.Errorf("slariver: handler of %s: %w", e.ID, err)
			}
		}
	}
	return nil
}
