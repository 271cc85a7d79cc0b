// Package velocity is sales velocity, the four levers of bookings:
//
//	V = O × W × ASP / C
//
// with O the opportunities worked, W the win rate, ASP the average selling
// price and C the sales cycle in days; V is bookings per day and bookings
// over T days are V × T. That holds when O is the number of opportunities
// open on an average day (Little's L = arrivals per day × cycle), the
// default count ([CountAverageOpen]); counting every deal live at some
// time in the window ([CountLive]) overstates V × T by about 1 + T/C. A
// sales leader uses it to set bookings expectations per segment and to see
// which lever a rep must pull when another slips.
//
// The package measures the levers from a stream of deals over a window,
// with every convention calculators disagree on made an explicit option,
// and reports the actual bookings beside V × T ([Measure], [Options]);
// solves for one lever given a target and the other three ([Solve]) and
// answers the make-up question ([MakeUp]: win rate −10% needs
// opportunities +11.1%); splits the gap between two lever sets into each
// lever's exact share ([Decompose]); ranks the levers by what closing a
// rep's gap to a reference is worth ([Gaps]); shows the response to a
// uniform change of each lever ([Sensitivities]); checks the opportunities
// against Little's law ([Little], with [funnel.LiveDeals]); and forecasts
// each rep's chance of reaching quota by Monte Carlo ([Forecast],
// [BuildForecast]). Package velocity/backtest replays that forecast at the
// start of each past period, from what was known then, and measures it
// against what happened: calibration, Brier score beside naive
// baselines, P10-P90 coverage and the error of the P50.
//
// # Units
//
// Money (ASP, velocity, bookings, quota, amounts) is [decimal.Decimal] in
// the caller's currency; velocity is money per day. Money in results is
// rounded half to even to the cent ([MoneyPlaces]); exact sums
// (Measured.WonValue) stay exact. The win rate and probabilities are
// float64 in [0, 1] with their counts beside them where measured
// ([funnel.Rate]). The cycle and other durations are [time.Duration] in
// Go and enter the formula in days of 24 hours; in JSON they are numbers
// of days in fields named *_days ("cycle_days", "age_days",
// "time_to_close_days", "rate_window_days"). Opportunities are a float64
// so an average can be used. A figure the data do not define is null in
// JSON ([funnel.NullFloat64], [decimal.NullDecimal], [NullLever]), never
// a zero or a NaN.
//
// # Precision
//
// Float64 inputs (opportunities, win rate, days, factors) become decimals
// in one place of the module (internal/dec), after NaN and ±Inf are
// rejected, as the shortest decimal that reads back as the same float64
// (0.1 is 0.1). Products are exact; a division keeps at least 20
// significant digits and 16 decimal places, rounded half away from zero.
// An ASP the package computes is a valid amount, so that no valid input is
// refused for digits the package made: a measured ASP is rounded half to
// even to the cent, and a solved or changed ASP ([Solve], [MakeUp],
// [Sensitivities]) half to even to at most [funnel.MaxAmountPlaces]
// decimal places (0.333333333333333333 × 1.1 is 0.366666666666666666).
// The package never sets decimal's global settings. Money shares of a
// decomposition are rounded to cents with the remainder on the largest
// share, so they sum exactly. The forecast sums int64 cents in its inner
// loop (amounts rounded half to even to the cent) and converts back to
// decimals at the end.
//
// # Errors
//
// Errors belong to the module's one family (see package funnel). Generic
// failures are a *[funnel.InputError] naming the input, or a
// *[funnel.DealError] naming the deal (a deal that fails
// [funnel.Deal.Validate] is passed on with [funnel.WithOp]), each with Op
// "velocity.<Func>", such as "velocity.Measure"; a failure tied to one of
// the four levers is a *[LeverError], which carries the lever. Each wraps a
// sentinel of package funnel ([funnel.ErrNotFinite], [funnel.ErrNegative],
// [funnel.ErrNegativeAmount], [funnel.ErrRateRange],
// [funnel.ErrOutOfRange], [funnel.ErrDateOrder], [funnel.ErrEmptyFunnel],
// [funnel.ErrNoData], [funnel.ErrUnknownStage], [funnel.ErrInvalidDeal]...)
// or one of velocity's own ([ErrZeroCycle], [ErrUnreachable],
// [ErrLogZero], [ErrUndefined]) for [errors.Is]. An error's text has one
// package prefix and names each thing once:
//
//	velocity.Measure: deal "D7": invalid deal: won deal with no stage events
//	velocity.NewLevers: win rate = 1.2: rate outside [0,1]
//
// A stream's own error (a row a reader of package funnel/crm could not
// read) is returned as it is, with no result. No function panics on data
// and no result holds a NaN or an infinity. No count wraps: a stream of
// more than math.MaxInt deals, or a forecast whose bookings could reach
// 2^62 cents, is an error wrapping [funnel.ErrOutOfRange].
//
// Every type with JSON decodes member by member: a malformed or truncated
// document, a value of the wrong type, a number beyond its Go type (1e30
// for a count), an amount that is not a decimal within
// [funnel.AmountInRange] ("NaN", "1e999999"), or an unknown lever or
// option name is a *[funnel.InputError] with Op
// "velocity.<Type>.UnmarshalJSON" that names its place as a path and
// wraps [funnel.ErrOutOfRange] (or the sentinel of a nested check):
//
//	velocity.ForecastInput.UnmarshalJSON: reps[1].open[0].amount = "NaN": value out of range: not a decimal amount
//
// # Concurrency
//
// Results are plain values with exported fields and json tags. Nothing
// holds global state or logs; every function is safe for concurrent use
// and never modifies its inputs. [Forecast] takes a context and stops when
// it is cancelled; with the same seed it gives the same answer, whatever
// the number of workers.
//
// # Examples
//
// Runnable examples with their output (go doc -all, or the package page):
// Levers.Velocity, Solve, MakeUp, Decompose, Sensitivities, Gaps, Little,
// MeasureDeals, Measure, BuildForecast, Forecast. Worked cases as
// programs: examples/aeteam (the four levers, making up a fall in win
// rate), examples/review (levers per rep and the quota forecast).
package velocity
