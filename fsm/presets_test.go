package fsm

import (
	"context"
	"testing"
	"time"

	"github.com/benbjohnson/clock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// advance moves the mock clock of m forward by d.
func advance(m *Machine, d time.Duration) { m.clk.(*clock.Mock).Add(d) }

func fireAll(t *testing.T, m *Machine, evs ...Event) {
	t.Helper()
	for _, ev := range evs {
		_, err := m.Fire(context.Background(), ev, By{Actor: "agent"})
		require.NoError(t, err, "event %s", ev)
	}
}

func TestTicketLifecycle(t *testing.T) {
	def := TicketDefinition()
	assert.Same(t, def, TicketDefinition())
	m, err := NewMachine(def, WithClock(mockClock()))
	require.NoError(t, err)
	fireAll(t, m, TicketAssign, TicketStart, TicketWaitCustomer, TicketCustomerReply,
		TicketEscalate, TicketStart, TicketResolve, TicketReopen, TicketStart, TicketResolve,
		TicketClose, TicketReopen, TicketAssign, TicketEscalate, TicketResolve, TicketClose)
	assert.Equal(t, TicketClosed, m.State())
	assert.False(t, m.IsTerminal())
	assert.Equal(t, []Event{TicketReopen}, m.Available())
	assert.Len(t, m.History(), 16)
	_, err = m.Escalate(By{})
	assert.ErrorIs(t, err, ErrNoTiers)
	assert.Zero(t, m.Tier())
}

func TestTicketTransitionsTable(t *testing.T) {
	def := TicketDefinition()
	want := map[State][]Event{
		TicketReceived:          {TicketAssign, TicketBotStart},
		TicketAssigned:          {TicketEscalate, TicketStart},
		TicketInProgress:        {TicketEscalate, TicketResolve, TicketWaitCustomer},
		TicketWaitingOnCustomer: {TicketCustomerReply, TicketEscalate},
		TicketEscalated:         {TicketResolve, TicketStart},
		TicketResolved:          {TicketClose, TicketReopen},
		TicketClosed:            {TicketReopen},
		TicketReopened:          {TicketAssign, TicketStart},
		TicketBotHandling:       {TicketBotResolve, TicketHandOff},
	}
	require.Len(t, def.States(), len(want))
	for st, evs := range want {
		assert.Equal(t, evs, def.EventsFrom(st), "from %s", st)
	}
}

func newComplaint(t *testing.T, limit, amount int64) (*Machine, context.Context) {
	t.Helper()
	def, err := ComplaintDefinition(limit)
	require.NoError(t, err)
	m, err := NewMachine(def, WithClock(mockClock()), WithAmount(amount))
	require.NoError(t, err)
	fireAll(t, m, ComplaintInvestigate)
	return m, context.Background()
}

func verifyAll(t *testing.T, m *Machine) {
	t.Helper()
	for _, it := range []string{ItemCustomerIdentity, ItemOrderInformation, ItemProblemDescription} {
		_, err := m.Mark(ThreeVerifications, it, By{Actor: "ann"})
		require.NoError(t, err)
	}
}

func TestComplaintThreeVerifications(t *testing.T) {
	m, ctx := newComplaint(t, DefaultApprovalLimit, 0)
	_, err := m.Mark(ThreeVerifications, ItemOrderInformation, By{Actor: "ann", Reason: "order #1"})
	require.NoError(t, err)
	_, err = m.Fire(ctx, ComplaintHandle, By{Actor: "ann"})
	require.ErrorIs(t, err, ErrGuardRefused)
	require.ErrorIs(t, err, ErrChecklistIncomplete)
	var ci *ChecklistIncompleteError
	require.ErrorAs(t, err, &ci)
	assert.Equal(t, ThreeVerifications, ci.Checklist)
	assert.Equal(t, []string{ItemCustomerIdentity, ItemProblemDescription}, ci.Missing)
	assert.Equal(t, []string{ItemCustomerIdentity, ItemProblemDescription}, m.Missing(ThreeVerifications))
	assert.Equal(t, ComplaintInvestigating, m.State())

	verifyAll(t, m)
	assert.Nil(t, m.Missing(ThreeVerifications))
	marks := m.Marks()
	require.Len(t, marks, 3)
	assert.Equal(t, Mark{Checklist: ThreeVerifications, Item: ItemOrderInformation, Actor: "ann", Reason: "order #1", At: t0}, marks[0])
	fireAll(t, m, ComplaintHandle, ComplaintFeedBack)

	// Five confirmations before closing.
	_, err = m.Fire(ctx, ComplaintClose, By{})
	require.ErrorAs(t, err, &ci)
	assert.Equal(t, FiveConfirmations, ci.Checklist)
	assert.Equal(t, []string{ItemSolution, ItemProgress, ItemCustomerFeedback, ItemImprovementMeasure, ItemPreventionMechanism}, ci.Missing)
	for _, it := range []string{ItemSolution, ItemProgress, ItemCustomerFeedback, ItemImprovementMeasure} {
		_, err = m.Mark(FiveConfirmations, it, By{Actor: "ann"})
		require.NoError(t, err)
	}
	_, err = m.Fire(ctx, ComplaintClose, By{})
	require.ErrorAs(t, err, &ci)
	assert.Equal(t, []string{ItemPreventionMechanism}, ci.Missing)
	assert.Equal(t, `fsm: guard "checklist five_confirmations" refused event "close" (feeding_back -> closed): fsm: checklist "five_confirmations" incomplete, missing: prevention_mechanism`, err.Error())
	_, err = m.MarkAt(t0.Add(time.Hour), FiveConfirmations, ItemPreventionMechanism, By{Actor: "lead"})
	require.NoError(t, err)
	advance(m, time.Hour) // the clock catches up with the explicit instant
	fireAll(t, m, ComplaintClose)
	assert.True(t, m.IsTerminal())
}

func TestMarkUnknownAndIdempotent(t *testing.T) {
	m, _ := newComplaint(t, DefaultApprovalLimit, 0)
	_, err := m.Mark(ThreeVerifications, "horoscope", By{})
	assert.ErrorIs(t, err, ErrUnknownChecklistItem)
	_, err = m.Mark("nope", ItemSolution, By{})
	assert.ErrorIs(t, err, ErrUnknownChecklistItem)
	_, err = m.Mark(ThreeVerifications, ItemSolution, By{})
	assert.ErrorIs(t, err, ErrUnknownChecklistItem, "item of another checklist")
	first, err := m.MarkAt(t0, ThreeVerifications, ItemCustomerIdentity, By{Actor: "ann"})
	require.NoError(t, err)
	again, err := m.MarkAt(t0.Add(time.Hour), ThreeVerifications, ItemCustomerIdentity, By{Actor: "bob"})
	require.NoError(t, err)
	assert.Equal(t, first, again)
	assert.Len(t, m.Marks(), 1)
	assert.Nil(t, m.Missing("nope"))
}

func TestComplaintApprovalGuard(t *testing.T) {
	tests := []struct {
		name     string
		limit    int64
		amount   int64
		approved bool
	}{
		{"below limit", DefaultApprovalLimit, 4999, false},
		{"at limit", DefaultApprovalLimit, 5000, false},
		{"above limit", DefaultApprovalLimit, 5001, true},
		{"custom limit", 100, 101, true},
		{"zero limit zero amount", 0, 0, false},
		{"negative amount", 0, -10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ctx := newComplaint(t, tt.limit, tt.amount)
			verifyAll(t, m)
			_, err := m.Fire(ctx, ComplaintHandle, By{Actor: "ann"})
			if !tt.approved {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrApprovalRequired)
			var ar *ApprovalRequiredError
			require.ErrorAs(t, err, &ar)
			assert.Equal(t, ApprovalRequiredError{Amount: tt.amount, Limit: tt.limit}, *ar)
			var ge *GuardError
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, "approval", ge.Guard)
			assert.Equal(t, ComplaintInvestigating, m.State())

			_, err = m.Approve("", "x")
			assert.ErrorIs(t, err, ErrInvalidArgument)
			a, err := m.Approve("sup", "checked receipts")
			require.NoError(t, err)
			assert.Equal(t, Approval{Approver: "sup", Amount: tt.amount, Reason: "checked receipts", At: t0}, a)

			// A larger amount is not covered by the earlier approval.
			m.SetAmount(tt.amount + 1)
			_, err = m.Fire(ctx, ComplaintHandle, By{Actor: "ann"})
			require.ErrorIs(t, err, ErrApprovalRequired)
			m.SetAmount(tt.amount)
			_, err = m.Fire(ctx, ComplaintHandle, By{Actor: "ann"})
			require.NoError(t, err)
			got, ok := m.Approval()
			require.True(t, ok)
			assert.Equal(t, a, got)
		})
	}
}

