package deadline

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func drain[K comparable](q *Queue[K]) []K {
	var out []K
	for {
		k, _, ok := q.Pop()
		if !ok {
			return out
		}
		out = append(out, k)
	}
}

func TestQueueOrder(t *testing.T) {
	tests := []struct {
		name string
		ops  func(q *Queue[string])
		want []string
	}{
		{"empty", func(q *Queue[string]) {}, nil},
		{"by instant", func(q *Queue[string]) {
			q.Set("c", 30)
			q.Set("a", 10)
			q.Set("b", 20)
		}, []string{"a", "b", "c"}},
		{"equal instants pop in scheduling order", func(q *Queue[string]) {
			for _, k := range []string{"x", "b", "z", "a", "m"} {
				q.Set(k, 5)
			}
		}, []string{"x", "b", "z", "a", "m"}},
		{"update moves earlier", func(q *Queue[string]) {
			q.Set("a", 10)
			q.Set("b", 20)
			q.Set("b", 5)
		}, []string{"b", "a"}},
		{"update moves later", func(q *Queue[string]) {
			q.Set("a", 10)
			q.Set("b", 20)
			q.Set("a", 30)
		}, []string{"b", "a"}},
		{"rescheduling at the same instant goes behind", func(q *Queue[string]) {
			q.Set("a", 10)
			q.Set("b", 10)
			q.Set("a", 10)
		}, []string{"b", "a"}},
		{"remove", func(q *Queue[string]) {
			q.Set("a", 10)
			q.Set("b", 20)
			q.Set("c", 30)
			assert.True(t, q.Remove("b"))
			assert.False(t, q.Remove("b"))
		}, []string{"a", "c"}},
		{"never sorts last", func(q *Queue[string]) {
			q.Set("n", Never)
			q.Set("a", 1<<62)
		}, []string{"a", "n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := New[string](0)
			tc.ops(q)
			assert.Equal(t, tc.want, drain(q))
			assert.Zero(t, q.Len())
		})
	}
}

func TestQueueGetPeekClear(t *testing.T) {
	q := New[int](4)
	_, _, ok := q.Peek()
	require.False(t, ok)
	at := time.Date(2026, 3, 8, 2, 30, 0, 0, time.UTC)
	q.SetTime(1, at)
	q.Set(2, at.UnixNano()-1)
	got, ok := q.Get(1)
	require.True(t, ok)
	assert.Equal(t, at.UnixNano(), got)
	k, when, ok := q.Peek()
	require.True(t, ok)
	assert.Equal(t, 2, k)
	assert.Equal(t, at.UnixNano()-1, when)
	assert.Equal(t, 2, q.Len())
	q.Clear()
	assert.Zero(t, q.Len())
	_, ok = q.Get(1)
	assert.False(t, ok)
}

type modelEntry struct {
	key     int
	at      int64
	seq     uint64
	present bool
}

// checkModel runs random operations against the queue and a slow model.
func checkModel(t *testing.T, r *rand.Rand, ops int) {
	q := New[int](0)
	model := map[int]*modelEntry{}
	var seq uint64
	for range ops {
		key := r.IntN(32)
		switch r.IntN(4) {
		case 0, 1:
			at := int64(r.IntN(16))
			seq++
			model[key] = &modelEntry{key: key, at: at, seq: seq, present: true}
			q.Set(key, at)
		case 2:
			_, had := model[key]
			delete(model, key)
			require.Equal(t, had, q.Remove(key))
		case 3:
			var all []*modelEntry
			for _, e := range model {
				all = append(all, e)
			}
			slices.SortFunc(all, func(a, b *modelEntry) int {
				if a.at != b.at {
					if a.at < b.at {
						return -1
					}
					return 1
				}
				if a.seq < b.seq {
					return -1
				}
				return 1
			})
			k, at, ok := q.Pop()
			if len(all) == 0 {
				require.False(t, ok)
				continue
			}
			require.True(t, ok)
			require.Equal(t, all[0].key, k)
			require.Equal(t, all[0].at, at)
			delete(model, k)
		}
		require.Equal(t, len(model), q.Len())
		require.Equal(t, len(q.nodes), q.h.Len())
		for k, n := range q.nodes {
			require.Equal(t, k, n.key)
			require.True(t, n.Queued())
		}
	}
}

func TestQueueAgainstModel(t *testing.T) {
	for s := range uint64(20) {
		checkModel(t, rand.New(rand.NewPCG(s, 7)), 2000)
	}
}

func FuzzQueue(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(99), uint64(0))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		checkModel(t, rand.New(rand.NewPCG(a, b)), 500)
	})
}

func BenchmarkQueueSetPop(b *testing.B) {
	q := New[int](1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 1024 {
		q.Set(i, r.Int64N(1<<40))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		k, at, _ := q.Pop()
		q.Set(k, at+r.Int64N(1<<30))
	}
}
