package feedback

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// windowed keeps one value per calendar window of one granularity in one
// location: what Aggregator and CategoryTally count into. It caches the
// bounds of the window last used as Unix seconds, so an in-order stream
// pays for calendar arithmetic once per window. It is not safe for
// concurrent use; its owners lock.
type windowed[V any] struct {
	g   Granularity
	loc *time.Location
	m   map[int64]*slot[V] // by window start, Unix seconds

	// the window last used: [lo, hi) Unix seconds
	lo, hi int64
	cur    *slot[V]
}

// slot is one window and its value.
type slot[V any] struct {
	w Window
	v V
}

// newWindowed checks g and returns an empty set in loc (nil means UTC).
func newWindowed[V any](g Granularity, loc *time.Location) (windowed[V], error) {
	if !g.Valid() {
		return windowed[V]{}, fieldErr("granularity", "unknown granularity %d", uint8(g))
	}
	if loc == nil {
		loc = time.UTC
	}
	return windowed[V]{g: g, loc: loc, m: make(map[int64]*slot[V])}, nil
}

// Granularity returns the window granularity.
func (ws *windowed[V]) Granularity() Granularity { return ws.g }

// Location returns the location windows are cut in.
func (ws *windowed[V]) Location() *time.Location { return ws.loc }

// at returns the slot of t's window, adding it if new.
func (ws *windowed[V]) at(t time.Time) *slot[V] {
	u := t.Unix()
	if ws.cur != nil && u >= ws.lo && u < ws.hi {
		return ws.cur
	}
	w := windowOf(ws.g, t, ws.loc)
	lo := w.Start.Unix()
	s := ws.m[lo]
	if s == nil {
		s = &slot[V]{w: w}
		ws.m[lo] = s
	}
	ws.lo, ws.hi, ws.cur = lo, w.End.Unix(), s
	return s
}

// window returns the window containing t and its slot, nil when it holds no
// data.
func (ws *windowed[V]) window(t time.Time) (Window, *slot[V]) {
	w := windowOf(ws.g, t, ws.loc)
	return w, ws.m[w.Start.Unix()]
}

// sorted returns the slots oldest first.
func (ws *windowed[V]) sorted() []*slot[V] {
	return slices.SortedFunc(maps.Values(ws.m), func(a, b *slot[V]) int { return cmp.Compare(a.w.Start.Unix(), b.w.Start.Unix()) })
}

// collect returns f of every slot, oldest first.
func collect[V, T any](ws *windowed[V], f func(s *slot[V]) T) []T {
	slots := ws.sorted()
	out := make([]T, len(slots))
	for i, s := range slots {
		out[i] = f(s)
	}
	return out
}

// windowSnapshot is what the snapshots of Aggregator and CategoryTally
// share: a version, the granularity and the location's name.
type windowSnapshot struct {
	version     int
	accept      []int // the versions a restore reads
	granularity Granularity
	location    string
}

// restoreWindowed rebuilds a set from a snapshot: it checks the version,
// loads the location (from WithLocation when the names agree, else by
// name), and adds each of n windows, which window(i) gives, with the value
// value(i) returns after checking it. A window must start and end on the
// set's boundaries and not be repeated. Every problem is reported at once.
func restoreWindowed[V any](s windowSnapshot, opts []Option, n int, window func(i int) Window,
	value func(i int, path string) (V, error)) (windowed[V], error) {
	var errs []error
	if !slices.Contains(s.accept, s.version) {
		errs = append(errs, fieldErr("version", "format version %d, want %d", s.version, s.accept[len(s.accept)-1]))
	}
	loc, err := snapshotLocation(s.location, buildOptions(opts))
	if err != nil {
		errs = append(errs, err)
	}
	ws, err := newWindowed[V](s.granularity, loc)
	if err := errors.Join(append(errs, err)...); err != nil {
		return windowed[V]{}, err
	}
	for i := range n {
		path := fmt.Sprintf("windows[%d]", i)
		w := window(i)
		got := windowOf(ws.g, w.Start, loc)
		switch {
		case !got.Start.Equal(w.Start) || !got.End.Equal(w.End) || w.Granularity != ws.g:
			errs = append(errs, fieldErr(path+".window", "%v–%v is not a %s window in %s", w.Start, w.End, ws.g, loc))
			continue
		case ws.m[got.Start.Unix()] != nil:
			errs = append(errs, fieldErr(path+".window", "duplicate window %s", got.Label()))
			continue
		}
		v, err := value(i, path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ws.m[got.Start.Unix()] = &slot[V]{w: got, v: v}
	}
	return ws, errors.Join(errs...)
}

// snapshotLocation returns the location a snapshot names: the one given
// with WithLocation when its name is the snapshot's, else the one
// time.LoadLocation finds.
func snapshotLocation(name string, o options) (*time.Location, error) {
	if o.location != nil && o.location.String() == name {
		return o.location, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fieldErr("location", "%v (pass a location of that name with WithLocation)", err)
	}
	return loc, nil
}
