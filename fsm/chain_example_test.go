package fsm_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sqkit/sqkit/fsm"
)

// A chained ticket: the host stores the snapshot in one place and its
// chain head in another; a snapshot edited, reordered or cut short there
// is caught.
func ExampleWithChain() {
	ctx := context.Background()
	m, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithClock(fakeClock()), fsm.WithID("T-1"), fsm.WithChain())
	_, _, _ = m.FireAssign(ctx, fsm.TicketAssign, "ann", fsm.By{Actor: "dispatcher"})
	_, _ = m.Fire(ctx, fsm.TicketStart, fsm.By{Actor: "ann"})
	_, _ = m.Fire(ctx, fsm.TicketWaitCustomer, fsm.By{Actor: "ann", Reason: "asked for the invoice"})
	snap := m.Snapshot()
	head, _ := snap.ChainHead()
	fmt.Println("head of", head.Len, "records; verifies:", fsm.VerifyHistory(snap, &head) == nil)

	// Someone edits the stored reason.
	snap.History[2].Reason = "customer never answered"
	_, err := fsm.Restore(snap, fsm.WithDefinition(fsm.TicketDefinition()))
	var ce *fsm.ChainError
	if errors.As(err, &ce) {
		fmt.Println("restore refused at record", ce.Index, "("+ce.Kind.String()+")")
	}

	// Someone drops the last record (and moves the state back).
	snap = m.Snapshot()
	snap.History, snap.Chain, snap.State = snap.History[:2], snap.Chain[:2], fsm.TicketInProgress
	fmt.Println(fsm.VerifyHistory(snap, &head))
	// Output:
	// head of 3 records; verifies: true
	// restore refused at record 2 (edited)
	// fsm: history[2]: hash chain broken: truncated
}

// A redacted snapshot for an archive or an analyst: the customer's words
// are replaced, the staff and the timing stay; it cannot be restored.
func ExampleSnapshot_Redact() {
	ctx := context.Background()
	m, _ := fsm.NewMachine(fsm.TicketDefinition(), fsm.WithClock(fakeClock()), fsm.WithID("T-1"))
	_, _, _ = m.FireAssign(ctx, fsm.TicketAssign, "ann", fsm.By{Actor: "dispatcher", Reason: "Li Na, 13800138000, no refund"})

	red := m.Snapshot().Redact(fsm.Mask())
	fmt.Println(red.Redaction, red.History[0].Actor, red.History[0].Reason)

	key, _ := fsm.KeyedHash([]byte("the host's secret key"))
	fmt.Println(len(m.Snapshot().Redact(key).History[0].Reason))

	_, err := fsm.Restore(red, fsm.WithDefinition(fsm.TicketDefinition()))
	fmt.Println(errors.Is(err, fsm.ErrRedacted))
	// Output:
	// mask dispatcher [redacted]
	// 37
	// true
}
