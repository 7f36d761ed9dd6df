package emergency

import (
	"math"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// stamp is an instant in Unix nanoseconds, kept instead of time.Time in the
// per-rule state: it is a third of the size and holds no pointer, which
// keeps a board of many subjects compact and cheap for the garbage
// collector. Zero means "not set", so instants must lie after 1970-01-01
// UTC (and before 2262, the range of Unix nanoseconds); checkTime enforces
// it at the API. Instants read back from a stamp are in UTC.
type stamp int64

var (
	minTime = time.Unix(0, 1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// checkTime rejects instants a stamp cannot hold.
func checkTime(t time.Time) error {
	if t.Before(minTime) || t.After(maxTime) {
		return inputErr("time %v outside the supported range (after 1970-01-01 UTC, before 2262)", t)
	}
	return nil
}

// stampOf converts an instant checkTime accepts; the zero time gives the
// zero stamp. Callers check first: stampOf neither saturates nor refuses.
func stampOf(t time.Time) stamp {
	if t.IsZero() {
		return 0
	}
	return stamp(t.UnixNano())
}

// stampIn converts an instant read from a snapshot: the zero time gives the
// zero stamp; an instant checkTime refuses gives ok false (a restore
// refuses it rather than clamp it).
func stampIn(t time.Time) (s stamp, ok bool) {
	if t.IsZero() {
		return 0, true
	}
	if checkTime(t) != nil {
		return 0, false
	}
	return stamp(t.UnixNano()), true
}

// time returns the instant in UTC; the zero stamp gives the zero time.
func (s stamp) time() time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(s)).UTC()
}

// add returns s + d, saturating instead of overflowing.
func (s stamp) add(d sla.Duration) stamp {
	if d > 0 && int64(s) > math.MaxInt64-int64(d) {
		return math.MaxInt64
	}
	return s + stamp(d)
}
