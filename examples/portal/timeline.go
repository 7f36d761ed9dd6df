package main

import (
	"context"
	"errors"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// fireDue delivers every timeline event due at or before now, one record at
// a time, each in a transaction of its own that also updates the ticket's
// queue row (its warning level and next due instant): the timeline's
// effect on the desk happens exactly once. It is the in-process loop of the
// SQLite mode (and of a PostgreSQL portal on a fake clock, whose River jobs
// wait for real time). It returns the number of events delivered.
func (d *desk) fireDue(ctx context.Context, lister sla.DueLister, now time.Time) (int, error) {
	seen := map[sla.RecordKey]bool{}
	total := 0
	for {
		keys, err := lister.Due(ctx, now, 128)
		if err != nil {
			return total, err
		}
		fresh := 0
		for _, k := range keys {
			if seen[k] {
				continue // unreadable, or changed meanwhile: the next pass retries it
			}
			seen[k] = true
			fresh++
			n, err := d.fireOne(ctx, k, now)
			if err != nil {
				return total, err
			}
			total += n
		}
		if fresh == 0 {
			return total, nil
		}
	}
}

// fireOne fires one record in its own transaction. A record that cannot
// be fired now (gone, unreadable, or changed meanwhile by another writer)
// is skipped with its transaction rolled back, so no event of it is taken
// from the timeline: the next pass retries it.
func (d *desk) fireOne(ctx context.Context, k sla.RecordKey, now time.Time) (int, error) {
	var events []sla.Event
	err := inTx(ctx, d.db, func(t tx) error {
		var err error
		if events, err = d.durable().Fire(t.Bind(ctx), k, now); err != nil || len(events) == 0 {
			return err
		}
		return d.refresh(ctx, t, k, now)
	})
	switch {
	case errors.Is(err, sla.ErrRecordNotFound), errors.Is(err, sla.ErrInvalid), errors.Is(err, sla.ErrConflict):
		d.log.WarnContext(ctx, "timeline record skipped", "record", k.String(), "error", err)
		return 0, nil
	case err != nil:
		return 0, err
	}
	d.delivered(ctx, events, now) // once committed: a rolled-back fire logs and counts nothing
	return len(events), nil
}

// delivered logs the events the timeline delivered at now, by id and kind
// only, and counts them in the telemetry.
func (d *desk) delivered(ctx context.Context, events []sla.Event, now time.Time) {
	for _, e := range events {
		d.log.InfoContext(ctx, "sla event", "event_id", e.ID.String(), "kind", e.ID.Kind.String(), "at", e.At)
	}
	d.tele.observe(events, now)
}

// reloadConfig puts the stored SLA configuration in force when another
// replica (or an admin) changed it.
func (d *desk) reloadConfig(ctx context.Context) error {
	// One reload at a time: a slow one cannot put an older configuration
	// in force after a newer one.
	d.reload.Lock()
	defer d.reload.Unlock()
	cv, pv, err := configVersions(ctx, d.db)
	if err != nil {
		return err
	}
	cur := d.config()
	if cv == cur.CalendarsVersion && pv == cur.PolicyVersion {
		return nil
	}
	cfg, err := loadConfig(ctx, d.db)
	if err != nil {
		return err
	}
	d.setConfig(cfg)
	return nil
}
