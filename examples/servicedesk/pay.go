package main

import (
	"cmp"
	"slices"
	"time"

	"github.com/sqkit/sqkit/feedback"
	"github.com/sqkit/sqkit/incentive"
)

func dec(s string) incentive.Decimal   { return incentive.MustDecimal(s) }
func decp(s string) *incentive.Decimal { v := incentive.MustDecimal(s); return &v }

// payPlan is the desk's monthly incentive: a scorecard of CSAT, first-contact
// resolution, first-response attainment, handling time and the quality
// inspections' score; a graduated bonus on resolved cases; a target bonus
// on the score; a CSAT gate.
func payPlan() incentive.Plan {
	return incentive.Plan{
		Name: "desk-monthly", Currency: "CNY",
		Scorecard: incentive.Scorecard{
			Name: "agent",
			KPIs: []incentive.KPI{
				{ID: "csat", Name: "CSAT (share 4-5)", Weight: dec("0.25"), Direction: incentive.HigherIsBetter, Floor: dec("0.60"), Target: dec("0.85"), Cap: dec("1.2")},
				{ID: "fcr", Name: "first-contact resolution", Weight: dec("0.2"), Direction: incentive.HigherIsBetter, Floor: dec("0.50"), Target: dec("0.75"), Cap: dec("1.2")},
				{ID: "sla", Name: "first responses in target", Weight: dec("0.25"), Direction: incentive.HigherIsBetter, Floor: dec("0.70"), Target: dec("0.95"), Cap: dec("1.2")},
				{ID: "aht", Name: "minutes of work per item", Weight: dec("0.15"), Direction: incentive.LowerIsBetter, Floor: dec("25"), Target: dec("12"), Cap: dec("1.2")},
				{ID: "qa", Name: "inspection score (0-100)", Weight: dec("0.15"), Direction: incentive.HigherIsBetter, Floor: qaFloor, Target: dec("95"), Cap: dec("1.2")},
			},
			Gates:  []incentive.Gate{{KPI: "csat", Min: decp("0.50"), Reason: "CSAT below 50 %"}},
			Grades: []incentive.Grade{{Name: "A", MinScore: dec("1.0")}, {Name: "B", MinScore: dec("0.8")}, {Name: "C", MinScore: dec("0.6")}, {Name: "D", MinScore: dec("0")}},
		},
		Table: &incentive.Table{Name: "resolved", Mode: incentive.Graduated, Currency: "CNY", Tiers: []incentive.Tier{
			{Name: "first-200", From: dec("0"), To: decp("200"), Bounds: incentive.ClosedOpen, Rate: dec("1.00")},
			{Name: "200-400", From: dec("200"), To: decp("400"), Bounds: incentive.ClosedOpen, Rate: dec("1.50")},
			{Name: "400+", From: dec("400"), Bounds: incentive.ClosedOpen, Rate: dec("2.00")},
		}},
		Target: &incentive.TargetBonus{Name: "score", Currency: "CNY", Target: dec("90"), Base: dec("300"), PerUnit: dec("20"), Cap: decp("1000")},
	}
}

// qaFloor is the inspection score at which the KPI scores nothing; an
// agent none of whose work was inspected scores it too.
var qaFloor = dec("70")

// inspectionKPI is an agent's mean inspection score over a period as the
// scorecard's exact decimal: feedback's KPI value as decimal text (no float
// reaches the money), or the floor when none of the agent's work was
// inspected.
func inspectionKPI(p periodFigures, agent string) (incentive.Decimal, error) {
	kv, err := p.slice(feedback.Dimensions{Agent: agent}).KPIs(2, feedback.MetricInspectionScore)
	if err != nil {
		return incentive.Decimal{}, err
	}
	if kv[0].N == 0 {
		return qaFloor, nil
	}
	return incentive.ParseDecimal(kv[0].Text)
}

// ratio returns num/den as an exact decimal with 4 places (0 when den is 0).
func ratio(num, den int64) (incentive.Decimal, error) {
	if den == 0 {
		return incentive.Decimal{}, nil
	}
	return incentive.DecimalFromInt(num).Quo(incentive.DecimalFromInt(den), 4, incentive.HalfEven)
}

