package fsm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func mockClock() *clock.Mock {
	c := clock.NewMock()
	c.Set(t0)
	return c
}

func newTiny(t *testing.T, mutate func(*Spec), opts ...Option) *Machine {
	t.Helper()
	s := tinySpec()
	if mutate != nil {
		mutate(&s)
	}
	d, err := NewDefinition(s)
	require.NoError(t, err)
	m, err := NewMachine(d, opts...)
	require.NoError(t, err)
	return m
}

func TestNewMachineNilDefinition(t *testing.T) {
	m, err := NewMachine(nil)
	assert.Nil(t, m)
	assert.ErrorIs(t, err, ErrNilDefinition)
}

func TestFireRecordsHistory(t *testing.T) {
	clk := mockClock()
	m := newTiny(t, nil, WithClock(clk), WithID("T-1"))
	ctx := context.Background()
	assert.Equal(t, "T-1", m.ID())
	assert.Equal(t, State("open"), m.State())
	assert.Equal(t, []Event{"note", "start"}, m.Available())
	assert.True(t, m.Can("start"))
	assert.False(t, m.Can("finish"))
	assert.False(t, m.Can("nope"))

	r1, err := m.Fire(ctx, "start", By{Actor: "alice", Reason: "picked up"})
	require.NoError(t, err)
	clk.Add(5 * time.Minute)
	r2, err := m.Fire(ctx, "pause", By{Actor: "bob"})
	require.NoError(t, err)
	at := t0.Add(time.Hour)
	r3, err := m.FireAt(ctx, at, "start", By{Actor: "carol", Reason: "resume"})
	require.NoError(t, err)

	want := []Record{
		{Event: "start", From: "open", To: "working", Actor: "alice", Reason: "picked up", At: t0},
		{Event: "pause", From: "working", To: "open", Actor: "bob", At: t0.Add(5 * time.Minute)},
		{Event: "start", From: "open", To: "working", Actor: "carol", Reason: "resume", At: at},
	}
	assert.Equal(t, want, m.History())
	assert.Equal(t, want, []Record{r1, r2, r3})
	assert.Equal(t, State("working"), m.State())

	// History returns a copy.
	h := m.History()
	h[0].Actor = "mallory"
	assert.Equal(t, "alice", m.History()[0].Actor)

	clk.Set(at) // the clock catches up with the explicit instant
	_, err = m.Fire(ctx, "finish", By{Actor: "alice"})
	require.NoError(t, err)
	assert.True(t, m.IsTerminal())
	assert.Empty(t, m.Available())
}

func TestFireErrorsLeaveMachineUnchanged(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		event  Event
		is     []error
		target any
	}{
		{"unknown event", context.Background(), "explode", []error{ErrUnknownEvent}, new(*UnknownEventError)},
		{"not allowed", context.Background(), "finish", []error{ErrNotAllowed}, new(*NotAllowedError)},
		{"cancelled ctx", cancelled, "start", []error{ErrCancelled, context.Canceled}, new(*CancelledError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTiny(t, nil, WithClock(mockClock()))
			rec, err := m.Fire(tt.ctx, tt.event, By{Actor: "a"})
			require.Error(t, err)
			assert.Equal(t, Record{}, rec)
			for _, is := range tt.is {
				assert.ErrorIs(t, err, is)
			}
			assert.ErrorAs(t, err, tt.target)
			assert.Contains(t, err.Error(), "fsm: ")
			assert.Equal(t, State("open"), m.State())
			assert.Empty(t, m.History())
			// Still usable.
			_, err = m.Fire(context.Background(), "start", By{})
			require.NoError(t, err)
			assert.Equal(t, State("working"), m.State())
		})
	}
}

func TestNotAllowedErrorListsAllowed(t *testing.T) {
	m := newTiny(t, nil)
	_, err := m.Fire(context.Background(), "finish", By{})
	var na *NotAllowedError
	require.ErrorAs(t, err, &na)
	assert.Equal(t, Event("finish"), na.Event)
	assert.Equal(t, State("open"), na.State)
	assert.Equal(t, []Event{"note", "start"}, na.Allowed)
	assert.Equal(t, `fsm: event "finish" not allowed in state "open" (allowed: [note start])`, err.Error())
}

type refusal struct{ why string }

func (r *refusal) Error() string { return "refused: " + r.why }

