package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// testSQLite returns a migrated SQLite database in a temporary directory.
func testSQLite(t testing.TB) *sqliteDB {
	t.Helper()
	db, err := openSQLite(filepath.Join(t.TempDir(), "portal.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, migrate(context.Background(), db))
	return db
}

// TestSQLiteStore runs the sla.Store conformance suite on the SQLite store,
// with its due index driving sla.Durable as the portal's loop does.
func TestSQLiteStore(t *testing.T) {
	slatest.TestStore(t, func(t *testing.T) slatest.StoreHarness {
		st := &sqliteStore{db: testSQLite(t)}
		return slatest.StoreHarness{
			Store: st,
			FireDue: func(ctx context.Context, d *sla.Durable, until time.Time) ([]sla.Event, error) {
				return d.AdvanceTo(ctx, until)
			},
		}
	})
}

// TestSQLiteStoreInTransaction shows a save bound to a transaction that
// rolls back leaves nothing behind.
func TestSQLiteStoreInTransaction(t *testing.T) {
	ctx := context.Background()
	db := testSQLite(t)
	st := &sqliteStore{db: db}
	key := sla.RecordKey{ID: "T-1"}
	tx, err := db.Begin(ctx)
	require.NoError(t, err)
	_, err = st.Save(tx.Bind(ctx), sla.StoredRecord{Key: key, Timeline: sla.RecordSnapshot{Version: sla.SnapshotVersion, ID: "T-1"}})
	require.NoError(t, err)
	_, err = st.Load(tx.Bind(ctx), key)
	require.NoError(t, err, "the transaction sees its own write")
	require.NoError(t, tx.Rollback(ctx))
	_, err = st.Load(ctx, key)
	require.ErrorIs(t, err, sla.ErrRecordNotFound)
}

func TestMigrationsNumbered(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		ms, err := migrationsOf(migrationFiles, d)
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		for i, m := range ms {
			require.Equal(t, i+1, m.version, "%s: %s", d, m.name)
		}
	}
	// Applying twice changes nothing.
	db := testSQLite(t)
	require.NoError(t, migrate(context.Background(), db))
}
