// Package pipeline gives a sales manager what the 1:1 and the pipeline
// review need, from deal histories ([funnel.Deal]): the health of the open
// pipeline at any date, the waterfall of open pipeline between two dates,
// activity ratios per deal and per owner, what moved in a period, the
// effect of one attribute on how deep deals go (read from a
// [funnel.Tally]), and the weekly forecast figures ([Coverage]): pipeline
// coverage of the quota still to book, overall and by stage, the weighted
// pipeline (by the stage win rates measured from the deals closed before
// the date, and by the CRM's own probability column), and forecast
// categories (commit, best case, pipeline, omitted) by rules the caller
// sets. Package velocity/backtest measures the quota forecast itself.
//
// # Dates and periods
//
// Every figure at a date is reconstructed from the deals' histories, not
// read from today's outcome: a deal is open at t when it started at or
// before t ([funnel.Deal.Start]) and was not won or lost at or before t
// ([funnel.Deal.CloseTime]); its stage at t is that of its last timed stay
// ([funnel.Deal.Stays]) begun at or before t, so a repeated row at one
// stage, as Salesforce's OpportunityHistory writes when an amount changes,
// is no stage change. A period (from, to] holds what happened after from
// and up to and including to, so the state at from plus the period's
// changes is the state at to. Events and activities without a time are left out of
// anything timed; deals that cannot be placed in time at all (no start,
// or closed at an unknown time) are counted in an Undated field, never
// guessed.
//
// The deal model keeps one amount and one expected close per deal (the
// current ones), so [Waterfall] can only show amount changes, close dates
// moved in or out of a window and reopened deals against a caller's
// [PriorState] of each deal at the earlier date; without one those buckets
// are empty, by construction rather than by estimate.
//
// # Units
//
// Times in days are float64 counts of 24-hour days, in fields whose names
// say Days; a figure that does not exist (days since the last touch of a
// deal never touched) is a [funnel.NullFloat64], null in JSON. Money is
// [decimal.Decimal], summed exactly and rounded to cents (half to even)
// only in the totals a person reads ([PipelineValue.Amount],
// [Bucket.Amount]); a waterfall still balances exactly on the rounded
// figures, with any remainder in [WaterfallReport.Rounding] (0 when the
// amounts are in whole cents). A missing amount is counted apart
// (Unpriced), never read as zero. Thresholds are whole days. Ratios keep
// their numerator and denominator ([funnel.Ratio]); probabilities and
// p-values are float64 in [0, 1].
//
// # Statistics
//
// [AttributeEffect] reads a tally grouped by one attribute and runs
// Pearson's chi-square test of independence on the value × deepest-stage
// table of closed deals (funnel.ChiSquareTest, the module's one test; it
// reports how many expected counts fall below 5) and gives the odds ratio
// of reaching each stage for each value against the rest, with a 95%
// interval on the log scale and the Haldane–Anscombe correction (add 0.5
// to every cell) when a cell is zero.
//
// # Errors
//
// Errors are the module's typed errors, with Op naming the function
// ("pipeline.Health", "pipeline.Waterfall"...): a *[funnel.InputError]
// naming the argument ("at", "to", "StalledDays", `Before["W1"]`...) or a
// *[funnel.DealError] naming the deal. They wrap a sentinel of package
// funnel: [funnel.ErrZeroDate] for a missing date or one the model cannot
// hold (a date before 0001-01-01 UTC, after the year 9999 in UTC or in its
// own location, or more than a day off UTC: results encode their dates as
// RFC 3339), whether an argument or a date of a deal, [funnel.ErrDateOrder]
// for a range whose end is not after its start, [funnel.ErrOutOfRange]
// for a threshold that is not positive or a range too long,
// [funnel.ErrDuplicateDeal] for an id given twice, [funnel.ErrNoData]
// when no deal has the attribute, [funnel.ErrIncompatible] for a tally of
// the wrong shape or, with [funnel.ErrOutOfRange], counts whose sum
// passes an int64, [funnel.ErrEmptyFunnel]; or [ErrPriorState], this
// package's one sentinel, for a prior state that does not fit the deals.
// The JSON decoders of the options a service reads from a request
// ([WaterfallOptions], [PriorState], [Thresholds]) name the place of a
// failure in the document, such as before["W1"].amount, with Op
// "pipeline.WaterfallOptions" and the like.
// A deal that fails [funnel.Deal.Validate] comes back as its
// *[funnel.DealError] with the function's Op, so the text names it once:
//
//	pipeline.Health: deal "x": event 0: unknown stage: index 9
//
// Test with [errors.Is] and [errors.As]. No function panics on data, and
// no result holds NaN or an infinity.
//
// # Concurrency
//
// Functions hold no state and never modify their inputs; they are safe
// for concurrent use.
//
// # Examples
//
// Runnable examples with their output (go doc -all, or the package page):
// Health, Waterfall, Waterfall (priorState), Activity, LiveByDay,
// AttributeEffect, PeriodSummary, WaterfallOptions.UnmarshalJSON,
// Coverage. Worked
// cases as programs: examples/review (the 1:1 pipeline dashboard),
// examples/jobsearch (warm vs cold by AttributeEffect).
package pipeline
