package workforce

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
)

// dueBook is a RemainingFunc over fixed due instants (wall-clock time),
// safe for concurrent use.
type dueBook struct {
	mu  sync.Mutex
	due map[string]time.Time
}

func newDueBook() *dueBook { return &dueBook{due: map[string]time.Time{}} }

func (b *dueBook) set(id string, due time.Time) {
	b.mu.Lock()
	b.due[id] = due
	b.mu.Unlock()
}

func (b *dueBook) remaining(id string, at time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.due[id]
	if !ok {
		return 0, false
	}
	return d.Sub(at), true
}

// testConfig is a small desk: a hotline of generalists, a back office of
// specialists, rules by complaint category and channel.
func testConfig() Config {
	return Config{
		Skills: []string{"general", "billing", "product", "senior"},
		Shifts: map[string]sla.CalendarSpec{"day": dayShift("UTC", "09:00", "17:00")},
		Agents: []AgentSpec{
			{ID: "ann", Team: "hotline", Skills: map[string]int{"general": 3, "billing": 2}, Capacity: 2},
			{ID: "bob", Team: "hotline", Skills: map[string]int{"general": 2}, Capacity: 2},
			{ID: "cai", Team: "backoffice", Skills: map[string]int{"product": 4, "general": 1}, Capacity: 1, Shift: "day"},
			{ID: "dan", Team: "backoffice", Skills: map[string]int{"billing": 5, "senior": 1}, Capacity: 1},
		},
		Rules: []Rule{
			{ID: "billing", When: map[string]string{"category": "billing"}, Require: []Requirement{{Skill: "billing", Level: 2}}},
			{ID: "product", When: map[string]string{"category": "product_quality"}, Require: []Requirement{{Skill: "product", Level: 3}}, Team: "backoffice"},
			{ID: "phone", When: map[string]string{"channel": "phone"}, Team: "hotline"},
		},
		Strategy: BestSkill,
	}
}

func newTestDispatcher(t *testing.T, cfg Config, book *dueBook) *Dispatcher {
	t.Helper()
	d, err := NewDispatcher(cfg, WithRemaining(book.remaining))
	require.NoError(t, err)
	return d
}

// checkInvariants verifies the dispatcher's internal bookkeeping: loads
// equal assigned items, ready counts match, heap positions are right.
func checkInvariants(t *testing.T, d *Dispatcher) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	load := map[*agent]int{}
	queued := 0
	for id, it := range d.items {
		require.Equal(t, id, it.spec.ID)
		if it.hidx >= 0 {
			queued++
			require.Nil(t, it.owner)
			require.Same(t, it, it.q.heap[it.hidx].it)
			require.Equal(t, it.key, it.q.heap[it.hidx].key)
		} else {
			require.NotNil(t, it.owner, id)
			load[it.owner]++
		}
	}
	require.Equal(t, queued, d.queued)
	for _, a := range d.agents {
		require.Equal(t, load[a], a.load, a.spec.ID)
	}
	for _, q := range d.queueList {
		want := make([]int32, len(d.shifts))
		for _, a := range q.agents {
			if a.ready() {
				want[a.shift]++
			}
		}
		require.Equal(t, want, q.ready, q.key)
		for i := range q.heap {
			require.Equal(t, i, q.heap[i].it.hidx)
			if i > 0 {
				require.False(t, q.heap[i].key.before(&q.heap[(i-1)/4].key))
			}
		}
	}
}
