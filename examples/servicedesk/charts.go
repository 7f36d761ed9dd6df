package main

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/sqkit/sqkit/emergency"
)

// The report's four inline SVG charts: daily volume, daily first-response
// attainment against the warning thresholds, warning levels per team and
// day, and the agents required and scheduled per open hour. Plain SVG
// built from numbers and escaped text, no script.

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
