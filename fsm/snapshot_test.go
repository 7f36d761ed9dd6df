package fsm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
	r, err := Restore(snap, WithDefinition(m.Definition()), WithClock(mockClock()))
	require.NoError(t, err)
	assert.Equal(t, snap, r.Snapshot())

	// Through JSON.
	data, err := json.Marshal(snap)
	require.NoError(t, err)
	var back Snapshot
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, snap, back)
	r2, err := Restore(back, WithDefinition(m.Definition()))
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
	assert.JSONEq(t, `{"version":1,"definition":"ticket","id":"T-1","state":"received"}`, string(data))
	r, err := Restore(m.Snapshot(), WithDefinition(TicketDefinition()))
	require.NoError(t, err)
	assert.Equal(t, m.Snapshot(), r.Snapshot())
}

func TestRestoreOptionsOverride(t *testing.T) {
	m := busyComplaint(t)
	clk := mockClock()
	clk.Add(24 * time.Hour)
	r, err := Restore(m.Snapshot(), WithDefinition(m.Definition()), WithID("C-43"), WithAmount(1), WithClock(clk))
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
	good := Snapshot{Version: SnapshotVersion, Definition: "complaint", State: ComplaintReceived, Tier: 1}
	_, err = Restore(good, WithDefinition(def))
	require.NoError(t, err)
	_, err = Restore(good, WithDefinition(nil))
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
			m, err := Restore(s, WithDefinition(def))
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
	_, err = Restore(Snapshot{Version: SnapshotVersion, State: TicketReceived, Tier: 1}, WithDefinition(TicketDefinition()))
	assert.ErrorContains(t, err, "tier 1 but the definition has no tiers")
}

// The golden file pins the snapshot format: a change to it must be a
// deliberate one (with a new SnapshotVersion).
func TestSnapshotGolden(t *testing.T) {
	m := busyComplaint(t)
	raw, _ := goldenRoundTrip(t, "snapshot.golden.json", m)
	var snap Snapshot

	// Another version is refused, naming it.
	other := strings.Replace(string(raw), `"version": 1,`, `"version": 3,`, 1)
	require.NotEqual(t, string(raw), other)
	require.NoError(t, json.Unmarshal([]byte(other), &snap))
	_, err := Restore(snap, WithDefinition(m.Definition()))
	require.ErrorIs(t, err, ErrInvalidSnapshot)
	assert.EqualError(t, err, "fsm: version: snapshot version 3, this package reads versions 1 and 2")
}

func TestRestoreNeedsDefinition(t *testing.T) {
	snap := busyComplaint(t).Snapshot()
	for _, opts := range [][]Option{nil, {WithClock(mockClock())}, {WithDefinition(nil)}} {
		m, err := Restore(snap, opts...)
		assert.Nil(t, m)
		require.ErrorIs(t, err, ErrNilDefinition)
		assert.ErrorContains(t, err, "WithDefinition")
	}
	_, err := NewMachine(TicketDefinition(), WithDefinition(busyComplaint(t).Definition()))
	require.ErrorIs(t, err, ErrInvalidArgument)
	_, err = NewMachine(TicketDefinition(), WithDefinition(TicketDefinition()))
	require.NoError(t, err)
}

