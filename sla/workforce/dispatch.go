package workforce

import (
	"fmt"
	"strings"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// Route says how an assignment was decided.
type Route string

// The routes.
const (
	// RouteBestSkill: the most urgent item went to the best-skilled,
	// least-loaded available agent.
	RouteBestSkill Route = "best_skill"
	// RouteRoundRobin: the most urgent item went to the next available
	// agent of its team in turn.
	RouteRoundRobin Route = "round_robin"
	// RouteSticky: a returning item went back to its previous owner.
	RouteSticky Route = "sticky"
	// RoutePull: an agent asked for work and got its most urgent item.
	RoutePull Route = "pull"
	// RouteManual: a person assigned the item (AssignAt).
	RouteManual Route = "manual"
)

// Reason explains an assignment: how it was routed, which rules set the
// item's requirements, and the figures the decision rested on.
type Reason struct {
	Route Route `json:"route"`
	// Rules are the ids of the rules that matched the item.
	Rules []string `json:"rules,omitempty"`
	// Require and Team are what the item needed.
	Require []Requirement `json:"require,omitempty"`
	Team    string        `json:"team,omitempty"`
	// Score is the agent's skill score for the item (the sum of its
	// levels in the required skills); Load its items before this one, out
	// of Capacity.
	Score    int `json:"score"`
	Load     int `json:"load"`
	Capacity int `json:"capacity"`
	// HasSLA and Remaining give the item's remaining business time when it
	// was assigned, read from the RemainingFunc.
	HasSLA    bool         `json:"has_sla"`
	Remaining sla.Duration `json:"remaining,omitempty"`
	Priority  int          `json:"priority"`
	// Waited is the item's age when assigned.
	Waited sla.Duration `json:"waited"`
	// Note is the text given to AssignAt.
	Note string `json:"note,omitempty"`
}

// String renders the reason for people and for fsm transfer records, for
// example "best_skill: 12m0s of SLA left, priority 1, waited 5m0s; needs
// billing>=2 (rules billing-complaints); score 7, load 1/3".
func (r Reason) String() string {
	var b strings.Builder
	b.WriteString(string(r.Route))
	b.WriteString(": ")
	if r.HasSLA {
		if r.Remaining >= 0 {
			fmt.Fprintf(&b, "%s of SLA left", r.Remaining)
		} else {
			fmt.Fprintf(&b, "SLA overdue by %s", -r.Remaining)
		}
	} else {
		b.WriteString("no SLA clock")
	}
	fmt.Fprintf(&b, ", priority %d, waited %s", r.Priority, r.Waited)
	if len(r.Require) > 0 || r.Team != "" {
		b.WriteString("; needs")
		for i, q := range r.Require {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s>=%d", q.Skill, q.Level)
		}
		if r.Team != "" {
			fmt.Fprintf(&b, " team %s", r.Team)
		}
	}
	if len(r.Rules) > 0 {
		fmt.Fprintf(&b, " (rules %s)", strings.Join(r.Rules, ", "))
	}
	fmt.Fprintf(&b, "; score %d, load %d/%d", r.Score, r.Load, r.Capacity)
	if r.Note != "" {
		b.WriteString("; ")
		b.WriteString(r.Note)
	}
	return b.String()
}

// Assignment is one decision: item to agent at an instant, and why.
//
// Previous and FirstResponder carry what the fsm package needs to keep the
// first responder accountable across transfers: when IsFirst, the host
// calls the ticket machine's AssignAt(At, Agent, ...); when IsTransfer, its
// TransferAt(At, Agent, fsm.By{Actor: ..., Reason: Reason.String()}), which
// records the hand-over from Previous; otherwise the owner is unchanged.
type Assignment struct {
	Item           string    `json:"item"`
	Agent          string    `json:"agent"`
	At             time.Time `json:"at"`
	Previous       string    `json:"previous,omitempty"`
	FirstResponder string    `json:"first_responder"`
	Reason         Reason    `json:"reason"`
}

// IsFirst reports whether this is the item's first owner.
func (a Assignment) IsFirst() bool { return a.Previous == "" }

// IsTransfer reports whether the item moves from one owner to another.
func (a Assignment) IsTransfer() bool { return a.Previous != "" && a.Previous != a.Agent }

// Dispatch is DispatchAt at the clock's current time.
func (d *Dispatcher) Dispatch() (Assignment, error) { return d.DispatchAt(d.clk.Now()) }

// DispatchAt makes one routing decision at at: the most urgent queued item
// that some available agent may take goes to the agent the strategy picks
// (or back to its previous owner, with Sticky). Items are ordered by
// remaining business time, then priority, then age; an item nobody
// available may take is passed over for the next one. It returns a
// *RouteError wrapping ErrNoWork when nothing is queued, or
// ErrNobodyAvailable (with the number waiting) when no queued item has an
// available agent.
func (d *Dispatcher) DispatchAt(at time.Time) (Assignment, error) {
	d.mu.Lock()
	a, err := d.dispatchLocked(at)
	d.mu.Unlock()
	if err != nil {
		return a, err
	}
	return d.finish(a), nil
}

// DispatchAll is DispatchAllAt at the clock's current time.
func (d *Dispatcher) DispatchAll(limit int) []Assignment { return d.DispatchAllAt(d.clk.Now(), limit) }

// DispatchAllAt makes routing decisions at at until nothing more can be
// assigned or limit decisions were made (limit <= 0: no limit), for
// example when the desk opens.
func (d *Dispatcher) DispatchAllAt(at time.Time, limit int) []Assignment {
	var out []Assignment
	d.mu.Lock()
	for limit <= 0 || len(out) < limit {
		a, err := d.dispatchLocked(at)
		if err != nil {
			break
		}
		out = append(out, a)
	}
	d.mu.Unlock()
	for i := range out {
		out[i] = d.finish(out[i])
	}
	return out
}

func (d *Dispatcher) dispatchLocked(at time.Time) (Assignment, error) {
	d.refreshShifts(at)
	var bestQ *queue
	var best *heapEntry
	var bestSticky *agent
	for _, q := range d.queueList {
		if len(q.heap) == 0 {
			continue
		}
		head := &q.heap[0]
		if best != nil && !head.key.before(&best.key) {
			continue
		}
		sticky := d.stickyAgent(head.it, q)
		if sticky == nil && !d.hasReady(q) {
			continue
		}
		bestQ, best, bestSticky = q, head, sticky
	}
	if best == nil {
		if d.queued == 0 {
			return Assignment{}, &RouteError{Op: "dispatch", Err: ErrNoWork}
		}
		return Assignment{}, &RouteError{Op: "dispatch", Err: ErrNobodyAvailable, Waiting: d.queued,
			Detail: fmt.Sprintf("%d waiting", d.queued)}
	}
	bestItem := best.it
	if bestSticky != nil {
		score, _ := eligible(bestSticky, bestQ)
		return d.commit(at, bestItem, bestSticky, RouteSticky, score, ""), nil
	}
	var ag *agent
	var score int
	route := RouteBestSkill
	if d.cfg.Strategy == RoundRobin {
		route = RouteRoundRobin
		ag, score = d.pickRoundRobin(bestQ)
	} else {
		ag, score = d.pickBestSkill(bestQ)
	}
	if ag == nil { // unreachable while the ready counts are right
		return Assignment{}, &RouteError{Op: "dispatch", Item: bestItem.spec.ID, Err: ErrNobodyAvailable, Waiting: d.queued}
	}
	return d.commit(at, bestItem, ag, route, score, ""), nil
}

// stickyAgent returns the previous owner of it when Sticky is on and that
// agent is eligible for q, available and on duty.
func (d *Dispatcher) stickyAgent(it *item, q *queue) *agent {
	if !d.cfg.Sticky || it.spec.PreviousOwner == "" {
		return nil
	}
	a := d.agents[it.spec.PreviousOwner]
	if a == nil || !a.ready() || !d.onDuty(a) {
		return nil
	}
	if _, ok := eligible(a, q); !ok {
		return nil
	}
	return a
}

// hasReady reports whether an eligible agent of q is ready and on duty.
func (d *Dispatcher) hasReady(q *queue) bool {
	for s, n := range q.ready {
		if n > 0 && d.shifts[s].open {
			return true
		}
	}
	return false
}

// pickBestSkill returns the ready, on-duty agent of q with the highest
// score, then the lowest load relative to capacity, then the oldest last
// assignment (q.agents is sorted by score, then id).
func (d *Dispatcher) pickBestSkill(q *queue) (*agent, int) {
	var best *agent
	bestScore := -1
	for i, a := range q.agents {
		if best != nil && q.scores[i] < bestScore {
			break
		}
		if !a.ready() || !d.onDuty(a) {
			continue
		}
		if best == nil || lessLoaded(a, best) {
			best, bestScore = a, q.scores[i]
		}
	}
	return best, bestScore
}

func lessLoaded(a, b *agent) bool {
	la, lb := a.load*b.spec.Capacity, b.load*a.spec.Capacity
	if la != lb {
		return la < lb
	}
	return a.lastSeq < b.lastSeq
}

// pickRoundRobin returns the first ready, on-duty agent of q after the
// team's last round-robin assignment, in id order, wrapping around.
func (d *Dispatcher) pickRoundRobin(q *queue) (*agent, int) {
	last := d.rrLast[q.team]
	n := len(q.agents)
	start := 0
	for start < n && q.agents[start].spec.ID <= last {
		start++
	}
	for k := range n {
		i := (start + k) % n
		if a := q.agents[i]; a.ready() && d.onDuty(a) {
			d.rrLast[q.team] = a.spec.ID
			return a, q.scores[i]
		}
	}
	return nil, 0
}

// commit assigns queued item it to a.
func (d *Dispatcher) commit(at time.Time, it *item, a *agent, route Route, score int, note string) Assignment {
	q := it.q
	q.heap.remove(it.hidx)
	d.queued--
	return d.give(at, it, a, route, score, note)
}

// give makes a the owner of it (which is not queued) and builds the
// assignment, its Remaining still to be read outside the lock.
func (d *Dispatcher) give(at time.Time, it *item, a *agent, route Route, score int, note string) Assignment {
	prev := it.spec.PreviousOwner
	if it.owner != nil {
		prev = it.owner.spec.ID
		was := it.owner.ready()
		it.owner.load--
		d.readyChanged(it.owner, was)
	}
	r := Reason{Route: route, Rules: append([]string(nil), it.rules...), Team: it.q.team, Score: score,
		Load: a.load, Capacity: a.spec.Capacity, Priority: it.spec.Priority, Waited: sla.Duration(max(at.Sub(it.spec.Created), 0)), Note: note}
	if len(it.q.require) > 0 {
		r.Require = append([]Requirement(nil), it.q.require...)
	}
	was := a.ready()
	a.load++
	d.seq++
	a.lastSeq = d.seq
	d.readyChanged(a, was)
	it.owner = a
	if it.spec.FirstResponder == "" {
		it.spec.FirstResponder = a.spec.ID
	}
	if prev != a.spec.ID {
		it.spec.PreviousOwner = prev
	}
	return Assignment{Item: it.spec.ID, Agent: a.spec.ID, At: at, Previous: prev, FirstResponder: it.spec.FirstResponder, Reason: r}
}

// finish reads the item's remaining business time for the reason, outside
// the lock.
func (d *Dispatcher) finish(a Assignment) Assignment {
	rem, ok := d.readRemaining(a.Item, a.At)
	a.Reason.HasSLA = ok
	if ok {
		a.Reason.Remaining = sla.Duration(rem)
	}
	return a
}
