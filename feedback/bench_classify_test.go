package feedback

import (
	"math/rand/v2"
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
	han := func() rune { return rune(0x4E00 + rng.IntN(600)) } // a small alphabet, so prefixes collide
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
			n := 2 + rng.IntN(3)
			rs := make([]rune, n)
			for i := range rs {
				rs[i] = han()
			}
			k = string(rs)
		} else {
			k = word()
			if rng.IntN(3) == 0 {
				k += " " + word()
			}
		}
		if !seen[k] {
			seen[k] = true
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
				b.WriteString(keywords[rng.IntN(len(keywords))])
			case x < 8:
				w := word()
				if rng.IntN(2) == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				b.WriteString(" " + w + " ")
			default:
				b.WriteRune(han())
			}
		}
		texts[i] = string([]rune(b.String())[:200])
	}
	return rs, texts
}

var sinkResult Result

// BenchmarkClassify measures the Aho–Corasick classifier on 1,000 keywords
// and 200-character mixed texts, and in the same run times the naive
// strings.Contains loop on the same texts, reporting the speed-up as
// "x-vs-naive".
func BenchmarkClassify(b *testing.B) {
	rs, texts := classifyCorpus()
	c, err := NewClassifier(rs)
	if err != nil {
		b.Fatal(err)
	}
	st := c.Stats()
	b.Logf("automaton: %d terms, %d states, %d byte classes, %d KiB table", st.Terms, st.States, st.ByteClasses, st.TableBytes/1024)
	naive := newNaive(rs)
	for _, t := range texts {
		if got, want := c.Classify(t), naive.Classify(t); got != want {
			b.Fatalf("classifier and naive disagree on %q: %+v vs %+v", t, got, want)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkResult = c.Classify(texts[i%len(texts)])
	}
	b.StopTimer()
	ours := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	// Baseline in the same run, on the same texts.
	const naiveTexts = 2048
	start := time.Now()
	for i := 0; i < naiveTexts; i++ {
		sinkResult = naive.Classify(texts[i%len(texts)])
	}
	naiveNs := float64(time.Since(start).Nanoseconds()) / naiveTexts
	b.ReportMetric(naiveNs, "naive-ns/op")
	b.ReportMetric(naiveNs/ours, "x-vs-naive")
}

// BenchmarkClassifyNaive is the baseline on its own: strings.ToLower on the
// text, then strings.Contains for each of the 1,000 keywords.
func BenchmarkClassifyNaive(b *testing.B) {
	rs, texts := classifyCorpus()
	naive := newNaive(rs)
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
