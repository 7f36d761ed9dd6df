// Package feedback turns survey answers and service records into
// service-quality metrics with honest uncertainty, classifies complaint text
// into root causes, runs the closed loop of rectification items and return
// visits on the host's timeline, and runs PDCA (plan–do–check–act)
// improvement cycles whose checks are judged against those metrics.
//
// # Metrics
//
// An [Aggregator] counts [Response] values (CSAT, NPS and CES survey
// answers) and [Record] values (contacts and tickets) into calendar windows
// and reports every [Metric] per window as a [Figure]: the value, its
// interval, the sample size and whether the sample is too small to act on.
// The definitions are exact (see [Metric] for all of them):
//
//   - CSAT %: share of 1–5 answers that are 4 or 5.
//   - NPS: % promoters (9–10) minus % detractors (0–6) on 0–10 answers, in
//     points; standard error √((p + d − (p − d)²)/n) and interval NPS ± z·SE
//     (see [NPS]).
//   - CES: the mean answer on the declared scale ([Config].CESMin/CESMax,
//     default 1–7).
//   - FCR: resolved on first contact over records whose FCR is known.
//   - AHT, ASA, cycle time: means in seconds (handling time; first-response
//     time of answered contacts; open-to-close time).
//   - Service level X/T, two variants, both always reported:
//     service_level = answered within T / offered (abandons count against);
//     service_level_answered = answered within T / answered (abandons
//     removed). T is [Config].ServiceLevelThreshold, default 20 s.
//   - Abandonment: abandoned / offered.
//   - Complaint rate: complaints per 1,000 orders ([Aggregator.AddOrders]).
//   - Compliance: compliant / records whose compliance is known.
//
// Every proportion carries its Wilson score interval ([Wilson]), every mean
// a normal interval on its standard error, every figure its N; a figure with
// N below [Config].MinSamples (default 30) has Insufficient set and says
// "too few samples" when printed.
//
// Windows ([Window], [WindowOf]) are days, ISO weeks, months, quarters or
// years in a *time.Location, cut at local midnights with time.Date, so
// daylight-saving days last 23 or 25 hours (and a day whose midnight is
// skipped starts at the change). The Aggregator keeps only [Counters] per
// window (integers and Welford moments), never the records, and caches the
// bounds of the last window as Unix seconds, so an in-order stream pays for
// calendar arithmetic once per window, not once per record. Counters merge
// exactly ([Counters.Merge]), so shards can count in parallel; the counts
// of all windows together stay within an int64 ([Aggregator.AddOrders]
// refuses more), so [Aggregator.Total] never overflows.
//
// Bad input is an error, never a panic: a score out of range or not an
// integer where the survey requires one, NaN or infinite scores, negative
// durations, unknown flags and zero times are rejected with a
// *[RecordError] that names the record by ID and, in batches, by index
// ([ErrInvalidRecord]). Batches are all or nothing.
//
//	agg, _ := feedback.NewAggregator(feedback.Day, loc, feedback.Config{})
//	err := agg.AddResponse(feedback.Response{ID: id, At: at, Kind: feedback.SurveyNPS, Score: 9})
//	for _, r := range agg.Reports() {
//		fmt.Println(r.Window, r.NPS) // e.g. "2026-03-14 nps 20.0 [8.7, 31.3] n=200"
//	}
//
// # Classification
//
// A [Classifier] maps complaint text to root-cause categories with keyword
// [Rule] values: a rule matches when one of its keywords occurs and none of
// its exclusions does. [SeedRuleSet] provides product quality, logistics
// and delivery, and service process rules in Chinese and English; add your
// own categories and rules. Matching is by substring, so Chinese needs no
// word splitting, and case-insensitive; all keywords are compiled once into
// one automaton, so classifying costs one pass over the text whatever the
// number of keywords. [CategoryTally] counts classified complaints per
// category per window, and [CategoryTally.TopMovers] lists the categories
// that moved most against the previous window.
//
// # Closed loop
//
// A rectification item ([Rectification]) is a corrective action raised from
// feedback: its [Source] (a complaint, a survey answer, a return visit), a
// root-cause category, an owner, [CorrectiveAction] steps, and a deadline on
// an SLA clock. [Rectifications] holds the items. Each runs the lifecycle
// of [RectificationSpec] on an fsm.Machine — open, in progress, done,
// verified, customer informed, closed — in which closed is reachable only
// from customer informed and that only from verified, so an item cannot
// close before it was verified and the customer informed (a
// *[RectificationError] matching [ErrInvalidTransition] and
// fsm.ErrNotAllowed). A failed [Verification] sends it back to in progress;
// completing it again needs a new action ([ErrActionsIncomplete]). The
// deadline ([RectificationConfig], per category, default
// [DefaultRectificationDeadline]: 72 h with warnings and a reminder) runs
// while the work is open or in progress and pauses while it waits for
// verification.
//
// [ReturnVisits] gives a resolved complaint ([ResolvedComplaint]) a
// [ReturnVisit] due within 48 hours ([ReturnVisitConfig].Within, on any
// calendar), on the lifecycle of [ReturnVisitSpec] and an SLA clock;
// [ReturnVisits.ScheduleHook] does it from an fsm hook when a complaint or
// ticket resolves. A high-risk complaint (flagged, or in a configured
// category) gets a human follow-up with an assignee, and an automated
// outcome for it is refused ([ErrHumanFollowUpRequired]). The
// [VisitOutcome] records the mode, who made it, the satisfaction (1–5) and
// whether the problem recurred; [ReturnVisit.Verification] turns it into
// the verification of the rectification item it checks,
// [ReturnVisit.Response] into a CSAT response for an [Aggregator].
//
// Both engines are thin domain layers on sqkit's case engine: items keyed
// by id, a lifecycle machine each, the item's SLA clock in the record of
// its id under the engine's namespace ([RectificationsNamespace],
// [ReturnVisitsNamespace]; [WithNamespace] changes it) on one sla.Tracker.
// Warnings, breaches (the item is overdue), reminders and met reach the
// engine's OnEvent handlers as [RectificationEvent] and [ReturnVisitEvent]
// values ([CaseEvent]: a stable id for deduplication and the event's own
// instant).
//
// # One timeline
//
// A host has one timeline, an *sla.Tracker. Give it to every engine with
// [WithTracker]: each schedules under its own namespace, the same id in two
// namespaces never collides, and one tracker.AdvanceTo (or Run) delivers
// every engine's events in deadline order. An engine given no tracker
// makes a private one, which its own AdvanceTo, Advance and Run drive.
//
//	tr := sla.NewTracker(sla.WithClock(clk))
//	rs, _ := feedback.NewRectifications(feedback.RectificationConfig{}, feedback.WithTracker(tr), feedback.WithClock(clk))
//	rv, _ := feedback.NewReturnVisits(feedback.ReturnVisitConfig{}, feedback.WithTracker(tr), feedback.WithClock(clk))
//	tr.AdvanceTo(now) // both engines' deadlines, in order
//
// # Time
//
// Every operation that depends on "now" reads the clock given with
// [WithClock] (default clock.New()) and has an ...At form that takes the
// instant explicitly, first: OpenAt(at, in), VerifyAt(at, id, v),
// RecordAt(at, id, o), [Book.UpdateActionAt] and the [Cycle]
// methods. An instant before the last change recorded on an item, a visit
// or a cycle is refused with an error matching [ErrTimeBackwards] (the
// sentinel every sqkit package shares), and nothing changes. A deadline
// reached at t is overdue from t: [Rectification.OverdueAt],
// [ReturnVisit.OverdueAt] and [Action.Overdue] all agree. Instants returned
// for an item on a calendar (Due, the history, event instants) are in that
// calendar's location: UTC for the default 24x7 calendar.
//
// # PDCA
//
// A [Cycle] records a plan ([Plan]: problem, cause category, target metric
// with its measured baseline and a target value, and [Action] items with
// owners and deadlines), the progress of the actions (Do), checks (Check:
// the metric measured over a window after the change, judged [Met],
// [NotMet] or [Inconclusive] — inconclusive on too few samples, or when the
// target is reached but the interval still includes the baseline) and the
// decision (Act: [Cycle.Standardise] records the change as standard
// practice; [Cycle.StartNext] opens the next cycle linked to this one).
// Operations out of order return a *[TransitionError] wrapping
// [ErrInvalidTransition]. A [Book] holds cycles, safe for concurrent use.
// [NewReview] builds monthly, quarterly or annual reviews — cycles opened,
// closed, checked, targets met, decisions, overdue actions and the trend of
// the targeted metrics — as plain values ready to print or serialise.
//
// # Persistence
//
// Every stateful type snapshots to a plain, versioned, JSON value and is
// rebuilt by RestoreX(snapshot, options...): [RestoreAggregator],
// [RestoreCategoryTally], [RestoreBook], [RestoreRectifications],
// [RestoreReturnVisits]. The rule of this package: configuration that is
// plain JSON ([Config], [RectificationConfig], [ReturnVisitConfig], the
// granularity and the location's name) travels inside the snapshot; what
// cannot be serialised travels as an [Option], the same the constructor
// takes: the clock ([WithClock]), the host's timeline ([WithTracker]), the
// namespace ([WithNamespace]), the calendars deadlines name
// ([WithCalendars]) and a location that cannot be loaded by name
// ([WithLocation]). On a private timeline an engine's snapshot carries it;
// on the host's timeline it does not: the host saves the tracker once,
// restores it first with sla.RestoreTracker and then each engine with
// WithTracker.
//
// A snapshot is untrusted input: a restore refuses what the live
// operations would refuse, reports every problem at once (errors.Join of
// *[FieldError], matching [ErrInvalidConfig]) and names any other format
// version. Golden files in testdata pin every format.
//
// # Concurrency
//
// [Aggregator], [CategoryTally], [Book], [Rectifications] and
// [ReturnVisits] are safe for concurrent use. A [Classifier] is immutable
// once built and safe for concurrent use. [Cycle], [Counters], [Moments]
// and every report type are plain values, not safe for concurrent mutation.
// Only the engines call user code (event handlers, and the functions given
// to [ReturnVisits.ScheduleHook]), always with no lock held.
//
// # Performance
//
// Each benchmark runs the baseline a user would otherwise write in the same
// run; the measured figures and full run logs are in the repository's
// BENCHMARKS.md.
//
//	benchmark                    baseline                             headline
//	BenchmarkAggregate           time.Date per response               3–5x faster; ≤ 100 ns and no allocation per response
//	BenchmarkClassify            strings.ToLower + Contains per rule  ≥ 10x faster (measured 36–91x); no allocation
//	BenchmarkRectificationLoop   bare fsm machines + an sla.Tracker   2–3x the bare cost (records, checks, copies)
//
//	go test -run XXX -bench BenchmarkAggregate -benchtime=1x -count=3 ./feedback/
//	go test -run XXX -bench 'Classify' -benchtime=5000x -count=3 ./feedback/
//	go test -run XXX -bench RectificationLoop -benchtime=2000x -count=3 ./feedback/
package feedback
