package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// errNoRows is returned by row.Scan when a query found nothing, whatever
// the database.
var errNoRows = errors.New("portal: no rows")

// querier runs SQL written with "?" placeholders on SQLite or PostgreSQL.
// The portal's own tables use only types both share (text, integers holding
// Unix nanoseconds), so one statement serves both.
type querier interface {
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	QueryRow(ctx context.Context, q string, args ...any) row
	Query(ctx context.Context, q string, args ...any) (rows, error)
}

// row is one result row; Scan returns errNoRows when there is none.
type row interface{ Scan(dest ...any) error }

// rows iterates over results.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// tx is a write transaction. Bind returns a context that makes the
// timeline's sla.Store run in the same transaction.
type tx interface {
	querier
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	Bind(ctx context.Context) context.Context
}

// database is the portal's storage: SQLite (the default) or PostgreSQL.
type database interface {
	querier
	// Begin starts a write transaction.
	Begin(ctx context.Context) (tx, error)
	// Dialect is "sqlite" or "postgres".
	Dialect() string
	Close() error
}

// inTx runs f in a write transaction and commits it; an error of f rolls
// it back.
func inTx(ctx context.Context, db database, f func(t tx) error) error {
	t, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	if err := f(t); err != nil {
		_ = t.Rollback(context.WithoutCancel(ctx))
		return err
	}
	return t.Commit(ctx)
}

// ---- SQLite ----

// sqliteDB keeps one writer connection (SQLite allows one writer at a
// time; a single connection serialises writers in Go instead of failing
// with SQLITE_BUSY) and a pool of readers (WAL mode lets them read while a
// write is in progress).
type sqliteDB struct {
	w, r *sql.DB
}

// openSQLite opens (creating it if needed) the SQLite database file path.
func openSQLite(path string) (*sqliteDB, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)"
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(ON)&_pragma=cache_size(-32000)")
	if err != nil {
		_ = w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	if err := w.Ping(); err != nil {
		_ = w.Close()
		_ = r.Close()
		return nil, fmt.Errorf("portal: open %s: %w", path, err)
	}
	return &sqliteDB{w: w, r: r}, nil
}

func (d *sqliteDB) Dialect() string { return "sqlite" }

func (d *sqliteDB) Close() error { return errors.Join(d.r.Close(), d.w.Close()) }

func (d *sqliteDB) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return sqlExec(ctx, d.w, q, args...)
}

func (d *sqliteDB) QueryRow(ctx context.Context, q string, args ...any) row {
	return sqlRow{d.r.QueryRowContext(ctx, q, args...)}
}

func (d *sqliteDB) Query(ctx context.Context, q string, args ...any) (rows, error) {
	rs, err := d.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rs}, nil
}

func (d *sqliteDB) Begin(ctx context.Context) (tx, error) {
	t, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &sqliteTx{t: t}, nil
}

type sqlExecer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func sqlExec(ctx context.Context, e sqlExecer, q string, args ...any) (int64, error) {
	res, err := e.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

type sqlRow struct{ r *sql.Row }

func (r sqlRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoRows
	}
	return err
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }

// sqliteTx is a transaction on the writer connection.
type sqliteTx struct{ t *sql.Tx }

func (t *sqliteTx) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	return sqlExec(ctx, t.t, q, args...)
}

func (t *sqliteTx) QueryRow(ctx context.Context, q string, args ...any) row {
	return sqlRow{t.t.QueryRowContext(ctx, q, args...)}
}

func (t *sqliteTx) Query(ctx context.Context, q string, args ...any) (rows, error) {
	rs, err := t.t.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rs}, nil
}

func (t *sqliteTx) Commit(context.Context) error   { return t.t.Commit() }
func (t *sqliteTx) Rollback(context.Context) error { return t.t.Rollback() }
func (t *sqliteTx) Bind(ctx context.Context) context.Context {
	return context.WithValue(ctx, sqliteTxKey{}, t)
}

type sqliteTxKey struct{}

// sqliteTxFrom returns the transaction a context carries (see Bind).
func sqliteTxFrom(ctx context.Context) *sqliteTx {
	t, _ := ctx.Value(sqliteTxKey{}).(*sqliteTx)
	return t
}

// ---- PostgreSQL ----

// pgDB is the portal's storage on PostgreSQL through a pgx pool.
type pgDB struct {
	pool *pgxpool.Pool
}

func (d *pgDB) Dialect() string { return "postgres" }

func (d *pgDB) Close() error { d.pool.Close(); return nil }

func (d *pgDB) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := d.pool.Exec(ctx, rebind(q), args...)
	return tag.RowsAffected(), err
}

func (d *pgDB) QueryRow(ctx context.Context, q string, args ...any) row {
	return pgRow{d.pool.QueryRow(ctx, rebind(q), args...)}
}

func (d *pgDB) Query(ctx context.Context, q string, args ...any) (rows, error) {
	rs, err := d.pool.Query(ctx, rebind(q), args...)
	if err != nil {
		return nil, err
	}
	return rs, nil
}

func (d *pgDB) Begin(ctx context.Context) (tx, error) {
	t, err := d.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &pgTx{t: t}, nil
}

type pgRow struct{ r pgx.Row }

func (r pgRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return errNoRows
	}
	return err
}

type pgTx struct{ t pgx.Tx }

func (t *pgTx) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := t.t.Exec(ctx, rebind(q), args...)
	return tag.RowsAffected(), err
}

func (t *pgTx) QueryRow(ctx context.Context, q string, args ...any) row {
	return pgRow{t.t.QueryRow(ctx, rebind(q), args...)}
}

func (t *pgTx) Query(ctx context.Context, q string, args ...any) (rows, error) {
	rs, err := t.t.Query(ctx, rebind(q), args...)
	if err != nil {
		return nil, err
	}
	return rs, nil
}

func (t *pgTx) Commit(ctx context.Context) error   { return t.t.Commit(ctx) }
func (t *pgTx) Rollback(ctx context.Context) error { return t.t.Rollback(ctx) }
func (t *pgTx) Bind(ctx context.Context) context.Context {
	return bindPGTx(ctx, t.t)
}

var rebound sync.Map // query text -> PostgreSQL form

// rebind turns "?" placeholders into PostgreSQL's $1, $2, ... (the
// portal's statements have no "?" anywhere else).
func rebind(q string) string {
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	rebound.Store(q, b.String())
	return b.String()
}
