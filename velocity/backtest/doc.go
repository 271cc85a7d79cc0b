// Package backtest measures the quota forecast of package velocity on a
// team's own history: it replays the history as it stood at the start of
// each past period (a week, a month or a quarter), forecasts each rep's
// bookings and chance of reaching quota from what was known then, and
// compares the forecast with what happened.
//
// A forecast a manager can trust is one whose "70%" comes true about 70%
// of the time. [Run] reports, per period and overall:
//
//   - calibration: the forecasts binned by predicted P(hit) (0–0.1, …,
//     0.9–1), each bin with its count, mean predicted P(hit), the observed
//     share that hit ([funnel.Rate]) and its 95% Wilson interval;
//   - the Brier score, mean (P(hit) − hit)², beside two naive forecasts:
//     last period's attainment and the weighted pipeline;
//   - the share of actual bookings inside the forecast's P10–P90 band, and
//     the mean absolute error of its P50.
//
// # No look-ahead
//
// At a period's start s the replay sees only what was known at s: the
// deals that started before s, each with the stage events it had entered
// before s (an event without a time is not taken to have happened: nothing
// says it came before s), open unless it was won or lost before s. Win
// probabilities, times to close, rates of new deals and won amounts come
// from velocity.BuildForecast over that view with AsOf = s, so from the
// deals closed before s; velocity.Forecast draws the bookings. What
// happened comes from the whole history: the rep's deals won in [s, end).
//
// Two things an export keeps only as of today cannot be replayed: the
// amount (see [Pricing]: an export that writes the amount when a deal
// closes, as the Maven CRM sample does, gives a lost deal 0 and an open
// one none, which would leak the outcome) and the attributes, such as the
// owner. A snapshot export without stage dates, whose deals' stage events
// carry no time, has no stage as of a past date at all: [Run] reports it
// as an error.
//
// # Units
//
// Money (quotas, bookings, P10–P90, errors) is [decimal.Decimal] in the
// export's currency, rounded half to even to the cent. Probabilities and
// Brier scores are float64 in [0, 1]; shares are [funnel.Rate] with their
// counts. Periods are [funnel.Period] values, [start, end) in the location
// of the deals' times.
//
// # Errors
//
// Errors are the module's: a *[funnel.InputError] naming the option or
// "deals", or a *[funnel.DealError] naming the deal, with Op
// "backtest.Run", each wrapping a sentinel of package funnel for
// [errors.Is]. A stream's own error is returned as it is.
//
// # Concurrency
//
// [Run] holds no state between calls and never modifies its inputs; it is
// safe for concurrent use. It takes a context and stops when it is
// cancelled. With the same Seed it gives the same report, whatever the
// number of workers.
package backtest
