package chart

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"gonum.org/v1/plot/vg"
)

// The fuzz targets feed numbers into each chart and check: no panic; an
// error is a *funnel.InputError wrapping one of the documented sentinels
// and comes with no plot; data that Plot accepts is drawn by Write without
// error, and the SVG (the names are fixed, so any NaN or Inf would come
// from a number) holds no NaN or Inf and parses as XML.

var sentinels = []error{funnel.ErrNoData, funnel.ErrLengthMismatch, funnel.ErrNotFinite,
	funnel.ErrNegativeCount, funnel.ErrNegative, funnel.ErrRateRange, funnel.ErrOutOfRange}

func checkChart(t *testing.T, c Chart) {
	t.Helper()
	p, err := c.Plot()
	if err != nil {
		var ie *funnel.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("%T.Plot() error %T %v, want *funnel.InputError", c, err, err)
		}
		known := false
		for _, s := range sentinels {
			known = known || errors.Is(err, s)
		}
		if !known {
			t.Fatalf("%T.Plot() error %v wraps no documented sentinel", c, err)
		}
		if p != nil {
			t.Fatalf("%T.Plot() returned a plot with its error", c)
		}
		return
	}
	var b bytes.Buffer
	if err := Write(&b, c, SVG, 0, 0); err != nil {
		t.Fatalf("Write(%T) after Plot succeeded: %v", c, err)
	}
	if bytes.Contains(b.Bytes(), []byte("NaN")) || bytes.Contains(b.Bytes(), []byte("Inf")) {
		t.Fatalf("%T: SVG holds NaN or Inf", c)
	}
	svgTexts(t, b.Bytes())
}

func FuzzFunnel(f *testing.F) {
	for _, s := range designFunnel().Stages[:4] {
		f.Add(int64(200), s.Count, s.Rate, s.HasRate)
	}
	f.Add(int64(3), int64(-1), 0.5, true)
	f.Add(int64(3), int64(1), math.NaN(), true)
	f.Add(int64(3), int64(1), 1.5, true)
	f.Add(int64(math.MaxInt64), int64(0), 0.0, false)
	f.Fuzz(func(t *testing.T, first, second int64, rate float64, hasRate bool) {
		checkChart(t, Funnel{Title: "f", Stages: []FunnelStage{
			{Name: "Lead", Count: first},
			{Name: "Won", Count: second, Rate: rate, HasRate: hasRate},
		}})
	})
}

func FuzzHeatmap(f *testing.F) {
	h := fixtureHeatmap()
	f.Add(h.Cells[0][0].Value, h.Cells[0][3].Value, h.Cells[8][1].Value, h.Cells[4][0].Value, uint8(0b0111), 0.0)
	f.Add(-12.46, 4.26, -0.04, 0.0, uint8(0b0111), 50.0)
	f.Add(math.NaN(), 1.0, 1.0, 1.0, uint8(0b1111), 0.0)
	f.Add(100.5, 1.0, 1.0, 1.0, uint8(0b0001), 0.0)
	f.Add(1.0, 1.0, 1.0, 1.0, uint8(0b1111), -1.0)
	f.Fuzz(func(t *testing.T, a, b, c, d float64, valid uint8, limit float64) {
		checkChart(t, Heatmap{Rows: []string{"A", "B"}, Columns: []string{"x", "y"}, Limit: limit, Cells: [][]Cell{
			{{Value: a, Valid: valid&1 != 0}, {Value: b, Valid: valid&2 != 0}},
			{{Value: c, Valid: valid&4 != 0}, {Value: d, Valid: valid&8 != 0}},
		}})
	})
}

