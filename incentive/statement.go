package incentive

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
)

// TargetOn says what quantity a plan's TargetBonus is evaluated on.
type TargetOn string

const (
	// OnAttainment evaluates the target bonus on the total score in percent
	// (a total of 0.975 is 97.5). It is the default.
	OnAttainment TargetOn = "attainment"
	// OnQuantity evaluates it on the input's Quantity.
	OnQuantity TargetOn = "quantity"
)

// Plan ties the rules of one incentive scheme together: a Scorecard, an
// optional tier Table and an optional TargetBonus. The Table prices the
// person's Quantity in its own mode, unless some grade names a tier: then
// the person's grade chooses the tier (Quantity × its rate plus its flat
// amount) and a person whose grade names no tier gets nothing from the
// table. A failed gate zeroes
// the whole bonus. Every rule that can change an amount is part of the Plan
// and therefore of its rules hash.
type Plan struct {
	Name      string       `json:"name"`
	Currency  Currency     `json:"currency"`
	Scorecard Scorecard    `json:"scorecard"`
	Table     *Table       `json:"table,omitempty"`
	Target    *TargetBonus `json:"target,omitempty"`
	TargetOn  TargetOn     `json:"target_on,omitempty"`
}

// Validate reports every problem with p at once, with field paths such as
// "scorecard.kpis[2].weight" or "table.tiers[1].from".
func (p *Plan) Validate() error {
	var ps problems
	ps.required("name", p.Name)
	if _, err := p.Currency.Digits(); err != nil {
		ps.addErr("currency", err)
	}
	ps.part("scorecard", p.Scorecard.validate)
	if p.Table == nil && p.Target == nil {
		ps.add("table", "a plan needs a table, a target bonus or both")
	}
	if p.Table != nil {
		ps.part("table", p.Table.validate)
		ps.sameCurrency("table.currency", p.Table.Currency, p.Currency)
	}
	for i, g := range p.Scorecard.Grades {
		if g.Tier == "" {
			continue
		}
		if p.Table == nil || !slices.ContainsFunc(p.Table.Tiers, func(t Tier) bool { return t.Name == g.Tier }) {
			ps.add(fmt.Sprintf("scorecard.grades[%d].tier", i), "grade %q maps to unknown table tier %q", g.Name, g.Tier)
		}
	}
	if p.Target != nil {
		ps.part("target", p.Target.validate)
		ps.sameCurrency("target.currency", p.Target.Currency, p.Currency)
	}
	if p.TargetOn != "" && p.TargetOn != OnAttainment && p.TargetOn != OnQuantity {
		ps.add("target_on", "must be %q or %q, got %q", OnAttainment, OnQuantity, p.TargetOn)
	}
	return ps.err()
}

// Input is one person's data for one period.
type Input struct {
	Person   string  `json:"person"`
	Period   string  `json:"period"`
	Values   []Value `json:"values"`
	Quantity Decimal `json:"quantity"` // priced by the plan's Table (and its TargetBonus with OnQuantity)
}

// Statement is one person's incentive for one period, explained line by
// line, with the hash of the rules that produced it. The same Input and the
// same rules give a byte-identical Canonical encoding. A Statement is never
// edited once issued: corrections are separate Adjustments (see Book).
type Statement struct {
	Version   int          `json:"version"`
	Person    string       `json:"person"`
	Period    string       `json:"period"`
	Plan      string       `json:"plan"`
	RulesHash string       `json:"rules_hash"`
	KPIs      []KPIScore   `json:"kpis"`
	Score     Decimal      `json:"score"`
	Grade     string       `json:"grade,omitempty"`
	Tier      string       `json:"tier,omitempty"`
	Gates     []GateResult `json:"gates,omitempty"`
	Quantity  Decimal      `json:"quantity"`
	Lines     []Line       `json:"lines"`
	Total     Money        `json:"total"`
}

// StatementVersion is the Version of statements this package writes.
const StatementVersion = 1

// Canonical returns the canonical encoding of s (compact JSON with fields
// in declaration order and lines in computation order). Equal statements
// give identical bytes.
func (s *Statement) Canonical() ([]byte, error) { return json.Marshal(s) }

