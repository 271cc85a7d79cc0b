package chart

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

func TestFunnelLabels(t *testing.T) {
	tests := []struct {
		name string
		f    Funnel
		want []string
		// absent are texts that must not appear.
		absent []string
	}{
		{
			// Steps hand-worked in designFunnel: 40%, 50%, 30%, 50%.
			name: "design",
			f:    designFunnel(),
			want: []string{"Team funnel", "Lead", "Qualified", "Meeting", "Proposal", "Won",
				"200", "80 (40.0%)", "40 (50.0%)", "12 (30.0%)", "6 (50.0%)",
				"deals reached (step rate from the stage before)"},
			absent: []string{"200 (–)"},
		},
		{
			// 5,157 / 12,345 = 0.417740… → 41.8%; a later stage without a
			// rate prints "–"; a first stage with one prints it.
			name: "thousands and undefined",
			f: Funnel{Stages: []FunnelStage{
				{Name: "Renewal due", Count: 20, Rate: 0.5, HasRate: true},
				{Name: "Prospecting", Count: 12345},
				{Name: "Qualification", Count: 5157, Rate: 5157.0 / 12345, HasRate: true},
				{Name: "Value Proposition and Business Case", Count: 0},
				{Name: "Closed Won", Count: 0, Rate: 0, HasRate: true},
			}},
			want: []string{"20 (50.0%)", "12,345 (–)", "5,157 (41.8%)", "0 (–)", "0 (0.0%)",
				"Value Proposition and Business Case", "0", "4,000", "12,000"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts := checkLabels(t, tt.f, tt.want)
			for _, a := range tt.absent {
				if countText(texts, a) != 0 {
					t.Errorf("label %q should not appear", a)
				}
			}
		})
	}
}

func TestHeatmapLabels(t *testing.T) {
	t.Run("fixture", func(t *testing.T) {
		h := fixtureHeatmap()
		// Gaps hand-worked from ((7r + 13c) mod 41) − 28: (0,0) −28,
		// (1,0) 7 − 28 = −21, (0,3) 39 − 28 = +11, (2,1) 27 − 28 = −1,
		// (8,1) 69 mod 41 = 28 → 0. Key at ±28 (the largest |gap|) and
		// ±14.
		want := append(slices.Clone(fixtureReps), fixtureStages...)
		want = append(want, "-28.0", "-21.0", "+11.0", "-1.0", "0.0", "-14.0", "+14.0", "+28.0", "gap, pp:",
			"gap to the benchmark, percentage points (negative: below the role model)")
		texts := checkLabels(t, h, want)
		// 10 cells without data (see fixtureHeatmap) and the key's swatch.
		if got := countText(texts, NA); got != 11 {
			t.Errorf(`"n/a" appears %d times, want 10 cells + 1 key = 11`, got)
		}
	})
	t.Run("limit and rounding", func(t *testing.T) {
		h := Heatmap{Rows: []string{"A"}, Columns: []string{"x", "y", "z", "w"}, Limit: 50,
			Cells: [][]Cell{{{Value: -12.46, Valid: true}, {Value: 4.26, Valid: true}, {Value: -0.04, Valid: true}, {Value: 100}}}}
		// −12.46 → −12.5, 4.26 → +4.3, −0.04 rounds to 0 and prints
		// unsigned; key at ±50 and ±25.
		checkLabels(t, h, []string{"-12.5", "+4.3", "0.0", NA, "-50.0", "-25.0", "+25.0", "+50.0"})
	})
}

