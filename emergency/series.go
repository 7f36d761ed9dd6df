package emergency

import (
	"fmt"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// maxSeriesBuckets bounds the buckets of one window of a Series.
const maxSeriesBuckets = 10_000

// Series tallies the events of one measure of one subject in fixed time
// buckets, so a host can turn a stream of events into the two windows a
// ChangeRule compares ("this week" and "last week") with CountsAt, and
// report them with Board.ObserveCountsAt.
//
// Buckets are aligned to Origin: bucket i covers [Origin + i*Bucket,
// Origin + (i+1)*Bucket). Choose Origin in the host's location (for example
// a Monday at 00:00 local time) so that windows start where the host's
// weeks or days start. A Series keeps the last two windows and forgets older
// buckets. It is a plain value (JSON-serialisable, so it snapshots as it
// is) and is not safe for concurrent use; create it with NewSeries.
type Series struct {
	Origin time.Time    `json:"origin"`
	Window sla.Duration `json:"window"`
	Bucket sla.Duration `json:"bucket"`
	// Head is the index of the newest bucket touched; -1 when empty.
	Head int64 `json:"head"`
	// Counts and Exposures are rings of 2*Window/Bucket buckets, indexed
	// by bucket index modulo their length.
	Counts    []int64   `json:"counts"`
	Exposures []float64 `json:"exposures"`
}

// NewSeries returns an empty series comparing windows of the given length,
// counted in buckets of the given size. The window must be a positive
// multiple of the bucket, of at most 10,000 buckets.
func NewSeries(origin time.Time, window, bucket time.Duration) (*Series, error) {
	s := &Series{Origin: origin, Window: sla.Duration(window), Bucket: sla.Duration(bucket), Head: -1}
	if err := s.validateShape(); err != nil {
		return nil, err
	}
	n := 2 * int(window/bucket)
	s.Counts, s.Exposures = make([]int64, n), make([]float64, n)
	return s, nil
}

func (s *Series) validateShape() error {
	var errs []error
	if s.Origin.IsZero() {
		errs = append(errs, fieldErr("series.origin", "zero time"))
	}
	if s.Bucket <= 0 {
		errs = append(errs, fieldErr("series.bucket", "must be positive, got %v", s.Bucket))
	}
	if s.Window <= 0 {
		errs = append(errs, fieldErr("series.window", "must be positive, got %v", s.Window))
	}
	if s.Bucket > 0 && s.Window > 0 {
		if s.Window%s.Bucket != 0 {
			errs = append(errs, fieldErr("series.window", "%v is not a multiple of the bucket %v", s.Window, s.Bucket))
		} else if s.Window/s.Bucket > maxSeriesBuckets {
			errs = append(errs, fieldErr("series.window", "more than %d buckets of %v", maxSeriesBuckets, s.Bucket))
		}
	}
	return errorsJoin(errs)
}

// Validate checks a series, for example one decoded from JSON.
func (s *Series) Validate() error {
	if err := s.validateShape(); err != nil {
		return err
	}
	n := 2 * int(s.Window/s.Bucket)
	if len(s.Counts) != n || len(s.Exposures) != n {
		return fieldErr("series.counts", "want %d buckets, got %d counts and %d exposures",
			n, len(s.Counts), len(s.Exposures))
	}
	if s.Head < -1 {
		return fieldErr("series.head", "negative: %d", s.Head)
	}
	return nil
}

func (s *Series) index(t time.Time) (int64, error) {
	if t.Before(s.Origin) {
		return 0, inputErr("time %v is before the series origin %v", t, s.Origin)
	}
	d := t.Sub(s.Origin) // saturates at the maximum duration (~292 years)
	return int64(d / s.Bucket.D()), nil
}

// advance moves the head to idx, clearing the buckets it passes.
func (s *Series) advance(idx int64) {
	n := int64(len(s.Counts))
	if s.Head < 0 || idx-s.Head >= n {
		clear(s.Counts)
		clear(s.Exposures)
	} else {
		for i := s.Head + 1; i <= idx; i++ {
			s.Counts[i%n], s.Exposures[i%n] = 0, 0
		}
	}
	s.Head = idx
}

// AddAt adds n events and the given exposure (orders served, calls taken;
// zero if the rule compares raw counts) at time t. Events may arrive out of
// order as long as they fall within the two retained windows.
func (s *Series) AddAt(t time.Time, n int64, exposure float64) error {
	if n < 0 || n > MaxCount {
		return inputErr("event count %d outside [0, %d]", n, int64(MaxCount))
	}
	if !finite(exposure) || exposure < 0 {
		return inputErr("exposure must be a finite number >= 0, got %v", exposure)
	}
	idx, err := s.index(t)
	if err != nil {
		return err
	}
	size := int64(len(s.Counts))
	if s.Head >= 0 && idx <= s.Head-size {
		return inputErr("time %v is older than the two retained windows", t)
	}
	if idx > s.Head {
		s.advance(idx)
	}
	i := idx % size
	if s.Counts[i] > MaxCount-n {
		return inputErr("bucket count would exceed %d", int64(MaxCount))
	}
	s.Counts[i] += n
	s.Exposures[i] += exposure
	return nil
}

// CountsAt returns the counts of the window ending with the bucket that
// holds t (Current) and of the window before it (Baseline), with their
// exposures. The bucket holding t counts in full, so with daily buckets the
// current week is the six days before today and today so far. t must not be
// before the newest bucket touched. If only one window has exposure, the
// result is an error: the rates cannot be compared.
func (s *Series) CountsAt(t time.Time) (Counts, error) {
	idx, err := s.index(t)
	if err != nil {
		return Counts{}, err
	}
	if idx < s.Head {
		return Counts{}, inputErr("time %v is before the newest bucket of the series", t)
	}
	k := int64(len(s.Counts) / 2)
	var c Counts
	for j := idx - 2*k + 1; j <= idx; j++ {
		if j < 0 || j > s.Head || j <= s.Head-2*k {
			continue // never touched, or already forgotten
		}
		i := j % (2 * k)
		if j > idx-k {
			c.Current += s.Counts[i]
			c.Exposure += s.Exposures[i]
		} else {
			c.Baseline += s.Counts[i]
			c.BaselineExposure += s.Exposures[i]
		}
	}
	if (c.Exposure > 0) != (c.BaselineExposure > 0) {
		return c, fmt.Errorf("%w: exposure in one window only (current %v, baseline %v)",
			ErrInvalidInput, c.Exposure, c.BaselineExposure)
	}
	return c, c.Validate()
}
