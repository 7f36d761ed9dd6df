package feedback

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// CategoryTally counts classified complaints per category per calendar
// window, keeping only counters. It is safe for concurrent use.
type CategoryTally struct {
	mu      sync.Mutex
	g       Granularity
	loc     *time.Location
	windows map[int64]*tallyBucket
}

type tallyBucket struct {
	w      Window
	counts map[string]int64
}

// NewCategoryTally returns an empty tally for windows of granularity g in
// loc (nil means UTC).
func NewCategoryTally(g Granularity, loc *time.Location) (*CategoryTally, error) {
	if !g.Valid() {
		return nil, fieldErr("granularity", "unknown granularity %d", uint8(g))
	}
	if loc == nil {
		loc = time.UTC
	}
	return &CategoryTally{g: g, loc: loc, windows: make(map[int64]*tallyBucket)}, nil
}

// Add counts one complaint of the given category at time at. An empty
// category counts as CategoryUncategorised, so passing Result.Category of an
// unmatched text is fine.
func (t *CategoryTally) Add(at time.Time, category string) error {
	return t.AddN(at, category, 1)
}

// AddN counts n complaints of the given category at time at.
func (t *CategoryTally) AddN(at time.Time, category string, n int64) error {
	var errs []error
	if at.IsZero() {
		errs = append(errs, &RecordError{Index: -1, Field: "at", Reason: "zero time"})
	}
	if n < 0 {
		errs = append(errs, &RecordError{Index: -1, Field: "n", Reason: "negative count"})
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if category == "" {
		category = CategoryUncategorised
	}
	w := windowOf(t.g, at, t.loc)
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.windows[w.Start.Unix()]
	if b == nil {
		b = &tallyBucket{w: w, counts: make(map[string]int64)}
		t.windows[w.Start.Unix()] = b
	}
	b.counts[category] += n
	return nil
}

// WindowCounts is the number of complaints per category in one window.
type WindowCounts struct {
	Window Window           `json:"window"`
	Counts map[string]int64 `json:"counts"`
	Total  int64            `json:"total"`
}

// Counts returns the counts of the window containing at (empty when that
// window has no data).
func (t *CategoryTally) Counts(at time.Time) WindowCounts {
	w := windowOf(t.g, at, t.loc)
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.countsLocked(w)
}

func (t *CategoryTally) countsLocked(w Window) WindowCounts {
	wc := WindowCounts{Window: w, Counts: make(map[string]int64)}
	if b := t.windows[w.Start.Unix()]; b != nil {
		for k, v := range b.counts {
			wc.Counts[k] = v
			wc.Total += v
		}
	}
	return wc
}

// All returns the counts of every window with data, oldest first.
func (t *CategoryTally) All() []WindowCounts {
	t.mu.Lock()
	out := make([]WindowCounts, 0, len(t.windows))
	for _, b := range t.windows {
		out = append(out, t.countsLocked(b.w))
	}
	t.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Window.Start.Before(out[j].Window.Start) })
	return out
}

// Mover is one category's change between a window and the one before it.
// ChangePercent is relative to Previous and is 0 when Previous is 0 (then
// New is true).
type Mover struct {
	Category      string  `json:"category"`
	Current       int64   `json:"current"`
	Previous      int64   `json:"previous"`
	Change        int64   `json:"change"`
	ChangePercent float64 `json:"change_percent"`
	New           bool    `json:"new,omitempty"`
}

// Movers is the answer of TopMovers.
type Movers struct {
	Window   Window  `json:"window"`
	Previous Window  `json:"previous"`
	Movers   []Mover `json:"movers"`
}

// TopMovers compares the window containing at with the window before it and
// returns the k categories whose counts changed most in absolute terms
// (ties: larger current count first, then category name). Categories that
// did not change are left out; k <= 0 means all.
func (t *CategoryTally) TopMovers(at time.Time, k int) Movers {
	w := windowOf(t.g, at, t.loc)
	prev := w.Prev()
	t.mu.Lock()
	cur, old := t.countsLocked(w), t.countsLocked(prev)
	t.mu.Unlock()
	var ms []Mover
	seen := make(map[string]bool)
	consider := func(cat string) {
		if seen[cat] {
			return
		}
		seen[cat] = true
		m := Mover{Category: cat, Current: cur.Counts[cat], Previous: old.Counts[cat]}
		m.Change = m.Current - m.Previous
		if m.Change == 0 {
			return
		}
		if m.Previous > 0 {
			m.ChangePercent = 100 * float64(m.Change) / float64(m.Previous)
		} else {
			m.New = true
		}
		ms = append(ms, m)
	}
	for c := range cur.Counts {
		consider(c)
	}
	for c := range old.Counts {
		consider(c)
	}
	sort.Slice(ms, func(i, j int) bool {
		ai, aj := abs64(ms[i].Change), abs64(ms[j].Change)
		if ai != aj {
			return ai > aj
		}
		if ms[i].Current != ms[j].Current {
			return ms[i].Current > ms[j].Current
		}
		return ms[i].Category < ms[j].Category
	})
	if k > 0 && len(ms) > k {
		ms = ms[:k]
	}
	return Movers{Window: w, Previous: prev, Movers: ms}
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
