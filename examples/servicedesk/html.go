package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/incentive"
)

// writeOut writes report.html (self-contained: inline CSS and SVG, no
// script, no external asset) and data.json (the Result) into dir.
func writeOut(dir string, r *Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "data.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	page, err := renderHTML(r)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.html"), page, 0o644)
}

// levelColour is the fill of a warning level in the charts.
var levelColour = map[emergency.Level]string{
	emergency.None: "#e4e7eb", emergency.Yellow: "#f5c518", emergency.Orange: "#f08c00", emergency.Red: "#d6336c",
}

var teamColour = []string{"#1c7ed6", "#37b24d", "#ae3ec9"}

// svg accumulates the elements of one chart.
type svg struct {
	b    strings.Builder
	w, h int
}

func newSVG(w, h int, title string) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(title))
	return s
}

func (s *svg) add(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func (s *svg) text(x, y float64, anchor, class, text string) {
	s.add(`<text x="%.1f" y="%.1f" text-anchor="%s" class="%s">%s</text>`, x, y, anchor, class, template.HTMLEscapeString(text))
}

func (s *svg) html() template.HTML {
	s.b.WriteString("</svg>")
	return template.HTML(s.b.String()) // built from numbers and escaped text only
}

// chart geometry shared by the daily charts
const (
	chartW, chartH = 900, 260
	padL, padR     = 48, 12
	padT, padB     = 16, 40
)

func xOf(i, n int) float64 {
	return padL + (float64(i)+0.5)*float64(chartW-padL-padR)/float64(n)
}

func dayLabels(s *svg, r *Result) {
	n := len(r.Days)
	step := max(1, n/15)
	for i, d := range r.Days {
		if i%step == 0 {
			s.text(xOf(i, n), chartH-padB+14, "middle", "axis", d.Date[5:])
		}
	}
}

// volumeChart is a stacked bar chart of the daily arrivals: tickets,
// complaints and complaints about the faulty batch.
func volumeChart(r *Result) template.HTML {
	s := newSVG(chartW, chartH, "daily volume")
	maxV := 1
	for _, d := range r.Days {
		maxV = max(maxV, d.Arrivals)
	}
	top := float64(niceCeil(maxV))
	plotH := float64(chartH - padT - padB)
	y := func(v float64) float64 { return padT + plotH*(1-v/top) }
	for i := 0; i <= 4; i++ {
		v := top * float64(i) / 4
		s.add(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/>`, padL, chartW-padR, y(v), y(v))
		s.text(padL-6, y(v)+4, "end", "axis", fmt.Sprintf("%.0f", v))
	}
	n := len(r.Days)
	bw := 0.7 * float64(chartW-padL-padR) / float64(n)
	for i, d := range r.Days {
		x := xOf(i, n) - bw/2
		tickets := float64(d.Arrivals - d.Complaints)
		usual := float64(d.Complaints - d.SurgeComplaints)
		surge := float64(d.SurgeComplaints)
		s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#74c0fc"><title>%s: %d tickets</title></rect>`,
			x, y(tickets), bw, y(0)-y(tickets), d.Date, d.Arrivals-d.Complaints)
		s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#fa5252"><title>%s: %d complaints</title></rect>`,
			x, y(tickets+usual), bw, y(tickets)-y(tickets+usual), d.Date, d.Complaints-d.SurgeComplaints)
		if surge > 0 {
			s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#862e9c"><title>%s: %d faulty-batch complaints</title></rect>`,
				x, y(tickets+usual+surge), bw, y(tickets+usual)-y(tickets+usual+surge), d.Date, d.SurgeComplaints)
		}
	}
	dayLabels(s, r)
	legend(s, []string{"#74c0fc", "#fa5252", "#862e9c"}, []string{"tickets", "complaints", "faulty-batch complaints"})
	return s.html()
}

