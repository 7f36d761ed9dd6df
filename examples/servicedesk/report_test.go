package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeReport runs the command with -out into a temporary directory and
// returns its terminal report, report.html and data.json.
func writeReport(t *testing.T, args ...string) (dir string, text, page, data []byte) {
	t.Helper()
	dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(context.Background(), append(args, "-out", dir), &stdout, &stderr), stderr.String())
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	data, err = os.ReadFile(filepath.Join(dir, "data.json"))
	require.NoError(t, err)
	return dir, stdout.Bytes(), page, data
}

var reportArgs = []string{"-days", "14", "-per-day", "200", "-agents", "8", "-seed", "7", "-surge-day", "8"}

// The figures a manager reads are the same in the terminal report, in
// report.html and in data.json: computed from the decoded data.json, every
// key figure and SLA row appears as such in both reports.
func TestFiguresAgreeAcrossOutputs(t *testing.T) {
	_, text, page, data := writeReport(t, reportArgs...)
	var res Result
	require.NoError(t, json.Unmarshal(data, &res))
	figs := keyFigures(&res)
	require.Len(t, figs, 12)
	html := string(page)
	for _, f := range figs {
		assert.Contains(t, string(text), f.line(), "terminal report: %s", f.Name)
		assert.Contains(t, html, `<div class="value">`+template.HTMLEscapeString(f.Value)+`</div>`, "report.html: %s", f.Name)
		if f.Interval != "" {
			assert.Contains(t, html, "95 % interval "+template.HTMLEscapeString(f.Interval), "report.html: %s", f.Name)
		}
	}
	rows := attainmentRows(&res)
	require.NotEmpty(t, rows)
	for _, a := range rows {
		assert.Contains(t, string(text), fmt.Sprintf("%-40s %7d %9d %8d %10.1f%%", a.Target, a.Met, a.Breached, a.InProgress, a.PercentMet))
		assert.Contains(t, html, fmt.Sprintf("<td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%.1f %%</td>",
			a.Metric, a.Priority, template.HTMLEscapeString(a.Target), a.Met, a.Breached, a.InProgress, a.PercentMet))
	}
	// priorities in severity order, each metric with its target
	var order []string
	for _, a := range rows {
		assert.NotEmpty(t, a.Target, "%s %s has a target", a.Metric, a.Priority)
		if a.Metric == rows[0].Metric {
			order = append(order, a.Priority)
		}
	}
	assert.Equal(t, []string{"urgent", "high", "normal", "low", "complaint"}, order)
}

// Every instant the report stores or prints is in the desk's zone.
func TestOneTimeZone(t *testing.T) {
	_, text, page, data := writeReport(t, reportArgs...)
	instant := regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)
	found := 0
	for _, m := range instant.FindAllString(string(data), -1) {
		if strings.HasPrefix(m, "0001-01-01T") { // a zero time: no instant at all
			continue
		}
		found++
		assert.True(t, strings.HasSuffix(m, "+08:00"), "data.json instant %s is not in Asia/Shanghai", m)
	}
	assert.Greater(t, found, 100)
	for name, out := range map[string][]byte{"text": text, "html": page} {
		for _, m := range instant.FindAllString(string(out), -1) {
			assert.True(t, strings.HasSuffix(m, "+08:00"), "%s prints instant %s outside Asia/Shanghai", name, m)
		}
	}
	loc, err := time.LoadLocation(deskLocation)
	require.NoError(t, err)
	assert.Equal(t, "before 2026-03-15T16:00:00+08:00 and after", zoneText("before 2026-03-15T08:00:00Z and after", loc))
}

