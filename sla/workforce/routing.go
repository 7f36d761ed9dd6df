package workforce

import (
	"fmt"
	"sort"

	"github.com/sqkit/sqkit/sla"
)

// MaxLevel is the highest skill level.
const MaxLevel = 10

// Strategy is how the dispatcher picks an agent for the most urgent item.
// The zero value is unset and invalid. Its text and JSON form is
// "best_skill" or "round_robin".
type Strategy uint8

const (
	// StrategyUnset is the invalid zero value.
	StrategyUnset Strategy = iota
	// BestSkill gives the item to the eligible available agent with the
	// highest skill score (the sum of the agent's levels in the required
	// skills), and among equals to the least loaded relative to capacity,
	// then to the one whose last assignment is oldest.
	BestSkill
	// RoundRobin gives the item to the next eligible available agent of
	// the item's team (agents in id order, continuing after the team's last
	// assignment), whatever their level.
	RoundRobin
)

var strategyNames = [...]string{"", "best_skill", "round_robin"}

// String returns the text form, or "unset".
func (s Strategy) String() string {
	if s == StrategyUnset || int(s) >= len(strategyNames) {
		return "unset"
	}
	return strategyNames[s]
}

// Valid reports whether s is BestSkill or RoundRobin.
func (s Strategy) Valid() bool { return s == BestSkill || s == RoundRobin }

// MarshalText implements encoding.TextMarshaler.
func (s Strategy) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, inputErr("strategy %d", uint8(s))
	}
	return []byte(strategyNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Strategy) UnmarshalText(b []byte) error {
	for i, n := range strategyNames {
		if i > 0 && n == string(b) {
			*s = Strategy(i)
			return nil
		}
	}
	return inputErr("unknown strategy %q", string(b))
}

// Presence is whether an agent takes work. The zero value is unset (an
// agent configured without presence starts Available). Its text and JSON
// form is "available", "away" or "offline".
type Presence uint8

const (
	// PresenceUnset is the zero value.
	PresenceUnset Presence = iota
	// Available agents take work while their shift is open.
	Available
	// Away agents (on a break, in a meeting) take no new work but keep
	// their items.
	Away
	// Offline agents are logged out.
	Offline
)

var presenceNames = [...]string{"", "available", "away", "offline"}

// String returns the text form, or "unset".
func (p Presence) String() string {
	if p == PresenceUnset || int(p) >= len(presenceNames) {
		return "unset"
	}
	return presenceNames[p]
}

// Valid reports whether p is Available, Away or Offline.
func (p Presence) Valid() bool { return p >= Available && p <= Offline }

