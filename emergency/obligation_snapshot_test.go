package emergency

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/slatest"
)

func TestObligationSnapshotRoundTrip(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	for i, ev := range []string{"minor", "accident", "minor"} {
		_, err := f.board.SignalAt(t0, fmt.Sprintf("s%d", i), ev, "")
		require.NoError(t, err)
	}
	slatest.Advance(f.clk, f.obl.Tracker(), time.Hour) // the task force is missed
	_, err := f.obl.FulfillAt(f.clk.Now(), f.obl.List("s2")[0].ID, "carol", "")
	require.NoError(t, err)

	snap := f.obl.Snapshot()
	back, _ := jsonCopy(t, snap)

	g := oblRestoreFixture(t, f, back)
	assert.Equal(t, snap, g.obl.Snapshot())

	// Both engines then miss the same deadline at the same instant.
	slatest.Advance(f.clk, f.obl.Tracker(), 72*time.Hour)
	slatest.Advance(g.clk, g.obl.Tracker(), 72*time.Hour)
	assert.Equal(t, f.obl.List(""), g.obl.List(""))
	assert.Equal(t, Orange, g.board.Level("s0"))

	bad := back
	bad.Items = append([]ObligationRecord(nil), back.Items...)
	bad.Items[0].Rule = "unknown"
	_, err = RestoreObligations(bad, WithBoard(g.board))
	assert.ErrorIs(t, err, ErrSnapshot)

	// A configuration whose rule has another deadline than the clocks
	// refuses the snapshot.
	other := back
	other.Config = DefaultObligationConfig()
	other.Config.Rules[0].Within = sla.Duration(48 * time.Hour)
	h, err := RestoreObligations(other, WithBoard(g.board))
	require.ErrorIs(t, err, ErrSnapshot)
	assert.Contains(t, err.Error(), `deadline "rectification-plan" does not match`)
	assert.Nil(t, h, "nothing is restored on error")
}

// oblRestoreFixture restores f's board and back on a new mock clock at f's
// instant.
func oblRestoreFixture(t *testing.T, f *oblFixture, back ObligationSnapshot, opts ...Option) *oblFixture {
	t.Helper()
	g := &oblFixture{clk: clock.NewMock()}
	g.clk.Set(f.clk.Now())
	var err error
	g.board, err = RestoreBoard(f.board.Snapshot(), WithClock(g.clk), WithObserver(func(c Change) { g.obl.HandleChange(c) }))
	require.NoError(t, err)
	g.obl, err = RestoreObligations(back, append(opts, WithBoard(g.board), WithClock(g.clk), WithObligationHandler(g.record))...)
	require.NoError(t, err)
	return g
}

func TestObligationSnapshotGolden(t *testing.T) {
	f := oblNewFixture(t, DefaultObligationConfig())
	for i, ev := range []string{"minor", "accident", "minor"} {
		_, err := f.board.SignalAt(t0, []string{"east", "north", "west"}[i], ev, "")
		require.NoError(t, err)
	}
	f.obl.AdvanceTo(t0.Add(time.Hour)) // the task force is missed
	_, err := f.obl.FulfillAt(t0.Add(time.Hour), f.obl.List("west")[0].ID, "carol", "plan v1")
	require.NoError(t, err)
	raw := golden(t, "obligation_snapshot.json", f.obl.Snapshot())

	s := decode[ObligationSnapshot](t, raw)
	g := oblRestoreFixture(t, f, s)
	assert.Equal(t, f.obl.Snapshot(), g.obl.Snapshot())

	for _, v := range []int{1, 3} {
		old := decode[ObligationSnapshot](t, withVersion(t, raw, v))
		_, err := RestoreObligations(old, WithBoard(g.board))
		require.ErrorIs(t, err, ErrSnapshot)
		assert.ErrorContains(t, err, "version: format version "+string(rune('0'+v))+", want 2")
	}
}

// oblSnapshotForRestore returns an engine's JSON with an open (east), a
// missed (north) and a fulfilled (west) obligation, on a private timeline.
func oblSnapshotForRestore(t *testing.T) (*oblFixture, []byte) {
	f := oblNewFixture(t, DefaultObligationConfig())
	_, err := f.board.SignalAt(t0, "east", "minor", "")
	require.NoError(t, err)
	_, err = f.board.SignalAt(t0, "north", "accident", "")
	require.NoError(t, err)
	_, err = f.board.SignalAt(t0, "west", "minor", "")
	require.NoError(t, err)
	f.obl.AdvanceTo(t0.Add(time.Hour))
	_, err = f.obl.FulfillAt(t0.Add(time.Hour), f.obl.List("west")[0].ID, "carol", "")
	require.NoError(t, err)
	raw, err := json.Marshal(f.obl.Snapshot())
	require.NoError(t, err)
	return f, raw
}

