package main

// This file is the portal's one adapter to package incentive: each agent's
// month becomes an explained statement.

import (
	"slices"

	"github.com/sqkit/sqkit/incentive"
)

func dec(s string) incentive.Decimal   { return incentive.MustDecimal(s) }
func decp(s string) *incentive.Decimal { v := incentive.MustDecimal(s); return &v }

// payPlan is the desk's monthly incentive: a scorecard of CSAT, first-contact
// resolution and first responses in target, a graduated bonus on closed
// cases and a CSAT gate.
func payPlan() incentive.Plan {
	return incentive.Plan{
		Name: "portal-monthly", Currency: "EUR",
		Scorecard: incentive.Scorecard{
			Name: "agent", Precision: 4,
			KPIs: []incentive.KPI{
				{ID: "csat", Name: "CSAT (share 4-5)", Weight: dec("0.4"), Direction: incentive.HigherIsBetter, Floor: dec("0.60"), Target: dec("0.85"), Cap: dec("1.2")},
				{ID: "fcr", Name: "first-contact resolution", Weight: dec("0.3"), Direction: incentive.HigherIsBetter, Floor: dec("0.50"), Target: dec("0.75"), Cap: dec("1.2")},
				{ID: "sla", Name: "first responses in target", Weight: dec("0.3"), Direction: incentive.HigherIsBetter, Floor: dec("0.70"), Target: dec("0.95"), Cap: dec("1.2")},
			},
			Gates:  []incentive.Gate{{KPI: "csat", Min: decp("0.50"), Reason: "CSAT below 50 %"}},
			Grades: []incentive.Grade{{Name: "A", MinScore: dec("1.0")}, {Name: "B", MinScore: dec("0.8")}, {Name: "C", MinScore: dec("0.6")}, {Name: "D", MinScore: dec("0")}},
		},
		Table: &incentive.Table{Name: "closed", Mode: incentive.Graduated, Currency: "EUR", Tiers: []incentive.Tier{
			{Name: "first-20", From: dec("0"), To: decp("20"), Bounds: incentive.ClosedOpen, Rate: dec("2.00")},
			{Name: "20-50", From: dec("20"), To: decp("50"), Bounds: incentive.ClosedOpen, Rate: dec("3.50")},
			{Name: "50+", From: dec("50"), Bounds: incentive.ClosedOpen, Rate: dec("5.00")},
		}},
	}
}

// agentMonth is what the desk counted of one agent in one month.
type agentMonth struct {
	Agent                  string
	CSATHappy, CSATAnswers int64
	FCRYes, Closed         int64
	FRMet                  int64
}

// ratio returns num/den as an exact decimal with 4 places (0 when den is 0).
func ratio(num, den int64) (incentive.Decimal, error) {
	if den == 0 {
		return incentive.Decimal{}, nil
	}
	return incentive.DecimalFromInt(num).Quo(incentive.DecimalFromInt(den), 4, incentive.HalfEven)
}

// statements computes every agent's statement for period ("2026-03").
func statements(period string, months []agentMonth) ([]incentive.Statement, string, error) {
	plan, err := incentive.Compile(payPlan())
	if err != nil {
		return nil, "", err
	}
	var out []incentive.Statement
	for _, m := range months {
		csat, err := ratio(m.CSATHappy, m.CSATAnswers)
		if err != nil {
			return nil, "", err
		}
		fcr, err := ratio(m.FCRYes, m.Closed)
		if err != nil {
			return nil, "", err
		}
		fr, err := ratio(m.FRMet, m.Closed)
		if err != nil {
			return nil, "", err
		}
		st, err := plan.Statement(incentive.Input{Person: m.Agent, Period: period, Quantity: incentive.DecimalFromInt(m.Closed),
			Values: []incentive.Value{{KPI: "csat", Value: csat}, {KPI: "fcr", Value: fcr}, {KPI: "sla", Value: fr}}})
		if err != nil {
			return nil, "", err
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b incentive.Statement) int {
		if a.Person < b.Person {
			return -1
		}
		if a.Person > b.Person {
			return 1
		}
		return 0
	})
	return out, plan.Hash(), nil
}
