package feedback

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/sla"
)

// Helpers shared by Rectifications and ReturnVisits, which keep their items
// the same way: a lifecycle machine and an SLA clock per item, in one
// tracker, with the latest recorded instant guarding against time going
// backwards.

// sortByTimeThenID sorts s by the instant key returns, then by id.
func sortByTimeThenID[T any](s []T, key func(*T) (time.Time, string)) {
	sort.Slice(s, func(i, j int) bool {
		ti, idi := key(&s[i])
		tj, idj := key(&s[j])
		if !ti.Equal(tj) {
			return ti.Before(tj)
		}
		return idi < idj
	})
}

// overdueByDue keeps the values of all that are overdue at now, ordered
// by deadline then id (key returns both).
func overdueByDue[T any](all []T, now time.Time, overdue func(T, time.Time) bool, key func(*T) (time.Time, string)) []T {
	var out []T
	for _, v := range all {
		if overdue(v, now) {
			out = append(out, v)
		}
	}
	sortByTimeThenID(out, key)
	return out
}

// checkNotBefore returns an error wrapping ErrTimeBackwards when at is zero
// or earlier than last, the latest instant recorded on an item.
func checkNotBefore(at, last time.Time) error {
	if at.IsZero() || at.Before(last) {
		return fmt.Errorf("%w: %v is before %v", ErrTimeBackwards, at, last)
	}
	return nil
}

// orphanErrors reports the snapshot clocks left in clocks (those no item
// claimed) and the pending events whose clock belongs to no item; noun
// names the items ("item", "visit").
func orphanErrors[V any](clocks map[string]V, pending []sla.Event, known func(id string) bool, noun string) []error {
	var errs []error
	orphans := make([]string, 0, len(clocks))
	for id := range clocks {
		orphans = append(orphans, id)
	}
	sort.Strings(orphans)
	for _, id := range orphans {
		errs = append(errs, fieldErr("tracker.clocks", "clock %q belongs to no %s", id, noun))
	}
	for i, ev := range pending {
		if !known(ev.ID.Clock) {
			errs = append(errs, fieldErr(pathf("tracker.pending[%d]", i), "event %s belongs to no %s", ev.ID, noun))
		}
	}
	return errs
}

// sameSpec reports whether spec was built from def (compared as JSON, the
// form a snapshot stores it in).
func sameSpec(def sla.SpecDef, spec *sla.Spec) (bool, error) {
	want, err := json.Marshal(def)
	if err != nil {
		return false, err
	}
	got, err := json.Marshal(spec.Def())
	return err == nil && string(got) == string(want), nil
}

// latestRecorded returns the latest of from, the machine's transitions and
// transfers, and more: the instant a restored item's next operation may not
// precede.
func latestRecorded(from time.Time, m *fsm.Machine, more ...time.Time) time.Time {
	last := from
	later := func(t time.Time) {
		if t.After(last) {
			last = t
		}
	}
	for _, h := range m.History() {
		later(h.At)
	}
	for _, t := range m.Transfers() {
		later(t.At)
	}
	for _, t := range more {
		later(t)
	}
	return last
}
