package feedback

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Seed root-cause categories.
const (
	CategoryProductQuality = "product_quality"
	CategoryLogistics      = "logistics_delivery"
	CategoryServiceProcess = "service_process"
	// CategoryUncategorised is what CategoryTally records for a complaint
	// no rule matched (an empty category).
	CategoryUncategorised = "uncategorised"
)

// Category is a root-cause category complaints are classified into.
type Category struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Rule maps complaint text to a category: the rule matches when at least
// one of its Keywords occurs in the text and none of its Exclude terms does.
// Matching is by substring, so it needs no word splitting and works the same
// on Chinese and English; it is case-insensitive (Unicode simple lower-case
// mapping, the same as strings.ToLower). When several rules match, the
// highest Priority wins, and among equal priorities the rule listed first.
type Rule struct {
	ID       string   `json:"id"`
	Category string   `json:"category"`
	Keywords []string `json:"keywords"`
	Exclude  []string `json:"exclude,omitempty"`
	Priority int      `json:"priority"`
}

// RuleSet is the configuration a Classifier is built from: the categories
// and the rules, in order. It is a plain value with JSON tags.
type RuleSet struct {
	Categories []Category `json:"categories"`
	Rules      []Rule     `json:"rules"`
}

// SeedRuleSet returns a starting rule set with the three seed categories
// (product quality, logistics and delivery, service process) and keyword
// rules in Chinese and English. Append your own categories and rules, or
// edit these, before building a Classifier.
func SeedRuleSet() RuleSet {
	return RuleSet{
		Categories: []Category{
			{ID: CategoryProductQuality, Name: "Product quality", Description: "defects, faults, counterfeit or not as described"},
			{ID: CategoryLogistics, Name: "Logistics and delivery", Description: "late, lost or damaged deliveries, couriers, tracking"},
			{ID: CategoryServiceProcess, Name: "Service process", Description: "attitude, response, refunds, transfers, waiting"},
		},
		Rules: []Rule{
			{
				ID: "transit-damage", Category: CategoryLogistics, Priority: 40,
				Keywords: []string{"运输中损坏", "包装破损", "外包装破", "damaged in transit", "damaged package", "box was crushed"},
			},
			{
				ID: "product-defect", Category: CategoryProductQuality, Priority: 30,
				Keywords: []string{"质量", "坏了", "故障", "瑕疵", "假货", "不能用", "用不了", "破损", "defect", "broken", "faulty", "poor quality", "stopped working", "counterfeit", "fake", "not as described"},
				Exclude:  []string{"没有质量问题", "质量很好", "no defect", "quality is great"},
			},
			{
				ID: "delivery", Category: CategoryLogistics, Priority: 20,
				Keywords: []string{"快递", "物流", "配送", "送货", "发货", "没收到", "丢件", "延误", "delivery", "shipping", "courier", "delayed", "lost package", "not received", "never arrived", "tracking"},
			},
			{
				ID: "service", Category: CategoryServiceProcess, Priority: 10,
				Keywords: []string{"客服", "态度", "没人回复", "不回复", "推诿", "流程", "退款", "售后", "等了很久", "rude", "no response", "no reply", "refund", "on hold", "transferred", "customer service", "waited"},
			},
		},
	}
}

// Validate reports every problem in the rule set at once, with field
// paths: empty or duplicate ids, rules naming an unknown category, rules
// with no keyword, and empty keywords or exclusion terms.
func (rs RuleSet) Validate() error {
	var errs []error
	cats := make(map[string]bool, len(rs.Categories))
	for i, c := range rs.Categories {
		switch {
		case c.ID == "":
			errs = append(errs, fieldErr(pathf("categories[%d].id", i), "empty"))
		case cats[c.ID]:
			errs = append(errs, fieldErr(pathf("categories[%d].id", i), "duplicate category %q", c.ID))
		}
		cats[c.ID] = true
	}
	rules := make(map[string]bool, len(rs.Rules))
	for i, r := range rs.Rules {
		switch {
		case r.ID == "":
			errs = append(errs, fieldErr(pathf("rules[%d].id", i), "empty"))
		case rules[r.ID]:
			errs = append(errs, fieldErr(pathf("rules[%d].id", i), "duplicate rule %q", r.ID))
		}
		rules[r.ID] = true
		if !cats[r.Category] {
			errs = append(errs, fieldErr(pathf("rules[%d].category", i), "unknown category %q", r.Category))
		}
		if len(r.Keywords) == 0 {
			errs = append(errs, fieldErr(pathf("rules[%d].keywords", i), "no keywords"))
		}
		for j, k := range r.Keywords {
			if k == "" {
				errs = append(errs, fieldErr(pathf("rules[%d].keywords[%d]", i, j), "empty keyword"))
			}
		}
		for j, k := range r.Exclude {
			if k == "" {
				errs = append(errs, fieldErr(pathf("rules[%d].exclude[%d]", i, j), "empty exclusion"))
			}
		}
	}
	return errors.Join(errs...)
}

// Result is the outcome of classifying one text. Matched is false when no
// rule matched; Category and Rule are then empty.
type Result struct {
	Matched  bool   `json:"matched"`
	Category string `json:"category,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Priority int    `json:"priority,omitempty"`
}

// Match is one rule that matched a text, for explanations.
type Match struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Priority int    `json:"priority"`
}

// Classifier assigns complaint text to root-cause categories. It compiles
// every keyword and exclusion term of a RuleSet, case-folded, into one
// Aho–Corasick automaton (a dense DFA over byte classes), so classifying a
// text costs one pass over its bytes whatever the number of keywords.
//
// A Classifier is immutable once built and safe for concurrent use.
type Classifier struct {
	rules []Rule
	terms []string // folded, distinct

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
	c := &Classifier{rules: make([]Rule, len(rs.Rules))}
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

// foldRune is the case mapping applied to text and terms alike: Unicode
// simple lower case, as strings.ToLower. CJK blocks (U+3000–U+9FFF) have no
// case and skip the table lookup.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	if r >= 0x3000 && r <= 0x9FFF {
		return r
	}
	return unicode.ToLower(r)
}

// fold lower-cases s exactly as the classifier folds text (which equals
// strings.ToLower, including turning invalid UTF-8 into U+FFFD).
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

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
