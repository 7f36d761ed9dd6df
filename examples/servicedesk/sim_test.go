package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

// small is a configuration that runs in a fraction of a second but still
// has a surge, warnings and an improvement cycle.
func small() Config {
	return Config{Days: 14, Agents: 8, PerDay: 200, Seed: 7, SurgeDay: 8}
}

func render(t *testing.T, cfg Config) (text, data []byte) {
	t.Helper()
	res, err := Simulate(context.Background(), cfg)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, writeText(&buf, res))
	js, err := json.Marshal(res)
	require.NoError(t, err)
	return buf.Bytes(), js
}

// smallRun is the result of small(), shared by the tests that only read it.
var smallRun = sync.OnceValues(func() (*Result, error) { return Simulate(context.Background(), small()) })

// defaultRun is the default month, shared by the tests that only read it.
var defaultRun = sync.OnceValues(func() (*Result, error) { return Simulate(context.Background(), DefaultConfig()) })

func TestSameSeedSameBytes(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, writeText(&buf, res))
	data1, err := json.Marshal(res)
	require.NoError(t, err)
	text2, data2 := render(t, small())
	assert.Equal(t, buf.String(), string(text2), "terminal report")
	assert.Equal(t, string(data1), string(data2), "raw data")

	tiny := Config{Days: 3, Agents: 4, PerDay: 80, Seed: 1, SurgeDay: -1}
	textA, _ := render(t, tiny)
	tiny.Seed++
	textB, _ := render(t, tiny)
	assert.NotEqual(t, string(textA), string(textB), "another seed gives another month")
}

func TestReportSections(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	var text bytes.Buffer
	require.NoError(t, writeText(&text, res))
	last := -1
	for _, h := range reportSections {
		i := strings.Index(text.String(), "\n== "+h+" ==\n")
		assert.Greater(t, i, last, "section %q in its place", h)
		last = i
	}
	// the sections are there even when nothing happened
	var quiet bytes.Buffer
	code := run(context.Background(), []string{"-days", "1", "-per-day", "5", "-agents", "3", "-surge-day", "-1"}, &quiet, io.Discard)
	require.Equal(t, 0, code)
	for _, h := range reportSections {
		assert.Contains(t, quiet.String(), "\n== "+h+" ==\n")
	}
}

// reportSections are the headings of the terminal report, in order.
var reportSections = []string{"Key figures", "Volume", "Staffing", "SLA attainment per priority", "Process times", "Approvals", "Warnings", "Incident", "Feedback", "Chat bot", "Quality inspection", "Targets", "PDCA", "Statements", "Assessments", "A complaint's path"}

func TestSimulationAddsUp(t *testing.T) {
	cfg := small()
	res, err := smallRun()
	require.NoError(t, err)
	require.Len(t, res.Days, cfg.Days)

	var arrivals, complaints, surge int
	for _, d := range res.Days {
		arrivals += d.Arrivals
		complaints += d.Complaints
		surge += d.SurgeComplaints
		require.Len(t, d.Teams, len(teams))
	}
	assert.Greater(t, arrivals, cfg.Days*cfg.PerDay/2)
	assert.Greater(t, surge, 0, "the faulty batch makes customers complain")
	assert.Equal(t, arrivals, res.Closed+res.OpenAtEnd, "every case is closed or still open")
	assert.Equal(t, complaints, res.Classified)

	// every arrival has a first-response and a resolution cycle
	perMetric := map[sla.Metric]int{}
	for _, a := range res.Attainment {
		perMetric[a.Metric] += a.Met + a.Breached + a.InProgress
	}
	assert.Equal(t, arrivals, perMetric[sla.FirstResponse])
	assert.GreaterOrEqual(t, perMetric[sla.Resolution], arrivals, "reopened tickets add cycles")

	// every closed complaint gets a return visit
	rv := res.ReturnVisits
	assert.Positive(t, rv.Scheduled)
	assert.LessOrEqual(t, rv.Scheduled, complaints)
	assert.Positive(t, rv.Human, "high-risk complaints get a person")
	assert.LessOrEqual(t, rv.Made+rv.Overdue, rv.Scheduled)

	// one statement per agent, ranked, and the payout is their sum
	require.Len(t, res.Statements, cfg.Agents)
	require.Len(t, res.Ranking, cfg.Agents)
	var sum int64
	for _, st := range res.Statements {
		assert.Equal(t, res.RulesHash, st.RulesHash)
		sum += st.Total.Minor
	}
	assert.Equal(t, sum, res.Payout.Minor)
}