// goldenRoundTrip pins m's snapshot in testdata/name, restores the file
// and checks that the restored machine snapshots to the same bytes; it
// returns the file and the restored machine.
func goldenRoundTrip(t *testing.T, name string, m *Machine) ([]byte, *Machine) {
	t.Helper()
	data, err := json.MarshalIndent(m.Snapshot(), "", "  ")
	require.NoError(t, err)
	golden(t, name, string(data)+"\n")
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var snap Snapshot
	require.NoError(t, json.Unmarshal(raw, &snap))
	r, err := Restore(snap, WithDefinition(m.Definition()))
	require.NoError(t, err)
	again, err := json.MarshalIndent(r.Snapshot(), "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(again)+"\n")
	return raw, r
}

// Each of these snapshots records what the machine's own operations
// refuse; Restore refuses them too.
func TestRestoreRefusesWhatLiveRefuses(t *testing.T) {
	busy := busyComplaint(t)
	def := busy.Definition()
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	tests := []struct {
		name      string
		mutate    func(*Snapshot)
		want      string
		backwards bool
	}{
		{"history not from the initial state", func(s *Snapshot) {
			s.History[0].From, s.History[0].To = ComplaintInvestigating, ComplaintHandling
			s.History[0].Event = ComplaintHandle
		}, `history[0].from: "investigating", but the machine was in "received"`, false},
		{"history broken chain", func(s *Snapshot) { s.History[1].From = ComplaintReceived },
			`history[1].from: "received", but the machine was in "investigating"`, false},
		{"transition the definition does not have", func(s *Snapshot) { s.History[1].Event = ComplaintClose },
			`history[1]: the definition has no transition "close" from "investigating" to "handling"`, false},
		{"history ends elsewhere", func(s *Snapshot) { s.State = ComplaintFeedingBack },
			`state: "feeding_back", but the history ends in "handling"`, false},
		{"no history, not initial", func(s *Snapshot) {
			s.History = nil
		}, `state: "handling", but a machine with no history is in the initial state "received"`, false},
		{"history out of time order", func(s *Snapshot) { s.History[1].At = at(-1) },
			`history[1].at: 2026-03-02 08:59:00 +0000 UTC is before the previous record's 2026-03-02 09:00:00 +0000 UTC`, true},
		{"zero instant", func(s *Snapshot) { s.History[0].At = time.Time{} }, `history[0].at: zero instant`, false},
		{"item marked twice", func(s *Snapshot) { s.Marks[2].Item = s.Marks[0].Item },
			`marks[2]: item "three_verifications"/"customer_identity" marked twice (also marks[0])`, false},
		{"marks out of time order", func(s *Snapshot) { s.Marks[0].At = at(11) }, `marks[1].at:`, true},
		{"first transfer not an assignment", func(s *Snapshot) { s.Transfers[0].From = "zed" },
			`transfers[0].from: "zed", but the first transfer assigns the first owner`, false},
		{"transfer from someone else", func(s *Snapshot) { s.Transfers[1].From = "zed" },
			`transfers[1].from: "zed", but the owner was "ann"`, false},
		{"transfer to the owner", func(s *Snapshot) { s.Transfers[1].To = "ann"; s.Owner = "ann" },
			`transfers[1].to: transfer to the current owner "ann"`, false},
		{"transfer to nobody", func(s *Snapshot) { s.Transfers[1].To = "" }, `transfers[1].to: transfer to nobody`, false},
		{"owner not the last transferee", func(s *Snapshot) { s.Owner = "zed" },
			`owner: "zed", but the transfers leave the machine with "sam"`, false},
		{"first responder not the first owner", func(s *Snapshot) { s.FirstResponder = "sam" },
			`transfers[0].to: "ann", but the first responder is "sam"`, false},
		{"owner without any transfer", func(s *Snapshot) { s.Transfers = nil },
			`owner: "sam", but the transfers leave the machine with ""`, false},
		{"escalation skipping a tier", func(s *Snapshot) { s.Escalations[0].To = 3; s.Tier = 3 },
			`escalations[0]: from tier 1 to 3, but the machine was at tier 1 of 3 and escalates one tier at a time`, false},
		{"tier not reached by escalations", func(s *Snapshot) { s.Tier = 3 },
			`tier: tier 3, but the escalations leave the machine at tier 2`, false},
		{"escalation out of time order", func(s *Snapshot) {
			s.Escalations = append(s.Escalations, Escalation{From: 2, To: 3, At: at(1)})
			s.Tier = 3
		}, `escalations[1].at:`, true},
		{"approval at the zero instant", func(s *Snapshot) { s.Approval.At = time.Time{} }, `approval.at: zero instant`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := busy.Snapshot()
			tt.mutate(&snap)
			m, err := Restore(snap, WithDefinition(def))
			assert.Nil(t, m)
			require.ErrorIs(t, err, ErrInvalidSnapshot)
			assert.ErrorContains(t, err, "fsm: "+tt.want)
			assert.Equal(t, tt.backwards, errorIs(err, ErrTimeBackwards), "matches ErrTimeBackwards")
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
		})
	}

	// A ticket definition has no tiers, so no escalations either.
	tk := Snapshot{Version: SnapshotVersion, State: TicketReceived,
		Escalations: []Escalation{{From: 1, To: 2, At: t0}}}
	_, err := Restore(tk, WithDefinition(TicketDefinition()))
	assert.ErrorContains(t, err, "fsm: escalations: 1 escalations but the definition has no tiers")
}

