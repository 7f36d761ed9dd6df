package feedback

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/sqkit/sqkit/sla"
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
//   - response_rate: the percentage of survey invitations ([Invitation])
//     that were answered. Wilson interval.
//   - complaint_resolution: the percentage of complaints (records flagged as
//     complaints) with a known ComplaintResolved flag that were resolved.
//     Wilson interval.
//   - bot_containment: the percentage of bot sessions ([BotSession]) that
//     ended without a hand-off to a human. Wilson interval.
//   - human_intervention: the percentage of bot sessions handed off to a
//     human, 100 − bot_containment (the seeds set at most 15 %).
//     Wilson interval.
//   - inspection_coverage: inspections ([InspectionResult]) over handled
//     work (answered records) of the same window and slice, percent. The
//     Wilson interval treats each handled item as a trial; with more
//     inspections than items it collapses to 100.
//   - inspection_score: the mean inspection score, 0–100 on the score
//     sheets' scale (0 for a sheet failed on a critical item). Normal
//     interval on the mean.
//   - inspection_pass: the percentage of inspections that passed. Wilson
//     interval.
//   - critical_failure: the percentage of inspections failed on a critical
//     item. Wilson interval.
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
	MetricResponseRate         Metric = "response_rate"
	MetricComplaintResolution  Metric = "complaint_resolution"
	MetricBotContainment       Metric = "bot_containment"
	MetricHumanIntervention    Metric = "human_intervention"
	MetricInspectionCoverage   Metric = "inspection_coverage"
	MetricInspectionScore      Metric = "inspection_score"
	MetricInspectionPass       Metric = "inspection_pass"
	MetricCriticalFailure      Metric = "critical_failure"
)

// Metrics lists every metric in report order.
var Metrics = []Metric{
	MetricCSAT, MetricNPS, MetricCES, MetricFCR, MetricAHT, MetricASA,
	MetricServiceLevel, MetricServiceLevelAnswered, MetricAbandonment,
	MetricComplaintRate, MetricCycleTime, MetricCompliance, MetricResponseRate,
	MetricComplaintResolution, MetricBotContainment, MetricHumanIntervention,
	MetricInspectionCoverage, MetricInspectionScore, MetricInspectionPass,
	MetricCriticalFailure,
}

// Known reports whether m is one of the metrics above.
func (m Metric) Known() bool { return slices.Contains(Metrics, m) }

// HigherIsBetter reports the usual direction of m: false for times,
// abandonment, complaint rate, human intervention and critical failures;
// true for the others (ces as an "it was easy" agreement scale).
func (m Metric) HigherIsBetter() bool {
	switch m {
	case MetricAHT, MetricASA, MetricAbandonment, MetricComplaintRate, MetricCycleTime,
		MetricHumanIntervention, MetricCriticalFailure:
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

var surveyKinds = enum[SurveyKind]{what: "survey", names: []string{SurveyCSAT: "csat", SurveyNPS: "nps", SurveyCES: "ces"}, err: ErrInvalidRecord}

// String returns "csat", "nps" or "ces".
func (k SurveyKind) String() string { return surveyKinds.string(k) }

// MarshalText implements encoding.TextMarshaler.
func (k SurveyKind) MarshalText() ([]byte, error) { return surveyKinds.marshal(k) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *SurveyKind) UnmarshalText(b []byte) error { return surveyKinds.unmarshal(k, b) }

// Response is one survey answer. Its Question (in Dimensions) names the
// question it answers: overall satisfaction and problem-resolution
// satisfaction are different figures with different targets, so a survey
// that asks several questions gives one Response per answer and an
// Aggregator slices them by [DimQuestion]. Comment is the customer's free
// text: an Aggregator given a classifier ([WithClassifier]) files it under
// a root-cause category, and never keeps the text.
type Response struct {
	ID      string     `json:"id,omitempty"`
	At      time.Time  `json:"at"`
	Kind    SurveyKind `json:"kind"`
	Score   float64    `json:"score"`
	Comment string     `json:"comment,omitempty"`
	Dimensions
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

// count adds a known flag to known, and Yes to yes too.
func (f Flag) count(known, yes *int64) {
	if f != Unknown {
		*known++
		if f == Yes {
			*yes++
		}
	}
}

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
// optional: zero means not recorded. FCR and Compliant are optional flags;
// ComplaintResolved, whether a complaint was resolved, is optional and only
// for complaints. Dimensions say who handled it, where and for whom (no
// question, no sheet). In JSON the durations are Go duration strings
// ("1m30s").
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
	// ComplaintResolved says whether a complaint was resolved.
	ComplaintResolved Flag `json:"complaint_resolved,omitempty"`
	Dimensions
}

// MarshalJSON writes the durations as Go duration strings.
func (r Record) MarshalJSON() ([]byte, error) {
	type plain Record
	return json.Marshal(struct {
		plain
		FirstResponse sla.Duration `json:"first_response,omitempty"`
		Handling      sla.Duration `json:"handling,omitempty"`
		CycleTime     sla.Duration `json:"cycle_time,omitempty"`
	}{plain(r), sla.Duration(r.FirstResponse), sla.Duration(r.Handling), sla.Duration(r.CycleTime)})
}

// UnmarshalJSON reads durations written as Go duration strings (or as
// numbers of nanoseconds).
func (r *Record) UnmarshalJSON(b []byte) error {
	type plain Record
	v := struct {
		*plain
		FirstResponse sla.Duration `json:"first_response,omitempty"`
		Handling      sla.Duration `json:"handling,omitempty"`
		CycleTime     sla.Duration `json:"cycle_time,omitempty"`
	}{(*plain)(r), sla.Duration(r.FirstResponse), sla.Duration(r.Handling), sla.Duration(r.CycleTime)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.FirstResponse, r.Handling, r.CycleTime = v.FirstResponse.D(), v.Handling.D(), v.CycleTime.D()
	return nil
}
