package incentive

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPointsLedger(t *testing.T) {
	clk := clock.NewMock()
	l := NewPointsLedger(WithClock(clk))
	e, applied, err := l.Earn("2026-10/alice/over", "alice", 150, "score 1.15 over 1")
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Equal(t, int64(150), e.Balance)

	// Same key, same posting: applied once.
	e2, applied, err := l.Earn("2026-10/alice/over", "alice", 150, "score 1.15 over 1")
	require.NoError(t, err)
	assert.False(t, applied)
	assert.Equal(t, e, e2)
	assert.Equal(t, int64(150), l.Balance("alice"))

	// Same key, different posting: conflict.
	_, _, err = l.Earn("2026-10/alice/over", "alice", 151, "score 1.15 over 1")
	require.ErrorIs(t, err, ErrIdempotencyConflict)

	clk.Add(time.Hour)
	_, applied, err = l.Redeem("r1", "alice", 100, "day off")
	require.NoError(t, err)
	assert.True(t, applied)
	_, _, err = l.Redeem("r2", "alice", 51, "gift")
	require.ErrorIs(t, err, ErrInsufficientPoints)
	assert.Equal(t, int64(50), l.Balance("alice"))
	// A rejected posting does not burn its key.
	_, applied, err = l.Redeem("r2", "alice", 50, "gift")
	require.NoError(t, err)
	assert.True(t, applied)
	assert.Equal(t, int64(0), l.Balance("alice"))

	_, _, err = l.Redeem("r3", "alice", 0, "")
	require.ErrorIs(t, err, ErrInvalid)
	_, _, err = l.Earn("", "", 0, "")
	require.ErrorIs(t, err, ErrInvalid)
	assert.Len(t, l.Entries("alice"), 3)
}

func TestPointsLedgerJSONRoundTrip(t *testing.T) {
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	l := NewPointsLedger(WithClock(clk))
	_, _, err := l.Earn("k1", "alice", 150, "over")
	require.NoError(t, err)
	_, _, err = l.Earn("k2", "bob", 40, "over")
	require.NoError(t, err)
	_, _, err = l.Redeem("k3", "alice", 20, "lunch")
	require.NoError(t, err)
	raw, err := json.Marshal(l)
	require.NoError(t, err)
	back := NewPointsLedger(WithClock(clk))
	require.NoError(t, json.Unmarshal(raw, back))
	assert.Equal(t, l.Entries(""), back.Entries(""))
	assert.Equal(t, int64(130), back.Balance("alice"))
	// Idempotency survives the round trip.
	_, applied, err := back.Earn("k1", "alice", 150, "over")
	require.NoError(t, err)
	assert.False(t, applied)

	// Tampered snapshots are rejected.
	var s PointsSnapshot
	require.NoError(t, json.Unmarshal(raw, &s))
	s.Entries[2].Points = -200
	s.Entries[2].Balance = -50
	_, err = RestorePointsLedger(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInsufficientPoints)
	require.NoError(t, json.Unmarshal(raw, &s))
	s.Entries[1].Balance = 41
	_, err = RestorePointsLedger(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalid)
	require.NoError(t, json.Unmarshal(raw, &s))
	s.Entries[1].Key = "k1"
	_, err = RestorePointsLedger(s, WithClock(clk))
	require.ErrorIs(t, err, ErrInvalid)
}

func TestPointsLedgerConcurrent(t *testing.T) {
	l := NewPointsLedger(WithClock(clock.NewMock()))
	_, _, err := l.Earn("seed", "pool", 1000, "")
	require.NoError(t, err)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				// Every worker retries the same keys: each applies once.
				_, _, err := l.Earn(fmt.Sprintf("earn-%d", i), "pool", 1, "")
				assert.NoError(t, err)
				_, _, err = l.Redeem(fmt.Sprintf("redeem-%d-%d", w, i), "pool", 3, "")
				if err != nil {
					assert.ErrorIs(t, err, ErrInsufficientPoints)
				}
				assert.GreaterOrEqual(t, l.Balance("pool"), int64(0))
			}
		}()
	}
	wg.Wait()
	var sum int64
	for _, e := range l.Entries("pool") {
		sum += e.Points
	}
	assert.Equal(t, l.Balance("pool"), sum)
	assert.GreaterOrEqual(t, sum, int64(0))
	earned := 0
	for _, e := range l.Entries("") {
		if e.Points == 1 {
			earned++
		}
	}
	assert.Equal(t, 200, earned)
}

// TestPointsLedgerUnmarshalWhileInUse: UnmarshalJSON on a ledger in use
// keeps its clock, so that Earn, which reads the clock without the lock,
// does not race with it (the race detector reports it otherwise).
func TestPointsLedgerUnmarshalWhileInUse(t *testing.T) {
	mock := clock.NewMock()
	l := NewPointsLedger(WithClock(mock))
	raw, err := NewPointsLedger().MarshalJSON()
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 100 {
			assert.NoError(t, l.UnmarshalJSON(raw))
		}
	}()
	go func() {
		defer wg.Done()
		for i := range 100 {
			_, _, err := l.Earn(fmt.Sprint(i), "acct", 1, "")
			assert.NoError(t, err)
		}
	}()
	wg.Wait()
	e, _, err := l.Earn("last", "acct", 1, "")
	require.NoError(t, err)
	assert.Equal(t, mock.Now(), e.At, "the ledger keeps the clock it was made with")
}

