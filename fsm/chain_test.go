package fsm

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainedTicket returns a chained ticket that waited on its customer three
// times, every step at the same instant, so that swapping or dropping a
// wait and its reply leaves a history the definition accepts: only the
// chain tells.
func chainedTicket(t *testing.T) *Machine {
	t.Helper()
	m, err := NewMachine(TicketDefinition(), WithID("T-7"), WithChain())
	require.NoError(t, err)
	ctx := context.Background()
	fire := func(ev Event, reason string) {
		_, err := m.FireAt(ctx, t0, ev, By{Actor: "ann", Reason: reason})
		require.NoError(t, err)
	}
	fire(TicketAssign, "")
	fire(TicketStart, "")
	for _, r := range []string{"first", "second", "third"} {
		fire(TicketWaitCustomer, "asked for the "+r+" invoice")
		fire(TicketCustomerReply, r+" invoice received")
	}
	return m
}

func TestChainedMachine(t *testing.T) {
	m := chainedTicket(t)
	assert.True(t, m.Chained())
	snap := m.Snapshot()
	require.Len(t, snap.Chain, len(snap.History))
	head, ok := m.ChainHead()
	require.True(t, ok)
	assert.Equal(t, len(snap.History), head.Len)
	sh, ok := snap.ChainHead()
	require.True(t, ok)
	assert.Equal(t, head, sh)
	assert.NoError(t, VerifyHistory(snap, &head))
	assert.Equal(t, SnapshotVersion1, snap.Version, "a chain needs no new version")

	// Restored, the machine continues its chain as if it had never stopped.
	r, err := Restore(snap, WithDefinition(TicketDefinition()))
	require.NoError(t, err)
	assert.True(t, r.Chained())
	for _, mm := range []*Machine{m, r} {
		_, err = mm.FireAt(context.Background(), t0.Add(time.Hour), TicketResolve, By{Actor: "ann", Reason: "fixed"})
		require.NoError(t, err)
	}
	assert.Equal(t, m.Snapshot(), r.Snapshot())
	later := r.Snapshot()
	assert.NoError(t, VerifyHistory(later, &head), "a history that grew since its head passes")
	assert.Equal(t, SealHistory(later).Chain, later.Chain, "the live chain is the chain of the history")
}

func TestUnchainedMachine(t *testing.T) {
	m, err := NewMachine(TicketDefinition())
	require.NoError(t, err)
	_, err = m.FireAt(context.Background(), t0, TicketAssign, By{})
	require.NoError(t, err)
	assert.False(t, m.Chained())
	_, ok := m.ChainHead()
	assert.False(t, ok)
	snap := m.Snapshot()
	assert.Nil(t, snap.Chain)
	_, ok = snap.ChainHead()
	assert.False(t, ok)
	var ce *ChainError
	require.ErrorAs(t, VerifyHistory(snap, nil), &ce)
	assert.Equal(t, ChainError{Index: 0, Kind: ChainUnlinked}, *ce)
}

func TestChainedMachineWithEmptyHistory(t *testing.T) {
	m, err := NewMachine(TicketDefinition(), WithChain())
	require.NoError(t, err)
	head, ok := m.ChainHead()
	require.True(t, ok)
	assert.Equal(t, 0, head.Len)
	snap := m.Snapshot()
	assert.Nil(t, snap.Chain)
	assert.NoError(t, VerifyHistory(snap, &head))
	r, err := Restore(snap, WithDefinition(TicketDefinition()), WithChain())
	require.NoError(t, err)
	assert.True(t, r.Chained(), "WithChain keeps chaining a machine with no record yet")
	_, err = r.FireAt(context.Background(), t0, TicketAssign, By{Actor: "ann"})
	require.NoError(t, err)
	assert.NoError(t, VerifyHistory(r.Snapshot(), &head))
}

