package fsm

import (
	"fmt"
	"slices"
)

// Snapshot format versions. Version 2 added the request classification,
// the approver's role and the approvals an approval replaced. Snapshot
// writes version 1 for a machine that uses none of them, so such a
// machine's document is byte for byte what version 1 readers expect;
// Restore reads both.
const (
	// SnapshotVersion is the latest format, the one Snapshot writes for a
	// machine that uses what version 2 added.
	SnapshotVersion = 2
	// SnapshotVersion1 is the first format.
	SnapshotVersion1 = 1
)

// Snapshot is the complete state of a Machine as a plain value: current
// state, history, checklist marks, tier, owner, first responder, transfers,
// escalations, approvals, amount and request. It is JSON-serialisable; a
// host stores it in its own database and brings the machine back with
// Restore.
type Snapshot struct {
	// Version is the format of the snapshot: SnapshotVersion1, or
	// SnapshotVersion when it carries what version 2 added.
	Version int `json:"version"`
	// Definition is the name of the definition the machine was made from.
	Definition     string       `json:"definition,omitempty"`
	ID             string       `json:"id,omitempty"`
	State          State        `json:"state"`
	Tier           int          `json:"tier,omitempty"`
	Amount         int64        `json:"amount,omitempty"`
	Owner          string       `json:"owner,omitempty"`
	FirstResponder string       `json:"first_responder,omitempty"`
	History        []Record     `json:"history,omitempty"`
	Marks          []Mark       `json:"marks,omitempty"`
	Transfers      []Transfer   `json:"transfers,omitempty"`
	Escalations    []Escalation `json:"escalations,omitempty"`
	// Approval is the current approval.
	Approval *Approval `json:"approval,omitempty"`
	// ReplacedApprovals (version 2) are the approvals the current one
	// replaced, oldest first.
	ReplacedApprovals []Approval `json:"replaced_approvals,omitempty"`
	// Request (version 2) is the machine's request classification.
	Request Request `json:"request,omitzero"`
	// Chain (optional, either version) seals History: one link per record,
	// written by a machine made WithChain and checked by Restore and
	// VerifyHistory.
	Chain []Link `json:"chain,omitempty"`
	// Redaction (optional) names the policy that redacted the snapshot
	// (Snapshot.Redact): "mask" or "hmac-sha256". A redacted snapshot is an
	// export; Restore refuses it (ErrRedacted).
	Redaction string `json:"redaction,omitempty"`
}

// needsV2 reports whether s carries anything version 1 cannot.
func (s *Snapshot) needsV2() bool {
	return s.Request != (Request{}) || len(s.ReplacedApprovals) > 0 || s.Approval != nil && s.Approval.Role != ""
}

// Snapshot returns a deep copy of the machine's state.
func (m *Machine) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Snapshot{
		Version:        SnapshotVersion1,
		Definition:     m.def.name,
		ID:             m.id,
		State:          m.def.states[m.state],
		Tier:           int(m.tier),
		Amount:         m.amount,
		Owner:          m.owner,
		FirstResponder: m.first,
		History:        m.historyLocked(),
		Marks:          slices.Clone(m.marks),
		Transfers:      slices.Clone(m.transfers),
		Escalations:    slices.Clone(m.escalations),
	}
	if n := len(m.approvals); n > 0 {
		a := m.approvals[n-1]
		s.Approval = &a
		if n > 1 {
			s.ReplacedApprovals = slices.Clone(m.approvals[:n-1])
		}
	}
	s.Request = m.request()
	if m.chain != nil {
		s.Chain = m.chain.Links()
	}
	if s.needsV2() {
		s.Version = SnapshotVersion
	}
	return s
}

// Restore returns a machine holding exactly the state in snap (deep
// copied), of the definition given with WithDefinition, which it requires
// (ErrNilDefinition without it). The other options are those NewMachine
// takes; they are applied after the snapshot, so WithClock sets the clock
// and WithID or WithAmount override the snapshot's values.
//
// A snapshot is untrusted input: Restore accepts only what the machine's
// own operations could have recorded, and reports every problem at once
// (errors.Join of *FieldError values matching ErrInvalidSnapshot). It
// refuses a Version other than 1 and 2, and a version 1 snapshot carrying
// what version 2 added; a definition name other than the definition's; a state, event or checklist item the definition
// does not know (states also match ErrUnknownState); a history that does
// not start in the initial state, whose records are not transitions of the
// definition or do not follow on from each other, or that does not end in
// the snapshot's state; a tier outside the definition's range or
// escalations that do not climb one tier at a time to it; transfers that
// do not start with an assignment, hand over from the owner of the time to
// someone else, and end with the snapshot's owner (the first responder
// being the first owner); an item marked twice; an approval with no
// approver, replaced approvals with no current one; zero instants; records
// of one kind out of time order (also matching ErrTimeBackwards); and
// transfers, escalations or approvals dated after the machine reached a
// terminal state.
func Restore(snap Snapshot, opts ...Option) (*Machine, error) {
	m := &Machine{clk: defaultClock}
	m.apply(opts)
	def := m.def
	if def == nil {
		return nil, fmt.Errorf("%w: Restore needs the machine's definition (WithDefinition)", ErrNilDefinition)
	}
	last, err := def.checkSnapshot(snap, m.chain != nil)
	if err != nil {
		return nil, err
	}
	m.id, m.state, m.tier, m.amount = snap.ID, def.stateIndex[snap.State], int32(snap.Tier), snap.Amount
	m.owner, m.first, m.last = snap.Owner, snap.FirstResponder, last
	m.marks = slices.Clone(snap.Marks)
	m.transfers = slices.Clone(snap.Transfers)
	m.escalations = slices.Clone(snap.Escalations)
	if snap.Approval != nil {
		m.approvals = append(slices.Clone(snap.ReplacedApprovals), *snap.Approval)
	}
	m.setRequest(snap.Request)
	if n := len(snap.History); n > 0 {
		// One block with room for the next few transitions.
		b := make([]entry, n, n+4)
		for i, r := range snap.History {
			b[i] = entry{at: r.At, actor: r.Actor, reason: r.Reason,
				event: def.eventIndex[r.Event], from: def.stateIndex[r.From], to: def.stateIndex[r.To]}
		}
		m.history = [][]entry{b}
	}
	if len(snap.Chain) > 0 {
		m.chain = historyChain.Resume(snap.Chain)
	}
	m.apply(opts)
	return m, nil
}
