package fsm

import (
	"fmt"
	"sync"
)

// States of the service ticket preset (TicketSpec).
const (
	TicketReceived          State = "received"
	TicketAssigned          State = "assigned"
	TicketInProgress        State = "in_progress"
	TicketWaitingOnCustomer State = "waiting_on_customer"
	TicketEscalated         State = "escalated"
	TicketResolved          State = "resolved"
	TicketClosed            State = "closed"
	TicketReopened          State = "reopened"
	// TicketBotHandling: a bot (a chat or voice assistant) handles the
	// ticket before any person does.
	TicketBotHandling State = "bot_handling"
)

// Events of the service ticket preset (TicketSpec).
const (
	TicketAssign        Event = "assign"         // received, reopened -> assigned
	TicketStart         Event = "start"          // assigned, escalated, reopened -> in_progress
	TicketWaitCustomer  Event = "wait_customer"  // in_progress -> waiting_on_customer
	TicketCustomerReply Event = "customer_reply" // waiting_on_customer -> in_progress
	TicketEscalate      Event = "escalate"       // assigned, in_progress, waiting_on_customer -> escalated
	TicketResolve       Event = "resolve"        // in_progress, escalated -> resolved
	TicketClose         Event = "close"          // resolved -> closed
	TicketReopen        Event = "reopen"         // resolved, closed -> reopened
	TicketBotStart      Event = "bot_start"      // received -> bot_handling
	TicketHandOff       Event = "hand_off"       // bot_handling -> assigned (bot to person)
	TicketBotResolve    Event = "bot_resolve"    // bot_handling -> resolved (contained by the bot)
)

// TicketSpec returns the service ticket lifecycle as a Spec a host may
// adjust before building it: received, assigned, in progress, waiting on
// customer, escalated, resolved, closed, reopened, and bot handling. A
// ticket may be reopened from resolved or closed, so no state is terminal.
//
// A ticket a bot handles first goes from received to bot handling
// (TicketBotStart); the bot either resolves it (TicketBotResolve: the bot
// contained it) or hands it to a person (TicketHandOff, to assigned: fire
// it with FireAssign naming the person, who becomes the first responder).
// Containment counts, from histories, how many bot-handled tickets a
// person had to take over. The bot events come after the others in
// Transitions, so the indexes of the original transitions are unchanged.
//
// Assign a ticket with Machine.FireAssign(ctx, TicketAssign, owner, by),
// which sets the owner and fires the event in one step. The preset does
// not refuse a plain Fire of TicketAssign; to make "assigned with nobody
// assigned" impossible, add RequireOwner to the guards of its first
// transition (TicketAssign) before building the definition.
func TicketSpec() Spec {
	return Spec{
		Name:    "ticket",
		Initial: TicketReceived,
		States: []State{TicketReceived, TicketAssigned, TicketInProgress, TicketWaitingOnCustomer,
			TicketEscalated, TicketResolved, TicketClosed, TicketReopened, TicketBotHandling},
		Transitions: []Transition{
			{Event: TicketAssign, From: []State{TicketReceived, TicketReopened}, To: TicketAssigned},
			{Event: TicketStart, From: []State{TicketAssigned, TicketEscalated, TicketReopened}, To: TicketInProgress},
			{Event: TicketWaitCustomer, From: []State{TicketInProgress}, To: TicketWaitingOnCustomer},
			{Event: TicketCustomerReply, From: []State{TicketWaitingOnCustomer}, To: TicketInProgress},
			{Event: TicketEscalate, From: []State{TicketAssigned, TicketInProgress, TicketWaitingOnCustomer}, To: TicketEscalated},
			{Event: TicketResolve, From: []State{TicketInProgress, TicketEscalated}, To: TicketResolved},
			{Event: TicketClose, From: []State{TicketResolved}, To: TicketClosed},
			{Event: TicketReopen, From: []State{TicketResolved, TicketClosed}, To: TicketReopened},
			{Event: TicketBotStart, From: []State{TicketReceived}, To: TicketBotHandling},
			{Event: TicketHandOff, From: []State{TicketBotHandling}, To: TicketAssigned},
			{Event: TicketBotResolve, From: []State{TicketBotHandling}, To: TicketResolved},
		},
	}
}

var ticketDef = sync.OnceValue(func() *Definition { return MustDefinition(TicketSpec()) })

// TicketDefinition returns the shared definition built from TicketSpec.
// It is built once, on first use; every call returns the same value.
func TicketDefinition() *Definition { return ticketDef() }

// States of the complaint preset (ComplaintSpec): receive, investigate,
// handle, feed back, close.
const (
	ComplaintReceived      State = "received"
	ComplaintInvestigating State = "investigating"
	ComplaintHandling      State = "handling"
	ComplaintFeedingBack   State = "feeding_back"
	ComplaintClosed        State = "closed"
)

