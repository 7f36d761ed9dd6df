// Package deadline provides the deadline queues that every time-driven
// engine in sqkit uses instead of one clock timer per deadline.
//
// Both forms hold at most one deadline per value and order deadlines by
// (instant, sequence): the sequence number is taken from a counter each time
// a value is scheduled, so values due at the same instant pop in the order
// they were scheduled, never in an unspecified order. Instants are Unix
// nanoseconds (time.Time.UnixNano, years 1678 to 2262); Never sorts after
// every real instant.
//
//   - Queue[K] is keyed by any comparable key (a ticket id, a struct of ids):
//     a binary heap plus a map from key to position. Set, Remove and Get by
//     key are O(log n) or O(1). Use it when values have no home of their
//     own, or behind a keyed interface such as sla.Scheduler.
//   - Heap[T, *T] is intrusive: the values are pointers to structs that
//     embed Node, which records the position, so there is no map and no
//     hashing. It is a 4-ary heap of 24-byte slots, the leanest and fastest
//     form for millions of deadlines (sla's Tracker uses it).
//
// An engine keeps one queue, arms at most one clock timer for the earliest
// deadline (or none, when it is driven by an explicit AdvanceTo), and on
// each wake-up pops everything due, delivering each item with its own
// deadline as its time.
//
// Neither form is safe for concurrent use; the engine that owns one guards
// it with its own lock.
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
