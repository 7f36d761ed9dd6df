package feedback

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// classifyCorpus builds the benchmark workload: 1,000 keywords (half
// Chinese, half English) in 50 rules, and texts of exactly 200 characters
// mixing Chinese characters and English words of either case, about half of
// them containing one or two keywords.
func classifyCorpus() (RuleSet, []string) {
	rng := rand.New(rand.NewPCG(7, 11))
	same := func(s string) string { return s }
	return buildCorpus(rng, corpusForm{
		han:     func() rune { return rune(0x4E00 + rng.IntN(600)) }, // a small alphabet, so prefixes collide
		keyword: func(_ int, k string) string { return k },
		text:    same,
		key:     same,
	})
}

var sinkResult Result

// classifyScriptsCorpus builds a workload in traditional characters: 1,000
// keywords (half Chinese, half English) in 50 rules, the Chinese ones drawn
// from 600 characters that have a traditional form and 400 that have none,
// written in simplified characters except every third one, which is written
// in traditional characters; and texts of exactly 200 characters as a Hong
// Kong or Taiwan customer writes them, every Chinese character in its
// traditional form, English words of either case mixed in, about half of
// them containing one or two keywords.
func classifyScriptsCorpus() (RuleSet, []string) {
	rng := rand.New(rand.NewPCG(13, 17))
	inv := toTraditional()
	var both, same []rune
	for r := rune(0x4E00); r <= 0x9FA5 && len(same) < 400; r++ {
		if _, ok := refScript()[r]; !ok {
			if _, ok := inv[r]; !ok && r%7 == 0 {
				same = append(same, r)
			}
		}
	}
	var simp []rune
	for v, k := range inv {
		if v >= 0x4E00 && v <= 0x9FA5 && k >= 0x4E00 && k <= 0x9FA5 {
			simp = append(simp, v)
		}
	}
	slices.Sort(simp)
	for i := 0; len(both) < 600; i++ {
		both = append(both, simp[i*len(simp)/600])
	}
	alphabet := append(both, same...)
	trad := func(s string) string { return traditionalize(s, ^uint64(0)) }
	return buildCorpus(rng, corpusForm{
		han: func() rune { return alphabet[rng.IntN(len(alphabet))] },
		keyword: func(i int, k string) string {
			if i%3 == 0 {
				return trad(k)
			}
			return k
		},
		text: trad,
		key:  refFold,
	})
}

// corpusForm is how a classifier workload writes its Chinese: the
// characters it draws from (han), how the i-th keyword is written, how
// Chinese is written in the texts, and what makes two keywords the same.
type corpusForm struct {
	han     func() rune
	keyword func(i int, k string) string
	text    func(string) string
	key     func(string) string
}

