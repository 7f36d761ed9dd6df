package emergency

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// PlanStep is one step of a response plan: what to do, which role does it
// and within how long of the plan's selection (zero: no deadline).
type PlanStep struct {
	Name   string       `json:"name"`
	Role   string       `json:"role"`
	Within sla.Duration `json:"within,omitempty"`
}

// Plan is one version of a response plan, indexed by the incident types and
// grades it covers.
type Plan struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Title   string `json:"title,omitempty"`
	// Types and Grades are the incidents the plan covers; empty means any.
	Types  []IncidentType `json:"types,omitempty"`
	Grades []Grade        `json:"grades,omitempty"`
	// Roles are the roles the plan's steps are assigned to.
	Roles []string   `json:"roles"`
	Steps []PlanStep `json:"steps"`
}

// Validate reports every problem of the plan at once, each as a *FieldError
// with the path of the field: an empty id, a version below 1, invalid or
// repeated grades, empty types, steps with no name, a repeated name, a role
// the plan does not list or a negative deadline.
func (p Plan) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	if p.ID == "" {
		add("id", "empty plan id")
	}
	if p.Version < 1 {
		add("version", "must be at least 1, got %d", p.Version)
	}
	for i, t := range p.Types {
		if t == "" {
			add(fmt.Sprintf("types[%d]", i), "empty incident type")
		}
	}
	for i, g := range p.Grades {
		switch {
		case !g.Valid():
			add(fmt.Sprintf("grades[%d]", i), "grade %d out of range I..IV", uint8(g))
		case slices.Index(p.Grades, g) < i:
			add(fmt.Sprintf("grades[%d]", i), "duplicate grade %v", g)
		}
	}
	if len(p.Steps) == 0 {
		add("steps", "a plan needs at least one step")
	}
	for i, s := range p.Steps {
		sp := fmt.Sprintf("steps[%d]", i)
		switch {
		case s.Name == "":
			add(sp+".name", "empty step name")
		case slices.IndexFunc(p.Steps, func(x PlanStep) bool { return x.Name == s.Name }) < i:
			add(sp+".name", "duplicate step %q", s.Name)
		}
		if !slices.Contains(p.Roles, s.Role) {
			add(sp+".role", "role %q is not among the plan's roles", s.Role)
		}
		if s.Within < 0 {
			add(sp+".within", "must not be negative, got %v", s.Within)
		}
	}
	return errors.Join(errs...)
}

func (p Plan) clone() Plan {
	p.Types, p.Grades = slices.Clone(p.Types), slices.Clone(p.Grades)
	p.Roles, p.Steps = slices.Clone(p.Roles), slices.Clone(p.Steps)
	return p
}

// PlannedStep is a step of a selected plan with its deadline.
type PlannedStep struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// Due is the step's deadline (zero when the step has none).
	Due time.Time `json:"due,omitzero"`
}

// PlanSelection records the automatic selection of a response plan for an
// incident: which plan and version, why, when, and the steps with their
// deadlines.
type PlanSelection struct {
	PlanID  string `json:"plan_id"`
	Version int    `json:"version"`
	Title   string `json:"title,omitempty"`
	// Reason says which index entry matched, for example
	// "type security_event, grade I".
	Reason string `json:"reason"`
	// Trigger is what caused the selection: "reported" or "re-graded".
	Trigger string        `json:"trigger"`
	Grade   Grade         `json:"grade"`
	At      time.Time     `json:"at"`
	Steps   []PlannedStep `json:"steps"`
}

func clonePlans(ps []PlanSelection) []PlanSelection {
	out := slices.Clone(ps)
	for i := range out {
		out[i].Steps = slices.Clone(out[i].Steps)
	}
	return out
}

type planKey struct {
	typ   IncidentType // "" matches any type
	grade Grade        // 0 matches any grade
}

// PlanLibrary holds versioned response plans indexed by incident type and
// grade. Select picks, for a type and grade, the latest version of the most
// specific plan: one naming both the type and the grade, else one naming
// the type for any grade, else one naming the grade for any type, else a
// plan for any incident; ties go to the smallest plan id.
//
// A PlanLibrary is safe for concurrent use; versions are only ever added.
type PlanLibrary struct {
	mu       sync.RWMutex
	versions map[string][]Plan // by id, ascending version
	index    map[planKey][]string
}

