package emergency

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// DrillAction is what a step of a drill does.
type DrillAction string

// Drill actions; each calls the IncidentManager method of the same name.
const (
	DrillFire        DrillAction = "fire"        // fire Event (assess, respond, recover, resolve)
	DrillMeet        DrillAction = "meet"        // meet Milestone
	DrillAcknowledge DrillAction = "acknowledge" // acknowledge at the current tier
	DrillEscalate    DrillAction = "escalate"    // escalate one tier
	DrillRegrade     DrillAction = "regrade"     // re-grade to Grade
)

// DrillStep is one scripted action of a drill, After the report.
type DrillStep struct {
	After     sla.Duration `json:"after"`
	Action    DrillAction  `json:"action"`
	Event     fsm.Event    `json:"event,omitempty"`
	Milestone string       `json:"milestone,omitempty"`
	Grade     Grade        `json:"grade,omitempty"`
	Actor     string       `json:"actor"`
	Reason    string       `json:"reason,omitempty"`
}

// Drill is a scripted incident scenario: a report and the actions the
// responders take, each at an offset from the report.
type Drill struct {
	Name   string      `json:"name"`
	Report Report      `json:"report"`
	Steps  []DrillStep `json:"steps"`
	// Duration is how long the drill runs after the report. Zero runs it
	// until the later of the last step and the incident's last milestone
	// deadline (on the configuration's calendar, after any re-grade), so
	// every milestone is decided.
	Duration sla.Duration `json:"duration,omitempty"`
}

// Validate reports every problem of the drill at once, each as a
// *FieldError with the path of the field.
func (d Drill) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	if d.Name == "" {
		add("name", "empty drill name")
	}
	if d.Duration < 0 {
		add("duration", "must not be negative, got %v", d.Duration)
	}
	for i, s := range d.Steps {
		p := fmt.Sprintf("steps[%d]", i)
		if s.After < 0 {
			add(p+".after", "must not be negative, got %v", s.After)
		}
		if d.Duration > 0 && s.After > d.Duration {
			add(p+".after", "%v is after the end of the drill (%v)", s.After, d.Duration)
		}
		if s.Actor == "" {
			add(p+".actor", "empty actor")
		}
		switch s.Action {
		case DrillFire:
			if s.Event == "" {
				add(p+".event", "a fire step needs an event")
			}
		case DrillMeet:
			if s.Milestone == "" {
				add(p+".milestone", "a meet step needs a milestone")
			}
		case DrillRegrade:
			if !s.Grade.Valid() {
				add(p+".grade", "grade %d out of range I..IV", uint8(s.Grade))
			}
		case DrillAcknowledge, DrillEscalate:
		default:
			add(p+".action", "unknown action %q", s.Action)
		}
	}
	return errors.Join(errs...)
}

// MilestoneScore is the outcome of one milestone in a drill.
type MilestoneScore struct {
	Name string    `json:"name"`
	Due  time.Time `json:"due"`
	// MetAt is when the milestone was met (zero if it was not).
	MetAt time.Time `json:"met_at,omitzero"`
	// Met is set for a milestone met by its deadline.
	Met bool `json:"met"`
	// Late is how long after the deadline it was met, or for a milestone
	// never met how long the drill ran past its deadline.
	Late sla.Duration `json:"late,omitempty"`
	// Pending is set for a milestone still open when a drill shorter than
	// its deadline ended: neither met nor missed.
	Pending bool `json:"pending,omitempty"`
}

// Scorecard is the result of a drill: every milestone met or missed with
// its times, the escalations and how the incident ended.
type Scorecard struct {
	Drill       string           `json:"drill"`
	Incident    string           `json:"incident"`
	Start       time.Time        `json:"start"`
	End         time.Time        `json:"end"`
	Grade       Grade            `json:"grade"`
	State       fsm.State        `json:"state"`
	Tier        Tier             `json:"tier"`
	Milestones  []MilestoneScore `json:"milestones"`
	Met         int              `json:"met"`
	Missed      int              `json:"missed"`
	Escalations []fsm.Escalation `json:"escalations,omitempty"`
	// Events are the incident events of the drill, in order.
	Events []IncidentEvent `json:"events"`
}

// String renders the scorecard as a small table with times relative to the
// start of the drill.
func (s Scorecard) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "drill %q: incident %s grade %v, %s at %s, %d met, %d missed\n",
		s.Drill, s.Incident, s.Grade, s.State, s.Tier, s.Met, s.Missed)
	for _, m := range s.Milestones {
		due := m.Due.Sub(s.Start)
		switch {
		case m.Met:
			fmt.Fprintf(&b, "  met     %-22s due +%-8v met +%v\n", m.Name, due, m.MetAt.Sub(s.Start))
		case m.Pending:
			fmt.Fprintf(&b, "  pending %-22s due +%v\n", m.Name, due)
		case !m.MetAt.IsZero():
			fmt.Fprintf(&b, "  missed  %-22s due +%-8v met +%v (late %v)\n", m.Name, due, m.MetAt.Sub(s.Start), m.Late)
		default:
			fmt.Fprintf(&b, "  missed  %-22s due +%-8v never met\n", m.Name, due)
		}
	}
	for _, e := range s.Escalations {
		fmt.Fprintf(&b, "  escalated %v -> %v at +%v by %s\n", Tier(e.From), Tier(e.To), e.At.Sub(s.Start), e.Actor)
	}
	return b.String()
}

