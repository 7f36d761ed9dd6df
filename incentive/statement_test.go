package incentive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustCompile(t testing.TB, p Plan) *CompiledPlan {
	t.Helper()
	c, err := Compile(p)
	require.NoError(t, err)
	return c
}

func TestStatementHandComputed(t *testing.T) {
	c := mustCompile(t, servicePlan())
	st, err := c.Statement(Input{Person: "alice", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("250")})
	require.NoError(t, err)
	// Score: .2×.75 + .15×1 + .1×.8 + .1×1 + .15×1.2 + .1×.75 + .1×.9 + .1×1 = 0.925 → grade B.
	assert.Equal(t, "0.9250", st.Score.String())
	assert.Equal(t, "B", st.Grade)
	// Tickets (graduated): 100×0.50 + 100×0.75 + 50×1.00 = 175.00.
	// Target: attainment 92.5 ≥ 90: 200 + 2.5×10 = 225.00. Total 400.00.
	type row struct {
		kind         LineKind
		tier, q, amt string
	}
	var got []row
	for _, l := range st.Lines {
		got = append(got, row{l.Kind, l.Tier, l.Quantity.String(), l.Amount.String()})
	}
	assert.Equal(t, []row{
		{LineTier, "base", "100", "USD 50.00"},
		{LineTier, "busy", "100", "USD 75.00"},
		{LineTier, "heroic", "50", "USD 50.00"},
		{LineTargetBase, "", "1", "USD 200.00"},
		{LineTargetExtra, "", "2.5000", "USD 25.00"},
	}, got)
	assert.Equal(t, "USD 400.00", st.Total.String())
	assert.Equal(t, c.Hash(), st.RulesHash)
	assert.Len(t, st.KPIs, 8)
}

func TestStatementGateZeroes(t *testing.T) {
	c := mustCompile(t, servicePlan())
	vals := aliceValues()
	vals[6].Value = MustDecimal("0.97")
	st, err := c.Statement(Input{Person: "bob", Period: "2026-10", Values: vals, Quantity: MustDecimal("250")})
	require.NoError(t, err)
	assert.Equal(t, int64(0), st.Total.Minor)
	last := st.Lines[len(st.Lines)-1]
	assert.Equal(t, LineGate, last.Kind)
	assert.Contains(t, last.Note, "compliance")
	assert.False(t, st.Gates[0].Passed)
	var sum int64
	for _, l := range st.Lines {
		sum += l.Amount.Minor
	}
	assert.Equal(t, int64(0), sum)
}

func TestStatementGradeToTier(t *testing.T) {
	p := servicePlan()
	d := MustDecimal
	p.Table = &Table{Name: "grade-pay", Mode: Volume, Currency: "USD", Tiers: []Tier{
		{Name: "bronze", From: d("0"), To: dp("1"), Bounds: ClosedOpen, Rate: d("0.40")},
		{Name: "silver", From: d("1"), To: dp("2"), Bounds: ClosedOpen, Rate: d("0.60"), Flat: d("20")},
		{Name: "gold", From: d("2"), Bounds: ClosedOpen, Rate: d("0.80"), Flat: d("50")},
	}}
	p.Target = nil
	p.Scorecard.Grades[0].Tier = "gold"
	p.Scorecard.Grades[1].Tier = "silver"
	p.Scorecard.Grades[2].Tier = "bronze"
	c := mustCompile(t, p)
	st, err := c.Statement(Input{Person: "alice", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("250")})
	require.NoError(t, err)
	assert.Equal(t, "B", st.Grade)
	assert.Equal(t, "silver", st.Tier)
	assert.Equal(t, "USD 170.00", st.Total.String()) // 250 × 0.60 + 20
	// Grade D names no tier: the table pays nothing.
	poor := aliceValues()
	for i := range poor[:7] {
		poor[i].Value = p.Scorecard.KPIs[i].Floor
	}
	poor[6].Value = d("0.99") // keep the gate open
	poor[7].Label = "poor"
	st, err = c.Statement(Input{Person: "dan", Period: "2026-10", Values: poor, Quantity: MustDecimal("250")})
	require.NoError(t, err)
	assert.Equal(t, "D", st.Grade)
	assert.Equal(t, int64(0), st.Total.Minor)

	p.Scorecard.Grades[0].Tier = "platinum"
	_, err = Compile(p)
	require.ErrorContains(t, err, `scorecard.grades[0].tier: grade "A" maps to unknown table tier "platinum"`)
}

