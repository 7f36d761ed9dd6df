package main

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	token, err := randomSecret()
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "internal error")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: token, Path: "/login", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	s.render(w, r, http.StatusOK, "login", map[string]any{"LoginCSRF": token})
}

// loginPost checks the login form's CSRF token against its cookie (a
// double submit: there is no session yet), then the password.
func (s *server) loginPost(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.fail(w, r, http.StatusForbidden, "missing or wrong CSRF token: reload the login page")
		return
	}
	name, pass := r.PostFormValue("name"), r.PostFormValue("password")
	if len(name) > 100 || len(pass) > 200 {
		s.fail(w, r, http.StatusBadRequest, "name or password too long")
		return
	}
	token, err := s.auth.login(r.Context(), name, pass)
	if errors.Is(err, errLogin) {
		s.log.InfoContext(r.Context(), "login refused")
		s.render(w, r, http.StatusUnauthorized, "login", map[string]any{"LoginCSRF": c.Value, "Error": "Unknown user or wrong password."})
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.auth.ttl.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
	s.log.InfoContext(r.Context(), "login", "user", name)
	http.Redirect(w, r, "/queue", http.StatusSeeOther)
}

func (s *server) logoutPost(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.auth.logout(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// queueLimit is how many rows a page of the queue shows.
const queueLimit = 25

func (s *server) queueData(r *http.Request) (map[string]any, error) {
	owner := ""
	mine := r.URL.Query().Get("mine") == "1"
	if mine {
		owner = userOf(r).Name
	}
	var after *cursor
	if a := r.URL.Query().Get("after"); a != "" {
		c, ok := parseCursor(a)
		if !ok {
			return nil, fmt.Errorf("%w: after: not a queue position", errBadInput)
		}
		after = &c
	}
	rows, err := s.desk.queue(r.Context(), owner, after, queueLimit)
	if err != nil {
		return nil, err
	}
	next := ""
	if len(rows) == queueLimit {
		next = cursorOf(rows[len(rows)-1]).String()
	}
	now := s.clk.Now()
	view := make([]queueRow, len(rows))
	for i, t := range rows {
		v := queueRow{ID: t.ID, Level: levelName(t.Level), Kind: t.Kind, Subject: t.Subject, State: strings.ReplaceAll(t.State, "_", " "),
			Owner: t.Owner, Team: t.Team, Priority: t.Priority}
		if v.Owner == "" {
			v.Owner = "—"
		}
		if !t.Due.IsZero() {
			v.HasDue, v.DueISO, v.DueLeft = true, t.Due.UTC().Format(time.RFC3339), leftText(t.Due, now)
		}
		view[i] = v
	}
	return map[string]any{"Tickets": view, "Mine": mine, "Next": next, "Paged": after != nil, "Query": r.URL.Query().Encode()}, nil
}

// queueRow is one row of the queue, formatted: the page is rendered often,
// so the template only places strings.
type queueRow struct {
	ID                                          int64
	HasDue                                      bool
	Level, DueISO, DueWhen, DueLeft             string
	Kind, Subject, State, Owner, Team, Priority string
}

func (s *server) queuePage(w http.ResponseWriter, r *http.Request) {
	data, err := s.queueData(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "queue", data)
}

// queueRows is the queue's table body, polled by htmx.
func (s *server) queueRows(w http.ResponseWriter, r *http.Request) {
	data, err := s.queueData(r)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "queue:rows", data)
}

func (s *server) newTicketPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "new", map[string]any{"Teams": teams, "Form": newTicket{Kind: kindTicket, Priority: "normal"}})
}

