package fsm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errSink collects the errors hooks get back from the Fire calls they make.
type errSink struct {
	mu   sync.Mutex
	errs []error
}

func (s *errSink) add(err error) {
	if err != nil {
		s.mu.Lock()
		s.errs = append(s.errs, err)
		s.mu.Unlock()
	}
}

func (s *errSink) all() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]error(nil), s.errs...)
}

// requireDepthError checks that err is the refusal of the firing one level
// past MaxHookDepth and that its chain is want.
func requireDepthError(t *testing.T, err error, want []Event) {
	t.Helper()
	require.ErrorIs(t, err, ErrHookDepth)
	var de *HookDepthError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, MaxHookDepth+1, de.Depth)
	assert.Equal(t, want, de.Chain)
	assert.Len(t, de.Chain, de.Depth)
	assert.Contains(t, err.Error(), "fsm: ")
	assert.Contains(t, err.Error(), fmt.Sprint(MaxHookDepth))
}

func repeat(evs []Event, n int) []Event {
	out := make([]Event, 0, n)
	for len(out) < n {
		out = append(out, evs[len(out)%len(evs)])
	}
	return out
}

func TestHookCycleIsBounded(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Spec, sink *errSink)
		first  Event
		chain  []Event // the repeating pattern of the event chain
		states []State // the repeating pattern of the states reached
	}{
		{
			name: "self-transition hook fires itself",
			mutate: func(s *Spec, sink *errSink) {
				s.Transitions[2].Hooks = []Hook{func(ctx context.Context, m *Machine, r Record) {
					_, err := m.Fire(ctx, "note", By{Actor: "loop"})
					sink.add(err)
				}}
			},
			first:  "note",
			chain:  []Event{"note"},
			states: []State{"working"},
		},
		{
			name: "spec-wide hook ping-pongs between two events",
			mutate: func(s *Spec, sink *errSink) {
				s.Hooks = []Hook{func(ctx context.Context, m *Machine, r Record) {
					next := Event("pause")
					if r.Event == "pause" {
						next = "start"
					}
					_, err := m.Fire(ctx, next, By{Actor: "loop"})
					sink.add(err)
				}}
			},
			first:  "start",
			chain:  []Event{"start", "pause"},
			states: []State{"working", "open"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &errSink{}
			m := newTiny(t, func(s *Spec) { tt.mutate(s, sink) }, WithClock(mockClock()))
			rec, err := m.Fire(context.Background(), tt.first, By{Actor: "host"})
			// The host's own firing happened; the refusal is returned to
			// the hook that tried to go one level too deep.
			require.NoError(t, err)
			assert.Equal(t, tt.first, rec.Event)
			errs := sink.all()
			require.Len(t, errs, 1)
			requireDepthError(t, errs[0], repeat(tt.chain, MaxHookDepth+1))

			// Every transition that happened is recorded, the refused one
			// is not, and the history is an unbroken chain ending in the
			// current state.
			h := m.History()
			require.Len(t, h, MaxHookDepth)
			prev := State("open")
			for i, r := range h {
				assert.Equal(t, tt.chain[i%len(tt.chain)], r.Event, "record %d", i)
				assert.Equal(t, prev, r.From, "record %d", i)
				assert.Equal(t, tt.states[i%len(tt.states)], r.To, "record %d", i)
				prev = r.To
			}
			assert.Equal(t, prev, m.State())

			// The machine stays usable and snapshots round-trip.
			snap := m.Snapshot()
			back, err := Restore(snap, WithDefinition(m.Definition()))
			require.NoError(t, err)
			assert.Equal(t, snap, back.Snapshot())
			_, err = json.Marshal(snap)
			require.NoError(t, err)
		})
	}
}

