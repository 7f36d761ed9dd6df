package emergency

import (
	"cmp"
	"errors"
	"time"

	"github.com/sqkit/sqkit/sla"
)

// DefaultBoardNamespace is a board's namespace on its timeline unless
// WithNamespace names another.
const DefaultBoardNamespace = "emergency.board"

// boardTimerID is the id of the record that holds a board's timer.
const boardTimerID = "evaluate"

// boardTimeline keeps a board's next evaluation as one timer on a timeline.
//
// The timer is kept at or before the earliest instant a pending hold or
// dwell falls due. An observation only ever lowers it (comparing the
// subject it evaluated with the timer, never scanning the other subjects);
// an evaluation of every subject (EvaluateAt, which the timer's event
// calls) sets it to the true next instant. A timer left early by an
// observation that later became moot fires, evaluates nothing new and is
// set again: harmless.
type boardTimeline struct {
	tr  *sla.Tracker
	key sla.RecordKey
	at  stamp // the timer's instant; 0 when none. Guarded by Board.mu.
}

func newBoardTimeline(o options) boardTimeline {
	t := boardTimeline{tr: o.tracker,
		key: sla.RecordKey{Namespace: cmp.Or(o.namespace, DefaultBoardNamespace), ID: boardTimerID}}
	if t.tr == nil {
		t.tr = sla.NewTracker(sla.WithClock(o.clk))
	}
	return t
}

// register claims the board's namespace; the timer's event evaluates the
// board at the timer's own instant.
func (t *boardTimeline) register(b *Board) error {
	return t.tr.Register(t.key.Namespace, func(ev sla.Event) {
		if ev.ID.Kind == sla.Timer {
			b.EvaluateAt(ev.At)
		}
	})
}

// check reports the records of the board's namespace on a restored
// timeline that are not the board's timer.
func (t *boardTimeline) check() error {
	var errs []error
	for _, rk := range t.tr.Records(t.key.Namespace) {
		rec, _ := t.tr.Record(rk)
		if rk != t.key || len(rec.Clocks) > 0 {
			errs = append(errs, snapErr("timeline", "record %s is not the board's timer", rk))
		}
	}
	return errors.Join(errs...)
}

// lower moves the timer to due when due is earlier. Called with Board.mu
// held.
func (t *boardTimeline) lower(due stamp) {
	if due != 0 && (t.at == 0 || due < t.at) {
		t.arm(due)
	}
}

// set puts the timer at due (removing it when due is 0) after every subject
// was evaluated at now. Called with Board.mu held.
func (t *boardTimeline) set(due stamp, now time.Time) {
	switch {
	case due == 0:
		if t.at != 0 {
			t.tr.CancelTimer(t.key)
			t.at = 0
		}
	case due != t.at:
		// Every pending change falls after the evaluation that left it
		// pending; never re-arm at or before now, so one AdvanceTo cannot
		// loop on the board.
		if n := stampOf(now); due <= n {
			due = n.add(1)
		}
		t.arm(due)
	}
}

func (t *boardTimeline) arm(due stamp) {
	// SetTimer refuses only an empty id or an instant the queue cannot
	// hold; a stamp always fits.
	_ = t.tr.SetTimer(t.key, due.time())
	t.at = due
}

// reset forgets any timer a restored timeline held and arms the timer for
// the board's state. Called with Board.mu held.
func (t *boardTimeline) reset(due stamp) {
	t.tr.CancelTimer(t.key)
	t.at = 0
	t.lower(due)
}