// A restore refuses obligations whose lifecycle or clock does not fit.
// Obligations, in order: east rectification (open), north rectification
// (open), north task force (missed), west rectification (fulfilled).
func TestRestoreObligationsRefusesWhatDoesNotFit(t *testing.T) {
	f, raw := oblSnapshotForRestore(t)
	tests := []refusal[ObligationSnapshot]{
		{"state the machine does not have", func(s *ObligationSnapshot) { s.Items[0].State = ObligationFulfilled },
			"items[0].state"},
		{"machine in another state", func(s *ObligationSnapshot) { s.Items[2].Machine.State = "open" }, "items[2]"},
		{"machine of another obligation", func(s *ObligationSnapshot) { s.Items[1].Machine.ID = "x" }, "items[1].machine.id"},
		{"unknown machine state", func(s *ObligationSnapshot) { s.Items[1].Machine.State = "lost" }, "items[1].machine"},
		{"miss off the deadline", func(s *ObligationSnapshot) { s.Items[2].MissedAt = s.Items[2].Due.Add(time.Minute) },
			"items[2].missed_at"},
		{"open with a miss", func(s *ObligationSnapshot) { s.Items[0].MissedAt = s.Items[0].Due }, "items[0].missed_at"},
		{"late though in time", func(s *ObligationSnapshot) { s.Items[3].Late = true }, "items[3].late"},
		{"due before opening", func(s *ObligationSnapshot) { s.Items[0].Due = s.Items[0].OpenedAt }, "items[0].due"},
		{"opened out of range", func(s *ObligationSnapshot) { s.Items[0].OpenedAt = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC) },
			"items[0].opened_at"},
		{"level not the rule's", func(s *ObligationSnapshot) { s.Items[0].Level = Red }, "items[0].rule"},
		{"unknown rule", func(s *ObligationSnapshot) { s.Items[0].Rule = "nope" }, "items[0].rule"},
		{"two open of one rule", func(s *ObligationSnapshot) {
			s.Items[1].Subject, s.Items[1].Machine.State = "east", "open"
		}, "items[1]"},
		{"escalation without a miss", func(s *ObligationSnapshot) { s.Items[0].Escalated = &Change{Subject: "east"} },
			"items[0].escalated"},
		{"clock stopped while open", func(s *ObligationSnapshot) {
			recordOf(s.Timeline, "east/rectification-plan/1").Clocks[0].Clock.Status = sla.Stopped
		},
			`obligation "east/rectification-plan/1"`},
		{"clock on another target", func(s *ObligationSnapshot) {
			recordOf(s.Timeline, "west/rectification-plan/4").Clocks[0].Priority = "other"
		},
			`obligation "west/rectification-plan/4"`},
		{"clock missing", func(s *ObligationSnapshot) {
			recordOf(s.Timeline, "north/rectification-plan/2").ID = "ghost"
		}, "timeline"},
		{"timeline version", func(s *ObligationSnapshot) { s.Timeline.Version = 1 }, "timeline.version"},
	}
	assertRefused(t, raw, func(s ObligationSnapshot) (*Obligations, error) { return RestoreObligations(s, WithBoard(f.board)) }, tests)
	s := decode[ObligationSnapshot](t, raw)
	_, err := RestoreObligations(s)
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.ErrorContains(t, err, "WithBoard", "the board is required")
}

// shanghaiOffice is a 09:00-18:00 working week in Asia/Shanghai.
func shanghaiOffice(t *testing.T) (sla.Registry, *time.Location) {
	t.Helper()
	day := []sla.CalendarWindow{{Start: "09:00", End: "18:00"}}
	cal, err := sla.NewCalendar(sla.CalendarSpec{Location: "Asia/Shanghai", Week: sla.CalendarWeek{
		Monday: day, Tuesday: day, Wednesday: day, Thursday: day, Friday: day}})
	require.NoError(t, err)
	return sla.Registry{"shanghai": cal}, cal.Location()
}

