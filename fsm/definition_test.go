package fsm

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tinySpec() Spec {
	return Spec{
		Name:     "tiny",
		Initial:  "open",
		States:   []State{"open", "working", "done"},
		Terminal: []State{"done"},
		Transitions: []Transition{
			{Event: "start", From: []State{"open"}, To: "working"},
			{Event: "pause", From: []State{"working"}, To: "open"},
			{Event: "note", From: []State{"open", "working"}, To: "working"},
			{Event: "finish", From: []State{"working"}, To: "done"},
		},
	}
}

func TestSpecValidateValid(t *testing.T) {
	require.NoError(t, tinySpec().Validate())
	d, err := NewDefinition(tinySpec())
	require.NoError(t, err)
	assert.Equal(t, "tiny", d.Name())
	assert.Equal(t, State("open"), d.Initial())
	assert.Equal(t, []State{"open", "working", "done"}, d.States())
	assert.Equal(t, []Event{"start", "pause", "note", "finish"}, d.Events())
	assert.True(t, d.IsTerminal("done"))
	assert.False(t, d.IsTerminal("open"))
	assert.False(t, d.IsTerminal("nope"))
	assert.True(t, d.HasState("working"))
	assert.False(t, d.HasState("nope"))
	assert.Equal(t, []Event{"finish", "note", "pause"}, d.EventsFrom("working"))
	assert.Nil(t, d.EventsFrom("nope"))
	assert.Empty(t, d.EventsFrom("done"))
}

func TestSpecValidateProblems(t *testing.T) {
	guardless := Guard{Name: "g"}
	tests := []struct {
		name   string
		mutate func(*Spec)
		want   []string // substrings, each must appear in the joined error
	}{
		{"no states", func(s *Spec) { s.States = nil; s.Transitions = nil; s.Terminal = nil },
			[]string{"states: no states", "initial: unknown state \"open\""}},
		{"empty initial", func(s *Spec) { s.Initial = "" }, []string{"initial: no initial state"}},
		{"unknown initial", func(s *Spec) { s.Initial = "x" }, []string{"initial: unknown state \"x\""}},
		{"duplicate state", func(s *Spec) { s.States = append(s.States, "open") }, []string{"states[3]: duplicate state \"open\""}},
		{"empty state", func(s *Spec) { s.States = append(s.States, "") }, []string{"states[3]: empty state name"}},
		{"unknown source", func(s *Spec) { s.Transitions[0].From = []State{"ghost"} },
			[]string{"transitions[0].from[0]: unknown state \"ghost\""}},
		{"unknown destination", func(s *Spec) { s.Transitions[0].To = "ghost" },
			[]string{"transitions[0].to: unknown state \"ghost\""}},
		{"no source", func(s *Spec) { s.Transitions[1].From = nil },
			[]string{"transitions[1].from: event \"pause\" has no source state"}},
		{"duplicate event", func(s *Spec) { s.Transitions[1].Event = "start" },
			[]string{"transitions[1].event: duplicate event \"start\""}},
		{"empty event", func(s *Spec) { s.Transitions[1].Event = "" }, []string{"transitions[1].event: empty event name"}},
		{"duplicate source", func(s *Spec) { s.Transitions[2].From = []State{"open", "open"} },
			[]string{"transitions[2].from[1]: duplicate source state \"open\""}},
		{"unreachable", func(s *Spec) { s.States = append(s.States, "limbo") },
			[]string{"states[3]: state \"limbo\" is unreachable from initial state \"open\""}},
		{"terminal leaves", func(s *Spec) { s.Transitions[1].From = []State{"working", "done"} },
			[]string{"transitions[1].from[1]: terminal state \"done\" has outgoing event \"pause\""}},
		{"unknown terminal", func(s *Spec) { s.Terminal = []State{"done", "ghost", "done"} },
			[]string{"terminal[1]: unknown state \"ghost\"", "terminal[2]: duplicate terminal state \"done\""}},
		{"guard without check", func(s *Spec) { s.Transitions[0].Guards = []Guard{guardless, {Check: guardless.Check}} },
			[]string{"transitions[0].guards[0]: guard \"g\" has no Check function", "transitions[0].guards[1]: guard has no name"}},
		{"nil hooks", func(s *Spec) { s.Transitions[0].Hooks = []Hook{nil}; s.Hooks = []Hook{nil} },
			[]string{"transitions[0].hooks[0]: nil hook", "hooks[0]: nil hook"}},
		{"checklists", func(s *Spec) {
			s.Checklists = []Checklist{{Name: "a", Items: []string{"x", "x", ""}}, {Name: "a"}, {Items: []string{"y"}}}
			s.Transitions[0].Checklists = []string{"a", "zzz"}
		}, []string{
			"checklists[0].items[1]: duplicate item \"x\"", "checklists[0].items[2]: empty item name",
			"checklists[1].name: duplicate checklist \"a\"", "checklists[1].items: checklist has no items",
			"checklists[2].name: empty checklist name", "transitions[0].checklists[1]: unknown checklist \"zzz\"",
		}},
		{"negative tiers", func(s *Spec) { s.MaxTier = -1 }, []string{"max_tier: negative tier count -1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tinySpec()
			tt.mutate(&s)
			err := s.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidDefinition)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), "fsm: "+w)
			}
			// Every problem reported at once: one line per expected problem at least.
			assert.GreaterOrEqual(t, strings.Count(err.Error(), "\n")+1, len(tt.want))
			var fe *FieldError
			assert.True(t, errors.As(err, &fe))
			d, derr := NewDefinition(s)
			assert.Nil(t, d)
			assert.Equal(t, err.Error(), derr.Error())
		})
	}
}

func TestSpecValidateReportsAllProblemsAtOnce(t *testing.T) {
	s := tinySpec()
	s.Initial = "x"
	s.Transitions[0].To = "ghost"
	s.Transitions[1].From = nil
	s.Terminal = []State{"ghost"}
	err := s.Validate()
	require.Error(t, err)
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok)
	assert.Len(t, joined.Unwrap(), 4)
}

func TestMustDefinitionPanicsOnInvalid(t *testing.T) {
	assert.Panics(t, func() { MustDefinition(Spec{}) })
	assert.NotPanics(t, func() { MustDefinition(tinySpec()) })
}

func TestDefinitionIsACopy(t *testing.T) {
	s := tinySpec()
	d, err := NewDefinition(s)
	require.NoError(t, err)
	s.States[0] = "mutated"
	s.Transitions[0].From[0] = "mutated"
	assert.Equal(t, State("open"), d.Initial())
	assert.Equal(t, []State{"open"}, d.Spec().Transitions[0].From)
	got := d.States()
	got[0] = "mutated"
	assert.Equal(t, State("open"), d.States()[0])
	m, err := NewMachine(d)
	require.NoError(t, err)
	_, err = m.Fire(context.Background(), "start", By{})
	require.NoError(t, err)
}
