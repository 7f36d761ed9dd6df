package emergency

import (
	"slices"
	"strings"
	"time"
)

// Pending is a change a rule will make once its hold or dwell time ends,
// if the input stays as it is.
type Pending struct {
	To  Level     `json:"to"`
	Due time.Time `json:"due"`
}

// RuleStatus is the state of one rule for one subject.
type RuleStatus struct {
	Rule string   `json:"rule"`
	Kind RuleKind `json:"kind"`
	// Level is the level the rule asserts now.
	Level Level `json:"level"`
	// Since is when the rule last changed its level (zero if never).
	Since time.Time `json:"since,omitzero"`
	// Candidate is the level the latest input calls for, before hold and
	// dwell are applied.
	Candidate Level `json:"candidate"`
	// Pending is the change that becomes due if the input stays as it is.
	Pending *Pending `json:"pending,omitempty"`
	// Evidence describes the rule's latest input; its Level is the
	// candidate and its Since is zero.
	Evidence Evidence `json:"evidence"`
}

// Status is the state of one subject on the board.
type Status struct {
	Subject string    `json:"subject"`
	Level   Level     `json:"level"`
	Since   time.Time `json:"since,omitzero"`
	// LastEvaluated is the instant of the subject's last evaluation.
	LastEvaluated time.Time    `json:"last_evaluated"`
	Rules         []RuleStatus `json:"rules"`
	// Floors are the floors set for the subject, sorted by source.
	Floors []Floor `json:"floors,omitempty"`
}

// Level returns the current level of a subject (None for an unknown one).
func (b *Board) Level(subject string) Level {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if s := b.subjects[subject]; s != nil {
		return s.level
	}
	return None
}

// Status returns the state of a subject and every rule for it; ok is false
// for a subject the board has never seen.
func (b *Board) Status(subject string) (st Status, ok bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	s := b.subjects[subject]
	if s == nil {
		return Status{}, false
	}
	st = Status{Subject: s.name, Level: s.level, Since: s.since, LastEvaluated: s.last,
		Rules: make([]RuleStatus, len(b.rules)), Floors: slices.Clone(s.floors)}
	for i := range b.rules {
		r, rs := &b.rules[i], &s.rules[i]
		rst := RuleStatus{Rule: r.name, Kind: r.kind, Level: rs.level, Since: rs.since.time(), Candidate: rs.cand,
			Evidence: r.evidence(rs, rs.level, rs.cand, 0)}
		if due, ok := r.nextDue(rs); ok {
			if to, _, _, ok := r.target(rs, due); ok {
				rst.Pending = &Pending{To: to, Due: due.time()}
			}
		}
		st.Rules[i] = rst
	}
	return st, true
}

// NextDue returns the earliest instant at which a pending hold or dwell of
// any subject ends; ok is false when nothing is pending. It scans every
// subject. A host need not poll it: the board's timer on its timeline
// evaluates the board when a change falls due (see Board).
func (b *Board) NextDue() (next time.Time, ok bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var earliest stamp
	for _, s := range b.list {
		for i := range b.rules {
			if d, has := b.rules[i].nextDue(&s.rules[i]); has && (!ok || d < earliest) {
				earliest, ok = d, true
			}
		}
	}
	if !ok {
		return time.Time{}, false
	}
	return earliest.time(), true
}

// History returns a copy of the changes of a subject's level, oldest first.
func (b *Board) History(subject string) []Change {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if s := b.subjects[subject]; s != nil {
		return b.historyLocked(s)
	}
	return nil
}

// Subjects returns the names of all subjects on the board, sorted.
func (b *Board) Subjects() []string {
	b.mu.RLock()
	out := make([]string, 0, len(b.list))
	for _, s := range b.list {
		out = append(out, s.name)
	}
	b.mu.RUnlock()
	slices.SortFunc(out, strings.Compare)
	return out
}

// Len returns the number of subjects on the board.
func (b *Board) Len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.list)
}
