package workforce

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// Roster says who works when: named shifts, each with its working hours as
// a calendar (weekly windows, holidays, breaks as gaps between windows),
// and how many agents work each shift. It is a plain JSON value.
type Roster struct {
	Shifts map[string]sla.CalendarSpec `json:"shifts,omitempty"`
	Lines  []RosterLine                `json:"lines"`
}

// RosterLine puts Agents agents on the shift named Shift; an empty Shift
// means agents on duty around the clock.
type RosterLine struct {
	Shift  string `json:"shift,omitempty"`
	Agents int    `json:"agents"`
}

// Validate reports every problem at once: shifts whose hours do not make
// a calendar (with the calendar's own field paths under shifts.NAME),
// lines naming an unknown shift, and negative headcounts.
func (r Roster) Validate() error {
	_, err := r.compile()
	return err
}

func (r Roster) compile() (map[string]*sla.Calendar, error) {
	var errs []error
	cals := make(map[string]*sla.Calendar, len(r.Shifts))
	names := make([]string, 0, len(r.Shifts))
	for name := range r.Shifts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "" {
			errs = append(errs, fieldErr("shifts", "a shift has an empty name"))
			continue
		}
		c, err := sla.NewCalendar(r.Shifts[name])
		if err != nil {
			errs = append(errs, prefixErrors("shifts."+name, err, calendarField)...)
			continue
		}
		cals[name] = c
	}
	for i, l := range r.Lines {
		p := fmt.Sprintf("lines[%d]", i)
		if _, ok := r.Shifts[l.Shift]; l.Shift != "" && !ok {
			errs = append(errs, fieldErr(p+".shift", "unknown shift %q", l.Shift))
		}
		if l.Agents < 0 || l.Agents > MaxAgents {
			errs = append(errs, fieldErr(p+".agents", "must be in [0, %d], got %d", MaxAgents, l.Agents))
		}
	}
	return cals, errors.Join(errs...)
}

// calendarField extracts the field path of an *sla.CalendarError.
func calendarField(err error) (string, bool) {
	var ce *sla.CalendarError
	if errors.As(err, &ce) {
		return ce.Field, true
	}
	return "", false
}

// IntervalCoverage compares the agents a roster puts on duty in one
// interval with the headcount the plan requires.
type IntervalCoverage struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Required int       `json:"required"`
	// Scheduled is the agents on duty, averaged over the interval: an agent
	// whose shift covers half of it counts one half.
	Scheduled float64 `json:"scheduled"`
	// Short is max(Required - Scheduled, 0).
	Short float64 `json:"short"`
}

// Gap is a run of consecutive intervals where the roster falls short.
type Gap struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// MaxShort is the largest shortfall (agents) in the run.
	MaxShort float64 `json:"max_short"`
	// AgentHours is the shortfall summed over the run, in agent-hours.
	AgentHours float64 `json:"agent_hours"`
}

// Coverage is the result of a roster check.
type Coverage struct {
	Intervals []IntervalCoverage `json:"intervals"`
	Gaps      []Gap              `json:"gaps,omitempty"`
	// ShortAgentHours and SurplusAgentHours sum the shortfall and the
	// excess over all intervals.
	ShortAgentHours   float64 `json:"short_agent_hours"`
	SurplusAgentHours float64 `json:"surplus_agent_hours"`
}

// Covered reports whether no interval falls short.
func (c Coverage) Covered() bool { return len(c.Gaps) == 0 }

// CheckRoster computes, for every interval of plan, the agents roster r
// puts on duty (each line's headcount times the share of the interval its
// shift calendar is open, by Calendar.Between, so breaks, holidays and DST
// days count exactly) against the plan's Required, and collects the gaps.
// Intervals that touch (one's End is the next one's Start) join into one
// gap.
func CheckRoster(plan Plan, r Roster) (Coverage, error) {
	cals, err := r.compile()
	if err != nil {
		return Coverage{}, err
	}
	cov := Coverage{Intervals: make([]IntervalCoverage, 0, len(plan.Intervals))}
	var gap *Gap
	for _, iv := range plan.Intervals {
		length := iv.End.Sub(iv.Start)
		if length <= 0 {
			continue
		}
		var on float64
		for _, l := range r.Lines {
			if l.Agents == 0 {
				continue
			}
			open := length
			if l.Shift != "" {
				open = cals[l.Shift].Between(iv.Start, iv.End)
			}
			on += float64(l.Agents) * float64(open) / float64(length)
		}
		c := IntervalCoverage{Start: iv.Start, End: iv.End, Required: iv.Required, Scheduled: on}
		hours := length.Hours()
		if d := float64(iv.Required) - on; d > 1e-9 {
			c.Short = d
			cov.ShortAgentHours += d * hours
			if gap == nil || !gap.End.Equal(iv.Start) {
				cov.Gaps = append(cov.Gaps, Gap{Start: iv.Start})
				gap = &cov.Gaps[len(cov.Gaps)-1]
			}
			gap.End = iv.End
			gap.MaxShort = max(gap.MaxShort, d)
			gap.AgentHours += d * hours
		} else {
			cov.SurplusAgentHours += max(-d, 0) * hours
			gap = nil
		}
		cov.Intervals = append(cov.Intervals, c)
	}
	return cov, nil
}
