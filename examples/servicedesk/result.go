package main

import (
	"slices"
	"strings"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/incentive"
	"github.com/sqkit/sqkit/sla"
)

// Result is everything a run produced: the raw data behind the reports,
// plain values with JSON tags.
type Result struct {
	Config   Config    `json:"config"`
	Location string    `json:"location"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`

	Days       []DayStat          `json:"days"`
	Attainment []sla.Attainment   `json:"sla_attainment"`
	Warnings   []emergency.Change `json:"warnings"`
	Signals    []Signal           `json:"signals"`

	Obligations      []emergency.Obligation      `json:"obligations"`
	ObligationEvents []emergency.ObligationEvent `json:"obligation_events"`
	Incidents        []emergency.Incident        `json:"incidents"`
	IncidentEvents   []emergency.IncidentEvent   `json:"incident_events"`

	Staffing  StaffingSummary `json:"staffing"`
	Flow      Flow            `json:"flow"`
	Closed    int             `json:"closed"`
	OpenAtEnd int             `json:"open_at_end"`
	// Feedback is the run's figures: the aggregator's totals, the
	// complaint rate of the complaints at arrival, first responses in
	// target as service_level, return visits in 48 h as compliance, and
	// problems not back at the return visit as complaint_resolution.
	Feedback feedback.Report `json:"feedback"`
	// SurveyQuestions, TeamChannels and TeamChannelQuestions are the run's
	// figures per slice: per survey question, per team and channel, and
	// per team, channel and question.
	SurveyQuestions      []feedback.SliceReport   `json:"survey_questions"`
	TeamChannels         []feedback.SliceReport   `json:"team_channels"`
	TeamChannelQuestions []feedback.SliceReport   `json:"team_channel_questions"`
	Targets              []feedback.TargetGap     `json:"targets"`
	ComplaintRate        feedback.Figure          `json:"complaint_rate"`
	Categories           map[string]int64         `json:"complaint_categories"`
	Classified           int                      `json:"classified"`
	ClassifiedAsDrawn    int                      `json:"classified_as_drawn"`
	ReturnVisits         VisitSummary             `json:"return_visits"`
	Rectifications       []feedback.Rectification `json:"rectifications"`
	PDCA                 []feedback.Cycle         `json:"pdca"`
	Review               *feedback.Review         `json:"pdca_review,omitempty"`
	SampleComplaint      *fsm.Snapshot            `json:"sample_complaint,omitempty"`
	ProcessTimes         []fsm.TimeReport         `json:"process_times"`
	Approvals            ApprovalSummary          `json:"approvals"`
	Bot                  BotSummary               `json:"bot"`
	Inspections          InspectionSummary        `json:"inspections"`
	Assessment           AssessmentSummary        `json:"assessment"`
	Agents               []AgentSummary           `json:"agents"`
	Statements           []incentive.Statement    `json:"statements"`
	Ranking              []incentive.Ranked       `json:"ranking"`
	Payout               incentive.Money          `json:"payout"`
	RulesHash            string                   `json:"rules_hash"`
}

// DayStat is one simulated day.
type DayStat struct {
	Date            string    `json:"date"`
	Weekday         string    `json:"weekday"`
	Arrivals        int       `json:"arrivals"`
	Complaints      int       `json:"complaints"`
	SurgeComplaints int       `json:"surge_complaints"`
	Orders          int64     `json:"orders"`
	FRMet           int       `json:"fr_met"`
	FRBreached      int       `json:"fr_breached"`
	SLAWarnings     int       `json:"sla_warnings"`
	SLABreaches     int       `json:"sla_breaches"`
	SLAReminders    int       `json:"sla_reminders"`
	Backlog         int       `json:"backlog_at_midnight"`
	Teams           []TeamDay `json:"teams"`
}

// FRAttainment is the share of the day's first-response decisions that met
// their target, in percent, and false when there were none.
func (d DayStat) FRAttainment() (float64, bool) {
	n := d.FRMet + d.FRBreached
	if n == 0 {
		return 0, false
	}
	return 100 * float64(d.FRMet) / float64(n), true
}

// TeamDay is one team's day: its complaints, first responses and warning
// level (at midnight and the highest during the day).
type TeamDay struct {
	Team       string          `json:"team"`
	Complaints int             `json:"complaints"`
	FRMet      int             `json:"fr_met"`
	FRBreached int             `json:"fr_breached"`
	Level      emergency.Level `json:"level"`
	MaxLevel   emergency.Level `json:"max_level"`
}

// Flow counts how the cases went through their lifecycles.
type Flow struct {
	WaitedOnCustomer int `json:"waited_on_customer"` // tickets paused while the customer answered
	EscalatedTickets int `json:"escalated_tickets"`  // tickets escalated to a senior agent
	Reopened         int `json:"reopened"`           // tickets reopened by the customer
	Approvals        int `json:"approvals"`          // complaints whose refund needed an approval (tier 2)
	ManagerApprovals int `json:"manager_approvals"`  // of those, beyond a supervisor's limit: the manager approved
	TaskForce        int `json:"task_force"`         // complaints sent to the special task force (tier 3)
	Reworked         int `json:"reworked"`           // complaints handled again after the customer's feedback
	Transfers        int `json:"transfers"`          // hand-overs to another agent
	BackToOwner      int `json:"back_to_owner"`      // cases that came back and went to the agent who had them
}

