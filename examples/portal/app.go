package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/benbjohnson/clock"
	"golang.org/x/crypto/bcrypt"
)

// options configure a portal.
type options struct {
	// DB is a SQLite file path, or a postgres:// URL.
	DB string
	// Fake starts the portal on a fake clock at that instant, with the
	// test-only clock control (POST /test/clock); zero: the real clock.
	Fake time.Time
	// Demo seeds demo accounts and work into an empty database.
	Demo bool
	// BcryptCost is the password hashing cost (default bcrypt.DefaultCost).
	BcryptCost int
	// Secure marks cookies Secure (serve behind TLS).
	Secure bool
	Log    *slog.Logger
}

// portal is a running portal: its server and what to close.
type portal struct {
	*server
	close func()
}

// isPostgres reports whether a -db value names PostgreSQL.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// newPortal opens the database, migrates it, seeds it when asked and
// empty, and builds the server. Start its loop with run (not needed on a
// fake clock).
func newPortal(ctx context.Context, o options) (*portal, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.BcryptCost == 0 {
		o.BcryptCost = bcrypt.DefaultCost
	}
	var clk clock.Clock = clock.New()
	var mock *clock.Mock
	if !o.Fake.IsZero() {
		mock = clock.NewMock()
		mock.Set(o.Fake)
		clk = mock
	}
	s := &server{clk: clk, mock: mock, log: o.Log, secure: o.Secure}
	var err error
	var p *portal
	if isPostgres(o.DB) {
		p, err = openPostgres(ctx, s, o)
	} else {
		p, err = openSQLitePortal(ctx, s, o)
	}
	if err != nil {
		return nil, err
	}
	s.pages, err = parsePages(s.desk.location)
	if err != nil {
		p.close()
		return nil, err
	}
	s.handler = s.routes()
	return p, nil
}

// openSQLitePortal builds the portal on a SQLite file with the in-process
// timeline.
func openSQLitePortal(ctx context.Context, s *server, o options) (*portal, error) {
	db, err := openSQLite(o.DB)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*portal, error) { _ = db.Close(); return nil, err }
	if err := migrate(ctx, db); err != nil {
		return fail(err)
	}
	store := &sqliteStore{db: db}
	if err := s.assemble(ctx, db, store, store, o); err != nil {
		return fail(err)
	}
	return &portal{server: s, close: func() { _ = db.Close() }}, nil
}

// assemble builds the desk, accounts and board on db and seeds demo data
// into an empty database.
func (s *server) assemble(ctx context.Context, db database, store slaStore, lister dueLister, o options) error {
	cfg, err := loadConfig(ctx, db)
	if err != nil {
		return err
	}
	s.desk = newDesk(db, store, s.clk, s.log, cfg)
	s.lister = lister
	if s.auth, err = newAuth(db, s.clk, o.BcryptCost); err != nil {
		return err
	}
	s.watch = &watch{db: db, clk: s.clk, log: s.log}
	if !o.Demo {
		return nil
	}
	done, err := seeded(ctx, db)
	if err != nil || done {
		return err
	}
	if err := seedUsers(ctx, db, s.auth); err != nil {
		return fmt.Errorf("portal: demo accounts: %w", err)
	}
	if err := seedDesk(ctx, s.desk, s.watch, lister, s.clk.Now()); err != nil {
		return errors.Join(errors.New("portal: demo data"), err)
	}
	return nil
}
