package slariver

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate brings the database up to date: River's own tables (with River's
// migrator) and sqkit's (the numbered SQL files embedded in this package,
// each applied once, in order, in a transaction of its own, recorded in
// sqkit_migrations). It is safe to run on every start and from several
// replicas at once: an advisory lock serialises them, held on a connection
// of its own (made with the pool's configuration, outside the pool, so a
// pool of any size can run River's migrator meanwhile).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("slariver: migrate: %w", err)
	}
	// Closing the connection releases the lock.
	defer conn.Close(context.WithoutCancel(ctx)) //nolint:errcheck

	const lock = 7_415_882_019 // an advisory lock key of this package's own
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lock); err != nil {
		return fmt.Errorf("slariver: migrate: %w", err)
	}
	// River's migrator takes no lock of its own: it runs under this one.
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("slariver: river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("slariver: river migrations: %w", err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS sqkit_migrations (
		version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("slariver: migrate: %w", err)
	}
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("slariver: migration %s: name must start with its number", base)
		}
		var done bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM sqkit_migrations WHERE version = $1)", v).Scan(&done); err != nil {
			return fmt.Errorf("slariver: migrate: %w", err)
		}
		if done {
			continue
		}
		sql, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			return fmt.Errorf("slariver: migration %s: %w", base, err)
		}
		if _, err := tx.Exec(ctx, string(sql)); err != nil {
			_ = tx.Rollback(ctx)
			return fmt.Errorf("slariver: migration %s: %w", base, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO sqkit_migrations (version, name) VALUES ($1, $2)", v, base); err != nil {
			_ = tx.Rollback(ctx)
			return fmt.Errorf("slariver: migration %s: %w", base, err)
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("slariver: migration %s: %w", base, err)
		}
	}
	return nil
}
