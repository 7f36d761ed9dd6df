package feedback

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// Metric names a service-quality metric. The definitions are exact:
//
//   - csat: customer satisfaction, the percentage of CSAT responses (1–5
//     scale, integers) that scored 4 or 5. Wilson interval.
//   - nps: Net Promoter Score, percent of NPS responses (0–10, integers)
//     scoring 9–10 minus percent scoring 0–6, in points from −100 to +100;
//     standard error and interval as documented on [NPS].
//   - ces: customer effort score, the mean CES response on the scale
//     declared in [Config] (default 1–7). Normal interval on the mean.
//   - fcr: first-contact resolution, the percentage of records with a known
//     FCR flag that were resolved on the first contact. Wilson interval.
//   - aht: average handling time in seconds over answered records that carry
//     a handling time.
//   - asa: average speed of answer in seconds: the mean first-response time
//     of answered (not abandoned) records.
//   - service_level: service level X/T over offered contacts, the
//     percentage of offered contacts (answered + abandoned) answered within
//     the threshold T. Abandons count against it. Wilson interval.
//   - service_level_answered: the variant with abandons removed, answered
//     within T over answered. Both variants are always reported.
//   - abandonment: abandoned over offered, percent. Wilson interval.
//   - complaint_rate: complaints per 1,000 orders (records flagged as
//     complaints over orders added with AddOrders, × 1000). The Wilson
//     interval treats each order as a trial, so it assumes at most one
//     complaint per order; with more complaints than orders the interval
//     collapses to the bounds of [0, 1000].
//   - cycle_time: mean cycle time (open to close) in seconds over records
//     that carry one.
//   - compliance: the percentage of records with a known compliance flag
//     whose process was compliant. Wilson interval.
type Metric string

// The metrics an Aggregator reports.
const (
	MetricCSAT                 Metric = "csat"
	MetricNPS                  Metric = "nps"
	MetricCES                  Metric = "ces"
	MetricFCR                  Metric = "fcr"
	MetricAHT                  Metric = "aht"
	MetricASA                  Metric = "asa"
	MetricServiceLevel         Metric = "service_level"
	MetricServiceLevelAnswered Metric = "service_level_answered"
	MetricAbandonment          Metric = "abandonment"
	MetricComplaintRate        Metric = "complaint_rate"
	MetricCycleTime            Metric = "cycle_time"
	MetricCompliance           Metric = "compliance"
)

// Metrics lists every metric in report order.
var Metrics = []Metric{
	MetricCSAT, MetricNPS, MetricCES, MetricFCR, MetricAHT, MetricASA,
	MetricServiceLevel, MetricServiceLevelAnswered, MetricAbandonment,
	MetricComplaintRate, MetricCycleTime, MetricCompliance,
}

// Known reports whether m is one of the metrics above.
func (m Metric) Known() bool {
	for _, k := range Metrics {
		if k == m {
			return true
		}
	}
	return false
}

// HigherIsBetter reports the usual direction of m: true for csat, nps, ces
// (an "it was easy" agreement scale), fcr, the service levels and
// compliance; false for times, abandonment and complaint rate.
func (m Metric) HigherIsBetter() bool {
	switch m {
	case MetricAHT, MetricASA, MetricAbandonment, MetricComplaintRate, MetricCycleTime:
		return false
	}
	return true
}

// SurveyKind says which survey a Response answers.
type SurveyKind uint8

// Survey kinds.
const (
	SurveyCSAT SurveyKind = iota + 1 // integer 1–5
	SurveyNPS                        // integer 0–10
	SurveyCES                        // on the declared CES scale
)

var surveyNames = [...]string{SurveyCSAT: "csat", SurveyNPS: "nps", SurveyCES: "ces"}

// String returns "csat", "nps" or "ces".
func (k SurveyKind) String() string {
	if k < SurveyCSAT || k > SurveyCES {
		return fmt.Sprintf("survey(%d)", uint8(k))
	}
	return surveyNames[k]
}

