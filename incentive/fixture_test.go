package incentive

// servicePlan is the plan used by the statement tests, examples and
// benchmarks: eight service KPIs, a compliance gate, grades, a graduated
// ticket table and a target bonus on attainment.
func servicePlan() Plan {
	d := MustDecimal
	return Plan{
		Name:     "service-2026",
		Currency: "USD",
		Scorecard: Scorecard{
			Name: "agent",
			KPIs: []KPI{
				{ID: "csat", Weight: d("0.20"), Direction: HigherIsBetter, Floor: d("0.70"), Target: d("0.90"), Cap: d("1.2")},
				{ID: "fcr", Weight: d("0.15"), Direction: HigherIsBetter, Floor: d("0.50"), Target: d("0.80"), Cap: d("1.2")},
				{ID: "aht", Weight: d("0.10"), Direction: LowerIsBetter, Floor: d("600"), Target: d("300"), Cap: d("1.2")},
				{ID: "asa", Weight: d("0.10"), Direction: LowerIsBetter, Floor: d("60"), Target: d("20"), Cap: d("1.2")},
				{ID: "nps", Weight: d("0.15"), Direction: HigherIsBetter, Floor: d("0"), Target: d("50"), Cap: d("1.5")},
				{ID: "complaints", Weight: d("0.10"), Direction: LowerIsBetter, Floor: d("0.05"), Target: d("0.01"), Cap: d("1.2")},
				{ID: "compliance", Weight: d("0.10"), Direction: HigherIsBetter, Floor: d("0.90"), Target: d("1.00"), Cap: d("1")},
				{ID: "attitude", Weight: d("0.10"), Cap: d("1.2"), Levels: []Level{
					{Label: "excellent", Score: d("1.2")}, {Label: "good", Score: d("1")},
					{Label: "fair", Score: d("0.6")}, {Label: "poor", Score: d("0")},
				}},
			},
			Gates: []Gate{{KPI: "compliance", Min: dp("0.98"), Reason: "compliance below 98 %"}},
			Grades: []Grade{
				{Name: "A", MinScore: d("1.1")}, {Name: "B", MinScore: d("0.9")},
				{Name: "C", MinScore: d("0.7")}, {Name: "D", MinScore: d("0")},
			},
		},
		Table: &Table{Name: "tickets", Mode: Graduated, Currency: "USD", Tiers: []Tier{
			{Name: "base", From: d("0"), To: dp("100"), Bounds: ClosedOpen, Rate: d("0.50")},
			{Name: "busy", From: d("100"), To: dp("200"), Bounds: ClosedOpen, Rate: d("0.75")},
			{Name: "heroic", From: d("200"), Bounds: ClosedOpen, Rate: d("1.00")},
		}},
		Target: &TargetBonus{Name: "attainment", Currency: "USD", Target: d("90"), Base: d("200"), PerUnit: d("10"), Cap: dp("400")},
	}
}

// aliceValues scores 0.925 (hand-computed in TestStatementHandComputed).
func aliceValues() []Value {
	d := MustDecimal
	return []Value{
		{KPI: "csat", Value: d("0.85")}, {KPI: "fcr", Value: d("0.80")}, {KPI: "aht", Value: d("360")},
		{KPI: "asa", Value: d("20")}, {KPI: "nps", Value: d("60")}, {KPI: "complaints", Value: d("0.02")},
		{KPI: "compliance", Value: d("0.99")}, {KPI: "attitude", Label: "good"},
	}
}
