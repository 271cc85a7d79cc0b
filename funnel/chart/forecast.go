package chart

import (
	"fmt"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Forecast is a quota forecast per rep, one row each in the order given:
// a light bar from P10 to P90, a dark dot at P50 and the quota as a black
// upright stroke (a different shape, not only a different colour), with
// the P50 and the quota printed at the right of the row,
//
//	"P50 820k · quota 900k"
//
// on one scale chosen from the largest value. It implements [Chart]; a
// Forecast is not modified by drawing.
type Forecast struct {
	Title string `json:"title"`
	// Unit labels the value axis, such as "bookings in Q4, USD".
	Unit string        `json:"unit"`
	Reps []RepForecast `json:"reps"`
}

// RepForecast is one row of a [Forecast]: quantiles of a rep's forecast
// bookings (P10 ≤ P50 ≤ P90) and the quota, in one unit.
type RepForecast struct {
	Name  string  `json:"name"`
	P10   float64 `json:"p10"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	Quota float64 `json:"quota"`
}

// Plot checks the rows and returns the forecast chart.
//
// Errors: a *[funnel.InputError] with Op "chart.Forecast" naming "Reps"
// wrapping [funnel.ErrNoData] when there are none, or naming
// "Reps[i].P10" (P50, P90, Quota) wrapping [funnel.ErrNotFinite] for NaN
// or infinity or [funnel.ErrOutOfRange] beyond ±[MaxValue] or for
// quantiles out of order (the P50 or P90 named).
func (f Forecast) Plot() (*plot.Plot, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	n := len(f.Reps)
	names := make([]string, n)
	lo, hi := 0.0, 0.0
	all := make([]float64, 0, 4*n)
	for i, r := range f.Reps {
		names[i] = r.Name
		lo, hi = min(lo, r.P10, r.Quota), max(hi, r.P90, r.Quota)
		all = append(all, r.P10, r.P50, r.P90, r.Quota)
	}
	if lo == hi {
		hi = lo + 1
	}
	sc := scaleFor(maxAbs(all...))
	p := newPlot(f.Title)
	setRows(p, names)
	p.X.Label.Text = f.Unit
	p.X.Tick.Marker = valueTicks{sc}
	p.X.Min, p.X.Max = lo, hi
	p.Add(forecastRows(f.Reps))
	ls := make(labels, n)
	sty := textStyle(valueSize, ink)
	for i, r := range f.Reps {
		ls[i] = label{X: max(r.P90, r.Quota), Y: rowY(i, n), DX: 8, Text: "P50 " + sc.format(r.P50) + " · quota " + sc.format(r.Quota), Style: sty}
	}
	p.Add(ls)
	p.Add(key{
		{Text: "P10–P90", Swatch: swatchRect(light)},
		{Text: "P50", Swatch: func(c draw.Canvas, r vg.Rectangle) {
			c.DrawGlyphNoClip(medianDot(), vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2})
		}},
		{Text: "quota", Swatch: func(c draw.Canvas, r vg.Rectangle) {
			x := (r.Min.X + r.Max.X) / 2
			c.StrokeLine2(quotaStroke(), x, r.Min.Y-2, x, r.Max.Y+2)
		}},
	})
	return p, nil
}

// Size is 7.5 inches wide and 30 points a rep high, plus room for the
// title, the key and the axis.
func (f Forecast) Size() (width, height vg.Length) {
	return 7.5 * vg.Inch, naturalHeight(len(f.Reps), true)
}

func (f Forecast) check() error {
	const op = "chart.Forecast"
	if len(f.Reps) == 0 {
		return &funnel.InputError{Op: op, Name: "Reps", Err: funnel.ErrNoData}
	}
	for i, r := range f.Reps {
		name := "Reps[" + strconv.Itoa(i) + "]"
		for _, v := range []struct {
			field string
			v     float64
		}{{".P10", r.P10}, {".P50", r.P50}, {".P90", r.P90}, {".Quota", r.Quota}} {
			if err := checkValue(op, name+v.field, v.v); err != nil {
				return err
			}
		}
		switch {
		case r.P50 < r.P10:
			return &funnel.InputError{Op: op, Name: name + ".P50", Value: fmtFloat(r.P50), Err: fmt.Errorf("%w: below P10 %g", funnel.ErrOutOfRange, r.P10)}
		case r.P90 < r.P50:
			return &funnel.InputError{Op: op, Name: name + ".P90", Value: fmtFloat(r.P90), Err: fmt.Errorf("%w: below P50 %g", funnel.ErrOutOfRange, r.P50)}
		}
	}
	return nil
}

// medianDot is the P50's filled circle.
func medianDot() draw.GlyphStyle {
	return draw.GlyphStyle{Color: dark, Radius: 4.5, Shape: draw.CircleGlyph{}}
}

// quotaStroke is the quota's upright black stroke.
func quotaStroke() draw.LineStyle {
	return draw.LineStyle{Color: ink, Width: 2.5}
}

// forecastRows draws the range bars, the P50 dots and the quota strokes.
type forecastRows []RepForecast

// Plot implements plot.Plotter.
func (f forecastRows) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(f)
	for i, r := range f {
		y := rowY(i, n)
		box := vg.Rectangle{
			Min: vg.Point{X: c.X(p.X.Norm(r.P10)), Y: c.Y(p.Y.Norm(y - 0.16))},
			Max: vg.Point{X: c.X(p.X.Norm(r.P90)), Y: c.Y(p.Y.Norm(y + 0.16))},
		}
		fillRect(c, box, light, thin())
		q := c.X(p.X.Norm(r.Quota))
		c.StrokeLine2(quotaStroke(), q, c.Y(p.Y.Norm(y-0.36)), q, c.Y(p.Y.Norm(y+0.36)))
		c.DrawGlyphNoClip(medianDot(), vg.Point{X: c.X(p.X.Norm(r.P50)), Y: c.Y(p.Y.Norm(y))})
	}
}

// Histogram is the distribution of simulated values of one figure
// (bookings in a period, say) with the quota as an upright line: bars of
// equal width counting the samples in each bin,
//
//	width = (max − min) / Bins,  bin of x = ⌊(x − min) / width⌋
//
// the largest sample in the last bin. It implements [Chart]; a Histogram
// is not modified by drawing.
type Histogram struct {
	Title string `json:"title"`
	// Unit labels the value axis, such as "bookings in Q4, USD".
	Unit    string    `json:"unit"`
	Samples []float64 `json:"samples"`
	Quota   float64   `json:"quota"`
	// Bins is the number of bars, at most 1000; 0 means √n rounded up
	// and held within [5, 40].
	Bins int `json:"bins"`
}

// MaxBins is the most bars a [Histogram] draws.
const MaxBins = 1000

// Plot checks the samples and returns the histogram.
//
// Errors: a *[funnel.InputError] with Op "chart.Histogram" naming
// "Samples" wrapping [funnel.ErrNoData] when there are none, naming
// "Samples[i]" or "Quota" wrapping [funnel.ErrNotFinite] for NaN or
// infinity or [funnel.ErrOutOfRange] beyond ±[MaxValue], or naming "Bins"
// wrapping [funnel.ErrOutOfRange] outside [0, MaxBins].
func (h Histogram) Plot() (*plot.Plot, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	hb, top := binSamples(h.Samples, h.Bins)
	lo, hi := hb[0].Min, hb[len(hb)-1].Max
	p := newPlot(h.Title)
	p.X.Label.Text = h.Unit
	p.Y.Label.Text = "samples"
	p.Add(&plotter.Histogram{Bins: hb, Width: (hi - lo) / float64(len(hb)), FillColor: light, LineStyle: thin()})
	sc := scaleFor(maxAbs(lo, hi, h.Quota))
	p.X.Tick.Marker = valueTicks{sc}
	p.Add(quotaLine(h.Quota))
	p.X.Min, p.X.Max = min(lo, h.Quota), max(hi, h.Quota)
	p.Y.Min, p.Y.Max = 0, top
	p.Add(key{
		{Text: "samples per bin", Swatch: swatchRect(light)},
		{Text: "quota " + sc.format(h.Quota), Swatch: func(c draw.Canvas, r vg.Rectangle) {
			x := (r.Min.X + r.Max.X) / 2
			c.StrokeLine2(quotaStroke(), x, r.Min.Y-2, x, r.Max.Y+2)
		}},
	})
	return p, nil
}

// Size is 7.5 by 4.5 inches.
func (h Histogram) Size() (width, height vg.Length) {
	return 7.5 * vg.Inch, 4.5 * vg.Inch
}

func (h Histogram) check() error {
	const op = "chart.Histogram"
	if len(h.Samples) == 0 {
		return &funnel.InputError{Op: op, Name: "Samples", Err: funnel.ErrNoData}
	}
	if h.Bins < 0 || h.Bins > MaxBins {
		return &funnel.InputError{Op: op, Name: "Bins", Value: strconv.Itoa(h.Bins), Err: fmt.Errorf("%w: 0 to %d", funnel.ErrOutOfRange, MaxBins)}
	}
	if err := checkValue(op, "Quota", h.Quota); err != nil {
		return err
	}
	for i, v := range h.Samples {
		if err := checkValue(op, "Samples["+strconv.Itoa(i)+"]", v); err != nil {
			return err
		}
	}
	return nil
}

// binSamples counts finite samples (at least one) into bins of equal
// width from the least to the largest, the largest in the last bin; bins
// 0 means √n rounded up within [5, 40]. Equal samples get one bin of
// width 1 centred on them. It returns the bins and the largest count.
func binSamples(samples []float64, bins int) ([]plotter.HistogramBin, float64) {
	lo, hi := samples[0], samples[0]
	for _, v := range samples {
		lo, hi = min(lo, v), max(hi, v)
	}
	if bins == 0 {
		bins = min(max(int(math.Ceil(math.Sqrt(float64(len(samples))))), 5), 40)
	}
	if lo == hi {
		lo, hi, bins = lo-0.5, hi+0.5, 1
	}
	w := (hi - lo) / float64(bins)
	hb := make([]plotter.HistogramBin, bins)
	for i := range hb {
		hb[i].Min = lo + float64(i)*w
		hb[i].Max = lo + float64(i+1)*w
	}
	hb[bins-1].Max = hi
	var top float64
	for _, v := range samples {
		b := bins - 1
		if v < hi {
			b = min(max(int((v-lo)/w), 0), bins-1)
		}
		hb[b].Weight++
		top = max(top, hb[b].Weight)
	}
	return hb, top
}

// quotaLine draws the quota as an upright line the height of the data.
type quotaLine float64

// Plot implements plot.Plotter.
func (q quotaLine) Plot(c draw.Canvas, p *plot.Plot) {
	x := c.X(p.X.Norm(float64(q)))
	c.StrokeLine2(quotaStroke(), x, c.Min.Y, x, c.Max.Y)
}
