package slariver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/sqkit/sqkit/sla"
)

// JobKind is the River job kind of deadline jobs.
const JobKind = "sqkit_deadline"

// DeadlineArgs are the arguments of the River job that fires a record at
// its next deadline. A job is unique by all four fields (the record, the
// event's stable id and its instant), so that saving the same schedule
// twice (from two replicas, or a retried transaction) inserts one job.
type DeadlineArgs struct {
	Namespace string    `json:"namespace" river:"unique"`
	ID        string    `json:"id" river:"unique"`
	Event     string    `json:"event" river:"unique"`
	At        time.Time `json:"at" river:"unique"`
}

// Kind implements river.JobArgs.
func (DeadlineArgs) Kind() string { return JobKind }

// Record returns the key of the record the job fires.
func (a DeadlineArgs) Record() sla.RecordKey { return sla.RecordKey{Namespace: a.Namespace, ID: a.ID} }

// fetchable inserts deadline jobs as available, with their future
// scheduled_at: River's producers fetch an available job only once its
// scheduled_at has passed, so the job still never runs early, but it runs
// within one fetch poll of its instant. A job inserted as scheduled would
// wait for River's scheduler, which moves scheduled jobs to available only
// every few seconds.
type fetchable struct{ river.MiddlewareDefaults }

// InsertMany implements rivertype.JobInsertMiddleware.
func (*fetchable) InsertMany(ctx context.Context, params []*rivertype.JobInsertParams,
	doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	for _, p := range params {
		if p.Kind == JobKind && p.State == rivertype.JobStateScheduled {
			p.State = rivertype.JobStateAvailable
		}
	}
	return doInner(ctx)
}

// uniqueStates are the job states in which a deadline job blocks a
// duplicate insert: every state in which it has yet to run or is running,
// but not completed, so that a schedule that returns to an instant already
// fired is inserted again.
var uniqueStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}

type ctxKey int

const (
	txKey ctxKey = iota
	lockKey
)

// WithTx returns a context that makes the Store run its statements in tx:
// a host changes a record (Durable.Update) and its own rows in one
// transaction, and commits it itself.
func WithTx(ctx context.Context, tx pgx.Tx) context.Context { return context.WithValue(ctx, txKey, tx) }

func txFrom(ctx context.Context) pgx.Tx {
	tx, _ := ctx.Value(txKey).(pgx.Tx)
	return tx
}

// Store is an sla.Store on PostgreSQL: records in sqkit_records (optimistic
// concurrency by version), delivered events in the sqkit_outbox table keyed
// by event id, and each record's next deadline as a River job inserted in
// the same transaction as the record (transactional enqueue). Its methods
// run in the transaction the context carries (WithTx), or in one of their
// own. A Store is safe for concurrent use.
type Store struct {
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx] // insert-only: schedules deadline jobs
	queue  string
}

// NewStore returns a store on pool whose deadline jobs go to queue (empty:
// River's default queue). Run Migrate first.
func NewStore(pool *pgxpool.Pool, queue string) (*Store, error) {
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Middleware: []rivertype.Middleware{&fetchable{}}})
	if err != nil {
		return nil, fmt.Errorf("slariver: %w", err)
	}
	if queue == "" {
		queue = river.QueueDefault
	}
	return &Store{pool: pool, client: client, queue: queue}, nil
}

// inTx runs f in the context's transaction, or in a new one it commits.
func (s *Store) inTx(ctx context.Context, f func(tx pgx.Tx) error) error {
	if tx := txFrom(ctx); tx != nil {
		return f(tx)
	}
	return pgx.BeginFunc(ctx, s.pool, f)
}

// Load implements sla.Store. A worker's load locks the row for the rest of
// its transaction.
func (s *Store) Load(ctx context.Context, key sla.RecordKey) (sla.StoredRecord, error) {
	q := `SELECT version, timeline, data, next_at, next_event FROM sqkit_records WHERE namespace = $1 AND id = $2`
	if ctx.Value(lockKey) != nil {
		q += " FOR UPDATE"
	}
	var (
		rec       = sla.StoredRecord{Key: key}
		timeline  []byte
		nextAt    *time.Time
		nextEvent []byte
	)
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, q, key.Namespace, key.ID).Scan(&rec.Version, &timeline, &rec.Data, &nextAt, &nextEvent)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return sla.StoredRecord{}, fmt.Errorf("%w: %s", sla.ErrRecordNotFound, key)
	case err != nil:
		return sla.StoredRecord{}, fmt.Errorf("slariver: load %s: %w", key, err)
	}
	if err := json.Unmarshal(timeline, &rec.Timeline); err != nil {
		return sla.StoredRecord{}, fmt.Errorf("%w: record %s: unreadable timeline: %v", sla.ErrInvalid, key, err)
	}
	if nextAt != nil {
		rec.Next = nextAt.UTC()
		if err := json.Unmarshal(nextEvent, &rec.NextID); err != nil {
			return sla.StoredRecord{}, fmt.Errorf("%w: record %s: unreadable next event: %v", sla.ErrInvalid, key, err)
		}
	}
	return rec, nil
}