// attainmentChart draws each team's daily first-response attainment and
// the desk's, against the warning thresholds.
func attainmentChart(r *Result) template.HTML {
	s := newSVG(chartW, chartH, "daily first-response attainment")
	plotH := float64(chartH - padT - padB)
	y := func(v float64) float64 { return padT + plotH*(1-v/100) }
	for _, v := range []float64{0, 25, 50, 75, 100} {
		s.add(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/>`, padL, chartW-padR, y(v), y(v))
		s.text(padL-6, y(v)+4, "end", "axis", fmt.Sprintf("%.0f%%", v))
	}
	for _, step := range boardConfig().Thresholds[0].Steps {
		s.add(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 3"/>`, padL, chartW-padR, y(step.Enter), y(step.Enter), levelColour[step.Level])
	}
	n := len(r.Days)
	line := func(colour string, width float64, value func(DayStat) (float64, bool)) {
		var pts []string
		for i, d := range r.Days {
			if v, ok := value(d); ok {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(i, n), y(v)))
			}
		}
		if len(pts) > 0 {
			s.add(`<polyline points="%s" fill="none" stroke="%s" stroke-width="%.1f"/>`, strings.Join(pts, " "), colour, width)
		}
	}
	for ti, team := range teams {
		line(teamColour[ti], 1.5, func(d DayStat) (float64, bool) {
			for _, td := range d.Teams {
				if td.Team == team && td.FRMet+td.FRBreached > 0 {
					return 100 * float64(td.FRMet) / float64(td.FRMet+td.FRBreached), true
				}
			}
			return 0, false
		})
	}
	line("#212529", 2.5, DayStat.FRAttainment)
	dayLabels(s, r)
	legend(s, append(append([]string{}, teamColour...), "#212529"), append(append([]string{}, teams...), "desk"))
	return s.html()
}

// levelChart shows each team's highest warning level of every day.
func levelChart(r *Result) template.HTML {
	rowH := 26.0
	h := padT + int(rowH)*len(teams) + padB
	s := newSVG(chartW, h, "warning levels per team and day")
	n := len(r.Days)
	const left = 84 // room for the team names
	cw := float64(chartW-left-padR) / float64(n)
	for ti, team := range teams {
		y := float64(padT) + float64(ti)*rowH
		s.text(left-6, y+rowH/2+4, "end", "axis", team)
		for i, d := range r.Days {
			lvl := emergency.None
			for _, td := range d.Teams {
				if td.Team == team {
					lvl = td.MaxLevel
				}
			}
			s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
				left+float64(i)*cw+1, y+2, cw-2, rowH-4, levelColour[lvl], d.Date, team, lvl)
		}
	}
	step := max(1, n/15)
	for i, d := range r.Days {
		if i%step == 0 {
			s.text(left+(float64(i)+0.5)*cw, float64(h-padB)+14, "middle", "axis", d.Date[5:])
		}
	}
	var colours, names []string
	for _, l := range emergency.AllLevels() {
		colours, names = append(colours, levelColour[l]), append(names, l.String())
	}
	legendAt(s, float64(h)-8, colours, names)
	return s.html()
}

func legend(s *svg, colours, names []string) { legendAt(s, chartH-8, colours, names) }

