package emergency

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sqkit/sqkit/fsm"
)

const secret = "Zhang Wei 13800138000"

// busyIncident drives a chained incident through reports, escalations, a
// re-grade, transitions, missed milestones, a resolution and a review,
// with customer text in every free-text field. It returns the fixture.
func busyIncident(t *testing.T, opts ...Option) *incFixture {
	t.Helper()
	f := incNewFixture(t, DefaultIncidentConfig(), append([]Option{WithChain()}, opts...)...)
	incReport(t, f, Report{ID: "INC-1", Type: CustomerComplaint, Grade: GradeIII, Title: "refund for " + secret})
	ctx := context.Background()
	f.advance(5 * time.Minute)
	_, err := f.mgr.EscalateAt(f.clk.Now(), "INC-1", "lead", secret+" threatens the press")
	require.NoError(t, err)
	_, err = f.mgr.FireAt(ctx, f.clk.Now(), "INC-1", IncidentAssess, fsm.By{Actor: "lead", Reason: "called " + secret})
	require.NoError(t, err)
	f.advance(90 * time.Minute) // the assessment milestone is missed
	_, err = f.mgr.RegradeAt(f.clk.Now(), "INC-1", GradeII, "lead", "press call from "+secret)
	require.NoError(t, err)
	_, err = f.mgr.FireAt(ctx, f.clk.Now(), "INC-1", IncidentRespond, fsm.By{Actor: "lead"})
	require.NoError(t, err)
	f.advance(time.Hour)
	_, err = f.mgr.FireAt(ctx, f.clk.Now(), "INC-1", IncidentResolve, fsm.By{Actor: "lead", Reason: "refunded " + secret})
	require.NoError(t, err)
	_, err = f.mgr.ReviewAt(ctx, f.clk.Now(), "INC-1", Review{Reviewer: "qa", Summary: "late refund for " + secret,
		RootCause: secret + " was not called back", Lessons: []string{"call " + secret + " sooner"},
		ActionItems: []ActionItem{{Description: "apologise to " + secret, Owner: "lead", Due: f.clk.Now().Add(24 * time.Hour)}}})
	require.NoError(t, err)
	return f
}

// TestIncidentEventLog: a chained incident keeps every event delivered
// for it, in delivery order, sealed by a chain that verifies.
func TestIncidentEventLog(t *testing.T) {
	f := busyIncident(t)
	in, ok := f.mgr.Get("INC-1")
	require.True(t, ok)
	delivered := f.events()
	require.Greater(t, len(delivered), 8)
	assert.Equal(t, delivered, in.Events)

	snap := f.mgr.Snapshot()
	rec := snap.Items[0]
	assert.Equal(t, in.Events, rec.Events)
	require.Len(t, rec.EventChain, len(rec.Events))
	require.Len(t, rec.Machine.Chain, len(rec.Machine.History))
	heads, ok := f.mgr.ChainHeads("INC-1")
	require.True(t, ok)
	rh, ok := rec.Heads()
	require.True(t, ok)
	assert.Equal(t, heads, rh)
	assert.Equal(t, len(rec.Events), heads.Events.Len)
	assert.Equal(t, len(rec.Machine.History), heads.History.Len)
	assert.NoError(t, VerifyIncident(rec, &heads))

	_, ok = f.mgr.ChainHeads("INC-404")
	assert.False(t, ok)
	plain := incNewFixture(t, DefaultIncidentConfig())
	in = incReport(t, plain, Report{ID: "INC-1", Type: CustomerComplaint, Grade: GradeIII})
	assert.Nil(t, in.Events, "an unchained manager keeps no event log")
	_, ok = plain.mgr.ChainHeads("INC-1")
	assert.False(t, ok)
	_, ok = plain.mgr.Snapshot().Items[0].Heads()
	assert.False(t, ok)
	assert.Empty(t, plain.mgr.Snapshot().Items[0].EventChain)
}

