package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/plot/vg"
)

// render writes c in f at its natural size and fails the test on error.
func render(t testing.TB, c Chart, f Format) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, c, f, 0, 0); err != nil {
		t.Fatalf("Write(%T, %v): %v", c, f, err)
	}
	return b.Bytes()
}

// svgTexts returns the character data of every <text> element of an SVG
// document, in document order, parsed with encoding/xml (so entities such
// as &#39; are decoded).
func svgTexts(t testing.TB, svg []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	var cur *strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("parse SVG: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				cur = new(strings.Builder)
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && cur != nil {
				out = append(out, cur.String())
				cur = nil
			}
		}
	}
}

// hasLabel reports whether want is one text element, or a label wrapped
// over up to three consecutive elements (joined by a space, or by nothing
// after a slash).
func hasLabel(texts []string, want string) bool {
	for i := range texts {
		s := texts[i]
		if s == want {
			return true
		}
		for j := i + 1; j < len(texts) && j < i+3; j++ {
			if strings.HasSuffix(s, "/") {
				s += texts[j]
			} else {
				s += " " + texts[j]
			}
			if s == want {
				return true
			}
		}
	}
	return false
}

// countText returns how many text elements are exactly s.
func countText(texts []string, s string) int {
	n := 0
	for _, t := range texts {
		if t == s {
			n++
		}
	}
	return n
}

// pngSize decodes a PNG and returns its width and height in pixels.
func pngSize(t testing.TB, b []byte) (int, int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	r := img.Bounds()
	return r.Dx(), r.Dy()
}

// checkLabels renders c to SVG and reports every wanted label that is
// missing from its text elements.
func checkLabels(t *testing.T, c Chart, want []string) []string {
	t.Helper()
	texts := svgTexts(t, render(t, c, SVG))
	for _, w := range want {
		if !hasLabel(texts, w) {
			t.Errorf("%T: label %q missing from the SVG; texts: %q", c, w, texts)
		}
	}
	return texts
}

func TestWriteSizes(t *testing.T) {
	f := designFunnel()
	tests := []struct {
		name          string
		width, height vg.Length
		// wantW, wantH: pixels = round(points / 72 × 96).
		wantW, wantH int
	}{
		// natural: 7.5 in = 540 pt → 720 px; 96 + 30 × 5 stages = 246 pt
		// → 246 × 96 / 72 = 328 px.
		{"natural", 0, 0, 720, 328},
		// 400 pt → 533.33 → 533 px; 300 pt → 400 px.
		{"explicit", 400, 300, 533, 400},
		// zero height only: 6 in = 432 pt → 576 px; natural 328 px.
		{"natural height", 6 * vg.Inch, 0, 576, 328},
		// the limits: 144 pt → 192 px; 2880 pt → 3840 px.
		{"smallest", MinSize, MinSize, 192, 192},
		{"tallest", MinSize, MaxSize, 192, 3840},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, f, PNG, tt.width, tt.height); err != nil {
				t.Fatal(err)
			}
			w, h := pngSize(t, b.Bytes())
			if diff := cmp.Diff([2]int{tt.wantW, tt.wantH}, [2]int{w, h}); diff != "" {
				t.Errorf("Write(PNG, %v, %v) size mismatch (-want +got):\n%s", tt.width, tt.height, diff)
			}
		})
	}
}

func TestWriteSVGSize(t *testing.T) {
	// The SVG's root names the size in points: 7.5 in = 540pt and
	// 96 + 30 × 5 = 246pt for the five-stage funnel.
	b := render(t, designFunnel(), SVG)
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("no svg element: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "svg" {
			got := map[string]string{}
			for _, a := range se.Attr {
				if a.Name.Local == "width" || a.Name.Local == "height" {
					got[a.Name.Local] = a.Value
				}
			}
			want := map[string]string{"width": "540pt", "height": "246pt"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("svg size mismatch (-want +got):\n%s", diff)
			}
			return
		}
	}
}

func TestWriteBadInput(t *testing.T) {
	f := designFunnel()
	tests := []struct {
		name          string
		c             Chart
		format        Format
		width, height vg.Length
		wantName      string
		want          error
	}{
		{"unknown format", f, Format(2), 0, 0, "format", funnel.ErrOutOfRange},
		{"negative format", f, Format(-1), 0, 0, "format", funnel.ErrOutOfRange},
		{"NaN width", f, SVG, vg.Length(math.NaN()), 0, "width", funnel.ErrNotFinite},
		{"infinite height", f, PNG, 0, vg.Length(math.Inf(1)), "height", funnel.ErrNotFinite},
		{"negative width", f, SVG, -100, 0, "width", funnel.ErrOutOfRange},
		{"too narrow", f, PNG, MinSize - 1, 0, "width", funnel.ErrOutOfRange},
		{"too tall", f, PNG, 0, MaxSize + 1, "height", funnel.ErrOutOfRange},
		{"chart error", Funnel{}, SVG, 0, 0, "Stages", funnel.ErrNoData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := Write(&b, tt.c, tt.format, tt.width, tt.height)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Write error = %v, want %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Name != tt.wantName {
				t.Errorf("Write error = %#v, want a *funnel.InputError naming %q", err, tt.wantName)
			}
			if b.Len() != 0 {
				t.Errorf("Write wrote %d bytes before failing", b.Len())
			}
		})
	}
}

