package feedback

import (
	"github.com/sqkit/sqkit/fsm"
	"github.com/sqkit/sqkit/internal/cases"
	"github.com/sqkit/sqkit/sla"
)

// CaseRecord is one item of an engine's snapshot: the item's own record
// (its derived fields, read from the lifecycle and the clock, empty) and
// its lifecycle machine's snapshot, which holds the state, owner,
// transfers and history.
type CaseRecord[T any] struct {
	Item      T            `json:"item"`
	Lifecycle fsm.Snapshot `json:"lifecycle"`
}

// CaseSnapshot is the serialisable state of an engine of this package
// (RectificationsSnapshot, ReturnVisitsSnapshot): its format version, its
// configuration, every item (by opening instant, then id), and the
// engine's private timeline (the items' clocks, the events not yet
// delivered and the attainment counts). An engine on the host's timeline
// (WithTracker) has no Timeline: the host snapshots its tracker once for
// every engine. Redaction (optional) names the policy that redacted the
// snapshot (RedactRectifications, RedactReturnVisits); a redacted
// snapshot is an export, refused by the restores (ErrRedacted).
type CaseSnapshot[C, T any] struct {
	Version   int                  `json:"version"`
	Config    C                    `json:"config"`
	Items     []CaseRecord[T]      `json:"items"`
	Timeline  *sla.TrackerSnapshot `json:"timeline,omitempty"`
	Redaction string               `json:"redaction,omitempty"`
}

// snapshot returns the engine's items and, on a private timeline, the
// timeline, in the envelope.
func snapshot[C, R, E any](l *loop[R, E], version int, cfg C, clone func(r *R) R) CaseSnapshot[C, R] {
	items, tl := cases.Snapshot(l.eng, func(it *cases.Item[R]) CaseRecord[R] {
		return CaseRecord[R]{Item: clone(&it.Rec), Lifecycle: it.M.Snapshot()}
	}, l.order())
	return CaseSnapshot[C, R]{Version: version, Config: cfg, Items: items, Timeline: tl}
}

// restore rebuilds the engine of l from s with the case engine: build
// checks and rebuilds one item, check compares it with its record on the
// timeline. Every error matches ErrInvalidConfig.
func restore[C, R, E any](l *loop[R, E], spec cases.Spec[R, E], o options, version int, s CaseSnapshot[C, R],
	build func(rec CaseRecord[R]) (*cases.Item[R], error), check func(it *cases.Item[R], rec sla.RecordSnapshot) error) error {
	var err error
	l.eng, err = cases.Restore(spec, o.engine(), cases.Restored[CaseRecord[R]]{
		Version: s.Version, Want: version, Items: s.Items, Timeline: s.Timeline, Redaction: s.Redaction,
	}, func(path string, rec CaseRecord[R]) (*cases.Item[R], error) {
		it, err := build(rec)
		return it, prefix(path, err)
	}, check)
	return err
}
