package fsm

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func errorIs(err, target error) bool { return errors.Is(err, target) }

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), got)
}

func oddSpec() Spec {
	return Spec{
		Name:     `odd "names"`,
		Initial:  "new item",
		States:   []State{"new item", "in-review", "done"},
		Terminal: []State{"done"},
		Transitions: []Transition{
			{Event: "send for review", From: []State{"new item"}, To: "in-review",
				Guards: []Guard{{Name: "has\nowner", Check: func(context.Context, View) error { return nil }}}},
			{Event: `say "ok"`, From: []State{"in-review"}, To: "done"},
		},
	}
}

func TestExportGolden(t *testing.T) {
	complaint, err := ComplaintDefinition(DefaultApprovalLimit)
	require.NoError(t, err)
	odd, err := NewDefinition(oddSpec())
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		def  *Definition
	}{{"ticket", TicketDefinition()}, {"complaint", complaint}, {"odd", odd}} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name+".mmd", tc.def.Mermaid())
			golden(t, tc.name+".dot", tc.def.DOT())
			// Deterministic: the same bytes every time and for an
			// identical definition built again.
			again, err := NewDefinition(tc.def.Spec())
			require.NoError(t, err)
			for range 20 {
				assert.Equal(t, tc.def.Mermaid(), again.Mermaid())
				assert.Equal(t, tc.def.DOT(), again.DOT())
			}
		})
	}
}

func TestDOTStartNodeDoesNotCollide(t *testing.T) {
	d, err := NewDefinition(Spec{Initial: "__start", States: []State{"__start", "b"},
		Transitions: []Transition{{Event: "go", From: []State{"__start"}, To: "b"}}})
	require.NoError(t, err)
	assert.Equal(t, `digraph "" {
    rankdir=LR;
    node [shape=box, style=rounded];
    "__start_" [shape=point, label=""];
    "__start";
    "b";
    "__start_" -> "__start";
    "__start" -> "b" [label="go"];
}
`, d.DOT())
}

func TestMermaidAliasDoesNotCollide(t *testing.T) {
	// "a b" needs an alias; its positional alias "s1" is also the name of
	// another state, so the alias must differ from it.
	d, err := NewDefinition(Spec{Initial: "s1", States: []State{"s1", "a b"},
		Transitions: []Transition{{Event: "go", From: []State{"s1"}, To: "a b"}}})
	require.NoError(t, err)
	assert.Equal(t, `stateDiagram-v2
    state "a b" as s1_
    [*] --> s1
    s1 --> s1_ : go
`, d.Mermaid())
}