// The instants of an obligation on a Shanghai calendar are in Shanghai
// time, before and after a restore.
func TestObligationInstantsInTheCalendarsLocation(t *testing.T) {
	reg, loc := shanghaiOffice(t)
	board := newBoard(t, oblBoardConfig())
	cfg := ObligationConfig{Rules: []ObligationRule{{Name: "plan", Level: Yellow, Within: sla.Duration(9 * time.Hour), Calendar: "shanghai"}}}
	var events []ObligationEvent
	obl, err := NewObligations(cfg, WithBoard(board), WithCalendars(reg), WithObligationHandler(func(e ObligationEvent) { events = append(events, e) }))
	require.NoError(t, err)
	// Monday 2026-03-02 09:00 UTC is 17:00 in Shanghai: one working hour
	// left that day, eight more on Tuesday.
	obl.HandleChange(Change{Subject: "s", From: None, To: Yellow, At: t0, Due: t0})
	ob := obl.List("s")[0]
	assert.Equal(t, loc, ob.OpenedAt.Location())
	assert.Equal(t, loc, ob.Due.Location())
	assert.Equal(t, "2026-03-03T17:00:00+08:00", ob.Due.Format(time.RFC3339))
	require.Len(t, events, 1)
	assert.Equal(t, loc, events[0].At.Location())

	obl.AdvanceTo(t0.Add(48 * time.Hour))
	ob, _ = obl.Get(ob.ID)
	assert.Equal(t, loc, ob.MissedAt.Location())
	ob, err = obl.FulfillAt(t0.Add(49*time.Hour), ob.ID, "lead", "")
	require.NoError(t, err)
	assert.Equal(t, loc, ob.ClosedAt.Location())

	raw, err := json.Marshal(obl.Snapshot())
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"due":"2026-03-03T17:00:00+08:00"`)
	s := decode[ObligationSnapshot](t, raw)
	back, err := RestoreObligations(s, WithBoard(board), WithCalendars(reg))
	require.NoError(t, err)
	got, _ := back.Get(ob.ID)
	assert.Equal(t, ob, got, "the same instants, in the same location")
	assert.Equal(t, loc, got.Due.Location())

	_, err = RestoreObligations(s, WithBoard(board))
	assert.ErrorIs(t, err, ErrSnapshot, "the calendar must be given again")
}

// FuzzObligationOps drives a board and its obligations with arbitrary
// operations and checks that every error is typed and that the state
// survives a snapshot round trip: a restore never refuses what the live
// operations made.
func FuzzObligationOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{2, 0, 4, 200, 3, 1, 5, 9, 4, 255, 1, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		fx := oblNewFixture(t, DefaultObligationConfig())
		now := t0
		events := []string{"minor", "serious", "accident"}
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i]%6, ops[i+1]
			subject := []string{"a", "b"}[arg%2]
			var err error
			switch op {
			case 0, 1:
				_, err = fx.board.SignalAt(now, subject, events[int(arg)%3], "")
			case 2:
				_, err = fx.board.ClearAt(now, subject, events[int(arg)%3], "")
			case 3, 4:
				if list := fx.obl.List(subject); len(list) > 0 {
					ob := list[int(arg)%len(list)]
					if op == 3 {
						_, err = fx.obl.FulfillAt(now, ob.ID, "x", "")
					} else {
						_, err = fx.obl.CancelAt(now, ob.ID, "x", "")
					}
				}
			case 5:
				now = now.Add(time.Duration(arg) * 17 * time.Minute)
				fx.obl.AdvanceTo(now)
			}
			if err != nil {
				require.True(t, errors.Is(err, ErrObligationClosed) || errors.Is(err, ErrInvalidInput), "%v", err)
			}
		}
		snap := fx.obl.Snapshot()
		back, _ := jsonCopy(t, snap)
		g := oblRestoreFixture(t, fx, back)
		require.Equal(t, snap, g.obl.Snapshot())
		fx.obl.AdvanceTo(now.Add(100 * time.Hour))
		g.obl.AdvanceTo(now.Add(100 * time.Hour))
		// A restored timeline delivers events of equal instants in the order
		// of their records' keys, not in the order they were scheduled, so
		// simultaneous misses may escalate, number changes and open
		// obligations in another order: compare without ids and numbers.
		unnumbered := func(obs []Obligation) []Obligation {
			for i := range obs {
				obs[i].ID = ""
				if obs[i].Escalated != nil {
					obs[i].Escalated.Seq, obs[i].Escalated.Evidence.Rule = 0, ""
				}
			}
			slices.SortFunc(obs, func(a, b Obligation) int {
				return cmp.Or(cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Rule, b.Rule), a.OpenedAt.Compare(b.OpenedAt))
			})
			return obs
		}
		require.Equal(t, unnumbered(fx.obl.List("")), unnumbered(g.obl.List("")))
	})
}
