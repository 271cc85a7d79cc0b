package chart

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heatmap is a grid of gaps to a benchmark in percentage points, rows
// (reps) down and columns (stages) across, each cell coloured on a
// diverging scale centred on 0 and labelled with its value ("+4.2",
// "-12.5", "0.0"); a cell without data is hatched and labelled "n/a".
// Below the benchmark (negative) runs from near-white through salmon to
// dark red, above it (positive) through pale to mid blue; at equal size a
// gap below is darker than a gap above, so the sign still reads in grey,
// and the printed sign carries it in any case. Text is white on the dark
// cells and black on the others, whichever contrasts more. It implements
// [Chart]; a Heatmap is not modified by drawing.
type Heatmap struct {
	Title string `json:"title"`
	// Rows are the row labels, top to bottom, and Columns the column
	// labels, left to right.
	Rows    []string `json:"rows"`
	Columns []string `json:"columns"`
	// Cells[r][c] is the cell of row r and column c: one slice per row,
	// each as long as Columns.
	Cells [][]Cell `json:"cells"`
	// Limit is the absolute gap, in percentage points, at which the
	// colour is at its darkest; larger gaps take the same colour. Zero
	// means the largest absolute gap in the cells (1 if all are 0), so
	// that two heatmaps compare by colour only when they share a Limit.
	Limit float64 `json:"limit"`
}

// Cell is one cell of a [Heatmap].
type Cell struct {
	// Value is the gap to the benchmark in percentage points, in
	// [−100, 100], negative below the benchmark:
	//
	//	Value = (rep's rate − benchmark's rate) × 100
	//
	// It is read only when Valid is true.
	Value float64 `json:"value"`
	// Valid is false for a cell without data (a rep with no deals at the
	// step), drawn hatched and labelled "n/a".
	Valid bool `json:"valid"`
}

// NA is the label of a [Heatmap] cell without data.
const NA = "n/a"

// Plot checks the grid and returns the heatmap.
//
// Errors: a *[funnel.InputError] with Op "chart.Heatmap" naming "Rows" or
// "Columns" wrapping [funnel.ErrNoData] when either is empty; naming
// "Cells" or "Cells[r]" wrapping [funnel.ErrLengthMismatch] when there is
// not one slice of cells per row or one cell per column; naming
// "Cells[r][c].Value" (of a valid cell) or "Limit" wrapping
// [funnel.ErrNotFinite] for NaN or infinity or [funnel.ErrOutOfRange]
// outside [−100, 100] (a Limit outside [0, 100]).
func (h Heatmap) Plot() (*plot.Plot, error) {
	if err := h.check(); err != nil {
		return nil, err
	}
	limit := h.Limit
	if limit == 0 {
		for _, row := range h.Cells {
			for _, c := range row {
				if c.Valid {
					limit = max(limit, math.Abs(c.Value))
				}
			}
		}
		if limit == 0 {
			limit = 1
		}
	}
	p := newPlot(h.Title)
	setRows(p, h.Rows)
	p.X.Min, p.X.Max = -0.5, float64(len(h.Columns))-0.5
	p.X.Tick.Marker = plot.ConstantTicks{} // columnLabels draws them
	p.X.Tick.Length = 0
	p.X.LineStyle.Width = 0
	p.X.Padding = 0
	p.X.Label.Text = "gap to the benchmark, percentage points (negative: below the role model)"
	p.Add(heatCells{cells: h.Cells, limit: limit}, columnLabels(h.Columns))
	p.Add(heatKey(limit))
	return p, nil
}

// Size is 160 points for the row labels and 92 a column wide (at least 7.5
// inches), and 30 points a row high, plus room for the title, the key and
// column labels of up to three lines.
func (h Heatmap) Size() (width, height vg.Length) {
	return clampSize(max(7.5*vg.Inch, vg.Length(160+92*len(h.Columns)))), clampSize(naturalHeight(len(h.Rows), true) + 24)
}

