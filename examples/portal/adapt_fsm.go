package main

// This file is the portal's one adapter to package fsm: every call into
// fsm goes through it, so that a change of fsm's API touches this file only.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/fsm"
)

// Kinds of case the portal handles.
const (
	kindTicket    = "ticket"
	kindComplaint = "complaint"
)

// approvalLimit is the amount (in whole currency units) above which a
// complaint needs a supervisor's approval before it is handled.
const approvalLimit = fsm.DefaultApprovalLimit

var complaintDef = func() *fsm.Definition {
	def, err := fsm.ComplaintDefinition(approvalLimit)
	if err != nil {
		panic(err) // a literal preset: cannot fail
	}
	return def
}()

// definitionOf returns the lifecycle of a kind of case.
func definitionOf(kind string) (*fsm.Definition, error) {
	switch kind {
	case kindTicket:
		return fsm.TicketDefinition(), nil
	case kindComplaint:
		return complaintDef, nil
	}
	return nil, fmt.Errorf("portal: unknown kind %q", kind)
}

// caseData is the host's data saved with a ticket's timeline record: its
// kind and its state machine.
type caseData struct {
	Kind    string       `json:"kind"`
	Machine fsm.Snapshot `json:"machine"`
}

// newCase returns the machine of a new case.
func newCase(kind, id string, amount int64) (*fsm.Machine, error) {
	def, err := definitionOf(kind)
	if err != nil {
		return nil, err
	}
	return fsm.NewMachine(def, fsm.WithID(id), fsm.WithAmount(amount))
}

// restoreCase brings a case's machine back from its stored snapshot.
func restoreCase(d caseData) (*fsm.Machine, error) {
	def, err := definitionOf(d.Kind)
	if err != nil {
		return nil, err
	}
	return fsm.Restore(d.Machine, fsm.WithDefinition(def))
}

// caseAction is one change a user asks of a case.
type caseAction struct {
	Op        string // fire, mark, take, transfer, approve, tier
	Event     string
	Checklist string
	Item      string
	To        string
	Reason    string
}

// errRefused wraps every refusal of the lifecycle (a transition not allowed
// now, a guard, a bad transfer): the user's request does not fit the case.
var errRefused = errors.New("portal: refused by the case's lifecycle")

// applyCase applies a to m at instant at by actor and returns the
// transition it made, if any.
func applyCase(ctx context.Context, m *fsm.Machine, at time.Time, actor string, a caseAction) (*fsm.Record, error) {
	by := fsm.By{Actor: actor, Reason: a.Reason}
	var err error
	switch a.Op {
	case "fire":
		var rec fsm.Record
		rec, err = m.FireAt(ctx, at, fsm.Event(a.Event), by)
		if err == nil {
			return &rec, nil
		}
	case "mark":
		_, err = m.MarkAt(at, a.Checklist, a.Item, by)
	case "take", "transfer":
		to := actor
		if a.Op == "transfer" {
			to = a.To
		}
		if m.Owner() != "" && a.Op == "transfer" {
			_, err = m.TransferAt(at, to, by)
			break
		}
		if _, err = m.AssignAt(at, to, by); err != nil {
			break
		}
		// A ticket records its assignment as a transition too.
		if m.Can(fsm.TicketAssign) && m.Definition() == fsm.TicketDefinition() {
			rec, ferr := m.FireAt(ctx, at, fsm.TicketAssign, by)
			if ferr != nil {
				return nil, fmt.Errorf("%w: %w", errRefused, ferr)
			}
			return &rec, nil
		}
	case "approve":
		_, err = m.ApproveAt(at, actor, a.Reason)
	case "tier":
		_, err = m.EscalateAt(at, by)
	default:
		return nil, fmt.Errorf("%w: unknown operation %q", errRefused, a.Op)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errRefused, err)
	}
	return nil, nil
}

// blocked is an event the current state allows but a guard refuses now.
type blocked struct {
	Event  string
	Reason string
}

// allowedNow splits the events of the current state into those that would
// succeed now and those a checklist or the approval guard holds back, by
// trying each on a copy of the machine.
func allowedNow(ctx context.Context, m *fsm.Machine, at time.Time, actor string) (ok []string, held []blocked) {
	snap := m.Snapshot()
	for _, ev := range m.Available() {
		cp, err := fsm.Restore(snap, fsm.WithDefinition(m.Definition()))
		if err != nil {
			continue
		}
		if _, err := cp.FireAt(ctx, at, ev, fsm.By{Actor: actor}); err != nil {
			held = append(held, blocked{Event: string(ev), Reason: refusalText(err)})
			continue
		}
		ok = append(ok, string(ev))
	}
	return ok, held
}