// Signal is an event the desk signalled to the warning board (a mass
// complaint), with the team's level right after it: a signal on a team
// that is already red changes no level, so it is listed on its own.
type Signal struct {
	At     time.Time       `json:"at"`
	Team   string          `json:"team"`
	Event  string          `json:"event"`
	Detail string          `json:"detail"`
	Level  emergency.Level `json:"level_after"`
}

// VisitSummary counts the month's return visits.
type VisitSummary struct {
	Scheduled  int              `json:"scheduled"`
	Human      int              `json:"human"`
	Made       int              `json:"made"`
	Late       int              `json:"late"`
	Overdue    int              `json:"overdue_at_end"`
	Satisfied  int              `json:"satisfied"`
	Recurred   int              `json:"recurred"`
	Attainment []sla.Attainment `json:"attainment"`
}

func summariseVisits(vs []feedback.ReturnVisit, end time.Time) VisitSummary {
	var sum VisitSummary
	for _, v := range vs {
		sum.Scheduled++
		if v.Mode == feedback.VisitHuman {
			sum.Human++
		}
		if v.OverdueAt(end) {
			sum.Overdue++
		}
		if o := v.Outcome; o != nil {
			sum.Made++
			if o.Late {
				sum.Late++
			}
			if o.Recurred {
				sum.Recurred++
			}
		}
		if v.Satisfied(feedback.DefaultSatisfiedScore) {
			sum.Satisfied++
		}
	}
	return sum
}

// AgentSummary is one agent's month.
type AgentSummary struct {
	Name   string         `json:"name"`
	Team   string         `json:"team"`
	Senior bool           `json:"senior,omitempty"`
	Shift  string         `json:"shift"`
	Skills map[string]int `json:"skills"`
	Stats  agentStats     `json:"stats"`
	Points int64          `json:"points"`
}

// finish collects the month's figures after the last day.
func (s *sim) finish() (*Result, error) {
	r := s.out
	r.Location, r.Start, r.End = s.loc.String(), s.start, s.end
	r.Attainment = s.tracker.AttainmentAt(s.end, "")
	if err := s.inspect(s.mid, s.end); err != nil { // the month-end review's spot check
		return nil, err
	}
	if err := s.monthEnd(); err != nil { // statements and assessments, before the board's obligations are listed
		return nil, err
	}
	r.ComplaintRate = s.complaints.Total().ComplaintRate
	r.Categories = map[string]int64{}
	for _, w := range s.tally.All() {
		for c, n := range w.Counts {
			r.Categories[c] += n
		}
	}
	r.PDCA = s.pdca.List()
	r.Rectifications = s.rects.List()
	r.ReturnVisits = summariseVisits(s.visits.List(), s.end)
	r.ReturnVisits.Attainment = s.visits.AttainmentAt(s.end)
	if err := s.monthFigures(r); err != nil {
		return nil, err
	}
	r.Obligations = s.obligations.List("")
	r.Incidents = s.incidents.List()
	if len(r.PDCA) > 0 {
		month, err := feedback.WindowOf(feedback.Month, s.start, s.loc)
		if err != nil {
			return nil, err
		}
		rev, err := feedback.NewReview(month, r.PDCA, s.daily.Reports())
		if err != nil {
			return nil, err
		}
		r.Review = &rev
	}
	cases := s.cases()
	for _, t := range cases {
		if !t.m.IsTerminal() && t.m.State() != fsm.TicketClosed {
			r.OpenAtEnd++
		}
	}
	complaints := func(yield func(*fsm.Machine) bool) {
		for _, t := range cases {
			if t.complaint && !yield(t.m) {
				return
			}
		}
	}
	audit, err := s.approvals.audit(s.start, s.end, complaints)
	if err != nil {
		return nil, err
	}
	r.Approvals = ApprovalSummary{Matrix: s.approvals.auth.Matrix(), Audit: audit}
	r.Bot = s.botSummary(cases)
	if r.ProcessTimes, err = s.analyseTimes(cases); err != nil {
		return nil, err
	}
	r.SampleComplaint = samplePath(cases)
	inZone(r, s.loc)
	return r, nil
}

// samplePath picks the complaint whose path the report shows: one that
// went through escalation and rework, approved by the manager if one was.
func samplePath(cases []*ticket) *fsm.Snapshot {
	var pick *ticket
	for _, t := range cases {
		if !t.complaint || !t.m.IsTerminal() || len(t.m.Escalations()) == 0 || !t.reworked {
			continue
		}
		if pick == nil {
			pick = t
		}
		if ap, ok := t.m.Approval(); ok && ap.Role == fsm.RoleManager {
			pick = t
			break
		}
	}
	if pick == nil {
		return nil
	}
	snap := pick.m.Snapshot()
	return &snap
}

// cases returns every case of the run in the order of its id.
func (s *sim) cases() []*ticket {
	out := make([]*ticket, 0, len(s.tickets))
	for _, t := range s.tickets {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *ticket) int { return strings.Compare(a.id, b.id) })
	return out
}
