// Package incentive computes service-quality incentives exactly: money in
// integer minor units, decimal rates with explicit rounding, tiered bonus
// tables, KPI scorecards, rankings, explainable statements, appeals and a
// points ledger ("service bank").
//
// The package stands alone: it imports no other sqkit package and consumes
// plain numbers, so a host feeds it figures from wherever it keeps them
// (for example metrics computed by the feedback package).
//
// # Money and decimals
//
// Money is never a float64. An amount is a [Money]: int64 minor units (cents
// for USD, yuan fen for CNY, whole yen for JPY) and a [Currency]. Rates,
// quantities, weights and scores are [Decimal]s: exact base-10 numbers with
// an int64 coefficient and up to [MaxScale] (18) fraction digits, written
// and read as strings ("97.5") so JSON never passes them through float64.
//
//   - Add, Sub and Mul are exact; they return [ErrOverflow] or [ErrPrecision]
//     instead of wrapping or dropping a digit.
//   - Only Quo and Round discard digits, and they take a [RoundingMode]:
//     [HalfEven] (the default), [HalfUp], [Down] (toward zero) or [Up]
//     (away from zero). The zero value, [RoundingUnset], means "not set"
//     and rounds as the default; lines record the mode actually applied.
//   - Amounts are rounded per line, then summed: each [Line] records the
//     exact product, the mode and the rounded amount, so a statement shows
//     where every cent came from.
//   - [Money.Split] divides an amount by weights with the largest-remainder
//     method; leftover minor units go to the largest remainders, ties to
//     the earlier part, so the parts always sum to the whole.
//
// Decimal arithmetic uses 64- and 128-bit integers (math/bits) and falls
// back to math/big only when operands are too far apart for 128 bits. No
// third-party decimal module is needed; the benchmark below compares the
// result with the big.Rat code a user would otherwise write.
//
// # Tier tables and target bonuses
//
// A [Table] lists [Tier]s with declared [Bounds] ("[)", "(]", "[]", "()").
// Validate rejects unsorted tiers, gaps and overlaps (naming both tiers and
// the point or range), an open-ended tier that is not last, and reports
// every problem at once. Two modes:
//
//   - [Graduated]: each part of the quantity is priced at its own tier's
//     rate, and every tier the quantity reaches adds its flat amount.
//   - [Volume]: the whole quantity is priced at the rate of the tier it
//     lands in, plus that tier's flat amount. Volume totals are not
//     monotone: with Stripe's published font tiers (USD 7 / 6.50 / 6) 10
//     units cost 65.00 but 10.5 cost 63.00.
//
// Min and Max floor and cap a table's total with an explicit line. A
// [TargetBonus] pays nothing below its target, a base at the target, an
// amount per unit above it and optionally stops at a cap. Quantities are
// exact decimals, so 97.5 % attainment is 97.5, not 97.49999.
//
// # Scorecards, grades and rankings
//
// A [Scorecard] weighs [KPI]s whose weights must sum to exactly 1 (checked
// in decimal; ten weights of 0.1 pass). A quantitative KPI scores
// clamp((x - floor)/(target - floor), 0, cap); for [LowerIsBetter] the floor
// lies above the target and the formula inverts itself. A qualitative KPI
// maps labels onto the same scale with [Level]s. [Gate]s zero the bonus
// (for example compliance below 0.98). [Grade]s band the total score, best
// first, and a grade may name the table tier it pays.
//
// [Rank] orders individuals or teams ([TeamScores] averages members) with
// standard competition ranking (1, 2, 2, 4) and flags at most
// floor(n × share) people at the bottom ([SeedBottomShare] gives the seeds'
// 10 %); a tie straddling the cut is not flagged. [SplitPool] splits a team
// pool by score to the cent.
//
// # Plans and statements
//
// A [Plan] combines a scorecard, a table and a target bonus. [Compile]
// validates it, copies it and computes its rules hash ([RulesHash]: SHA-256
// of a canonical JSON encoding with normalised decimals, so "6.50" and
// "6.5" hash alike while any change to a tier, bound, rate, rounding mode,
// weight, gate, grade or bonus changes the hash). [CompiledPlan.Statement]
// produces a [Statement] listing every KPI value and score, the grade,
// every gate, and every amount line with its tier, quantity, rate, exact
// value, rounding and amount. The same input and rules give byte-identical
// [Statement.Canonical] output.
//
// # Appeals and adjustments
//
// A [Book] keeps issued statements as immutable canonical bytes; it issues
// only statements that add up (their lines sum to their total). Filing an
// [Appeal] freezes the statement (no other appeal or adjustment until it is
// decided); an approval posts a compensating [Adjustment] with its reason
// and approver. Nothing issued is edited in place: the net amount is the
// statement total plus its adjustments, and every step is kept in an
// append-only history, which runs forward in time for each statement.
//
// The Book snapshots to a plain, versioned [BookSnapshot] (pinned by
// testdata/book_snapshot.golden.json) and [RestoreBook] brings it back
// exactly. A snapshot is untrusted input: the restore replays its history
// through the Book's own operations, so it refuses whatever they refuse,
// and then requires the replayed Book to be the snapshot.
//
// # Assessments
//
// An [Assessor] applies [AssessmentRule]s to the rankings of consecutive
// periods ([Rank] with [SeedBottomShare]): the bottom share two periods
// running gives a yellow card, a score below a threshold for six periods
// running triggers a review ([SeedAssessmentRules]). A rule gives its
// outcome when its condition has held for its number of consecutive
// periods and then starts counting again; a person absent from a period,
// or not meeting the condition, breaks the run. Outcomes are graded (the
// person's first of the rule in force is grade 1, ...) and each grade may
// carry a penalty, deducted from the person's statement for the period in
// a [Book] ([WithBook]) as a compensating adjustment whose reason names
// the outcome, grade and rule; a period's penalties post all or none.
// Every outcome has an appeal deadline (its instant plus
// [AssessmentConfig.AppealWindow]; an appeal at the deadline is late,
// [ErrAppealDeadline]). The appeal of a penalised outcome is filed in the
// Book, freezing the statement; overturning it withdraws the outcome (it
// stops counting towards grades) and gives the penalty back as another
// compensating adjustment.
//
// The package imports no other sqkit package: an [Outcome] is plain data
// (a label such as [OutcomeYellowCard], a grade, a status), and a host
// that links outcomes to warning levels does so in a small adapter of its
// own, raising a level when an outcome is given and lifting it when one is
// overturned. The Assessor snapshots to a versioned [AssessorSnapshot]
// (its configuration, its log and its outcomes; testdata pins the format)
// and [RestoreAssessor] replays the log through its own operations,
// checking against the restored Book, given with WithBook, that every
// penalty and appeal it posted is there.
//
// # Points ledger
//
// A [PointsLedger] earns points for over-achievement
// ([OverAchievementPoints]) and spends them on redemptions. No balance ever
// goes negative, and each posting carries an idempotency key: a repeated
// posting is applied once, a conflicting reuse of a key is an error. Each
// account's postings run forward in time. The ledger snapshots to a
// versioned [PointsSnapshot] (it also encodes to JSON as one) and
// [RestorePointsLedger] restores it by replaying and checking every entry.
//
// # A tamper-evident history
//
// With [WithChain] a [Book] seals its history, and a [PointsLedger] its
// postings, with a SHA-256 hash chain: each entry is hashed over the
// previous entry's hash and its own canonical encoding (every field,
// tagged and length-prefixed; instants as Unix seconds and nanoseconds),
// and a Book's issued event also over the SHA-256 of the statement's
// canonical bytes, so the chain vouches for every issued statement and,
// through the events the restore replays, for the appeals and
// adjustments. The links travel in the snapshots ([BookSnapshot].Chain,
// [PointsSnapshot].Chain, optional fields of version 1) and the restores
// verify them before anything else: a snapshot whose entries (or
// statements) were edited, deleted, inserted or reordered is refused, the
// error naming the first bad entry ("events[3]", "entries[1]") and
// unwrapping to a [*ChainError] with its index and kind ([ChainEdited],
// [ChainReordered], [ChainUnlinked]). A restore given WithChain refuses a
// snapshot without a chain. A history cut short at its tail, or whose
// links were all recomputed after an edit, is still a chain in itself: a
// host keeps the head (Book.ChainHead, PointsLedger.ChainHead or the
// snapshot's ChainHead) apart from the snapshot and checks a stored one
// with [VerifyBook] or [VerifyPoints] ([ChainTruncated], [ChainRewritten]).
// The Assessor's log is not chained: its penalties and appeals are in the
// Book. The chains are the SDK's one implementation, shared with fsm and
// emergency.
//
// # Personal data
//
// This package holds no customer data. Its people (statement and account
// holders, appeal filers, approvers) are staff, and its free text (appeal
// reasons and decisions, adjustment reasons, posting reasons) is written by
// staff about pay: staff personal data, which the host protects under its
// own rules (for example by keeping the Book in a store that only payroll
// reads), not customer data, so no redaction is offered. A host must not
// copy customer details (a complainant's name or number) into those
// reasons; cite the complaint's id instead.
//
// # Concurrency
//
// Decimal, Money and the definition structs are plain values; reading them
// from several goroutines is safe as long as no one modifies them.
// [CompiledPlan] is immutable and safe for concurrent use. [Book],
// [PointsLedger] and [Assessor] are safe for concurrent use (a mutex guards
// each; no user callback ever runs under it; an Assessor calls its Book
// under its own lock, never the other way round); the tests exercise them
// with -race. All three take their time from a clock.Clock
// (github.com/benbjohnson/clock) given with [WithClock] to their
// constructor or restore, and offer ...At methods that take the time
// explicitly, first. An operation dated before the latest instant recorded
// on its statement, account or assessor is refused with an error matching
// [ErrTimeBackwards], the SDK-wide sentinel.
//
// # Errors
//
// Every error wraps a sentinel ([ErrInvalid], [ErrOverflow], [ErrOutOfRange],
// [ErrFrozen], ...) usable with errors.Is, and messages start with
// "incentive:". Validation errors are [FieldError]s (the SDK-wide type)
// joined with errors.Join, each with the path of the field
// ("scorecard.kpis[2].weight"). Bad input
// returns an error; it never panics (tier evaluation, decimal arithmetic and
// money parsing are fuzzed). Only the Must... helpers for literals panic.
//
// # Performance
//
// BenchmarkStatements runs 100,000 people with 8 KPIs each through the
// scorecard, the graduated table, the target bonus and the statement, and
// then the same people through a naive implementation with big.Rat
// throughout (rounding via FloatString; a test checks that it produces the
// same scores and totals to the cent). It reports wall time per person
// (ns/person), process CPU time per person including the garbage collector
// (cpu-ns/person), the same two figures for the naive code, and the
// wall-time ratio (speedup-x). BenchmarkSplit compares Money.Split over 50
// weights with a big.Rat largest-remainder split in the same way. Headline
// figures (the run logs are in BENCHMARKS.md):
//
//	benchmark            goal                  measured
//	BenchmarkStatements  <= 5,000 ns/person    about 4.8 µs of CPU per person; 9-19x big.Rat
//	BenchmarkSplit       faster than big.Rat   25-38x big.Rat
//
// Memory is about 2.3 kB and 5.6 allocations per person, mostly the
// statement itself. On a loaded 2-core machine the wall time per person
// varies with the competing load far more than the CPU time does.
//
// Measure them with
//
//	go test -run XXX -bench 'BenchmarkStatements$' -benchtime=3x -count=5 ./incentive/
//	go test -run XXX -bench 'BenchmarkSplit$' -benchtime=100000x -count=5 ./incentive/
package incentive
