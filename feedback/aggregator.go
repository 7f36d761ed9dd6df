package feedback

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// maxBatchErrors bounds how many record errors one batch call reports.
const maxBatchErrors = 20

// Aggregator counts responses and service records into calendar windows of
// one granularity in one location, keeping only Counters per window (never
// the records), and reports every metric per window.
//
// An Aggregator is safe for concurrent use. Records may arrive in any order;
// in-order streams are fastest, because the window of the previous record is
// cached and a record that falls in it costs no calendar arithmetic.
type Aggregator struct {
	mu  sync.Mutex
	cfg Config
	s   settings
	windowed[Counters]
	orders int64 // the orders of every window, which AddOrders keeps within int64
}

// NewAggregator returns an empty Aggregator for windows of granularity g in
// loc (nil means UTC).
func NewAggregator(g Granularity, loc *time.Location, cfg Config) (*Aggregator, error) {
	ws, err := newWindowed[Counters](g, loc)
	if err := errors.Join(err, cfg.Validate()); err != nil {
		return nil, err
	}
	return &Aggregator{cfg: cfg, s: cfg.settings(), windowed: ws}, nil
}

// Config returns the configuration the aggregator was built with.
func (a *Aggregator) Config() Config { return a.cfg }

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
	case badFloat(r.Score) != "":
		return recordErr(index, r.ID, "score", "%s", badFloat(r.Score))
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
	var errs []error
	if r.At.IsZero() {
		errs = append(errs, recordErr(index, r.ID, "at", "zero time"))
	}
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
	}{{"fcr", r.FCR}, {"compliant", r.Compliant}} {
		if f.f < Unknown || f.f > No {
			errs = append(errs, recordErr(index, r.ID, f.field, "unknown flag %d", int8(f.f)))
		}
	}
	return errors.Join(errs...)
}

// AddResponse counts one survey response. An invalid response (score out of
// range or not an integer where the survey requires one, NaN, unknown kind,
// zero time) is rejected with a *RecordError naming it by ID.
func (a *Aggregator) AddResponse(r Response) error {
	if err := a.s.checkResponse(&r, -1); err != nil {
		return err
	}
	a.mu.Lock()
	a.at(r.At).v.addResponse(&r)
	a.mu.Unlock()
	return nil
}

// AddResponses counts a batch of responses under one lock. The batch is
// all or nothing: if any response is invalid, nothing is counted and the
// error joins a *RecordError for each invalid response (by index and ID; at
// most 20 are listed).
func (a *Aggregator) AddResponses(rs []Response) error {
	return addBatch(a, rs, a.s.checkResponse, func(r *Response) { a.at(r.At).v.addResponse(r) })
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

// AddRecord counts one service record. A negative duration, an unknown flag
// or a zero time is rejected with a *RecordError naming the record by ID.
func (a *Aggregator) AddRecord(r Record) error {
	if err := checkRecord(&r, -1); err != nil {
		return err
	}
	a.mu.Lock()
	a.at(r.At).v.addRecord(&r, a.s.slT)
	a.mu.Unlock()
	return nil
}

// AddRecords counts a batch of records, all or nothing, like AddResponses.
func (a *Aggregator) AddRecords(rs []Record) error {
	return addBatch(a, rs, checkRecord, func(r *Record) { a.at(r.At).v.addRecord(r, a.s.slT) })
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

// WindowCounters is one window and its counters.
type WindowCounters struct {
	Window   Window   `json:"window"`
	Counters Counters `json:"counters"`
}

// Counters returns the counters of every window that has data, oldest
// first.
func (a *Aggregator) Counters() []WindowCounters {
	a.mu.Lock()
	defer a.mu.Unlock()
	return collect(&a.windowed, func(s *slot[Counters]) WindowCounters { return WindowCounters{Window: s.w, Counters: s.v} })
}

// Reports returns the report of every window that has data, oldest first.
func (a *Aggregator) Reports() []Report {
	wcs := a.Counters()
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
		c = s.v
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
		c.Merge(s.v)
	}
	a.mu.Unlock()
	return c.Report(a.cfg)
}
