package sla

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Errors of durable stores.
var (
	// ErrConflict: the record changed in the store since it was loaded (or
	// already exists, when saved as new). Nothing was written; load it
	// again and retry.
	ErrConflict = errors.New("sla: record changed by another writer")
	// ErrRecordNotFound: the store holds no record under the key.
	ErrRecordNotFound = errors.New("sla: no such record")
)

// ConflictError reports a Save whose expected version is not the stored
// one. It matches ErrConflict.
type ConflictError struct {
	Key RecordKey
	// Expected is the version the writer loaded (0: a new record); Stored
	// is the version in the store (0: none).
	Expected, Stored int64
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("sla: record %s: version %d expected, %d stored: %s", e.Key, e.Expected, e.Stored,
		trimPrefix(ErrConflict.Error()))
}

// Is matches ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// StoredRecord is one record as a Store keeps it: the record's timeline
// state, the host's own state of the subject saved atomically with it (for
// example the ticket's fsm snapshot), the version for optimistic
// concurrency, and the record's next deadline.
type StoredRecord struct {
	Key RecordKey `json:"key"`
	// Version is the stored version: 0 for a record not stored yet; each
	// Save increments it.
	Version  int64           `json:"version"`
	Timeline RecordSnapshot  `json:"timeline"`
	Data     json.RawMessage `json:"data,omitempty"`
	// Next is the instant of the record's next undelivered event (zero:
	// none) and NextID that event's id: a store schedules Next, unique by
	// NextID, so duplicate schedules of one event collapse.
	Next   time.Time `json:"next,omitzero"`
	NextID EventID   `json:"next_id,omitzero"`
}

// Store keeps the records of a timeline durably, one record at a time, so
// that several replicas share them. Implementations must pass the
// conformance suite slatest.TestStore. A Store used by several goroutines
// or processes must be safe for that; a transactional store may bind its
// methods to a transaction carried by ctx.
type Store interface {
	// Load returns the record stored under key, or an error wrapping
	// ErrRecordNotFound.
	Load(ctx context.Context, key RecordKey) (StoredRecord, error)
	// Save writes rec if the stored version is rec.Version (0: no record
	// may exist under the key) and schedules its next deadline rec.Next
	// (replacing the one scheduled before; zero schedules none), in one
	// atomic step. It returns the new version (rec.Version+1). A version
	// mismatch returns a *ConflictError and writes nothing.
	Save(ctx context.Context, rec StoredRecord) (int64, error)
	// Delete removes the record if the stored version is version, with its
	// scheduled deadline; a mismatch returns a *ConflictError. The outbox
	// keeps the ids of the record's events: a record created again under
	// the key starts its clocks at cycle 1, and the outbox takes their
	// events for delivered. Give each life of a subject a key of its own,
	// or keep the record and measure anew with Tracker.NewCycleAt.
	Delete(ctx context.Context, key RecordKey, version int64) error
	// Deliver records events as delivered (an outbox keyed by event id) and
	// returns, in order, those it had not recorded before.
	Deliver(ctx context.Context, events []Event) ([]Event, error)
}

// Durable changes and advances records kept in a Store, one record at a
// time: each call loads the record into a tracker of its own, applies the
// change or delivers what fell due, and saves the record with its next
// deadline. Several Durables (in several processes) may share one Store:
// optimistic concurrency makes one of two concurrent changes of a record
// fail with ErrConflict, and the store's outbox delivers each event once.
//
// A Durable holds no state of its own and is safe for concurrent use.
type Durable struct {
	store   Store
	resolve func(SpecDef) (*Spec, error)
}

// NewDurable returns a Durable on store that resolves recorded targets
// with resolve (see SpecResolver; nil resolves only targets on the 24x7
// calendar).
func NewDurable(store Store, resolve func(SpecDef) (*Spec, error)) *Durable {
	if resolve == nil {
		resolve = SpecResolver(nil, nil)
	}
	return &Durable{store: store, resolve: resolve}
}

// Store returns the durable's store.
func (d *Durable) Store() Store { return d.store }