// Hash returns the hex SHA-256 of the canonical encoding.
func (s *Statement) Hash() (string, error) {
	b, err := s.Canonical()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// CompiledPlan is a validated, immutable copy of a Plan with its rules
// hash, ready to produce statements. It is safe for concurrent use.
type CompiledPlan struct {
	plan   Plan
	hash   string
	idx    map[string]int
	digits int
	tierOf map[string]int // grade name → table tier index
	lines  int            // most lines a statement can have
}

// Compile validates p, copies it (later changes to p do not affect the
// result) and computes its rules hash.
func Compile(p Plan) (*CompiledPlan, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p = clonePlan(p)
	h, err := RulesHash(p)
	if err != nil {
		return nil, err
	}
	c := &CompiledPlan{plan: p, hash: h, idx: make(map[string]int, len(p.Scorecard.KPIs)), tierOf: map[string]int{}}
	c.digits, _ = p.Currency.Digits()
	for i, k := range p.Scorecard.KPIs {
		c.idx[k.ID] = i
	}
	c.lines = 1 // gate
	if p.Table != nil {
		c.lines += len(p.Table.Tiers) + 1 // tier lines and a floor or cap
		for _, t := range p.Table.Tiers {
			if !t.Flat.IsZero() {
				c.lines++
			}
		}
	}
	if p.Target != nil {
		c.lines += 3 // base, extra, cap
	}
	for _, g := range p.Scorecard.Grades {
		if g.Tier != "" {
			c.tierOf[g.Name] = slices.IndexFunc(p.Table.Tiers, func(t Tier) bool { return t.Name == g.Tier })
		}
	}
	return c, nil
}

// Hash returns the plan's rules hash (hex SHA-256).
func (c *CompiledPlan) Hash() string { return c.hash }

// Plan returns a copy of the compiled plan.
func (c *CompiledPlan) Plan() Plan { return clonePlan(c.plan) }

// Statement computes the statement for in: scorecard, grade, gates, tier
// table and target bonus, each line rounded on its own and then summed.
func (c *CompiledPlan) Statement(in Input) (Statement, error) {
	p := &c.plan
	st := Statement{Version: StatementVersion, Person: in.Person, Period: in.Period, Plan: p.Name,
		RulesHash: c.hash, Quantity: in.Quantity}
	sr, err := p.Scorecard.score(in.Values, c.idx, nil, nil)
	if err != nil {
		return Statement{}, err
	}
	st.KPIs, st.Score, st.Grade, st.Gates = sr.KPIs, sr.Total, sr.Grade, sr.Gates
	lines := make([]Line, 0, c.lines)
	total := Money{Currency: p.Currency}
	if p.Table != nil {
		r := Result{Lines: lines, Total: total}
		if ti, ok := c.tierOf[st.Grade]; ok {
			st.Tier = p.Table.Tiers[ti].Name
			r, err = p.Table.evaluateTier(ti, in.Quantity, c.digits, lines)
		} else if len(c.tierOf) == 0 {
			r, err = p.Table.evaluate(in.Quantity, c.digits, lines)
		} // else: grades choose tiers and this grade has none, so the table pays nothing
		if err != nil {
			return Statement{}, err
		}
		lines, total = r.Lines, r.Total
	}
	if p.Target != nil {
		q := in.Quantity
		if p.TargetOn != OnQuantity {
			q, err = st.Score.Mul(Decimal{coef: 100})
			if err != nil {
				return Statement{}, err
			}
		}
		r, err := p.Target.evaluate(q, c.digits, lines)
		if err != nil {
			return Statement{}, err
		}
		lines = r.Lines
		if total, err = total.Add(r.Total); err != nil {
			return Statement{}, err
		}
	}
	if !sr.Passed && total.Minor != 0 {
		neg, err := total.Neg()
		if err != nil {
			return Statement{}, err
		}
		failed := ""
		for _, g := range sr.Gates {
			if !g.Passed {
				failed = g.KPI
				break
			}
		}
		exact, _ := NewDecimal(neg.Minor, c.digits)
		lines = append(lines, Line{Kind: LineGate, Source: p.Scorecard.Name, Quantity: one, Rate: exact, Exact: exact,
			Amount: neg, Note: "gate failed on KPI " + failed + ": bonus zeroed"})
		total.Minor = 0
	}
	st.Lines, st.Total = lines, total
	return st, nil
}

// evaluateTier prices q at one tier chosen by grade (rate × q plus flat).
func (t *Table) evaluateTier(i int, q Decimal, digits int, buf []Line) (Result, error) {
	tr := &t.Tiers[i]
	res := Result{Lines: buf, Total: Money{Currency: t.Currency}}
	l, err := newLine(LineTier, t.Name, tr.Name, t.Currency, digits, q, tr.Rate, t.Rounding)
	if err != nil {
		return Result{}, err
	}
	l.Note = "tier chosen by grade"
	if err := res.add(l); err != nil {
		return Result{}, err
	}
	if err := res.addFlat(t, tr, digits); err != nil {
		return Result{}, err
	}
	if err := clampTotal(&res, t.Name, t.Min, t.Max, digits, t.Rounding); err != nil {
		return Result{}, err
	}
	return res, nil
}

// rulesDomain prefixes the hashed encoding so a rules hash can never equal
// the hash of some other document.
const rulesDomain = "sqkit/incentive/rules/v1\n"

// RulesHash returns the hex SHA-256 of the canonical encoding of p: compact
// JSON of the plan with every Decimal normalised ("6.50" and "6.5" are the
// same rule), prefixed by a version tag. Any change to a rule that can
// change an amount (tiers, bounds, rates, rounding, weights, gates, grades,
// target bonus) changes the hash; names are included too, so renaming a
// tier changes it as well.
func RulesHash(p Plan) (string, error) {
	n := clonePlan(p)
	normalizePlan(&n)
	b, err := json.Marshal(n)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(rulesDomain))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func cloneDec(d *Decimal) *Decimal {
	if d == nil {
		return nil
	}
	v := *d
	return &v
}

func clonePlan(p Plan) Plan {
	sc := p.Scorecard
	sc.KPIs = slices.Clone(sc.KPIs)
	for i := range sc.KPIs {
		sc.KPIs[i].Levels = slices.Clone(sc.KPIs[i].Levels)
	}
	sc.Gates = slices.Clone(sc.Gates)
	for i := range sc.Gates {
		sc.Gates[i].Min, sc.Gates[i].Max = cloneDec(sc.Gates[i].Min), cloneDec(sc.Gates[i].Max)
	}
	sc.Grades = slices.Clone(sc.Grades)
	p.Scorecard = sc
	if p.Table != nil {
		t := *p.Table
		t.Tiers = slices.Clone(t.Tiers)
		for i := range t.Tiers {
			t.Tiers[i].To = cloneDec(t.Tiers[i].To)
		}
		t.Min, t.Max = cloneDec(t.Min), cloneDec(t.Max)
		p.Table = &t
	}
	if p.Target != nil {
		tg := *p.Target
		tg.Cap = cloneDec(tg.Cap)
		p.Target = &tg
	}
	return p
}

func normalizePlan(p *Plan) {
	nz := func(d *Decimal) {
		if d != nil {
			*d = d.Normalize()
		}
	}
	sc := &p.Scorecard
	if sc.Precision == 0 {
		sc.Precision = DefaultPrecision
	}
	sc.Rounding = sc.Rounding.Applied()
	for i := range sc.KPIs {
		k := &sc.KPIs[i]
		nz(&k.Weight)
		nz(&k.Floor)
		nz(&k.Target)
		nz(&k.Cap)
		for j := range k.Levels {
			nz(&k.Levels[j].Score)
		}
	}
	for i := range sc.Gates {
		nz(sc.Gates[i].Min)
		nz(sc.Gates[i].Max)
	}
	for i := range sc.Grades {
		nz(&sc.Grades[i].MinScore)
	}
	if t := p.Table; t != nil {
		t.Rounding = t.Rounding.Applied()
		for i := range t.Tiers {
			tr := &t.Tiers[i]
			nz(&tr.From)
			nz(tr.To)
			nz(&tr.Rate)
			nz(&tr.Flat)
		}
		nz(t.Min)
		nz(t.Max)
	}
	if tg := p.Target; tg != nil {
		tg.Rounding = tg.Rounding.Applied()
		nz(&tg.Target)
		nz(&tg.Base)
		nz(&tg.PerUnit)
		nz(tg.Cap)
	}
	if p.TargetOn == "" && p.Target != nil {
		p.TargetOn = OnAttainment
	}
}
