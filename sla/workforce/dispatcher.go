package workforce

import (
	"encoding/binary"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
)

// RemainingFunc reports the business time an item has left before its SLA
// target at instant at (negative once overdue), and false when the item
// has no running SLA clock. The dispatcher calls it without holding its
// lock; it must be safe for concurrent use. TrackerRemaining adapts an
// *sla.Tracker.
type RemainingFunc func(itemID string, at time.Time) (remaining time.Duration, ok bool)

// Option configures a Dispatcher.
type Option func(*Dispatcher)

// WithClock sets the clock the methods without an explicit instant read
// (default clock.New()); nil is ignored.
func WithClock(c clock.Clock) Option {
	return func(d *Dispatcher) {
		if c != nil {
			d.clk = c
		}
	}
}

// WithRemaining sets how the dispatcher learns an item's remaining business
// time; without it no item has an SLA and urgency is priority and age.
func WithRemaining(f RemainingFunc) Option { return func(d *Dispatcher) { d.remaining = f } }

// WithBusinessTime sets the calendar on which remaining times are compared
// (see the package documentation, "Urgency"); nil (the default) compares
// them on wall-clock time. The dispatcher calls bt.Between under its lock:
// bt must not call back into the dispatcher (an *sla.Calendar never does).
func WithBusinessTime(bt sla.BusinessTime) Option { return func(d *Dispatcher) { d.bt = bt } }

