package slariver

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// benchSpec is the one target of the benchmarks' clocks: each clock starts
// benchWithin before the instant it is to breach.
var benchSpec = func() *sla.Spec {
	s, err := sla.NewSpec(sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(benchWithin), Calendar: sla.CalendarAlways}, sla.AlwaysOpen())
	if err != nil {
		panic(err)
	}
	return s
}()

const benchWithin = time.Hour

// startTickets starts one clock on each of n records: record i breaches at
// first+i*step. It returns the keys.
func startTickets(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tl *Timeline, prefix string, n int, first time.Time, step time.Duration) []sla.RecordKey {
	b.Helper()
	keys := make([]sla.RecordKey, n)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 8 {
				keys[i] = sla.RecordKey{ID: fmt.Sprint(prefix, i)}
				due := first.Add(time.Duration(i) * step)
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					_, err := tl.Update(ctx, tx, keys[i], func(tr *sla.Tracker, _ *json.RawMessage) error {
						return tr.StartAt(due.Add(-benchWithin), sla.ClockKey{ID: keys[i].ID}, benchSpec, "normal")
					})
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return keys
}

// lateness waits until the outbox holds want events (or the deadline
// passes) and returns each event's lateness (recorded minus due), sorted.
func lateness(b *testing.B, ctx context.Context, pool *pgxpool.Pool, want int, deadline time.Time) []time.Duration {
	b.Helper()
	for {
		var n int
		require.NoError(b, pool.QueryRow(ctx, "SELECT count(*) FROM sqkit_outbox").Scan(&n))
		if n >= want || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	rows, err := pool.Query(ctx, "SELECT recorded_at - at FROM sqkit_outbox")
	require.NoError(b, err)
	var out []time.Duration
	for rows.Next() {
		var d time.Duration
		require.NoError(b, rows.Scan(&d))
		if d < 0 {
			b.Fatalf("an event was recorded %v before its instant", -d)
		}
		out = append(out, d)
	}
	require.NoError(b, rows.Err())
	if len(out) < want {
		b.Fatalf("%d of %d events delivered", len(out), want)
	}
	slices.Sort(out)
	return out
}

func quantile(d []time.Duration, q float64) float64 {
	return float64(d[int(float64(len(d)-1)*q)]) / float64(time.Millisecond)
}

// rowsRead returns the rows PostgreSQL has read from the tables of the
// schema (sequential and index reads), from its statistics.
func rowsRead(b *testing.B, ctx context.Context, pool *pgxpool.Pool) int64 {
	b.Helper()
	// The statistics collector reports with a delay; force the current
	// backend's counters out and read the totals.
	time.Sleep(700 * time.Millisecond)
	var n int64
	require.NoError(b, pool.QueryRow(ctx, `SELECT coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)::bigint
		FROM pg_stat_user_tables WHERE schemaname = current_schema()`).Scan(&n))
	return n
}

// BenchmarkEndToEnd measures the River timeline end to end on PostgreSQL:
// a burst of records all due at once (throughput: events delivered per
// second of wall time), River's own floor on the same machine in the same
// run (floor-jobs/s: bare jobs that each write one outbox row and complete
// in one transaction; of-floor is the timeline's share of it), and a steady
// stream below capacity (lateness p50 and p99 with a 50 ms fetch poll).
// Each iteration uses a fresh schema.
func BenchmarkEndToEnd(b *testing.B) {
	const burst, steady = 3000, 2000
	for range b.N {
		func() {
			pool := testPool(b, 64)
			ctx := context.Background()
			tl, err := New(pool, Config{})
			require.NoError(b, err)
			// Throughput: every record due 3 s from now; the replica starts
			// working once they are all due.
			due := time.Now().Add(3 * time.Second)
			startTickets(b, ctx, pool, tl, "B-", burst, due, 0)
			time.Sleep(time.Until(due))
			r := runWorkers(b, ctx, pool, tl, 48)
			begin := time.Now()
			lateness(b, ctx, pool, burst, time.Now().Add(5*time.Minute))
			elapsed := time.Since(begin)
			rate := float64(burst) / elapsed.Seconds()
			b.ReportMetric(rate, "events/s")
			r.stop(b)

			// River's own floor on this machine: the same burst of jobs,
			// each writing one outbox row and completing in one
			// transaction, with nothing of sqkit's.
			floor := riverFloor(b, ctx, pool, burst, 48)
			b.ReportMetric(floor, "floor-jobs/s")
			b.ReportMetric(rate/floor, "of-floor")

			// Lateness: a steady stream with the replica running.
			_, err = pool.Exec(ctx, "TRUNCATE sqkit_outbox")
			require.NoError(b, err)
			r = runWorkers(b, ctx, pool, tl, 40)
			startTickets(b, ctx, pool, tl, "S-", steady, time.Now().Add(8*time.Second), 5*time.Millisecond) // 200 events/s
			late := lateness(b, ctx, pool, steady, time.Now().Add(5*time.Minute))
			r.stop(b)
			b.ReportMetric(quantile(late, 0.5), "p50-ms")
			b.ReportMetric(quantile(late, 0.99), "p99-ms")
		}()
	}
}

// floorArgs are the jobs of riverFloor.
type floorArgs struct {
	N int `json:"n"`
}

func (floorArgs) Kind() string { return "sqkit_floor" }

// floorWorker writes one outbox row and completes its job in one
// transaction: the least a transactional exactly-once worker does.
type floorWorker struct {
	river.WorkerDefaults[floorArgs]
	pool *pgxpool.Pool
}

func (w *floorWorker) Work(ctx context.Context, job *river.Job[floorArgs]) error {
	return pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sqkit_outbox (event_id, namespace, record_id, kind, at, event)
			VALUES ($1, 'floor', $1, 'floor', now(), '{}') ON CONFLICT (event_id) DO NOTHING`, fmt.Sprint("floor-", job.Args.N)); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
}

// riverFloor inserts n available floor jobs, then works them with one River
// client of the given workers and returns the jobs completed per second.
func riverFloor(b *testing.B, ctx context.Context, pool *pgxpool.Pool, n, workers int) float64 {
	b.Helper()
	_, err := pool.Exec(ctx, "TRUNCATE sqkit_outbox")
	require.NoError(b, err)
	ws := river.NewWorkers()
	river.AddWorker(ws, &floorWorker{pool: pool})
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{"floor": {MaxWorkers: workers}},
		Workers:           ws,
		FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown:     10 * time.Millisecond,
		TestOnly:          true,
	})
	require.NoError(b, err)
	params := make([]river.InsertManyParams, n)
	for i := range params {
		params[i] = river.InsertManyParams{Args: floorArgs{N: i}, InsertOpts: &river.InsertOpts{Queue: "floor"}}
	}
	_, err = client.InsertMany(ctx, params)
	require.NoError(b, err)
	require.NoError(b, client.Start(ctx))
	begin := time.Now()
	for {
		var done int
		require.NoError(b, pool.QueryRow(ctx, "SELECT count(*) FROM sqkit_outbox").Scan(&done))
		if done == n {
			break
		}
		if time.Since(begin) > 5*time.Minute {
			b.Fatalf("%d of %d floor jobs done", done, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(begin)
	stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(b, client.StopAndCancel(stop))
	_, err = pool.Exec(ctx, "TRUNCATE sqkit_outbox")
	require.NoError(b, err)
	return float64(n) / elapsed.Seconds()
}

// BenchmarkVsScanLoop compares, at 10,000 open tickets, the River timeline
// with what service desks do instead: a loop that every interval reads
// every open ticket and recomputes its SLA state (Zammad every 15 minutes,
// Zendesk hourly; here every second, so that its lateness is comparable).
// Both deliver the same 300 breaches, due over 30 s (10 a second), into the
// outbox. It reports, per delivered event, the rows each approach reads:
// ticket rows for the loop; for River, the record row and the job row each
// job reads (jobs completed, counted in River's table), with, separately,
// every row PostgreSQL read from all tables during the run (from its
// statistics, so including River's maintenance); and the lateness of each.
func BenchmarkVsScanLoop(b *testing.B) {
	const open, dueCount = 10_000, 300
	for range b.N {
		var riverRows, riverPG, scanRows float64
		var riverLate, scanLate []time.Duration
		for _, mode := range []string{"river", "scan"} {
			pool := testPool(b, 24)
			ctx := context.Background()
			tl, err := New(pool, Config{})
			require.NoError(b, err)
			startTickets(b, ctx, pool, tl, "Q-", open-dueCount, time.Now().Add(24*time.Hour), 0)
			first := time.Now().Add(8 * time.Second)
			startTickets(b, ctx, pool, tl, "T-", dueCount, first, 100*time.Millisecond)
			// Statistics as autovacuum would have them on a live database.
			_, err = pool.Exec(ctx, "ANALYZE")
			require.NoError(b, err)
			if mode == "river" {
				before := rowsRead(b, ctx, pool)
				r := runWorkers(b, ctx, pool, tl, 20)
				riverLate = lateness(b, ctx, pool, dueCount, time.Now().Add(5*time.Minute))
				r.stop(b)
				riverPG = float64(rowsRead(b, ctx, pool)-before) / dueCount
				var jobs int
				require.NoError(b, pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'", JobKind).Scan(&jobs))
				riverRows = float64(2*jobs) / dueCount
			} else {
				var read int
				scanLate, read = scanLoop(b, ctx, pool, tl, dueCount, time.Second)
				scanRows = float64(read) / dueCount
			}
		}
		b.ReportMetric(riverRows, "river-rows/event")
		b.ReportMetric(riverPG, "river-pg-rows/event")
		b.ReportMetric(scanRows, "scan-rows/event")
		b.ReportMetric(scanRows/riverRows, "x-fewer-rows")
		b.ReportMetric(quantile(riverLate, 0.5), "river-p50-ms")
		b.ReportMetric(quantile(riverLate, 0.99), "river-p99-ms")
		b.ReportMetric(quantile(scanLate, 0.5), "scan-p50-ms")
		b.ReportMetric(quantile(scanLate, 0.99), "scan-p99-ms")
	}
}

// scanLoop is the baseline: every interval it reads every record in one
// query, advances each in memory to now, and for those where something fell
// due writes the events to the outbox and the record back, until want
// events are delivered.
func scanLoop(b *testing.B, ctx context.Context, pool *pgxpool.Pool, tl *Timeline, want int, interval time.Duration) (late []time.Duration, read int) {
	b.Helper()
	delivered := 0
	for delivered < want {
		next := time.Now().Add(interval)
		rows, err := pool.Query(ctx, "SELECT namespace, id, version, timeline FROM sqkit_records")
		require.NoError(b, err)
		var due []sla.StoredRecord
		now := time.Now()
		for rows.Next() {
			var rec sla.StoredRecord
			var doc []byte
			require.NoError(b, rows.Scan(&rec.Key.Namespace, &rec.Key.ID, &rec.Version, &doc))
			read++
			require.NoError(b, json.Unmarshal(doc, &rec.Timeline))
			var evs []sla.Event
			tr := sla.NewTracker(sla.WithHandler(func(e sla.Event) { evs = append(evs, e) }))
			require.NoError(b, tr.Load(rec.Timeline))
			if tr.AdvanceTo(now) > 0 {
				snap, _ := tr.Record(rec.Key)
				rec.Timeline = snap
				rec.Next, _ = tr.NextDeadline()
				due = append(due, rec)
				require.NoError(b, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					fresh, err := tl.Store().Deliver(WithTx(ctx, tx), evs)
					delivered += len(fresh)
					return err
				}))
			}
		}
		require.NoError(b, rows.Err())
		for _, rec := range due {
			_, err := tl.Store().Save(ctx, rec)
			require.NoError(b, err)
		}
		time.Sleep(time.Until(next))
	}
	return lateness(b, ctx, pool, want, time.Now()), read
}

// BenchmarkFireVsRawRow measures one record's load + fire + save on
// PostgreSQL (lock and read the row, advance its clock past a breach, write
// the event to the outbox, save the record with its next deadline job, in
// one transaction) against the raw read and write of a row of the same size
// in one transaction, alternating, and reports the ratio.
func BenchmarkFireVsRawRow(b *testing.B) {
	pool := testPool(b, 4)
	ctx := context.Background()
	tl, err := New(pool, Config{})
	require.NoError(b, err)
	const n = 2000
	keys := startTickets(b, ctx, pool, tl, "T-", n, time.Now().Add(time.Second), 0)
	time.Sleep(time.Second)
	_, err = pool.Exec(ctx, `CREATE TABLE raw_rows AS SELECT namespace, id, timeline FROM sqkit_records;
		ALTER TABLE raw_rows ADD PRIMARY KEY (namespace, id)`)
	require.NoError(b, err)
	var ours, raw time.Duration
	b.ResetTimer()
	for i := range b.N {
		k := keys[i%n]
		if i >= n {
			// every record fired once: make it due again
			b.StopTimer()
			require.NoError(b, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				_, err := tl.Update(ctx, tx, k, func(tr *sla.Tracker, _ *json.RawMessage) error {
					return tr.NewCycleAt(time.Now().Add(-2*time.Second), sla.ClockKey{ID: k.ID, Metric: sla.Resolution})
				})
				return err
			}))
			b.StartTimer()
		}
		start := time.Now()
		require.NoError(b, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			_, err := tl.Durable().Fire(context.WithValue(WithTx(ctx, tx), lockKey, true), k, time.Now())
			return err
		}))
		ours += time.Since(start)
		start = time.Now()
		require.NoError(b, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var doc []byte
			if err := tx.QueryRow(ctx, "SELECT timeline FROM raw_rows WHERE namespace = $1 AND id = $2 FOR UPDATE", k.Namespace, k.ID).Scan(&doc); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "UPDATE raw_rows SET timeline = $3 WHERE namespace = $1 AND id = $2", k.Namespace, k.ID, doc)
			return err
		}))
		raw += time.Since(start)
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "fire-ns/op")
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/op")
	b.ReportMetric(float64(ours)/float64(raw), "x-raw")
}
