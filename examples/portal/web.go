package main

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// maxBody bounds every request body; forms are small.
const maxBody = 64 << 10

// Cookie names.
const (
	sessionCookie = "portal_session"
	loginCookie   = "portal_login_csrf"
)

// server is the portal's HTTP side: routes, sessions and pages over the
// desk. Handlers never log customer text: ids, routes and statuses only.
type server struct {
	desk    *desk
	auth    *auth
	watch   *watch
	clk     clock.Clock
	mock    *clock.Mock   // non-nil only when started with a fake clock
	lister  sla.DueLister // the in-process timeline's due index (nil: River fires)
	log     *slog.Logger
	pages   map[string]*template.Template
	secure  bool // Secure cookies (behind TLS)
	handler http.Handler
}

type ctxKey int

const (
	userKey ctxKey = iota
	csrfKey
)

// routes builds the router.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginPost)
	mux.HandleFunc("GET /status/{token}", s.statusPage)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	staff := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.withUser(h)) }
	staff("POST /logout", s.logoutPost)
	staff("GET /{$}", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/queue", http.StatusSeeOther) })
	staff("GET /queue", s.queuePage)
	staff("GET /queue/rows", s.queueRows)
	staff("GET /tickets/new", s.newTicketPage)
	staff("POST /tickets", s.createTicket)
	staff("GET /tickets/{id}", s.ticketPage)
	staff("POST /tickets/{id}/act", s.ticketAct)
	staff("GET /board", s.boardPage)
	staff("POST /board/signal", s.boardSignal)
	staff("POST /board/obligations/{id}/fulfil", s.obligationFulfil)
	staff("POST /incidents", s.incidentReport)
	staff("POST /incidents/{id}/act", s.incidentAct)
	staff("GET /metrics", s.metricsPage)
	staff("GET /statements", s.statementsPage)
	staff("GET /admin", s.adminPage)
	staff("POST /admin/calendars", s.adminCalendars)
	staff("POST /admin/policy", s.adminPolicy)
	if s.mock != nil {
		mux.HandleFunc("POST /test/clock", s.testClock)
	}
	return s.logRequests(s.headers(mux))
}

// headers sets the security headers of every response.
func (s *server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status code for the request log.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) { w.code = code; w.ResponseWriter.WriteHeader(code) }

// logRequests logs each request by its route pattern (never the path,
// which may hold a customer's status token) and status.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.log.DebugContext(r.Context(), "request", "method", r.Method, "route", r.Pattern, "status", sw.code,
			"ms", time.Since(start).Milliseconds())
	})
}

// withUser requires a live session: a page request without one goes to
// the login page, any other gets 401. Every state-changing request must
// carry the session's CSRF token (form field csrf or header X-CSRF-Token),
// else 403 and nothing happens.
func (s *server) withUser(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var u user
		var csrf string
		if err == nil {
			u, csrf, err = s.auth.session(r.Context(), c.Value)
		}
		if err != nil {
			if r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			s.fail(w, r, http.StatusUnauthorized, "please log in")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.parseForm(w, r) {
				return
			}
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = r.PostFormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(got), []byte(csrf)) != 1 {
				s.log.WarnContext(r.Context(), "csrf refused", "route", r.Pattern, "user", u.Name)
				s.fail(w, r, http.StatusForbidden, "missing or wrong CSRF token")
				return
			}
		}
		ctx := context.WithValue(context.WithValue(r.Context(), userKey, u), csrfKey, csrf)
		next(w, r.WithContext(ctx))
	})
}

// parseForm parses a POST body within the size limit; it answers 413 or
// 400 itself and returns false when the body is too large or malformed.
func (s *server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "request body too large")
		} else {
			s.fail(w, r, http.StatusBadRequest, "malformed form")
		}
		return false
	}
	return true
}

func userOf(r *http.Request) user   { u, _ := r.Context().Value(userKey).(user); return u }
func csrfOf(r *http.Request) string { c, _ := r.Context().Value(csrfKey).(string); return c }
func isSupervisor(u user) bool      { return u.Role == roleSupervisor }
func canSeeBoard(u user) bool       { return u.Role == roleSupervisor || u.Role == roleAdmin }
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// fail answers an error status with a short page.
func (s *server) fail(w http.ResponseWriter, r *http.Request, code int, msg string) {
	s.render(w, r, code, "error", map[string]any{"Code": code, "Status": http.StatusText(code), "Message": msg})
}

// failErr maps a desk error to its status: 404 unknown, 403 forbidden,
// 400 bad input, 409 refused by the lifecycle or changed meanwhile, 500
// for the rest (logged, without its text when it could hold user input).
func (s *server) failErr(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, errNotFound):
		s.fail(w, r, http.StatusNotFound, "no such item")
	case errors.Is(err, errForbidden):
		s.fail(w, r, http.StatusForbidden, "you may not do this")
	case errors.Is(err, errBadInput):
		s.fail(w, r, http.StatusBadRequest, err.Error())
	case errors.Is(err, errRefused), errors.Is(err, errStale), errors.Is(err, sla.ErrConflict):
		s.fail(w, r, http.StatusConflict, err.Error())
	default:
		s.log.ErrorContext(r.Context(), "request failed", "route", r.Pattern, "error", err)
		s.fail(w, r, http.StatusInternalServerError, "internal error")
	}
}
