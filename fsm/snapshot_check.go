package fsm

import (
	"errors"
	"strconv"
	"time"
)

// snapCheck collects the problems of a snapshot (see Restore).
type snapCheck struct {
	d    *Definition
	errs []error
	last time.Time // the latest instant of any record
}

func (c *snapCheck) add(kind error, path, format string, args ...any) {
	c.errs = append(c.errs, snapErr(kind, path, format, args...))
}

// item is the path of element i of the list named list (i < 0 for a
// single record such as "approval"), with an optional field; it is
// formatted only when a problem is reported, so checking a good snapshot
// formats nothing.
type item struct {
	list string
	i    int
}

func (p item) at(field string) string {
	s := p.list
	if p.i >= 0 {
		s += "[" + strconv.Itoa(p.i) + "]"
	}
	if field != "" {
		s += "." + field
	}
	return s
}

// dated checks the instant of the record p, which follows a record of the
// same kind dated *prev: it must not be zero nor before *prev, as the live
// operations refuse. It moves *prev and c.last on.
func (c *snapCheck) dated(p item, at time.Time, prev *time.Time) {
	switch {
	case at.IsZero():
		c.add(ErrInvalidSnapshot, p.at("at"), "zero instant")
	case at.Before(*prev):
		c.add(errSnapshotBackwards, p.at("at"), "%v is before the previous record's %v", at, *prev)
	default:
		*prev = at
	}
	if at.After(c.last) {
		c.last = at
	}
}

// checkSnapshot reports every problem of s as a snapshot of a machine of
// d, and returns the latest instant s records. With chained, s must carry
// a chain.
func (d *Definition) checkSnapshot(s Snapshot, chained bool) (time.Time, error) {
	if s.Version != SnapshotVersion1 && s.Version != SnapshotVersion {
		return time.Time{}, snapErr(ErrInvalidSnapshot, "version", "snapshot version %d, this package reads versions %d and %d", s.Version, SnapshotVersion1, SnapshotVersion)
	}
	if err := redactedErr(s.Redaction); err != nil {
		return time.Time{}, err
	}
	c := &snapCheck{d: d}
	c.chain(s, chained)
	if s.Version == SnapshotVersion1 {
		c.v1(s)
	}
	if s.Definition != "" && s.Definition != d.name {
		c.add(ErrInvalidSnapshot, "definition", "snapshot of definition %q, not %q", s.Definition, d.name)
	}
	c.history(s)
	c.marks(s.Marks)
	c.owners(s)
	c.tiers(s)
	c.approvals(s)
	c.afterTerminal(s)
	return c.last, errors.Join(c.errs...)
}

// v1 reports what a version 1 snapshot cannot carry.
func (c *snapCheck) v1(s Snapshot) {
	const msg = "a version 1 snapshot carries no %s (version 2 added it)"
	if s.Request != (Request{}) {
		c.add(ErrInvalidSnapshot, "request", msg, "request")
	}
	if len(s.ReplacedApprovals) > 0 {
		c.add(ErrInvalidSnapshot, "replaced_approvals", msg, "replaced approvals")
	}
	if s.Approval != nil && s.Approval.Role != "" {
		c.add(ErrInvalidSnapshot, "approval.role", msg, "approver's role")
	}
}

// approvals checks the replaced approvals and the current one: each names
// its approver and they follow each other in time.
func (c *snapCheck) approvals(s Snapshot) {
	if len(s.ReplacedApprovals) > 0 && s.Approval == nil {
		c.add(ErrInvalidSnapshot, "approval", "%d replaced approvals but no current one", len(s.ReplacedApprovals))
	}
	var prev time.Time
	check := func(p item, a *Approval) {
		if a.Approver == "" {
			c.add(ErrInvalidSnapshot, p.at("approver"), "approval of %d with no approver", a.Amount)
		}
		c.dated(p, a.At, &prev)
	}
	for i := range s.ReplacedApprovals {
		check(item{"replaced_approvals", i}, &s.ReplacedApprovals[i])
	}
	if s.Approval != nil {
		check(item{"approval", -1}, s.Approval)
	}
}

// state returns the index of st, reporting it at p's field if unknown.
func (c *snapCheck) state(p item, field string, st State) (int32, bool) {
	i, ok := c.d.stateIndex[st]
	if !ok {
		c.add(ErrUnknownState, p.at(field), "unknown state %q", st)
	}
	return i, ok
}

// history checks that the history is a chain of the definition's
// transitions from the initial state to the snapshot's state.
func (c *snapCheck) history(s Snapshot) {
	d := c.d
	cur := d.states[d.initial]
	var prev time.Time
	for i, r := range s.History {
		p := item{"history", i}
		ei, evOK := d.eventIndex[r.Event]
		if !evOK {
			c.add(ErrInvalidSnapshot, p.at("event"), "unknown event %q", r.Event)
		}
		from, fromOK := c.state(p, "from", r.From)
		to, toOK := c.state(p, "to", r.To)
		if fromOK && r.From != cur {
			c.add(ErrInvalidSnapshot, p.at("from"), "%q, but the machine was in %q", r.From, cur)
		}
		if evOK && fromOK && toOK && d.table[int(ei)*len(d.states)+int(from)] != to {
			c.add(ErrInvalidSnapshot, p.at(""), "the definition has no transition %q from %q to %q", r.Event, r.From, r.To)
		}
		c.dated(p, r.At, &prev)
		cur = r.To
	}
	if _, ok := c.state(item{"state", -1}, "", s.State); ok && s.State != cur {
		if len(s.History) == 0 {
			c.add(ErrInvalidSnapshot, "state", "%q, but a machine with no history is in the initial state %q", s.State, cur)
		} else {
			c.add(ErrInvalidSnapshot, "state", "%q, but the history ends in %q", s.State, cur)
		}
	}
}

