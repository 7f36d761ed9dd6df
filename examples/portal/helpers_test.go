package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// testStart is the fake clock's start in the tests: Monday 2 March 2026,
// 10:00 in Berlin.
var testStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testPortal starts a portal with demo data on a fake clock in a
// temporary SQLite file, served by httptest.
func testPortal(t testing.TB) (*portal, *httptest.Server) {
	t.Helper()
	return testPortalOn(t, filepath.Join(t.TempDir(), "portal.db"))
}

func testPortalOn(t testing.TB, db string) (*portal, *httptest.Server) {
	t.Helper()
	p, err := newPortal(context.Background(), options{DB: db, Fake: testStart, Demo: true, BcryptCost: bcrypt.MinCost, Log: testLog()})
	require.NoError(t, err)
	srv := httptest.NewServer(p.handler)
	t.Cleanup(func() { srv.Close(); p.close() })
	return p, srv
}

// testLog logs to stderr when PORTAL_TEST_LOG is set, else discards.
func testLog() *slog.Logger {
	if os.Getenv("PORTAL_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// browser is a cookie-keeping HTTP client that does not follow redirects.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
	csrf string
}

func newBrowser(t testing.TB, srv *httptest.Server) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and remembers the CSRF token it carries.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body)
}

// post submits a form with the remembered CSRF token (unless the form
// sets csrf itself).
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	return b.postRaw(path, "application/x-www-form-urlencoded", form.Encode())
}

func (b *browser) postRaw(path, ctype, body string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Post(b.base+path, ctype, strings.NewReader(body))
	require.NoError(b.t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// login logs in as a demo user.
func (b *browser) login(name string) *browser {
	b.t.Helper()
	b.get("/login")
	code, _ := b.post("/login", url.Values{"name": {name}, "password": {name + "-demo"}})
	require.Equal(b.t, http.StatusSeeOther, code, "login as %s", name)
	b.get("/queue")
	return b
}

// ticketID returns the id of the ticket with a subject.
func ticketID(t testing.TB, p *portal, subject string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, p.desk.db.QueryRow(context.Background(), "SELECT id FROM tickets WHERE subject = ?", subject).Scan(&id))
	return id
}

// ticketState returns a ticket's state, owner and level.
func ticketState(t testing.TB, p *portal, id int64) (state, owner string, level int) {
	t.Helper()
	row, err := p.desk.get(context.Background(), p.desk.db, id)
	require.NoError(t, err)
	return row.State, row.Owner, row.Level
}
