// Package duration holds the one Duration type of the SDK: sla, fsm and
// incentive declare it under their own names as aliases, so a duration in
// any configuration or snapshot encodes, decodes and converts the same way.
package duration

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrSyntax is matched by the error of decoding a malformed duration. The
// packages that alias Duration export it as their ErrDuration.
var ErrSyntax = errors.New("sqkit: malformed duration")

// Duration is a time.Duration that encodes to JSON as a Go duration string
// ("15m0s", "48h0m0s", "1h30m0s"). It decodes from such a string or from a
// number of nanoseconds.
type Duration time.Duration

// D returns the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns the Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler. A malformed duration is an
// error matching ErrSyntax.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("%w %s", ErrSyntax, b)
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%w %q", ErrSyntax, s)
		}
		*d = Duration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("%w %s", ErrSyntax, b)
	}
	*d = Duration(n)
	return nil
}
