package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// location is where the desk's times are shown: its business calendar's.
func (d *desk) location() *time.Location {
	if c, ok := d.config().Registry[sla.CalendarBusiness].(*sla.Calendar); ok {
		return c.Location()
	}
	return time.UTC
}

// loadAnswers returns the survey answers and contacts since from.
func loadAnswers(ctx context.Context, q querier, from time.Time) ([]surveyRow, []contactRec, error) {
	rs, err := q.Query(ctx, "SELECT id, kind, score, at, agent FROM surveys WHERE at >= ? ORDER BY at, id", from.UnixNano())
	if err != nil {
		return nil, nil, err
	}
	var answers []surveyRow
	for rs.Next() {
		var a surveyRow
		var at int64
		if err := rs.Scan(&a.ID, &a.Kind, &a.Score, &at, &a.Agent); err != nil {
			rs.Close()
			return nil, nil, err
		}
		a.At = time.Unix(0, at).UTC()
		answers = append(answers, a)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, nil, err
	}
	cs, err := q.Query(ctx, `SELECT ticket_id, agent, at, first_response_ns, handling_ns, fcr, fr_met, complaint
		FROM contacts WHERE at >= ? ORDER BY at, ticket_id`, from.UnixNano())
	if err != nil {
		return nil, nil, err
	}
	defer cs.Close()
	var contacts []contactRec
	for cs.Next() {
		var c contactRec
		var at, fr, h, fcr, met, cpl int64
		if err := cs.Scan(&c.Ticket, &c.Agent, &at, &fr, &h, &fcr, &met, &cpl); err != nil {
			return nil, nil, err
		}
		c.At, c.FirstResponse, c.Handling = time.Unix(0, at).UTC(), time.Duration(fr), time.Duration(h)
		c.FCR, c.FRMet, c.Complaint = fcr == 1, met == 1, cpl == 1
		contacts = append(contacts, c)
	}
	return answers, contacts, cs.Err()
}

// metricsPage shows the last 30 days: tiles and daily charts.
func (s *server) metricsPage(w http.ResponseWriter, r *http.Request) {
	now := s.clk.Now()
	answers, contacts, err := loadAnswers(r.Context(), s.desk.db, now.Add(-30*24*time.Hour))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	f, err := computeFigures(answers, contacts, s.desk.location())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	var charts []template.HTML
	for _, sr := range f.dailySeries() {
		charts = append(charts, chartSVG(sr))
	}
	tl, err := s.desk.tele.figures(r.Context())
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "metrics", map[string]any{"Tiles": f.tiles(), "Charts": charts, "Total": f.Total, "Timeline": tl})
}

// statementsPage shows the month-end statements of the month so far (or
// of ?period=YYYY-MM): a supervisor or admin sees every agent's, an agent
// their own.
func (s *server) statementsPage(w http.ResponseWriter, r *http.Request) {
	loc := s.desk.location()
	now := s.clk.Now().In(loc)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	if p := r.URL.Query().Get("period"); p != "" {
		t, err := time.ParseInLocation("2006-01", p, loc)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			s.fail(w, r, http.StatusBadRequest, "period: YYYY-MM")
			return
		}
		start = t
	}
	end := start.AddDate(0, 1, 0)
	answers, contacts, err := loadAnswers(r.Context(), s.desk.db, start)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	u := userOf(r)
	byAgent := map[string]*agentMonth{}
	get := func(a string) *agentMonth {
		if byAgent[a] == nil {
			byAgent[a] = &agentMonth{Agent: a}
		}
		return byAgent[a]
	}
	if agents, err := s.auth.users(r.Context(), roleAgent); err == nil {
		for _, a := range agents {
			get(a.Name)
		}
	}
	for _, a := range answers {
		if a.Kind == "csat" && a.At.Before(end) && a.Agent != "" {
			m := get(a.Agent)
			m.CSATAnswers++
			if a.Score >= 4 {
				m.CSATHappy++
			}
		}
	}
	for _, c := range contacts {
		if c.At.Before(end) && c.Agent != "" {
			m := get(c.Agent)
			m.Closed++
			m.FCRYes += b2i(c.FCR)
			m.FRMet += b2i(c.FRMet)
		}
	}
	var months []agentMonth
	for name, m := range byAgent {
		if u.Role == roleAgent && name != u.Name {
			continue
		}
		months = append(months, *m)
	}
	sts, hash, err := statements(start.Format("2006-01"), months)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "statements", map[string]any{"Period": start.Format("2006-01"), "Statements": sts, "Hash": hash})
}

// adminPage shows the calendars and the policy as JSON for an admin.
func (s *server) adminPage(w http.ResponseWriter, r *http.Request) {
	if userOf(r).Role != roleAdmin {
		s.fail(w, r, http.StatusForbidden, "calendars and policies are for admins")
		return
	}
	cfg := s.desk.config()
	s.render(w, r, http.StatusOK, "admin", s.adminData(cfg, string(mustJSON(cfg.Calendars)), string(mustJSON(cfg.Policy)), nil))
}

func (s *server) adminData(cfg *slaConfig, cals, pol string, problems []string) map[string]any {
	return map[string]any{"Calendars": cals, "Policy": pol, "CalendarsVersion": cfg.CalendarsVersion,
		"PolicyVersion": cfg.PolicyVersion, "Problems": problems}
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return []byte("{}")
	}
	return b
}

func (s *server) adminCalendars(w http.ResponseWriter, r *http.Request) {
	s.adminSave(w, r, docCalendars)
}
func (s *server) adminPolicy(w http.ResponseWriter, r *http.Request) { s.adminSave(w, r, docPolicy) }

// adminSave validates an edited document together with the other one and
// saves it: every problem is listed at once (400) and nothing changes; an
// edit made on an outdated version is refused (409).
func (s *server) adminSave(w http.ResponseWriter, r *http.Request, name string) {
	if userOf(r).Role != roleAdmin {
		s.fail(w, r, http.StatusForbidden, "calendars and policies are for admins")
		return
	}
	cur := s.desk.config()
	text := r.PostFormValue("value")
	version, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || version < 0 {
		s.fail(w, r, http.StatusBadRequest, "version: a whole number")
		return
	}
	cals, pol := cur.Calendars, cur.Policy
	var perr error
	if name == docCalendars {
		cals = nil
		perr = json.Unmarshal([]byte(text), &cals)
	} else {
		pol = sla.Policy{}
		perr = json.Unmarshal([]byte(text), &pol)
	}
	var cfg *slaConfig
	if perr == nil {
		cfg, perr = buildConfig(cals, pol)
	}
	if perr != nil {
		calText, polText := string(mustJSON(cur.Calendars)), string(mustJSON(cur.Policy))
		if name == docCalendars {
			calText = text
		} else {
			polText = text
		}
		s.render(w, r, http.StatusBadRequest, "admin", s.adminData(cur, calText, polText, problemsOf(perr)))
		return
	}
	if _, err := saveDocument(r.Context(), s.desk.db, name, version, text); err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := s.desk.reloadConfig(r.Context()); err != nil {
		s.failErr(w, r, err)
		return
	}
	_ = cfg
	s.log.InfoContext(r.Context(), "configuration changed", "document", name, "by", userOf(r).Name)
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// problemsOf lists the problems an error joins.
func problemsOf(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		out = append(out, e.Error())
	}
	walk(err)
	if len(out) == 0 {
		out = []string{fmt.Sprint(errors.Unwrap(err))}
	}
	return out
}