func TestSurgeRaisesWarningAndStartsPDCA(t *testing.T) {
	res, err := smallRun()
	require.NoError(t, err)
	surge := res.Start.AddDate(0, 0, small().SurgeDay)
	for _, c := range res.Warnings {
		switch c.Evidence.Rule {
		case ruleMassComplaint, ruleComplaintsUp, ruleComplaintsSurge:
			if c.Raised() {
				assert.False(t, c.At.Before(surge), "no complaint warning before the surge: %+v", c)
			}
		}
	}
	require.NotEmpty(t, res.Signals, "the surge makes a mass complaint")
	for _, sg := range res.Signals {
		assert.False(t, sg.At.Before(surge))
		assert.Equal(t, emergency.Red, sg.Level, "a mass complaint is red at once")
	}

	// the mass complaint declared an incident, handled along its timeline
	require.NotEmpty(t, res.Incidents)
	in := res.Incidents[0]
	assert.Equal(t, emergency.CustomerComplaint, in.Type)
	assert.Len(t, in.Milestones, len(emergency.DefaultTimeline())-1, "no public response for a customer complaint")
	for _, ms := range in.Milestones {
		assert.False(t, ms.MetAt.IsZero(), "milestone %s met", ms.Name)
	}
	plan, ok := in.Plan()
	require.True(t, ok)
	assert.Equal(t, "complaint-surge", plan.PlanID)
	var kinds []emergency.IncidentEventKind
	for _, e := range res.IncidentEvents {
		if e.Incident == in.ID {
			kinds = append(kinds, e.Kind)
		}
	}
	assert.Equal(t, emergency.EventReported, kinds[0])
	assert.Contains(t, kinds, emergency.EventAcknowledged)

	// red owns a special task force, yellow a rectification plan
	rules := map[string]int{}
	for _, ob := range res.Obligations {
		rules[ob.Rule]++
		if ob.Due.Before(res.End.Add(-24 * time.Hour)) {
			assert.NotEqual(t, emergency.ObligationOpen, ob.State, "the desk answers every obligation it had time for: %+v", ob)
		}
	}
	assert.Positive(t, rules[emergency.ObligationSpecialTaskForce])

	// the incident raised a rectification item, verified by a return visit
	require.NotEmpty(t, res.Rectifications)
	item := res.Rectifications[0]
	assert.Equal(t, in.ID, item.Source.ID)
	if item.State == feedback.RectClosed {
		require.NotEmpty(t, item.Verifications)
		assert.True(t, item.Verifications[len(item.Verifications)-1].Passed)
		require.NotNil(t, item.Notice, "closed only once the customer was informed")
	}

	require.NotEmpty(t, res.PDCA)
	for i, next := range res.PDCA[1:] {
		assert.Equal(t, res.PDCA[i].ID, next.Previous, "a cycle that missed its target continues in the next")
	}
	cy := res.PDCA[0]
	assert.Equal(t, feedback.CategoryProductQuality, cy.Plan.CauseCategory)
	assert.Equal(t, feedback.MetricComplaintRate, cy.Plan.Metric)
	assert.False(t, cy.OpenedAt.Before(in.ReportedAt), "the mass complaint started the cycle")
	assert.False(t, in.ReportedAt.Before(surge))
}

func TestNoSurgeNoFaultyBatch(t *testing.T) {
	cfg := Config{Days: 7, Agents: 4, PerDay: 100, Seed: 3, SurgeDay: -1}
	res, err := Simulate(context.Background(), cfg)
	require.NoError(t, err)
	for _, d := range res.Days {
		assert.Zero(t, d.SurgeComplaints)
	}
}

func TestConfigValidate(t *testing.T) {
	assert.NoError(t, DefaultConfig().Validate())
	err := Config{Days: 0, Agents: 1, PerDay: 0, SurgeDay: -2}.Validate()
	require.Error(t, err)
	for _, field := range []string{"days", "agents", "per-day", "surge-day"} {
		assert.Contains(t, err.Error(), "servicedesk: "+field+":")
	}
	_, err = Simulate(context.Background(), Config{Days: 1})
	assert.Error(t, err)
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string
		err  string
	}{
		{"small run", []string{"-days", "3", "-per-day", "60", "-agents", "4", "-seed", "3"}, 0, "== Statements ==", ""},
		{"bad flag", []string{"-nope"}, 2, "", "flag provided but not defined"},
		{"help", []string{"-h"}, 0, "", "-per-day"},
		{"stray argument", []string{"extra"}, 2, "", "unexpected arguments"},
		{"invalid config", []string{"-days", "0"}, 1, "", "servicedesk: days:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			assert.Equal(t, tt.code, code, stderr.String())
			assert.Contains(t, stdout.String(), tt.out)
			assert.Contains(t, stderr.String(), tt.err)
		})
	}
}

func TestCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Simulate(ctx, small())
	assert.ErrorIs(t, err, context.Canceled)
}

func TestPoissonMean(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, lambda := range []float64{0.5, 5, 42, 250} {
		const n = 4000
		sum := 0
		for range n {
			sum += poisson(r, lambda)
		}
		mean := float64(sum) / n
		// five standard errors of the mean
		assert.InDelta(t, lambda, mean, 5*math.Sqrt(lambda/n), "lambda %v", lambda)
	}
	assert.Zero(t, poisson(r, 0))
}

func TestWeeklyPattern(t *testing.T) {
	cfg := Config{Days: 28, Agents: 12, PerDay: 300, Seed: 11, SurgeDay: -1}
	s, err := newSim(cfg)
	require.NoError(t, err)
	byDay := map[time.Weekday]int{}
	byHour := map[int]int{}
	total := 0
	for _, e := range s.agenda {
		if e.kind == evArrive {
			at := e.at.In(s.loc)
			byDay[at.Weekday()]++
			byHour[at.Hour()]++
			total++
		}
	}
	assert.Greater(t, byDay[time.Monday], 2*byDay[time.Sunday], "Mondays are busy, Sundays quiet")
	assert.Greater(t, byHour[10], 10*byHour[3], "mornings are busy, nights quiet")
	assert.InDelta(t, cfg.PerDay*cfg.Days, total, float64(cfg.PerDay*cfg.Days)/20, "PerDay is the mean")
}

func TestCalendarAndPolicy(t *testing.T) {
	cal, err := deskCalendar()
	require.NoError(t, err)
	loc := cal.Location()
	mon := time.Date(2026, 3, 2, 7, 0, 0, 0, loc)
	assert.False(t, cal.IsOpen(mon))
	assert.Equal(t, time.Date(2026, 3, 2, 8, 0, 0, 0, loc), cal.NextOpen(mon))
	// 30 minutes of business time from 11:50 runs over lunch
	assert.Equal(t, time.Date(2026, 3, 2, 13, 20, 0, 0, loc), cal.Add(time.Date(2026, 3, 2, 11, 50, 0, 0, loc), 30*time.Minute))

	ps, err := sla.NewPolicies(sla.DefaultRegistry(cal), deskPolicy())
	require.NoError(t, err)
	spec, err := ps.Spec(mon, (&ticket{priority: "urgent", channel: "chat"}).attrs(), sla.FirstResponse)
	require.NoError(t, err)
	assert.Equal(t, 10*time.Minute, spec.Target())
	spec, err = ps.Spec(mon, (&ticket{complaint: true, channel: "phone"}).attrs(), sla.Resolution)
	require.NoError(t, err)
	assert.Equal(t, 24*time.Hour, spec.Target())
}

func TestPayPlanCompiles(t *testing.T) {
	p := payPlan()
	require.NoError(t, p.Validate())
	a := &agent{name: "a", stats: agentStats{Resolved: 250, FRMet: 90, FRBreached: 10, CSATAnswers: 40, CSATHappy: 36,
		FCRKnown: 100, FCRYes: 80, Work: 10 * time.Hour, WorkItems: 60}}
	in, err := inputOf(a.name, a.stats, dec("91.25"), "2026-03")
	require.NoError(t, err)
	got := map[string]string{}
	for _, v := range in.Values {
		got[v.KPI] = v.Value.String()
	}
	assert.Equal(t, map[string]string{"csat": "0.9000", "fcr": "0.8000", "sla": "0.9000", "aht": "10.00", "qa": "91.25"}, got)
	assert.Equal(t, "250", in.Quantity.String())
}

