package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
)

// runReport prints the report -report names; owner-funnel is the only one.
func runReport(ctx context.Context, w, stderr io.Writer, cfg config) error {
	f, err := funnelOf(cfg)
	if err != nil {
		return err
	}
	var skipped int
	opts, err := options(cfg, stderr, &skipped)
	if err != nil {
		return err
	}
	fh, err := os.Open(cfg.in)
	if err != nil {
		return err
	}
	defer fh.Close()
	// The file itself, not a buffered reader of it: a tally reads a large
	// file in parts on every core, and reads it again as scattered when
	// the rows of a deal are not together.
	t, err := tally(ctx, cfg, f, opts, fh)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.in, err)
	}
	bw := bufio.NewWriter(w)
	if err := ownerFunnel(bw, f, t.Groups()); err != nil {
		return err
	}
	return bw.Flush()
}

// ownerFunnel writes the bench's per-owner table (shared/bench/README.md):
// one row per owner and stage, owners in byte order, with
//
//	reached       deals whose furthest stage is this one or later (implied)
//	conv_to_next  reached(next) / reached(this); empty on the last stage or with 0 reached
//	win_rate      won / (won + lost)
//	avg_selling_price  mean amount of the won deals
//	mean_cycle_days    mean start-to-close time of the closed deals, in days
//
// the last three empty when undefined.
func ownerFunnel(w io.Writer, f funnel.Funnel, groups []funnel.Counts) error {
	if _, err := io.WriteString(w, "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n"); err != nil {
		return err
	}
	var buf []byte
	for _, g := range groups {
		win := ""
		if r := g.WinRate(); r.N > 0 {
			win = strconv.FormatFloat(r.Value(), 'g', -1, 64)
		}
		asp := ""
		if a := g.AvgWon(); a.Valid {
			asp = a.Decimal.String()
		}
		cycle := ""
		closed := g.WonCycle.Clone()
		if err := closed.Merge(g.LostCycle); err != nil {
			return err
		}
		if m := closed.MeanDays(); m.Valid {
			cycle = strconv.FormatFloat(m.Float64, 'g', -1, 64)
		}
		for k := range f.Len() {
			buf = append(buf[:0], g.Key[0]...)
			buf = append(buf, ',')
			buf = append(buf, f.Stage(k)...)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, g.Reached[k], 10)
			buf = append(buf, ',')
			if k+1 < f.Len() {
				if naive, _ := g.Step(funnel.Implied, k+1); naive.N > 0 {
					buf = strconv.AppendFloat(buf, naive.Value(), 'g', -1, 64)
				}
			}
			buf = append(buf, ',')
			buf = append(buf, win...)
			buf = append(buf, ',')
			buf = append(buf, asp...)
			buf = append(buf, ',')
			buf = append(buf, cycle...)
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeJSON prints the review as one indented JSON document.
func writeJSON(w io.Writer, rv Review) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rv)
}
