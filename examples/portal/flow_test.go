package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// createTicket creates a ticket as b and returns its id.
func createTicket(t *testing.T, b *browser, form url.Values) int64 {
	t.Helper()
	b.get("/tickets/new")
	resp, err := b.c.PostForm(b.base+"/tickets", withCSRF(form, b.csrf))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	id, err := strconv.ParseInt(strings.TrimPrefix(resp.Header.Get("Location"), "/tickets/"), 10, 64)
	require.NoError(t, err)
	return id
}

func withCSRF(v url.Values, csrf string) url.Values {
	v.Set("csrf", csrf)
	return v
}

// do posts one action on a ticket and expects the redirect back.
func do(t *testing.T, b *browser, id int64, form url.Values) {
	t.Helper()
	code, body := b.post(fmt.Sprintf("/tickets/%d/act", id), form)
	require.Equal(t, http.StatusSeeOther, code, "%v: %s", form, body)
}

func fire(ev string) url.Values { return url.Values{"op": {"fire"}, "event": {ev}} }

func TestTicketToClosed(t *testing.T) {
	p, srv := testPortal(t)
	alice := newBrowser(t, srv).login("alice")
	id := createTicket(t, alice, url.Values{"kind": {"ticket"}, "subject": {"Printer <script>alert(1)</script>"}, "customer": {"Ann"},
		"priority": {"normal"}, "team": {"billing"}, "body": {"It jams."}})
	code, body := alice.get(fmt.Sprintf("/tickets/%d", id))
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, body, "<script>alert(1)</script>", "customer text is escaped")
	assert.Contains(t, body, "&lt;script&gt;")
	assert.Contains(t, body, `id="take"`)
	assert.NotContains(t, body, `id="ev-start"`, "an unowned ticket offers no transitions to an agent")

	do(t, alice, id, url.Values{"op": {"take"}})
	_, body = alice.get(fmt.Sprintf("/tickets/%d", id))
	assert.Contains(t, body, `id="ev-start"`)
	assert.Contains(t, body, `id="ev-escalate"`)
	assert.NotContains(t, body, `id="ev-close"`, "only the transitions allowed now")
	for _, ev := range []string{"start", "wait_customer", "customer_reply", "resolve", "close"} {
		alice.get(fmt.Sprintf("/tickets/%d", id))
		do(t, alice, id, fire(ev))
	}
	state, owner, _ := ticketState(t, p, id)
	assert.Equal(t, "closed", state)
	assert.Equal(t, "alice", owner)
	_, body = alice.get("/queue")
	assert.NotContains(t, body, fmt.Sprintf(`id="t%d"`, id), "closed work leaves the queue")
	var n int64
	require.NoError(t, p.desk.db.QueryRow(context.Background(), "SELECT COUNT(*) FROM contacts WHERE ticket_id = ?", id).Scan(&n))
	assert.Equal(t, int64(1), n, "the closed ticket counts in the metrics")
	_, body = alice.get(fmt.Sprintf("/tickets/%d", id))
	assert.Contains(t, body, `id="ev-reopen"`)
}

func TestApprovalAboveLimit(t *testing.T) {
	p, srv := testPortal(t)
	bob := newBrowser(t, srv).login("bob")
	sam := newBrowser(t, srv).login("sam")
	id := ticketID(t, p, "Damaged sofa, asking for compensation")
	_, body := bob.get(fmt.Sprintf("/tickets/%d", id))
	assert.Contains(t, body, `id="held-handle"`)
	assert.Contains(t, body, "a supervisor must approve")
	assert.NotContains(t, body, `id="approve"`, "agents see no approval button")
	code, _ := bob.post(fmt.Sprintf("/tickets/%d/act", id), fire("handle"))
	assert.Equal(t, http.StatusConflict, code)

	_, body = sam.get(fmt.Sprintf("/tickets/%d", id))
	assert.Contains(t, body, `id="approve"`)
	do(t, sam, id, url.Values{"op": {"approve"}, "reason": {"photos checked"}})
	_, body = bob.get(fmt.Sprintf("/tickets/%d", id))
	assert.Contains(t, body, `id="approval"`)
	assert.Contains(t, body, `id="ev-handle"`)
	do(t, bob, id, fire("handle"))
	state, _, _ := ticketState(t, p, id)
	assert.Equal(t, "handling", state)

	// A small complaint goes straight through; tiers move one at a time.
	alice := newBrowser(t, srv).login("alice")
	small := createTicket(t, alice, url.Values{"kind": {"complaint"}, "subject": {"Late"}, "customer": {"C"}, "priority": {"normal"},
		"team": {"billing"}, "amount": {"5000"}})
	do(t, alice, small, url.Values{"op": {"take"}})
	do(t, alice, small, fire("investigate"))
	code, _ = alice.post(fmt.Sprintf("/tickets/%d/act", small), fire("handle"))
	assert.Equal(t, http.StatusConflict, code, "three verifications first")
	for _, item := range []string{"customer_identity", "order_information", "problem_description"} {
		do(t, alice, small, url.Values{"op": {"mark"}, "checklist": {"three_verifications"}, "item": {item}})
	}
	do(t, alice, small, fire("handle"))
	do(t, alice, small, url.Values{"op": {"tier"}})
	do(t, alice, small, url.Values{"op": {"tier"}})
	code, _ = alice.post(fmt.Sprintf("/tickets/%d/act", small), url.Values{"op": {"tier"}})
	assert.Equal(t, http.StatusConflict, code, "tier 3 is the top")
	_, body = alice.get(fmt.Sprintf("/tickets/%d", small))
	assert.Contains(t, body, `id="tier">3 of 3`)
}

