package incentive

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/internal/hashchain"
	"github.com/sqkit/sqkit/internal/sqerr"
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
//
// Each account's postings run forward in time: a posting dated before the
// account's latest entry is refused with an error matching
// ErrTimeBackwards (a zero instant with ErrInput), so an account's balance
// never goes negative in time order either. The ledger is append-only and
// safe for concurrent use.
type PointsLedger struct {
	mu       sync.Mutex
	clock    clock.Clock
	entries  []PointsEntry
	byKey    map[string]int
	accounts map[string]pointsAccount
	chain    *hashchain.State[PointsEntry] // nil: not chained (WithChain)
}

// pointsAccount is the running state of one account.
type pointsAccount struct {
	balance int64
	last    time.Time // instant of its latest entry
}

// NewPointsLedger returns an empty ledger. Its clock comes from WithClock
// (default clock.New()).
func NewPointsLedger(opts ...Option) *PointsLedger {
	cfg := newConfig(opts)
	l := &PointsLedger{clock: cfg.clock, byKey: map[string]int{}, accounts: map[string]pointsAccount{}}
	if cfg.chain {
		l.chain = pointsChain.NewState()
	}
	return l
}

// Earn credits points (> 0) to account now; see PostAt.
func (l *PointsLedger) Earn(key, account string, points int64, reason string) (PointsEntry, bool, error) {
	return l.EarnAt(l.clock.Now(), key, account, points, reason)
}

// EarnAt credits points (> 0) to account at t; see PostAt.
func (l *PointsLedger) EarnAt(t time.Time, key, account string, points int64, reason string) (PointsEntry, bool, error) {
	if points <= 0 {
		return PointsEntry{}, false, fmt.Errorf("%w: earn %d points: must be positive", ErrInvalid, points)
	}
	return l.PostAt(t, key, account, points, reason)
}

// Redeem debits points (> 0) from account now; see PostAt.
func (l *PointsLedger) Redeem(key, account string, points int64, reason string) (PointsEntry, bool, error) {
	return l.RedeemAt(l.clock.Now(), key, account, points, reason)
}

// RedeemAt debits points (> 0) from account at t; see PostAt.
func (l *PointsLedger) RedeemAt(t time.Time, key, account string, points int64, reason string) (PointsEntry, bool, error) {
	if points <= 0 {
		return PointsEntry{}, false, fmt.Errorf("%w: redeem %d points: must be positive", ErrInvalid, points)
	}
	return l.PostAt(t, key, account, -points, reason)
}

// PostAt applies a posting of points (positive to earn, negative to
// redeem) at t. applied is false when the key was already posted with the
// same content, in which case the original entry is returned (whatever
// t). A redemption larger than the balance is ErrInsufficientPoints, a t
// before the account's latest entry ErrTimeBackwards and a zero t ErrInput;
// a refused posting changes nothing and does not use up its key.
func (l *PointsLedger) PostAt(t time.Time, key, account string, points int64, reason string) (entry PointsEntry, applied bool, err error) {
	var p problems
	p.required("key", key)
	p.required("account", account)
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
	acc := l.accounts[account]
	switch {
	case t.IsZero():
		return PointsEntry{}, false, errZeroInstant
	case t.Before(acc.last):
		return PointsEntry{}, false, fmt.Errorf("incentive: %s: %v is before the account's latest entry at %v: %w", account, t, acc.last, ErrTimeBackwards)
	case points < 0 && acc.balance < -points:
		return PointsEntry{}, false, fmt.Errorf("%w: %s has %d, redeeming %d", ErrInsufficientPoints, account, acc.balance, -points)
	case points > 0 && acc.balance > math.MaxInt64-points:
		return PointsEntry{}, false, fmt.Errorf("%w: %s balance", ErrOverflow, account)
	}
	e := PointsEntry{Seq: int64(len(l.entries)) + 1, Key: key, Account: account, Points: points, Reason: reason, At: t, Balance: acc.balance + points}
	l.entries = append(l.entries, e)
	if l.chain != nil {
		l.chain.Append(e)
	}
	l.byKey[key] = len(l.entries) - 1
	l.accounts[account] = pointsAccount{balance: e.Balance, last: t}
	return e, true, nil
}

