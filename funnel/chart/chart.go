package chart

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is the file format a chart is written in.
type Format int8

// The formats [Write] knows.
const (
	// SVG is Scalable Vector Graphics, text that names Liberation Sans
	// (metric-compatible with Arial, which is given as the fallback) and
	// does not embed it.
	SVG Format = iota
	// PNG is a Portable Network Graphics raster at [DPI] dots per inch.
	PNG
)

// String returns "svg" or "png", or "Format(n)" for an unknown value.
func (f Format) String() string {
	switch f {
	case SVG:
		return "svg"
	case PNG:
		return "png"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// DPI is the resolution of a [PNG]: a chart w points wide is
//
//	pixels = round(w / 72 × DPI)
//
// pixels wide, so the natural 7.5-inch width (540 pt) is 720 pixels.
const DPI = 96

// The size limits of [Write], in points (1/72 inch).
const (
	// MinSize is the smallest width or height a chart is drawn at: two
	// inches, below which no chart's labels can be read.
	MinSize = 2 * vg.Inch
	// MaxSize is the largest width or height a chart is drawn at: 40
	// inches, 3840 pixels in a PNG.
	MaxSize = 40 * vg.Inch
)

// Chart is a chart of plain data that gonum.org/v1/plot can draw. The
// charts of this package ([Funnel], [Heatmap], [Tornado], [Forecast],
// [Histogram], [Ages]) are plain values that implement it.
type Chart interface {
	// Plot checks the data and returns a new plot of it, which the caller
	// may change and draw as any other gonum plot. It returns a
	// *[funnel.InputError] for data it cannot draw.
	Plot() (*plot.Plot, error)
	// Size is the width and height that the data reads at, in points:
	// what [Write] uses for a zero width or height. It grows with the
	// number of rows and columns and never fails; for data that Plot
	// rejects it is still a size within [MinSize, MaxSize].
	Size() (width, height vg.Length)
}

// Write draws c in format f at width × height points (1/72 inch) and
// writes it to w. A zero width or height is c's own [Chart.Size] in that
// direction. The output depends only on the data, the format and the
// size: the same chart gives the same bytes.
//
// Errors: the error of c's Plot, a *[funnel.InputError] with Op
// "chart.Write" naming "format" wrapping [funnel.ErrOutOfRange] for an
// unknown format, and naming "width" or "height" wrapping
// [funnel.ErrNotFinite] for NaN or infinity or [funnel.ErrOutOfRange]
// for a size outside [MinSize, MaxSize] (zero excepted); or the error of
// w. Nothing is written when an error comes before the output.
func Write(w io.Writer, c Chart, f Format, width, height vg.Length) error {
	const op = "chart.Write"
	if f != SVG && f != PNG {
		return &funnel.InputError{Op: op, Name: "format", Value: f.String(), Err: fmt.Errorf("%w: svg or png", funnel.ErrOutOfRange)}
	}
	if err := checkSize(op, "width", width); err != nil {
		return err
	}
	if err := checkSize(op, "height", height); err != nil {
		return err
	}
	p, err := c.Plot()
	if err != nil {
		return err
	}
	if width == 0 || height == 0 {
		nw, nh := c.Size()
		if width == 0 {
			width = nw
		}
		if height == 0 {
			height = nh
		}
	}
	switch f {
	case PNG:
		cv := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(DPI))
		p.Draw(inset(draw.New(cv)))
		_, err = vgimg.PngCanvas{Canvas: cv}.WriteTo(w)
		return err
	default:
		cv := vgsvg.New(width, height)
		p.Draw(inset(draw.New(cv)))
		var b bytes.Buffer
		if _, err := cv.WriteTo(&b); err != nil {
			return err
		}
		// Name fallbacks with the same metrics, so that a viewer without
		// Liberation Sans still lays the text out as it was measured.
		out := bytes.ReplaceAll(b.Bytes(), []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
		_, err = w.Write(out)
		return err
	}
}

// margin is the white space around a chart.
const margin = 8

// inset returns c less the margin on every side, after painting all of c
// white.
func inset(c draw.Canvas) draw.Canvas {
	c.SetColor(white)
	c.Fill(c.Rectangle.Path())
	return draw.Crop(c, margin, -margin, margin, -margin)
}

// checkSize returns nil for 0 or a finite size in [MinSize, MaxSize].
func checkSize(op, name string, v vg.Length) error {
	f := float64(v)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(f), Err: funnel.ErrNotFinite}
	case f != 0 && (v < MinSize || v > MaxSize):
		return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(f), Err: fmt.Errorf("%w: 0 or %g to %g points", funnel.ErrOutOfRange, float64(MinSize), float64(MaxSize))}
	}
	return nil
}

// clampSize keeps a natural size within [MinSize, MaxSize].
func clampSize(v vg.Length) vg.Length {
	return min(max(v, MinSize), MaxSize)
}

// fmtFloat formats v for an error message.
func fmtFloat(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

// MaxValue bounds the values of [Tornado], [Forecast] and [Histogram] in
// absolute value, and the days of [Ages]: a value beyond it (10¹⁵) is
// rejected, so that sums and ranges of the values stay finite
// and their labels short.
const MaxValue = 1e15
