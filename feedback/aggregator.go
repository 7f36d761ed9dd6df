package feedback

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxBatchErrors bounds how many record errors one batch call reports.
const maxBatchErrors = 20

// Aggregator counts responses, service records, survey invitations, bot
// sessions and inspections into calendar windows of one granularity in one
// location, keeping only Counters per window (never the records), and
// reports every metric per window. With Config.Slicings it also keeps
// Counters per slice of each window (per agent, per team and channel, per
// survey question, ...) in the same pass, bounded by Config.MaxSlices.
//
// An Aggregator is safe for concurrent use. Records may arrive in any order;
// in-order streams are fastest, because the window of the previous record is
// cached and a record that falls in it costs no calendar arithmetic.
type Aggregator struct {
	mu  sync.Mutex
	cfg Config
	s   settings
	windowed[windowState]
	sl     *slicer     // nil without slicings
	cls    *Classifier // files comments, nil without WithClassifier
	orders int64       // the orders of every window, which AddOrders keeps within int64
}

// NewAggregator returns an empty Aggregator for windows of granularity g in
// loc (nil means UTC). It reads one option, [WithClassifier].
func NewAggregator(g Granularity, loc *time.Location, cfg Config, opts ...Option) (*Aggregator, error) {
	ws, err := newWindowed[windowState](g, loc)
	if err := errors.Join(err, cfg.Validate()); err != nil {
		return nil, err
	}
	return newAggregator(cfg, ws, buildOptions(opts)), nil
}

func newAggregator(cfg Config, ws windowed[windowState], o options) *Aggregator {
	cfg.Slicings = slices.Clone(cfg.Slicings)
	s := cfg.settings()
	return &Aggregator{cfg: cfg, s: s, windowed: ws, sl: newSlicer(cfg.Slicings, s.maxSlices), cls: o.classifier}
}

// Config returns the configuration the aggregator was built with.
func (a *Aggregator) Config() Config {
	c := a.cfg
	c.Slicings = slices.Clone(c.Slicings)
	return c
}

// count adds one observation at t with dimensions d: add runs on the
// counters of t's window and of every slice of it that d falls in. The
// caller holds a.mu.
func (a *Aggregator) count(t time.Time, d *Dimensions, add func(c *Counters)) {
	s := a.at(t)
	add(&s.v.Counters)
	if a.sl != nil {
		var buf [MaxSlicings]int32
		for _, id := range a.sl.slices(d, &buf) {
			add(s.v.slice(id))
		}
	}
}

// classify files the comment of r under the category the classifier gives
// it, when r has a comment and no category.
func (a *Aggregator) classify(r *Response) {
	if r.Comment != "" && r.Category == "" {
		if r.Category = a.cls.Classify(r.Comment).Category; r.Category == "" {
			r.Category = CategoryUncategorised
		}
	}
}

// recordErr is the *RecordError of field of record id (at index of its
// batch, -1 for a record added on its own).
func recordErr(index int, id, field, format string, args ...any) *RecordError {
	return &RecordError{Index: index, ID: id, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func badFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "is NaN"
	case math.IsInf(x, 0):
		return "is infinite"
	}
	return ""
}

// scales are the scores the surveys with a fixed scale allow: integers
// from lo to hi.
var scales = [...]struct{ lo, hi float64 }{SurveyCSAT: {1, 5}, SurveyNPS: {0, 10}}

func (s settings) checkResponse(r *Response, index int) error {
	switch {
	case r.At.IsZero():
		return recordErr(index, r.ID, "at", "zero time")
	case r.Score-r.Score != 0: // NaN or infinite, in one comparison
		return recordErr(index, r.ID, "score", "%s", badFloat(r.Score))
	case r.Sheet != "":
		return recordErr(index, r.ID, "sheet", "a response carries no sheet")
	case r.Kind == SurveyCSAT || r.Kind == SurveyNPS:
		if sc := scales[r.Kind]; r.Score < sc.lo || r.Score > sc.hi || r.Score != math.Trunc(r.Score) {
			return recordErr(index, r.ID, "score", "%s score %v is not an integer in %v–%v", strings.ToUpper(r.Kind.String()), r.Score, sc.lo, sc.hi)
		}
	case r.Kind == SurveyCES:
		if r.Score < s.cesMin || r.Score > s.cesMax {
			return recordErr(index, r.ID, "score", "CES score %v is outside the scale %v–%v", r.Score, s.cesMin, s.cesMax)
		}
	default:
		return recordErr(index, r.ID, "kind", "unknown survey kind %d", uint8(r.Kind))
	}
	return nil
}

func checkRecord(r *Record, index int) error {
	errs := checkObservation(r.At, r.Dimensions, noQuestionNoSheet, index, r.ID, "a record")
	for _, d := range [...]struct {
		field string
		d     time.Duration
	}{{"first_response", r.FirstResponse}, {"handling", r.Handling}, {"cycle_time", r.CycleTime}} {
		if d.d < 0 {
			errs = append(errs, recordErr(index, r.ID, d.field, "negative duration %v", d.d))
		}
	}
	for _, f := range [...]struct {
		field string
		f     Flag
	}{{"fcr", r.FCR}, {"compliant", r.Compliant}, {"complaint_resolved", r.ComplaintResolved}} {
		if f.f < Unknown || f.f > No {
			errs = append(errs, recordErr(index, r.ID, f.field, "unknown flag %d", int8(f.f)))
		}
	}
	if r.ComplaintResolved != Unknown && !r.Complaint {
		errs = append(errs, recordErr(index, r.ID, "complaint_resolved", "set on a record that is not a complaint"))
	}
	return errors.Join(errs...)
}

