package slariver

import (
	"context"
	"io/fs"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigrateReplicasAtOnce: replicas starting together on a fresh
// database, a pool each, all migrate without error, and every migration
// is applied once.
func TestMigrateReplicasAtOnce(t *testing.T) {
	ctx := context.Background()
	for range 3 { // a race: a few fresh schemas
		url, schema := testSchema(t)
		pools := make([]*pgxpool.Pool, 4)
		for i := range pools {
			pools[i] = schemaPool(t, url, schema, 4)
		}
		errs := make([]error, len(pools))
		var wg sync.WaitGroup
		for i, p := range pools {
			wg.Go(func() { errs[i] = Migrate(ctx, p) })
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "replica %d", i)
		}
		names, err := fs.Glob(migrations, "migrations/*.sql")
		require.NoError(t, err)
		var applied, distinct int
		require.NoError(t, pools[0].QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM sqkit_migrations").Scan(&applied, &distinct))
		assert.Equal(t, len(names), applied)
		assert.Equal(t, applied, distinct)
		require.NoError(t, Migrate(ctx, pools[0]), "a second run changes nothing")
	}
}

// TestMigrateOnOneConnection: the lock is held outside the pool, so a pool
// of one connection migrates (and does not wait for ever).
func TestMigrateOnOneConnection(t *testing.T) {
	url, schema := testSchema(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := schemaPool(t, url, schema, 1)
	require.NoError(t, Migrate(ctx, pool))
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM sqkit_migrations").Scan(&n))
	assert.Positive(t, n)
}
