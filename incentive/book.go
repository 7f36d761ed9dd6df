package incentive

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/internal/hashchain"
)

// AppealStatus is the state of an Appeal. The zero value is not a state:
// every appeal a Book holds is pending, approved or rejected.
type AppealStatus string

// Appeal states.
const (
	AppealPending  AppealStatus = "pending"
	AppealApproved AppealStatus = "approved"
	AppealRejected AppealStatus = "rejected"
)

// Appeal is a request to review an issued statement. While it is pending
// the statement is frozen: no other appeal or adjustment is accepted.
type Appeal struct {
	ID         string       `json:"id"`
	Person     string       `json:"person"`
	Period     string       `json:"period"`
	Reason     string       `json:"reason"`
	FiledBy    string       `json:"filed_by,omitempty"`
	FiledAt    time.Time    `json:"filed_at"`
	Status     AppealStatus `json:"status"`
	DecidedBy  string       `json:"decided_by,omitempty"`
	Decision   string       `json:"decision,omitempty"`
	DecidedAt  *time.Time   `json:"decided_at,omitempty"`
	Adjustment string       `json:"adjustment,omitempty"` // ID of the posted Adjustment, if any
}

// AppealRequest files an appeal.
type AppealRequest struct {
	ID      string `json:"id"`
	Person  string `json:"person"`
	Period  string `json:"period"`
	Reason  string `json:"reason"`
	FiledBy string `json:"filed_by,omitempty"`
}

// Decision decides a pending appeal. An approval with a non-zero Amount
// posts a compensating Adjustment; a rejection posts nothing. Reason and
// Approver are required either way.
type Decision struct {
	Appeal   string `json:"appeal"`
	Approve  bool   `json:"approve"`
	Amount   Money  `json:"amount"`
	Reason   string `json:"reason"`
	Approver string `json:"approver"`
}

// Adjustment is a compensating entry posted against an issued statement.
// The statement itself is never edited; its net amount is its total plus
// its adjustments.
type Adjustment struct {
	ID       string    `json:"id"`
	Person   string    `json:"person"`
	Period   string    `json:"period"`
	Amount   Money     `json:"amount"`
	Reason   string    `json:"reason"`
	Approver string    `json:"approver"`
	Appeal   string    `json:"appeal,omitempty"`
	At       time.Time `json:"at"`
}

// AdjustmentRequest posts an adjustment outside an appeal.
type AdjustmentRequest struct {
	Person   string `json:"person"`
	Period   string `json:"period"`
	Amount   Money  `json:"amount"`
	Reason   string `json:"reason"`
	Approver string `json:"approver"`
}

// EventKind names a Book event. The zero value names none.
type EventKind string

// Book event kinds.
const (
	EventIssued   EventKind = "issued"
	EventAppealed EventKind = "appeal-filed"
	EventApproved EventKind = "appeal-approved"
	EventRejected EventKind = "appeal-rejected"
	EventAdjusted EventKind = "adjusted"
)

// Event is one entry of a Book's append-only history.
type Event struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Kind   EventKind `json:"kind"`
	Person string    `json:"person"`
	Period string    `json:"period"`
	Appeal string    `json:"appeal,omitempty"`
	Amount *Money    `json:"amount,omitempty"`
	Actor  string    `json:"actor,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

type bookKey struct{ person, period string }

type bookRecord struct {
	canonical   []byte // the issued statement, never rewritten
	total       Money
	adjustments []Adjustment
	pending     string    // ID of the pending appeal, if any
	last        time.Time // latest instant recorded on the statement
}

// Book keeps issued statements, their appeals and their compensating
// adjustments, with an append-only history. Nothing issued is edited in
// place. A Book is safe for concurrent use; time comes from its clock,
// and every mutating method has an ...At form taking the time explicitly,
// first.
//
// The history of each statement runs forward: an operation on a statement
// (filing or deciding an appeal, posting an adjustment) dated before the
// latest instant recorded on it is refused with an error matching
// ErrTimeBackwards, and a zero instant with ErrInput. Statements of
// different people or periods are independent: a statement may be issued
// with an earlier date than another one's last event.
type Book struct {
	mu      sync.Mutex
	clock   clock.Clock
	records map[bookKey]*bookRecord
	appeals map[string]*Appeal
	events  []Event
	adjSeq  int64
	chain   *hashchain.State[bookEntry] // nil: not chained (WithChain)
}

// NewBook returns an empty Book. Its clock comes from WithClock (default
// clock.New()).
func NewBook(opts ...Option) *Book {
	cfg := newConfig(opts)
	b := &Book{clock: cfg.clock, records: map[bookKey]*bookRecord{}, appeals: map[string]*Appeal{}}
	if cfg.chain {
		b.chain = bookChain.NewState()
	}
	return b
}

func (b *Book) event(e Event) {
	e.Seq = int64(len(b.events)) + 1
	b.events = append(b.events, e)
	if b.chain != nil {
		var st *Digest
		if e.Kind == EventIssued {
			st = statementDigest(b.records[bookKey{e.Person, e.Period}].canonical)
		}
		b.chain.Append(bookEntry{ev: e, statement: st})
	}
}

func (b *Book) record(person, period string) (*bookRecord, error) {
	r, ok := b.records[bookKey{person, period}]
	if !ok {
		return nil, fmt.Errorf("%w: no statement for %s %s", ErrNotFound, person, period)
	}
	return r, nil
}

// lookup calls f with the record of person and period under the lock.
func (b *Book) lookup(person, period string, f func(r *bookRecord)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.record(person, period)
	if err == nil {
		f(r)
	}
	return err
}

// Statement returns the statement as issued.
func (b *Book) Statement(person, period string) (Statement, error) {
	var raw []byte
	if err := b.lookup(person, period, func(r *bookRecord) { raw = r.canonical }); err != nil {
		return Statement{}, err
	}
	var st Statement
	err := json.Unmarshal(raw, &st)
	return st, err
}

// Frozen reports whether an appeal is pending on the statement.
func (b *Book) Frozen(person, period string) (bool, error) {
	var frozen bool
	err := b.lookup(person, period, func(r *bookRecord) { frozen = r.pending != "" })
	return frozen, err
}

// Net returns the statement's total plus all its adjustments.
func (b *Book) Net(person, period string) (Money, error) {
	var net Money
	err := b.lookup(person, period, func(r *bookRecord) { net = r.net() })
	return net, err
}

// net returns the issued total plus every adjustment; each posting checked
// that the running sum does not overflow.
func (r *bookRecord) net() Money {
	net := r.total
	for _, a := range r.adjustments {
		net, _ = net.Add(a.Amount)
	}
	return net
}

// Adjustments returns the statement's adjustments in posting order.
func (b *Book) Adjustments(person, period string) ([]Adjustment, error) {
	var adjs []Adjustment
	err := b.lookup(person, period, func(r *bookRecord) { adjs = slices.Clone(r.adjustments) })
	return adjs, err
}

// Appeal returns an appeal by ID.
func (b *Book) Appeal(id string) (Appeal, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.appeals[id]
	if !ok {
		return Appeal{}, fmt.Errorf("%w: appeal %q", ErrNotFound, id)
	}
	return *a, nil
}

// History returns the events of one statement in order; with empty person
// and period it returns every event.
func (b *Book) History(person, period string) []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Event
	for _, e := range b.events {
		if (person == "" && period == "") || (e.Person == person && e.Period == period) {
			out = append(out, e)
		}
	}
	return out
}
