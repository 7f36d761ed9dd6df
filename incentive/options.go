package incentive

import "github.com/benbjohnson/clock"

// Option configures a Book or a PointsLedger, made new (NewBook,
// NewPointsLedger) or restored from a snapshot (RestoreBook,
// RestorePointsLedger): the restores take the same options as the
// constructors.
type Option func(*config)

type config struct {
	clock clock.Clock
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
