package incentive

import "github.com/sqkit/sqkit/internal/duration"

// Duration is the SDK's one duration type (sla.Duration and
// fsm.Duration are the same type): a time.Duration that encodes to
// JSON as a Go duration string ("15m0s", "1h30m0s") and decodes from such a
// string or from a number of nanoseconds. D returns the time.Duration.
type Duration = duration.Duration

// ErrDuration is matched by the error of decoding a malformed Duration.
var ErrDuration = duration.ErrSyntax
