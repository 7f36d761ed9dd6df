package main

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// The desk's response to warnings: the obligations each level owns, and an
// incident for every mass complaint, handled along its response timeline by
// people who take a realistic while to act.

// complaintSurgePlan is the desk's response plan for customer-complaint
// incidents.
func complaintSurgePlan() emergency.Plan {
	return emergency.Plan{
		ID: "complaint-surge", Version: 1, Title: "Mass complaint response",
		Types: []emergency.IncidentType{emergency.CustomerComplaint},
		Roles: []string{"incident-commander", "quality", "communications"},
		Steps: []emergency.PlanStep{
			{Name: "open the war room", Role: "incident-commander", Within: sla.Duration(15 * time.Minute)},
			{Name: "hold suspect stock", Role: "quality", Within: sla.Duration(time.Hour)},
			{Name: "notice to affected customers", Role: "communications", Within: sla.Duration(2 * time.Hour)},
		},
	}
}

// tierActor is who acknowledges an incident of team at each tier of the
// escalation ladder.
func tierActor(team string, t emergency.Tier) string {
	switch t {
	case emergency.FrontLine:
		return "lead-" + team
	case emergency.Department:
		return "service-director"
	case emergency.Headquarters:
		return "vp-service"
	}
	return "coo"
}

// openIncident tracks the one incident a team may have open, and how many
// calm days it has had.
type openIncident struct {
	id       string
	team     string
	category string
	calmDays int
}

func (s *sim) setupResponse() error {
	lib, err := emergency.NewPlanLibrary(complaintSurgePlan())
	if err != nil {
		return err
	}
	s.incidents, err = emergency.NewIncidentManager(emergency.DefaultIncidentConfig(),
		emergency.WithClock(s.clk), emergency.WithTracker(s.tracker), emergency.WithPlans(lib),
		emergency.WithIncidentHandler(func(e emergency.IncidentEvent) { s.out.IncidentEvents = append(s.out.IncidentEvents, e) }))
	if err != nil {
		return err
	}
	s.obligations, err = emergency.NewObligations(emergency.DefaultObligationConfig(), emergency.WithBoard(s.board),
		emergency.WithClock(s.clk), emergency.WithTracker(s.tracker), emergency.WithObligationHandler(s.onObligation))
	if err != nil {
		return err
	}
	s.open = map[string]*openIncident{}
	return nil
}

// after schedules do at at.
func (s *sim) after(at time.Time, do func(time.Time) error) {
	s.schedule(&event{at: at, kind: evDo, do: do})
}

// minutes draws a uniform duration between lo and hi minutes, to the second.
func (s *sim) minutes(lo, hi float64) time.Duration {
	return time.Duration((lo+s.rng.Float64()*(hi-lo))*60) * time.Second
}

// onObligation is the desk's side of the obligations: a team lead submits
// the rectification plan some working hours after a yellow warning (late
// when a weekend gets in the way), and the incident commander forms the
// task force within minutes of a red one.
func (s *sim) onObligation(e emergency.ObligationEvent) {
	s.out.ObligationEvents = append(s.out.ObligationEvents, e)
	if e.Kind != emergency.ObligationOpened {
		return
	}
	ob := e.Obligation
	switch ob.Rule {
	case emergency.ObligationRectificationPlan:
		work := time.Duration(6+s.rng.ExpFloat64()*10) * time.Hour
		s.after(s.cal.Add(e.At, work), func(at time.Time) error {
			_, err := s.obligations.FulfillAt(at, ob.ID, "lead-"+ob.Subject, "rectification plan submitted")
			return err
		})
	case emergency.ObligationSpecialTaskForce:
		s.after(e.At.Add(s.minutes(5, 20)), func(at time.Time) error {
			_, err := s.obligations.FulfillAt(at, ob.ID, "incident-commander", "special task force formed")
			return err
		})
	}
}

// declareIncident reports a customer-complaint incident for a team's mass
// complaint and schedules the desk's response along the timeline.
func (s *sim) declareIncident(team, category string, at time.Time, complaints int, usual float64) error {
	if s.open[team] != nil {
		return nil
	}
	grade := emergency.GradeIII
	if float64(complaints) >= 4*usual {
		grade = emergency.GradeII
	}
	in, err := s.incidents.ReportAt(at, emergency.Report{
		Type: emergency.CustomerComplaint, Grade: grade, Subject: team, ReportedBy: "mass-complaint rule",
		Title: fmt.Sprintf("%d complaints on %s by %s, usual %.1f a day", complaints, team, at.In(s.loc).Format("15:04"), usual),
	})
	if err != nil {
		return err
	}
	s.open[team] = &openIncident{id: in.ID, team: team, category: category}
	if err := s.openRectification(in.ID, team, category, in.Report.Title, at); err != nil {
		return err
	}
	id := in.ID
	ctx := context.Background()
	// whoever holds the incident acknowledges it, sometimes after the
	// 15-minute timeout has moved it up the ladder
	s.after(at.Add(s.minutes(4, 24)), func(t time.Time) error {
		in, ok := s.incidents.Get(id)
		if !ok || !in.AwaitingAck {
			return nil
		}
		_, err := s.incidents.AcknowledgeAt(t, id, tierActor(team, in.Tier))
		return err
	})
	fire := func(d time.Duration, ev fsm.Event, actor string) {
		s.after(at.Add(d), func(t time.Time) error {
			_, err := s.incidents.FireAt(ctx, t, id, ev, fsm.By{Actor: actor})
			return err
		})
	}
	meet := func(d time.Duration, milestone, actor string) {
		s.after(at.Add(d), func(t time.Time) error {
			_, err := s.incidents.MeetAt(t, id, milestone, actor)
			return err
		})
	}
	fire(s.minutes(8, 18), emergency.IncidentAssess, "incident-commander")
	fire(s.minutes(35, 65), emergency.IncidentRespond, "incident-commander")
	meet(s.minutes(80, 150), emergency.MilestoneResponsePlan, "incident-commander")
	meet(s.minutes(150, 270), emergency.MilestoneStakeholdersNotified, "communications")
	return nil
}