func TestOverAchievementPoints(t *testing.T) {
	for _, tt := range []struct {
		score string
		want  int64
	}{{"1.15", 150}, {"1", 0}, {"0.9", 0}, {"1.0005", 0}, {"1.2345", 234}} {
		p, err := OverAchievementPoints(MustDecimal(tt.score), MustDecimal("1"), MustDecimal("1000"))
		require.NoError(t, err)
		assert.Equal(t, tt.want, p, tt.score)
	}
}

func TestPointsLedgerAt(t *testing.T) {
	l := NewPointsLedger(WithClock(clock.NewMock()))
	at := time.Date(2026, 10, 31, 18, 0, 0, 0, time.UTC)
	e, _, err := l.EarnAt(at, "k", "a", 5, "")
	require.NoError(t, err)
	assert.Equal(t, at, e.At)
	e, _, err = l.RedeemAt(at.Add(time.Hour), "k2", "a", 5, "")
	require.NoError(t, err)
	assert.Equal(t, int64(0), e.Balance)
	_, _, err = l.EarnAt(at, "k3", "a", -5, "")
	require.ErrorIs(t, err, ErrInvalid)
}

// busyLedger returns a ledger with earnings and redemptions on two accounts.
func busyLedger(t *testing.T, opts ...Option) *PointsLedger {
	t.Helper()
	clk := clock.NewMock()
	clk.Set(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	l := NewPointsLedger(append([]Option{WithClock(clk)}, opts...)...)
	for _, p := range []struct {
		key, account string
		points       int64
		reason       string
	}{{"2026-10/alice/over", "alice", 150, "score 1.15"}, {"2026-10/bob/over", "bob", 40, "score 1.04"},
		{"r-1", "alice", -100, "day off"}, {"r-2", "bob", -40, "gift card"}} {
		_, applied, err := l.PostAt(clk.Now(), p.key, p.account, p.points, p.reason)
		require.NoError(t, err)
		require.True(t, applied)
		clk.Add(time.Hour)
	}
	return l
}

func TestPointsTimeRunsForwardPerAccount(t *testing.T) {
	l := busyLedger(t)
	last := l.Entries("alice")[1].At
	_, _, err := l.EarnAt(last.Add(-time.Second), "k", "alice", 5, "")
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, _, err = l.EarnAt(time.Time{}, "k", "alice", 5, "")
	require.ErrorIs(t, err, ErrInput)
	// A refused posting does not use up its key; a retry of a posted key
	// returns the original whatever its instant.
	e, applied, err := l.EarnAt(last, "k", "alice", 5, "")
	require.NoError(t, err)
	require.True(t, applied)
	again, applied, err := l.EarnAt(time.Time{}, "k", "alice", 5, "")
	require.NoError(t, err)
	assert.False(t, applied)
	assert.Equal(t, e, again)
	// Accounts are independent.
	_, _, err = l.EarnAt(last.Add(-time.Hour), "k2", "carol", 5, "")
	require.NoError(t, err)
}

func TestRestorePointsLedgerRefusesWhatPostingRefuses(t *testing.T) {
	good := busyLedger(t).Snapshot()
	tests := []struct {
		name   string
		mutate func(*PointsSnapshot)
		is     error
		want   string
	}{
		{"account out of time order", func(s *PointsSnapshot) { s.Entries[2].At = s.Entries[0].At.Add(-time.Minute) },
			ErrTimeBackwards, "incentive: entries[2]: alice: 2026-11-01 08:59:00 +0000 UTC is before the account's latest entry"},
		{"zero instant", func(s *PointsSnapshot) { s.Entries[1].At = time.Time{} }, ErrInput, "incentive: entries[1]: invalid input: zero instant"},
		{"empty key", func(s *PointsSnapshot) { s.Entries[1].Key = "" }, ErrInvalid, "incentive: entries[1].key: is required"},
		{"empty account", func(s *PointsSnapshot) { s.Entries[1].Account = "" }, ErrInvalid, "incentive: entries[1].account: is required"},
		{"sequence", func(s *PointsSnapshot) { s.Entries[3].Seq = 7 }, ErrInvalid, "incentive: entries[3].seq: 7, want 4"},
		{"balance", func(s *PointsSnapshot) { s.Entries[2].Balance = 49 }, ErrInvalid, "incentive: entries[2].balance: 49, but the postings give 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			s.Entries = slices.Clone(good.Entries)
			tt.mutate(&s)
			l, err := RestorePointsLedger(s)
			assert.Nil(t, l)
			require.ErrorIs(t, err, ErrInvalid)
			require.ErrorIs(t, err, tt.is)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
