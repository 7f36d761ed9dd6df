package feedback

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// Config tunes an Aggregator. The zero value gives the defaults. In JSON
// ServiceLevelThreshold is a Go duration string ("20s").
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
	// Slicings are the dimension sets the Aggregator slices every metric
	// by, besides the window totals (at most MaxSlicings, each of at most
	// MaxSliceDimensions dimensions, no repeats). None by default.
	Slicings []Slicing `json:"slicings,omitempty"`
	// MaxSlices bounds the distinct slices kept per slicing over the
	// aggregator's life: the first MaxSlices distinct values (in the order
	// they are first counted) keep counters of their own, later ones count
	// into the slicing's overflow bucket (Other in reports). Default
	// DefaultMaxSlices; at most 1<<24; negative is invalid. Memory: each
	// window holds at most Σ (MaxSlices + 1) over the slicings counters of
	// CountersSize bytes, each with a pointer, allocated only for the slices
	// with data in that window; each slice's key is stored once.
	MaxSlices int `json:"max_slices,omitempty"`
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
	if badFloat(c.CESMin) != "" || badFloat(c.CESMax) != "" {
		errs = append(errs, fieldErr("ces_min", "ces_min %v and ces_max %v must be finite", c.CESMin, c.CESMax))
	}
	if (c.CESMin != 0 || c.CESMax != 0) && !(c.CESMin < c.CESMax) {
		errs = append(errs, fieldErr("ces_max", "must be greater than ces_min (%v), got %v", c.CESMin, c.CESMax))
	}
	if c.MaxSlices < 0 || c.MaxSlices > maxMaxSlices {
		errs = append(errs, fieldErr("max_slices", "must be in 0–%d, got %d", maxMaxSlices, c.MaxSlices))
	}
	errs = append(errs, validateSlicings(c.Slicings)...)
	return errors.Join(errs...)
}

// maxMaxSlices is the largest Config.MaxSlices.
const maxMaxSlices = 1 << 24

// settings is a Config with defaults applied.
type settings struct {
	confidence     float64
	minN           int64
	slT            time.Duration
	cesMin, cesMax float64
	maxSlices      int
}

func (c Config) settings() settings {
	s := settings{confidence: c.Confidence, minN: c.MinSamples, slT: c.ServiceLevelThreshold, cesMin: c.CESMin, cesMax: c.CESMax, maxSlices: c.MaxSlices}
	if s.maxSlices == 0 {
		s.maxSlices = DefaultMaxSlices
	}
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

// MarshalJSON writes ServiceLevelThreshold as a Go duration string.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	return json.Marshal(struct {
		plain
		T sla.Duration `json:"service_level_threshold,omitempty"`
	}{plain(c), sla.Duration(c.ServiceLevelThreshold)})
}

// UnmarshalJSON reads ServiceLevelThreshold written as a Go duration string
// (or as a number of nanoseconds).
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	v := struct {
		*plain
		T sla.Duration `json:"service_level_threshold,omitempty"`
	}{(*plain)(c), sla.Duration(c.ServiceLevelThreshold)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	c.ServiceLevelThreshold = v.T.D()
	return nil
}
