package fsm

import (
	"context"
	"slices"
	"time"
)

// Mark records that one checklist item was verified, by whom and when.
type Mark struct {
	Checklist string    `json:"checklist"`
	Item      string    `json:"item"`
	Actor     string    `json:"actor,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"at"`
}

// Transfer records a change of owner: from whom, to whom, who did it, why
// and when.
type Transfer struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Actor  string    `json:"actor,omitempty"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// Escalation records a move from one handling tier to the next.
type Escalation struct {
	From   int       `json:"from"`
	To     int       `json:"to"`
	Actor  string    `json:"actor,omitempty"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// ---- checklists ----

// Mark marks item of the named checklist as verified at the clock's time.
// See MarkAt.
func (m *Machine) Mark(checklist, item string, by By) (Mark, error) {
	return m.mark(time.Time{}, false, checklist, item, by)
}

// MarkAt marks item of the named checklist as verified at time at. The
// checklist and item must be declared in the definition
// (ErrUnknownChecklistItem otherwise). Marking an item that is already
// marked keeps and returns the first mark. Otherwise, like every
// recording operation it refuses a zero instant (ErrInvalidArgument) and one
// before LastRecorded (ErrTimeBackwards).
func (m *Machine) MarkAt(at time.Time, checklist, item string, by By) (Mark, error) {
	return m.mark(at, true, checklist, item, by)
}