// Save implements sla.Store: the record row (insert for version 0, update
// at the expected version otherwise) and, when the next deadline is set,
// its River job, in one transaction.
func (s *Store) Save(ctx context.Context, rec sla.StoredRecord) (int64, error) {
	if rec.Key.ID == "" || rec.Version < 0 {
		return 0, fmt.Errorf("%w: record %s: empty id or negative version", sla.ErrInvalid, rec.Key)
	}
	timeline, err := json.Marshal(rec.Timeline)
	if err != nil {
		return 0, fmt.Errorf("slariver: save %s: %w", rec.Key, err)
	}
	var data any
	if len(rec.Data) > 0 {
		data = []byte(rec.Data)
	}
	var nextAt *time.Time
	var nextEvent []byte
	if !rec.Next.IsZero() {
		at := rec.Next.UTC()
		nextAt = &at
		if nextEvent, err = json.Marshal(rec.NextID); err != nil {
			return 0, fmt.Errorf("slariver: save %s: %w", rec.Key, err)
		}
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		var tag interface{ RowsAffected() int64 }
		var err error
		if rec.Version == 0 {
			tag, err = tx.Exec(ctx, `INSERT INTO sqkit_records (namespace, id, version, timeline, data, next_at, next_event)
				VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
				rec.Key.Namespace, rec.Key.ID, timeline, data, nextAt, nextEvent)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE sqkit_records SET version = version + 1, timeline = $4, data = $5,
				next_at = $6, next_event = $7, updated_at = now() WHERE namespace = $1 AND id = $2 AND version = $3`,
				rec.Key.Namespace, rec.Key.ID, rec.Version, timeline, data, nextAt, nextEvent)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return s.conflict(ctx, tx, rec.Key, rec.Version)
		}
		if nextAt == nil {
			return nil
		}
		_, err = s.client.InsertTx(ctx, tx, DeadlineArgs{Namespace: rec.Key.Namespace, ID: rec.Key.ID, Event: rec.NextID.String(), At: *nextAt},
			&river.InsertOpts{Queue: s.queue, ScheduledAt: *nextAt, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: uniqueStates}})
		return err
	})
	if err != nil {
		if errors.Is(err, sla.ErrConflict) {
			return 0, err
		}
		return 0, fmt.Errorf("slariver: save %s: %w", rec.Key, err)
	}
	return rec.Version + 1, nil
}

// conflict returns the *sla.ConflictError of a save or delete that found
// another version.
func (s *Store) conflict(ctx context.Context, tx pgx.Tx, key sla.RecordKey, expected int64) error {
	var stored int64
	err := tx.QueryRow(ctx, "SELECT version FROM sqkit_records WHERE namespace = $1 AND id = $2", key.Namespace, key.ID).Scan(&stored)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return &sla.ConflictError{Key: key, Expected: expected, Stored: stored}
}

// Delete implements sla.Store. The record's scheduled job, if any, fires
// later and finds no record: it records a skip and completes.
func (s *Store) Delete(ctx context.Context, key sla.RecordKey, version int64) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM sqkit_records WHERE namespace = $1 AND id = $2 AND version = $3",
			key.Namespace, key.ID, version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return s.conflict(ctx, tx, key, version)
		}
		return nil
	})
	if err != nil && !errors.Is(err, sla.ErrConflict) {
		return fmt.Errorf("slariver: delete %s: %w", key, err)
	}
	return err
}

// Deliver implements sla.Store: each event goes into sqkit_outbox unless
// its id is already there.
func (s *Store) Deliver(ctx context.Context, events []sla.Event) ([]sla.Event, error) {
	var fresh []sla.Event
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		fresh = fresh[:0]
		for _, e := range events {
			payload, err := json.Marshal(e)
			if err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, `INSERT INTO sqkit_outbox (event_id, namespace, record_id, kind, at, event)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`,
				e.ID.String(), e.ID.Namespace, e.ID.Clock, e.ID.Kind.String(), e.At, payload)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 1 {
				fresh = append(fresh, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("slariver: deliver: %w", err)
	}
	return fresh, nil
}
