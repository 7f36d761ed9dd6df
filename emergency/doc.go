// Package emergency turns service-quality observations into warning levels
// (yellow, orange, red) and keeps a board of the current level of every
// subject with the history of its changes and the evidence behind each one.
// Levels own obligations with deadlines ([Obligations]). Incidents have a
// lifecycle, a response timeline per grade, an escalation ladder, response
// plans, drills and a post-incident review ([IncidentManager]).
//
// # Levels
//
// [Level] is ordered: [None] < [Yellow] < [Orange] < [Red], so comparisons
// and the built-in max work on levels. Its text and JSON form is the
// lower-case name ("yellow"); parsing any other name is an error wrapping
// [ErrUnknownLevel]. None is the level of a subject with no warning.
//
// # Rules
//
// A [Config] lists the rules of a board. Every subject (a team, a channel, a
// region) is judged by every rule, and the subject's level is the highest
// level any rule (or floor, below) asserts. There are four kinds of rule,
// each in a file of its own:
//
//   - [ThresholdRule]: a plain measure against steps with separate enter and
//     exit values (hysteresis), for higher-is-worse measures such as a
//     complaint rate and lower-is-worse ones such as NPS. Its [Direction]
//     must be set: the zero value is not a direction.
//   - [ChangeRule]: relative change between two windows ("complaints up 30 %
//     week over week"), raising only when the current count reaches a
//     minimum volume, the rate rose by at least the configured fraction, and
//     an exact one-sided test rejects "no increase" at the configured alpha.
//     Counts may be normalised by exposure (complaints per 1,000 orders).
//     The host reports the counts of the two windows; [Series] tallies a
//     stream of events in time buckets and yields them with
//     [Series.CountsAt].
//   - [EventRule]: an event raises its level at once (mass complaint, major
//     service accident -> red); it lowers after its dwell or by
//     [Board.Clear].
//   - [ShortageRule]: service resources run short: the coverage ratio
//     available/demand at or below an enter value raises (yellow in the
//     seeds, see [NewShortageRule]), at or above the exit value it
//     recovers.
//
// Configuration is a plain JSON-tagged struct; durations are [sla.Duration]
// values, Go duration strings in JSON ("30m"). [Config.Validate] (called by
// [NewBoard]) reports every problem at once as [*FieldError] values with the
// path of the field: negative durations, alpha outside (0,1), an exit value
// on the wrong side of its enter value, levels whose enter values are not
// ordered by severity, duplicate rule names, and so on.
//
// # Hold, dwell and the board's timer
//
// Each rule keeps, per subject, a candidate level (what the latest input
// calls for, after hysteresis) and an asserted level. The candidate is
// assumed to stay as it is until the next observation. A rule raises to a
// level once the candidate has been at or above that level continuously for
// the rule's hold time, and lowers once the candidate has been at or below a
// lower level continuously for the dwell time; after a long dwell it settles
// at the highest candidate seen during the dwell. The board raises a subject
// as soon as any rule raises and lowers it only when the rules that held it
// up have lowered, so a flapping input (crossing enter and exit every
// minute) yields one raise and no flapping level.
//
// A pending hold or dwell takes effect on the first evaluation at or after
// the instant it falls due: an observation or signal of the subject,
// [Board.EvaluateAt], or the board's timer. The board keeps one timer on its
// timeline at the earliest instant a pending change may fall due; advancing
// the timeline evaluates the board at that instant, so a host never polls.
// An observation only ever lowers the timer (it compares the one subject it
// evaluated with it, never rescanning the others); an evaluation of every
// subject sets it to the true next instant, so a timer left early by an
// input that calmed down fires once, changes nothing and moves on.
// [Change.At] is the evaluation instant and [Change.Due] the instant the
// change fell due; on the timeline they are equal. Time must not run
// backwards for a subject: an observation older than the subject's last
// evaluation is an error wrapping [ErrTimeBackwards]. Instants must lie
// between 1970 and 2262 (the board keeps them as Unix nanoseconds to stay
// compact); a board's instants are reported in UTC.
//
// # The exact test
//
// [ExactIncreaseTest] is the exact conditional test for two Poisson counts.
// Given the total n = current + baseline, under "equal rates" the current
// count is Binomial(n, s), where s is the current window's share of the
// exposure (one half for two equal windows without exposure). The one-sided
// p-value is P(X >= current), summed term by term in log space from the
// lgamma of the first term, so counts in the millions neither overflow nor
// lose the tail ([BinomialUpperTail]). The conditional test is used rather
// than a one-sample Poisson test against the baseline because the baseline
// is itself a noisy count: treating it as the true rate would call small
// rises significant. With the defaults of [NewChangeRule] — alpha
// [DefaultAlpha] = 0.05, minimum volume [DefaultMinVolume] = 20 events in the
// current window, minimum increase [DefaultMinIncrease] = 30 % — 3 -> 4
// complaints does not raise (volume 4 < 20, and p = 0.5 anyway) while
// 100 -> 130 raises yellow (up 30 %, p ≈ 0.028). Counts above [MaxCount] are
// rejected.
//
// # Evidence, changes and floors
//
// Every [Change] of a subject's level carries the [Evidence] of the rule
// that caused it: the rule and its kind, the observed value, the enter or
// exit value crossed, the baseline, the counts, relative change, p-value and
// alpha of the test ([TestEvidence]), the event and its detail, when the
// input was observed and when the condition began. [Board.History] keeps the
// changes of a subject (optionally capped by [Config.HistoryLimit]) and
// [Board.Status] shows each rule's candidate, level and pending change.
// Every mutating call returns the changes it made, and observers registered
// with [WithObserver] receive each change after the board's lock is released
// (they may call back into the board). [Change.Seq] orders changes across
// concurrent callers.
//
// The host can also push a subject up itself. A [Floor], set with
// [Board.SetFloorAt] under a source name, keeps a subject at or above a
// level until [Board.LiftFloorAt]; [Board.EscalateAt] sets a floor one level
// above the current one (at most red), which is what "a missed obligation
// escalates the subject one level" needs.
//
// # Obligations
//
// [Obligations] gives levels their obligations. Register
// [Obligations.HandleChange] as the board's observer and give the engine the
// board ([WithBoard]); when a subject rises to the level of an
// [ObligationRule], an [Obligation] opens with a deadline on an SLA clock,
// counted on a named business calendar ([WithCalendars]) or 24x7. Each
// obligation has a lifecycle machine ([ObligationDefinition]: open, missed,
// fulfilled, cancelled) whose history records who closed it and why.
// [DefaultObligationConfig] holds the seeds: yellow requires a
// rectification plan within 3 days ([DefaultRectificationWithin]); red
// requires a special task force at once, which is [DefaultTaskForceWithin]
// (15 minutes), because an SLA target must be positive. A deadline that
// passes marks the obligation missed at the deadline's own instant and
// escalates the subject one level with [Board.EscalateAt]; fulfilling is an
// explicit call with an actor ([Obligations.FulfillAt]); fulfilling a
// missed obligation lifts its escalation.
//
// # Incidents
//
// An [IncidentManager] runs incidents. A [Report] names an [IncidentType]
// (the six seed types of [DefaultIncidentTypes], or the host's own listed in
// [IncidentConfig.Types]) and a [Grade] from [GradeI] (especially major) to
// [GradeIV] (general). Each incident has a lifecycle machine of the fsm
// package ([IncidentSpec]: reported, assessing, responding, recovering,
// resolved, reviewed) and a response timeline per grade whose milestones
// run on SLA clocks from the report ([DefaultTimeline]: response started
// within 15 minutes, initial assessment within 1 hour, response plan within
// 2 hours, stakeholders notified within 4 hours, and a public response
// within the golden 4 hours for a public-opinion crisis). A milestone is
// met by reaching a lifecycle state or by [IncidentManager.MeetAt]; a
// deadline that passes is an [EventMilestoneMissed] event at the deadline's
// own instant.
//
// The escalation ladder has four tiers ([FrontLine], [Department],
// [Headquarters], [Executives]). Each tier has an acknowledgement timeout
// ([IncidentConfig.AckTimeouts]); a tier that does not acknowledge in time
// escalates the incident to the next one (at the executives, the top, it is
// an [EventAckTimeout] event). An incident of grade I, or a security event
// involving customer data, starts at the executives.
// [IncidentManager.RegradeAt] changes the grade, keeping the id; it
// re-targets the open milestones to the new grade's deadlines and records
// the change. A [PlanLibrary] holds versioned response plans indexed by type
// and grade; with [WithPlans] the manager selects the latest version of the
// most specific plan when an incident is reported or re-graded.
// [IncidentManager.ReviewAt] records the post-incident review of a resolved
// incident, with action items that have owners and deadlines.
//
// [RunDrill] runs a scripted [Drill] (a report and the responders' steps,
// each at an offset) on a private timeline, through the explicit-time
// methods a real response uses, and returns a [Scorecard] of every
// milestone met or missed, with its deadline, when it was met and how late,
// and the escalations. No clock is read and no real time passes.
//
// # One timeline, one set of options
//
// There is one timeline per host, an [sla.Tracker]. Every engine of this
// package schedules on the tracker given with [WithTracker], under a
// namespace of its own ([DefaultBoardNamespace], [DefaultObligationNamespace],
// [DefaultIncidentNamespace]; [WithNamespace] changes it): the board's next
// evaluation is a timer, an obligation's deadline is the clock
// (namespace, obligation id, [ObligationMetric]), an incident's milestones
// and acknowledgement timeouts are the clocks (namespace, incident id,
// milestone name) and (namespace, incident id, [AckMetric] of the tier). One
// tr.AdvanceTo or tr.Run drives them all, in deadline order, each handler
// seeing its deadline's own instant; the sla/slatest helpers move a mock
// clock and the timeline together in tests. Without WithTracker an engine
// makes a private timeline, advanced with its AdvanceTo (small uses stay
// simple).
//
// Every engine takes the same [Option] list and ignores the options that do
// not concern it: [WithClock] (the time source of the methods without an
// explicit instant; nil is ignored), [WithTracker], [WithNamespace],
// [WithCalendars], [WithObserver], [WithObligationHandler],
// [WithIncidentHandler], [WithPlans] and [WithBoard]. Every operation that
// depends on "now" has a form with the instant first ([Board.ObserveAt],
// [Obligations.FulfillAt], [IncidentManager.FireAt] after its context).
//
// Due at t means overdue from t, as an SLA clock is breached at its due
// instant: an obligation fulfilled or a milestone met at its deadline is
// late, a hold of 10 minutes raises at minute 10, an action item is overdue
// at its deadline ([Review.Overdue]).
//
// Instants of an obligation are in the location of its rule's calendar,
// instants of an incident (and of its events) in the location of the
// configuration's calendar (UTC for 24x7), before and after a restore.
//
// # Persistence
//
// Every engine snapshots to a plain, versioned, JSON-serialisable value and
// is rebuilt by a Restore function taking the snapshot first, then the
// engine's options: [RestoreBoard], [RestoreObligations],
// [RestoreIncidentManager]. The rule of this package: the configuration is
// plain JSON and travels inside the snapshot; what is not plain JSON
// (clock, timeline, calendars, board, plan library, handlers) travels as an
// option. A snapshot is untrusted input: a restore checks what the live
// operations check (counts, repeated rules and ids, instants out of range,
// candidates and levels the inputs do not give, lifecycles and clocks that
// do not fit) and reports every problem at once as errors matching
// [ErrSnapshot]. Golden files in testdata pin each format, and another
// version is refused with an error that names it.
//
// An engine on the host's timeline leaves its clocks out of its snapshot:
// the host snapshots the timeline once, restores it first with
// sla.RestoreTracker (with sla.WithSpecResolver and sla.SpecResolver naming
// the business calendars the engines use), then restores each engine with
// WithTracker. An engine on a private timeline carries it in its snapshot.
// A board carries no timeline: its timer is set again from its subjects.
//
// # Tamper-evident histories
//
// With [WithChain] an [IncidentManager] keeps each incident's event log
// (every [IncidentEvent] delivered for it, in order: [Incident.Events])
// sealed by a SHA-256 hash chain, and chains the history of its lifecycle
// machine (fsm.WithChain); an [Obligations] engine chains its obligations'
// lifecycle histories. Each entry is hashed over the previous entry's hash
// and its own canonical encoding (every field of the event, tagged and
// length-prefixed; instants as Unix seconds and nanoseconds). The chains
// travel in the snapshots ([IncidentRecord.EventChain] and the machines'
// fsm.Snapshot.Chain, one [Link] per entry) and the restores verify them:
// a snapshot whose events or transitions were edited, deleted, inserted or
// reordered is refused, the error naming the first bad entry
// ("items[0].events[3]") and unwrapping to a [*ChainError] with its index
// and kind. A restore given WithChain refuses an item whose chains were
// stripped. What the links cannot show by themselves (a log cut short at
// its tail, or one whose links were all recomputed after an edit) the
// heads show: a host keeps [IncidentManager.ChainHeads] (or
// [IncidentRecord.Heads] of the snapshot it stores) apart from the
// snapshot and checks a stored record with [VerifyIncident]. The chains
// cover the event log and the lifecycle history; the rest of a record
// (milestones, acknowledgements, re-grades, plans, the review) is checked
// by the restore for consistency, and each change to it but the
// completion of an action item is also an event of the log. The chains are the SDK's one implementation, shared with fsm
// and incentive.
//
// # Customer data and redaction
//
// The customer data of this package is free text: an incident report's
// Title; the reasons people give, recorded in re-grades, in the lifecycle
// histories and escalations of incidents and obligations, and in the
// Detail of escalated and regraded events; an obligation's closing Note;
// and a review's Summary, RootCause, Lessons and action items'
// Description. Ids, types, grades, levels, states, tiers, subjects (teams,
// channels, regions), people (reporters, actors, owners, reviewers: staff
// or systems), generated details and instants are not. [RedactIncidents]
// and [RedactObligations] return a copy of a snapshot with that text
// replaced under a [Redaction] policy ([Mask]: "[redacted]"; [KeyedHash]:
// "hmac:" and 32 hex digits of HMAC-SHA256 under the host's key, equal
// values giving equal placeholders so records stay joinable), and
// Incident.Redact, IncidentEvent.Redact ([RedactEvents]), Obligation.Redact
// and ObligationEvent.Redact do the same for exports of views and events.
// The live engines are never changed. A redacted snapshot names its policy
// in Redaction and is an export: the restores refuse it ([ErrRedacted]);
// its chains keep their heads but, sealing the original text, no longer
// verify. The board's rules, evidence and floors carry the host's own
// descriptions of events and are not redacted: keep customer data out of
// signal details and floor reasons. Errors and logs never carry customer
// text ([WithLogger]).
//
// # Concurrency
//
// [Board], [Obligations], [IncidentManager] and [PlanLibrary] are safe for
// concurrent use; observers and handlers run outside the locks and may
// call back. A [Series] is a plain value and is not.
//
// # Performance
//
// BenchmarkBoardEvaluate evaluates 100,000 subjects with two rules each (a
// threshold rule with hold and dwell and a week-over-week change rule) and
// reports ns/subject against the goal of 1 µs per subject, and the ratio
// x-naive to a hand-written loop (one threshold compare and the same exact
// test per subject, no hysteresis, hold, dwell, evidence, history, timer or
// locking) run on the same inputs in the same run. Headline figures on a
// shared 2-core machine: fresh inputs for every subject with 1 % changing
// level, about 0.5 µs/subject and 2x the naive loop; every subject changing
// level in every round, about 2 µs/subject (bound by allocating the change
// records); the periodic evaluation with no new input, about 0.1 µs/subject.
// Measure with
//
//	go test -run '^$' -bench BoardEvaluate -benchtime=10x -count=3 ./emergency
package emergency
