package feedback

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// InspectionKind says what an inspection checks. The zero value is unset
// and invalid.
type InspectionKind uint8

// Inspection kinds.
const (
	// SpotCheck is a quality spot check of handled work drawn at random
	// ("double random": random work, random inspector; see DrawSample).
	SpotCheck InspectionKind = iota + 1
	// SOPCheck is a periodic check that a standard operating procedure is
	// followed.
	SOPCheck
	// MysteryShopper is a mystery shopper's visit or call, scored on a
	// standard sheet.
	MysteryShopper
)

var inspectionKinds = enum[InspectionKind]{what: "inspection kind", err: ErrInvalidConfig,
	names: []string{SpotCheck: "spot_check", SOPCheck: "sop_check", MysteryShopper: "mystery_shopper"}}

// String returns "spot_check", "sop_check" or "mystery_shopper".
func (k InspectionKind) String() string { return inspectionKinds.string(k) }

// MarshalText implements encoding.TextMarshaler.
func (k InspectionKind) MarshalText() ([]byte, error) { return inspectionKinds.marshal(k) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *InspectionKind) UnmarshalText(b []byte) error { return inspectionKinds.unmarshal(k, b) }

// SheetItem is one line of a score sheet. Its answer earns 0 to Max points
// (Max 0 means 1: a pass/fail item); the item weighs Weight in the sheet's
// score. A Critical item vetoes the sheet: anything short of full marks
// on it fails the whole sheet. AllowNA lets an inspector mark the item not
// applicable, which takes it out of the score.
type SheetItem struct {
	ID       string  `json:"id"`
	Text     string  `json:"text"`
	Weight   float64 `json:"weight"`
	Max      float64 `json:"max,omitempty"`
	Critical bool    `json:"critical,omitempty"`
	AllowNA  bool    `json:"allow_na,omitempty"`
}

func (it SheetItem) max() float64 {
	if it.Max == 0 {
		return 1
	}
	return it.Max
}

// ScoreSheet is a standard inspection score sheet: weighted items, some of
// them critical, and the score (0–100) a sheet must reach to pass. It is a
// plain value with JSON tags, safe for concurrent use while no one
// modifies it.
type ScoreSheet struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Kind      InspectionKind `json:"kind"`
	PassScore float64        `json:"pass_score"`
	Items     []SheetItem    `json:"items"`
}

// Validate reports every problem of the sheet at once, with field paths:
// an empty id, an unknown kind, a pass score outside 0–100, no items,
// empty or repeated item ids, and weights or maxima that are not finite
// and positive.
func (s ScoreSheet) Validate() error {
	errs := missing("id", s.ID)
	if !inspectionKinds.valid(s.Kind) {
		errs = append(errs, fieldErr("kind", "unknown inspection kind %d", uint8(s.Kind)))
	}
	if !(s.PassScore >= 0 && s.PassScore <= 100) {
		errs = append(errs, fieldErr("pass_score", "must be in 0–100, got %v", s.PassScore))
	}
	if len(s.Items) == 0 {
		errs = append(errs, fieldErr("items", "no items"))
	}
	errs = append(errs, checkIDs(len(s.Items), func(i int) string { return s.Items[i].ID }, indexed("items[%d].id"), "item")...)
	for i, it := range s.Items {
		path := pathf("items[%d]", i)
		if !positive(it.Weight) {
			errs = append(errs, fieldErr(path+".weight", "must be finite and positive, got %v", it.Weight))
		}
		if it.Max != 0 && !positive(it.Max) {
			errs = append(errs, fieldErr(path+".max", "must be finite and positive, got %v", it.Max))
		}
	}
	return errors.Join(errs...)
}

// positive reports whether x is finite and above zero.
func positive(x float64) bool { return x > 0 && badFloat(x) == "" }

// Answer is an inspector's answer to one item: the points earned (0 to the
// item's Max), or NA when the item does not apply.
type Answer struct {
	Item   string  `json:"item"`
	Points float64 `json:"points"`
	NA     bool    `json:"na,omitempty"`
	Note   string  `json:"note,omitempty"`
}