func (m *Machine) mark(at time.Time, explicit bool, checklist, item string, by By) (Mark, error) {
	if !m.def.hasItem(checklist, item) {
		return Mark{}, ErrUnknownChecklistItem
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, mk := range m.marks {
		if mk.Checklist == checklist && mk.Item == item {
			return mk, nil
		}
	}
	at, ok := m.stamp(at, explicit)
	if !ok {
		return Mark{}, timeError("mark", at, m.last)
	}
	mk := Mark{Checklist: checklist, Item: item, Actor: by.Actor, Reason: by.Reason, At: at}
	m.marks = append(m.marks, mk)
	m.last = at
	return mk, nil
}

// Marks returns a copy of every mark, in the order they were made.
func (m *Machine) Marks() []Mark { return locked(m, func() []Mark { return slices.Clone(m.marks) }) }

// Missing returns the unmarked items of the named checklist in declared
// order (nil when complete or when the checklist is unknown).
func (m *Machine) Missing(checklist string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.missingLocked(checklist)
}

func (d *Definition) hasItem(checklist, item string) bool {
	i, ok := d.checkIndex[checklist]
	return ok && slices.Contains(d.checklists[i].Items, item)
}

func (m *Machine) markedLocked(checklist, item string) bool {
	for _, mk := range m.marks {
		if mk.Checklist == checklist && mk.Item == item {
			return true
		}
	}
	return false
}

func (m *Machine) missingLocked(checklist string) []string {
	i, ok := m.def.checkIndex[checklist]
	if !ok {
		return nil
	}
	var missing []string
	for _, it := range m.def.checklists[i].Items {
		if !m.markedLocked(checklist, it) {
			missing = append(missing, it)
		}
	}
	return missing
}

// ---- ownership and transfers ----

// Assign gives an unowned machine its first owner, who becomes its first
// responder and stays accountable for it across later transfers. See
// AssignAt.
func (m *Machine) Assign(owner string, by By) (Transfer, error) {
	return m.assign(time.Time{}, false, owner, by)
}

// AssignAt is Assign recording time at. It returns a *TransferError for an
// empty owner, ErrAlreadyAssigned if the machine already has an owner
// (use Transfer), ErrTerminal in a terminal state and, like every recording
// operation, refuses a zero instant (ErrInvalidArgument) or one before
// LastRecorded (ErrTimeBackwards). The assignment is recorded as the first
// transfer, from "" to owner.
//
// To assign and fire the event that records the assignment in the
// lifecycle (the ticket preset's TicketAssign) in one step, use
// FireAssign.
func (m *Machine) AssignAt(at time.Time, owner string, by By) (Transfer, error) {
	return m.assign(at, true, owner, by)
}

func (m *Machine) assign(at time.Time, explicit bool, owner string, by By) (Transfer, error) {
	if owner == "" {
		return Transfer{}, &TransferError{Problem: "no owner given"}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.def.terminal[m.state] {
		return Transfer{}, ErrTerminal
	}
	if m.owner != "" {
		return Transfer{}, ErrAlreadyAssigned
	}
	at, ok := m.stamp(at, explicit)
	if !ok {
		return Transfer{}, timeError("assign", at, m.last)
	}
	return m.handOverLocked(at, owner, by), nil
}

// handOverLocked makes to the owner at at and records the transfer; the
// first owner (from "") becomes the first responder. Called with the lock
// held, after every check.
func (m *Machine) handOverLocked(at time.Time, to string, by By) Transfer {
	tr := Transfer{From: m.owner, To: to, Actor: by.Actor, Reason: by.Reason, At: at}
	if m.owner == "" {
		m.first = to
	}
	m.owner = to
	m.transfers = append(m.transfers, tr)
	m.last = at
	return tr
}

// FireAssign fires ev and makes owner the machine's owner in one step, at
// the clock's current time. See FireAssignAt.
func (m *Machine) FireAssign(ctx context.Context, ev Event, owner string, by By) (Record, Transfer, error) {
	own := handover{to: owner}
	rec, err := m.fire(ctx, time.Time{}, false, ev, by, &own)
	return rec, own.tr, err
}

// FireAssignAt fires ev at at and makes owner the machine's owner, as one
// atomic step: either both happen or neither does, and no other call sees
// the machine in between. It is the way to assign a ticket
// (FireAssignAt(ctx, at, TicketAssign, "ann", by)) without ever leaving it
// in the assigned state with no owner.
//
// If the machine has no owner, owner becomes its first owner and first
// responder, as with Assign; if another agent owns it, it is transferred
// to owner, as with Transfer (the first responder stays); if owner already
// owns it, only the event is fired and the returned Transfer is zero. The
// change of owner is made before the transition's guards run, so they see
// the new owner (see RequireOwner), and undone if the transition is
// refused. An empty owner is a *TransferError; every other error is as for
// FireAt. Hooks run after both, outside the lock, as for FireAt.
func (m *Machine) FireAssignAt(ctx context.Context, at time.Time, ev Event, owner string, by By) (Record, Transfer, error) {
	own := handover{to: owner}
	rec, err := m.fire(ctx, at, true, ev, by, &own)
	return rec, own.tr, err
}

// handOver makes the change of owner own describes, for FireAssign, and
// returns the function that undoes it. Called with the lock held.
func (m *Machine) handOver(at time.Time, own *handover, by By) (undo func(), err error) {
	if own.to == "" {
		return nil, &TransferError{From: m.owner, Problem: "no owner given"}
	}
	if own.to == m.owner {
		return func() {}, nil
	}
	owner, first, transfers, last := m.owner, m.first, m.transfers, m.last
	own.tr = m.handOverLocked(at, own.to, by)
	return func() {
		m.owner, m.first, m.transfers, m.last = owner, first, transfers, last
		own.tr = Transfer{}
	}, nil
}

// RequireOwner returns a guard, named "owner", that refuses a transition
// while the machine has no owner. On the event that assigns a case (the
// ticket preset's TicketAssign, say) it makes "assigned with nobody
// assigned" impossible: fire that event with FireAssign, which sets the
// owner before the guards run. The refusal wraps ErrNoOwner.
func RequireOwner() Guard {
	return Guard{Name: "owner", Check: func(_ context.Context, v View) error {
		if v.m.owner == "" {
			return ErrNoOwner
		}
		return nil
	}}
}

// Transfer hands the machine from its current owner to another. See
// TransferAt.
func (m *Machine) Transfer(to string, by By) (Transfer, error) {
	return m.transfer(time.Time{}, false, to, by)
}

// TransferAt is Transfer recording time at. A transfer to nobody (""), to
// the current owner, or of a machine with no owner yet (use Assign) is
// refused with a *TransferError; in a terminal state it returns
// ErrTerminal. The first responder does not change. Like every
// recording operation it refuses a zero instant (ErrInvalidArgument) and one
// before LastRecorded (ErrTimeBackwards).
func (m *Machine) TransferAt(at time.Time, to string, by By) (Transfer, error) {
	return m.transfer(at, true, to, by)
}

func (m *Machine) transfer(at time.Time, explicit bool, to string, by By) (Transfer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case to == "":
		return Transfer{}, &TransferError{From: m.owner, Problem: "transfer to nobody"}
	case m.owner == "":
		return Transfer{}, &TransferError{To: to, Problem: "no current owner (assign first)"}
	case to == m.owner:
		return Transfer{}, &TransferError{From: m.owner, To: to, Problem: "transfer to the current owner"}
	case m.def.terminal[m.state]:
		return Transfer{}, ErrTerminal
	}
	at, ok := m.stamp(at, explicit)
	if !ok {
		return Transfer{}, timeError("transfer", at, m.last)
	}
	return m.handOverLocked(at, to, by), nil
}

// Owner returns the current owner ("" if unassigned).
func (m *Machine) Owner() string { return locked(m, func() string { return m.owner }) }

// FirstResponder returns the first owner, who stays accountable across
// transfers ("" if never assigned).
func (m *Machine) FirstResponder() string { return locked(m, func() string { return m.first }) }

// Transfers returns a copy of the assignment and transfer records, oldest
// first.
func (m *Machine) Transfers() []Transfer {
	return locked(m, func() []Transfer { return slices.Clone(m.transfers) })
}

// ---- tiers ----

// Escalate moves the machine up one handling tier. See EscalateAt.
func (m *Machine) Escalate(by By) (Escalation, error) {
	return m.escalate(time.Time{}, false, by)
}

// EscalateAt moves the machine up exactly one tier, recording time at. It
// returns ErrNoTiers if the definition has no tiers, ErrTopTier at the
// highest tier and ErrTerminal in a terminal state. Like every
// recording operation it refuses a zero instant (ErrInvalidArgument) and one
// before LastRecorded (ErrTimeBackwards).
func (m *Machine) EscalateAt(at time.Time, by By) (Escalation, error) {
	return m.escalate(at, true, by)
}

func (m *Machine) escalate(at time.Time, explicit bool, by By) (Escalation, error) {
	if m.def.maxTier == 0 {
		return Escalation{}, ErrNoTiers
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.def.terminal[m.state] {
		return Escalation{}, ErrTerminal
	}
	if int(m.tier) >= m.def.maxTier {
		return Escalation{}, ErrTopTier
	}
	at, ok := m.stamp(at, explicit)
	if !ok {
		return Escalation{}, timeError("escalate", at, m.last)
	}
	e := Escalation{From: int(m.tier), To: int(m.tier) + 1, Actor: by.Actor, Reason: by.Reason, At: at}
	m.tier++
	m.last = at
	m.escalations = append(m.escalations, e)
	return e, nil
}

// Tier returns the current handling tier (1 for a new machine, 0 if the
// definition has no tiers).
func (m *Machine) Tier() int { return locked(m, func() int { return int(m.tier) }) }

// Escalations returns a copy of the escalation records, oldest first.
func (m *Machine) Escalations() []Escalation {
	return locked(m, func() []Escalation { return slices.Clone(m.escalations) })
}
