package feedback

import (
	"errors"
	"fmt"
	"math"
	"time"
)

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
	// Survey invitations and comments.
	Invitations         int64 `json:"invitations"`
	InvitationsAnswered int64 `json:"invitations_answered"`
	Comments            int64 `json:"comments"`
	// Complaint resolution, among the complaints above.
	ResolutionKnown    int64 `json:"resolution_known"`
	ComplaintsResolved int64 `json:"complaints_resolved"`
	// Bot sessions and their hand-offs to a human.
	BotSessions int64 `json:"bot_sessions"`
	HandedOff   int64 `json:"handed_off"`
	// Inspections: passed, failed on a critical item, and their scores.
	Inspections       int64   `json:"inspections"`
	InspectionsPassed int64   `json:"inspections_passed"`
	CriticalFailures  int64   `json:"critical_failures"`
	InspectionScore   Moments `json:"inspection_score"`
}

// countNames are the JSON names of the counts, in the order of counts.
var countNames = [...]string{
	"csat_responses", "csat_satisfied", "nps_responses", "nps_promoters", "nps_detractors",
	"offered", "abandoned", "answered_within", "fcr_known", "fcr_resolved", "complaints", "orders",
	"compliance_known", "compliant", "invitations", "invitations_answered", "comments",
	"resolution_known", "complaints_resolved", "bot_sessions", "handed_off",
	"inspections", "inspections_passed", "critical_failures",
	"ces.n", "speed.n", "handling.n", "cycle_time.n", "inspection_score.n",
}

// counts returns the address of every count (the sample sizes of the
// moments last), in the order of countNames.
func (c *Counters) counts() [len(countNames)]*int64 {
	return [...]*int64{
		&c.CSATResponses, &c.CSATSatisfied, &c.NPSResponses, &c.NPSPromoters, &c.NPSDetractors,
		&c.Offered, &c.Abandoned, &c.AnsweredWithin, &c.FCRKnown, &c.FCRResolved, &c.Complaints, &c.Orders,
		&c.ComplianceKnown, &c.Compliant, &c.Invitations, &c.InvitationsAnswered, &c.Comments,
		&c.ResolutionKnown, &c.ComplaintsResolved, &c.BotSessions, &c.HandedOff,
		&c.Inspections, &c.InspectionsPassed, &c.CriticalFailures,
		&c.CES.N, &c.Speed.N, &c.Handling.N, &c.CycleTime.N, &c.InspectionScore.N,
	}
}

// momentNames are the JSON names of the moments, in the order of moments.
var momentNames = [...]string{"ces", "speed", "handling", "cycle_time", "inspection_score"}

func (c *Counters) moments() [len(momentNames)]*Moments {
	return [...]*Moments{&c.CES, &c.Speed, &c.Handling, &c.CycleTime, &c.InspectionScore}
}

// Merge adds o into c.
func (c *Counters) Merge(o Counters) {
	mine, theirs := c.moments(), o.moments()
	for i, m := range mine {
		m.Merge(*theirs[i])
	}
	cs, os := c.counts(), o.counts()
	for i, p := range cs[:len(cs)-len(mine)] {
		*p += *os[i]
	}
}

