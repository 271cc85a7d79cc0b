// Package ownerfunnel writes the per-owner funnel of the bench
// (shared/bench/README.md) from a tally's groups: the report that
// examples/review (-report owner-funnel), examples/beam and
// examples/warehouse print, written in one place.
package ownerfunnel

import (
	"io"
	"strconv"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
)

// Header is the report's first line.
const Header = "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n"

// Write writes the report of groups, the groups of a tally of f grouped
// by one attribute (the owner), in their order: the header, then one row
// per group and stage with
//
//	reached            deals whose furthest stage is this one or later (implied)
//	conv_to_next       reached(next) / reached(this); empty on the last stage or with 0 reached
//	win_rate           won / (won + lost)
//	avg_selling_price  mean amount of the won deals with an amount
//	mean_cycle_days    mean start-to-close time of the closed deals, in days
//
// the last three empty when undefined; floats in Go's shortest form
// ('g', -1). An owner or stage holding a comma, a quote or a line break
// is quoted as RFC 4180 says. A group without a key (an ungrouped tally)
// has an empty owner. It returns the first error of a write, or one of
// [funnel.Durations.Merge] (which the groups of a tally cannot cause).
func Write(w io.Writer, f funnel.Funnel, groups []funnel.Counts) error {
	if _, err := io.WriteString(w, Header); err != nil {
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
		owner := ""
		if len(g.Key) > 0 {
			owner = g.Key[0]
		}
		for k := range f.Len() {
			buf = appendField(buf[:0], owner)
			buf = append(buf, ',')
			buf = appendField(buf, f.Stage(k))
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

// appendField appends s as a CSV field: in quotes, with its quotes
// doubled, when it holds a comma, a quote, a line break or leading or
// trailing space.
func appendField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
