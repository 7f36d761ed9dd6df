package emergency

import "github.com/sqkit/sqkit/sla"

// EventRule raises Level at once when the named event is signalled for a
// subject (a mass complaint, a major service accident). With a positive
// Dwell the rule lowers to None once Dwell has passed since the last signal
// (at that instant exactly); with zero Dwell the level stays until
// Board.Clear.
type EventRule struct {
	Name  string       `json:"name"`
	Event string       `json:"event"`
	Level Level        `json:"level"`
	Dwell sla.Duration `json:"dwell,omitempty"`
}

// Validate reports every problem of the rule at once.
func (r EventRule) Validate() error { return errorsJoin(r.validate("event")) }

func (r EventRule) validate(p string) []error {
	c := &ruleCheck{path: p}
	c.nonEmpty("name", r.Name)
	c.nonEmpty("event", r.Event)
	c.level("level", r.Level)
	c.durations(0, r.Dwell)
	return c.errs
}

func (r EventRule) compile() compiledRule {
	return compiledRule{name: r.Name, kind: KindEvent, event: r.Event, level: r.Level, dwell: r.Dwell}
}

// signal asserts the rule's level from t on.
func (r *compiledRule) signal(rs *ruleState, t stamp, detail string) {
	rs.cand = r.level
	rs.lastSignal, rs.observedAt, rs.detail = t, t, detail
	rs.clearRequested = false
}

// clear asks the next evaluation to lower the rule to None.
func (rs *ruleState) clear(t stamp, reason string) {
	if rs.level != None || rs.cand != None {
		rs.cand, rs.observedAt, rs.detail, rs.clearRequested = None, t, reason, true
	}
}

func (r *compiledRule) eventTarget(rs *ruleState, t stamp) (to Level, due, since stamp, ok bool) {
	cur := rs.level
	if rs.cand != cur && (rs.cand > cur || rs.clearRequested) {
		return rs.cand, rs.observedAt, rs.observedAt, true
	}
	if cur > None && r.dwell > 0 {
		if d := rs.lastSignal.add(r.dwell); t >= d {
			return None, d, rs.lastSignal, true
		}
	}
	return cur, 0, 0, false
}

func (r *compiledRule) eventNextDue(rs *ruleState) (stamp, bool) {
	if rs.level > None && r.dwell > 0 {
		return rs.lastSignal.add(r.dwell), true
	}
	return 0, false
}
