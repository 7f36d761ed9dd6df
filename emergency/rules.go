package emergency

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Documented defaults for relative-change rules, used by NewChangeRule.
const (
	// DefaultAlpha is the significance level of the exact increase test.
	DefaultAlpha = 0.05
	// DefaultMinVolume is the smallest current-window count that may raise
	// a warning: fewer events never raise, whatever the change.
	DefaultMinVolume = 20
	// DefaultMinIncrease is the smallest relative increase that may raise a
	// warning (0.30 = up 30 %).
	DefaultMinIncrease = 0.30
)

// RuleKind names the kind of a rule in evidence and status.
type RuleKind string

// The rule kinds.
const (
	KindThreshold RuleKind = "threshold"
	KindChange    RuleKind = "change"
	KindEvent     RuleKind = "event"
	KindShortage  RuleKind = "shortage"
)

// Step is one level of a threshold rule: the measure enters Level when it
// reaches Enter and leaves it only when it gets back to Exit (hysteresis).
//
// For a higher-is-worse measure the level is entered when value >= Enter and
// left when value <= Exit, so Exit must not be above Enter. For a
// lower-is-worse measure it is entered when value <= Enter and left when
// value >= Exit, so Exit must not be below Enter. Exit == Enter means no
// hysteresis.
type Step struct {
	Level Level   `json:"level"`
	Enter float64 `json:"enter"`
	Exit  float64 `json:"exit"`
}

// ThresholdRule maps one measure of a subject (a complaint rate, an NPS) to
// a level through hysteresis steps, a hold time and a dwell time.
//
// Hold is how long the measure must stay at or beyond a level's enter value
// (continuously, as seen by the observations) before the rule raises to that
// level; zero raises on the first observation. Dwell is how long the measure
// must stay below a level (after crossing its exit value) before the rule
// lowers; zero lowers at once. See the package documentation for how hold
// and dwell are evaluated.
type ThresholdRule struct {
	Name      string        `json:"name"`
	Measure   string        `json:"measure"`
	Direction Direction     `json:"direction"`
	Steps     []Step        `json:"steps"`
	Hold      time.Duration `json:"hold,omitempty"`
	Dwell     time.Duration `json:"dwell,omitempty"`
}

// ChangeRule raises Level when the count of a measure in the current window
// is significantly higher than in the baseline window ("complaints up 30 %
// week over week"). The host reports both windows with Board.ObserveCounts,
// for example from a Series.
//
// The rule's candidate level is Level when all three hold: the current count
// is at least MinVolume, the relative change of the rate is at least
// MinIncrease, and ExactIncreaseTest gives a p-value <= Alpha. Otherwise it
// is None. Hold and Dwell work as for ThresholdRule.
//
// With exposures in the counts the rates are events per exposure unit; Per
// only scales the rates reported in evidence (1000 reports complaints per
// 1,000 orders) and defaults to 1 when zero.
type ChangeRule struct {
	Name        string        `json:"name"`
	Measure     string        `json:"measure"`
	Level       Level         `json:"level"`
	MinIncrease float64       `json:"min_increase"`
	MinVolume   int64         `json:"min_volume"`
	Alpha       float64       `json:"alpha"`
	Per         float64       `json:"per,omitempty"`
	Hold        time.Duration `json:"hold,omitempty"`
	Dwell       time.Duration `json:"dwell,omitempty"`
}

// NewChangeRule returns a yellow relative-change rule with the documented
// defaults: DefaultMinIncrease (30 %), DefaultMinVolume (20 events) and
// DefaultAlpha (0.05), no hold and no dwell.
func NewChangeRule(name, measure string) ChangeRule {
	return ChangeRule{
		Name: name, Measure: measure, Level: Yellow,
		MinIncrease: DefaultMinIncrease, MinVolume: DefaultMinVolume, Alpha: DefaultAlpha,
	}
}

// EventRule raises Level at once when the named event is signalled for a
// subject (a mass complaint, a major service accident). With a positive
// Dwell the rule lowers to None once Dwell has passed since the last signal;
// with zero Dwell the level stays until Board.Clear.
type EventRule struct {
	Name  string        `json:"name"`
	Event string        `json:"event"`
	Level Level         `json:"level"`
	Dwell time.Duration `json:"dwell,omitempty"`
}

// ShortageRule raises Level when service resources run short: the coverage
// ratio Available/Demand (for example agents on duty over agents needed)
// falls to Enter or below, and lowers when it is back at Exit or above
// (Exit >= Enter). Both measures are plain values reported with
// Board.Observe; a demand of zero or less counts as full coverage.
type ShortageRule struct {
	Name      string        `json:"name"`
	Available string        `json:"available"`
	Demand    string        `json:"demand"`
	Level     Level         `json:"level"`
	Enter     float64       `json:"enter"`
	Exit      float64       `json:"exit"`
	Hold      time.Duration `json:"hold,omitempty"`
	Dwell     time.Duration `json:"dwell,omitempty"`
}

