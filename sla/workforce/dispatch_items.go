package workforce

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Add is AddAt at the clock's current time.
func (d *Dispatcher) Add(it Item) error { return d.AddAt(d.clk.Now(), it) }

// AddAt queues item it at at, reading its remaining business time then.
// Its requirements come from the rules its attributes match plus its own
// Require; its team from its own Team or the first matching rule with one.
// It returns a *RouteError wrapping ErrInvalidInput (empty id, a level out
// of range), ErrUnknownSkill (naming every unknown skill) or
// ErrDuplicateItem; nothing is queued then.
func (d *Dispatcher) AddAt(at time.Time, it Item) error {
	if err := checkItem("add", it); err != nil {
		return err
	}
	rem, ok := d.readRemaining(it.ID, at)
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := d.items[it.ID]; dup {
		return &RouteError{Op: "add", Item: it.ID, Err: ErrDuplicateItem}
	}
	x, err := d.newItem(at, it, "add")
	if err != nil {
		return err
	}
	d.setUrgency(x, at, rem, ok)
	d.items[it.ID] = x
	d.enqueue(x)
	return nil
}

func checkItem(op string, it Item) error {
	if it.ID == "" {
		return &RouteError{Op: op, Err: ErrInvalidInput, Detail: "empty item id"}
	}
	for i, q := range it.Require {
		if q.Level < 0 || q.Level > MaxLevel {
			return &RouteError{Op: op, Item: it.ID, Err: ErrInvalidInput,
				Detail: fmt.Sprintf("require[%d].level %d is outside [0, %d]", i, q.Level, MaxLevel)}
		}
	}
	return nil
}

// newItem compiles it: its route (requirements, team, matched rules,
// queue) and its order key except the urgency.
func (d *Dispatcher) newItem(at time.Time, it Item, op string) (*item, error) {
	r, err := d.routeFor(&it, op)
	if err != nil {
		return nil, err
	}
	x := &item{spec: it, hidx: -1, attrs: r.attrs, rules: r.rules, q: r.q}
	x.spec.Attributes = nil
	x.spec.Require = slices.Clone(it.Require)
	if x.spec.Created.IsZero() {
		x.spec.Created = at
	}
	d.seq++
	x.key = itemKey{prio: it.Priority, created: unixNano(x.spec.Created), seq: d.seq}
	return x, nil
}

// route is what an item's attributes, team and own requirements compile
// to. Items alike share one route: its slices are read-only.
type route struct {
	attrs [][2]string // sorted by name
	rules []string
	q     *queue
}

// maxRoutes bounds the route cache; it is emptied when full.
const maxRoutes = 4096

// routeFor returns the route of it, from the cache when an item with the
// same attributes, team and requirements was seen before.
func (d *Dispatcher) routeFor(it *Item, op string) (*route, error) {
	var buf [8][2]string
	attrs := buf[:0]
	for k, v := range it.Attributes {
		attrs = append(attrs, [2]string{k, v})
	}
	for i := 1; i < len(attrs); i++ { // insertion sort: a handful of attributes
		for j := i; j > 0 && attrs[j][0] < attrs[j-1][0]; j-- {
			attrs[j], attrs[j-1] = attrs[j-1], attrs[j]
		}
	}
	b := d.routeBuf[:0]
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, kv := range attrs {
		str(kv[0])
		str(kv[1])
	}
	b = append(b, 0xff)
	str(it.Team)
	for _, q := range it.Require {
		str(q.Skill)
		b = binary.AppendUvarint(b, uint64(q.Level))
	}
	d.routeBuf = b
	if r, ok := d.routes[string(b)]; ok {
		return r, nil
	}
	r := &route{}
	if len(attrs) > 0 {
		r.attrs = slices.Clone(attrs)
	}
	var req []skillReq
	team := ""
	for i := range d.rules {
		cr := &d.rules[i]
		if !cr.matches(r.attrs) {
			continue
		}
		r.rules = append(r.rules, cr.id)
		for _, q := range cr.req {
			req = mergeOne(req, q)
		}
		if team == "" {
			team = cr.team
		}
	}
	req, unknown := d.mergeReqs(req, it.Require)
	if len(unknown) > 0 {
		return nil, &RouteError{Op: op, Item: it.ID, Err: ErrUnknownSkill, Detail: strings.Join(unknown, ", ")}
	}
	if it.Team != "" {
		team = it.Team
	}
	r.q = d.queueFor(req, team)
	if len(d.routes) >= maxRoutes {
		clear(d.routes)
	}
	d.routes[string(b)] = r
	return r, nil
}

func mergeOne(req []skillReq, q skillReq) []skillReq {
	for i := range req {
		if req[i].idx == q.idx {
			req[i].level = max(req[i].level, q.level)
			return req
		}
	}
	return append(req, q)
}

func (d *Dispatcher) enqueue(x *item) {
	x.q.heap.push(x)
	d.queued++
}

