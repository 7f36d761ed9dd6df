package sla

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
)

// The benchmark workload: clocks on a 24-hour target with warnings at 50 %,
// 75 % and 90 % and the breach (four deadlines each), started evenly over
// the first 29 days and driven through 30 simulated days.
const tkBenchDays = 30

func tkBenchSpec(b *testing.B) *Spec {
	s, err := NewSpec(SpecDef{Metric: Resolution, Within: Duration(24 * time.Hour), Calendar: "24x7",
		Warnings: []Rung{{Percent: 50}, {Percent: 75}, {Percent: 90}}}, AlwaysOpen())
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func tkBenchStart(i, n int, t0 time.Time) time.Time {
	return t0.Add(time.Duration(int64(29*24*time.Hour) / int64(n) * int64(i)))
}

var tkTrackerNsPerOp float64

// BenchmarkTrackerVsMockTimers compares the tracker (one deadline queue,
// events delivered by AdvanceTo) with the naive design of one mock AfterFunc
// per deadline, on 1,000 clocks through 30 days on clock.NewMock(). The
// mock-timers side reports how many times slower it is than the tracker
// side of the same run. Each fired mock timer sleeps about 1 ms of real
// time, so run it with -benchtime=1x.
func BenchmarkTrackerVsMockTimers(b *testing.B) {
	const clocks = 1000
	spec := tkBenchSpec(b)
	ids := make([]string, clocks)
	for i := range ids {
		ids[i] = "T" + strconv.Itoa(i)
	}
	b.Run("tracker", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for range b.N {
			m := clock.NewMock()
			t0 := m.Now()
			var fired int
			tr := NewTracker(WithClock(m), WithHandler(func(Event) { fired++ }))
			for i, id := range ids {
				if err := tr.StartAt(tkBenchStart(i, clocks, t0), ClockKey{ID: id}, spec, "normal"); err != nil {
					b.Fatal(err)
				}
			}
			m.Add(tkBenchDays * 24 * time.Hour)
			tr.AdvanceTo(m.Now())
			if fired != 4*clocks {
				b.Fatalf("fired %d events, want %d", fired, 4*clocks)
			}
		}
		tkTrackerNsPerOp = float64(time.Since(start).Nanoseconds()) / float64(b.N)
	})
	b.Run("mock-timers", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		offsets := []time.Duration{12 * time.Hour, 18 * time.Hour, time.Duration(0.9 * float64(24*time.Hour)), 24 * time.Hour}
		for range b.N {
			m := clock.NewMock()
			var fired atomic.Int64
			var wg sync.WaitGroup
			wg.Add(4 * clocks)
			for i := range clocks {
				st := tkBenchStart(i, clocks, m.Now()).Sub(m.Now())
				for _, off := range offsets {
					m.AfterFunc(st+off, func() { fired.Add(1); wg.Done() })
				}
			}
			m.Add(tkBenchDays * 24 * time.Hour)
			wg.Wait()
			if fired.Load() != 4*clocks {
				b.Fatalf("fired %d events, want %d", fired.Load(), 4*clocks)
			}
		}
		if tkTrackerNsPerOp > 0 {
			ns := float64(time.Since(start).Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/tkTrackerNsPerOp, "x-tracker-time")
		}
	})
}

// BenchmarkTracker1M starts one million clocks (four deadlines each) on one
// tracker and drives them through 30 simulated days. It reports the time per
// clock (starting it and delivering its four events), the same in process
// CPU time, and the heap retained per clock once all are started (tracker,
// queue, clock values and ids).
func BenchmarkTracker1M(b *testing.B) {
	const clocks = 1_000_000
	spec := tkBenchSpec(b)
	var retained, elapsed, cpu float64
	cpuOK := true
	for range b.N {
		b.StopTimer()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start := time.Now()
		cpu0, ok0 := tkCPUTime()
		t0 := time.Unix(0, 0).UTC()
		var fired int
		tr := NewTracker(WithClock(clock.NewMock()), WithHandler(func(Event) { fired++ }))
		for i := range clocks {
			if err := tr.StartAt(tkBenchStart(i, clocks, t0), ClockKey{ID: "T" + strconv.Itoa(i)}, spec, "normal"); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		d := time.Since(start)
		cpu1, ok1 := tkCPUTime()
		runtime.GC()
		runtime.ReadMemStats(&after)
		retained += float64(after.HeapAlloc) - float64(before.HeapAlloc)
		b.StartTimer()
		start = time.Now()
		cpu2, ok2 := tkCPUTime()
		tr.AdvanceTo(t0.Add(tkBenchDays * 24 * time.Hour))
		elapsed += float64((d + time.Since(start)).Nanoseconds())
		cpu3, ok3 := tkCPUTime()
		cpuOK = cpuOK && ok0 && ok1 && ok2 && ok3
		cpu += float64((cpu1 - cpu0 + cpu3 - cpu2).Nanoseconds())
		if fired != 4*clocks {
			b.Fatalf("fired %d events, want %d", fired, 4*clocks)
		}
		runtime.KeepAlive(tr)
	}
	b.ReportMetric(elapsed/float64(b.N)/clocks, "ns/clock")
	b.ReportMetric(retained/float64(b.N)/clocks, "B/clock")
	if cpuOK {
		// CPU time of the whole process (garbage collector included): on a
		// busy shared machine it stays put while wall time grows.
		b.ReportMetric(cpu/float64(b.N)/clocks, "cpu-ns/clock")
	}
}
