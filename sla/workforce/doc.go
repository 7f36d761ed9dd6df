// Package workforce routes open work to agents by SLA urgency and skills,
// and plans how many agents a desk needs: Erlang C (and A) staffing, demand
// forecasts by day type from a business calendar, and roster checks.
//
// It builds on package sla (calendars and SLA clocks) and nothing else of
// the SDK: the complaint category from the feedback classifier arrives as a
// plain item attribute, the "agents needed" figure leaves as a plain number
// for an emergency.ShortageRule, and the previous owner and first responder
// of an assignment are what the host passes to the fsm package's Transfer.
//
// # Routing
//
// A [Dispatcher] holds open [Item] values and [AgentSpec] agents. Agents
// have skills with levels (1 to [MaxLevel]), a capacity (items worked at
// once), a presence ([Available], [Away], [Offline]) and optionally a shift:
// a named [sla.CalendarSpec] in [Config.Shifts] whose open hours are the
// agent's working hours (DST, holidays and breaks included). An agent takes
// new work when it is Available, on shift and below capacity.
//
// An item's requirements come from [Rule] values: a rule whose When
// attributes all equal the item's (for example {"category":
// "product_quality"}, the classifier's result) adds its required skills and
// levels and may send the item to a team. The item's own Require and Team
// add to or override them. Items with the same requirements form one queue;
// each queue knows its eligible agents.
//
// [Dispatcher.DispatchAt] makes one decision: the most urgent queued item
// that some available agent may take goes to the agent the [Strategy]
// picks. [BestSkill] takes the highest skill score (the sum of the agent's
// levels in the required skills), then the lowest load relative to
// capacity, then the agent whose last assignment is oldest. [RoundRobin]
// takes the next available agent of the item's team, in id order after the
// team's last one. With [Config.Sticky], an item that comes back
// ([Dispatcher.RequeueAt], or a reopened item added with its PreviousOwner)
// goes back to its previous owner first, if that agent is still eligible
// and available. Agents can also pull work ([Dispatcher.NextForAt]) and a
// supervisor can assign by hand ([Dispatcher.AssignAt]).
//
// Every [Assignment] carries its [Reason] (route, matched rules, required
// skills, the agent's score and load, the item's remaining SLA time,
// priority and wait) and the item's Previous owner and FirstResponder. The
// host keeps its fsm machine in step: [Assignment.IsFirst] calls for the
// machine's AssignAt, [Assignment.IsTransfer] for TransferAt with
// Reason.String() as the reason, which records the hand-over while the
// first responder stays accountable.
//
// Bad input never panics: every failure is a *[RouteError] wrapping a
// sentinel ([ErrUnknownSkill], [ErrOverCapacity], [ErrNobodyAvailable],
// [ErrNoWork], [ErrUnknownItem], ...), and the dispatcher is left as it
// was.
//
// # Urgency
//
// Items are ordered by remaining business time (least first), then
// priority (lower number first), then age (oldest first). The remaining
// time comes from a [RemainingFunc] given with [WithRemaining];
// [TrackerRemaining] adapts an *sla.Tracker through Tracker.Clock alone,
// and a host with its own clock store writes the same few lines. Items
// without a running clock come after all items with one.
//
// To decide among 100,000 items without reading 100,000 clocks, the
// dispatcher reads an item's remaining time r when the item is added,
// requeued or refreshed, at instant t, and keys the item by P(t) + r, where
// P is the position of t on the business calendar given with
// [WithBusinessTime] (business time elapsed since a fixed origin; wall-clock
// time without one). For items whose clocks run on that calendar, P(t) + r
// is the same at every later instant, so this order is exactly "least
// remaining business time first" at any time. Clocks that are paused,
// resumed or re-targeted change their remaining time at a different pace:
// call [Dispatcher.RefreshAt] for those items. [Config.UrgencyStep] compares
// remaining times in steps (for example 5 minutes) so that priority decides
// among items due within the same step.
//
// Queued items live in one indexed 4-ary heap per queue; each queue counts
// its ready agents per shift, and each shift caches whether it is open
// until its next opening or closing, so a decision looks at the queue heads
// and at one queue's agents, not at every item and agent. Its cost grows
// with the number of distinct queues, not with the number of items.
//
// # Staffing: Erlang C
//
// With N agents, traffic A = λh Erlangs (λ arrivals per unit of time, h the
// mean handle time; [Load.Erlangs] is Contacts*HandleTime/Interval), the
// Erlang B blocking probability follows from
//
//	1/B(0) = 1,  1/B(k) = 1 + (k/A) · 1/B(k-1),
//
// which needs no factorial and no power, so it stays exact for thousands of
// agents. Erlang C, the probability that a contact waits, is for N > A
//
//	C(N, A) = N·B / (N − A·(1 − B)),
//
// and with it:
//
//	average speed of answer  ASA = C·h / (N − A)
//	service level            SL(T) = 1 − C·exp(−(N − A)·T/h)
//	occupancy                A / N
//
// The service level is the share of all offered contacts answered within
// T, "X/T" (80/20: 80 % within 20 s). Erlang C has no abandonment, so the
// variants that count abandoned contacts differently coincide here. For
// N ≤ A the queue is unstable: [Performance.Stable] is false.
//
// [FewestAgents] returns the fewest agents meeting a [Target] (a service
// level, a maximum ASA, a maximum occupancy, any mix): it starts at
// floor(A)+1 and adds one agent at a time, updating 1/B by one step of the
// recursion, until every goal is met. The headcount to schedule
// ([Staffing.Required]) adds the peak reserve and the shrinkage:
//
//	Required = ceil(N · (1 + Reserve) / (1 − Shrinkage)), at least MinAgents.
//
// [NewPlan] staffs each interval of a forecast; [Plan.RequiredAt] is the
// "agents needed" now, and [Dispatcher.HeadcountAt] gives the agents on
// duty. A host feeds both to an emergency board whose ShortageRule compares
// them (Available "agents_on_duty", Demand "agents_needed"):
//
//	needed, _ := plan.RequiredAt(now)
//	h := dispatcher.HeadcountAt(now)
//	board.ObserveAt(now, "hotline", "agents_on_duty", float64(h.OnDuty))
//	board.ObserveAt(now, "hotline", "agents_needed", float64(needed))
//
// [ErlangA] adds callers who abandon after an exponential patience with
// mean θ⁻¹ (the M/M/N+M model). Relative to the state with all N agents
// busy, the states with fewer busy agents weigh 1/B(N, A) − 1 together, and
// the state with k callers waiting weighs ∏_{i=1..k} A/(N + i·h·θ); from
// these, the probability of waiting, the share abandoning (θ·E[queue]/λ) and
// the mean wait (E[queue]/λ) follow.
//
// # Forecasts
//
// A [Forecaster] forecasts demand per interval of the day (a whole number
// of minutes dividing 24 hours) from daily history ([DayCounts], built from
// timestamped [Observation] values by [Forecaster.Aggregate], in the
// calendar's location by wall-clock time). Each date has a [DayType] taken
// from the calendar's spec: full-day holidays and closing overrides are
// [DayHoliday]; make-up working days (a Saturday the calendar turns into a
// working day) take [ForecastConfig.MakeUpAs], a weekday (Monday unless
// set); every other date, partial holidays included, its weekday.
//
// The forecast of date d of type t, for interval s, is
//
//	F(d, s) = M(s) · g^(c + h)
//
// where M(s) is the mean of interval s over the last N days of type t
// before d (a holiday with no holiday in the history uses
// [ForecastConfig.HolidayFallback], Sunday unless set); without
// [ForecastConfig.Trend] the factor is 1. With it, g = (R/O)^(1/N) is the
// growth per same-type day, R and O the total demand of the last N and of
// the N before them (2N days needed, else no trend), c = (N − 1)/2 moves
// from the middle of the averaged days to the last one, and h counts the
// days of type t from the last averaged day to d (1 for the next one). The
// whole factor is clamped to [1/MaxTrend, MaxTrend] (1.5 by default).
//
// [Forecaster.Backtest] measures the error on held-out days, each forecast
// from the history before it: MAPE = mean |F − A|/A over intervals with
// demand (A ≥ [MinActual]), WAPE = Σ|F − A| / ΣA, the bias Σ(F − A)/ΣA and
// the mean absolute error. [Forecaster.Intervals] turns a day's forecast
// into instants: intervals follow the wall clock, so a spring-forward day
// has fewer and a fall-back day has one longer interval.
//
// # Rosters
//
// A [Roster] lists shifts (calendar specs) and how many agents work each.
// [CheckRoster] computes the agents on duty in every interval of a plan as
// Σ agents · Between(start, end)/(end − start) on each shift's calendar, so
// an agent whose shift covers half an interval counts one half, and reports
// the shortfall per interval and the runs of short intervals as [Gap]
// values. [Config.Roster] gives the roster of a dispatcher's agents.
//
// # Configuration
//
// [Config], [Target], [Load], [ForecastConfig] and [Roster] are plain JSON
// values with snake_case names and durations as Go duration strings
// ("20s"). Each Validate method reports every problem at once, joined, each
// a *[FieldError] with the path of the field ("agents[3].skills.billing",
// "shifts.early.week.monday[0].start"). Enumerations ([Strategy],
// [Presence], [DayType]) have an invalid or "unset" zero value and a
// lower-case text form.
//
// # Concurrency
//
// A [Dispatcher] is safe for concurrent use by any number of goroutines (a
// portal calls it from its request handlers): one mutex guards it, and it
// calls the RemainingFunc without holding it. A [Forecaster] is immutable
// and safe for concurrent use. The functions ([ErlangB], [ErlangC],
// [Evaluate], [ErlangA], [FewestAgents], [NewPlan], [CheckRoster]) are pure.
// The value types ([Config], [Plan], [Coverage], [Assignment], ...) are
// plain data: safe to read from several goroutines, not to modify while
// others read them.
//
// # Time
//
// Nothing here reads the time by itself: every operation that depends on
// "now" has an ...At form taking the instant first, and the forms without
// it read the clock given with [WithClock] (default clock.New()). The
// dispatcher's state is saved with [Dispatcher.Snapshot] as a plain,
// versioned JSON value and loaded with [Dispatcher.RestoreAt], which checks
// it as the live operations would.
package workforce
