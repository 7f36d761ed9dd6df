package incentive

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// BookSnapshotVersion is the Version of the snapshots Book.Snapshot
// writes; RestoreBook refuses any other.
const BookSnapshotVersion = 1

// BookSnapshot is the plain, JSON-serialisable state of a Book.
type BookSnapshot struct {
	// Version is the format of the snapshot, BookSnapshotVersion.
	Version     int          `json:"version"`
	Statements  []Statement  `json:"statements"`
	Appeals     []Appeal     `json:"appeals"`
	Adjustments []Adjustment `json:"adjustments"`
	Events      []Event      `json:"events"`
	AdjSeq      int64        `json:"adj_seq"`
	// Chain (optional) seals Events, one link per event, for a Book made
	// WithChain; RestoreBook and VerifyBook check it.
	Chain []Link `json:"chain,omitempty"`
}

// Snapshot returns the Book's state. Statements come in issue order,
// appeals in filing order, adjustments in posting order.
func (b *Book) Snapshot() (BookSnapshot, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := BookSnapshot{Version: BookSnapshotVersion, AdjSeq: b.adjSeq, Events: slices.Clone(b.events)}
	if b.chain != nil {
		s.Chain = b.chain.Links()
	}
	next := map[bookKey]int{}
	for _, e := range b.events {
		k := bookKey{e.Person, e.Period}
		switch e.Kind {
		case EventIssued:
			var st Statement
			if err := json.Unmarshal(b.records[k].canonical, &st); err != nil {
				return BookSnapshot{}, err
			}
			s.Statements = append(s.Statements, st)
		case EventAppealed:
			s.Appeals = append(s.Appeals, *b.appeals[e.Appeal])
		case EventAdjusted:
			s.Adjustments = append(s.Adjustments, b.records[k].adjustments[next[k]])
			next[k]++
		}
	}
	return s, nil
}

// RestoreBook rebuilds a Book from a snapshot, with the options NewBook
// takes. The restored Book has the same statements (byte for byte),
// appeals, adjustments and history.
//
// A snapshot is untrusted input, so RestoreBook replays its history
// through the Book's own operations: each issued event issues its
// statement, each filing files its appeal, each decision decides it with
// the adjustment it posted, each adjusted event posts its adjustment, all
// at the event's instant. Whatever those operations refuse, the restore
// refuses (statements that do not add up, adjustments that are zero, in
// another currency or overflow the net amount, decisions without a reason
// or approver, instants running backwards on a statement, ...). The
// replayed Book must then be the snapshot: the same statements, appeals,
// adjustments (with the IDs the Book's sequence gives them) and events in
// the same order, and AdjSeq equal to the number of adjustments posted. A
// Version other than BookSnapshotVersion is refused first; then a chain
// that does not seal the events (see VerifyBook), alone, naming the first
// bad event, or a missing chain when the restore is given WithChain. The
// restored Book continues the chain of a snapshot that carries one. Problems are
// joined with errors.Join; each matches ErrInvalid or the sentinel of the
// operation that refused it (ErrOverflow, ErrTimeBackwards, ...).
func RestoreBook(s BookSnapshot, opts ...Option) (*Book, error) {
	if s.Version != BookSnapshotVersion {
		return nil, sqerr.Field(ErrInvalid, "version", "book snapshot version %d, this package reads version %d", s.Version, BookSnapshotVersion)
	}
	r := bookReplay{b: NewBook(opts...), s: &s, stmt: map[bookKey]int{}, appeal: map[string]int{}, decides: map[string]int{}}
	if err := checkChain(s.Chain, len(s.Events), r.b.chain != nil, func() error { return VerifyBook(s, nil) }); err != nil {
		return nil, err
	}
	if len(s.Chain) > 0 && r.b.chain == nil {
		r.b.chain = bookChain.NewState() // the replay seals the events again
	}
	r.index()
	for i, e := range s.Events {
		r.replay(i, e)
	}
	if len(r.errs) == 0 {
		r.compare()
	}
	if err := errors.Join(r.errs...); err != nil {
		return nil, err
	}
	return r.b, nil
}

// bookReplay rebuilds a Book from a snapshot by replaying its events.
type bookReplay struct {
	b       *Book
	s       *BookSnapshot
	stmt    map[bookKey]int // statement index by person and period
	appeal  map[string]int  // appeal index by ID
	decides map[string]int  // adjustment index by the appeal whose approval posts it
	next    int             // the next adjustment to post
	errs    []error
}

func (r *bookReplay) add(path, format string, args ...any) {
	r.errs = append(r.errs, sqerr.Field(ErrInvalid, path, format, args...))
}