// incidentDay moves open incidents on at the end of each day: a day below
// the mass-complaint limit starts the recovery, two calm days resolve the
// incident, clear the mass-complaint warning and schedule the review.
func (s *sim) incidentDay(at time.Time) error {
	ctx := context.Background()
	for _, team := range teams {
		oi := s.open[team]
		if oi == nil {
			continue
		}
		hist := s.watch.complaints[team]
		today := hist[len(hist)-1]
		usual := usualComplaints(hist[:len(hist)-1])
		if float64(today) >= math.Max(15, 1.5*usual) && usual > 0 {
			oi.calmDays = 0
			continue
		}
		oi.calmDays++
		in, _ := s.incidents.Get(oi.id)
		switch {
		case oi.calmDays == 1 && in.State == emergency.IncidentResponding:
			if _, err := s.incidents.FireAt(ctx, at, oi.id, emergency.IncidentRecover, fsm.By{Actor: "incident-commander", Reason: "complaints back under the limit"}); err != nil {
				return err
			}
		case oi.calmDays >= 2 && (in.State == emergency.IncidentRecovering || in.State == emergency.IncidentResponding):
			if _, err := s.incidents.FireAt(ctx, at, oi.id, emergency.IncidentResolve, fsm.By{Actor: "incident-commander", Reason: "two calm days"}); err != nil {
				return err
			}
			if _, err := s.board.ClearAt(at, team, ruleMassComplaint, oi.id+" resolved"); err != nil {
				return err
			}
			delete(s.open, team)
			id := oi.id
			s.after(s.cal.Add(at, 4*time.Hour), func(t time.Time) error {
				st := stories[oi.category]
				_, err := s.incidents.ReviewAt(ctx, t, id, emergency.Review{
					Reviewer: "service-director", Summary: fmt.Sprintf("mass complaint (%s) on %s", oi.category, team),
					RootCause: st.rootCause,
					Lessons:   []string{"signal a mass complaint as soon as the day's count is out of line", st.lesson},
					ActionItems: []emergency.ActionItem{
						{Description: st.lesson, Owner: "quality-lead", Due: t.AddDate(0, 0, 14)},
						{Description: "prepared customer notice for " + oi.category, Owner: "communications", Due: t.AddDate(0, 0, 7)},
					},
				})
				return err
			})
		}
	}
	return nil
}

// causeStory is what the desk learns about a mass complaint of each cause:
// the root cause the review records, the rectification's two actions and
// what the customer is told when it is verified.
type causeStory struct {
	rootCause string
	actions   [2]string
	notice    string
	lesson    string
}

var stories = map[string]causeStory{
	feedback.CategoryProductQuality: {"a faulty batch reached customers before incoming inspection caught it",
		[2]string{"hold the suspect batch in every warehouse", "replace the faulty units for affected customers"},
		"the faulty batch was withdrawn and replaced", "add new batches to incoming inspection"},
	feedback.CategoryLogistics: {"a carrier hub fell behind and parcels piled up",
		[2]string{"re-route parcels around the hub", "confirm a delivery date with every waiting customer"},
		"the parcel was re-routed and the delivery date confirmed", "watch carrier hub backlogs daily"},
	feedback.CategoryServiceProcess: {"refunds and transfers took too long for the volume",
		[2]string{"pay the waiting refunds", "give front-line agents refund authority up to the limit"},
		"the refund was paid and the process shortened", "review refund lead times weekly"},
	feedback.CategoryUncategorised: {"no single cause found",
		[2]string{"call back every complaining customer", "extend the complaint classification rules"},
		"a person called back and followed the case", "classify every complaint within a day"},
}

// usualComplaints is a team's mean daily complaints over its last 7 days.
func usualComplaints(hist []int) float64 {
	recent := hist[max(0, len(hist)-7):]
	if len(recent) == 0 {
		return 0
	}
	sum := 0
	for _, c := range recent {
		sum += c
	}
	return float64(sum) / float64(len(recent))
}
