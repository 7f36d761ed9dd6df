package incentive

import (
	"math/big"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const benchPeople = 100_000

// benchInputs returns n people with 8 KPI values each, deterministically.
func benchInputs(n int) []Input {
	r := rand.New(rand.NewPCG(6, 2026))
	dec := func(lo, hi int64, scale int) Decimal {
		d, _ := NewDecimal(lo+r.Int64N(hi-lo+1), scale)
		return d
	}
	labels := []string{"excellent", "good", "fair", "poor"}
	out := make([]Input, n)
	for i := range out {
		out[i] = Input{
			Person: "p" + itoa(i), Period: "2026-10",
			Quantity: dec(0, 4000, 1),
			Values: []Value{
				{KPI: "csat", Value: dec(600, 1000, 3)},
				{KPI: "fcr", Value: dec(40, 95, 2)},
				{KPI: "aht", Value: dec(200, 700, 0)},
				{KPI: "asa", Value: dec(10, 80, 0)},
				{KPI: "nps", Value: dec(-20, 80, 0)},
				{KPI: "complaints", Value: dec(0, 600, 4)},
				{KPI: "compliance", Value: dec(950, 1000, 3)},
				{KPI: "attitude", Label: labels[r.IntN(len(labels))]},
			},
		}
	}
	return out
}

func itoa(i int) string { return DecimalFromInt(int64(i)).String() }

// halfUpPlan is servicePlan rounding ties away from zero everywhere, which
// is what big.Rat.FloatString does, so the naive baseline computes exactly
// the same statements.
func halfUpPlan() Plan {
	p := servicePlan()
	p.Scorecard.Rounding = HalfUp
	p.Table.Rounding = HalfUp
	p.Target.Rounding = HalfUp
	return p
}

// BenchmarkStatements runs 100,000 people with 8 KPIs each through the
// scorecard, the tier table, the target bonus and the statement. One
// iteration is one pass over all people; ns/person is the headline figure.
// After the timed loop it times the naive big.Rat implementation a user
// might write on the same people and reports both and their ratio.
func BenchmarkStatements(b *testing.B) {
	c := mustCompile(b, halfUpPlan())
	ins := benchInputs(benchPeople)
	naive := newNaivePlan(halfUpPlan())
	nins := naiveInputs(ins)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for b.Loop() {
		for i := range ins {
			if _, err := c.Statement(ins[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	cpu := processCPU() - cpu0
	perPerson := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / benchPeople
	b.ReportMetric(perPerson, "ns/person")
	b.ReportMetric(0, "ns/op")

	start, ncpu0 := time.Now(), processCPU()
	for i := range nins {
		naive.statement(nins[i])
	}
	naivePer := float64(time.Since(start).Nanoseconds()) / benchPeople
	ncpu := processCPU() - ncpu0
	b.ReportMetric(naivePer, "naive-ns/person")
	b.ReportMetric(naivePer/perPerson, "speedup-x")
	if cpu > 0 && ncpu > 0 {
		cpuPer := float64(cpu.Nanoseconds()) / float64(b.N) / benchPeople
		b.ReportMetric(cpuPer, "cpu-ns/person")
		b.ReportMetric(float64(ncpu.Nanoseconds())/benchPeople, "naive-cpu-ns/person")
	}
}

// BenchmarkStatementsNaiveBigRat is the naive big.Rat implementation on its
// own, for benchstat comparisons.
func BenchmarkStatementsNaiveBigRat(b *testing.B) {
	naive := newNaivePlan(halfUpPlan())
	nins := naiveInputs(benchInputs(benchPeople))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range nins {
			naive.statement(nins[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchPeople, "ns/person")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkTableEvaluate(b *testing.B) {
	tb := stripeTiers(Graduated)
	q := MustDecimal("97.5")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tb.Evaluate(q); err != nil {
			b.Fatal(err)
		}
	}
}

// splitWeights returns 50 weights as Decimals and as big.Rats.
func splitWeights() ([]Decimal, []*big.Rat) {
	w := make([]Decimal, 50)
	rw := make([]*big.Rat, 50)
	for i := range w {
		w[i], _ = NewDecimal(int64(800+i*7), 3)
		rw[i] = rat(w[i])
	}
	return w, rw
}

// BenchmarkSplit splits a pool among 50 weights and then times the
// big.Rat largest-remainder split a careful user would write, reporting
// the ratio.
func BenchmarkSplit(b *testing.B) {
	w, rw := splitWeights()
	pool := MustMoney("USD 12345.67")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pool.Split(w); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	per := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	const naiveRuns = 2000
	start := time.Now()
	for range naiveRuns {
		naiveSplit(pool.Minor, rw)
	}
	naivePer := float64(time.Since(start).Nanoseconds()) / naiveRuns
	b.ReportMetric(naivePer, "naive-ns/op")
	b.ReportMetric(naivePer/per, "speedup-x")
}

// naiveSplit is largest remainder with big.Rat throughout.
func naiveSplit(total int64, weights []*big.Rat) []int64 {
	sum := new(big.Rat)
	for _, w := range weights {
		sum.Add(sum, w)
	}
	out := make([]int64, len(weights))
	rems := make([]*big.Rat, len(weights))
	given := int64(0)
	t := new(big.Rat).SetInt64(total)
	for i, w := range weights {
		share := new(big.Rat).Quo(new(big.Rat).Mul(t, w), sum)
		fl := new(big.Int).Quo(share.Num(), share.Denom())
		out[i] = fl.Int64()
		given += out[i]
		rems[i] = new(big.Rat).Sub(share, new(big.Rat).SetInt(fl))
	}
	idx := make([]int, len(weights))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, c int) bool { return rems[idx[a]].Cmp(rems[idx[c]]) > 0 })
	for _, i := range idx[:total-given] {
		out[i]++
	}
	return out
}

func TestNaiveSplitAgrees(t *testing.T) {
	w, rw := splitWeights()
	parts, err := MustMoney("USD 12345.67").Split(w)
	require.NoError(t, err)
	want := naiveSplit(1234567, rw)
	for i := range parts {
		assert.Equal(t, want[i], parts[i].Minor, i)
	}
}

// ---- the naive baseline: big.Rat throughout, rounding through FloatString.

type naiveKPI struct {
	id                         string
	weight, floor, target, cap *big.Rat
	levels                     map[string]*big.Rat
}

type naiveTier struct {
	name     string
	from, to *big.Rat
	rate     *big.Rat
}

type naivePlan struct {
	kpis                               []naiveKPI
	gateKPI                            int
	gateMin                            *big.Rat
	grades                             []string
	gradeMin                           []*big.Rat
	tiers                              []naiveTier
	target, base, perUnit, tcap, hundr *big.Rat
}

type naiveInput struct {
	person string
	values map[string]*big.Rat
	labels map[string]string
	qty    *big.Rat
}

type naiveLine struct {
	tier, qty, rate, amount string
}

type naiveStatement struct {
	person string
	scores []string
	total  string
	grade  string
	lines  []naiveLine
	amount string
}

func rat(d Decimal) *big.Rat {
	r, _ := new(big.Rat).SetString(d.String())
	return r
}

func newNaivePlan(p Plan) *naivePlan {
	n := &naivePlan{hundr: big.NewRat(100, 1)}
	for i, k := range p.Scorecard.KPIs {
		nk := naiveKPI{id: k.ID, weight: rat(k.Weight), floor: rat(k.Floor), target: rat(k.Target), cap: rat(k.Cap)}
		if len(k.Levels) > 0 {
			nk.levels = map[string]*big.Rat{}
			for _, l := range k.Levels {
				nk.levels[l.Label] = rat(l.Score)
			}
		}
		if k.ID == p.Scorecard.Gates[0].KPI {
			n.gateKPI = i
		}
		n.kpis = append(n.kpis, nk)
	}
	n.gateMin = rat(*p.Scorecard.Gates[0].Min)
	for _, g := range p.Scorecard.Grades {
		n.grades = append(n.grades, g.Name)
		n.gradeMin = append(n.gradeMin, rat(g.MinScore))
	}
	for _, t := range p.Table.Tiers {
		nt := naiveTier{name: t.Name, from: rat(t.From), rate: rat(t.Rate)}
		if t.To != nil {
			nt.to = rat(*t.To)
		}
		n.tiers = append(n.tiers, nt)
	}
	n.target, n.base, n.perUnit, n.tcap = rat(p.Target.Target), rat(p.Target.Base), rat(p.Target.PerUnit), rat(*p.Target.Cap)
	return n
}

func naiveInputs(ins []Input) []naiveInput {
	out := make([]naiveInput, len(ins))
	for i, in := range ins {
		ni := naiveInput{person: in.Person, values: map[string]*big.Rat{}, labels: map[string]string{}, qty: rat(in.Quantity)}
		for _, v := range in.Values {
			if v.Label != "" {
				ni.labels[v.KPI] = v.Label
			} else {
				ni.values[v.KPI] = rat(v.Value)
			}
		}
		out[i] = ni
	}
	return out
}

// round4 rounds through FloatString, as a user of big.Rat would.
func roundVia(r *big.Rat, places int) *big.Rat {
	out, _ := new(big.Rat).SetString(r.FloatString(places))
	return out
}

func (n *naivePlan) statement(in naiveInput) naiveStatement {
	st := naiveStatement{person: in.person}
	total := new(big.Rat)
	zero := new(big.Rat)
	passed := true
	for i, k := range n.kpis {
		var s *big.Rat
		if k.levels != nil {
			s = k.levels[in.labels[k.id]]
		} else {
			x := in.values[k.id]
			num := new(big.Rat).Sub(x, k.floor)
			den := new(big.Rat).Sub(k.target, k.floor)
			s = roundVia(num.Quo(num, den), 4)
			if s.Cmp(zero) < 0 {
				s = zero
			}
			if s.Cmp(k.cap) > 0 {
				s = k.cap
			}
			if i == n.gateKPI && x.Cmp(n.gateMin) < 0 {
				passed = false
			}
		}
		st.scores = append(st.scores, s.FloatString(4))
		total.Add(total, new(big.Rat).Mul(k.weight, s))
	}
	total = roundVia(total, 4)
	st.total = total.FloatString(4)
	for i, g := range n.gradeMin {
		if total.Cmp(g) >= 0 {
			st.grade = n.grades[i]
			break
		}
	}
	sum := new(big.Rat)
	for _, t := range n.tiers {
		if in.qty.Cmp(t.from) < 0 {
			break
		}
		upper := in.qty
		if t.to != nil && in.qty.Cmp(t.to) > 0 {
			upper = t.to
		}
		part := new(big.Rat).Sub(upper, t.from)
		amt := roundVia(new(big.Rat).Mul(part, t.rate), 2)
		sum.Add(sum, amt)
		st.lines = append(st.lines, naiveLine{t.name, part.FloatString(4), t.rate.FloatString(2), amt.FloatString(2)})
	}
	att := new(big.Rat).Mul(total, n.hundr)
	if att.Cmp(n.target) >= 0 {
		bonus := new(big.Rat).Set(n.base)
		extra := roundVia(new(big.Rat).Mul(new(big.Rat).Sub(att, n.target), n.perUnit), 2)
		bonus.Add(bonus, extra)
		if bonus.Cmp(n.tcap) > 0 {
			bonus = n.tcap
		}
		sum.Add(sum, bonus)
		st.lines = append(st.lines, naiveLine{"target", att.FloatString(4), n.perUnit.FloatString(2), bonus.FloatString(2)})
	}
	if !passed {
		sum = zero
	}
	st.amount = sum.FloatString(2)
	return st
}

// TestNaiveBaselineAgrees keeps the baseline honest: on the benchmark's
// people it computes the same scores and the same totals to the cent.
func TestNaiveBaselineAgrees(t *testing.T) {
	c := mustCompile(t, halfUpPlan())
	naive := newNaivePlan(halfUpPlan())
	ins := benchInputs(2000)
	for i, ni := range naiveInputs(ins) {
		st, err := c.Statement(ins[i])
		require.NoError(t, err)
		ns := naive.statement(ni)
		assert.Equal(t, st.Score.String(), ns.total, ins[i].Person)
		got, err := ParseAmount("USD", ns.amount)
		require.NoError(t, err)
		assert.Equal(t, st.Total.Minor, got.Minor, "%s: naive %s, sqkit %s", ins[i].Person, ns.amount, st.Total)
	}
}
