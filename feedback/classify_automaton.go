package feedback

import (
	"sync"
	"unicode/utf8"
)

// Classifier assigns complaint text to root-cause categories. It folds
// every keyword and exclusion term of a RuleSet (lower case, simplified
// script: see [Fold]) and compiles them into one Aho–Corasick automaton (a
// dense DFA over byte classes); text is folded rune by rune as the
// automaton reads it. Classifying a text thus costs one pass over its bytes
// whatever the number of keywords, and a keyword written in simplified or
// traditional characters matches text in either script, or in both mixed.
//
// A Classifier is immutable once built and safe for concurrent use.
type Classifier struct {
	rules     []Rule
	terms     []string // folded, distinct
	termRunes []int32  // rune count of each term
	maxRunes  int      // the largest rune count
	script    *scriptTable

	// DFA: next state is delta[state*nclass+class[byte]].
	class  [256]uint8 // ASCII upper case maps to the class of its lower case
	nclass int
	delta  []int32
	// outputs: the terms ending at state s are outs[outStart[s]:outStart[s+1]].
	outStart []int32
	outs     []int32
	// refs: the rules that use term t are refs[refStart[t]:refStart[t+1]];
	// each ref is rule<<1 | 1 for an exclusion, rule<<1 for a keyword.
	refStart []int32
	refs     []int32

	pool sync.Pool // *scratch
}

type scratch struct {
	flags   []uint8 // per rule: bit 0 keyword seen, bit 1 exclusion seen
	touched []int32
}

// NewClassifier validates rs and builds a Classifier from it.
func NewClassifier(rs RuleSet) (*Classifier, error) {
	if err := rs.Validate(); err != nil {
		return nil, err
	}
	c := &Classifier{rules: make([]Rule, len(rs.Rules)), script: scripts()}
	for i, r := range rs.Rules {
		r.Keywords = append([]string(nil), r.Keywords...)
		r.Exclude = append([]string(nil), r.Exclude...)
		c.rules[i] = r
	}
	termID := make(map[string]int32)
	var termRefs [][]int32
	add := func(term string, ref int32) {
		f := fold(term)
		id, ok := termID[f]
		if !ok {
			id = int32(len(c.terms))
			termID[f] = id
			c.terms = append(c.terms, f)
			n := utf8.RuneCountInString(f)
			c.termRunes = append(c.termRunes, int32(n))
			c.maxRunes = max(c.maxRunes, n)
			termRefs = append(termRefs, nil)
		}
		for _, x := range termRefs[id] {
			if x == ref {
				return
			}
		}
		termRefs[id] = append(termRefs[id], ref)
	}
	for i, r := range c.rules {
		for _, k := range r.Keywords {
			add(k, int32(i)<<1)
		}
		for _, k := range r.Exclude {
			add(k, int32(i)<<1|1)
		}
	}
	c.refStart = make([]int32, len(c.terms)+1)
	for t, rs := range termRefs {
		c.refs = append(c.refs, rs...)
		c.refStart[t+1] = int32(len(c.refs))
	}
	c.build()
	nrules := len(c.rules)
	c.pool.New = func() any { return &scratch{flags: make([]uint8, nrules)} }
	return c, nil
}

// build compiles c.terms into the DFA.
func (c *Classifier) build() {
	// Byte classes: 0 for bytes in no term, one class per byte that occurs.
	var used [256]bool
	for _, t := range c.terms {
		for i := 0; i < len(t); i++ {
			used[t[i]] = true
		}
	}
	var raw [256]uint8
	n := 1
	for b := 0; b < 256; b++ {
		if used[b] {
			raw[b] = uint8(n)
			n++
		}
	}
	// 256 distinct bytes would overflow uint8 classes only if every byte
	// value occurred, which folded UTF-8 cannot produce (0xC0, 0xC1 and
	// 0xF5–0xFF never occur in valid UTF-8, and folding makes terms valid).
	c.nclass = n
	for b := 0; b < 256; b++ {
		lb := b
		if 'A' <= b && b <= 'Z' {
			lb = b + 'a' - 'A'
		}
		c.class[b] = raw[lb]
	}
	nc := c.nclass
	// Trie.
	delta := make([]int32, nc)
	for i := range delta {
		delta[i] = -1
	}
	termEnd := [][]int32{nil}
	states := 1
	for id, t := range c.terms {
		s := int32(0)
		for i := 0; i < len(t); i++ {
			cl := int(raw[t[i]])
			nx := delta[int(s)*nc+cl]
			if nx < 0 {
				nx = int32(states)
				states++
				delta[int(s)*nc+cl] = nx
				for j := 0; j < nc; j++ {
					delta = append(delta, -1)
				}
				termEnd = append(termEnd, nil)
			}
			s = nx
		}
		termEnd[s] = append(termEnd[s], int32(id))
	}
	// Breadth-first: failure links, DFA completion, output merging.
	fail := make([]int32, states)
	outputs := make([][]int32, states)
	outputs[0] = termEnd[0]
	queue := make([]int32, 0, states)
	for cl := 0; cl < nc; cl++ {
		v := delta[cl]
		if v < 0 {
			delta[cl] = 0
			continue
		}
		fail[v] = 0
		queue = append(queue, v)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		outputs[u] = append(append([]int32(nil), termEnd[u]...), outputs[fail[u]]...)
		for cl := 0; cl < nc; cl++ {
			i := int(u)*nc + cl
			v := delta[i]
			if v < 0 {
				delta[i] = delta[int(fail[u])*nc+cl]
				continue
			}
			fail[v] = delta[int(fail[u])*nc+cl]
			queue = append(queue, v)
		}
	}
	c.delta = delta
	c.outStart = make([]int32, states+1)
	for s := 0; s < states; s++ {
		c.outs = append(c.outs, outputs[s]...)
		c.outStart[s+1] = int32(len(c.outs))
	}
}

// Rules returns a copy of the classifier's rules.
func (c *Classifier) Rules() []Rule {
	out := make([]Rule, len(c.rules))
	for i, r := range c.rules {
		r.Keywords = append([]string(nil), r.Keywords...)
		r.Exclude = append([]string(nil), r.Exclude...)
		out[i] = r
	}
	return out
}

// ClassifierStats describes a built Classifier's automaton.
type ClassifierStats struct {
	Rules       int `json:"rules"`
	Terms       int `json:"terms"`        // distinct folded keywords and exclusions
	States      int `json:"states"`       // automaton states
	ByteClasses int `json:"byte_classes"` // distinct bytes in the terms, plus one
	TableBytes  int `json:"table_bytes"`  // size of the transition table
}

// Stats reports the size of the automaton. The transition table takes
// States × ByteClasses × 4 bytes, so memory grows with the total length of
// the keywords, while classification time does not.
func (c *Classifier) Stats() ClassifierStats {
	states := len(c.outStart) - 1
	return ClassifierStats{Rules: len(c.rules), Terms: len(c.terms), States: states, ByteClasses: c.nclass, TableBytes: len(c.delta) * 4}
}
