package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogin(t *testing.T) {
	_, srv := testPortal(t)
	b := newBrowser(t, srv)
	code, _ := b.get("/queue")
	assert.Equal(t, http.StatusSeeOther, code, "no session: to the login page")

	b.get("/login")
	code, body := b.post("/login", url.Values{"name": {"alice"}, "password": {"wrong"}})
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, body, "Unknown user or wrong password")
	code, _ = b.post("/login", url.Values{"name": {"nobody"}, "password": {"x"}})
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = b.post("/login", url.Values{"name": {"alice"}, "password": {"alice-demo"}, "csrf": {"forged"}})
	assert.Equal(t, http.StatusForbidden, code, "the login form's CSRF token is checked too")

	resp, err := b.c.PostForm(srv.URL+"/login", url.Values{"name": {"alice"}, "password": {"alice-demo"}, "csrf": {b.csrf}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	require.NotNil(t, session)
	assert.True(t, session.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, session.SameSite)
	code, body = b.get("/queue")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "alice (agent)")
	assert.NotEmpty(t, resp.Header.Get("Content-Security-Policy"))

	code, _ = b.post("/logout", nil)
	assert.Equal(t, http.StatusSeeOther, code)
	code, _ = b.get("/queue")
	assert.Equal(t, http.StatusSeeOther, code, "logged out")
}

