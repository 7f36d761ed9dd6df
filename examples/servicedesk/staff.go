package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/workforce"
)

// The desk's staffing: each midnight a forecast of the day's arrivals per
// team and hour (from the same weekdays of the month so far, or from the
// desk's arrival pattern before there are any), an Erlang C plan for the
// desk's service level, and a check of the agents' shifts against it. Work
// that arrives while the desk is closed waits for the next opening, so the
// plan counts it there. Through the day the warning board compares the
// agents on duty with the agents needed (a ShortageRule).

// Measures of the staffing rule.
const (
	measureOnDuty = "agents_on_duty"
	measureNeeded = "agents_needed"
	ruleShortage  = "staffing-short"
)

// staffTarget is the desk's staffing goal: 80 % of first responses within
// 20 minutes. The simulated agents take no breaks but the desk's lunch
// closure, so there is no shrinkage to add.
var staffTarget = workforce.Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Minute)}

// planAHT is the handle time the plan assumes until the month has closed
// enough cases to measure its own.
const planAHT = 14 * time.Minute

// staffing is the desk's planning state.
type staffing struct {
	fc      *workforce.Forecaster
	history map[string][]workforce.DayCounts // per team, the arrivals of every finished day
	today   map[string][]float64             // per team, the arrivals of the day so far per interval
	carry   map[string]float64               // per team, forecast demand after the last opening of the day
	plans   map[string]workforce.Plan        // per team, today's plan
}

func (s *sim) setupStaffing() error {
	fc, err := workforce.NewForecaster(s.cal, workforce.ForecastConfig{Interval: sla.Duration(time.Hour), Days: 4})
	if err != nil {
		return err
	}
	s.staff = &staffing{fc: fc, history: map[string][]workforce.DayCounts{}, today: map[string][]float64{},
		carry: map[string]float64{}, plans: map[string]workforce.Plan{}}
	for _, tm := range teams {
		s.staff.today[tm] = make([]float64, fc.Slots())
	}
	s.out.Staffing.Target, s.out.Staffing.Interval = staffTarget, sla.Duration(time.Hour)
	return nil
}

// countDemand counts an arrival for the forecasts.
func (s *sim) countDemand(t *ticket, at time.Time) {
	lt := at.In(s.loc)
	s.staff.today[t.team][(lt.Hour()*60+lt.Minute())/60]++
}

// closeDemandDay keeps day d's arrivals as history.
func (s *sim) closeDemandDay(d int) {
	date := s.dayStart(d).Format(time.DateOnly)
	for _, tm := range teams {
		s.staff.history[tm] = append(s.staff.history[tm], workforce.DayCounts{Date: date, Counts: s.staff.today[tm]})
		s.staff.today[tm] = make([]float64, s.staff.fc.Slots())
	}
}

// teamShare is the share of the desk's arrivals that each team answers.
func teamShare(team string) float64 {
	var share float64
	for i, ch := range channels {
		if channelTeam[ch] == team {
			share += channelWeight[i]
		}
	}
	return share
}

// patternForecast is a team's expected arrivals per hour of a day from the
// desk's arrival pattern alone.
func (s *sim) patternForecast(team string, day time.Time) workforce.DayForecast {
	var wsum, hsum float64
	for _, w := range weekdayWeight {
		wsum += w
	}
	for _, h := range hourWeight {
		hsum += h
	}
	perDay := float64(s.cfg.PerDay) * weekdayWeight[day.Weekday()] * 7 / wsum * teamShare(team)
	fc := workforce.DayForecast{Date: day.Format(time.DateOnly), Type: workforce.DayTypeOf(day.Weekday()), Trend: 1}
	for _, h := range hourWeight {
		fc.Counts = append(fc.Counts, perDay*h/hsum)
	}
	return fc
}

// forecast is a team's forecast of day d: from the month's history when
// it has a day of the same type, else from the pattern.
func (s *sim) forecast(team string, d int) (workforce.DayForecast, bool, error) {
	day := s.dayStart(d)
	fc, err := s.staff.fc.Forecast(s.staff.history[team], day.Format(time.DateOnly))
	if errors.Is(err, workforce.ErrInsufficientHistory) {
		return s.patternForecast(team, day), false, nil
	}
	return fc, true, err
}

// openDemand turns a day's forecast into the demand of the hours the desk
// is open: what arrives while it is closed (carry, from the evening
// before, included) is answered at the next opening.
func (s *sim) openDemand(fc workforce.DayForecast, carry float64) ([]workforce.Interval, float64, error) {
	ivs, err := s.staff.fc.Intervals(fc)
	if err != nil {
		return nil, 0, err
	}
	var open []workforce.Interval
	for _, iv := range ivs {
		if s.cal.Between(iv.Start, iv.End) == 0 {
			carry += iv.Contacts
			continue
		}
		iv.Contacts += carry
		carry = 0
		open = append(open, iv)
	}
	return open, carry, nil
}

