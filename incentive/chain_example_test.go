package incentive_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/sqkit/sqkit/incentive"
)

// A chained points ledger: the host keeps the head apart from the stored
// snapshot, so an edited posting and a removed last posting are both
// caught.
func ExampleWithChain() {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	l := incentive.NewPointsLedger(incentive.WithChain())
	_, _, _ = l.EarnAt(at, "2026-10/alice", "alice", 150, "score 1.15")
	_, _, _ = l.RedeemAt(at.Add(time.Hour), "r-1", "alice", 100, "day off")
	_, _, _ = l.EarnAt(at.Add(2*time.Hour), "2026-10/bob", "bob", 40, "score 1.04")
	head, _ := l.ChainHead()

	s := l.Snapshot()
	s.Entries[1].Points, s.Entries[1].Balance = -10, 140 // a smaller redemption
	_, err := incentive.RestorePointsLedger(s)
	var ce *incentive.ChainError
	if errors.As(err, &ce) {
		fmt.Println("refused: entry", ce.Index, ce.Kind)
	}

	s = l.Snapshot()
	s.Entries, s.Chain = s.Entries[:2], s.Chain[:2]
	_, err = incentive.RestorePointsLedger(s)
	fmt.Println("restores:", err == nil)
	fmt.Println(incentive.VerifyPoints(s, &head))
	// Output:
	// refused: entry 1 edited
	// restores: true
	// incentive: entries[2]: hash chain broken: truncated
}
