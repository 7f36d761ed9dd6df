package incentive

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/benbjohnson/clock"
)

// AppealStatus is the state of an Appeal.
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

// EventKind names a Book event.
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
	pending     string // ID of the pending appeal, if any
}

// Book keeps issued statements, their appeals and their compensating
// adjustments, with an append-only history. Nothing issued is edited in
// place. A Book is safe for concurrent use; time comes from its clock,
// and every mutating method has an ...At form taking the time explicitly.
type Book struct {
	mu      sync.Mutex
	clock   clock.Clock
	records map[bookKey]*bookRecord
	appeals map[string]*Appeal
	events  []Event
	adjSeq  int64
}

// NewBook returns an empty Book; a nil clock means clock.New().
func NewBook(clk clock.Clock) *Book {
	if clk == nil {
		clk = clock.New()
	}
	return &Book{clock: clk, records: map[bookKey]*bookRecord{}, appeals: map[string]*Appeal{}}
}

func (b *Book) event(e Event) {
	e.Seq = int64(len(b.events)) + 1
	b.events = append(b.events, e)
}

// Issue records st as issued now.
func (b *Book) Issue(st Statement) error { return b.IssueAt(st, b.clock.Now()) }

// IssueAt records st as issued at t. A statement for the same person and
// period cannot be issued twice (ErrDuplicate): correct it with an
// adjustment instead.
func (b *Book) IssueAt(st Statement, t time.Time) error {
	if st.Person == "" || st.Period == "" {
		return fmt.Errorf("%w: statement needs a person and a period", ErrInvalid)
	}
	raw, err := st.Canonical()
	if err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k := bookKey{st.Person, st.Period}
	if _, ok := b.records[k]; ok {
		return fmt.Errorf("%w: statement for %s %s already issued", ErrDuplicate, st.Person, st.Period)
	}
	b.records[k] = &bookRecord{canonical: raw, total: st.Total}
	amt := st.Total
	b.event(Event{At: t, Kind: EventIssued, Person: st.Person, Period: st.Period, Amount: &amt})
	return nil
}

func (b *Book) record(person, period string) (*bookRecord, error) {
	r, ok := b.records[bookKey{person, period}]
	if !ok {
		return nil, fmt.Errorf("%w: no statement for %s %s", ErrNotFound, person, period)
	}
	return r, nil
}

// Statement returns the statement as issued.
func (b *Book) Statement(person, period string) (Statement, error) {
	b.mu.Lock()
	r, err := b.record(person, period)
	var raw []byte
	if err == nil {
		raw = r.canonical
	}
	b.mu.Unlock()
	if err != nil {
		return Statement{}, err
	}
	var st Statement
	err = json.Unmarshal(raw, &st)
	return st, err
}

// Frozen reports whether an appeal is pending on the statement.
func (b *Book) Frozen(person, period string) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.record(person, period)
	if err != nil {
		return false, err
	}
	return r.pending != "", nil
}

// FileAppeal files an appeal now.
func (b *Book) FileAppeal(req AppealRequest) (Appeal, error) {
	return b.FileAppealAt(req, b.clock.Now())
}