// refusalText says why the lifecycle refused, in words for the page.
func refusalText(err error) string {
	var cl *fsm.ChecklistIncompleteError
	var ap *fsm.ApprovalRequiredError
	switch {
	case errors.As(err, &cl):
		return fmt.Sprintf("%s incomplete: %v", cl.Checklist, cl.Missing)
	case errors.As(err, &ap):
		return fmt.Sprintf("amount %d is above %d: a supervisor must approve", ap.Amount, ap.Limit)
	case errors.Is(err, fsm.ErrNotAllowed):
		return "not allowed in the current state"
	case errors.Is(err, fsm.ErrTerminal):
		return "the case is closed"
	case errors.Is(err, fsm.ErrTopTier):
		return "already at the highest tier"
	case errors.Is(err, fsm.ErrInvalidTransfer):
		return "invalid transfer"
	case errors.Is(err, fsm.ErrAlreadyAssigned):
		return "already assigned"
	case errors.Is(err, fsm.ErrUnknownChecklistItem):
		return "unknown checklist item"
	case errors.Is(err, fsm.ErrUnknownEvent):
		return "unknown event"
	}
	return "refused"
}

// checkItem is one checklist item and whether it is marked.
type checkItem struct {
	Name   string
	Marked bool
	By     string
	At     time.Time
}

// checklistView is a checklist of a case as the page shows it.
type checklistView struct {
	Name  string
	Items []checkItem
}

// caseView is what the ticket page shows of a case's machine.
type caseView struct {
	State          string
	Terminal       bool
	Owner          string
	FirstResponder string
	Tier, MaxTier  int
	Amount         int64
	NeedsApproval  bool
	Approval       *fsm.Approval
	History        []fsm.Record
	Transfers      []fsm.Transfer
	Escalations    []fsm.Escalation
	Checklists     []checklistView
}

// viewCase reads a machine for the page.
func viewCase(m *fsm.Machine) caseView {
	v := caseView{State: string(m.State()), Terminal: m.IsTerminal(), Owner: m.Owner(), FirstResponder: m.FirstResponder(),
		Tier: m.Tier(), MaxTier: m.Definition().MaxTier(), Amount: m.Amount(),
		History: m.History(), Transfers: m.Transfers(), Escalations: m.Escalations()}
	if ap, ok := m.Approval(); ok {
		v.Approval = &ap
	}
	v.NeedsApproval = m.Definition().Name() == "complaint" && m.Amount() > approvalLimit &&
		(v.Approval == nil || v.Approval.Amount < m.Amount())
	marks := m.Marks()
	for _, cl := range m.Definition().Spec().Checklists {
		cv := checklistView{Name: cl.Name}
		for _, item := range cl.Items {
			ci := checkItem{Name: item}
			if i := slices.IndexFunc(marks, func(mk fsm.Mark) bool { return mk.Checklist == cl.Name && mk.Item == item }); i >= 0 {
				ci.Marked, ci.By, ci.At = true, marks[i].Actor, marks[i].At
			}
			cv.Items = append(cv.Items, ci)
		}
		v.Checklists = append(v.Checklists, cv)
	}
	slices.Reverse(v.History) // newest first on the page
	return v
}

// stateOf returns a case's state and owner from its machine.
func stateOf(m *fsm.Machine) (state, owner string, closed bool) {
	s := m.State()
	return string(s), m.Owner(), s == fsm.TicketClosed || s == fsm.ComplaintClosed
}

// firstTransition returns when the case first fired one of events, if it did.
func firstTransition(m *fsm.Machine, events ...string) (time.Time, bool) {
	for _, r := range m.History() {
		if slices.Contains(events, string(r.Event)) {
			return r.At, true
		}
	}
	return time.Time{}, false
}

// reopened reports whether the case was ever reopened or reworked.
func reopened(m *fsm.Machine) bool {
	_, ok := firstTransition(m, string(fsm.TicketReopen), string(fsm.ComplaintRework))
	return ok
}

// marshalCase stores a case's machine as the data of its timeline record.
func marshalCase(data *json.RawMessage, kind string, m *fsm.Machine) error {
	b, err := json.Marshal(caseData{Kind: kind, Machine: m.Snapshot()})
	if err != nil {
		return err
	}
	*data = b
	return nil
}

// caseMachine is a case's state machine.
type caseMachine = *fsm.Machine