func FuzzTornado(f *testing.F) {
	tr := fixtureTornado()
	f.Add(tr.Base, tr.Levers[0].Low, tr.Levers[0].High, tr.Levers[1].Low, tr.Levers[1].High)
	f.Add(100_000.0, 100_000.0, 105_263.16, 90_000.0, 90_000.0)
	f.Add(math.NaN(), 1.0, 2.0, 3.0, 4.0)
	f.Add(0.0, -2e15, 1.0, 0.0, 0.0)
	f.Add(MaxValue, -MaxValue, MaxValue, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, base, l0, h0, l1, h1 float64) {
		checkChart(t, Tornado{Base: base, Levers: []Lever{{Name: "a", Low: l0, High: h0}, {Name: "b", Low: l1, High: h1}}})
	})
}

func FuzzForecast(f *testing.F) {
	r := fixtureForecast().Reps[11]
	f.Add(r.P10, r.P50, r.P90, r.Quota)
	f.Add(5.0, 4.0, 6.0, 1.0)
	f.Add(1.0, 4.0, 3.0, 1.0)
	f.Add(0.0, 0.0, 1e16, 0.0)
	f.Add(-MaxValue, 0.0, MaxValue, MaxValue)
	f.Fuzz(func(t *testing.T, p10, p50, p90, quota float64) {
		checkChart(t, Forecast{Reps: []RepForecast{{Name: "a", P10: p10, P50: p50, P90: p90, Quota: quota}}})
	})
}

func FuzzHistogram(f *testing.F) {
	f.Add(1.0, 50.0, 100.0, 75.0, 0)
	f.Add(0.0, 4.0, 2.0, 0.0, 4)
	f.Add(5.0, 5.0, 5.0, 5.0, 0)
	f.Add(1.0, math.NaN(), 1.0, 0.0, 0)
	f.Add(1.0, 1.0, 1.0, 0.0, -1)
	f.Add(-MaxValue, MaxValue, 0.0, 0.0, MaxBins)
	f.Add(1.0, math.Nextafter(1, 2), 1.0, 1.0, MaxBins)
	f.Fuzz(func(t *testing.T, a, b, c, quota float64, bins int) {
		checkChart(t, Histogram{Samples: []float64{a, b, c}, Quota: quota, Bins: bins})
	})
}

func FuzzAges(f *testing.F) {
	d := fixtureAges().Stages[0].Days
	f.Add(d[0], d[1], d[2], d[3], d[4])
	f.Add(1.0, 2.0, 3.0, 4.0, -0.5)
	f.Add(math.Inf(1), 0.0, 0.0, 0.0, 0.0)
	f.Add(0.0, 0.0, 0.0, 0.0, MaxValue)
	f.Fuzz(func(t *testing.T, a, b, c, d, e float64) {
		checkChart(t, Ages{Stages: []StageAges{{Name: "five", Days: []float64{a, b, c, d, e}}, {Name: "two", Days: []float64{b, d}}}})
	})
}

// FuzzWriteSize checks Write's size validation: an error wraps
// ErrNotFinite or ErrOutOfRange exactly when the size is not 0 or a
// finite size in [MinSize, MaxSize].
func FuzzWriteSize(f *testing.F) {
	f.Add(0.0, 0.0)
	f.Add(400.0, 300.0)
	f.Add(float64(MinSize), float64(MaxSize))
	f.Add(math.NaN(), 0.0)
	f.Add(-100.0, 0.0)
	f.Add(float64(MaxSize)+1, 0.0)
	c := designFunnel()
	f.Fuzz(func(t *testing.T, w, h float64) {
		valid := func(v float64) bool { return v == 0 || (v >= float64(MinSize) && v <= float64(MaxSize)) }
		var b bytes.Buffer
		err := Write(&b, c, SVG, vg.Length(w), vg.Length(h))
		switch {
		case valid(w) && valid(h):
			if err != nil {
				t.Fatalf("Write(%v, %v): %v", w, h, err)
			}
		case !errors.Is(err, funnel.ErrNotFinite) && !errors.Is(err, funnel.ErrOutOfRange):
			t.Fatalf("Write(%v, %v) error = %v, want ErrNotFinite or ErrOutOfRange", w, h, err)
		}
	})
}
