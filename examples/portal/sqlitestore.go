package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// sqliteStore is an sla.Store and sla.DueLister on the portal's SQLite
// database: records in sla_records (optimistic concurrency by version),
// their next deadlines in the indexed next_at column, and delivered events
// in sla_outbox keyed by event id. Its methods run in the transaction a
// context carries (tx.Bind), so that a ticket's state change, its clocks
// and its queue row commit together; without one, each method runs in a
// transaction of its own. It is safe for concurrent use: writes go through
// the database's single writer connection.
type sqliteStore struct {
	db *sqliteDB
}

var (
	_ sla.Store     = (*sqliteStore)(nil)
	_ sla.DueLister = (*sqliteStore)(nil)
)

// inTx runs f in the context's transaction, or in one of its own.
func (s *sqliteStore) inTx(ctx context.Context, f func(t *sqliteTx) error) error {
	if t := sqliteTxFrom(ctx); t != nil {
		return f(t)
	}
	return inTx(ctx, s.db, func(t tx) error { return f(t.(*sqliteTx)) })
}

// Load implements sla.Store.
func (s *sqliteStore) Load(ctx context.Context, key sla.RecordKey) (sla.StoredRecord, error) {
	q := `SELECT version, timeline, data, next_at, next_event FROM sla_records WHERE namespace = ? AND id = ?`
	var r row
	if t := sqliteTxFrom(ctx); t != nil {
		r = t.QueryRow(ctx, q, key.Namespace, key.ID)
	} else {
		r = s.db.QueryRow(ctx, q, key.Namespace, key.ID)
	}
	rec := sla.StoredRecord{Key: key}
	var (
		timeline  string
		data      *string
		nextAt    *int64
		nextEvent *string
	)
	err := r.Scan(&rec.Version, &timeline, &data, &nextAt, &nextEvent)
	switch {
	case errors.Is(err, errNoRows):
		return sla.StoredRecord{}, fmt.Errorf("%w: %s", sla.ErrRecordNotFound, key)
	case err != nil:
		return sla.StoredRecord{}, fmt.Errorf("portal: load %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(timeline), &rec.Timeline); err != nil {
		return sla.StoredRecord{}, fmt.Errorf("%w: record %s: unreadable timeline: %v", sla.ErrInvalid, key, err)
	}
	if data != nil {
		rec.Data = json.RawMessage(*data)
	}
	if nextAt != nil {
		rec.Next = time.Unix(0, *nextAt).UTC()
		if nextEvent != nil {
			if err := json.Unmarshal([]byte(*nextEvent), &rec.NextID); err != nil {
				return sla.StoredRecord{}, fmt.Errorf("%w: record %s: unreadable next event: %v", sla.ErrInvalid, key, err)
			}
		}
	}
	return rec, nil
}

// Save implements sla.Store.
func (s *sqliteStore) Save(ctx context.Context, rec sla.StoredRecord) (int64, error) {
	if rec.Key.ID == "" || rec.Version < 0 {
		return 0, fmt.Errorf("%w: record %s: empty id or negative version", sla.ErrInvalid, rec.Key)
	}
	timeline, err := json.Marshal(rec.Timeline)
	if err != nil {
		return 0, fmt.Errorf("portal: save %s: %w", rec.Key, err)
	}
	var data *string
	if len(rec.Data) > 0 {
		if !json.Valid(rec.Data) {
			return 0, fmt.Errorf("%w: record %s: data is not JSON", sla.ErrInvalid, rec.Key)
		}
		d := string(rec.Data)
		data = &d
	}
	var nextAt *int64
	var nextEvent *string
	if !rec.Next.IsZero() {
		n := rec.Next.UnixNano()
		nextAt = &n
		b, err := json.Marshal(rec.NextID)
		if err != nil {
			return 0, fmt.Errorf("portal: save %s: %w", rec.Key, err)
		}
		e := string(b)
		nextEvent = &e
	}
	err = s.inTx(ctx, func(t *sqliteTx) error {
		var n int64
		var err error
		if rec.Version == 0 {
			n, err = t.Exec(ctx, `INSERT INTO sla_records (namespace, id, version, timeline, data, next_at, next_event)
				VALUES (?, ?, 1, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				rec.Key.Namespace, rec.Key.ID, string(timeline), data, nextAt, nextEvent)
		} else {
			n, err = t.Exec(ctx, `UPDATE sla_records SET version = version + 1, timeline = ?, data = ?, next_at = ?, next_event = ?
				WHERE namespace = ? AND id = ? AND version = ?`,
				string(timeline), data, nextAt, nextEvent, rec.Key.Namespace, rec.Key.ID, rec.Version)
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return s.conflict(ctx, t, rec.Key, rec.Version)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, sla.ErrConflict) {
			return 0, err
		}
		return 0, fmt.Errorf("portal: save %s: %w", rec.Key, err)
	}
	return rec.Version + 1, nil
}

// conflict returns the *sla.ConflictError of a write that found another
// version.
func (s *sqliteStore) conflict(ctx context.Context, t *sqliteTx, key sla.RecordKey, expected int64) error {
	var stored int64
	err := t.QueryRow(ctx, "SELECT version FROM sla_records WHERE namespace = ? AND id = ?", key.Namespace, key.ID).Scan(&stored)
	if err != nil && !errors.Is(err, errNoRows) {
		return err
	}
	return &sla.ConflictError{Key: key, Expected: expected, Stored: stored}
}

// Delete implements sla.Store.
func (s *sqliteStore) Delete(ctx context.Context, key sla.RecordKey, version int64) error {
	err := s.inTx(ctx, func(t *sqliteTx) error {
		n, err := t.Exec(ctx, "DELETE FROM sla_records WHERE namespace = ? AND id = ? AND version = ?", key.Namespace, key.ID, version)
		if err != nil {
			return err
		}
		if n == 0 {
			return s.conflict(ctx, t, key, version)
		}
		return nil
	})
	if err != nil && !errors.Is(err, sla.ErrConflict) {
		return fmt.Errorf("portal: delete %s: %w", key, err)
	}
	return err
}

// Deliver implements sla.Store.
func (s *sqliteStore) Deliver(ctx context.Context, events []sla.Event) ([]sla.Event, error) {
	var fresh []sla.Event
	err := s.inTx(ctx, func(t *sqliteTx) error {
		fresh = fresh[:0]
		for _, e := range events {
			payload, err := json.Marshal(e)
			if err != nil {
				return err
			}
			n, err := t.Exec(ctx, `INSERT INTO sla_outbox (event_id, namespace, record_id, kind, at, event)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
				e.ID.String(), e.ID.Namespace, e.ID.Clock, e.ID.Kind.String(), e.At.UnixNano(), string(payload))
			if err != nil {
				return err
			}
			if n == 1 {
				fresh = append(fresh, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("portal: deliver: %w", err)
	}
	return fresh, nil
}

// Due implements sla.DueLister from the next_at index.
func (s *sqliteStore) Due(ctx context.Context, now time.Time, limit int) ([]sla.RecordKey, error) {
	return dueKeys(ctx, s.db, "sla_records", now, limit)
}

// dueKeys lists up to limit records of table whose next deadline is at or
// before now, earliest first. The SQLite table keeps next_at as Unix
// nanoseconds, PostgreSQL's slariver table as timestamptz.
func dueKeys(ctx context.Context, q querier, table string, now time.Time, limit int) ([]sla.RecordKey, error) {
	var arg any = now.UnixNano()
	if table != "sla_records" {
		arg = now.UTC()
	}
	rs, err := q.Query(ctx, "SELECT namespace, id FROM "+table+" WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?", arg, limit)
	if err != nil {
		return nil, fmt.Errorf("portal: due records: %w", err)
	}
	defer rs.Close()
	var keys []sla.RecordKey
	for rs.Next() {
		var k sla.RecordKey
		if err := rs.Scan(&k.Namespace, &k.ID); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rs.Err()
}