func (h Heatmap) check() error {
	const op = "chart.Heatmap"
	switch {
	case len(h.Rows) == 0:
		return &funnel.InputError{Op: op, Name: "Rows", Err: funnel.ErrNoData}
	case len(h.Columns) == 0:
		return &funnel.InputError{Op: op, Name: "Columns", Err: funnel.ErrNoData}
	case len(h.Cells) != len(h.Rows):
		return &funnel.InputError{Op: op, Name: "Cells", Value: strconv.Itoa(len(h.Cells)) + " rows", Err: fmt.Errorf("%w: %d rows", funnel.ErrLengthMismatch, len(h.Rows))}
	}
	switch {
	case !finite(h.Limit):
		return &funnel.InputError{Op: op, Name: "Limit", Value: fmtFloat(h.Limit), Err: funnel.ErrNotFinite}
	case h.Limit < 0 || h.Limit > 100:
		return &funnel.InputError{Op: op, Name: "Limit", Value: fmtFloat(h.Limit), Err: fmt.Errorf("%w: 0 to 100 percentage points", funnel.ErrOutOfRange)}
	}
	for r, row := range h.Cells {
		if len(row) != len(h.Columns) {
			return &funnel.InputError{Op: op, Name: "Cells[" + strconv.Itoa(r) + "]", Value: strconv.Itoa(len(row)) + " cells", Err: fmt.Errorf("%w: %d columns", funnel.ErrLengthMismatch, len(h.Columns))}
		}
		for c, cell := range row {
			if !cell.Valid {
				continue
			}
			name := "Cells[" + strconv.Itoa(r) + "][" + strconv.Itoa(c) + "].Value"
			switch {
			case !finite(cell.Value):
				return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(cell.Value), Err: funnel.ErrNotFinite}
			case cell.Value < -100 || cell.Value > 100:
				return &funnel.InputError{Op: op, Name: name, Value: fmtFloat(cell.Value), Err: fmt.Errorf("%w: -100 to 100 percentage points", funnel.ErrOutOfRange)}
			}
		}
	}
	return nil
}

// gapColour returns the colour of a gap v on the scale that is darkest at
// ±limit (limit > 0), interpolating linearly in sRGB between stops.
//
// The stops are ColorBrewer's RdBu, from the centre out. The blue side
// stops two steps short of the red, so that a gap above the benchmark is
// lighter than a gap below of the same size.
func gapColour(v, limit float64) color.RGBA {
	below := [...]rgb{0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b}
	above := [...]rgb{0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3}
	stops := above[:]
	if v < 0 {
		stops = below[:]
	}
	t := min(math.Abs(v)/limit, 1) * float64(len(stops)-1)
	i := min(int(t), len(stops)-2)
	f := t - float64(i)
	a, b := stops[i], stops[i+1]
	mix := func(shift uint) uint8 {
		x, y := float64(a>>shift&0xff), float64(b>>shift&0xff)
		return uint8(math.Round(x + (y-x)*f))
	}
	return color.RGBA{R: mix(16), G: mix(8), B: mix(0), A: 0xff}
}

// textOn returns white or black, whichever contrasts more with the
// background c by the WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), L the
// relative luminance 0.2126 R + 0.7152 G + 0.0722 B of linear sRGB. The
// better of the two is at least 4.58:1 on any background (the worst case,
// (L + 0.05)² = 1.05 × 0.05, has L = 0.179), above the 4.5:1 that WCAG AA
// asks of body text.
func textOn(c color.RGBA) color.Color {
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
	if (1+0.05)/(l+0.05) > (l+0.05)/0.05 {
		return white
	}
	return black
}

