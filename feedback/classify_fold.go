package feedback

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
