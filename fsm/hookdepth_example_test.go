package fsm_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sqkit/sqkit/fsm"
)

// A hook that fires its own event again would loop for ever; the firing
// that would nest deeper than MaxHookDepth is refused instead, and the
// transitions before it stay recorded.
func ExampleHookDepthError() {
	var refused error
	def, _ := fsm.NewDefinition(fsm.Spec{
		Initial: "open",
		States:  []fsm.State{"open"},
		Transitions: []fsm.Transition{
			{Event: "remind", From: []fsm.State{"open"}, To: "open",
				Hooks: []fsm.Hook{func(ctx context.Context, m *fsm.Machine, r fsm.Record) {
					// Pass the hook's context on: it carries the depth.
					if _, err := m.Fire(ctx, "remind", fsm.By{Actor: "auto"}); err != nil {
						refused = err
					}
				}}},
		},
	})
	m, _ := fsm.NewMachine(def, fsm.WithClock(fakeClock()))
	_, err := m.Fire(context.Background(), "remind", fsm.By{Actor: "ann"})
	fmt.Println("host's firing:", err)
	fmt.Println("recorded:", len(m.History()), "state:", m.State())
	var de *fsm.HookDepthError
	if errors.As(refused, &de) {
		fmt.Println(errors.Is(refused, fsm.ErrHookDepth), de.Depth, len(de.Chain))
	}
	// Output:
	// host's firing: <nil>
	// recorded: 32 state: open
	// true 33 33
}
