package main

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// chartSVG draws a series as an inline SVG line chart with its interval as
// a band. Only numbers and escaped labels go into the markup, and no style
// attribute (the content security policy allows no inline styles).
func chartSVG(s series) template.HTML {
	const w, h, pad = 640.0, 200.0, 30.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="%s">`, w, h, w, h, html.EscapeString(s.Name))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(s.Name))
	n := len(s.Value)
	if n == 0 {
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" fill="#666">no data</text></svg>`, pad, h/2)
		return template.HTML(b.String())
	}
	x := func(i int) float64 {
		if n == 1 {
			return w / 2
		}
		return pad + float64(i)*(w-2*pad)/float64(n-1)
	}
	y := func(v float64) float64 {
		v = min(max(v, s.Min), s.Max)
		return h - pad - (v-s.Min)*(h-2*pad)/(s.Max-s.Min)
	}
	// axes and the zero or middle line
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#bbb"/>`, pad, y(s.Min), w-pad, y(s.Min))
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#eee"/>`, pad, y((s.Min+s.Max)/2), w-pad, y((s.Min+s.Max)/2))
	fmt.Fprintf(&b, `<text x="2" y="%.1f" font-size="10" fill="#666">%.0f</text>`, y(s.Max)+4, s.Max)
	fmt.Fprintf(&b, `<text x="2" y="%.1f" font-size="10" fill="#666">%.0f</text>`, y(s.Min), s.Min)
	// interval band
	var band []string
	for i := range n {
		band = append(band, fmt.Sprintf("%.1f,%.1f", x(i), y(s.H[i])))
	}
	for i := n - 1; i >= 0; i-- {
		band = append(band, fmt.Sprintf("%.1f,%.1f", x(i), y(s.Lo[i])))
	}
	fmt.Fprintf(&b, `<polygon points="%s" fill="#cfe3f7" stroke="none"/>`, strings.Join(band, " "))
	var line []string
	for i := range n {
		line = append(line, fmt.Sprintf("%.1f,%.1f", x(i), y(s.Value[i])))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#1f5f9f" stroke-width="2"/>`, strings.Join(line, " "))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" fill="#666">%s</text>`, pad, h-8, html.EscapeString(s.Labels[0]))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" fill="#666" text-anchor="end">%s</text>`, w-pad, h-8, html.EscapeString(s.Labels[n-1]))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers and escaped labels only
}
