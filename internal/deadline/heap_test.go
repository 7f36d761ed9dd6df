package deadline

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type tval struct {
	Node
	name string
}

func TestHeapOrder(t *testing.T) {
	h := NewHeap[tval](0)
	vals := map[string]*tval{}
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		vals[n] = &tval{name: n}
	}
	h.Schedule(vals["c"], 30)
	h.Schedule(vals["a"], 10)
	h.Schedule(vals["b"], 10)
	h.Schedule(vals["d"], 5)
	h.Schedule(vals["d"], 40) // moves later
	h.Schedule(vals["e"], 10)
	h.Schedule(vals["f"], 1)
	assert.True(t, h.Remove(vals["f"]))
	assert.False(t, h.Remove(vals["f"]))
	assert.False(t, vals["f"].Queued())
	p, at, ok := h.Peek()
	require.True(t, ok)
	assert.Equal(t, "a", p.name)
	assert.Equal(t, int64(10), at)
	var got []string
	for {
		p, _, ok := h.Pop()
		if !ok {
			break
		}
		assert.False(t, p.Queued())
		got = append(got, p.name)
	}
	assert.Equal(t, []string{"a", "b", "e", "c", "d"}, got)
	h.Schedule(vals["a"], 1)
	h.Clear()
	assert.Zero(t, h.Len())
	assert.False(t, vals["a"].Queued())
}

func checkHeapModel(t *testing.T, r *rand.Rand, ops int) {
	h := NewHeap[tval](0)
	vals := make([]*tval, 40)
	for i := range vals {
		vals[i] = &tval{name: string(rune('A' + i))}
	}
	type m struct {
		at  int64
		seq uint64
	}
	model := map[*tval]m{}
	var seq uint64
	for range ops {
		v := vals[r.IntN(len(vals))]
		switch r.IntN(4) {
		case 0, 1:
			seq++
			at := int64(r.IntN(10))
			model[v] = m{at, seq}
			h.Schedule(v, at)
		case 2:
			_, had := model[v]
			delete(model, v)
			require.Equal(t, had, h.Remove(v))
		case 3:
			keys := make([]*tval, 0, len(model))
			for k := range model {
				keys = append(keys, k)
			}
			slices.SortFunc(keys, func(a, b *tval) int {
				if hless(model[a].at, model[a].seq, model[b].at, model[b].seq) {
					return -1
				}
				return 1
			})
			p, at, ok := h.Pop()
			if len(keys) == 0 {
				require.False(t, ok)
				continue
			}
			require.True(t, ok)
			require.Same(t, keys[0], p)
			require.Equal(t, model[p].at, at)
			delete(model, p)
		}
		require.Equal(t, len(model), h.Len())
		for i, s := range h.items {
			require.Equal(t, int32(i+1), s.p.pos)
		}
	}
}

func TestHeapAgainstModel(t *testing.T) {
	for s := range uint64(20) {
		checkHeapModel(t, rand.New(rand.NewPCG(s, 3)), 2000)
	}
}

func FuzzHeap(f *testing.F) {
	f.Add(uint64(5), uint64(8))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkHeapModel(t, rand.New(rand.NewPCG(a, b)), 500)
	})
}

func BenchmarkHeapSchedule(b *testing.B) {
	h := NewHeap[tval](1 << 20)
	r := rand.New(rand.NewPCG(1, 2))
	for range 1 << 20 {
		h.Schedule(&tval{}, r.Int64N(1<<40))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		p, at, _ := h.Peek()
		h.Schedule(p, at+r.Int64N(1<<30))
	}
}

func BenchmarkQueueSchedule(b *testing.B) {
	q := New[int](1 << 20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 1 << 20 {
		q.Set(i, r.Int64N(1<<40))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		k, at, _ := q.Peek()
		q.Set(k, at+r.Int64N(1<<30))
	}
}
