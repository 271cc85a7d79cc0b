// Package funnel is the vocabulary of sales-funnel math: an ordered list of
// required stages, rates kept with their counts and their uncertainty,
// conversion between stages, the reverse funnel, Little's law, deals with
// their stage histories, and the mergeable Tally that the other funnelmath
// packages read.
//
// # Stages
//
// A [Funnel] is an ordered list of required stages, from the first (a
// lead, an outreach) to the last, which is the won stage; build one with
// [New], which rejects an empty list, blank names and duplicates. Stages
// are named in the API and indexed in the data: [Funnel.Index] maps a name
// to its position.
//
// # The funnel table
//
// [NewTable] is the one conversion table of a funnel, from the [Counts]
// of a [Tally] (a group or the total) or from plain counts ([FromReached]).
// It has one [Row] per stage, and the indexing convention of the whole
// module is that row k is stage k and its step is the step into stage k
// from stage k−1 (the first row has none). Each row has the deals that
// reached the stage, the deals still open there (Pending), the naive step
// (Step), the resolved step (Resolved), which leaves the previous stage's
// open deals out of the trials, the deals lost on the step (open deals are
// never counted as lost), the cumulative conversion from the first stage,
// the money that reached the stage, and optionally Wilson intervals and the
// gap to a benchmark; the table names its weakest resolved step. For 200,
// 80, 40, 12, 6 closed deals (lead, qualified, meeting, proposal, won) the
// steps are 0.40, 0.50, 0.30, 0.50, the weakest is into proposal and the
// overall conversion is 0.03. [Compare] puts two tables side by side.
//
// [Funnel.Reverse] runs the other way: from a target at any stage and the
// step rates, the volume needed at every earlier stage,
//
//	Exact[i] = target / Π rates[i..t−1],  Whole[i] = ⌈Whole[i+1] / rates[i]⌉
//
// so 10 won at 0.4, 0.5, 0.3, 0.5 need 20 proposals, 67 meetings, 134
// qualified and 335 leads (333.33 exactly). [Table.Rates] and
// [RateValues] give it rates measured from counts.
//
// Little's law ties three averages of a funnel in a steady state,
//
//	live deals = arrivals per day × days open
//
// and [LiveDeals], [ArrivalsPerDay] and [DaysOpen] solve it for any one of
// them; [DaysPerResolution] says how often one deal resolves: a job seeker
// with six live initiatives and a 30-day cycle hears back about every five
// days. [ReferralVolume] is the top of a funnel that feeds itself,
// base / (1 − r).
//
// # Rates and uncertainty
//
// A [Rate] is a proportion kept with its counts, K successes of N trials,
// never a bare float: 3 of 3 and 300 of 300 are both 100%, but only one of
// them is a benchmark. [Rate.Wilson] and [Rate.Jeffreys] give confidence
// intervals for it ([Interval]), and both stay inside [0, 1] and behave at
// 0 of N and N of N, where the textbook normal interval collapses. For 6
// of 20 at 95%, Wilson gives [0.145, 0.519] and Jeffreys [0.136, 0.517].
//
// Across a team, [Shrink] fits a Beta(α, β) prior to the reps' counts by
// the method of moments, allowing for binomial noise, and shrinks each rate
// to (K + α)/(N + α + β): a rep's own evidence against the team's. A rep
// with 3 won of 3 is then pulled far towards the team and one with 45 of
// 60 hardly at all, so [Shrinkage.Ranking] does not crown the lucky streak.
// When the moments cannot be used (one rep, no spread beyond noise, a
// pooled rate of 0 or 1) the prior is a documented fallback; see
// [FitReason]. [ShrinkWith] chooses the estimator of the prior
// ([PriorEstimator]: trial-weighted moments, the default; the textbook
// beta-binomial moments; maximum likelihood) or takes a prior stated from
// a mean and a spread ([PriorOf]); every shrunk rate keeps its posterior
// Beta ([Posterior]), and [PBelow] is the probability that one posterior's
// rate is below another's.
//
// # Tests on counts
//
// The tests live here so that every package uses one: [ChiSquareTest] of
// an r × c table (Yates' correction as an option for 2 × 2),
// [FisherExact] for small 2 × 2 tables, [Rate.Test] of a rate against a
// stated p (exact binomial and score), [CompareRates] for two rates (the
// difference with its sign, the pooled z test and Newcombe's interval),
// and [BenjaminiHochberg] to control the false discovery rate over many
// tests at once. Beside Wilson and Jeffreys, [Rate.AgrestiCoull] and
// one-sided bounds ([Rate.LowerBound], [Rate.UpperBound]). Each is checked
// in the tests against R's chisq.test, fisher.test, binom.test, prop.test
// and p.adjust.
//
// # Deals and reach
//
// A [Deal] is one opportunity with its stage history: events ([Event]) in
// time order, an [Outcome] (open, won or lost), an optional amount and
// attributes such as owner, segment and source. A deal may skip a stage,
// move back or start mid-funnel. Whether it reached a stage is a [Reach]
// rule: under [Implied], the default, a deal reached every stage up to the
// furthest it entered, so counts never rise down the funnel; under
// [Strict] only the stages it entered count. [Deal.Validate] checks a deal
// against a funnel. A lost deal may have no events: created straight as
// lost, it counts in the win rate and reached no stage.
//
// # The Tally
//
// A [Tally] aggregates deals in one pass, grouped by any attributes
// ([NewTally] with "owner", "segment", "source" or any column of the
// export; distinct tuples of values are distinct groups), into [Counts]:
// deals reaching each stage under both reach rules, won, lost and open, the
// open deals still at each stage, the money reaching each stage, and the
// durations (cycle, time in stage, time from each stage to a win) as
// [Durations], sparse day histograms whose mean is exact and whose
// percentiles are exact to the day (interpolated as Excel, pandas and R
// do by default; [Durations.NearestRankDays] for the nearest rank).
// [Tally.AddAll] takes a reader's stream and returns its error. Time in
// stage is measured over a deal's [Deal.Stays]: an export that writes a row
// whenever an amount or a close date changes gives several events for one
// stay in a stage, and they are one stay, not several short visits.
//
// Every field of [Counts] is a sum over deals, so tallies of disjoint
// deals merge: a.Merge(b) equals one pass over both, which is how a large
// data set is tallied in shards, in parallel or on several machines (a
// Tally encodes to JSON and back, and a decoded one is checked with
// [Counts.Check]). Sums that would pass an int64 are errors, never wrapped
// values. [CohortTally] groups deals by the week, month or quarter they
// entered and counts conversions within a window, marking the cohorts
// whose window has not closed as immature rather than showing them as low
// conversion; it merges and travels as JSON the same way.
//
// # Units
//
// Counts are int64 deals. Rates and probabilities are float64 in [0, 1],
// with their counts beside them in a [Rate]; a difference of rates is in
// rate units (0.05 is five percentage points). Money is
// [github.com/shopspring/decimal.Decimal], never a float: amounts, values
// per stage. Volumes from the reverse funnel are deals, exact (float64)
// and whole (int64, at most 2^53). Little's law takes days and deals per
// day as float64 whose names say so.
//
// Results are plain values with exported fields and json tags, safe for
// concurrent use. In JSON a rate is {"k", "n", "value"}, a ratio ([Ratio],
// a quotient that may pass 1) {"num", "den", "value"}, money a person
// reads is rounded to cents (the sums in aggregates stay exact), durations
// are days in fields named *_days, and an undefined figure is null
// ([NullFloat64], [decimal.NullDecimal]). No function modifies its inputs;
// only the aggregates change, through their own Add and Merge methods.
//
// # Errors
//
// The sentinels of errors.go are the module's one error family: every
// funnelmath package returns errors that wrap one of them (or a sentinel
// of its own for a failure only it has), so one errors.Is test serves
// every package. Bad input returns an error, never a panic, NaN or
// infinity. Every error of this package wraps one of the sentinels, such as
// [ErrNegativeCount], [ErrCountsRise], [ErrRateRange] or [ErrZeroRate], and
// is one of the typed errors [StageError] (naming a stage and its index),
// [InputError] (naming an input such as "rates[2]", "confidence" or, in a
// decoded document, "groups[1].won_amount", and its value) or [DealError]
// (naming a deal), for [errors.As]; other packages return the same types
// with their own Op, such as "velocity.Solve", so an error's text has one
// package prefix and names each thing once. A decoder (UnmarshalJSON)
// returns these too; note that json.Unmarshal checks a document's syntax
// before it calls the decoder, so a truncated document given to
// json.Unmarshal fails with encoding/json's *json.SyntaxError, while the
// decoder called directly returns this package's error. Only what the
// calling code controls panics, and the function's documentation says so:
// [MustNew] with stage names fixed in the program, [Funnel.Stage] with an
// index out of range.
//
// # Examples
//
// Runnable examples with their output (go doc -all, or the package page):
// the package example, NewTable, NewTable (benchmark), Rate.Wilson,
// Rate.Jeffreys, Shrink, Funnel.Reverse, Table.Rates, DaysPerResolution,
// DaysOpen, ReferralVolume, ChiSquareTest, FisherExact, Rate.Test,
// CompareRates, BenjaminiHochberg, PBelow, ShrinkWith, ShrinkWith
// (estimators), Tally, Tally.Merge, Durations, CohortTally, Compare,
// DurationsFromBins, FromGroupSums, Tally.MarshalBinary. Worked cases as
// programs:
// examples/quickstart (the funnel table and the reverse funnel),
// examples/review (the team funnel of a CRM export), examples/jobsearch (a
// job search as a funnel), and, in modules of their own, examples/beam (the
// Tally on Apache Beam) and examples/warehouse (a PostgreSQL table read
// through crm.FromRows, and a GROUP BY turned into Counts by
// FromGroupSums).
package funnel
