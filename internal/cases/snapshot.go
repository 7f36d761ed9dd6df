package cases

import (
	"errors"
	"fmt"

	"github.com/sqkit/sqkit/internal/privacy"
	"github.com/sqkit/sqkit/internal/sqerr"
	"github.com/sqkit/sqkit/sla"
)

// Snapshot returns view of every item, ordered by order, and the snapshot
// of the engine's timeline when it is private (nil on a shared timeline,
// which the host snapshots once for every engine). Both are taken under
// the engine's lock, so they agree.
func Snapshot[R, E, V any](e *Engine[R, E], view func(*Item[R]) V, order func(a, b *Item[R]) int) ([]V, *sla.TrackerSnapshot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := listLocked(e, view, order)
	if !e.private {
		return out, nil
	}
	tl := e.tr.Snapshot()
	return out, &tl
}

// Restored describes a snapshot to restore: its version, the version the
// engine writes, its items, its timeline (nil for an engine that ran on a
// shared timeline), and the redaction policy that redacted it ("" for an
// original).
type Restored[V any] struct {
	Version, Want int
	Items         []V
	Timeline      *sla.TrackerSnapshot
	Redaction     string
}

// Restore rebuilds an engine from a snapshot. It refuses a redacted
// snapshot (an export, matching privacy.ErrRedacted) and nothing else;
// else it checks the version;
// restores the private timeline from the snapshot, or takes the shared one
// from o (already restored by the host, with no timeline in the snapshot);
// builds each item with build, which checks it as the live operations would
// and restores its machine; refuses duplicate ids; reports every record of
// the engine's namespace on the timeline that belongs to no item; and lets
// check compare each item with its record on the timeline (its clocks and
// timer). Every problem is reported at once, as errors matching the
// package's Invalid sentinel (or the sentinels build and check return).
// The engine registers its namespace only when everything fits.
func Restore[R, E, V any](spec Spec[R, E], o Options, s Restored[V],
	build func(path string, v V) (*Item[R], error), check func(it *Item[R], rec sla.RecordSnapshot) error) (*Engine[R, E], error) {
	if s.Redaction != "" {
		return nil, sqerr.Field(fmt.Errorf("%w: %w", spec.Invalid, privacy.ErrRedacted), "redaction", "%s", privacy.Refusal(s.Redaction))
	}
	e := newEngine(spec, o)
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, sqerr.Field(spec.Invalid, path, format, args...))
	}
	if s.Version != s.Want {
		bad("version", "format version %d, want %d", s.Version, s.Want)
	}
	switch {
	case e.private && s.Timeline == nil:
		bad("timeline", "missing: %v (the engine runs on a private timeline)", ErrNoTimeline)
	case !e.private && s.Timeline != nil:
		bad("timeline", "present: %v (the engine runs on the host's timeline; restore that first)", ErrNoTimeline)
	case e.private:
		opts := []sla.Option{sla.WithClock(e.clk)}
		if spec.Resolve != nil {
			opts = append(opts, sla.WithSpecResolver(spec.Resolve))
		}
		tr, err := sla.RestoreTracker(*s.Timeline, opts...)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", spec.Invalid, sqerr.Prefix("timeline", err)))
		}
		e.tr = tr
	}
	for i, v := range s.Items {
		path := fmt.Sprintf("items[%d]", i)
		it, err := build(path, v)
		switch {
		case err != nil:
			errs = append(errs, invalid(spec.Invalid, err))
		case e.items[it.ID] != nil:
			errs = append(errs, errors.Join(sqerr.Field(spec.Invalid, path, "second %s %q", spec.Noun, it.ID),
				fmt.Errorf("%s: %w: %s %q", path, spec.Duplicate, spec.Noun, it.ID)))
		default:
			e.items[it.ID] = it
		}
	}
	if e.tr != nil && len(errs) == 0 {
		for _, rk := range e.tr.Records(e.ns) {
			if e.items[rk.ID] == nil {
				bad("timeline", "record %s belongs to no %s", rk, spec.Noun)
			}
		}
		for _, it := range e.items {
			rec, _ := e.tr.Record(sla.RecordKey{Namespace: e.ns, ID: it.ID})
			if err := check(it, rec); err != nil {
				errs = append(errs, invalid(spec.Invalid, sqerr.Prefix(fmt.Sprintf("%s %q", spec.Noun, it.ID), err)))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := e.tr.Register(e.ns, e.deliver); err != nil {
		return nil, err
	}
	e.Debug("cases restored", "items", len(e.items))
	return e, nil
}

// invalid makes err match the engine's invalid sentinel too, when it does
// not already (a lifecycle problem matches the fsm package's sentinels).
func invalid(sentinel, err error) error {
	if errors.Is(err, sentinel) {
		return err
	}
	return fmt.Errorf("%w: %w", sentinel, err)
}
