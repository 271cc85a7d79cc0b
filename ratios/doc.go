// Package ratios is how a sales manager coaches from numbers: the
// conversion between each required step of the funnel for every rep,
// who is best at each step, and that rep made the benchmark for everyone
// else, with a role model per stage rather than one superstar. It tells
// a gap from noise, adjusts for the mix of deals each rep was given,
// measures the micro metrics behind the stage rates and diagnoses a rep
// in four areas (effort, capturing interest, qualifying, closing).
//
// # Input
//
// Every analysis takes a [funnel.Funnel] and the per-rep [funnel.Counts]
// of a [funnel.Tally] grouped by owner (Tally.Groups), or counts built
// from plain numbers with [funnel.FromReached] for callers without deals.
// A rep is named by its Key, the values joined by "/" when the tally is
// grouped by more than one attribute ([Name]). The team is the sum of the
// reps ([funnel.Sum]). Rates, intervals, tests and shrinkage are the core's
// ([funnel.Rate], [funnel.Table], [funnel.CompareRates], [funnel.Shrink]);
// this package chooses among them and ranks.
//
// # Mix
//
// A rep's later-stage rate depends on what reached the earlier stage and
// on the deals the rep was given. [Standardize] reads the Counts of a
// Tally grouped by rep and one more attribute, the stratum (segment,
// source, deal-size band), keyed [rep, stratum], and gives every rep's
// resolved step into each stage raw and at the team's mix (direct
// standardization), beside its rate in each stratum:
//
//	standardized = Σ_s w_s·K_s/N_s,  w_s = N_team,s / N_team
//
// where K_s of N_s is the rep's resolved step within stratum s and w_s
// the team's share of the step's resolved trials in it. A rep with no
// trials in a stratum where the team has some has no standardized rate
// there (null); the documented fill takes the team's stratum rate instead
// and names the strata it filled. With the source as the stratum, the
// per-stratum rates are the split of a rep's results by source
// (self-sourced or handed over).
//
// # Micro metrics
//
// A [Metric] is a named ratio kept with its parts, so that metrics add up
// across reps and a gap can be tested: Num of Den for a share or a count
// per unit, Days over Den for a mean in days, Money over Den for money per
// unit ([MetricKind]). [Measure] works out every rep's and the team's from
// a Tally grouped by owner and source and the activity report of
// [pipeline.Activity]: days from assignment to first touch, untouched open
// deals, touches per won and per lost deal, contacts per account, touches
// per initial meeting, the share of inbound leads qualified, the share of
// opportunities from lead flow, qualified prospects to opportunities,
// follow-up meetings per initial meeting, happy ears (lost deals with N or
// more meetings, of lost deals), win rate, deal size, cycle and bookings
// per meeting ([MetricName] gives each formula). A caller with its own
// numbers builds them with [CountMetric], [DaysMetric], [MoneyMetric] and
// [NewRepMetrics]. A metric the caller has no data for is missing
// ([NoData]) and one with a zero denominator is undefined
// ([ZeroDenominator]): both have a null value, never 0 and never NaN.
//
// # Diagnosis
//
// [Diagnose] scores a rep against the rest of the team (the sum of the
// other reps' parts) in four areas ([Area]): effort, capturing interest,
// qualifying and closing. Each line gives the rep's value, the rest's, the
// gap and its relative size,
//
//	Relative = (rep − rest) / max(rep, rest)
//
// and whether the gap is beyond noise: a share by the two-proportion z
// test (Fisher's exact test when an expected count is below 5), a count
// per unit by the conditional test of two Poisson rates (x₁ of x₁ + x₂
// events binomial with p = t₁/(t₁ + t₂) under equal rates), a mean from
// sums only untested, with the reason. The tests of a scorecard are
// adjusted together by Benjamini–Hochberg at a false discovery rate of
// [DefaultFDR] (0.10) by default, as for the benchmark. The area to coach first is the weak area (a gap beyond
// noise in the worse direction) with the largest relative shortfall, the
// earlier area on a tie, and none when no gap is beyond noise.
//
// # Benchmark
//
// [Benchmark] takes the reps' counts and, for every step from stage k−1
// into stage k, scores each rep's resolved step K of N by a [Rule]:
//
//	RuleShrunk (default)  (K + α)/(N + α + β), the team's Beta prior at the step (funnel.ShrinkWith)
//	RuleWilson            the one-sided Wilson lower bound at the confidence level (funnel.Rate.LowerBound)
//	RuleRaw               K/N
//
// among the reps with at least MinTrials resolved trials there (10 by
// default). The best score is the step's role model ([RoleModel]); ties go
// to more resolved trials, then to the name first in byte order, then to
// the rep given first. The role models together are the role-model
// funnel, one per step rather than one superstar. By default a 3 of 3 is
// never crowned over a 45 of 60: shrinkage pulls it towards a team that
// converts below about 74%, and three trials are below the floor in any
// team.
//
// Each rep's table ([funnel.NewTable]) has its naive and resolved steps
// with Wilson intervals and its [funnel.Gap] to the role models' resolved
// rates b. Its [Lever] at step j, where it is behind, is what matching b
// there alone would bring, at the rep's own later rates r:
//
//	extra_j = N_j × b_j − K_j                      (Gap.Shortfall)
//	extra_m = extra_j × Π_{i=j+1..m} r_i,  m > j
//	extra bookings = extra won × value of a won deal, to the cent
//
// the value being the caller's or the team's average won amount
// ([funnel.Counts.AvgWon]); bookings are null, never zero, without one.
// A rep's levers are ranked by extra bookings, then extra won: the
// biggest first.
//
// # Signal and noise
//
// A gap may be noise. At every step each rep's resolved step (A) is
// compared with the rest of the team's, the team less the rep (B), as a
// [Contrast]: the difference p̂A − p̂B with its sign and Newcombe interval
// and the pooled two-proportion z test ([funnel.CompareRates]), or
// Fisher's exact test ([funnel.FisherExact]) when the 2 × 2 table's
// smallest expected count,
//
//	min(N_A, N_B) × min(K_A + K_B, N_A + N_B − K_A − K_B) / (N_A + N_B)
//
// is below 5 (Cochran's rule); and the posterior probability that the
// rep's true rate is below the rest's under the step's prior,
// [funnel.PBelow] of Beta(α + K_A, β + N_A − K_A) and Beta(α + K_B,
// β + N_B − K_B). The p-values of the whole rep × step grid are adjusted
// together by Benjamini–Hochberg ([funnel.BenjaminiHochberg]) at a false
// discovery rate of 0.10 by default, and a cell is beyond noise only when
// it is a discovery: of the gaps flagged, about one in ten may be noise,
// and no rep is coached on a gap the data cannot tell from chance.
//
// # Period over period
//
// [Movers] matches the reps of two periods by name and compares each
// step's resolved rate after with before ([funnel.Compare]), as a
// [Contrast]: Diff = after − before with its interval and p-value, the
// false discovery rate controlled across every rep × step cell, and a
// move beyond noise only when it is a discovery. Reps in one period only
// are listed, not dropped.
//
// # Errors
//
// Errors are the module's typed errors ([funnel.InputError],
// [funnel.StageError]) with Op naming the function ("ratios.Benchmark"),
// wrapping the sentinels of package funnel: [funnel.ErrNoData] for no
// reps, [funnel.ErrLengthMismatch] for counts of another funnel,
// [funnel.ErrCountsRise], [funnel.ErrNegativeCount] and the other errors of
// [funnel.Counts.Check] for invalid counts, [funnel.ErrOutOfRange] for an
// option out of its domain. Test with errors.Is and errors.As. No function
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
// Benchmark, Benchmark (levers), Benchmark (signal), Movers, Standardize,
// Diagnose, Measure. Worked cases as programs: examples/review (reps
// against the role models, the diagnosis), examples/aeteam (a four-area
// diagnosis).
package ratios
