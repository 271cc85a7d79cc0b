// Package markov models a funnel as an absorbing Markov chain built from
// observed stage-to-stage moves, skips and regressions included, and
// answers from each stage: how often a deal comes back to each stage, how
// likely it ends won, and how many days it takes to close. It also solves
// a chain given as plain numbers ([Matrix]), as textbook and planning
// cases state one.
//
// # Model
//
// With L the funnel's last (won) stage, the transient states are the
// stages 0..L−1 a deal was seen to leave. Moves between consecutive stays
// ([funnel.Deal.Stays]: repeated rows at one stage, as Salesforce's
// OpportunityHistory writes at each amount change, are one stay) and, for
// lost deals, from the last stay to Lost, are counted ([Transitions]); won
// is absorbing, so stays after a won deal's entry into L are ignored, and
// an open deal's current stage contributes no exit. Row i of P is the
// observed moves out of stage i over their number. With Q the transient
// block of P and R the transient → absorbing block,
//
//	N = (I − Q)⁻¹    N[i][j] = expected visits to j starting in i
//	B = N · R        B[i][Won] = probability of ending won from i
//	t = N · 1        t[i] = expected stage visits before closing
//	T = N · τ        T[i] = expected days to close from i
//
// where τ_j is the mean days per visit to j, over visits with a known time
// at both ends. [Matrix.Solve] and [Transitions.Solve] share one solver.
//
// A stage with no observed exit (only open deals sit there, or no deal
// entered it) is not guessed: moves into it go to a third absorbing state,
// Unresolved, so each row of B (won, lost, unresolved) still sums to 1,
// and [StageResult.PWonResolved] gives the chance of winning among the
// outcomes the chain resolves. A chain in which no deal entered the won
// stage is an error ([ErrNoPathToWon]), as is one with stages that only
// move among themselves, which makes I − Q singular ([ErrSingular]).
//
// # The chain's P(won) or the tally's
//
// [funnel.Counts.WinProbability](k) is a plain share: of the closed deals
// that reached stage k, the fraction won. The chain's PWon from stage k
// is built from the moves out of every stage, so it sees what the share
// cannot: a deal now at k that skips ahead, or moves back and has another
// go, and a process that has changed between stages (each step's odds are
// estimated from every deal that took it, not only from those that
// started at k). Prefer the chain with many deals per stage and histories
// that move back and forth, and for expected visits and days to close,
// which the share does not give.
//
// Prefer the share with few deals: it is one k of n with an honest
// interval ([funnel.Rate.Wilson]), while the chain estimates a whole row
// of probabilities per stage, and a stage left only a handful of times
// makes every figure that passes through it noisy. The chain also assumes
// that where a deal goes next depends only on the stage it is in, not on
// how it got there or how long it has sat; when that is false (a deal
// that moved back is less likely to win than one at the same stage for
// the first time), the share of closed deals, which assumes nothing, is
// the safer figure. When every deal is closed and none skips or moves
// back, the two are equal: the chain's product of step rates telescopes
// to Won / Reached[k].
//
// # Units
//
// Probabilities are float64 in [0, 1]; visits and steps are expected
// counts; days are float64 counts of 24-hour days, in fields named *_days
// in JSON. A figure the chain cannot give (days through a stage with no
// timed visit, the chance of winning among no resolved outcome) is a
// [funnel.NullFloat64], null in JSON.
//
// # Errors
//
// Errors are the module's typed errors (*[funnel.StageError],
// *[funnel.InputError], *[funnel.DealError]) with an Op such as
// "markov.Solve", wrapping [ErrNoPathToWon], [ErrSingular] or a sentinel
// of package funnel: [funnel.ErrIncompatible] for a merge over different
// funnels, [funnel.ErrLengthMismatch], [funnel.ErrNegativeCount],
// [funnel.ErrNotFinite], [funnel.ErrNegative] and [funnel.ErrOutOfRange]
// for transitions no deals could give, [funnel.ErrNoData] when no move
// was observed, [funnel.ErrCountsRise] for more timed visits than exits,
// [funnel.ErrZeroDate] for a deal with a date the model cannot hold
// (before 0001-01-01 UTC, after the year 9999, or more than a day off
// UTC), and a deal's failure of [funnel.Deal.Validate] with the markov Op.
// A stream's own error comes back as it is. Every type decodes from JSON
// with an error that names the place at fault, such as moves[1][3] or
// results[0].steps, and decoded [Transitions] are checked as Solve checks
// them. Test with [errors.Is]. Nothing panics on data; no result holds NaN
// or an infinity. Sums of counts that would pass an int64 (merging
// shards, adding to counts near the limit) are errors wrapping
// [funnel.ErrOutOfRange], never counts that wrapped.
//
// # Scaling
//
// [Transitions] are sums over deals: count shards apart, [Transitions.Merge]
// them, then [Transitions.Solve] once. Functions never modify their inputs
// and are safe for concurrent use; a Transitions is not safe for
// concurrent Add.
//
// # Examples
//
// Runnable examples with their output (go doc -all, or the package page):
// Build, Transitions.Merge, Transitions.Solve (unresolved), Build
// (noPathToWon), Build (stays), Matrix.Solve, Transitions.UnmarshalJSON.
// Worked cases as programs: examples/review reads the same kind of deals;
// a chain's P(won) from each stage can feed velocity.BuildForecast.
package markov
