package fsm

import (
	"slices"

	"github.com/sqkit/sqkit/internal/privacy"
)

// Redaction is a policy replacing customer data in snapshots and exports
// (the SDK-wide type): Mask, or KeyedHash with a host key. The zero value
// masks.
type Redaction = privacy.Policy

// Mask returns the policy that replaces every non-empty customer-data
// value with the placeholder "[redacted]".
func Mask() Redaction { return privacy.Mask() }

// KeyedHash returns the policy that replaces every non-empty
// customer-data value with "hmac:" and 32 hex digits of HMAC-SHA256 under
// key (at least 16 bytes, else an error matching ErrShortKey). Equal values
// give equal placeholders under one key, so redacted records stay
// joinable.
func KeyedHash(key []byte) (Redaction, error) { return privacy.KeyedHash(key) }

// ErrShortKey is returned by KeyedHash for a key shorter than 16 bytes
// (the SDK-wide sentinel).
var ErrShortKey = privacy.ErrShortKey

// ErrRedacted matches the refusal to restore a redacted snapshot (the
// SDK-wide sentinel); such errors match ErrInvalidSnapshot too.
var ErrRedacted = privacy.ErrRedacted

// errSnapshotRedacted is the kind of the refusal of a redacted snapshot.
var errSnapshotRedacted = &childError{msg: "fsm: invalid snapshot", parents: []error{ErrInvalidSnapshot, ErrRedacted}}

// redactedErr refuses a snapshot redacted with method (nil when method is
// empty).
func redactedErr(method string) error {
	if method == "" {
		return nil
	}
	return snapErr(errSnapshotRedacted, "redaction", "%s", privacy.Refusal(method))
}

// Redact returns a deep copy of s with its customer data replaced by p's
// placeholders, and Redaction set to p's method ("mask" or
// "hmac-sha256"). The customer data of a machine is its free text: the
// Reason of every history record, mark, transfer, escalation and approval
// (current and replaced), where handlers write what the customer said or
// asked. Actors, owners, first responders and approvers are staff or
// system identities, and the ID is the host's record key; they are kept,
// as are states, events, checklist items, tiers, amounts, the request and
// instants.
//
// The machine itself is not changed. Restore refuses a redacted snapshot
// (ErrRedacted): it is for storing and sharing under data-protection
// rules, not for bringing the machine back. Its Chain is kept as it was,
// so its head still matches the one the host stored, but VerifyHistory
// reports the first redacted record as edited: the chain seals the
// original text.
func (s Snapshot) Redact(p Redaction) Snapshot {
	s.History = RedactRecords(s.History, p)
	s.Marks = privacy.Each(s.Marks, func(m *Mark) { p.Redact(&m.Reason) })
	s.Transfers = privacy.Each(s.Transfers, func(t *Transfer) { p.Redact(&t.Reason) })
	s.Escalations = privacy.Each(s.Escalations, func(e *Escalation) { p.Redact(&e.Reason) })
	s.ReplacedApprovals = privacy.Each(s.ReplacedApprovals, func(a *Approval) { p.Redact(&a.Reason) })
	if s.Approval != nil {
		a := *s.Approval
		a.Reason = p.Apply(a.Reason)
		s.Approval = &a
	}
	s.Chain = slices.Clone(s.Chain)
	s.Redaction = p.Method()
	return s
}

// RedactRecords returns a copy of records with every Reason replaced by
// p's placeholder, for exports of Machine.History or a Trace (nil for
// nil).
func RedactRecords(records []Record, p Redaction) []Record {
	return privacy.Each(records, func(r *Record) { p.Redact(&r.Reason) })
}
