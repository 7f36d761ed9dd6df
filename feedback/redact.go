package feedback

import (
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/privacy"
)

// Redaction is a policy replacing customer data in snapshots and exports
// (the SDK-wide type, also fsm.Redaction): Mask, or KeyedHash with a host
// key. The zero value masks.
type Redaction = privacy.Policy

// Mask returns the policy that replaces every non-empty customer-data
// value with the placeholder "[redacted]".
func Mask() Redaction { return privacy.Mask() }

// KeyedHash returns the policy that replaces every non-empty
// customer-data value with "hmac:" and 32 hex digits of HMAC-SHA256 under
// key (at least 16 bytes, else an error matching ErrShortKey); equal
// values give equal placeholders, so redacted records stay joinable (a
// return visit with its complaint, a customer across exports).
func KeyedHash(key []byte) (Redaction, error) { return privacy.KeyedHash(key) }

// ErrShortKey is returned by KeyedHash for a key shorter than 16 bytes
// (the SDK-wide sentinel).
var ErrShortKey = privacy.ErrShortKey

// ErrRedacted matches the refusal to restore a redacted snapshot (the
// SDK-wide sentinel); such errors match ErrInvalidConfig too, as every
// snapshot problem of this package does.
var ErrRedacted = privacy.ErrRedacted

// Redact returns a copy of the item with its customer data replaced by p's
// placeholders: the id of its source (a complaint's or a survey's id,
// which leads to the customer), the problem, the corrective actions'
// descriptions and notes, the verifications' and the notice's notes, and
// the reasons of its history. Its own id, category, channel, people
// (owners, actors, verifiers) and instants are kept.
func (r Rectification) Redact(p Redaction) Rectification {
	r = r.clone(nil)
	p.Redact(&r.Source.ID, &r.Problem)
	for i := range r.Actions {
		p.Redact(&r.Actions[i].Description, &r.Actions[i].Note)
	}
	for i := range r.Verifications {
		p.Redact(&r.Verifications[i].Note)
	}
	if r.Notice != nil {
		p.Redact(&r.Notice.Note)
	}
	r.History = fsm.RedactRecords(r.History, p)
	return r
}

// Redact returns a copy of the visit with its customer data replaced by p's
// placeholders: the complaint's id, the customer, the risk reason, the
// outcome's and the cancellation's notes, and the reasons of its history.
// Its own id, category, rectification, mode, people and instants are kept.
func (v ReturnVisit) Redact(p Redaction) ReturnVisit {
	v = v.clone(nil)
	p.Redact(&v.ComplaintID, &v.Customer, &v.RiskReason, &v.CancelNote)
	if v.Outcome != nil {
		p.Redact(&v.Outcome.Note)
	}
	v.History = fsm.RedactRecords(v.History, p)
	return v
}

// Redact returns a copy of the event with the complaint's id replaced by
// p's placeholder.
func (e ReturnVisitEvent) Redact(p Redaction) ReturnVisitEvent {
	e.Complaint = p.Apply(e.Complaint)
	return e
}

// RedactRectifications returns a copy of s with the customer data of
// every item replaced by p's placeholders (the fields Rectification.Redact
// names and the reasons of each lifecycle snapshot, see
// fsm.Snapshot.Redact) and Redaction set to p's method. The engine is not
// changed. RestoreRectifications refuses the result (ErrRedacted): it is
// for storing and sharing under data-protection rules.
func RedactRectifications(s RectificationsSnapshot, p Redaction) RectificationsSnapshot {
	return redactCases(s, p, Rectification.Redact)
}

// RedactReturnVisits returns a copy of s with the customer data of every
// visit replaced by p's placeholders (the fields ReturnVisit.Redact names
// and the reasons of each lifecycle snapshot) and Redaction set to p's
// method. RestoreReturnVisits refuses the result (ErrRedacted).
func RedactReturnVisits(s ReturnVisitsSnapshot, p Redaction) ReturnVisitsSnapshot {
	return redactCases(s, p, ReturnVisit.Redact)
}

// redactCases redacts every item of s and its lifecycle.
func redactCases[C, T any](s CaseSnapshot[C, T], p Redaction, redact func(T, Redaction) T) CaseSnapshot[C, T] {
	s.Items = privacy.Each(s.Items, func(r *CaseRecord[T]) {
		r.Item = redact(r.Item, p)
		r.Lifecycle = r.Lifecycle.Redact(p)
	})
	s.Redaction = p.Method()
	return s
}