// NewShortageRule returns the seed resource-shortage rule: yellow when the
// coverage ratio available/demand is 0.9 or less (resources run more than
// 10 % short), back to none when it is 1.0 or more, with no hold and no
// dwell.
func NewShortageRule(name, available, demand string) ShortageRule {
	return ShortageRule{Name: name, Available: available, Demand: demand, Level: Yellow, Enter: 0.9, Exit: 1}
}

// Config is the rule set of a board. Every subject of the board is judged by
// every rule; the subject's level is the highest level any rule asserts.
type Config struct {
	Thresholds []ThresholdRule `json:"thresholds,omitempty"`
	Changes    []ChangeRule    `json:"changes,omitempty"`
	Events     []EventRule     `json:"events,omitempty"`
	Shortages  []ShortageRule  `json:"shortages,omitempty"`
	// HistoryLimit caps the changes kept per subject (oldest dropped
	// first); zero keeps them all.
	HistoryLimit int `json:"history_limit,omitempty"`
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func checkDurations(path string, hold, dwell time.Duration) []error {
	var errs []error
	if hold < 0 {
		errs = append(errs, fieldErr(path+".hold", "negative duration %v", hold))
	}
	if dwell < 0 {
		errs = append(errs, fieldErr(path+".dwell", "negative duration %v", dwell))
	}
	return errs
}

func checkLevel(path string, l Level) []error {
	if !l.Valid() || l == None {
		return []error{fieldErr(path, "level must be yellow, orange or red, got %v", l)}
	}
	return nil
}

// Validate reports every problem of the rule at once.
func (r ThresholdRule) Validate() error { return errorsJoin(r.validate("threshold")) }

func (r ThresholdRule) validate(p string) []error {
	var errs []error
	if r.Name == "" {
		errs = append(errs, fieldErr(p+".name", "empty"))
	}
	if r.Measure == "" {
		errs = append(errs, fieldErr(p+".measure", "empty"))
	}
	if r.Direction > LowerIsWorse {
		errs = append(errs, fieldErr(p+".direction", "unknown direction %d", uint8(r.Direction)))
	}
	if len(r.Steps) == 0 {
		errs = append(errs, fieldErr(p+".steps", "no steps"))
	}
	seen := map[Level]bool{}
	for i, s := range r.Steps {
		sp := fmt.Sprintf("%s.steps[%d]", p, i)
		errs = append(errs, checkLevel(sp+".level", s.Level)...)
		if seen[s.Level] {
			errs = append(errs, fieldErr(sp+".level", "duplicate level %v", s.Level))
		}
		seen[s.Level] = true
		if !finite(s.Enter) {
			errs = append(errs, fieldErr(sp+".enter", "not a finite number: %v", s.Enter))
		}
		if !finite(s.Exit) {
			errs = append(errs, fieldErr(sp+".exit", "not a finite number: %v", s.Exit))
		}
		if r.Direction == HigherIsWorse && s.Exit > s.Enter {
			errs = append(errs, fieldErr(sp+".exit",
				"exit value %v is above enter value %v of a higher-is-worse measure", s.Exit, s.Enter))
		}
		if r.Direction == LowerIsWorse && s.Exit < s.Enter {
			errs = append(errs, fieldErr(sp+".exit",
				"exit value %v is below enter value %v of a lower-is-worse measure", s.Exit, s.Enter))
		}
	}
	// Worse levels must need worse values.
	sorted := slices.Clone(r.Steps)
	slices.SortFunc(sorted, func(a, b Step) int { return int(a.Level) - int(b.Level) })
	for i := 1; i < len(sorted); i++ {
		a, b := sorted[i-1], sorted[i]
		if a.Level == b.Level {
			continue
		}
		worse, exitOK := b.Enter > a.Enter, b.Exit >= a.Exit
		if r.Direction == LowerIsWorse {
			worse, exitOK = b.Enter < a.Enter, b.Exit <= a.Exit
		}
		if !worse {
			errs = append(errs, fieldErr(p+".steps", "enter value %v of %v is not worse than enter value %v of %v (%v)",
				b.Enter, b.Level, a.Enter, a.Level, r.Direction))
		}
		if !exitOK {
			errs = append(errs, fieldErr(p+".steps", "exit value %v of %v is better than exit value %v of %v (%v)",
				b.Exit, b.Level, a.Exit, a.Level, r.Direction))
		}
	}
	return append(errs, checkDurations(p, r.Hold, r.Dwell)...)
}

// Validate reports every problem of the rule at once.
func (r ChangeRule) Validate() error { return errorsJoin(r.validate("change")) }

func (r ChangeRule) validate(p string) []error {
	var errs []error
	if r.Name == "" {
		errs = append(errs, fieldErr(p+".name", "empty"))
	}
	if r.Measure == "" {
		errs = append(errs, fieldErr(p+".measure", "empty"))
	}
	errs = append(errs, checkLevel(p+".level", r.Level)...)
	if !(r.Alpha > 0 && r.Alpha < 1) {
		errs = append(errs, fieldErr(p+".alpha", "alpha %v outside (0,1)", r.Alpha))
	}
	if !finite(r.MinIncrease) || r.MinIncrease < 0 {
		errs = append(errs, fieldErr(p+".min_increase", "must be a finite number >= 0, got %v", r.MinIncrease))
	}
	if r.MinVolume < 0 || r.MinVolume > MaxCount {
		errs = append(errs, fieldErr(p+".min_volume", "must be in [0, %d], got %d", int64(MaxCount), r.MinVolume))
	}
	if !finite(r.Per) || r.Per < 0 {
		errs = append(errs, fieldErr(p+".per", "must be a finite number >= 0, got %v", r.Per))
	}
	return append(errs, checkDurations(p, r.Hold, r.Dwell)...)
}

// Validate reports every problem of the rule at once.
func (r EventRule) Validate() error { return errorsJoin(r.validate("event")) }

func (r EventRule) validate(p string) []error {
	var errs []error
	if r.Name == "" {
		errs = append(errs, fieldErr(p+".name", "empty"))
	}
	if r.Event == "" {
		errs = append(errs, fieldErr(p+".event", "empty"))
	}
	errs = append(errs, checkLevel(p+".level", r.Level)...)
	if r.Dwell < 0 {
		errs = append(errs, fieldErr(p+".dwell", "negative duration %v", r.Dwell))
	}
	return errs
}

// Validate reports every problem of the rule at once.
func (r ShortageRule) Validate() error { return errorsJoin(r.validate("shortage")) }

func (r ShortageRule) validate(p string) []error {
	var errs []error
	if r.Name == "" {
		errs = append(errs, fieldErr(p+".name", "empty"))
	}
	if r.Available == "" {
		errs = append(errs, fieldErr(p+".available", "empty"))
	}
	if r.Demand == "" {
		errs = append(errs, fieldErr(p+".demand", "empty"))
	}
	if r.Available != "" && r.Available == r.Demand {
		errs = append(errs, fieldErr(p+".demand", "same measure as available: %q", r.Demand))
	}
	errs = append(errs, checkLevel(p+".level", r.Level)...)
	if !finite(r.Enter) || r.Enter < 0 {
		errs = append(errs, fieldErr(p+".enter", "coverage ratio must be a finite number >= 0, got %v", r.Enter))
	}
	if !finite(r.Exit) {
		errs = append(errs, fieldErr(p+".exit", "not a finite number: %v", r.Exit))
	} else if r.Exit < r.Enter {
		errs = append(errs, fieldErr(p+".exit",
			"exit value %v is below enter value %v of a lower-is-worse coverage ratio", r.Exit, r.Enter))
	}
	return append(errs, checkDurations(p, r.Hold, r.Dwell)...)
}

// Validate reports every problem of the configuration at once, each as a
// *FieldError with the path of the field, joined with errors.Join. It also
// checks that rule names are unique and that no measure is used both as a
// plain value (threshold, shortage) and as a window count (change).
func (c Config) Validate() error {
	var errs []error
	names := map[string]string{}
	name := func(path, n string) {
		if n == "" {
			return
		}
		if prev, ok := names[n]; ok {
			errs = append(errs, fieldErr(path+".name", "duplicate rule name %q (also %s)", n, prev))
			return
		}
		names[n] = path
	}
	valueMeasures := map[string]bool{}
	for i, r := range c.Thresholds {
		p := fmt.Sprintf("thresholds[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
		valueMeasures[r.Measure] = true
	}
	for i, r := range c.Shortages {
		p := fmt.Sprintf("shortages[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
		valueMeasures[r.Available] = true
		valueMeasures[r.Demand] = true
	}
	for i, r := range c.Changes {
		p := fmt.Sprintf("changes[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
		if r.Measure != "" && valueMeasures[r.Measure] {
			errs = append(errs, fieldErr(p+".measure",
				"measure %q is also used as a plain value by a threshold or shortage rule", r.Measure))
		}
	}
	for i, r := range c.Events {
		p := fmt.Sprintf("events[%d]", i)
		errs = append(errs, r.validate(p)...)
		name(p, r.Name)
	}
	if c.HistoryLimit < 0 {
		errs = append(errs, fieldErr("history_limit", "negative: %d", c.HistoryLimit))
	}
	return errorsJoin(errs)
}

func errorsJoin(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	return joinErrors(errs...)
}