func TestTornadoLabels(t *testing.T) {
	t.Run("fixture", func(t *testing.T) {
		// Values of fixtureTornado on the k scale (largest 111,111.11 ≥
		// 10⁵): 90k, 110k, 111k, 91k, 105k, and 100k for the base and the
		// lever that does not move.
		want := []string{"Average selling price", "Sales cycle (days)", "Meetings held (at capacity)",
			"Proposal → Won (win rate)", "90k", "110k", "111k", "91k", "105k", "100k",
			"base 100k", "lever −10%", "lever +10%", "revenue per quarter, USD"}
		checkLabels(t, fixtureTornado(), want)
	})
	t.Run("placement", func(t *testing.T) {
		// Rows top (y = 3) to bottom in swing order (see TestBySwing); a
		// value below the base 100,000 is labelled left of its end, one at
		// or above it right; the lever that does not move gets one label.
		type placed struct {
			Y    float64
			Text string
			Left bool
		}
		want := []placed{
			{3, "111k", false}, {3, "91k", true}, // cycle: −10% raises revenue
			{2, "90k", true}, {2, "110k", false}, // ASP
			{1, "90k", true}, {1, "105k", false}, // win rate, capped at +10%
			{0, "100k", false}, // meetings
		}
		tr := fixtureTornado()
		var got []placed
		for _, l := range tornadoLabels(tr.Base, bySwing(tr.Levers), scaleFor(111_111.11)) {
			got = append(got, placed{l.Y, l.Text, l.DX < 0})
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("tornadoLabels mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("one side", func(t *testing.T) {
		// Both values at or above the base: one label at the outer end,
		// low first. Default key names.
		tr := Tornado{Base: 100_000, Levers: []Lever{{Name: "Win rate", Low: 100_000, High: 105_263.16}}}
		checkLabels(t, tr, []string{"100k / 105k", "low", "high", "base 100k"})
	})
}

func TestBySwing(t *testing.T) {
	in := fixtureTornado().Levers
	before := slices.Clone(in)
	got := bySwing(in)
	// Swings hand-worked in fixtureTornado: cycle 20,202.02 > ASP 20,000 >
	// win rate 15,263.16 > meetings 0.
	want := []Lever{in[1], in[0], in[3], in[2]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bySwing mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, in); diff != "" {
		t.Errorf("bySwing modified its input (-before +after):\n%s", diff)
	}
	// Ties keep the order given.
	ties := []Lever{{Name: "a", Low: 0, High: 1}, {Name: "b", Low: 1, High: 0}, {Name: "c", Low: 5, High: 6}}
	if diff := cmp.Diff(ties, bySwing(ties)); diff != "" {
		t.Errorf("bySwing(ties) mismatch (-want +got):\n%s", diff)
	}
}

func TestForecastLabels(t *testing.T) {
	t.Run("fixture", func(t *testing.T) {
		// The largest value is rep 11's P90, 1.45 × (300,000 + 37,000 × 11)
		// = 1.45 × 707,000 = 1,025,150 ≥ 10⁶: the M scale. Rep 0: P50
		// 300,000, quota 400,000; rep 11: P50 707,000, quota (11 mod 3 = 2)
		// 500,000.
		want := append(slices.Clone(fixtureReps), "P50 0.30M · quota 0.40M", "P50 0.71M · quota 0.50M",
			"P10–P90", "P50", "quota", "bookings in Q4, USD")
		checkLabels(t, fixtureForecast(), want)
	})
	t.Run("k scale", func(t *testing.T) {
		f := Forecast{Reps: []RepForecast{{Name: "Ben Ito", P10: 500_000, P50: 720_000, P90: 950_000, Quota: 800_000}}}
		checkLabels(t, f, []string{"Ben Ito", "P50 720k · quota 800k"})
	})
}

func TestHistogram(t *testing.T) {
	// 1..100 in ⌈√100⌉ = 10 bins of width (100 − 1)/10 = 9.9: bin i holds
	// x with ⌊(x − 1)/9.9⌋ = i, 10 each (x = 10 → 0.91, x = 11 → 1.01),
	// 100 in the last.
	var want []plotter.HistogramBin
	for i := range 10 {
		want = append(want, plotter.HistogramBin{Min: 1 + 9.9*float64(i), Max: 1 + 9.9*float64(i+1), Weight: 10})
	}
	tests := []struct {
		name    string
		samples []float64
		bins    int
		want    []plotter.HistogramBin
		wantTop float64
	}{
		{"1 to 100", fixtureHistogram().Samples, 0, want, 10},
		// 0..4 in 4 bins of width 1: 4 is the largest, in the last bin.
		{"largest in the last", []float64{0, 1, 2, 3, 4}, 4, []plotter.HistogramBin{
			{Min: 0, Max: 1, Weight: 1}, {Min: 1, Max: 2, Weight: 1}, {Min: 2, Max: 3, Weight: 1}, {Min: 3, Max: 4, Weight: 2}}, 2},
		// Equal samples: one bin of width 1 centred on them.
		{"equal", []float64{5, 5, 5}, 0, []plotter.HistogramBin{{Min: 4.5, Max: 5.5, Weight: 3}}, 3},
		// Three samples: ⌈√3⌉ = 2 is held up to 5 bins of width 2/5; 0 in
		// the first, 1 in the third (1/0.4 = 2.5), 2 in the last.
		{"few", []float64{0, 1, 2}, 0, []plotter.HistogramBin{
			{Min: 0, Max: 0.4, Weight: 1}, {Min: 0.4, Max: 0.8}, {Min: 0.8, Max: 1.2, Weight: 1}, {Min: 1.2, Max: 1.6}, {Min: 1.6, Max: 2, Weight: 1}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, top := binSamples(tt.samples, tt.bins)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("binSamples mismatch (-want +got):\n%s", diff)
			}
			if top != tt.wantTop {
				t.Errorf("binSamples top = %v, want %v", top, tt.wantTop)
			}
		})
	}
	// The samples' range is 1..100 (≥ 100: whole numbers), so the quota
	// prints as 75.
	checkLabels(t, fixtureHistogram(), []string{"quota 75", "samples per bin", "samples", "bookings, USD k"})
}

func TestAgesLabels(t *testing.T) {
	// Medians hand-worked: 3, 10, 34, 40, 90 → 34; 1, 2, 3, 4 →
	// (2 + 3)/2 = 2.5; 210 alone; the 16 ages (29j mod 150) + 0.5 sorted
	// are 0.5, 19.5, 24.5, 29.5, 48.5, 53.5, 58.5, 77.5, 82.5, ... so the
	// median is (77.5 + 82.5)/2 = 80.
	want := []string{"Qualification (n=5)", "median 34 d", "Needs Analysis (n=4)", "median 2.5 d",
		"Id. Decision Makers (n=0)", "no open deals", "Proposal/Price Quote (n=1)", "median 210 d",
		"Negotiation/Review (n=16)", "median 80 d", "open deal", "days open at the stage"}
	checkLabels(t, fixtureAges(), want)
}

func TestPNGAtNaturalSize(t *testing.T) {
	for _, c := range allCharts() {
		w, h := c.Size()
		// pixels = round(points × 96 / 72), as vgimg sizes its image.
		wantW, wantH := int(math.Round(float64(w)*DPI/72)), int(math.Round(float64(h)*DPI/72))
		gotW, gotH := pngSize(t, render(t, c, PNG))
		if diff := cmp.Diff([2]int{wantW, wantH}, [2]int{gotW, gotH}); diff != "" {
			t.Errorf("%T PNG size mismatch (-want +got):\n%s", c, diff)
		}
	}
}

func TestNaturalSizes(t *testing.T) {
	// 96 pt of title and axis plus 30 pt a row, plus a 22-pt key band for
	// the charts with a key; the heatmap is 160 + 92 × columns wide (7 →
	// 804 pt) and 24 pt taller for three-line column labels.
	type size struct{ W, H vg.Length }
	tests := []struct {
		c    Chart
		want size
	}{
		{designFunnel(), size{540, 96 + 30*5}},
		{fixtureHeatmap(), size{160 + 92*7, 96 + 30*12 + 22 + 24}},
		{Heatmap{Columns: []string{"a"}, Rows: []string{"b"}}, size{540, 96 + 30 + 22 + 24}},
		{fixtureTornado(), size{540, 96 + 30*4 + 22}},
		{fixtureForecast(), size{540, 96 + 30*12 + 22}},
		{fixtureHistogram(), size{540, 324}},
		{fixtureAges(), size{540, 96 + 30*5 + 22}},
	}
	for _, tt := range tests {
		w, h := tt.c.Size()
		if diff := cmp.Diff(tt.want, size{w, h}); diff != "" {
			t.Errorf("%T.Size mismatch (-want +got):\n%s", tt.c, diff)
		}
	}
}

func TestChartsBadInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	grid := func(cells ...[]Cell) Heatmap {
		return Heatmap{Rows: []string{"A", "B"}, Columns: []string{"x", "y"}, Cells: cells}
	}
	ok := []Cell{{Value: 1, Valid: true}, {}}
	tests := []struct {
		name     string
		c        Chart
		wantOp   string
		wantName string
		want     error
	}{
		{"funnel empty", Funnel{}, "chart.Funnel", "Stages", funnel.ErrNoData},
		{"funnel negative", Funnel{Stages: []FunnelStage{{Count: 3}, {Count: -1}}}, "chart.Funnel", "Stages[1].Count", funnel.ErrNegativeCount},
		{"funnel NaN rate", Funnel{Stages: []FunnelStage{{Count: 3}, {Count: 1, Rate: nan, HasRate: true}}}, "chart.Funnel", "Stages[1].Rate", funnel.ErrNotFinite},
		{"funnel rate above 1", Funnel{Stages: []FunnelStage{{Count: 3, Rate: 1.5, HasRate: true}}}, "chart.Funnel", "Stages[0].Rate", funnel.ErrRateRange},
		{"funnel rate below 0", Funnel{Stages: []FunnelStage{{Count: 3}, {Count: 1, Rate: -0.1, HasRate: true}}}, "chart.Funnel", "Stages[1].Rate", funnel.ErrRateRange},

		{"heatmap no rows", Heatmap{Columns: []string{"x"}}, "chart.Heatmap", "Rows", funnel.ErrNoData},
		{"heatmap no columns", Heatmap{Rows: []string{"A"}}, "chart.Heatmap", "Columns", funnel.ErrNoData},
		{"heatmap rows short", grid(ok), "chart.Heatmap", "Cells", funnel.ErrLengthMismatch},
		{"heatmap row long", grid(ok, []Cell{{}, {}, {}}), "chart.Heatmap", "Cells[1]", funnel.ErrLengthMismatch},
		{"heatmap NaN", grid(ok, []Cell{{}, {Value: nan, Valid: true}}), "chart.Heatmap", "Cells[1][1].Value", funnel.ErrNotFinite},
		{"heatmap Inf", grid([]Cell{{Value: -inf, Valid: true}, {}}, ok), "chart.Heatmap", "Cells[0][0].Value", funnel.ErrNotFinite},
		{"heatmap above 100", grid(ok, []Cell{{Value: 100.5, Valid: true}, {}}), "chart.Heatmap", "Cells[1][0].Value", funnel.ErrOutOfRange},
		{"heatmap NaN limit", Heatmap{Rows: []string{"A"}, Columns: []string{"x"}, Cells: [][]Cell{{{}}}, Limit: nan}, "chart.Heatmap", "Limit", funnel.ErrNotFinite},
		{"heatmap negative limit", Heatmap{Rows: []string{"A"}, Columns: []string{"x"}, Cells: [][]Cell{{{}}}, Limit: -1}, "chart.Heatmap", "Limit", funnel.ErrOutOfRange},

		{"tornado empty", Tornado{Base: 1}, "chart.Tornado", "Levers", funnel.ErrNoData},
		{"tornado NaN base", Tornado{Base: nan, Levers: []Lever{{}}}, "chart.Tornado", "Base", funnel.ErrNotFinite},
		{"tornado Inf high", Tornado{Levers: []Lever{{}, {High: inf}}}, "chart.Tornado", "Levers[1].High", funnel.ErrNotFinite},
		{"tornado huge low", Tornado{Levers: []Lever{{Low: -2e15}}}, "chart.Tornado", "Levers[0].Low", funnel.ErrOutOfRange},

		{"forecast empty", Forecast{}, "chart.Forecast", "Reps", funnel.ErrNoData},
		{"forecast NaN quota", Forecast{Reps: []RepForecast{{Quota: nan}}}, "chart.Forecast", "Reps[0].Quota", funnel.ErrNotFinite},
		{"forecast P50 below P10", Forecast{Reps: []RepForecast{{P10: 5, P50: 4, P90: 6}}}, "chart.Forecast", "Reps[0].P50", funnel.ErrOutOfRange},
		{"forecast P90 below P50", Forecast{Reps: []RepForecast{{}, {P10: 1, P50: 4, P90: 3}}}, "chart.Forecast", "Reps[1].P90", funnel.ErrOutOfRange},
		{"forecast huge", Forecast{Reps: []RepForecast{{P90: 1e16}}}, "chart.Forecast", "Reps[0].P90", funnel.ErrOutOfRange},

		{"histogram empty", Histogram{}, "chart.Histogram", "Samples", funnel.ErrNoData},
		{"histogram NaN", Histogram{Samples: []float64{1, nan}}, "chart.Histogram", "Samples[1]", funnel.ErrNotFinite},
		{"histogram Inf quota", Histogram{Samples: []float64{1}, Quota: -inf}, "chart.Histogram", "Quota", funnel.ErrNotFinite},
		{"histogram negative bins", Histogram{Samples: []float64{1}, Bins: -1}, "chart.Histogram", "Bins", funnel.ErrOutOfRange},
		{"histogram too many bins", Histogram{Samples: []float64{1}, Bins: MaxBins + 1}, "chart.Histogram", "Bins", funnel.ErrOutOfRange},

		{"ages empty", Ages{}, "chart.Ages", "Stages", funnel.ErrNoData},
		{"ages NaN", Ages{Stages: []StageAges{{}, {Days: []float64{1, nan}}}}, "chart.Ages", "Stages[1].Days[1]", funnel.ErrNotFinite},
		{"ages negative", Ages{Stages: []StageAges{{Days: []float64{-0.5}}}}, "chart.Ages", "Stages[0].Days[0]", funnel.ErrNegative},
		{"ages huge", Ages{Stages: []StageAges{{Days: []float64{2e15}}}}, "chart.Ages", "Stages[0].Days[0]", funnel.ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.c.Plot()
			if !errors.Is(err, tt.want) {
				t.Fatalf("%T.Plot() error = %v, want %v", tt.c, err, tt.want)
			}
			if p != nil {
				t.Errorf("%T.Plot() returned a plot with its error", tt.c)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("%T.Plot() error %T, want *funnel.InputError", tt.c, err)
			}
			if diff := cmp.Diff([2]string{tt.wantOp, tt.wantName}, [2]string{ie.Op, ie.Name}); diff != "" {
				t.Errorf("error Op, Name mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEdgeData draws data that is valid but degenerate: all zero, one
// row, the largest values allowed, cells all without data.
func TestEdgeData(t *testing.T) {
	charts := []Chart{
		Funnel{Stages: []FunnelStage{{Name: "Only", Count: 0}}},
		Funnel{Stages: []FunnelStage{{Name: "Max", Count: math.MaxInt64}, {Name: "Next", Count: 1, Rate: 0, HasRate: true}}},
		Heatmap{Rows: []string{""}, Columns: []string{""}, Cells: [][]Cell{{{}}}},
		Heatmap{Rows: []string{"A"}, Columns: []string{"x", "y"}, Cells: [][]Cell{{{Value: 0, Valid: true}, {Value: -100, Valid: true}}}, Limit: 100},
		Tornado{Levers: []Lever{{Name: "none"}}},
		Tornado{Base: MaxValue, Levers: []Lever{{Low: -MaxValue, High: MaxValue}}},
		Forecast{Reps: []RepForecast{{Name: "zero"}}},
		Forecast{Reps: []RepForecast{{P10: -MaxValue, P50: 0, P90: MaxValue, Quota: MaxValue}}},
		Histogram{Samples: []float64{0}},
		Histogram{Samples: []float64{-MaxValue, MaxValue}, Quota: 0, Bins: MaxBins},
		Histogram{Samples: []float64{1, math.Nextafter(1, 2)}, Bins: MaxBins},
		Ages{Stages: []StageAges{{Name: "empty"}}},
		Ages{Stages: []StageAges{{Days: []float64{0, 0, 0, 0, 0, MaxValue}}}},
	}
	for _, c := range charts {
		for _, f := range []Format{SVG, PNG} {
			b := render(t, c, f)
			if f == SVG {
				svgTexts(t, b) // parses
			}
		}
	}
}

// TestInputsNotModified draws each chart and compares it with a fresh
// copy of its fixture.
func TestInputsNotModified(t *testing.T) {
	fresh := allCharts()
	for i, c := range allCharts() {
		render(t, c, SVG)
		render(t, c, PNG)
		if diff := cmp.Diff(fresh[i], c); diff != "" {
			t.Errorf("%T modified by drawing (-before +after):\n%s", c, diff)
		}
	}
}

func TestJSON(t *testing.T) {
	// Field names are snake_case and a chart round-trips.
	b, err := json.Marshal(FunnelStage{Name: "Won", Count: 6, Rate: 0.5, HasRate: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"name":"Won","count":6,"rate":0.5,"has_rate":true}`, string(b)); diff != "" {
		t.Errorf("FunnelStage JSON mismatch (-want +got):\n%s", diff)
	}
	for _, c := range []any{designFunnel(), fixtureHeatmap(), fixtureTornado(), fixtureForecast(), fixtureHistogram(), fixtureAges()} {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		got := newOf(c)
		if err := json.Unmarshal(b, got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, deref(got), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%T JSON round trip mismatch (-want +got):\n%s", c, diff)
		}
	}
}

func newOf(c any) any {
	switch c.(type) {
	case Funnel:
		return new(Funnel)
	case Heatmap:
		return new(Heatmap)
	case Tornado:
		return new(Tornado)
	case Forecast:
		return new(Forecast)
	case Histogram:
		return new(Histogram)
	case Ages:
		return new(Ages)
	}
	panic("unknown chart")
}

func deref(p any) any {
	switch p := p.(type) {
	case *Funnel:
		return *p
	case *Heatmap:
		return *p
	case *Tornado:
		return *p
	case *Forecast:
		return *p
	case *Histogram:
		return *p
	case *Ages:
		return *p
	}
	panic("unknown chart")
}
