package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sqkit/sqkit/emergency"
	"github.com/sqkit/sqkit/incentive"
)

// The desk's assessments: the agents are ranked twice a month, at the
// mid-month review on the first half's scorecard and at month end on the
// month's statements, and an incentive.Assessor applies the seeds' rules to
// those consecutive periods: in the bottom 10 % two periods running gives
// a yellow card, graded (a second card in force is grade 2, ...), its
// penalty deducted from the month's statement as a compensating
// adjustment with its reason, open to appeal for 7 days. The board follows:
// an agent with an outcome in force is kept at least at the outcome's
// warning level (a floor), which an appeal that overturns it lifts.

// assessmentWarnings links incentive's assessment outcomes to the warning
// board: each outcome in force keeps its agent's subject at least at the
// outcome's level (a floor named after the outcome); overturning it on
// appeal lifts that floor. incentive stays free of emergency.
type assessmentWarnings struct {
	board  *emergency.Board
	levels map[string]emergency.Level // level at grade 1; each grade above adds one, up to red
}

func newAssessmentWarnings(board *emergency.Board) assessmentWarnings {
	return assessmentWarnings{board: board, levels: map[string]emergency.Level{
		incentive.OutcomeYellowCard: emergency.Yellow,
		incentive.OutcomeReview:     emergency.Orange,
	}}
}

// subject is an agent's subject on the board.
func (w assessmentWarnings) subject(person string) string { return "agent:" + person }

// source names an outcome's floor.
func (w assessmentWarnings) source(o incentive.Outcome) string { return "assessment:" + o.ID }

// level is the warning level of an outcome: its label's, one more per
// grade above the first, at most red.
func (w assessmentWarnings) level(o incentive.Outcome) emergency.Level {
	l, ok := w.levels[o.Outcome]
	if !ok || o.Grade < 1 {
		return emergency.None
	}
	return min(l+emergency.Level(min(o.Grade-1, int(emergency.Red))), emergency.Red)
}

// given raises the agents of new outcomes (Assessor.AssessAt's result).
func (w assessmentWarnings) given(outs []incentive.Outcome) ([]emergency.Change, error) {
	var changes []emergency.Change
	for _, o := range outs {
		lvl := w.level(o)
		if lvl == emergency.None {
			continue
		}
		ch, err := w.board.SetFloorAt(o.At, w.subject(o.Person), w.source(o), lvl,
			fmt.Sprintf("%s grade %d: %s", o.Outcome, o.Grade, o.Reason))
		if err != nil {
			return changes, err
		}
		changes = append(changes, ch...)
	}
	return changes, nil
}

// decided lifts the warning of an outcome overturned on appeal
// (Assessor.DecideAt's result); an upheld one keeps it.
func (w assessmentWarnings) decided(o incentive.Outcome) ([]emergency.Change, error) {
	if o.Status != incentive.OutcomeOverturned || o.Appeal == nil || o.Appeal.DecidedAt == nil {
		return nil, nil
	}
	return w.board.LiftFloorAt(*o.Appeal.DecidedAt, w.subject(o.Person), w.source(o), "overturned on appeal: "+o.Appeal.Decision)
}

// deskAssessment is the desk's assessment configuration: the seeds' rules
// (a review below a score of 0.6 six periods running), the yellow card
// deducting CNY 100, 300 and 500 at grades 1, 2 and 3 and above.
func deskAssessment() incentive.AssessmentConfig {
	rules := incentive.SeedAssessmentRules(dec("0.6"))
	rules[0].Penalties = []incentive.Money{incentive.MustMoney("CNY 100.00"), incentive.MustMoney("CNY 300.00"), incentive.MustMoney("CNY 500.00")}
	return incentive.AssessmentConfig{Rules: rules, AppealWindow: incentive.DefaultAppealWindow, Approver: "assessment board"}
}

// AssessedPeriod is one assessment: the period, when it was assessed, the
// work it ranked and the agents in the bottom share.
type AssessedPeriod struct {
	Period string             `json:"period"`
	At     time.Time          `json:"at"`
	From   time.Time          `json:"from"`
	To     time.Time          `json:"to"`
	Bottom []incentive.Ranked `json:"bottom"`
}

// AssessmentSummary is the month's assessments: the rules, the periods,
// the outcomes, the adjustments on the statements and the payout net of
// them.
type AssessmentSummary struct {
	Config      incentive.AssessmentConfig `json:"config"`
	Periods     []AssessedPeriod           `json:"periods"`
	Outcomes    []incentive.Outcome        `json:"outcomes"`
	Adjustments []incentive.Adjustment     `json:"adjustments"`
	NetPayout   incentive.Money            `json:"net_payout"`
}

