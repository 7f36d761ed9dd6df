package emergency

import (
	"context"
	"log/slog"
	"slices"
	"time"
)

// Evaluate evaluates every subject at the clock's current time; see
// EvaluateAt.
func (b *Board) Evaluate() []Change { return b.EvaluateAt(b.clk.Now()) }

// EvaluateAt applies every hold and dwell that has ended by t, for every
// subject, and returns the changes in the order the subjects joined the
// board. Subjects already evaluated after t are left alone, and so is an
// instant outside the supported range (see the package documentation).
//
// A pending change takes effect on the first evaluation (an observation, a
// signal, EvaluateAt, or the board's timer on its timeline) at or after the
// instant it becomes due, and Change.Due records that instant. EvaluateAt
// also sets the board's timer to the next instant a change may fall due.
func (b *Board) EvaluateAt(t time.Time) []Change {
	if checkTime(t) != nil {
		return nil // no subject can have been evaluated outside the range
	}
	b.mu.Lock()
	buf := b.changeBuf[:0]
	var due stamp
	for _, s := range b.list {
		if !t.Before(s.last) {
			if c, ok := b.evaluateLocked(s, t); ok {
				buf = append(buf, c)
			}
		}
		due = earlier(due, b.subjectDue(s))
	}
	b.timeline.set(due, t)
	changes := b.takeChanges(buf)
	b.mu.Unlock()
	b.notify(changes)
	return changes
}

// subjectDue returns the earliest instant a pending hold or dwell of s
// falls due (0: none).
func (b *Board) subjectDue(s *subj) stamp {
	var due stamp
	for i := range b.rules {
		if d, ok := b.rules[i].nextDue(&s.rules[i]); ok {
			due = earlier(due, d)
		}
	}
	return due
}

// earlier returns the earlier of two instants, 0 meaning none.
func earlier(a, b stamp) stamp {
	if a == 0 || b != 0 && b < a {
		return b
	}
	return a
}

// takeChanges copies the changes collected in the reusable buffer into a
// slice of their exact size, which the caller owns. Called with mu held.
func (b *Board) takeChanges(buf []Change) []Change {
	var out []Change
	if len(buf) > 0 {
		out = slices.Clone(buf)
	}
	clear(buf)
	b.changeBuf = buf[:0]
	return out
}

func (b *Board) notify(changes []Change) {
	for _, c := range changes {
		if b.log != nil && b.log.Enabled(context.Background(), slog.LevelDebug) {
			b.log.Debug("emergency level changed", "subject", c.Subject, "from", c.From.String(), "to", c.To.String(),
				"rule", c.Evidence.Rule, "kind", string(c.Evidence.Kind), "at", c.At)
		}
		for _, f := range b.observers {
			f(c)
		}
	}
}

func (b *Board) subjectLocked(name string) *subj {
	s := b.subjects[name]
	if s == nil {
		s = &subj{name: name, rules: make([]ruleState, len(b.rules))}
		b.subjects[name] = s
		b.list = append(b.list, s)
	}
	return s
}

// evaluateLocked brings every rule of s up to time t and returns the change
// of the subject's level, if any.
func (b *Board) evaluateLocked(s *subj, t time.Time) (Change, bool) {
	return b.evaluateFloorLocked(s, t, nil)
}

// evaluateFloorLocked is evaluateLocked when op, if not nil, describes a
// floor that was just set or lifted at t.
func (b *Board) evaluateFloorLocked(s *subj, t time.Time, op *floorOp) (Change, bool) {
	t = t.UTC()
	s.last = t
	st := stampOf(t)
	prev := s.level
	level := None
	type cause struct {
		rule       int
		from       Level
		due, since stamp
	}
	up, down := cause{rule: -1}, cause{rule: -1}
	for i := range b.rules {
		r, rs := &b.rules[i], &s.rules[i]
		if rs.dirty {
			r.updateCandidate(rs, st)
			rs.dirty = false
		}
		if to, due, since, ok := r.target(rs, st); ok {
			from := rs.level
			rs.level, rs.since = to, st
			if r.kind == KindEvent {
				rs.clearRequested = false
				if to == None {
					rs.cand = None
				}
			}
			// The cause of a raise is the first rule that raised to the new
			// top; of a lowering, the first rule that left the old top.
			if to > from && (up.rule < 0 || to > s.rules[up.rule].level) {
				up = cause{i, from, due, since}
			}
			if to < from && from == prev && down.rule < 0 {
				down = cause{i, from, due, since}
			}
		}
		level = max(level, rs.level)
	}
	for _, f := range s.floors {
		level = max(level, f.Level)
	}
	if level == prev {
		return Change{}, false
	}
	c := down
	if level > prev {
		c = up
	}
	var ev Evidence
	byFloor := op != nil && (c.rule < 0 || level > prev && op.to == level && op.to > op.from ||
		level < prev && op.from == prev && op.to < op.from)
	switch {
	case byFloor:
		// The floor set or lifted by this call made the change.
		c.due = st
		ev = op.evidence(t)
	case c.rule < 0:
		// Unreachable while floors change only with an op; keep the record
		// honest rather than panic.
		c.due = st
		ev = Evidence{Kind: KindFloor, ObservedAt: t, Since: t, Level: level}
	default:
		r, rs := &b.rules[c.rule], &s.rules[c.rule]
		ev = r.evidence(rs, c.from, rs.level, c.since)
	}
	b.seq++
	ch := Change{
		Seq: b.seq, Subject: s.name, From: prev, To: level, At: t, Due: c.due.time(),
		Evidence: ev,
	}
	s.level, s.since = level, t
	s.history = append(s.history, ch)
	if lim := b.cfg.HistoryLimit; lim > 0 && len(s.history) >= 2*lim {
		// Trim in batches so that a capped history costs O(1) per change;
		// readers see only the last lim entries (historyLocked).
		n := copy(s.history, s.history[len(s.history)-lim:])
		clear(s.history[n:])
		s.history = s.history[:n]
	}
	return ch, true
}

// historyLocked returns a copy of the visible history of s: all of it, or
// the last HistoryLimit entries.
func (b *Board) historyLocked(s *subj) []Change {
	h := s.history
	if lim := b.cfg.HistoryLimit; lim > 0 && len(h) > lim {
		h = h[len(h)-lim:]
	}
	return slices.Clone(h)
}
