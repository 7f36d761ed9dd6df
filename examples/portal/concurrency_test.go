package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// conflictAfterDeliver fails the first Save that follows a non-empty
// Deliver with a conflict, as a writer that changed the record meanwhile
// (an action, another replica) makes it fail.
type conflictAfterDeliver struct {
	sla.Store
	armed, delivered bool
}

func (c *conflictAfterDeliver) Deliver(ctx context.Context, ev []sla.Event) ([]sla.Event, error) {
	if len(ev) > 0 {
		c.delivered = true
	}
	return c.Store.Deliver(ctx, ev)
}

func (c *conflictAfterDeliver) Save(ctx context.Context, rec sla.StoredRecord) (int64, error) {
	if c.armed && c.delivered {
		c.armed = false
		return 0, &sla.ConflictError{Key: rec.Key, Expected: rec.Version, Stored: rec.Version + 1}
	}
	return c.Store.Save(ctx, rec)
}

// TestFireConflictTakesNothing: a fire whose record changed meanwhile is
// rolled back whole, its events with it, so the retry delivers them and
// the breach reaches the queue row (they were committed to the outbox and
// lost before).
func TestFireConflictTakesNothing(t *testing.T) {
	p, _ := testPortal(t)
	ctx := context.Background()
	id, err := p.desk.create(ctx, user{Name: "alice", Role: roleAgent},
		newTicket{Kind: kindTicket, Subject: "printer", Customer: "c", Priority: "normal", Team: "billing"})
	require.NoError(t, err)
	p.mock.Add(31 * time.Minute) // the warnings and the first-response breach are due
	now, key := p.clk.Now(), recordKey(id)

	racing := newDesk(p.desk.db, &conflictAfterDeliver{Store: p.desk.store, armed: true}, p.clk, p.log, p.desk.config())
	n, err := racing.fireOne(ctx, key, now)
	require.NoError(t, err, "a conflict skips the record")
	assert.Zero(t, n)
	var outbox int64
	require.NoError(t, p.desk.db.QueryRow(ctx, "SELECT COUNT(*) FROM sla_outbox WHERE record_id = ?", key.ID).Scan(&outbox))
	assert.Zero(t, outbox, "nothing of the failed fire is committed")

	n, err = p.desk.fireOne(ctx, key, now)
	require.NoError(t, err)
	assert.Positive(t, n, "the retry delivers the events")
	_, _, level := ticketState(t, p, id)
	assert.Equal(t, 3, level, "the breach reaches the queue row")
}
