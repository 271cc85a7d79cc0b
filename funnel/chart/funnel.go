package chart

import (
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Funnel is a funnel as bars: one horizontal bar per stage, the first
// stage at the top, as long as the deals that reached it, labelled with
// that count and the step rate into the stage,
//
//	"1,234"            the first stage (no step into it)
//	"518 (42.0%)"      a later stage with HasRate
//	"0 (–)"            a later stage without (a step with no trials)
//
// A rate is printed as given, with one decimal; the chart computes
// nothing. It implements [Chart]; a Funnel is not modified by drawing.
type Funnel struct {
	Title  string        `json:"title"`
	Stages []FunnelStage `json:"stages"`
}

// FunnelStage is one bar of a [Funnel].
type FunnelStage struct {
	// Name is the stage's name, the bar's label (wrapped to two lines).
	Name string `json:"name"`
	// Count is the number of deals that reached the stage, at least 0.
	Count int64 `json:"count"`
	// Rate is the step rate into the stage from the stage before, in
	// [0, 1]; it is read only when HasRate is true. The first stage has
	// none: its bar shows only the count unless HasRate is set.
	Rate    float64 `json:"rate"`
	HasRate bool    `json:"has_rate"`
}

// Plot checks the stages and returns the bar chart.
//
// Errors: a *[funnel.InputError] with Op "chart.Funnel" naming "Stages"
// wrapping [funnel.ErrNoData] when there are none, naming
// "Stages[i].Count" wrapping [funnel.ErrNegativeCount], or naming
// "Stages[i].Rate" (when HasRate) wrapping [funnel.ErrNotFinite] for NaN
// or infinity or [funnel.ErrRateRange] outside [0, 1].
func (f Funnel) Plot() (*plot.Plot, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	n := len(f.Stages)
	p := newPlot(f.Title)
	names := make([]string, n)
	var top int64
	ls := make(labels, n)
	sty := textStyle(valueSize, ink)
	for i, s := range f.Stages {
		names[i] = s.Name
		top = max(top, s.Count)
		txt := count(s.Count)
		switch {
		case s.HasRate:
			txt += " (" + percent(s.Rate) + ")"
		case i > 0:
			txt += " (" + dash + ")"
		}
		ls[i] = label{X: float64(s.Count), Y: rowY(i, n), DX: 4, Text: txt, Style: sty}
	}
	setRows(p, names)
	p.Add(funnelBars(f.Stages))
	p.Add(ls)
	p.X.Min, p.X.Max = 0, float64(max(top, 1))
	p.X.Label.Text = "deals reached (step rate from the stage before)"
	p.X.Padding = 0
	p.X.Tick.Marker = valueTicks{numberScale{Div: 1}} // whole counts: "12,000"
	return p, nil
}

// Size is 7.5 inches wide and 30 points a stage high, plus room for the
// title and the axis.
func (f Funnel) Size() (width, height vg.Length) {
	return 7.5 * vg.Inch, naturalHeight(len(f.Stages), false)
}

func (f Funnel) check() error {
	const op = "chart.Funnel"
	if len(f.Stages) == 0 {
		return &funnel.InputError{Op: op, Name: "Stages", Err: funnel.ErrNoData}
	}
	for i, s := range f.Stages {
		name := "Stages[" + strconv.Itoa(i) + "]"
		if s.Count < 0 {
			return &funnel.InputError{Op: op, Name: name + ".Count", Value: strconv.FormatInt(s.Count, 10), Err: funnel.ErrNegativeCount}
		}
		if !s.HasRate {
			continue
		}
		switch {
		case !finite(s.Rate):
			return &funnel.InputError{Op: op, Name: name + ".Rate", Value: fmtFloat(s.Rate), Err: funnel.ErrNotFinite}
		case s.Rate < 0 || s.Rate > 1:
			return &funnel.InputError{Op: op, Name: name + ".Rate", Value: fmtFloat(s.Rate), Err: funnel.ErrRateRange}
		}
	}
	return nil
}

// funnelBars draws one bar per stage from 0 to its count.
type funnelBars []FunnelStage

// Plot implements plot.Plotter.
func (b funnelBars) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(b)
	for i, s := range b {
		y := rowY(i, n)
		r := vg.Rectangle{
			Min: vg.Point{X: c.X(p.X.Norm(0)), Y: c.Y(p.Y.Norm(y - 0.32))},
			Max: vg.Point{X: c.X(p.X.Norm(float64(s.Count))), Y: c.Y(p.Y.Norm(y + 0.32))},
		}
		fillRect(c, r, dark, thin())
	}
}