func TestRestoreRefusesRecordsAfterTerminal(t *testing.T) {
	d, err := NewDefinition(Spec{Initial: "a", States: []State{"a", "z"}, Terminal: []State{"z"}, MaxTier: 2,
		Transitions: []Transition{{Event: "end", From: []State{"a"}, To: "z"}}})
	require.NoError(t, err)
	m, err := NewMachine(d, WithClock(mockClock()))
	require.NoError(t, err)
	_, err = m.Assign("ann", By{})
	require.NoError(t, err)
	_, err = m.FireAt(context.Background(), t0.Add(time.Hour), "end", By{})
	require.NoError(t, err)
	_, err = m.TransferAt(t0.Add(2*time.Hour), "bob", By{})
	require.ErrorIs(t, err, ErrTerminal)

	snap := m.Snapshot()
	_, err = Restore(snap, WithDefinition(d))
	require.NoError(t, err)
	snap.Transfers = append(snap.Transfers, Transfer{From: "ann", To: "bob", At: t0.Add(2 * time.Hour)})
	snap.Owner = "bob"
	snap.Escalations = []Escalation{{From: 1, To: 2, At: t0.Add(3 * time.Hour)}}
	snap.Tier = 2
	snap.Approval = &Approval{Approver: "sup", At: t0.Add(4 * time.Hour)}
	_, err = Restore(snap, WithDefinition(d))
	require.ErrorIs(t, err, ErrInvalidSnapshot)
	for _, p := range []string{"transfers[1].at", "escalations[0].at", "approval.at"} {
		assert.ErrorContains(t, err, "fsm: "+p+": ")
	}
	assert.ErrorContains(t, err, `after the machine reached terminal state "z" at 2026-03-02 10:00:00 +0000 UTC`)
}

func TestRestoredMachineKeepsTimeOrder(t *testing.T) {
	m := busyComplaint(t)
	last := m.LastRecorded()
	assert.Equal(t, t0.Add(70*time.Minute), last)
	r, err := Restore(m.Snapshot(), WithDefinition(m.Definition()), WithClock(mockClock()))
	require.NoError(t, err)
	assert.Equal(t, last, r.LastRecorded())
	// The restored clock reads t0, before the latest record.
	_, err = r.Fire(context.Background(), ComplaintFeedBack, By{})
	require.ErrorIs(t, err, ErrTimeBackwards)
	_, err = r.FireAt(context.Background(), last, ComplaintFeedBack, By{})
	require.NoError(t, err)
}

// busyAuthorityComplaint is an urgent refund approved by a supervisor,
// raised, and approved again by a manager.
func busyAuthorityComplaint(t *testing.T) *Machine {
	t.Helper()
	m := complaintWith(t, deskAuthority(t), 4000, Request{Type: "refund", Urgency: "urgent"})
	_, err := m.ApproveAsAt(t0.Add(5*time.Minute), "sam", RoleSupervisor, "goodwill")
	require.NoError(t, err)
	m.SetAmount(9000)
	_, err = m.ApproveAsAt(t0.Add(20*time.Minute), "meg", RoleManager, "second repair failed")
	require.NoError(t, err)
	_, err = m.FireAt(context.Background(), t0.Add(30*time.Minute), ComplaintHandle, By{Actor: "ann"})
	require.NoError(t, err)
	return m
}

