package feedback

import (
	"cmp"
	"errors"
	"maps"
	"math"
	"slices"
	"sync"
	"time"
)

// CategoryTally counts classified complaints per category per calendar
// window, keeping only counters. It is safe for concurrent use.
type CategoryTally struct {
	mu sync.Mutex
	windowed[tallyCounts]
}

// tallyCounts are the counts of one window and their total.
type tallyCounts struct {
	counts map[string]int64
	total  int64
}

// NewCategoryTally returns an empty tally for windows of granularity g in
// loc (nil means UTC).
func NewCategoryTally(g Granularity, loc *time.Location) (*CategoryTally, error) {
	ws, err := newWindowed[tallyCounts](g, loc)
	if err != nil {
		return nil, err
	}
	return &CategoryTally{windowed: ws}, nil
}

// Add counts one complaint of the given category at time at. An empty
// category counts as CategoryUncategorised, so passing Result.Category of an
// unmatched text is fine.
func (t *CategoryTally) Add(at time.Time, category string) error {
	return t.AddN(at, category, 1)
}

// AddN counts n complaints of the given category at time at. n must not be
// negative, and the complaints of one window together must stay within the
// range of an int64.
func (t *CategoryTally) AddN(at time.Time, category string, n int64) error {
	var errs []error
	if at.IsZero() {
		errs = append(errs, recordErr(-1, "", "at", "zero time"))
	}
	if n < 0 {
		errs = append(errs, recordErr(-1, "", "n", "negative count"))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if category == "" {
		category = CategoryUncategorised
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.at(at)
	if s.v.total > math.MaxInt64-n {
		return recordErr(-1, "", "n", "%d more complaints than the %d of window %s overflow its total", n, s.v.total, s.w.Label())
	}
	if s.v.counts == nil {
		s.v.counts = make(map[string]int64)
	}
	s.v.counts[category] += n
	s.v.total += n
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
	t.mu.Lock()
	defer t.mu.Unlock()
	return windowCounts(t.window(at))
}

func windowCounts(w Window, s *slot[tallyCounts]) WindowCounts {
	if s == nil {
		return WindowCounts{Window: w, Counts: map[string]int64{}}
	}
	return WindowCounts{Window: w, Counts: maps.Clone(s.v.counts), Total: s.v.total}
}

// All returns the counts of every window with data, oldest first.
func (t *CategoryTally) All() []WindowCounts {
	t.mu.Lock()
	defer t.mu.Unlock()
	return collect(&t.windowed, func(s *slot[tallyCounts]) WindowCounts { return windowCounts(s.w, s) })
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
	t.mu.Lock()
	cur := windowCounts(t.window(at))
	old := windowCounts(t.window(cur.Window.Prev().Start))
	t.mu.Unlock()
	var ms []Mover
	cats := slices.Sorted(maps.Keys(cur.Counts))
	for c := range old.Counts {
		if _, ok := cur.Counts[c]; !ok {
			cats = append(cats, c)
		}
	}
	for _, cat := range cats {
		m := Mover{Category: cat, Current: cur.Counts[cat], Previous: old.Counts[cat]}
		m.Change = m.Current - m.Previous
		if m.Change == 0 {
			continue
		}
		if m.Previous > 0 {
			m.ChangePercent = 100 * float64(m.Change) / float64(m.Previous)
		} else {
			m.New = true
		}
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b Mover) int {
		return cmp.Or(cmp.Compare(abs64(b.Change), abs64(a.Change)), cmp.Compare(b.Current, a.Current), cmp.Compare(a.Category, b.Category))
	})
	if k > 0 && len(ms) > k {
		ms = ms[:k]
	}
	return Movers{Window: cur.Window, Previous: old.Window, Movers: ms}
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
