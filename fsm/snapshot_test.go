package fsm

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// busyComplaint returns a complaint machine with every kind of case data.
func busyComplaint(t *testing.T) *Machine {
	t.Helper()
	def, err := ComplaintDefinition(DefaultApprovalLimit)
	require.NoError(t, err)
	clk := mockClock()
	m, err := NewMachine(def, WithClock(clk), WithID("C-42"), WithAmount(8000))
	require.NoError(t, err)
	ctx := context.Background()
	_, err = m.Assign("ann", By{Actor: "dispatcher", Reason: "front line"})
	require.NoError(t, err)
	_, err = m.Fire(ctx, ComplaintInvestigate, By{Actor: "ann"})
	require.NoError(t, err)
	clk.Add(10 * time.Minute)
	for _, it := range []string{ItemCustomerIdentity, ItemOrderInformation, ItemProblemDescription} {
		_, err = m.Mark(ThreeVerifications, it, By{Actor: "ann"})
		require.NoError(t, err)
	}
	_, err = m.Escalate(By{Actor: "ann", Reason: "refund above front-line authority"})
	require.NoError(t, err)
	_, err = m.Transfer("sam", By{Actor: "ann", Reason: "senior staff"})
	require.NoError(t, err)
	_, err = m.Approve("sup", "goodwill refund")
	require.NoError(t, err)
	clk.Add(time.Hour)
	_, err = m.Fire(ctx, ComplaintHandle, By{Actor: "sam", Reason: "refund issued"})
	require.NoError(t, err)
	return m
}

func TestSnapshotRoundTrip(t *testing.T) {
	m := busyComplaint(t)
	snap := m.Snapshot()
	assert.Equal(t, "complaint", snap.Definition)
	assert.Equal(t, "C-42", snap.ID)
	assert.Equal(t, ComplaintHandling, snap.State)
	assert.Equal(t, 2, snap.Tier)
	assert.Equal(t, int64(8000), snap.Amount)
	assert.Equal(t, "sam", snap.Owner)
	assert.Equal(t, "ann", snap.FirstResponder)
	assert.Len(t, snap.History, 2)
	assert.Len(t, snap.Marks, 3)
	assert.Len(t, snap.Transfers, 2)
	assert.Len(t, snap.Escalations, 1)
	require.NotNil(t, snap.Approval)

	// Direct restore.
	r, err := Restore(m.Definition(), snap, WithClock(mockClock()))
	require.NoError(t, err)
	assert.Equal(t, snap, r.Snapshot())

	// Through JSON.
	data, err := json.Marshal(snap)
	require.NoError(t, err)
	var back Snapshot
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, snap, back)
	r2, err := Restore(m.Definition(), back)
	require.NoError(t, err)
	assert.Equal(t, snap, r2.Snapshot())
	data2, err := json.Marshal(r2.Snapshot())
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(data2))
	assert.Equal(t, string(data), string(data2))

	// The restored machine behaves like the original.
	assert.Equal(t, m.Available(), r2.Available())
	_, err = r2.FireAt(context.Background(), t0.Add(2*time.Hour), ComplaintFeedBack, By{Actor: "sam"})
	require.NoError(t, err)
	_, err = r2.FireAt(context.Background(), t0.Add(3*time.Hour), ComplaintClose, By{Actor: "sam"})
	var ci *ChecklistIncompleteError
	require.ErrorAs(t, err, &ci)
	assert.Len(t, ci.Missing, 5)

	// Restore deep-copies: changing the snapshot does not change the machine.
	back.History[0].Actor = "mallory"
	back.Approval.Approver = "mallory"
	assert.Equal(t, "ann", r2.History()[0].Actor)
	a, ok := r2.Approval()
	require.True(t, ok)
	assert.Equal(t, "sup", a.Approver)
}

func TestSnapshotOfNewMachineIsMinimal(t *testing.T) {
	m, err := NewMachine(TicketDefinition(), WithID("T-1"))
	require.NoError(t, err)
	data, err := json.Marshal(m.Snapshot())
	require.NoError(t, err)
	assert.JSONEq(t, `{"definition":"ticket","id":"T-1","state":"received"}`, string(data))
	r, err := Restore(TicketDefinition(), m.Snapshot())
	require.NoError(t, err)
	assert.Equal(t, m.Snapshot(), r.Snapshot())
}

func TestRestoreOptionsOverride(t *testing.T) {
	m := busyComplaint(t)
	clk := mockClock()
	clk.Add(24 * time.Hour)
	r, err := Restore(m.Definition(), m.Snapshot(), WithID("C-43"), WithAmount(1), WithClock(clk))
	require.NoError(t, err)
	assert.Equal(t, "C-43", r.ID())
	assert.Equal(t, int64(1), r.Amount())
	rec, err := r.Fire(context.Background(), ComplaintFeedBack, By{})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(24*time.Hour), rec.At)
}

func TestRestoreRejectsBadSnapshots(t *testing.T) {
	def, err := ComplaintDefinition(DefaultApprovalLimit)
	require.NoError(t, err)
	good := Snapshot{Definition: "complaint", State: ComplaintReceived, Tier: 1}
	_, err = Restore(def, good)
	require.NoError(t, err)
	_, err = Restore(nil, good)
	assert.ErrorIs(t, err, ErrNilDefinition)

	tests := []struct {
		name    string
		mutate  func(*Snapshot)
		unknown bool
		want    []string
	}{
		{"unknown state", func(s *Snapshot) { s.State = "limbo" }, true, []string{`state: unknown state "limbo"`}},
		{"empty state", func(s *Snapshot) { s.State = "" }, true, []string{`state: unknown state ""`}},
		{"other definition", func(s *Snapshot) { s.Definition = "ticket" }, false,
			[]string{`definition: snapshot of definition "ticket", not "complaint"`}},
		{"tier too high", func(s *Snapshot) { s.Tier = 4 }, false, []string{"tier: tier 4 outside 1..3"}},
		{"tier zero", func(s *Snapshot) { s.Tier = 0 }, false, []string{"tier: tier 0 outside 1..3"}},
		{"owner without first responder", func(s *Snapshot) { s.Owner = "x" }, false,
			[]string{`first_responder: owner "x" but no first responder`}},
		// Otherwise a later Assign would replace the accountable first
		// responder.
		{"first responder without owner", func(s *Snapshot) { s.FirstResponder = "ann" }, false,
			[]string{`owner: first responder "ann" but no owner`}},
		{"approval without approver", func(s *Snapshot) { s.Approval = &Approval{Amount: 9000} }, false,
			[]string{`approval.approver: approval of 9000 with no approver`}},
		{"history", func(s *Snapshot) {
			s.History = []Record{{Event: "teleport", From: "nowhere", To: ComplaintClosed}}
		}, true, []string{`history[0].event: unknown event "teleport"`, `history[0].from: unknown state "nowhere"`}},
		{"marks", func(s *Snapshot) { s.Marks = []Mark{{Checklist: ThreeVerifications, Item: "horoscope"}} }, false,
			[]string{`marks[0]: unknown checklist item "three_verifications"/"horoscope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			tt.mutate(&s)
			m, err := Restore(def, s)
			assert.Nil(t, m)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidSnapshot)
			assert.Equal(t, tt.unknown, errorIs(err, ErrUnknownState))
			assert.NotErrorIs(t, err, ErrInvalidDefinition)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), "fsm: "+w)
			}
		})
	}

	// A ticket snapshot has no tiers.
	_, err = Restore(TicketDefinition(), Snapshot{State: TicketReceived, Tier: 1})
	assert.ErrorContains(t, err, "tier 1 but the definition has no tiers")
}
