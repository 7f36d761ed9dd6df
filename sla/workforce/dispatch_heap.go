package workforce

// itemKey orders queued items: less remaining business time first (items
// without an SLA clock carry the largest urg and come after all others),
// then higher priority (lower number), then older, then added earlier.
type itemKey struct {
	urg     int64
	created int64
	seq     uint64
	prio    int
}

// before reports whether key x is more urgent than key y.
func (x *itemKey) before(y *itemKey) bool {
	if x.urg != y.urg {
		return x.urg < y.urg
	}
	if x.prio != y.prio {
		return x.prio < y.prio
	}
	if x.created != y.created {
		return x.created < y.created
	}
	return x.seq < y.seq
}

// heapEntry keeps an item's key inline, so that sifting compares keys
// without following pointers into item records spread over the heap.
type heapEntry struct {
	key itemKey
	it  *item
}

// itemHeap is a 4-ary min-heap of queued items, most urgent first, with
// each item's position kept in item.hidx so that any item can be removed
// or re-keyed in O(log n). Four children per node halve the depth of a
// binary heap; sifting down compares siblings that share a cache line.
type itemHeap []heapEntry

func (h *itemHeap) push(it *item) {
	it.hidx = len(*h)
	*h = append(*h, heapEntry{it.key, it})
	h.up(it.hidx)
}

func (h *itemHeap) remove(i int) *item {
	old := *h
	n := len(old) - 1
	it := old[i].it
	if i != n {
		old[i] = old[n]
		old[i].it.hidx = i
	}
	old[n] = heapEntry{}
	*h = old[:n]
	if i != n {
		h.fix(i)
	}
	it.hidx = -1
	return it
}

// rekey sets the key of the item at position i and restores the order.
func (h itemHeap) rekey(i int, k itemKey) {
	h[i].key = k
	h.fix(i)
}

func (h itemHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h itemHeap) up(i int) {
	e := h[i]
	for i > 0 {
		p := (i - 1) / 4
		if !e.key.before(&h[p].key) {
			break
		}
		h[i] = h[p]
		h[i].it.hidx = i
		i = p
	}
	h[i] = e
	e.it.hidx = i
}

func (h itemHeap) down(i int) bool {
	start := i
	n := len(h)
	e := h[i]
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < c+4 && j < n; j++ {
			if h[j].key.before(&h[m].key) {
				m = j
			}
		}
		if !h[m].key.before(&e.key) {
			break
		}
		h[i] = h[m]
		h[i].it.hidx = i
		i = m
	}
	h[i] = e
	e.it.hidx = i
	return i > start
}