// AddResponse counts one survey response. An invalid response (score out of
// range or not an integer where the survey requires one, NaN, unknown kind,
// zero time, a sheet) is rejected with a *RecordError naming it by ID. With
// a classifier ([WithClassifier]), a comment on a response without a
// category is classified, and the response counts under that category
// (CategoryUncategorised when no rule matches).
func (a *Aggregator) AddResponse(r Response) error {
	if err := a.s.checkResponse(&r, -1); err != nil {
		return err
	}
	if a.cls != nil {
		a.classify(&r)
	}
	a.mu.Lock()
	// count, by hand: responses are the hot path, counted without an
	// indirect call.
	s := a.at(r.At)
	s.v.addResponse(&r)
	if a.sl != nil {
		var buf [MaxSlicings]int32
		for _, id := range a.sl.slices(&r.Dimensions, &buf) {
			s.v.slice(id).addResponse(&r)
		}
	}
	a.mu.Unlock()
	return nil
}

// AddResponses counts a batch of responses under one lock. The batch is
// all or nothing: if any response is invalid, nothing is counted and the
// error joins a *RecordError for each invalid response (by index and ID; at
// most 20 are listed).
func (a *Aggregator) AddResponses(rs []Response) error {
	return addBatch(a, rs, a.s.checkResponse, func(r *Response) {
		x := *r
		if a.cls != nil {
			a.classify(&x)
		}
		a.count(x.At, &x.Dimensions, func(c *Counters) { c.addResponse(&x) })
	})
}

// addBatch checks every element of a batch, joining the errors of the first
// maxBatchErrors invalid ones, and counts them all under one lock when
// none is.
func addBatch[T any](a *Aggregator, rs []T, check func(r *T, index int) error, add func(r *T)) error {
	var errs []error
	for i := range rs {
		if err := check(&rs[i], i); err != nil && len(errs) < maxBatchErrors {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range rs {
		add(&rs[i])
	}
	return nil
}

// AddRecord counts one service record. A negative duration, an unknown flag,
// a complaint resolution on a record that is no complaint, a question or a
// sheet, or a zero time is rejected with a *RecordError naming the record
// by ID.
func (a *Aggregator) AddRecord(r Record) error {
	return add1(a, &r, checkRecord, a.addRecord)
}

func (a *Aggregator) addRecord(r *Record) {
	a.count(r.At, &r.Dimensions, func(c *Counters) { c.addRecord(r, a.s.slT) })
}

// AddRecords counts a batch of records, all or nothing, like AddResponses.
func (a *Aggregator) AddRecords(rs []Record) error {
	return addBatch(a, rs, checkRecord, a.addRecord)
}

// add1 checks one observation and counts it under the lock.
func add1[T any](a *Aggregator, r *T, check func(r *T, index int) error, add func(r *T)) error {
	if err := check(r, -1); err != nil {
		return err
	}
	a.mu.Lock()
	add(r)
	a.mu.Unlock()
	return nil
}

// AddOrders counts n orders at time at, the denominator of the complaint
// rate. n must not be negative, and the orders of all windows together
// must stay within the range of an int64 (so that Total can add them up).
func (a *Aggregator) AddOrders(at time.Time, n int64) error {
	if n < 0 {
		return recordErr(-1, "", "orders", "negative count %d", n)
	}
	if at.IsZero() {
		return recordErr(-1, "", "at", "zero time")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.orders > math.MaxInt64-n {
		return recordErr(-1, "", "orders", "%d more orders than the %d counted overflow the total", n, a.orders)
	}
	a.orders += n
	a.at(at).v.Orders += n
	return nil
}

// WindowCounters is one window and its counters, and the counters of its
// slices (see SliceCounters for their order).
type WindowCounters struct {
	Window   Window          `json:"window"`
	Counters Counters        `json:"counters"`
	Slices   []SliceCounters `json:"slices,omitempty"`
}

// Counters returns the counters of every window that has data, and of its
// slices, oldest first.
func (a *Aggregator) Counters() []WindowCounters { return a.windows(true) }

// windows returns the counters of every window, with their slices or not.
func (a *Aggregator) windows(withSlices bool) []WindowCounters {
	a.mu.Lock()
	defer a.mu.Unlock()
	return collect(&a.windowed, func(s *slot[windowState]) WindowCounters {
		wc := WindowCounters{Window: s.w, Counters: s.v.Counters}
		if withSlices {
			wc.Slices = a.sl.sliceCounters(&s.v, 0)
		}
		return wc
	})
}

// Reports returns the report of every window that has data, oldest first.
func (a *Aggregator) Reports() []Report {
	wcs := a.windows(false)
	out := make([]Report, len(wcs))
	for i, wc := range wcs {
		out[i] = wc.Counters.Report(a.cfg)
		out[i].Window = wc.Window
	}
	return out
}

// ReportAt returns the report of the window containing t. A window with no
// data gives a report whose figures all have N = 0 and are Insufficient.
func (a *Aggregator) ReportAt(t time.Time) Report {
	var c Counters
	a.mu.Lock()
	w, s := a.window(t)
	if s != nil {
		c = s.v.Counters
	}
	a.mu.Unlock()
	r := c.Report(a.cfg)
	r.Window = w
	return r
}

// Total returns the report over all windows together; its Window is the
// zero value. Windows are merged oldest first, so the same responses give
// the same figures to the last bit on every run.
func (a *Aggregator) Total() Report {
	var c Counters
	a.mu.Lock()
	for _, s := range a.sorted() {
		c.Merge(s.v.Counters)
	}
	a.mu.Unlock()
	return c.Report(a.cfg)
}
