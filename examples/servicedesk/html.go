package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

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

// chart geometry shared by the charts: a legend row on top, the y axis
// title on the left, date labels and the x axis title below
const (
	chartW, chartH = 900, 300
	padL, padR     = 64, 12
	padT, padB     = 34, 48
)

// plot is a chart with n positions along x and values from 0 to top on y.
type plot struct {
	*svg
	n    int
	top  float64
	left float64 // x of the plot area's left edge
}

// newPlot draws the frame of a chart: grid lines and labels on y (label
// formats a tick value), the y axis title (with its unit) and the x axis
// title.
func newPlot(title string, h, n int, top float64, ticks []float64, label func(float64) string, yTitle, xTitle string) *plot {
	p := &plot{svg: newSVG(chartW, h, title), n: n, top: top, left: padL}
	for _, v := range ticks {
		y := p.y(v)
		p.add(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/>`, padL, chartW-padR, y, y)
		p.text(padL-6, y+4, "end", "axis", label(v))
	}
	p.axisTitles(yTitle, xTitle)
	return p
}

// axisTitles writes the y title along the left edge and the x title under
// the date labels.
func (p *plot) axisTitles(yTitle, xTitle string) {
	mid := float64(padT) + float64(p.h-padT-padB)/2
	p.add(`<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle" class="title">%s</text>`, mid, template.HTMLEscapeString(yTitle))
	p.text(p.left+float64(chartW-padR-int(p.left))/2, float64(p.h)-6, "middle", "title", xTitle)
}

func (p *plot) y(v float64) float64 {
	plotH := float64(p.h - padT - padB)
	return padT + plotH*(1-v/p.top)
}

func (p *plot) x(i int) float64 {
	return p.left + (float64(i)+0.5)*(chartW-padR-p.left)/float64(p.n)
}

// step is the width of one x position.
func (p *plot) step() float64 { return (chartW - padR - p.left) / float64(p.n) }

// dateLabels labels x positions with their month and day (dates[i] is
// the "YYYY-MM-DD" of position i), at the first position of a date, at
// most 15 dates.
func (p *plot) dateLabels(dates []string) {
	var first []int // the first position of every date
	for i, d := range dates {
		if i == 0 || d != dates[i-1] {
			first = append(first, i)
		}
	}
	every := max(1, (len(first)+14)/15)
	for k, i := range first {
		if k%every == 0 {
			p.text(p.x(i), float64(p.h-padB)+14, "middle", "axis", dates[i][5:])
		}
	}
}

// niceTicks returns the top of a y axis for values up to maxV and its
// ticks: 0 and up to four steps of 1, 2 or 5 times a power of ten.
func niceTicks(maxV float64) (float64, []float64) {
	step := float64(niceCeil(max(1, int(math.Ceil(maxV/4)))))
	n := max(1, math.Ceil(maxV/step))
	ticks := make([]float64, 0, int(n)+1)
	for i := 0.0; i <= n; i++ {
		ticks = append(ticks, i*step)
	}
	return n * step, ticks
}

// legend writes one entry per name on the top row: a swatch (a dashed
// line when dashed) and the name.
func (p *plot) legend(entries ...legendEntry) {
	x := p.left
	for _, e := range entries {
		if e.dashed {
			p.add(`<line x1="%.1f" x2="%.1f" y1="13" y2="13" stroke="%s" stroke-width="2" stroke-dasharray="4 3"/>`, x, x+14, e.colour)
		} else {
			p.add(`<rect x="%.1f" y="8" width="12" height="10" fill="%s"/>`, x, e.colour)
		}
		p.text(x+18, 17, "start", "axis", e.name)
		x += 30 + 6.2*float64(len([]rune(e.name)))
	}
}

// legendEntry is one entry of a chart's legend.
type legendEntry struct {
	colour, name string
	dashed       bool
}

func dayDates(r *Result) []string {
	out := make([]string, len(r.Days))
	for i, d := range r.Days {
		out[i] = d.Date
	}
	return out
}

// volumeChart is a stacked bar chart of the daily arrivals: tickets,
// complaints and complaints about the faulty batch.
func volumeChart(r *Result) template.HTML {
	maxV := 1
	for _, d := range r.Days {
		maxV = max(maxV, d.Arrivals)
	}
	top, ticks := niceTicks(float64(maxV))
	p := newPlot("daily volume", chartH, len(r.Days), top, ticks,
		func(v float64) string { return fmt.Sprintf("%.0f", v) }, "cases a day", "date (Asia/Shanghai)")
	bw := 0.7 * p.step()
	for i, d := range r.Days {
		x := p.x(i) - bw/2
		tickets := float64(d.Arrivals - d.Complaints)
		usual := float64(d.Complaints - d.SurgeComplaints)
		surge := float64(d.SurgeComplaints)
		p.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#74c0fc"><title>%s: %d tickets</title></rect>`,
			x, p.y(tickets), bw, p.y(0)-p.y(tickets), d.Date, d.Arrivals-d.Complaints)
		p.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#fa5252"><title>%s: %d complaints</title></rect>`,
			x, p.y(tickets+usual), bw, p.y(tickets)-p.y(tickets+usual), d.Date, d.Complaints-d.SurgeComplaints)
		if surge > 0 {
			p.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#862e9c"><title>%s: %d faulty-batch complaints</title></rect>`,
				x, p.y(tickets+usual+surge), bw, p.y(tickets+usual)-p.y(tickets+usual+surge), d.Date, d.SurgeComplaints)
		}
	}
	p.dateLabels(dayDates(r))
	p.legend(legendEntry{colour: "#74c0fc", name: "tickets"}, legendEntry{colour: "#fa5252", name: "complaints"},
		legendEntry{colour: "#862e9c", name: "faulty-batch complaints"})
	return p.html()
}

