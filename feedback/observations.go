package feedback

import (
	"errors"
	"time"
)

// Invitation is one survey sent to a customer and whether it was answered:
// the response rate is answered invitations over invitations. Count an
// invitation once its outcome is known (answered, or expired); the answers
// themselves are Responses. Dimensions say whose work the survey asks about
// (no question, no sheet).
type Invitation struct {
	ID       string    `json:"id,omitempty"`
	At       time.Time `json:"at"`
	Answered bool      `json:"answered,omitempty"`
	Dimensions
}

// BotSession is one conversation a bot (virtual agent) took, and whether it
// was handed off to a human. Bot containment is sessions without a
// hand-off over sessions, the human-intervention rate its complement. A
// handed-off session's human part is an ordinary Record. Dimensions say
// where the session ran (no question, no sheet).
type BotSession struct {
	ID        string    `json:"id,omitempty"`
	At        time.Time `json:"at"`
	HandedOff bool      `json:"handed_off,omitempty"`
	Dimensions
}

// noQuestionNoSheet is what observations other than responses and
// inspections refuse.
var noQuestionNoSheet = SliceBy(DimQuestion, DimSheet)

func checkInvitation(v *Invitation, index int) error {
	return errors.Join(checkObservation(v.At, v.Dimensions, noQuestionNoSheet, index, v.ID, "an invitation")...)
}

func checkBotSession(v *BotSession, index int) error {
	return errors.Join(checkObservation(v.At, v.Dimensions, noQuestionNoSheet, index, v.ID, "a bot session")...)
}

// checkObservation checks what every observation has: an instant that is
// not zero, and none of the dimensions of refused, which what (a record,
// an inspection) cannot carry.
func checkObservation(at time.Time, d Dimensions, refused Slicing, index int, id, what string) []error {
	var errs []error
	if at.IsZero() {
		errs = append(errs, recordErr(index, id, "at", "zero time"))
	}
	return append(errs, d.refuse(index, id, refused, what)...)
}

// AddInvitation counts one survey invitation. A zero time, a question or a
// sheet is rejected with a *RecordError naming it by ID.
func (a *Aggregator) AddInvitation(v Invitation) error {
	return add1(a, &v, checkInvitation, a.addInvitation)
}

// AddInvitations counts a batch of invitations, all or nothing, like
// AddResponses.
func (a *Aggregator) AddInvitations(vs []Invitation) error {
	return addBatch(a, vs, checkInvitation, a.addInvitation)
}

func (a *Aggregator) addInvitation(v *Invitation) {
	a.count(v.At, &v.Dimensions, func(c *Counters) { FlagOf(v.Answered).count(&c.Invitations, &c.InvitationsAnswered) })
}

// AddBotSession counts one bot session. A zero time, a question or a sheet
// is rejected with a *RecordError naming it by ID.
func (a *Aggregator) AddBotSession(v BotSession) error {
	return add1(a, &v, checkBotSession, a.addBotSession)
}

// AddBotSessions counts a batch of bot sessions, all or nothing, like
// AddResponses.
func (a *Aggregator) AddBotSessions(vs []BotSession) error {
	return addBatch(a, vs, checkBotSession, a.addBotSession)
}

func (a *Aggregator) addBotSession(v *BotSession) {
	a.count(v.At, &v.Dimensions, func(c *Counters) { FlagOf(v.HandedOff).count(&c.BotSessions, &c.HandedOff) })
}

// FigureOf returns the figure of a proportion metric from plain counts:
// hits out of n, for example HandedOff bot sessions out of all of them for
// MetricHumanIntervention, or resolved complaints out of complaints for
// MetricComplaintResolution, with the interval, scale and minimum sample
// size an Aggregator with configuration cfg would report. Counts from
// elsewhere (a bot platform's daily totals) thus get the same figures as
// counted records. A metric that is not a proportion (nps, the means), a
// negative count, hits above n (but for complaint_rate and
// inspection_coverage, whose hits may exceed n) or an invalid cfg is an
// error.
func FigureOf(m Metric, hits, n int64, cfg Config) (Figure, error) {
	var errs []error
	if err := cfg.Validate(); err != nil {
		errs = append(errs, prefix("cfg", err))
	}
	scale, unit, ok := proportionScale(m)
	if !ok {
		errs = append(errs, fieldErr("metric", "%q is not a proportion metric", m))
	}
	switch {
	case hits < 0 || n < 0:
		errs = append(errs, fieldErr("hits", "negative count: %d of %d", hits, n))
	case hits > n && m != MetricComplaintRate && m != MetricInspectionCoverage:
		errs = append(errs, fieldErr("hits", "%d exceeds n %d", hits, n))
	}
	if err := errors.Join(errs...); err != nil {
		return Figure{}, err
	}
	return proportionFigure(m, unit, hits, n, scale, cfg.settings()), nil
}

// proportionScale returns the scale and unit of a proportion metric, and
// false for the others.
func proportionScale(m Metric) (float64, Unit, bool) {
	switch m {
	case MetricNPS, MetricCES, MetricAHT, MetricASA, MetricCycleTime, MetricInspectionScore:
		return 0, "", false
	case MetricComplaintRate:
		return 1000, UnitPer1000, true
	}
	return 100, UnitPercent, m.Known()
}
