//go:build ignore

// Command classify_script_gen writes classify_script_table.go, the table
// with which the classifier folds traditional Chinese characters, and the
// Hong Kong and Taiwan variant forms of them, to simplified characters.
//
// Usage (from the feedback directory; go generate runs the first form):
//
//	go run classify_script_gen.go            # regenerate from testdata/classify_opencc
//	go run classify_script_gen.go -fetch     # first refresh testdata/classify_opencc from the module
//
// The source is the Open Chinese Convert (OpenCC) character dictionaries
// (Apache License 2.0) as vendored by the Go module named in sourceModule.
// With -fetch the command asks the go command to download that module (it
// checks the module's checksum against sourceSum and the checksum
// database), and copies the three dictionaries and the licence into
// testdata/classify_opencc, so the table can be regenerated and tested
// without a network. The module is never a dependency of sqkit.
//
// How the table is derived:
//
//  1. TSCharacters.txt maps each traditional character to one or more
//     simplified candidates; the first, OpenCC's default, is taken, except
//     where the default is the character itself and there is another: then
//     the first other one. Those eight characters (覆 彷 牴 瞭 祇 衹 藉 阪)
//     stay in simplified text in some words and are simplified in others,
//     which OpenCC decides by its phrase tables; a keyword matcher cannot,
//     and Taiwan's 回覆 (reply) must match 回复, so 覆 folds to 复 (and 覆盖
//     to 复盖, on the keyword side as on the text side). Every candidate
//     counts as a simplified form.
//  2. HKVariants.txt and TWVariants.txt map OpenCC's standard traditional
//     form to the form used in Hong Kong or Taiwan. Each regional form is
//     mapped back to the standard form, unless it is itself a key of
//     TSCharacters (whose own mapping then applies) or a simplified form
//     (so simplified text is never rewritten through a regional table:
//     Taiwan writes 么 for 幺, but 么 is the simplified 么 of 什么 and
//     stays). Among others this folds 裡 and 裏 to 里, 衞 to 卫, and 著
//     to 着: Taiwan writes 著 for both zhù and zhe/zháo, so 著 and 着
//     fold together (many-to-one is what folding is for; in simplified
//     text 著 in 著名 or 显著 then matches the same as 着 would, which no
//     keyword list tells apart).
//  3. Both steps are repeated until nothing changes, so the result of
//     folding is never folded further (薴 -> 苧 -> 苎). A cycle is an
//     error.
//
// Only characters whose folded form differs from themselves are written.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

const (
	sourceModule  = "github.com/longbridgeapp/opencc"
	sourceVersion = "v0.3.13"
	sourceSum     = "h1:H8r4oXL4s+oR3gbBb4tW4D26jT+Mc5+znzwAnXsx4ao="
)

var sourceFiles = []string{"dictionary/TSCharacters.txt", "dictionary/HKVariants.txt", "dictionary/TWVariants.txt", "LICENSE"}

func main() {
	dict := flag.String("dict", "testdata/classify_opencc", "directory holding TSCharacters.txt, HKVariants.txt and TWVariants.txt")
	out := flag.String("out", "classify_script_table.go", "file to write")
	fetch := flag.Bool("fetch", false, "first download "+sourceModule+"@"+sourceVersion+" and copy its dictionaries into -dict")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("classify_script_gen: ")
	if *fetch {
		if err := fetchSource(*dict); err != nil {
			log.Fatal(err)
		}
	}
	pairs, notes, err := derive(*dict)
	if err != nil {
		log.Fatal(err)
	}
	src, err := render(pairs)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
	for _, n := range notes {
		log.Print(n)
	}
	log.Printf("wrote %s: %d characters fold to another", *out, len(pairs))
}

// fetchSource downloads the module with the go command, from an empty
// directory so no go.mod is consulted or changed, and copies the files.
func fetchSource(dir string) error {
	tmp, err := os.MkdirTemp("", "classify-script-gen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", sourceModule+"@"+sourceVersion)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOFLAGS=-mod=mod")
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go mod download: %w", err)
	}
	var info struct{ Dir, Sum, Error string }
	if err := json.Unmarshal(b, &info); err != nil {
		return err
	}
	if info.Error != "" {
		return errors.New(info.Error)
	}
	if info.Sum != sourceSum {
		return fmt.Errorf("%s@%s has checksum %s, want %s", sourceModule, sourceVersion, info.Sum, sourceSum)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range sourceFiles {
		data, err := os.ReadFile(filepath.Join(info.Dir, filepath.FromSlash(f)))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// entry is one line of an OpenCC character dictionary: a character and
// its candidates, the default first.
type entry struct {
	key  rune
	vals []rune
}

// readDict parses an OpenCC character dictionary: lines of a character, a
// tab, and space-separated candidates, each a single character.
func readDict(path string) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var d []entry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "\t")
		if !ok || utf8.RuneCountInString(k) != 1 || !utf8.ValidString(line) {
			return nil, fmt.Errorf("%s:%d: want one character, a tab and candidates: %q", path, n, line)
		}
		e := entry{key: []rune(k)[0]}
		for _, c := range strings.Fields(v) {
			if utf8.RuneCountInString(c) != 1 {
				return nil, fmt.Errorf("%s:%d: candidate %q is not one character", path, n, c)
			}
			e.vals = append(e.vals, []rune(c)[0])
		}
		if len(e.vals) == 0 {
			return nil, fmt.Errorf("%s:%d: no candidate", path, n)
		}
		d = append(d, e)
	}
	return d, sc.Err()
}

