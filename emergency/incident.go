package emergency

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// IncidentType classifies an incident. The six seed types are predefined;
// a host adds its own by listing them in IncidentConfig.Types.
type IncidentType string

// The seed incident types.
const (
	SystemFailure       IncidentType = "system_failure"
	ServiceInterruption IncidentType = "service_interruption"
	CustomerComplaint   IncidentType = "customer_complaint"
	SecurityEvent       IncidentType = "security_event"
	NaturalDisaster     IncidentType = "natural_disaster"
	PublicOpinionCrisis IncidentType = "public_opinion_crisis"
)

// DefaultIncidentTypes returns the six seed types.
func DefaultIncidentTypes() []IncidentType {
	return []IncidentType{SystemFailure, ServiceInterruption, CustomerComplaint, SecurityEvent, NaturalDisaster, PublicOpinionCrisis}
}

// Grade is the severity of an incident: GradeI (especially major) is the
// most severe, GradeIV (general) the least. The zero value is not a grade.
// The text and JSON form is the Roman numeral ("I" .. "IV").
type Grade uint8

// The incident grades.
const (
	GradeI   Grade = iota + 1 // especially major
	GradeII                   // major
	GradeIII                  // larger
	GradeIV                   // general
)

// AllGrades returns the grades from the most severe to the least.
func AllGrades() []Grade { return []Grade{GradeI, GradeII, GradeIII, GradeIV} }

var (
	gradeNumerals = [...]string{"", "I", "II", "III", "IV"}
	gradeNames    = [...]string{"", "especially major", "major", "larger", "general"}
)

// Valid reports whether g is one of GradeI .. GradeIV.
func (g Grade) Valid() bool { return g >= GradeI && g <= GradeIV }

// String returns the Roman numeral of the grade, or "Grade(n)".
func (g Grade) String() string {
	if g.Valid() {
		return gradeNumerals[g]
	}
	return fmt.Sprintf("Grade(%d)", uint8(g))
}

// Description returns the seed name of the grade ("especially major", ...).
func (g Grade) Description() string {
	if g.Valid() {
		return gradeNames[g]
	}
	return g.String()
}