// NextFor is NextForAt at the clock's current time.
func (d *Dispatcher) NextFor(agentID string) (Assignment, error) {
	return d.NextForAt(d.clk.Now(), agentID)
}

// NextForAt gives agent agentID the most urgent queued item it may take
// (pull routing: an agent who becomes free asks for work). It returns a
// *RouteError wrapping ErrUnknownAgent, ErrOverCapacity, ErrNobodyAvailable
// (the agent is away, offline or off shift) or ErrNoWork.
func (d *Dispatcher) NextForAt(at time.Time, agentID string) (Assignment, error) {
	d.mu.Lock()
	a, err := d.nextLocked(at, agentID)
	d.mu.Unlock()
	if err != nil {
		return a, err
	}
	return d.finish(a), nil
}

func (d *Dispatcher) nextLocked(at time.Time, agentID string) (Assignment, error) {
	ag := d.agents[agentID]
	switch {
	case ag == nil:
		return Assignment{}, &RouteError{Op: "next", Agent: agentID, Err: ErrUnknownAgent}
	case ag.load >= ag.spec.Capacity:
		return Assignment{}, &RouteError{Op: "next", Agent: agentID, Err: ErrOverCapacity,
			Detail: fmt.Sprintf("load %d of %d", ag.load, ag.spec.Capacity)}
	case ag.presence != Available:
		return Assignment{}, &RouteError{Op: "next", Agent: agentID, Err: ErrNobodyAvailable, Detail: "agent is " + ag.presence.String()}
	}
	d.refreshShifts(at)
	if !d.onDuty(ag) {
		return Assignment{}, &RouteError{Op: "next", Agent: agentID, Err: ErrNobodyAvailable, Detail: "agent is off shift"}
	}
	var best *heapEntry
	for _, q := range ag.queues {
		if len(q.heap) > 0 && (best == nil || q.heap[0].key.before(&best.key)) {
			best = &q.heap[0]
		}
	}
	if best == nil {
		return Assignment{}, &RouteError{Op: "next", Agent: agentID, Err: ErrNoWork}
	}
	it := best.it
	score, _ := eligible(ag, it.q)
	return d.commit(at, it, ag, RoutePull, score, ""), nil
}

// Assign is AssignAt at the clock's current time.
func (d *Dispatcher) Assign(itemID, agentID, note string) (Assignment, error) {
	return d.AssignAt(d.clk.Now(), itemID, agentID, note)
}

// AssignAt gives item itemID to agent agentID by hand (a supervisor's
// decision, recorded with note). A queued item is taken off its queue; an
// assigned one is transferred, and the assignment's Previous names the
// owner it leaves. Presence and shifts are not checked (a person decided),
// but skills, team and capacity are: it returns a *RouteError wrapping
// ErrUnknownItem, ErrUnknownAgent, ErrNotEligible or ErrOverCapacity, and
// changes nothing then. Assigning an item to its current owner changes
// nothing and returns an assignment whose IsTransfer is false.
func (d *Dispatcher) AssignAt(at time.Time, itemID, agentID, note string) (Assignment, error) {
	d.mu.Lock()
	a, err := d.assignLocked(at, itemID, agentID, note)
	d.mu.Unlock()
	if err != nil {
		return a, err
	}
	return d.finish(a), nil
}

func (d *Dispatcher) assignLocked(at time.Time, itemID, agentID, note string) (Assignment, error) {
	it, ag := d.items[itemID], d.agents[agentID]
	switch {
	case it == nil:
		return Assignment{}, &RouteError{Op: "assign", Item: itemID, Agent: agentID, Err: ErrUnknownItem}
	case ag == nil:
		return Assignment{}, &RouteError{Op: "assign", Item: itemID, Agent: agentID, Err: ErrUnknownAgent}
	}
	score, ok := eligible(ag, it.q)
	if !ok {
		return Assignment{}, &RouteError{Op: "assign", Item: itemID, Agent: agentID, Err: ErrNotEligible}
	}
	if it.owner == ag {
		a := Assignment{Item: itemID, Agent: agentID, At: at, Previous: agentID, FirstResponder: it.spec.FirstResponder,
			Reason: Reason{Route: RouteManual, Team: it.q.team, Score: score, Load: ag.load - 1, Capacity: ag.spec.Capacity,
				Priority: it.spec.Priority, Note: note}}
		return a, nil
	}
	if ag.load >= ag.spec.Capacity {
		return Assignment{}, &RouteError{Op: "assign", Item: itemID, Agent: agentID, Err: ErrOverCapacity,
			Detail: fmt.Sprintf("load %d of %d", ag.load, ag.spec.Capacity)}
	}
	if it.hidx >= 0 {
		return d.commit(at, it, ag, RouteManual, score, note), nil
	}
	return d.give(at, it, ag, RouteManual, score, note), nil
}

// Requeue is RequeueAt at the clock's current time.
func (d *Dispatcher) Requeue(it Item) error { return d.RequeueAt(d.clk.Now(), it) }

