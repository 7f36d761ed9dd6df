package workforce_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/benbjohnson/clock"

	"github.com/sqkit/sqkit/sla"
	"github.com/sqkit/sqkit/sla/workforce"
)

// The fewest agents answering 80 % of calls within 20 seconds: 100 calls
// in half an hour at 3 minutes each are 10 Erlangs; 14 agents on the
// phones do it, and with 30 % shrinkage 20 must be scheduled.
func ExampleFewestAgents() {
	load := workforce.Load{Contacts: 100, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(3 * time.Minute)}
	s, err := workforce.FewestAgents(load, workforce.DefaultTarget())
	if err != nil {
		panic(err)
	}
	p := s.Performance
	fmt.Printf("%.0f Erlangs: %d agents, schedule %d\n", p.Erlangs, s.Agents, s.Required)
	fmt.Printf("wait %.1f%%, %.1f%% within %s, ASA %s, occupancy %.1f%%\n",
		100*p.ProbWait, 100*p.ServiceLevel, p.AnswerWithin, p.ASA.D().Round(time.Second), 100*p.Occupancy)
	// Output:
	// 10 Erlangs: 14 agents, schedule 20
	// wait 17.4%, 88.8% within 20s, ASA 8s, occupancy 71.4%
}

// Evaluate answers the other way round: what a given staffing achieves.
// Erlang A adds callers who hang up: with 12 agents and callers patient for
// two minutes on average, fewer wait, and some leave.
func ExampleEvaluate() {
	load := workforce.Load{Contacts: 100, Interval: sla.Duration(30 * time.Minute), HandleTime: sla.Duration(3 * time.Minute)}
	for _, n := range []int{11, 12, 13} {
		p, err := workforce.Evaluate(n, load, 20*time.Second)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%d agents: %.1f%% within 20s, ASA %s\n", n, 100*p.ServiceLevel, p.ASA.D().Round(time.Second))
	}
	a, err := workforce.ErlangA(12, load, 2*time.Minute)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Erlang A, 12 agents: wait %.1f%%, abandon %.1f%%\n", 100*a.ProbWait, 100*a.ProbAbandon)
	// Output:
	// 11 agents: 39.0% within 20s, ASA 2m3s
	// 12 agents: 64.0% within 20s, ASA 40s
	// 13 agents: 79.6% within 20s, ASA 17s
	// Erlang A, 12 agents: wait 28.0%, abandon 6.2%
}

// The staffing plan gives "agents needed" per interval. The host feeds it,
// with the agents on duty from the dispatcher, to an emergency board whose
// emergency.ShortageRule has Available "agents_on_duty" and Demand
// "agents_needed":
//
//	board.ObserveAt(now, "hotline", "agents_on_duty", float64(h.OnDuty))
//	board.ObserveAt(now, "hotline", "agents_needed", float64(needed))
//
// This package does not import emergency: the two measures are plain numbers.
func ExamplePlan_RequiredAt() {
	start := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	var demand []workforce.Interval
	for i, calls := range []float64{60, 100, 140, 120} {
		s := start.Add(time.Duration(i) * 30 * time.Minute)
		demand = append(demand, workforce.Interval{Start: s, End: s.Add(30 * time.Minute), Contacts: calls})
	}
	target := workforce.DefaultTarget()
	target.Reserve = 0.1 // peak reserve: 10 % more
	plan, err := workforce.NewPlan(demand, 3*time.Minute, target)
	if err != nil {
		panic(err)
	}
	for _, iv := range plan.Intervals {
		fmt.Printf("%s %3.0f calls: %2d on the phones, %2d needed\n", iv.Start.Format("15:04"), iv.Load.Contacts, iv.Agents, iv.Required)
	}
	now := start.Add(75 * time.Minute)
	needed, _ := plan.RequiredAt(now)
	fmt.Println("agents needed at", now.Format("15:04")+":", needed)
	// Output:
	// 09:00  60 calls:  9 on the phones, 15 needed
	// 09:30 100 calls: 14 on the phones, 22 needed
	// 10:00 140 calls: 18 on the phones, 29 needed
	// 10:30 120 calls: 16 on the phones, 26 needed
	// agents needed at 10:15: 29
}

