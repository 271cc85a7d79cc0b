package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/funnelmath/funnelmath/funnel/chart"
)

// charts returns the review's charts by file name: the team funnel, the
// rep × step heatmap of gaps to the role models, the domino tornado, the
// quota forecast and the age of the open pipeline by stage. Sections the
// review left out have no chart.
func charts(rv Review) map[string]chart.Chart {
	out := map[string]chart.Chart{}
	fc := chart.Funnel{Title: "Team funnel: deals reached, resolved step into each stage"}
	for k, r := range rv.Team.Stages {
		s := chart.FunnelStage{Name: r.Stage, Count: r.Reached}
		if k > 0 && r.Resolved.N > 0 {
			s.Rate, s.HasRate = r.Resolved.Value(), true
		}
		fc.Stages = append(fc.Stages, s)
	}
	out["funnel"] = fc
	if b := rv.Benchmark; b != nil && len(b.RoleModels) > 0 {
		h := chart.Heatmap{Title: "Resolved step against the role model, points"}
		for _, m := range b.RoleModels {
			h.Columns = append(h.Columns, m.Stage)
		}
		for _, r := range b.Reps {
			h.Rows = append(h.Rows, orBlank(r.Name))
			row := make([]chart.Cell, len(b.RoleModels))
			for j := range row {
				if g := r.Table.Stages[j+1].Gap; g != nil && g.Points.Valid {
					row[j] = chart.Cell{Value: 100 * g.Points.Float64, Valid: true}
				}
			}
			h.Cells = append(h.Cells, row)
		}
		out["heatmap"] = h
	}
	if d := rv.Domino; d != nil {
		t := chart.Tornado{Title: "Revenue with each stage rate alone −5 and +5 points", Unit: "revenue of the team's funnel",
			Base: d.Tornado.Base.InexactFloat64(), LowName: "rate −5 points", HighName: "rate +5 points"}
		for _, b := range d.Points {
			t.Levers = append(t.Levers, chart.Lever{Name: b.Name, Low: b.Down.InexactFloat64(), High: b.Up.InexactFloat64()})
		}
		out["tornado"] = t
	}
	if f := rv.Forecast; f != nil {
		fc := chart.Forecast{Title: "Quota forecast, " + rv.Current.Label + ": P10 to P90, P50 and the quota", Unit: "bookings in " + rv.Current.Label}
		for _, r := range f.Reps {
			if r.Quota.IsZero() {
				continue
			}
			fc.Reps = append(fc.Reps, chart.RepForecast{Name: r.Rep, P10: r.P10.InexactFloat64(), P50: r.P50.InexactFloat64(),
				P90: r.P90.InexactFloat64(), Quota: r.Quota.InexactFloat64()})
		}
		if len(fc.Reps) > 0 {
			out["forecast"] = fc
		}
	}
	if len(rv.Ages) > 0 {
		a := chart.Ages{Title: "Age of the open deals by stage, " + rv.AsOf.Format("2006-01-02"), Unit: "days since the deal started"}
		for _, s := range rv.Ages {
			a.Stages = append(a.Stages, chart.StageAges{Name: s.Stage, Days: s.Days})
		}
		out["ages"] = a
	}
	return out
}

// writeCharts writes the review's charts into dir as "svg" or "png"
// files named after the chart (funnel.svg, heatmap.svg ...).
func writeCharts(rv Review, dir, format string) error {
	f := chart.SVG
	if format == "png" {
		f = chart.PNG
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, c := range charts(rv) {
		p := filepath.Join(dir, name+"."+format)
		fh, err := os.Create(p)
		if err != nil {
			return err
		}
		err = chart.Write(fh, c, f, 0, 0)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("chart %s: %w", p, err)
		}
	}
	return nil
}
