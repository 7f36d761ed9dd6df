// Package deadline provides the indexed min-heap of deadlines that every
// time-driven engine in sqkit uses instead of one clock timer per deadline.
//
// A Queue holds at most one deadline per key. Deadlines are ordered by
// (instant, sequence): the sequence number is taken from a counter each time
// a key is scheduled, so keys due at the same instant pop in the order they
// were scheduled, never in an unspecified order. Push, update and remove by
// key are O(log n); Peek is O(1).
//
// The queue is memory-lean: each entry is the instant as Unix nanoseconds, a
// sequence number and the key, plus one map slot from key to heap position.
// Instants must lie within the range of time.Time.UnixNano (years 1678 to
// 2262); Never is the largest representable instant and sorts after every
// real one.
//
// A Queue is not safe for concurrent use; the engine that owns it guards it
// with its own lock.
package deadline

import (
	"math"
	"time"
)

// Never is the Unix-nanosecond instant that sorts after every real deadline.
const Never int64 = math.MaxInt64

type item[K comparable] struct {
	at  int64
	seq uint64
	key K
}

// Queue is an indexed min-heap of deadlines keyed by K. The zero value is not
// usable; call New.
type Queue[K comparable] struct {
	items []item[K]
	pos   map[K]int
	seq   uint64
}

// New returns an empty queue with room for sizeHint keys.
func New[K comparable](sizeHint int) *Queue[K] {
	if sizeHint < 0 {
		sizeHint = 0
	}
	return &Queue[K]{items: make([]item[K], 0, sizeHint), pos: make(map[K]int, sizeHint)}
}

// Len reports the number of keys in the queue.
func (q *Queue[K]) Len() int { return len(q.items) }

// Set schedules key at the instant at (Unix nanoseconds), inserting it or
// moving its existing deadline. Each call takes a new sequence number, so
// among equal instants the key set last pops last.
func (q *Queue[K]) Set(key K, at int64) {
	q.seq++
	if i, ok := q.pos[key]; ok {
		old := q.items[i]
		q.items[i].at, q.items[i].seq = at, q.seq
		if less(q.items[i], old) {
			q.up(i)
		} else {
			q.down(i)
		}
		return
	}
	q.items = append(q.items, item[K]{at: at, seq: q.seq, key: key})
	i := len(q.items) - 1
	q.pos[key] = i
	q.up(i)
}

// SetTime is Set with a time.Time.
func (q *Queue[K]) SetTime(key K, at time.Time) { q.Set(key, at.UnixNano()) }

// Get returns the instant scheduled for key.
func (q *Queue[K]) Get(key K) (at int64, ok bool) {
	i, ok := q.pos[key]
	if !ok {
		return 0, false
	}
	return q.items[i].at, true
}

// Remove deletes key from the queue and reports whether it was present.
func (q *Queue[K]) Remove(key K) bool {
	i, ok := q.pos[key]
	if !ok {
		return false
	}
	q.removeAt(i)
	return true
}

// Peek returns the key with the earliest deadline without removing it.
func (q *Queue[K]) Peek() (key K, at int64, ok bool) {
	if len(q.items) == 0 {
		return key, 0, false
	}
	return q.items[0].key, q.items[0].at, true
}

// Pop removes and returns the key with the earliest deadline.
func (q *Queue[K]) Pop() (key K, at int64, ok bool) {
	if len(q.items) == 0 {
		return key, 0, false
	}
	it := q.items[0]
	q.removeAt(0)
	return it.key, it.at, true
}

// Clear removes every key.
func (q *Queue[K]) Clear() {
	clear(q.items)
	q.items = q.items[:0]
	clear(q.pos)
}

func (q *Queue[K]) removeAt(i int) {
	last := len(q.items) - 1
	delete(q.pos, q.items[i].key)
	if i != last {
		moved := q.items[last]
		q.items[i] = moved
		q.pos[moved.key] = i
	}
	var zero item[K]
	q.items[last] = zero
	q.items = q.items[:last]
	if i < last {
		if !q.down(i) {
			q.up(i)
		}
	}
}

func less[K comparable](a, b item[K]) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (q *Queue[K]) up(i int) {
	x := q.items[i]
	start := i
	for i > 0 {
		p := (i - 1) / 2
		if !less(x, q.items[p]) {
			break
		}
		q.items[i] = q.items[p]
		q.pos[q.items[i].key] = i
		i = p
	}
	if i != start {
		q.items[i] = x
		q.pos[x.key] = i
	}
}

// down sifts i towards the leaves and reports whether it moved.
func (q *Queue[K]) down(i int) bool {
	x := q.items[i]
	start, n := i, len(q.items)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && less(q.items[r], q.items[l]) {
			m = r
		}
		if !less(q.items[m], x) {
			break
		}
		q.items[i] = q.items[m]
		q.pos[q.items[i].key] = i
		i = m
	}
	if i != start {
		q.items[i] = x
		q.pos[x.key] = i
	}
	return i > start
}
