package feedback

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// DefaultMaxSlices is the number of distinct slices an Aggregator keeps per
// slicing when Config.MaxSlices is zero.
const DefaultMaxSlices = 1000

// MaxSlicings is the number of slicings one Aggregator may have.
const MaxSlicings = 16

// CountersSize is the size in bytes of one Counters value: what each slice
// of each window costs, besides a pointer. See [Config].MaxSlices for the
// bound on an aggregator's memory.
const CountersSize = int(unsafe.Sizeof(Counters{}))

// windowState is what an Aggregator keeps per window: the window's
// counters, and the counters of each slice with data in the window, by
// slice id (nil for a slice without data).
type windowState struct {
	Counters
	slices []*Counters
}

// slice returns the counters of slice id in w, adding them if new.
func (w *windowState) slice(id int32) *Counters {
	for len(w.slices) <= int(id) {
		w.slices = append(w.slices, nil)
	}
	c := w.slices[id]
	if c == nil {
		c = new(Counters)
		w.slices[id] = c
	}
	return c
}

// sliceKey describes a slice for reports: its slicing and the values of
// its dimensions in the order of the constants, or the slicing's overflow
// bucket (other).
type sliceKey struct {
	by    Slicing
	other bool
	v     [MaxSliceDimensions]string
}

// dims returns the slice's dimensions (zero for the overflow bucket).
func (k sliceKey) dims() Dimensions {
	var d Dimensions
	f := d.fields()
	for j, dim := range k.by.Dimensions() {
		if !k.other {
			*f[dim-1] = k.v[j]
		}
	}
	return d
}

// slicer gives the slices of an Aggregator their ids. The first max
// distinct slices of each slicing are admitted, in the order they are
// first counted, and keep their own counters in every window; later ones
// count into the slicing's overflow bucket. Ids are shared by all windows,
// and the keys stored once. Each slicing looks its slices up in a map of
// its own by a string key: the value itself for a slicing of one
// dimension (Go's fast string map), the values each after its length for
// several, encoded into a reused buffer so that a lookup allocates
// nothing. It is not safe for concurrent use; the Aggregator locks.
type slicer struct {
	by    []Slicing
	dims  [][]int8 // the field indexes of each slicing's dimensions
	max   int
	ids   []map[string]int32 // per slicing: key → id
	other []int32            // per slicing: the overflow bucket's id, -1 until used
	keys  []sliceKey         // by id
	buf   []byte             // the key of several values, between encode and its use
}

func newSlicer(by []Slicing, max int) *slicer {
	if len(by) == 0 {
		return nil
	}
	sl := &slicer{by: by, max: max}
	for _, s := range by {
		var ix []int8
		for _, d := range s.Dimensions() {
			ix = append(ix, int8(d-1))
		}
		sl.dims = append(sl.dims, ix)
		sl.ids = append(sl.ids, make(map[string]int32))
		sl.other = append(sl.other, -1)
	}
	return sl
}

// index returns the position of s among the slicings, or -1.
func (sl *slicer) index(s Slicing) int {
	if sl == nil {
		return -1
	}
	return slices.Index(sl.by, s)
}

// encode returns the key of the slice of slicing i that d falls in, and
// false when d leaves a dimension of the slicing empty. The key of several
// values points into sl.buf: it is valid until the next call, and must be
// cloned to be kept.
func (sl *slicer) encode(i int, d *Dimensions) (string, bool) {
	ix := sl.dims[i]
	if len(ix) == 1 {
		v := d.field(ix[0])
		return v, v != ""
	}
	buf := sl.buf[:0]
	for _, x := range ix {
		v := d.field(x)
		switch {
		case v == "":
			return "", false
		case len(v) < 0x80: // the one-byte uvarint, without the call
			buf = append(buf, byte(len(v)))
		default:
			buf = binary.AppendUvarint(buf, uint64(len(v)))
		}
		buf = append(buf, v...)
	}
	sl.buf = buf
	return unsafe.String(unsafe.SliceData(buf), len(buf)), true
}

// find returns the id of the slice of slicing i with d's values, if it was
// admitted.
func (sl *slicer) find(i int, d *Dimensions) (int32, bool) {
	key, ok := sl.encode(i, d)
	if !ok {
		return 0, false
	}
	id, ok := sl.ids[i][key]
	return id, ok
}

// id returns the id of the slice of slicing i that d falls in, admitting
// it (or the overflow bucket) if new, and false when d leaves a dimension
// of the slicing empty.
func (sl *slicer) id(i int, d *Dimensions) (int32, bool) {
	key, ok := sl.encode(i, d)
	if !ok {
		return 0, false
	}
	if id, ok := sl.ids[i][key]; ok {
		return id, true
	}
	if len(sl.ids[i]) >= sl.max {
		return sl.overflow(i), true
	}
	k := sliceKey{by: sl.by[i]}
	for j, x := range sl.dims[i] {
		k.v[j] = d.field(x)
	}
	id := sl.admit(k)
	sl.ids[i][strings.Clone(key)] = id
	return id, true
}

// overflow returns the id of the overflow bucket of slicing i, admitting
// it if new.
func (sl *slicer) overflow(i int) int32 {
	if sl.other[i] < 0 {
		sl.other[i] = sl.admit(sliceKey{by: sl.by[i], other: true})
	}
	return sl.other[i]
}

// admit gives k the next id.
func (sl *slicer) admit(k sliceKey) int32 {
	sl.keys = append(sl.keys, k)
	return int32(len(sl.keys) - 1)
}

