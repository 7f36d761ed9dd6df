package workforce

import (
	"time"

	"github.com/sqkit/sqkit/sla"
)

// TrackerRemaining adapts an *sla.Tracker into a RemainingFunc: an item's
// remaining business time is the least Clock.Remaining among its clocks
// under the given metrics (the item id is the clock id) whose cycle has a
// due time (Clock.Due), that is, running clocks and breached ones, which
// report how long they are overdue. Paused and met clocks do not count;
// an item with none of its clocks counting has no SLA. List only the
// metrics that matter for the work being routed (FirstResponse for new
// tickets, Resolution afterwards): a breached clock keeps its overdue
// remaining after it stops.
//
// The adapter uses nothing of the tracker but Tracker.Clock, so a host
// whose clocks live elsewhere writes the same few lines against its own
// store.
func TrackerRemaining(t *sla.Tracker, metrics ...sla.Metric) RemainingFunc {
	ms := append([]sla.Metric(nil), metrics...)
	return func(itemID string, at time.Time) (time.Duration, bool) {
		var best time.Duration
		found := false
		for _, m := range ms {
			c, ok := t.Clock(sla.ClockKey{ID: itemID, Metric: m})
			if !ok {
				continue
			}
			if _, due := c.Due(); !due {
				continue
			}
			if r := c.Remaining(at); !found || r < best {
				best, found = r, true
			}
		}
		return best, found
	}
}
