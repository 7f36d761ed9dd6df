package sla_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

var d0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// durableSpec is one hour on the calendar named calendar, warned at 50 %.
func durableSpec(t *testing.T, calendar string, bt sla.BusinessTime) *sla.Spec {
	t.Helper()
	s, err := sla.NewSpec(sla.SpecDef{Metric: sla.Resolution, Within: sla.Duration(time.Hour), Calendar: calendar,
		Warnings: []sla.Rung{{Percent: 50}}}, bt)
	require.NoError(t, err)
	return s
}

// start starts the resolution clock of record id at at through d.
func start(t *testing.T, d *sla.Durable, id string, at time.Time, spec *sla.Spec) sla.StoredRecord {
	t.Helper()
	rec, err := d.Update(context.Background(), sla.RecordKey{ID: id}, func(tr *sla.Tracker, _ *json.RawMessage) error {
		return tr.StartAt(at, sla.ClockKey{ID: id}, spec, "")
	})
	require.NoError(t, err)
	return rec
}

// beforeSave runs a function once, before the next Save reaches the store.
type beforeSave struct {
	*sla.MemoryStore
	hook func()
}

func (b *beforeSave) Save(ctx context.Context, rec sla.StoredRecord) (int64, error) {
	if h := b.hook; h != nil {
		b.hook = nil
		h()
	}
	return b.MemoryStore.Save(ctx, rec)
}

// TestFireConflictLosesNothing: a fire whose save conflicts with a
// concurrent change (here, a pause made just before it) has written
// nothing, so the retry delivers the events (they sat in the outbox of a
// store without transactions and were never returned before).
func TestFireConflictLosesNothing(t *testing.T) {
	ctx := context.Background()
	st := &beforeSave{MemoryStore: sla.NewMemoryStore()}
	d := sla.NewDurable(st, nil)
	start(t, d, "T-1", d0, durableSpec(t, sla.CalendarAlways, sla.AlwaysOpen()))
	st.hook = func() {
		_, err := d.Update(ctx, sla.RecordKey{ID: "T-1"}, func(tr *sla.Tracker, _ *json.RawMessage) error {
			return tr.PauseAt(d0.Add(40*time.Minute), sla.ClockKey{ID: "T-1", Metric: sla.Resolution})
		})
		assert.NoError(t, err)
	}
	first, err := d.AdvanceTo(ctx, d0.Add(45*time.Minute))
	require.NoError(t, err, "AdvanceTo fires a record that changed meanwhile again")
	retry, err := d.AdvanceTo(ctx, d0.Add(45*time.Minute))
	require.NoError(t, err)
	got := append(first, retry...)
	require.Len(t, got, 1, "the warning of 09:30 is returned once")
	assert.Equal(t, "T-1/resolution/warning/1/1", got[0].ID.String())
	assert.Len(t, st.Outbox(), 1)
}

// TestUpdateChangesOneRecord: an Update whose function starts a clock of
// another record is refused and writes nothing (the clock was dropped and
// its deadline stored as the record's own, which made AdvanceTo spin).
func TestUpdateChangesOneRecord(t *testing.T) {
	ctx := context.Background()
	st := sla.NewMemoryStore()
	d := sla.NewDurable(st, nil)
	spec := durableSpec(t, sla.CalendarAlways, sla.AlwaysOpen())
	_, err := d.Update(ctx, sla.RecordKey{ID: "A"}, func(tr *sla.Tracker, _ *json.RawMessage) error {
		return tr.StartAt(d0, sla.ClockKey{ID: "B"}, spec, "")
	})
	require.ErrorIs(t, err, sla.ErrInvalid)
	assert.Contains(t, err.Error(), "record B")
	_, err = st.Load(ctx, sla.RecordKey{ID: "A"})
	require.ErrorIs(t, err, sla.ErrRecordNotFound)
	events, err := d.AdvanceTo(ctx, d0.Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, events)
}

// shifted is a 24x7 calendar that is closed for its first off of
// business time: a calendar that gained a holiday.
type shifted struct{ off time.Duration }

func (s shifted) Add(from time.Time, d time.Duration) time.Time { return from.Add(d + s.off) }
func (s shifted) Between(a, b time.Time) time.Duration {
	return max(b.Sub(a)-s.off, 0)
}