// gapText formats a gap with its sign and one decimal; one that rounds to
// zero is "0.0".
func gapText(v float64) string {
	if math.Round(v*10) == 0 {
		return "0.0"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// signedGap is gapText with a "+" on a positive gap.
func signedGap(v float64) string {
	s := gapText(v)
	if v > 0 && s != "0.0" {
		return "+" + s
	}
	return s
}

// heatCells draws the cells.
type heatCells struct {
	cells [][]Cell
	limit float64
}

// Plot implements plot.Plotter.
func (h heatCells) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(h.cells)
	sty := textStyle(valueSize, ink)
	sty.XAlign = draw.XCenter
	for r, row := range h.cells {
		y := rowY(r, n)
		for col, cell := range row {
			x := float64(col)
			box := vg.Rectangle{
				Min: vg.Point{X: c.X(p.X.Norm(x-0.5)) + 1, Y: c.Y(p.Y.Norm(y-0.5)) + 1},
				Max: vg.Point{X: c.X(p.X.Norm(x+0.5)) - 1, Y: c.Y(p.Y.Norm(y+0.5)) - 1},
			}
			centre := vg.Point{X: (box.Min.X + box.Max.X) / 2, Y: (box.Min.Y + box.Max.Y) / 2}
			if !cell.Valid {
				hatch(c, box)
				sty.Color = mutedInk
				c.FillText(sty, centre, NA)
				continue
			}
			fill := gapColour(cell.Value, h.limit)
			fillRect(c, box, fill, draw.LineStyle{})
			sty.Color = textOn(fill)
			c.FillText(sty, centre, signedGap(cell.Value))
		}
	}
}

// hatch draws r white with grey diagonal lines 6 points apart and a grey
// outline: the mark of a cell without data.
func hatch(c draw.Canvas, r vg.Rectangle) {
	line := draw.LineStyle{Color: gridGrey, Width: 0.8}
	fillRect(c, r, white, line)
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	for d := -h + 3; d < w; d += 6 {
		sx, sy := r.Min.X+max(d, 0), r.Min.Y+max(-d, 0)
		l := min(r.Max.X-sx, r.Max.Y-sy)
		if l <= 0 {
			continue
		}
		c.StrokeLine2(line, sx, sy, sx+l, sy+l)
	}
}

// heatKey is the key of the scale: swatches at −limit, −limit/2, 0,
// limit/2 and limit, and the mark of a cell without data.
func heatKey(limit float64) key {
	k := key{{Text: "gap, pp:"}}
	for _, f := range []float64{-1, -0.5, 0, 0.5, 1} {
		v := f * limit
		k = append(k, keyItem{Text: signedGap(v), Swatch: swatchRect(gapColour(v, limit))})
	}
	return append(k, keyItem{Text: NA, Swatch: func(c draw.Canvas, r vg.Rectangle) { hatch(c, r) }})
}

// columnLabels draws the column labels under the cells, each wrapped to
// at most three lines that fit its column, in smaller type (down to 7.5
// points) when a word is wider than the column.
type columnLabels []string

const (
	columnLines = 3
	columnGap   = 4 // between the cells and the labels
	minLabel    = 7.5
)

// Plot implements plot.Plotter.
func (cl columnLabels) Plot(c draw.Canvas, p *plot.Plot) {
	colW := c.X(p.X.Norm(1)) - c.X(p.X.Norm(0)) - 6
	for i, s := range cl {
		sty := textStyle(tickSize, ink)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		txt := fitColumn(s, sty, colW)
		for sty.Font.Size > minLabel && widest(txt, sty) > colW {
			sty.Font.Size -= 0.5
			txt = fitColumn(s, sty, colW)
		}
		c.FillText(sty, vg.Point{X: c.X(p.X.Norm(float64(i))), Y: c.Min.Y - columnGap}, txt)
	}
}

// GlyphBoxes implements plot.GlyphBoxer: one box below the cells, as high
// as three lines, ignored horizontally.
func (cl columnLabels) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	sty := textStyle(tickSize, ink)
	h := sty.Rectangle(strings.Repeat("X\n", columnLines-1) + "X").Size().Y
	return []plot.GlyphBox{{X: 0, Y: 0, Rectangle: vg.Rectangle{Min: vg.Point{Y: -columnGap - h}, Max: vg.Point{Y: 0}}}}
}

// fitColumn wraps s to lines of at most w points in sty.
func fitColumn(s string, sty text.Style, w vg.Length) string {
	return wrapBy(s, func(line string) bool { return sty.Width(line) <= w }, columnLines)
}

// widest returns the width of the widest line of txt in sty.
func widest(txt string, sty text.Style) vg.Length {
	var w vg.Length
	for _, l := range strings.Split(txt, "\n") {
		w = max(w, sty.Width(l))
	}
	return w
}