func TestGuardRefusesWithTypedReason(t *testing.T) {
	var seen View
	allow := false
	m := newTiny(t, func(s *Spec) {
		s.Transitions[0].Guards = []Guard{{Name: "assigned", Check: func(_ context.Context, v View) error {
			seen = v
			if !allow {
				return &refusal{why: "nobody assigned"}
			}
			return nil
		}}}
	}, WithClock(mockClock()), WithID("G-1"))
	_, err := m.Fire(context.Background(), "start", By{Actor: "alice", Reason: "go"})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrGuardRefused)
	var ge *GuardError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, "assigned", ge.Guard)
	assert.Equal(t, Event("start"), ge.Event)
	assert.Equal(t, State("open"), ge.From)
	assert.Equal(t, State("working"), ge.To)
	var r *refusal
	require.ErrorAs(t, err, &r)
	assert.Equal(t, "nobody assigned", r.why)
	assert.Equal(t, `fsm: guard "assigned" refused event "start" (open -> working): refused: nobody assigned`, err.Error())
	assert.Equal(t, State("open"), m.State())
	assert.Empty(t, m.History())
	assert.Equal(t, "G-1", seen.ID())
	assert.Equal(t, By{Actor: "alice", Reason: "go"}, seen.By)
	assert.Equal(t, t0, seen.At)

	allow = true
	_, err = m.Fire(context.Background(), "start", By{})
	require.NoError(t, err)
	assert.Equal(t, State("working"), m.State())
}

func TestGuardCancellingContextLeavesMachineUsable(t *testing.T) {
	// The context is cancelled after Fire's first check, while looplab is
	// asked to transition: looplab would be stuck in transition; the
	// machine must be unchanged and usable.
	ctx, cancel := context.WithCancel(context.Background())
	m := newTiny(t, func(s *Spec) {
		s.Transitions[0].Guards = []Guard{{Name: "cancel", Check: func(context.Context, View) error {
			cancel()
			return nil
		}}}
	})
	for range 3 { // the same pooled looplab FSM must not be reused stuck
		_, err := m.Fire(ctx, "start", By{})
		require.ErrorIs(t, err, ErrCancelled)
		assert.Equal(t, State("open"), m.State())
	}
	_, err := m.Fire(context.Background(), "start", By{})
	require.NoError(t, err)
	_, err = m.Fire(context.Background(), "pause", By{})
	require.NoError(t, err)
	assert.Len(t, m.History(), 2)
}

func TestSelfTransitionIsRecorded(t *testing.T) {
	hooks := 0
	m := newTiny(t, func(s *Spec) {
		s.Transitions[2].Hooks = []Hook{func(context.Context, *Machine, Record) { hooks++ }}
	}, WithClock(mockClock()))
	ctx := context.Background()
	_, err := m.Fire(ctx, "start", By{})
	require.NoError(t, err)
	rec, err := m.Fire(ctx, "note", By{Actor: "a", Reason: "customer called"})
	require.NoError(t, err)
	assert.Equal(t, Record{Event: "note", From: "working", To: "working", Actor: "a", Reason: "customer called", At: t0}, rec)
	_, err = m.Fire(ctx, "note", By{})
	require.NoError(t, err)
	assert.Equal(t, State("working"), m.State())
	assert.Len(t, m.History(), 3)
	assert.Equal(t, 2, hooks)
}

func TestHooksRunOutsideLockAndMayFire(t *testing.T) {
	var order []string
	m := newTiny(t, func(s *Spec) {
		// Entering "working" via start immediately pauses, once.
		s.Transitions[0].Hooks = []Hook{func(ctx context.Context, m *Machine, r Record) {
			order = append(order, "start-hook:"+string(m.State()))
			assert.Equal(t, []Event{"finish", "note", "pause"}, m.Available())
			if len(m.History()) == 1 {
				_, err := m.Fire(ctx, "pause", By{Actor: "auto"})
				assert.NoError(t, err)
			}
		}}
		s.Hooks = []Hook{func(_ context.Context, m *Machine, r Record) {
			order = append(order, fmt.Sprintf("global:%s:%s", r.Event, m.State()))
		}}
	})
	_, err := m.Fire(context.Background(), "start", By{})
	require.NoError(t, err)
	assert.Equal(t, []string{"start-hook:working", "global:pause:open", "global:start:open"}, order)
	assert.Equal(t, State("open"), m.State())
	assert.Len(t, m.History(), 2)
}

func TestNilContextIsBackground(t *testing.T) {
	m := newTiny(t, nil)
	//lint:ignore SA1012 nil context must not panic
	_, err := m.Fire(nil, "start", By{}) //nolint:staticcheck
	require.NoError(t, err)
}

