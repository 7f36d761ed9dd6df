package feedback

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:generate go run classify_script_gen.go

// Folding makes the classifier blind to case and to the script of Chinese
// text. Every rune is replaced by exactly one rune:
//
//   - letters by their Unicode simple lower case, as strings.ToLower does;
//   - traditional Chinese characters, and the forms used in Hong Kong and
//     Taiwan, by their simplified character (產 -> 产, 質 -> 质, 沒 -> 没,
//     遞 -> 递, 裡 and 裏 -> 里, 衞 -> 卫), from the table in
//     classify_script_table.go, derived from the OpenCC dictionaries;
//   - invalid UTF-8, byte by byte, by U+FFFD, as strings.ToLower does.
//
// The mapping is many-to-one and idempotent: a folded rune folds to
// itself. Some characters that simplified Chinese keeps apart fold
// together, because traditional text writes them alike: 著 folds to 着
// (Taiwan writes 著 for both zhù and zhe), 覆 to 复 (Taiwan's 回覆 is 回复),
// 乾 to 干, 於 to 于. Keywords and text are folded the same way, so a
// keyword matches in either script, and the worst this does is let a
// keyword written with one of those characters match a word that a
// simplified text writes with the other (a keyword 显著 matches 显着).
// Folding is by character only: words that differ between regions (品質
// for 质量 in Taiwan, 速遞 for 快递 in Hong Kong) need keywords of their
// own, as the seed rules have.
//
// Because a rune always folds to one rune, a match in the folded text is
// a run of whole runes of the original text: this is how Find reports
// positions in the text as given.

const (
	scriptLo = 0x3400 // first rune of the dense table: CJK Unified Ideographs Extension A
	scriptHi = 0xA000 // one past the CJK Unified Ideographs block
	// caselessLo starts the CJK symbols, kana, bopomofo and compatibility
	// blocks, which have no case (a test checks it) and no entry in the table.
	caselessLo = 0x3000
	// astralLo starts the supplementary ideographic plane; nothing from here
	// on has case.
	astralLo = 0x20000
)

// scriptTable is the character table in a form for fast lookup.
type scriptTable struct {
	// dense[r-scriptLo], for scriptLo <= r < scriptHi: 0 when r folds to
	// itself; 1 + an index into wide when r folds to a rune beyond the BMP;
	// otherwise the rune r folds to (which is at least scriptLo).
	dense []uint16
	wide  []rune
	// astral holds the entries for runes from astralLo on.
	astral map[rune]rune
}

// scripts returns the table, built on first use.
var scripts = sync.OnceValue(func() *scriptTable {
	t := &scriptTable{dense: make([]uint16, scriptHi-scriptLo), astral: make(map[rune]rune)}
	for s := scriptPairs; s != ""; {
		k, n := utf8.DecodeRuneInString(s)
		v, m := utf8.DecodeRuneInString(s[n:])
		s = s[n+m:]
		switch {
		case k < scriptLo || (k >= scriptHi && k < astralLo):
			// The generator writes no such pair (a test checks it); one
			// would be ignored rather than slow down every other rune.
		case k >= astralLo:
			t.astral[k] = v
		case v >= scriptLo && v <= 0xFFFF:
			t.dense[k-scriptLo] = uint16(v)
		default:
			t.wide = append(t.wide, v)
			t.dense[k-scriptLo] = uint16(len(t.wide))
		}
	}
	return t
})

// foldRune folds one rune: lower case, then simplified script.
func (t *scriptTable) foldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	case r >= scriptLo && r < scriptHi:
		switch v := t.dense[r-scriptLo]; {
		case v == 0:
			return r
		case v < scriptLo:
			return t.wide[v-1]
		default:
			return rune(v)
		}
	case r >= caselessLo && r < scriptLo:
		return r
	case r >= astralLo:
		if v, ok := t.astral[r]; ok {
			return v
		}
		return r
	}
	return unicode.ToLower(r)
}

// fold folds s as the classifier folds text and terms.
func fold(s string) string {
	t := scripts()
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(t.foldRune(r))
	}
	return b.String()
}

// Fold returns s as a Classifier compares it: lower-cased (Unicode simple
// lower case, as strings.ToLower), with traditional Chinese characters and
// their Hong Kong and Taiwan forms replaced by simplified ones (產品質量 ->
// 产品质量) and invalid UTF-8 replaced by U+FFFD. Each rune of s becomes
// exactly one rune, and Fold(Fold(s)) == Fold(s). The terms that
// [Classifier.Terms] and [Classifier.Find] report are in this form. The
// character table is derived from the OpenCC dictionaries (TSCharacters,
// HKVariants and TWVariants).
func Fold(s string) string { return fold(s) }