// The page in a real browser: rendered by headless chromium at a desktop
// and a phone width, with no horizontal overflow on the phone (wide tables
// and charts scroll inside their own boxes).
func TestReportInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (apt-get install chromium); CI must render the report")
		}
		t.Skip("chromium is not installed (apt-get install chromium): the report is not checked in a browser")
	}
	dir, _, _, _ := writeReport(t, reportArgs...)
	// a probe page shows the report in a frame of the width under test
	// (a headless window has a minimum width) and measures its layout; the
	// report itself has no script
	probe := func(width int) string {
		page := fmt.Sprintf(`<!DOCTYPE html><html><body><div id="probe"></div>
<iframe id="f" src="report.html" style="width:%dpx;height:1500px;border:0"></iframe><script>
document.getElementById("f").addEventListener("load", () => {
  const d = document.getElementById("f").contentDocument, w = d.documentElement.clientWidth, over = [];
  for (const el of d.querySelectorAll("body *")) {
    if (el.closest(".scroll, .chart, pre") && !el.matches(".scroll, .chart, pre")) continue;
    const r = el.getBoundingClientRect();
    if (r.right > w + 1) over.push(el.tagName + ":" + Math.round(r.right));
  }
  document.getElementById("probe").textContent = "width=" + w + " scroll=" + d.documentElement.scrollWidth +
    " svg=" + d.querySelectorAll("svg").length + " over=" + over.join(",");
});
</script></body></html>`, width)
		name := filepath.Join(dir, fmt.Sprintf("probe-%d.html", width))
		require.NoError(t, os.WriteFile(name, []byte(page), 0o644))
		return name
	}
	browse := func(width int, args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--allow-file-access-from-files",
			"--user-data-dir=" + t.TempDir(), fmt.Sprintf("--window-size=%d,2000", width)}
		out, err := exec.CommandContext(ctx, chromium, append(base, args...)...).Output()
		require.NoError(t, err, "chromium at %d px", width)
		return out
	}
	for _, width := range []int{1280, 390} {
		shot := filepath.Join(dir, fmt.Sprintf("report-%d.png", width))
		browse(width, "--screenshot="+shot, "file://"+filepath.Join(dir, "report.html"))
		png, err := os.ReadFile(shot)
		require.NoError(t, err)
		assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG")), "a screenshot at %d px", width)

		dom := string(browse(width+100, "--dump-dom", "file://"+probe(width)))
		m := regexp.MustCompile(`width=(\d+) scroll=(\d+) svg=(\d+) over=([^<]*)`).FindStringSubmatch(dom)
		require.NotNil(t, m, "the probe ran at %d px", width)
		assert.Equal(t, m[1], m[2], "no horizontal scrolling at %d px", width)
		assert.Empty(t, m[4], "elements past the right edge at %d px", width)
		assert.Equal(t, "4", m[3], "the charts render at %d px", width)
	}
}

// The sections on the SDK's service-quality capabilities say the same in
// the terminal report and in report.html, computed from the decoded
// data.json: every line, and every row of their tables.
func TestCapabilitySectionsAgree(t *testing.T) {
	_, text, pageBytes, data := writeReport(t, reportArgs...)
	var res Result
	require.NoError(t, json.Unmarshal(data, &res))
	page := html.UnescapeString(string(pageBytes))
	var lines []string
	lines = append(lines, botLines(&res)...)
	lines = append(lines, authorityLines(&res)...)
	lines = append(lines, questionLines(&res)...)
	lines = append(lines, inspectionLines(&res)...)
	lines = append(lines, assessmentLines(&res)...)
	require.NotEmpty(t, res.Targets)
	for _, g := range targetRows(&res) {
		has(t, string(text), fmt.Sprintf("%-32s %-11s %-16s %-12s %-11s %-9s %s\n", g.Name, g.Actual, g.Interval, g.Target, g.Gap, g.Excludes, g.Verdict))
		has(t, page, fmt.Sprintf(`<tr><td>%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td>%s</td><td>%s</td></tr>`,
			g.Name, g.Actual, g.Interval, g.Target, g.Gap, g.Excludes, g.Verdict))
	}
	for _, c := range channelRows(&res) {
		has(t, string(text), fmt.Sprintf("  %-10s %-7s %7d %8s %9s %10s %8s %9s %9s %9s %8s\n", c.Team, c.Channel, c.Closed, c.FCR, c.AHT, c.ASA, c.CSAT, c.Response, c.Contain, c.Coverage, c.Score))
		has(t, page, fmt.Sprintf(`<tr><td>%s</td><td>%s</td><td class="n">%d</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td></tr>`,
			c.Team, c.Channel, c.Closed, c.FCR, c.AHT, c.ASA, c.CSAT, c.Response, c.Contain, c.Coverage, c.Score))
	}
	for _, b := range timeBlocks(&res) {
		lines = append(lines, b.Lines...)
		require.NotEmpty(t, b.Rows)
		for _, row := range b.Rows {
			has(t, string(text), fmt.Sprintf("  %-20s %7d %7d %9d %9s %9s %9s %7s", row.State, row.Entries, row.Reentries, row.Stays, row.P50, row.P90, row.Max, row.Share))
			has(t, page, fmt.Sprintf(`<tr><td>%s</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td><td class="n">%s</td>`,
				row.State, row.Entries, row.Reentries, row.Stays, row.P50, row.P90, row.Max, row.Share))
		}
	}
	for _, s := range res.Approvals.Audit.Approvers {
		has(t, string(text), fmt.Sprintf("%-16s %6d %12d %9d %7d", s.Approver, s.Count, s.Total, s.Largest, s.Beyond))
		has(t, page, fmt.Sprintf(`<tr><td>%s</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td></tr>`, s.Approver, s.Count, s.Total, s.Largest, s.Beyond))
	}
	require.NotEmpty(t, lines)
	for _, l := range lines {
		has(t, string(text), l)
		has(t, page, (l))
	}
}

// has reports a line missing from a report without printing the report.
func has(t *testing.T, report, line string) {
	t.Helper()
	if !strings.Contains(report, line) {
		t.Errorf("the report lacks %q", line)
	}
}
