package emergency

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/internal/sqerr"
)

// errSnapshotRule is the sentinel of a snapshot naming a rule its
// configuration lacks: it matches ErrSnapshot and ErrUnknownRule.
var errSnapshotRule = fmt.Errorf("%w (%w)", ErrSnapshot, ErrUnknownRule)

// restoreCheck collects the problems found while restoring one subject.
type restoreCheck struct {
	errs []error
	last stamp // the subject's last evaluation
}

func (c *restoreCheck) bad(path, format string, args ...any) {
	c.errs = append(c.errs, snapErr(path, format, args...))
}

// instant converts an instant of the snapshot, refusing one outside the
// supported range or after the subject's last evaluation.
func (c *restoreCheck) instant(path string, t time.Time) stamp {
	s, ok := stampIn(t)
	switch {
	case !ok:
		c.bad(path, "instant %v outside the supported range (after 1970-01-01 UTC, before 2262)", t)
	case c.last != 0 && s > c.last:
		c.bad(path, "instant %v is after the subject's last evaluation %v", t, c.last.time())
	}
	return s
}

// restoreSubject rebuilds one subject, checking it as the live operations
// would have built it. It returns the subject (nil when it cannot be built
// at all) and every problem found, with paths relative to the subject.
func (b *Board) restoreSubject(ss SubjectSnapshot, seq uint64) (*subj, []error) {
	c := &restoreCheck{}
	if ss.Subject == "" {
		c.bad("subject", "empty subject")
	}
	if ss.LastEvaluated.IsZero() {
		c.bad("last_evaluated", "a subject on the board has been evaluated")
	}
	c.last = c.instant("last_evaluated", ss.LastEvaluated)
	s := &subj{name: ss.Subject, level: ss.Level, since: ss.Since.UTC(), last: ss.LastEvaluated.UTC(),
		rules: make([]ruleState, len(b.rules)), history: slices.Clone(ss.History)}
	if since := c.instant("since", ss.Since); since == 0 && ss.Level != None {
		c.bad("since", "a raised subject records when it was raised")
	}
	top := None
	seen := make([]bool, len(b.rules))
	for ri, r := range ss.Rules {
		p := fmt.Sprintf("rules[%d]", ri)
		i, ok := b.byName[r.Rule]
		switch {
		case !ok:
			c.errs = append(c.errs, sqerr.Field(errSnapshotRule, p+".rule", "no rule %q in the configuration", r.Rule))
			continue
		case seen[i]:
			c.bad(p+".rule", "rule %q appears twice", r.Rule)
			continue
		}
		seen[i] = true
		s.rules[i] = c.rule(p, &b.rules[i], r)
		top = max(top, s.rules[i].level)
	}
	s.floors = slices.Clone(ss.Floors)
	slices.SortFunc(s.floors, func(a, b Floor) int { return strings.Compare(a.Source, b.Source) })
	for fi, f := range s.floors {
		p := fmt.Sprintf("floors[%d]", fi)
		if f.Source == "" || !f.Level.Valid() || f.Level == None || fi > 0 && s.floors[fi-1].Source == f.Source {
			c.bad(p, "bad or repeated floor %q at %v", f.Source, f.Level)
		}
		c.instant(p+".since", f.Since)
		s.floors[fi].Since = f.Since.UTC()
		top = max(top, f.Level)
	}
	if !ss.Level.Valid() || ss.Level != top {
		c.bad("level", "level %v is not the highest rule or floor level %v", ss.Level, top)
	}
	c.history(b, ss, seq)
	if ss.Subject == "" {
		return nil, c.errs
	}
	return s, c.errs
}

// rule rebuilds the state of rule r from its snapshot.
func (c *restoreCheck) rule(p string, r *compiledRule, rs RuleSnapshot) ruleState {
	st := ruleState{
		level: rs.Level, cand: rs.Candidate, detail: rs.Detail,
		hasValue: rs.HasValue, value: rs.Value, hasDemand: rs.HasDemand, demand: rs.Demand,
		hasCounts: rs.HasCounts, counts: rs.Counts,
		since: c.instant(p+".since", rs.Since), observedAt: c.instant(p+".observed_at", rs.ObservedAt),
		lastSignal: c.instant(p+".last_signal", rs.LastSignal),
	}
	for l := range 3 {
		st.atLeast[l] = c.instant(fmt.Sprintf("%s.at_least[%d]", p, l), rs.AtLeast[l])
		st.atMost[l] = c.instant(fmt.Sprintf("%s.at_most[%d]", p, l), rs.AtMost[l])
	}
	n := len(c.errs)
	if !r.asserts(rs.Level) || !r.asserts(rs.Candidate) {
		c.bad(p, "level %v or candidate %v is not a level rule %q asserts", rs.Level, rs.Candidate, r.name)
		return st
	}
	c.inputs(p, r, &st)
	if len(c.errs) > n {
		return st
	}
	if r.kind != KindEvent && r.candidate(&st) != st.cand {
		c.bad(p+".candidate", "%v is not what the rule's inputs give", st.cand)
	}
	if !c.conditions(r, &st) {
		c.bad(p, "the starts of the hold and dwell conditions do not fit the candidate %v", st.cand)
	}
	if _, due, _, ok := r.target(&st, c.last); ok {
		c.bad(p, "a change due at %v should have taken effect by the last evaluation", due.time())
	}
	return st
}