// MarshalText implements encoding.TextMarshaler.
func (k SurveyKind) MarshalText() ([]byte, error) {
	if k < SurveyCSAT || k > SurveyCES {
		return nil, fmt.Errorf("%w: unknown survey kind %d", ErrInvalidRecord, uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *SurveyKind) UnmarshalText(b []byte) error {
	for i := SurveyCSAT; i <= SurveyCES; i++ {
		if surveyNames[i] == string(b) {
			*k = i
			return nil
		}
	}
	return fmt.Errorf("%w: unknown survey kind %q", ErrInvalidRecord, b)
}

// Response is one survey answer.
type Response struct {
	ID    string     `json:"id,omitempty"`
	At    time.Time  `json:"at"`
	Kind  SurveyKind `json:"kind"`
	Score float64    `json:"score"`
}

// Flag is a yes/no value that may be unknown. The zero value is unknown;
// records with an unknown flag are left out of that metric's denominator.
type Flag int8

// Flag values.
const (
	Unknown Flag = iota
	Yes
	No
)

// FlagOf returns Yes for true and No for false.
func FlagOf(b bool) Flag {
	if b {
		return Yes
	}
	return No
}

// MarshalText implements encoding.TextMarshaler ("", "yes", "no").
func (f Flag) MarshalText() ([]byte, error) {
	switch f {
	case Unknown:
		return []byte{}, nil
	case Yes:
		return []byte("yes"), nil
	case No:
		return []byte("no"), nil
	}
	return nil, fmt.Errorf("%w: unknown flag %d", ErrInvalidRecord, int8(f))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *Flag) UnmarshalText(b []byte) error {
	switch string(b) {
	case "":
		*f = Unknown
	case "yes":
		*f = Yes
	case "no":
		*f = No
	default:
		return fmt.Errorf("%w: unknown flag %q", ErrInvalidRecord, b)
	}
	return nil
}

// Record is one service contact or ticket. Every record is an offered
// contact: it was either abandoned before an answer or answered.
//
// FirstResponse is the time from arrival to the first answer (the speed of
// answer); it is ignored for abandoned records. Handling and CycleTime are
// optional: zero means not recorded. FCR and Compliant are optional flags.
type Record struct {
	ID            string        `json:"id,omitempty"`
	At            time.Time     `json:"at"`
	Abandoned     bool          `json:"abandoned,omitempty"`
	FirstResponse time.Duration `json:"first_response,omitempty"`
	Handling      time.Duration `json:"handling,omitempty"`
	FCR           Flag          `json:"fcr,omitempty"`
	Complaint     bool          `json:"complaint,omitempty"`
	CycleTime     time.Duration `json:"cycle_time,omitempty"`
	Compliant     Flag          `json:"compliant,omitempty"`
}

// Config tunes an Aggregator. The zero value gives the defaults.
type Config struct {
	// Confidence is the two-sided confidence level of every interval,
	// in (0, 1). Default 0.95.
	Confidence float64 `json:"confidence,omitempty"`
	// MinSamples is the sample size below which a figure is marked
	// Insufficient. Default 30; negative is invalid.
	MinSamples int64 `json:"min_samples,omitempty"`
	// ServiceLevelThreshold is T in service level X/T. Default 20 s.
	ServiceLevelThreshold time.Duration `json:"service_level_threshold,omitempty"`
	// CESMin and CESMax declare the CES scale. Both zero means 1–7.
	CESMin float64 `json:"ces_min,omitempty"`
	CESMax float64 `json:"ces_max,omitempty"`
}

// Defaults used by Config.
const (
	DefaultConfidence            = 0.95
	DefaultMinSamples            = 30
	DefaultServiceLevelThreshold = 20 * time.Second
)

// Validate reports every problem in c at once.
func (c Config) Validate() error {
	var errs []error
	if c.Confidence != 0 && !(c.Confidence > 0 && c.Confidence < 1) {
		errs = append(errs, fieldErr("confidence", "must be in (0, 1), got %v", c.Confidence))
	}
	if c.MinSamples < 0 {
		errs = append(errs, fieldErr("min_samples", "must not be negative, got %d", c.MinSamples))
	}
	if c.ServiceLevelThreshold < 0 {
		errs = append(errs, fieldErr("service_level_threshold", "must not be negative, got %v", c.ServiceLevelThreshold))
	}
	if math.IsNaN(c.CESMin) || math.IsInf(c.CESMin, 0) {
		errs = append(errs, fieldErr("ces_min", "must be finite"))
	}
	if math.IsNaN(c.CESMax) || math.IsInf(c.CESMax, 0) {
		errs = append(errs, fieldErr("ces_max", "must be finite"))
	}
	if (c.CESMin != 0 || c.CESMax != 0) && !(c.CESMin < c.CESMax) {
		errs = append(errs, fieldErr("ces_max", "must be greater than ces_min (%v), got %v", c.CESMin, c.CESMax))
	}
	return errors.Join(errs...)
}

// settings is a Config with defaults applied.
type settings struct {
	confidence     float64
	minN           int64
	slT            time.Duration
	cesMin, cesMax float64
}

func (c Config) settings() settings {
	s := settings{confidence: c.Confidence, minN: c.MinSamples, slT: c.ServiceLevelThreshold, cesMin: c.CESMin, cesMax: c.CESMax}
	if s.confidence == 0 {
		s.confidence = DefaultConfidence
	}
	if s.minN == 0 {
		s.minN = DefaultMinSamples
	}
	if s.slT == 0 {
		s.slT = DefaultServiceLevelThreshold
	}
	if s.cesMin == 0 && s.cesMax == 0 {
		s.cesMin, s.cesMax = 1, 7
	}
	return s
}

// Counters are the running totals of one window: everything the metrics
// need and nothing more, so memory does not grow with the number of
// responses. Counters merge by addition (see Merge), so shards can count in
// parallel and combine.
type Counters struct {
	CSATResponses   int64   `json:"csat_responses"`
	CSATSatisfied   int64   `json:"csat_satisfied"`
	NPSResponses    int64   `json:"nps_responses"`
	NPSPromoters    int64   `json:"nps_promoters"`
	NPSDetractors   int64   `json:"nps_detractors"`
	CES             Moments `json:"ces"`
	Offered         int64   `json:"offered"`
	Abandoned       int64   `json:"abandoned"`
	AnsweredWithin  int64   `json:"answered_within"`
	Speed           Moments `json:"speed"`
	Handling        Moments `json:"handling"`
	FCRKnown        int64   `json:"fcr_known"`
	FCRResolved     int64   `json:"fcr_resolved"`
	Complaints      int64   `json:"complaints"`
	Orders          int64   `json:"orders"`
	CycleTime       Moments `json:"cycle_time"`
	ComplianceKnown int64   `json:"compliance_known"`
	Compliant       int64   `json:"compliant"`
}

// Merge adds o into c.
func (c *Counters) Merge(o Counters) {
	c.CSATResponses += o.CSATResponses
	c.CSATSatisfied += o.CSATSatisfied
	c.NPSResponses += o.NPSResponses
	c.NPSPromoters += o.NPSPromoters
	c.NPSDetractors += o.NPSDetractors
	c.CES.Merge(o.CES)
	c.Offered += o.Offered
	c.Abandoned += o.Abandoned
	c.AnsweredWithin += o.AnsweredWithin
	c.Speed.Merge(o.Speed)
	c.Handling.Merge(o.Handling)
	c.FCRKnown += o.FCRKnown
	c.FCRResolved += o.FCRResolved
	c.Complaints += o.Complaints
	c.Orders += o.Orders
	c.CycleTime.Merge(o.CycleTime)
	c.ComplianceKnown += o.ComplianceKnown
	c.Compliant += o.Compliant
}

func (c *Counters) addResponse(r *Response) {
	switch r.Kind {
	case SurveyCSAT:
		c.CSATResponses++
		if r.Score >= 4 {
			c.CSATSatisfied++
		}
	case SurveyNPS:
		c.NPSResponses++
		if r.Score >= 9 {
			c.NPSPromoters++
		} else if r.Score <= 6 {
			c.NPSDetractors++
		}
	case SurveyCES:
		c.CES.Add(r.Score)
	}
}

func (c *Counters) addRecord(r *Record, slT time.Duration) {
	c.Offered++
	if r.Abandoned {
		c.Abandoned++
	} else {
		if r.FirstResponse <= slT {
			c.AnsweredWithin++
		}
		c.Speed.Add(r.FirstResponse.Seconds())
		if r.Handling > 0 {
			c.Handling.Add(r.Handling.Seconds())
		}
	}
	if r.FCR != Unknown {
		c.FCRKnown++
		if r.FCR == Yes {
			c.FCRResolved++
		}
	}
	if r.Complaint {
		c.Complaints++
	}
	if r.CycleTime > 0 {
		c.CycleTime.Add(r.CycleTime.Seconds())
	}
	if r.Compliant != Unknown {
		c.ComplianceKnown++
		if r.Compliant == Yes {
			c.Compliant++
		}
	}
}

// Report is every metric of one window, each with its interval and sample
// size. It is a plain value, ready to print or serialise.
type Report struct {
	Window               Window `json:"window"`
	CSAT                 Figure `json:"csat"`
	NPS                  Figure `json:"nps"`
	CES                  Figure `json:"ces"`
	FCR                  Figure `json:"fcr"`
	AHT                  Figure `json:"aht"`
	ASA                  Figure `json:"asa"`
	ServiceLevel         Figure `json:"service_level"`
	ServiceLevelAnswered Figure `json:"service_level_answered"`
	Abandonment          Figure `json:"abandonment"`
	ComplaintRate        Figure `json:"complaint_rate"`
	CycleTime            Figure `json:"cycle_time"`
	Compliance           Figure `json:"compliance"`
}

// Figure returns the figure of metric m, and false for an unknown metric.
func (r Report) Figure(m Metric) (Figure, bool) {
	switch m {
	case MetricCSAT:
		return r.CSAT, true
	case MetricNPS:
		return r.NPS, true
	case MetricCES:
		return r.CES, true
	case MetricFCR:
		return r.FCR, true
	case MetricAHT:
		return r.AHT, true
	case MetricASA:
		return r.ASA, true
	case MetricServiceLevel:
		return r.ServiceLevel, true
	case MetricServiceLevelAnswered:
		return r.ServiceLevelAnswered, true
	case MetricAbandonment:
		return r.Abandonment, true
	case MetricComplaintRate:
		return r.ComplaintRate, true
	case MetricCycleTime:
		return r.CycleTime, true
	case MetricCompliance:
		return r.Compliance, true
	}
	return Figure{}, false
}

// Report computes every figure from the counters with the given
// configuration (its defaults applied). Window is left for the caller.
func (c Counters) Report(cfg Config) Report {
	s := cfg.settings()
	answered := c.Offered - c.Abandoned
	return Report{
		CSAT:                 proportionFigure(MetricCSAT, UnitPercent, c.CSATSatisfied, c.CSATResponses, 100, s),
		NPS:                  npsFigure(c.NPSPromoters, c.NPSDetractors, c.NPSResponses, s),
		CES:                  meanFigure(MetricCES, UnitScore, c.CES, s),
		FCR:                  proportionFigure(MetricFCR, UnitPercent, c.FCRResolved, c.FCRKnown, 100, s),
		AHT:                  meanFigure(MetricAHT, UnitSeconds, c.Handling, s),
		ASA:                  meanFigure(MetricASA, UnitSeconds, c.Speed, s),
		ServiceLevel:         proportionFigure(MetricServiceLevel, UnitPercent, c.AnsweredWithin, c.Offered, 100, s),
		ServiceLevelAnswered: proportionFigure(MetricServiceLevelAnswered, UnitPercent, c.AnsweredWithin, answered, 100, s),
		Abandonment:          proportionFigure(MetricAbandonment, UnitPercent, c.Abandoned, c.Offered, 100, s),
		ComplaintRate:        proportionFigure(MetricComplaintRate, UnitPer1000, c.Complaints, c.Orders, 1000, s),
		CycleTime:            meanFigure(MetricCycleTime, UnitSeconds, c.CycleTime, s),
		Compliance:           proportionFigure(MetricCompliance, UnitPercent, c.Compliant, c.ComplianceKnown, 100, s),
	}
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

func (s settings) checkResponse(r *Response, index int) error {
	bad := func(field, format string, args ...any) error {
		return &RecordError{Index: index, ID: r.ID, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if r.At.IsZero() {
		return bad("at", "zero time")
	}
	if why := badFloat(r.Score); why != "" {
		return bad("score", "%s", why)
	}
	switch r.Kind {
	case SurveyCSAT:
		if r.Score < 1 || r.Score > 5 || r.Score != math.Trunc(r.Score) {
			return bad("score", "CSAT score %v is not an integer in 1–5", r.Score)
		}
	case SurveyNPS:
		if r.Score < 0 || r.Score > 10 || r.Score != math.Trunc(r.Score) {
			return bad("score", "NPS score %v is not an integer in 0–10", r.Score)
		}
	case SurveyCES:
		if r.Score < s.cesMin || r.Score > s.cesMax {
			return bad("score", "CES score %v is outside the scale %v–%v", r.Score, s.cesMin, s.cesMax)
		}
	default:
		return bad("kind", "unknown survey kind %d", uint8(r.Kind))
	}
	return nil
}

func checkRecord(r *Record, index int) error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &RecordError{Index: index, ID: r.ID, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if r.At.IsZero() {
		bad("at", "zero time")
	}
	if r.FirstResponse < 0 {
		bad("first_response", "negative duration %v", r.FirstResponse)
	}
	if r.Handling < 0 {
		bad("handling", "negative duration %v", r.Handling)
	}
	if r.CycleTime < 0 {
		bad("cycle_time", "negative duration %v", r.CycleTime)
	}
	if r.FCR < Unknown || r.FCR > No {
		bad("fcr", "unknown flag %d", int8(r.FCR))
	}
	if r.Compliant < Unknown || r.Compliant > No {
		bad("compliant", "unknown flag %d", int8(r.Compliant))
	}
	return errors.Join(errs...)
}

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
	mu      sync.Mutex
	g       Granularity
	loc     *time.Location
	cfg     Config
	s       settings
	windows map[int64]*bucket // by window start, Unix seconds

	// cache of the window the last record fell in: [lo, hi) Unix seconds.
	lo, hi int64
	cur    *bucket
}

type bucket struct {
	w Window
	c Counters
}

// NewAggregator returns an empty Aggregator for windows of granularity g in
// loc (nil means UTC).
func NewAggregator(g Granularity, loc *time.Location, cfg Config) (*Aggregator, error) {
	var errs []error
	if !g.Valid() {
		errs = append(errs, fieldErr("granularity", "unknown granularity %d", uint8(g)))
	}
	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Aggregator{g: g, loc: loc, cfg: cfg, s: cfg.settings(), windows: make(map[int64]*bucket)}, nil
}

// Granularity returns the window granularity.
func (a *Aggregator) Granularity() Granularity { return a.g }

// Location returns the location windows are cut in.
func (a *Aggregator) Location() *time.Location { return a.loc }

// bucketFor returns the bucket of t's window; a.mu must be held.
func (a *Aggregator) bucketFor(t time.Time) *bucket {
	u := t.Unix()
	if a.cur != nil && u >= a.lo && u < a.hi {
		return a.cur
	}
	w := windowOf(a.g, t, a.loc)
	lo := w.Start.Unix()
	b := a.windows[lo]
	if b == nil {
		b = &bucket{w: w}
		a.windows[lo] = b
	}
	a.lo, a.hi, a.cur = lo, w.End.Unix(), b
	return b
}

// AddResponse counts one survey response. An invalid response (score out of
// range or not an integer where the survey requires one, NaN, unknown kind,
// zero time) is rejected with a *RecordError naming it by ID.
func (a *Aggregator) AddResponse(r Response) error {
	if err := a.s.checkResponse(&r, -1); err != nil {
		return err
	}
	a.mu.Lock()
	a.bucketFor(r.At).c.addResponse(&r)
	a.mu.Unlock()
	return nil
}

// AddResponses counts a batch of responses under one lock. The batch is
// all or nothing: if any response is invalid, nothing is counted and the
// error joins a *RecordError for each invalid response (by index and ID; at
// most 20 are listed).
func (a *Aggregator) AddResponses(rs []Response) error {
	if err := checkBatch(rs, a.s.checkResponse); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range rs {
		a.bucketFor(rs[i].At).c.addResponse(&rs[i])
	}
	return nil
}

// checkBatch checks every element of a batch and joins the errors of the
// first maxBatchErrors invalid ones.
func checkBatch[T any](rs []T, check func(r *T, index int) error) error {
	var errs []error
	for i := range rs {
		if err := check(&rs[i], i); err != nil && len(errs) < maxBatchErrors {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// AddRecord counts one service record. A negative duration, an unknown flag
// or a zero time is rejected with a *RecordError naming the record by ID.
func (a *Aggregator) AddRecord(r Record) error {
	if err := checkRecord(&r, -1); err != nil {
		return err
	}
	a.mu.Lock()
	a.bucketFor(r.At).c.addRecord(&r, a.s.slT)
	a.mu.Unlock()
	return nil
}

// AddRecords counts a batch of records, all or nothing, like AddResponses.
func (a *Aggregator) AddRecords(rs []Record) error {
	if err := checkBatch(rs, checkRecord); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range rs {
		a.bucketFor(rs[i].At).c.addRecord(&rs[i], a.s.slT)
	}
	return nil
}

// AddOrders counts n orders at time at, the denominator of the complaint
// rate. n must not be negative.
func (a *Aggregator) AddOrders(at time.Time, n int64) error {
	if n < 0 {
		return &RecordError{Index: -1, Field: "orders", Reason: fmt.Sprintf("negative count %d", n)}
	}
	if at.IsZero() {
		return &RecordError{Index: -1, Field: "at", Reason: "zero time"}
	}
	a.mu.Lock()
	a.bucketFor(at).c.Orders += n
	a.mu.Unlock()
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
	out := make([]WindowCounters, 0, len(a.windows))
	for _, b := range a.windows {
		out = append(out, WindowCounters{Window: b.w, Counters: b.c})
	}
	a.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Window.Start.Before(out[j].Window.Start) })
	return out
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
	w := windowOf(a.g, t, a.loc)
	a.mu.Lock()
	var c Counters
	if b := a.windows[w.Start.Unix()]; b != nil {
		c = b.c
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
	for _, start := range slices.Sorted(maps.Keys(a.windows)) {
		c.Merge(a.windows[start].c)
	}
	a.mu.Unlock()
	return c.Report(a.cfg)
}
