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
//     a map from each key to its node in a Heap. Set, Remove and Get by key
//     are O(log n) or O(1). Use it when values have no home of their own, or
//     behind a keyed interface such as sla.Scheduler.
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

// qnode is a Queue's value in its Heap.
type qnode[K comparable] struct {
	Node
	key K
	at  int64
}

// Queue is a min-heap of deadlines keyed by K: a map from each key to its
// node in a Heap. The zero value is not usable; call New.
type Queue[K comparable] struct {
	h     *Heap[qnode[K], *qnode[K]]
	nodes map[K]*qnode[K]
}

// New returns an empty queue with room for sizeHint keys.
func New[K comparable](sizeHint int) *Queue[K] {
	sizeHint = max(sizeHint, 0)
	return &Queue[K]{h: NewHeap[qnode[K]](sizeHint), nodes: make(map[K]*qnode[K], sizeHint)}
}

// Len reports the number of keys in the queue.
func (q *Queue[K]) Len() int { return q.h.Len() }

// Set schedules key at the instant at (Unix nanoseconds), inserting it or
// moving its existing deadline. Each call takes a new sequence number, so
// among equal instants the key set last pops last.
func (q *Queue[K]) Set(key K, at int64) {
	n, ok := q.nodes[key]
	if !ok {
		n = &qnode[K]{key: key}
		q.nodes[key] = n
	}
	n.at = at
	q.h.Schedule(n, at)
}

// SetTime is Set with a time.Time.
func (q *Queue[K]) SetTime(key K, at time.Time) { q.Set(key, at.UnixNano()) }

// Get returns the instant scheduled for key.
func (q *Queue[K]) Get(key K) (at int64, ok bool) {
	n, ok := q.nodes[key]
	if !ok {
		return 0, false
	}
	return n.at, true
}

// Remove deletes key from the queue and reports whether it was present.
func (q *Queue[K]) Remove(key K) bool {
	n, ok := q.nodes[key]
	if !ok {
		return false
	}
	q.h.Remove(n)
	delete(q.nodes, key)
	return true
}

// Peek returns the key with the earliest deadline without removing it.
func (q *Queue[K]) Peek() (key K, at int64, ok bool) {
	n, at, ok := q.h.Peek()
	if !ok {
		return key, 0, false
	}
	return n.key, at, true
}

// Pop removes and returns the key with the earliest deadline.
func (q *Queue[K]) Pop() (key K, at int64, ok bool) {
	n, at, ok := q.h.Pop()
	if !ok {
		return key, 0, false
	}
	delete(q.nodes, n.key)
	return n.key, at, true
}

// Clear removes every key.
func (q *Queue[K]) Clear() {
	q.h.Clear()
	clear(q.nodes)
}
