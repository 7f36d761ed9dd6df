package feedback

import (
	"errors"
	"maps"
	"math"
	"slices"
)

// AggregatorSnapshotVersion is the format version of AggregatorSnapshot.
// RestoreAggregator reads it and the versions before it: version 2 had no
// slices and fewer counters (the new ones read as zero), version 1 also
// wrote Config.ServiceLevelThreshold as nanoseconds (still read). It
// refuses any other version with an error naming it.
const AggregatorSnapshotVersion = 3

// AggregatorSnapshot is the serialisable state of an Aggregator: its
// granularity, location (IANA name), configuration and the counters of
// every window and of its slices, oldest first.
type AggregatorSnapshot struct {
	Version     int              `json:"version"`
	Granularity Granularity      `json:"granularity"`
	Location    string           `json:"location"`
	Config      Config           `json:"config"`
	Windows     []WindowCounters `json:"windows"`
}

// Snapshot returns the aggregator's state as a plain value, windows oldest
// first. Store it as JSON and rebuild with RestoreAggregator.
func (a *Aggregator) Snapshot() AggregatorSnapshot {
	return AggregatorSnapshot{
		Version:     AggregatorSnapshotVersion,
		Granularity: a.g,
		Location:    a.loc.String(),
		Config:      a.Config(),
		Windows:     a.Counters(),
	}
}

// RestoreAggregator rebuilds an Aggregator from a snapshot, checking it as
// the live operations would check what they count, and reporting every
// problem at once: the version, the configuration, the location (loaded
// by name, or given with WithLocation), each window (recomputed from its
// start, so one that does not start on a boundary of the granularity is
// refused, as is a repeated one), and the counters: no negative count, no
// part above its whole, moments that values in range can give, and totals
// over all windows that fit in an int64, so that Total never overflows.
// Slices must belong to a configured slicing and set exactly its
// dimensions, appear once per window, have something counted, count no
// more together than their window, and stay within MaxSlices distinct
// slices per slicing; an overflow bucket needs MaxSlices distinct slices
// before it. It reads the options WithLocation and WithClassifier.
func RestoreAggregator(s AggregatorSnapshot, opts ...Option) (*Aggregator, error) {
	if err := s.Config.Validate(); err != nil {
		return nil, err
	}
	st := s.Config.settings()
	sl := newSlicer(slices.Clone(s.Config.Slicings), st.maxSlices)
	var total Counters
	ws, err := restoreWindowed(windowSnapshot{s.Version, []int{1, 2, 3}, s.Granularity, s.Location}, opts, len(s.Windows),
		func(i int) Window { return s.Windows[i].Window },
		func(i int, path string) (windowState, error) {
			wc := s.Windows[i]
			w := windowState{Counters: wc.Counters}
			if err := wc.Counters.validate(path+".counters", st); err != nil {
				return w, err
			}
			if err := sl.restore(&w, wc.Slices, path, st); err != nil {
				return w, err
			}
			if !total.mergeChecked(wc.Counters) {
				return w, fieldErr(path+".counters", "the totals over the windows up to this one overflow")
			}
			return w, nil
		})
	if err := errors.Join(err, sl.checkOverflow()); err != nil {
		return nil, err
	}
	a := newAggregator(s.Config, ws, buildOptions(opts))
	a.sl, a.orders = sl, total.Orders
	return a, nil
}

// TallySnapshotVersion is the format version of TallySnapshot; restores
// refuse any other with an error naming it.
const TallySnapshotVersion = 1

// TallySnapshot is the serialisable state of a CategoryTally.
type TallySnapshot struct {
	Version     int            `json:"version"`
	Granularity Granularity    `json:"granularity"`
	Location    string         `json:"location"`
	Windows     []WindowCounts `json:"windows"`
}

// Snapshot returns the tally's state as a plain value, windows oldest
// first.
func (t *CategoryTally) Snapshot() TallySnapshot {
	return TallySnapshot{Version: TallySnapshotVersion, Granularity: t.g, Location: t.loc.String(), Windows: t.All()}
}

// RestoreCategoryTally rebuilds a CategoryTally from a snapshot, checking
// windows as RestoreAggregator does and counts as AddN would (a category
// named, no negative count, a window total that fits in an int64; a
// window's Total must be the sum of its counts), and reporting every
// problem at once. It reads one option, WithLocation.
func RestoreCategoryTally(s TallySnapshot, opts ...Option) (*CategoryTally, error) {
	ws, err := restoreWindowed(windowSnapshot{s.Version, []int{TallySnapshotVersion}, s.Granularity, s.Location}, opts, len(s.Windows),
		func(i int) Window { return s.Windows[i].Window },
		func(i int, path string) (tallyCounts, error) {
			wc := s.Windows[i]
			tc := tallyCounts{counts: make(map[string]int64, len(wc.Counts))}
			for _, cat := range slices.Sorted(maps.Keys(wc.Counts)) {
				n := wc.Counts[cat]
				if cat == "" || n < 0 || tc.total > math.MaxInt64-n {
					return tc, fieldErr(path+".counts", "invalid entry %q: %d (empty, negative, or the total overflows)", cat, n)
				}
				tc.counts[cat] = n
				tc.total += n
			}
			if wc.Total != tc.total {
				return tc, fieldErr(path+".total", "%d, but the counts add up to %d", wc.Total, tc.total)
			}
			return tc, nil
		})
	if err != nil {
		return nil, err
	}
	return &CategoryTally{windowed: ws}, nil
}
