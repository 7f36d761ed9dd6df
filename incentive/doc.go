// Package incentive computes service-quality incentives exactly: money in
// integer minor units, decimal rates with explicit rounding, tiered bonus
// tables, KPI scorecards, rankings, explainable statements, appeals and a
// points ledger.
//
// Money is never a float64. An amount is a Money (int64 minor units and a
// Currency); rates, quantities and scores are Decimals (exact base-10
// numbers with up to 18 fraction digits). Arithmetic reports ErrOverflow
// instead of wrapping, and every operation that discards digits takes a
// RoundingMode (HalfEven by default, HalfUp, Down, Up).
package incentive