// MarshalText implements encoding.TextMarshaler.
func (g Grade) MarshalText() ([]byte, error) {
	if !g.Valid() {
		return nil, fmt.Errorf("%w: %d (want I..IV)", ErrInvalidGrade, uint8(g))
	}
	return []byte(gradeNumerals[g]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler; see ParseGrade.
func (g *Grade) UnmarshalText(b []byte) error {
	v, err := ParseGrade(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// ParseGrade parses "I" .. "IV" or "1" .. "4" (case and surrounding spaces
// ignored). Anything else is an error wrapping ErrInvalidGrade.
func ParseGrade(s string) (Grade, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	for g := GradeI; g <= GradeIV; g++ {
		if t == gradeNumerals[g] || t == fmt.Sprint(uint8(g)) {
			return g, nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want I..IV)", ErrInvalidGrade, s)
}

// Tier is a level of the escalation ladder of an incident: front line,
// department, headquarters, executives. It is the handling tier of the
// incident's fsm machine (1 .. 4).
type Tier int

// The escalation tiers, from the front line to the top.
const (
	FrontLine    Tier = 1
	Department   Tier = 2
	Headquarters Tier = 3
	Executives   Tier = 4
)

var tierNames = [...]string{"", "front_line", "department", "headquarters", "executives"}

// String returns the snake_case name of the tier, or "Tier(n)".
func (t Tier) String() string {
	if t >= FrontLine && t <= Executives {
		return tierNames[t]
	}
	return fmt.Sprintf("Tier(%d)", int(t))
}

// Incident lifecycle states.
const (
	IncidentReported   fsm.State = "reported"
	IncidentAssessing  fsm.State = "assessing"
	IncidentResponding fsm.State = "responding"
	IncidentRecovering fsm.State = "recovering"
	IncidentResolved   fsm.State = "resolved"
	IncidentReviewed   fsm.State = "reviewed"
)

// Incident lifecycle events.
const (
	IncidentAssess  fsm.Event = "assess"  // reported -> assessing
	IncidentRespond fsm.Event = "respond" // assessing -> responding
	IncidentRecover fsm.Event = "recover" // responding -> recovering
	IncidentResolve fsm.Event = "resolve" // assessing, responding, recovering -> resolved
	IncidentReview  fsm.Event = "review"  // resolved -> reviewed (see IncidentManager.ReviewAt)
)

var incidentStates = []fsm.State{IncidentReported, IncidentAssessing, IncidentResponding, IncidentRecovering, IncidentResolved, IncidentReviewed}

// stateRank orders the lifecycle states; -1 for an unknown state.
func stateRank(s fsm.State) int { return slices.Index(incidentStates, s) }

// IncidentSpec returns the incident lifecycle as an fsm.Spec: reported ->
// assessing -> responding -> recovering -> resolved -> reviewed, with
// resolve also allowed from assessing (a false alarm) and responding, and
// four handling tiers for the escalation ladder (front line, department,
// headquarters, executives). reviewed is terminal.
func IncidentSpec() fsm.Spec {
	return fsm.Spec{
		Name:     "incident",
		Initial:  IncidentReported,
		States:   slices.Clone(incidentStates),
		Terminal: []fsm.State{IncidentReviewed},
		Transitions: []fsm.Transition{
			{Event: IncidentAssess, From: []fsm.State{IncidentReported}, To: IncidentAssessing},
			{Event: IncidentRespond, From: []fsm.State{IncidentAssessing}, To: IncidentResponding},
			{Event: IncidentRecover, From: []fsm.State{IncidentResponding}, To: IncidentRecovering},
			{Event: IncidentResolve, From: []fsm.State{IncidentAssessing, IncidentResponding, IncidentRecovering}, To: IncidentResolved},
			{Event: IncidentReview, From: []fsm.State{IncidentResolved}, To: IncidentReviewed},
		},
		MaxTier: int(Executives),
	}
}

var incidentDef = fsm.MustDefinition(IncidentSpec())

// IncidentDefinition returns the shared definition built from IncidentSpec.
func IncidentDefinition() *fsm.Definition { return incidentDef }

// Seed milestone names of the response timeline.
const (
	MilestoneResponseStarted      = "response_started"
	MilestoneInitialAssessment    = "initial_assessment"
	MilestoneResponsePlan         = "response_plan"
	MilestoneStakeholdersNotified = "stakeholders_notified"
	MilestonePublicResponse       = "public_response"
)

// MilestoneSpec is one milestone of a response timeline: what must have
// happened within how long of the report.
type MilestoneSpec struct {
	Name string `json:"name"`
	// Within is the deadline after the report, in business time of the
	// configuration's calendar.
	Within sla.Duration `json:"within"`
	// Types restricts the milestone to incidents of these types; empty
	// means every type.
	Types []IncidentType `json:"types,omitempty"`
	// MetOn, when set, meets the milestone automatically as the incident
	// reaches that lifecycle state (or a later one). Otherwise the host
	// meets it with IncidentManager.MeetAt.
	MetOn fsm.State `json:"met_on,omitempty"`
}

func (m MilestoneSpec) appliesTo(t IncidentType) bool {
	return len(m.Types) == 0 || slices.Contains(m.Types, t)
}

// GradeTimeline is the response timeline of one grade.
type GradeTimeline struct {
	Grade      Grade           `json:"grade"`
	Milestones []MilestoneSpec `json:"milestones"`
}

// IncidentConfig configures an IncidentManager: the incident types it
// accepts, the response timeline of every grade, the acknowledgement
// timeout of every escalation tier and the calendar of the deadlines.
type IncidentConfig struct {
	Types     []IncidentType  `json:"types"`
	Timelines []GradeTimeline `json:"timelines"`
	// AckTimeouts[i] is how long tier i+1 (front line first) has to
	// acknowledge before the incident escalates to the next tier; the last
	// entry, for executives, only raises an event. Four entries.
	AckTimeouts []sla.Duration `json:"ack_timeouts"`
	// Calendar names the business calendar of every deadline in the
	// registry given with WithCalendars; empty means 24x7. The instants of
	// the manager's incidents are in its location.
	Calendar string `json:"calendar,omitempty"`
}

// Documented defaults of the response timeline (the seed figures).
const (
	DefaultResponseStarted      = 15 * time.Minute
	DefaultInitialAssessment    = time.Hour
	DefaultResponsePlan         = 2 * time.Hour
	DefaultStakeholdersNotified = 4 * time.Hour
	// DefaultGoldenHours is the "golden 4 hours" within which a
	// public-opinion crisis must be answered publicly.
	DefaultGoldenHours = 4 * time.Hour
	// DefaultAckTimeout is how long each escalation tier has to acknowledge
	// an incident (the seeds remind an owner of an overdue task after
	// 15 minutes).
	DefaultAckTimeout = 15 * time.Minute
)

// DefaultTimeline returns the seed response timeline: response started
// within 15 minutes (met when assessment begins), initial assessment within
// 1 hour (met when the response begins), response plan within 2 hours,
// stakeholders notified within 4 hours, and for public-opinion crises a
// public response within the golden 4 hours.
func DefaultTimeline() []MilestoneSpec {
	return []MilestoneSpec{
		{Name: MilestoneResponseStarted, Within: sla.Duration(DefaultResponseStarted), MetOn: IncidentAssessing},
		{Name: MilestoneInitialAssessment, Within: sla.Duration(DefaultInitialAssessment), MetOn: IncidentResponding},
		{Name: MilestoneResponsePlan, Within: sla.Duration(DefaultResponsePlan)},
		{Name: MilestoneStakeholdersNotified, Within: sla.Duration(DefaultStakeholdersNotified)},
		{Name: MilestonePublicResponse, Within: sla.Duration(DefaultGoldenHours), Types: []IncidentType{PublicOpinionCrisis}},
	}
}

// DefaultIncidentConfig returns the seed configuration: the six seed types,
// DefaultTimeline for every grade (the seeds give one timeline; tighten or
// relax it per grade in your own configuration) and DefaultAckTimeout at
// every tier, on the 24x7 calendar.
func DefaultIncidentConfig() IncidentConfig {
	c := IncidentConfig{Types: DefaultIncidentTypes()}
	for _, g := range AllGrades() {
		c.Timelines = append(c.Timelines, GradeTimeline{Grade: g, Milestones: DefaultTimeline()})
	}
	ack := sla.Duration(DefaultAckTimeout)
	c.AckTimeouts = []sla.Duration{ack, ack, ack, ack}
	return c
}

// Validate reports every problem of the configuration at once, each as a
// *FieldError with the path of the field: empty or duplicate types, a
// missing, repeated or out-of-range grade, milestones with empty or
// duplicate names or names that cannot name a metric of the timeline (more
// than 64 bytes, '/', ':' or white space), non-positive deadlines, unknown types or states, and
// acknowledgement timeouts that are not four positive durations.
func (c IncidentConfig) Validate() error {
	var errs []error
	add := func(path, format string, args ...any) { errs = append(errs, fieldErr(path, format, args...)) }
	if len(c.Types) == 0 {
		add("types", "no incident types")
	}
	for i, t := range c.Types {
		switch {
		case t == "":
			add(fmt.Sprintf("types[%d]", i), "empty type")
		case slices.Index(c.Types, t) < i:
			add(fmt.Sprintf("types[%d]", i), "duplicate type %q", t)
		}
	}
	seen := map[Grade]bool{}
	for i, tl := range c.Timelines {
		p := fmt.Sprintf("timelines[%d]", i)
		switch {
		case !tl.Grade.Valid():
			add(p+".grade", "grade %d out of range I..IV", uint8(tl.Grade))
		case seen[tl.Grade]:
			add(p+".grade", "duplicate timeline for grade %v", tl.Grade)
		}
		seen[tl.Grade] = true
		names := map[string]bool{}
		for j, m := range tl.Milestones {
			mp := fmt.Sprintf("%s.milestones[%d]", p, j)
			switch {
			case m.Name == "":
				add(mp+".name", "empty name")
			case names[m.Name]:
				add(mp+".name", "duplicate milestone %q", m.Name)
			case !sla.Metric(m.Name).Valid() || strings.Contains(m.Name, ":"):
				add(mp+".name", "milestone name %q must be at most 64 bytes without '/', ':' or white space", m.Name)
			}
			names[m.Name] = true
			if m.Within <= 0 {
				add(mp+".within", "must be positive, got %v", m.Within)
			}
			for k, t := range m.Types {
				if !slices.Contains(c.Types, t) {
					add(fmt.Sprintf("%s.types[%d]", mp, k), "unknown incident type %q", t)
				}
			}
			if m.MetOn != "" && stateRank(m.MetOn) < 0 {
				add(mp+".met_on", "unknown lifecycle state %q", m.MetOn)
			}
		}
	}
	for _, g := range AllGrades() {
		if !seen[g] {
			add("timelines", "no timeline for grade %v", g)
		}
	}
	if len(c.AckTimeouts) != int(Executives) {
		add("ack_timeouts", "want %d timeouts (front line to executives), got %d", int(Executives), len(c.AckTimeouts))
	}
	for i, d := range c.AckTimeouts {
		if d <= 0 {
			add(fmt.Sprintf("ack_timeouts[%d]", i), "must be positive, got %v", d)
		}
	}
	return errors.Join(errs...)
}

// clone returns a deep copy of c.
func (c IncidentConfig) clone() IncidentConfig {
	c.Types, c.AckTimeouts = slices.Clone(c.Types), slices.Clone(c.AckTimeouts)
	c.Timelines = slices.Clone(c.Timelines)
	for i := range c.Timelines {
		ms := slices.Clone(c.Timelines[i].Milestones)
		for j := range ms {
			ms[j].Types = slices.Clone(ms[j].Types)
		}
		c.Timelines[i].Milestones = ms
	}
	return c
}

func (c IncidentConfig) timeline(g Grade) []MilestoneSpec {
	for _, tl := range c.Timelines {
		if tl.Grade == g {
			return tl.Milestones
		}
	}
	return nil
}
