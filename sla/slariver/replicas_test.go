package slariver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// replica is one replica of a host: its own pool, timeline and River
// client working the deadline queue.
type replica struct {
	pool    *pgxpool.Pool
	tl      *Timeline
	client  *river.Client[pgx.Tx]
	ownPool bool
}

func startReplica(t *testing.T, ctx context.Context, cfg *pgxpool.Config, workers int) *replica {
	t.Helper()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	tl, err := New(pool, Config{})
	require.NoError(t, err)
	r := runWorkers(t, ctx, pool, tl, workers)
	r.ownPool = true
	return r
}

// runWorkers starts a River client working tl's deadline jobs on pool.
func runWorkers(tb testing.TB, ctx context.Context, pool *pgxpool.Pool, tl *Timeline, workers int) *replica {
	tb.Helper()
	ws := river.NewWorkers()
	river.AddWorker(ws, tl.Worker())
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		Workers:           ws,
		FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown:     10 * time.Millisecond,
		TestOnly:          true,
	})
	require.NoError(tb, err)
	require.NoError(tb, client.Start(ctx))
	return &replica{pool: pool, tl: tl, client: client}
}

func (r *replica) stop(tb testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(tb, r.client.StopAndCancel(ctx))
	if r.ownPool {
		r.pool.Close()
	}
}

// opLog records, per record, the changes that committed, in commit order,
// so the test can replay them on one in-memory tracker.
type opLog struct {
	mu  sync.Mutex
	ops map[sla.RecordKey][]func(*sla.Tracker) error
}

func (l *opLog) add(k sla.RecordKey, f func(*sla.Tracker) error) {
	l.mu.Lock()
	l.ops[k] = append(l.ops[k], f)
	l.mu.Unlock()
}

// update applies f at the current instant to record k through r, retrying
// with a fresh instant on a conflict, and logs what committed.
func update(ctx context.Context, r *replica, log *opLog, k sla.RecordKey, f func(at time.Time, tr *sla.Tracker) error) error {
	for attempt := 0; ; attempt++ {
		at := time.Now().UTC()
		err := pgx.BeginFunc(ctx, r.pool, func(tx pgx.Tx) error {
			_, err := r.tl.Update(ctx, tx, k, func(tr *sla.Tracker, _ *json.RawMessage) error { return f(at, tr) })
			return err
		})
		if errors.Is(err, sla.ErrConflict) && attempt < 20 {
			continue
		}
		if err == nil {
			log.add(k, func(tr *sla.Tracker) error { return f(at, tr) })
		}
		return err
	}
}

