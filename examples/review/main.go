package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

//go:embed testdata/pipeline.csv
var sample string

// stages is the funnel of the sample export; "Closed Lost" is the lost
// outcome, which the reader knows by default.
var stages = []string{"Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won"}

func main() {
	in := flag.String("in", "", "a long stage-history CSV to read instead of the embedded sample")
	flag.Parse()
	var r io.Reader = strings.NewReader(sample)
	name := "embedded sample"
	if *in != "" {
		fh, err := os.Open(*in)
		if err != nil {
			fmt.Fprintln(os.Stderr, "review:", err)
			os.Exit(1)
		}
		defer fh.Close()
		r, name = fh, *in
	}
	if err := review(context.Background(), os.Stdout, r, name); err != nil {
		fmt.Fprintln(os.Stderr, "review:", err)
		os.Exit(1)
	}
}

// review reads the export from r and writes the review to w.
func review(ctx context.Context, w io.Writer, r io.Reader, name string) error {
	f, err := funnel.New(stages...)
	if err != nil {
		return err
	}
	team := funnel.NewTally(f)
	byOwner := funnel.NewTally(f, funnel.AttrOwner)
	for d, err := range (crm.Long{Funnel: f}).Deals(ctx, r) {
		if err != nil {
			return err
		}
		if err := team.Add(d); err != nil {
			return err
		}
		if err := byOwner.Add(d); err != nil {
			return err
		}
	}
	tot := team.Total()
	if tot.Deals == 0 {
		return fmt.Errorf("%s: no deals", name)
	}
	fmt.Fprintf(w, "Funnel review: %s\n", name)
	fmt.Fprintf(w, "%d deals: %d won, %d lost, %d open\n\n", tot.Deals, tot.Won, tot.Lost, tot.Open)
	if err := teamFunnel(w, f, tot); err != nil {
		return err
	}
	if err := reps(w, byOwner.Groups()); err != nil {
		return err
	}
	stageTimes(w, f, tot)
	return nil
}

// teamFunnel prints the conversion table: counts reached (a later stage
// implies the earlier ones), % of previous and of first, the 95% Wilson
// interval of each step, and the resolved step rate, which leaves out the
// deals still open at the stage before.
func teamFunnel(w io.Writer, f funnel.Funnel, c funnel.Counts) error {
	conv, err := f.Conversions(c.Reached, nil)
	if err != nil {
		return err
	}
	steps, err := funnel.Steps(f, c, funnel.Implied)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Team funnel (95% Wilson intervals; resolved leaves open deals out)")
	fmt.Fprintf(w, "%-12s %7s %8s %-16s %9s %7s\n", "stage", "reached", "of prev", "95% interval", "resolved", "of 1st")
	for k, s := range conv.Stages {
		if k == 0 {
			fmt.Fprintf(w, "%-12s %7d %8s %-16s %9s %6.1f%%\n", s.Stage, s.Count, "", "", "", 100*s.Cumulative.Value())
			continue
		}
		iv, err := s.Step.Wilson(0.95)
		if err != nil {
			return err
		}
		res := steps[k-1].Resolved
		fmt.Fprintf(w, "%-12s %7d %7.1f%% [%5.1f, %5.1f]%% %8.1f%% %6.1f%%\n", s.Stage, s.Count,
			100*s.Step.Value(), 100*iv.Lo, 100*iv.Hi, 100*res.Value(), 100*s.Cumulative.Value())
	}
	if conv.Weakest >= 0 {
		fmt.Fprintf(w, "weakest step: into %s (%v)\n", conv.WeakestStage, conv.Stages[conv.Weakest].Step)
	}
	fmt.Fprintln(w)
	return nil
}

// reps prints each owner's outcomes: win rate of closed deals with its
// interval and the win rate shrunk toward the team's (empirical Bayes), the
// average won amount and the median cycle of won deals, ranked by the
// shrunk rate.
func reps(w io.Writer, groups []funnel.Counts) error {
	rates := make([]funnel.Rate, len(groups))
	for i, g := range groups {
		rates[i] = g.WinRate()
	}
	sh, err := funnel.Shrink(rates)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Reps, ranked by win rate shrunk toward the team (prior Beta(%.1f, %.1f))\n", sh.Prior.Alpha, sh.Prior.Beta)
	fmt.Fprintf(w, "%-12s %5s %4s %5s %4s %8s %-16s %7s %12s %8s\n", "owner", "deals", "won", "lost", "open", "win rate", "95% interval", "shrunk", "avg won", "cycle p50")
	for _, i := range sh.Ranking() {
		g := groups[i]
		wr := g.WinRate()
		iv, err := wr.Wilson(0.95)
		if err != nil {
			return err
		}
		avg := "-"
		if a, ok := g.AvgWon(); ok {
			avg = a.StringFixed(2)
		}
		cycle := "-"
		if med, ok, _ := g.WonCycle.QuantileDays(0.5); ok {
			cycle = fmt.Sprintf("%dd", med)
		}
		fmt.Fprintf(w, "%-12s %5d %4d %5d %4d %7.1f%% [%5.1f, %5.1f]%% %6.1f%% %12s %8s\n", g.Key[0], g.Deals, g.Won, g.Lost, g.Open,
			100*wr.Value(), 100*iv.Lo, 100*iv.Hi, 100*sh.Rates[i].Value, avg, cycle)
	}
	fmt.Fprintln(w)
	return nil
}

// stageTimes prints the time spent in each stage on the visits that ended.
func stageTimes(w io.Writer, f funnel.Funnel, c funnel.Counts) {
	fmt.Fprintln(w, "Time in stage (visits that ended; whole days)")
	fmt.Fprintf(w, "%-12s %6s %6s %6s %6s\n", "stage", "visits", "mean", "median", "p90")
	for k := range f.Last() {
		s := c.StageTime[k].Summary()
		fmt.Fprintf(w, "%-12s %6d %6.1f %6d %6d\n", f.Stage(k), s.N, s.MeanDays, s.MedianDays, s.P90Days)
	}
}