// Events of the complaint preset (ComplaintSpec).
const (
	ComplaintInvestigate Event = "investigate" // received -> investigating
	ComplaintHandle      Event = "handle"      // investigating -> handling [three verifications, approval]
	ComplaintFeedBack    Event = "feed_back"   // handling -> feeding_back
	ComplaintRework      Event = "rework"      // feeding_back -> handling (customer not satisfied)
	ComplaintClose       Event = "close"       // feeding_back -> closed [five confirmations]
)

// Handling tiers of the complaint preset; a complaint starts at tier 1 and
// escalates one tier at a time (Machine.Escalate).
const (
	TierFrontLine    = 1 // front-line staff handle the complaint at once
	TierSeniorStaff  = 2 // senior staff
	TierSpecialForce = 3 // a special task force
)

// The "three verifications" checklist, required before a complaint is
// handled.
const (
	ThreeVerifications     = "three_verifications"
	ItemCustomerIdentity   = "customer_identity"
	ItemOrderInformation   = "order_information"
	ItemProblemDescription = "problem_description"
)

// The "five confirmations" checklist, required before a complaint is
// closed.
const (
	FiveConfirmations       = "five_confirmations"
	ItemSolution            = "solution"
	ItemProgress            = "progress"
	ItemCustomerFeedback    = "customer_feedback"
	ItemImprovementMeasure  = "improvement_measure"
	ItemPreventionMechanism = "prevention_mechanism"
)

// DefaultApprovalLimit is the seed approval limit: a complaint whose amount
// is above it needs a supervisor's approval before it is handled; at or
// below it goes straight through.
const DefaultApprovalLimit int64 = 5000

// ComplaintSpec returns the complaint lifecycle as a Spec: received ->
// investigating -> handling -> feeding_back -> closed, with rework from
// feeding back to handling, three handling tiers, the "three
// verifications" checklist and an approval guard (amount above
// approvalLimit) before handling, and the "five confirmations" checklist
// before closing. closed is terminal.
func ComplaintSpec(approvalLimit int64) Spec {
	return Spec{
		Name:    "complaint",
		Initial: ComplaintReceived,
		States: []State{ComplaintReceived, ComplaintInvestigating, ComplaintHandling,
			ComplaintFeedingBack, ComplaintClosed},
		Terminal: []State{ComplaintClosed},
		MaxTier:  TierSpecialForce,
		Checklists: []Checklist{
			{Name: ThreeVerifications, Items: []string{ItemCustomerIdentity, ItemOrderInformation, ItemProblemDescription}},
			{Name: FiveConfirmations, Items: []string{ItemSolution, ItemProgress, ItemCustomerFeedback,
				ItemImprovementMeasure, ItemPreventionMechanism}},
		},
		Transitions: []Transition{
			{Event: ComplaintInvestigate, From: []State{ComplaintReceived}, To: ComplaintInvestigating},
			{Event: ComplaintHandle, From: []State{ComplaintInvestigating}, To: ComplaintHandling,
				Checklists: []string{ThreeVerifications}, Guards: []Guard{RequireApproval(approvalLimit)}},
			{Event: ComplaintFeedBack, From: []State{ComplaintHandling}, To: ComplaintFeedingBack},
			{Event: ComplaintRework, From: []State{ComplaintFeedingBack}, To: ComplaintHandling},
			{Event: ComplaintClose, From: []State{ComplaintFeedingBack}, To: ComplaintClosed,
				Checklists: []string{FiveConfirmations}},
		},
	}
}

// ComplaintDefinition builds ComplaintSpec(approvalLimit). A negative limit
// is refused (ErrInvalidDefinition). Build it once and share it.
func ComplaintDefinition(approvalLimit int64) (*Definition, error) {
	if approvalLimit < 0 {
		return nil, defErr("approval_limit", "negative approval limit %s", fmt.Sprint(approvalLimit))
	}
	return NewDefinition(ComplaintSpec(approvalLimit))
}

// ComplaintSpecWithAuthority returns ComplaintSpec with its approval guard
// replaced by a's authority guard (Authority.Guard): the amount a
// complaint may be handled for is judged by the matrix, per request type
// and urgency (Machine.Request), and an approval counts only when its
// approver's role (Machine.ApproveAs) has the authority for the amount. A
// nil a gives a spec NewDefinition refuses.
func ComplaintSpecWithAuthority(a *Authority) Spec {
	spec := ComplaintSpec(DefaultApprovalLimit)
	g := Guard{Name: "authority"}
	if a != nil {
		g = a.Guard()
	}
	for i := range spec.Transitions {
		if spec.Transitions[i].Event == ComplaintHandle {
			spec.Transitions[i].Guards = []Guard{g}
		}
	}
	return spec
}