// FileAppealAt files an appeal at t, freezing the statement until the
// appeal is decided. A second appeal while one is pending is ErrFrozen.
func (b *Book) FileAppealAt(req AppealRequest, t time.Time) (Appeal, error) {
	var p problems
	if req.ID == "" {
		p.add("id", "is required")
	}
	if req.Reason == "" {
		p.add("reason", "is required")
	}
	if err := p.err(); err != nil {
		return Appeal{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.appeals[req.ID]; dup {
		return Appeal{}, fmt.Errorf("%w: appeal %q", ErrDuplicate, req.ID)
	}
	r, err := b.record(req.Person, req.Period)
	if err != nil {
		return Appeal{}, err
	}
	if r.pending != "" {
		return Appeal{}, fmt.Errorf("%w: appeal %q is pending on %s %s", ErrFrozen, r.pending, req.Person, req.Period)
	}
	a := &Appeal{ID: req.ID, Person: req.Person, Period: req.Period, Reason: req.Reason, FiledBy: req.FiledBy,
		FiledAt: t, Status: AppealPending}
	b.appeals[a.ID] = a
	r.pending = a.ID
	b.event(Event{At: t, Kind: EventAppealed, Person: a.Person, Period: a.Period, Appeal: a.ID, Actor: a.FiledBy, Reason: a.Reason})
	return *a, nil
}

// Decide decides a pending appeal now.
func (b *Book) Decide(d Decision) (Appeal, error) { return b.DecideAt(d, b.clock.Now()) }

// DecideAt decides a pending appeal at t, unfreezing the statement. An
// approval with a non-zero amount posts a compensating Adjustment.
func (b *Book) DecideAt(d Decision, t time.Time) (Appeal, error) {
	var p problems
	if d.Reason == "" {
		p.add("reason", "is required")
	}
	if d.Approver == "" {
		p.add("approver", "is required")
	}
	if !d.Approve && !d.Amount.IsZero() {
		p.add("amount", "a rejection posts no adjustment, got %s", d.Amount)
	}
	if err := p.err(); err != nil {
		return Appeal{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.appeals[d.Appeal]
	if !ok {
		return Appeal{}, fmt.Errorf("%w: appeal %q", ErrNotFound, d.Appeal)
	}
	if a.Status != AppealPending {
		return Appeal{}, fmt.Errorf("%w: appeal %q is %s", ErrAppealState, a.ID, a.Status)
	}
	r, _ := b.record(a.Person, a.Period)
	if d.Approve && !d.Amount.IsZero() {
		adj, err := b.postLocked(r, AdjustmentRequest{Person: a.Person, Period: a.Period, Amount: d.Amount,
			Reason: d.Reason, Approver: d.Approver}, a.ID, t)
		if err != nil {
			return Appeal{}, err
		}
		a.Adjustment = adj.ID
	}
	a.Status, a.DecidedBy, a.Decision = AppealRejected, d.Approver, d.Reason
	kind := EventRejected
	if d.Approve {
		a.Status, kind = AppealApproved, EventApproved
	}
	at := t
	a.DecidedAt = &at
	r.pending = ""
	b.event(Event{At: t, Kind: kind, Person: a.Person, Period: a.Period, Appeal: a.ID, Actor: d.Approver, Reason: d.Reason})
	return *a, nil
}

// Adjust posts an adjustment now.
func (b *Book) Adjust(req AdjustmentRequest) (Adjustment, error) {
	return b.AdjustAt(req, b.clock.Now())
}

// AdjustAt posts a compensating adjustment outside an appeal at t. It is
// refused with ErrFrozen while an appeal is pending.
func (b *Book) AdjustAt(req AdjustmentRequest, t time.Time) (Adjustment, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.record(req.Person, req.Period)
	if err != nil {
		return Adjustment{}, err
	}
	if r.pending != "" {
		return Adjustment{}, fmt.Errorf("%w: appeal %q is pending on %s %s", ErrFrozen, r.pending, req.Person, req.Period)
	}
	return b.postLocked(r, req, "", t)
}

func (b *Book) postLocked(r *bookRecord, req AdjustmentRequest, appeal string, t time.Time) (Adjustment, error) {
	var p problems
	if req.Reason == "" {
		p.add("reason", "is required")
	}
	if req.Approver == "" {
		p.add("approver", "is required")
	}
	if req.Amount.IsZero() {
		p.add("amount", "must not be zero")
	}
	if req.Amount.Currency != r.total.Currency {
		p.add("amount.currency", "%q differs from the statement's %q", req.Amount.Currency, r.total.Currency)
	}
	if err := p.err(); err != nil {
		return Adjustment{}, err
	}
	if _, err := r.net().Add(req.Amount); err != nil {
		return Adjustment{}, err
	}
	b.adjSeq++
	adj := Adjustment{ID: fmt.Sprintf("adj-%d", b.adjSeq), Person: req.Person, Period: req.Period, Amount: req.Amount,
		Reason: req.Reason, Approver: req.Approver, Appeal: appeal, At: t}
	r.adjustments = append(r.adjustments, adj)
	amt := adj.Amount
	b.event(Event{At: t, Kind: EventAdjusted, Person: adj.Person, Period: adj.Period, Appeal: appeal, Amount: &amt,
		Actor: adj.Approver, Reason: adj.Reason})
	return adj, nil
}

// Net returns the statement's total plus all its adjustments.
func (b *Book) Net(person, period string) (Money, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.record(person, period)
	if err != nil {
		return Money{}, err
	}
	return r.net(), nil
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
	b.mu.Lock()
	defer b.mu.Unlock()
	r, err := b.record(person, period)
	if err != nil {
		return nil, err
	}
	return slices.Clone(r.adjustments), nil
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

// BookSnapshot is the plain, JSON-serialisable state of a Book.
type BookSnapshot struct {
	Statements  []Statement  `json:"statements"`
	Appeals     []Appeal     `json:"appeals"`
	Adjustments []Adjustment `json:"adjustments"`
	Events      []Event      `json:"events"`
	AdjSeq      int64        `json:"adj_seq"`
}

// Snapshot returns the Book's state. Statements come in issue order,
// appeals in filing order, adjustments in posting order.
func (b *Book) Snapshot() (BookSnapshot, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := BookSnapshot{AdjSeq: b.adjSeq, Events: slices.Clone(b.events)}
	for _, e := range b.events {
		switch e.Kind {
		case EventIssued:
			var st Statement
			if err := json.Unmarshal(b.records[bookKey{e.Person, e.Period}].canonical, &st); err != nil {
				return BookSnapshot{}, err
			}
			s.Statements = append(s.Statements, st)
		case EventAppealed:
			s.Appeals = append(s.Appeals, *b.appeals[e.Appeal])
		}
	}
	next := map[bookKey]int{}
	for _, e := range b.events {
		if e.Kind == EventAdjusted {
			k := bookKey{e.Person, e.Period}
			s.Adjustments = append(s.Adjustments, b.records[k].adjustments[next[k]])
			next[k]++
		}
	}
	return s, nil
}

// RestoreBook rebuilds a Book from a snapshot; a nil clock means
// clock.New(). The restored Book has the same statements (byte for byte),
// appeals, adjustments and history. An adjustment in another currency than
// its statement (ErrInvalid) or one that overflows the net amount
// (ErrOverflow) is rejected, as it would be when posted, and so are
// repeated appeal or adjustment IDs, two pending appeals on one statement,
// an adjustment sequence behind the adjustments and a history that does
// not match the statements, appeals and adjustments (ErrInvalid).
func RestoreBook(s BookSnapshot, clk clock.Clock) (*Book, error) {
	b := NewBook(clk)
	for _, st := range s.Statements {
		raw, err := st.Canonical()
		if err != nil {
			return nil, err
		}
		k := bookKey{st.Person, st.Period}
		if _, dup := b.records[k]; dup {
			return nil, fmt.Errorf("%w: statement %s %s twice in snapshot", ErrDuplicate, st.Person, st.Period)
		}
		b.records[k] = &bookRecord{canonical: raw, total: st.Total}
	}
	for i := range s.Appeals {
		a := s.Appeals[i]
		r, err := b.record(a.Person, a.Period)
		if err != nil {
			return nil, err
		}
		if _, dup := b.appeals[a.ID]; dup {
			return nil, fmt.Errorf("%w: appeals[%d] %q twice in snapshot", ErrInvalid, i, a.ID)
		}
		if a.Status == AppealPending {
			if r.pending != "" {
				return nil, fmt.Errorf("%w: appeals[%d] %q and %q both pending on %s %s", ErrInvalid, i, r.pending, a.ID, a.Person, a.Period)
			}
			r.pending = a.ID
		}
		b.appeals[a.ID] = &a
	}
	if s.AdjSeq < int64(len(s.Adjustments)) {
		return nil, fmt.Errorf("%w: adj_seq %d is below the %d adjustments", ErrInvalid, s.AdjSeq, len(s.Adjustments))
	}
	adjIDs := make(map[string]bool, len(s.Adjustments))
	for i, adj := range s.Adjustments {
		if adjIDs[adj.ID] {
			return nil, fmt.Errorf("%w: adjustments[%d] %q twice in snapshot", ErrInvalid, i, adj.ID)
		}
		adjIDs[adj.ID] = true
		r, err := b.record(adj.Person, adj.Period)
		if err != nil {
			return nil, err
		}
		if adj.Amount.Currency != r.total.Currency {
			return nil, fmt.Errorf("%w: adjustments[%d] in %q, statement in %q", ErrInvalid, i, adj.Amount.Currency, r.total.Currency)
		}
		if _, err := r.net().Add(adj.Amount); err != nil {
			return nil, fmt.Errorf("incentive: adjustments[%d]: %w", i, err)
		}
		r.adjustments = append(r.adjustments, adj)
	}
	if err := b.checkHistory(s); err != nil {
		return nil, err
	}
	b.events = slices.Clone(s.Events)
	b.adjSeq = s.AdjSeq
	return b, nil
}

// checkHistory checks that the snapshot's events tell the story of its
// state: numbered in order, one issue per statement, one filing per appeal,
// one adjusted event per adjustment, and nothing naming an unknown
// statement or appeal. Snapshot relies on this.
func (b *Book) checkHistory(s BookSnapshot) error {
	bad := func(i int, format string, args ...any) error {
		return fmt.Errorf("%w: events[%d]: %s", ErrInvalid, i, fmt.Sprintf(format, args...))
	}
	issued := make(map[bookKey]bool, len(b.records))
	adjusted := make(map[bookKey]int, len(b.records))
	filed := make(map[string]bool, len(b.appeals))
	for i, e := range s.Events {
		if e.Seq != int64(i)+1 {
			return bad(i, "seq %d, want %d", e.Seq, i+1)
		}
		k := bookKey{e.Person, e.Period}
		r, ok := b.records[k]
		if !ok {
			return bad(i, "no statement for %s %s", e.Person, e.Period)
		}
		switch e.Kind {
		case EventIssued:
			if issued[k] {
				return bad(i, "%s %s issued twice", e.Person, e.Period)
			}
			issued[k] = true
		case EventAdjusted:
			adjusted[k]++
			if adjusted[k] > len(r.adjustments) {
				return bad(i, "more adjusted events than adjustments of %s %s", e.Person, e.Period)
			}
		case EventAppealed, EventApproved, EventRejected:
			a, ok := b.appeals[e.Appeal]
			if !ok || a.Person != e.Person || a.Period != e.Period {
				return bad(i, "appeal %q is not an appeal on %s %s", e.Appeal, e.Person, e.Period)
			}
			if e.Kind == EventAppealed {
				if filed[e.Appeal] {
					return bad(i, "appeal %q filed twice", e.Appeal)
				}
				filed[e.Appeal] = true
			}
		default:
			return bad(i, "unknown kind %q", e.Kind)
		}
	}
	for _, st := range s.Statements {
		k := bookKey{st.Person, st.Period}
		if !issued[k] {
			return fmt.Errorf("%w: statement %s %s has no issued event", ErrInvalid, st.Person, st.Period)
		}
		if n := len(b.records[k].adjustments); adjusted[k] != n {
			return fmt.Errorf("%w: %s %s has %d adjustments and %d adjusted events", ErrInvalid, st.Person, st.Period, n, adjusted[k])
		}
	}
	for _, a := range s.Appeals {
		if !filed[a.ID] {
			return fmt.Errorf("%w: appeal %q has no filing event", ErrInvalid, a.ID)
		}
	}
	return nil
}