// A roster check: two shifts against the plan, with the gaps.
func ExampleCheckRoster() {
	start := time.Date(2025, 3, 3, 8, 0, 0, 0, time.UTC)
	plan := workforce.Plan{}
	for i, need := range []int{3, 5, 6, 6, 4} {
		s := start.Add(time.Duration(i) * time.Hour)
		plan.Intervals = append(plan.Intervals, workforce.IntervalStaffing{Start: s, End: s.Add(time.Hour),
			Staffing: workforce.Staffing{Required: need}})
	}
	hours := func(from, to string) sla.CalendarSpec {
		w := []sla.CalendarWindow{{Start: from, End: to}}
		return sla.CalendarSpec{Location: "UTC", Week: sla.CalendarWeek{Monday: w, Tuesday: w, Wednesday: w, Thursday: w, Friday: w}}
	}
	roster := workforce.Roster{
		Shifts: map[string]sla.CalendarSpec{"early": hours("08:00", "16:00"), "mid": hours("09:30", "17:30")},
		Lines:  []workforce.RosterLine{{Shift: "early", Agents: 3}, {Shift: "mid", Agents: 2}},
	}
	cov, err := workforce.CheckRoster(plan, roster)
	if err != nil {
		panic(err)
	}
	for _, c := range cov.Intervals {
		fmt.Printf("%s need %d, scheduled %.1f\n", c.Start.Format("15:04"), c.Required, c.Scheduled)
	}
	for _, g := range cov.Gaps {
		fmt.Printf("gap %s-%s: up to %.0f short, %.1f agent-hours\n", g.Start.Format("15:04"), g.End.Format("15:04"), g.MaxShort, g.AgentHours)
	}
	// Output:
	// 08:00 need 3, scheduled 3.0
	// 09:00 need 5, scheduled 4.0
	// 10:00 need 6, scheduled 5.0
	// 11:00 need 6, scheduled 5.0
	// 12:00 need 4, scheduled 5.0
	// gap 09:00-12:00: up to 1 short, 3.0 agent-hours
}

// Routing complaints: the feedback classifier's category arrives as a
// plain attribute, rules turn it into required skills, and the most urgent
// complaint (least SLA time left) goes to the best-skilled, least-loaded
// agent. Each assignment says why, and tells the host which fsm call keeps
// the first responder accountable:
//
//	switch {
//	case a.IsFirst():
//		_, err = m.AssignAt(a.At, a.Agent, fsm.By{Actor: "dispatcher", Reason: a.Reason.String()})
//	case a.IsTransfer():
//		_, err = m.TransferAt(a.At, a.Agent, fsm.By{Actor: "dispatcher", Reason: a.Reason.String()})
//	}
func ExampleDispatcher() {
	cfg := workforce.Config{
		Skills: []string{"complaints", "logistics", "quality"},
		Agents: []workforce.AgentSpec{
			{ID: "li", Team: "tier1", Skills: map[string]int{"complaints": 2, "logistics": 3}, Capacity: 2},
			{ID: "wang", Team: "tier1", Skills: map[string]int{"complaints": 2, "quality": 1}, Capacity: 2},
			{ID: "zhao", Team: "tier2", Skills: map[string]int{"complaints": 4, "quality": 4}, Capacity: 1},
		},
		Rules: []workforce.Rule{
			{ID: "complaint", When: map[string]string{"kind": "complaint"}, Require: []workforce.Requirement{{Skill: "complaints", Level: 2}}},
			{ID: "late-parcel", When: map[string]string{"category": "logistics_delivery"}, Require: []workforce.Requirement{{Skill: "logistics", Level: 2}}},
			{ID: "defect", When: map[string]string{"category": "product_quality"}, Require: []workforce.Requirement{{Skill: "quality", Level: 3}}},
		},
		Strategy: workforce.BestSkill,
		Sticky:   true,
	}
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	due := map[string]time.Time{"C-1": now.Add(20 * time.Hour), "C-2": now.Add(45 * time.Minute), "C-3": now.Add(3 * time.Hour)}
	remaining := func(id string, at time.Time) (time.Duration, bool) {
		d, ok := due[id]
		return d.Sub(at), ok
	}
	d, err := workforce.NewDispatcher(cfg, workforce.WithRemaining(remaining))
	if err != nil {
		panic(err)
	}
	for id, category := range map[string]string{"C-1": "logistics_delivery", "C-2": "product_quality", "C-3": "service_process"} {
		if err := d.AddAt(now, workforce.Item{ID: id, Attributes: map[string]string{"kind": "complaint", "category": category}}); err != nil {
			panic(err)
		}
	}
	for _, a := range d.DispatchAllAt(now, 0) {
		fmt.Printf("%s -> %s (%s)\n", a.Item, a.Agent, a.Reason)
	}
	// The customer of C-2 answers back and the case returns: zhao is still
	// available, so it goes back to him (sticky), no transfer.
	if err := d.RequeueAt(now.Add(time.Hour), workforce.Item{ID: "C-2", Attributes: map[string]string{"kind": "complaint", "category": "product_quality"}}); err != nil {
		panic(err)
	}
	a, err := d.DispatchAt(now.Add(2 * time.Hour))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s -> %s by %s, transfer %v, first responder %s\n", a.Item, a.Agent, a.Reason.Route, a.IsTransfer(), a.FirstResponder)
	// A case nobody may take is a typed result, not a panic.
	_ = d.AddAt(now, workforce.Item{ID: "C-4", Require: []workforce.Requirement{{Skill: "quality", Level: 5}}})
	_, err = d.DispatchAt(now)
	fmt.Println(errors.Is(err, workforce.ErrNobodyAvailable), err)
	// Output:
	// C-2 -> zhao (best_skill: 45m0s of SLA left, priority 0, waited 0s; needs complaints>=2, quality>=3 (rules complaint, defect); score 8, load 0/1)
	// C-3 -> li (best_skill: 3h0m0s of SLA left, priority 0, waited 0s; needs complaints>=2 (rules complaint); score 2, load 0/2)
	// C-1 -> li (best_skill: 20h0m0s of SLA left, priority 0, waited 0s; needs complaints>=2, logistics>=2 (rules complaint, late-parcel); score 5, load 1/2)
	// C-2 -> zhao by sticky, transfer false, first responder zhao
	// true workforce: dispatch: nobody available (1 waiting)
}

