package fsm

import (
	"errors"
	"fmt"
	"slices"
)

// Snapshot is the complete state of a Machine as a plain value: current
// state, history, checklist marks, tier, owner, first responder, transfers,
// escalations, approval and amount. It is JSON-serialisable; a host stores
// it in its own database and brings the machine back with Restore.
type Snapshot struct {
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
	Approval       *Approval    `json:"approval,omitempty"`
}

// Snapshot returns a deep copy of the machine's state.
func (m *Machine) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Snapshot{
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
	if m.approval != nil {
		a := *m.approval
		s.Approval = &a
	}
	return s
}

// Restore returns a machine of def holding exactly the state in snap (deep
// copied). Options are applied after the snapshot, so WithClock sets the
// clock and WithID or WithAmount override the snapshot's values.
//
// Every problem is reported at once (errors.Join of *FieldError values
// matching ErrInvalidSnapshot): a state the definition does not know (also
// matching ErrUnknownState, in State or in the history), a definition name
// that differs from def's, a tier outside the definition's range, marks of
// undeclared checklist items, an owner without a first responder (or the
// reverse), or an approval with no approver.
func Restore(def *Definition, snap Snapshot, opts ...Option) (*Machine, error) {
	if def == nil {
		return nil, ErrNilDefinition
	}
	if err := def.checkSnapshot(snap); err != nil {
		return nil, err
	}
	m := &Machine{
		def:         def,
		clk:         defaultClock,
		id:          snap.ID,
		state:       def.stateIndex[snap.State],
		tier:        int32(snap.Tier),
		amount:      snap.Amount,
		owner:       snap.Owner,
		first:       snap.FirstResponder,
		marks:       slices.Clone(snap.Marks),
		transfers:   slices.Clone(snap.Transfers),
		escalations: slices.Clone(snap.Escalations),
	}
	if snap.Approval != nil {
		a := *snap.Approval
		m.approval = &a
	}
	if n := len(snap.History); n > 0 {
		// One block with room for the next few transitions.
		b := make([]entry, n, n+4)
		for i, r := range snap.History {
			b[i] = entry{at: r.At, actor: r.Actor, reason: r.Reason,
				event: def.eventIndex[r.Event], from: def.stateIndex[r.From], to: def.stateIndex[r.To]}
		}
		m.history = [][]entry{b}
	}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	return m, nil
}

func (d *Definition) checkSnapshot(s Snapshot) error {
	var errs []error
	add := func(kind error, path, format string, args ...any) {
		errs = append(errs, snapErr(kind, path, format, args...))
	}
	if s.Definition != "" && s.Definition != d.name {
		add(ErrInvalidSnapshot, "definition", "snapshot of definition %q, not %q", s.Definition, d.name)
	}
	if _, ok := d.stateIndex[s.State]; !ok {
		add(ErrUnknownState, "state", "unknown state %q", s.State)
	}
	if d.maxTier == 0 && s.Tier != 0 {
		add(ErrInvalidSnapshot, "tier", "tier %d but the definition has no tiers", s.Tier)
	} else if d.maxTier > 0 && (s.Tier < 1 || s.Tier > d.maxTier) {
		add(ErrInvalidSnapshot, "tier", "tier %d outside 1..%d", s.Tier, d.maxTier)
	}
	if s.Owner != "" && s.FirstResponder == "" {
		add(ErrInvalidSnapshot, "first_responder", "owner %q but no first responder", s.Owner)
	}
	if s.Owner == "" && s.FirstResponder != "" {
		add(ErrInvalidSnapshot, "owner", "first responder %q but no owner", s.FirstResponder)
	}
	if s.Approval != nil && s.Approval.Approver == "" {
		add(ErrInvalidSnapshot, "approval.approver", "approval of %d with no approver", s.Approval.Amount)
	}
	for i, r := range s.History {
		p := fmt.Sprintf("history[%d]", i)
		if _, ok := d.eventIndex[r.Event]; !ok {
			add(ErrInvalidSnapshot, p+".event", "unknown event %q", r.Event)
		}
		if _, ok := d.stateIndex[r.From]; !ok {
			add(ErrUnknownState, p+".from", "unknown state %q", r.From)
		}
		if _, ok := d.stateIndex[r.To]; !ok {
			add(ErrUnknownState, p+".to", "unknown state %q", r.To)
		}
	}
	for i, mk := range s.Marks {
		if !d.hasItem(mk.Checklist, mk.Item) {
			add(ErrInvalidSnapshot, fmt.Sprintf("marks[%d]", i), "unknown checklist item %q/%q", mk.Checklist, mk.Item)
		}
	}
	return errors.Join(errs...)
}
