package feedback

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// naiveClassifier is the baseline: strings.Contains for every keyword on the
// folded text, with the same rule resolution as Classifier.
type naiveClassifier struct {
	rules  []Rule
	kw, ex [][]string
	fold   func(string) string
}

// newNaive is the reference matcher: text and keywords folded by refFold
// (lower case and simplified script), then strings.Contains.
func newNaive(rs RuleSet) *naiveClassifier { return newNaiveWith(rs, refFold) }

// newNaiveLower is the loop a user would write without script folding:
// strings.ToLower, then strings.Contains. It is blind to case only.
func newNaiveLower(rs RuleSet) *naiveClassifier { return newNaiveWith(rs, strings.ToLower) }

func newNaiveWith(rs RuleSet, fold func(string) string) *naiveClassifier {
	n := &naiveClassifier{rules: rs.Rules, fold: fold}
	for _, r := range rs.Rules {
		var kw, ex []string
		for _, k := range r.Keywords {
			kw = append(kw, fold(k))
		}
		for _, k := range r.Exclude {
			ex = append(ex, fold(k))
		}
		n.kw, n.ex = append(n.kw, kw), append(n.ex, ex)
	}
	return n
}

func (n *naiveClassifier) Classify(text string) Result {
	lower := n.fold(text)
	best := -1
	for i, r := range n.rules {
		hit := false
		for _, k := range n.kw[i] {
			if strings.Contains(lower, k) {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		excluded := false
		for _, k := range n.ex[i] {
			if strings.Contains(lower, k) {
				excluded = true
				break
			}
		}
		if !excluded && (best < 0 || r.Priority > n.rules[best].Priority) {
			best = i
		}
	}
	if best < 0 {
		return Result{}
	}
	r := n.rules[best]
	return Result{Matched: true, Category: r.Category, Rule: r.ID, Priority: r.Priority}
}

// seedCase is a text and the category and rule the seed rules give it
// ("" for none).
type seedCase struct{ text, category, rule string }

// checkSeedCases classifies every case with c, checks the category, rule
// and Matched against the case and the whole result against naive, and
// then runs also (when not nil) on the text and the result.
func checkSeedCases(t *testing.T, c *Classifier, naive *naiveClassifier, cases []seedCase, also func(t *testing.T, text string, got Result)) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.text, func(t *testing.T) {
			got := c.Classify(tt.text)
			assert.Equal(t, tt.category, got.Category)
			assert.Equal(t, tt.rule, got.Rule)
			assert.Equal(t, tt.category != "", got.Matched)
			assert.Equal(t, naive.Classify(tt.text), got)
			if also != nil {
				also(t, tt.text, got)
			}
		})
	}
}

func TestClassifySeedRules(t *testing.T) {
	c, err := NewClassifier(SeedRuleSet())
	require.NoError(t, err)
	tests := []seedCase{
		{"收到的耳机是坏了，根本不能用", CategoryProductQuality, "product-defect"},
		{"The blender STOPPED WORKING after two days", CategoryProductQuality, "product-defect"},
		{"快递三天了还没收到", CategoryLogistics, "delivery"},
		{"Courier says delivered but it never arrived", CategoryLogistics, "delivery"},
		{"包装破损，里面的杯子也碎了，质量没法说", CategoryLogistics, "transit-damage"}, // priority 40 beats 30
		{"客服态度很差，等了很久没人回复", CategoryServiceProcess, "service"},
		{"Agent was RUDE and I was Transferred three times", CategoryServiceProcess, "service"},
		{"快递很快，没有质量问题，就是客服不回复", CategoryLogistics, "delivery"}, // product-defect excluded
		{"Product works, quality is great, but the refund took a month", CategoryServiceProcess, "service"},
		{"物流fast, but the item is BROKEN 质量差", CategoryProductQuality, "product-defect"},
		{"谢谢，一切都好 thanks", "", ""},
		{"", "", ""},
	}
	checkSeedCases(t, c, newNaive(SeedRuleSet()), tests, nil)
	ex := c.Explain("包装破损，质量也差，客服不回复")
	require.Len(t, ex, 3)
	assert.Equal(t, []string{"transit-damage", "product-defect", "service"}, []string{ex[0].Rule, ex[1].Rule, ex[2].Rule})
	assert.Equal(t, []string{"delivery", "快递"}, c.Terms("DELIVERY by 快递"))
	assert.Len(t, c.Rules(), 4)
}

