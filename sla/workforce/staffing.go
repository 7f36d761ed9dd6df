package workforce

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// Target is a staffing goal for one queue: a service level ("80 % of
// contacts answered within 20 s"), optionally an average speed of answer
// and a maximum occupancy, and the factors that turn agents on the phones
// into agents to schedule. It is a plain JSON value; zero fields are not
// used.
type Target struct {
	// ServiceLevel is the share of offered contacts to answer within
	// AnswerWithin, in [0, 1); 0 sets no service-level goal.
	ServiceLevel float64      `json:"service_level,omitempty"`
	AnswerWithin sla.Duration `json:"answer_within,omitempty"`
	// MaxASA caps the average speed of answer; 0 sets no cap.
	MaxASA sla.Duration `json:"max_asa,omitempty"`
	// MaxOccupancy caps Erlangs/agents, in (0, 1]; 0 sets no cap.
	MaxOccupancy float64 `json:"max_occupancy,omitempty"`
	// Reserve is the peak reserve factor: Required carries Reserve more
	// agents than Erlang C asks for (0.1 = 10 %), for peaks inside the
	// interval and forecast error. At least 0.
	Reserve float64 `json:"reserve,omitempty"`
	// Shrinkage is the share of scheduled time agents are not available
	// for contacts (breaks, meetings, training, absence), in [0, 1).
	Shrinkage float64 `json:"shrinkage,omitempty"`
	// MinAgents is the least headcount Required reports, for example one
	// agent to keep a line open.
	MinAgents int `json:"min_agents,omitempty"`
}

// DefaultTarget returns the common goal of 80 % of contacts answered within
// 20 seconds, with 30 % shrinkage and no reserve.
func DefaultTarget() Target {
	return Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second), Shrinkage: 0.3}
}

// Validate reports every problem of the target at once with field paths.
func (t Target) Validate() error { return errors.Join(t.validate("")...) }

func (t Target) validate(p string) []error {
	var errs []error
	bad := func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }
	if bad(t.ServiceLevel) || t.ServiceLevel < 0 || t.ServiceLevel >= 1 {
		errs = append(errs, fieldErr(p+"service_level", "must be in [0, 1), got %v", t.ServiceLevel))
	}
	if t.AnswerWithin < 0 {
		errs = append(errs, fieldErr(p+"answer_within", "must not be negative, got %s", t.AnswerWithin))
	}
	if t.MaxASA < 0 {
		errs = append(errs, fieldErr(p+"max_asa", "must not be negative, got %s", t.MaxASA))
	}
	if bad(t.MaxOccupancy) || t.MaxOccupancy < 0 || t.MaxOccupancy > 1 {
		errs = append(errs, fieldErr(p+"max_occupancy", "must be in (0, 1] or 0 for none, got %v", t.MaxOccupancy))
	}
	if bad(t.Reserve) || t.Reserve < 0 || t.Reserve > 10 {
		errs = append(errs, fieldErr(p+"reserve", "must be in [0, 10], got %v", t.Reserve))
	}
	if bad(t.Shrinkage) || t.Shrinkage < 0 || t.Shrinkage >= 1 {
		errs = append(errs, fieldErr(p+"shrinkage", "must be in [0, 1), got %v", t.Shrinkage))
	}
	if t.MinAgents < 0 || t.MinAgents > MaxAgents {
		errs = append(errs, fieldErr(p+"min_agents", "must be in [0, %d], got %d", MaxAgents, t.MinAgents))
	}
	return errs
}

// Staffing is the answer for one interval: Agents is the fewest agents
// handling contacts that meet the target by Erlang C, Required the
// headcount to schedule: ceil(Agents * (1+Reserve) / (1-Shrinkage)), and
// at least MinAgents. Required is the "agents needed" figure a host feeds
// to an emergency.ShortageRule as its demand measure.
type Staffing struct {
	Load        Load        `json:"load"`
	Agents      int         `json:"agents"`
	Required    int         `json:"required"`
	Performance Performance `json:"performance"`
}