// buildCorpus builds 1,000 distinct keywords (even ones Chinese, odd ones
// one or two English words) in 50 rules of 20, and 512 texts of exactly 200
// characters: one draw in 20 a keyword, 7 in 20 an English word of either
// case, the rest a Chinese character.
func buildCorpus(rng *rand.Rand, f corpusForm) (RuleSet, []string) {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	word := func() string {
		n := 3 + rng.IntN(6)
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	var keywords []string
	seen := map[string]bool{}
	for len(keywords) < 1000 {
		var k string
		if len(keywords)%2 == 0 {
			rs := make([]rune, 2+rng.IntN(3))
			for i := range rs {
				rs[i] = f.han()
			}
			k = f.keyword(len(keywords), string(rs))
		} else {
			k = word()
			if rng.IntN(3) == 0 {
				k += " " + word()
			}
		}
		if !seen[f.key(k)] {
			seen[f.key(k)] = true
			keywords = append(keywords, k)
		}
	}
	rs := RuleSet{Categories: SeedRuleSet().Categories}
	rs.Categories = append(rs.Categories, Category{ID: "custom", Name: "User-defined"})
	for i := 0; i < 50; i++ {
		rs.Rules = append(rs.Rules, Rule{
			ID:       "r" + strconv.Itoa(i),
			Category: rs.Categories[i%len(rs.Categories)].ID,
			Keywords: keywords[i*20 : (i+1)*20],
			Priority: rng.IntN(5),
		})
	}
	texts := make([]string, 512)
	for i := range texts {
		var b strings.Builder
		for utf8.RuneCountInString(b.String()) < 200 {
			switch x := rng.IntN(20); {
			case x == 0:
				b.WriteString(f.text(keywords[rng.IntN(len(keywords))]))
			case x < 8:
				w := word()
				if rng.IntN(2) == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				b.WriteString(" " + w + " ")
			default:
				b.WriteString(f.text(string(f.han())))
			}
		}
		texts[i] = string([]rune(b.String())[:200])
	}
	return rs, texts
}

// BenchmarkClassify measures the Aho–Corasick classifier on 1,000 keywords
// and 200-character mixed texts, and in the same run times two baselines on
// the same texts: the naive strings.ToLower + strings.Contains loop,
// reporting the speed-up as "x-vs-naive", and the same loop on text and
// keywords folded to simplified characters first (what the classifier
// computes), as "x-vs-fold-naive".
func BenchmarkClassify(b *testing.B) {
	rs, texts := classifyCorpus()
	benchClassify(b, rs, texts)
}

// BenchmarkClassifyTraditional is BenchmarkClassify on texts written in
// traditional characters against keywords in both scripts
// (classifyScriptsCorpus). The plain naive loop misses most of the
// keywords there; it is timed as the cost baseline all the same.
func BenchmarkClassifyTraditional(b *testing.B) {
	rs, texts := classifyScriptsCorpus()
	benchClassify(b, rs, texts)
}

func benchClassify(b *testing.B, rs RuleSet, texts []string) {
	c, err := NewClassifier(rs)
	if err != nil {
		b.Fatal(err)
	}
	st := c.Stats()
	naive, foldNaive := newNaiveLower(rs), newNaive(rs)
	matched, missed := 0, 0
	for _, t := range texts {
		got := c.Classify(t)
		if want := foldNaive.Classify(t); got != want {
			b.Fatalf("classifier and naive disagree on %q: %+v vs %+v", t, got, want)
		}
		if got.Matched {
			matched++
			if !naive.Classify(t).Matched {
				missed++
			}
		}
	}
	b.Logf("automaton: %d terms, %d states, %d byte classes, %d KiB table; %d of %d texts match, %d of them missed by the loop without script folding",
		st.Terms, st.States, st.ByteClasses, st.TableBytes/1024, matched, len(texts), missed)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkResult = c.Classify(texts[i%len(texts)])
	}
	b.StopTimer()
	ours := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	// Baselines in the same run, on the same texts.
	const naiveTexts = 2048
	timeIt := func(n *naiveClassifier) float64 {
		start := time.Now()
		for i := 0; i < naiveTexts; i++ {
			sinkResult = n.Classify(texts[i%len(texts)])
		}
		return float64(time.Since(start).Nanoseconds()) / naiveTexts
	}
	naiveNs := timeIt(naive)
	foldNs := timeIt(foldNaive)
	b.ReportMetric(naiveNs, "naive-ns/op")
	b.ReportMetric(naiveNs/ours, "x-vs-naive")
	b.ReportMetric(foldNs/ours, "x-vs-fold-naive")
}

// BenchmarkClassifyNaive is the baseline on its own: strings.ToLower on the
// text, then strings.Contains for each of the 1,000 keywords.
func BenchmarkClassifyNaive(b *testing.B) {
	rs, texts := classifyCorpus()
	naive := newNaiveLower(rs)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkResult = naive.Classify(texts[i%len(texts)])
	}
}

// BenchmarkNewClassifier measures building the automaton once.
func BenchmarkNewClassifier(b *testing.B) {
	rs, _ := classifyCorpus()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := NewClassifier(rs); err != nil {
			b.Fatal(err)
		}
	}
}
