package incentive

import (
	"crypto/sha256"
	"fmt"

	"github.com/sqkit/sqkit/internal/hashchain"
	"github.com/sqkit/sqkit/internal/sqerr"
)

// The hash chains of a Book's history and a PointsLedger's postings,
// re-exported from the SDK's one implementation (the same types as the
// fsm and emergency packages').
type (
	// Digest is a SHA-256 hash; its JSON form is 64 hex digits.
	Digest = hashchain.Digest
	// Link is the chain data of one entry: the hash of the entry before it
	// (the chain's genesis for the first) and its own.
	Link = hashchain.Link
	// Head is what a host keeps of a chain to check a later copy against:
	// the number of entries and the hash of the last one.
	Head = hashchain.Head
	// ChainError names the first entry at which a chain fails to verify
	// (Index) and how it breaks there (Kind); it matches ErrChainBroken.
	ChainError = hashchain.Error
	// ChainBreak says how a chain breaks (see the constants).
	ChainBreak = hashchain.Kind
)

// How a chain breaks.
const (
	// ChainEdited: the entry's content does not match its hash.
	ChainEdited = hashchain.Edited
	// ChainReordered: the entry does not follow the one before it (an
	// entry before it is missing, or entries were swapped or inserted).
	ChainReordered = hashchain.Reordered
	// ChainTruncated: the history ends before the expected head, or has
	// links for entries it does not hold.
	ChainTruncated = hashchain.Truncated
	// ChainRewritten: the history is a chain in itself, but not the one the
	// expected head was taken of (edited, and its links recomputed).
	ChainRewritten = hashchain.Rewritten
	// ChainUnlinked: the entry has no link.
	ChainUnlinked = hashchain.Unlinked
)

// ErrChainBroken matches every *ChainError (the SDK-wide sentinel).
var ErrChainBroken = hashchain.ErrBroken

// Domains of the chains of this package.
const (
	BookDomain   = "sqkit/incentive/book/v1"
	PointsDomain = "sqkit/incentive/points/v1"
)

// WithChain makes a Book or a PointsLedger seal its history with a
// SHA-256 hash chain: each entry (a Book event, a ledger posting) is
// hashed over the previous entry's hash and its own canonical encoding,
// and a Book's issued event also over the SHA-256 of the statement's
// canonical bytes, so the chain vouches for the statements too. The links
// travel in the snapshot (Chain) and the restores verify them, refusing a
// snapshot whose entries were edited, deleted, inserted or reordered and
// naming the first bad one. A host keeps the head (ChainHead) apart from
// the snapshot to detect, with VerifyBook or VerifyPoints, a history cut
// short at its tail or recomputed after an edit. Given to a restore,
// WithChain requires a chain (so a stripped one is refused); a restore
// continues the chain of every snapshot that carries one. An Assessor
// ignores the option.
func WithChain() Option { return func(cfg *config) { cfg.chain = true } }

// bookEntry is what the chain of a Book seals for one event: the event,
// and for an issued event the digest of the statement's canonical bytes.
type bookEntry struct {
	ev        Event
	statement *Digest
}

var bookChain = hashchain.NewCodec(BookDomain, func(e *hashchain.Encoder, b bookEntry) {
	ev := b.ev
	e.Int(ev.Seq)
	e.Time(ev.At)
	e.String(string(ev.Kind))
	e.String(ev.Person)
	e.String(ev.Period)
	e.String(ev.Appeal)
	if ev.Amount == nil {
		e.Absent()
	} else {
		e.String(string(ev.Amount.Currency))
		e.Int(ev.Amount.Minor)
	}
	e.String(ev.Actor)
	e.String(ev.Reason)
	if b.statement == nil {
		e.Absent()
	} else {
		e.Bytes(b.statement[:])
	}
})

var pointsChain = hashchain.NewCodec(PointsDomain, func(e *hashchain.Encoder, p PointsEntry) {
	e.Int(p.Seq)
	e.String(p.Key)
	e.String(p.Account)
	e.Int(p.Points)
	e.String(p.Reason)
	e.Time(p.At)
	e.Int(p.Balance)
})

