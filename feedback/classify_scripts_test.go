package feedback

import (
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassifySeedRulesBothScripts(t *testing.T) {
	c, err := NewClassifier(SeedRuleSet())
	require.NoError(t, err)
	naive := newNaive(SeedRuleSet())
	tests := []seedCase{
		// The two complaints from the issue, and their simplified forms.
		{"產品質量有問題", CategoryProductQuality, "product-defect"},
		{"产品质量有问题", CategoryProductQuality, "product-defect"},
		{"快遞一直沒收到", CategoryLogistics, "delivery"},
		{"快递一直没收到", CategoryLogistics, "delivery"},
		// Traditional text against the other seed rules.
		{"包裝破損，裡面的杯子也碎了，質量沒法說", CategoryLogistics, "transit-damage"},
		{"運輸中損壞，請賠償", CategoryLogistics, "transit-damage"},
		{"客服態度很差，等了很久沒人回覆", CategoryServiceProcess, "service"},
		{"售後推諉，退款遲遲不到", CategoryServiceProcess, "service"},
		{"快遞很快，沒有質量問題，就是客服不回覆", CategoryLogistics, "delivery"}, // product-defect excluded
		// Taiwan: 品質, 壞掉, 宅配, 回覆.
		{"品質很差，用兩天就壞掉了", CategoryProductQuality, "product-defect"},
		{"品質不良", CategoryProductQuality, "product-defect"},
		{"產品質檢合格，但是宅配延誤", CategoryLogistics, "delivery"}, // 品質 across two words is no keyword
		{"品質很好，但是宅配延誤三天", CategoryLogistics, "delivery"}, // product-defect excluded
		{"客服一直不回覆", CategoryServiceProcess, "service"},
		// Hong Kong: Cantonese 壞咗, 冇收到, 冇人回覆, and 速遞.
		{"部機壞咗，用唔到", CategoryProductQuality, "product-defect"},
		{"速遞話送咗，但我一直冇收到", CategoryLogistics, "delivery"},
		{"打咗好多次電話都冇人回覆", CategoryServiceProcess, "service"},
		// Mixed scripts, character by character, and with English.
		{"产品質量有问題", CategoryProductQuality, "product-defect"},
		{"快递一直沒收到", CategoryLogistics, "delivery"},
		{"COURIER 遞送太慢，還是沒收到", CategoryLogistics, "delivery"},
		{"The item is BROKEN, 質量太差", CategoryProductQuality, "product-defect"},
		// Nothing to find.
		{"謝謝，一切都好", "", ""},
		{"謝謝，一切都好 thanks", "", ""},
	}
	checkSeedCases(t, c, naive, tests, func(t *testing.T, text string, got Result) {
		// The same text in simplified characters classifies the same.
		assert.Equal(t, got, c.Classify(Fold(text)))
	})
	assert.Equal(t, []string{"快递", "没收到"}, c.Terms("快遞一直沒收到"))
	assert.Equal(t, []string{"质量"}, c.Terms("產品質量有問題"))
}

func TestClassifyUserKeywordsEitherScript(t *testing.T) {
	rs := SeedRuleSet()
	rs.Categories = append(rs.Categories, Category{ID: "pricing"}, Category{ID: "returns"})
	rs.Rules = append(rs.Rules,
		// Written in traditional characters, as a Hong Kong or Taiwan team would.
		Rule{ID: "price", Category: "pricing", Priority: 50, Keywords: []string{"價格太貴", "多收費"}, Exclude: []string{"價格合理"}},
		// Written in simplified characters, with a traditional duplicate.
		Rule{ID: "returns", Category: "returns", Priority: 45, Keywords: []string{"退货", "退貨", "换货"}, Exclude: []string{"已经退货"}},
	)
	c, err := NewClassifier(rs)
	require.NoError(t, err)
	naive := newNaive(rs)
	tests := []struct{ text, rule string }{
		{"价格太贵了", "price"},         // simplified text, traditional keyword
		{"價格太貴了", "price"},         // traditional text, traditional keyword
		{"价格太貴了", "price"},         // mixed
		{"被多收费了两次", "price"},       // 收費 -> 收费
		{"價格合理，但是价格太贵的是运费", ""},    // a traditional exclusion excludes simplified text... and nothing else matches
		{"退貨好麻煩", "returns"},       // traditional text, simplified keyword
		{"想换貨", "returns"},         // mixed
		{"已經退貨了，物流很慢", "delivery"}, // the simplified exclusion excludes traditional text
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := c.Classify(tt.text)
			assert.Equal(t, tt.rule, got.Rule)
			assert.Equal(t, naive.Classify(tt.text), got)
		})
	}
	// 退货 and 退貨 are one term; the rules keep the keywords as written.
	st := c.Stats()
	assert.Equal(t, len(newTermSet(rs)), st.Terms)
	assert.Equal(t, []string{"退货", "退貨", "换货"}, c.Rules()[5].Keywords)
	assert.Equal(t, []string{"价格太贵"}, c.Terms("價格太貴"))
}

// newTermSet is the set of folded keywords and exclusions of rs.
func newTermSet(rs RuleSet) map[string]bool {
	out := map[string]bool{}
	for _, r := range rs.Rules {
		for _, k := range append(append([]string(nil), r.Keywords...), r.Exclude...) {
			out[refFold(k)] = true
		}
	}
	return out
}

