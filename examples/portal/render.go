package main

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
)

// pageNames are the templates of the portal; each is parsed with the layout.
var pageNames = []string{"login", "error", "queue", "ticket", "new", "board", "metrics", "statements", "admin", "status"}

// parsePages parses every page with the layout and the helper functions.
func parsePages(loc func() *time.Location) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc()).Format("2006-01-02 15:04 MST")
		},
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"level": levelName,
		"left":  leftText,
		"money": func(n int64) string { return fmt.Sprintf("%d", n) },
		"title": func(v any) string { return strings.ReplaceAll(fmt.Sprint(v), "_", " ") },
		"pct":   func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"add1":  func(n int) int { return n + 1 },
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		out[name] = t
	}
	return out, nil
}

// leftText says how long until due, or how long overdue.
func leftText(due, now time.Time) string {
	if due.IsZero() {
		return "no deadline"
	}
	d := due.Sub(now).Round(time.Second)
	if d < 0 {
		return "overdue " + (-d).String()
	}
	return "in " + d.String()
}

// levelName names a warning level 0-3.
func levelName(n int) string {
	switch n {
	case 1:
		return "yellow"
	case 2:
		return "orange"
	case 3:
		return "red"
	}
	return "none"
}

// render writes a page (or, with a block name after a colon, one block of
// it, for htmx) with the common data: the user, the CSRF token, the time.
func (s *server) render(w http.ResponseWriter, r *http.Request, code int, name string, data map[string]any) {
	page, block, _ := strings.Cut(name, ":")
	t, ok := s.pages[page]
	if !ok {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if data == nil {
		data = map[string]any{}
	}
	u := userOf(r)
	data["User"], data["CSRF"], data["Now"], data["Fake"] = u, csrfOf(r), s.clk.Now(), s.mock != nil
	data["Supervisor"], data["Board"] = isSupervisor(u), canSeeBoard(u)
	if block == "" {
		block = "layout.html"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		s.log.ErrorContext(r.Context(), "template failed", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}
