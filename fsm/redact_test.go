package fsm

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const secret = "Zhang Wei 13800138000"

// secretComplaint is busyComplaint with the customer's name and phone
// number in the reason of every kind of record.
func secretComplaint(t *testing.T) *Machine {
	t.Helper()
	m := busyComplaint(t)
	_, err := m.Fire(context.Background(), ComplaintFeedBack, By{Actor: "sam", Reason: "called " + secret})
	require.NoError(t, err)
	_, err = m.Transfer("ann", By{Actor: "sam", Reason: "customer " + secret + " asked for ann"})
	require.NoError(t, err)
	_, err = m.Escalate(By{Actor: "ann", Reason: secret + " threatens the press"})
	require.NoError(t, err)
	_, err = m.ApproveAs("mgr", RoleManager, "goodwill for "+secret)
	require.NoError(t, err)
	_, err = m.Mark(FiveConfirmations, ItemSolution, By{Actor: "ann", Reason: "agreed with " + secret})
	require.NoError(t, err)
	return m
}

func TestRedactSnapshot(t *testing.T) {
	m := secretComplaint(t)
	before := m.Snapshot()
	red := before.Redact(Mask())
	assert.Equal(t, "mask", red.Redaction)
	data, err := json.Marshal(red)
	require.NoError(t, err)
	assert.NotContains(t, string(data), "Zhang")
	assert.NotContains(t, string(data), "13800138000")
	assert.Contains(t, string(data), `"reason":"[redacted]"`)

	// Staff identities, states and instants are kept.
	assert.Equal(t, before.Owner, red.Owner)
	assert.Equal(t, before.History[0].Actor, red.History[0].Actor)
	assert.Equal(t, before.History[len(before.History)-1].At, red.History[len(red.History)-1].At)
	assert.Equal(t, before.Approval.Approver, red.Approval.Approver)
	assert.Equal(t, "", red.History[0].Reason, "an empty reason stays empty")

	// Neither the machine nor the snapshot redacted is changed.
	assert.Equal(t, before, m.Snapshot())
	assert.Contains(t, before.Approval.Reason, secret)
	assert.Contains(t, before.ReplacedApprovals[0].Reason, "goodwill refund")
}

func TestRedactKeyedHashIsJoinable(t *testing.T) {
	p, err := KeyedHash([]byte("a host key, 16 bytes or more"))
	require.NoError(t, err)
	a := secretComplaint(t).Snapshot().Redact(p)
	b := secretComplaint(t).Snapshot().Redact(p)
	assert.Equal(t, "hmac-sha256", a.Redaction)
	assert.Equal(t, a.Approval.Reason, b.Approval.Reason, "equal values, equal placeholders")
	assert.NotEqual(t, a.Approval.Reason, a.Escalations[1].Reason)
	assert.Regexp(t, `^hmac:[0-9a-f]{32}$`, a.Approval.Reason)
	assert.Equal(t, a, a.Redact(p), "redacting twice changes nothing more")

	_, err = KeyedHash([]byte("short"))
	assert.ErrorIs(t, err, ErrShortKey)
}

func TestRestoreRefusesRedactedSnapshot(t *testing.T) {
	m := secretComplaint(t)
	for _, p := range []Redaction{Mask(), {}} {
		_, err := Restore(m.Snapshot().Redact(p), WithDefinition(m.Definition()))
		require.ErrorIs(t, err, ErrRedacted)
		require.ErrorIs(t, err, ErrInvalidSnapshot)
		assert.EqualError(t, err, "fsm: redaction: redacted (mask): a redacted snapshot is an export and is not restored; restore the original")
	}
}

// TestRedactChained: a redacted snapshot keeps its chain, so its head is
// the one the host stored, but it does not verify: the chain seals the
// original text.
func TestRedactChained(t *testing.T) {
	m := chainedTicket(t)
	head, _ := m.ChainHead()
	red := m.Snapshot().Redact(Mask())
	rh, ok := red.ChainHead()
	require.True(t, ok)
	assert.Equal(t, head, rh)
	var ce *ChainError
	require.ErrorAs(t, VerifyHistory(red, &head), &ce)
	assert.Equal(t, ChainError{Index: 2, Kind: ChainEdited}, *ce, "the first record with a reason")
	assert.NoError(t, VerifyHistory(m.Snapshot(), &head))
}

func TestRedactRecords(t *testing.T) {
	assert.Nil(t, RedactRecords(nil, Mask()))
	h := secretComplaint(t).History()
	red := RedactRecords(h, Mask())
	require.Len(t, red, len(h))
	for i := range h {
		assert.NotContains(t, red[i].Reason, "Zhang")
		assert.Equal(t, h[i].Event, red[i].Event)
	}
	assert.Contains(t, h[len(h)-1].Reason, secret, "the input is not changed")
}

// TestErrorsCarryNoReason: the refusals of a snapshot whose reasons hold
// customer text (edited, reordered, redacted, inconsistent) never quote
// them.
func TestErrorsCarryNoReason(t *testing.T) {
	m, err := NewMachine(TicketDefinition(), WithChain())
	require.NoError(t, err)
	for _, ev := range []Event{TicketAssign, TicketStart, TicketWaitCustomer, TicketCustomerReply} {
		_, err := m.FireAt(context.Background(), t0, ev, By{Actor: "ann", Reason: "for " + secret})
		require.NoError(t, err)
	}
	tampered := []func(s *Snapshot){
		func(s *Snapshot) { s.History[1].Reason += "!" },
		func(s *Snapshot) { s.History[0], s.History[1] = s.History[1], s.History[0] },
		func(s *Snapshot) { s.History = s.History[1:] },
		func(s *Snapshot) { *s = s.Redact(Mask()) },
		func(s *Snapshot) { s.History[2].To = "limbo" },
	}
	for i, tamper := range tampered {
		snap := m.Snapshot()
		tamper(&snap)
		_, err := Restore(snap, WithDefinition(TicketDefinition()))
		require.Error(t, err, i)
		assert.NotContains(t, err.Error(), "Zhang", i)
		assert.NotContains(t, err.Error(), "13800138000", i)
		if err := VerifyHistory(snap, nil); err != nil {
			assert.NotContains(t, err.Error(), "Zhang", i)
		}
	}
}
