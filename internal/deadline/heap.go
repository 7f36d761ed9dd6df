package deadline

// Node is embedded in the values an intrusive Heap holds: it records the
// value's position in the heap, so that update and remove need no map.
// The zero Node is "not in any heap".
type Node struct {
	pos int32 // index+1 in the heap; 0 when not queued
}

func (n *Node) node() *Node { return n }

// Queued reports whether the value is in a heap.
func (n *Node) Queued() bool { return n.pos != 0 }

// Elem is the constraint on Heap's pointer type: a pointer to a struct that
// embeds Node.
type Elem[T any] interface {
	*T
	node() *Node
}

type hslot[P any] struct {
	at  int64
	seq uint64
	p   P
}

// Heap is an intrusive 4-ary min-heap of deadlines, ordered like Queue by
// (instant, sequence), whose values embed Node. It is the leanest form of
// the queue: one 24-byte slot per value and no index map, so a million
// deadlines cost 24 MB and no hashing. Schedule, Remove and Pop are
// O(log n); Peek is O(1). A value may be in at most one Heap at a time.
//
// A Heap is not safe for concurrent use.
type Heap[T any, P Elem[T]] struct {
	items []hslot[P]
	seq   uint64
}

// NewHeap returns an empty heap with room for sizeHint values.
func NewHeap[T any, P Elem[T]](sizeHint int) *Heap[T, P] {
	return &Heap[T, P]{items: make([]hslot[P], 0, max(sizeHint, 0))}
}

// Len reports the number of values in the heap.
func (h *Heap[T, P]) Len() int { return len(h.items) }

// Schedule inserts p at instant at (Unix nanoseconds) or moves it there if
// it is already queued. Each call takes a new sequence number, so among
// equal instants the value scheduled last pops last.
func (h *Heap[T, P]) Schedule(p P, at int64) {
	h.seq++
	n := p.node()
	if n.pos != 0 {
		i := int(n.pos - 1)
		old := h.items[i]
		h.items[i].at, h.items[i].seq = at, h.seq
		if hless(h.items[i].at, h.items[i].seq, old.at, old.seq) {
			h.up(i)
		} else {
			h.down(i)
		}
		return
	}
	h.items = append(h.items, hslot[P]{at: at, seq: h.seq, p: p})
	i := len(h.items) - 1
	n.pos = int32(i + 1)
	h.up(i)
}

// Remove takes p out of the heap and reports whether it was queued.
func (h *Heap[T, P]) Remove(p P) bool {
	n := p.node()
	if n.pos == 0 {
		return false
	}
	h.removeAt(int(n.pos - 1))
	return true
}

// Position returns the instant and sequence number p is queued under, or
// false when p is not queued. Values pop in (instant, sequence) order.
func (h *Heap[T, P]) Position(p P) (at int64, seq uint64, ok bool) {
	n := p.node()
	if n.pos == 0 {
		return 0, 0, false
	}
	s := h.items[n.pos-1]
	return s.at, s.seq, true
}

// Peek returns the value with the earliest deadline without removing it.
func (h *Heap[T, P]) Peek() (p P, at int64, ok bool) {
	if len(h.items) == 0 {
		return nil, 0, false
	}
	return h.items[0].p, h.items[0].at, true
}

// Pop removes and returns the value with the earliest deadline.
func (h *Heap[T, P]) Pop() (p P, at int64, ok bool) {
	if len(h.items) == 0 {
		return nil, 0, false
	}
	s := h.items[0]
	h.removeAt(0)
	return s.p, s.at, true
}

// Clear removes every value.
func (h *Heap[T, P]) Clear() {
	for _, s := range h.items {
		s.p.node().pos = 0
	}
	clear(h.items)
	h.items = h.items[:0]
}

func hless(a int64, as uint64, b int64, bs uint64) bool {
	return a < b || (a == b && as < bs)
}

func (h *Heap[T, P]) removeAt(i int) {
	last := len(h.items) - 1
	h.items[i].p.node().pos = 0
	if i != last {
		h.items[i] = h.items[last]
		h.items[i].p.node().pos = int32(i + 1)
	}
	h.items[last] = hslot[P]{}
	h.items = h.items[:last]
	if i < last && !h.down(i) {
		h.up(i)
	}
}

func (h *Heap[T, P]) up(i int) {
	x := h.items[i]
	start := i
	for i > 0 {
		par := (i - 1) / 4
		if !hless(x.at, x.seq, h.items[par].at, h.items[par].seq) {
			break
		}
		h.items[i] = h.items[par]
		h.items[i].p.node().pos = int32(i + 1)
		i = par
	}
	if i != start {
		h.items[i] = x
		x.p.node().pos = int32(i + 1)
	}
}

func (h *Heap[T, P]) down(i int) bool {
	x := h.items[i]
	start, n := i, len(h.items)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if hless(h.items[j].at, h.items[j].seq, h.items[m].at, h.items[m].seq) {
				m = j
			}
		}
		if !hless(h.items[m].at, h.items[m].seq, x.at, x.seq) {
			break
		}
		h.items[i] = h.items[m]
		h.items[i].p.node().pos = int32(i + 1)
		i = m
	}
	if i != start {
		h.items[i] = x
		x.p.node().pos = int32(i + 1)
	}
	return i > start
}
