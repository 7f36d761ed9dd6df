package main

import (
	"cmp"
	"slices"
	"time"

	"github.com/sqkit/sqkit/feedback"
)

// periodFigures reads an aggregator's figures over a period of whole
// windows: the desk counts everything in daily windows (with their
// slices), and a period's figures (the month, half of it) merge the
// counters of the days it covers. It is the adapter between feedback's
// windows and the desk's reporting and assessment periods.
type periodFigures struct {
	cfg     feedback.Config
	windows []feedback.WindowCounters
}

// periodOf reads agg's windows that start in [from, to) (a zero bound is
// open) once; the period's figures come from that copy.
func periodOf(agg *feedback.Aggregator, from, to time.Time) periodFigures {
	ws := slices.DeleteFunc(agg.Counters(), func(w feedback.WindowCounters) bool {
		return !from.IsZero() && w.Window.Start.Before(from) || !to.IsZero() && !w.Window.Start.Before(to)
	})
	return periodFigures{cfg: agg.Config(), windows: ws}
}

// total is the period's report over all its observations.
func (p periodFigures) total() feedback.Report {
	var c feedback.Counters
	for _, w := range p.windows {
		c.Merge(w.Counters)
	}
	return c.Report(p.cfg)
}

// slices is the period's report of every slice of slicing by, ordered by
// the slices' values, the overflow bucket last.
func (p periodFigures) slices(by feedback.Slicing) []feedback.SliceReport {
	type key struct {
		slice feedback.Dimensions
		other bool
	}
	merged := map[key]*feedback.Counters{}
	var keys []key
	for _, w := range p.windows {
		for _, sc := range w.Slices {
			if sc.By != by {
				continue
			}
			k := key{sc.Slice, sc.Other}
			if merged[k] == nil {
				merged[k] = &feedback.Counters{}
				keys = append(keys, k)
			}
			merged[k].Merge(sc.Counters)
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.other != b.other {
			if a.other {
				return 1
			}
			return -1
		}
		for _, d := range by.Dimensions() {
			if c := cmp.Compare(a.slice.Get(d), b.slice.Get(d)); c != 0 {
				return c
			}
		}
		return 0
	})
	out := make([]feedback.SliceReport, len(keys))
	for i, k := range keys {
		out[i] = feedback.SliceReport{By: by, Slice: k.slice, Other: k.other, Report: merged[k].Report(p.cfg)}
	}
	return out
}

// slice is the period's report of one slice (all figures with N = 0 when
// it has no data).
func (p periodFigures) slice(d feedback.Dimensions) feedback.Report {
	for _, sr := range p.slices(d.Slicing()) {
		if !sr.Other && sr.Slice == d {
			return sr.Report
		}
	}
	return feedback.Counters{}.Report(p.cfg)
}

// versus compares the period's figures with targets: a target with a
// slice reads that slice, one without reads whole, the period's report as
// the desk assembles it (see monthReport).
func (p periodFigures) versus(whole feedback.Report, targets feedback.Targets) ([]feedback.TargetGap, error) {
	if err := targets.Validate(); err != nil {
		return nil, err
	}
	out := make([]feedback.TargetGap, len(targets))
	for i, t := range targets {
		rep, bare := whole, t
		if t.Slice != (feedback.Dimensions{}) {
			rep, bare.Slice = p.slice(t.Slice), feedback.Dimensions{}
		}
		g, err := rep.Versus(feedback.Targets{bare})
		if err != nil {
			return nil, err
		}
		g[0].Target = t
		out[i] = g[0]
	}
	return out, nil
}
