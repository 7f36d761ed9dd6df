package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
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

<h2 id="quality-inspection">Quality inspection</h2>
<ul>{{range .Inspection}}<li>{{.}}</li>{{end}}</ul>

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

<h2 id="assessments">Assessments</h2>
<ul>{{range .Assessment}}<li>{{.}}</li>{{end}}</ul>

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
		"Inspection": inspectionLines(r), "Assessment": assessmentLines(r),
	})
	return out.Bytes(), err
}
