package sla

import (
	"cmp"
	"slices"
	"time"
)

// Attainment is the count of cycles of one namespace, metric and priority:
// met (stopped within target), breached (stopped late, or open and past
// due), in progress (open and not yet due), and the percentage met among
// the decided ones (met + breached; 0 when none is decided).
type Attainment struct {
	Namespace  string  `json:"namespace,omitempty"`
	Metric     Metric  `json:"metric"`
	Priority   string  `json:"priority"`
	Met        int     `json:"met"`
	Breached   int     `json:"breached"`
	InProgress int     `json:"in_progress"`
	PercentMet float64 `json:"percent_met"`
}

// Attainment is AttainmentAt at the clock's current time.
func (t *Tracker) Attainment(ns string) []Attainment { return t.AttainmentAt(t.clk.Now(), ns) }

// AttainmentAt returns the attainment figures of namespace ns ("" for the
// host's own clocks) at at, sorted by metric then priority. It walks every
// clock (O(n)).
func (t *Tracker) AttainmentAt(at time.Time, ns string) []Attainment {
	t.mu.Lock()
	id, ok := t.nsIndex[ns]
	if !ok {
		t.mu.Unlock()
		return []Attainment{}
	}
	agg := map[attKey]*Attainment{}
	get := func(k attKey) *Attainment {
		a := agg[k]
		if a == nil {
			a = &Attainment{Namespace: ns, Metric: k.m, Priority: t.prios[k.prio]}
			agg[k] = a
		}
		return a
	}
	for k, c := range t.closed {
		if k.ns == id {
			a := get(k)
			a.Met += c.met
			a.Breached += c.breached
		}
	}
	for rk, e := range t.records {
		if rk.ns != id {
			continue
		}
		for ; e != nil; e = e.next {
			if e.timer || (e.c.status != Running && e.c.status != Paused) {
				continue
			}
			a := get(attKey{e.metric(), id, e.prio})
			if e.c.Breached(at) {
				a.Breached++
			} else {
				a.InProgress++
			}
		}
	}
	t.mu.Unlock()
	out := make([]Attainment, 0, len(agg))
	for _, a := range agg {
		if d := a.Met + a.Breached; d > 0 {
			a.PercentMet = 100 * float64(a.Met) / float64(d)
		}
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b Attainment) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Priority, b.Priority))
	})
	return out
}
