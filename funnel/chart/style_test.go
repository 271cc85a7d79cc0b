package chart

import (
	"image/color"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCount(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {12345, "12,345"}, {1234567, "1,234,567"},
		{-1234, "-1,234"}, {-999, "-999"},
		{math.MaxInt64, "9,223,372,036,854,775,807"}, {math.MinInt64, "-9,223,372,036,854,775,808"},
	}
	for _, tt := range tests {
		if got := count(tt.n); got != tt.want {
			t.Errorf("count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestPercent(t *testing.T) {
	tests := []struct {
		r    float64
		want string
	}{
		{0, "0.0%"}, {1, "100.0%"}, {0.42, "42.0%"},
		// 5157/12345 = 0.417740… → 41.8%; 1/3 → 33.3%; 2/3 → 66.7%.
		{5157.0 / 12345, "41.8%"}, {1.0 / 3, "33.3%"}, {2.0 / 3, "66.7%"},
	}
	for _, tt := range tests {
		if got := percent(tt.r); got != tt.want {
			t.Errorf("percent(%v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestScale(t *testing.T) {
	tests := []struct {
		name    string
		maxAbs  float64
		v       float64
		want    string
		comment string
	}{
		{"billions", 2.5e9, 2.5e9, "2.50B", "2.5e9 / 1e9"},
		{"millions", 1_234_567, 1_234_567, "1.23M", "1.234567 to 2 decimals"},
		{"millions, smaller value", 1_234_567, 300_000, "0.30M", "one scale per chart"},
		{"negative millions", 1_500_000, -1_500_000, "-1.50M", ""},
		{"hundred thousands", 845_000, 845_000, "845k", "845,000 / 1,000, whole"},
		{"ten thousands", 12_345, 12_345, "12.3k", "12.345 to 1 decimal"},
		{"hundreds", 1_234, 1_234, "1,234", "whole, with separators"},
		{"small", 12.344, 12.344, "12.34", "2 decimals"},
		{"rounds to zero", 12, -0.001, "0.00", "no sign on zero"},
		{"k rounds to zero", 845_000, -400, "0k", "−0.4k to 0 decimals"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scaleFor(tt.maxAbs).format(tt.v); got != tt.want {
				t.Errorf("scaleFor(%v).format(%v) = %q, want %q (%s)", tt.maxAbs, tt.v, got, tt.want, tt.comment)
			}
		})
	}
}

func TestValueTicks(t *testing.T) {
	// Ticks between 1.150M and 1.160M come every 0.002M or so: two
	// decimals would repeat "1.15M", so the labels take more until they
	// differ.
	ticks := valueTicks{scaleFor(1.16e6)}.Ticks(1.150e6, 1.160e6)
	seen := map[string]bool{}
	for _, tk := range ticks {
		if tk.Label == "" {
			continue
		}
		if seen[tk.Label] {
			t.Errorf("tick label %q repeats: %v", tk.Label, ticks)
		}
		seen[tk.Label] = true
	}
	if len(seen) < 2 {
		t.Errorf("want at least two labelled ticks, got %v", ticks)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s            string
		width, lines int
		want         string
	}{
		// "Value Proposition and" is 21 runes; adding " Business" makes 30.
		{"Value Proposition and Business Case", 24, 2, "Value Proposition and\nBusiness Case"},
		// A word longer than the width breaks after its slash.
		{"Negotiation/Review", 13, 3, "Negotiation/\nReview"},
		{"Proposal/Price Quote", 13, 3, "Proposal/\nPrice Quote"},
		// A short word with a slash stays whole.
		{"A/B test", 13, 3, "A/B test"},
		// A long word without a slash keeps its own line.
		{"Wolfeschlegelsteinhausen Jr", 10, 2, "Wolfeschlegelsteinhausen\nJr"},
		// The last line takes the rest.
		{"a b c d", 1, 2, "a\nb c d"},
		{"Lucía Fernández", 24, 2, "Lucía Fernández"},
		{"", 10, 2, ""},
		{"   ", 10, 2, "   "},
	}
	for _, tt := range tests {
		if got := wrap(tt.s, tt.width, tt.lines); got != tt.want {
			t.Errorf("wrap(%q, %d, %d) = %q, want %q", tt.s, tt.width, tt.lines, got, tt.want)
		}
	}
}

func TestGapColour(t *testing.T) {
	hex := func(v uint32) color.RGBA {
		return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
	}
	tests := []struct {
		name     string
		v, limit float64
		want     color.RGBA
	}{
		{"zero", 0, 28, hex(0xf7f7f7)},
		{"darkest below", -28, 28, hex(0xb2182b)},
		{"beyond the limit", -50, 28, hex(0xb2182b)},
		{"darkest above", 28, 28, hex(0x4393c3)},
		// −3.5 of 28 is 0.125 of the way: 0.5 of the first interval of
		// four, halfway from f7f7f7 to fddbc7: (247+253)/2 = 250 = fa,
		// (247+219)/2 = 233 = e9, (247+199)/2 = 223 = df.
		{"between stops", -3.5, 28, hex(0xfae9df)},
		// +28/3 is the first of three intervals on the blue side: d1e5f0.
		{"a stop above", 28.0 / 3, 28, hex(0xd1e5f0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, gapColour(tt.v, tt.limit)); diff != "" {
				t.Errorf("gapColour(%v, %v) mismatch (-want +got):\n%s", tt.v, tt.limit, diff)
			}
		})
	}
}

func TestTextOn(t *testing.T) {
	// Relative luminance worked by hand from the sRGB formula:
	// b2182b: L = 0.2126·0.445 + 0.7152·0.00913 + 0.0722·0.0242 = 0.103;
	// against white (1.05)/(0.153) = 6.9, against black 0.153/0.05 = 3.1:
	// white.
	// d6604d: L = 0.2126·0.672 + 0.7152·0.117 + 0.0722·0.0743 = 0.232;
	// white 1.05/0.282 = 3.7, black 0.282/0.05 = 5.6: black.
	// 4393c3: L = 0.2126·0.0561 + 0.7152·0.423 + 0.0722·0.546 = 0.354:
	// white 2.6, black 8.1: black.
	tests := []struct {
		bg   color.RGBA
		want color.Color
	}{
		{color.RGBA{0xb2, 0x18, 0x2b, 0xff}, white},
		{color.RGBA{0xd6, 0x60, 0x4d, 0xff}, black},
		{color.RGBA{0x43, 0x93, 0xc3, 0xff}, black},
		{color.RGBA{0xf7, 0xf7, 0xf7, 0xff}, black},
		{color.RGBA{0, 0, 0, 0xff}, white},
	}
	for _, tt := range tests {
		if got := textOn(tt.bg); got != tt.want {
			t.Errorf("textOn(%v) = %v, want %v", tt.bg, got, tt.want)
		}
	}
}

// TestGapColourGrey checks the scale in grey by a second method, Go's
// color.GrayModel (Y = 0.299 R + 0.587 G + 0.114 B): each side gets darker
// as the gap grows, and a gap below the benchmark is never lighter than
// one above it of the same size (strictly darker from a quarter of the
// limit on), so that the sign reads in a grey print.
func TestGapColourGrey(t *testing.T) {
	grey := func(v float64) int {
		return int(color.GrayModel.Convert(gapColour(v, 1)).(color.Gray).Y)
	}
	prevBelow, prevAbove := grey(0), grey(0)
	for i := 1; i <= 20; i++ {
		x := float64(i) / 20
		below, above := grey(-x), grey(x)
		if below >= prevBelow || above >= prevAbove {
			t.Errorf("at ±%v the grey does not darken: below %d (was %d), above %d (was %d)", x, below, prevBelow, above, prevAbove)
		}
		if below > above || (x >= 0.25 && below >= above) {
			t.Errorf("at ±%v below (grey %d) is not darker than above (grey %d)", x, below, above)
		}
		prevBelow, prevAbove = below, above
	}
	// The ends are far apart in grey: the darkest below is under 40% of
	// white and the darkest above over 47% (120 of 255).
	if g := grey(-1); g > 102 {
		t.Errorf("darkest below is grey %d, want at most 102", g)
	}
	if g := grey(1); g < 120 {
		t.Errorf("darkest above is grey %d, want at least 120", g)
	}
}

func TestGapText(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0.0"}, {-0.04, "0.0"}, {0.04, "0.0"}, {4.26, "+4.3"}, {-12.46, "-12.5"}, {100, "+100.0"}, {-100, "-100.0"},
	}
	for _, tt := range tests {
		if got := signedGap(tt.v); got != tt.want {
			t.Errorf("signedGap(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestDays(t *testing.T) {
	tests := []struct {
		d    float64
		want string
	}{
		{0, "0.0 d"}, {2.5, "2.5 d"}, {9.94, "9.9 d"}, {9.96, "10 d"}, {34, "34 d"}, {79.5, "80 d"},
	}
	for _, tt := range tests {
		if got := days(tt.d); got != tt.want {
			t.Errorf("days(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
