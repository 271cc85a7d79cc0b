package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "review:", err)
		os.Exit(1)
	}
}

// run parses the arguments, reads the input and writes the review (or the
// report asked for) to stdout; usage and -h go to stderr.
func run(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	cfg, err := parseFlags(stderr, args)
	if err != nil {
		return err
	}
	if cfg.report != "" {
		return runReport(ctx, stdout, stderr, cfg)
	}
	in, err := load(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	rv, err := build(ctx, cfg, in)
	if err != nil {
		return err
	}
	if cfg.svgDir != "" {
		if err := writeCharts(rv, cfg.svgDir, "svg"); err != nil {
			return err
		}
	}
	if cfg.pngDir != "" {
		if err := writeCharts(rv, cfg.pngDir, "png"); err != nil {
			return err
		}
	}
	if cfg.json {
		return writeJSON(stdout, rv)
	}
	return writeText(stdout, rv)
}

// config holds the parsed flags.
type config struct {
	in, format, preset, stages, lost, aliases string
	cols                                      columns
	comma                                     string
	scattered, lenient                        bool
	activities, quotas, quota                 string
	asOf, period                              string
	lookback, leverPeriods                    int
	growth, aggressiveness                    float64
	stalledDays, untouchedDays                int
	qualified, opportunity, inbound           string
	draws                                     int
	seed                                      uint64
	probability, backtest                     string
	json                                      bool
	svgDir, pngDir                            string
	report, out                               string
}

// columns are the column-mapping flags, passed to the reader of the format.
type columns struct {
	id, stage, at, owner, segment, source, account, amount string
	expectedClose, assigned, created, closed, status       string
	stageDates, lostAt, isLost, deleted                    string
}

const usageHead = `review: the sales review of a CRM export (or of the embedded sample team)

Usage: go run ./examples/review [flags]

With no flags it reviews the embedded sample: 10 reps in two segments, about 840 deals
with their stage histories, an activity log and quarterly quotas. It prints, in order:
the team funnel, each rep against the per-stage benchmarks, the four levers per rep, the
1:1 pipeline dashboard, micro metrics (with activities), the diagnosis of the rep furthest
below the team, the domino sensitivity and the gain for a growth target, activity targets
for next period's quota, the quota forecast, and the coverage and forecast categories;
with -backtest, how the forecast fared on the team's own history.

Examples:
  go run ./examples/review -json > review.json
  go run ./examples/review -svg charts/
  go run ./examples/review -in history.csv -format long -stages "Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won"
  go run ./examples/review -in OpportunityHistory.csv -preset salesforce -stages "Prospecting,Qualification,Proposal,Closed Won"
  go run ./examples/review -in sales_pipeline.csv -format snapshot -stages Prospecting,Engaging,Won \
      -id opportunity_id -owner sales_agent -stage deal_stage -stage-dates Engaging=engage_date \
      -closed close_date -amount close_value -as-of 2017-12-31
  go run ./examples/review -backtest quarter
  go run ./examples/review -in events.csv -report owner-funnel -o csv

Flags:
`

func parseFlags(stderr io.Writer, args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("review", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.in, "in", "", "the CRM export to read, a CSV `file` (default: the embedded sample)")
	fs.StringVar(&c.format, "format", "", "the export's `shape`: long (a row per stage entry), wide (a date column per stage) or snapshot (a row per deal); default long, or the preset's")
	fs.StringVar(&c.preset, "preset", "", "`name` of a known export: salesforce (OpportunityHistory, long) or hubspot (deals export, wide); sets the format and columns")
	fs.StringVar(&c.stages, "stages", "", "the funnel's stages in order, the last being won, comma-separated, e.g. \"Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\" (the default)")
	fs.StringVar(&c.lost, "lost", "", "stage `names` that mean lost, comma-separated (default \"Closed Lost,Lost\")")
	fs.StringVar(&c.aliases, "alias", "", "export stage names mapped to funnel stages, e.g. \"Discovery=Qualified,Demo=Meeting\"")
	fs.StringVar(&c.cols.id, "id", "", "`column` of the deal id (default deal_id)")
	fs.StringVar(&c.cols.stage, "stage", "", "`column` of the stage (default stage)")
	fs.StringVar(&c.cols.at, "at", "", "`column` of the time a stage was entered, long format (default entered_at)")
	fs.StringVar(&c.cols.owner, "owner", "", "`column` of the deal owner (default owner)")
	fs.StringVar(&c.cols.segment, "segment", "", "`column` of the segment (default segment)")
	fs.StringVar(&c.cols.source, "source", "", "`column` of the lead source (default source)")
	fs.StringVar(&c.cols.account, "account", "", "`column` of the account (default account)")
	fs.StringVar(&c.cols.amount, "amount", "", "`column` of the deal amount (default amount)")
	fs.StringVar(&c.cols.expectedClose, "expected-close", "", "`column` of the expected close date (default expected_close)")
	fs.StringVar(&c.cols.assigned, "assigned", "", "`column` of the time an inherited deal was assigned to its owner (default assigned_at)")
	fs.StringVar(&c.cols.created, "created", "", "`column` of the creation date, wide and snapshot (default created_at)")
	fs.StringVar(&c.cols.closed, "closed", "", "`column` of the close date, wide and snapshot (default closed_at)")
	fs.StringVar(&c.cols.status, "status", "", "`column` of the status open/won/lost, snapshot (default status)")
	fs.StringVar(&c.cols.stageDates, "stage-dates", "", "stage date columns, wide and snapshot, e.g. \"Engaging=engage_date\"")
	fs.StringVar(&c.cols.lostAt, "lost-at", "", "`column` of the date lost, wide (default lost_at)")
	fs.StringVar(&c.cols.isLost, "is-lost", "", "`column` of a yes/no lost flag, wide (default is_lost)")
	fs.StringVar(&c.cols.deleted, "deleted", "", "`column` of a yes/no deleted flag, long (none by default)")
	fs.StringVar(&c.comma, "comma", "", "field separator, one character (default ,)")
	fs.BoolVar(&c.scattered, "scattered", false, "a deal's rows may be anywhere in the file (long format; holds all deals in memory)")
	fs.BoolVar(&c.lenient, "lenient", false, "skip bad rows, report each on stderr, and go on (default: stop at the first)")
	fs.StringVar(&c.activities, "activities", "", "an activity log `file`: deal_id,account,contact,kind,at,owner")
	fs.StringVar(&c.quotas, "quotas", "", "a `file` of quotas per rep per period: owner,quota")
	fs.StringVar(&c.quota, "quota", "", "one quota `amount` per rep per period, for reps without one in -quotas")
	fs.StringVar(&c.asOf, "as-of", "", "the review `date` (YYYY-MM-DD; default the data's last date); deals are seen as they stood then")
	fs.StringVar(&c.period, "period", "quarter", "the review `period`: quarter, month or week; the review covers the last full one before -as-of")
	fs.IntVar(&c.lookback, "lookback", 0, "funnel and benchmarks over the deals started in the last `n` periods up to the reviewed one's end; 0 means all history")
	fs.IntVar(&c.leverPeriods, "levers-periods", 4, "measure the four levers over the last `n` periods up to the reviewed one's end (a quarter's few wins per rep make noisy levers)")
	fs.Float64Var(&c.growth, "growth", 0.20, "revenue `growth` for the domino target (0.20 is +20%)")
	fs.Float64Var(&c.aggressiveness, "aggressiveness", 0.5, "where activity targets sit in their range, from 0 (lowest) to 1 (highest)")
	fs.IntVar(&c.stalledDays, "stalled", 30, "`days` in a stage after which an open deal is stalled")
	fs.IntVar(&c.untouchedDays, "untouched", 14, "`days` without a touch after which an open deal is untouched")
	fs.StringVar(&c.qualified, "qualified", "", "the qualified `stage` for micro metrics (default the second stage)")
	fs.StringVar(&c.opportunity, "opportunity", "", "the opportunity `stage` for micro metrics (default the third stage)")
	fs.StringVar(&c.inbound, "inbound", "Inbound", "the source `value` of inbound leads")
	fs.IntVar(&c.draws, "draws", 10000, "Monte Carlo `draws` per rep for the forecast")
	fs.Uint64Var(&c.seed, "seed", 1, "`seed` of the forecast's draws")
	fs.StringVar(&c.probability, "probability", "", "`column` of the CRM's own win probability, a percent from 0 to 100, for the CRM-weighted pipeline")
	fs.StringVar(&c.backtest, "backtest", "", "replay the quota forecast at the start of each past `period` (week, month or quarter, the same as -period, as the quotas are per -period) and print its calibration")
	fs.BoolVar(&c.json, "json", false, "print the review as one JSON document (its shape is in go doc ./examples/review)")
	fs.StringVar(&c.svgDir, "svg", "", "write the charts as SVG into `dir`")
	fs.StringVar(&c.pngDir, "png", "", "write the charts as PNG into `dir`")
	fs.StringVar(&c.report, "report", "", "print one report instead of the review: owner-funnel (the bench's per-owner table)")
	fs.StringVar(&c.out, "o", "csv", "the report's `format`: csv")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (flags come before, e.g. -in %s)", fs.Arg(0), fs.Arg(0))
	}
	switch c.format {
	case "", "long", "wide", "snapshot":
	default:
		return c, fmt.Errorf("-format %q: want long, wide or snapshot", c.format)
	}
	switch c.preset {
	case "", "salesforce", "hubspot":
	default:
		return c, fmt.Errorf("-preset %q: want salesforce or hubspot", c.preset)
	}
	if c.preset != "" && c.in == "" {
		return c, errors.New("-preset needs -in")
	}
	switch c.report {
	case "", "owner-funnel":
	default:
		return c, fmt.Errorf("-report %q: want owner-funnel", c.report)
	}
	if c.out != "csv" {
		return c, fmt.Errorf("-o %q: want csv", c.out)
	}
	if c.report != "" && c.in == "" {
		return c, errors.New("-report needs -in")
	}
	if c.lookback < 0 {
		return c, fmt.Errorf("-lookback %d: want 0 or more periods", c.lookback)
	}
	if c.leverPeriods < 1 {
		return c, fmt.Errorf("-levers-periods %d: want 1 or more periods", c.leverPeriods)
	}
	if !(c.aggressiveness >= 0 && c.aggressiveness <= 1) {
		return c, fmt.Errorf("-aggressiveness %v: want a number from 0 to 1", c.aggressiveness)
	}
	switch c.backtest {
	case "", "week", "month", "quarter":
	default:
		return c, fmt.Errorf("-backtest %q: want week, month or quarter", c.backtest)
	}
	if c.backtest != "" && c.backtest != c.period {
		return c, fmt.Errorf("-backtest %s with -period %s: the quotas are per -period; give the same period to both", c.backtest, c.period)
	}
	if c.draws <= 0 {
		return c, fmt.Errorf("-draws %d: want a positive number", c.draws)
	}
	if len([]rune(c.comma)) > 1 {
		return c, fmt.Errorf("-comma %q: want one character", c.comma)
	}
	if c.in == "" && (c.format != "" || c.cols != (columns{}) || c.stages != "") {
		return c, errors.New("-format, -stages and the column flags describe an -in file; give -in")
	}
	c.stages = strings.TrimSpace(c.stages)
	return c, nil
}