// TestChainedIncidentRestore: a restored manager continues each chain as
// if it had never stopped, through JSON.
func TestChainedIncidentRestore(t *testing.T) {
	f := busyIncident(t)
	raw, err := json.Marshal(f.mgr.Snapshot())
	require.NoError(t, err)
	snap := decode[IncidentSnapshot](t, raw)
	r, err := RestoreIncidentManager(snap, WithClock(f.clk), WithChain())
	require.NoError(t, err)
	heads, _ := f.mgr.ChainHeads("INC-1")
	rheads, ok := r.ChainHeads("INC-1")
	require.True(t, ok)
	assert.Equal(t, heads, rheads)

	at := f.clk.Now().Add(time.Hour)
	for _, m := range []*IncidentManager{f.mgr, r} {
		_, err := m.CompleteActionAt(at, "INC-1", "A1", "lead")
		require.NoError(t, err)
	}
	a, b := f.mgr.Snapshot(), r.Snapshot()
	assert.Equal(t, a.Items[0].EventChain, b.Items[0].EventChain)
	assert.Equal(t, a.Items[0].Machine.Chain, b.Items[0].Machine.Chain)
	assert.NoError(t, VerifyIncident(b.Items[0], &heads), "a log that grew since the heads passes")
}

// TestIncidentChainTamper tampers with the event log and with the
// lifecycle history of a chained incident's snapshot in each way.
func TestIncidentChainTamper(t *testing.T) {
	f := busyIncident(t)
	heads, _ := f.mgr.ChainHeads("INC-1")
	tests := []struct {
		name    string
		tamper  func(r *IncidentRecord)
		restore bool
		path    string
		want    ChainError
	}{
		{"edit an event's detail", func(r *IncidentRecord) { r.Events[1].Detail = "nothing happened" }, true,
			"items[0].events[1]", ChainError{Index: 1, Kind: fsm.ChainEdited}},
		{"edit an event's instant", func(r *IncidentRecord) { r.Events[2].At = r.Events[2].At.Add(-time.Minute) }, true,
			"items[0].events[2]", ChainError{Index: 2, Kind: fsm.ChainEdited}},
		{"delete an event", func(r *IncidentRecord) {
			r.Events = append(r.Events[:3:3], r.Events[4:]...)
			r.EventChain = append(r.EventChain[:3:3], r.EventChain[4:]...)
		}, true, "items[0].events[3]", ChainError{Index: 3, Kind: fsm.ChainReordered}},
		{"swap two events", func(r *IncidentRecord) {
			r.Events[2], r.Events[3] = r.Events[3], r.Events[2]
			r.EventChain[2], r.EventChain[3] = r.EventChain[3], r.EventChain[2]
		}, true, "items[0].events[2]", ChainError{Index: 2, Kind: fsm.ChainReordered}},
		{"truncate the event log", func(r *IncidentRecord) {
			n := len(r.Events) - 2
			r.Events, r.EventChain = r.Events[:n], r.EventChain[:n]
		}, false, "events", ChainError{Kind: fsm.ChainTruncated}},
		{"edit a transition's reason", func(r *IncidentRecord) { r.Machine.History[0].Reason = "called nobody" }, true,
			"items[0].machine.history[0]", ChainError{Index: 0, Kind: fsm.ChainEdited}},
		{"strip the event chain", func(r *IncidentRecord) { r.EventChain = nil }, true,
			"items[0].events[0]", ChainError{Index: 0, Kind: fsm.ChainUnlinked}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			snap := f.mgr.Snapshot()
			tc.tamper(&snap.Items[0])
			err := VerifyIncident(snap.Items[0], &heads)
			var ce *ChainError
			require.ErrorAs(t, err, &ce)
			if tc.want.Kind == fsm.ChainTruncated {
				tc.want.Index = len(snap.Items[0].Events)
				tc.path = "events[" + itoa(tc.want.Index) + "]"
			}
			assert.Equal(t, tc.want, *ce)
			assert.ErrorIs(t, err, ErrSnapshot)
			assert.ErrorIs(t, err, ErrChainBroken)

			_, err = RestoreIncidentManager(snap, WithClock(f.clk), WithChain())
			if !tc.restore {
				assert.NoError(t, err, "a consistent log restores; the head tells")
				return
			}
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.want, *ce)
			assert.ErrorIs(t, err, ErrSnapshot)
			assert.ErrorIs(t, err, ErrChainBroken)
			assert.ErrorContains(t, err, tc.path+": hash chain broken: "+tc.want.Kind.String())
			assert.NotContains(t, err.Error(), "Zhang")
		})
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestRestoreWithChainRequiresChains: given WithChain, a restore refuses
// an incident or an obligation whose chains were stripped; without it,
// the chains a snapshot carries are still verified and continued.
func TestRestoreWithChainRequiresChains(t *testing.T) {
	f := busyIncident(t)
	snap := f.mgr.Snapshot()
	snap.Items[0].Events, snap.Items[0].EventChain = nil, nil
	_, err := RestoreIncidentManager(snap, WithClock(f.clk), WithChain())
	require.ErrorIs(t, err, ErrSnapshot)
	assert.ErrorContains(t, err, "items[0].event_chain: missing")

	snap = f.mgr.Snapshot()
	snap.Items[0].Machine.Chain = nil
	_, err = RestoreIncidentManager(snap, WithClock(f.clk), WithChain())
	require.ErrorIs(t, err, ErrSnapshot)
	assert.ErrorContains(t, err, "items[0].machine.chain: missing")

	r, err := RestoreIncidentManager(f.mgr.Snapshot(), WithClock(f.clk))
	require.NoError(t, err)
	_, ok := r.ChainHeads("INC-1")
	assert.True(t, ok, "the chains a snapshot carries go on")
	snap = f.mgr.Snapshot()
	snap.Items[0].Events[0].Actor = "someone"
	_, err = RestoreIncidentManager(snap, WithClock(f.clk))
	assert.ErrorIs(t, err, ErrChainBroken)
}

