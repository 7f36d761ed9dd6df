package workforce

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDispatchOrdersByUrgencyPriorityAge(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.Agents = []AgentSpec{{ID: "ann", Skills: map[string]int{"general": 1}, Capacity: 10}}
	d := newTestDispatcher(t, cfg, book)
	book.set("late", t0.Add(30*time.Minute))
	book.set("soon", t0.Add(10*time.Minute))
	book.set("soon-urgent", t0.Add(10*time.Minute))
	book.set("overdue", t0.Add(-5*time.Minute))
	add := func(id string, prio int, created time.Time) {
		require.NoError(t, d.AddAt(t0, Item{ID: id, Priority: prio, Created: created}))
	}
	add("late", 0, t0)
	add("soon", 2, t0)
	add("soon-urgent", 1, t0)
	add("no-sla-old", 3, t0.Add(-time.Hour))
	add("no-sla-new", 3, t0)
	add("no-sla-prio", 0, t0)
	add("overdue", 5, t0)
	var got []string
	for range 7 {
		a, err := d.DispatchAt(t0)
		require.NoError(t, err)
		got = append(got, a.Item)
	}
	assert.Equal(t, []string{"overdue", "soon-urgent", "soon", "late", "no-sla-prio", "no-sla-old", "no-sla-new"}, got)
	_, err := d.DispatchAt(t0)
	require.ErrorIs(t, err, ErrNoWork)
	checkInvariants(t, d)
}

func TestDispatchSkillsRulesAndReason(t *testing.T) {
	book := newDueBook()
	d := newTestDispatcher(t, testConfig(), book)
	book.set("c1", t0.Add(time.Hour))
	// A billing complaint: needs billing>=2; ann (2) and dan (5) qualify,
	// dan scores higher.
	require.NoError(t, d.AddAt(t0, Item{ID: "c1", Priority: 1, Attributes: map[string]string{"category": "billing"}, Created: t0.Add(-5 * time.Minute)}))
	a, err := d.DispatchAt(t0)
	require.NoError(t, err)
	assert.Equal(t, "dan", a.Agent)
	assert.True(t, a.IsFirst())
	assert.False(t, a.IsTransfer())
	assert.Equal(t, "dan", a.FirstResponder)
	assert.Equal(t, Reason{Route: RouteBestSkill, Rules: []string{"billing"}, Require: []Requirement{{Skill: "billing", Level: 2}},
		Score: 5, Load: 0, Capacity: 1, HasSLA: true, Remaining: sla1h, Priority: 1, Waited: sla5m}, a.Reason)
	assert.Equal(t, "best_skill: 1h0m0s of SLA left, priority 1, waited 5m0s; needs billing>=2 (rules billing); score 5, load 0/1", a.Reason.String())

	// dan is full now: the next billing complaint goes to ann.
	require.NoError(t, d.AddAt(t0, Item{ID: "c2", Attributes: map[string]string{"category": "billing"}}))
	a, err = d.DispatchAt(t0)
	require.NoError(t, err)
	assert.Equal(t, "ann", a.Agent)
	assert.False(t, a.Reason.HasSLA)

	// A product complaint by phone: rule "product" sets team backoffice
	// first, so the phone rule's team does not apply. cai is off shift
	// before 09:00.
	early := time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)
	require.NoError(t, d.AddAt(early, Item{ID: "p1", Attributes: map[string]string{"category": "product_quality", "channel": "phone"}}))
	_, err = d.DispatchAt(early)
	var re *RouteError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, ErrNobodyAvailable)
	assert.Equal(t, 1, re.Waiting)
	a, err = d.DispatchAt(time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, "cai", a.Agent)
	assert.Equal(t, "backoffice", a.Reason.Team)
	assert.Equal(t, []string{"product", "phone"}, a.Reason.Rules)
	checkInvariants(t, d)
}