// TestThreeReplicas: three replicas (three River clients on three pools)
// share 10,000 tickets whose clocks start, pause, resume, change priority
// and stop while the replicas fire them; one replica stops mid-run and a new
// one starts later. Every warning, breach, reminder and met event must land
// in the outbox exactly once, none before its instant, and the events must
// be those one in-memory tracker delivers for the same changes.
func TestThreeReplicas(t *testing.T) {
	n := 10_000
	if testing.Short() {
		n = 1_000
	}
	base := testPool(t, 4)
	ctx := context.Background()
	cfg := base.Config().Copy()
	cfg.MaxConns = 12
	reps := []*replica{startReplica(t, ctx, cfg, 20), startReplica(t, ctx, cfg, 20), startReplica(t, ctx, cfg, 20)}
	defer func() {
		for _, r := range reps {
			if r != nil {
				r.stop(t)
			}
		}
	}()

	spec := func(m sla.Metric, within time.Duration, rungs ...sla.Rung) *sla.Spec {
		s, err := sla.NewSpec(sla.SpecDef{Policy: "replicas", Metric: m, Within: sla.Duration(within),
			Calendar: sla.CalendarAlways, Warnings: rungs}, sla.AlwaysOpen())
		require.NoError(t, err)
		return s
	}
	first := spec(sla.FirstResponse, 6*time.Second, sla.Rung{Percent: 50})
	resolve := spec(sla.Resolution, 14*time.Second, sla.Rung{Before: sla.Duration(4 * time.Second)})
	urgent := spec(sla.Resolution, 9*time.Second, sla.Rung{Before: sla.Duration(4 * time.Second)})
	log := &opLog{ops: map[sla.RecordKey][]func(*sla.Tracker) error{}}
	key := func(i int) sla.RecordKey { return sla.RecordKey{Namespace: "desk", ID: fmt.Sprint("T-", i)} }
	ck := func(i int, m sla.Metric) sla.ClockKey {
		return sla.ClockKey{Namespace: "desk", ID: key(i).ID, Metric: m}
	}

	// run applies fn to tickets lo..hi-1 from 8 goroutines, spreading them
	// over the three (live) replicas.
	run := func(lo, hi int, fn func(r *replica, i int) error) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := lo + g; i < hi; i += 8 {
					r := reps[i%3]
					if r == nil {
						r = reps[(i+1)%3]
					}
					if err := fn(r, i); err != nil {
						errs <- fmt.Errorf("ticket %d: %w", i, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	}
	started := time.Now()
	run(0, n, func(r *replica, i int) error {
		return update(ctx, r, log, key(i), func(at time.Time, tr *sla.Tracker) error {
			if err := tr.StartAt(at, ck(i, ""), first, "normal"); err != nil {
				return err
			}
			return tr.StartAt(at, ck(i, ""), resolve, "normal")
		})
	})
	t.Logf("started %d tickets in %v", n, time.Since(started))

	rng := rand.New(rand.NewPCG(7, 11))
	order := rng.Perm(n)
	run(0, n/2, func(r *replica, j int) error {
		i := order[j]
		switch i % 4 {
		case 0: // answered, and the priority rises
			return update(ctx, r, log, key(i), func(at time.Time, tr *sla.Tracker) error {
				if _, err := tr.StopAt(at, ck(i, sla.FirstResponse)); err != nil {
					return err
				}
				return tr.RetargetAt(at, ck(i, sla.Resolution), urgent, sla.KeepElapsed)
			})
		case 1: // waiting on the customer
			return update(ctx, r, log, key(i), func(at time.Time, tr *sla.Tracker) error {
				return tr.PauseAt(at, ck(i, sla.Resolution))
			})
		case 2: // answered
			return update(ctx, r, log, key(i), func(at time.Time, tr *sla.Tracker) error {
				_, err := tr.StopAt(at, ck(i, sla.FirstResponse))
				return err
			})
		}
		return nil
	})

	// One replica stops mid-run; a new one takes its place later.
	reps[2].stop(t)
	reps[2] = nil
	run(n/2, n, func(r *replica, j int) error {
		i := order[j]
		if i%4 != 1 {
			return nil
		}
		return update(ctx, r, log, key(i), func(at time.Time, tr *sla.Tracker) error {
			return tr.PauseAt(at, ck(i, sla.Resolution))
		})
	})
	time.Sleep(2 * time.Second)
	reps[2] = startReplica(t, ctx, cfg, 20)
	run(0, n, func(r *replica, i int) error {
		if i%4 != 1 {
			return nil
		}
		return update(ctx, r, log, key(i), func(at time.Time, tr *sla.Tracker) error {
			return tr.ResumeAt(at, ck(i, sla.Resolution))
		})
	})

	// The expected events: the committed changes replayed on one tracker.
	ref := sla.NewTracker()
	var want []sla.Event
	require.NoError(t, ref.Register("desk", func(e sla.Event) { want = append(want, e) }))
	keys := make([]sla.RecordKey, 0, len(log.ops))
	for k := range log.ops {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a].ID < keys[b].ID })
	for _, k := range keys {
		for _, op := range log.ops[k] {
			require.NoError(t, op(ref))
		}
	}
	last, _ := ref.NextDeadline()
	ref.AdvanceTo(time.Now().Add(time.Hour))
	t.Logf("expecting %d events, the last at %v from now", len(want), time.Until(last).Round(time.Millisecond))

	// Wait up to 3 minutes past the last instant, or past now when a slow
	// setup (a loaded machine) has already gone beyond it.
	deadline := time.Now().Add(max(time.Until(last), 0) + 3*time.Minute)
	var count int
	for time.Now().Before(deadline) {
		require.NoError(t, base.QueryRow(ctx, "SELECT count(*) FROM sqkit_outbox").Scan(&count))
		if count >= len(want) && time.Now().After(last.Add(2*time.Second)) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	rows, err := base.Query(ctx, "SELECT event, recorded_at FROM sqkit_outbox")
	require.NoError(t, err)
	type got struct {
		e  sla.Event
		at time.Time
	}
	var all []got
	for rows.Next() {
		var g got
		require.NoError(t, rows.Scan(&g.e, &g.at))
		all = append(all, g)
	}
	require.NoError(t, rows.Err())
	var late []time.Duration
	gotIDs := map[string]time.Time{}
	for _, g := range all {
		require.False(t, g.at.Before(g.e.At), "event %s recorded at %v, before its instant %v", g.e.ID, g.at, g.e.At)
		late = append(late, g.at.Sub(g.e.At))
		gotIDs[g.e.ID.String()] = g.e.At
	}
	wantIDs := map[string]time.Time{}
	for _, e := range want {
		wantIDs[e.ID.String()] = e.At
	}
	missing, extra := 0, 0
	for id, at := range wantIDs {
		if g, ok := gotIDs[id]; !ok || !g.Equal(at) {
			if missing < 5 {
				t.Errorf("missing or moved: %s at %v (got %v)", id, at, g)
			}
			missing++
		}
	}
	for id := range gotIDs {
		if _, ok := wantIDs[id]; !ok {
			if extra < 5 {
				t.Errorf("unexpected: %s", id)
			}
			extra++
		}
	}
	assert.Zero(t, missing, "events missing")
	assert.Zero(t, extra, "events not expected")
	assert.Len(t, all, len(want))
	slices.Sort(late)
	if len(late) > 0 {
		t.Logf("%d events exactly once; lateness p50 %v, p99 %v, max %v", len(all),
			late[len(late)/2].Round(time.Millisecond), late[len(late)*99/100].Round(time.Millisecond), late[len(late)-1].Round(time.Millisecond))
	}
	var skips int
	require.NoError(t, base.QueryRow(ctx, "SELECT count(*) FROM sqkit_skips").Scan(&skips))
	assert.Zero(t, skips)
}
