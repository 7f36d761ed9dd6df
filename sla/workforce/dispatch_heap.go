package workforce

// itemHeap is a binary min-heap of queued items, most urgent first, with
// each item's position kept in item.hidx so that any item can be removed
// or re-keyed in O(log n).
type itemHeap []*item

// before reports whether x is more urgent than y: items with an SLA clock
// before those without, then less remaining business time, higher
// priority (lower number), older, and finally earlier added.
func before(x, y *item) bool {
	if x.hasSLA != y.hasSLA {
		return x.hasSLA
	}
	if x.hasSLA && x.urg != y.urg {
		return x.urg < y.urg
	}
	if x.spec.Priority != y.spec.Priority {
		return x.spec.Priority < y.spec.Priority
	}
	if c := x.spec.Created.Compare(y.spec.Created); c != 0 {
		return c < 0
	}
	return x.seq < y.seq
}

func (h *itemHeap) push(it *item) {
	it.hidx = len(*h)
	*h = append(*h, it)
	h.up(it.hidx)
}

func (h *itemHeap) remove(i int) *item {
	old := *h
	n := len(old) - 1
	it := old[i]
	if i != n {
		old[i] = old[n]
		old[i].hidx = i
	}
	old[n] = nil
	*h = old[:n]
	if i != n {
		h.fix(i)
	}
	it.hidx = -1
	return it
}

func (h itemHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

func (h itemHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !before(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		h[i].hidx, h[p].hidx = i, p
		i = p
	}
}

func (h itemHeap) down(i int) bool {
	start := i
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && before(h[r], h[l]) {
			m = r
		}
		if !before(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		h[i].hidx, h[m].hidx = i, m
		i = m
	}
	return i > start
}
