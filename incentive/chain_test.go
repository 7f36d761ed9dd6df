package incentive

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chainedBook issues statements for three people, appeals and adjusts
// one, and issues a fourth statement last.
func chainedBook(t *testing.T) (*Book, *clock.Mock) {
	t.Helper()
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	b := NewBook(WithClock(clk), WithChain())
	plan := mustCompile(t, servicePlan())
	issue := func(person string) {
		st, err := plan.Statement(Input{Person: person, Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("250")})
		require.NoError(t, err)
		require.NoError(t, b.Issue(st))
	}
	for _, p := range []string{"alice", "bob", "carol"} {
		issue(p)
	}
	clk.Add(time.Hour)
	_, err := b.FileAppeal(AppealRequest{ID: "ap-1", Person: "alice", Period: "2026-10", Reason: "survey miscounted", FiledBy: "alice"})
	require.NoError(t, err)
	_, err = b.Decide(Decision{Appeal: "ap-1", Approve: true, Amount: MustMoney("USD 12.50"), Reason: "duplicates", Approver: "sup"})
	require.NoError(t, err)
	_, err = b.Adjust(AdjustmentRequest{Person: "bob", Period: "2026-10", Amount: MustMoney("USD -5.00"), Reason: "late", Approver: "sup"})
	require.NoError(t, err)
	issue("dave")
	return b, clk
}

func TestChainedBook(t *testing.T) {
	b, clk := chainedBook(t)
	assert.True(t, b.Chained())
	s, err := b.Snapshot()
	require.NoError(t, err)
	require.Len(t, s.Chain, len(s.Events))
	head, ok := b.ChainHead()
	require.True(t, ok)
	sh, ok := s.ChainHead()
	require.True(t, ok)
	assert.Equal(t, head, sh)
	assert.Equal(t, len(s.Events), head.Len)
	assert.NoError(t, VerifyBook(s, &head))

	// Through JSON and a restore, the chain goes on as if never stopped.
	raw, err := json.Marshal(s)
	require.NoError(t, err)
	var back BookSnapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	r, err := RestoreBook(back, WithClock(clk), WithChain())
	require.NoError(t, err)
	for _, bk := range []*Book{b, r} {
		_, err := bk.AdjustAt(clk.Now().Add(time.Hour), AdjustmentRequest{Person: "carol", Period: "2026-10",
			Amount: MustMoney("USD 1.00"), Reason: "bonus", Approver: "sup"})
		require.NoError(t, err)
	}
	s1, _ := b.Snapshot()
	s2, _ := r.Snapshot()
	assert.Equal(t, s1, s2)
	assert.NoError(t, VerifyBook(s2, &head), "a history that grew since its head passes")

	plain := NewBook()
	_, ok = plain.ChainHead()
	assert.False(t, ok)
	ps, _ := plain.Snapshot()
	_, ok = ps.ChainHead()
	assert.False(t, ok)
	assert.False(t, plain.Chained())
}

// TestChainedBookUndoesABatch: a batch of adjustments that fails leaves
// the chain as it was.
func TestChainedBookUndoesABatch(t *testing.T) {
	b, clk := chainedBook(t)
	head, _ := b.ChainHead()
	_, err := b.adjustAllAt(clk.Now(), []AdjustmentRequest{
		{Person: "carol", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "ok", Approver: "sup"},
		{Person: "nobody", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "fails", Approver: "sup"},
	})
	require.ErrorIs(t, err, ErrNotFound)
	after, _ := b.ChainHead()
	assert.Equal(t, head, after)
	s, _ := b.Snapshot()
	assert.NoError(t, VerifyBook(s, &head))
	_, err = b.adjustAllAt(clk.Now(), []AdjustmentRequest{
		{Person: "carol", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "ok", Approver: "sup"}})
	require.NoError(t, err)
	s, _ = b.Snapshot()
	assert.NoError(t, VerifyBook(s, &head))
}

