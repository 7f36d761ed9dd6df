package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationsOf returns the numbered migrations of a dialect, in order. A
// file must be named NNN_what.sql; numbers must be unique.
func migrationsOf(fsys fs.FS, dialect string) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/"+dialect+"/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("portal: migration %s: the name must start with its number and an underscore", base)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return a.version - b.version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("portal: migrations %s and %s share number %d", out[i-1].name, out[i].name, out[i].version)
		}
	}
	return out, nil
}

// migrate applies every embedded migration of the database's dialect that
// it has not applied yet, each in a transaction of its own with its row in
// portal_migrations. On PostgreSQL the caller holds the portal's advisory
// lock, so that replicas starting together migrate once.
func migrate(ctx context.Context, db database) error {
	return migrateFS(ctx, db, migrationFiles)
}

func migrateFS(ctx context.Context, db database, fsys fs.FS) error {
	ms, err := migrationsOf(fsys, db.Dialect())
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `CREATE TABLE IF NOT EXISTS portal_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("portal: migrate: %w", err)
	}
	for _, m := range ms {
		err := inTx(ctx, db, func(t tx) error {
			var n int64
			if err := t.QueryRow(ctx, "SELECT COUNT(*) FROM portal_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := t.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := t.Exec(ctx, "INSERT INTO portal_migrations (version, name) VALUES (?, ?)", m.version, m.name)
			return err
		})
		if err != nil {
			return fmt.Errorf("portal: migration %s: %w", m.name, err)
		}
	}
	return nil
}