// inputs checks the inputs of a rule as the observations that set them
// were checked.
func (c *restoreCheck) inputs(p string, r *compiledRule, st *ruleState) {
	hasValue := r.kind == KindThreshold || r.kind == KindShortage
	switch {
	case st.hasValue && !hasValue || st.hasDemand && r.kind != KindShortage || st.hasCounts && r.kind != KindChange:
		c.bad(p, "an input a %s rule does not take", r.kind)
	case !st.hasValue && st.value != 0 || !st.hasDemand && st.demand != 0 || !st.hasCounts && st.counts != Counts{}:
		c.bad(p, "a value without its has_ flag")
	case !finite(st.value) || !finite(st.demand):
		c.bad(p+".value", "not a finite number (value %v, demand %v)", st.value, st.demand)
	case r.kind == KindShortage && (st.value < 0 || st.demand < 0):
		c.bad(p+".value", "negative resource figure (available %v, demand %v)", st.value, st.demand)
	}
	if st.hasCounts {
		if err := st.counts.Validate(); err != nil {
			c.bad(p+".counts", "%v", err)
		}
	}
	if r.kind == KindEvent {
		if st.cand != st.level || st.level > None && st.lastSignal == 0 {
			c.bad(p, "an event rule asserts what was last signalled, since its signal")
		}
	} else if st.lastSignal != 0 || st.detail != "" {
		c.bad(p, "only event rules record signals")
	}
}

// conditions reports whether the starts of the conditions "candidate at
// least L" and "at most L" fit the candidate: set exactly for the levels
// where they hold, once the rule has had an input (event rules keep none).
func (c *restoreCheck) conditions(r *compiledRule, st *ruleState) bool {
	set := false
	for l := range 3 {
		set = set || st.atLeast[l] != 0 || st.atMost[l] != 0
	}
	switch {
	case r.kind == KindEvent:
		return !set
	case !set:
		return st.cand == None && !st.hasValue && !st.hasDemand && !st.hasCounts
	}
	for l := Yellow; l <= Red; l++ {
		if (st.cand >= l) != (st.atLeast[l-1] != 0) {
			return false
		}
	}
	for l := None; l < Red; l++ {
		if (st.cand <= l) != (st.atMost[l] != 0) {
			return false
		}
	}
	return true
}

// history checks the visible changes of a subject: its own, chained, in
// order, numbered by the board, not after the last evaluation, ending at
// its level.
func (c *restoreCheck) history(b *Board, ss SubjectSnapshot, seq uint64) {
	h := ss.History
	if lim := b.cfg.HistoryLimit; lim > 0 && len(h) > lim {
		c.bad("history", "%d changes, the configuration keeps %d", len(h), lim)
	}
	var prev Change
	for i, ch := range h {
		p := fmt.Sprintf("history[%d]", i)
		c.instant(p+".at", ch.At)
		switch {
		case ch.Subject != ss.Subject:
			c.bad(p+".subject", "a change of subject %q", ch.Subject)
		case !ch.From.Valid() || !ch.To.Valid() || ch.From == ch.To:
			c.bad(p, "a change from %v to %v", ch.From, ch.To)
		case ch.Seq == 0 || ch.Seq > seq || i > 0 && ch.Seq <= prev.Seq:
			c.bad(p+".seq", "%d out of order (board at %d)", ch.Seq, seq)
		case i > 0 && (ch.From != prev.To || ch.At.Before(prev.At)):
			c.bad(p, "does not follow the change before it")
		case i == 0 && b.cfg.HistoryLimit == 0 && ch.From != None:
			c.bad(p+".from", "the first change starts from none, not %v", ch.From)
		case ch.Due.After(ch.At):
			c.bad(p+".due", "%v is after the change at %v", ch.Due, ch.At)
		}
		prev = ch
	}
	if n := len(h); n > 0 && h[n-1].To != ss.Level || n == 0 && ss.Level != None {
		c.bad("history", "does not end at the subject's level %v", ss.Level)
	}
}
