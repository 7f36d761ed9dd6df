package incentive

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// PointsEntry is one applied posting of a PointsLedger: positive Points
// earn, negative Points redeem. Balance is the account balance after it.
type PointsEntry struct {
	Seq     int64     `json:"seq"`
	Key     string    `json:"key"`
	Account string    `json:"account"`
	Points  int64     `json:"points"`
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at"`
	Balance int64     `json:"balance"`
}

// PointsLedger is the "service bank": over-achievement earns points,
// redemptions spend them, and no balance ever goes negative. Every posting
// carries an idempotency key: posting the same key again with the same
// account, points and reason returns the original entry without applying it
// twice; reusing a key for a different posting is ErrIdempotencyConflict.
// The ledger is append-only and safe for concurrent use.
type PointsLedger struct {
	mu       sync.Mutex
	clock    clock.Clock
	entries  []PointsEntry
	byKey    map[string]int
	balances map[string]int64
}

// NewPointsLedger returns an empty ledger; a nil clock means clock.New().
func NewPointsLedger(clk clock.Clock) *PointsLedger {
	if clk == nil {
		clk = clock.New()
	}
	return &PointsLedger{clock: clk, byKey: map[string]int{}, balances: map[string]int64{}}
}

// Earn credits points (> 0) to account now; see PostAt.
func (l *PointsLedger) Earn(key, account string, points int64, reason string) (PointsEntry, bool, error) {
	return l.EarnAt(key, account, points, reason, l.clock.Now())
}

// EarnAt credits points (> 0) to account at t; see PostAt.
func (l *PointsLedger) EarnAt(key, account string, points int64, reason string, t time.Time) (PointsEntry, bool, error) {
	if points <= 0 {
		return PointsEntry{}, false, fmt.Errorf("%w: earn %d points: must be positive", ErrInvalid, points)
	}
	return l.PostAt(key, account, points, reason, t)
}

// Redeem debits points (> 0) from account now; see PostAt.
func (l *PointsLedger) Redeem(key, account string, points int64, reason string) (PointsEntry, bool, error) {
	return l.RedeemAt(key, account, points, reason, l.clock.Now())
}

// RedeemAt debits points (> 0) from account at t; see PostAt.
func (l *PointsLedger) RedeemAt(key, account string, points int64, reason string, t time.Time) (PointsEntry, bool, error) {
	if points <= 0 {
		return PointsEntry{}, false, fmt.Errorf("%w: redeem %d points: must be positive", ErrInvalid, points)
	}
	return l.PostAt(key, account, -points, reason, t)
}

// PostAt applies a posting of points (positive to earn, negative to
// redeem) at t. applied is false when the key was already posted with the
// same content, in which case the original entry is returned. A redemption
// larger than the balance is ErrInsufficientPoints and changes nothing.
func (l *PointsLedger) PostAt(key, account string, points int64, reason string, t time.Time) (entry PointsEntry, applied bool, err error) {
	var p problems
	if key == "" {
		p.add("key", "is required")
	}
	if account == "" {
		p.add("account", "is required")
	}
	if points == 0 || points == math.MinInt64 {
		p.add("points", "must be non-zero, got %d", points)
	}
	if err := p.err(); err != nil {
		return PointsEntry{}, false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if i, ok := l.byKey[key]; ok {
		e := l.entries[i]
		if e.Account != account || e.Points != points || e.Reason != reason {
			return PointsEntry{}, false, fmt.Errorf("%w: key %q was %s %+d", ErrIdempotencyConflict, key, e.Account, e.Points)
		}
		return e, false, nil
	}
	bal := l.balances[account]
	if points < 0 && bal < -points {
		return PointsEntry{}, false, fmt.Errorf("%w: %s has %d, redeeming %d", ErrInsufficientPoints, account, bal, -points)
	}
	if points > 0 && bal > math.MaxInt64-points {
		return PointsEntry{}, false, fmt.Errorf("%w: %s balance", ErrOverflow, account)
	}
	e := PointsEntry{Seq: int64(len(l.entries)) + 1, Key: key, Account: account, Points: points, Reason: reason, At: t, Balance: bal + points}
	l.entries = append(l.entries, e)
	l.byKey[key] = len(l.entries) - 1
	l.balances[account] = e.Balance
	return e, true, nil
}

// Balance returns the account's balance (0 for an unknown account).
func (l *PointsLedger) Balance(account string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[account]
}

// Entries returns the account's entries in order; "" returns all entries.
func (l *PointsLedger) Entries(account string) []PointsEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	if account == "" {
		return slices.Clone(l.entries)
	}
	var out []PointsEntry
	for _, e := range l.entries {
		if e.Account == account {
			out = append(out, e)
		}
	}
	return out
}

// PointsSnapshot is the plain, JSON-serialisable state of a PointsLedger.
type PointsSnapshot struct {
	Entries []PointsEntry `json:"entries"`
}

// Snapshot returns the ledger's entries.
func (l *PointsLedger) Snapshot() PointsSnapshot {
	return PointsSnapshot{Entries: l.Entries("")}
}

// RestorePointsLedger replays a snapshot, checking sequence numbers, keys
// and balances, so a tampered snapshot (a negative balance, a balance that
// does not follow from the postings, a repeated key) is rejected.
func RestorePointsLedger(s PointsSnapshot, clk clock.Clock) (*PointsLedger, error) {
	l := NewPointsLedger(clk)
	for i, e := range s.Entries {
		if e.Seq != int64(i)+1 {
			return nil, fmt.Errorf("%w: entries[%d].seq = %d, want %d", ErrInvalid, i, e.Seq, i+1)
		}
		if _, dup := l.byKey[e.Key]; dup {
			return nil, fmt.Errorf("%w: entries[%d].key %q repeated", ErrInvalid, i, e.Key)
		}
		got, applied, err := l.PostAt(e.Key, e.Account, e.Points, e.Reason, e.At)
		if err != nil {
			return nil, fmt.Errorf("incentive: entries[%d]: %w", i, err)
		}
		if !applied || got.Balance != e.Balance {
			return nil, fmt.Errorf("%w: entries[%d].balance = %d, replay gives %d", ErrInvalid, i, e.Balance, got.Balance)
		}
	}
	return l, nil
}

// MarshalJSON encodes the ledger as its snapshot.
func (l *PointsLedger) MarshalJSON() ([]byte, error) { return json.Marshal(l.Snapshot()) }

// UnmarshalJSON restores the ledger from a snapshot, keeping its clock (or
// clock.New() for a zero ledger).
func (l *PointsLedger) UnmarshalJSON(b []byte) error {
	var s PointsSnapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	clk := l.clock
	r, err := RestorePointsLedger(s, clk)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clock, l.entries, l.byKey, l.balances = r.clock, r.entries, r.byKey, r.balances
	return nil
}

// OverAchievementPoints converts the part of score above threshold into
// points: floor((score - threshold) × perUnit), never negative. For
// example a total score of 1.15 over a threshold of 1 at 1000 points per
// unit earns 150 points.
func OverAchievementPoints(score, threshold, perUnit Decimal) (int64, error) {
	above, err := score.Sub(threshold)
	if err != nil {
		return 0, err
	}
	if above.Sign() <= 0 || perUnit.Sign() <= 0 {
		return 0, nil
	}
	p, err := above.Mul(perUnit)
	if err != nil {
		return 0, err
	}
	p, err = p.Round(0, Down)
	if err != nil {
		return 0, err
	}
	return p.coef, nil
}