// TestBookChainTamper tampers with a chained Book's snapshot in each way.
func TestBookChainTamper(t *testing.T) {
	b, clk := chainedBook(t)
	head, _ := b.ChainHead()
	base, err := b.Snapshot()
	require.NoError(t, err)
	last := len(base.Events) - 1
	require.Equal(t, EventIssued, base.Events[last].Kind)
	tests := []struct {
		name    string
		tamper  func(s *BookSnapshot)
		restore bool
		want    ChainError
	}{
		{"edit an event's reason", func(s *BookSnapshot) { s.Events[4].Reason = "nothing" }, true,
			ChainError{Index: 4, Kind: ChainEdited}},
		{"edit a statement, lines and total alike", func(s *BookSnapshot) {
			st := &s.Statements[1]
			st.Lines[0].Amount.Minor += 10000
			st.Total.Minor += 10000
		}, true, ChainError{Index: 1, Kind: ChainEdited}},
		{"delete an event", func(s *BookSnapshot) {
			s.Events = append(s.Events[:2:2], s.Events[3:]...)
			s.Chain = append(s.Chain[:2:2], s.Chain[3:]...)
		}, true, ChainError{Index: 2, Kind: ChainReordered}},
		{"swap two events", func(s *BookSnapshot) {
			s.Events[0], s.Events[1] = s.Events[1], s.Events[0]
			s.Chain[0], s.Chain[1] = s.Chain[1], s.Chain[0]
		}, true, ChainError{Index: 0, Kind: ChainReordered}},
		{"truncate the last issue", func(s *BookSnapshot) {
			s.Events, s.Chain = s.Events[:last], s.Chain[:last]
			s.Statements = s.Statements[:len(s.Statements)-1]
		}, false, ChainError{Index: last, Kind: ChainTruncated}},
		{"edit and recompute the chain", func(s *BookSnapshot) {
			s.Events[6].Reason = "lenient"
			s.Adjustments[1].Reason = "lenient"
			s.Chain = bookChain.Links(bookEntries(*s))
		}, false, ChainError{Index: last, Kind: ChainRewritten}},
		{"strip a link", func(s *BookSnapshot) { s.Chain = s.Chain[:last] }, true,
			ChainError{Index: last, Kind: ChainUnlinked}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(base)
			require.NoError(t, err)
			var s BookSnapshot
			require.NoError(t, json.Unmarshal(raw, &s))
			tc.tamper(&s)
			err = VerifyBook(s, &head)
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, *ce)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.ErrorIs(t, err, ErrChainBroken)

			_, err = RestoreBook(s, WithClock(clk))
			if !tc.restore {
				assert.NoError(t, err, "a consistent history restores; the head tells")
				return
			}
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, *ce)
			assert.EqualError(t, err, "incentive: events["+itoa(tc.want.Index)+"]: hash chain broken: "+tc.want.Kind.String())
		})
	}
}

func TestRestoreWithChainRequiresOne(t *testing.T) {
	b, clk := chainedBook(t)
	s, _ := b.Snapshot()
	s.Chain = nil
	_, err := RestoreBook(s, WithClock(clk))
	require.NoError(t, err, "without WithChain an unchained snapshot is a plain one")
	_, err = RestoreBook(s, WithClock(clk), WithChain())
	require.ErrorIs(t, err, ErrChainBroken)
	assert.EqualError(t, err, "incentive: chain: missing: restored WithChain, the history must carry its chain")

	ps := busyLedger(t).Snapshot()
	_, err = RestorePointsLedger(ps, WithChain())
	require.ErrorIs(t, err, ErrChainBroken)
	r, err := RestorePointsLedger(PointsSnapshot{Version: PointsSnapshotVersion}, WithChain())
	require.NoError(t, err, "an empty history needs no chain")
	assert.True(t, r.Chained())
}

func TestChainedPoints(t *testing.T) {
	l := busyLedger(t, WithChain())
	assert.True(t, l.Chained())
	s := l.Snapshot()
	require.Len(t, s.Chain, len(s.Entries))
	head, ok := l.ChainHead()
	require.True(t, ok)
	sh, _ := s.ChainHead()
	assert.Equal(t, head, sh)
	assert.NoError(t, VerifyPoints(s, &head))

	// JSON round trip keeps the chain, and the restored ledger goes on.
	raw, err := json.Marshal(l)
	require.NoError(t, err)
	back := NewPointsLedger(WithChain())
	require.NoError(t, json.Unmarshal(raw, back))
	at := s.Entries[len(s.Entries)-1].At.Add(time.Hour)
	for _, x := range []*PointsLedger{l, back} {
		_, _, err := x.EarnAt(at, "k-9", "carol", 10, "helped")
		require.NoError(t, err)
	}
	assert.Equal(t, l.Snapshot(), back.Snapshot())
	assert.Error(t, json.Unmarshal([]byte(`{"version":1,"entries":[{"seq":1,"key":"k","account":"a","points":1,"at":"2026-11-01T09:00:00Z","balance":1}]}`), back),
		"a chained ledger refuses an unchained snapshot")

	_, ok = busyLedger(t).ChainHead()
	assert.False(t, ok)
	_, ok = busyLedger(t).Snapshot().ChainHead()
	assert.False(t, ok)
}

