package main

// This file is the portal's one adapter to package emergency: the warning
// board, its obligations and the incidents, rebuilt from their snapshots
// for each use so that every replica shares them through the database.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/samber/lo"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// Board measures, rules and events.
const (
	measureOverdue     = "overdue_share" // percent of a team's open tickets that breached an SLA
	ruleOverdue        = "overdue-share"
	eventMassComplaint = "mass-complaint"
)

// boardConfig is the desk's warning rules, one subject per team: the share
// of open tickets past an SLA target (yellow at 10 %, orange at 25 %, red at
// 50 %, lowering after 30 minutes below the exit values), and a mass
// complaint a supervisor signals (red at once, for 48 hours).
func boardConfig() emergency.Config {
	return emergency.Config{
		Thresholds: []emergency.ThresholdRule{{
			Name: ruleOverdue, Measure: measureOverdue, Direction: emergency.HigherIsWorse,
			Steps: []emergency.Step{
				{Level: emergency.Yellow, Enter: 10, Exit: 7},
				{Level: emergency.Orange, Enter: 25, Exit: 20},
				{Level: emergency.Red, Enter: 50, Exit: 40},
			},
			Dwell: sla.Duration(30 * time.Minute),
		}},
		Events:       []emergency.EventRule{{Name: eventMassComplaint, Event: eventMassComplaint, Level: emergency.Red, Dwell: sla.Duration(48 * time.Hour)}},
		HistoryLimit: 50,
	}
}

// engineState is the stored state of the three engines: their one timeline
// and each engine's own snapshot.
type engineState struct {
	Timeline    sla.TrackerSnapshot          `json:"timeline"`
	Board       emergency.BoardSnapshot      `json:"board"`
	Obligations emergency.ObligationSnapshot `json:"obligations"`
	Incidents   emergency.IncidentSnapshot   `json:"incidents"`
}

// engines are the board, its obligations and the incident manager, all on
// one timeline.
type engines struct {
	tr    *sla.Tracker
	board *emergency.Board
	obl   *emergency.Obligations
	inc   *emergency.IncidentManager
}