// marks checks that every mark names a declared item, marked once.
func (c *snapCheck) marks(marks []Mark) {
	seen := make(map[Mark]int, len(marks))
	var prev time.Time
	for i, mk := range marks {
		p := item{"marks", i}
		key := Mark{Checklist: mk.Checklist, Item: mk.Item}
		if !c.d.hasItem(mk.Checklist, mk.Item) {
			c.add(ErrInvalidSnapshot, p.at(""), "unknown checklist item %q/%q", mk.Checklist, mk.Item)
		} else if j, dup := seen[key]; dup {
			c.add(ErrInvalidSnapshot, p.at(""), "item %q/%q marked twice (also marks[%d])", mk.Checklist, mk.Item, j)
		} else {
			seen[key] = i
		}
		c.dated(p, mk.At, &prev)
	}
}

// owners checks that the transfers start with the assignment of the first
// responder, hand over from one owner to another and end with the owner.
func (c *snapCheck) owners(s Snapshot) {
	if s.Owner != "" && s.FirstResponder == "" {
		c.add(ErrInvalidSnapshot, "first_responder", "owner %q but no first responder", s.Owner)
	}
	if s.Owner == "" && s.FirstResponder != "" {
		c.add(ErrInvalidSnapshot, "owner", "first responder %q but no owner", s.FirstResponder)
	}
	owner := ""
	var prev time.Time
	for i, tr := range s.Transfers {
		p := item{"transfers", i}
		switch {
		case tr.From != owner && i == 0:
			c.add(ErrInvalidSnapshot, p.at("from"), "%q, but the first transfer assigns the first owner", tr.From)
		case tr.From != owner:
			c.add(ErrInvalidSnapshot, p.at("from"), "%q, but the owner was %q", tr.From, owner)
		}
		switch {
		case tr.To == "":
			c.add(ErrInvalidSnapshot, p.at("to"), "transfer to nobody")
		case tr.To == tr.From:
			c.add(ErrInvalidSnapshot, p.at("to"), "transfer to the current owner %q", tr.To)
		case i == 0 && tr.To != s.FirstResponder:
			c.add(ErrInvalidSnapshot, p.at("to"), "%q, but the first responder is %q", tr.To, s.FirstResponder)
		}
		c.dated(p, tr.At, &prev)
		owner = tr.To
	}
	if s.Owner != owner {
		c.add(ErrInvalidSnapshot, "owner", "%q, but the transfers leave the machine with %q", s.Owner, owner)
	}
}

// tiers checks the tier and that the escalations climb to it one tier at
// a time.
func (c *snapCheck) tiers(s Snapshot) {
	top := c.d.maxTier
	if top == 0 {
		if s.Tier != 0 {
			c.add(ErrInvalidSnapshot, "tier", "tier %d but the definition has no tiers", s.Tier)
		}
		if len(s.Escalations) > 0 {
			c.add(ErrInvalidSnapshot, "escalations", "%d escalations but the definition has no tiers", len(s.Escalations))
		}
		return
	}
	if s.Tier < 1 || s.Tier > top {
		c.add(ErrInvalidSnapshot, "tier", "tier %d outside 1..%d", s.Tier, top)
	}
	tier := 1
	var prev time.Time
	for i, e := range s.Escalations {
		p := item{"escalations", i}
		if e.From != tier || e.To != tier+1 || e.To > top {
			c.add(ErrInvalidSnapshot, p.at(""), "from tier %d to %d, but the machine was at tier %d of %d and escalates one tier at a time", e.From, e.To, tier, top)
		}
		c.dated(p, e.At, &prev)
		tier = e.To
	}
	if s.Tier != tier {
		c.add(ErrInvalidSnapshot, "tier", "tier %d, but the escalations leave the machine at tier %d", s.Tier, tier)
	}
}

// afterTerminal reports transfers, escalations and approvals dated after
// the machine reached a terminal state, which refuses them.
func (c *snapCheck) afterTerminal(s Snapshot) {
	n := len(s.History)
	if n == 0 || !c.d.IsTerminal(s.State) {
		return
	}
	end := s.History[n-1].At
	late := func(p item, at time.Time) {
		if at.After(end) {
			c.add(ErrInvalidSnapshot, p.at("at"), "%v is after the machine reached terminal state %q at %v", at, s.State, end)
		}
	}
	for i, tr := range s.Transfers {
		late(item{"transfers", i}, tr.At)
	}
	for i, e := range s.Escalations {
		late(item{"escalations", i}, e.At)
	}
	for i, a := range s.ReplacedApprovals {
		late(item{"replaced_approvals", i}, a.At)
	}
	if s.Approval != nil {
		late(item{"approval", -1}, s.Approval.At)
	}
}