func TestPointsChainTamper(t *testing.T) {
	l := busyLedger(t, WithChain())
	head, _ := l.ChainHead()
	tests := []struct {
		name    string
		tamper  func(s *PointsSnapshot)
		restore bool
		want    ChainError
	}{
		{"edit points and balance alike", func(s *PointsSnapshot) {
			s.Entries[0].Points += 1000
			s.Entries[0].Balance += 1000
			s.Entries[2].Balance += 1000
		}, true, ChainError{Index: 0, Kind: ChainEdited}},
		{"edit a reason", func(s *PointsSnapshot) { s.Entries[3].Reason = "lost" }, true,
			ChainError{Index: 3, Kind: ChainEdited}},
		{"delete an entry", func(s *PointsSnapshot) {
			s.Entries = append(s.Entries[:1:1], s.Entries[2:]...)
			s.Chain = append(s.Chain[:1:1], s.Chain[2:]...)
		}, true, ChainError{Index: 1, Kind: ChainReordered}},
		{"swap two entries", func(s *PointsSnapshot) {
			s.Entries[0], s.Entries[1] = s.Entries[1], s.Entries[0]
			s.Chain[0], s.Chain[1] = s.Chain[1], s.Chain[0]
		}, true, ChainError{Index: 0, Kind: ChainReordered}},
		{"truncate the tail", func(s *PointsSnapshot) { s.Entries, s.Chain = s.Entries[:3], s.Chain[:3] }, false,
			ChainError{Index: 3, Kind: ChainTruncated}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := l.Snapshot()
			tc.tamper(&s)
			err := VerifyPoints(s, &head)
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, *ce)
			assert.ErrorIs(t, err, ErrInvalid)
			_, err = RestorePointsLedger(s)
			if !tc.restore {
				assert.NoError(t, err)
				return
			}
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, *ce)
			assert.EqualError(t, err, "incentive: entries["+itoa(tc.want.Index)+"]: hash chain broken: "+tc.want.Kind.String())
		})
	}
}

// The golden files pin the chained formats: the chain is an optional
// field of version 1.
func TestChainedSnapshotGolden(t *testing.T) {
	b, _ := chainedBook(t)
	snap, err := b.Snapshot()
	require.NoError(t, err)
	doc := golden(t, "book_snapshot_chain.golden.json", snap)
	var back BookSnapshot
	require.NoError(t, json.Unmarshal(doc, &back))
	assert.NoError(t, VerifyBook(back, nil))
	r, err := RestoreBook(back)
	require.NoError(t, err)
	assert.True(t, r.Chained())
	again, err := r.Snapshot()
	require.NoError(t, err)
	golden(t, "book_snapshot_chain.golden.json", again)

	pdoc := golden(t, "points_snapshot_chain.golden.json", busyLedger(t, WithChain()).Snapshot())
	var pback PointsSnapshot
	require.NoError(t, json.Unmarshal(pdoc, &pback))
	l, err := RestorePointsLedger(pback)
	require.NoError(t, err)
	golden(t, "points_snapshot_chain.golden.json", l.Snapshot())
}

// TestChainedConcurrent posts to a chained Book and ledger from many
// goroutines while snapshotting: every snapshot verifies.
func TestChainedConcurrent(t *testing.T) {
	b, clk := chainedBook(t)
	l := NewPointsLedger(WithChain())
	at := clk.Now().Add(time.Hour)
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				key := fmt.Sprint(w, "-", i)
				_, _ = b.AdjustAt(at, AdjustmentRequest{Person: "carol", Period: "2026-10", Amount: MustMoney("USD 0.01"),
					Reason: key, Approver: "sup"})
				_, _, _ = l.EarnAt(at, key, fmt.Sprint("acct", w%2), 1, "")
				if i%10 == 0 {
					s, err := b.Snapshot()
					if err == nil {
						err = VerifyBook(s, nil)
					}
					if err := errors.Join(err, VerifyPoints(l.Snapshot(), nil)); err != nil {
						t.Errorf("a live snapshot does not verify: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	s, err := b.Snapshot()
	require.NoError(t, err)
	head, _ := b.ChainHead()
	assert.NoError(t, VerifyBook(s, &head))
	ph, _ := l.ChainHead()
	assert.Equal(t, 300, ph.Len)
	assert.NoError(t, VerifyPoints(l.Snapshot(), &ph))
}
