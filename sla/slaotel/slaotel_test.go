package slaotel_test

import (
	"context"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slaotel"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func collect(t *testing.T, r *sdkmetric.ManualReader) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.Collect(context.Background(), &rm))
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

func TestMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	m, err := slaotel.New(provider.Meter("sqkit-test"))
	require.NoError(t, err)
	mock := clock.NewMock()
	mock.Set(t0)
	tr := sla.NewTracker(sla.WithClock(mock), sla.WithObserver(m.Observe))
	reg, err := m.Watch(tr, "", "feedback.visits")
	require.NoError(t, err)
	defer reg.Unregister() //nolint:errcheck

	spec, err := sla.NewSpec(sla.SpecDef{Metric: sla.FirstResponse, Within: sla.Duration(time.Hour), Calendar: sla.CalendarAlways,
		Warnings: []sla.Rung{{Percent: 50}}, Reminders: []sla.Duration{sla.Duration(15 * time.Minute)}}, sla.AlwaysOpen())
	require.NoError(t, err)
	require.NoError(t, tr.StartAt(t0, sla.ClockKey{ID: "T-1"}, spec, "urgent"))
	require.NoError(t, tr.StartAt(t0, sla.ClockKey{ID: "T-2"}, spec, "urgent"))
	require.NoError(t, tr.StartAt(t0, sla.ClockKey{Namespace: "feedback.visits", ID: "V-1"}, spec, "human"))
	require.NoError(t, tr.Register("feedback.visits", func(sla.Event) {}))
	_, err = tr.StopAt(t0.Add(10*time.Minute), sla.ClockKey{ID: "T-2", Metric: sla.FirstResponse})
	require.NoError(t, err)
	require.NoError(t, tr.PauseAt(t0.Add(20*time.Minute), sla.ClockKey{Namespace: "feedback.visits", ID: "V-1", Metric: sla.FirstResponse}))
	tr.AdvanceTo(t0.Add(2 * time.Hour)) // delivered late: 2 h after start
	mock.Set(t0.Add(2 * time.Hour))

	got := collect(t, reader)
	events := got["sqkit.sla.events"].Data.(metricdata.Sum[int64])
	byKind := map[string]int64{}
	for _, p := range events.DataPoints {
		k, _ := p.Attributes.Value(attribute.Key("kind"))
		byKind[k.AsString()] += p.Value
	}
	// T-1: warning, breach, reminder; T-2: met; V-1 paused before its warning.
	assert.Equal(t, map[string]int64{"warning": 1, "breach": 1, "reminder": 1, "met": 1}, byKind)

	hist := got["sqkit.sla.delivery.lateness"].Data.(metricdata.Histogram[float64])
	var n uint64
	var sum float64
	for _, p := range hist.DataPoints {
		n += p.Count
		sum += p.Sum
	}
	assert.Equal(t, uint64(4), n)
	// lateness: T-1 warning 1h30, breach 1h, reminder 45m; T-2 met 1h50.
	assert.InDelta(t, (90+60+45+110)*60.0, sum, 1e-6)

	clocks := got["sqkit.sla.clocks"].Data.(metricdata.Gauge[int64])
	status := map[string]int64{}
	for _, p := range clocks.DataPoints {
		s, _ := p.Attributes.Value(attribute.Key("status"))
		status[s.AsString()] = p.Value
	}
	assert.Equal(t, map[string]int64{"running": 1, "paused": 1}, status)

	att := got["sqkit.sla.attainment"].Data.(metricdata.Gauge[float64])
	require.Len(t, att.DataPoints, 1, "only the host's namespace has decided cycles")
	assert.InDelta(t, 0.5, att.DataPoints[0].Value, 1e-9, "T-2 met, T-1 open and breached")
	cycles := got["sqkit.sla.cycles"].Data.(metricdata.Gauge[int64])
	assert.Len(t, cycles.DataPoints, 6, "three outcomes in each of two namespaces")
}

// TestWatchKeepsItsNamespaces: Watch copies the namespaces it is given, so
// a caller that reuses its slice changes nothing and does not race with a
// collection (the race detector reports it otherwise).
func TestWatchKeepsItsNamespaces(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	m, err := slaotel.New(sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("test"))
	require.NoError(t, err)
	tr := sla.NewTracker(sla.WithClock(clock.NewMock()))
	names := []string{"", "feedback.visits"}
	reg, err := m.Watch(tr, names...)
	require.NoError(t, err)
	defer func() { require.NoError(t, reg.Unregister()) }()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			var rm metricdata.ResourceMetrics
			assert.NoError(t, reader.Collect(context.Background(), &rm))
		}
	}()
	for i := range 100 {
		names[1] = []string{"a", "b"}[i%2]
	}
	<-done
}
