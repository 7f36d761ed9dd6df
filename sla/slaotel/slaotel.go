// Package slaotel exports the metrics of an sla timeline through the
// OpenTelemetry metric API: counters of warning, breach, reminder, met and
// timer events, a histogram of delivery lateness, gauges of running and
// paused clocks, and attainment per namespace, metric and priority.
//
// It is a module of its own and depends on the OpenTelemetry metric API
// only (go.opentelemetry.io/otel/metric), so that users of the core sqkit
// module do not get it; the host brings the SDK and exporter it uses.
//
//	m, err := slaotel.New(meterProvider.Meter("sqkit"))
//	tr := sla.NewTracker(sla.WithObserver(m.Observe))
//	reg, err := m.Watch(tr, "", "feedback.visits") // gauges, read at each collection
//	defer reg.Unregister()
//
// # Instruments
//
//	sqkit.sla.events            counter    {event}  kind, namespace, metric, priority
//	sqkit.sla.delivery.lateness histogram  s        kind, namespace
//	sqkit.sla.clocks            gauge      {clock}  status (running, paused)
//	sqkit.sla.attainment        gauge      1        namespace, metric, priority (share met of decided cycles)
//	sqkit.sla.cycles            gauge      {cycle}  namespace, metric, priority, outcome (met, breached, in_progress)
//
// Lateness is the time between an event's own instant and its delivery
// (the AdvanceTo instant; the clock's now under Run). Attribute values are
// ids of the SDK's vocabulary (kinds, namespaces, metrics, priority labels),
// never customer text.
package slaotel

import (
	"context"
	"slices"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/sqkit/sqkit/sla"
)

// Metrics holds the instruments. It is safe for concurrent use.
type Metrics struct {
	meter      metric.Meter
	events     metric.Int64Counter
	lateness   metric.Float64Histogram
	clocks     metric.Int64ObservableGauge
	attainment metric.Float64ObservableGauge
	cycles     metric.Int64ObservableGauge
}

// New creates the instruments on meter.
func New(meter metric.Meter) (*Metrics, error) {
	m := &Metrics{meter: meter}
	var err error
	if m.events, err = meter.Int64Counter("sqkit.sla.events", metric.WithUnit("{event}"),
		metric.WithDescription("Warning, breach, reminder, met and timer events delivered by the timeline.")); err != nil {
		return nil, err
	}
	if m.lateness, err = meter.Float64Histogram("sqkit.sla.delivery.lateness", metric.WithUnit("s"),
		metric.WithDescription("Time from an event's own instant to its delivery."),
		metric.WithExplicitBucketBoundaries(0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)); err != nil {
		return nil, err
	}
	if m.clocks, err = meter.Int64ObservableGauge("sqkit.sla.clocks", metric.WithUnit("{clock}"),
		metric.WithDescription("SLA clocks on the timeline by status.")); err != nil {
		return nil, err
	}
	if m.attainment, err = meter.Float64ObservableGauge("sqkit.sla.attainment", metric.WithUnit("1"),
		metric.WithDescription("Share of decided cycles that met their target.")); err != nil {
		return nil, err
	}
	if m.cycles, err = meter.Int64ObservableGauge("sqkit.sla.cycles", metric.WithUnit("{cycle}"),
		metric.WithDescription("SLA cycles by outcome.")); err != nil {
		return nil, err
	}
	return m, nil
}

// Observe records one delivered event: pass it to the tracker with
// sla.WithObserver(m.Observe).
func (m *Metrics) Observe(e sla.Event, deliveredAt time.Time) {
	ctx := context.Background()
	kind, ns := attribute.String("kind", e.ID.Kind.String()), attribute.String("namespace", e.ID.Namespace)
	m.events.Add(ctx, 1, metric.WithAttributes(kind, ns, attribute.String("metric", e.ID.Metric.String()),
		attribute.String("priority", e.Priority)))
	m.lateness.Record(ctx, max(deliveredAt.Sub(e.At), 0).Seconds(), metric.WithAttributes(kind, ns))
}

// Watch registers the gauges of tr, read at each collection: its clocks by
// status, and the attainment of each namespace given (the host's own is "").
// Attainment walks every clock of the tracker (O(n) per collection).
// Unregister the returned registration when the tracker goes away.
func (m *Metrics) Watch(tr *sla.Tracker, namespaces ...string) (metric.Registration, error) {
	namespaces = slices.Clone(namespaces) // read at every collection, on the SDK's goroutine
	return m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		st := tr.Stats()
		o.ObserveInt64(m.clocks, int64(st.Running), metric.WithAttributes(attribute.String("status", "running")))
		o.ObserveInt64(m.clocks, int64(st.Paused), metric.WithAttributes(attribute.String("status", "paused")))
		for _, ns := range namespaces {
			for _, a := range tr.Attainment(ns) {
				attrs := []attribute.KeyValue{attribute.String("namespace", ns), attribute.String("metric", a.Metric.String()),
					attribute.String("priority", a.Priority)}
				if a.Met+a.Breached > 0 {
					o.ObserveFloat64(m.attainment, a.PercentMet/100, metric.WithAttributes(attrs...))
				}
				for _, c := range []struct {
					outcome string
					n       int
				}{{"met", a.Met}, {"breached", a.Breached}, {"in_progress", a.InProgress}} {
					o.ObserveInt64(m.cycles, int64(c.n), metric.WithAttributes(append(attrs, attribute.String("outcome", c.outcome))...))
				}
			}
		}
		return nil
	}, m.clocks, m.attainment, m.cycles)
}