// statementDigest returns the SHA-256 of a statement's canonical bytes.
func statementDigest(canonical []byte) *Digest {
	d := Digest(sha256.Sum256(canonical))
	return &d
}

// ChainHead returns the head of the Book's chain. ok is false for a Book
// that does not chain its history (WithChain).
func (b *Book) ChainHead() (head Head, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.chain.Sealed()
}

// ChainHead returns the head of the snapshot's chain, which a host stores
// apart from the snapshot to check it later with VerifyBook. ok is false
// when the snapshot carries no chain.
func (s BookSnapshot) ChainHead() (head Head, ok bool) { return bookChain.SealedBy(s.Chain) }

// VerifyBook checks that s.Chain seals s.Events in order (each issued
// event together with the statement of its person and period in
// s.Statements) and, when head is not nil, that the history reaches head.
// It returns nil or a *FieldError at the path of the first bad event
// ("events[3]") matching ErrInvalid and ErrChainBroken, with a *ChainError
// (index and kind) for errors.As: ChainEdited (an event, or the statement
// it issued, was changed), ChainReordered (an event before it was deleted,
// or events were swapped or inserted), ChainTruncated (events cut from the
// tail, against head), ChainRewritten (the chain recomputed, against
// head), ChainUnlinked (an event without a link; a snapshot without a
// chain has none). Appeals and adjustments are not sealed themselves: the
// restore replays the events, which carry what they record, and refuses
// lists that differ from what the events make.
func VerifyBook(s BookSnapshot, head *Head) error {
	return hashchain.Field(bookChain.Verify(bookEntries(s), s.Chain, head), ErrInvalid, "events")
}

// bookEntries returns the entries the chain of s seals.
func bookEntries(s BookSnapshot) []bookEntry {
	stmts := map[bookKey]*Digest{}
	for i := range s.Statements {
		st := &s.Statements[i]
		if raw, err := st.Canonical(); err == nil {
			stmts[bookKey{st.Person, st.Period}] = statementDigest(raw)
		}
	}
	out := make([]bookEntry, len(s.Events))
	for i, ev := range s.Events {
		out[i].ev = ev
		if ev.Kind == EventIssued {
			out[i].statement = stmts[bookKey{ev.Person, ev.Period}]
			if out[i].statement == nil {
				out[i].statement = &Digest{} // no statement: the chain says which event
			}
		}
	}
	return out
}

// ChainHead returns the head of the ledger's chain. ok is false for a
// ledger that does not chain its postings (WithChain).
func (l *PointsLedger) ChainHead() (head Head, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.chain.Sealed()
}

// ChainHead returns the head of the snapshot's chain. ok is false when the
// snapshot carries no chain.
func (s PointsSnapshot) ChainHead() (head Head, ok bool) { return pointsChain.SealedBy(s.Chain) }

// VerifyPoints checks that s.Chain seals s.Entries in order and, when head
// is not nil, that the postings reach head. It returns nil or a
// *FieldError at the path of the first bad entry ("entries[3]") matching
// ErrInvalid and ErrChainBroken, with a *ChainError (index and kind) for
// errors.As, as VerifyBook does.
func VerifyPoints(s PointsSnapshot, head *Head) error {
	return hashchain.Field(pointsChain.Verify(s.Entries, s.Chain, head), ErrInvalid, "entries")
}

// checkChain reports the chain of a snapshot of n entries: missing when
// required (the restore was given WithChain) and there are entries, or
// not sealing them (verify's error).
func checkChain(links []Link, n int, required bool, verify func() error) error {
	if len(links) > 0 {
		return verify()
	}
	if required && n > 0 {
		return sqerr.Field(fmt.Errorf("%w: %w", ErrInvalid, &ChainError{Index: 0, Kind: ChainUnlinked}), "chain",
			"missing: restored WithChain, the history must carry its chain")
	}
	return nil
}

// Chained reports whether the Book seals its history (WithChain).
func (b *Book) Chained() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.chain != nil
}

// Chained reports whether the ledger seals its postings (WithChain).
func (l *PointsLedger) Chained() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.chain != nil
}
