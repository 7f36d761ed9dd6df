package emergency

import (
	"context"
	"testing"
	"time"

	"github.com/sqkit/sqkit/fsm"
)

const incBenchIncidents = 10_000

// incBenchManager reports n incidents a minute apart, acknowledges and
// assesses half of them, and advances through every deadline: the real code
// path of a busy incident desk (fsm machines, SLA clocks, the deadline
// queue, escalations and missed-milestone events). It returns the number of
// missed milestones.
func incBenchManager(b *testing.B, n int) int {
	missed := 0
	m, err := NewIncidentManager(DefaultIncidentConfig(), WithIncidentHandler(func(e IncidentEvent) {
		if e.Kind == EventMilestoneMissed {
			missed++
		}
	}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Second)
		in, err := m.ReportAt(at, Report{Type: SystemFailure, Grade: GradeIII, ReportedBy: "monitor"})
		if err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := m.AcknowledgeAt(at.Add(time.Minute), in.ID, "duty"); err != nil {
				b.Fatal(err)
			}
			if _, err := m.FireAt(ctx, at.Add(5*time.Minute), in.ID, IncidentAssess, fsm.By{Actor: "duty"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	m.AdvanceTo(t0.Add(time.Duration(n)*time.Second + 5*time.Hour))
	return missed
}

// incBenchNaive is what a host without a deadline queue writes: the same
// milestones as due times in a slice, and a loop that polls every open
// milestone once a minute until the last deadline. It does no lifecycle,
// no escalation and records nothing but the misses.
func incBenchNaive(n int) int {
	type ms struct {
		due  time.Time
		done bool
	}
	timeline := DefaultTimeline()[:4]
	all := make([][]ms, n)
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Second)
		all[i] = make([]ms, len(timeline))
		for j, spec := range timeline {
			all[i][j].due = at.Add(spec.Within.D())
		}
		if i%2 == 0 {
			all[i][0].done = true // response started at +5m
		}
	}
	missed := 0
	end := t0.Add(time.Duration(n)*time.Second + 5*time.Hour)
	for now := t0; !now.After(end); now = now.Add(time.Minute) {
		for i := range all {
			for j := range all[i] {
				if m := &all[i][j]; !m.done && !m.due.After(now) {
					m.done = true
					missed++
				}
			}
		}
	}
	return missed
}

// BenchmarkIncidentDeadlines runs 10,000 incidents through their response
// timelines with the IncidentManager and, in the same iterations, with the
// naive polling loop, and reports the time per incident of both and their
// ratio.
func BenchmarkIncidentDeadlines(b *testing.B) {
	var mgr, naive time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		gotM := incBenchManager(b, incBenchIncidents)
		mgr += time.Since(start)
		start = time.Now()
		gotN := incBenchNaive(incBenchIncidents)
		naive += time.Since(start)
		if gotM != gotN {
			b.Fatalf("manager missed %d milestones, naive loop %d", gotM, gotN)
		}
	}
	per := float64(b.N * incBenchIncidents)
	b.ReportMetric(float64(mgr.Nanoseconds())/per, "manager-ns/incident")
	b.ReportMetric(float64(naive.Nanoseconds())/per, "naive-ns/incident")
	b.ReportMetric(float64(mgr)/float64(naive), "x-naive")
}
