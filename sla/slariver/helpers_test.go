package slariver

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// testPool returns a pool on a schema of its own in the database named by
// SQKIT_TEST_DATABASE_URL, migrated, and dropped when the test ends. Without
// the variable the test skips, unless CI is set: then it fails.
func testPool(tb testing.TB, maxConns int32) *pgxpool.Pool {
	tb.Helper()
	url, schema := testSchema(tb)
	pool := schemaPool(tb, url, schema, maxConns)
	if err := Migrate(context.Background(), pool); err != nil {
		tb.Fatal(err)
	}
	return pool
}

// testSchema creates an empty schema of its own in the database named by
// SQKIT_TEST_DATABASE_URL and drops it when the test ends; it returns the
// URL and the schema. Without the variable the test skips, unless CI is
// set: then it fails.
func testSchema(tb testing.TB) (url, schema string) {
	tb.Helper()
	url = os.Getenv("SQKIT_TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("CI is set but SQKIT_TEST_DATABASE_URL is not: the PostgreSQL tests must run in CI (start a server with .ci/postgres)")
		}
		tb.Skip("no PostgreSQL: set SQKIT_TEST_DATABASE_URL to run these tests (.ci/postgres start prints it)")
	}
	ctx := context.Background()
	schema = fmt.Sprintf("sqkit_test_%d_%d", time.Now().UnixNano(), rand.N(1_000_000))
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatalf("connect %s: %v", url, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), url)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			_ = c.Close(context.Background())
		}
	})
	return url, schema
}

// schemaPool returns a pool on schema (at most maxConns connections when
// positive), closed when the test ends, before the schema is dropped.
func schemaPool(tb testing.TB, url, schema string, maxConns int32) *pgxpool.Pool {
	tb.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pool.Close)
	return pool
}