func legendAt(s *svg, y float64, colours, names []string) {
	x := float64(padL)
	for i, name := range names {
		s.add(`<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/>`, x, y-9, colours[i])
		s.text(x+14, y, "start", "axis", name)
		x += 24 + 7*float64(len(name))
	}
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v int) int {
	p := 1
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sqkit service desk: {{.R.Config.Days}} days, seed {{.R.Config.Seed}}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #212529; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #dee2e6; }
table { border-collapse: collapse; margin: .5em 0; } td, th { padding: 2px 8px; text-align: left; border-bottom: 1px solid #f1f3f5; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg text.axis { font-size: 11px; fill: #495057; } svg line.grid { stroke: #e9ecef; }
.lvl { padding: 0 6px; border-radius: 3px; } pre { background: #f8f9fa; padding: 1em; overflow-x: auto; font-size: 12px; }
</style>
</head>
<body>
<h1>sqkit service desk</h1>
<p>{{.R.Config.Days}} days from {{.Start}} ({{.R.Location}}), {{.R.Config.Agents}} agents, {{.R.Config.PerDay}} arrivals a day on average, seed {{.R.Config.Seed}}.
{{.Arrivals}} arrivals, {{.R.Closed}} closed, {{.R.OpenAtEnd}} open at the end. The raw data is in <code>data.json</code>.</p>

<h2>Daily volume</h2>
{{.Volume}}
<h2>Daily first-response attainment</h2>
<p>Share of first responses in target per day, per team and for the desk; dashed lines are the warning thresholds.</p>
{{.Attainment}}
<h2>Warning levels</h2>
{{.Levels}}

<h2>SLA attainment per priority</h2>
<table><tr><th>metric</th><th>priority</th><th>met</th><th>breached</th><th>open</th><th>attainment</th></tr>
{{range .R.Attainment}}<tr><td>{{.Metric}}</td><td>{{.Priority}}</td><td class="n">{{.Met}}</td><td class="n">{{.Breached}}</td><td class="n">{{.InProgress}}</td><td class="n">{{printf "%.1f%%" .PercentMet}}</td></tr>
{{end}}</table>

<h2>Warnings</h2>
<table><tr><th>at</th><th>team</th><th>change</th><th>evidence</th></tr>
{{range .Warnings}}<tr><td>{{.At}}</td><td>{{.Team}}</td><td><span class="lvl" style="background:{{.FromColour}}">{{.From}}</span> → <span class="lvl" style="background:{{.ToColour}}">{{.To}}</span></td><td>{{.Evidence}}</td></tr>
{{end}}</table>

<h2>Incidents</h2>
{{range .Incidents}}<h3>{{.Head}}</h3>
<table><tr><th>at</th><th>since report</th><th>event</th><th>what</th></tr>
{{range .Events}}<tr><td>{{.At}}</td><td class="n">+{{.Since}}</td><td>{{.Kind}}</td><td>{{.What}}</td></tr>
{{end}}</table>
{{else}}<p>No incident was declared.</p>
{{end}}
<h2>Statements</h2>
<p>Plan desk-monthly, rules hash <code>{{.R.RulesHash}}</code>, payout {{.R.Payout}}.</p>
<table><tr><th>rank</th><th>agent</th><th>score</th><th>grade</th><th>total</th><th></th></tr>
{{range .Ranking}}<tr><td class="n">{{.Rank}}</td><td>{{.ID}}</td><td class="n">{{.Score}}</td><td>{{.Grade}}</td><td class="n">{{.Total}}</td><td>{{if .Bottom}}bottom 10%{{end}}</td></tr>
{{end}}</table>

<h2>The report as text</h2>
<p>Everything above and the incident's timeline, feedback figures, PDCA cycle and statements, as printed by the command:</p>
<pre>{{.Text}}</pre>
</body>
</html>
`))

type incidentRow struct {
	At, Since, Kind, What string
}

type incidentBlock struct {
	Head   string
	Events []incidentRow
}

type rankRow struct {
	Rank         int
	ID, Score    string
	Grade, Total string
	Bottom       bool
}

type warningRow struct {
	At, Team, Evidence   string
	From, To             emergency.Level
	FromColour, ToColour template.CSS
}

func renderHTML(r *Result) ([]byte, error) {
	var text bytes.Buffer
	if err := writeText(&text, r); err != nil {
		return nil, err
	}
	loc := r.Start.Location()
	arrivals := 0
	for _, d := range r.Days {
		arrivals += d.Arrivals
	}
	var rows []warningRow
	for _, c := range r.Warnings {
		rows = append(rows, warningRow{
			At: c.At.In(loc).Format("Mon 01-02 15:04"), Team: c.Subject, Evidence: evidence(c.Evidence),
			From: c.From, To: c.To, FromColour: template.CSS(levelColour[c.From]), ToColour: template.CSS(levelColour[c.To]),
		})
	}
	var incidents []incidentBlock
	for _, in := range r.Incidents {
		b := incidentBlock{Head: fmt.Sprintf("%s %s, grade %s, on %s: %s (now %s)", in.ID, in.Type, in.Grade, in.Report.Subject, in.Report.Title, in.State)}
		for _, e := range r.IncidentEvents {
			if e.Incident == in.ID {
				b.Events = append(b.Events, incidentRow{At: e.At.In(loc).Format("Mon 01-02 15:04"), Since: since(in.ReportedAt, e.At), Kind: string(e.Kind), What: incidentWhat(e)})
			}
		}
		incidents = append(incidents, b)
	}
	byPerson := map[string]incentive.Statement{}
	for _, st := range r.Statements {
		byPerson[st.Person] = st
	}
	var ranking []rankRow
	for _, rk := range r.Ranking {
		st := byPerson[rk.ID]
		ranking = append(ranking, rankRow{Rank: rk.Rank, ID: rk.ID, Score: rk.Score.String(), Grade: st.Grade, Total: st.Total.String(), Bottom: rk.Bottom})
	}
	var out bytes.Buffer
	err := page.Execute(&out, map[string]any{
		"Incidents": incidents, "Ranking": ranking,
		"R": r, "Start": r.Start.In(loc).Format("Mon 2006-01-02"), "Arrivals": arrivals,
		"Volume": volumeChart(r), "Attainment": attainmentChart(r), "Levels": levelChart(r),
		"Warnings": rows, "Text": text.String(),
	})
	return out.Bytes(), err
}