// TestFireMendsAStaleDeadline: a record whose stored deadline has passed
// with nothing due (its calendar gained a holiday since it was saved) is
// saved with its real next deadline, and AdvanceTo returns (it listed the
// record as due for ever).
func TestFireMendsAStaleDeadline(t *testing.T) {
	st := sla.NewMemoryStore()
	before := sla.NewDurable(st, sla.SpecResolver(nil, sla.Registry{"biz": sla.AlwaysOpen()}))
	start(t, before, "A", d0, durableSpec(t, "biz", sla.AlwaysOpen()))
	after := sla.NewDurable(st, sla.SpecResolver(nil, sla.Registry{"biz": shifted{24 * time.Hour}}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	events, err := after.AdvanceTo(ctx, d0.Add(45*time.Minute))
	require.NoError(t, err)
	assert.Empty(t, events, "09:30 is no longer a deadline")
	rec, err := st.Load(ctx, sla.RecordKey{ID: "A"})
	require.NoError(t, err)
	assert.Equal(t, d0.Add(24*time.Hour+30*time.Minute), rec.Next, "the warning moved with the holiday")
	events, err = after.AdvanceTo(ctx, d0.Add(25*time.Hour))
	require.NoError(t, err)
	assert.Len(t, events, 2, "the warning and the breach after the holiday")
}

// TestAdvanceToPassesOverUnreadable: a record this host cannot read (its
// calendar left the registry) does not hold up the records due after it;
// AdvanceTo delivers those and reports the other.
func TestAdvanceToPassesOverUnreadable(t *testing.T) {
	ctx := context.Background()
	st := sla.NewMemoryStore()
	start(t, sla.NewDurable(st, sla.SpecResolver(nil, sla.Registry{"biz": sla.AlwaysOpen()})), "A", d0, durableSpec(t, "biz", sla.AlwaysOpen()))
	d := sla.NewDurable(st, nil)
	start(t, d, "B", d0.Add(time.Hour), durableSpec(t, sla.CalendarAlways, sla.AlwaysOpen()))
	events, err := d.AdvanceTo(ctx, d0.Add(5*time.Hour))
	require.ErrorIs(t, err, sla.ErrInvalid)
	assert.Contains(t, err.Error(), "A")
	require.Len(t, events, 2, "B's warning and breach")
	assert.Equal(t, "B", events[0].ID.Clock)
}

// TestMemoryStoreCopies: what Load returns and what Save is given share
// nothing with the stored record.
func TestMemoryStoreCopies(t *testing.T) {
	ctx := context.Background()
	st := sla.NewMemoryStore()
	d := sla.NewDurable(st, nil)
	key, ck := sla.RecordKey{ID: "A"}, sla.ClockKey{ID: "A", Metric: sla.Resolution}
	start(t, d, "A", d0, durableSpec(t, sla.CalendarAlways, sla.AlwaysOpen()))
	_, err := d.Update(ctx, key, func(tr *sla.Tracker, _ *json.RawMessage) error { return tr.PauseAt(d0.Add(2*time.Hour), ck) })
	require.NoError(t, err)
	a, err := st.Load(ctx, key)
	require.NoError(t, err)
	*a.Timeline.Clocks[0].Clock.BreachedAt = d0.Add(-time.Hour)
	a.Timeline.Clocks[0].Clock.Spec.Warnings[0].Percent = 99
	b, err := st.Load(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, d0.Add(time.Hour), *b.Timeline.Clocks[0].Clock.BreachedAt)
	assert.Equal(t, 50.0, b.Timeline.Clocks[0].Clock.Spec.Warnings[0].Percent)

	b.Version = 0
	b.Key = sla.RecordKey{ID: "C"}
	_, err = st.Save(ctx, b)
	require.NoError(t, err)
	*b.Timeline.Clocks[0].Clock.BreachedAt = d0.Add(-time.Hour)
	c, err := st.Load(ctx, b.Key)
	require.NoError(t, err)
	assert.Equal(t, d0.Add(time.Hour), *c.Timeline.Clocks[0].Clock.BreachedAt)
}

// TestDurableTimerSetAgain: a record's timer set again after it fell due
// is delivered through the outbox (its event id repeated the first one's
// and was swallowed).
func TestDurableTimerSetAgain(t *testing.T) {
	ctx := context.Background()
	d := sla.NewDurable(sla.NewMemoryStore(), nil)
	k := sla.RecordKey{ID: "eval"}
	var got []string
	for i := 1; i <= 3; i++ {
		due := d0.Add(time.Duration(i) * time.Hour)
		_, err := d.Update(ctx, k, func(tr *sla.Tracker, _ *json.RawMessage) error { return tr.SetTimer(k, due) })
		require.NoError(t, err)
		events, err := d.AdvanceTo(ctx, due)
		require.NoError(t, err)
		for _, e := range events {
			got = append(got, e.ID.String())
		}
	}
	assert.Equal(t, []string{"eval/timer/1", "eval/timer/2", "eval/timer/3"}, got)
}
