package main

import (
	"context"
	"math"
	"slices"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slaotel"
)

// telemetry is the portal's use of the sla/slaotel module: every event the
// timeline delivers is counted by the OpenTelemetry instruments, and the
// metrics page reads them back through an in-process manual reader (a
// deployment would export them to its collector instead).
type telemetry struct {
	m      *slaotel.Metrics
	reader *sdkmetric.ManualReader
}

func newTelemetry() (*telemetry, error) {
	reader := sdkmetric.NewManualReader()
	m, err := slaotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("sqkit-portal"))
	if err != nil {
		return nil, err
	}
	return &telemetry{m: m, reader: reader}, nil
}

// observe counts events delivered at now.
func (t *telemetry) observe(events []sla.Event, now time.Time) {
	for _, e := range events {
		t.m.Observe(e, now)
	}
}

// timelineFigures are the timeline's figures since the portal started.
type timelineFigures struct {
	Events   []kindCount
	Total    int64
	Late     int64         // events delivered
	MeanLate time.Duration // mean lateness
	P99Late  string        // the histogram bucket holding the 99th percentile
}

type kindCount struct {
	Kind  string
	Count int64
}

// figures reads the instruments.
func (t *telemetry) figures(ctx context.Context) (timelineFigures, error) {
	var rm metricdata.ResourceMetrics
	if err := t.reader.Collect(ctx, &rm); err != nil {
		return timelineFigures{}, err
	}
	var f timelineFigures
	byKind := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range data.DataPoints {
					k, _ := p.Attributes.Value("kind")
					byKind[k.AsString()] += p.Value
					f.Total += p.Value
				}
			case metricdata.Histogram[float64]:
				var bounds []float64
				var counts []uint64
				var sum float64
				for _, p := range data.DataPoints {
					f.Late += int64(p.Count)
					sum += p.Sum
					if counts == nil {
						bounds, counts = p.Bounds, make([]uint64, len(p.BucketCounts))
					}
					for i, c := range p.BucketCounts {
						counts[i] += c
					}
				}
				if f.Late > 0 {
					f.MeanLate = time.Duration(sum / float64(f.Late) * float64(time.Second)).Round(time.Millisecond)
					f.P99Late = quantileBucket(bounds, counts, 0.99)
				}
			}
		}
	}
	for k, n := range byKind {
		f.Events = append(f.Events, kindCount{Kind: k, Count: n})
	}
	slices.SortFunc(f.Events, func(a, b kindCount) int { return int(b.Count - a.Count) })
	return f, nil
}

// quantileBucket names the histogram bucket holding quantile q: "<= 0.5 s",
// or "> 300 s" past the last bound.
func quantileBucket(bounds []float64, counts []uint64, q float64) string {
	var total uint64
	for _, c := range counts {
		total += c
	}
	want := uint64(math.Ceil(q * float64(total)))
	var seen uint64
	for i, c := range counts {
		seen += c
		if seen >= want && i < len(bounds) {
			return "<= " + time.Duration(bounds[i]*float64(time.Second)).String()
		}
	}
	if len(bounds) == 0 {
		return ""
	}
	return "> " + time.Duration(bounds[len(bounds)-1]*float64(time.Second)).String()
}
