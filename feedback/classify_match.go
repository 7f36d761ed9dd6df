package feedback

import (
	"sort"
	"unicode/utf8"
)

// scan runs the automaton over the folded bytes of text and calls emit with
// the id of every term occurrence.
func (c *Classifier) scan(text string, emit func(term int32)) {
	delta, class, nc := c.delta, &c.class, c.nclass
	outStart, outs := c.outStart, c.outs
	s := int32(0)
	step := func(b byte) {
		s = delta[int(s)*nc+int(class[b])]
		if lo, hi := outStart[s], outStart[s+1]; lo < hi {
			for _, t := range outs[lo:hi] {
				emit(t)
			}
		}
	}
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			step(b) // the class table folds ASCII case
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if lr := foldRune(r); lr != r || (r == utf8.RuneError && size == 1) {
			n := utf8.EncodeRune(buf[:], lr)
			for _, x := range buf[:n] {
				step(x)
			}
		} else {
			for j := i; j < i+size; j++ {
				step(text[j])
			}
		}
		i += size
	}
}

// Classify returns the winning rule for text: the highest-priority rule
// whose keywords occur and whose exclusions do not. It does not allocate.
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

// mark runs the automaton over text and sets the rule flags in sc. It is
// scan with the per-term work inlined, the hot path of Classify.
func (c *Classifier) mark(text string, sc *scratch) {
	delta, class, nc := c.delta, &c.class, c.nclass
	outStart := c.outStart
	s := int32(0)
	var buf [utf8.UTFMax]byte
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			s = delta[int(s)*nc+int(class[b])]
			i++
			if outStart[s] != outStart[s+1] {
				c.hit(s, sc)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		seg := text[i : i+size]
		i += size
		if lr := foldRune(r); lr != r || (r == utf8.RuneError && size == 1) {
			n := utf8.EncodeRune(buf[:], lr)
			seg = string(buf[:n])
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

// Terms returns the distinct keywords and exclusion terms, case-folded,
// that occur in text, sorted.
func (c *Classifier) Terms(text string) []string {
	seen := make(map[int32]bool)
	c.scan(text, func(t int32) { seen[t] = true })
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, c.terms[t])
	}
	sort.Strings(out)
	return out
}
