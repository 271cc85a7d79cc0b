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

// Ages is the age of the open pipeline by stage: one row per stage, in the
// order given, labelled with the stage and its number of open deals
// ("Proposal (n=14)"). Each deal is a ring at its age, spread up and down
// its row by a fixed pattern (the golden-ratio sequence, so the same data
// gives the same picture); a stage with at least [MinBox] deals also gets
// a box plot, and every stage with deals its median printed at the right
// ("median 34 d"); a stage without deals reads "no open deals". It
// implements [Chart]; an Ages is not modified by drawing.
//
// The box and the printed median are gonum's box plot: the median of the
// sorted ages (the mean of the middle two for an even count), the
// quartiles as the medians of the lower and upper halves, whiskers to the
// farthest ages within 1.5 × the interquartile range of the box.
type Ages struct {
	Title string `json:"title"`
	// Unit labels the value axis, such as "days since the deal started"
	// or "days in the stage"; empty means "days open at the stage".
	Unit   string      `json:"unit"`
	Stages []StageAges `json:"stages"`
}

// StageAges is one row of [Ages]: the ages, in days, of the deals open at
// a stage.
type StageAges struct {
	Name string    `json:"name"`
	Days []float64 `json:"days"`
}

// MinBox is the fewest deals at a stage that [Ages] draws a box for: with
// fewer the quartiles say little that the dots do not.
const MinBox = 5

// Plot checks the ages and returns the chart.
//
// Errors: a *[funnel.InputError] with Op "chart.Ages" naming "Stages"
// wrapping [funnel.ErrNoData] when there are none, or naming
// "Stages[i].Days[j]" wrapping [funnel.ErrNotFinite] for NaN or infinity,
// [funnel.ErrNegative] for an age below 0 or [funnel.ErrOutOfRange] for
// one above [MaxValue]. A stage with no deals is fine.
func (a Ages) Plot() (*plot.Plot, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	n := len(a.Stages)
	names := make([]string, n)
	rows := make(ageRows, n)
	ls := make(labels, n)
	sty := textStyle(valueSize, ink)
	muted := textStyle(valueSize, mutedInk)
	var top float64
	for i, s := range a.Stages {
		names[i] = s.Name + " (n=" + strconv.Itoa(len(s.Days)) + ")"
		y := rowY(i, n)
		rows[i] = ageRow{y: y, days: s.Days}
		if len(s.Days) == 0 {
			ls[i] = label{X: 0, Y: y, DX: 4, Text: "no open deals", Style: muted}
			continue
		}
		// NewBoxPlot copies the values; they are finite, so it cannot fail.
		b, err := plotter.NewBoxPlot(0, y, plotter.Values(s.Days))
		if err != nil {
			return nil, err
		}
		b.Horizontal = true
		b.FillColor = light
		b.BoxStyle, b.WhiskerStyle = thin(), thin()
		b.MedianStyle = draw.LineStyle{Color: ink, Width: 2}
		b.GlyphStyle.Radius = 0 // the dots show every deal
		if len(s.Days) >= MinBox {
			rows[i].box = b
		}
		hiDay := s.Days[0]
		for _, d := range s.Days {
			hiDay = max(hiDay, d)
		}
		top = max(top, hiDay)
		ls[i] = label{X: hiDay, Y: y, DX: 8, Text: "median " + days(b.Median), Style: sty}
	}
	p := newPlot(a.Title)
	setRows(p, names)
	p.X.Label.Text = a.Unit
	if a.Unit == "" {
		p.X.Label.Text = "days open at the stage"
	}
	p.X.Min, p.X.Max = 0, max(top, 1)
	p.Add(rows, ls)
	p.Add(key{
		{Text: "open deal", Swatch: func(c draw.Canvas, r vg.Rectangle) {
			c.DrawGlyphNoClip(dealRing(), vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2})
		}},
		{Text: "quartiles and median (" + strconv.Itoa(MinBox) + " or more deals)", Swatch: func(c draw.Canvas, r vg.Rectangle) {
			fillRect(c, r, light, thin())
			x := (r.Min.X + r.Max.X) / 2
			c.StrokeLine2(draw.LineStyle{Color: ink, Width: 2}, x, r.Min.Y, x, r.Max.Y)
		}},
	})
	return p, nil
}

// Size is 7.5 inches wide and 30 points a stage high, plus room for the
// title, the key and the axis.
func (a Ages) Size() (width, height vg.Length) {
	return 7.5 * vg.Inch, naturalHeight(len(a.Stages), true)
}

func (a Ages) check() error {
	const op = "chart.Ages"
	if len(a.Stages) == 0 {
		return &funnel.InputError{Op: op, Name: "Stages", Err: funnel.ErrNoData}
	}
	for i, s := range a.Stages {
		for j, d := range s.Days {
			name := "Stages[" + strconv.Itoa(i) + "].Days[" + strconv.Itoa(j) + "]"
			switch {
			case !finite(d):
				return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(d), Err: funnel.ErrNotFinite}
			case d < 0:
				return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(d), Err: funnel.ErrNegative}
			case d > MaxValue:
				return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(d), Err: fmt.Errorf("%w: above %g", funnel.ErrOutOfRange, MaxValue)}
			}
		}
	}
	return nil
}

// days formats a number of days as whole days, or with one decimal below
// ten: "34 d", "2.5 d".
func days(d float64) string {
	if d < 9.95 {
		return strconv.FormatFloat(d, 'f', 1, 64) + " d"
	}
	return strconv.FormatFloat(math.Round(d), 'f', 0, 64) + " d"
}

// dealRing is the ring of one open deal.
func dealRing() draw.GlyphStyle {
	return draw.GlyphStyle{Color: dark, Radius: 2.8, Shape: ring{}}
}

// ring is an open circle drawn with a 1.2-point line, which shows on the
// light box where gonum's half-point ring fades.
type ring struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (ring) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: 1.2})
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.Stroke(p)
}

// ageRow is one stage's box (nil with too few deals) and dots.
type ageRow struct {
	y    float64
	days []float64
	box  *plotter.BoxPlot
}

// ageRows draws the rows.
type ageRows []ageRow

// Plot implements plot.Plotter.
func (rs ageRows) Plot(c draw.Canvas, p *plot.Plot) {
	rowH := c.Y(p.Y.Norm(1)) - c.Y(p.Y.Norm(0))
	for _, r := range rs {
		if r.box != nil {
			b := *r.box
			b.Width = 0.5 * rowH
			b.CapWidth = 0.25 * rowH
			b.Plot(c, p)
		}
		for j, d := range r.days {
			// frac(j·φ) − ½, the golden-ratio sequence: evenly spread,
			// and the same every time.
			off := math.Mod(float64(j)*0.6180339887498949, 1) - 0.5
			pt := vg.Point{X: c.X(p.X.Norm(d)), Y: c.Y(p.Y.Norm(r.y + 0.36*off))}
			c.DrawGlyphNoClip(dealRing(), pt)
		}
	}
}
