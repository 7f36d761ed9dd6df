package feedback

import (
	"fmt"
	"sync"
	"testing"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/require"
)

// recorder collects the events of an engine; id names one in ids().
type recorder[E any] struct {
	mu  sync.Mutex
	evs []E
	id  func(E) string
}

func (r *recorder[E]) add(e E) {
	r.mu.Lock()
	r.evs = append(r.evs, e)
	r.mu.Unlock()
}

func (r *recorder[E]) list() []E {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]E(nil), r.evs...)
}

func (r *recorder[E]) ids() []string {
	var out []string
	for _, e := range r.list() {
		out = append(out, r.id(e))
	}
	return out
}

type (
	rectRecorder = recorder[RectificationEvent]
	rvRecorder   = recorder[ReturnVisitEvent]
)

// newRectRecorder names events by their id.
func newRectRecorder() *rectRecorder {
	return &rectRecorder{id: func(e RectificationEvent) string { return e.ID.String() }}
}

// newRVRecorder names events by their id and their instant after t0.
func newRVRecorder() *rvRecorder {
	return &rvRecorder{id: func(e ReturnVisitEvent) string { return fmt.Sprintf("%s@%s", e.ID, e.At.Sub(t0)) }}
}

// engineNew builds an engine on a mock clock at t0 with a recorder of its
// events.
func engineNew[X interface{ OnEvent(func(E)) }, E any](t testing.TB, build func(opts ...Option) (X, error), rec *recorder[E], opts ...Option) (X, *clock.Mock, *recorder[E]) {
	t.Helper()
	clk := clock.NewMock()
	clk.Set(t0)
	x, err := build(append([]Option{WithClock(clk)}, opts...)...)
	require.NoError(t, err)
	x.OnEvent(rec.add)
	return x, clk, rec
}

// rectNew returns an empty set on a mock clock at t0 and a recorder of its
// events.
func rectNew(t testing.TB, cfg RectificationConfig, opts ...Option) (*Rectifications, *clock.Mock, *rectRecorder) {
	return engineNew(t, func(opts ...Option) (*Rectifications, error) { return NewRectifications(cfg, opts...) }, newRectRecorder(), opts...)
}

// rvNew returns an empty set of visits on a mock clock at t0 and a
// recorder of its events.
func rvNew(t testing.TB, cfg ReturnVisitConfig, opts ...Option) (*ReturnVisits, *clock.Mock, *rvRecorder) {
	return engineNew(t, func(opts ...Option) (*ReturnVisits, error) { return NewReturnVisits(cfg, opts...) }, newRVRecorder(), opts...)
}