// handleTime is the mean handling time of the cases closed so far, or
// planAHT before there are enough of them.
func (s *sim) handleTime() time.Duration {
	if aht := s.daily.Total().AHT; aht.N >= 100 {
		return time.Duration(aht.Value * float64(time.Second)).Round(time.Second)
	}
	return planAHT
}

// rosterOf is the roster of a team's agents.
func rosterOf(team []*agent) workforce.Roster {
	r := workforce.Roster{Shifts: deskShifts()}
	for _, a := range team {
		i := 0
		for i < len(r.Lines) && r.Lines[i].Shift != a.shift {
			i++
		}
		if i == len(r.Lines) {
			r.Lines = append(r.Lines, workforce.RosterLine{Shift: a.shift})
		}
		r.Lines[i].Agents++
	}
	return r
}

// planDay forecasts and staffs day d for every team, checks the roster
// against the plan and schedules the board's staffing observations.
func (s *sim) planDay(d int) error {
	aht := s.handleTime()
	var day []StaffInterval
	for ti, tm := range teams {
		fc, fromHistory, err := s.forecast(tm, d)
		if err != nil {
			return err
		}
		demand, carry, err := s.openDemand(fc, s.staff.carry[tm])
		if err != nil {
			return err
		}
		s.staff.carry[tm] = carry
		plan, err := workforce.NewPlan(demand, aht, staffTarget)
		if err != nil {
			return err
		}
		s.staff.plans[tm] = plan
		cov, err := workforce.CheckRoster(plan, rosterOf(s.teamAgents(tm)))
		if err != nil {
			return err
		}
		if ti == 0 {
			if fromHistory {
				s.out.Staffing.ForecastDays++
			} else {
				s.out.Staffing.PatternDays++
			}
			day = make([]StaffInterval, len(plan.Intervals))
		}
		for i, iv := range plan.Intervals {
			c := cov.Intervals[i]
			day[i].Start, day[i].End = iv.Start, iv.End
			day[i].Forecast += iv.Load.Contacts
			day[i].Agents += iv.Agents
			day[i].Required += iv.Required
			day[i].Scheduled += c.Scheduled
			day[i].Teams = append(day[i].Teams, TeamStaff{Team: tm, Forecast: iv.Load.Contacts, Agents: iv.Agents,
				Required: iv.Required, Scheduled: c.Scheduled})
		}
		s.out.Staffing.ShortAgentHours += cov.ShortAgentHours
		s.out.Staffing.SurplusAgentHours += cov.SurplusAgentHours
	}
	s.out.Staffing.HandleTime = sla.Duration(aht)
	s.out.Staffing.Intervals = append(s.out.Staffing.Intervals, day...)
	// the board sees the staffing at every interval's start and when the
	// desk closes
	for i, iv := range day {
		s.after(iv.Start, s.observeStaffing)
		if i+1 == len(day) || !day[i+1].Start.Equal(iv.End) {
			s.after(iv.End, s.observeStaffing)
		}
	}
	return nil
}

// teamAgents returns the agents of team.
func (s *sim) teamAgents(team string) []*agent {
	var out []*agent
	for _, a := range s.agents {
		if a.team == team {
			out = append(out, a)
		}
	}
	return out
}

// observeStaffing reports to the board, for every team, the agents on
// duty (present and on shift, from the dispatcher) and the agents the
// day's plan needs now.
func (s *sim) observeStaffing(at time.Time) error {
	onDuty := map[string]int{}
	for _, st := range s.desk.AgentsAt(at) {
		if st.Presence == workforce.Available && st.OnShift {
			onDuty[st.Team]++
		}
	}
	var obs []emergency.Observation
	for _, tm := range teams {
		needed, _ := s.staff.plans[tm].RequiredAt(at)
		obs = append(obs,
			emergency.Observation{Subject: tm, Measure: measureOnDuty, Value: float64(onDuty[tm])},
			emergency.Observation{Subject: tm, Measure: measureNeeded, Value: float64(needed)})
	}
	_, err := s.board.ObserveBatchAt(at, obs)
	return err
}