func TestChainedObligations(t *testing.T) {
	h := obligationsWithChain(t)
	snap := h.obl.Snapshot()
	require.NotEmpty(t, snap.Items)
	rec := snap.Items[0]
	require.NotEmpty(t, rec.Machine.Chain)
	assert.NoError(t, fsm.VerifyHistory(rec.Machine, nil))

	_, err := RestoreObligations(snap, WithBoard(h.board), WithClock(h.clk), WithChain())
	require.NoError(t, err)
	snap.Items[0].Machine.History[0].Reason = "nobody called"
	_, err = RestoreObligations(snap, WithBoard(h.board), WithClock(h.clk), WithChain())
	var ce *ChainError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, ChainError{Index: 0, Kind: fsm.ChainEdited}, *ce)
	assert.ErrorIs(t, err, ErrSnapshot)
	assert.ErrorContains(t, err, "items[0].machine.history[0]: hash chain broken: edited")
}

// obligationsWithChain returns a chained engine with one obligation
// fulfilled with a reason naming the customer.
func obligationsWithChain(t *testing.T) *oblFixture {
	t.Helper()
	f := oblNewFixture(t, DefaultObligationConfig(), WithChain())
	_, err := f.board.SignalAt(t0, "east", "minor", "queue backlog")
	require.NoError(t, err)
	list := f.obl.List("east")
	require.Len(t, list, 1)
	_, err = f.obl.FulfillAt(t0.Add(time.Hour), list[0].ID, "alice", "called "+secret)
	require.NoError(t, err)
	return f
}

// TestChainedManagerConcurrent works several chained incidents from many
// goroutines while snapshotting: every snapshot's chains verify.
func TestChainedManagerConcurrent(t *testing.T) {
	f := incNewFixture(t, DefaultIncidentConfig(), WithChain())
	for i := range 4 {
		incReport(t, f, Report{ID: fmt.Sprint("INC-", i), Type: CustomerComplaint, Grade: GradeIII})
	}
	at := f.clk.Now()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprint("INC-", w)
			for i := range 20 {
				switch i % 4 {
				case 0:
					_, _ = f.mgr.EscalateAt(at, id, "lead", "busy")
				case 1:
					_, _ = f.mgr.AcknowledgeAt(at, id, "lead")
				case 2:
					_, _ = f.mgr.RegradeAt(at, fmt.Sprint("INC-", (w+1)%4), Grade(1+i%4), "lead", "")
				default:
					for _, rec := range f.mgr.Snapshot().Items {
						if err := VerifyIncident(rec, nil); err != nil {
							t.Errorf("a live snapshot does not verify: %v", err)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, rec := range f.mgr.Snapshot().Items {
		heads, ok := f.mgr.ChainHeads(rec.Report.ID)
		require.True(t, ok)
		assert.NoError(t, VerifyIncident(rec, &heads))
	}
}
