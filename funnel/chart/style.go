package chart

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Type sizes, in points. Body text at 10.5 pt reads on a 96-dpi PNG and
// when the natural 7.5-inch chart is scaled to a page or a README.
const (
	titleSize = 14
	axisSize  = 11
	tickSize  = 10.5
	valueSize = 10
	// rowHeight is the natural height of one row of a chart with rows
	// (reps, stages, levers): two lines of tick labels and some air.
	rowHeight = 30
	// keyHeight is the band above the data that holds a chart's key.
	keyHeight = 22
)

// rgb is an opaque colour written as 0xRRGGBB, so that the palette can be
// constants.
type rgb uint32

// RGBA implements color.Color.
func (c rgb) RGBA() (r, g, b, a uint32) {
	return uint32(c>>16&0xff) * 0x101, uint32(c>>8&0xff) * 0x101, uint32(c&0xff) * 0x101, 0xffff
}

// The colours. Every pair that must be told apart differs in lightness,
// not only in hue, so that a chart printed in grey still reads.
const (
	ink      rgb = 0x1f1f1f // text and outlines
	mutedInk rgb = 0x555555 // secondary text
	gridGrey rgb = 0xd9d9d9 // guides, hatching
	dark     rgb = 0x2f4b7c // the main series
	light    rgb = 0xa6c4e4 // the second series
	white    rgb = 0xffffff
	black    rgb = 0x000000
)

// face returns Liberation Sans, which gonum plot embeds, at size points.
func face(size vg.Length, bold bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = xfont.WeightBold
	}
	return f
}

// textStyle returns a left-aligned, vertically centred text style.
func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{
		Color:   c,
		Font:    face(size, false),
		YAlign:  draw.YCenter,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the package's fonts, a white background and
// the title in bold.
func newPlot(title string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = white
	p.Title.Text = title
	p.Title.TextStyle.Font = face(titleSize, true)
	p.Title.TextStyle.Color = ink
	p.Title.Padding = 6
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = face(axisSize, false)
		a.Label.TextStyle.Color = ink
		a.Tick.Label.Font = face(tickSize, false)
		a.Tick.Label.Color = ink
		a.Color = ink
		a.Tick.Color = ink
	}
	return p
}

// setRows makes p's vertical axis a list of names, the first at the top:
// row i is centred on y = n−1−i, and its label is wrapped to two lines of
// about 24 characters.
func setRows(p *plot.Plot, names []string) {
	n := len(names)
	ticks := make(plot.ConstantTicks, n)
	for i, s := range names {
		ticks[i] = plot.Tick{Value: rowY(i, n), Label: wrap(s, 24, 2)}
	}
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Tick.Marker = ticks
	p.Y.Tick.Length = 0
	p.Y.LineStyle.Width = 0
	p.Y.Padding = 6
}

// rowY is the vertical position of row i of n, the first at the top.
func rowY(i, n int) float64 { return float64(n - 1 - i) }

// naturalHeight is the height that rows read at, with a key band when key.
func naturalHeight(rows int, key bool) vg.Length {
	h := vg.Length(96 + rowHeight*rows)
	if key {
		h += keyHeight
	}
	return clampSize(h)
}

// wrap breaks s into lines of at most width runes and at most lines
// lines, the last taking the rest; see wrapBy.
func wrap(s string, width, lines int) string {
	return wrapBy(s, func(line string) bool { return runeLen(line) <= width }, lines)
}

// wrapBy breaks s into lines that fit and at most lines lines, the last
// taking the rest. It breaks at spaces and, in a word that does not fit,
// after a slash ("Negotiation/" "Review"); a word that still does not fit
// keeps its own line.
func wrapBy(s string, fits func(line string) bool, lines int) string {
	type token struct {
		text string
		glue bool // joins the previous token without a space
	}
	var toks []token
	for _, w := range strings.Fields(s) {
		if fits(w) || !strings.Contains(w, "/") {
			toks = append(toks, token{text: w})
			continue
		}
		for i, part := range strings.SplitAfter(w, "/") {
			if part != "" {
				toks = append(toks, token{text: part, glue: i > 0})
			}
		}
	}
	if len(toks) == 0 {
		return s
	}
	var out []string
	cur := toks[0].text
	for _, t := range toks[1:] {
		sep := " "
		if t.glue {
			sep = ""
		}
		if len(out) < lines-1 && !fits(cur+sep+t.text) {
			out = append(out, cur)
			cur = t.text
			continue
		}
		cur += sep + t.text
	}
	return strings.Join(append(out, cur), "\n")
}

func runeLen(s string) int { return len([]rune(s)) }

// label is a text placed at a data point and offset by DX, DY points.
type label struct {
	X, Y   float64
	DX, DY vg.Length
	Text   string
	Style  text.Style
}

// labels is a plotter that draws texts at data points, and reserves room
// for them so that a text beside the longest bar is not cut off.
type labels []label

// Plot implements plot.Plotter.
func (ls labels) Plot(c draw.Canvas, p *plot.Plot) {
	for _, l := range ls {
		pt := vg.Point{X: c.X(p.X.Norm(l.X)) + l.DX, Y: c.Y(p.Y.Norm(l.Y)) + l.DY}
		c.FillText(l.Style, pt, l.Text)
	}
}

// GlyphBoxes implements plot.GlyphBoxer. Each box is the text's with
// labelClear more on either side, which keeps a label that the data area
// was shrunk for clear of the axis's labels and of the edge.
func (ls labels) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	bs := make([]plot.GlyphBox, len(ls))
	for i, l := range ls {
		r := l.Style.Rectangle(l.Text).Add(vg.Point{X: l.DX, Y: l.DY})
		r.Min.X -= labelClear
		r.Max.X += labelClear
		bs[i] = plot.GlyphBox{X: p.X.Norm(l.X), Y: p.Y.Norm(l.Y), Rectangle: r}
	}
	return bs
}

