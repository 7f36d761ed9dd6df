package feedback

import (
	"errors"
	"fmt"
	"time"
)

// aggregatorSnapshotVersion is the current AggregatorSnapshot format.
const aggregatorSnapshotVersion = 1

// AggregatorSnapshot is the serialisable state of an Aggregator: its
// granularity, location (IANA name), configuration and the counters of
// every window.
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
		Version:     aggregatorSnapshotVersion,
		Granularity: a.g,
		Location:    a.loc.String(),
		Config:      a.cfg,
		Windows:     a.Counters(),
	}
}

// RestoreAggregator rebuilds an Aggregator from a snapshot. It reloads the
// location by name, recomputes every window from its start (so a window
// that does not start on a boundary of the granularity is rejected), and
// rejects negative counters, reporting every problem at once.
func RestoreAggregator(s AggregatorSnapshot) (*Aggregator, error) {
	loc, err := snapshotLocation(s.Version, s.Location)
	if err != nil {
		return nil, err
	}
	var errs []error
	a, err := NewAggregator(s.Granularity, loc, s.Config)
	if err != nil {
		return nil, err
	}
	for i, wc := range s.Windows {
		path := fmt.Sprintf("windows[%d]", i)
		w, err := restoredWindow(a.g, loc, wc.Window, path, func(start int64) bool { return a.windows[start] != nil })
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := wc.Counters.validate(path + ".counters"); err != nil {
			errs = append(errs, err)
			continue
		}
		a.windows[w.Start.Unix()] = &bucket{w: w, c: wc.Counters}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return a, nil
}

// validate rejects negative counts and inconsistent totals.
func (c Counters) validate(path string) error {
	var errs []error
	check := func(name string, v int64) {
		if v < 0 {
			errs = append(errs, fieldErr(path+"."+name, "negative count %d", v))
		}
	}
	within := func(name string, part, whole int64) {
		if part > whole {
			errs = append(errs, fieldErr(path+"."+name, "%d exceeds its total %d", part, whole))
		}
	}
	check("csat_responses", c.CSATResponses)
	check("csat_satisfied", c.CSATSatisfied)
	check("nps_responses", c.NPSResponses)
	check("nps_promoters", c.NPSPromoters)
	check("nps_detractors", c.NPSDetractors)
	check("ces.n", c.CES.N)
	check("offered", c.Offered)
	check("abandoned", c.Abandoned)
	check("answered_within", c.AnsweredWithin)
	check("speed.n", c.Speed.N)
	check("handling.n", c.Handling.N)
	check("fcr_known", c.FCRKnown)
	check("fcr_resolved", c.FCRResolved)
	check("complaints", c.Complaints)
	check("orders", c.Orders)
	check("cycle_time.n", c.CycleTime.N)
	check("compliance_known", c.ComplianceKnown)
	check("compliant", c.Compliant)
	within("csat_satisfied", c.CSATSatisfied, c.CSATResponses)
	within("nps_promoters", c.NPSPromoters+c.NPSDetractors, c.NPSResponses)
	within("abandoned", c.Abandoned, c.Offered)
	within("answered_within", c.AnsweredWithin, c.Offered-c.Abandoned)
	within("fcr_resolved", c.FCRResolved, c.FCRKnown)
	within("compliant", c.Compliant, c.ComplianceKnown)
	for _, m := range []struct {
		name string
		m    Moments
	}{{"ces", c.CES}, {"speed", c.Speed}, {"handling", c.Handling}, {"cycle_time", c.CycleTime}} {
		if badFloat(m.m.Mean) != "" || badFloat(m.m.M2) != "" || m.m.M2 < 0 {
			errs = append(errs, fieldErr(path+"."+m.name, "invalid moments"))
		}
	}
	return errors.Join(errs...)
}

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
	return TallySnapshot{Version: aggregatorSnapshotVersion, Granularity: t.g, Location: t.loc.String(), Windows: t.All()}
}

// RestoreCategoryTally rebuilds a CategoryTally from a snapshot, checking
// windows and counts and reporting every problem at once.
func RestoreCategoryTally(s TallySnapshot) (*CategoryTally, error) {
	loc, err := snapshotLocation(s.Version, s.Location)
	if err != nil {
		return nil, err
	}
	var errs []error
	t, err := NewCategoryTally(s.Granularity, loc)
	if err != nil {
		return nil, err
	}
	for i, wc := range s.Windows {
		path := fmt.Sprintf("windows[%d]", i)
		w, err := restoredWindow(t.g, loc, wc.Window, path, func(start int64) bool { return t.windows[start] != nil })
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b := &tallyBucket{w: w, counts: make(map[string]int64, len(wc.Counts))}
		ok := true
		for cat, n := range wc.Counts {
			if cat == "" || n < 0 {
				errs = append(errs, fieldErr(path+".counts", "invalid entry %q: %d", cat, n))
				ok = false
				continue
			}
			b.counts[cat] = n
		}
		if ok {
			t.windows[w.Start.Unix()] = b
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// snapshotLocation checks a snapshot's version and loads its location.
func snapshotLocation(version int, location string) (*time.Location, error) {
	var errs []error
	if version != aggregatorSnapshotVersion {
		errs = append(errs, fieldErr("version", "unsupported snapshot version %d", version))
	}
	loc, err := time.LoadLocation(location)
	if err != nil {
		errs = append(errs, fieldErr("location", "%v", err))
	}
	return loc, errors.Join(errs...)
}

// restoredWindow recomputes a snapshot's window w of granularity g in loc
// from its start: an error names path when w is not such a window or
// when taken reports its start already restored.
func restoredWindow(g Granularity, loc *time.Location, w Window, path string, taken func(start int64) bool) (Window, error) {
	got := windowOf(g, w.Start, loc)
	if !got.Start.Equal(w.Start) || !got.End.Equal(w.End) {
		return got, fieldErr(path+".window", "%v–%v is not a %s window in %s", w.Start, w.End, g, loc)
	}
	if taken(got.Start.Unix()) {
		return got, fieldErr(path+".window", "duplicate window %s", got.Label())
	}
	return got, nil
}