// BenchmarkMonth simulates the default month: 30 days of 300 arrivals a
// day, every package included (30 ms of it are the mock clock's own sleeps,
// one per simulated day). The budget is well under 10 s on 2 cores;
// x-budget is the share of those 10 s one month takes. Run it with
//
//	go test -run '^$' -bench BenchmarkMonth -benchtime=1x -count=5 ./examples/servicedesk
func BenchmarkMonth(b *testing.B) {
	cfg := DefaultConfig()
	var arrivals int
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		res, err := Simulate(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		arrivals = 0
		for _, d := range res.Days {
			arrivals += d.Arrivals
		}
	}
	per := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(arrivals), "arrivals/op")
	b.ReportMetric(per.Seconds()/10, "x-budget")
}

func TestOutFilesSameBytes(t *testing.T) {
	args := []string{"-days", "9", "-per-day", "150", "-agents", "6", "-seed", "5", "-surge-day", "4"}
	var files [2]map[string][]byte
	for i := range files {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		require.Equal(t, 0, run(context.Background(), append(args, "-out", dir), &stdout, &stderr), stderr.String())
		files[i] = map[string][]byte{}
		for _, name := range []string{"report.html", "data.json"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			files[i][name] = b
		}
	}
	for name, b := range files[0] {
		assert.True(t, bytes.Equal(b, files[1][name]), "%s differs between two runs with the same seed", name)
	}

	page := string(files[0]["report.html"])
	for _, h := range []string{"Key figures", "Daily volume", "Daily first-response attainment", "Warning levels", "Staffing", "SLA attainment per priority", "Process times", "Approvals", "Warnings", "Quality inspection", "Targets", "Feedback by team and channel", "Assessments"} {
		assert.Contains(t, page, `">`+h+"</h2>")
	}
	assert.Equal(t, 4, strings.Count(page, "<svg "), "four inline charts")
	assert.Equal(t, 9, strings.Count(page, " tickets</title></rect>"), "a volume bar a day")
	assert.Equal(t, 5, strings.Count(page, "<polyline "), "an attainment line per team and the desk's, and the scheduled agents")
	assert.Equal(t, 9*len(teams), strings.Count(page, ": none</title></rect>")+strings.Count(page, ": yellow</title></rect>")+
		strings.Count(page, ": orange</title></rect>")+strings.Count(page, ": red</title></rect>"), "a level cell per team and day")
	for _, external := range []string{"<script", "src=", "href=", "url(", "@import"} {
		assert.NotContains(t, page, external, "the page needs nothing outside itself")
	}
	assert.Equal(t, strings.Count(page, "http://"), strings.Count(page, `xmlns="http://www.w3.org/2000/svg"`), "the only URLs are SVG namespaces")

	// the raw data decodes into a Result and encodes back to the same bytes
	var res Result
	require.NoError(t, json.Unmarshal(files[0]["data.json"], &res))
	again, err := json.MarshalIndent(&res, "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(files[0]["data.json"]), string(again)+"\n")
	assert.Len(t, res.Days, 9)
	// the flags reached the simulation
	assert.Equal(t, Config{Days: 9, Agents: 6, PerDay: 150, Seed: 5, SurgeDay: 4}, res.Config)
	assert.Len(t, res.Statements, 6, "one statement per agent")
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[int]int{1: 1, 3: 5, 7: 10, 10: 10, 11: 20, 199: 200, 201: 500, 999: 1000} {
		assert.Equal(t, want, niceCeil(in), "niceCeil(%d)", in)
	}
}

func TestEvidenceLines(t *testing.T) {
	tests := []struct {
		name string
		ev   emergency.Evidence
		want string
	}{
		{"threshold", emergency.Evidence{Rule: ruleAttainment, Kind: emergency.KindThreshold, Measure: measureFRAttainment, Value: 62.5, Bound: 65},
			"first-response-attainment: fr_attainment 62.5 (bound 65.0)"},
		{"change", emergency.Evidence{Rule: ruleComplaintsUp, Kind: emergency.KindChange, Test: &emergency.TestEvidence{
			Counts: emergency.Counts{Current: 130, Baseline: 100}, RelativeChange: 0.3, PValue: 0.028, Alpha: 0.05, MinVolume: 20}},
			"complaints-up-30pct-wow: 130 complaints in 7 days vs 100 the week before (+30%, p=0.028, alpha 0.05, min 20)"},
		{"event", emergency.Evidence{Rule: ruleMassComplaint, Kind: emergency.KindEvent, Event: eventMassComplaint, Detail: "25 today"},
			"mass-complaint: mass-complaint 25 today"},
		{"floor", emergency.Evidence{Rule: "obligation/1", Kind: emergency.KindFloor, Detail: "missed"}, "floor obligation/1: missed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, evidence(tt.ev)) })
	}
}

func TestSince(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		0: "0m", 8*time.Minute + 40*time.Second: "9m", 3*time.Hour + 39*time.Minute: "3h39m",
		56*time.Hour + 51*time.Minute: "2d8h51m", 24 * time.Hour: "1d0h00m",
	} {
		assert.Equal(t, want, since(t0, t0.Add(d)), "%v", d)
	}
}

func TestSmallHelpers(t *testing.T) {
	assert.Equal(t, "lead-hotline", tierActor("hotline", emergency.FrontLine))
	assert.Equal(t, "coo", tierActor("hotline", emergency.Executives))
	assert.Zero(t, usualComplaints(nil))
	assert.InDelta(t, 5.0, usualComplaints([]int{100, 1, 2, 3, 4, 5, 6, 14}), 1e-9, "the last 7 days only")
	z, err := ratio(3, 0)
	require.NoError(t, err)
	assert.True(t, z.IsZero(), "no answers: zero, not a division by zero")
	r := rand.New(rand.NewPCG(1, 1))
	for range 1000 {
		d := expMinutes(r, 3, 6, 60)
		assert.GreaterOrEqual(t, d, 3*time.Minute)
		assert.LessOrEqual(t, d, 60*time.Minute)
	}
	counts := map[int]int{}
	for range 3000 {
		counts[pick(r, []float64{1, 0, 2})]++
	}
	assert.Zero(t, counts[1], "a zero weight is never picked")
	assert.InDelta(t, 2.0, float64(counts[2])/float64(counts[0]), 0.3)
}

// The desk's policy on its calendar: an urgent ticket that arrives just
// before lunch has its warnings and breach after lunch, at their exact
// minutes, driven by the mock clock and the tracker together.
func TestUrgentTicketOverLunch(t *testing.T) {
	cal, err := deskCalendar()
	require.NoError(t, err)
	ps, err := sla.NewPolicies(sla.DefaultRegistry(cal), deskPolicy())
	require.NoError(t, err)
	loc := cal.Location()
	m := clock.NewMock()
	m.Set(time.Date(2026, 3, 2, 11, 55, 0, 0, loc))
	var got []string
	tr := sla.NewTracker(sla.WithClock(m), sla.WithHandler(func(e sla.Event) {
		got = append(got, e.At.In(loc).Format("15:04:05")+" "+e.ID.Kind.String())
	}))
	tk := &ticket{id: "T-1", priority: "urgent", channel: "chat"}
	spec, err := ps.Spec(m.Now(), tk.attrs(), sla.FirstResponse)
	require.NoError(t, err)
	require.NoError(t, tr.Start(sla.ClockKey{ID: tk.id}, spec, tk.priority))
	slatest.Advance(m, tr, 2*time.Hour)
	assert.Equal(t, []string{"12:00:00 warning", "13:02:30 warning", "13:04:00 warning", "13:05:00 breach", "13:20:00 reminder"}, got)
}

// The default month, as a newcomer runs it: a mass complaint declares an
// incident that is handled along its whole timeline and reviewed, the
// levels reach yellow, orange and red, the PDCA cycle acts on its check,
// and every agent gets a statement.
func TestDefaultMonth(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole month")
	}
	cfg := DefaultConfig()
	res, err := defaultRun()
	require.NoError(t, err)
	require.Len(t, res.Days, 30)

	var warnings, breaches int
	for _, d := range res.Days {
		warnings, breaches = warnings+d.SLAWarnings, breaches+d.SLABreaches
	}
	assert.Positive(t, warnings, "SLA warnings")
	assert.Positive(t, breaches, "SLA breaches")
	fl := res.Flow
	for name, n := range map[string]int{"waited": fl.WaitedOnCustomer, "escalated": fl.EscalatedTickets, "reopened": fl.Reopened,
		"approvals": fl.Approvals, "task force": fl.TaskForce, "reworked": fl.Reworked, "transfers": fl.Transfers} {
		assert.Positive(t, n, name)
	}

	require.NotEmpty(t, res.Incidents, "the faulty batch makes a mass complaint")
	in := res.Incidents[0]
	assert.Equal(t, emergency.IncidentReviewed, in.State)
	require.NotNil(t, in.Review)
	for _, ms := range in.Milestones {
		assert.False(t, ms.MetAt.IsZero(), "milestone %s met", ms.Name)
	}
	raised := map[emergency.Level]bool{}
	for _, c := range res.Warnings {
		if c.Raised() {
			raised[c.To] = true
		}
	}
	assert.Equal(t, map[emergency.Level]bool{emergency.Yellow: true, emergency.Orange: true, emergency.Red: true}, raised)

	require.NotEmpty(t, res.PDCA)
	last := res.PDCA[len(res.PDCA)-1]
	assert.NotEmpty(t, res.PDCA[0].Checks, "the first cycle was checked within the month")
	assert.Contains(t, []feedback.Outcome{feedback.Standardised, feedback.Continued}, res.PDCA[0].Outcome)
	assert.Empty(t, last.Next)

	require.Len(t, res.Statements, cfg.Agents)
	var bottom int
	for _, rk := range res.Ranking {
		if rk.Bottom {
			bottom++
		}
	}
	assert.Positive(t, bottom, "the bottom 10 % is flagged")

	var text bytes.Buffer
	require.NoError(t, writeText(&text, res))
	for _, want := range []string{"\n  timeline:\n", "\n  outcome: ", "\ntop:\n", "\nbottom:\n", "\nsignals:\n", "\nobligations of the levels:\n"} {
		assert.Contains(t, text.String(), want)
	}
}