// Inspection is one filled score sheet: what was inspected (Work, the id
// of the ticket, call or visit), when that work was done (At: inspections
// count in the window and slices of the work they judge, so that coverage
// compares like with like), by whom and where (Dimensions: Agent, Team,
// ...; Sheet, if set, must be the sheet's id), who inspected it, and the
// answers, one per item.
type Inspection struct {
	ID        string    `json:"id"`
	Work      string    `json:"work,omitempty"`
	At        time.Time `json:"at"`
	Inspector string    `json:"inspector,omitempty"`
	Answers   []Answer  `json:"answers"`
	Dimensions
}

// ItemScore is one item's part in an inspection result.
type ItemScore struct {
	Item     string  `json:"item"`
	Points   float64 `json:"points"`
	Max      float64 `json:"max"`
	Weight   float64 `json:"weight"`
	NA       bool    `json:"na,omitempty"`
	Critical bool    `json:"critical,omitempty"`
	Failed   bool    `json:"failed,omitempty"` // a critical item short of full marks
}

// InspectionResult is a scored inspection, ready for
// Aggregator.AddInspection. RawScore is the weighted score over the
// applicable items, 0–100: 100 × Σ weight × points/max ÷ Σ weight, rounded
// to 9 decimal places (so that float rounding never fails a sheet that
// reaches its pass score exactly). Score
// is RawScore, or 0 when a critical item failed (CriticalFailed lists
// them). Passed says the sheet passed: no critical item failed and
// RawScore reached the sheet's pass score.
type InspectionResult struct {
	ID             string         `json:"id"`
	Work           string         `json:"work,omitempty"`
	At             time.Time      `json:"at"`
	Inspector      string         `json:"inspector,omitempty"`
	Kind           InspectionKind `json:"kind"`
	Score          float64        `json:"score"`
	RawScore       float64        `json:"raw_score"`
	Passed         bool           `json:"passed"`
	CriticalFailed []string       `json:"critical_failed,omitempty"`
	Items          []ItemScore    `json:"items"`
	Dimensions
}

