package incentive

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// AssessmentEventKind names an entry of an Assessor's log. The zero value
// names none.
type AssessmentEventKind string

// Assessor log entry kinds.
const (
	AssessmentAssessed AssessmentEventKind = "assessed"
	AssessmentAppealed AssessmentEventKind = "appealed"
	AssessmentDecided  AssessmentEventKind = "decided"
)

// AssessmentEvent is one entry of an Assessor's append-only log: a period
// assessed (with the ranking entries that met some rule's condition: the
// others cannot extend a run), or an outcome appealed or decided.
type AssessmentEvent struct {
	Kind     AssessmentEventKind `json:"kind"`
	At       time.Time           `json:"at"`
	Period   string              `json:"period,omitempty"`
	Flagged  []Ranked            `json:"flagged,omitempty"`
	Outcome  string              `json:"outcome,omitempty"`
	Overturn bool                `json:"overturn,omitempty"`
	Reason   string              `json:"reason,omitempty"`
	By       string              `json:"by,omitempty"`
}

// AssessorSnapshotVersion is the Version of the snapshots
// Assessor.Snapshot writes; RestoreAssessor refuses any other.
const AssessorSnapshotVersion = 1

// AssessorSnapshot is the plain, JSON-serialisable state of an Assessor:
// its configuration, its log and the outcomes the log made. The penalties
// and appeals it posted live in the Book, which the host snapshots on its
// own (Book.Snapshot) and restores first.
type AssessorSnapshot struct {
	// Version is the format of the snapshot, AssessorSnapshotVersion.
	Version  int               `json:"version"`
	Config   AssessmentConfig  `json:"config"`
	Log      []AssessmentEvent `json:"log"`
	Outcomes []Outcome         `json:"outcomes"`
}

// Snapshot returns the Assessor's state.
func (a *Assessor) Snapshot() AssessorSnapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := AssessorSnapshot{Version: AssessorSnapshotVersion, Config: cloneAssessmentConfig(a.cfg),
		Log: make([]AssessmentEvent, len(a.log)), Outcomes: make([]Outcome, len(a.outcomes))}
	for i, e := range a.log {
		e.Flagged = slices.Clone(e.Flagged)
		s.Log[i] = e
	}
	for i, o := range a.outcomes {
		s.Outcomes[i] = o.clone()
	}
	return s
}

// RestoreAssessor rebuilds an Assessor from a snapshot, with the options
// NewAssessor takes: WithBook gives the Book its penalties were posted to,
// restored first (RestoreBook).
//
// A snapshot is untrusted input, so RestoreAssessor replays its log
// through the Assessor's own operations (AssessAt, AppealAt, DecideAt at
// each entry's instant) and refuses whatever they refuse: a configuration
// NewAssessor refuses (under "config"), periods assessed twice, instants
// running backwards, appeals after their deadline or of outcomes not
// standing, decisions without a reason, ... Instead of posting penalties
// and appeals again it checks that the Book holds each one as the live
// operation posted it, and that the appeals the log leaves pending are
// pending in the Book. The replayed Assessor must then be the snapshot:
// the same log and the same outcomes. A Version other than
// AssessorSnapshotVersion is refused first. Problems are joined with
// errors.Join; each matches ErrInvalid or the sentinel of the operation
// that refused it.
func RestoreAssessor(s AssessorSnapshot, opts ...Option) (*Assessor, error) {
	if s.Version != AssessorSnapshotVersion {
		return nil, sqerr.Field(ErrInvalid, "version", "assessor snapshot version %d, this package reads version %d", s.Version, AssessorSnapshotVersion)
	}
	a, err := NewAssessor(s.Config, opts...)
	if err != nil {
		return nil, restoreProblem("config", err)
	}
	var errs []error
	want := make(map[string]*Outcome, len(s.Outcomes))
	seen := make(map[string]int, len(s.Outcomes))
	for i := range s.Outcomes {
		o := &s.Outcomes[i]
		if j, dup := seen[o.ID]; dup {
			errs = append(errs, sqerr.Field(ErrInvalid, fmt.Sprintf("outcomes[%d].id", i), "%q again (also outcomes[%d])", o.ID, j))
			continue
		}
		want[o.ID], seen[o.ID] = o, i
	}
	a.ledger = checkLedger{b: a.book, want: want}
	for i, e := range s.Log {
		var err error
		switch e.Kind {
		case AssessmentAssessed:
			_, err = a.AssessAt(e.At, e.Period, e.Flagged)
		case AssessmentAppealed:
			_, err = a.AppealAt(e.At, OutcomeAppealRequest{Outcome: e.Outcome, Reason: e.Reason, FiledBy: e.By})
		case AssessmentDecided:
			_, err = a.DecideAt(e.At, OutcomeDecision{Outcome: e.Outcome, Overturn: e.Overturn, Reason: e.Reason, DecidedBy: e.By})
		default:
			err = sqerr.Field(ErrInvalid, "kind", "unknown kind %q", e.Kind)
		}
		if err != nil {
			errs = append(errs, restoreProblem(fmt.Sprintf("log[%d]", i), err))
		}
	}
	if len(errs) == 0 {
		got := a.Snapshot()
		compareAll(&errs, "log", s.Log, got.Log)
		compareAll(&errs, "outcomes", s.Outcomes, got.Outcomes)
		errs = append(errs, a.pendingInBook()...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	a.ledger = liveLedger{a.book}
	return a, nil
}

// pendingInBook reports the penalised outcomes whose appeal the log leaves
// pending but the Book does not.
func (a *Assessor) pendingInBook() []error {
	var errs []error
	for i, o := range a.outcomes {
		if o.Status != OutcomeAppealed || o.Adjustment == "" {
			continue
		}
		if ap, err := a.book.Appeal(bookAppealID(o.ID)); err != nil || ap.Status != AppealPending {
			errs = append(errs, sqerr.Field(ErrInvalid, fmt.Sprintf("outcomes[%d].status", i),
				"appealed, but the book's appeal %q is not pending (snapshots of different times?)", bookAppealID(o.ID)))
		}
	}
	return errs
}
