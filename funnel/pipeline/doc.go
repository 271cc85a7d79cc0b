// Package pipeline gives a sales manager what the 1:1 and the pipeline
// review need, from deal histories ([funnel.Deal]): the health of the open
// pipeline at any date, the waterfall of open pipeline between two dates,
// activity ratios per deal and per owner, and the effect of one attribute
// on how deep deals go.
//
// # Dates and periods
//
// Every figure at a date is reconstructed from the deals' histories, not
// read from today's outcome: a deal is open at t when it started at or
// before t ([funnel.Deal.Start]) and was not won or lost at or before t
// ([funnel.Deal.CloseTime]); its stage at t is that of its last timed event
// at or before t. A period (from, to] holds what happened after from and up
// to and including to, so the state at from plus the period's changes is
// the state at to. Events and activities without a time are left out of
// anything timed; deals that cannot be placed in time at all (no start,
// or closed at an unknown time) are counted in an Undated field, never
// guessed.
//
// The deal model keeps one amount and one expected close per deal (the
// current ones), so [Waterfall] can only show amount changes, close dates
// moved in or out of a window and reopened deals against a caller's
// [Snapshot] of the earlier state; without one those buckets are empty, by
// construction rather than by estimate.
//
// # Units
//
// Times in days are float64 counts of 24-hour days, in fields whose names
// say Days. Money is [decimal.Decimal], summed exactly and never rounded
// here; a missing amount is counted apart (Unpriced), never read as zero.
// Thresholds are whole days. Ratios keep their numerator and denominator
// ([Ratio]); probabilities and p-values are float64 in [0, 1].
//
// # Statistics
//
// [AttributeEffect] runs Pearson's chi-square test of independence on the
// value × deepest-stage table (p-value from gonum's distuv.ChiSquared; it
// reports how many expected counts fall below 5) and gives the odds ratio
// of reaching each stage for each value against the rest, with a 95%
// interval on the log scale and the Haldane–Anscombe correction (add 0.5
// to every cell) when a cell is zero.
//
// # Errors
//
// Bad input returns an error that names the function and argument and
// wraps a sentinel of this package ([ErrDateOrder], [ErrEmptyRange],
// [ErrZeroDate], [ErrThreshold], [ErrNoAttribute], [ErrDuplicateDeal],
// [ErrSnapshot]) or, for a deal that fails [funnel.Deal.Validate], that
// deal's *[funnel.DealError]. Test with [errors.Is]. No function panics on
// data, and no result holds NaN or an infinity.
//
// # Concurrency
//
// Functions hold no state and never modify their inputs; they are safe
// for concurrent use.
package pipeline
