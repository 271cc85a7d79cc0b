// Package ownerfunnel writes the per-owner funnel of the bench
// (shared/bench/README.md) from a tally's groups: the report that
// examples/review (-report owner-funnel), examples/beam and
// examples/warehouse print, written in one place.
package ownerfunnel

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
)

// Columns are the report's columns after the grouping attributes'.
var columns = [...]string{"stage", "reached", "conv_to_next", "win_rate", "avg_selling_price", "mean_cycle_days"}

// Write writes the report of groups, the groups of a tally of f grouped
// by the attributes by (the owner, for the bench's report), in their
// order, as CSV: a header (the attributes' names, then stage, reached,
// conv_to_next, win_rate, avg_selling_price, mean_cycle_days), then one
// row per group and stage with the group's key values, the stage's name
// and
//
//	reached            deals whose furthest stage is this one or later (implied)
//	conv_to_next       reached(next) / reached(this); empty on the last stage or with 0 reached
//	win_rate           won / (won + lost)
//	avg_selling_price  mean amount of the won deals with an amount, exact
//	mean_cycle_days    mean start-to-close time of the closed deals, in days
//
// the last three the group's, empty when undefined; floats in Go's
// shortest form ('g', -1). A value is quoted as encoding/csv quotes it
// (a comma, a quote or a line break in a name). It returns the first
// error of a write, or one of [funnel.Durations.Merge] (which the groups
// of a tally cannot cause).
func Write(w io.Writer, f funnel.Funnel, by []string, groups []funnel.Counts) error {
	cw := csv.NewWriter(w)
	row := append(append([]string(nil), by...), columns[:]...)
	if err := cw.Write(row); err != nil {
		return err
	}
	nk := len(by)
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
		for i := range nk {
			row[i] = ""
			if i < len(g.Key) {
				row[i] = g.Key[i]
			}
		}
		for k := range f.Len() {
			conv := ""
			if k+1 < f.Len() {
				if naive, _ := g.Step(funnel.Implied, k+1); naive.N > 0 {
					conv = strconv.FormatFloat(naive.Value(), 'g', -1, 64)
				}
			}
			row[nk] = f.Stage(k)
			row[nk+1] = strconv.FormatInt(g.Reached[k], 10)
			row[nk+2], row[nk+3], row[nk+4], row[nk+5] = conv, win, asp, cycle
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
