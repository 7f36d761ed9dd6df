package feedback

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Survey questions the seed targets name (Dimensions.Question of a
// Response).
const (
	QuestionOverall           = "overall"
	QuestionProblemResolution = "problem_resolution"
)

// Target is the value a metric should reach in a period, over a whole
// window or in one slice of it (Slice sets the slice's dimensions, as in
// Aggregator.SliceReportAt; zero means the whole window). Direction
// overrides the metric's usual direction; empty means
// Metric.HigherIsBetter. Name labels it in reports.
type Target struct {
	Name      string     `json:"name,omitempty"`
	Metric    Metric     `json:"metric"`
	Slice     Dimensions `json:"slice,omitzero"`
	Value     float64    `json:"value"`
	Direction Direction  `json:"direction,omitempty"`
}

// Targets is a list of targets, checked together.
type Targets []Target

// SeedTargets returns the targets the seeds set: overall
// satisfaction at least 90 % and problem-resolution satisfaction at least
// 95 % (CSAT of the questions QuestionOverall and
// QuestionProblemResolution: slice the Aggregator by DimQuestion), human
// intervention in bot sessions at most 15 %, and spot checks covering at
// least 20 % of handled work.
func SeedTargets() Targets {
	return Targets{
		{Name: "overall satisfaction", Metric: MetricCSAT, Slice: Dimensions{Question: QuestionOverall}, Value: 90},
		{Name: "problem-resolution satisfaction", Metric: MetricCSAT, Slice: Dimensions{Question: QuestionProblemResolution}, Value: 95},
		{Name: "human intervention", Metric: MetricHumanIntervention, Value: 15},
		{Name: "inspection coverage", Metric: MetricInspectionCoverage, Value: 100 * DefaultSampleRate},
	}
}

// metricRange returns the values metric m can take.
func metricRange(m Metric) (lo, hi float64) {
	switch m {
	case MetricNPS:
		return -100, 100
	case MetricCES:
		return math.Inf(-1), math.Inf(1) // on the scale the Config declares
	case MetricAHT, MetricASA, MetricCycleTime, MetricComplaintRate:
		return 0, math.Inf(1)
	}
	return 0, 100
}

// Validate reports every problem of the targets at once, with field paths
// (targets[2].value): an unknown metric, a value that is not finite or
// outside the metric's range (0–100 for percentages and inspection
// scores, ±100 for NPS, not negative for times and the complaint rate), an
// unknown direction, a slice of more than MaxSliceDimensions dimensions,
// and a metric targeted twice for the same slice.
func (ts Targets) Validate() error {
	var errs []error
	type key struct {
		m Metric
		s Dimensions
	}
	seen := map[key]int{}
	for i, t := range ts {
		path := pathf("targets[%d]", i)
		if !t.Metric.Known() {
			errs = append(errs, fieldErr(path+".metric", "unknown metric %q", t.Metric))
		}
		if lo, hi := metricRange(t.Metric); badFloat(t.Value) != "" || t.Value < lo || t.Value > hi {
			errs = append(errs, fieldErr(path+".value", "%v is not a value of %s (%v to %v)", t.Value, t.Metric, lo, hi))
		}
		if err := t.Direction.check(path + ".direction"); err != nil {
			errs = append(errs, err)
		}
		if by := t.Slice.Slicing(); by != 0 {
			if err := by.Validate(); err != nil {
				errs = append(errs, prefix(path+".slice", err))
			}
		}
		if j, dup := seen[key{t.Metric, t.Slice}]; dup {
			errs = append(errs, fieldErr(path, "%s of this slice is targeted twice (also targets[%d])", t.Metric, j))
		}
		seen[key{t.Metric, t.Slice}] = i
	}
	return errors.Join(errs...)
}

// TargetGap compares a target with the actual figure of its period: Gap
// is actual − target in the metric's unit; Meets says the value reaches
// the target in the target's direction; Excludes says the figure's
// interval excludes the target, so the difference is not down to chance at
// the configured confidence. Verdict sums it up: Met (meets, and the
// interval excludes the target), NotMet (misses, and the interval excludes
// it) or Inconclusive (the interval includes the target, or the sample is
// too small: Actual.Insufficient).
type TargetGap struct {
	Target   Target  `json:"target"`
	Actual   Figure  `json:"actual"`
	Gap      float64 `json:"gap"`
	Meets    bool    `json:"meets"`
	Excludes bool    `json:"excludes"`
	Verdict  Verdict `json:"verdict"`
}

// gapOf compares figure f with target t.
func gapOf(t Target, f Figure) TargetGap {
	g := TargetGap{Target: t, Actual: f, Gap: f.Value - t.Value}
	if f.N == 0 {
		g.Verdict = Inconclusive
		return g
	}
	g.Meets = f.Value >= t.Value
	if !t.Direction.higher(t.Metric) {
		g.Meets = f.Value <= t.Value
	}
	g.Excludes = f.Lower > t.Value || f.Upper < t.Value
	switch {
	case f.Insufficient || !g.Excludes:
		g.Verdict = Inconclusive
	case g.Meets:
		g.Verdict = Met
	default:
		g.Verdict = NotMet
	}
	return g
}

// String formats the comparison for a report line, e.g.
// "overall satisfaction: csat 86.0% [81.0, 89.8] n=200 vs target 90 (−4.0): not_met".
func (g TargetGap) String() string {
	name := g.Target.Name
	if name == "" {
		name = string(g.Target.Metric)
		if by := g.Target.Slice.Slicing(); by != 0 {
			var vs []string
			for _, d := range by.Dimensions() {
				vs = append(vs, d.String()+"="+g.Target.Slice.Get(d))
			}
			name += "[" + strings.Join(vs, " ") + "]"
		}
	}
	return fmt.Sprintf("%s: %s vs target %s (%+.1f): %s", name, g.Actual, strconv.FormatFloat(g.Target.Value, 'f', -1, 64), g.Gap, g.Verdict)
}

// Versus compares the report with targets over the whole window (targets
// with a Slice need the slices of an Aggregator: see
// Aggregator.VersusAt), one TargetGap per target, in order.
func (r Report) Versus(targets Targets) ([]TargetGap, error) {
	errs := []error{targets.Validate()}
	for i, t := range targets {
		if t.Slice != (Dimensions{}) {
			errs = append(errs, fieldErr(pathf("targets[%d].slice", i), "a report has no slices (use Aggregator.VersusAt)"))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make([]TargetGap, len(targets))
	for i, t := range targets {
		f, _ := r.Figure(t.Metric)
		out[i] = gapOf(t, f)
	}
	return out, nil
}

// VersusAt compares the window containing at, and its slices, with
// targets: one TargetGap per target, in order. A target with a Slice
// reads that slice (its slicing must be one of the aggregator's); one
// without reads the whole window.
func (a *Aggregator) VersusAt(at time.Time, targets Targets) ([]TargetGap, error) {
	errs := []error{targets.Validate()}
	for i, t := range targets {
		if by := t.Slice.Slicing(); by != 0 && a.sl.index(by) < 0 {
			errs = append(errs, a.errNotSliced(pathf("targets[%d].slice", i), by))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	cs := make([]Counters, len(targets)) // read under one lock: one state
	a.mu.Lock()
	_, s := a.window(at)
	for i, t := range targets {
		if t.Slice == (Dimensions{}) && s != nil {
			cs[i] = s.v.Counters
		} else {
			cs[i] = a.sliceOf(s, t.Slice)
		}
	}
	a.mu.Unlock()
	out := make([]TargetGap, len(targets))
	for i, t := range targets {
		f, _ := cs[i].Report(a.cfg).Figure(t.Metric)
		out[i] = gapOf(t, f)
	}
	return out, nil
}

// KPIValue is one metric of a report as the plain numbers a KPI scorecard
// takes (the incentive package's Scorecard, for one): the KPI id (the
// metric's name), its value, the value as decimal text with the places
// asked for (ready for a decimal parser, so that no float reaches the
// money), and the sample behind it.
type KPIValue struct {
	KPI          string  `json:"kpi"`
	Value        float64 `json:"value"`
	Text         string  `json:"text"`
	Hits         int64   `json:"hits,omitempty"`
	N            int64   `json:"n"`
	Insufficient bool    `json:"insufficient,omitempty"`
}

// KPIs returns the figures of metrics (all of them, in report order, when
// none is given) as KPI values, with Text rounded to places decimal
// places (0–9). An unknown metric or places out of range is an error.
func (r Report) KPIs(places int, metrics ...Metric) ([]KPIValue, error) {
	var errs []error
	if places < 0 || places > 9 {
		errs = append(errs, fieldErr("places", "must be in 0–9, got %d", places))
	}
	if len(metrics) == 0 {
		metrics = Metrics
	}
	out := make([]KPIValue, 0, len(metrics))
	for i, m := range metrics {
		f, ok := r.Figure(m)
		if !ok {
			errs = append(errs, fieldErr(pathf("metrics[%d]", i), "unknown metric %q", m))
			continue
		}
		out = append(out, KPIValue{KPI: string(m), Value: f.Value, Text: strconv.FormatFloat(f.Value, 'f', max(places, 0), 64),
			Hits: f.Hits, N: f.N, Insufficient: f.Insufficient})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