func TestDispatchPassesOverItemsNobodyCanTake(t *testing.T) {
	book := newDueBook()
	d := newTestDispatcher(t, testConfig(), book)
	book.set("senior", t0.Add(time.Minute))
	book.set("plain", t0.Add(time.Hour))
	// The most urgent item needs senior>=2, which nobody has.
	require.NoError(t, d.AddAt(t0, Item{ID: "senior", Require: []Requirement{{Skill: "senior", Level: 2}}}))
	require.NoError(t, d.AddAt(t0, Item{ID: "plain", Attributes: map[string]string{"channel": "phone"}}))
	a, err := d.DispatchAt(t0)
	require.NoError(t, err)
	assert.Equal(t, "plain", a.Item)
	assert.Equal(t, "ann", a.Agent) // hotline, no skill needed: both score 0 and idle; ann first by id
	_, err = d.DispatchAt(t0)
	require.ErrorIs(t, err, ErrNobodyAvailable)
	q, asg := d.Len()
	assert.Equal(t, 1, q)
	assert.Equal(t, 1, asg)
}

func TestBestSkillLeastLoaded(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.Agents = []AgentSpec{
		{ID: "a", Skills: map[string]int{"general": 3}, Capacity: 4},
		{ID: "b", Skills: map[string]int{"general": 3}, Capacity: 2},
		{ID: "c", Skills: map[string]int{"general": 1}, Capacity: 9},
	}
	d := newTestDispatcher(t, cfg, book)
	var got []string
	for i := range 7 {
		id := string(rune('p' + i))
		require.NoError(t, d.AddAt(t0, Item{ID: id, Require: []Requirement{{Skill: "general"}}}))
		a, err := d.DispatchAt(t0)
		require.NoError(t, err)
		got = append(got, a.Agent)
	}
	// a and b (score 3) alternate by relative load until both are full;
	// then c (score 1) takes the rest.
	assert.Equal(t, []string{"a", "b", "a", "b", "a", "a", "c"}, got)
	checkInvariants(t, d)
}

func TestRoundRobinWithinTeam(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.Strategy = RoundRobin
	cfg.Agents = []AgentSpec{
		{ID: "h1", Team: "hotline", Skills: map[string]int{"general": 1}, Capacity: 5},
		{ID: "h2", Team: "hotline", Skills: map[string]int{"general": 5}, Capacity: 5},
		{ID: "h3", Team: "hotline", Skills: map[string]int{"general": 1}, Capacity: 5, Presence: Away},
		{ID: "x1", Team: "backoffice", Skills: map[string]int{"general": 9}, Capacity: 5},
	}
	d := newTestDispatcher(t, cfg, book)
	var got []string
	for i := range 5 {
		id := string(rune('a' + i))
		require.NoError(t, d.AddAt(t0, Item{ID: id, Attributes: map[string]string{"channel": "phone"}}))
		a, err := d.DispatchAt(t0)
		require.NoError(t, err)
		assert.Equal(t, RouteRoundRobin, a.Reason.Route)
		got = append(got, a.Agent)
		if i == 2 {
			require.NoError(t, d.SetPresence("h3", Available))
		}
	}
	assert.Equal(t, []string{"h1", "h2", "h1", "h2", "h3"}, got)
	checkInvariants(t, d)
}

