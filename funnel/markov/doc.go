// Package markov models a funnel as an absorbing Markov chain built from
// observed stage-to-stage moves, skips and regressions included, and
// answers from each stage: how often a deal comes back to each stage, how
// likely it ends won, and how many days it takes to close.
//
// # Model
//
// With L the funnel's last (won) stage, the transient states are the
// stages 0..L−1 a deal was seen to leave. Moves between consecutive events
// and, for lost deals, from the last event to Lost, are counted
// ([Counts]); won is absorbing, so events after a won deal's entry into L
// are ignored, and an open deal's current stage contributes no exit. Row
// i of P is the observed moves out of stage i over their number. With Q the
// transient block of P and R the transient → absorbing block,
//
//	N = (I − Q)⁻¹    N[i][j] = expected visits to j starting in i
//	B = N · R        B[i][Won] = probability of ending won from i
//	T = N · τ        T[i] = expected days to close from i
//
// where τ_j is the mean days per visit to j, over visits with a known time
// at both ends.
//
// A stage with no observed exit (only open deals sit there, or no deal
// entered it) is not guessed: moves into it go to a third absorbing state,
// Unresolved, so each row of B (won, lost, unresolved) still sums to 1,
// and [StageResult.PWonResolved] gives the chance of winning among the
// outcomes the chain resolves. A chain in which no deal entered the won
// stage is an error ([ErrNoPathToWon]), as is one with stages that only
// move among themselves, which makes I − Q singular ([ErrSingular]).
//
// # Units
//
// Probabilities are float64 in [0, 1]; visits are expected counts; days
// are float64 counts of 24-hour days.
//
// # Errors
//
// Errors wrap [ErrNoPathToWon], [ErrSingular], [ErrFunnelMismatch] or
// [ErrBadCounts], [funnel.ErrNoData] when no move was observed, or a
// deal's *[funnel.DealError] from [funnel.Deal.Validate]. Test with
// [errors.Is]. Nothing panics on data; no result holds NaN or an
// infinity.
//
// # Scaling
//
// [Counts] are sums over deals: count shards apart, [Counts.Merge] them,
// then [Counts.Solve] once. Functions never modify their inputs and are
// safe for concurrent use; a Counts is not safe for concurrent Add.
package markov