// newEngines builds the engines on clk, restored from st when it is not nil:
// the timeline first, then each engine on it.
func newEngines(clk clock.Clock, st *engineState) (*engines, error) {
	e := &engines{}
	var err error
	if st == nil {
		e.tr = sla.NewTracker(sla.WithClock(clk))
	} else if e.tr, err = sla.RestoreTracker(st.Timeline, sla.WithClock(clk)); err != nil {
		return nil, fmt.Errorf("portal: stored board: %w", err)
	}
	opts := []emergency.Option{emergency.WithClock(clk), emergency.WithTracker(e.tr),
		emergency.WithObserver(func(c emergency.Change) {
			if e.obl != nil {
				e.obl.HandleChange(c)
			}
		})}
	if st == nil {
		e.board, err = emergency.NewBoard(boardConfig(), opts...)
	} else {
		e.board, err = emergency.RestoreBoard(st.Board, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("portal: stored board: %w", err)
	}
	oblOpts := append(opts, emergency.WithBoard(e.board))
	if st == nil {
		e.obl, err = emergency.NewObligations(emergency.DefaultObligationConfig(), oblOpts...)
	} else {
		e.obl, err = emergency.RestoreObligations(st.Obligations, oblOpts...)
	}
	if err != nil {
		return nil, fmt.Errorf("portal: stored obligations: %w", err)
	}
	if st == nil {
		e.inc, err = emergency.NewIncidentManager(emergency.DefaultIncidentConfig(), opts...)
	} else {
		e.inc, err = emergency.RestoreIncidentManager(st.Incidents, opts...)
	}
	if err != nil {
		return nil, fmt.Errorf("portal: stored incidents: %w", err)
	}
	return e, nil
}

// state snapshots the engines and their timeline.
func (e *engines) state() engineState {
	return engineState{Timeline: e.tr.Snapshot(), Board: e.board.Snapshot(), Obligations: e.obl.Snapshot(), Incidents: e.inc.Snapshot()}
}

// advance fires every deadline of the engines due by now, in order, on
// their one timeline (the board's holds and dwells among them).
func (e *engines) advance(now time.Time) {
	e.tr.AdvanceTo(now)
}

// observe records each team's share of breached open tickets.
func (e *engines) observe(now time.Time, shares map[string]float64) error {
	var errs []error
	for team, pct := range shares {
		if _, err := e.board.ObserveAt(now, team, measureOverdue, pct); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// signal raises a team to red for a mass complaint.
func (e *engines) signal(now time.Time, team, detail string) error {
	_, err := e.board.SignalAt(now, team, eventMassComplaint, detail)
	return mapEmergency(err)
}

// fulfil records an obligation as fulfilled.
func (e *engines) fulfil(now time.Time, id, actor, note string) error {
	_, err := e.obl.FulfillAt(now, id, actor, note)
	return mapEmergency(err)
}

// report opens an incident and returns its id.
func (e *engines) report(now time.Time, typ, grade, title, team, actor string) (string, error) {
	g, err := emergency.ParseGrade(grade)
	if err != nil {
		return "", fmt.Errorf("%w: grade: %v", errBadInput, err)
	}
	in, err := e.inc.ReportAt(now, emergency.Report{Type: emergency.IncidentType(typ), Grade: g, Title: title, Subject: team, ReportedBy: actor})
	return in.ID, mapEmergency(err)
}

// incidentAct applies a supervisor's step to an incident: acknowledge,
// fire a lifecycle event, meet a milestone or escalate a tier.
func (e *engines) incidentAct(ctx context.Context, now time.Time, id, op, arg, actor, reason string) error {
	var err error
	switch op {
	case "ack":
		_, err = e.inc.AcknowledgeAt(now, id, actor)
	case "fire":
		_, err = e.inc.FireAt(ctx, now, id, fsm.Event(arg), fsm.By{Actor: actor, Reason: reason})
	case "meet":
		_, err = e.inc.MeetAt(now, id, arg, actor)
	case "escalate":
		_, err = e.inc.EscalateAt(now, id, actor, reason)
	default:
		return fmt.Errorf("%w: unknown operation", errBadInput)
	}
	return mapEmergency(err)
}

// mapEmergency turns the engines' errors into the portal's.
func mapEmergency(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, emergency.ErrUnknownIncident), errors.Is(err, emergency.ErrUnknownObligation):
		return fmt.Errorf("%w: %v", errNotFound, err)
	case errors.Is(err, emergency.ErrInvalidInput), errors.Is(err, emergency.ErrUnknownIncidentType),
		errors.Is(err, emergency.ErrInvalidGrade), errors.Is(err, emergency.ErrUnknownMilestone), errors.Is(err, fsm.ErrUnknownEvent):
		return fmt.Errorf("%w: %v", errBadInput, err)
	case errors.Is(err, emergency.ErrIncidentState), errors.Is(err, emergency.ErrMilestoneClosed), errors.Is(err, emergency.ErrObligationClosed),
		errors.Is(err, fsm.ErrNotAllowed), errors.Is(err, fsm.ErrGuardRefused), errors.Is(err, fsm.ErrTerminal):
		return fmt.Errorf("%w: %v", errRefused, err)
	}
	return err
}

// teamView is one team on the board page.
type teamView struct {
	Team        string
	Level       string
	Rules       []emergency.RuleStatus
	History     []emergency.Change
	Floors      []emergency.Floor
	Obligations []emergency.Obligation
}

// incidentView is one incident on the board page.
type incidentView struct {
	emergency.Incident
	Next []string // lifecycle events allowed now
}

// boardView reads the engines for the board page.
func (e *engines) boardView(teamNames []string) ([]teamView, []incidentView) {
	var tv []teamView
	for _, t := range teamNames {
		v := teamView{Team: t, Level: e.board.Level(t).String(), History: e.board.History(t), Floors: e.board.Floors(t), Obligations: e.obl.List(t)}
		if st, ok := e.board.Status(t); ok {
			v.Rules = st.Rules
		}
		for i, j := 0, len(v.History)-1; i < j; i, j = i+1, j-1 {
			v.History[i], v.History[j] = v.History[j], v.History[i]
		}
		tv = append(tv, v)
	}
	var iv []incidentView
	for _, in := range e.inc.List() {
		v := incidentView{Incident: in}
		switch in.State {
		case emergency.IncidentReported:
			v.Next = []string{string(emergency.IncidentAssess), string(emergency.IncidentResolve)}
		case emergency.IncidentAssessing:
			v.Next = []string{string(emergency.IncidentRespond), string(emergency.IncidentResolve)}
		case emergency.IncidentResponding:
			v.Next = []string{string(emergency.IncidentRecover), string(emergency.IncidentResolve)}
		case emergency.IncidentRecovering:
			v.Next = []string{string(emergency.IncidentResolve)}
		}
		iv = append(iv, v)
	}
	return tv, iv
}

// incidentTypes lists the incident types a supervisor may report.
func incidentTypes() []string {
	return lo.Map(emergency.DefaultIncidentTypes(), func(t emergency.IncidentType, _ int) string { return string(t) })
}

// incidentGrades lists the grades, most severe first ("I" to "IV").
func incidentGrades() []string {
	return lo.Map(emergency.AllGrades(), func(g emergency.Grade, _ int) string { return g.String() })
}
