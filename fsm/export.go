package fsm

import (
	"strconv"
	"strings"
)

// Mermaid returns the definition as a Mermaid stateDiagram-v2, deterministic
// byte for byte: states in declaration order, then transitions in
// declaration order with their sources in declaration order. Each edge is
// labelled with its event, followed by its checklists and guard names in
// brackets. A state whose name is not a plain identifier
// ([A-Za-z0-9_]) is declared with an alias (s0, s1, ... by position, with
// underscores appended if a state has that name).
func (d *Definition) Mermaid() string {
	var b strings.Builder
	id := make([]string, len(d.states))
	b.WriteString("stateDiagram-v2\n")
	if d.name != "" {
		b.WriteString("    %% " + oneLine(d.name) + "\n")
	}
	for i, s := range d.states {
		if isIdent(string(s)) {
			id[i] = string(s)
			continue
		}
		id[i] = "s" + strconv.Itoa(i)
		for d.HasState(State(id[i])) {
			id[i] += "_"
		}
		b.WriteString("    state \"" + strings.ReplaceAll(oneLine(string(s)), "\"", "'") + "\" as " + id[i] + "\n")
	}
	b.WriteString("    [*] --> " + id[d.initial] + "\n")
	for _, t := range d.trans {
		label := oneLine(edgeLabel(t))
		for _, f := range t.From {
			b.WriteString("    " + id[d.stateIndex[f]] + " --> " + id[d.stateIndex[t.To]] + " : " + label + "\n")
		}
	}
	for i := range d.states {
		if d.terminal[i] {
			b.WriteString("    " + id[i] + " --> [*]\n")
		}
	}
	return b.String()
}

// DOT returns the definition as a Graphviz digraph, deterministic byte for
// byte (same order and labels as Mermaid). The initial state is pointed to
// by an unlabelled point node named "__start" (with more underscores if a
// state has that name); terminal states are drawn with a double
// border.
func (d *Definition) DOT() string {
	var b strings.Builder
	b.WriteString("digraph " + dotQuote(d.name) + " {\n")
	b.WriteString("    rankdir=LR;\n")
	b.WriteString("    node [shape=box, style=rounded];\n")
	start := "__start"
	for d.HasState(State(start)) {
		start += "_"
	}
	start = dotQuote(start)
	b.WriteString("    " + start + " [shape=point, label=\"\"];\n")
	for i, s := range d.states {
		if d.terminal[i] {
			b.WriteString("    " + dotQuote(string(s)) + " [peripheries=2];\n")
		} else {
			b.WriteString("    " + dotQuote(string(s)) + ";\n")
		}
	}
	b.WriteString("    " + start + " -> " + dotQuote(string(d.states[d.initial])) + ";\n")
	for _, t := range d.trans {
		label := dotQuote(edgeLabel(t))
		for _, f := range t.From {
			b.WriteString("    " + dotQuote(string(f)) + " -> " + dotQuote(string(t.To)) + " [label=" + label + "];\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func edgeLabel(t Transition) string {
	label := string(t.Event)
	var conds []string
	conds = append(conds, t.Checklists...)
	for _, g := range t.Guards {
		conds = append(conds, g.Name)
	}
	if len(conds) > 0 {
		label += " [" + strings.Join(conds, ", ") + "]"
	}
	return label
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// oneLine replaces line breaks so a name cannot break the diagram syntax.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

func dotQuote(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
	return `"` + s + `"`
}
