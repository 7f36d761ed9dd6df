package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/fsm"
)

// The closed loop: every closed complaint gets a return visit within 48
// hours (a person calls back the high-risk ones), and the incident's
// rectification item is verified by the return visit of a complaint of its
// category closed after the fix, and closes only once the customer is
// informed.

// loopState links the rectification items waiting for verification to
// the visits that will verify them.
type loopState struct {
	waiting []string          // items done and waiting for a verifying visit, oldest first
	visit   map[string]string // item -> the visit that will verify it
}

func (s *sim) setupLoop() error {
	var err error
	if s.visits, err = feedback.NewReturnVisits(feedback.ReturnVisitConfig{}, feedback.WithClock(s.clk), feedback.WithTracker(s.tracker)); err != nil {
		return err
	}
	s.rects, err = feedback.NewRectifications(feedback.RectificationConfig{}, feedback.WithClock(s.clk), feedback.WithTracker(s.tracker))
	s.loop.visit = map[string]string{}
	return err
}

// scheduleVisit schedules the return visit of a closed complaint and the
// desk's making of it.
func (s *sim) scheduleVisit(t *ticket, at time.Time) error {
	rc := feedback.ResolvedComplaint{
		ID: "V-" + t.id, ComplaintID: t.id, Customer: fmt.Sprintf("cust-%05d", t.n), Category: t.category,
	}
	ap, approved := t.m.Approval()
	switch {
	case approved:
		rc.HighRisk, rc.RiskReason = true, fmt.Sprintf("refund of %d approved by %s", t.amount, ap.Approver)
	case t.reworked:
		rc.HighRisk, rc.RiskReason = true, "not satisfied with the first handling"
	}
	if rc.HighRisk {
		rc.Assignee = "lead-" + t.team
	}
	for _, item := range s.loop.waiting {
		if s.loop.visit[item] == "" && t.category == s.rectCategory(item) {
			rc.Rectification, s.loop.visit[item] = item, rc.ID
			break
		}
	}
	v, err := s.visits.ScheduleAt(at, rc)
	if err != nil {
		return err
	}
	// automated follow-ups go out within hours, sometimes days; a team
	// lead calls back the high-risk customers in working hours
	when := at.Add(expMinutes(s.rng, 60, 900, 4000))
	by := "survey-robot"
	if v.Mode == feedback.VisitHuman {
		when, by = s.cal.Add(at, s.minutes(60, 900)), v.Assignee
	}
	id := v.ID
	s.after(when, func(at time.Time) error { return s.makeVisit(id, t, by, at) })
	return nil
}

// makeVisit records what the return visit found and, for a visit that
// verifies a rectification item, moves the item on.
func (s *sim) makeVisit(id string, t *ticket, by string, at time.Time) error {
	v, err := s.visits.Get(id)
	if err != nil {
		return err
	}
	recurs := 0.04
	if t.truth == feedback.CategoryProductQuality && s.surge > 0 {
		recurs = 0.35 // the faulty batch is still out there
	}
	o := feedback.VisitOutcome{Mode: v.Mode, By: by, Satisfaction: 4 + s.rng.IntN(2)}
	if o.Recurred = s.rng.Float64() < recurs; o.Recurred {
		o.Satisfaction = 1 + s.rng.IntN(3)
	} else if s.rng.Float64() < 0.15 {
		o.Satisfaction = 3
	}
	if v, err = s.visits.RecordAt(at, id, o); err != nil {
		return err
	}
	if r, ok := v.Response(); ok {
		// the visit asks how the problem was solved
		r.Dimensions = t.dims()
		r.Question, r.Category = feedback.QuestionProblemResolution, t.category
		if err := s.daily.AddResponse(r); err != nil {
			return err
		}
	}
	if v.Rectification == "" {
		return nil
	}
	ver, _ := v.Verification(feedback.DefaultSatisfiedScore)
	ver.By = "quality-lead"
	item, err := s.rects.VerifyAt(at, v.Rectification, ver)
	if err != nil {
		return err
	}
	s.loop.waiting = slices.DeleteFunc(s.loop.waiting, func(w string) bool { return w == item.ID })
	delete(s.loop.visit, item.ID)
	if item.State != feedback.RectVerified {
		// the problem came back: one more action, then wait for another visit
		n := len(item.Actions) + 1
		if _, err := s.rects.AddActionAt(at, item.ID, feedback.CorrectiveAction{
			ID: fmt.Sprintf("a%d", n), Description: "re-check the fix after a failed return visit (" + id + ")",
		}); err != nil {
			return err
		}
		s.after(s.cal.Add(at, 4*time.Hour), func(at time.Time) error {
			if _, err := s.rects.CompleteActionAt(at, item.ID, fmt.Sprintf("a%d", n), fsm.By{Actor: "quality-lead"}); err != nil {
				return err
			}
			return s.rectDone(item.ID, at)
		})
		return nil
	}
	if _, err := s.rects.InformCustomerAt(at, item.ID, feedback.Notice{By: "customer-care", Channel: "phone",
		Note: stories[item.Category].notice}); err != nil {
		return err
	}
	_, err = s.rects.CloseAt(at, item.ID, fsm.By{Actor: "quality-lead", Reason: "verified by " + id})
	return err
}

func (s *sim) rectCategory(id string) string {
	r, err := s.rects.Get(id)
	if err != nil {
		return ""
	}
	return r.Category
}

// rectDone completes the item's work; it then waits for a verifying visit.
func (s *sim) rectDone(id string, at time.Time) error {
	if _, err := s.rects.CompleteAt(at, id, fsm.By{Actor: "quality-lead", Reason: "all actions done"}); err != nil {
		return err
	}
	s.loop.waiting = append(s.loop.waiting, id)
	return nil
}

// openRectification raises the incident's rectification item and plans
// the quality team's work on it in working hours.
func (s *sim) openRectification(incident, team, category, title string, at time.Time) error {
	id := "R-" + incident
	if _, err := s.rects.OpenAt(at, feedback.RectificationInput{
		ID: id, Source: feedback.Source{Kind: "incident", ID: incident}, Category: category,
		Owner: "quality-lead", Problem: title + " (" + team + ")", By: "incident-commander",
		Actions: []feedback.CorrectiveAction{
			{ID: "a1", Description: stories[category].actions[0]},
			{ID: "a2", Description: stories[category].actions[1]},
		},
	}); err != nil {
		return err
	}
	start := s.cal.Add(at, s.minutes(30, 90))
	s.after(start, func(at time.Time) error {
		_, err := s.rects.StartAt(at, id, fsm.By{Actor: "quality-lead"})
		return err
	})
	a1 := s.cal.Add(start, s.minutes(120, 300))
	s.after(a1, func(at time.Time) error {
		_, err := s.rects.CompleteActionAt(at, id, "a1", fsm.By{Actor: "quality-lead"})
		return err
	})
	s.after(s.cal.Add(a1, s.minutes(600, 1500)), func(at time.Time) error {
		if _, err := s.rects.CompleteActionAt(at, id, "a2", fsm.By{Actor: "quality-lead"}); err != nil {
			return err
		}
		return s.rectDone(id, at)
	})
	return nil
}
