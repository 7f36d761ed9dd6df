package incentive

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func issuedBook(t *testing.T) (*Book, *clock.Mock, Statement) {
	t.Helper()
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	b := NewBook(WithClock(clk))
	st, err := mustCompile(t, servicePlan()).Statement(Input{Person: "alice", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("250")})
	require.NoError(t, err)
	require.NoError(t, b.Issue(st))
	return b, clk, st
}

func TestBookAppealFlow(t *testing.T) {
	b, clk, st := issuedBook(t)
	before, err := st.Canonical()
	require.NoError(t, err)
	require.ErrorIs(t, b.Issue(st), ErrDuplicate)

	clk.Add(time.Hour)
	a, err := b.FileAppeal(AppealRequest{ID: "ap-1", Person: "alice", Period: "2026-10", Reason: "CSAT survey miscounted", FiledBy: "alice"})
	require.NoError(t, err)
	assert.Equal(t, AppealPending, a.Status)
	frozen, err := b.Frozen("alice", "2026-10")
	require.NoError(t, err)
	assert.True(t, frozen)

	// Frozen: no second appeal and no adjustment.
	_, err = b.FileAppeal(AppealRequest{ID: "ap-2", Person: "alice", Period: "2026-10", Reason: "again"})
	require.ErrorIs(t, err, ErrFrozen)
	_, err = b.Adjust(AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "x", Approver: "y"})
	require.ErrorIs(t, err, ErrFrozen)

	clk.Add(24 * time.Hour)
	_, err = b.Decide(Decision{Appeal: "ap-1", Approve: true, Amount: MustMoney("USD 12.50")})
	require.ErrorIs(t, err, ErrInvalid) // reason and approver required
	a, err = b.Decide(Decision{Appeal: "ap-1", Approve: true, Amount: MustMoney("USD 12.50"), Reason: "two surveys were duplicates", Approver: "supervisor"})
	require.NoError(t, err)
	assert.Equal(t, AppealApproved, a.Status)
	assert.Equal(t, "adj-1", a.Adjustment)
	require.NotNil(t, a.DecidedAt)
	assert.Equal(t, clk.Now(), *a.DecidedAt)
	_, err = b.Decide(Decision{Appeal: "ap-1", Reason: "r", Approver: "s"})
	require.ErrorIs(t, err, ErrAppealState)

	net, err := b.Net("alice", "2026-10")
	require.NoError(t, err)
	assert.Equal(t, "USD 412.50", net.String())

	// The issued statement is untouched.
	got, err := b.Statement("alice", "2026-10")
	require.NoError(t, err)
	after, err := got.Canonical()
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))

	// Unfrozen: a manual adjustment now posts; a second appeal can be rejected.
	_, err = b.Adjust(AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: MustMoney("USD -2.50"), Reason: "rounding correction", Approver: "payroll"})
	require.NoError(t, err)
	_, err = b.FileAppeal(AppealRequest{ID: "ap-2", Person: "alice", Period: "2026-10", Reason: "NPS too"})
	require.NoError(t, err)
	_, err = b.Decide(Decision{Appeal: "ap-2", Amount: MustMoney("USD 1.00"), Reason: "no", Approver: "s"})
	require.ErrorIs(t, err, ErrInvalid) // a rejection carries no amount
	a, err = b.Decide(Decision{Appeal: "ap-2", Reason: "survey was valid", Approver: "supervisor"})
	require.NoError(t, err)
	assert.Equal(t, AppealRejected, a.Status)
	net, err = b.Net("alice", "2026-10")
	require.NoError(t, err)
	assert.Equal(t, "USD 410.00", net.String())

	var kinds []EventKind
	for _, e := range b.History("alice", "2026-10") {
		kinds = append(kinds, e.Kind)
	}
	assert.Equal(t, []EventKind{EventIssued, EventAppealed, EventAdjusted, EventApproved, EventAdjusted, EventAppealed, EventRejected}, kinds)
	adjs, err := b.Adjustments("alice", "2026-10")
	require.NoError(t, err)
	require.Len(t, adjs, 2)
	assert.Equal(t, "ap-1", adjs[0].Appeal)
}