// Item is a piece of open work offered to the dispatcher: a ticket, a
// complaint, a chat. Attributes carry what rules match on, for example
// "channel": "phone" or "category": the root-cause category the feedback
// classifier returned for a complaint.
type Item struct {
	ID string `json:"id"`
	// Priority orders items with equal urgency: lower is more urgent.
	Priority int `json:"priority,omitempty"`
	// Created is when the work arrived (its age); zero means the instant
	// it is added.
	Created    time.Time         `json:"created,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// Require adds skills to those the rules ask for.
	Require []Requirement `json:"require,omitempty"`
	// Team, when set, overrides the team the rules give.
	Team string `json:"team,omitempty"`
	// PreviousOwner is the agent who owned the item before (on a reopen),
	// FirstResponder the agent accountable for it since its first
	// assignment; both "" for new work. The dispatcher fills them in as it
	// assigns.
	PreviousOwner  string `json:"previous_owner,omitempty"`
	FirstResponder string `json:"first_responder,omitempty"`
}

// Dispatcher assigns open work to agents. It holds the queued and assigned
// items and the agents' presence and load. It is safe for concurrent use
// by any number of goroutines: every method takes one mutex, and the
// RemainingFunc is called outside it.
type Dispatcher struct {
	mu        sync.Mutex
	cfg       Config
	clk       clock.Clock
	remaining RemainingFunc
	bt        sla.BusinessTime

	skills    map[string]int
	shifts    []shiftState // index 0: on duty around the clock
	shiftIdx  map[string]int
	rules     []compiledRule
	agents    map[string]*agent
	queues    map[string]*queue
	queueList []*queue
	items     map[string]*item
	queued    int
	seq       uint64
	rrLast    map[string]string // team -> last agent given work by round robin
	keyBuf    []byte
	routes    map[string]*route
	routeBuf  []byte

	posSet bool
	posAt  time.Time
	pos    int64
}

type skillReq struct{ idx, level int }

type compiledRule struct {
	id   string
	when [][2]string
	req  []skillReq
	team string
}

func (r *compiledRule) matches(attrs [][2]string) bool {
	for _, kv := range r.when {
		if !hasAttr(attrs, kv) {
			return false
		}
	}
	return true
}

func hasAttr(attrs [][2]string, kv [2]string) bool {
	for i := range attrs {
		if attrs[i][0] == kv[0] && attrs[i][1] == kv[1] {
			return true
		}
	}
	return false
}

type agent struct {
	spec     AgentSpec
	levels   []int
	shift    int
	presence Presence
	load     int
	lastSeq  uint64
	queues   []*queue
}

func (a *agent) ready() bool { return a.presence == Available && a.load < a.spec.Capacity }

type queue struct {
	key     string
	team    string
	req     []skillReq
	require []Requirement // req by name; shared read-only
	heap    itemHeap
	agents  []*agent // eligible agents in strategy order
	scores  []int    // parallel to agents
	ready   []int32  // per shift: eligible agents that are ready
}

type item struct {
	spec  Item        // Attributes nil: kept in attrs
	attrs [][2]string // the attributes, sorted by name
	key   itemKey     // urg is noSLA when the item has no SLA clock
	q     *queue
	hidx  int
	owner *agent
	rules []string
}

// noSLA is the urgency key of items without an SLA clock.
const noSLA = math.MaxInt64

// unixNano is t.UnixNano saturated to the int64 range.
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minNanoTime):
		return math.MinInt64
	case t.After(maxNanoTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

type shiftState struct {
	cal         *sla.Calendar
	from, until time.Time
	open, known bool
}

// NewDispatcher builds a dispatcher from cfg, which must validate (every
// problem is reported at once).
func NewDispatcher(cfg Config, opts ...Option) (*Dispatcher, error) {
	cals, err := cfg.compileShifts()
	if err := joinFlat(append([]error{err}, cfg.validateRest()...)); err != nil {
		return nil, err
	}
	d := &Dispatcher{cfg: cloneConfig(cfg), clk: clock.New(), skills: map[string]int{}, shiftIdx: map[string]int{},
		agents: map[string]*agent{}, queues: map[string]*queue{}, items: map[string]*item{}, rrLast: map[string]string{},
		routes: map[string]*route{}}
	for _, o := range opts {
		o(d)
	}
	for i, s := range cfg.Skills {
		d.skills[s] = i
	}
	d.shifts = []shiftState{{open: true, known: true}}
	for _, name := range sortedKeys(cals) {
		d.shiftIdx[name] = len(d.shifts)
		d.shifts = append(d.shifts, shiftState{cal: cals[name]})
	}
	for _, r := range cfg.Rules {
		cr := compiledRule{id: r.ID, team: r.Team}
		for _, k := range sortedKeys(r.When) {
			cr.when = append(cr.when, [2]string{k, r.When[k]})
		}
		cr.req, _ = d.mergeReqs(nil, r.Require)
		d.rules = append(d.rules, cr)
	}
	for _, a := range cfg.Agents {
		d.agents[a.ID] = d.newAgent(a)
	}
	return d, nil
}

func cloneConfig(c Config) Config {
	out := c
	out.Skills = slices.Clone(c.Skills)
	out.Shifts = maps.Clone(c.Shifts)
	out.Agents = make([]AgentSpec, len(c.Agents))
	for i, a := range c.Agents {
		out.Agents[i] = cloneAgent(a)
	}
	out.Rules = make([]Rule, len(c.Rules))
	for i, r := range c.Rules {
		out.Rules[i] = Rule{ID: r.ID, When: maps.Clone(r.When), Require: slices.Clone(r.Require), Team: r.Team}
	}
	return out
}

func cloneAgent(a AgentSpec) AgentSpec {
	a.Skills = maps.Clone(a.Skills)
	return a
}

func (d *Dispatcher) newAgent(spec AgentSpec) *agent {
	a := &agent{spec: cloneAgent(spec), levels: make([]int, len(d.skills)), shift: d.shiftIdx[spec.Shift], presence: spec.Presence}
	if a.presence == PresenceUnset {
		a.presence = Available
	}
	for s, l := range spec.Skills {
		a.levels[d.skills[s]] = l
	}
	return a
}

// mergeReqs adds reqs to base, keeping the highest level per skill,
// sorted by skill index. It returns the names of unknown skills.
func (d *Dispatcher) mergeReqs(base []skillReq, reqs []Requirement) ([]skillReq, []string) {
	var unknown []string
	for _, r := range reqs {
		idx, ok := d.skills[r.Skill]
		if !ok {
			unknown = append(unknown, r.Skill)
			continue
		}
		lvl := min(max(r.Level, 1), MaxLevel)
		found := false
		for i := range base {
			if base[i].idx == idx {
				base[i].level = max(base[i].level, lvl)
				found = true
			}
		}
		if !found {
			base = append(base, skillReq{idx, lvl})
		}
	}
	sort.Slice(base, func(i, j int) bool { return base[i].idx < base[j].idx })
	return base, unknown
}

// queueFor returns the queue of items with requirement req and team,
// creating it (and finding its eligible agents) on first use.
func (d *Dispatcher) queueFor(req []skillReq, team string) *queue {
	b := binary.AppendUvarint(d.keyBuf[:0], uint64(len(team)))
	b = append(b, team...)
	for _, r := range req {
		b = strconv.AppendInt(b, int64(r.idx), 36)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(r.level), 36)
		b = append(b, ',')
	}
	d.keyBuf = b
	if q, ok := d.queues[string(b)]; ok {
		return q
	}
	q := &queue{key: string(b), team: team, req: slices.Clone(req)}
	for _, r := range req {
		q.require = append(q.require, Requirement{Skill: d.cfg.Skills[r.idx], Level: r.level})
	}
	d.queues[q.key] = q
	d.queueList = append(d.queueList, q)
	d.staffQueue(q)
	return q
}

// staffQueue recomputes the eligible agents of q, their order and the
// ready counts, and links q into each eligible agent.
func (d *Dispatcher) staffQueue(q *queue) {
	q.agents, q.scores = q.agents[:0], q.scores[:0]
	q.ready = make([]int32, len(d.shifts))
	for _, id := range sortedKeys(d.agents) {
		a := d.agents[id]
		score, ok := eligible(a, q)
		if !ok {
			continue
		}
		q.agents = append(q.agents, a)
		q.scores = append(q.scores, score)
		a.queues = append(a.queues, q)
		if a.ready() {
			q.ready[a.shift]++
		}
	}
	if d.cfg.Strategy == BestSkill {
		idx := make([]int, len(q.agents))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return q.scores[idx[i]] > q.scores[idx[j]] })
		agents, scores := make([]*agent, len(idx)), make([]int, len(idx))
		for i, k := range idx {
			agents[i], scores[i] = q.agents[k], q.scores[k]
		}
		q.agents, q.scores = agents, scores
	}
}

// restaff recomputes every queue after the set of agents changed.
func (d *Dispatcher) restaff() {
	for _, a := range d.agents {
		a.queues = a.queues[:0]
	}
	for _, q := range d.queueList {
		d.staffQueue(q)
	}
}

// eligible reports whether a may work items of q, and its skill score:
// the sum of its levels in the required skills.
func eligible(a *agent, q *queue) (int, bool) {
	if q.team != "" && a.spec.Team != q.team {
		return 0, false
	}
	score := 0
	for _, r := range q.req {
		l := a.levels[r.idx]
		if l < r.level {
			return 0, false
		}
		score += l
	}
	return score, true
}

// readyChanged updates the ready counts of a's queues after its presence,
// load or capacity changed from a state whose ready() was was.
func (d *Dispatcher) readyChanged(a *agent, was bool) {
	now := a.ready()
	if now == was {
		return
	}
	delta := int32(1)
	if !now {
		delta = -1
	}
	for _, q := range a.queues {
		q.ready[a.shift] += delta
	}
}

// refreshShifts makes sure every shift's open state is known at at. A
// state stays valid over [from, until): until is the next opening of a
// closed shift, or the end of the open run (found by bisection on
// Calendar.Add, which equals at+d exactly while the calendar stays open).
func (d *Dispatcher) refreshShifts(at time.Time) {
	for i := 1; i < len(d.shifts); i++ {
		s := &d.shifts[i]
		if s.known && !at.Before(s.from) && at.Before(s.until) {
			continue
		}
		if s.known && at.Before(s.from) && d.extendBack(s, at) {
			continue
		}
		s.known, s.from = true, at
		s.open = s.cal.IsOpen(at)
		if !s.open {
			s.until = s.cal.NextOpen(at)
			if !s.until.After(at) {
				s.until = at.Add(1) // defensive: never cache an empty span
			}
			continue
		}
		const horizon = 8 * 24 * time.Hour
		if s.cal.Add(at, horizon).Equal(at.Add(horizon)) {
			s.until = at.Add(horizon)
			continue
		}
		lo, hi := time.Duration(0), horizon // open through lo, not through hi
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if s.cal.Add(at, mid).Equal(at.Add(mid)) {
				lo = mid
			} else {
				hi = mid
			}
		}
		s.until = at.Add(max(lo, 1))
	}
}

// extendBack extends s's known span back to at when the shift is in the
// same state all the way from at to s.from, which is cheap to check; hosts
// whose goroutines read "now" before taking the lock call with instants
// slightly out of order.
func (d *Dispatcher) extendBack(s *shiftState, at time.Time) bool {
	if s.cal.IsOpen(at) != s.open {
		return false
	}
	if s.open {
		if !s.cal.Add(at, s.from.Sub(at)).Equal(s.from) {
			return false
		}
	} else if !s.cal.NextOpen(at).Equal(s.until) {
		return false
	}
	s.from = at
	return true
}

func (d *Dispatcher) onDuty(a *agent) bool { return d.shifts[a.shift].open }

// position returns the business-time position of at on the dispatcher's
// calendar, in nanoseconds from a fixed origin.
func (d *Dispatcher) position(at time.Time) int64 {
	if d.bt == nil {
		return int64(at.Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)))
	}
	switch {
	case !d.posSet:
		d.posSet, d.posAt, d.pos = true, at, 0
	case at.After(d.posAt):
		d.pos = satAdd(d.pos, int64(d.bt.Between(d.posAt, at)))
		d.posAt = at
	case at.Before(d.posAt):
		return satAdd(d.pos, -int64(d.bt.Between(at, d.posAt)))
	}
	return d.pos
}

func satAdd(a, b int64) int64 {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		if a > 0 {
			return 1<<63 - 1
		}
		return -1 << 63
	}
	return s
}

// setUrgency keys it by its remaining business time read at at.
func (d *Dispatcher) setUrgency(it *item, at time.Time, rem time.Duration, ok bool) {
	it.key.urg = noSLA
	if !ok {
		return
	}
	u := satAdd(d.position(at), int64(rem))
	if step := int64(d.cfg.UrgencyStep); step > 0 {
		u = floorDiv(u, step)
	}
	it.key.urg = min(u, noSLA-1)
}

func (d *Dispatcher) readRemaining(id string, at time.Time) (time.Duration, bool) {
	if d.remaining == nil {
		return 0, false
	}
	return d.remaining(id, at)
}
