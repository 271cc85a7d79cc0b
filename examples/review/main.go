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
	byOwner := funnel.NewTally(f, funnel.AttrOwner)
	if err := byOwner.AddAll((crm.Long{Funnel: f}).Deals(ctx, r)); err != nil {
		return err
	}
	tot, err := byOwner.Total()
	if err != nil {
		return err
	}
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

// teamFunnel prints the funnel table: counts reached (a later stage
// implies the earlier ones), the step into each stage as % of the previous
// stage with its 95% Wilson interval, the resolved step, which leaves out
// the deals still open at the stage before, and % of the first stage.
func teamFunnel(w io.Writer, f funnel.Funnel, c funnel.Counts) error {
	t, err := funnel.NewTable(f, c, &funnel.TableOptions{Confidence: 0.95})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Team funnel (95% Wilson intervals; resolved leaves open deals out)")
	fmt.Fprintf(w, "%-12s %7s %8s %-16s %9s %7s\n", "stage", "reached", "of prev", "95% interval", "resolved", "of 1st")
	for k, s := range t.Stages {
		if k == 0 {
			fmt.Fprintf(w, "%-12s %7d %8s %-16s %9s %6.1f%%\n", s.Stage, s.Reached, "", "", "", 100*s.Cumulative.Value())
			continue
		}
		fmt.Fprintf(w, "%-12s %7d %7.1f%% [%5.1f, %5.1f]%% %8.1f%% %6.1f%%\n", s.Stage, s.Reached,
			100*s.Step.Value(), 100*s.StepCI.Lo, 100*s.StepCI.Hi, 100*s.Resolved.Value(), 100*s.Cumulative.Value())
	}
	if t.Weakest >= 0 {
		fmt.Fprintf(w, "weakest step: into %s (%v resolved)\n", t.WeakestStage, t.Stages[t.Weakest].Resolved)
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
		if a := g.AvgWon(); a.Valid {
			avg = a.Decimal.StringFixed(2)
		}
		cycle := "-"
		if med := g.WonCycle.MedianDays(); med.Valid {
			cycle = fmt.Sprintf("%.1fd", med.Float64)
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
		fmt.Fprintf(w, "%-12s %6d %6.1f %6.1f %6.1f\n", f.Stage(k), s.N, s.MeanDays.Float64, s.MedianDays.Float64, s.P90Days.Float64)
	}
}