// index finds the statements and appeals by key, refusing duplicates.
func (r *bookReplay) index() {
	for i, st := range r.s.Statements {
		k := bookKey{st.Person, st.Period}
		if j, dup := r.stmt[k]; dup {
			r.add(fmt.Sprintf("statements[%d]", i), "statement of %s %s again (also statements[%d])", st.Person, st.Period, j)
			continue
		}
		r.stmt[k] = i
	}
	for i, a := range r.s.Appeals {
		if j, dup := r.appeal[a.ID]; dup {
			r.add(fmt.Sprintf("appeals[%d].id", i), "appeal %q again (also appeals[%d])", a.ID, j)
			continue
		}
		r.appeal[a.ID] = i
	}
}

// replay performs event i through the Book's operations.
func (r *bookReplay) replay(i int, e Event) {
	p := fmt.Sprintf("events[%d]", i)
	var path string
	var err error
	switch e.Kind {
	case EventIssued:
		j, ok := r.stmt[bookKey{e.Person, e.Period}]
		if !ok {
			r.add(p, "issues a statement of %s %s the snapshot does not hold", e.Person, e.Period)
			return
		}
		path, err = fmt.Sprintf("statements[%d]", j), r.b.IssueAt(e.At, r.s.Statements[j])
	case EventAppealed, EventApproved, EventRejected:
		j, ok := r.appeal[e.Appeal]
		if !ok {
			r.add(p+".appeal", "appeal %q is not in the snapshot", e.Appeal)
			return
		}
		a := r.s.Appeals[j]
		path = fmt.Sprintf("appeals[%d]", j)
		if e.Kind == EventAppealed {
			_, err = r.b.FileAppealAt(e.At, AppealRequest{ID: a.ID, Person: a.Person, Period: a.Period, Reason: a.Reason, FiledBy: a.FiledBy})
			break
		}
		d := Decision{Appeal: a.ID, Approve: e.Kind == EventApproved, Reason: a.Decision, Approver: a.DecidedBy}
		if k, ok := r.decides[a.ID]; ok {
			d.Amount = r.s.Adjustments[k].Amount
			delete(r.decides, a.ID)
		}
		_, err = r.b.DecideAt(e.At, d)
	case EventAdjusted:
		if r.next == len(r.s.Adjustments) {
			r.add(p, "posts an adjustment the snapshot does not hold")
			return
		}
		k := r.next
		r.next++
		if e.Appeal != "" { // posted by the approval that follows
			r.decides[e.Appeal] = k
			return
		}
		adj := r.s.Adjustments[k]
		path = fmt.Sprintf("adjustments[%d]", k)
		_, err = r.b.AdjustAt(e.At, AdjustmentRequest{Person: adj.Person, Period: adj.Period, Amount: adj.Amount,
			Reason: adj.Reason, Approver: adj.Approver})
	default:
		r.add(p+".kind", "unknown kind %q", e.Kind)
		return
	}
	r.fail(path, err)
}

// fail records err, refused by the operation replaying the item at path.
func (r *bookReplay) fail(path string, err error) {
	if err != nil {
		r.errs = append(r.errs, restoreProblem(path, err))
	}
}

// compare reports every part of the snapshot that differs from the replayed
// Book's.
func (r *bookReplay) compare() {
	got, err := r.b.Snapshot()
	if err != nil {
		r.errs = append(r.errs, err)
		return
	}
	compareAll(&r.errs, "statements", r.s.Statements, got.Statements)
	compareAll(&r.errs, "appeals", r.s.Appeals, got.Appeals)
	compareAll(&r.errs, "adjustments", r.s.Adjustments, got.Adjustments)
	compareAll(&r.errs, "events", r.s.Events, got.Events)
	if r.s.AdjSeq != got.AdjSeq {
		r.add("adj_seq", "%d, but the history posts %d adjustments", r.s.AdjSeq, got.AdjSeq)
	}
}

// compareAll adds to errs the elements of want (a snapshot's) that
// differ, compared as JSON, from got (what replaying the snapshot made).
func compareAll[T any](errs *[]error, path string, want, got []T) {
	if len(want) != len(got) {
		*errs = append(*errs, sqerr.Field(ErrInvalid, path, "%d in the snapshot, but its history makes %d", len(want), len(got)))
		return
	}
	for i := range want {
		w, err1 := json.Marshal(want[i])
		g, err2 := json.Marshal(got[i])
		if err := errors.Join(err1, err2); err != nil {
			*errs = append(*errs, err)
		} else if string(w) != string(g) {
			*errs = append(*errs, sqerr.Field(ErrInvalid, fmt.Sprintf("%s[%d]", path, i), "%s, but its history makes %s", w, g))
		}
	}
}
