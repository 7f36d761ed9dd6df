package incentive

import (
	"fmt"
	"time"
)

// adjustAllAt posts every adjustment of reqs at t, as AdjustAt does, or
// none: the first refusal undoes the ones posted before it and is
// returned, naming the request. The Book's lock is held throughout, so no
// other call sees a part of the batch.
func (b *Book) adjustAllAt(t time.Time, reqs []AdjustmentRequest) ([]Adjustment, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	type saved struct {
		r    *bookRecord
		n    int
		last time.Time
	}
	var undo []saved
	events, seq := len(b.events), b.adjSeq
	out := make([]Adjustment, 0, len(reqs))
	for _, req := range reqs {
		r, err := b.writable(t, req.Person, req.Period)
		var adj Adjustment
		if err == nil {
			undo = append(undo, saved{r, len(r.adjustments), r.last})
			adj, err = b.postLocked(r, req, "", t)
		}
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				u := undo[i]
				u.r.adjustments, u.r.last = u.r.adjustments[:u.n], u.last
			}
			b.events, b.adjSeq = b.events[:events], seq
			if b.chain != nil {
				b.chain.Truncate(events)
			}
			return nil, fmt.Errorf("adjustment of %s for %s %s: %w", req.Amount, req.Person, req.Period, err)
		}
		out = append(out, adj)
	}
	return out, nil
}