func TestComplaintDefinitionNegativeLimit(t *testing.T) {
	d, err := ComplaintDefinition(-1)
	assert.Nil(t, d)
	assert.ErrorIs(t, err, ErrInvalidDefinition)
	assert.ErrorContains(t, err, "fsm: approval_limit: negative approval limit -1")
}

func TestComplaintTiers(t *testing.T) {
	m, ctx := newComplaint(t, DefaultApprovalLimit, 0)
	assert.Equal(t, TierFrontLine, m.Tier())
	e1, err := m.Escalate(By{Actor: "ann", Reason: "needs senior staff"})
	require.NoError(t, err)
	e2, err := m.EscalateAt(t0.Add(time.Hour), By{Actor: "sam", Reason: "mass complaint"})
	require.NoError(t, err)
	advance(m, time.Hour) // the clock catches up with the explicit instant
	assert.Equal(t, TierSpecialForce, m.Tier())
	_, err = m.Escalate(By{})
	assert.ErrorIs(t, err, ErrTopTier)
	assert.Equal(t, []Escalation{
		{From: 1, To: 2, Actor: "ann", Reason: "needs senior staff", At: t0},
		{From: 2, To: 3, Actor: "sam", Reason: "mass complaint", At: t0.Add(time.Hour)},
	}, m.Escalations())
	assert.Equal(t, []Escalation{e1, e2}, m.Escalations())

	// Terminal complaints do not escalate, transfer or approve.
	verifyAll(t, m)
	fireAll(t, m, ComplaintHandle, ComplaintFeedBack)
	for _, it := range []string{ItemSolution, ItemProgress, ItemCustomerFeedback, ItemImprovementMeasure, ItemPreventionMechanism} {
		_, err = m.Mark(FiveConfirmations, it, By{})
		require.NoError(t, err)
	}
	_, err = m.Assign("ann", By{})
	require.NoError(t, err)
	_, err = m.Fire(ctx, ComplaintClose, By{})
	require.NoError(t, err)
	_, err = m.Transfer("bob", By{})
	assert.ErrorIs(t, err, ErrTerminal)
	_, err = m.Approve("sup", "")
	assert.ErrorIs(t, err, ErrTerminal)
	_, err = m.Assign("bob", By{})
	assert.ErrorIs(t, err, ErrTerminal)
}