// MarshalText implements encoding.TextMarshaler; unset encodes as "".
func (p Presence) MarshalText() ([]byte, error) {
	if p == PresenceUnset {
		return []byte{}, nil
	}
	if !p.Valid() {
		return nil, inputErr("presence %d", uint8(p))
	}
	return []byte(presenceNames[p]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Presence) UnmarshalText(b []byte) error {
	for i, n := range presenceNames {
		if n == string(b) {
			*p = Presence(i)
			return nil
		}
	}
	return inputErr("unknown presence %q", string(b))
}

// Requirement is a skill an item needs, at least at Level (0 counts as 1).
type Requirement struct {
	Skill string `json:"skill"`
	Level int    `json:"level,omitempty"`
}

// AgentSpec describes an agent: the skills it has with their levels
// (1..MaxLevel), how many items it works at once, its team and the shift
// whose calendar says when it is on duty ("" for always).
type AgentSpec struct {
	ID       string         `json:"id"`
	Team     string         `json:"team,omitempty"`
	Skills   map[string]int `json:"skills,omitempty"`
	Capacity int            `json:"capacity"`
	Shift    string         `json:"shift,omitempty"`
	// Presence is the agent's presence when the dispatcher is built;
	// unset means Available.
	Presence Presence `json:"presence,omitempty"`
}

// Rule adds requirements to the items it matches. A rule matches an item
// when every entry of When equals the item's attribute of that name (an
// empty When matches every item); for example {"category":
// "product_quality"} matches complaints the feedback classifier put in that
// category. An item needs every skill of every matching rule (at the
// highest level asked), and goes to the Team of the first matching rule
// that names one, unless the item names its own.
type Rule struct {
	ID      string            `json:"id"`
	When    map[string]string `json:"when,omitempty"`
	Require []Requirement     `json:"require,omitempty"`
	Team    string            `json:"team,omitempty"`
}

// Config is the routing configuration of a Dispatcher. It is a plain JSON
// value.
type Config struct {
	// Skills lists every skill name; agents, rules and items may use no
	// other.
	Skills []string `json:"skills"`
	// Shifts are the named working hours agents refer to.
	Shifts map[string]sla.CalendarSpec `json:"shifts,omitempty"`
	Agents []AgentSpec                 `json:"agents,omitempty"`
	Rules  []Rule                      `json:"rules,omitempty"`
	// Strategy picks the agent for the most urgent item.
	Strategy Strategy `json:"strategy"`
	// Sticky gives an item that comes back (reopened or requeued) to its
	// previous owner when that agent is eligible and available, before the
	// strategy is asked. It applies when the item is the most urgent of
	// its queue: a returning item does not jump ahead of more urgent work.
	Sticky bool `json:"sticky,omitempty"`
	// UrgencyStep, when positive, compares remaining business time in
	// steps of this size, so that items due within the same step are
	// ordered by priority and age instead.
	UrgencyStep sla.Duration `json:"urgency_step,omitempty"`
}

// Validate reports every problem of the configuration at once, each a
// *FieldError with the path of the field (for example
// "agents[3].skills.billing" or "shifts.early.week.monday[0].start").
func (c Config) Validate() error {
	_, err := c.compileShifts()
	return joinFlat(append([]error{err}, c.validateRest()...))
}

func (c Config) compileShifts() (map[string]*sla.Calendar, error) {
	return Roster{Shifts: c.Shifts}.compile()
}

func (c Config) validateRest() []error {
	var errs []error
	skills := map[string]bool{}
	for i, s := range c.Skills {
		p := fmt.Sprintf("skills[%d]", i)
		switch {
		case s == "":
			errs = append(errs, fieldErr(p, "empty skill name"))
		case skills[s]:
			errs = append(errs, fieldErr(p, "skill %q listed twice", s))
		}
		skills[s] = true
	}
	ids := map[string]bool{}
	for i, a := range c.Agents {
		errs = append(errs, a.validate(fmt.Sprintf("agents[%d]", i), skills, c.Shifts)...)
		if a.ID != "" && ids[a.ID] {
			errs = append(errs, fieldErr(fmt.Sprintf("agents[%d].id", i), "agent %q listed twice", a.ID))
		}
		ids[a.ID] = true
	}
	rules := map[string]bool{}
	for i, r := range c.Rules {
		p := fmt.Sprintf("rules[%d]", i)
		switch {
		case r.ID == "":
			errs = append(errs, fieldErr(p+".id", "empty rule id"))
		case rules[r.ID]:
			errs = append(errs, fieldErr(p+".id", "rule %q listed twice", r.ID))
		}
		rules[r.ID] = true
		for _, k := range sortedKeys(r.When) {
			if k == "" {
				errs = append(errs, fieldErr(p+".when", "empty attribute name"))
			}
		}
		for j, q := range r.Require {
			errs = append(errs, q.validate(fmt.Sprintf("%s.require[%d]", p, j), skills)...)
		}
	}
	if !c.Strategy.Valid() {
		errs = append(errs, fieldErr("strategy", "must be best_skill or round_robin, got %s", c.Strategy))
	}
	if c.UrgencyStep < 0 {
		errs = append(errs, fieldErr("urgency_step", "must not be negative, got %s", c.UrgencyStep))
	}
	return errs
}

func (a AgentSpec) validate(p string, skills map[string]bool, shifts map[string]sla.CalendarSpec) []error {
	var errs []error
	if a.ID == "" {
		errs = append(errs, fieldErr(p+".id", "empty agent id"))
	}
	for _, s := range sortedKeys(a.Skills) {
		if !skills[s] {
			errs = append(errs, fieldErr(p+".skills."+s, "unknown skill %q", s))
		}
		if l := a.Skills[s]; l < 1 || l > MaxLevel {
			errs = append(errs, fieldErr(p+".skills."+s, "level must be in [1, %d], got %d", MaxLevel, l))
		}
	}
	if a.Capacity < 1 || a.Capacity > 1000 {
		errs = append(errs, fieldErr(p+".capacity", "must be in [1, 1000], got %d", a.Capacity))
	}
	if _, ok := shifts[a.Shift]; a.Shift != "" && !ok {
		errs = append(errs, fieldErr(p+".shift", "unknown shift %q", a.Shift))
	}
	if a.Presence != PresenceUnset && !a.Presence.Valid() {
		errs = append(errs, fieldErr(p+".presence", "invalid presence %d", uint8(a.Presence)))
	}
	return errs
}

func (q Requirement) validate(p string, skills map[string]bool) []error {
	var errs []error
	if !skills[q.Skill] {
		errs = append(errs, fieldErr(p+".skill", "unknown skill %q", q.Skill))
	}
	if q.Level < 0 || q.Level > MaxLevel {
		errs = append(errs, fieldErr(p+".level", "must be in [0, %d], got %d", MaxLevel, q.Level))
	}
	return errs
}

// Roster returns the roster of the configured agents: one line per shift
// with the number of agents on it (agents without a shift on the line with
// an empty shift), for CheckRoster.
func (c Config) Roster() Roster {
	count := map[string]int{}
	for _, a := range c.Agents {
		count[a.Shift]++
	}
	r := Roster{Shifts: c.Shifts}
	for _, s := range sortedKeys(count) {
		r.Lines = append(r.Lines, RosterLine{Shift: s, Agents: count[s]})
	}
	return r
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
