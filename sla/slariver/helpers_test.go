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
	url := os.Getenv("SQKIT_TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("CI is set but SQKIT_TEST_DATABASE_URL is not: the PostgreSQL tests must run in CI (start a server with .ci/postgres)")
		}
		tb.Skip("no PostgreSQL: set SQKIT_TEST_DATABASE_URL to run these tests (.ci/postgres start prints it)")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("sqkit_test_%d_%d", time.Now().UnixNano(), rand.N(1_000_000))
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatalf("connect %s: %v", url, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		pool.Close()
		c, err := pgx.Connect(context.Background(), url)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			_ = c.Close(context.Background())
		}
	})
	if err := Migrate(ctx, pool); err != nil {
		tb.Fatal(err)
	}
	return pool
}