func TestFindPositions(t *testing.T) {
	c, err := NewClassifier(SeedRuleSet())
	require.NoError(t, err)
	// The Kelvin sign (3 bytes) folds to k (1 byte), \xff (1 byte) to
	// U+FFFD (3 bytes): positions must still be those of the text as given.
	text := "\u212aelvin：產品質量有問題？沒有質量問題！\xff快遞 DELIVERY"
	at := func(s string, from int) int {
		i := strings.Index(text[from:], s)
		require.GreaterOrEqual(t, i, 0, s)
		return from + i
	}
	q1 := at("質量", 0)
	ex := at("沒有質量問題", 0)
	q2 := at("質量", ex)
	kd := at("快遞", 0)
	dl := at("DELIVERY", 0)
	want := []Occurrence{
		{Term: "质量", Start: q1, End: q1 + len("質量"), Text: "質量", KeywordOf: []string{"product-defect"}},
		{Term: "没有质量问题", Start: ex, End: ex + len("沒有質量問題"), Text: "沒有質量問題", ExclusionOf: []string{"product-defect"}},
		{Term: "质量", Start: q2, End: q2 + len("質量"), Text: "質量", KeywordOf: []string{"product-defect"}},
		{Term: "快递", Start: kd, End: kd + len("快遞"), Text: "快遞", KeywordOf: []string{"delivery"}},
		{Term: "delivery", Start: dl, End: dl + len("DELIVERY"), Text: "DELIVERY", KeywordOf: []string{"delivery"}},
	}
	got := c.Find(text)
	assert.Equal(t, want, got)
	for _, o := range got {
		assert.Equal(t, o.Text, text[o.Start:o.End])
		assert.Equal(t, o.Term, Fold(o.Text))
	}
	// The exclusion wins over the keyword: the text is a delivery complaint.
	assert.Equal(t, "delivery", c.Classify(text).Rule)
	assert.Empty(t, c.Find(""))
	assert.Empty(t, c.Find("謝謝"))

	// A term used by several rules names them all, in rule order.
	rs := RuleSet{Categories: []Category{{ID: "x"}}, Rules: []Rule{
		{ID: "a", Category: "x", Keywords: []string{"質量"}},
		{ID: "b", Category: "x", Keywords: []string{"其他"}, Exclude: []string{"质量"}},
		{ID: "c", Category: "x", Keywords: []string{"质量", "質量"}},
	}}
	c2, err := NewClassifier(rs)
	require.NoError(t, err)
	assert.Equal(t, []Occurrence{{Term: "质量", Start: 0, End: 6, Text: "质量", KeywordOf: []string{"a", "c"}, ExclusionOf: []string{"b"}}}, c2.Find("质量"))
}

// toTraditional is an inverse of the table for tests: for every folded
// character, the first character that folds to it.
var toTraditional = sync.OnceValue(func() map[rune]rune {
	m := map[rune]rune{}
	for k, v := range refScript() {
		if old, ok := m[v]; !ok || k < old {
			m[v] = k
		}
	}
	return m
})

// traditionalize writes the runes of s whose bit is set in mask (bit i%64
// for the i-th rune) in a traditional form, where the table has one.
func traditionalize(s string, mask uint64) string {
	inv := toTraditional()
	var b strings.Builder
	i := 0
	for _, r := range s {
		if t, ok := inv[r]; ok && mask>>(i%64)&1 == 1 {
			r = t
		}
		b.WriteRune(r)
		i++
	}
	return b.String()
}

// findNaive is the reference for Find: every run of whole runes of text
// whose folded form equals a term.
func findNaive(text string, terms map[string]bool) []Occurrence {
	var starts []int
	var folded []rune
	for i, r := range text {
		starts = append(starts, i)
		folded = append(folded, []rune(refFold(string(r)))...)
	}
	starts = append(starts, len(text))
	var out []Occurrence
	for term := range terms {
		tr := []rune(term)
		for j := 0; j+len(tr) <= len(folded); j++ {
			if string(folded[j:j+len(tr)]) == term {
				s, e := starts[j], starts[j+len(tr)]
				out = append(out, Occurrence{Term: term, Start: s, End: e, Text: text[s:e]})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Start != out[b].Start {
			return out[a].Start < out[b].Start
		}
		return out[a].End < out[b].End
	})
	return out
}

// FuzzClassifyScripts checks the classifier against the naive matcher on
// folded text, with parts of the text and some keywords rewritten in
// traditional characters, and Find against a brute-force search.
func FuzzClassifyScripts(f *testing.F) {
	f.Add("产品质量有问题，快递一直没收到", "质量|快递|没收到|质量问", uint64(0xAAAA))
	f.Add("產品質量有問題 and the item is Broken", "质量|broken|問題|产品", uint64(0))
	f.Add("里面的东西坏了，等着客服回复", "里面|着客|回复|坏了", uint64(0xFFFF))
	f.Add("\xff\xc3质量\u212a", "\xc3质|k|质量", uint64(5))
	f.Add("𫝈𡞵㑮㛟", "𫝈|㛟", uint64(3))
	f.Fuzz(func(t *testing.T, text, keys string, mask uint64) {
		text = traditionalize(text, mask)
		var kws []string
		for i, k := range strings.Split(keys, "|") {
			if k != "" && len(kws) < 16 {
				if i%2 == 1 {
					k = traditionalize(k, ^mask)
				}
				kws = append(kws, k)
			}
		}
		if len(kws) == 0 {
			return
		}
		rs := fuzzRuleSet(kws)
		c, err := NewClassifier(rs)
		require.NoError(t, err)
		res := c.Classify(text)
		require.Equal(t, newNaive(rs).Classify(text), res)
		require.Equal(t, res, c.Classify(Fold(text)), "folding the text first changes nothing")

		got := c.Find(text)
		for i := range got {
			require.True(t, utf8.ValidString(got[i].Term))
			got[i].KeywordOf, got[i].ExclusionOf = nil, nil
		}
		// One span folds to one string, so (Start, End) orders them fully.
		require.Equal(t, findNaive(text, newTermSet(rs)), got)
	})
}
