package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/sqkit/sqkit/sla"
)

// testPGURL returns a URL of a fresh schema in the database named by
// SQKIT_TEST_DATABASE_URL, dropped when the test ends. Without the
// variable the test skips, unless CI is set: then it fails.
func testPGURL(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SQKIT_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but SQKIT_TEST_DATABASE_URL is not: start PostgreSQL with .ci/postgres")
		}
		t.Skip("no PostgreSQL: set SQKIT_TEST_DATABASE_URL to run these tests (.ci/postgres start prints it)")
	}
	ctx := context.Background()
	schema := fmt.Sprintf("portal_test_%d_%d", time.Now().UnixNano(), rand.N(1_000_000))
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			_ = c.Close(context.Background())
		}
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// pgPortal starts a portal on PostgreSQL with the real clock and its loop.
func pgPortal(t *testing.T, dbURL string) (*portal, *httptest.Server) {
	t.Helper()
	p, err := newPortal(context.Background(), options{DB: dbURL, Demo: true, BcryptCost: bcrypt.MinCost, Log: testLog()})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.server.run(ctx) }()
	srv := httptest.NewServer(p.handler)
	t.Cleanup(func() { srv.Close(); cancel(); <-done; p.close() })
	return p, srv
}

// TestTwoPortalsOnePostgres runs two portals on one database: they migrate
// and seed once, see each other's changes, keep one ticket consistent under
// concurrent changes, and River fires the timeline for both.
func TestTwoPortalsOnePostgres(t *testing.T) {
	dbURL := testPGURL(t)
	var a, b *portal
	var sa, sb *httptest.Server
	var wg sync.WaitGroup
	var errA, errB any
	wg.Add(2)
	go func() { defer wg.Done(); defer func() { errA = recover() }(); a, sa = pgPortal(t, dbURL) }()
	go func() { defer wg.Done(); defer func() { errB = recover() }(); b, sb = pgPortal(t, dbURL) }()
	wg.Wait()
	require.Nil(t, errA)
	require.Nil(t, errB)
	require.NotNil(t, a)
	require.NotNil(t, b)
	ctx := context.Background()
	var users, tickets int64
	require.NoError(t, a.desk.db.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&users))
	require.NoError(t, a.desk.db.QueryRow(ctx, "SELECT COUNT(*) FROM tickets").Scan(&tickets))
	assert.Equal(t, int64(len(demoUsers)), users, "seeded once")
	assert.Equal(t, int64(15), tickets, "seeded once")

	// A ticket made on one portal is worked on the other.
	aliceA := newBrowser(t, sa).login("alice")
	aliceB := newBrowser(t, sb).login("alice")
	id := createTicket(t, aliceA, url.Values{"kind": {"ticket"}, "subject": {"Two portals"}, "customer": {"E"}, "priority": {"normal"}, "team": {"billing"}})
	_, body := aliceB.get("/queue")
	assert.Contains(t, body, fmt.Sprintf(`id="t%d"`, id))
	do(t, aliceB, id, url.Values{"op": {"take"}})
	do(t, aliceA, id, fire("start"))
	state, owner, _ := ticketState(t, b, id)
	assert.Equal(t, "in_progress", state)
	assert.Equal(t, "alice", owner)

	// Concurrent changes of one ticket from both portals: each either
	// applies or is refused by the lifecycle, none is lost or doubled.
	codes := make(chan int, 2)
	for _, br := range []*browser{aliceA, aliceB} {
		go func() {
			c, _ := br.post(fmt.Sprintf("/tickets/%d/act", id), fire("wait_customer"))
			codes <- c
		}()
	}
	got := []int{<-codes, <-codes}
	assert.ElementsMatch(t, []int{http.StatusSeeOther, http.StatusConflict}, got)
	cd, _, err := b.desk.caseOf(ctx, id)
	require.NoError(t, err)
	n := 0
	for _, r := range cd.Machine.History {
		if r.Event == "wait_customer" {
			n++
		}
	}
	assert.Equal(t, 1, n, "one wait_customer in the history")

	// An admin shortens the urgent first response on portal A; portal B
	// puts it in force and River fires the warning and the breach.
	pol := sla.DefaultPolicy()
	for i := range pol.Rules {
		if pol.Rules[i].Name == "urgent" {
			pol.Rules[i].Targets = []sla.Target{{Metric: sla.FirstResponse, Within: sla.Duration(2 * time.Second)}}
		}
	}
	polJSON, err := json.Marshal(pol)
	require.NoError(t, err)
	ada := newBrowser(t, sa).login("ada")
	code, body := ada.post("/admin/policy", url.Values{"value": {string(polJSON)}, "version": {"0"}})
	require.Equal(t, http.StatusSeeOther, code, body)
	require.Eventually(t, func() bool { return b.desk.config().PolicyVersion == 1 }, 10*time.Second, 50*time.Millisecond)
	urgent := createTicket(t, aliceB, url.Values{"kind": {"ticket"}, "subject": {"Urgent on B"}, "customer": {"F"}, "priority": {"urgent"}, "team": {"billing"}})
	require.Eventually(t, func() bool { _, _, lvl := ticketState(t, a, urgent); return lvl == 3 }, 20*time.Second, 100*time.Millisecond,
		"River delivered the breach and updated the queue row")
	var delivered int64
	require.NoError(t, a.desk.db.QueryRow(ctx, "SELECT COUNT(*) FROM sqkit_outbox WHERE record_id = ?", recordKey(urgent).ID).Scan(&delivered))
	assert.GreaterOrEqual(t, delivered, int64(2), "warnings and the breach, each once in the outbox")
}