func TestSnapshotV2Golden(t *testing.T) {
	m := busyAuthorityComplaint(t)
	snap := m.Snapshot()
	assert.Equal(t, SnapshotVersion, snap.Version)
	assert.Equal(t, Request{Type: "refund", Urgency: "urgent"}, snap.Request)
	require.Len(t, snap.ReplacedApprovals, 1)
	assert.Equal(t, RoleManager, snap.Approval.Role)
	data, err := json.MarshalIndent(snap, "", "  ")
	require.NoError(t, err)
	golden(t, "snapshot_v2.golden.json", string(data)+"\n")

	raw, err := os.ReadFile(filepath.Join("testdata", "snapshot_v2.golden.json"))
	require.NoError(t, err)
	var back Snapshot
	require.NoError(t, json.Unmarshal(raw, &back))
	r, err := Restore(back, WithDefinition(m.Definition()))
	require.NoError(t, err)
	again, err := json.MarshalIndent(r.Snapshot(), "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(again)+"\n")
	assert.Equal(t, m.Approvals(), r.Approvals())
	assert.Equal(t, m.Request(), r.Request())
	assert.Equal(t, m.LastRecorded(), r.LastRecorded())

	// A version 1 reader's refusal: version 1 cannot carry any of it.
	v1 := strings.Replace(string(raw), `"version": 2,`, `"version": 1,`, 1)
	require.NoError(t, json.Unmarshal([]byte(v1), &back))
	_, err = Restore(back, WithDefinition(m.Definition()))
	require.ErrorIs(t, err, ErrInvalidSnapshot)
	for _, p := range []string{"request", "replaced_approvals", "approval.role"} {
		assert.ErrorContains(t, err, "fsm: "+p+": a version 1 snapshot carries no ")
	}
}

// A machine without what version 2 added snapshots as version 1, whatever
// version it was restored from.
func TestSnapshotWritesTheFirstVersionThatHoldsIt(t *testing.T) {
	snap := busyComplaint(t).Snapshot()
	assert.Equal(t, SnapshotVersion1, snap.Version)
	snap.Version = SnapshotVersion
	r, err := Restore(snap, WithDefinition(busyComplaint(t).Definition()))
	require.NoError(t, err)
	assert.Equal(t, SnapshotVersion1, r.Snapshot().Version)
	r.SetRequest(Request{Urgency: "urgent"})
	assert.Equal(t, SnapshotVersion, r.Snapshot().Version)
}

func TestRestoreRefusesBadApprovals(t *testing.T) {
	busy := busyAuthorityComplaint(t)
	tests := []struct {
		name      string
		mutate    func(*Snapshot)
		want      string
		backwards bool
	}{
		{"replaced approvals without a current one", func(s *Snapshot) { s.Approval = nil },
			"approval: 1 replaced approvals but no current one", false},
		{"replaced approval without approver", func(s *Snapshot) { s.ReplacedApprovals[0].Approver = "" },
			"replaced_approvals[0].approver: approval of 4000 with no approver", false},
		{"current before replaced", func(s *Snapshot) { s.Approval.At = t0.Add(time.Minute) }, "approval.at:", true},
		{"replaced at the zero instant", func(s *Snapshot) { s.ReplacedApprovals[0].At = time.Time{} },
			"replaced_approvals[0].at: zero instant", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := busy.Snapshot()
			tt.mutate(&snap)
			_, err := Restore(snap, WithDefinition(busy.Definition()))
			require.ErrorIs(t, err, ErrInvalidSnapshot)
			assert.ErrorContains(t, err, "fsm: "+tt.want)
			assert.Equal(t, tt.backwards, errorIs(err, ErrTimeBackwards))
		})
	}

	// Approvals after a terminal state, replaced ones too.
	d, err := NewDefinition(Spec{Initial: "a", States: []State{"a", "z"}, Terminal: []State{"z"},
		Transitions: []Transition{{Event: "end", From: []State{"a"}, To: "z"}}})
	require.NoError(t, err)
	m, err := NewMachine(d)
	require.NoError(t, err)
	_, err = m.FireAt(context.Background(), t0, "end", By{})
	require.NoError(t, err)
	snap := m.Snapshot()
	snap.Version = SnapshotVersion
	snap.ReplacedApprovals = []Approval{{Approver: "x", At: t0.Add(time.Hour)}}
	snap.Approval = &Approval{Approver: "y", At: t0.Add(2 * time.Hour)}
	_, err = Restore(snap, WithDefinition(d))
	assert.ErrorContains(t, err, "fsm: replaced_approvals[0].at: ")
	assert.ErrorContains(t, err, "fsm: approval.at: ")
}