func TestHookChainUpToTheBoundSucceeds(t *testing.T) {
	// A hook that stops by itself after exactly MaxHookDepth nested firings
	// is never refused.
	sink := &errSink{}
	m := newTiny(t, func(s *Spec) {
		s.Transitions[2].Hooks = []Hook{func(ctx context.Context, m *Machine, r Record) {
			if len(m.History()) < MaxHookDepth {
				_, err := m.Fire(ctx, "note", By{})
				sink.add(err)
			}
		}}
	})
	_, err := m.Fire(context.Background(), "note", By{})
	require.NoError(t, err)
	assert.Empty(t, sink.all())
	assert.Len(t, m.History(), MaxHookDepth)

	// A firing from outside any hook starts a new chain.
	m2 := newTiny(t, func(s *Spec) {
		s.Transitions[2].Hooks = []Hook{func(ctx context.Context, m *Machine, r Record) {
			_, err := m.Fire(ctx, "note", By{})
			sink.add(err)
		}}
	})
	for range 3 {
		_, err := m2.Fire(context.Background(), "note", By{})
		require.NoError(t, err)
	}
	assert.Len(t, m2.History(), 3*MaxHookDepth)
	errs := sink.all()
	require.Len(t, errs, 3)
	for _, err := range errs {
		requireDepthError(t, err, repeat([]Event{"note"}, MaxHookDepth+1))
	}
}

func TestHookCycleAcrossMachinesIsBounded(t *testing.T) {
	// Machine a's hook fires on b and b's hook fires on a, both passing the
	// context they received: the chain spans both machines.
	sink := &errSink{}
	var a, b *Machine
	a = newTiny(t, func(s *Spec) {
		s.Transitions[2].Hooks = []Hook{func(ctx context.Context, _ *Machine, r Record) {
			_, err := b.Fire(ctx, "note", By{Actor: "a"})
			sink.add(err)
		}}
	}, WithID("A"))
	b = newTiny(t, func(s *Spec) {
		s.Transitions[2].Hooks = []Hook{func(ctx context.Context, _ *Machine, r Record) {
			_, err := a.Fire(ctx, "note", By{Actor: "b"})
			sink.add(err)
		}}
	}, WithID("B"))
	_, err := a.Fire(context.Background(), "note", By{})
	require.NoError(t, err)
	errs := sink.all()
	require.Len(t, errs, 1)
	requireDepthError(t, errs[0], repeat([]Event{"note"}, MaxHookDepth+1))
	assert.Equal(t, MaxHookDepth, len(a.History())+len(b.History()))
	assert.Len(t, a.History(), MaxHookDepth/2+MaxHookDepth%2)
}

func TestHookCyclesConcurrentChainsAreIndependent(t *testing.T) {
	// Chains started concurrently on one machine are counted separately:
	// each is refused at its own depth, never earlier because another
	// chain is running.
	const chains = 8
	sink := &errSink{}
	m := newTiny(t, func(s *Spec) {
		s.Transitions[2].Hooks = []Hook{func(ctx context.Context, m *Machine, r Record) {
			_, err := m.Fire(ctx, "note", By{Actor: r.Actor})
			sink.add(err)
		}}
	})
	_, err := m.Fire(context.Background(), "start", By{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range chains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := m.Fire(context.Background(), "note", By{Actor: fmt.Sprint(i)})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	errs := sink.all()
	require.Len(t, errs, chains)
	for _, err := range errs {
		requireDepthError(t, err, repeat([]Event{"note"}, MaxHookDepth+1))
	}
	assert.Len(t, m.History(), 1+chains*MaxHookDepth)
	per := map[string]int{}
	for _, r := range m.History()[1:] {
		per[r.Actor]++
	}
	for i := range chains {
		assert.Equal(t, MaxHookDepth, per[fmt.Sprint(i)], "chain %d", i)
	}
}

func TestHookDepthErrorMessage(t *testing.T) {
	err := error(&HookDepthError{Depth: 3, Chain: []Event{"a", "b", "c"}})
	assert.True(t, errors.Is(err, ErrHookDepth))
	assert.False(t, errors.Is(err, ErrNotAllowed))
	assert.True(t, strings.HasPrefix(err.Error(), "fsm: "))
	assert.Contains(t, err.Error(), "a -> b -> c")
}