// assess assesses a period's ranking and raises the warning level of the
// agents it gives an outcome.
func (s *sim) assess(at, from time.Time, period string, ranked []incentive.Ranked) error {
	outs, err := s.assessor.AssessAt(at, period, ranked)
	if err != nil {
		return err
	}
	if _, err := s.warnings.given(outs); err != nil {
		return err
	}
	p := AssessedPeriod{Period: period, At: at, From: from, To: at}
	for _, rk := range ranked {
		if rk.Bottom {
			p.Bottom = append(p.Bottom, rk)
		}
	}
	s.out.Assessment.Periods = append(s.out.Assessment.Periods, p)
	return nil
}

// midMonthReview ranks the agents on the first half's scorecard (the
// counts so far and the first half's inspections) and assesses it.
func (s *sim) midMonthReview(at time.Time) error {
	half := periodOf(s.daily, time.Time{}, at)
	period := s.start.Format("2006-01") + " mid-month"
	var entries []incentive.Entry
	for _, a := range s.agents {
		st, err := s.statementOf(a, half, period) // a score, not a payment: not issued
		if err != nil {
			return err
		}
		entries = append(entries, incentive.Entry{ID: a.name, Score: st.Score})
	}
	ranked, err := incentive.Rank(entries, incentive.SeedBottomShare())
	if err != nil {
		return err
	}
	return s.assess(at, s.start, period, ranked)
}

// assessmentLines are the report's lines on the assessments, the same in
// text and HTML.
func assessmentLines(r *Result) []string {
	as := r.Assessment
	var rules []string
	for _, rule := range as.Config.Rules {
		txt := fmt.Sprintf("%s (%s: %s", rule.Name, rule.Outcome, rule.Reason)
		if len(rule.Penalties) > 0 {
			var ps []string
			for _, p := range rule.Penalties {
				ps = append(ps, p.String())
			}
			txt += ", penalty by grade " + strings.Join(ps, " / ")
		}
		rules = append(rules, txt+")")
	}
	out := []string{fmt.Sprintf("rules: %s; appeals within %s", strings.Join(rules, "; "), days(as.Config.AppealWindow.D()))}
	for _, p := range as.Periods {
		var bottom []string
		for _, rk := range p.Bottom {
			bottom = append(bottom, fmt.Sprintf("%s (score %s)", rk.ID, rk.Score))
		}
		out = append(out, fmt.Sprintf("period %s: the work of %s to %s, ranked %s: bottom %s", p.Period,
			p.From.Format("Mon 01-02"), p.To.AddDate(0, 0, -1).Format("Mon 01-02"), p.At.Format("Mon 01-02 15:04"), joinOr(bottom, "nobody")))
	}
	if len(as.Outcomes) == 0 {
		out = append(out, "no outcome this month")
	}
	for _, o := range as.Outcomes {
		pen := "no penalty"
		if o.Penalty != nil {
			pen = fmt.Sprintf("penalty %s on the %s statement (%s)", o.Penalty, o.Period, o.Adjustment)
		}
		out = append(out, fmt.Sprintf("%s grade %d to %s over %s: %s; %s, %s; appeal by %s; board %s: %s",
			o.Outcome, o.Grade, o.Person, strings.Join(o.Periods, ", "), o.Reason, pen, o.Status,
			o.AppealBy.Format("Mon 01-02 15:04"), "agent:"+o.Person, agentLevel(r, "agent:"+o.Person)))
	}
	for _, a := range as.Adjustments {
		out = append(out, fmt.Sprintf("adjustment %s of %s %s: %s %s, approved by %s", a.ID, a.Person, a.Period, a.Amount, a.Reason, a.Approver))
	}
	out = append(out, fmt.Sprintf("payout %s, net of adjustments %s", r.Payout, as.NetPayout))
	return out
}

// agentLevel is the level a subject ended the month on.
func agentLevel(r *Result, subject string) emergency.Level {
	lvl := emergency.None
	for _, c := range r.Warnings {
		if c.Subject == subject {
			lvl = c.To
		}
	}
	return lvl
}

// setupAssessment compiles the pay plan and readies the statements' book,
// the assessor on it, its link to the board, and the mid-month review.
func (s *sim) setupAssessment() error {
	var err error
	if s.plan, err = incentive.Compile(payPlan()); err != nil {
		return err
	}
	s.book = incentive.NewBook(incentive.WithClock(s.clk))
	if s.assessor, err = incentive.NewAssessor(deskAssessment(), incentive.WithBook(s.book), incentive.WithClock(s.clk)); err != nil {
		return err
	}
	s.warnings = newAssessmentWarnings(s.board)
	s.out.Assessment.Config = s.assessor.Config()
	if s.mid.After(s.start) {
		s.after(s.mid, s.midMonthReview)
	}
	return nil
}

// days formats a whole number of days ("7 days"), or the duration.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
