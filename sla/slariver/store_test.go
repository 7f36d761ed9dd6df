package slariver

import (
	"context"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// fireDue works, synchronously, every deadline job scheduled at or before
// until, as River's producers would once the clock reads until, with the
// timeline's clock set to until.
func fireDue(ctx context.Context, t testing.TB, tl *Timeline, mock *clock.Mock, until time.Time) error {
	t.Helper()
	if until.After(mock.Now()) {
		mock.Set(until)
	}
	w := rivertest.NewWorker(t, riverpgxv5.New(tl.pool), &river.Config{}, tl.Worker())
	for {
		var ids []int64
		rows, err := tl.pool.Query(ctx, `SELECT id FROM river_job WHERE kind = $1 AND state IN ('scheduled', 'available')
			AND scheduled_at <= $2 ORDER BY scheduled_at, id`, JobKind, until)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		for _, id := range ids {
			tx, err := tl.pool.Begin(ctx)
			if err != nil {
				return err
			}
			job, err := tl.store.client.JobGetTx(ctx, tx, id)
			if err != nil {
				_ = tx.Rollback(ctx)
				return err
			}
			if _, err := w.WorkJob(WithTx(ctx, tx), t, tx, job); err != nil {
				_ = tx.Rollback(ctx)
				return err
			}
			if err := tx.Commit(ctx); err != nil {
				return err
			}
		}
	}
}

// outboxSince returns the outbox's events recorded after the first n, in
// the order they were recorded.
func outboxEvents(ctx context.Context, tl *Timeline) ([]sla.Event, error) {
	rows, err := tl.pool.Query(ctx, "SELECT event FROM sqkit_outbox ORDER BY recorded_at, event_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sla.Event
	for rows.Next() {
		var e sla.Event
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// TestStoreConformance runs the store conformance suite on PostgreSQL with
// River jobs worked synchronously.
func TestStoreConformance(t *testing.T) {
	slatest.TestStore(t, func(t *testing.T) slatest.StoreHarness {
		pool := testPool(t, 0)
		mock := clock.NewMock()
		tl, err := New(pool, Config{Clock: mock})
		if err != nil {
			t.Fatal(err)
		}
		return slatest.StoreHarness{
			Store: tl.Store(),
			FireDue: func(ctx context.Context, _ *sla.Durable, until time.Time) ([]sla.Event, error) {
				before, err := outboxEvents(ctx, tl)
				if err != nil {
					return nil, err
				}
				if err := fireDue(ctx, t, tl, mock, until); err != nil {
					return nil, err
				}
				after, err := outboxEvents(ctx, tl)
				if err != nil {
					return nil, err
				}
				seen := map[sla.EventID]bool{}
				for _, e := range before {
					seen[e.ID] = true
				}
				var fresh []sla.Event
				for _, e := range after {
					if !seen[e.ID] {
						fresh = append(fresh, e)
					}
				}
				return fresh, nil
			},
		}
	})
}