func TestClassifyCaseFolding(t *testing.T) {
	rs := RuleSet{
		Categories: []Category{{ID: "x"}},
		Rules: []Rule{
			{ID: "latin", Category: "x", Keywords: []string{"Ärger", "ÉCHEC", "straße"}},
		},
	}
	c, err := NewClassifier(rs)
	require.NoError(t, err)
	for _, text := range []string{"großer ärger", "GROSSER ÄRGER", "un échec", "UN ÉCHEC total", "STRAßE"} {
		assert.True(t, c.Classify(text).Matched, text)
	}
	assert.False(t, c.Classify("arger echec").Matched)
	// Invalid UTF-8 is treated like strings.ToLower treats it (as U+FFFD).
	assert.NotPanics(t, func() { c.Classify("\xff\xfe ärger \xc3") })
	assert.True(t, c.Classify("\xff\xfe ärger \xc3").Matched)
}

func TestFoldRuneSkipsOnlyCaselessCJK(t *testing.T) {
	for r := rune(0x3000); r <= 0x9FFF; r++ {
		require.Equal(t, r, unicode.ToLower(r), "U+%04X has a lower case", r)
	}
	for _, s := range []string{"ABC", "ÄÖÜ", "İSTANBUL", "ΣΊΣΥΦΟΣ", "ＡＢＣ", "\xff", "Kelvin \u212a"} {
		assert.Equal(t, strings.ToLower(s), fold(s), s)
	}
}

func TestRuleSetValidate(t *testing.T) {
	rs := RuleSet{
		Categories: []Category{{ID: "a"}, {ID: "a"}, {ID: ""}},
		Rules: []Rule{
			{ID: "", Category: "a", Keywords: []string{"x"}},
			{ID: "r", Category: "zzz", Keywords: nil},
			{ID: "r", Category: "a", Keywords: []string{""}, Exclude: []string{""}},
		},
	}
	err := rs.Validate()
	require.ErrorIs(t, err, ErrInvalidConfig)
	for _, p := range []string{
		"categories[1].id", "categories[2].id", "rules[0].id", "rules[1].category",
		"rules[1].keywords", "rules[2].id", "rules[2].keywords[0]", "rules[2].exclude[0]",
	} {
		assert.Contains(t, err.Error(), p)
	}
	_, err = NewClassifier(rs)
	require.ErrorIs(t, err, ErrInvalidConfig)
	require.NoError(t, SeedRuleSet().Validate())

	b, err := json.Marshal(SeedRuleSet())
	require.NoError(t, err)
	var back RuleSet
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, SeedRuleSet(), back)
}