// NewPlanLibrary returns a library holding plans (in any order of versions
// per id). Every problem is reported at once.
func NewPlanLibrary(plans ...Plan) (*PlanLibrary, error) {
	l := &PlanLibrary{versions: map[string][]Plan{}, index: map[planKey][]string{}}
	sorted := slices.Clone(plans)
	slices.SortStableFunc(sorted, func(a, b Plan) int { return cmp.Compare(a.Version, b.Version) })
	var errs []error
	for _, p := range sorted {
		if err := l.Add(p); err != nil {
			errs = append(errs, fmt.Errorf("plan %q v%d: %w", p.ID, p.Version, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return l, nil
}

// Add adds a plan version. Its version must be greater than every version
// of the same id in the library (ErrPlanVersion); from then on Select uses
// it instead of the earlier versions.
func (l *PlanLibrary) Add(p Plan) error {
	if err := p.Validate(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	vs := l.versions[p.ID]
	if n := len(vs); n > 0 && vs[n-1].Version >= p.Version {
		return fmt.Errorf("%w: %q v%d, library has v%d", ErrPlanVersion, p.ID, p.Version, vs[n-1].Version)
	}
	l.versions[p.ID] = append(vs, p.clone())
	for k, ids := range l.index {
		l.index[k] = slices.DeleteFunc(ids, func(id string) bool { return id == p.ID })
	}
	types, grades := p.Types, p.Grades
	if len(types) == 0 {
		types = []IncidentType{""}
	}
	if len(grades) == 0 {
		grades = []Grade{0}
	}
	for _, t := range types {
		for _, g := range grades {
			k := planKey{t, g}
			ids := append(l.index[k], p.ID)
			slices.Sort(ids)
			l.index[k] = slices.Compact(ids)
		}
	}
	return nil
}

// Plan returns a version of a plan; version 0 means the latest.
func (l *PlanLibrary) Plan(id string, version int) (Plan, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	vs := l.versions[id]
	if len(vs) == 0 {
		return Plan{}, false
	}
	if version == 0 {
		return vs[len(vs)-1].clone(), true
	}
	for _, p := range vs {
		if p.Version == version {
			return p.clone(), true
		}
	}
	return Plan{}, false
}

// Versions returns every version of a plan, oldest first.
func (l *PlanLibrary) Versions(id string) []Plan {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]Plan, 0, len(l.versions[id]))
	for _, p := range l.versions[id] {
		out = append(out, p.clone())
	}
	return out
}

// Select returns the plan for an incident of type t and grade g and the
// reason it was chosen (see PlanLibrary); ok is false when no plan covers
// the incident.
func (l *PlanLibrary) Select(t IncidentType, g Grade) (p Plan, reason string, ok bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	tries := []struct {
		k      planKey
		reason string
	}{
		{planKey{t, g}, fmt.Sprintf("type %s, grade %v", t, g)},
		{planKey{t, 0}, fmt.Sprintf("type %s, any grade", t)},
		{planKey{"", g}, fmt.Sprintf("any type, grade %v", g)},
		{planKey{"", 0}, "any type, any grade"},
	}
	for _, try := range tries {
		if ids := l.index[try.k]; len(ids) > 0 {
			vs := l.versions[ids[0]]
			return vs[len(vs)-1].clone(), try.reason, true
		}
	}
	return Plan{}, "", false
}

// selectPlan selects the plan for the incident's type and grade and
// records it, unless it is the plan already selected. Called under the
// engine's lock.
func (m *IncidentManager) selectPlan(it *incItem, t time.Time, trigger string) []IncidentEvent {
	if m.plans == nil {
		return nil
	}
	inc := it.Rec
	p, reason, ok := m.plans.Select(inc.rep.Type, inc.grade)
	if !ok {
		return nil
	}
	if n := len(inc.plans); n > 0 && inc.plans[n-1].PlanID == p.ID && inc.plans[n-1].Version == p.Version {
		return nil
	}
	sel := PlanSelection{PlanID: p.ID, Version: p.Version, Title: p.Title, Reason: reason, Trigger: trigger,
		Grade: inc.grade, At: t}
	for _, s := range p.Steps {
		ps := PlannedStep{Name: s.Name, Role: s.Role}
		if s.Within > 0 {
			ps.Due = m.bt.Add(t, s.Within.D()).In(m.loc)
		}
		sel.Steps = append(sel.Steps, ps)
	}
	inc.plans = append(inc.plans, sel)
	return []IncidentEvent{{ID: fmt.Sprintf("%s/plan_selected/%d", it.ID, len(inc.plans)), Kind: EventPlanSelected,
		Incident: it.ID, At: t, Grade: inc.grade,
		Detail: fmt.Sprintf("%s v%d (%s)", p.ID, p.Version, reason)}}
}