func TestTransferKeepsFirstResponder(t *testing.T) {
	p, srv := testPortal(t)
	sam := newBrowser(t, srv).login("sam")
	id := ticketID(t, p, "Refund missing after return")
	do(t, sam, id, url.Values{"op": {"transfer"}, "to": {"alice"}, "reason": {"bob is on leave"}})
	_, owner, _ := ticketState(t, p, id)
	assert.Equal(t, "alice", owner)
	_, body := sam.get(fmt.Sprintf("/tickets/%d", id))
	assert.Regexp(t, regexp.MustCompile(`id="first-responder">bob<`), body)
	assert.Contains(t, body, "bob is on leave")
	bob := newBrowser(t, srv).login("bob")
	code, _ := bob.post(fmt.Sprintf("/tickets/%d/act", id), fire("start"))
	assert.Equal(t, http.StatusForbidden, code, "bob no longer owns it")
	alice := newBrowser(t, srv).login("alice")
	do(t, alice, id, fire("start"))
}

func TestClockAdvanceRaisesBadge(t *testing.T) {
	p, srv := testPortal(t)
	alice := newBrowser(t, srv).login("alice")
	id := createTicket(t, alice, url.Values{"kind": {"ticket"}, "subject": {"Fresh"}, "customer": {"D"}, "priority": {"normal"}, "team": {"billing"}})
	_, _, level := ticketState(t, p, id)
	require.Equal(t, 0, level)
	advance := func(d string) {
		resp, err := http.PostForm(srv.URL+"/test/clock", url.Values{"advance": {d}})
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	advance("16m") // past 50 % of the 30-minute first response
	_, _, level = ticketState(t, p, id)
	assert.Equal(t, 1, level, "yellow")
	_, body := alice.get("/queue")
	assert.Regexp(t, regexp.MustCompile(fmt.Sprintf(`id="t%d" class="lvl-yellow"`, id)), body)
	advance("15m")
	_, _, level = ticketState(t, p, id)
	assert.Equal(t, 3, level, "red once breached")
	// The timeline's telemetry counted what it delivered.
	_, body = alice.get("/metrics")
	assert.Regexp(t, `(?s)<table id="timeline-events">.*<td>warning</td><td>[1-9][0-9]*</td>`, body)
	assert.Regexp(t, `(?s)<td>breach</td><td>[1-9][0-9]*</td>`, body)
	assert.Contains(t, body, `id="timeline-lateness"`)
	// Work on it: the first response stops, its warnings stop counting.
	do(t, alice, id, url.Values{"op": {"take"}})
	do(t, alice, id, fire("start"))
	_, _, level = ticketState(t, p, id)
	assert.Equal(t, 0, level)

	resp, err := http.PostForm(srv.URL+"/test/clock", url.Values{"advance": {"-1h"}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestStatusPageShowsNothingInternal(t *testing.T) {
	p, srv := testPortal(t)
	id := ticketID(t, p, "Refund missing after return")
	row, err := p.desk.get(context.Background(), p.desk.db, id)
	require.NoError(t, err)
	code, body := newBrowser(t, srv).get("/status/" + row.Token)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "escalated")
	for _, internal := range []string{"bob", "Emma Weber", "Returned two weeks ago", "Log out", "csrf"} {
		assert.NotContains(t, body, internal)
	}
}

func TestPagesRender(t *testing.T) {
	_, srv := testPortal(t)
	sam := newBrowser(t, srv).login("sam")
	for path, want := range map[string]string{
		"/queue": "Open work", "/queue/rows": `<tbody id="rows"`, "/board": "Payment gateway timeouts",
		"/metrics": "<svg", "/statements": "Rules hash", "/tickets/new": "New ticket",
	} {
		code, body := sam.get(path)
		assert.Equal(t, http.StatusOK, code, path)
		assert.Contains(t, body, want, path)
	}
	code, body := sam.post("/incidents/INC-1/act", url.Values{"op": {"ack"}})
	assert.Equal(t, http.StatusSeeOther, code, body)
	code, _ = sam.post("/incidents/INC-1/act", url.Values{"op": {"ack"}})
	assert.Equal(t, http.StatusConflict, code, "already acknowledged")
	code, _ = sam.post("/incidents/INC-1/act", url.Values{"op": {"fire"}, "arg": {"assess"}})
	assert.Equal(t, http.StatusSeeOther, code)
	code, _ = sam.post("/incidents/INC-1/act", url.Values{"op": {"fire"}, "arg": {"recover"}})
	assert.Equal(t, http.StatusConflict, code, "recover is not allowed while assessing")
	code, _ = sam.post("/incidents/INC-1/act", url.Values{"op": {"escalate"}, "reason": {"needs the department"}})
	assert.Equal(t, http.StatusSeeOther, code)
	code, _ = sam.post("/incidents", url.Values{"type": {"system_failure"}, "grade": {"III"}, "team": {"billing"}, "title": {"Login outage"}})
	assert.Equal(t, http.StatusSeeOther, code)
	_, body = sam.get("/board")
	assert.Contains(t, body, "Login outage")
	assert.Contains(t, body, "needs the department")
	code, _ = sam.post("/board/signal", url.Values{"team": {"logistics"}, "detail": {"many calls"}})
	assert.Equal(t, http.StatusSeeOther, code)
	_, body = sam.get("/board")
	assert.Contains(t, body, "special-task-force", "red opens its obligation")
	ada := newBrowser(t, srv).login("ada")
	_, body = ada.get("/admin")
	assert.Contains(t, body, "Europe/Berlin")
}
