// Command portal is sqkit's reference service portal: a web desk for
// tickets and complaints with live SLA countdowns and warning badges,
// checklists, transfers, tiers and approvals, a warning board with
// obligations and incidents, metrics with intervals and month-end
// statements, on SQLite by default or on PostgreSQL with River.
//
//	go run ./examples/portal                       # SQLite, demo data, http://127.0.0.1:8080
//	go run ./examples/portal -db postgres://...    # PostgreSQL: several portals share one desk
//	go run ./examples/portal -fake-clock now       # a fake clock with POST /test/clock (tests)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
	_ "time/tzdata" // calendars name IANA zones; a machine may have no zone database
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dbFlag := fs.String("db", filepath.Join(os.TempDir(), "sqkit-portal.db"), "SQLite file, or a postgres:// URL")
	fake := fs.String("fake-clock", "", `run on a fake clock starting at this RFC 3339 instant (or "now"), with the test-only clock control POST /test/clock`)
	demo := fs.Bool("demo", true, "seed demo accounts and work into an empty database")
	verbose := fs.Bool("v", false, "log every request (debug level)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	o := options{DB: *dbFlag, Demo: *demo, Log: log}
	switch *fake {
	case "":
	case "now":
		o.Fake = time.Now().UTC().Truncate(time.Minute)
	default:
		t, err := time.Parse(time.RFC3339, *fake)
		if err != nil {
			return fmt.Errorf("-fake-clock: %w", err)
		}
		o.Fake = t
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p, err := newPortal(ctx, o)
	if err != nil {
		return err
	}
	defer p.close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: p.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	if p.mock == nil {
		go p.server.run(ctx)
	}
	where := *dbFlag
	if isPostgres(where) {
		where = "PostgreSQL"
	}
	fmt.Printf("sqkit portal on http://%s (database: %s)\n", ln.Addr(), where)
	if *demo {
		fmt.Println("demo logins (name / password):")
		for _, u := range demoUsers {
			fmt.Printf("  %-6s %-11s %s\n", u.Name, u.Role, u.Password)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