// Without a surge, the improvement cycle opens after two weeks (or on an
// earlier complaint warning) on the category with the most complaints of
// the last 7 days, as the classifier counted them, and its corrective
// action lowers the complaints of that category and so the complaint
// share.
func TestPDCATargetsWorstCategory(t *testing.T) {
	cfg := Config{Days: 21, Agents: 12, PerDay: 300, Seed: 3, SurgeDay: -1}
	s, err := newSim(cfg)
	require.NoError(t, err)
	require.NoError(t, s.run(context.Background()))
	res, err := s.finish()
	require.NoError(t, err)
	require.NotEmpty(t, res.PDCA)
	cy := res.PDCA[0]

	counts := map[string]int64{}
	for _, w := range s.tally.All() {
		if !w.Window.Start.Before(cy.OpenedAt.AddDate(0, 0, -7)) && w.Window.Start.Before(cy.OpenedAt) {
			for c, n := range w.Counts {
				counts[c] += n
			}
		}
	}
	worst := cy.Plan.CauseCategory
	for c, n := range counts {
		assert.GreaterOrEqual(t, counts[worst], n, "%s has more complaints than %s", c, worst)
	}
	assert.True(t, strings.HasPrefix(cy.Plan.Problem, fmt.Sprintf("%d %s complaints in 7 days", counts[worst], worst)), cy.Plan.Problem)

	// once the corrective action is done, that category complains less
	if a2 := cy.Plan.Actions[1]; a2.Done() {
		assert.Equal(t, worst, s.watch.pdca.improved)
		assert.Less(t, s.causeWeights()[slices.Index(causes, worst)], causeWeight[slices.Index(causes, worst)])
		assert.Less(t, s.complaintChance(), complaintShare)
	}
}

// A ticket's resolution clock runs in the desk's business time from its
// arrival, and not while the ticket waits on the customer.
func TestWaitingPausesResolution(t *testing.T) {
	s, err := newSim(Config{Days: 7, Agents: 6, PerDay: 150, Seed: 9, SurgeDay: -1})
	require.NoError(t, err)
	require.NoError(t, s.run(context.Background()))
	var waited, straight int
	var paused time.Duration
	for _, tk := range s.tickets {
		if tk.complaint || tk.reopened || tk.resolvedAt.IsZero() {
			continue
		}
		c, ok := s.tracker.Clock(tk.key(sla.Resolution))
		require.True(t, ok, tk.id)
		elapsed, business := c.Elapsed(tk.resolvedAt), s.cal.Between(tk.arrived, tk.resolvedAt)
		if tk.waited {
			waited++
			assert.LessOrEqual(t, elapsed, business, tk.id)
			paused += business - elapsed
		} else {
			straight++
			assert.Equal(t, business, elapsed, tk.id)
		}
	}
	require.Positive(t, waited)
	require.Positive(t, straight)
	assert.Greater(t, paused, time.Duration(waited)*time.Minute, "waiting on the customer stops the clock")
}
