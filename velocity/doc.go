// Package velocity is sales velocity, the four levers of bookings:
//
//	V = O × W × ASP / C
//
// with O the opportunities worked, W the win rate, ASP the average selling
// price and C the sales cycle in days; V is bookings per day and bookings
// over T days are V × T. A sales leader uses it to set bookings
// expectations per segment and to see which lever a rep must pull when
// another slips.
//
// The package measures the levers from deals over a window with every
// convention calculators disagree on made an explicit option ([Measure],
// [Options]); solves for one lever given a target and the other three
// ([Solve]) and answers the make-up question ([MakeUp]: win rate −10%
// needs opportunities +11.1%); splits the gap between two lever sets into
// each lever's exact share ([Decompose]); shows the response to each lever
// ([Sensitivities]); checks the opportunities against Little's law
// ([Little]); and forecasts each rep's chance of reaching quota by Monte
// Carlo ([Forecast], [BuildForecast]).
//
// # Units
//
// Money (ASP, velocity, bookings, quota, amounts) is [decimal.Decimal] in
// the caller's currency; velocity is money per day. The win rate and
// probabilities are float64 in [0, 1] with their counts beside them where
// measured ([funnel.Rate]). The cycle is a [time.Duration] and enters the
// formula in days of 24 hours; a figure in days is a float64 whose name
// says Days. Opportunities are a float64 so an average can be used.
//
// # Precision
//
// Float64 inputs (opportunities, win rate, days, factors) become decimals
// in one place, after NaN and ±Inf are rejected, as the shortest decimal
// that reads back as the same float64 (0.1 is 0.1). Products are exact; a
// division keeps at least 20 significant digits and 16 decimal places,
// rounded half away from zero. The package never sets decimal's global
// settings. Money shares of a decomposition are rounded to cents
// ([MoneyPlaces]) with the remainder on the largest share, so they sum
// exactly. The forecast sums int64 cents in its inner loop (amounts rounded
// half to even to the cent) and converts back to decimals at the end.
//
// # Errors
//
// Bad input returns an error that names the lever, input or deal at fault
// (*[LeverError], *[InputError], *[DealError]) and wraps one of the
// sentinels ([ErrNotFinite], [ErrNegative], [ErrZeroCycle], [ErrRateRange],
// [ErrUnreachable], [ErrLogZero], [ErrUndefined], [ErrOutOfRange],
// [ErrUnknownStage], [ErrInvalidDeal], [ErrNoData]) for [errors.Is]. No
// function panics on data and no result holds a NaN or an infinity. A
// lever the deals do not define (the ASP of a group with no won deal) is
// flagged, never reported as zero or NaN.
//
// # Concurrency
//
// Results are plain values with exported fields and json tags. Nothing
// holds global state or logs; every function is safe for concurrent use
// and never modifies its inputs. [Forecast] takes a context and stops when
// it is cancelled; with the same seed it gives the same answer, whatever
// the number of workers.
package velocity
