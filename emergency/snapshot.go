package emergency

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SnapshotVersion is the format version written by Board.Snapshot.
const SnapshotVersion = 1

// Snapshot is the complete state of a board as a plain, JSON-serialisable
// value. The host stores it in its own database and restores it with
// Board.Restore into a board built from the same rules.
type Snapshot struct {
	Version  int               `json:"version"`
	Seq      uint64            `json:"seq"`
	Subjects []SubjectSnapshot `json:"subjects"`
}

// SubjectSnapshot is the state of one subject, in the order subjects joined
// the board.
type SubjectSnapshot struct {
	Subject       string         `json:"subject"`
	Level         Level          `json:"level"`
	Since         time.Time      `json:"since,omitzero"`
	LastEvaluated time.Time      `json:"last_evaluated,omitzero"`
	Rules         []RuleSnapshot `json:"rules"`
	Floors        []Floor        `json:"floors,omitempty"`
	History       []Change       `json:"history,omitempty"`
}

// RuleSnapshot is the state of one rule for one subject: its latest inputs,
// its candidate and asserted level, and the starts of its hold and dwell
// conditions.
type RuleSnapshot struct {
	Rule       string         `json:"rule"`
	Level      Level          `json:"level"`
	Since      time.Time      `json:"since,omitzero"`
	Candidate  Level          `json:"candidate"`
	HasValue   bool           `json:"has_value,omitempty"`
	Value      float64        `json:"value,omitempty"`
	HasDemand  bool           `json:"has_demand,omitempty"`
	Demand     float64        `json:"demand,omitempty"`
	HasCounts  bool           `json:"has_counts,omitempty"`
	Counts     Counts         `json:"counts,omitzero"`
	Result     IncreaseResult `json:"result,omitzero"`
	ObservedAt time.Time      `json:"observed_at,omitzero"`
	// AtLeast[i] is since when the candidate has been at least level i+1;
	// AtMost[i] since when it has been at most level i (zero: not now).
	AtLeast    [3]time.Time `json:"at_least"`
	AtMost     [3]time.Time `json:"at_most"`
	LastSignal time.Time    `json:"last_signal,omitzero"`
	Detail     string       `json:"detail,omitempty"`
	Dirty      bool         `json:"dirty,omitempty"`
	Clear      bool         `json:"clear,omitempty"`
}

// Snapshot returns the complete state of the board.
func (b *Board) Snapshot() Snapshot {
	b.mu.RLock()
	defer b.mu.RUnlock()
	snap := Snapshot{Version: SnapshotVersion, Seq: b.seq, Subjects: make([]SubjectSnapshot, 0, len(b.list))}
	for _, s := range b.list {
		ss := SubjectSnapshot{Subject: s.name, Level: s.level, Since: s.since, LastEvaluated: s.last,
			Rules: make([]RuleSnapshot, len(b.rules)), Floors: slices.Clone(s.floors),
			History: b.historyLocked(s)}
		for i := range b.rules {
			rs := &s.rules[i]
			ss.Rules[i] = RuleSnapshot{
				Rule: b.rules[i].name, Level: rs.level, Since: rs.since.time(), Candidate: rs.cand,
				HasValue: rs.hasValue, Value: rs.value, HasDemand: rs.hasDemand, Demand: rs.demand,
				HasCounts: rs.hasCounts, Counts: rs.counts, Result: rs.result(), ObservedAt: rs.observedAt.time(),
				AtLeast: stampsToTimes(rs.atLeast), AtMost: stampsToTimes(rs.atMost), LastSignal: rs.lastSignal.time(),
				Detail: rs.detail,
				Dirty:  rs.dirty, Clear: rs.clearRequested,
			}
		}
		snap.Subjects = append(snap.Subjects, ss)
	}
	return snap
}

// Restore replaces the whole state of the board with snap. Rules are matched
// by name: every rule in the snapshot must exist on the board, and rules the
// snapshot does not mention start empty. A snapshot that does not fit
// (unknown version or rule, invalid level, duplicate subject, a subject
// level that is not the highest rule level) returns an error wrapping
// ErrSnapshot and leaves the board unchanged.
func (b *Board) Restore(snap Snapshot) error {
	if snap.Version != SnapshotVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrSnapshot, snap.Version, SnapshotVersion)
	}
	subjects := make(map[string]*subject, len(snap.Subjects))
	list := make([]*subject, 0, len(snap.Subjects))
	for si, ss := range snap.Subjects {
		if ss.Subject == "" {
			return fmt.Errorf("%w: subjects[%d]: empty subject", ErrSnapshot, si)
		}
		if subjects[ss.Subject] != nil {
			return fmt.Errorf("%w: subjects[%d]: duplicate subject %q", ErrSnapshot, si, ss.Subject)
		}
		s := &subject{name: ss.Subject, level: ss.Level, since: ss.Since, last: ss.LastEvaluated,
			rules: make([]ruleState, len(b.rules)), history: slices.Clone(ss.History)}
		top := None
		for ri, r := range ss.Rules {
			i, ok := b.byName[r.Rule]
			if !ok {
				return fmt.Errorf("%w: subjects[%d].rules[%d]: %w %q", ErrSnapshot, si, ri, ErrUnknownRule, r.Rule)
			}
			if !r.Level.Valid() || !r.Candidate.Valid() {
				return fmt.Errorf("%w: subjects[%d].rules[%d]: %w", ErrSnapshot, si, ri, ErrUnknownLevel)
			}
			s.rules[i] = ruleState{
				level: r.Level, since: stampOf(r.Since), cand: r.Candidate,
				hasValue: r.HasValue, value: r.Value, hasDemand: r.HasDemand, demand: r.Demand,
				hasCounts: r.HasCounts, counts: r.Counts, res: r.Result, tested: r.HasCounts,
				observedAt: stampOf(r.ObservedAt), atLeast: timesToStamps(r.AtLeast), atMost: timesToStamps(r.AtMost),
				lastSignal: stampOf(r.LastSignal), detail: r.Detail,
				dirty: r.Dirty, clearRequested: r.Clear,
			}
			top = max(top, r.Level)
		}
		s.floors = slices.Clone(ss.Floors)
		slices.SortFunc(s.floors, func(a, b Floor) int { return strings.Compare(a.Source, b.Source) })
		for fi, f := range s.floors {
			if f.Source == "" || !f.Level.Valid() || f.Level == None ||
				fi > 0 && s.floors[fi-1].Source == f.Source {
				return fmt.Errorf("%w: subjects[%d]: bad or duplicate floor %q at %v", ErrSnapshot, si, f.Source, f.Level)
			}
			top = max(top, f.Level)
		}
		if !ss.Level.Valid() || ss.Level != top {
			return fmt.Errorf("%w: subjects[%d]: level %v is not the highest rule or floor level %v",
				ErrSnapshot, si, ss.Level, top)
		}
		subjects[s.name] = s
		list = append(list, s)
	}
	b.mu.Lock()
	b.subjects, b.list, b.seq = subjects, list, snap.Seq
	b.mu.Unlock()
	return nil
}

func stampsToTimes(s [3]stamp) (t [3]time.Time) {
	for i := range s {
		t[i] = s[i].time()
	}
	return t
}

func timesToStamps(t [3]time.Time) (s [3]stamp) {
	for i := range t {
		s[i] = stampOf(t[i])
	}
	return s
}