// slices returns the ids of the slices d falls in, one per slicing at
// most, in buf.
func (sl *slicer) slices(d *Dimensions, buf *[MaxSlicings]int32) []int32 {
	out := buf[:0]
	for i := range sl.by {
		if id, ok := sl.id(i, d); ok {
			out = append(out, id)
		}
	}
	return out
}

// SliceCounters are the counters of one slice in one window. Slice holds
// the values of the dimensions of By; the overflow bucket of a slicing
// (Other) has none.
type SliceCounters struct {
	By       Slicing    `json:"by"`
	Slice    Dimensions `json:"slice,omitzero"`
	Other    bool       `json:"other,omitempty"`
	Counters Counters   `json:"counters"`
}

// sliceCounters lists the slices of w, of slicing by only unless by is 0:
// by slicing (in the order of the configuration), the overflow bucket
// last, then by values.
func (sl *slicer) sliceCounters(w *windowState, by Slicing) []SliceCounters {
	if sl == nil {
		return nil
	}
	var out []SliceCounters
	for id, c := range w.slices {
		if k := sl.keys[id]; c != nil && (by == 0 || k.by == by) {
			out = append(out, SliceCounters{By: k.by, Slice: k.dims(), Other: k.other, Counters: *c})
		}
	}
	slices.SortFunc(out, func(a, b SliceCounters) int {
		return cmp.Or(cmp.Compare(sl.index(a.By), sl.index(b.By)), compareBool(a.Other, b.Other), compareDims(a.Slice, b.Slice))
	})
	return out
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func compareDims(a, b Dimensions) int {
	fa, fb := a.fields(), b.fields()
	for i := range fa {
		if c := cmp.Compare(*fa[i], *fb[i]); c != 0 {
			return c
		}
	}
	return 0
}

// SliceReport is the report of one slice in one window.
type SliceReport struct {
	By     Slicing    `json:"by"`
	Slice  Dimensions `json:"slice,omitzero"`
	Other  bool       `json:"other,omitempty"`
	Report Report     `json:"report"`
}

// Slicings returns the slicings the aggregator slices by.
func (a *Aggregator) Slicings() []Slicing { return slices.Clone(a.cfg.Slicings) }

// errNotSliced is the error of a slicing the aggregator does not have.
func (a *Aggregator) errNotSliced(path string, by Slicing) error {
	return fieldErr(path, "the aggregator does not slice by %q (its slicings: %v)", by, a.cfg.Slicings)
}

// SliceReportsAt returns the report of every slice of slicing by with data
// in the window containing t: ordered by the slices' values, the overflow
// bucket (Other) last. Each report's Window is that window. A slicing the
// aggregator does not have is an error.
func (a *Aggregator) SliceReportsAt(t time.Time, by Slicing) ([]SliceReport, error) {
	if a.sl.index(by) < 0 {
		return nil, a.errNotSliced("by", by)
	}
	a.mu.Lock()
	w, s := a.window(t)
	var scs []SliceCounters
	if s != nil {
		scs = a.sl.sliceCounters(&s.v, by)
	}
	a.mu.Unlock()
	out := make([]SliceReport, len(scs))
	for i, sc := range scs {
		out[i] = SliceReport{By: sc.By, Slice: sc.Slice, Other: sc.Other, Report: sc.Counters.Report(a.cfg)}
		out[i].Report.Window = w
	}
	return out, nil
}

// SliceReportAt returns the report of one slice in the window containing
// t: the slice whose dimensions are those slice sets (Dimensions{Agent:
// "a-7"} is agent a-7 of the slicing by agent; Dimensions{Team: "t-1",
// Channel: "chat"} a slice of team+channel). A slice without data in the
// window, or whose values went to the overflow bucket, gives a report
// whose figures have N = 0. A slicing the aggregator does not have is an
// error.
func (a *Aggregator) SliceReportAt(t time.Time, slice Dimensions) (Report, error) {
	by := slice.Slicing()
	if a.sl.index(by) < 0 {
		return Report{}, a.errNotSliced("slice", by)
	}
	a.mu.Lock()
	w, s := a.window(t)
	c := a.sliceOf(s, slice)
	a.mu.Unlock()
	r := c.Report(a.cfg)
	r.Window = w
	return r, nil
}

// sliceOf returns the counters of the slice with the values slice sets in
// the window of s (nil: no data), zero when it has none. The caller holds
// a.mu.
func (a *Aggregator) sliceOf(s *slot[windowState], slice Dimensions) Counters {
	by := slice.Slicing()
	if s == nil || by == 0 {
		return Counters{}
	}
	if id, ok := a.sl.find(a.sl.index(by), &slice); ok && int(id) < len(s.v.slices) && s.v.slices[id] != nil {
		return *s.v.slices[id]
	}
	return Counters{}
}

// validateSlicings checks the slicings of a Config.
func validateSlicings(by []Slicing) []error {
	var errs []error
	if len(by) > MaxSlicings {
		errs = append(errs, fieldErr("slicings", "%d slicings, at most %d", len(by), MaxSlicings))
	}
	for i, s := range by {
		path := fmt.Sprintf("slicings[%d]", i)
		if err := s.Validate(); err != nil {
			errs = append(errs, prefix(path, err))
		} else if slices.Index(by, s) < i {
			errs = append(errs, fieldErr(path, "duplicate slicing %q", s))
		}
	}
	return errs
}
