package chart

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Tornado is the sensitivity of one figure (revenue, bookings) to each
// lever alone: one bar per lever from its Low to its High value across a
// dashed line at Base, the widest swing
//
//	swing = |High − Low|
//
// at the top (ties in the order given). The part of a bar from Base to
// Low is dark and from Base to High light, so a lever whose Low scenario
// raises the figure (a shorter cycle) shows its dark part on the right.
// Each end is labelled with its value, all on one scale chosen from the
// largest (1.23M, 845k, 12.3k, 1,234 or 12.34). It implements [Chart]; a
// Tornado is not modified by drawing, its levers are sorted in a copy.
type Tornado struct {
	Title string `json:"title"`
	// Unit labels the value axis, such as "revenue per quarter, USD".
	Unit string `json:"unit"`
	// Base is the figure with no lever moved.
	Base float64 `json:"base"`
	// LowName and HighName name the two scenarios in the key, such as
	// "lever −10%" and "lever +10%"; empty means "low" and "high".
	LowName  string  `json:"low_name"`
	HighName string  `json:"high_name"`
	Levers   []Lever `json:"levers"`
}

// Lever is one bar of a [Tornado]: the figure with the lever moved down
// (Low) and up (High).
type Lever struct {
	Name string  `json:"name"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Plot checks the levers and returns the tornado.
//
// Errors: a *[funnel.InputError] with Op "chart.Tornado" naming "Levers"
// wrapping [funnel.ErrNoData] when there are none, or naming "Base",
// "Levers[i].Low" or "Levers[i].High" wrapping [funnel.ErrNotFinite] for
// NaN or infinity or [funnel.ErrOutOfRange] beyond ±[MaxValue].
func (t Tornado) Plot() (*plot.Plot, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	ls := bySwing(t.Levers)
	n := len(ls)
	names := make([]string, n)
	lo, hi := t.Base, t.Base
	all := []float64{t.Base}
	for i, l := range ls {
		names[i] = l.Name
		lo, hi = min(lo, l.Low, l.High), max(hi, l.Low, l.High)
		all = append(all, l.Low, l.High)
	}
	sc := scaleFor(maxAbs(all...))
	p := newPlot(t.Title)
	setRows(p, names)
	p.X.Label.Text = t.Unit
	p.X.Tick.Marker = valueTicks{sc}
	if lo == hi {
		lo, hi = lo-1, hi+1
	}
	p.X.Min, p.X.Max = lo, hi
	p.Add(tornadoBars{base: t.Base, levers: ls})
	p.Add(tornadoLabels(t.Base, ls, sc))
	lowName, highName := t.LowName, t.HighName
	if lowName == "" {
		lowName = "low"
	}
	if highName == "" {
		highName = "high"
	}
	p.Add(key{
		{Text: lowName, Swatch: swatchRect(dark)},
		{Text: highName, Swatch: swatchRect(light)},
		{Text: "base " + sc.format(t.Base), Swatch: baseSwatch},
	})
	return p, nil
}

// Size is 7.5 inches wide and 30 points a lever high, plus room for the
// title, the key and the axis.
func (t Tornado) Size() (width, height vg.Length) {
	return 7.5 * vg.Inch, naturalHeight(len(t.Levers), true)
}

func (t Tornado) check() error {
	const op = "chart.Tornado"
	if len(t.Levers) == 0 {
		return &funnel.InputError{Op: op, Name: "Levers", Err: funnel.ErrNoData}
	}
	if err := checkValue(op, "Base", t.Base); err != nil {
		return err
	}
	for i, l := range t.Levers {
		name := "Levers[" + strconv.Itoa(i) + "]"
		if err := checkValue(op, name+".Low", l.Low); err != nil {
			return err
		}
		if err := checkValue(op, name+".High", l.High); err != nil {
			return err
		}
	}
	return nil
}

// bySwing returns a copy of ls sorted by swing |High − Low|, the widest
// first, ties in the order given.
func bySwing(ls []Lever) []Lever {
	out := slices.Clone(ls)
	slices.SortStableFunc(out, func(a, b Lever) int {
		sa, sb := math.Abs(a.High-a.Low), math.Abs(b.High-b.Low)
		switch {
		case sa > sb:
			return -1
		case sa < sb:
			return 1
		}
		return 0
	})
	return out
}

// checkValue returns an error for a value that is not finite or is beyond
// ±MaxValue.
func checkValue(op, name string, v float64) error {
	switch {
	case !finite(v):
		return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(v), Err: funnel.ErrNotFinite}
	case math.Abs(v) > MaxValue:
		return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(v), Err: fmt.Errorf("%w: beyond ±%g", funnel.ErrOutOfRange, MaxValue)}
	}
	return nil
}

// baseLine is the dashed line at a tornado's base.
func baseLine() draw.LineStyle {
	return draw.LineStyle{Color: ink, Width: 1.2, Dashes: []vg.Length{4, 3}}
}

// baseSwatch is the key's swatch of the base line.
func baseSwatch(c draw.Canvas, r vg.Rectangle) {
	x := (r.Min.X + r.Max.X) / 2
	c.StrokeLine2(baseLine(), x, r.Min.Y-2, x, r.Max.Y+2)
}

// tornadoBars draws the bars, sorted, and the base line.
type tornadoBars struct {
	base   float64
	levers []Lever
}

// Plot implements plot.Plotter.
func (t tornadoBars) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(t.levers)
	seg := func(y, from, to float64, fill rgb) {
		r := vg.Rectangle{
			Min: vg.Point{X: c.X(p.X.Norm(min(from, to))), Y: c.Y(p.Y.Norm(y - 0.32))},
			Max: vg.Point{X: c.X(p.X.Norm(max(from, to))), Y: c.Y(p.Y.Norm(y + 0.32))},
		}
		fillRect(c, r, fill, thin())
	}
	for i, l := range t.levers {
		y := rowY(i, n)
		// The longer part first, so that when both lie on one side of the
		// base the shorter one shows on top of it.
		if math.Abs(l.Low-t.base) >= math.Abs(l.High-t.base) {
			seg(y, t.base, l.Low, dark)
			seg(y, t.base, l.High, light)
		} else {
			seg(y, t.base, l.High, light)
			seg(y, t.base, l.Low, dark)
		}
	}
	x := c.X(p.X.Norm(t.base))
	c.StrokeLine2(baseLine(), x, c.Min.Y, x, c.Max.Y)
}

// tornadoLabels puts each value beyond its end of the bar: left of a bar
// end below the base, right of one above it. When both values lie on one
// side of the base (or on it), one label at the outer end gives both.
func tornadoLabels(base float64, ls []Lever, sc numberScale) labels {
	n := len(ls)
	var out labels
	left := textStyle(valueSize, ink)
	left.XAlign = draw.XRight
	right := textStyle(valueSize, ink)
	put := func(y, x float64, txt string) {
		if x < base {
			out = append(out, label{X: x, Y: y, DX: -4, Text: txt, Style: left})
			return
		}
		out = append(out, label{X: x, Y: y, DX: 4, Text: txt, Style: right})
	}
	for i, l := range ls {
		y := rowY(i, n)
		if (l.Low < base) != (l.High < base) && l.Low != base && l.High != base {
			put(y, l.Low, sc.format(l.Low))
			put(y, l.High, sc.format(l.High))
			continue
		}
		outer := l.Low
		if math.Abs(l.High-base) > math.Abs(l.Low-base) {
			outer = l.High
		}
		txt := sc.format(l.Low) + " / " + sc.format(l.High)
		if l.Low == l.High {
			txt = sc.format(l.Low)
		}
		put(y, outer, txt)
	}
	return out
}
