package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// docEngines names the stored state of the board, obligations and
// incidents.
const docEngines = "engines"

// watch runs the warning board, its obligations and the incidents. Their
// state is one versioned document: each use loads it, restores the
// engines, advances them to now, applies the change and saves it, so every
// replica sees the same board. It is safe for concurrent use.
type watch struct {
	db  database
	clk clock.Clock
	log *slog.Logger

	mu       sync.Mutex
	observed time.Time // the last time team shares were observed
}

// with runs f on the engines advanced to now and saves their state; a
// concurrent save by another replica is retried. f may be nil (advance and
// save only).
func (w *watch) with(ctx context.Context, f func(e *engines, now time.Time) error) (*engines, error) {
	var e *engines
	var err error
	for range 4 {
		e, err = w.once(ctx, f)
		if !errors.Is(err, errStale) {
			break
		}
	}
	return e, err
}

func (w *watch) once(ctx context.Context, f func(e *engines, now time.Time) error) (*engines, error) {
	var st *engineState
	var version int64
	doc, err := loadDocument(ctx, w.db, docEngines)
	switch {
	case errors.Is(err, errNoRows):
	case err != nil:
		return nil, err
	default:
		st = &engineState{}
		if err := json.Unmarshal([]byte(doc.Value), st); err != nil {
			return nil, err
		}
		version = doc.Version
	}
	e, err := newEngines(w.clk, st)
	if err != nil {
		return nil, err
	}
	now := w.clk.Now()
	e.advance(now)
	if f != nil {
		if err := f(e, now); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(e.state())
	if err != nil {
		return nil, err
	}
	if _, err := saveDocument(ctx, w.db, docEngines, version, string(b)); err != nil {
		return nil, err
	}
	return e, nil
}

// teamShares returns, per team, the percentage of open tickets whose SLA
// is breached.
func teamShares(ctx context.Context, q querier) (map[string]float64, error) {
	rs, err := q.Query(ctx, "SELECT team, COUNT(*), SUM(CASE WHEN level >= 3 THEN 1 ELSE 0 END) FROM tickets WHERE open = 1 GROUP BY team")
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := map[string]float64{}
	for _, t := range teams {
		out[t] = 0
	}
	for rs.Next() {
		var team string
		var n, red int64
		if err := rs.Scan(&team, &n, &red); err != nil {
			return nil, err
		}
		if n > 0 {
			out[team] = 100 * float64(red) / float64(n)
		}
	}
	return out, rs.Err()
}

// observe feeds the board the teams' shares now.
func (w *watch) observe(ctx context.Context) (*engines, error) {
	shares, err := teamShares(ctx, w.db)
	if err != nil {
		return nil, err
	}
	e, err := w.with(ctx, func(e *engines, now time.Time) error {
		if err := e.observe(now, shares); err != nil {
			w.log.WarnContext(ctx, "board observation refused", "error", err)
		}
		return nil
	})
	if err == nil {
		w.mu.Lock()
		w.observed = w.clk.Now()
		w.mu.Unlock()
	}
	return e, err
}

// due reports whether a minute has passed since the last observation.
func (w *watch) due(now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return now.Sub(w.observed) >= time.Minute
}

// step is one turn of the portal's loop at the clock's time: deliver the
// timeline's due events (in-process mode), put a changed SLA configuration
// in force, and once a minute feed the board.
func (s *server) step(ctx context.Context) error {
	now := s.clk.Now()
	if s.lister != nil {
		if _, err := s.desk.fireDue(ctx, s.lister, now); err != nil {
			return err
		}
	}
	if err := s.desk.reloadConfig(ctx); err != nil {
		s.log.WarnContext(ctx, "configuration reload failed", "error", err)
	}
	if s.watch.due(now) {
		if _, err := s.watch.observe(ctx); err != nil {
			return err
		}
	}
	return nil
}

// run is the portal's loop on its clock: a step every second until ctx
// ends. A portal on a fake clock has no loop: its clock control steps.
func (s *server) run(ctx context.Context) {
	t := s.clk.Ticker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.step(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "loop step failed", "error", err)
			}
		}
	}
}