// derive computes the folding pairs, sorted by the first rune, and notes
// on the regional forms it left out.
func derive(dir string) ([][2]rune, []string, error) {
	ts, err := readDict(filepath.Join(dir, "TSCharacters.txt"))
	if err != nil {
		return nil, nil, err
	}
	t2s := make(map[rune]rune, len(ts))
	simp := make(map[rune]bool, len(ts))
	for _, e := range ts {
		if _, dup := t2s[e.key]; dup {
			return nil, nil, fmt.Errorf("TSCharacters.txt: %c listed twice", e.key)
		}
		t2s[e.key] = e.vals[0]
		if e.vals[0] == e.key && len(e.vals) > 1 {
			t2s[e.key] = e.vals[1]
		}
		for _, v := range e.vals {
			simp[v] = true
		}
	}
	regional := make(map[rune]rune) // regional form -> standard traditional
	var notes []string
	for _, name := range []string{"HKVariants.txt", "TWVariants.txt"} {
		d, err := readDict(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		for _, e := range d {
			for _, v := range e.vals {
				switch {
				case v == e.key:
				case t2s[v] != 0:
					// The traditional table decides; say so when the two disagree.
					if t2s[v] != t2s[e.key] && t2s[e.key] != 0 {
						notes = append(notes, fmt.Sprintf("%s: %c (for %c) folds by TSCharacters to %c, not %c", name, v, e.key, t2s[v], t2s[e.key]))
					}
				case simp[v]:
					// Left as it is; say so when that differs from the
					// standard form's simplified character (幺 -> 么).
					if s := t2s[e.key]; s != v {
						notes = append(notes, fmt.Sprintf("%s: %c (for %c) is a simplified form: left as it is", name, v, e.key))
					}
				default:
					if old, ok := regional[v]; ok && old != e.key {
						return nil, nil, fmt.Errorf("%s: %c stands for both %c and %c", name, v, old, e.key)
					}
					regional[v] = e.key
				}
			}
		}
	}
	fold := func(c rune) (rune, error) {
		x := c
		for i := 0; i < 8; i++ {
			y := x
			if s, ok := regional[y]; ok {
				y = s
			}
			if s, ok := t2s[y]; ok {
				y = s
			}
			if y == x {
				return x, nil
			}
			x = y
		}
		return 0, fmt.Errorf("folding %c does not settle", c)
	}
	var pairs [][2]rune
	add := func(c rune) error {
		f, err := fold(c)
		if err != nil {
			return err
		}
		if f != c {
			pairs = append(pairs, [2]rune{c, f})
		}
		return nil
	}
	for c := range t2s {
		if err := add(c); err != nil {
			return nil, nil, err
		}
	}
	for c := range regional {
		if _, ok := t2s[c]; !ok {
			if err := add(c); err != nil {
				return nil, nil, err
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][0] < pairs[j][0] })
	sort.Strings(notes)
	return pairs, notes, nil
}

// render writes the Go source of the table.
func render(pairs [][2]rune) ([]byte, error) {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("// Code generated by classify_script_gen.go; DO NOT EDIT.\n\n")
	w(`// The data below is derived from the character dictionaries of Open Chinese
// Convert (OpenCC), Copyright Carbo Kuo (BYVoid) and the OpenCC contributors,
// licensed under the Apache License, Version 2.0: TSCharacters.txt,
// HKVariants.txt and TWVariants.txt as vendored by the Go module
// %s %s (%s),
// copied with that licence into testdata/classify_opencc. It is a modified
// form: the regional tables are reversed and every character is given one
// simplified form, as classify_script_gen.go describes.

`, sourceModule, sourceVersion, sourceSum)
	w("package feedback\n\n")
	w("// scriptPairCount is the number of pairs in scriptPairs.\n")
	w("const scriptPairCount = %d\n\n", len(pairs))
	w("// scriptPairs holds, in increasing order of the first, pairs of characters:\n")
	w("// a traditional or regional character and the simplified character it\n")
	w("// folds to. The folded character never folds further.\n")
	w("const scriptPairs = \"\" +\n")
	const perLine = 24
	for i := 0; i < len(pairs); i += perLine {
		var line strings.Builder
		for _, p := range pairs[i:min(i+perLine, len(pairs))] {
			line.WriteRune(p[0])
			line.WriteRune(p[1])
		}
		sep := " +"
		if i+perLine >= len(pairs) {
			sep = ""
		}
		w("\t%q%s\n", line.String(), sep)
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting the output: %w", err)
	}
	return src, nil
}
