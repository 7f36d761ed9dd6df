package feedback

import (
	"errors"
	"fmt"
)

// restore checks the slices of one window of a snapshot (at path) and
// adds them to w, admitting their keys: what restoring an Aggregator
// needs of them (see RestoreAggregator).
func (sl *slicer) restore(w *windowState, scs []SliceCounters, path string, st settings) error {
	var errs []error
	bad := func(p, format string, args ...any) { errs = append(errs, fieldErr(p, format, args...)) }
	var sums []Counters
	if sl != nil {
		sums = make([]Counters, len(sl.by))
	}
	for j, sc := range scs {
		p := fmt.Sprintf("%s.slices[%d]", path, j)
		i := sl.index(sc.By)
		if i < 0 {
			bad(p+".by", "%q is not one of the slicings %v", sc.By, sl.slicings())
			continue
		}
		switch {
		case sc.Other && sc.Slice != (Dimensions{}):
			bad(p+".slice", "the overflow bucket has no values")
			continue
		case !sc.Other && sc.Slice.Slicing() != sc.By:
			bad(p+".slice", "sets %q, want the values of %q", sc.Slice.Slicing(), sc.By)
			continue
		}
		if err := sc.Counters.validate(p+".counters", st); err != nil {
			errs = append(errs, err)
			continue
		}
		if sc.Counters == (Counters{}) {
			bad(p+".counters", "nothing counted")
			continue
		}
		id, seen := sl.other[i], sl.other[i] >= 0
		if !sc.Other {
			id, seen = sl.find(i, &sc.Slice)
		}
		switch {
		case seen && int(id) < len(w.slices) && w.slices[id] != nil:
			bad(p, "duplicate slice")
			continue
		case sc.Other:
			id = sl.overflow(i)
		case !seen && len(sl.ids[i]) >= sl.max:
			bad(p, "more than max_slices (%d) distinct slices of %q", sl.max, sc.By)
			continue
		case !seen:
			id, _ = sl.id(i, &sc.Slice)
		}
		if !sums[i].mergeChecked(sc.Counters) {
			bad(p+".counters", "the slices of %q up to this one overflow", sc.By)
			continue
		}
		*w.slice(id) = sc.Counters
	}
	// A record counts in one slice of each slicing at most.
	whole := w.Counters.counts()
	for i := range sums {
		for q, part := range sums[i].counts() {
			if *part > *whole[q] {
				bad(path+".slices", "the slices of %q count %d %s, more than their window's %d", sl.by[i], *part, countNames[q], *whole[q])
			}
		}
	}
	return errors.Join(errs...)
}

// checkOverflow reports the slicings whose overflow bucket has data but
// fewer than max distinct slices: counting never gives that.
func (sl *slicer) checkOverflow() error {
	if sl == nil {
		return nil
	}
	var errs []error
	for i, by := range sl.by {
		if n := len(sl.ids[i]); sl.other[i] >= 0 && n < sl.max {
			errs = append(errs, fieldErr("windows", "an overflow bucket of %q, but only %d of max_slices %d distinct slices", by, n, sl.max))
		}
	}
	return errors.Join(errs...)
}

// slicings returns the slicings (none for a nil slicer).
func (sl *slicer) slicings() []Slicing {
	if sl == nil {
		return nil
	}
	return sl.by
}
