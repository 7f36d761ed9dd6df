package sla

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sqkit/sqkit/internal/deadline"
)

// DueLister is implemented by stores that list their due records
// themselves (MemoryStore). Stores on a job queue (the River adapter) run
// Durable.Fire from their jobs instead.
type DueLister interface {
	// Due returns the keys of up to limit records whose next deadline is
	// at or before now, earliest first.
	Due(ctx context.Context, now time.Time, limit int) ([]RecordKey, error)
}

// MemoryStore is the in-memory Store: records in a map, their next
// deadlines in one deadline queue, and an outbox of delivered event ids.
// It is for one process (tests, a single-replica host that snapshots it
// whole); it is safe for concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	records map[RecordKey]StoredRecord
	due     *deadline.Queue[RecordKey]
	seen    map[EventID]bool
	outbox  []Event
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{records: map[RecordKey]StoredRecord{}, due: deadline.New[RecordKey](0), seen: map[EventID]bool{}}
}

// Load implements Store.
func (m *MemoryStore) Load(ctx context.Context, key RecordKey) (StoredRecord, error) {
	if err := ctx.Err(); err != nil {
		return StoredRecord{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	rec, ok := m.records[key]
	if !ok {
		return StoredRecord{}, fmt.Errorf("%w: %s", ErrRecordNotFound, key)
	}
	return cloneStored(rec), nil
}

// cloneStored returns a deep copy of r: nothing of a record the store
// keeps is shared with its callers.
func cloneStored(r StoredRecord) StoredRecord {
	r.Data = slices.Clone(r.Data)
	r.Timeline.Clocks = slices.Clone(r.Timeline.Clocks)
	for i := range r.Timeline.Clocks {
		c := &r.Timeline.Clocks[i].Clock
		c.Spec.Warnings = slices.Clone(c.Spec.Warnings)
		c.Spec.Reminders = slices.Clone(c.Spec.Reminders)
		if c.BreachedAt != nil {
			b := *c.BreachedAt
			c.BreachedAt = &b
		}
	}
	r.Timeline.Pending = slices.Clone(r.Timeline.Pending)
	if r.Timeline.Timer != nil {
		t := *r.Timeline.Timer
		r.Timeline.Timer = &t
	}
	return r
}

// Save implements Store.
func (m *MemoryStore) Save(ctx context.Context, rec StoredRecord) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if rec.Key.ID == "" || rec.Version < 0 || (!rec.Next.IsZero() && !queueable(rec.Next)) {
		return 0, fmt.Errorf("%w: record %s: empty id, negative version or next deadline out of range", ErrInvalid, rec.Key)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if stored := m.records[rec.Key].Version; stored != rec.Version {
		return 0, &ConflictError{Key: rec.Key, Expected: rec.Version, Stored: stored}
	}
	rec.Version++
	m.records[rec.Key] = cloneStored(rec)
	if rec.Next.IsZero() {
		m.due.Remove(rec.Key)
	} else {
		m.due.SetTime(rec.Key, rec.Next)
	}
	return rec.Version, nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(ctx context.Context, key RecordKey, version int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if stored := m.records[key].Version; stored != version || stored == 0 {
		return &ConflictError{Key: key, Expected: version, Stored: stored}
	}
	delete(m.records, key)
	m.due.Remove(key)
	return nil
}

// Deliver implements Store.
func (m *MemoryStore) Deliver(ctx context.Context, events []Event) ([]Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var fresh []Event
	for _, e := range events {
		if !m.seen[e.ID] {
			m.seen[e.ID] = true
			m.outbox = append(m.outbox, e)
			fresh = append(fresh, e)
		}
	}
	return fresh, nil
}

// Due implements DueLister.
func (m *MemoryStore) Due(ctx context.Context, now time.Time, limit int) ([]RecordKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []RecordKey
	var pops []int64
	for len(keys) < limit {
		k, at, ok := m.due.Peek()
		if !ok || at > now.UnixNano() {
			break
		}
		m.due.Pop()
		keys, pops = append(keys, k), append(pops, at)
	}
	for i, k := range keys { // listing does not claim: put them back
		m.due.Set(k, pops[i])
	}
	return keys, nil
}

// Outbox returns every event delivered so far, in delivery order.
func (m *MemoryStore) Outbox() []Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.outbox)
}

// AdvanceTo fires every record of the store that is due at or before now
// (see Fire), until none is, and returns the events delivered. The store
// must list its due records (DueLister). A record that cannot be fired
// (gone, or unreadable by this host: errors matching ErrRecordNotFound or
// ErrInvalid) is passed over, so that it does not hold up the others; the
// error returned then joins their errors, and the events of the others
// are returned with it. Any other error ends the call.
func (d *Durable) AdvanceTo(ctx context.Context, now time.Time) ([]Event, error) {
	dl, ok := d.store.(DueLister)
	if !ok {
		return nil, fmt.Errorf("%w: the store does not list due records; its scheduler fires them", ErrInvalid)
	}
	var out []Event
	var skipped []error
	passed := map[RecordKey]bool{}
	for {
		keys, err := dl.Due(ctx, now, 256+len(passed))
		if err != nil {
			return out, err
		}
		fired := 0
		for _, k := range keys {
			if passed[k] {
				continue
			}
			fired++
			evs, err := d.Fire(ctx, k, now)
			switch {
			case errors.Is(err, ErrRecordNotFound), errors.Is(err, ErrInvalid):
				passed[k] = true
				skipped = append(skipped, err)
			case errors.Is(err, ErrConflict):
				// Changed meanwhile: the next pass fires it as it is now.
			case err != nil:
				return out, err
			}
			out = append(out, evs...)
		}
		if fired == 0 {
			return out, errors.Join(skipped...)
		}
	}
}
