package feedback

import (
	"context"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// rectBenchLoop runs n items through the whole closed loop on rs: open,
// start, one action done, complete, verify, inform, close.
func rectBenchLoop(b *testing.B, rs *Rectifications, base, n int) {
	in := rectInput("")
	in.Actions = in.Actions[:1]
	for i := 0; i < n; i++ {
		in.ID = "R" + strconv.Itoa(base+i)
		at := t0.Add(time.Duration(i) * time.Second)
		steps := []error{}
		_, err := rs.OpenAt(at, in)
		steps = append(steps, err)
		_, err = rs.StartAt(at, in.ID, fsm.By{})
		steps = append(steps, err)
		_, err = rs.CompleteActionAt(at, in.ID, "a1", fsm.By{})
		steps = append(steps, err)
		_, err = rs.CompleteAt(at, in.ID, fsm.By{})
		steps = append(steps, err)
		_, err = rs.VerifyAt(at, in.ID, Verification{Passed: true})
		steps = append(steps, err)
		_, err = rs.InformCustomerAt(at, in.ID, Notice{})
		steps = append(steps, err)
		_, err = rs.CloseAt(at, in.ID, fsm.By{})
		steps = append(steps, err)
		for _, err := range steps {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// rectBenchBaseline is what a host would otherwise wire by hand: a map of
// fsm machines of the same definition and one sla.Tracker, with the same
// transitions and clock operations, and no records, checks or copies.
func rectBenchBaseline(b *testing.B, n int) {
	tr := sla.NewTracker(sla.WithClock(clock.NewMock()))
	spec, err := sla.NewSpec(DefaultRectificationDeadline(), sla.AlwaysOpen())
	if err != nil {
		b.Fatal(err)
	}
	ms := make(map[string]*fsm.Machine)
	ctx := context.Background()
	for i := 0; i < n; i++ {
		id := "R" + strconv.Itoa(i)
		at := t0.Add(time.Duration(i) * time.Second)
		m, err := fsm.NewMachine(rectDefinition, fsm.WithID(id))
		if err != nil {
			b.Fatal(err)
		}
		ms[id] = m
		key := sla.ClockKey{ID: id, Metric: spec.Metric()}
		check := func(err error) {
			if err != nil {
				b.Fatal(err)
			}
		}
		_, err = m.AssignAt(at, "ops.li", fsm.By{})
		check(err)
		check(tr.StartAt(at, sla.ClockKey{ID: id}, spec, CategoryLogistics))
		for _, ev := range []fsm.Event{RectStart, RectComplete, RectVerifyPass, RectInformCustomer, RectClose} {
			_, err := m.FireAt(ctx, at, ev, fsm.By{})
			check(err)
			switch ev {
			case RectComplete:
				check(tr.PauseAt(at, key))
			case RectVerifyPass:
				_, err := tr.StopAt(at, key)
				check(err)
			}
		}
	}
}

// BenchmarkRectificationLoop measures one item's whole closed loop through
// Rectifications (seven operations, each returning a copy of the item). In
// the same run it times, in adjacent chunks of 200 items, the loop and the
// same transitions on bare fsm machines and an sla.Tracker, and reports
// the median of the chunk ratios as "x-vs-bare" (stable on a loaded
// machine where ns/op is not) and the bare cost as "bare-ns/op".
func BenchmarkRectificationLoop(b *testing.B) {
	rs, err := NewRectifications(RectificationConfig{}, WithClock(clock.NewMock()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	rectBenchLoop(b, rs, 0, b.N)
	b.StopTimer()
	const chunk, pairs = 200, 9
	ratios := make([]float64, 0, pairs)
	bare := make([]float64, 0, pairs)
	for p := 0; p < pairs; p++ {
		fresh, err := NewRectifications(RectificationConfig{}, WithClock(clock.NewMock()))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		rectBenchLoop(b, fresh, 0, chunk)
		ours := time.Since(start)
		start = time.Now()
		rectBenchBaseline(b, chunk)
		base := time.Since(start)
		ratios = append(ratios, float64(ours)/float64(base))
		bare = append(bare, float64(base.Nanoseconds())/chunk)
	}
	sort.Float64s(ratios)
	sort.Float64s(bare)
	b.ReportMetric(bare[pairs/2], "bare-ns/op")
	b.ReportMetric(ratios[pairs/2], "x-vs-bare")
}
