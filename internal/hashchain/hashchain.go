// Package hashchain makes the histories of sqkit tamper-evident: each entry
// of a history is sealed with SHA-256 over the previous entry's hash and the
// entry's canonical encoding, so an edit, a deletion, an insertion or a
// reordering breaks the chain where it happened, and a host that keeps the
// chain's head elsewhere also detects a history cut short or recomputed.
// The public packages re-export what their users need (type aliases and
// thin functions), as they do for sqerr.FieldError.
//
// # The chain
//
// A Codec names a kind of history (its domain, for example
// "sqkit/fsm/history/v1") and says how one entry is encoded (an Encoder
// writes each field with a tag and, for strings, a length, so the encoding
// is unambiguous). The chain of entries e0, e1, ... is
//
//	genesis = SHA-256("sqkit hashchain\x00" + domain)
//	h(i)    = SHA-256(h(i-1) || encode(e(i))), with h(-1) = genesis
//
// and each entry's Link holds its predecessor's hash (Prev) and its own
// (Hash). Storing Prev with each entry is redundant, on purpose: it lets
// Verify tell an entry whose content changed (its Hash no longer matches
// Prev and its content) from one that no longer follows its predecessor
// (its Prev is not the previous entry's Hash: an entry before it was
// removed, or entries were swapped or inserted).
//
// A Head is the length of a chain and the hash of its last entry. A host
// that stores the head of a history outside the snapshot (in another table,
// a log, a signed receipt) detects with it a history whose tail was cut off
// (Truncated) and one whose links were recomputed after an edit
// (Rewritten), which the links alone cannot show: whoever can rewrite the
// snapshot can recompute every link of it.
package hashchain

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// Digest is a SHA-256 hash. Its text and JSON form is 64 lower-case hex
// digits.
type Digest [sha256.Size]byte

// String returns the hex form of d.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText returns the hex form of d.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the hex form of a digest: exactly 64 hex digits.
func (d *Digest) UnmarshalText(b []byte) error {
	if len(b) != 2*sha256.Size {
		return fmt.Errorf("sqkit: digest of %d hex digits, want %d", len(b), 2*sha256.Size)
	}
	var out Digest
	if _, err := hex.Decode(out[:], b); err != nil {
		return fmt.Errorf("sqkit: digest: %w", err)
	}
	*d = out
	return nil
}

// Link is the chain data of one entry: the hash of the entry before it (the
// chain's genesis for the first) and its own hash.
type Link struct {
	Prev Digest `json:"prev"`
	Hash Digest `json:"hash"`
}

// Head is the state of a chain a host keeps to check a later copy of the
// history against: its number of entries and the hash of its last entry
// (the genesis for an empty chain).
type Head struct {
	Len  int    `json:"len"`
	Hash Digest `json:"hash"`
}

// Kind says how a chain is broken. The zero value is no kind.
type Kind uint8

// The ways a chain breaks.
const (
	// Edited: the entry's content does not match its hash (a field of it
	// was changed, or an entry was removed while its link was kept).
	Edited Kind = iota + 1
	// Reordered: the entry does not follow the one before it (an entry
	// before it is missing, or entries were swapped or inserted).
	Reordered
	// Truncated: the history ends before the expected head (entries were
	// removed from its tail), or has links for entries it does not hold.
	Truncated
	// Rewritten: the history is a chain in itself but not the one the
	// expected head was taken of: it was edited and its links recomputed.
	// The change lies at or before the entry named.
	Rewritten
	// Unlinked: the entry has no link (links were removed, or entries were
	// added without sealing them).
	Unlinked
)

var kindNames = [...]string{"", "edited", "reordered or missing", "truncated", "rewritten", "unlinked"}

// String returns the kind's name ("edited", "reordered or missing", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ErrBroken matches every *Error with errors.Is.
var ErrBroken = errors.New("sqkit: hash chain broken")

// Error reports the first entry at which a chain fails to verify: its index
// in the history (the history's length when entries are missing from its
// tail) and how the chain breaks there. It matches ErrBroken.
type Error struct {
	Index int
	Kind  Kind
}

// Error returns "sqkit: hash chain broken at entry <index>: <kind>".
func (e *Error) Error() string {
	return fmt.Sprintf("sqkit: hash chain broken at entry %d: %s", e.Index, e.Kind)
}

// Is reports whether target is ErrBroken.
func (e *Error) Is(target error) bool { return target == ErrBroken }

// Codec seals and verifies the entries of one kind of history. It is
// immutable and safe for concurrent use.
type Codec[T any] struct {
	genesis Digest
	encode  func(*Encoder, T)
}