func TestConcurrentFire(t *testing.T) {
	// Many goroutines fire start/pause on one machine; every success is
	// recorded exactly once and the history is a consistent chain.
	m := newTiny(t, nil, WithClock(mockClock()))
	const workers, per = 8, 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				ev := Event("start")
				if (w+i)%2 == 1 {
					ev = "pause"
				}
				_, err := m.Fire(context.Background(), ev, By{Actor: fmt.Sprint(w)})
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if !errors.Is(err, ErrNotAllowed) {
					t.Errorf("unexpected error: %v", err)
				}
				_ = m.State()
				_ = m.Available()
				_ = m.History()
			}
		}()
	}
	wg.Wait()
	h := m.History()
	require.Len(t, h, ok)
	require.NotZero(t, ok)
	prev := State("open")
	for _, r := range h {
		assert.Equal(t, prev, r.From)
		prev = r.To
	}
	assert.Equal(t, prev, m.State())
}

func TestConcurrentMachinesShareDefinition(t *testing.T) {
	d, err := NewDefinition(tinySpec())
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := NewMachine(d)
			if !assert.NoError(t, err) {
				return
			}
			for range 100 {
				_, err1 := m.Fire(context.Background(), "start", By{})
				_, err2 := m.Fire(context.Background(), "pause", By{})
				assert.NoError(t, errors.Join(err1, err2))
			}
			assert.Len(t, m.History(), 200)
		}()
	}
	wg.Wait()
}

func TestLongHistoryAcrossBlocks(t *testing.T) {
	clk := mockClock()
	m := newTiny(t, nil, WithClock(clk))
	ctx := context.Background()
	const pairs = 700 // crosses several history blocks
	for i := range pairs {
		_, err := m.Fire(ctx, "start", By{Actor: fmt.Sprint(i)})
		require.NoError(t, err)
		clk.Add(time.Second)
		_, err = m.Fire(ctx, "pause", By{Reason: fmt.Sprint(i)})
		require.NoError(t, err)
	}
	h := m.History()
	require.Len(t, h, 2*pairs)
	for i, r := range h {
		if i%2 == 0 {
			assert.Equal(t, Record{Event: "start", From: "open", To: "working", Actor: fmt.Sprint(i / 2), At: t0.Add(time.Duration(i/2) * time.Second)}, r)
		} else {
			assert.Equal(t, Record{Event: "pause", From: "working", To: "open", Reason: fmt.Sprint(i / 2), At: t0.Add(time.Duration(i/2+1) * time.Second)}, r)
		}
	}
	r, err := Restore(m.Snapshot(), WithDefinition(m.Definition()), WithClock(clk))
	require.NoError(t, err)
	for range 300 {
		_, err := r.Fire(ctx, "start", By{})
		require.NoError(t, err)
		_, err = r.Fire(ctx, "pause", By{})
		require.NoError(t, err)
	}
	h2 := r.History()
	require.Len(t, h2, 2*pairs+600)
	assert.Equal(t, h, h2[:2*pairs])
}

func TestConcurrentCaseDataAndSnapshots(t *testing.T) {
	def, err := ComplaintDefinition(DefaultApprovalLimit)
	require.NoError(t, err)
	m, err := NewMachine(def, WithAmount(9000))
	require.NoError(t, err)
	_, err = m.Assign("ann", By{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	items := []string{ItemCustomerIdentity, ItemOrderInformation, ItemProblemDescription}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				switch (w + i) % 6 {
				case 0:
					_, _ = m.Mark(ThreeVerifications, items[i%3], By{Actor: fmt.Sprint(w)})
				case 1:
					_, _ = m.Escalate(By{})
				case 2:
					_, _ = m.Transfer(fmt.Sprint("agent", w, i), By{})
				case 3:
					_, _ = m.Approve("sup", "")
				case 4:
					_, _ = m.Fire(context.Background(), ComplaintInvestigate, By{})
					_, _ = m.Fire(context.Background(), ComplaintHandle, By{})
				case 5:
					s := m.Snapshot()
					if _, err := Restore(s, WithDefinition(def)); err != nil {
						t.Errorf("restore of a live snapshot: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	// Whatever the interleaving, every mark and the approval are in now.
	_, _ = m.Fire(context.Background(), ComplaintInvestigate, By{})
	_, _ = m.Fire(context.Background(), ComplaintHandle, By{})
	assert.Equal(t, ComplaintHandling, m.State())
	assert.Equal(t, TierSpecialForce, m.Tier())
	assert.Equal(t, "ann", m.FirstResponder())
	assert.Len(t, m.Marks(), 3)
	assert.Len(t, m.Escalations(), 2)
}

func TestNewMachineDoesNotRebuildDefinition(t *testing.T) {
	d := TicketDefinition()
	// One allocation: the Machine itself. Nothing of the definition (maps,
	// tables, looplab FSMs) is built again.
	allocs := testing.AllocsPerRun(100, func() {
		m, err := NewMachine(d)
		if err != nil || m.Definition() != d {
			t.Fatal("NewMachine failed or did not share the definition", err)
		}
	})
	assert.Equal(t, 1.0, allocs)
}
