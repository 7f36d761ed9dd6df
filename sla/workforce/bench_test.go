package workforce

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// The routing benchmark: 100,000 open items and 500 agents. Each iteration
// is one cycle a desk goes through: a routing decision, the assigned item
// completed (Remove) and a new item arriving (Add), so the number of open
// items and the agents' loads stay level. BenchmarkDispatchNaive runs the
// same cycle on the loop a host would otherwise write: scan every open
// item for the most urgent one and every agent for the best one.
const (
	benchItems  = 100_000
	benchAgents = 500
	benchSkills = 12
	benchTeams  = 5
)

var benchStart = time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC) // a Tuesday

// cpuMeter reports the process CPU time per operation between start and
// stop as the metric "cpu-ns/op" (garbage collection included): on a busy
// shared machine it stays put while ns/op grows with the wait for a core.
type cpuMeter struct {
	t0 time.Duration
	ok bool
}

func (m *cpuMeter) start() { m.t0, m.ok = cpuTime() }

func (m *cpuMeter) stop(b *testing.B) {
	t1, ok := cpuTime()
	if m.ok && ok && b.N > 0 {
		b.ReportMetric(float64((t1-m.t0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// benchDue is item k's SLA due instant: spread over two days.
func benchDue(k int) time.Time {
	return benchStart.Add(time.Duration(k*7919%172800) * time.Second)
}

func benchRemaining(id string, at time.Time) (time.Duration, bool) {
	k, err := strconv.Atoi(id[1:])
	if err != nil || k%10 == 0 { // one item in ten has no SLA clock
		return 0, false
	}
	return benchDue(k).Sub(at), true
}

func benchConfig() Config {
	cfg := Config{Strategy: BestSkill,
		Shifts: map[string]sla.CalendarSpec{"day": dayShift("UTC", "08:00", "20:00")}}
	for s := range benchSkills {
		cfg.Skills = append(cfg.Skills, fmt.Sprintf("s%d", s))
	}
	for c := range 2 * benchSkills {
		r := Rule{ID: fmt.Sprintf("cat%d", c), When: map[string]string{"category": fmt.Sprintf("c%d", c)},
			Require: []Requirement{{Skill: fmt.Sprintf("s%d", c%benchSkills), Level: 1 + c/benchSkills}}}
		cfg.Rules = append(cfg.Rules, r)
	}
	for t := range benchTeams {
		cfg.Rules = append(cfg.Rules, Rule{ID: fmt.Sprintf("ch%d", t), When: map[string]string{"channel": fmt.Sprintf("ch%d", t)}, Team: fmt.Sprintf("t%d", t)})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for a := range benchAgents {
		spec := AgentSpec{ID: fmt.Sprintf("a%03d", a), Team: fmt.Sprintf("t%d", a%benchTeams), Capacity: 3, Skills: map[string]int{}}
		for range 4 {
			spec.Skills[fmt.Sprintf("s%d", rng.IntN(benchSkills))] = 1 + rng.IntN(5)
		}
		if a%2 == 1 {
			spec.Shift = "day"
		}
		cfg.Agents = append(cfg.Agents, spec)
	}
	return cfg
}

// benchAttrs holds one attribute map per (category, channel) pair, built
// once: hosts keep such values around, and the dispatcher copies what it
// keeps.
var benchAttrs = func() []map[string]string {
	out := make([]map[string]string, 2*benchSkills*benchTeams)
	for i := range out {
		out[i] = map[string]string{"category": "c" + strconv.Itoa(i%(2*benchSkills)), "channel": "ch" + strconv.Itoa(i%benchTeams)}
	}
	return out
}()

func benchItem(k int) Item {
	return Item{ID: "i" + strconv.Itoa(k), Priority: k % 4, Created: benchStart.Add(-time.Duration(k%3600) * time.Second),
		Attributes: benchAttrs[k%len(benchAttrs)]}
}

func BenchmarkDispatch(b *testing.B) {
	d, err := NewDispatcher(benchConfig(), WithRemaining(benchRemaining))
	if err != nil {
		b.Fatal(err)
	}
	for k := range benchItems {
		if err := d.AddAt(benchStart, benchItem(k)); err != nil {
			b.Fatal(err)
		}
	}
	// Give the agents some load first.
	d.DispatchAllAt(benchStart, benchAgents)
	next := benchItems
	at := benchStart
	var m cpuMeter
	b.ReportAllocs()
	b.ResetTimer()
	m.start()
	for range b.N {
		at = at.Add(time.Millisecond)
		a, err := d.DispatchAt(at)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Remove(a.Item); err != nil {
			b.Fatal(err)
		}
		if err := d.AddAt(at, benchItem(next)); err != nil {
			b.Fatal(err)
		}
		next++
	}
	m.stop(b)
}

// naiveDesk is the straightforward implementation: a slice of open items
// and a slice of agents, both scanned in full for every decision.
type naiveDesk struct {
	rules  []Rule
	shift  *sla.Calendar
	items  []naiveItem
	pos    map[string]int
	agents []naiveAgent
}

type naiveItem struct {
	id       string
	due      time.Time
	sla      bool
	priority int
	created  time.Time
	req      map[string]int
	team     string
}

type naiveAgent struct {
	id       string
	team     string
	skills   map[string]int
	capacity int
	load     int
	shift    bool
	last     int
}

func newNaiveDesk(cfg Config) *naiveDesk {
	cal, err := sla.NewCalendar(cfg.Shifts["day"])
	if err != nil {
		panic(err)
	}
	n := &naiveDesk{rules: cfg.Rules, shift: cal, pos: map[string]int{}}
	for _, a := range cfg.Agents {
		n.agents = append(n.agents, naiveAgent{id: a.ID, team: a.Team, skills: a.Skills, capacity: a.Capacity, shift: a.Shift != ""})
	}
	return n
}

func (n *naiveDesk) add(at time.Time, it Item) {
	x := naiveItem{id: it.ID, priority: it.Priority, created: it.Created, req: map[string]int{}}
	if rem, ok := benchRemaining(it.ID, at); ok {
		x.due, x.sla = at.Add(rem), true
	}
	for _, r := range n.rules {
		match := true
		for k, v := range r.When {
			match = match && it.Attributes[k] == v
		}
		if !match {
			continue
		}
		for _, q := range r.Require {
			x.req[q.Skill] = max(x.req[q.Skill], q.Level)
		}
		if x.team == "" {
			x.team = r.Team
		}
	}
	n.pos[x.id] = len(n.items)
	n.items = append(n.items, x)
}

func (n *naiveDesk) remove(id string) {
	i := n.pos[id]
	last := len(n.items) - 1
	n.items[i] = n.items[last]
	n.pos[n.items[i].id] = i
	n.items = n.items[:last]
	delete(n.pos, id)
}

func naiveBefore(x, y *naiveItem) bool {
	if x.sla != y.sla {
		return x.sla
	}
	if x.sla && !x.due.Equal(y.due) {
		return x.due.Before(y.due)
	}
	if x.priority != y.priority {
		return x.priority < y.priority
	}
	return x.created.Before(y.created)
}

// dispatch scans every item for the most urgent one that has an available
// agent, and every agent for the best-skilled least-loaded one.
func (n *naiveDesk) dispatch(at time.Time, seq int) (string, int) {
	open := n.shift.IsOpen(at)
	skip := map[int]bool{}
	for {
		best := -1
		for i := range n.items {
			if !skip[i] && (best < 0 || naiveBefore(&n.items[i], &n.items[best])) {
				best = i
			}
		}
		if best < 0 {
			return "", -1
		}
		it := &n.items[best]
		pick, pickScore := -1, -1
		for j := range n.agents {
			a := &n.agents[j]
			if a.load >= a.capacity || (a.shift && !open) || (it.team != "" && a.team != it.team) {
				continue
			}
			score, ok := 0, true
			for s, l := range it.req {
				ok = ok && a.skills[s] >= l
				score += a.skills[s]
			}
			if !ok {
				continue
			}
			if pick < 0 || score > pickScore || score == pickScore && (a.load*n.agents[pick].capacity < n.agents[pick].load*a.capacity ||
				a.load*n.agents[pick].capacity == n.agents[pick].load*a.capacity && a.last < n.agents[pick].last) {
				pick, pickScore = j, score
			}
		}
		if pick < 0 {
			skip[best] = true
			continue
		}
		n.agents[pick].load++
		n.agents[pick].last = seq
		return it.id, pick
	}
}

func BenchmarkDispatchNaive(b *testing.B) {
	n := newNaiveDesk(benchConfig())
	for k := range benchItems {
		n.add(benchStart, benchItem(k))
	}
	for s := range benchAgents {
		id, _ := n.dispatch(benchStart, s)
		n.remove(id)
	}
	next := benchItems
	at := benchStart
	var m cpuMeter
	b.ReportAllocs()
	b.ResetTimer()
	m.start()
	for i := range b.N {
		at = at.Add(time.Millisecond)
		id, ag := n.dispatch(at, benchAgents+i)
		if ag < 0 {
			b.Fatal("nobody available")
		}
		n.remove(id)
		n.agents[ag].load--
		n.add(at, benchItem(next))
		next++
	}
	m.stop(b)
}

// Fewest agents for 80 % within 20 s at 5-minute handle time, for traffic
// from 10 to 1,950 Erlangs (up to about 2,000 agents).
var benchLoads = []float64{10, 100, 500, 1000, 1950}

func benchLoad(a float64) Load {
	return Load{Contacts: a * 6, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(5 * time.Minute)}
}

func BenchmarkFewestAgents(b *testing.B) {
	target := Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second)}
	for _, a := range benchLoads {
		b.Run(fmt.Sprintf("erlangs=%g", a), func(b *testing.B) {
			l := benchLoad(a)
			var m cpuMeter
			b.ReportAllocs()
			m.start()
			for range b.N {
				if _, err := FewestAgents(l, target); err != nil {
					b.Fatal(err)
				}
			}
			m.stop(b)
		})
	}
}

// naiveFewest is the loop a host would otherwise write: try n = 1, 2, ...
// and evaluate Erlang C from scratch for each n (by the same overflow-free
// recursion; the textbook factorial form overflows beyond ~170 agents).
func naiveFewest(a, tOverH, sl float64) int {
	for n := 1; ; n++ {
		if float64(n) <= a {
			continue
		}
		inv := 1.0
		for k := 1; k <= n; k++ {
			inv = 1 + float64(k)/a*inv
		}
		c := float64(n) / ((float64(n)-a)*inv + a)
		if 1-c*math.Exp(-(float64(n)-a)*tOverH) >= sl {
			return n
		}
	}
}

func BenchmarkFewestAgentsNaive(b *testing.B) {
	for _, a := range benchLoads {
		b.Run(fmt.Sprintf("erlangs=%g", a), func(b *testing.B) {
			var m cpuMeter
			m.start()
			for range b.N {
				naiveFewest(a, 20.0/300, 0.8)
			}
			m.stop(b)
		})
	}
}

func TestBenchBaselinesAgree(t *testing.T) {
	target := Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second)}
	for _, a := range benchLoads {
		s, err := FewestAgents(benchLoad(a), target)
		if err != nil {
			t.Fatal(err)
		}
		if got := naiveFewest(a, 20.0/300, 0.8); got != s.Agents {
			t.Fatalf("A=%v: naive %d, FewestAgents %d", a, got, s.Agents)
		}
	}
	// Both desks make the same decisions on the same workload.
	d, err := NewDispatcher(benchConfig(), WithRemaining(benchRemaining))
	if err != nil {
		t.Fatal(err)
	}
	n := newNaiveDesk(benchConfig())
	for k := range 1000 {
		if err := d.AddAt(benchStart, benchItem(k)); err != nil {
			t.Fatal(err)
		}
		n.add(benchStart, benchItem(k))
	}
	at := benchStart
	for i := range 700 {
		at = at.Add(2 * time.Minute)
		a, err := d.DispatchAt(at)
		if err != nil {
			t.Fatal(err)
		}
		id, ag := n.dispatch(at, i+1)
		if a.Item != id || a.Agent != n.agents[ag].id {
			t.Fatalf("decision %d: dispatcher %s->%s, naive %s->%s", i, a.Item, a.Agent, id, n.agents[ag].id)
		}
		if i%3 == 0 {
			if _, err := d.Remove(a.Item); err != nil {
				t.Fatal(err)
			}
			n.agents[ag].load--
		}
		n.remove(id)
	}
}