func TestStickyRequeueAndTransfer(t *testing.T) {
	book := newDueBook()
	cfg := testConfig()
	cfg.Sticky = true
	d := newTestDispatcher(t, cfg, book)
	require.NoError(t, d.AddAt(t0, Item{ID: "t1", Attributes: map[string]string{"channel": "phone"}}))
	a, err := d.DispatchAt(t0)
	require.NoError(t, err)
	require.Equal(t, "ann", a.Agent)

	// Waiting on the customer: back to the queue; when it returns, ann
	// gets it again (sticky), although bob is less loaded.
	require.NoError(t, d.AddAt(t0, Item{ID: "t2", Attributes: map[string]string{"channel": "phone"}}))
	_, err = d.DispatchAt(t0) // t2 -> bob (least loaded)
	require.NoError(t, err)
	require.NoError(t, d.RequeueAt(t0.Add(time.Minute), Item{ID: "t1", Attributes: map[string]string{"channel": "phone"}}))
	st, ok := d.Item("t1")
	require.True(t, ok)
	assert.True(t, st.Queued)
	assert.Equal(t, "ann", st.Item.PreviousOwner)
	assert.Equal(t, "ann", st.Item.FirstResponder)
	a, err = d.DispatchAt(t0.Add(2 * time.Minute))
	require.NoError(t, err)
	assert.Equal(t, "ann", a.Agent)
	assert.Equal(t, RouteSticky, a.Reason.Route)
	assert.False(t, a.IsTransfer())
	assert.False(t, a.IsFirst())

	// Escalated: requeued as a billing case needing billing>=3, which only
	// dan has: a transfer from ann, whose first responder stays ann.
	require.NoError(t, d.RequeueAt(t0.Add(3*time.Minute), Item{ID: "t1", Attributes: map[string]string{"category": "billing"}, Require: []Requirement{{Skill: "billing", Level: 3}}}))
	a, err = d.DispatchAt(t0.Add(4 * time.Minute))
	require.NoError(t, err)
	assert.Equal(t, "dan", a.Agent)
	assert.Equal(t, "ann", a.Previous)
	assert.Equal(t, "ann", a.FirstResponder)
	assert.True(t, a.IsTransfer())

	// A supervisor moves it to ann by hand: she lacks billing>=3.
	_, err = d.AssignAt(t0.Add(5*time.Minute), "t1", "ann", "customer asked for her")
	require.ErrorIs(t, err, ErrNotEligible)
	// Reopened later as a new item with its history: sticky to dan.
	_, err = d.Remove("t1")
	require.NoError(t, err)
	require.NoError(t, d.AddAt(t0.Add(time.Hour), Item{ID: "t1", PreviousOwner: "dan", FirstResponder: "ann", Require: []Requirement{{Skill: "billing", Level: 3}}}))
	a, err = d.DispatchAt(t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, "dan", a.Agent)
	assert.Equal(t, RouteSticky, a.Reason.Route)
	assert.Equal(t, "ann", a.FirstResponder)
	checkInvariants(t, d)
}

func TestManualAssignAndCapacity(t *testing.T) {
	book := newDueBook()
	d := newTestDispatcher(t, testConfig(), book)
	require.NoError(t, d.AddAt(t0, Item{ID: "x"}))
	require.NoError(t, d.AddAt(t0, Item{ID: "y"}))
	a, err := d.AssignAt(t0, "x", "dan", "VIP")
	require.NoError(t, err)
	assert.Equal(t, RouteManual, a.Reason.Route)
	assert.Equal(t, "VIP", a.Reason.Note)
	assert.True(t, a.IsFirst())
	_, err = d.AssignAt(t0, "y", "dan", "")
	require.ErrorIs(t, err, ErrOverCapacity)
	var re *RouteError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, "dan", re.Agent)
	assert.Equal(t, "workforce: assign item y agent dan: agent over capacity (load 1 of 1)", err.Error())
	a, err = d.AssignAt(t0, "x", "dan", "")
	require.NoError(t, err)
	assert.False(t, a.IsTransfer())
	a, err = d.AssignAt(t0, "x", "bob", "shift change")
	require.NoError(t, err)
	assert.True(t, a.IsTransfer())
	assert.Equal(t, "dan", a.Previous)
	assert.Equal(t, "dan", a.FirstResponder)
	_, err = d.AssignAt(t0, "nope", "bob", "")
	require.ErrorIs(t, err, ErrUnknownItem)
	_, err = d.AssignAt(t0, "y", "nobody", "")
	require.ErrorIs(t, err, ErrUnknownAgent)
	checkInvariants(t, d)
}