func TestTierEscalationTerminal(t *testing.T) {
	d, err := NewDefinition(Spec{Initial: "a", States: []State{"a", "z"}, Terminal: []State{"z"}, MaxTier: 2,
		Transitions: []Transition{{Event: "end", From: []State{"a"}, To: "z"}}})
	require.NoError(t, err)
	m, err := NewMachine(d)
	require.NoError(t, err)
	fireAll(t, m, "end")
	_, err = m.Escalate(By{})
	assert.ErrorIs(t, err, ErrTerminal)
	assert.Equal(t, 1, m.Tier())
}

func TestTransfers(t *testing.T) {
	m, err := NewMachine(TicketDefinition(), WithClock(mockClock()))
	require.NoError(t, err)

	_, err = m.Transfer("bob", By{})
	var te *TransferError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, ErrInvalidTransfer)
	assert.Contains(t, te.Problem, "no current owner")

	_, err = m.Assign("", By{})
	assert.ErrorIs(t, err, ErrInvalidTransfer)
	a, err := m.Assign("ann", By{Actor: "dispatcher", Reason: "round robin"})
	require.NoError(t, err)
	_, err = m.Assign("bob", By{})
	assert.ErrorIs(t, err, ErrAlreadyAssigned)

	for _, to := range []string{"", "ann"} {
		_, err = m.Transfer(to, By{Actor: "ann"})
		require.ErrorAs(t, err, &te, "to %q", to)
		assert.Equal(t, "ann", te.From)
	}
	assert.ErrorContains(t, err, `fsm: transfer from "ann" to "ann" refused: transfer to the current owner`)

	t1, err := m.Transfer("bob", By{Actor: "ann", Reason: "billing expert"})
	require.NoError(t, err)
	assert.Equal(t, "bob", m.Owner())
	assert.Equal(t, "ann", m.FirstResponder())
	t2, err := m.TransferAt(t0.Add(time.Hour), "carol", By{Actor: "bob", Reason: "night shift"})
	require.NoError(t, err)
	// An instant before the latest one recorded is refused; the clock
	// catches up.
	_, err = m.TransferAt(t0, "dan", By{})
	require.ErrorIs(t, err, ErrTimeBackwards)
	advance(m, time.Hour)
	t3, err := m.Transfer("ann", By{Actor: "carol", Reason: "back to first responder"})
	require.NoError(t, err)
	assert.Equal(t, "ann", m.Owner())
	assert.Equal(t, "ann", m.FirstResponder())
	assert.Equal(t, []Transfer{
		{To: "ann", Actor: "dispatcher", Reason: "round robin", At: t0},
		{From: "ann", To: "bob", Actor: "ann", Reason: "billing expert", At: t0},
		{From: "bob", To: "carol", Actor: "bob", Reason: "night shift", At: t0.Add(time.Hour)},
		{From: "carol", To: "ann", Actor: "carol", Reason: "back to first responder", At: t0.Add(time.Hour)},
	}, m.Transfers())
	assert.Equal(t, []Transfer{a, t1, t2, t3}, m.Transfers())
}
