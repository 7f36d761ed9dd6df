// Package feedback turns survey answers and service records into
// service-quality metrics with honest uncertainty, sliced by agent, team,
// channel and more and compared with their targets; draws and scores
// quality inspections; classifies complaint text into root causes; runs the
// closed loop of rectification items and return visits on the host's
// timeline; and runs PDCA (plan–do–check–act) improvement cycles whose
// checks are judged against those metrics.
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
//   - Response rate: answered survey invitations ([Invitation]) / invitations.
//   - Complaint resolution: resolved complaints / complaints whose
//     resolution is known (Record.ComplaintResolved).
//   - Bot containment and human intervention: bot sessions ([BotSession])
//     ended without, and with, a hand-off to a human / bot sessions; the
//     seeds set human intervention at most 15 %.
//   - Inspection coverage, score, pass rate and critical failures: see
//     "Quality inspection" below.
//
// A [Response] names the question it answers (Dimensions.Question):
// overall satisfaction and problem-resolution satisfaction are different
// figures with different targets, so slice by [DimQuestion] when a survey
// asks several (the window's CSAT counts every CSAT answer, whatever its
// question). Its free-text Comment is counted, and with [WithClassifier]
// filed under the root-cause category the [Classifier] gives it (the
// response's Category, when it has none), so satisfaction and comments
// can be sliced by category; the text itself is never kept. [FigureOf]
// gives counts from elsewhere (a bot platform's daily totals) the figure
// counted records get.
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
// # Dimensions and slices
//
// Every response, record, invitation, bot session and inspection carries
// [Dimensions]: agent, team, channel, category, customer tier, and for
// responses the survey question, for inspections the score sheet. An
// Aggregator configured with [Config].Slicings ([SliceBy](DimAgent),
// SliceBy(DimTeam, DimChannel), SliceBy(DimQuestion), ...) counts each
// observation into the window's totals and into one slice per slicing in
// the same pass: one aggregator, not one per slice. An observation with a
// dimension of a slicing left empty is in no slice of it, but still in the
// totals. [Aggregator.SliceReportsAt] lists a slicing's slices of a window,
// [Aggregator.SliceReportAt] reads one.
//
// Memory is bounded: the first [Config].MaxSlices distinct slices of each
// slicing (default [DefaultMaxSlices], in the order they are first
// counted) keep counters of their own; later values count into the
// slicing's overflow bucket (Other in reports), in every window. A window
// holds at most Σ (MaxSlices + 1) over its slicings counters of
// [CountersSize] bytes (under 400), allocated only for the slices with
// data in it, and each slice's key is stored once for the aggregator. A
// slicing of one dimension costs one string-keyed map lookup per
// observation, a slicing of several one more copy of the values.
//
// # Targets
//
// A [Target] is the value a metric should reach in a period, over the
// whole window or in one slice (overall satisfaction at least 90 % is CSAT
// of the slice {Question: "overall"}). [Aggregator.VersusAt] (and
// [Report.Versus] for whole-window targets) compares every target with
// the actual figure of its period as a [TargetGap]: the gap (actual −
// target), whether the value meets the target in its direction, whether
// the interval excludes the target, and a verdict: met, not met, or
// inconclusive when the interval still includes the target or the sample
// is too small. [SeedTargets] holds the seeds' figures.
// [Report.KPIs] gives figures as the plain numbers a KPI scorecard takes
// (the incentive package's, for one; this package does not import it),
// with the value also as decimal text, so that no float reaches money.
//
// # Quality inspection
//
// "Double random" spot checks cover at least 20 % of handled work with
// random work and random inspectors. [DrawSample] draws a stratified
// sample of [ClosedItem] values by a [SamplePlan]: per agent within team by
// default, ⌈n × rate⌉ of each stratum's n items (the rate read as the
// decimal it prints as, default [DefaultSampleRate]), at least
// MinPerStratum, each pick given an inspector who is not its agent. The
// draw is seeded: the same plan and items, in any order, give the same
// sample everywhere; [PeriodSeed] derives a seed per period for periodic
// SOP checks. [Sample.CoverageBy] rolls the strata up (per team, overall).
//
// A [ScoreSheet] is a standard sheet (a spot check, an SOP check, a
// mystery shopper's visit): weighted items scored 0 to their maximum,
// items that may not apply, and critical items that fail the whole sheet
// when short of full marks. [ScoreSheet.Score] checks a filled
// [Inspection] (every problem at once, with field paths) and returns an
// [InspectionResult]: the weighted score 0–100 (0 after a critical
// failure, the raw score kept beside it) and whether it passed.
// [Aggregator.AddInspection] counts results in the window and slices of
// the work they judge: inspection_score (the mean), inspection_pass,
// critical_failure and inspection_coverage (inspections over answered
// records of the same window and slice), per agent or team when sliced,
// ready for [Report.KPIs].
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
// rebuilt by RestoreX(snapshot, options...): [RestoreAggregator] (its
// slices included),
// [RestoreCategoryTally], [RestoreBook], [RestoreRectifications],
// [RestoreReturnVisits]. The rule of this package: configuration that is
// plain JSON ([Config], [RectificationConfig], [ReturnVisitConfig], the
// granularity and the location's name) travels inside the snapshot; what
// cannot be serialised travels as an [Option], the same the constructor
// takes: the clock ([WithClock]), the host's timeline ([WithTracker]), the
// namespace ([WithNamespace]), the calendars deadlines name
// ([WithCalendars]), a location that cannot be loaded by name
// ([WithLocation]) and the classifier of comments ([WithClassifier]). On a private timeline an engine's snapshot carries it;
// on the host's timeline it does not: the host saves the tracker once,
// restores it first with sla.RestoreTracker and then each engine with
// WithTracker.
//
// A snapshot is untrusted input: a restore refuses what the live
// operations would refuse, reports every problem at once (errors.Join of
// *[FieldError], matching [ErrInvalidConfig]) and names any other format
// version. Golden files in testdata pin every format.
//
// # Customer data and redaction
//
// The customer data this package keeps lives in the closed loop. A
// rectification item's Source.ID (the id of the complaint or survey
// answer it came from, which leads to the customer), its Problem, its
// corrective actions' Description and Note, its verifications' and its
// notice's Note; a return visit's ComplaintID, Customer (an id, a name or
// a phone number, as the host gives it), RiskReason, its outcome's Note
// and its CancelNote; and the reasons of the lifecycle histories of both
// (fsm's By.Reason). Ids of items and visits, categories, channels,
// people of staff (owners, actors, verifiers, assignees), scores and
// instants are not. Survey comments are never stored (an [Aggregator]
// counts and classifies them and drops the text), and the figures,
// tallies, inspections and PDCA cycles hold aggregates and the host's
// own descriptions: keep customer data out of a PDCA plan's text.
//
// [RedactRectifications] and [RedactReturnVisits] return a copy of a
// snapshot with that data replaced under a [Redaction] policy ([Mask]:
// "[redacted]"; [KeyedHash]: "hmac:" and 32 hex digits of HMAC-SHA256
// under the host's key, so one customer gets one placeholder and a visit
// stays joinable with its complaint), and Rectification.Redact,
// ReturnVisit.Redact and ReturnVisitEvent.Redact do the same for exports
// of items, visits and events. The engines are never changed. A redacted
// snapshot names its policy in Redaction and is an export: the restores
// refuse it ([ErrRedacted]). Errors and logs never carry customer text
// ([WithLogger]).
//
// # Concurrency
//
// [Aggregator], [CategoryTally], [Book], [Rectifications] and
// [ReturnVisits] are safe for concurrent use. A [Classifier] is immutable
// once built and safe for concurrent use. [Cycle], [Counters], [Moments],
// [ScoreSheet], [SamplePlan], [Sample], [Targets] and every report type are
// plain values, not safe for concurrent mutation.
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
//	BenchmarkAggregateSliced     the same Aggregator without slicings three slicings cost 4–5x the plain aggregator
//	BenchmarkClassify            strings.ToLower + Contains per rule  ≥ 10x faster (measured 36–91x); no allocation
//	BenchmarkRectificationLoop   bare fsm machines + an sla.Tracker   2–3x the bare cost (records, checks, copies)
//
//	go test -run XXX -bench BenchmarkAggregate -benchtime=1x -count=3 ./feedback/
//	go test -run XXX -bench 'Classify' -benchtime=5000x -count=3 ./feedback/
//	go test -run XXX -bench RectificationLoop -benchtime=2000x -count=3 ./feedback/
package feedback
