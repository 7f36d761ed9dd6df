package main

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// boardPage shows each team's level with its evidence and obligations, and
// the incidents with their milestones and escalation. Supervisors and
// admins only.
func (s *server) boardPage(w http.ResponseWriter, r *http.Request) {
	if !canSeeBoard(userOf(r)) {
		s.fail(w, r, http.StatusForbidden, "the board is for supervisors")
		return
	}
	e, err := s.watch.observe(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	tv, iv := e.boardView(teams)
	s.render(w, r, http.StatusOK, "board", map[string]any{"Teams": tv, "Incidents": iv, "TeamNames": teams,
		"Types": incidentTypes(), "Grades": incidentGrades()})
}

// supervise runs a supervisor's change of the engines and returns to the
// board; anyone else gets 403 and nothing changes.
func (s *server) supervise(w http.ResponseWriter, r *http.Request, f func(ctx context.Context, e *engines, now time.Time, u user) error) {
	u := userOf(r)
	if !isSupervisor(u) {
		s.fail(w, r, http.StatusForbidden, "only supervisors may do this")
		return
	}
	ctx := r.Context()
	if _, err := s.watch.with(ctx, func(e *engines, now time.Time) error { return f(ctx, e, now, u) }); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/board", http.StatusSeeOther)
}

func formText(r *http.Request, name string, max int) (string, bool) {
	v := strings.TrimSpace(r.PostFormValue(name))
	return v, len(v) <= max
}

func (s *server) boardSignal(w http.ResponseWriter, r *http.Request) {
	team := r.PostFormValue("team")
	detail, ok := formText(r, "detail", 200)
	if isSupervisor(userOf(r)) && (!contains(teams, team) || !ok) {
		s.fail(w, r, http.StatusBadRequest, "unknown team or detail too long")
		return
	}
	s.supervise(w, r, func(_ context.Context, e *engines, now time.Time, u user) error {
		s.log.InfoContext(r.Context(), "mass complaint signalled", "team", team, "by", u.Name)
		return e.signal(now, team, detail)
	})
}

func (s *server) obligationFulfil(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	note, ok := formText(r, "note", 500)
	if isSupervisor(userOf(r)) && (!ok || len(id) > 100) {
		s.fail(w, r, http.StatusBadRequest, "note too long")
		return
	}
	s.supervise(w, r, func(_ context.Context, e *engines, now time.Time, u user) error {
		return e.fulfil(now, id, u.Name, note)
	})
}

func (s *server) incidentReport(w http.ResponseWriter, r *http.Request) {
	title, ok := formText(r, "title", 200)
	team := r.PostFormValue("team")
	if isSupervisor(userOf(r)) && (!ok || title == "" || !contains(teams, team)) {
		s.fail(w, r, http.StatusBadRequest, "title (1 to 200 characters) and a known team are required")
		return
	}
	s.supervise(w, r, func(_ context.Context, e *engines, now time.Time, u user) error {
		id, err := e.report(now, r.PostFormValue("type"), r.PostFormValue("grade"), title, team, u.Name)
		if err == nil {
			s.log.InfoContext(r.Context(), "incident reported", "incident", id, "by", u.Name)
		}
		return err
	})
}

func (s *server) incidentAct(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	reason, ok := formText(r, "reason", 500)
	if isSupervisor(userOf(r)) && (!ok || len(id) > 100 || len(r.PostFormValue("arg")) > 64) {
		s.fail(w, r, http.StatusBadRequest, "field too long")
		return
	}
	s.supervise(w, r, func(ctx context.Context, e *engines, now time.Time, u user) error {
		return e.incidentAct(ctx, now, id, r.PostFormValue("op"), r.PostFormValue("arg"), u.Name, reason)
	})
}