// Balance returns the account's balance (0 for an unknown account).
func (l *PointsLedger) Balance(account string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accounts[account].balance
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

// PointsSnapshotVersion is the Version of the snapshots
// PointsLedger.Snapshot writes; RestorePointsLedger refuses any other.
const PointsSnapshotVersion = 1

// PointsSnapshot is the plain, JSON-serialisable state of a PointsLedger.
type PointsSnapshot struct {
	// Version is the format of the snapshot, PointsSnapshotVersion.
	Version int           `json:"version"`
	Entries []PointsEntry `json:"entries"`
	// Chain (optional) seals Entries, one link per entry, for a ledger made
	// WithChain; RestorePointsLedger and VerifyPoints check it.
	Chain []Link `json:"chain,omitempty"`
}

// Snapshot returns the ledger's entries (and their chain).
func (l *PointsLedger) Snapshot() PointsSnapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := PointsSnapshot{Version: PointsSnapshotVersion, Entries: slices.Clone(l.entries)}
	if l.chain != nil {
		s.Chain = l.chain.Links()
	}
	return s
}

// RestorePointsLedger rebuilds a ledger from a snapshot, with the options
// NewPointsLedger takes. It replays every entry through PostAt at the
// entry's instant, so whatever posting refuses the restore refuses too (a
// negative balance, an empty key or account, zero points, an account's
// entries out of time order), and checks that sequence numbers count from
// 1, keys are not repeated and each balance follows from the postings.
// Every problem is reported at once (errors.Join); a Version other than
// PointsSnapshotVersion is refused first, then a chain that does not seal
// the entries (see VerifyPoints), alone, naming the first bad entry, or a
// missing chain when the restore is given WithChain. The restored ledger
// continues the chain of a snapshot that carries one.
func RestorePointsLedger(s PointsSnapshot, opts ...Option) (*PointsLedger, error) {
	if s.Version != PointsSnapshotVersion {
		return nil, sqerr.Field(ErrInvalid, "version", "points snapshot version %d, this package reads version %d", s.Version, PointsSnapshotVersion)
	}
	l := NewPointsLedger(opts...)
	if err := checkChain(s.Chain, len(s.Entries), l.chain != nil, func() error { return VerifyPoints(s, nil) }); err != nil {
		return nil, err
	}
	if len(s.Chain) > 0 && l.chain == nil {
		l.chain = pointsChain.NewState() // the replay seals the entries again
	}
	var errs problems
	for i, e := range s.Entries {
		p := fmt.Sprintf("entries[%d]", i)
		if e.Seq != int64(i)+1 {
			errs.add(p+".seq", "%d, want %d", e.Seq, i+1)
		}
		if _, dup := l.byKey[e.Key]; dup && e.Key != "" {
			errs.add(p+".key", "%q repeated", e.Key)
			continue
		}
		got, _, err := l.PostAt(e.At, e.Key, e.Account, e.Points, e.Reason)
		if err != nil {
			errs = append(errs, restoreProblem(p, err))
		} else if got.Balance != e.Balance {
			errs.add(p+".balance", "%d, but the postings give %d", e.Balance, got.Balance)
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return l, nil
}

// MarshalJSON encodes the ledger as its snapshot.
func (l *PointsLedger) MarshalJSON() ([]byte, error) { return json.Marshal(l.Snapshot()) }

// UnmarshalJSON restores the ledger from a snapshot (see
// RestorePointsLedger), keeping its clock (or clock.New() for a zero
// ledger); a ledger made WithChain requires the snapshot's chain.
func (l *PointsLedger) UnmarshalJSON(b []byte) error {
	var s PointsSnapshot
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// The clock of a ledger in use is never replaced: Earn and Redeem read
	// it without the lock.
	if l.clock == nil {
		l.clock = clock.New()
	}
	opts := []Option{WithClock(l.clock)}
	if l.chain != nil {
		opts = append(opts, WithChain())
	}
	r, err := RestorePointsLedger(s, opts...)
	if err != nil {
		return err
	}
	l.entries, l.byKey, l.accounts, l.chain = r.entries, r.byKey, r.accounts, r.chain
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
