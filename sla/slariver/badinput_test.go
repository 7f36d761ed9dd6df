package slariver

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func hourSpec(t *testing.T, calendar string) *sla.Spec {
	t.Helper()
	bt := sla.BusinessTime(sla.AlwaysOpen())
	s, err := sla.NewSpec(sla.SpecDef{Policy: "desk", Version: 3, Metric: sla.Resolution, Within: sla.Duration(time.Hour),
		Calendar: calendar}, bt)
	require.NoError(t, err)
	return s
}

// TestTwoReplicasOneTicket: two replicas change one ticket at once, each in
// its own transaction: one commits, the other gets sla.ErrConflict, and the
// winner's change is what the database holds (no lost update, no merge).
func TestTwoReplicasOneTicket(t *testing.T) {
	pool := testPool(t, 0)
	ctx := context.Background()
	a, err := New(pool, Config{})
	require.NoError(t, err)
	b, err := New(pool, Config{})
	require.NoError(t, err)
	key := sla.RecordKey{ID: "T-1"}
	spec := hourSpec(t, sla.CalendarAlways)
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := a.Update(ctx, tx, key, func(tr *sla.Tracker, _ *json.RawMessage) error {
			return tr.StartAt(t0, sla.ClockKey{ID: "T-1"}, spec, "normal")
		})
		return err
	}))
	ck := sla.ClockKey{ID: "T-1", Metric: sla.Resolution}
	// Both load the same version, then both try to commit.
	loaded := make(chan struct{})
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	ready.Add(2)
	results := make([]error, 2)
	for i, r := range []*Timeline{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				_, err := r.Update(ctx, tx, key, func(tr *sla.Tracker, data *json.RawMessage) error {
					ready.Done()
					<-loaded
					*data = json.RawMessage(`{"by":` + []string{`"a"`, `"b"`}[i] + `}`)
					if i == 0 {
						return tr.PauseAt(t0.Add(10*time.Minute), ck)
					}
					_, err := tr.StopAt(t0.Add(20*time.Minute), ck)
					return err
				})
				return err
			})
		}()
	}
	ready.Wait()
	close(loaded)
	wg.Wait()
	okA, okB := results[0] == nil, results[1] == nil
	require.True(t, okA != okB, "exactly one commits: %v", results)
	loser := results[0]
	if okA {
		loser = results[1]
	}
	require.ErrorIs(t, loser, sla.ErrConflict)
	var ce *sla.ConflictError
	require.ErrorAs(t, loser, &ce)
	rec, err := a.Store().Load(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, int64(2), rec.Version)
	status := rec.Timeline.Clocks[0].Clock.Status
	if okA {
		assert.JSONEq(t, `{"by":"a"}`, string(rec.Data))
		assert.Equal(t, sla.Paused, status)
	} else {
		assert.JSONEq(t, `{"by":"b"}`, string(rec.Data))
		assert.Equal(t, sla.Stopped, status)
	}
}

// TestBadRecords: a corrupted record row, a record naming a policy version
// (a target) the resolver does not know, and a job whose record was deleted
// each end in a clear error or a recorded skip; nothing panics and no
// deadline vanishes without a trace.
func TestBadRecords(t *testing.T) {
	pool := testPool(t, 0)
	ctx := context.Background()
	mock := clock.NewMock()
	mock.Set(t0)
	known := hourSpec(t, sla.CalendarAlways)
	tl, err := New(pool, Config{Clock: mock, Resolve: func(def sla.SpecDef) (*sla.Spec, error) {
		if def.Calendar != sla.CalendarAlways {
			return nil, errors.New("unknown policy version")
		}
		return known, nil
	}})
	require.NoError(t, err)
	start := func(id string, spec *sla.Spec) {
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tl.Update(ctx, tx, sla.RecordKey{ID: id}, func(tr *sla.Tracker, _ *json.RawMessage) error {
				return tr.StartAt(t0, sla.ClockKey{ID: id}, spec, "normal")
			})
			return err
		}))
	}
	start("corrupt", known)
	start("deleted", known)
	start("fine", known)
	// A spec the resolver will not know when the record is read back.
	start("unknown", hourSpec(t, "retired-calendar"))

	_, err = pool.Exec(ctx, `UPDATE sqkit_records SET timeline = '{"version": 2, "id": "corrupt", "clocks": [{"clock": {"status": "exploded"}}]}' WHERE id = 'corrupt'`)
	require.NoError(t, err)
	rec, err := tl.Store().Load(ctx, sla.RecordKey{ID: "deleted"})
	require.NoError(t, err)
	require.NoError(t, tl.Store().Delete(ctx, rec.Key, rec.Version))

	// Reading the corrupt record is a clear error, not a panic.
	_, err = tl.Durable().Update(ctx, sla.RecordKey{ID: "corrupt"}, func(*sla.Tracker, *json.RawMessage) error { return nil })
	require.ErrorIs(t, err, sla.ErrInvalid)

	require.NoError(t, fireDue(ctx, t, tl, mock, t0.Add(2*time.Hour)))
	var skips []string
	rows, err := pool.Query(ctx, "SELECT record_id || ': ' || reason FROM sqkit_skips ORDER BY record_id")
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		skips = append(skips, s)
	}
	require.NoError(t, rows.Err())
	require.Len(t, skips, 3, "%v", skips)
	assert.Contains(t, skips[0], "corrupt: ")
	assert.Contains(t, skips[1], "deleted: sla: no such record")
	assert.Contains(t, skips[2], "unknown: ")
	assert.Contains(t, skips[2], "unknown policy version")
	events, err := outboxEvents(ctx, tl)
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, "fine/resolution/breach/1/1", events[0].ID.String())
	var pending int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state NOT IN ('completed')`).Scan(&pending))
	assert.Zero(t, pending, "every job completed (with a skip where it could not fire)")
}
