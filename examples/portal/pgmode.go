package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slariver"
)

// bindPGTx makes the slariver store run in t.
func bindPGTx(ctx context.Context, t pgx.Tx) context.Context { return slariver.WithTx(ctx, t) }

// portalLock is the advisory lock under which replicas migrate and seed.
const portalLock = 7_415_882_101

// pgLister lists due records of slariver's table, for a portal on a fake
// clock: River fires jobs at real instants, so the clock control fires the
// records the fake clock reached itself.
type pgLister struct{ db *pgDB }

// Due implements sla.DueLister.
func (l pgLister) Due(ctx context.Context, now time.Time, limit int) ([]sla.RecordKey, error) {
	return dueKeys(ctx, l.db, "sqkit_records", now, limit)
}

// openPostgres builds the portal on PostgreSQL: its tables and River's
// and slariver's (migrated once under an advisory lock, so replicas may
// start together), the timeline's records in slariver's Store, and a River
// client whose worker fires each ticket at its next deadline and updates
// its queue row in the same transaction. Several portals on one database
// serve the same desk.
func openPostgres(ctx context.Context, s *server, o options) (*portal, error) {
	cfg, err := pgxpool.ParseConfig(o.DB)
	if err != nil {
		return nil, fmt.Errorf("portal: -db: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	db := &pgDB{pool: pool}
	fail := func(err error) (*portal, error) { pool.Close(); return nil, err }

	// The start-up lock is held on a connection outside the pool, which the
	// migrations and the seeding use meanwhile (a pool of one connection
	// would wait for ever); closing it releases the lock.
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return fail(fmt.Errorf("portal: connect: %w", err))
	}
	unlock := func() { _ = conn.Close(context.WithoutCancel(ctx)) }
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", portalLock); err != nil {
		unlock()
		return fail(err)
	}
	var tl *slariver.Timeline
	err = func() error {
		if err := slariver.Migrate(ctx, pool); err != nil {
			return err
		}
		if err := migrate(ctx, db); err != nil {
			return err
		}
		tl, err = slariver.New(pool, slariver.Config{
			Resolve: func(def sla.SpecDef) (*sla.Spec, error) { return s.desk.config().Resolve(def) },
			Handler: func(ctx context.Context, t pgx.Tx, e sla.Event) error {
				s.desk.delivered(ctx, []sla.Event{e}, s.clk.Now())
				return s.desk.refresh(ctx, &pgTx{t: t}, e.Key().Record(), s.clk.Now())
			},
			Clock:  s.clk,
			Logger: s.log,
		})
		if err != nil {
			return err
		}
		// Seeding fires its due records itself; afterwards River does, or
		// the clock control on a fake clock.
		if err := s.assemble(ctx, db, tl.Store(), pgLister{db: db}, o); err != nil {
			return err
		}
		if s.mock == nil {
			s.lister = nil
		}
		return nil
	}()
	unlock()
	if err != nil {
		return fail(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, tl.Worker())
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		Workers:           workers,
		FetchPollInterval: 100 * time.Millisecond,
		Logger:            s.log,
	})
	if err != nil {
		return fail(err)
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := client.Start(rctx); err != nil {
		cancel()
		return fail(err)
	}
	return &portal{server: s, close: func() {
		sctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		err := client.Stop(sctx)
		cancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("river client stop", "error", err)
		}
		pool.Close()
	}}, nil
}