// TrackerRemaining connects the dispatcher to SLA clocks: the item id is
// the clock id, and the least remaining time among the listed metrics is
// the item's urgency.
func ExampleTrackerRemaining() {
	now := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	tr := sla.NewTracker(sla.WithClock(clock.NewMock()))
	for id, within := range map[string]time.Duration{"T-1": 30 * time.Minute, "T-2": 10 * time.Minute} {
		spec, err := sla.NewSpec(sla.SpecDef{Metric: sla.FirstResponse, Within: sla.Duration(within), Calendar: "24x7"}, sla.AlwaysOpen())
		if err != nil {
			panic(err)
		}
		if err := tr.StartAt(now, sla.ClockKey{ID: id}, spec, "normal"); err != nil {
			panic(err)
		}
	}
	d, err := workforce.NewDispatcher(workforce.Config{Skills: []string{"general"}, Strategy: workforce.BestSkill,
		Agents: []workforce.AgentSpec{{ID: "ann", Skills: map[string]int{"general": 1}, Capacity: 1}}},
		workforce.WithRemaining(workforce.TrackerRemaining(tr, sla.FirstResponse)))
	if err != nil {
		panic(err)
	}
	_ = d.AddAt(now, workforce.Item{ID: "T-1"})
	_ = d.AddAt(now, workforce.Item{ID: "T-2"})
	a, err := d.DispatchAt(now.Add(4 * time.Minute))
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Item, "to", a.Agent+":", a.Reason.Remaining, "left")
	// Output: T-2 to ann: 6m0s left
}

// The two measures of a resource-shortage rule through a day: agents on
// duty from the dispatcher (present and on shift) and agents needed from
// the staffing plan. The host reports them to its emergency board; here
// they are printed.
func Example_shortageMeasures() {
	hours := func(from, to string) sla.CalendarSpec {
		w := []sla.CalendarWindow{{Start: from, End: to}}
		return sla.CalendarSpec{Location: "Asia/Shanghai", Week: sla.CalendarWeek{Monday: w, Tuesday: w, Wednesday: w, Thursday: w, Friday: w}}
	}
	cfg := workforce.Config{Skills: []string{"general"}, Strategy: workforce.RoundRobin,
		Shifts: map[string]sla.CalendarSpec{"early": hours("08:00", "16:00"), "late": hours("12:00", "20:00")}}
	for i := range 12 {
		shift := "early"
		if i%3 == 0 {
			shift = "late"
		}
		cfg.Agents = append(cfg.Agents, workforce.AgentSpec{ID: fmt.Sprintf("agent%02d", i), Skills: map[string]int{"general": 1}, Capacity: 3, Shift: shift})
	}
	d, err := workforce.NewDispatcher(cfg)
	if err != nil {
		panic(err)
	}
	_ = d.SetPresence("agent01", workforce.Away)

	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(2025, 3, 3, 8, 0, 0, 0, loc)
	var demand []workforce.Interval
	for i, calls := range []float64{40, 90, 120, 100, 60, 30} {
		s := start.Add(time.Duration(i) * 2 * time.Hour)
		demand = append(demand, workforce.Interval{Start: s, End: s.Add(2 * time.Hour), Contacts: calls})
	}
	target := workforce.Target{ServiceLevel: 0.8, AnswerWithin: sla.Duration(20 * time.Second), Shrinkage: 0.25}
	plan, err := workforce.NewPlan(demand, 4*time.Minute, target)
	if err != nil {
		panic(err)
	}
	for _, h := range []int{9, 13, 17} {
		now := time.Date(2025, 3, 3, h, 0, 0, 0, loc)
		needed, _ := plan.RequiredAt(now)
		fmt.Printf("%02d:00 agents_on_duty=%d agents_needed=%d\n", h, d.HeadcountAt(now).OnDuty, needed)
	}
	// Output:
	// 09:00 agents_on_duty=7 agents_needed=4
	// 13:00 agents_on_duty=11 agents_needed=10
	// 17:00 agents_on_duty=4 agents_needed=6
}