func TestClassifierConcurrent(t *testing.T) {
	c, err := NewClassifier(SeedRuleSet())
	require.NoError(t, err)
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				assert.Equal(t, CategoryLogistics, c.Classify("快递 delayed again").Category)
				assert.Equal(t, CategoryServiceProcess, c.Classify("rude agent").Category)
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

func TestCategoryTallyTopMovers(t *testing.T) {
	tally, err := NewCategoryTally(Week, time.UTC)
	require.NoError(t, err)
	prev, cur := t0.Add(-7*24*time.Hour), t0
	add := func(at time.Time, cat string, n int64) { require.NoError(t, tally.AddN(at, cat, n)) }
	add(prev, CategoryLogistics, 10)
	add(prev, CategoryProductQuality, 5)
	add(prev, CategoryServiceProcess, 4)
	add(cur, CategoryLogistics, 30)
	add(cur, CategoryProductQuality, 2)
	add(cur, CategoryServiceProcess, 4)
	add(cur, "", 6)
	require.NoError(t, tally.Add(cur, "pricing"))

	wc := tally.Counts(cur)
	assert.EqualValues(t, 43, wc.Total)
	assert.EqualValues(t, 6, wc.Counts[CategoryUncategorised])

	m := tally.TopMovers(cur, 3)
	assert.Equal(t, "2026-W10", m.Window.Label())
	assert.Equal(t, "2026-W09", m.Previous.Label())
	require.Len(t, m.Movers, 3)
	assert.Equal(t, Mover{Category: CategoryLogistics, Current: 30, Previous: 10, Change: 20, ChangePercent: 200}, m.Movers[0])
	assert.Equal(t, Mover{Category: CategoryUncategorised, Current: 6, Change: 6, New: true}, m.Movers[1])
	assert.Equal(t, CategoryProductQuality, m.Movers[2].Category)
	assert.EqualValues(t, -3, m.Movers[2].Change)
	assert.InDelta(t, -60, m.Movers[2].ChangePercent, 1e-9)
	assert.Len(t, tally.TopMovers(cur, 0).Movers, 4, "service process did not move")
	assert.Len(t, tally.All(), 2)

	require.ErrorIs(t, tally.AddN(time.Time{}, "x", 1), ErrInvalidRecord)
	require.ErrorIs(t, tally.AddN(cur, "x", -1), ErrInvalidRecord)
	_, err = NewCategoryTally(0, nil)
	require.ErrorIs(t, err, ErrInvalidConfig)
}

// FuzzClassify checks that the classifier never panics and agrees with the
// naive matcher on which terms occur and on the result. keys holds up to 24
// keywords separated by "|", spread over three rules of which the last
// uses some of them as exclusions.
func FuzzClassify(f *testing.F) {
	f.Add("包装破损 and the item is Broken", "破损|BROKEN|item is|损")
	f.Add("ÄRGER mit dem Kurier", "ärger|kurier|KURIER|mit d")
	f.Add("\xff\xc3abc", "\xc3a|b|\xff")
	f.Add("aaaaab", "aab|ab|a|aaaa|b")
	f.Add("İstanbul ΣΊΣΥΦΟΣ straße", "i̇st|σίσ|STRASSE|ß")
	f.Add("產品質量有問題，快遞沒收到", "质量|快递|沒收到|質量問")
	f.Fuzz(func(t *testing.T, text, keys string) {
		var kws []string
		for _, k := range strings.Split(keys, "|") {
			if k != "" && len(kws) < 24 {
				kws = append(kws, k)
			}
		}
		if len(kws) == 0 {
			return
		}
		rs := fuzzRuleSet(kws)
		c, err := NewClassifier(rs)
		require.NoError(t, err)
		require.Equal(t, newNaive(rs).Classify(text), c.Classify(text))
		lower := refFold(text)
		var want []string
		for _, k := range kws {
			if lk := refFold(k); strings.Contains(lower, lk) && !contains(want, lk) {
				want = append(want, lk)
			}
		}
		assert.ElementsMatch(t, want, c.Terms(text))
		names := func(ms []Match) []string {
			var out []string
			for _, m := range ms {
				out = append(out, m.Rule)
			}
			return out
		}
		ex := c.Explain(text)
		if res := c.Classify(text); res.Matched {
			require.NotEmpty(t, ex)
			require.Equal(t, res.Rule, ex[0].Rule, "explain %v", names(ex))
		} else {
			require.Empty(t, ex)
		}
	})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestClassifyDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	c, err := NewClassifier(SeedRuleSet())
	require.NoError(t, err)
	for _, text := range []string{
		"ÄRGER: 包装破损 and the courier was RUDE, İSTANBUL \xff",
		"產品質量有問題，快遞一直沒收到，客服態度很差 𡞵㑮 \xff", // traditional characters folded
	} {
		allocs := testing.AllocsPerRun(100, func() { sinkResult = c.Classify(text) })
		assert.Zero(t, allocs, text)
	}
}

func TestCategoryTallyConcurrent(t *testing.T) {
	tally, err := NewCategoryTally(Day, time.UTC)
	require.NoError(t, err)
	cats := []string{CategoryLogistics, CategoryProductQuality, CategoryServiceProcess}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				at := t0.Add(time.Duration(i%3) * 24 * time.Hour)
				assert.NoError(t, tally.Add(at, cats[(g+i)%3]))
				if i%50 == 0 {
					tally.TopMovers(at, 2)
					tally.Counts(at)
					tally.All()
				}
			}
		}(g)
	}
	wg.Wait()
	var total int64
	for _, wc := range tally.All() {
		total += wc.Total
	}
	assert.EqualValues(t, 4*300, total)
	assert.EqualValues(t, 400, tally.Counts(t0).Total)
}

// fuzzRuleSet spreads fuzzed keywords over three rules of two categories
// (keyword j to rule j%3; the first half of them also excluded by the third
// rule), leaving out rules with no keyword.
func fuzzRuleSet(kws []string) RuleSet {
	rs := RuleSet{Categories: []Category{{ID: "a"}, {ID: "b"}}}
	for i := 0; i < 3; i++ {
		r := Rule{ID: "r" + string(rune('0'+i)), Category: rs.Categories[i%2].ID, Priority: i % 2}
		for j, k := range kws {
			if j%3 == i {
				r.Keywords = append(r.Keywords, k)
			}
		}
		if i == 2 {
			r.Exclude = kws[:(len(kws)+1)/2]
		}
		if len(r.Keywords) > 0 {
			rs.Rules = append(rs.Rules, r)
		}
	}
	return rs
}
