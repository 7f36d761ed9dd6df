package main

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/sqkit/sqkit/sla"
)

// conflictOnce fails the next Save with a conflict while armed, as a
// writer that changed the record meanwhile (an action, another replica)
// makes it fail.
type conflictOnce struct {
	sla.Store
	armed bool
}

func (c *conflictOnce) Save(ctx context.Context, rec sla.StoredRecord) (int64, error) {
	if c.armed {
		c.armed = false
		return 0, &sla.ConflictError{Key: rec.Key, Expected: rec.Version, Stored: rec.Version + 1}
	}
	return c.Store.Save(ctx, rec)
}

// TestFireConflictTakesNothing: a fire whose record changed meanwhile is
// rolled back whole, its events with it, so the retry delivers them and
// the breach reaches the queue row.
func TestFireConflictTakesNothing(t *testing.T) {
	p, _ := testPortal(t)
	ctx := context.Background()
	id, err := p.desk.create(ctx, user{Name: "alice", Role: roleAgent},
		newTicket{Kind: kindTicket, Subject: "printer", Customer: "c", Priority: "normal", Team: "billing"})
	require.NoError(t, err)
	p.mock.Add(31 * time.Minute) // the warnings and the first-response breach are due
	now, key := p.clk.Now(), recordKey(id)

	racing := newDesk(p.desk.db, &conflictOnce{Store: p.desk.store, armed: true}, p.clk, p.log, p.desk.config())
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

// holdKey marks the context of the call a holdDB holds up.
type holdKey struct{}

// holdDB holds up every read of a call whose context carries holdKey that
// match selects (in or outside a transaction), right after its Scan, until
// release is closed; reached is closed at the first.
type holdDB struct {
	database
	match            func(q string, args []any) bool
	reached, release chan struct{}
	once             sync.Once
}

func newHoldDB(db database, match func(q string, args []any) bool) *holdDB {
	return &holdDB{database: db, match: match, reached: make(chan struct{}), release: make(chan struct{})}
}

func (h *holdDB) QueryRow(ctx context.Context, q string, args ...any) row {
	return h.hold(ctx, h.database.QueryRow(ctx, q, args...), q, args)
}

func (h *holdDB) Begin(ctx context.Context) (tx, error) {
	t, err := h.database.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &holdTx{tx: t, h: h}, nil
}

func (h *holdDB) hold(ctx context.Context, r row, q string, args []any) row {
	if ctx.Value(holdKey{}) == nil || !h.match(q, args) {
		return r
	}
	return heldRow{r, h}
}

type holdTx struct {
	tx
	h *holdDB
}

func (t *holdTx) QueryRow(ctx context.Context, q string, args ...any) row {
	return t.h.hold(ctx, t.tx.QueryRow(ctx, q, args...), q, args)
}

type heldRow struct {
	row
	h *holdDB
}

func (r heldRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	r.h.once.Do(func() { close(r.h.reached) })
	<-r.h.release
	return err
}

// TestActChecksTheOwnerOfTheCase: an agent's action whose transaction read
// the queue row before a supervisor's transfer committed is refused: the
// case it changes, read after, names the new owner (on PostgreSQL, where
// the two transactions run at once).
func TestActChecksTheOwnerOfTheCase(t *testing.T) {
	p, err := newPortal(context.Background(), options{DB: testPGURL(t), Fake: testStart, Demo: true, BcryptCost: bcrypt.MinCost, Log: testLog()})
	require.NoError(t, err)
	t.Cleanup(p.close)
	ctx := context.Background()
	alice, sam := user{Name: "alice", Role: roleAgent}, user{Name: "sam", Role: roleSupervisor}
	id, err := p.desk.create(ctx, sam, newTicket{Kind: kindTicket, Subject: "printer", Customer: "c", Priority: "normal", Team: "billing"})
	require.NoError(t, err)
	require.NoError(t, p.desk.act(ctx, alice, id, caseAction{Op: "take"}))

	g := newHoldDB(p.desk.db, func(q string, _ []any) bool {
		return strings.Contains(q, "FROM tickets WHERE id")
	})
	p.desk.db = g
	done := make(chan error)
	go func() {
		done <- p.desk.act(context.WithValue(ctx, holdKey{}, true), alice, id, caseAction{Op: "fire", Event: "start"})
	}()
	<-g.reached // alice's transaction has read the row: she owns the ticket
	require.NoError(t, p.desk.act(ctx, sam, id, caseAction{Op: "transfer", To: "bob"}))
	close(g.release)
	require.ErrorIs(t, <-done, errForbidden, "alice may not act on a ticket transferred to bob")
	state, owner, _ := ticketState(t, p, id)
	assert.Equal(t, "bob", owner)
	assert.NotEqual(t, "in_progress", state, "alice's start did not happen")
}

// TestReloadNeverGoesBack: a slow reload that read one edit of the
// calendars cannot put it in force after a reload of a later edit did.
func TestReloadNeverGoesBack(t *testing.T) {
	p, _ := testPortal(t)
	ctx := context.Background()
	sdb := newHoldDB(p.desk.db, func(q string, args []any) bool {
		// The policy document: the last read of loadConfig.
		return strings.Contains(q, "FROM documents WHERE name") && len(args) == 1 && args[0] == docPolicy
	})
	p.desk.db = sdb
	v := p.desk.config().CalendarsVersion
	save := func(cals map[string]sla.CalendarSpec, version int64) {
		raw, err := json.Marshal(cals)
		require.NoError(t, err)
		_, err = saveDocument(ctx, p.desk.db, docCalendars, version, string(raw))
		require.NoError(t, err)
	}
	save(defaultCalendars(), v) // edit v+1
	slow := make(chan error)
	go func() { slow <- p.desk.reloadConfig(context.WithValue(ctx, holdKey{}, true)) }() // the loop's step
	<-sdb.reached                                                                        // it has read edit v+1 and is about to put it in force

	cals := defaultCalendars()
	cals["weekend"] = cals[sla.CalendarBusiness]
	save(cals, v+1) // edit v+2, an admin's
	admin := make(chan error, 1)
	go func() { admin <- p.desk.reloadConfig(ctx) }()
	select { // the admin's reload waits for the slow one (it went first before)
	case err := <-admin:
		admin <- err
	case <-time.After(500 * time.Millisecond):
	}
	close(sdb.release)
	require.NoError(t, <-slow)
	require.NoError(t, <-admin)
	assert.Equal(t, v+2, p.desk.config().CalendarsVersion, "the later edit stays in force")
	assert.Contains(t, p.desk.config().Registry, "weekend")
}

// TestPostgresOnOneConnection: a portal whose pool has one connection
// starts (it waited for ever).
func TestPostgresOnOneConnection(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := newPortal(ctx, options{DB: testPGURL(t) + "&pool_max_conns=1", Fake: testStart, Demo: true, BcryptCost: bcrypt.MinCost, Log: testLog()})
	require.NoError(t, err)
	p.close()
}