func TestBookErrors(t *testing.T) {
	b, _, _ := issuedBook(t)
	_, err := b.FileAppeal(AppealRequest{Person: "alice", Period: "2026-10"})
	require.ErrorIs(t, err, ErrInvalid)
	assert.Contains(t, err.Error(), "id: is required")
	assert.Contains(t, err.Error(), "reason: is required")
	_, err = b.FileAppeal(AppealRequest{ID: "x", Person: "bob", Period: "2026-10", Reason: "r"})
	require.ErrorIs(t, err, ErrNotFound)
	_, err = b.Decide(Decision{Appeal: "nope", Reason: "r", Approver: "a"})
	require.ErrorIs(t, err, ErrNotFound)
	_, err = b.Adjust(AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: MustMoney("EUR 1.00"), Reason: "r", Approver: "a"})
	require.ErrorIs(t, err, ErrInvalid)
	_, err = b.Adjust(AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: NewMoney("USD", 0), Reason: "r", Approver: "a"})
	require.ErrorIs(t, err, ErrInvalid)
	_, err = b.Statement("bob", "2026-10")
	require.ErrorIs(t, err, ErrNotFound)
	require.ErrorIs(t, b.Issue(Statement{}), ErrInvalid)
}

func TestBookSnapshotRoundTrip(t *testing.T) {
	b, clk, _ := issuedBook(t)
	st2, err := mustCompile(t, servicePlan()).Statement(Input{Person: "bob", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("80")})
	require.NoError(t, err)
	require.NoError(t, b.Issue(st2))
	_, err = b.FileAppeal(AppealRequest{ID: "ap-1", Person: "alice", Period: "2026-10", Reason: "r"})
	require.NoError(t, err)
	_, err = b.Adjust(AdjustmentRequest{Person: "bob", Period: "2026-10", Amount: MustMoney("USD 3.00"), Reason: "r", Approver: "a"})
	require.NoError(t, err)
	_, err = b.Decide(Decision{Appeal: "ap-1", Approve: true, Amount: MustMoney("USD 1.00"), Reason: "ok", Approver: "s"})
	require.NoError(t, err)
	_, err = b.FileAppeal(AppealRequest{ID: "ap-2", Person: "bob", Period: "2026-10", Reason: "pending one"})
	require.NoError(t, err)

	snap, err := b.Snapshot()
	require.NoError(t, err)
	raw, err := json.Marshal(snap)
	require.NoError(t, err)
	var back BookSnapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	r, err := RestoreBook(back, WithClock(clk))
	require.NoError(t, err)
	snap2, err := r.Snapshot()
	require.NoError(t, err)
	raw2, err := json.Marshal(snap2)
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(raw2))
	frozen, err := r.Frozen("bob", "2026-10")
	require.NoError(t, err)
	assert.True(t, frozen)
	for _, p := range []string{"alice", "bob"} {
		n1, _ := b.Net(p, "2026-10")
		n2, _ := r.Net(p, "2026-10")
		assert.Equal(t, n1, n2)
		s1, _ := b.Statement(p, "2026-10")
		s2, _ := r.Statement(p, "2026-10")
		c1, _ := s1.Canonical()
		c2, _ := s2.Canonical()
		assert.Equal(t, string(c1), string(c2))
	}
	// Restored adjustment numbering continues.
	adj, err := r.Adjust(AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: MustMoney("USD 1.00"), Reason: "r", Approver: "a"})
	require.NoError(t, err)
	assert.Equal(t, "adj-3", adj.ID)
}

func TestBookConcurrent(t *testing.T) {
	clk := clock.NewMock()
	b := NewBook(WithClock(clk))
	c := mustCompile(t, servicePlan())
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				person := fmt.Sprintf("p%d-%d", w, i)
				st, err := c.Statement(Input{Person: person, Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("10")})
				assert.NoError(t, err)
				assert.NoError(t, b.Issue(st))
				_, err = b.FileAppeal(AppealRequest{ID: "ap-" + person, Person: person, Period: "2026-10", Reason: "r"})
				assert.NoError(t, err)
				_, err = b.Decide(Decision{Appeal: "ap-" + person, Approve: true, Amount: MustMoney("USD 1.00"), Reason: "ok", Approver: "s"})
				assert.NoError(t, err)
				_, _ = b.Net(person, "2026-10")
				_ = b.History(person, "2026-10")
			}
		}()
	}
	wg.Wait()
	assert.Len(t, b.History("", ""), 8*20*4)
}

