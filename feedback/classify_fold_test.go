package feedback

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refScript is the character table as a plain map, read from scriptPairs
// without the dense table, for the reference folding below.
var refScript = sync.OnceValue(func() map[rune]rune {
	rs := []rune(scriptPairs)
	m := make(map[rune]rune, len(rs)/2)
	for i := 0; i+1 < len(rs); i += 2 {
		m[rs[i]] = rs[i+1]
	}
	return m
})

// refFold is the reference folding: strings.ToLower, then the character
// table, rune by rune.
func refFold(s string) string {
	m := refScript()
	return strings.Map(func(r rune) rune {
		if v, ok := m[r]; ok {
			return v
		}
		return r
	}, strings.ToLower(s))
}

// openCC reads one of the OpenCC dictionaries kept in testdata.
func openCC(t *testing.T, name string) [][]rune {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "classify_opencc", name))
	require.NoError(t, err)
	defer f.Close()
	var out [][]rune
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "\t")
		require.True(t, ok, sc.Text())
		line := []rune(k)
		for _, c := range strings.Fields(v) {
			line = append(line, []rune(c)...)
		}
		require.Len(t, []rune(k), 1)
		require.Greater(t, len(line), 1)
		out = append(out, line)
	}
	require.NoError(t, sc.Err())
	return out
}

func TestFoldTableShape(t *testing.T) {
	rs := []rune(scriptPairs)
	require.Len(t, rs, 2*scriptPairCount)
	require.Greater(t, scriptPairCount, 4000, "the table is meant to be broad")
	tab := scripts()
	for i := 0; i < len(rs); i += 2 {
		k, v := rs[i], rs[i+1]
		if i > 0 {
			require.Less(t, rs[i-2], k, "pairs sorted by key, keys distinct")
		}
		require.NotEqual(t, k, v)
		require.True(t, (k >= scriptLo && k < scriptHi) || k >= astralLo, "U+%04X is outside the ranges the lookup covers", k)
		require.Equal(t, v, tab.foldRune(k), "U+%04X", k)
		require.Equal(t, v, tab.foldRune(v), "U+%04X: a folded rune folds to itself", v)
		require.Equal(t, unicode.ToLower(k), k)
		require.Equal(t, unicode.ToLower(v), v)
	}
}

func TestFoldRuneCaselessAstral(t *testing.T) {
	for r := rune(astralLo); r <= unicode.MaxRune; r++ {
		if unicode.ToLower(r) != r {
			t.Fatalf("U+%04X has a lower case", r)
		}
	}
}

func TestFoldCharacters(t *testing.T) {
	tests := []struct{ in, want string }{
		// The characters of the two complaints that matched nothing.
		{"產品質量有問題", "产品质量有问题"},
		{"快遞一直沒收到", "快递一直没收到"},
		// Regional forms: Hong Kong 産 and 衞, Taiwan 裡.
		{"産", "产"}, {"衞衛卫", "卫卫卫"}, {"裡裏里", "里里里"},
		// 著 folds with 着 (Taiwan writes 著 for both); 着 stays.
		{"等著", "等着"}, {"着急", "着急"}, {"著名", "着名"},
		// 覆 folds to 复: Taiwan's 回覆 is 回复.
		{"客服沒有回覆", "客服没有回复"},
		// Simplified characters stay, also where a regional table lists them
		// as the form of another character (Taiwan writes 么 for 幺).
		{"什么幺麼麽", "什么幺么么"}, {"户戶", "户户"}, {"台臺颱檯", "台台台台"},
		{"秘祕", "秘秘"}, {"床牀峰峯", "床床峰峰"}, {"吃才核群", "吃才核群"},
		{"后後发髮發干乾", "后后发发发干干"}, {"偽僞伪啟啓启", "伪伪伪启启启"},
		{"复只系周余于了借仿抵", "复只系周余于了借仿抵"},
		// Case and invalid UTF-8 as before.
		{"ÄRGER Kelvin \u212a", "ärger kelvin k"}, {"\xff質", "\uFFFD质"},
		// Beyond the BMP, both ways.
		{"㑮", "𫝈"}, {"𡞵", "㛟"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Fold(tt.in), tt.in)
		assert.Equal(t, tt.want, refFold(tt.in), tt.in)
	}
}

// TestFoldAgainstOpenCC checks the table against the dictionaries it was
// generated from: every traditional character folds as its simplified
// form does, and every Hong Kong or Taiwan form as its standard form does,
// except where the regional form is itself a simplified character.
func TestFoldAgainstOpenCC(t *testing.T) {
	simplified := map[rune]bool{}
	ts := openCC(t, "TSCharacters.txt")
	require.Greater(t, len(ts), 4000)
	for _, e := range ts {
		for _, v := range e[1:] {
			simplified[v] = true
		}
	}
	for _, e := range ts {
		want := e[1]
		if want == e[0] {
			want = e[2] // 覆 -> 复: the default keeps the character, the fold does not
		}
		assert.Equal(t, Fold(string(want)), Fold(string(e[0])), "TSCharacters: %s", string(e))
	}
	var left []string
	for _, name := range []string{"HKVariants.txt", "TWVariants.txt"} {
		for _, e := range openCC(t, name) {
			for _, v := range e[1:] {
				if v == e[0] {
					continue
				}
				if Fold(string(v)) != Fold(string(e[0])) {
					left = append(left, string([]rune{v, e[0]}))
				}
			}
		}
	}
	// The regional forms that fold elsewhere: 么 (Taiwan's 幺) is simplified
	// 么; 顎 and 鯰 are standard characters with simplified forms of their own.
	assert.ElementsMatch(t, []string{"么幺", "顎齶", "鯰鮎"}, left)
}

// TestSeedKeywordsAreSimplified checks that folding leaves the seed
// keywords alone, so Terms and Find report them as written.
func TestSeedKeywordsAreSimplified(t *testing.T) {
	for _, r := range SeedRuleSet().Rules {
		for _, k := range append(append([]string(nil), r.Keywords...), r.Exclude...) {
			assert.Equal(t, strings.ToLower(k), Fold(k), "rule %s", r.ID)
		}
	}
}

func TestGeneratedTableUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	out := filepath.Join(t.TempDir(), "table.go")
	cmd := exec.Command("go", "run", "classify_script_gen.go", "-out", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	want, err := os.ReadFile("classify_script_table.go")
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got), "classify_script_table.go is stale: run go generate ./feedback/")
}

// FuzzFold checks that folding never panics, keeps the rune count (which
// Find relies on), yields valid UTF-8, is idempotent, and agrees with the
// reference.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"產品質量有問題", "快遞一直沒收到", "ÄRGER \u212a 著覆裡", "\xff\xc3\xed\xa0\x80", "𡞵㑮 mixed 质量 質量", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		require.True(t, utf8.ValidString(got))
		require.Equal(t, utf8.RuneCountInString(s), utf8.RuneCountInString(got))
		require.Equal(t, got, Fold(got))
		require.Equal(t, refFold(s), got)
	})
}
