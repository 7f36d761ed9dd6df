package workforce

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// SnapshotVersion is the version of DispatcherSnapshot this package writes
// and reads.
const SnapshotVersion = 1

// DispatcherSnapshot is the state of a dispatcher as a plain JSON value:
// its items (queued or with their owner), the agents' presence and the
// round-robin positions. Remaining business times are not stored; they
// are read again when the snapshot is restored.
type DispatcherSnapshot struct {
	Version    int                 `json:"version"`
	Items      []ItemState         `json:"items,omitempty"`
	Presence   map[string]Presence `json:"presence,omitempty"`
	RoundRobin map[string]string   `json:"round_robin,omitempty"`
}

// ItemState is one item of a snapshot; Owner is empty for a queued item.
type ItemState struct {
	Item  Item   `json:"item"`
	Owner string `json:"owner,omitempty"`
}

// Snapshot returns the dispatcher's state, items in the order they were
// added (which breaks ties in urgency).
func (d *Dispatcher) Snapshot() DispatcherSnapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := DispatcherSnapshot{Version: SnapshotVersion, Presence: map[string]Presence{}, RoundRobin: map[string]string{}}
	items := make([]*item, 0, len(d.items))
	for _, it := range d.items {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].key.seq < items[j].key.seq })
	for _, it := range items {
		st := d.status(it)
		s.Items = append(s.Items, ItemState{Item: st.Item, Owner: st.Owner})
	}
	for id, a := range d.agents {
		s.Presence[id] = a.presence
	}
	for team, id := range d.rrLast {
		s.RoundRobin[team] = id
	}
	return s
}

// RestoreAt loads snapshot s into a dispatcher that holds no items,
// reading the remaining business time of every queued item at at. The
// snapshot is untrusted input: it is checked as the live operations check
// (item ids present and unique, known skills and agents, owners within
// capacity, valid presence) and every problem is reported at once, each
// wrapping ErrSnapshot; the dispatcher is unchanged then.
func (d *Dispatcher) RestoreAt(at time.Time, s DispatcherSnapshot) error {
	rems := make([]time.Duration, len(s.Items))
	oks := make([]bool, len(s.Items))
	for i, st := range s.Items {
		if st.Owner == "" && st.Item.ID != "" {
			rems[i], oks[i] = d.readRemaining(st.Item.ID, at)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", ErrSnapshot, path, fmt.Sprintf(format, args...)))
	}
	if len(d.items) > 0 {
		bad("dispatcher", "already holds %d items", len(d.items))
	}
	if s.Version != SnapshotVersion {
		bad("version", "is %d, want %d", s.Version, SnapshotVersion)
	}
	for _, id := range sortedKeys(s.Presence) {
		if d.agents[id] == nil {
			bad("presence."+id, "unknown agent")
		} else if !s.Presence[id].Valid() {
			bad("presence."+id, "invalid presence")
		}
	}
	for _, team := range sortedKeys(s.RoundRobin) {
		if id := s.RoundRobin[team]; id == "" {
			bad("round_robin."+team, "empty agent id")
		}
	}
	seen := map[string]bool{}
	load := map[string]int{}
	built := make([]*item, len(s.Items))
	for i, st := range s.Items {
		p := fmt.Sprintf("items[%d]", i)
		if err := checkItem("restore", st.Item); err != nil {
			bad(p+".item", "%v", err)
			continue
		}
		if seen[st.Item.ID] {
			bad(p+".item.id", "item %q listed twice", st.Item.ID)
			continue
		}
		seen[st.Item.ID] = true
		x, err := d.newItem(at, st.Item, "restore")
		if err != nil {
			bad(p+".item", "%v", err)
			continue
		}
		if st.Owner != "" {
			a := d.agents[st.Owner]
			if a == nil {
				bad(p+".owner", "unknown agent %q", st.Owner)
				continue
			}
			load[st.Owner]++
			if load[st.Owner] > a.spec.Capacity {
				bad(p+".owner", "agent %q over its capacity %d", st.Owner, a.spec.Capacity)
				continue
			}
			x.owner = a
			if x.spec.FirstResponder == "" {
				x.spec.FirstResponder = st.Owner
			}
		}
		built[i] = x
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for id, p := range s.Presence {
		a := d.agents[id]
		was := a.ready()
		a.presence = p
		d.readyChanged(a, was)
	}
	for team, id := range s.RoundRobin {
		d.rrLast[team] = id
	}
	for i, x := range built {
		d.items[x.spec.ID] = x
		if x.owner != nil {
			was := x.owner.ready()
			x.owner.load++
			d.readyChanged(x.owner, was)
			continue
		}
		d.setUrgency(x, at, rems[i], oks[i])
		d.enqueue(x)
	}
	return nil
}