func TestRestoreBookChecksAdjustments(t *testing.T) {
	b, _, _ := issuedBook(t)
	_, err := b.Adjust(AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: MustMoney("USD 3.00"), Reason: "r", Approver: "a"})
	require.NoError(t, err)
	snap, err := b.Snapshot()
	require.NoError(t, err)

	bad := snap
	bad.Adjustments = []Adjustment{snap.Adjustments[0]}
	bad.Adjustments[0].Amount = MustMoney("EUR 3.00")
	_, err = RestoreBook(bad)
	require.ErrorIs(t, err, ErrInvalid)

	// An adjustment whose sum with the total does not fit would make Net
	// wrong; the restore refuses it.
	bad.Adjustments[0].Amount = NewMoney("USD", math.MaxInt64)
	_, err = RestoreBook(bad)
	require.ErrorIs(t, err, ErrOverflow)

	r, err := RestoreBook(snap)
	require.NoError(t, err)
	n, err := r.Net("alice", "2026-10")
	require.NoError(t, err)
	want, err := b.Net("alice", "2026-10")
	require.NoError(t, err)
	assert.Equal(t, want, n)
}

// adjustedAndAppealed returns the snapshot of a book whose statement has an
// adjustment and a pending appeal.
func adjustedAndAppealed(t *testing.T) BookSnapshot {
	t.Helper()
	b, _, _ := issuedBook(t)
	_, err := b.Adjust(AdjustmentRequest{Person: "alice", Period: "2026-10", Amount: MustMoney("USD 3.00"), Reason: "r", Approver: "a"})
	require.NoError(t, err)
	_, err = b.FileAppeal(AppealRequest{ID: "ap-1", Person: "alice", Period: "2026-10", Reason: "r"})
	require.NoError(t, err)
	snap, err := b.Snapshot()
	require.NoError(t, err)
	return snap
}

func TestRestoreBookChecksSequenceAndAppeals(t *testing.T) {
	snap := adjustedAndAppealed(t)

	// A sequence behind the adjustments would hand out "adj-1" again.
	bad := snap
	bad.AdjSeq = 0
	_, err := RestoreBook(bad)
	require.ErrorIs(t, err, ErrInvalid)

	bad = snap
	bad.Adjustments = append(slices.Clone(snap.Adjustments), snap.Adjustments[0])
	bad.AdjSeq = 2
	_, err = RestoreBook(bad)
	require.ErrorIs(t, err, ErrInvalid)

	// Two pending appeals cannot freeze one statement.
	bad = snap
	second := snap.Appeals[0]
	second.ID = "ap-2"
	bad.Appeals = append(slices.Clone(snap.Appeals), second)
	_, err = RestoreBook(bad)
	require.ErrorIs(t, err, ErrInvalid)

	_, err = RestoreBook(snap)
	require.NoError(t, err)
}

func TestRestoreBookChecksHistory(t *testing.T) {
	snap := adjustedAndAppealed(t)
	require.Len(t, snap.Events, 3)

	// Each tampered history names something the state does not hold; the
	// restore refuses it instead of leaving a Book whose Snapshot fails.
	tamper := map[string]func(e []Event) []Event{
		"issued for an unknown statement": func(e []Event) []Event {
			return append(e, Event{Seq: 4, Kind: EventIssued, Person: "bob", Period: "2026-10"})
		},
		"appeal not in the snapshot": func(e []Event) []Event {
			return append(e, Event{Seq: 4, Kind: EventAppealed, Person: "alice", Period: "2026-10", Appeal: "ap-9"})
		},
		"more adjustments than posted": func(e []Event) []Event {
			return append(e, Event{Seq: 4, Kind: EventAdjusted, Person: "alice", Period: "2026-10"})
		},
		"statement never issued": func(e []Event) []Event { return e[1:] },
		"sequence out of order": func(e []Event) []Event {
			e[2].Seq = 7
			return e
		},
	}
	for name, f := range tamper {
		bad := snap
		bad.Events = f(slices.Clone(snap.Events))
		var r *Book
		var err error
		require.NotPanics(t, func() { r, err = RestoreBook(bad) }, name)
		require.ErrorIs(t, err, ErrInvalid, name)
		assert.Nil(t, r, name)
	}
	r, err := RestoreBook(snap)
	require.NoError(t, err)
	_, err = r.Snapshot()
	require.NoError(t, err)
}