// inputOf turns an agent's figures over a period (st, and qa, the
// inspection score) into the plan's input: the adapter from the desk's
// counts to incentive's exact decimals.
func inputOf(name string, st agentStats, qa incentive.Decimal, period string) (incentive.Input, error) {
	var vals [4]incentive.Decimal
	var err error
	if vals[0], err = ratio(int64(st.CSATHappy), int64(st.CSATAnswers)); err != nil {
		return incentive.Input{}, err
	}
	if vals[1], err = ratio(int64(st.FCRYes), int64(st.FCRKnown)); err != nil {
		return incentive.Input{}, err
	}
	if vals[2], err = ratio(int64(st.FRMet), int64(st.FRMet+st.FRBreached)); err != nil {
		return incentive.Input{}, err
	}
	aht := dec("25")
	if st.WorkItems > 0 {
		secs := incentive.DecimalFromInt(int64(st.Work.Seconds()))
		if aht, err = secs.Quo(incentive.DecimalFromInt(int64(60*st.WorkItems)), 2, incentive.HalfEven); err != nil {
			return incentive.Input{}, err
		}
	}
	vals[3] = aht
	return incentive.Input{
		Person: name, Period: period, Quantity: incentive.DecimalFromInt(int64(st.Resolved)),
		Values: []incentive.Value{{KPI: "csat", Value: vals[0]}, {KPI: "fcr", Value: vals[1]}, {KPI: "sla", Value: vals[2]},
			{KPI: "aht", Value: vals[3]}, {KPI: "qa", Value: qa}},
	}, nil
}

// statementOf is agent a's statement for period through the pay plan: its
// counts so far and its inspection score over p.
func (s *sim) statementOf(a *agent, p periodFigures, period string) (incentive.Statement, error) {
	qa, err := inspectionKPI(p, a.name)
	if err != nil {
		return incentive.Statement{}, err
	}
	in, err := inputOf(a.name, a.stats, qa, period)
	if err != nil {
		return incentive.Statement{}, err
	}
	return s.plan.Statement(in)
}

// monthEnd issues every agent's statement, ranks the desk, assesses the
// ranking (its penalties post to the statements) and credits
// over-achievement points to the service bank.
func (s *sim) monthEnd() error {
	plan, book := s.plan, s.book
	period := s.start.Format("2006-01")
	bank := incentive.NewPointsLedger(incentive.WithClock(s.clk))
	var entries []incentive.Entry
	total := incentive.NewMoney("CNY", 0)
	month := periodOf(s.daily, time.Time{}, time.Time{})
	for _, a := range s.agents {
		st, err := s.statementOf(a, month, period)
		if err != nil {
			return err
		}
		if err := book.IssueAt(s.end, st); err != nil {
			return err
		}
		if total, err = total.Add(st.Total); err != nil {
			return err
		}
		pts, err := incentive.OverAchievementPoints(st.Score, dec("1"), dec("1000"))
		if err != nil {
			return err
		}
		if pts > 0 {
			if _, _, err := bank.EarnAt(s.end, period+"/"+a.name+"/over", a.name, pts, "score "+st.Score.String()); err != nil {
				return err
			}
		}
		entries = append(entries, incentive.Entry{ID: a.name, Score: st.Score})
		s.out.Statements = append(s.out.Statements, st)
		s.out.Agents = append(s.out.Agents, AgentSummary{Name: a.name, Team: a.team, Senior: a.senior, Shift: a.shift, Skills: a.skills, Stats: a.stats, Points: bank.Balance(a.name)})
	}
	ranked, err := incentive.Rank(entries, incentive.SeedBottomShare())
	if err != nil {
		return err
	}
	s.out.Ranking, s.out.Payout, s.out.RulesHash = ranked, total, plan.Hash()
	slices.SortFunc(s.out.Statements, func(a, b incentive.Statement) int { return cmp.Compare(a.Person, b.Person) })
	if err := s.assess(s.end, s.start, period, ranked); err != nil {
		return err
	}
	as := &s.out.Assessment
	as.Outcomes, as.NetPayout = s.assessor.Outcomes(""), incentive.NewMoney("CNY", 0)
	for _, a := range s.agents {
		adj, err := book.Adjustments(a.name, period)
		if err != nil {
			return err
		}
		as.Adjustments = append(as.Adjustments, adj...)
		net, err := book.Net(a.name, period)
		if err != nil {
			return err
		}
		if as.NetPayout, err = as.NetPayout.Add(net); err != nil {
			return err
		}
	}
	return nil
}