// Score checks in against the sheet and scores it. Every problem is
// reported at once with its field path: an invalid sheet (under "sheet"),
// an empty id, a zero time, a question, a sheet id other than this one,
// answers to unknown items or repeated ones, items left unanswered, points
// outside 0 to the item's Max or not finite, NA where the item does not
// allow it (or NA with points), and a sheet on which nothing applies.
func (s ScoreSheet) Score(in Inspection) (InspectionResult, error) {
	if err := s.Validate(); err != nil {
		return InspectionResult{}, prefix("sheet", err)
	}
	errs := missing("id", in.ID)
	if in.At.IsZero() {
		errs = append(errs, fieldErr("at", "zero time"))
	}
	if in.Question != "" {
		errs = append(errs, fieldErr("question", "an inspection carries no question"))
	}
	if in.Sheet != "" && in.Sheet != s.ID {
		errs = append(errs, fieldErr("sheet", "%q, but the sheet is %q", in.Sheet, s.ID))
	}
	answers := make(map[string]int, len(in.Answers))
	for i, a := range in.Answers {
		path := pathf("answers[%d]", i)
		j := slices.IndexFunc(s.Items, func(it SheetItem) bool { return it.ID == a.Item })
		if j < 0 {
			errs = append(errs, fieldErr(path+".item", "unknown item %q", a.Item))
			continue
		}
		if k, dup := answers[a.Item]; dup {
			errs = append(errs, fieldErr(path+".item", "item %q already answered in answers[%d]", a.Item, k))
			continue
		}
		answers[a.Item] = i
		it := s.Items[j]
		switch {
		case a.NA && !it.AllowNA:
			errs = append(errs, fieldErr(path+".na", "item %q does not allow NA", a.Item))
		case a.NA && a.Points != 0:
			errs = append(errs, fieldErr(path+".points", "%v points on an NA answer", a.Points))
		case !(a.Points >= 0 && a.Points <= it.max()):
			errs = append(errs, fieldErr(path+".points", "must be in 0–%v, got %v", it.max(), a.Points))
		}
	}
	for _, it := range s.Items {
		if _, ok := answers[it.ID]; !ok {
			errs = append(errs, fieldErr("answers", "item %q is not answered", it.ID))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return InspectionResult{}, err
	}
	return s.score(in, answers)
}

// score scores a checked inspection.
func (s ScoreSheet) score(in Inspection, answers map[string]int) (InspectionResult, error) {
	r := InspectionResult{ID: in.ID, Work: in.Work, At: in.At, Inspector: in.Inspector, Kind: s.Kind, Dimensions: in.Dimensions}
	r.Sheet = s.ID
	var earned, weight float64
	for _, it := range s.Items {
		a := in.Answers[answers[it.ID]]
		is := ItemScore{Item: it.ID, Points: a.Points, Max: it.max(), Weight: it.Weight, NA: a.NA, Critical: it.Critical}
		if !a.NA {
			earned += it.Weight * (a.Points / is.Max)
			weight += it.Weight
			if is.Failed = it.Critical && a.Points < is.Max; is.Failed {
				r.CriticalFailed = append(r.CriticalFailed, it.ID)
			}
		}
		r.Items = append(r.Items, is)
	}
	if weight == 0 {
		return InspectionResult{}, fieldErr("answers", "no item applies: every answer is NA")
	}
	if badFloat(weight) != "" {
		return InspectionResult{}, fieldErr("sheet.items", "the weights add up to %v", weight)
	}
	r.RawScore = min(max(math.Round(1e11*(earned/weight))/1e9, 0), 100)
	r.Passed = len(r.CriticalFailed) == 0 && r.RawScore >= s.PassScore
	if len(r.CriticalFailed) == 0 {
		r.Score = r.RawScore
	}
	return r, nil
}

// checkInspection checks a result as Aggregator.AddInspection counts it.
func checkInspection(r *InspectionResult, index int) error {
	errs := checkObservation(r.At, r.Dimensions, SliceBy(DimQuestion), index, r.ID, "an inspection")
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"score", r.Score}, {"raw_score", r.RawScore}} {
		if !(f.v >= 0 && f.v <= 100) {
			errs = append(errs, recordErr(index, r.ID, f.name, "must be in 0–100, got %v", f.v))
		}
	}
	if len(r.CriticalFailed) > 0 && (r.Passed || r.Score != 0) {
		errs = append(errs, recordErr(index, r.ID, "passed", "a critical item failed, so the sheet fails with score 0"))
	}
	if !inspectionKinds.valid(r.Kind) {
		errs = append(errs, recordErr(index, r.ID, "kind", "unknown inspection kind %d", uint8(r.Kind)))
	}
	if r.Sheet == "" {
		errs = append(errs, recordErr(index, r.ID, "sheet", "empty: an inspection names its score sheet"))
	}
	return errors.Join(errs...)
}

// AddInspection counts one scored inspection (from ScoreSheet.Score) in
// the window and slices of the work it judges: its score, whether it
// passed and whether a critical item failed; the inspection coverage of a
// window or slice is its inspections over its answered records. A result
// that scoring cannot produce (a score outside 0–100, a critical failure
// that passed or kept its score, no sheet, a question, a zero time) is
// rejected with a *RecordError naming it by ID.
func (a *Aggregator) AddInspection(r InspectionResult) error {
	return add1(a, &r, checkInspection, a.addInspection)
}

// AddInspections counts a batch of inspections, all or nothing, like
// AddResponses.
func (a *Aggregator) AddInspections(rs []InspectionResult) error {
	return addBatch(a, rs, checkInspection, a.addInspection)
}

func (a *Aggregator) addInspection(r *InspectionResult) {
	a.count(r.At, &r.Dimensions, func(c *Counters) {
		c.Inspections++
		c.InspectionScore.Add(r.Score)
		if r.Passed {
			c.InspectionsPassed++
		}
		if len(r.CriticalFailed) > 0 {
			c.CriticalFailures++
		}
	})
}

// String formats the result for a report line, e.g.
// "QA-7 on T-19 (a-1, sheet call-qa): 86.7 passed".
func (r InspectionResult) String() string {
	verdict := "passed"
	switch {
	case len(r.CriticalFailed) > 0:
		verdict = fmt.Sprintf("failed on critical %v (raw %.1f)", r.CriticalFailed, r.RawScore)
	case !r.Passed:
		verdict = "failed"
	}
	return fmt.Sprintf("%s on %s (%s, sheet %s): %.1f %s", r.ID, r.Work, r.Agent, r.Sheet, r.Score, verdict)
}
