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
