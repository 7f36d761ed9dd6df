// Package privacy holds the redaction policy every sqkit package applies to
// the customer data in its snapshots and exports, so a host can store or
// share them under data-protection rules. The public packages re-export it
// (type alias and thin functions), as they do sqerr.FieldError.
//
// A Policy replaces a value in one of two ways:
//
//   - Mask: every non-empty value becomes the placeholder Masked
//     ("[redacted]"). Nothing of the value survives, not even its length,
//     and records can no longer be joined on it.
//   - KeyedHash: every non-empty value becomes "hmac:" followed by the first
//     16 bytes (32 hex digits) of HMAC-SHA256 of the value under the host's
//     key. Equal values give equal placeholders under one key, so records
//     stay joinable (the same customer in two exports, a return visit and
//     its complaint); without the key the value cannot be guessed by
//     hashing candidates (phone numbers are few enough to try them all, so
//     an unkeyed hash would not protect them). 128 bits keep accidental
//     collisions out of reach (about 2^64 values before one is likely).
//
// Empty values stay empty (an absent field stays absent), and a value that
// is already a placeholder is kept as it is, so redacting twice changes
// nothing more.
package privacy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Masked is the placeholder a masking policy puts in place of a value.
const Masked = "[redacted]"

// HashPrefix starts the placeholder a keyed-hash policy puts in place of a
// value.
const HashPrefix = "hmac:"

// hashBytes is the length of the keyed hash kept in a placeholder.
const hashBytes = 16

// MinKeyLen is the shortest key KeyedHash accepts, in bytes.
const MinKeyLen = 16

// ErrShortKey is returned by KeyedHash for a key shorter than MinKeyLen.
var ErrShortKey = errors.New("sqkit: redaction key shorter than 16 bytes")

// ErrRedacted matches the refusal to restore a redacted snapshot: a
// redacted snapshot is an export, and the live state is restored from the
// original.
var ErrRedacted = errors.New("sqkit: redacted snapshot")

// Refusal is the message of the refusal to restore a snapshot redacted
// with method; each package puts it in a FieldError at "redaction" matching
// ErrRedacted and its snapshot sentinel.
func Refusal(method string) string {
	return "redacted (" + method + "): a redacted snapshot is an export and is not restored; restore the original"
}

// Method names of policies, as recorded in a redacted snapshot.
const (
	MethodMask      = "mask"
	MethodKeyedHash = "hmac-sha256"
)

// Policy says how the customer data of a snapshot or an export is
// replaced. The zero Policy masks (the safe default: it cannot leak a
// value). A Policy is immutable and safe for concurrent use.
type Policy struct {
	key []byte // nil: mask
}

// Mask returns the policy that replaces every value with Masked.
func Mask() Policy { return Policy{} }

// KeyedHash returns the policy that replaces every value with its keyed
// hash under key (HMAC-SHA256, truncated to 16 bytes, hex, after
// HashPrefix). The key is copied; it must be at least MinKeyLen bytes
// (ErrShortKey). Keep it secret and stable: the same key gives the same
// placeholders, so exports stay joinable, and a new key starts new ones.
func KeyedHash(key []byte) (Policy, error) {
	if len(key) < MinKeyLen {
		return Policy{}, fmt.Errorf("%w (got %d)", ErrShortKey, len(key))
	}
	return Policy{key: append([]byte(nil), key...)}, nil
}

// Method returns MethodMask or MethodKeyedHash.
func (p Policy) Method() string {
	if p.key == nil {
		return MethodMask
	}
	return MethodKeyedHash
}

// Apply returns the placeholder of s: "" for "", s itself when it is
// already a placeholder, else Masked or the keyed hash.
func (p Policy) Apply(s string) string {
	if s == "" || IsPlaceholder(s) {
		return s
	}
	if p.key == nil {
		return Masked
	}
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(s))
	sum := m.Sum(nil)
	return HashPrefix + hex.EncodeToString(sum[:hashBytes])
}

// ApplyAll returns a new slice of the placeholders of ss (nil for nil).
func (p Policy) ApplyAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p.Apply(s)
	}
	return out
}

// Redact replaces each string *f points to with its placeholder.
func (p Policy) Redact(fields ...*string) {
	for _, f := range fields {
		*f = p.Apply(*f)
	}
}

// IsPlaceholder reports whether s is a placeholder a Policy writes: Masked,
// or HashPrefix followed by 32 lower-case hex digits.
func IsPlaceholder(s string) bool {
	if s == Masked {
		return true
	}
	h, ok := strings.CutPrefix(s, HashPrefix)
	if !ok || len(h) != 2*hashBytes {
		return false
	}
	for _, c := range []byte(h) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Each returns a copy of list (nil for nil) in which redact has redacted
// every element, for example
//
//	privacy.Each(actions, func(a *Action) { p.Redact(&a.Description, &a.Note) })
func Each[T any](list []T, redact func(*T)) []T {
	if list == nil {
		return nil
	}
	out := make([]T, len(list))
	copy(out, list)
	for i := range out {
		redact(&out[i])
	}
	return out
}
