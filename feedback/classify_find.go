package feedback

import (
	"sort"
	"unicode/utf8"
)

// Occurrence is one place in a text where a keyword or exclusion term
// occurs: the evidence behind a classification.
type Occurrence struct {
	// Term is the term as folded (see [Fold]), as [Classifier.Terms]
	// reports it.
	Term string `json:"term"`
	// Start and End are the byte offsets in the text as given of the first
	// byte of the occurrence and of the byte after it, so that Text ==
	// text[Start:End], whatever the script or case of the text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Text is the occurrence as written in the text, for example 質量 for
	// the term 质量.
	Text string `json:"text"`
	// KeywordOf and ExclusionOf list the ids of the rules that have the
	// term as a keyword or as an exclusion, in rule order.
	KeywordOf   []string `json:"keyword_of,omitempty"`
	ExclusionOf []string `json:"exclusion_of,omitempty"`
}

// scanAt runs the automaton over the folded text, as mark does, and calls
// emit for every term occurrence with its byte offsets in text.
//
// Folding turns every rune of text into exactly one rune, and a term (valid
// UTF-8) can only match the folded text (valid UTF-8) from the first byte
// of a rune to the last byte of a rune. So an occurrence of a term of n
// runes that ends in the folded form of the k-th rune of text starts at the
// (k-n+1)-th rune of text: a ring of the start offsets of the last
// maxRunes runes is enough to find it.
func (c *Classifier) scanAt(text string, emit func(term int32, start, end int)) {
	delta, class, nc := c.delta, &c.class, c.nclass
	outStart, outs := c.outStart, c.outs
	m := max(c.maxRunes, 1)
	ring := make([]int, m)
	s := int32(0)
	var buf [utf8.UTFMax]byte
	for i, k := 0, 0; i < len(text); k++ {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		seg := text[i : i+size]
		if fr := c.script.foldRune(r); fr != r || (size == 1 && r >= utf8.RuneSelf) {
			seg = string(buf[:utf8.EncodeRune(buf[:], fr)])
		}
		ring[k%m] = i
		i += size
		for j := 0; j < len(seg); j++ {
			s = delta[int(s)*nc+int(class[seg[j]])]
			for _, t := range outs[outStart[s]:outStart[s+1]] {
				start := 0
				if first := k - int(c.termRunes[t]) + 1; first >= 0 {
					start = ring[first%m]
				}
				emit(t, start, i)
			}
		}
	}
}

// Terms returns the distinct keywords and exclusion terms, folded (see
// [Fold]), that occur in text, sorted.
func (c *Classifier) Terms(text string) []string {
	seen := make(map[int32]bool)
	c.scanAt(text, func(t int32, _, _ int) { seen[t] = true })
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, c.terms[t])
	}
	sort.Strings(out)
	return out
}

// Find returns every occurrence of a keyword or exclusion term in text,
// overlapping ones included, ordered by Start, then by End. Each carries
// its position in text as given and the text it matched there, so a host
// can show or highlight the evidence for [Classifier.Classify] and
// [Classifier.Explain] in the customer's own words and script.
func (c *Classifier) Find(text string) []Occurrence {
	var out []Occurrence
	c.scanAt(text, func(t int32, start, end int) {
		o := Occurrence{Term: c.terms[t], Start: start, End: end, Text: text[start:end]}
		for _, ref := range c.refs[c.refStart[t]:c.refStart[t+1]] {
			id := c.rules[ref>>1].ID
			if ref&1 == 0 {
				o.KeywordOf = append(o.KeywordOf, id)
			} else {
				o.ExclusionOf = append(o.ExclusionOf, id)
			}
		}
		out = append(out, o)
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Start != out[j].Start {
			return out[i].Start < out[j].Start
		}
		return out[i].End < out[j].End
	})
	return out
}
