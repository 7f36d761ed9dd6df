package emergency

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// BoardSnapshotVersion is the format version of BoardSnapshot. Version 1
// (the format before the configuration travelled in the snapshot) is
// refused: restore it on the release that wrote it and snapshot again.
const BoardSnapshotVersion = 2

// BoardSnapshot is the complete state of a board as a plain,
// JSON-serialisable value: its configuration and every subject. The host
// stores it in its own database and rebuilds the board with RestoreBoard.
//
// The board's timer on its timeline is not part of it: RestoreBoard sets it
// again from the subjects' pending holds and dwells.
type BoardSnapshot struct {
	Version  int               `json:"version"`
	Config   Config            `json:"config"`
	Seq      uint64            `json:"seq"`
	Subjects []SubjectSnapshot `json:"subjects"`
}

// SubjectSnapshot is the state of one subject, in the order subjects joined
// the board. Its instants are in UTC.
type SubjectSnapshot struct {
	Subject       string         `json:"subject"`
	Level         Level          `json:"level"`
	Since         time.Time      `json:"since,omitzero"`
	LastEvaluated time.Time      `json:"last_evaluated"`
	Rules         []RuleSnapshot `json:"rules"`
	Floors        []Floor        `json:"floors,omitempty"`
	History       []Change       `json:"history,omitempty"`
}

// RuleSnapshot is the state of one rule for one subject: its latest inputs,
// its candidate and asserted level, and the starts of its hold and dwell
// conditions.
type RuleSnapshot struct {
	Rule       string    `json:"rule"`
	Level      Level     `json:"level"`
	Since      time.Time `json:"since,omitzero"`
	Candidate  Level     `json:"candidate"`
	HasValue   bool      `json:"has_value,omitempty"`
	Value      float64   `json:"value,omitempty"`
	HasDemand  bool      `json:"has_demand,omitempty"`
	Demand     float64   `json:"demand,omitempty"`
	HasCounts  bool      `json:"has_counts,omitempty"`
	Counts     Counts    `json:"counts,omitzero"`
	ObservedAt time.Time `json:"observed_at,omitzero"`
	// AtLeast[i] is since when the candidate has been at least level i+1;
	// AtMost[i] since when it has been at most level i (zero: not now).
	AtLeast    [3]time.Time `json:"at_least"`
	AtMost     [3]time.Time `json:"at_most"`
	LastSignal time.Time    `json:"last_signal,omitzero"`
	Detail     string       `json:"detail,omitempty"`
}

// Snapshot returns the complete state of the board.
func (b *Board) Snapshot() BoardSnapshot {
	b.mu.RLock()
	defer b.mu.RUnlock()
	snap := BoardSnapshot{Version: BoardSnapshotVersion, Config: cloneConfig(b.cfg), Seq: b.seq,
		Subjects: make([]SubjectSnapshot, 0, len(b.list))}
	for _, s := range b.list {
		ss := SubjectSnapshot{Subject: s.name, Level: s.level, Since: s.since, LastEvaluated: s.last,
			Rules: make([]RuleSnapshot, len(b.rules)), Floors: slices.Clone(s.floors),
			History: b.historyLocked(s)}
		for i := range b.rules {
			rs := &s.rules[i]
			ss.Rules[i] = RuleSnapshot{
				Rule: b.rules[i].name, Level: rs.level, Since: rs.since.time(), Candidate: rs.cand,
				HasValue: rs.hasValue, Value: rs.value, HasDemand: rs.hasDemand, Demand: rs.demand,
				HasCounts: rs.hasCounts, Counts: rs.counts, ObservedAt: rs.observedAt.time(),
				AtLeast: stampsToTimes(rs.atLeast), AtMost: stampsToTimes(rs.atMost), LastSignal: rs.lastSignal.time(),
				Detail: rs.detail,
			}
		}
		snap.Subjects = append(snap.Subjects, ss)
	}
	return snap
}

// RestoreBoard rebuilds a board from a snapshot, with the board's options
// (WithClock, WithObserver, WithTracker, WithNamespace). The configuration
// travels inside the snapshot; a host that changes its rules edits
// snap.Config (rules the subjects do not mention start empty).
//
// The snapshot is untrusted input: it is checked as the live operations
// check their input, and every problem is reported at once as *FieldError
// values wrapping ErrSnapshot (configuration problems wrap
// ErrInvalidConfig too). Refused, among others: another version, an
// invalid configuration, an empty or repeated subject, an unknown or
// repeated rule, counts the board would refuse (negative, above MaxCount)
// or values that are not finite, instants outside the supported range
// (they are never clamped), a candidate its inputs do not give, a hold or
// dwell that should already have taken effect, and a level that is not the
// highest rule or floor level.
//
// On a shared timeline (WithTracker) the host restores the timeline first;
// the board's namespace may hold nothing but its timer, which RestoreBoard
// sets again for the restored state.
func RestoreBoard(snap BoardSnapshot, opts ...Option) (*Board, error) {
	var errs []error
	if snap.Version != BoardSnapshotVersion {
		errs = append(errs, snapErr("version", "format version %d, want %d", snap.Version, BoardSnapshotVersion))
	}
	if err := snap.Config.Validate(); err != nil {
		return nil, errors.Join(append(errs, asSnapshotErr("config", err, errSnapshotConfig))...)
	}
	b := buildBoard(snap.Config, collect(opts))
	for si, ss := range snap.Subjects {
		p := fmt.Sprintf("subjects[%d]", si)
		if ss.Subject != "" && b.subjects[ss.Subject] != nil {
			errs = append(errs, snapErr(p+".subject", "repeated subject %q", ss.Subject))
			continue
		}
		s, serrs := b.restoreSubject(ss, snap.Seq)
		for _, e := range serrs {
			errs = append(errs, sqerr.Prefix(p, e))
		}
		if s != nil {
			b.subjects[s.name] = s
			b.list = append(b.list, s)
		}
	}
	errs = append(errs, b.timeline.check())
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	b.seq = snap.Seq
	var due stamp
	for _, s := range b.list {
		due = earlier(due, b.subjectDue(s))
	}
	if err := b.timeline.register(b); err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.timeline.reset(due)
	b.mu.Unlock()
	return b, nil
}

// asSnapshotErr moves the problems err holds under path and makes each
// match kind (ErrSnapshot, or errSnapshotConfig for a configuration): field
// problems keep their paths below path, and what they matched (a broken
// hash chain of a machine's history, say), other errors become problems at
// path.
func asSnapshotErr(path string, err error, kind error) error {
	var out []error
	for _, e := range flatten(err) {
		var fe *FieldError
		if !errors.As(e, &fe) {
			out = append(out, sqerr.Field(kind, path, "%v", e))
			continue
		}
		c := *fe
		c.Err = kind
		if fe.Err != nil && !errors.Is(fe.Err, kind) {
			c.Err = fmt.Errorf("%w (%w)", kind, fe.Err)
		}
		if path != "" {
			out = append(out, sqerr.Prefix(path, &c))
		} else {
			out = append(out, &c)
		}
	}
	return errors.Join(out...)
}

// errSnapshotConfig is the sentinel of a configuration problem found in a
// snapshot: it matches ErrSnapshot and ErrInvalidConfig.
var errSnapshotConfig = fmt.Errorf("%w (%w)", ErrSnapshot, ErrInvalidConfig)

// flatten returns the errors err joins (err itself if it joins none).
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

func stampsToTimes(s [3]stamp) (t [3]time.Time) {
	for i := range s {
		t[i] = s[i].time()
	}
	return t
}
