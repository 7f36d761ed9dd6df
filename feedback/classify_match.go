package feedback

import (
	"sort"
	"unicode/utf8"
)

// Classify returns the winning rule for text: the highest-priority rule
// whose keywords occur and whose exclusions do not, compared after folding
// (see [Fold]). It does not allocate.
func (c *Classifier) Classify(text string) Result {
	sc := c.pool.Get().(*scratch)
	c.mark(text, sc)
	best := int32(-1)
	for _, r := range sc.touched {
		if sc.flags[r] == 1 && (best < 0 || c.rules[r].Priority > c.rules[best].Priority ||
			(c.rules[r].Priority == c.rules[best].Priority && r < best)) {
			best = r
		}
		sc.flags[r] = 0
	}
	sc.touched = sc.touched[:0]
	c.pool.Put(sc)
	if best < 0 {
		return Result{}
	}
	r := &c.rules[best]
	return Result{Matched: true, Category: r.Category, Rule: r.ID, Priority: r.Priority}
}

// mark runs the automaton over the folded text and sets the rule flags in
// sc: the hot path of Classify and Explain. scanAt is the same loop with
// positions kept, for the reporting methods.
func (c *Classifier) mark(text string, sc *scratch) {
	delta, class, nc := c.delta, &c.class, c.nclass
	outStart, script := c.outStart, c.script
	s := int32(0)
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			s = delta[int(s)*nc+int(class[b])] // the class table folds ASCII case
			i++
			if outStart[s] != outStart[s+1] {
				c.hit(s, sc)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		seg := text[i : i+size]
		i += size
		if fr := script.foldRune(r); fr != r || size == 1 { // size 1: invalid UTF-8
			seg = string(buf[:utf8.EncodeRune(buf[:], fr)])
		}
		for j := 0; j < len(seg); j++ {
			s = delta[int(s)*nc+int(class[seg[j]])]
			if outStart[s] != outStart[s+1] {
				c.hit(s, sc)
			}
		}
	}
}

// hit records the terms that end at state s.
func (c *Classifier) hit(s int32, sc *scratch) {
	for _, t := range c.outs[c.outStart[s]:c.outStart[s+1]] {
		for _, ref := range c.refs[c.refStart[t]:c.refStart[t+1]] {
			rule := ref >> 1
			if sc.flags[rule] == 0 {
				sc.touched = append(sc.touched, rule)
			}
			sc.flags[rule] |= 1 << (ref & 1)
		}
	}
}

// Explain returns every rule that matches text (keywords present, no
// exclusion present), best first: by priority, then by rule order.
func (c *Classifier) Explain(text string) []Match {
	sc := c.pool.Get().(*scratch)
	c.mark(text, sc)
	var idx []int32
	for _, r := range sc.touched {
		if sc.flags[r] == 1 {
			idx = append(idx, r)
		}
		sc.flags[r] = 0
	}
	sc.touched = sc.touched[:0]
	c.pool.Put(sc)
	sort.Slice(idx, func(i, j int) bool {
		a, b := idx[i], idx[j]
		if c.rules[a].Priority != c.rules[b].Priority {
			return c.rules[a].Priority > c.rules[b].Priority
		}
		return a < b
	})
	out := make([]Match, len(idx))
	for i, r := range idx {
		out[i] = Match{Rule: c.rules[r].ID, Category: c.rules[r].Category, Priority: c.rules[r].Priority}
	}
	return out
}
