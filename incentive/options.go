package incentive

import "github.com/benbjohnson/clock"

// Option configures a Book, a PointsLedger or an Assessor, made new
// (NewBook, NewPointsLedger, NewAssessor) or restored from a snapshot
// (RestoreBook, RestorePointsLedger, RestoreAssessor): the restores take
// the same options as the constructors. Each ignores the options that do
// not concern it.
type Option func(*config)

type config struct {
	clock clock.Clock
	book  *Book
	chain bool
}

// WithClock sets the clock the methods without an explicit instant read
// "now" from (default clock.New()). A nil clock is ignored.
func WithClock(c clock.Clock) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.clock = c
		}
	}
}

func newConfig(opts []Option) config {
	cfg := config{clock: clock.New()}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	return cfg
}

// WithBook gives an Assessor the Book its penalties post to as
// compensating adjustments, and in which appeals of penalised outcomes are
// filed. RestoreAssessor checks the snapshot against it. A nil Book is
// ignored.
func WithBook(b *Book) Option {
	return func(cfg *config) {
		if b != nil {
			cfg.book = b
		}
	}
}