// RequeueAt puts an assigned item back in the queue at at, described
// anew by it (same ID; its attributes, requirements, priority and team may
// have changed, for example after an escalation to a senior tier), and
// re-reads its remaining business time. The current owner becomes its
// PreviousOwner, so that Sticky can give it back and the next assignment
// is a transfer from that owner; FirstResponder is kept. It returns a
// *RouteError wrapping ErrUnknownItem, ErrNotAssigned, ErrUnknownSkill or
// ErrInvalidInput, and changes nothing then.
func (d *Dispatcher) RequeueAt(at time.Time, it Item) error {
	if err := checkItem("requeue", it); err != nil {
		return err
	}
	rem, ok := d.readRemaining(it.ID, at)
	d.mu.Lock()
	defer d.mu.Unlock()
	old := d.items[it.ID]
	switch {
	case old == nil:
		return &RouteError{Op: "requeue", Item: it.ID, Err: ErrUnknownItem}
	case old.owner == nil:
		return &RouteError{Op: "requeue", Item: it.ID, Err: ErrNotAssigned}
	}
	it.PreviousOwner = old.owner.spec.ID
	it.FirstResponder = old.spec.FirstResponder
	if it.Created.IsZero() {
		it.Created = old.spec.Created
	}
	x, err := d.newItem(at, it, "requeue")
	if err != nil {
		return err
	}
	owner := old.owner
	was := owner.ready()
	owner.load--
	d.readyChanged(owner, was)
	d.setUrgency(x, at, rem, ok)
	d.items[it.ID] = x
	d.enqueue(x)
	return nil
}

// Remove takes an item out of the dispatcher, queued or assigned (work
// done, closed or withdrawn), freeing its owner's capacity, and returns
// that owner ("" for a queued item). It returns a *RouteError wrapping
// ErrUnknownItem.
func (d *Dispatcher) Remove(itemID string) (owner string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	it := d.items[itemID]
	if it == nil {
		return "", &RouteError{Op: "remove", Item: itemID, Err: ErrUnknownItem}
	}
	if it.owner != nil {
		owner = it.owner.spec.ID
	}
	if it.hidx >= 0 {
		it.q.heap.remove(it.hidx)
		d.queued--
	}
	if a := it.owner; a != nil {
		was := a.ready()
		a.load--
		d.readyChanged(a, was)
	}
	delete(d.items, itemID)
	return owner, nil
}

// Refresh is RefreshAt at the clock's current time.
func (d *Dispatcher) Refresh(ids ...string) { d.RefreshAt(d.clk.Now(), ids...) }

// RefreshAt re-reads the remaining business time of the given queued
// items (of every queued item when ids is empty, which costs one
// RemainingFunc call per item) and re-orders them. Call it for items whose
// clocks were paused, resumed or re-targeted since they were added; unknown
// and assigned ids are ignored.
func (d *Dispatcher) RefreshAt(at time.Time, ids ...string) {
	if len(ids) == 0 {
		d.mu.Lock()
		for id, it := range d.items {
			if it.hidx >= 0 {
				ids = append(ids, id)
			}
		}
		d.mu.Unlock()
	}
	type reading struct {
		rem time.Duration
		ok  bool
	}
	read := make([]reading, len(ids))
	for i, id := range ids {
		read[i].rem, read[i].ok = d.readRemaining(id, at)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, id := range ids {
		it := d.items[id]
		if it == nil || it.hidx < 0 {
			continue
		}
		d.setUrgency(it, at, read[i].rem, read[i].ok)
		it.q.heap.rekey(it.hidx, it.key)
	}
}

// ItemStatus is what the dispatcher knows about one item.
type ItemStatus struct {
	// Item is the item as added, with PreviousOwner and FirstResponder
	// kept up to date.
	Item   Item   `json:"item"`
	Queued bool   `json:"queued"`
	Owner  string `json:"owner,omitempty"`
	// Require, Team and Rules are the compiled requirements.
	Require []Requirement `json:"require,omitempty"`
	Team    string        `json:"team,omitempty"`
	Rules   []string      `json:"rules,omitempty"`
}

// Item returns the status of item id, and false if it is not held.
func (d *Dispatcher) Item(id string) (ItemStatus, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	it := d.items[id]
	if it == nil {
		return ItemStatus{}, false
	}
	return d.status(it), true
}

func (d *Dispatcher) status(it *item) ItemStatus {
	st := ItemStatus{Item: it.spec, Queued: it.hidx >= 0, Team: it.q.team,
		Rules: slices.Clone(it.rules), Require: slices.Clone(it.q.require)}
	st.Item.Require = slices.Clone(it.spec.Require)
	if len(it.attrs) > 0 {
		st.Item.Attributes = make(map[string]string, len(it.attrs))
		for _, kv := range it.attrs {
			st.Item.Attributes[kv[0]] = kv[1]
		}
	}
	if it.owner != nil {
		st.Owner = it.owner.spec.ID
	}
	return st
}

// Len returns the number of queued and of assigned items.
func (d *Dispatcher) Len() (queued, assigned int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.queued, len(d.items) - d.queued
}
