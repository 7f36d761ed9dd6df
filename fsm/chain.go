package fsm

import (
	"fmt"

	"github.com/sqkit/sqkit/internal/hashchain"
)

// The hash chain of a machine's history, re-exported from the SDK's one
// implementation so that every package's chains share their types.
type (
	// Digest is a SHA-256 hash; its JSON form is 64 hex digits.
	Digest = hashchain.Digest
	// Link is the chain data of one history record: the hash of the record
	// before it (the chain's genesis for the first) and its own hash.
	Link = hashchain.Link
	// Head is what a host keeps of a chain to check a later copy of the
	// history against: the number of records and the hash of the last one.
	Head = hashchain.Head
	// ChainError names the first record at which a chain fails to verify
	// (Index) and how it breaks there (Kind); it matches ErrChainBroken.
	ChainError = hashchain.Error
	// ChainBreak says how a chain breaks (see the constants).
	ChainBreak = hashchain.Kind
)

// How a chain breaks.
const (
	// ChainEdited: the record's content does not match its hash.
	ChainEdited = hashchain.Edited
	// ChainReordered: the record does not follow the one before it (a
	// record before it is missing, or records were swapped or inserted).
	ChainReordered = hashchain.Reordered
	// ChainTruncated: the history ends before the expected head, or has
	// links for records it does not hold.
	ChainTruncated = hashchain.Truncated
	// ChainRewritten: the history is a chain in itself, but not the one the
	// expected head was taken of (edited, and its links recomputed).
	ChainRewritten = hashchain.Rewritten
	// ChainUnlinked: the record has no link.
	ChainUnlinked = hashchain.Unlinked
)

// ErrChainBroken matches every *ChainError (the SDK-wide sentinel).
var ErrChainBroken = hashchain.ErrBroken

// HistoryDomain is the domain of the chains of machine histories: their
// genesis is derived from it, so a chain of another kind of history never
// verifies as one of a machine's.
const HistoryDomain = "sqkit/fsm/history/v1"

// historyChain seals history records: event, from, to, actor, reason and
// the instant (Unix seconds and nanoseconds, whatever its location).
var historyChain = hashchain.NewCodec(HistoryDomain, func(e *hashchain.Encoder, r Record) {
	e.String(string(r.Event))
	e.String(string(r.From))
	e.String(string(r.To))
	e.String(r.Actor)
	e.String(r.Reason)
	e.Time(r.At)
})

// WithChain makes the machine seal its history with a SHA-256 hash chain:
// each transition recorded is hashed over the previous record's hash and
// its own canonical encoding (event, from, to, actor, reason, instant), its
// link goes into Snapshot.Chain, and ChainHead returns the head a host
// keeps to detect a later copy cut short or rewritten (VerifyHistory).
// Chaining costs one SHA-256 of about a hundred bytes per transition and
// 32 bytes of memory per record; a machine without it pays nothing.
//
// Given to Restore, WithChain requires the snapshot to carry a chain (a
// snapshot without one is refused: its chain may have been stripped); seal
// a trusted snapshot recorded before chaining was turned on with
// SealHistory. Restore continues the chain of every snapshot that carries
// one, with or without the option; pass it anyway, so that a machine whose
// history is still empty (and whose snapshot therefore carries no chain)
// keeps chaining.
func WithChain() Option {
	return func(m *Machine) {
		if m.chain == nil {
			m.chain = historyChain.NewState()
		}
	}
}

// Chained reports whether the machine seals its history (WithChain).
func (m *Machine) Chained() bool { return locked(m, func() bool { return m.chain != nil }) }

// ChainHead returns the head of the machine's history chain: the number of
// records and the hash of the last one. ok is false for a machine that
// does not chain its history.
func (m *Machine) ChainHead() (head Head, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.chain.Sealed()
}

// ChainHead returns the head of the snapshot's history chain, which a host
// stores beside (not inside) the snapshot to check it later with
// VerifyHistory. ok is false when the snapshot carries no chain.
func (s Snapshot) ChainHead() (head Head, ok bool) { return historyChain.SealedBy(s.Chain) }

// VerifyHistory checks that s.Chain seals s.History, in order, from the
// chain's genesis, and, when head is not nil, that the history reaches
// head (it holds at least head.Len records and the record head.Len-1 has
// head.Hash; a history that grew since passes). It returns nil, or a
// *FieldError at the path of the first bad record ("history[3]") matching
// ErrInvalidSnapshot, ErrChainBroken and, with errors.As, a *ChainError
// with its index and kind:
//
//   - ChainEdited: a field of the record was changed;
//   - ChainReordered: a record before it was deleted, or records were
//     swapped or inserted;
//   - ChainTruncated: the history ends before head.Len (records were cut
//     from its tail), or has links for records it does not hold;
//   - ChainRewritten: the links were recomputed after an edit, so the
//     chain no longer reaches head;
//   - ChainUnlinked: a record has no link (a snapshot without a chain has
//     none at all).
//
// Only the history is chained: marks, transfers, escalations and
// approvals are checked by Restore for consistency, not sealed. A redacted
// snapshot does not verify (its reasons differ from those sealed).
func VerifyHistory(s Snapshot, head *Head) error {
	return hashchain.Field(historyChain.Verify(s.History, s.Chain, head), ErrInvalidSnapshot, "history")
}

// SealHistory returns s with its history sealed: Chain holds the links of
// s.History from the genesis, replacing any it had. It is the way to start
// chaining machines recorded before (restore the sealed snapshot with
// WithChain); seal only a snapshot you trust, since sealing vouches for
// whatever the history holds.
func SealHistory(s Snapshot) Snapshot {
	s.Chain = historyChain.Links(s.History)
	return s
}

// chain checks the snapshot's chain: present when required (a machine
// restored WithChain) unless the history is empty, and sealing the
// history.
func (c *snapCheck) chain(s Snapshot, required bool) {
	if len(s.Chain) == 0 {
		if required && len(s.History) > 0 {
			unlinked := fmt.Errorf("%w: %w", ErrInvalidSnapshot, &ChainError{Index: 0, Kind: ChainUnlinked})
			c.add(unlinked, "chain", "missing: the machine chains its history (WithChain); seal a trusted snapshot with SealHistory")
		}
		return
	}
	if err := VerifyHistory(s, nil); err != nil {
		c.errs = append(c.errs, err)
	}
}
