package emergency

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
// values give equal placeholders, so redacted records stay joinable.
func KeyedHash(key []byte) (Redaction, error) { return privacy.KeyedHash(key) }

// ErrShortKey is returned by KeyedHash for a key shorter than 16 bytes
// (the SDK-wide sentinel).
var ErrShortKey = privacy.ErrShortKey

// ErrRedacted matches the refusal to restore a redacted snapshot (the
// SDK-wide sentinel); such errors match ErrSnapshot too.
var ErrRedacted = privacy.ErrRedacted

// Redact returns a copy of the incident with its customer data replaced by
// p's placeholders: the report's title, the reasons of its re-grades and
// of its lifecycle (history and escalations), the review's summary, root
// cause, lessons and action items' descriptions, and the details of its
// events that carry a reason (escalated, regraded). Ids, types, grades,
// states, tiers, subjects, people (reporters, actors, owners, reviewers)
// and instants are kept.
func (in Incident) Redact(p Redaction) Incident {
	in.Report.Title = p.Apply(in.Report.Title)
	in.Regrades = redactRegrades(in.Regrades, p)
	in.History = fsm.RedactRecords(in.History, p)
	in.Escalations = privacy.Each(in.Escalations, func(e *fsm.Escalation) { p.Redact(&e.Reason) })
	in.Review = redactReview(in.Review, p)
	in.Events = RedactEvents(in.Events, p)
	return in
}

// Redact returns a copy of the event with its customer data replaced: the
// Detail of an escalated or regraded event, which carries the reason a
// person gave.
func (e IncidentEvent) Redact(p Redaction) IncidentEvent {
	if e.Kind == EventEscalated || e.Kind == EventRegraded {
		e.Detail = p.Apply(e.Detail)
	}
	return e
}

// RedactEvents returns a copy of events, each redacted with
// IncidentEvent.Redact (nil for nil).
func RedactEvents(events []IncidentEvent, p Redaction) []IncidentEvent {
	return privacy.Each(events, func(e *IncidentEvent) { *e = e.Redact(p) })
}

// RedactIncidents returns a copy of s with the customer data of every
// incident replaced by p's placeholders (the fields Incident.Redact
// names, and the reasons of each lifecycle machine's snapshot, see
// fsm.Snapshot.Redact), and Redaction set to p's method. The manager is
// not changed. RestoreIncidentManager refuses the result (ErrRedacted):
// it is for storing and sharing under data-protection rules. Its chains
// are kept, so their heads still match the host's, but they seal the
// original text and no longer verify where it was replaced.
func RedactIncidents(s IncidentSnapshot, p Redaction) IncidentSnapshot {
	s.Items = privacy.Each(s.Items, func(r *IncidentRecord) {
		r.Report.Title = p.Apply(r.Report.Title)
		r.Machine = r.Machine.Redact(p)
		r.Regrades = redactRegrades(r.Regrades, p)
		r.Review = redactReview(r.Review, p)
		r.Events = RedactEvents(r.Events, p)
	})
	s.Redaction = p.Method()
	return s
}

// Redact returns a copy of the obligation with its closing note replaced
// by p's placeholder: the note a person wrote fulfilling or cancelling it.
func (o Obligation) Redact(p Redaction) Obligation {
	o = o.clone()
	o.Note = p.Apply(o.Note)
	return o
}

// Redact returns a copy of the event with its obligation's closing note
// replaced by p's placeholder.
func (e ObligationEvent) Redact(p Redaction) ObligationEvent {
	e.Obligation = e.Obligation.Redact(p)
	return e
}

// RedactObligations returns a copy of s with the customer data of every
// obligation replaced by p's placeholders (its closing note and the
// reasons of its lifecycle machine's snapshot) and Redaction set to p's
// method. RestoreObligations refuses the result (ErrRedacted).
func RedactObligations(s ObligationSnapshot, p Redaction) ObligationSnapshot {
	s.Items = privacy.Each(s.Items, func(r *ObligationRecord) {
		r.Obligation = r.Obligation.Redact(p)
		r.Machine = r.Machine.Redact(p)
	})
	s.Redaction = p.Method()
	return s
}

func redactRegrades(rs []Regrade, p Redaction) []Regrade {
	return privacy.Each(rs, func(r *Regrade) { p.Redact(&r.Reason) })
}

// redactReview returns a redacted copy of r (nil for nil).
func redactReview(r *Review, p Redaction) *Review {
	if r == nil {
		return nil
	}
	c := r.clone()
	p.Redact(&c.Summary, &c.RootCause)
	c.Lessons = p.ApplyAll(c.Lessons)
	c.ActionItems = privacy.Each(c.ActionItems, func(a *ActionItem) { p.Redact(&a.Description) })
	return &c
}
