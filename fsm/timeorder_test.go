package fsm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every recording operation refuses an instant before the latest one
// recorded on the machine, whichever kind of record that was, and a zero
// instant; the machine is unchanged.
func TestRecordingOperationsRefuseEarlierInstants(t *testing.T) {
	late := t0.Add(time.Hour)
	ops := map[string]func(m *Machine, at time.Time) error{
		"fire": func(m *Machine, at time.Time) error {
			_, err := m.FireAt(context.Background(), at, ComplaintInvestigate, By{})
			return err
		},
		"mark": func(m *Machine, at time.Time) error {
			_, err := m.MarkAt(at, ThreeVerifications, ItemOrderInformation, By{})
			return err
		},
		"assign": func(m *Machine, at time.Time) error { _, err := m.AssignAt(at, "ann", By{}); return err },
		"escalate": func(m *Machine, at time.Time) error {
			_, err := m.EscalateAt(at, By{})
			return err
		},
		"approve": func(m *Machine, at time.Time) error { _, err := m.ApproveAt(at, "sup", ""); return err },
		"fire assign": func(m *Machine, at time.Time) error {
			_, _, err := m.FireAssignAt(context.Background(), at, ComplaintInvestigate, "ann", By{})
			return err
		},
	}
	// What each operation uses up: two that share something cannot both
	// succeed, whatever their instants.
	uses := map[string]string{"fire": "E", "mark": "M", "assign": "O", "escalate": "T", "approve": "A", "fire assign": "EO"}
	for name, op := range ops {
		for first, record := range ops {
			if strings.ContainsAny(uses[first], uses[name]) {
				continue
			}
			t.Run(first+" then "+name, func(t *testing.T) {
				def, err := ComplaintDefinition(DefaultApprovalLimit)
				require.NoError(t, err)
				m, err := NewMachine(def, WithClock(mockClock()))
				require.NoError(t, err)
				require.NoError(t, record(m, late))
				assert.Equal(t, late, m.LastRecorded())
				before := m.Snapshot()

				err = op(m, late.Add(-time.Nanosecond))
				require.ErrorIs(t, err, ErrTimeBackwards)
				assert.ErrorContains(t, err, "before the last recorded instant")
				// The machine's clock (t0) is behind too.
				assert.Equal(t, before, m.Snapshot())
				err = op(m, time.Time{})
				require.ErrorIs(t, err, ErrInvalidArgument)
				assert.Equal(t, before, m.Snapshot())

				require.NoError(t, op(m, late), "the same instant is not earlier")
			})
		}
	}
}

func TestClockBehindLastRecordedIsRefused(t *testing.T) {
	clk := mockClock()
	m := newTiny(t, nil, WithClock(clk))
	_, err := m.FireAt(context.Background(), t0.Add(time.Minute), "start", By{})
	require.NoError(t, err)
	_, err = m.Fire(context.Background(), "pause", By{})
	require.ErrorIs(t, err, ErrTimeBackwards)
	assert.Equal(t, State("working"), m.State())
	clk.Add(time.Minute)
	_, err = m.Fire(context.Background(), "pause", By{})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Minute), m.LastRecorded())
	assert.True(t, newTiny(t, nil).LastRecorded().IsZero())
}