// labelClear is the room kept free beside a value label.
const labelClear = 8

// valueTicks are gonum's default ticks on a value axis, labelled on a
// chart's scale with as many more decimals (up to three) as it takes to
// tell the labels apart.
type valueTicks struct{ scale numberScale }

// Ticks implements plot.Ticker.
func (t valueTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	sc := t.scale
	for extra := 0; ; extra++ {
		seen := make(map[string]bool, len(ticks))
		distinct := true
		for i, tk := range ticks {
			if tk.Label == "" {
				continue
			}
			ticks[i].Label = sc.format(tk.Value)
			if seen[ticks[i].Label] {
				distinct = false
			}
			seen[ticks[i].Label] = true
		}
		if distinct || extra == 3 {
			return ticks
		}
		if sc.Div == 1 && sc.Prec == 0 {
			sc.Prec = 1 // leave the whole-number form for decimals
		} else {
			sc.Prec++
		}
	}
}

// keyItem is one entry of a key: a swatch (none when nil) and its text.
type keyItem struct {
	Text   string
	Swatch func(c draw.Canvas, r vg.Rectangle)
}

// key is a plotter that draws its items in one line in a band it reserves
// above the data area, left-aligned with it.
type key []keyItem

const (
	keySwatch = 14 // width of a swatch
	keyGap    = 5  // between a swatch and its text
	keySpace  = 16 // between items
	keyAbove  = 6  // between the data area and the band
)

// Plot implements plot.Plotter.
func (k key) Plot(c draw.Canvas, p *plot.Plot) {
	sty := textStyle(valueSize, ink)
	y := c.Max.Y + keyAbove + keyHeight/2
	x := c.Min.X
	for _, it := range k {
		if it.Swatch != nil {
			r := vg.Rectangle{Min: vg.Point{X: x, Y: y - 5}, Max: vg.Point{X: x + keySwatch, Y: y + 5}}
			it.Swatch(c, r)
			x += keySwatch + keyGap
		}
		c.FillText(sty, vg.Point{X: x, Y: y}, it.Text)
		x += sty.Width(it.Text) + keySpace
	}
}

// GlyphBoxes implements plot.GlyphBoxer: one box above the top of the data
// area, as high as the band, ignored horizontally (no width).
func (k key) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{{X: 0, Y: 1, Rectangle: vg.Rectangle{Min: vg.Point{Y: keyAbove}, Max: vg.Point{Y: keyAbove + keyHeight}}}}
}

// rect returns the closed path of r.
func rect(r vg.Rectangle) []vg.Point {
	return []vg.Point{r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min}
}

// fillRect fills r with fill and, when the outline has a width, strokes it.
func fillRect(c draw.Canvas, r vg.Rectangle, fill color.Color, outline draw.LineStyle) {
	c.FillPolygon(fill, rect(r)[:4])
	if outline.Width > 0 {
		c.StrokeLines(outline, rect(r))
	}
}

// swatchRect is a key swatch filled with fill and outlined in ink.
func swatchRect(fill color.Color) func(draw.Canvas, vg.Rectangle) {
	return func(c draw.Canvas, r vg.Rectangle) {
		fillRect(c, r, fill, draw.LineStyle{Color: ink, Width: 0.5})
	}
}

// thin is the outline of bars and boxes.
func thin() draw.LineStyle { return draw.LineStyle{Color: ink, Width: 0.6} }

// count formats n with commas between thousands: 12345 is "12,345".
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// percent formats a rate in [0, 1] as a percentage with one decimal:
// 0.42 is "42.0%".
func percent(r float64) string {
	return strconv.FormatFloat(r*100, 'f', 1, 64) + "%"
}

// dash marks a figure that does not exist, such as a step with no trials.
const dash = "–"

// numberScale is one way to print all the numbers of a chart: divided by
// Div, with Prec decimals and the suffix.
type numberScale struct {
	Div    float64
	Prec   int
	Suffix string
}

// scaleFor returns the scale for numbers up to maxAbs in absolute value:
//
//	≥ 10⁹: 1.23B   ≥ 10⁶: 1.23M   ≥ 10⁵: 845k   ≥ 10⁴: 12.3k
//	≥ 100: 1,234 (whole)           below: 12.34
func scaleFor(maxAbs float64) numberScale {
	switch {
	case maxAbs >= 1e9:
		return numberScale{1e9, 2, "B"}
	case maxAbs >= 1e6:
		return numberScale{1e6, 2, "M"}
	case maxAbs >= 1e5:
		return numberScale{1e3, 0, "k"}
	case maxAbs >= 1e4:
		return numberScale{1e3, 1, "k"}
	case maxAbs >= 100:
		return numberScale{1, 0, ""}
	}
	return numberScale{1, 2, ""}
}

// format prints v on the scale; a value that rounds to zero prints
// without a sign.
func (s numberScale) format(v float64) string {
	x := v / s.Div
	p := math.Pow(10, float64(s.Prec))
	if math.Round(x*p) == 0 {
		x = 0
	}
	if s.Div == 1 && s.Prec == 0 {
		return count(int64(math.Round(x)))
	}
	return strconv.FormatFloat(x, 'f', s.Prec, 64) + s.Suffix
}

// maxAbs returns the largest absolute value of vs, 0 for none.
func maxAbs(vs ...float64) float64 {
	m := 0.0
	for _, v := range vs {
		m = max(m, math.Abs(v))
	}
	return m
}