func (s *server) createTicket(w http.ResponseWriter, r *http.Request) {
	in := newTicket{Kind: r.PostFormValue("kind"), Subject: strings.TrimSpace(r.PostFormValue("subject")),
		Body: r.PostFormValue("body"), Customer: strings.TrimSpace(r.PostFormValue("customer")),
		Priority: r.PostFormValue("priority"), Team: r.PostFormValue("team")}
	if a := strings.TrimSpace(r.PostFormValue("amount")); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			s.render(w, r, http.StatusBadRequest, "new", map[string]any{"Teams": teams, "Form": in, "Error": "amount: not a whole number"})
			return
		}
		in.Amount = n
	}
	id, err := s.desk.create(r.Context(), userOf(r), in)
	if errors.Is(err, errBadInput) {
		s.render(w, r, http.StatusBadRequest, "new", map[string]any{"Teams": teams, "Form": in, "Error": err.Error()})
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *server) ticketPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "no such ticket")
		return
	}
	t, err := s.desk.get(r.Context(), s.desk.db, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	cd, _, err := s.desk.caseOf(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	m, err := restoreCase(cd)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	u := userOf(r)
	data := map[string]any{"T": t, "Case": viewCase(m)}
	mayAct := authorize(u, t, caseAction{Op: "fire"}) == nil
	data["MayAct"] = mayAct
	data["MayTake"] = t.Owner == "" && authorize(u, t, caseAction{Op: "take"}) == nil && !viewCase(m).Terminal
	if mayAct {
		okEv, held := allowedNow(r.Context(), m, s.clk.Now(), u.Name)
		data["Allowed"], data["Held"] = okEv, held
	}
	if isSupervisor(u) {
		agents, err := s.auth.users(r.Context(), roleAgent)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		data["Agents"] = agents
	}
	s.render(w, r, http.StatusOK, "ticket", data)
}

// ticketAct applies one action from the ticket page.
func (s *server) ticketAct(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "no such ticket")
		return
	}
	a := caseAction{Op: r.PostFormValue("op"), Event: r.PostFormValue("event"), Checklist: r.PostFormValue("checklist"),
		Item: r.PostFormValue("item"), To: r.PostFormValue("to"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	switch {
	case !contains([]string{"fire", "mark", "take", "transfer", "approve", "tier"}, a.Op):
		s.fail(w, r, http.StatusBadRequest, "unknown operation")
		return
	case len(a.Reason) > 500 || len(a.Event) > 64 || len(a.Checklist) > 64 || len(a.Item) > 64 || len(a.To) > 100:
		s.fail(w, r, http.StatusBadRequest, "field too long")
		return
	case a.Op == "transfer":
		agents, err := s.auth.users(r.Context(), roleAgent)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		known := false
		for _, ag := range agents {
			known = known || ag.Name == a.To
		}
		if !known {
			// Authorisation first: an agent learns nothing from a 400.
			if !isSupervisor(userOf(r)) {
				s.fail(w, r, http.StatusForbidden, "you may not do this")
				return
			}
			s.fail(w, r, http.StatusBadRequest, "transfer: unknown agent")
			return
		}
	}
	if err := s.desk.act(r.Context(), userOf(r), id, a); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// statusPage is the customer's view of a ticket, reached by its
// unguessable link: its reference, state and next due time, nothing
// internal (no owner, history, amounts or staff notes).
func (s *server) statusPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if len(token) != 22 {
		s.fail(w, r, http.StatusNotFound, "no such ticket")
		return
	}
	t, err := s.desk.byToken(r.Context(), token)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "status", map[string]any{"Ref": t.ID, "Kind": t.Kind, "State": t.State, "Due": t.Due, "Open": t.Open})
}

// testClock advances the fake clock and runs the timeline and the board up
// to the new instant. It exists only when the portal runs on a fake clock.
func (s *server) testClock(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	d, err := time.ParseDuration(r.PostFormValue("advance"))
	if err != nil || d < 0 || d > 90*24*time.Hour {
		s.fail(w, r, http.StatusBadRequest, "advance: a duration between 0 and 90 days")
		return
	}
	s.mock.Add(d)
	if err := s.step(r.Context()); err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(s.clk.Now().UTC().Format(time.RFC3339)))
}
