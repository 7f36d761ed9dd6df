package slaotel_test

import (
	"context"
	"fmt"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slaotel"
)

// Hang the instruments on a timeline: the observer counts events and their
// lateness, Watch reads the gauges at each collection.
func ExampleNew() {
	reader := sdkmetric.NewManualReader()
	m, _ := slaotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("desk"))
	tr := sla.NewTracker(sla.WithObserver(m.Observe))
	reg, _ := m.Watch(tr, "")
	defer reg.Unregister() //nolint:errcheck

	spec, _ := sla.NewSpec(sla.SpecDef{Metric: sla.FirstResponse, Within: sla.Duration(30 * time.Minute),
		Calendar: sla.CalendarAlways}, sla.AlwaysOpen())
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	_ = tr.StartAt(t0, sla.ClockKey{ID: "T-1"}, spec, "normal")
	tr.AdvanceTo(t0.Add(31 * time.Minute)) // the breach, delivered a minute late

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	for _, sm := range rm.ScopeMetrics {
		for _, x := range sm.Metrics {
			if h, ok := x.Data.(metricdata.Histogram[float64]); ok {
				fmt.Println(x.Name, h.DataPoints[0].Count, "event,", h.DataPoints[0].Sum, "s late")
			}
		}
	}
	// Output:
	// sqkit.sla.delivery.lateness 1 event, 60 s late
}