func TestStatementDeterministic(t *testing.T) {
	in := Input{Person: "alice", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("97.5")}
	a, err := mustCompile(t, servicePlan()).Statement(in)
	require.NoError(t, err)
	// Shuffle value order and recompile the plan from its JSON: same bytes.
	rev := append([]Value(nil), in.Values...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	in.Values = rev
	pj, err := json.Marshal(servicePlan())
	require.NoError(t, err)
	var p2 Plan
	require.NoError(t, json.Unmarshal(pj, &p2))
	b, err := mustCompile(t, p2).Statement(in)
	require.NoError(t, err)
	ab, err := a.Canonical()
	require.NoError(t, err)
	bb, err := b.Canonical()
	require.NoError(t, err)
	assert.Equal(t, string(ab), string(bb))
	ha, _ := a.Hash()
	hb, _ := b.Hash()
	assert.Equal(t, ha, hb)
}

func TestRulesHashChangesWithEveryRule(t *testing.T) {
	base, err := RulesHash(servicePlan())
	require.NoError(t, err)
	// Writing the same numbers differently is not a rule change.
	same := servicePlan()
	same.Table.Tiers[0].Rate = MustDecimal("0.5")
	same.Scorecard.KPIs[0].Weight = MustDecimal("0.2000")
	same.Scorecard.Precision = DefaultPrecision
	h, err := RulesHash(same)
	require.NoError(t, err)
	assert.Equal(t, base, h)

	mutations := map[string]func(p *Plan){
		"tier rate":        func(p *Plan) { p.Table.Tiers[1].Rate = MustDecimal("0.76") },
		"tier bound":       func(p *Plan) { p.Table.Tiers[0].To = dp("101"); p.Table.Tiers[1].From = MustDecimal("101") },
		"tier bounds kind": func(p *Plan) { p.Table.Tiers[0].Bounds = ClosedClosed; p.Table.Tiers[1].Bounds = OpenOpen },
		"tier flat":        func(p *Plan) { p.Table.Tiers[2].Flat = MustDecimal("1") },
		"table mode":       func(p *Plan) { p.Table.Mode = Volume },
		"table rounding":   func(p *Plan) { p.Table.Rounding = HalfUp },
		"table max":        func(p *Plan) { p.Table.Max = dp("1000") },
		"kpi weight": func(p *Plan) {
			p.Scorecard.KPIs[0].Weight = MustDecimal("0.25")
			p.Scorecard.KPIs[1].Weight = MustDecimal("0.10")
		},
		"kpi floor":       func(p *Plan) { p.Scorecard.KPIs[2].Floor = MustDecimal("601") },
		"kpi target":      func(p *Plan) { p.Scorecard.KPIs[3].Target = MustDecimal("21") },
		"kpi cap":         func(p *Plan) { p.Scorecard.KPIs[4].Cap = MustDecimal("1.4") },
		"kpi level":       func(p *Plan) { p.Scorecard.KPIs[7].Levels[2].Score = MustDecimal("0.5") },
		"gate":            func(p *Plan) { p.Scorecard.Gates[0].Min = dp("0.97") },
		"grade":           func(p *Plan) { p.Scorecard.Grades[1].MinScore = MustDecimal("0.95") },
		"score rounding":  func(p *Plan) { p.Scorecard.Rounding = Down },
		"score precision": func(p *Plan) { p.Scorecard.Precision = 6 },
		"target base":     func(p *Plan) { p.Target.Base = MustDecimal("201") },
		"target cap":      func(p *Plan) { p.Target.Cap = nil },
		"target rounding": func(p *Plan) { p.Target.Rounding = Up },
		"target on":       func(p *Plan) { p.TargetOn = OnQuantity },
		"target per unit": func(p *Plan) { p.Target.PerUnit = MustDecimal("10.5") },
		"target level":    func(p *Plan) { p.Target.Target = MustDecimal("95") },
		"table min":       func(p *Plan) { p.Table.Min = dp("5") },
		"gate max":        func(p *Plan) { p.Scorecard.Gates[0].Max = dp("1") },
		"grade tier":      func(p *Plan) { p.Scorecard.Grades[0].Tier = "heroic" },
		"kpi direction": func(p *Plan) {
			k := &p.Scorecard.KPIs[0]
			k.Direction, k.Floor, k.Target = LowerIsBetter, k.Target, k.Floor
		},
		"currency": func(p *Plan) { p.Currency, p.Table.Currency, p.Target.Currency = "EUR", "EUR", "EUR" },
	}
	seen := map[string]string{base: "base"}
	for name, mut := range mutations {
		p := servicePlan()
		mut(&p)
		require.NoError(t, p.Validate(), name)
		h, err := RulesHash(p)
		require.NoError(t, err)
		prev, dup := seen[h]
		assert.False(t, dup, "%s hashes like %s", name, prev)
		seen[h] = name
	}
}

func TestCompileCopiesPlan(t *testing.T) {
	p := servicePlan()
	c := mustCompile(t, p)
	h := c.Hash()
	p.Table.Tiers[0].Rate = MustDecimal("9")
	p.Scorecard.KPIs[0].Weight = MustDecimal("0.3")
	got, err := RulesHash(c.Plan())
	require.NoError(t, err)
	assert.Equal(t, h, got)
}

func TestPlanValidate(t *testing.T) {
	p := servicePlan()
	p.Name = ""
	p.Currency = "EUR"
	p.Scorecard.KPIs[0].Weight = MustDecimal("0.3")
	p.Table.Tiers[1].From = MustDecimal("150")
	p.Target.Base = MustDecimal("-1")
	p.TargetOn = "mood"
	err := p.Validate()
	require.ErrorIs(t, err, ErrInvalid)
	for _, want := range []string{
		"name: is required", "scorecard.kpis: weights sum to 1.10", `table.tiers[1].from: gap between tiers "base"`,
		"table.currency:", "target.base:", "target.currency:", "target_on:",
	} {
		assert.Contains(t, err.Error(), want)
	}
	empty := Plan{Name: "x", Currency: "USD", Scorecard: servicePlan().Scorecard}
	require.ErrorContains(t, empty.Validate(), "a plan needs a table")
}

func TestStatementJSONRoundTrip(t *testing.T) {
	c := mustCompile(t, servicePlan())
	st, err := c.Statement(Input{Person: "alice", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("97.5")})
	require.NoError(t, err)
	b, err := json.Marshal(st)
	require.NoError(t, err)
	var back Statement
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, st, back)
	b2, err := back.Canonical()
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2))

	pj, err := json.Marshal(servicePlan())
	require.NoError(t, err)
	var p Plan
	require.NoError(t, json.Unmarshal(pj, &p))
	assert.Equal(t, servicePlan(), p)
}