func TestWriteWriterError(t *testing.T) {
	boom := errors.New("disk full")
	for _, f := range []Format{SVG, PNG} {
		if err := Write(failWriter{boom}, designFunnel(), f, 0, 0); !errors.Is(err, boom) {
			t.Errorf("Write(%v) to a failing writer = %v, want %v", f, err, boom)
		}
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestFormatString(t *testing.T) {
	got := []string{SVG.String(), PNG.String(), Format(5).String()}
	if diff := cmp.Diff([]string{"svg", "png", "Format(5)"}, got); diff != "" {
		t.Errorf("Format.String mismatch (-want +got):\n%s", diff)
	}
}

// TestDeterministic renders every chart twice in each format and wants
// the same bytes, and checks that the SVG holds no NaN or Inf.
func TestDeterministic(t *testing.T) {
	for _, c := range allCharts() {
		for _, f := range []Format{SVG, PNG} {
			a, b := render(t, c, f), render(t, c, f)
			if !bytes.Equal(a, b) {
				t.Errorf("%T in %v: two renders differ", c, f)
			}
			if f == SVG && (bytes.Contains(a, []byte("NaN")) || bytes.Contains(a, []byte("Inf"))) {
				t.Errorf("%T: SVG contains NaN or Inf", c)
			}
		}
	}
}

// TestConcurrent renders the charts from several goroutines at once and
// wants what one goroutine renders alone.
func TestConcurrent(t *testing.T) {
	charts := allCharts()
	want := make([][]byte, len(charts))
	for i, c := range charts {
		want[i] = render(t, c, SVG)
	}
	var wg sync.WaitGroup
	got := make([][][]byte, 4)
	for g := range got {
		got[g] = make([][]byte, len(charts))
		wg.Go(func() {
			for i, c := range charts {
				var b bytes.Buffer
				if err := Write(&b, c, SVG, 0, 0); err != nil {
					t.Error(err)
					return
				}
				got[g][i] = b.Bytes()
			}
		})
	}
	wg.Wait()
	for g := range got {
		for i := range charts {
			if !bytes.Equal(want[i], got[g][i]) {
				t.Errorf("goroutine %d, %T: output differs from a lone render", g, charts[i])
			}
		}
	}
}

// TestSVGFontFallback checks that the SVG names Arial (metric-compatible
// with Liberation Sans) as a fallback, and every text is in that family.
func TestSVGFontFallback(t *testing.T) {
	b := render(t, designFunnel(), SVG)
	if bytes.Contains(b, []byte("font-family:Liberation Sans;")) {
		t.Error("SVG names Liberation Sans without a fallback")
	}
	if !bytes.Contains(b, []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")) {
		t.Error("SVG does not name the fallback fonts")
	}
}

func TestNaturalSizesWithinLimits(t *testing.T) {
	var many []string
	for range 200 {
		many = append(many, "rep")
	}
	charts := []Chart{Funnel{}, Heatmap{}, Tornado{}, Forecast{}, Histogram{}, Ages{},
		Heatmap{Rows: many, Columns: many}, Forecast{Reps: make([]RepForecast, 200)}}
	for _, c := range charts {
		w, h := c.Size()
		if w < MinSize || w > MaxSize || h < MinSize || h > MaxSize {
			t.Errorf("%T.Size() = %v × %v, outside [%v, %v]", c, w, h, MinSize, MaxSize)
		}
	}
}

// TestAgesUnit checks the value axis of the ages chart: the unit given,
// or "days open at the stage" when none is.
func TestAgesUnit(t *testing.T) {
	for _, c := range []struct{ unit, want string }{
		{"", "days open at the stage"},
		{"days since the deal started", "days since the deal started"},
	} {
		a := Ages{Title: "ages", Unit: c.unit, Stages: []StageAges{{Name: "Lead", Days: []float64{3, 9}}}}
		var buf bytes.Buffer
		if err := Write(&buf, a, SVG, 0, 0); err != nil {
			t.Fatal(err)
		}
		if texts := svgTexts(t, buf.Bytes()); !slices.Contains(texts, c.want) {
			t.Errorf("unit %q: the axis is not labelled %q: %q", c.unit, c.want, texts)
		}
	}
}
