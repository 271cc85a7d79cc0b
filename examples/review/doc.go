// Command review is the sales review: a manager's 1:1 and team review of a
// CRM export, built on the module's packages (it computes nothing itself).
//
//	go run ./examples/review                 # the embedded sample team
//	go run ./examples/review -json           # the same as one JSON document
//	go run ./examples/review -svg charts/    # and the charts, as SVG (-png for PNG)
//	go run ./examples/review -h              # every flag, with examples
//
// With no flags it reviews the embedded sample (sample/: ten reps and one
// who left, SMB and Enterprise, inbound and outbound, some 840 deals with
// their stage histories, an activity log, inherited deals and quarterly
// quotas). With -in it reads a CRM export: -format long (a row per stage
// entry), wide (a date column per stage) or snapshot (a row per deal),
// -preset salesforce or hubspot, the column-mapping flags (-id, -stage,
// -at, -owner, -amount, -stage-dates ...), -stages for the funnel's order,
// -activities for an activity log and -quotas or -quota for the forecast.
// A bad row stops the review with its line, column and value (-lenient
// skips it, reports it on stderr and goes on).
//
// The review date is -as-of (default the data's last date): deals are seen
// as they stood then (funnel.Deal.AsOf). The reviewed period is the last
// full -period (quarter, month or week) before it; the current period is
// the one that holds it. The review prints, in order:
//
//  1. the team funnel (package funnel): counts reached, the naive and the
//     resolved step into each stage with 95% Wilson intervals, % of the
//     first stage, the weakest step; time in stage; each rep's outcomes;
//  2. each rep's funnel against the per-stage benchmarks (package ratios):
//     the role model at each step, the rep's gap in points, and the rep's
//     biggest lever in extra deals won and bookings;
//  3. the four levers per rep over the reviewed period (package velocity):
//     O, W, ASP, C, V per day, V × T beside the actual bookings, and the
//     decomposition of the rep's gap to the average rep;
//  4. the 1:1 pipeline dashboard per rep as of the date (package
//     funnel/pipeline): open deals and pipeline, stuck, untouched, past
//     due, median age, days between touches, touches per open deal, and
//     the deals new, advanced, won and lost in the current period so far;
//  5. micro metrics per rep, with an activity log (package ratios);
//  6. the four-area diagnosis of the rep furthest below the team;
//  7. the domino (package domino): the tornado, the levers ranked against
//     the role models' rates, ten per cent on every lever, and the uniform
//     gain for the -growth target;
//  8. activity targets for the current period's quota, triangulated
//     (package ratios/target);
//  9. the quota forecast: P10, P50, P90 and P(hit) per rep (velocity);
//  10. the forecast call for the current period (package funnel/pipeline,
//     Coverage): per rep and for the team, the quota, won so far, the
//     quota still to book, the open pipeline expected to close in the
//     period and its coverage (overall, and by stage for the team), the
//     pipeline weighted by each stage's measured win rate (and by the CRM's
//     own probability with -probability), and the forecast categories:
//     commit (at the last open stage, closing in the period), best case
//     (closing in the period at a stage that won 30% or more of its closed
//     deals), pipeline (the rest closing in it) and omitted;
//  11. with -backtest (the same period as -period, since the quotas are
//     per period), the quota forecast replayed at the start of each past
//     period from what was known then (package velocity/backtest), beside
//     what happened: per period the reps hitting quota, the Brier score
//     beside last period's attainment and the weighted pipeline, the share
//     of actuals inside P10–P90 and the mean absolute error of the P50;
//     then the calibration table (predicted P(hit) against the share that
//     hit, with its 95% Wilson interval). A snapshot export (-format
//     snapshot) is priced at each rep's mean won amount, as its amounts
//     are today's.
//
// A section the data cannot support is left out with the reason.
//
// # JSON
//
// -json prints the [Review] value: one object whose keys are
//
//	source, as_of, period, current, window   the input and the dates ({label, from, to})
//	deals, known, counted, skipped_rows, unmatched_activities, activities
//	team          funnel.Table: {rule, stages: [{stage, reached, pending, step, resolved, lost,
//	              cumulative, step_ci, resolved_ci, money}], weakest, weakest_stage, overall}
//	stage_time    [funnel.Summary]: {n, mean_days, median_days, p90_days, max_days} per stage
//	reps          [{rep, deals, won, lost, open, win_rate: {k, n, value}, win_ci, avg_won, won_cycle}]
//	benchmark     ratios.Report: {role_models, reps: [{name, table, steps, levers}], team, ...}
//	velocity      {report: velocity.Report, average: velocity.Levers,
//	              reps: [{rep, measured, levers, velocity_per_day, gap: velocity.Decomposition,
//	              best: velocity.GapRanking, reason}]}
//	pipeline      [{rep, health: pipeline.HealthReport (without per-deal rows),
//	              moved: pipeline.Movement, age: funnel.Summary, touches_per_open}]
//	metrics       ratios.MetricsReport, null without an activity log
//	diagnosis     ratios.Diagnosis
//	domino        {chain, tornado, ranking, ten_percent: domino.Outcome, target: domino.Target}
//	targets       [{rep, quota, triangulation: target.Triangulation}]
//	forecast      velocity.ForecastResult
//	ages          [{stage, days: [...]}], the open deals' ages by stage
//	coverage      pipeline.CoverageReport: {at, from, to, stage_win, team, reps: [{rep, quota, won, to_go,
//	              met, open, pipeline, no_expected_close, coverage, by_stage, weighted, crm_weighted,
//	              no_probability, categories: [{category, deals, priced, unpriced, amount}]}], no_rep, undated}
//	backtest      backtest.Report, null without -backtest: {period, pricing, draws, seed, periods: [{label,
//	              start, end, reps, no_quota, scores}], skipped, overall: {forecasts, hits, brier,
//	              brier_last, brier_weighted, in_band, mae, calibration: [{lo, hi, forecasts,
//	              mean_predicted, observed, interval, within}]}, held, undated}
//	skipped       [{section, reason}]
//
// each field as its package documents it: rates are {k, n, value}, money a
// decimal string, figures in days in *_days fields, undefined figures null.
//
// # Reports
//
// -report owner-funnel -o csv prints the per-owner table of the bench
// (shared/bench/README.md: owner, stage, reached, conv_to_next, win_rate,
// avg_selling_price, mean_cycle_days), streaming the file into a
// funnel.Tally.
package main