func TestStatementInputErrors(t *testing.T) {
	c := mustCompile(t, servicePlan())
	_, err := c.Statement(Input{Person: "x", Values: aliceValues()[:3]})
	require.ErrorIs(t, err, ErrInput)
	_, err = c.Statement(Input{Person: "x", Values: aliceValues(), Quantity: MustDecimal("-1")})
	require.ErrorIs(t, err, ErrOutOfRange)
}

func TestCompiledPlanConcurrent(t *testing.T) {
	c := mustCompile(t, servicePlan())
	ins := benchInputs(400)
	want := make([]string, len(ins))
	for i, in := range ins {
		st, err := c.Statement(in)
		require.NoError(t, err)
		b, _ := st.Canonical()
		want[i] = string(b)
	}
	done := make(chan struct{})
	for w := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := w; i < len(ins); i += 2 {
				st, err := c.Statement(ins[i])
				assert.NoError(t, err)
				b, _ := st.Canonical()
				assert.Equal(t, want[i], string(b))
			}
		}()
	}
	for range 4 {
		<-done
	}
}

func TestStatementDoesNotShareRules(t *testing.T) {
	// A statement's gate bounds are its own: writing through them must not
	// change the compiled plan or the next statement.
	c := mustCompile(t, servicePlan())
	in := Input{Person: "alice", Period: "2026-10", Values: aliceValues(), Quantity: MustDecimal("250")}
	st, err := c.Statement(in)
	require.NoError(t, err)
	require.Len(t, st.Gates, 1)
	require.NotNil(t, st.Gates[0].Min)
	*st.Gates[0].Min = MustDecimal("0.999")
	again, err := c.Statement(in)
	require.NoError(t, err)
	assert.True(t, again.Gates[0].Passed)
	assert.Equal(t, "0.98", again.Gates[0].Min.String())
	assert.Equal(t, "0.98", c.Plan().Scorecard.Gates[0].Min.String())

	sc := servicePlan().Scorecard
	r, err := sc.Score(aliceValues())
	require.NoError(t, err)
	*r.Gates[0].Min = MustDecimal("0.999")
	assert.Equal(t, "0.98", sc.Gates[0].Min.String())
}