// TestRefusals checks that every refused action answers its 4xx and
// changes nothing.
func TestRefusals(t *testing.T) {
	p, srv := testPortal(t)
	alice := newBrowser(t, srv).login("alice")
	bob := newBrowser(t, srv).login("bob")
	ada := newBrowser(t, srv).login("ada")
	sam := newBrowser(t, srv).login("sam")
	anon := newBrowser(t, srv)
	bobs := ticketID(t, p, "Refund missing after return")          // bob's, escalated
	alices := ticketID(t, p, "Cannot download receipts")           // alice's, in progress
	big := ticketID(t, p, "Damaged sofa, asking for compensation") // bob's complaint of 8000
	act := func(id int64) string { return fmt.Sprintf("/tickets/%d/act", id) }
	cases := []struct {
		name string
		who  *browser
		path string
		form url.Values
		code int
	}{
		{"agent on someone else's ticket", alice, act(bobs), url.Values{"op": {"fire"}, "event": {"start"}}, http.StatusForbidden},
		{"agent marks someone else's checklist", alice, act(big), url.Values{"op": {"mark"}, "checklist": {"five_confirmations"}, "item": {"solution"}}, http.StatusForbidden},
		{"agent approves", bob, act(big), url.Values{"op": {"approve"}}, http.StatusForbidden},
		{"agent transfers", bob, act(bobs), url.Values{"op": {"transfer"}, "to": {"alice"}}, http.StatusForbidden},
		{"agent transfers to nobody", bob, act(bobs), url.Values{"op": {"transfer"}, "to": {"mallory"}}, http.StatusForbidden},
		{"admin acts on a ticket", ada, act(alices), url.Values{"op": {"fire"}, "event": {"resolve"}}, http.StatusForbidden},
		{"no CSRF token", alice, act(alices), url.Values{"op": {"fire"}, "event": {"resolve"}, "csrf": {""}}, http.StatusForbidden},
		{"wrong CSRF token", alice, act(alices), url.Values{"op": {"fire"}, "event": {"resolve"}, "csrf": {"x" + alice.csrf}}, http.StatusForbidden},
		{"another session's CSRF token", alice, act(alices), url.Values{"op": {"fire"}, "event": {"resolve"}, "csrf": {bob.csrf}}, http.StatusForbidden},
		{"not logged in", anon, act(alices), url.Values{"op": {"fire"}, "event": {"resolve"}}, http.StatusUnauthorized},
		{"unknown ticket", alice, act(99999), url.Values{"op": {"fire"}, "event": {"resolve"}}, http.StatusNotFound},
		{"malformed id", alice, "/tickets/abc/act", url.Values{"op": {"fire"}}, http.StatusNotFound},
		{"unknown operation", alice, act(alices), url.Values{"op": {"delete"}}, http.StatusBadRequest},
		{"event not allowed now", alice, act(alices), url.Values{"op": {"fire"}, "event": {"close"}}, http.StatusConflict},
		{"unknown event", alice, act(alices), url.Values{"op": {"fire"}, "event": {"explode"}}, http.StatusConflict},
		{"handle without approval", bob, act(big), url.Values{"op": {"fire"}, "event": {"handle"}}, http.StatusConflict},
		{"unknown checklist item", bob, act(big), url.Values{"op": {"mark"}, "checklist": {"five_confirmations"}, "item": {"luck"}}, http.StatusConflict},
		{"transfer to an unknown agent", sam, act(bobs), url.Values{"op": {"transfer"}, "to": {"mallory"}}, http.StatusBadRequest},
		{"too long a reason", sam, act(bobs), url.Values{"op": {"transfer"}, "to": {"alice"}, "reason": {strings.Repeat("x", 600)}}, http.StatusBadRequest},
		{"agent signals on the board", alice, "/board/signal", url.Values{"team": {"billing"}}, http.StatusForbidden},
		{"agent reports an incident", alice, "/incidents", url.Values{"title": {"x"}, "team": {"billing"}, "type": {"system_failure"}, "grade": {"IV"}}, http.StatusForbidden},
		{"agent acts on an incident", alice, "/incidents/INC-1/act", url.Values{"op": {"ack"}}, http.StatusForbidden},
		{"unknown incident", sam, "/incidents/INC-99/act", url.Values{"op": {"ack"}}, http.StatusNotFound},
		{"bad grade", sam, "/incidents", url.Values{"title": {"x"}, "team": {"billing"}, "type": {"system_failure"}, "grade": {"IX"}}, http.StatusBadRequest},
		{"unknown obligation", sam, "/board/obligations/OB-99/fulfil", url.Values{}, http.StatusNotFound},
		{"agent edits the policy", alice, "/admin/policy", url.Values{"value": {"{}"}, "version": {"0"}}, http.StatusForbidden},
		{"supervisor edits calendars", sam, "/admin/calendars", url.Values{"value": {"{}"}, "version": {"0"}}, http.StatusForbidden},
		{"admin saves an invalid policy", ada, "/admin/policy", url.Values{"value": {`{"id":"","rules":[{"name":""}]}`}, "version": {"0"}}, http.StatusBadRequest},
		{"admin saves malformed JSON", ada, "/admin/calendars", url.Values{"value": {`{"business":`}, "version": {"0"}}, http.StatusBadRequest},
		{"admin saves a bad version", ada, "/admin/calendars", url.Values{"value": {`{}`}, "version": {"x"}}, http.StatusBadRequest},
		{"bad new ticket", alice, "/tickets", url.Values{"kind": {"spam"}, "subject": {""}, "customer": {""}, "priority": {"now"}, "team": {"x"}}, http.StatusBadRequest},
		{"bad amount", alice, "/tickets", url.Values{"kind": {"complaint"}, "subject": {"s"}, "customer": {"c"}, "priority": {"normal"}, "team": {"billing"}, "amount": {"1e3"}}, http.StatusBadRequest},
		{"admin creates a ticket", ada, "/tickets", url.Values{"kind": {"ticket"}, "subject": {"s"}, "customer": {"c"}, "priority": {"normal"}, "team": {"billing"}}, http.StatusForbidden},
	}
	before := snapshotDesk(t, p)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _ := c.who.post(c.path, c.form)
			assert.Equal(t, c.code, code)
			assert.Equal(t, before, snapshotDesk(t, p), "nothing changed")
		})
	}
	t.Run("malformed form", func(t *testing.T) {
		code, _ := alice.postRaw(act(alices), "application/x-www-form-urlencoded", "op=%zz&csrf="+alice.csrf)
		assert.Equal(t, http.StatusBadRequest, code)
	})
	t.Run("oversized body", func(t *testing.T) {
		code, _ := alice.postRaw(act(alices), "application/x-www-form-urlencoded", "csrf="+alice.csrf+"&reason="+strings.Repeat("a", maxBody+10))
		assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	})
	require.Equal(t, before, snapshotDesk(t, p), "nothing changed")
	// Pages only read (the board's page also advances and saves the board).
	t.Run("pages", func(t *testing.T) {
		for _, c := range []struct {
			who  *browser
			path string
			code int
		}{
			{alice, "/board", http.StatusForbidden}, {sam, "/board", http.StatusOK}, {ada, "/board", http.StatusOK},
			{alice, "/admin", http.StatusForbidden}, {ada, "/admin", http.StatusOK},
			{alice, "/tickets/0", http.StatusNotFound}, {alice, "/tickets/-3", http.StatusNotFound},
			{alice, "/tickets/99999999999999999999", http.StatusNotFound}, {alice, "/metrics", http.StatusOK},
			{alice, "/statements", http.StatusOK}, {alice, "/statements?period=2026-13", http.StatusBadRequest},
			{anon, "/status/short", http.StatusNotFound}, {anon, "/status/AAAAAAAAAAAAAAAAAAAAAA", http.StatusNotFound},
			{alice, "/nowhere", http.StatusNotFound},
		} {
			code, _ := c.who.get(c.path)
			assert.Equal(t, c.code, code, c.path)
		}
	})
}

// snapshotDesk returns every ticket's row and record version, and the
// stored documents' versions: what a refused action must leave alone.
func snapshotDesk(t testing.TB, p *portal) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	rs, err := p.desk.db.Query(ctx, "SELECT "+ticketCols+" FROM tickets ORDER BY id")
	require.NoError(t, err)
	for rs.Next() {
		tr, err := scanTicket(rs)
		require.NoError(t, err)
		fmt.Fprintf(&b, "%+v\n", tr)
	}
	rs.Close()
	for _, q := range []string{"SELECT id || ':' || version FROM sla_records ORDER BY id", "SELECT name || ':' || version FROM documents ORDER BY name",
		"SELECT CAST(COUNT(*) AS TEXT) FROM contacts"} {
		rs, err := p.desk.db.Query(ctx, q)
		require.NoError(t, err)
		for rs.Next() {
			var s string
			require.NoError(t, rs.Scan(&s))
			b.WriteString(s + "\n")
		}
		rs.Close()
	}
	return b.String()
}
