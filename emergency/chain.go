package emergency

import (
	"errors"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/internal/hashchain"
)

// The hash chains of incidents, re-exported from the SDK's one
// implementation (the same types as fsm's).
type (
	// Digest is a SHA-256 hash; its JSON form is 64 hex digits.
	Digest = hashchain.Digest
	// Link is the chain data of one entry: the hash of the entry before it
	// and its own.
	Link = hashchain.Link
	// Head is what a host keeps of a chain: its length and last hash.
	Head = hashchain.Head
	// ChainError names the first entry at which a chain fails to verify
	// (Index) and how it breaks there (Kind); it matches ErrChainBroken.
	ChainError = hashchain.Error
)

// ErrChainBroken matches every *ChainError (the SDK-wide sentinel).
var ErrChainBroken = hashchain.ErrBroken

// EventsDomain is the domain of the chains of incident event logs.
const EventsDomain = "sqkit/emergency/incident-events/v1"

// eventChain seals incident events: every field, in declaration order.
var eventChain = hashchain.NewCodec(EventsDomain, func(e *hashchain.Encoder, ev IncidentEvent) {
	e.String(ev.ID)
	e.String(string(ev.Kind))
	e.String(ev.Incident)
	e.Time(ev.At)
	e.String(ev.Milestone)
	e.Int(int64(ev.Tier))
	e.Int(int64(ev.Grade))
	e.String(string(ev.State))
	e.String(ev.Actor)
	e.String(ev.Detail)
})

// WithChain makes the engines keep tamper-evident histories. An
// IncidentManager keeps, for each incident, its event log (every
// IncidentEvent delivered for it, in order: Incident.Events) sealed by a
// SHA-256 hash chain, and chains its lifecycle machine's history
// (fsm.WithChain); an Obligations engine chains its obligations'
// lifecycle histories. The chains travel in the snapshots
// (IncidentRecord.EventChain, the machines' fsm.Snapshot.Chain) and the
// restores verify them, refusing a snapshot whose entries were edited,
// deleted, inserted or reordered. Pass WithChain to the restores as to the
// constructors: a restore given it refuses items whose chains are
// missing. A host detects a history cut short, or one whose chain was
// recomputed, by keeping the heads (IncidentManager.ChainHeads) outside
// the snapshot and checking with VerifyIncident. The board ignores the
// option.
func WithChain() Option { return func(o *options) { o.chain = true } }

// machineOptions returns opts with fsm.WithChain for an engine that
// chains.
func machineOptions(chain bool, opts ...fsm.Option) []fsm.Option {
	if chain {
		opts = append(opts, fsm.WithChain())
	}
	return opts
}

// IncidentHeads are the heads of an incident's two chains: its lifecycle
// history and its event log.
type IncidentHeads struct {
	History Head `json:"history"`
	Events  Head `json:"events"`
}

// ChainHeads returns the heads of the chains of incident id, which a host
// stores outside the snapshot to check it later with VerifyIncident. ok is
// false for an unknown incident and for one that is not chained.
func (m *IncidentManager) ChainHeads(id string) (heads IncidentHeads, ok bool) {
	type found struct {
		heads IncidentHeads
		ok    bool
	}
	f, _ := cases.Get(m.eng, id, func(it *incItem) found {
		h, chained := it.M.ChainHead()
		if !chained || it.Rec.chain == nil {
			return found{}
		}
		return found{IncidentHeads{History: h, Events: it.Rec.chain.Head()}, true}
	})
	return f.heads, f.ok
}

// Heads returns the heads of the record's chains (a lifecycle history
// with no transition yet has the zero Head, which every history reaches).
// ok is false when the record carries no event chain.
func (r IncidentRecord) Heads() (heads IncidentHeads, ok bool) {
	if len(r.EventChain) == 0 {
		return IncidentHeads{}, false
	}
	heads.History, _ = r.Machine.ChainHead()
	heads.Events = eventChain.HeadOf(r.EventChain)
	return heads, true
}

// VerifyIncident checks the chains of an incident's record (from an
// IncidentSnapshot): its lifecycle history (Machine.History sealed by
// Machine.Chain) and its event log (Events sealed by EventChain), and,
// when heads is not nil, that each reaches its head. It returns nil or
// every problem found, as *FieldError values at the path of the first bad
// entry of each chain ("machine.history[2]", "events[5]") matching
// ErrSnapshot and ErrChainBroken, with a *ChainError (index and kind)
// for errors.As: an entry edited (ChainEdited), deleted, inserted or
// reordered (ChainReordered), the tail cut off (ChainTruncated, against a
// head), the chain recomputed (ChainRewritten, against a head), entries
// without links (ChainUnlinked, also a record that carries no chain).
func VerifyIncident(rec IncidentRecord, heads *IncidentHeads) error {
	var hh, eh *Head
	if heads != nil {
		hh, eh = &heads.History, &heads.Events
	}
	var errs []error
	if err := fsm.VerifyHistory(rec.Machine, hh); err != nil {
		errs = append(errs, asSnapshotErr("machine", err, ErrSnapshot))
	}
	errs = append(errs, hashchain.Field(eventChain.Verify(rec.Events, rec.EventChain, eh), ErrSnapshot, "events"))
	return errors.Join(errs...)
}

// logEvents appends events to the event log of a chained incident. Called
// under the engine's lock.
func (m *IncidentManager) logEvents(it *incItem, events []IncidentEvent) {
	if it == nil || it.Rec.chain == nil {
		return
	}
	for _, e := range events {
		it.Rec.events = append(it.Rec.events, e)
		it.Rec.chain.Append(e)
	}
}

// restoreEvents checks the event log of a record and its chain, and gives
// it to the incident rebuilt from it: a log needs a chain, and an engine
// that chains needs both.
func (m *IncidentManager) restoreEvents(c *itemCheck, rec IncidentRecord, inc *incident) {
	if len(rec.EventChain) == 0 && len(rec.Events) == 0 {
		if m.chain {
			c.bad("event_chain", "missing: the manager chains its incidents (WithChain)")
		}
		return
	}
	if err := eventChain.Verify(rec.Events, rec.EventChain, nil); err != nil {
		c.errs = append(c.errs, hashchain.Field(err, ErrSnapshot, joinPath(c.path, "events")))
		return
	}
	inc.events, inc.chain = rec.Events, eventChain.Resume(rec.EventChain)
}
