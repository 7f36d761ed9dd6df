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
// counts: two observations, one per rule.
func benchObservations(round int) []Observation {
	obs := make([]Observation, 0, 2*benchSubjects)
	for i := range benchSubjects {
		s := fmt.Sprintf("subject-%06d", i)
		v := float64((i+round)%15) + 0.5
		obs = append(obs,
			Observation{Subject: s, Measure: "complaint_rate", Value: v},
			Observation{Subject: s, Measure: "complaints", Counts: Counts{Current: int64(80 + (i+round)%70), Baseline: 100}},
		)
	}
	return obs
}

// BenchmarkBoardEvaluate measures one evaluation of 100,000 subjects with
// two rules each (a threshold rule with hold and dwell, and a week-over-week
// change rule with the exact test). The goal is at most 1 µs per subject;
// x-goal is ns/subject divided by 1000.
//
//   - observe+evaluate: ObserveBatchAt with new inputs for both rules of
//     every subject, so every candidate, including the exact test, is
//     recomputed and every subject is evaluated once.
//   - evaluate: EvaluateAt with no new input (the periodic tick that applies
//     due holds and dwells).
//   - naive-loop: the baseline a user would write by hand: a plain slice of
//     subjects, a single threshold compare and the same exact test, with no
//     hysteresis, hold, dwell, evidence, history or locking.
func BenchmarkBoardEvaluate(b *testing.B) {
	inputs := [2][]Observation{benchObservations(0), benchObservations(7)}
	report := func(b *testing.B) {
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / benchSubjects
		b.ReportMetric(ns, "ns/subject")
		b.ReportMetric(ns/1000, "x-goal")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("observe+evaluate", func(b *testing.B) {
		board, err := NewBoard(benchConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := board.ObserveBatchAt(t0, inputs[1]); err != nil {
			b.Fatal(err)
		}
		i := 0
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			i++
			if _, err := board.ObserveBatchAt(at(time.Duration(i)*time.Minute), inputs[i%2]); err != nil {
				b.Fatal(err)
			}
		}
		report(b)
	})
	b.Run("evaluate", func(b *testing.B) {
		board, err := NewBoard(benchConfig())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := board.ObserveBatchAt(t0, inputs[0]); err != nil {
			b.Fatal(err)
		}
		i := 0
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			i++
			board.EvaluateAt(at(time.Duration(i) * time.Minute))
		}
		report(b)
	})
	b.Run("naive-loop", func(b *testing.B) {
		type naive struct {
			name   string
			value  float64
			counts Counts
			level  Level
		}
		subs := make([]naive, benchSubjects)
		i := 0
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			in := inputs[i%2]
			i++
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
		report(b)
	})
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