// attainmentChart draws each team's daily first-response attainment and
// the desk's, against the warning thresholds.
func attainmentChart(r *Result) template.HTML {
	p := newPlot("daily first-response attainment", chartH, len(r.Days), 100, []float64{0, 25, 50, 75, 100},
		func(v float64) string { return fmt.Sprintf("%.0f %%", v) }, "first responses in target (%)", "date (Asia/Shanghai)")
	var entries []legendEntry
	for i, team := range teams {
		entries = append(entries, legendEntry{colour: teamColour[i], name: team})
	}
	entries = append(entries, legendEntry{colour: "#212529", name: "desk"})
	for _, step := range boardConfig().Thresholds[0].Steps {
		p.add(`<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 3"/>`, padL, chartW-padR, p.y(step.Enter), p.y(step.Enter), levelColour[step.Level])
		entries = append(entries, legendEntry{colour: levelColour[step.Level], name: fmt.Sprintf("%s at %.0f %% or less", step.Level, step.Enter), dashed: true})
	}
	line := func(colour string, width float64, value func(DayStat) (float64, bool)) {
		var pts []string
		for i, d := range r.Days {
			if v, ok := value(d); ok {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.x(i), p.y(v)))
			}
		}
		if len(pts) > 0 {
			p.add(`<polyline points="%s" fill="none" stroke="%s" stroke-width="%.1f"/>`, strings.Join(pts, " "), colour, width)
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
	p.dateLabels(dayDates(r))
	p.legend(entries...)
	return p.html()
}