// mergeChecked is Merge, refusing (and leaving c unchanged) when a count
// would overflow or a moment would stop being finite.
func (c *Counters) mergeChecked(o Counters) bool {
	sum := *c
	sum.Merge(o)
	cs, os, ss := c.counts(), o.counts(), sum.counts()
	for i := range cs {
		if *cs[i] > 0 && *os[i] > 0 && *ss[i] < 0 {
			return false
		}
	}
	for _, m := range sum.moments() {
		if badFloat(m.Mean) != "" || badFloat(m.M2) != "" {
			return false
		}
	}
	*c = sum
	return true
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
	if r.Comment != "" {
		c.Comments++
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
	r.FCR.count(&c.FCRKnown, &c.FCRResolved)
	if r.Complaint {
		c.Complaints++
		r.ComplaintResolved.count(&c.ResolutionKnown, &c.ComplaintsResolved)
	}
	if r.CycleTime > 0 {
		c.CycleTime.Add(r.CycleTime.Seconds())
	}
	r.Compliant.count(&c.ComplianceKnown, &c.Compliant)
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
	ResponseRate         Figure `json:"response_rate"`
	ComplaintResolution  Figure `json:"complaint_resolution"`
	BotContainment       Figure `json:"bot_containment"`
	HumanIntervention    Figure `json:"human_intervention"`
	InspectionCoverage   Figure `json:"inspection_coverage"`
	InspectionScore      Figure `json:"inspection_score"`
	InspectionPass       Figure `json:"inspection_pass"`
	CriticalFailure      Figure `json:"critical_failure"`
}

// figures returns the address of every figure, in the order of Metrics.
func (r *Report) figures() []*Figure {
	return []*Figure{&r.CSAT, &r.NPS, &r.CES, &r.FCR, &r.AHT, &r.ASA, &r.ServiceLevel, &r.ServiceLevelAnswered,
		&r.Abandonment, &r.ComplaintRate, &r.CycleTime, &r.Compliance, &r.ResponseRate, &r.ComplaintResolution,
		&r.BotContainment, &r.HumanIntervention, &r.InspectionCoverage, &r.InspectionScore, &r.InspectionPass,
		&r.CriticalFailure}
}

// Figure returns the figure of metric m, and false for an unknown metric.
func (r Report) Figure(m Metric) (Figure, bool) {
	for i, f := range r.figures() {
		if Metrics[i] == m {
			return *f, true
		}
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
		ResponseRate:         proportionFigure(MetricResponseRate, UnitPercent, c.InvitationsAnswered, c.Invitations, 100, s),
		ComplaintResolution:  proportionFigure(MetricComplaintResolution, UnitPercent, c.ComplaintsResolved, c.ResolutionKnown, 100, s),
		BotContainment:       proportionFigure(MetricBotContainment, UnitPercent, c.BotSessions-c.HandedOff, c.BotSessions, 100, s),
		HumanIntervention:    proportionFigure(MetricHumanIntervention, UnitPercent, c.HandedOff, c.BotSessions, 100, s),
		InspectionCoverage:   proportionFigure(MetricInspectionCoverage, UnitPercent, c.Inspections, answered, 100, s),
		InspectionScore:      meanFigure(MetricInspectionScore, UnitScore, c.InspectionScore, s),
		InspectionPass:       proportionFigure(MetricInspectionPass, UnitPercent, c.InspectionsPassed, c.Inspections, 100, s),
		CriticalFailure:      proportionFigure(MetricCriticalFailure, UnitPercent, c.CriticalFailures, c.Inspections, 100, s),
	}
}

// validate checks counters read from a snapshot against what counting
// records and responses can produce (s is the aggregator's configuration):
// no negative count, no part above its whole (promoters and detractors
// together within the NPS responses, one speed of answer per answered
// contact, ...), and moments that values of the allowed ranges can give.
func (c Counters) validate(path string, s settings) error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fieldErr(path+"."+name, format, args...))
	}
	for i, p := range c.counts() {
		if *p < 0 {
			bad(countNames[i], "negative count %d", *p)
		}
	}
	answered := c.Offered - c.Abandoned
	for _, w := range []struct {
		name        string
		part, whole int64
	}{
		{"csat_satisfied", c.CSATSatisfied, c.CSATResponses},
		{"nps_promoters", c.NPSPromoters, c.NPSResponses - c.NPSDetractors},
		{"abandoned", c.Abandoned, c.Offered},
		{"answered_within", c.AnsweredWithin, answered},
		{"handling.n", c.Handling.N, answered},
		{"fcr_known", c.FCRKnown, c.Offered},
		{"fcr_resolved", c.FCRResolved, c.FCRKnown},
		{"complaints", c.Complaints, c.Offered},
		{"cycle_time.n", c.CycleTime.N, c.Offered},
		{"compliance_known", c.ComplianceKnown, c.Offered},
		{"compliant", c.Compliant, c.ComplianceKnown},
		{"invitations_answered", c.InvitationsAnswered, c.Invitations},
		{"comments", c.Comments, c.CSATResponses + c.NPSResponses + c.CES.N},
		{"resolution_known", c.ResolutionKnown, c.Complaints},
		{"complaints_resolved", c.ComplaintsResolved, c.ResolutionKnown},
		{"handed_off", c.HandedOff, c.BotSessions},
		{"critical_failures", c.CriticalFailures, c.Inspections},
		{"inspections_passed", c.InspectionsPassed, c.Inspections - c.CriticalFailures},
	} {
		if w.part > w.whole {
			bad(w.name, "%d exceeds its total %d", w.part, w.whole)
		}
	}
	if c.Speed.N != answered {
		bad("speed.n", "%d speeds of answer for %d answered contacts", c.Speed.N, answered)
	}
	if c.InspectionScore.N != c.Inspections {
		bad("inspection_score.n", "%d scores for %d inspections", c.InspectionScore.N, c.Inspections)
	}
	// Scores lie on their scale; durations are not negative, handling and
	// cycle times positive.
	lo := [len(momentNames)]float64{s.cesMin, 0, 0, 0, 0}
	hi := [len(momentNames)]float64{s.cesMax, math.Inf(1), math.Inf(1), math.Inf(1), 100}
	for i, m := range c.moments() {
		if err := m.validate(lo[i], hi[i]); err != "" {
			bad(momentNames[i], "%s", err)
		}
	}
	return errors.Join(errs...)
}

// validate checks moments of values in [lo, hi]; it returns what is wrong,
// or "".
func (m Moments) validate(lo, hi float64) string {
	// Welford's mean may stray from the range by rounding, never by more.
	scale := max(1, math.Abs(lo))
	if !math.IsInf(hi, 0) {
		scale = max(scale, math.Abs(hi))
	}
	slack := 1e-9 * scale
	switch {
	case badFloat(m.Mean) != "" || badFloat(m.M2) != "":
		return "mean and m2 must be finite"
	case m.N == 0 && (m.Mean != 0 || m.M2 != 0):
		return "no values, but a mean or m2"
	case m.N == 1 && m.M2 != 0:
		return "one value, but m2 is not 0"
	case m.M2 < 0:
		return "negative m2"
	case m.N > 0 && (m.Mean < lo-slack || m.Mean > hi+slack):
		return fmt.Sprintf("mean %v outside the range of the values, %v to %v", m.Mean, lo, hi)
	}
	return ""
}