func TestBadInputIsTyped(t *testing.T) {
	book := newDueBook()
	d := newTestDispatcher(t, testConfig(), book)
	err := d.AddAt(t0, Item{ID: "u", Require: []Requirement{{Skill: "tarot"}, {Skill: "billing"}, {Skill: "astrology"}}})
	require.ErrorIs(t, err, ErrUnknownSkill)
	assert.Contains(t, err.Error(), "tarot, astrology")
	require.ErrorIs(t, d.AddAt(t0, Item{}), ErrInvalidInput)
	require.ErrorIs(t, d.AddAt(t0, Item{ID: "l", Require: []Requirement{{Skill: "billing", Level: 11}}}), ErrInvalidInput)
	require.NoError(t, d.AddAt(t0, Item{ID: "a"}))
	require.ErrorIs(t, d.AddAt(t0, Item{ID: "a"}), ErrDuplicateItem)
	require.ErrorIs(t, d.RequeueAt(t0, Item{ID: "a"}), ErrNotAssigned)
	require.ErrorIs(t, d.RequeueAt(t0, Item{ID: "zz"}), ErrUnknownItem)
	_, err = d.Remove("zz")
	require.ErrorIs(t, err, ErrUnknownItem)
	require.ErrorIs(t, d.SetPresence("zz", Away), ErrUnknownAgent)
	require.ErrorIs(t, d.SetPresence("ann", PresenceUnset), ErrInvalidInput)
	_, err = d.NextForAt(t0, "zz")
	require.ErrorIs(t, err, ErrUnknownAgent)
	n, _ := d.Len()
	assert.Equal(t, 1, n)
	checkInvariants(t, d)
}

func TestNextForPull(t *testing.T) {
	book := newDueBook()
	d := newTestDispatcher(t, testConfig(), book)
	book.set("b", t0.Add(time.Minute))
	require.NoError(t, d.AddAt(t0, Item{ID: "a", Attributes: map[string]string{"channel": "phone"}}))
	require.NoError(t, d.AddAt(t0, Item{ID: "b", Attributes: map[string]string{"category": "billing"}}))
	require.NoError(t, d.AddAt(t0, Item{ID: "c", Attributes: map[string]string{"category": "product_quality"}}))
	a, err := d.NextForAt(t0, "bob") // bob: hotline, general only: may take a, not b (billing) or c
	require.NoError(t, err)
	assert.Equal(t, "a", a.Item)
	assert.Equal(t, RoutePull, a.Reason.Route)
	_, err = d.NextForAt(t0, "bob")
	require.ErrorIs(t, err, ErrNoWork)
	a, err = d.NextForAt(t0, "dan")
	require.NoError(t, err)
	assert.Equal(t, "b", a.Item)
	_, err = d.NextForAt(t0, "dan")
	require.ErrorIs(t, err, ErrOverCapacity)
	_, err = d.NextForAt(time.Date(2025, 3, 3, 18, 0, 0, 0, time.UTC), "cai")
	require.ErrorIs(t, err, ErrNobodyAvailable)
	assert.Contains(t, err.Error(), "off shift")
	require.NoError(t, d.SetPresence("ann", Offline))
	_, err = d.NextForAt(t0, "ann")
	require.ErrorIs(t, err, ErrNobodyAvailable)
	checkInvariants(t, d)
}

func TestDispatchAllAndHeadcount(t *testing.T) {
	book := newDueBook()
	d := newTestDispatcher(t, testConfig(), book)
	for i := range 10 {
		require.NoError(t, d.AddAt(t0, Item{ID: string(rune('a' + i))}))
	}
	got := d.DispatchAllAt(t0, 0)
	assert.Len(t, got, 6) // capacities 2+2+1+1
	h := d.HeadcountAt(t0)
	assert.Equal(t, Headcount{OnDuty: 4, Free: 0}, h)
	h = d.HeadcountAt(time.Date(2025, 3, 3, 20, 0, 0, 0, time.UTC))
	assert.Equal(t, Headcount{OnDuty: 3, OffShift: 1}, h)
	_, err := d.Remove(got[0].Item)
	require.NoError(t, err)
	assert.Len(t, d.DispatchAllAt(t0, 1), 1)
	st, ok := d.Agent(t0, "cai")
	require.True(t, ok)
	assert.True(t, st.OnShift)
	assert.Len(t, d.AgentsAt(t0), 4)
	checkInvariants(t, d)
}