// TestChainTamper tampers with a chained snapshot in each way: Restore
// refuses the edit, the deletion and the swap, which the definition alone
// would accept, naming the first bad record; the truncated tail is a
// history the machine could have had, caught by VerifyHistory against the
// head the host kept.
func TestChainTamper(t *testing.T) {
	m := chainedTicket(t)
	head, _ := m.ChainHead()
	tests := []struct {
		name    string
		tamper  func(s *Snapshot)
		restore bool // Restore refuses it (without the head)
		want    ChainError
		path    string
	}{
		{"edit a reason", func(s *Snapshot) { s.History[4].Reason = "asked for nothing" }, true,
			ChainError{Index: 4, Kind: ChainEdited}, "history[4]"},
		{"edit an actor", func(s *Snapshot) { s.History[1].Actor = "bob" }, true,
			ChainError{Index: 1, Kind: ChainEdited}, "history[1]"},
		{"edit an instant", func(s *Snapshot) {
			for i := range s.History {
				s.History[i].At = s.History[i].At.Add(time.Minute)
			}
		}, true, ChainError{Index: 0, Kind: ChainEdited}, "history[0]"},
		{"delete a wait and its reply", func(s *Snapshot) {
			s.History = append(s.History[:2:2], s.History[4:]...)
			s.Chain = append(s.Chain[:2:2], s.Chain[4:]...)
		}, true, ChainError{Index: 2, Kind: ChainReordered}, "history[2]"},
		{"swap two waits", func(s *Snapshot) {
			s.History[2], s.History[4] = s.History[4], s.History[2]
			s.Chain[2], s.Chain[4] = s.Chain[4], s.Chain[2]
		}, true, ChainError{Index: 2, Kind: ChainReordered}, "history[2]"},
		{"swap two waits, not their links", func(s *Snapshot) {
			s.History[2], s.History[4] = s.History[4], s.History[2]
		}, true, ChainError{Index: 2, Kind: ChainEdited}, "history[2]"},
		{"truncate the tail", func(s *Snapshot) {
			s.History, s.Chain = s.History[:6], s.Chain[:6]
		}, false, ChainError{Index: 6, Kind: ChainTruncated}, "history[6]"},
		{"edit and recompute the chain", func(s *Snapshot) {
			s.History[3].Reason = "nothing received"
			*s = SealHistory(*s)
		}, false, ChainError{Index: 7, Kind: ChainRewritten}, "history[7]"},
		{"strip a link", func(s *Snapshot) { s.Chain = s.Chain[:7] }, true,
			ChainError{Index: 7, Kind: ChainUnlinked}, "history[7]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snap := m.Snapshot()
			tc.tamper(&snap)
			err := VerifyHistory(snap, &head)
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, *ce)
			assert.ErrorIs(t, err, ErrChainBroken)
			assert.ErrorIs(t, err, ErrInvalidSnapshot)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.path, fe.Path)

			_, err = Restore(snap, WithDefinition(TicketDefinition()))
			if !tc.restore {
				assert.NoError(t, err, "a consistent chain restores; the head tells")
				return
			}
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, *ce)
			assert.ErrorContains(t, err, "fsm: "+tc.path+": hash chain broken: "+tc.want.Kind.String())
		})
	}
}

// TestRestoreWithChainRequiresOne: a machine restored WithChain refuses a
// snapshot whose chain was stripped; SealHistory starts chaining a trusted
// unchained snapshot.
func TestRestoreWithChainRequiresOne(t *testing.T) {
	snap := chainedTicket(t).Snapshot()
	snap.Chain = nil
	_, err := Restore(snap, WithDefinition(TicketDefinition()))
	require.NoError(t, err, "without WithChain an unchained snapshot is a plain one")
	_, err = Restore(snap, WithDefinition(TicketDefinition()), WithChain())
	require.ErrorIs(t, err, ErrInvalidSnapshot)
	require.ErrorIs(t, err, ErrChainBroken)
	assert.ErrorContains(t, err, "fsm: chain: missing")

	r, err := Restore(SealHistory(snap), WithDefinition(TicketDefinition()), WithChain())
	require.NoError(t, err)
	assert.NoError(t, VerifyHistory(r.Snapshot(), nil))
}

func TestChainedSnapshotGolden(t *testing.T) {
	raw, r := goldenRoundTrip(t, "snapshot_chain.golden.json", chainedTicket(t))
	assert.True(t, r.Chained())
	var snap Snapshot
	require.NoError(t, json.Unmarshal(raw, &snap))
	assert.NoError(t, VerifyHistory(snap, nil))
	assert.Contains(t, string(raw), `"chain": [`)
}

// TestChainedMachineConcurrent fires, snapshots and reads heads from many
// goroutines: every snapshot taken verifies, and the final chain is the
// chain of the final history.
func TestChainedMachineConcurrent(t *testing.T) {
	m, err := NewMachine(TicketDefinition(), WithChain())
	require.NoError(t, err)
	ctx := context.Background()
	_, err = m.FireAt(ctx, t0, TicketAssign, By{})
	require.NoError(t, err)
	_, err = m.FireAt(ctx, t0, TicketStart, By{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				switch (w + i) % 3 {
				case 0:
					_, _ = m.FireAt(ctx, t0, TicketWaitCustomer, By{Actor: "a", Reason: fmt.Sprint(w, i)})
				case 1:
					_, _ = m.FireAt(ctx, t0, TicketCustomerReply, By{Actor: "b"})
				default:
					s := m.Snapshot()
					if err := VerifyHistory(s, nil); err != nil {
						t.Errorf("a live snapshot does not verify: %v", err)
					}
					_, _ = m.ChainHead()
				}
			}
		}()
	}
	wg.Wait()
	s := m.Snapshot()
	head, _ := m.ChainHead()
	assert.Equal(t, SealHistory(s).Chain, s.Chain)
	assert.NoError(t, VerifyHistory(s, &head))
}
