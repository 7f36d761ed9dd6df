package emergency

import (
	"fmt"
	"testing"
	"time"
)

const benchSubjects = 100_000

func benchConfig() Config {
	r := complaintRateRule()
	return Config{Thresholds: []ThresholdRule{r}, Changes: []ChangeRule{NewChangeRule("wow", "complaints")}}
}

// benchObservations gives every subject a complaint rate and week-over-week
// counts: two observations, one per rule. The subjects selected by moving
// get a calm complaint rate and calm counts (100 vs 100) in even rounds and
// a significant rise (150 vs 100) in odd rounds, so their level changes in
// every round. The others get inputs that differ between even and odd
// rounds (so every candidate and, where volume and increase qualify, the
// exact test are recomputed) but lead to the same level.
func benchObservations(round int, moving func(i int) bool) []Observation {
	rule := NewChangeRule("wow", "complaints")
	raises := func(c Counts) bool {
		r, err := ExactIncreaseTest(c)
		return err == nil && c.Current >= rule.MinVolume && r.RelativeChange >= rule.MinIncrease*(1-1e-12) &&
			r.PValue <= rule.Alpha
	}
	obs := make([]Observation, 0, 2*benchSubjects)
	for i := range benchSubjects {
		s := fmt.Sprintf("subject-%06d", i)
		c := Counts{Current: int64(80 + i%70), Baseline: 100}
		v := float64(i%15) + 0.5
		switch {
		case moving(i):
			c.Current, v = int64(100+50*(round%2)), 0.5
		case round%2 == 1:
			v += 0.25 // stays inside the same band of the threshold rule
			d := c
			d.Current++
			if raises(d) != raises(c) {
				d.Current -= 2
			}
			c = d
		}
		obs = append(obs,
			Observation{Subject: s, Measure: "complaint_rate", Value: v},
			Observation{Subject: s, Measure: "complaints", Counts: c},
		)
	}
	return obs
}

// warmUp observes the inputs and lets every hold and dwell run out, so the
// timed rounds measure the steady state, not the initial raises.
func warmUp(b *testing.B, board *Board, inputs []Observation) time.Time {
	b.Helper()
	if _, err := board.ObserveBatchAt(t0, inputs); err != nil {
		b.Fatal(err)
	}
	start := at(2 * time.Hour)
	board.EvaluateAt(start)
	return start
}

// BenchmarkBoardEvaluate measures one evaluation of 100,000 subjects with
// two rules each (a threshold rule with hysteresis, hold and dwell, and a
// week-over-week change rule with the exact test). The goal is at most 1 µs
// per subject; x-goal is ns/subject divided by 1000. The observe+evaluate
// cases also run the naive baseline on the same inputs in each iteration
// (outside the timer) and report x-naive, the board's time over the
// baseline's.
//
//   - observe+evaluate: ObserveBatchAt with new input values for both rules
//     of every subject, so every candidate (and, where the volume and
//     increase qualify, the exact test) is recomputed and every subject is
//     evaluated once; the level of 1 % of the subjects changes in each
//     round.
//   - observe+evaluate-all-change: the same, but every subject changes level
//     in each round (worst case: a Change with evidence and a history entry
//     per subject).
//   - evaluate: EvaluateAt with no new input (the periodic tick that applies
//     due holds and dwells).
//   - naive-loop: what a user would otherwise write by hand: a plain slice of
//     subjects, a single threshold compare and the exact test, with no
//     hysteresis, hold, dwell, evidence, history or locking.
func BenchmarkBoardEvaluate(b *testing.B) {
	onePercent := func(i int) bool { return i%100 == 0 }
	all := func(int) bool { return true }
	steady := [2][]Observation{benchObservations(0, onePercent), benchObservations(1, onePercent)}
	moving := [2][]Observation{benchObservations(0, all), benchObservations(1, all)}
	report := func(b *testing.B) {
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / benchSubjects
		b.ReportMetric(ns, "ns/subject")
		b.ReportMetric(ns/1000, "x-goal")
		b.ReportMetric(0, "ns/op")
	}
	observeEvaluate := func(inputs [2][]Observation) func(b *testing.B) {
		return func(b *testing.B) {
			board, err := NewBoard(benchConfig())
			if err != nil {
				b.Fatal(err)
			}
			start := warmUp(b, board, inputs[1])
			naive := make(naiveSubjects, benchSubjects)
			var naiveTime time.Duration
			i := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				i++
				if _, err := board.ObserveBatchAt(start.Add(time.Duration(i)*time.Minute), inputs[i%2]); err != nil {
					b.Fatal(err)
				}
				// The baseline on the same inputs, in the same run, untimed.
				b.StopTimer()
				t := time.Now()
				naive.run(inputs[i%2])
				naiveTime += time.Since(t)
				b.StartTimer()
			}
			report(b)
			b.ReportMetric(float64(b.Elapsed())/float64(naiveTime), "x-naive")
		}
	}
	b.Run("observe+evaluate", observeEvaluate(steady))
	b.Run("observe+evaluate-all-change", observeEvaluate(moving))
	inputs := steady
	b.Run("evaluate", func(b *testing.B) {
		board, err := NewBoard(benchConfig())
		if err != nil {
			b.Fatal(err)
		}
		start := warmUp(b, board, inputs[0])
		i := 0
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			i++
			board.EvaluateAt(start.Add(time.Duration(i) * time.Minute))
		}
		report(b)
	})
	b.Run("naive-loop", func(b *testing.B) {
		subs := make(naiveSubjects, benchSubjects)
		i := 0
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			subs.run(inputs[i%2])
			i++
		}
		report(b)
	})
}

// naiveSubjects is the baseline: what a user would write without the board.
type naiveSubjects []struct {
	name   string
	value  float64
	counts Counts
	level  Level
}

func (subs naiveSubjects) run(in []Observation) {
	for j := range subs {
		s := &subs[j]
		s.name, s.value, s.counts = in[2*j].Subject, in[2*j].Value, in[2*j+1].Counts
		l := None
		if s.value >= 5 {
			l = Yellow
		}
		if r, err := ExactIncreaseTest(s.counts); err == nil && s.counts.Current >= DefaultMinVolume &&
			r.RelativeChange >= DefaultMinIncrease && r.PValue <= DefaultAlpha {
			l = max(l, Yellow)
		}
		s.level = l
	}
}

// BenchmarkExactIncreaseTest measures the exact test alone.
func BenchmarkExactIncreaseTest(b *testing.B) {
	for _, c := range []Counts{{Current: 130, Baseline: 100}, {Current: 13000, Baseline: 10000}} {
		b.Run(fmt.Sprintf("%d-vs-%d", c.Current, c.Baseline), func(b *testing.B) {
			for b.Loop() {
				if _, err := ExactIncreaseTest(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
