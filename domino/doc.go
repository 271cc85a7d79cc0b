// Package domino is the math of "what if a lever moves": revenue as a
// chain of levers (the top volume, the domino activity such as cold calls
// or DMs; the ordered stage conversion rates; the average selling price;
// optionally the cycle), the compounding of small gains ("10% better at
// each of five stages is 61% more revenue"), the sensitivity of revenue
// to each lever, the gain needed for next year's target, capacity limits,
// the domino itself (the earliest step whose gain moves everything after
// it), the uncertainty of revenue from the counts behind each rate, and
// which activity drives output.
//
// # The chain
//
// A [Chain] is revenue as a product of levers,
//
//	revenue = Top × Π rates × ASP   (÷ cycle days: revenue per day)
//
// built from plain numbers ([NewChain]) or a funnel's counts ([ChainOf],
// resolved rates). Its levers are numbered: 0 the top, 1 + k the rate of
// stage k, then the ASP and the cycle. Volumes (top, ASP) multiply, rates
// multiply and are capped at 1, a divisor (the cycle) divides. The
// recruiting chain: 1,000 DMs at 30%, 50%, 60%, 40% and 25% is 9 placements,
// $180,000 at $20,000.
//
// # Gains and caps
//
// [Apply] moves levers by a [Gain]: relative (+0.10 is 10% better; on a
// divisor 10% shorter, factor 1/0.9), absolute points, or a new value; it
// returns the volume at every step and the revenue, and lists every rate
// capped at 1 with what was asked. [Uniform] applies one relative gain to
// chosen levers: 10% on five multiplicative levers is 1.1⁵ − 1 = +61.05%,
// 10% on opportunities, win rate and deal size with a 10% shorter cycle is
// 1.1³/0.9 − 1 = +47.9%, and on the recruiting chain 10% on the DMs and the
// five rates is 1.1⁶ − 1 = +77.16%.
//
// # Inverse
//
// [Inverse] finds the uniform gain on chosen levers that reaches a revenue
// growth: (1 + X)^(1/n) − 1 in closed form without caps or divisors
// (+25% over six levers is 3.789% each), and by bisection with caps and
// divisors. Its Plan is next year's chain and volumes at every stage (the
// year-two plan; per rep and for the team, run it on each rep's chain and
// the team's, [ChainOf] of a Tally's groups and of funnel.Sum of them); a
// growth out of reach under the caps says so, with the best reachable. A
// revenue target in money is the growth target ÷ [Chain.Revenue] − 1.
//
// # Tornado and levers
//
// [TornadoOf] moves each lever alone by ±x (relative or points) and ranks
// the levers by the swing in revenue, with elasticities (1 for a volume or
// a rate below 1, 0 for a rate at 1, −1 for a divisor). Package velocity's
// Sensitivities computes its factors with [Factor], so "+10% on win rate"
// has one answer in the module.
//
// # Capacity and the domino
//
// [Fit] holds a chain to its [Capacity], the most volume each step can
// take per period (the meetings a rep can hold a week), optional per stage
// and on the top. The counts flow forward and each is held to its limit,
//
//	fit[k+1] = min(fit[k] × rate[k], limit[k+1])
//
// so what fits is the demand scaled by the tightest limit ÷ demand; that
// step binds and is named, and each limited step reports its slack. A gain
// upstream of the binding step only lengthens the queue there. On the
// recruiting chain with 30 interviews a period the 36 requested do not
// fit: 7.5 placements, $150,000.
//
// [FindDomino] names the domino, the earliest step whose gain moves every
// count after it: the top volume unless it is fixed (Chain.TopFixed), else
// the first rate strictly between 0 and 1; with a binding capacity, the
// first of those after the binding step. It gives the counts at every
// step and the revenue after a relative gain on it, fitted to the
// capacity.
//
// [RankLevers] answers which lever to pull, which a uniform gain cannot (a
// uniform 10% always moves the cycle most): each lever alone is moved to a
// reference chain's value (the team, the benchmark rep, last year) where
// the reference is better, and the levers are ranked by the revenue
// change, and by revenue per unit of effort when the caller gives what
// each improvement costs.
//
// # Uncertainty
//
// [Simulate] draws revenue by Monte Carlo when the stage rates are known
// only from their counts or from a stated belief ([UncertainRate]). Each
// rate is drawn from its Beta posterior, the prior Beta(α, β) (Jeffreys,
// Beta(½, ½), unless one is given, such as [funnel.PriorOf](mean, sd))
// updated by K successes of N trials:
//
//	r_i ~ Beta(α_i + K_i, β_i + N_i − K_i), independent
//	revenue = top × r_1 × … × r_n × ASP
//	E[revenue] = top × Π (α_i + K_i)/(α_i + β_i + N_i) × ASP
//
// The result has P10, P50 and P90 (exact quantiles of all draws), the
// mean and its exact value, and P(revenue >= target) for each target,
// with its standard error √(p(1 − p)/draws). As the counts grow at the
// same rates the median approaches the point estimate top × Π K_i/N_i ×
// ASP. The draws are made in blocks, each with its own PCG stream seeded
// from (Seed, block), so a seed gives the same figures for any number of
// workers; the context is checked before each block.
//
// # Drivers
//
// [Drivers] (named [Observation] values) and [DriversOf] (plain slices)
// ask, across reps or weeks, how much an activity count x explains output
// y: the least-squares line y = a + b·x with the slope's standard error,
//
//	SE(b) = √( Σ(yᵢ − a − b·xᵢ)² / (n − 2) / Σ(xᵢ − x̄)² ),
//
// its t-test t = b / SE(b) on n − 2 degrees of freedom, and R². For each
// confounder z the caller names (deal size, the cycle, a segment coded as
// a number), the partial correlation
//
//	r_xy·z = (r_xy − r_xz·r_yz) / √((1 − r_xz²)(1 − r_yz²)),
//	t = r_xy·z · √((n − 3) / (1 − r_xy·z²))   on n − 3 degrees of freedom,
//
// says whether the association is there with z held constant. It
// survives when r_xy·z keeps the sign of r_xy and its p-value is below
// alpha (5% unless set).
//
// Beware false correlation. The rep with the longest cycle may also have
// the largest deals, so cycle length "explains" bookings until deal size
// is controlled for. A high R² says activity and output move together,
// not that more activity causes more output; name the confounders you
// suspect, and read a partial correlation near 0 as "through the
// confounder". A correlation is not a plan.
//
// # Errors
//
// Errors are the module's typed errors ([funnel.InputError],
// [funnel.StageError]) with Op naming the function ("domino.Apply"),
// wrapping the sentinels of package funnel ([funnel.ErrOutOfRange],
// [funnel.ErrNotFinite], [funnel.ErrRateRange], [funnel.ErrLengthMismatch],
// [funnel.ErrNoData], ...). Test with errors.Is and errors.As. No function
// panics on data, and no result holds NaN or an infinity.
//
// # Concurrency
//
// Functions hold no state and never modify their inputs; they are safe
// for concurrent use.
//
// # Examples
//
// Runnable examples with their output (go doc -all, or the package page):
// the package example (recruitingChain), Apply, Inverse, Drivers,
// DriversOf, Simulate, Simulate (statedPrior), TornadoOf, Fit, RankLevers.
// Worked cases as programs: examples/recruiting (a recruiter's chain and
// the year-two plan), examples/review (the team's tornado and growth
// target).
package domino