// assignShifts puts a team's agents on shifts, one after the other, each
// on the shift that leaves the fewest open hours without anybody, then the
// least shortfall, against a plan of the desk's arrival pattern for the
// first week; an agent alone in its team works the whole day.
func (s *sim) assignShifts(team []*agent) error {
	if len(team) == 1 {
		team[0].shift = shiftDay
		return nil
	}
	var demand []workforce.Interval
	carry := 0.0
	for d := range 7 {
		ivs, c, err := s.openDemand(s.patternForecast(team[0].team, s.dayStart(d)), carry)
		if err != nil {
			return err
		}
		demand, carry = append(demand, ivs...), c
	}
	plan, err := workforce.NewPlan(demand, planAHT, staffTarget)
	if err != nil {
		return err
	}
	for k, a := range team {
		best, bestEmpty, bestShort := "", 0, 0.0
		for _, shift := range []string{shiftEarly, shiftLate} {
			a.shift = shift
			cov, err := workforce.CheckRoster(plan, rosterOf(team[:k+1]))
			if err != nil {
				return err
			}
			empty := 0 // open hours nobody would answer
			for _, c := range cov.Intervals {
				if c.Scheduled == 0 {
					empty++
				}
			}
			if best == "" || empty < bestEmpty || empty == bestEmpty && cov.ShortAgentHours < bestShort {
				best, bestEmpty, bestShort = shift, empty, cov.ShortAgentHours
			}
		}
		a.shift = best
	}
	return nil
}

// StaffingSummary is the month's staffing: the plan's goal and handle
// time, every planned interval and the roster's shortfall and surplus.
type StaffingSummary struct {
	Target     workforce.Target `json:"target"`
	Interval   sla.Duration     `json:"interval"`
	HandleTime sla.Duration     `json:"handle_time"` // the last day's
	// ForecastDays were forecast from the month's history, PatternDays
	// from the desk's arrival pattern (no same weekday before them).
	ForecastDays      int             `json:"forecast_days"`
	PatternDays       int             `json:"pattern_days"`
	ShortAgentHours   float64         `json:"short_agent_hours"`
	SurplusAgentHours float64         `json:"surplus_agent_hours"`
	Intervals         []StaffInterval `json:"intervals"`
}

// StaffInterval is one planned interval of the desk: the forecast
// contacts, the agents Erlang C puts on them, the headcount required and
// the agents the roster schedules, for the desk and per team.
type StaffInterval struct {
	Start     time.Time   `json:"start"`
	End       time.Time   `json:"end"`
	Forecast  float64     `json:"forecast"`
	Agents    int         `json:"agents"`
	Required  int         `json:"required"`
	Scheduled float64     `json:"scheduled"`
	Teams     []TeamStaff `json:"teams"`
}

// TeamStaff is one team's part of a StaffInterval.
type TeamStaff struct {
	Team      string  `json:"team"`
	Forecast  float64 `json:"forecast"`
	Agents    int     `json:"agents"`
	Required  int     `json:"required"`
	Scheduled float64 `json:"scheduled"`
}

// writeStaffing writes the report's staffing section: the plan's goal,
// the roster, and where it fell short.
func writeStaffing(p *printer, r *Result, ts func(time.Time) string) {
	st := r.Staffing
	p.section("Staffing")
	p.f("plan: %.0f%% of first responses within %s by Erlang C, handle time %s (measured on the month's closed cases), %s intervals; forecast from the month's history on %d days, from the arrival pattern on %d\n",
		100*st.Target.ServiceLevel, minutes(st.Target.AnswerWithin.D()), minutes(st.HandleTime.D()), minutes(st.Interval.D()), st.ForecastDays, st.PatternDays)
	for _, tm := range teams {
		shifts := map[string]int{}
		for _, a := range r.Agents {
			if a.Team == tm {
				shifts[a.Shift]++
			}
		}
		var parts []string
		for _, sh := range []string{shiftEarly, shiftLate, shiftDay} {
			if n := shifts[sh]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, sh))
			}
		}
		p.f("roster %-10s %s\n", tm, strings.Join(parts, ", "))
	}
	p.f("shifts: early weekdays 08:00-12:00 and 13:00-18:00, late 10:00-12:00 and 13:00-20:00, weekends the desk's hours\n")
	var short int
	var peak StaffInterval
	for _, iv := range st.Intervals {
		if float64(iv.Required) > iv.Scheduled {
			short++
		}
		if iv.Required > peak.Required {
			peak = iv
		}
	}
	p.f("%d of %d open hours short of the plan: %.0f agent-hours short, %.0f surplus\n", short, len(st.Intervals), st.ShortAgentHours, st.SurplusAgentHours)
	if peak.Required > 0 {
		p.f("peak need: %d agents at %s for %.0f forecast cases (%.0f scheduled)\n", peak.Required, ts(peak.Start), peak.Forecast, peak.Scheduled)
	}
}