// levelChart shows each team's highest warning level of every day.
func levelChart(r *Result) template.HTML {
	rowH := 26.0
	h := padT + int(rowH)*len(teams) + padB
	p := &plot{svg: newSVG(chartW, h, "warning levels per team and day"), n: len(r.Days), left: 120}
	for ti, team := range teams {
		y := float64(padT) + float64(ti)*rowH
		p.text(p.left-6, y+rowH/2+4, "end", "axis", team)
		for i, d := range r.Days {
			lvl := emergency.None
			for _, td := range d.Teams {
				if td.Team == team {
					lvl = td.MaxLevel
				}
			}
			p.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s</title></rect>`,
				p.x(i)-p.step()/2+1, y+2, p.step()-2, rowH-4, levelColour[lvl], d.Date, team, lvl)
		}
	}
	p.axisTitles("team", "date (Asia/Shanghai): the highest level of the day")
	p.dateLabels(dayDates(r))
	var entries []legendEntry
	for _, l := range emergency.AllLevels() {
		entries = append(entries, legendEntry{colour: levelColour[l], name: l.String()})
	}
	p.legend(entries...)
	return p.html()
}

// staffingChart shows, for every open hour of the run, the agents the
// plan requires (bars, the shortfall in red) and the agents the roster
// schedules (a line).
func staffingChart(r *Result) template.HTML {
	ivs := r.Staffing.Intervals
	maxV := 1.0
	for _, iv := range ivs {
		maxV = max(maxV, float64(iv.Required), iv.Scheduled)
	}
	top, ticks := niceTicks(maxV)
	p := newPlot("agents required and scheduled per hour", chartH, max(1, len(ivs)), top,
		ticks, func(v float64) string { return fmt.Sprintf("%.0f", v) },
		"agents", "open hours by date (Asia/Shanghai)")
	bw := 0.8 * p.step()
	var pts []string
	dates := make([]string, len(ivs))
	for i, iv := range ivs {
		dates[i] = iv.Start.Format(time.DateOnly)
		x, need := p.x(i)-bw/2, float64(iv.Required)
		covered := math.Min(need, iv.Scheduled)
		label := fmt.Sprintf("%s: %.0f cases forecast, %d required, %.1f scheduled", iv.Start.Format("Mon 01-02 15:04"), iv.Forecast, iv.Required, iv.Scheduled)
		p.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#a5d8ff"><title>%s</title></rect>`, x, p.y(covered), bw, p.y(0)-p.y(covered), label)
		if need > covered {
			p.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#fa5252"><title>%s</title></rect>`, x, p.y(need), bw, p.y(covered)-p.y(need), label)
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", p.x(i), p.y(iv.Scheduled)))
	}
	if len(pts) > 0 {
		p.add(`<polyline points="%s" fill="none" stroke="#212529" stroke-width="1.2"/>`, strings.Join(pts, " "))
	}
	p.dateLabels(dates)
	t := r.Staffing.Target
	p.legend(legendEntry{colour: "#a5d8ff", name: fmt.Sprintf("required (Erlang C, %.0f %% within %s), covered", 100*t.ServiceLevel, minutes(t.AnswerWithin.D()))},
		legendEntry{colour: "#fa5252", name: "short"}, legendEntry{colour: "#212529", name: "scheduled (roster)", dashed: false})
	return p.html()
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
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sqkit service desk: {{.R.Config.Days}} days, seed {{.R.Config.Seed}}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #212529; padding: 0 1em; overflow-wrap: anywhere; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #dee2e6; }
.scroll, .chart { overflow-x: auto; } .chart svg { min-width: 640px; }
table { border-collapse: collapse; margin: .5em 0; } td, th { padding: 2px 8px; text-align: left; border-bottom: 1px solid #f1f3f5; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.tile { border: 1px solid #dee2e6; border-radius: 6px; padding: 8px 10px; }
.tile .name { font-size: 12px; color: #495057; } .tile .value { font-size: 20px; font-weight: 600; }
.tile .iv { font-size: 12px; color: #495057; } .tile .note { font-size: 11px; color: #868e96; }
svg text.axis { font-size: 11px; fill: #495057; } svg text.title { font-size: 12px; fill: #212529; } svg line.grid { stroke: #e9ecef; }
.lvl { padding: 0 6px; border-radius: 3px; } pre { background: #f8f9fa; padding: 1em; overflow-x: auto; font-size: 12px; }
</style>
</head>
<body>
<h1>sqkit service desk</h1>
<p>{{.R.Config.Days}} days from {{.Start}}, {{.R.Config.Agents}} agents, {{.R.Config.PerDay}} arrivals a day on average, seed {{.R.Config.Seed}}.
{{.Arrivals}} arrivals, {{.R.Closed}} closed, {{.R.OpenAtEnd}} open at the end. Every time is in the desk's time zone, {{.Zone}}. The raw data is in <code>data.json</code>.</p>

<h2 id="key-figures">Key figures</h2>
<p>Values with their 95 % intervals.</p>
<div class="tiles">
{{range .Figures}}<div class="tile"><div class="name">{{.Name}}</div><div class="value">{{.Value}}</div>{{if .Interval}}<div class="iv">95 % interval {{.Interval}}</div>{{end}}<div class="note">{{.Note}}</div></div>
{{end}}</div>

<h2 id="daily-volume">Daily volume</h2>
<div class="chart">{{.Volume}}</div>
<h2 id="daily-first-response-attainment">Daily first-response attainment</h2>
<p>Share of first responses in target per day, per team and for the desk; the dashed lines are the warning thresholds.</p>
<div class="chart">{{.Attainment}}</div>
<h2 id="warning-levels">Warning levels</h2>
<div class="chart">{{.Levels}}</div>
<h2 id="staffing">Staffing</h2>
<p>Agents the Erlang C plan requires in every open hour (from the day's forecast) against the agents the roster schedules; red is the shortfall.</p>
<div class="chart">{{.Staffing}}</div>

<h2 id="sla-attainment-per-priority">SLA attainment per priority</h2>
<div class="scroll"><table><tr><th>metric</th><th>priority</th><th>target</th><th>met</th><th>breached</th><th>open</th><th>attainment</th></tr>
{{range .SLA}}<tr><td>{{.Metric}}</td><td>{{.Priority}}</td><td>{{.Target}}</td><td class="n">{{.Met}}</td><td class="n">{{.Breached}}</td><td class="n">{{.InProgress}}</td><td class="n">{{printf "%.1f %%" .PercentMet}}</td></tr>
{{end}}</table></div>

<h2 id="process-times">Process times</h2>
{{range .Times}}<p>{{range .Lines}}{{.}}<br>{{end}}</p>
<div class="scroll"><table><tr><th>state</th><th>entries</th><th>again</th><th>measured</th><th>p50</th><th>p90</th><th>max</th><th>share</th><th></th></tr>
{{range .Rows}}<tr><td>{{.State}}</td><td class="n">{{.Entries}}</td><td class="n">{{.Reentries}}</td><td class="n">{{.Stays}}</td><td class="n">{{.P50}}</td><td class="n">{{.P90}}</td><td class="n">{{.Max}}</td><td class="n">{{.Share}}</td><td>{{.Flags}}</td></tr>
{{end}}</table></div>
{{end}}
<h2 id="approvals">Approvals</h2>
<p>Refund authority (yuan): {{range $i, $r := .Authority}}{{if $i}}; {{end}}{{$r}}{{end}}. Audit of {{len .R.Approvals.Audit.Approvals}} approvals against it:</p>
<div class="scroll"><table><tr><th>approver</th><th>count</th><th>total</th><th>largest</th><th>beyond authority</th></tr>
{{range .R.Approvals.Audit.Approvers}}<tr><td>{{.Approver}}</td><td class="n">{{.Count}}</td><td class="n">{{.Total}}</td><td class="n">{{.Largest}}</td><td class="n">{{.Beyond}}</td></tr>
{{end}}</table></div>

<h2 id="warnings">Warnings</h2>
<div class="scroll"><table><tr><th>at</th><th>team</th><th>change</th><th>evidence</th></tr>
{{range .Warnings}}<tr><td class="n">{{.At}}</td><td>{{.Team}}</td><td><span class="lvl" style="background:{{.FromColour}}">{{.From}}</span> → <span class="lvl" style="background:{{.ToColour}}">{{.To}}</span></td><td>{{.Evidence}}</td></tr>
{{end}}</table></div>

<h2 id="incidents">Incidents</h2>
{{range .Incidents}}<h3>{{.Head}}</h3>
<div class="scroll"><table><tr><th>at</th><th>since report</th><th>event</th><th>what</th></tr>
{{range .Events}}<tr><td class="n">{{.At}}</td><td class="n">+{{.Since}}</td><td>{{.Kind}}</td><td>{{.What}}</td></tr>
{{end}}</table></div>
{{else}}<p>No incident was declared.</p>
{{end}}
<h2 id="chat-bot">Chat bot</h2>
<ul>{{range .BotLines}}<li>{{.}}</li>{{end}}</ul>

<h2 id="targets">Targets</h2>
<p>The month against the seeds' targets and the desk's own; "excludes": the 95 % interval excludes the target (* fewer than 30 samples).</p>
<div class="scroll"><table><tr><th>target</th><th>actual</th><th>95 % interval</th><th>target</th><th>gap</th><th>excludes</th><th>verdict</th></tr>
{{range .Targets}}<tr><td>{{.Name}}</td><td class="n">{{.Actual}}</td><td class="n">{{.Interval}}</td><td class="n">{{.Target}}</td><td class="n">{{.Gap}}</td><td>{{.Excludes}}</td><td>{{.Verdict}}</td></tr>
{{end}}</table></div>

<h2 id="feedback-by-team-and-channel">Feedback by team and channel</h2>
<ul>{{range .Questions}}<li>{{.}}</li>{{end}}</ul>
<div class="scroll"><table><tr><th>team</th><th>channel</th><th>closed</th><th>FCR</th><th>AHT</th><th>ASA</th><th>CSAT</th><th>answered</th><th>bot</th><th>inspected</th><th>QA score</th></tr>
{{range .Channels}}<tr><td>{{.Team}}</td><td>{{.Channel}}</td><td class="n">{{.Closed}}</td><td class="n">{{.FCR}}</td><td class="n">{{.AHT}}</td><td class="n">{{.ASA}}</td><td class="n">{{.CSAT}}</td><td class="n">{{.Response}}</td><td class="n">{{.Contain}}</td><td class="n">{{.Coverage}}</td><td class="n">{{.Score}}</td></tr>
{{end}}</table></div>

<h2 id="statements">Statements</h2>
<p>Plan desk-monthly, rules hash <code>{{.R.RulesHash}}</code>, payout {{.R.Payout}}.</p>
<div class="scroll"><table><tr><th>rank</th><th>agent</th><th>score</th><th>grade</th><th>total</th><th></th></tr>
{{range .Ranking}}<tr><td class="n">{{.Rank}}</td><td>{{.ID}}</td><td class="n">{{.Score}}</td><td>{{.Grade}}</td><td class="n">{{.Total}}</td><td>{{if .Bottom}}bottom 10%{{end}}</td></tr>
{{end}}</table></div>

<h2 id="the-report-as-text">The report as text</h2>
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
	loc, err := time.LoadLocation(r.Location)
	if err != nil {
		return nil, err
	}
	ts := func(t time.Time) string { return t.In(loc).Format("Mon 01-02 15:04") }
	arrivals := 0
	for _, d := range r.Days {
		arrivals += d.Arrivals
	}
	var rows []warningRow
	for _, c := range r.Warnings {
		rows = append(rows, warningRow{
			At: ts(c.At), Team: c.Subject, Evidence: evidence(c.Evidence),
			From: c.From, To: c.To, FromColour: template.CSS(levelColour[c.From]), ToColour: template.CSS(levelColour[c.To]),
		})
	}
	var incidents []incidentBlock
	for _, in := range r.Incidents {
		b := incidentBlock{Head: fmt.Sprintf("%s %s, grade %s, on %s: %s (now %s)", in.ID, in.Type, in.Grade, in.Report.Subject, in.Report.Title, in.State)}
		for _, e := range r.IncidentEvents {
			if e.Incident == in.ID {
				b.Events = append(b.Events, incidentRow{At: ts(e.At), Since: since(in.ReportedAt, e.At), Kind: string(e.Kind), What: incidentWhat(e)})
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
	err = page.Execute(&out, map[string]any{
		"Incidents": incidents, "Ranking": ranking, "Figures": keyFigures(r), "SLA": attainmentRows(r),
		"R": r, "Start": r.Start.In(loc).Format("Mon 2006-01-02"), "Arrivals": arrivals,
		"Zone":   fmt.Sprintf("%s (UTC%s)", r.Location, r.Start.In(loc).Format("-07:00")),
		"Volume": volumeChart(r), "Attainment": attainmentChart(r), "Levels": levelChart(r), "Staffing": staffingChart(r),
		"Warnings": rows, "Text": text.String(), "Authority": authorityLines(r),
		"BotLines": botLines(r), "Times": timeBlocks(r),
		"Targets": targetRows(r), "Questions": questionLines(r), "Channels": channelRows(r),
	})
	return out.Bytes(), err
}
