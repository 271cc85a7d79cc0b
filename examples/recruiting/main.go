package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// steps are the recruiter's funnel, from the domino activity (the DMs) to
// the placement, which earns the fee.
var steps = []string{"DMs", "prequal calls", "qual calls", "profiles marketed", "interview requests", "placements"}

func main() {
	if err := run(context.Background(), os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "recruiting:", err)
		os.Exit(1)
	}
}

// config is what the flags set.
type config struct {
	counts []int64         // year-one count at each step
	fee    decimal.Decimal // money per placement
	gain   float64         // the relative gain of "better at each step"
	growth float64         // the year-two revenue growth target
	points float64         // the tornado's step on each rate, in rate units
}

// run parses args, works the chain and writes the report to w. -h writes
// the flags' documentation to w and returns nil.
func run(ctx context.Context, w io.Writer, args []string) error {
	cfg, help, err := parse(args)
	if err != nil {
		return err
	}
	if help != "" {
		_, err := io.WriteString(w, help)
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := analyze(cfg)
	if err != nil {
		return err
	}
	return r.write(w)
}

// parse reads the flags. It returns the usage text instead of a config
// when -h or -help is given, and an error for an unknown flag, a bad value
// or a positional argument.
func parse(args []string) (config, string, error) {
	fs := flag.NewFlagSet("recruiting", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	counts := fs.String("counts", "2400,360,180,90,36,12",
		"year-one `counts` at each step, comma-separated: "+strings.Join(steps, ", "))
	fee := fs.String("fee", "25000.00", "the fee per placement, a decimal `amount`")
	gain := fs.Float64("gain", 0.10, "the relative `gain` of \"better at each step\" and of the tornado's bars, in [0, 1) (0.10 is 10%)")
	growth := fs.Float64("growth", 0.50, "the year-two revenue growth `target` (0.50 is +50%)")
	points := fs.Float64("points", 0.05, "the tornado's step on each rate in rate `units` (0.05 is 5 percentage points)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, usage(fs), nil
		}
		return config{}, "", fmt.Errorf("%w (-h lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return config{}, "", fmt.Errorf("unexpected argument %q: the program takes flags only (-h lists them)", fs.Arg(0))
	}
	cfg := config{gain: *gain, growth: *growth, points: *points}
	for i, s := range strings.Split(*counts, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return config{}, "", fmt.Errorf("-counts: count %d (%s): %q is not a whole number", i+1, steps[min(i, len(steps)-1)], s)
		}
		cfg.counts = append(cfg.counts, n)
	}
	f, err := decimal.NewFromString(*fee)
	if err != nil {
		return config{}, "", fmt.Errorf("-fee: %q is not a decimal amount", *fee)
	}
	cfg.fee = f
	return cfg, "", nil
}

// usage is the text of -h: what the program does and every flag.
func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString(`Usage: go run ./examples/recruiting [flags]

The domino chain of a recruiter's year: the rates from the year-one counts,
"10% better at each step" and its compounding, the year-two plan for a
growth target with rates capped at 100%, the tornado and the domino.

Example:
  go run ./examples/recruiting -counts 3000,420,200,100,40,15 -fee 22000 -growth 0.3

Flags:
`)
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// report is everything the program prints, each figure from the packages.
type report struct {
	Gain  float64      // the relative gain of "better at each step", as given
	Table funnel.Table // the year-one funnel, rates with their counts
	Chain domino.Chain // the same as a chain of levers
	// Levers are the levers "better at each step" moves: the DMs and the
	// five rates, the fee held.
	Levers []int
	// Better is the chain after the gain on Levers, AllLevers after the
	// gain on every lever of the chain, the fee too.
	Better    domino.Outcome
	AllLevers domino.Outcome
	// YearTwo is the uniform gain on Levers that reaches the growth
	// target; RatesOnly the same with the DMs held, over the rates.
	YearTwo   domino.Target
	RatesOnly domino.Target
	// Relative is the tornado of every lever alone at ±gain, Points that
	// of every lever at ±points in its own units (read for the rates).
	Relative domino.Tornado
	Points   domino.Tornado
	// Domino is the earliest step whose gain moves every count after it,
	// and the effect of the gain there.
	Domino domino.Domino
}

// analyze works the chain of cfg's counts and fee.
func analyze(cfg config) (report, error) {
	r := report{Gain: cfg.gain}
	f, err := funnel.New(steps...)
	if err != nil {
		return r, err
	}
	counts, err := funnel.FromReached(f, cfg.counts, nil)
	if err != nil {
		return r, fmt.Errorf("-counts: %w", err)
	}
	if r.Table, err = funnel.NewTable(f, counts, nil); err != nil {
		return r, err
	}
	if r.Chain, err = domino.ChainOf(f, counts, cfg.fee); err != nil {
		return r, err
	}
	r.Levers = []int{domino.LeverTop}
	for k := range r.Chain.Stages {
		r.Levers = append(r.Levers, r.Chain.RateLever(k))
	}
	if r.Better, err = domino.Uniform(r.Chain, r.Levers, cfg.gain); err != nil {
		return r, err
	}
	if r.AllLevers, err = domino.Uniform(r.Chain, nil, cfg.gain); err != nil {
		return r, err
	}
	if r.YearTwo, err = domino.Inverse(r.Chain, r.Levers, cfg.growth); err != nil {
		return r, err
	}
	if r.RatesOnly, err = domino.Inverse(r.Chain, r.Levers[1:], cfg.growth); err != nil {
		return r, err
	}
	if r.Relative, err = domino.TornadoOf(r.Chain, domino.Relative, cfg.gain); err != nil {
		return r, err
	}
	if r.Points, err = domino.TornadoOf(r.Chain, domino.Points, cfg.points); err != nil {
		return r, err
	}
	if r.Domino, err = domino.FindDomino(r.Chain, domino.Capacity{}, cfg.gain); err != nil {
		return r, err
	}
	return r, nil
}

// write prints the report.
func (r report) write(w io.Writer) error {
	c := r.Chain
	p := &printer{w: w}
	last := r.Table.Stages[len(r.Table.Stages)-1]

	p.f("A recruiter's year one: %d %s to %d %s at %s a placement\n", r.Table.Stages[0].Reached, c.TopName, last.Reached, last.Stage, c.ASP.StringFixed(2))
	for k, row := range r.Table.Stages {
		if k == 0 {
			p.f("  %-19s %6d\n", row.Stage, row.Reached)
			continue
		}
		p.f("  %-19s %6d   %v\n", row.Stage, row.Reached, row.Resolved)
	}
	p.f("  revenue %s; the weakest step is into %s (%.1f%%)\n\n", r.Better.Base.StringFixed(2), r.Table.WeakestStage, 100*r.Table.Stages[r.Table.Weakest].Resolved.Value())

	p.f("%+.0f%% at each step: the package moved %d levers (%s); the fee is held\n", 100*r.Gain, len(r.Better.Effects), leverNames(r.Better.Effects))
	p.counts(c, r.Better, "year one", fmt.Sprintf("%+.0f%%", 100*r.Gain))
	p.f("  revenue %s -> %s: x%.6f = (1 + %g%%)^%d, %+.2f%%\n", r.Better.Base.StringFixed(2), r.Better.Revenue.StringFixed(2), r.Better.Multiplier.Float64, 100*r.Gain, len(r.Better.Effects), 100*(r.Better.Multiplier.Float64-1))
	p.f("  with the fee too, all %d levers of the chain: x%.6f = (1 + %g%%)^%d, %s\n\n", c.NumLevers(), r.AllLevers.Multiplier.Float64, 100*r.Gain, len(r.AllLevers.Effects), r.AllLevers.Revenue.StringFixed(2))

	t := r.YearTwo
	p.f("Year two: %+.0f%% revenue, %s -> %s, from the same %d levers\n", 100*t.Growth, t.Plan.Base.StringFixed(2), t.Plan.Revenue.StringFixed(2), len(t.Levers))
	p.f("  each %+.4f%%", 100*t.Gain)
	if t.ClosedForm.Valid {
		p.f(" (closed form (1 + %g%%)^(1/%d) - 1 = %.4f%%)", 100*t.Growth, len(t.Levers), 100*t.ClosedForm.Float64)
	}
	p.f("; rates capped at 100%%: %s\n", capped(t.Plan.Capped))
	p.counts(c, t.Plan, "year one", "year two")
	o := r.RatesOnly
	p.f("  with the DMs held, over the %d rates: each %+.4f%%, %s %.2f -> %.2f; ", len(o.Levers), 100*o.Gain, last.Stage, c.Counts()[len(c.Stages)], o.Plan.Counts[len(c.Stages)])
	if o.Reachable {
		p.f("reachable")
	} else {
		p.f("out of reach")
	}
	if o.BestGrowth.Valid {
		p.f(", and the caps allow at most %+.0f%% (every rate at 100%%)", 100*o.BestGrowth.Float64)
	}
	p.f("; capped: %s\n\n", capped(o.Plan.Capped))

	p.f("Tornado, each lever alone %+.0f%% and %+.0f%% (revenue %s), widest first:\n", -100*r.Relative.Step, 100*r.Relative.Step, r.Relative.Base.StringFixed(2))
	for _, b := range r.Relative.Bars {
		p.f("  %-19s %10s .. %10s  swing %10s  elasticity %+.0f\n", name(c, b.Lever), b.Down.StringFixed(2), b.Up.StringFixed(2), b.Swing.StringFixed(2), b.Elasticity)
	}
	p.f("  (a relative step moves every lever of elasticity 1 alike: a volume, or a rate below 100%%)\n")
	p.f("Each rate alone %.0f points down and up, widest first (the DMs and the fee, volumes, are left out: a point of them is one DM or one unit of money):\n", 100*r.Points.Step)
	for _, b := range r.Points.Bars {
		if b.Kind != domino.Rate {
			continue
		}
		p.f("  %-19s %6.2f%%  %10s .. %10s  swing %10s\n", b.Name, 100*c.Stages[b.Lever-1].Rate, b.Down.StringFixed(2), b.Up.StringFixed(2), b.Swing.StringFixed(2))
	}
	d := r.Domino
	p.f("\nThe domino is %s, the earliest step whose gain moves every count after it: %+.0f%% there gives %.2f %s, %s\n",
		d.Name, 100*d.Gain, d.After[len(d.After)-1], last.Stage, d.Revenue.StringFixed(2))
	return p.err
}

// printer writes formatted text and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

// counts prints the volume and rate at every step before and after.
func (p *printer) counts(c domino.Chain, o domino.Outcome, before, after string) {
	p.f("  %-19s %10s %10s   %s\n", "step", before, after, "rate")
	was := c.Counts()
	for j, n := range o.Counts {
		p.f("  %-19s %10.2f %10.2f", name(c, j), was[j], n)
		if j > 0 {
			p.f("   %6.2f%% -> %6.2f%%", 100*c.Stages[j-1].Rate, 100*o.Chain.Stages[j-1].Rate)
		}
		p.f("\n")
	}
}

// name is the name of lever i of c, the ASP called the fee.
func name(c domino.Chain, i int) string {
	if i == c.ASPLever() {
		return "fee"
	}
	return c.LeverName(i)
}

// leverNames lists the levers the effects moved.
func leverNames(es []domino.Effect) string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name
	}
	return strings.Join(names, ", ")
}

// capped lists the rates held at 100%, with what was asked.
func capped(es []domino.Effect) string {
	if len(es) == 0 {
		return "none"
	}
	var parts []string
	for _, e := range es {
		parts = append(parts, fmt.Sprintf("%s (asked %.2f%%)", e.Name, 100*e.Requested))
	}
	return strings.Join(parts, ", ")
}