// NewCodec returns the codec of the histories of domain, whose entries
// encode writes field by field.
func NewCodec[T any](domain string, encode func(*Encoder, T)) *Codec[T] {
	return &Codec[T]{genesis: sha256.Sum256([]byte("sqkit hashchain\x00" + domain)), encode: encode}
}

// Genesis returns the hash the first entry of a chain follows.
func (c *Codec[T]) Genesis() Digest { return c.genesis }

// Hash returns the hash of entry v following the hash prev.
func (c *Codec[T]) Hash(prev Digest, v T) Digest {
	var e Encoder
	return c.hash(&e, prev, v)
}

// hash computes the hash of v after prev in e's buffer.
func (c *Codec[T]) hash(e *Encoder, prev Digest, v T) Digest {
	e.Reset()
	e.buf = append(e.buf, prev[:]...)
	c.encode(e, v)
	return sha256.Sum256(e.buf)
}

// Links returns the links of entries, sealed from the genesis.
func (c *Codec[T]) Links(entries []T) []Link {
	if len(entries) == 0 {
		return nil
	}
	var e Encoder
	out := make([]Link, len(entries))
	prev := c.genesis
	for i, v := range entries {
		out[i] = Link{Prev: prev, Hash: c.hash(&e, prev, v)}
		prev = out[i].Hash
	}
	return out
}

// HeadOf returns the head of a history sealed by links (which Verify has
// accepted): its length and its last hash.
func (c *Codec[T]) HeadOf(links []Link) Head {
	if len(links) == 0 {
		return Head{Hash: c.genesis}
	}
	return Head{Len: len(links), Hash: links[len(links)-1].Hash}
}

// SealedBy returns the head of a history sealed by links, and false when
// there are no links (a history that is not chained, or still empty).
func (c *Codec[T]) SealedBy(links []Link) (Head, bool) {
	if len(links) == 0 {
		return Head{}, false
	}
	return c.HeadOf(links), true
}

// Verify checks that links seal entries, in order, from the genesis, and,
// when head is not nil, that the history reaches head: it holds at least
// head.Len entries and its entry head.Len-1 has head.Hash (a head of length
// 0 is reached by every history, whatever its hash). A history that has
// grown since its head was taken passes. It returns nil or an *Error naming the first entry at
// which the chain breaks, checked in this order for each entry: its Prev
// must be the hash of the entry before it (Reordered), its Hash the hash of
// its content (Edited); then an entry without a link (Unlinked), a link
// without an entry (Truncated); then the head: too few entries
// (Truncated, at the first missing one), another hash (Rewritten, at
// head.Len-1).
func (c *Codec[T]) Verify(entries []T, links []Link, head *Head) error {
	var e Encoder
	prev := c.genesis
	n := min(len(entries), len(links))
	for i := range n {
		l := links[i]
		if l.Prev != prev {
			return &Error{Index: i, Kind: Reordered}
		}
		if c.hash(&e, l.Prev, entries[i]) != l.Hash {
			return &Error{Index: i, Kind: Edited}
		}
		prev = l.Hash
	}
	switch {
	case len(entries) > n:
		return &Error{Index: n, Kind: Unlinked}
	case len(links) > n:
		return &Error{Index: n, Kind: Truncated}
	case head == nil:
		return nil
	case head.Len > n:
		return &Error{Index: n, Kind: Truncated}
	case head.Len < 0:
		return fmt.Errorf("sqkit: expected head of negative length %d", head.Len)
	case head.Len == 0:
		return nil // every chain extends the empty one
	case links[head.Len-1].Hash != head.Hash:
		return &Error{Index: head.Len - 1, Kind: Rewritten}
	}
	return nil
}

// Field returns err as a problem of a snapshot: an *Error becomes a
// *sqerr.FieldError at the path of the entry it names (list[index], for
// example "history[3]"), whose Err matches both sentinel (the package's
// snapshot sentinel) and the *Error; any other error is wrapped with
// sentinel. A nil err gives nil.
func Field(err, sentinel error, list string) error {
	if err == nil {
		return nil
	}
	var ce *Error
	if !errors.As(err, &ce) {
		return sqerr.Field(fmt.Errorf("%w: %w", sentinel, err), list, "%v", err)
	}
	return sqerr.Field(fmt.Errorf("%w: %w", sentinel, ce), fmt.Sprintf("%s[%d]", list, ce.Index),
		"hash chain broken: %s", ce.Kind)
}
