package emergency

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzBoard drives a board with arbitrary operations and checks its
// invariants: no panic, valid levels, the subject level is the highest rule
// or floor level, consecutive history entries chain, sequence numbers grow,
// and the snapshot survives JSON and Restore.
func FuzzBoard(f *testing.F) {
	f.Add([]byte{0, 10, 1, 200, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{3, 0, 3, 1, 4, 2, 5, 3, 0, 255, 1, 128})
	f.Fuzz(func(t *testing.T, ops []byte) {
		b, err := NewBoard(fullConfig())
		require.NoError(t, err)
		subjects := []string{"a", "b", "c"}
		now := t0
		var lastSeq uint64
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i], ops[i+1]
			now = now.Add(time.Duration(arg%32) * time.Minute)
			s := subjects[int(op>>4)%len(subjects)]
			var ch []Change
			switch op % 8 {
			case 0:
				ch, err = b.ObserveAt(now, s, "complaint_rate", float64(arg)/10-2)
			case 1:
				ch, err = b.ObserveCountsAt(now, s, "complaints", Counts{Current: int64(arg), Baseline: int64(op)})
			case 2:
				ch, err = b.SignalAt(now, s, "mass-complaint", "x")
			case 3:
				ch, err = b.ObserveAt(now, s, "on_duty", float64(arg%12))
			case 4:
				ch, err = b.ObserveAt(now, s, "needed", float64(arg%12))
			case 5:
				ch = b.EvaluateAt(now)
			case 6:
				ch, err = b.EscalateAt(now, s, "src", "")
			case 7:
				ch, err = b.LiftFloorAt(now, s, "src", "")
			}
			require.NoError(t, err)
			for _, c := range ch {
				require.Greater(t, c.Seq, lastSeq)
				lastSeq = c.Seq
				require.NotEqual(t, c.From, c.To)
				require.True(t, c.To.Valid())
				require.False(t, c.Due.After(c.At))
			}
		}
		snap := b.Snapshot()
		for _, ss := range snap.Subjects {
			top := None
			for _, r := range ss.Rules {
				top = max(top, r.Level)
			}
			for _, fl := range ss.Floors {
				top = max(top, fl.Level)
			}
			require.Equal(t, top, ss.Level)
			prev := None
			for _, c := range ss.History {
				require.Equal(t, prev, c.From)
				prev = c.To
				require.False(t, math.IsNaN(c.Evidence.Value))
			}
			require.Equal(t, prev, ss.Level)
		}
		back, _ := jsonCopy(t, snap)
		r, err := RestoreBoard(back)
		require.NoError(t, err)
		require.Equal(t, snap, r.Snapshot())
		n1, ok1 := b.NextDue()
		n2, ok2 := r.NextDue()
		require.Equal(t, ok1, ok2)
		require.Equal(t, n1, n2)
	})
}