// RunDrill runs a drill on a private timeline of its own starting at
// start: it builds an IncidentManager with cfg, reports the incident at
// start, and advances the timeline to each step's instant before
// performing the step through the explicit-time methods a real response
// uses (ReportAt, FireAt, MeetAt, ...), so every deadline fires at its own
// instant and no clock is read. It returns the scorecard, or the first step
// that failed. No real time passes.
//
// It takes the options NewIncidentManager takes (WithPlans, WithCalendars,
// WithIncidentHandler) but always runs on its own timeline: WithTracker,
// WithNamespace and WithClock are ignored. Handlers should use the event's
// At, not a clock.
func RunDrill(cfg IncidentConfig, d Drill, start time.Time, opts ...Option) (Scorecard, error) {
	if err := d.Validate(); err != nil {
		return Scorecard{}, err
	}
	if err := checkTime(start); err != nil {
		return Scorecard{}, err
	}
	var events []IncidentEvent
	opts = append(slices.Clone(opts), WithIncidentHandler(func(e IncidentEvent) { events = append(events, e) }),
		func(o *options) { o.tracker, o.namespace = nil, "" })
	m, err := NewIncidentManager(cfg, opts...)
	if err != nil {
		return Scorecard{}, err
	}
	in, err := m.ReportAt(start, d.Report)
	if err != nil {
		return Scorecard{}, fmt.Errorf("drill %q: report: %w", d.Name, err)
	}
	order := make([]int, len(d.Steps)) // step indices in time order
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(d.Steps[a].After, d.Steps[b].After) })
	end := d.Duration
	for _, s := range d.Steps {
		end = max(end, s.After)
	}
	for _, i := range order {
		s := d.Steps[i]
		at := start.Add(s.After.D())
		m.AdvanceTo(at)
		if err := m.perform(at, in.ID, s); err != nil {
			return Scorecard{}, fmt.Errorf("drill %q: step %d (%s at +%v): %w", d.Name, i, s.Action, s.After, err)
		}
	}
	if d.Duration == 0 {
		// The incident's own deadlines: business time and re-grades may
		// put them far from the report's Within.
		in, _ = m.Get(in.ID)
		for _, ms := range in.Milestones {
			end = max(end, sla.Duration(ms.Due.Sub(start)))
		}
	}
	m.AdvanceTo(start.Add(end.D()))
	in, _ = m.Get(in.ID)
	return score(d, in, start.In(m.loc), start.Add(end.D()).In(m.loc), events), nil
}

// perform performs a drill step at t.
func (m *IncidentManager) perform(t time.Time, id string, s DrillStep) error {
	var err error
	switch s.Action {
	case DrillFire:
		_, err = m.FireAt(context.Background(), t, id, s.Event, fsm.By{Actor: s.Actor, Reason: s.Reason})
	case DrillMeet:
		_, err = m.MeetAt(t, id, s.Milestone, s.Actor)
	case DrillAcknowledge:
		_, err = m.AcknowledgeAt(t, id, s.Actor)
	case DrillEscalate:
		_, err = m.EscalateAt(t, id, s.Actor, s.Reason)
	case DrillRegrade:
		_, err = m.RegradeAt(t, id, s.Grade, s.Actor, s.Reason)
	}
	return err
}

// score makes the scorecard of a drill that ran from start to end.
func score(d Drill, in Incident, start, end time.Time, events []IncidentEvent) Scorecard {
	sc := Scorecard{
		Drill: d.Name, Incident: in.ID, Start: start, End: end,
		Grade: in.Grade, State: in.State, Tier: in.Tier, Escalations: in.Escalations, Events: events,
	}
	for _, ms := range in.Milestones {
		s := MilestoneScore{Name: ms.Name, Due: ms.Due, MetAt: ms.MetAt}
		switch {
		case ms.State == MilestoneMet && !ms.Late:
			s.Met = true
			sc.Met++
		case ms.State == MilestoneMet:
			s.Late = sla.Duration(ms.MetAt.Sub(ms.Due))
			sc.Missed++
		case ms.State == MilestoneMissed:
			s.Late = sla.Duration(sc.End.Sub(ms.Due))
			sc.Missed++
		default:
			s.Pending = true
		}
		sc.Milestones = append(sc.Milestones, s)
	}
	return sc
}