// FewestAgents returns the fewest agents meeting target t for load l, and
// the headcount to schedule. A load with no contacts needs no agents
// (Required is then MinAgents). The search starts at the first stable
// staffing, floor(A)+1, and adds one agent at a time, updating Erlang B by
// its recursion in O(1) per step; service level and ASA improve and
// occupancy falls with every agent added, so the first staffing meeting
// every goal is the fewest. It returns ErrUnreachable when MaxAgents
// agents do not suffice.
func FewestAgents(l Load, t Target) (Staffing, error) {
	errs := l.validate("load.")
	errs = append(errs, t.validate("target.")...)
	if len(errs) > 0 {
		return Staffing{}, errors.Join(errs...)
	}
	s := Staffing{Load: l}
	a := l.erlangs()
	h := float64(l.HandleTime)
	if a == 0 {
		s.Performance = perform(0, 0, 0, h, t.AnswerWithin.D())
		s.Required = t.MinAgents
		return s, nil
	}
	n := int(math.Floor(a)) + 1
	if t.MaxOccupancy > 0 {
		n = max(n, int(math.Ceil(a/t.MaxOccupancy-1e-9)))
	}
	if n > MaxAgents {
		return s, fmt.Errorf("%w: %.6g Erlangs at occupancy %v needs more than %d agents", ErrUnreachable, a, t.MaxOccupancy, MaxAgents)
	}
	inv := invB(n, a)
	tOverH := float64(t.AnswerWithin) / h
	maxASA := float64(t.MaxASA)
	for {
		if float64(n) > a && (t.MaxOccupancy == 0 || a/float64(n) <= t.MaxOccupancy) {
			c := erlangC(n, a, inv)
			gap := float64(n) - a
			okSL := t.ServiceLevel == 0 || serviceLevel(c, gap, tOverH) >= t.ServiceLevel
			okASA := t.MaxASA == 0 || c*h/gap <= maxASA
			if okSL && okASA {
				break
			}
		}
		if n >= MaxAgents {
			return s, fmt.Errorf("%w: %d agents do not meet the target for %.6g Erlangs", ErrUnreachable, MaxAgents, a)
		}
		inv = nextInvB(n, a, inv)
		n++
	}
	s.Agents = n
	s.Performance = perform(n, a, inv, h, t.AnswerWithin.D())
	s.Required = t.headcount(n)
	return s, nil
}

// headcount is ceil(n (1+Reserve) / (1-Shrinkage)), at least MinAgents.
// A tolerance of 1e-9 keeps 8/(1-0.2) at 10, not 11.
func (t Target) headcount(n int) int {
	x := float64(n) * (1 + t.Reserve) / (1 - t.Shrinkage)
	r := int(math.Ceil(x - 1e-9))
	return max(r, t.MinAgents, n)
}

// Interval is the forecast demand of one planning interval [Start, End).
type Interval struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Contacts float64   `json:"contacts"`
}

// IntervalStaffing is the staffing of one planning interval.
type IntervalStaffing struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Staffing
}

// Plan is the staffing of consecutive intervals for one queue.
type Plan struct {
	HandleTime sla.Duration       `json:"handle_time"`
	Target     Target             `json:"target"`
	Intervals  []IntervalStaffing `json:"intervals"`
}

// NewPlan staffs every interval of demand (sorted by start, not
// overlapping) with handle time aht against target t.
func NewPlan(demand []Interval, aht time.Duration, t Target) (Plan, error) {
	var errs []error
	if aht <= 0 {
		errs = append(errs, inputErr("handle time must be positive, got %s", aht))
	}
	errs = append(errs, t.validate("target.")...)
	for i, iv := range demand {
		p := fmt.Sprintf("demand[%d].", i)
		if !iv.End.After(iv.Start) {
			errs = append(errs, fieldErr(p+"end", "must be after start %s", iv.Start.Format(time.RFC3339)))
		}
		if i > 0 && iv.Start.Before(demand[i-1].End) {
			errs = append(errs, fieldErr(p+"start", "overlaps or precedes the previous interval"))
		}
	}
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}
	plan := Plan{HandleTime: sla.Duration(aht), Target: t, Intervals: make([]IntervalStaffing, 0, len(demand))}
	for i, iv := range demand {
		l := Load{Contacts: iv.Contacts, Interval: sla.Duration(iv.End.Sub(iv.Start)), HandleTime: sla.Duration(aht)}
		s, err := FewestAgents(l, t)
		if err != nil {
			errs = append(errs, fmt.Errorf("demand[%d]: %w", i, err))
			continue
		}
		plan.Intervals = append(plan.Intervals, IntervalStaffing{Start: iv.Start, End: iv.End, Staffing: s})
	}
	if len(errs) > 0 {
		return Plan{}, errors.Join(errs...)
	}
	return plan, nil
}

// RequiredAt returns the headcount the plan requires at instant at (the
// Required of the interval containing it), and false outside every
// interval. This is the "agents needed" measure for emergency.ShortageRule.
func (p Plan) RequiredAt(at time.Time) (int, bool) {
	i := sort.Search(len(p.Intervals), func(i int) bool { return p.Intervals[i].End.After(at) })
	if i == len(p.Intervals) || at.Before(p.Intervals[i].Start) {
		return 0, false
	}
	return p.Intervals[i].Required, true
}

// Peak returns the interval with the highest Required (the first of
// equals), and false for an empty plan.
func (p Plan) Peak() (IntervalStaffing, bool) {
	if len(p.Intervals) == 0 {
		return IntervalStaffing{}, false
	}
	best := 0
	for i, iv := range p.Intervals {
		if iv.Required > p.Intervals[best].Required {
			best = i
		}
	}
	return p.Intervals[best], true
}