// scratch returns a tracker holding the stored record (none for a new
// one), with a handler collecting the events of its namespace.
func (d *Durable) scratch(rec StoredRecord, events *[]Event) (*Tracker, error) {
	tr := NewTracker(WithSpecResolver(d.resolve))
	collect := func(e Event) { *events = append(*events, e) }
	if rec.Key.Namespace == "" {
		tr.OnEvent(collect)
	} else if err := tr.Register(rec.Key.Namespace, collect); err != nil {
		return nil, err
	}
	if rec.Version > 0 && (len(rec.Timeline.Clocks) > 0 || rec.Timeline.Timer != nil) {
		if rec.Timeline.Key() != rec.Key {
			return nil, fmt.Errorf("%w: stored record %s holds the timeline of %s", ErrInvalid, rec.Key, rec.Timeline.Key())
		}
		if err := tr.Load(rec.Timeline); err != nil {
			// Unreadable by this host: a corrupt row, or a target its
			// resolver does not know.
			return nil, fmt.Errorf("%w: stored record %s: %w", ErrInvalid, rec.Key, err)
		}
	}
	return tr, nil
}

// save snapshots the record from tr, sets its next deadline and saves it.
func (d *Durable) save(ctx context.Context, tr *Tracker, rec StoredRecord) (StoredRecord, error) {
	snap, ok := tr.Record(rec.Key)
	if !ok {
		snap = RecordSnapshot{Version: SnapshotVersion, Namespace: rec.Key.Namespace, ID: rec.Key.ID}
	}
	rec.Timeline = snap
	rec.Next, rec.NextID = schedule(tr)
	v, err := d.store.Save(ctx, rec)
	if err != nil {
		return StoredRecord{}, err
	}
	rec.Version = v
	return rec, nil
}

// Update loads the record under key (a new, empty one when the store has
// none), lets f change it on a tracker holding that record alone (start,
// pause, stop its clocks, set its timer) and the host's data saved with
// it, and saves it with its next deadline. Events that fall due during f
// (none, when f only records changes at their instants) are not delivered
// here: Fire delivers them. A concurrent change of the same record makes
// Save fail with ErrConflict; nothing is written then. An f that starts a
// clock or sets a timer of another record is refused (ErrInvalid).
func (d *Durable) Update(ctx context.Context, key RecordKey, f func(tr *Tracker, data *json.RawMessage) error) (StoredRecord, error) {
	rec, err := d.store.Load(ctx, key)
	switch {
	case errors.Is(err, ErrRecordNotFound):
		rec = StoredRecord{Key: key}
	case err != nil:
		return StoredRecord{}, err
	}
	var events []Event
	tr, err := d.scratch(rec, &events)
	if err != nil {
		return StoredRecord{}, err
	}
	if err := f(tr, &rec.Data); err != nil {
		return StoredRecord{}, err
	}
	// A change of another record would be lost, and its deadline scheduled
	// as this record's.
	if other, ok := tr.otherRecord(key); ok {
		return StoredRecord{}, fmt.Errorf("%w: record %s: the change made record %s too; an Update changes one record", ErrInvalid, key, other)
	}
	return d.save(ctx, tr, rec)
}

// schedule returns the next deadline of tr and the id of its event (zero
// when none).
func schedule(tr *Tracker) (time.Time, EventID) {
	if at, ok := tr.NextDeadline(); ok {
		return at, tr.peekID()
	}
	return time.Time{}, EventID{}
}

// Fire advances the record under key to now: it loads the record, takes
// every event due at or before now (each with its own instant), saves the
// record with its next deadline, records the events in the store's outbox,
// and returns those the outbox had not recorded before, in order. An
// event is never taken before its instant. Saving first, a store that is
// not transactional loses nothing when the save fails with ErrConflict:
// the retry takes the events again. A record with nothing due is saved
// only when its stored deadline is not its next one (a calendar that
// changed since): a store never lists it as due for nothing again. A
// record that is gone returns an error wrapping ErrRecordNotFound (a
// scheduler records the skip).
func (d *Durable) Fire(ctx context.Context, key RecordKey, now time.Time) ([]Event, error) {
	rec, err := d.store.Load(ctx, key)
	if err != nil {
		return nil, err
	}
	var events []Event
	tr, err := d.scratch(rec, &events)
	if err != nil {
		return nil, err
	}
	if tr.AdvanceTo(now) == 0 {
		if next, id := schedule(tr); next.Equal(rec.Next) && id == rec.NextID {
			return nil, nil // an outdated job: the record is unchanged
		}
		_, err := d.save(ctx, tr, rec)
		return nil, err
	}
	if _, err := d.save(ctx, tr, rec); err != nil {
		return nil, err
	}
	return d.store.Deliver(ctx, events)
}
