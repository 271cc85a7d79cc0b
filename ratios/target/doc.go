// Package target turns a quota into targets a rep controls: an activity
// target asked several ways so that it is a defensible range, the volume
// needed at every stage of the funnel at three sets of rates, and a
// performance plan from a rep's current value of a metric to its target
// with weekly checkpoints, checked against the actual weeks.
//
// "Increase your win rate 10%" is a distant goalpost; "hold 7 first
// meetings a week" is an activity the rep controls. The targets are built
// on the ratios package's benchmark (the role models' rates) and the
// core's reverse funnel ([funnel.Funnel.Reverse]).
//
// # Triangulation
//
// Triangulate asks for an activity target (meetings, calls, first
// interviews: the caller names it) for a quota over a period four ways,
// each with its working (formula and terms), with W = quota ÷ ASP the won
// deals needed and w the win rate:
//
//	process          activities per won × W
//	win rate         activities per won × W + activities per lost × W × (1 − w)/w
//	efficiency       quota ÷ team bookings per activity
//	best performers  quota ÷ best performers' bookings per activity,
//	                 or W ÷ Π role-model rates from the activity's stage to won
//
// Together they are a range, Low to High, per period and per week, and
// the target picked at an aggressiveness a in [0, 1] is
//
//	pick = Low + a × (High − Low)
//
// a = 0 asks for the fewest activities, a = 1 for the most: the higher
// target is the more demanding for the rep and the more conservative for
// the quota. Activities are float64 exact and whole (rounded up); money is
// decimal. A method without its data is left out with the reason; with
// none left the error wraps [funnel.ErrNoData]. The inputs are numbers or
// measured from a group's counts and activity (Measure, FromMeasured), so
// that a rep, a team or a segment each has its target. Quota $300,000 over
// 13 weeks, ASP $25,000, 4 meetings per won deal and 2 per lost, win rate
// 25%, $2,500 of the team's bookings per meeting and $3,000 of the best
// performers': 48, 120, 120 and 100 meetings; 48 to 120 (3.69 to 9.23 a
// week), and 84 (6.46 a week) at a = 0.5.
//
// # Reverse funnel three ways
//
// ReverseThree takes a bookings target back to the volume needed at every
// stage, at the rep's own rates, the team's and the benchmark's (the role
// models' resolved rates of a [ratios.Benchmark] report, RoleModelRates,
// or rates given):
//
//	won needed = target ÷ ASP
//	Exact[i]   = won needed ÷ Π_{j=i..last−1} rates[j]
//	Whole[i]   = ⌈Whole[i+1] ÷ rates[i]⌉
//
// each by [funnel.Funnel.Reverse]. A way without rates, or with a zero
// rate on its path, is left out with the reason. StepRates gives a
// group's resolved step rates from its counts.
//
// # Plans
//
// NewPlan makes a performance improvement plan: from a rep's current value
// of each chosen metric (a Goal: a per-unit ratio such as follow-up
// meetings per initial meeting, a share K of N, or a count per week) to
// its target over n weeks from a start date, with a Checkpoint at the end
// of every week i, due Start + 7·i calendar days, holding the value due
// then:
//
//	value(i) = current + (target − current) · s(i),  value(n) = target
//	Linear:      s(i) = i/n
//	FrontLoaded: s(i) = 1 − (1 − i/n)²
//
// Each value lies between the current value and the target, moves
// monotonically from one to the other and ends on the target exactly.
// Which way is better is stated or inferred from the goal (a target below
// the current value is lower-is-better). From 0.33 to 0.50 follow-ups per
// initial meeting over 6 weeks, week 3 is due 0.415 (linear) or 0.4575
// (front-loaded). Plans are plain values with dates in RFC 3339.
//
// # Checking a plan
//
// Check judges weekly actual counts (Actual: Num over Den) against a
// plan. A week not reported is pending, never behind. A reported week is
// on track or behind, by how much (Standing.Shortfall, in the metric's
// units, and as a share of the planned improvement), and behind is beyond
// noise when a one-sided test of the counts against the value v due has
// P < Alpha (5% by default):
//
//	shortfall = v − Num/Den   (higher is better; Num/Den − v when lower is)
//	share     = shortfall / |target − current|
//	ratio, count: P = P(X <= Num),  X ~ Poisson(v·Den)   (exact Poisson test)
//	share:        P = P(X <= Num),  X ~ Binomial(Den, v) ([funnel.Rate.Test])
//
// (P(X >= Num) when lower is better). Four follow-ups on 12 initial
// meetings in week 3, 0.333 against 0.415, is behind by 0.082, 48% of the
// improvement, with P = ppois(4, 4.98) = 0.444: within noise. The weeks
// reported are also pooled to date (sums of Num and Den against
// Σ v_i·Den_i).
//
// # Errors
//
// Errors are the module's typed errors ([funnel.InputError]) with Op
// naming the function ("target.Triangulate"), wrapping the sentinels of
// package funnel ([funnel.ErrOutOfRange], [funnel.ErrNotFinite],
// [funnel.ErrNegativeAmount], [funnel.ErrDateOrder], ...). Test with
// errors.Is and errors.As. No function panics on data, and no result holds
// NaN or an infinity.
//
// # Concurrency
//
// Functions hold no state and never modify their inputs; they are safe
// for concurrent use.
//
// # Examples
//
// Runnable examples with their output (go doc -all, or the package page):
// NewPlan, Check, Triangulate, ReverseThree. Worked cases as programs:
// examples/aeteam (a triangulated meetings target and a performance plan),
// examples/review (touch targets per rep).
package target
