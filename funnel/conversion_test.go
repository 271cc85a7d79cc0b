package funnel

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// salesFunnel is the funnel of the worked cases.
var salesFunnel = MustNew("lead", "qualified", "meeting", "proposal", "won")

// equalDecimal compares decimals by value, so 2500000 equals 2500000.00.
var equalDecimal = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func TestConversions(t *testing.T) {
	tests := []struct {
		name    string
		f       Funnel
		reached []int64
		want    Conversions
	}{
		{
			// The brief's worked case: steps 80/200 = 0.40, 40/80 = 0.50,
			// 12/40 = 0.30, 6/12 = 0.50; lost 120, 40, 28, 6 with shares
			// 120/200 = 0.6, 40/80 = 0.5, 28/40 = 0.7, 6/12 = 0.5; the
			// lowest step is 0.30 into proposal.
			name:    "worked case",
			f:       salesFunnel,
			reached: []int64{200, 80, 40, 12, 6},
			want: Conversions{
				Stages: []StageConversion{
					{Stage: "lead", Count: 200, Cumulative: Rate{200, 200}},
					{Stage: "qualified", Count: 80, Step: Rate{80, 200}, Cumulative: Rate{80, 200}, Lost: 120, LostShare: 0.6},
					{Stage: "meeting", Count: 40, Step: Rate{40, 80}, Cumulative: Rate{40, 200}, Lost: 40, LostShare: 0.5},
					{Stage: "proposal", Count: 12, Step: Rate{12, 40}, Cumulative: Rate{12, 200}, Lost: 28, LostShare: 0.7},
					{Stage: "won", Count: 6, Step: Rate{6, 12}, Cumulative: Rate{6, 200}, Lost: 6, LostShare: 0.5},
				},
				Weakest:      3,
				WeakestStage: "proposal",
			},
		},
		{
			// Nothing past the second stage: the step into it is 0 of 10
			// (all lost, the weakest); the step after it is 0 of 0, which
			// is undefined and not a candidate for weakest, and loses 0.
			name:    "zero upstream",
			f:       MustNew("a", "b", "c"),
			reached: []int64{10, 0, 0},
			want: Conversions{
				Stages: []StageConversion{
					{Stage: "a", Count: 10, Cumulative: Rate{10, 10}},
					{Stage: "b", Count: 0, Step: Rate{0, 10}, Cumulative: Rate{0, 10}, Lost: 10, LostShare: 1},
					{Stage: "c", Count: 0, Step: Rate{0, 0}, Cumulative: Rate{0, 10}},
				},
				Weakest:      1,
				WeakestStage: "b",
			},
		},
		{
			// No deals at all: every rate is 0 of 0 and no step is weakest.
			name:    "all zero",
			f:       MustNew("a", "b", "c"),
			reached: []int64{0, 0, 0},
			want: Conversions{
				Stages: []StageConversion{
					{Stage: "a"}, {Stage: "b"}, {Stage: "c"},
				},
				Weakest: -1,
			},
		},
		{
			// One stage has no step.
			name:    "one stage",
			f:       MustNew("only"),
			reached: []int64{7},
			want: Conversions{
				Stages:  []StageConversion{{Stage: "only", Count: 7, Cumulative: Rate{7, 7}}},
				Weakest: -1,
			},
		},
		{
			// 50/100 = 25/50 = 0.5: a tie goes to the earlier step.
			name:    "tie",
			f:       MustNew("a", "b", "c"),
			reached: []int64{100, 50, 25},
			want: Conversions{
				Stages: []StageConversion{
					{Stage: "a", Count: 100, Cumulative: Rate{100, 100}},
					{Stage: "b", Count: 50, Step: Rate{50, 100}, Cumulative: Rate{50, 100}, Lost: 50, LostShare: 0.5},
					{Stage: "c", Count: 25, Step: Rate{25, 50}, Cumulative: Rate{25, 100}, Lost: 25, LostShare: 0.5},
				},
				Weakest:      1,
				WeakestStage: "b",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.reached)
			got, err := tt.f.Conversions(in, nil)
			if err != nil {
				t.Fatalf("Conversions(%v): %v", tt.reached, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-15), equalDecimal); diff != "" {
				t.Errorf("Conversions(%v) mismatch (-want +got):\n%s", tt.reached, diff)
			}
			if !slices.Equal(in, tt.reached) {
				t.Errorf("Conversions modified its input: %v became %v", tt.reached, in)
			}
			for i, row := range got.Stages {
				for _, x := range []float64{row.Step.Value(), row.Cumulative.Value(), row.LostShare} {
					if math.IsNaN(x) || x < 0 || x > 1 {
						t.Errorf("row %d: rate %v outside [0, 1]", i, x)
					}
				}
			}
		})
	}
}

func TestConversionsWorkedFigures(t *testing.T) {
	c, err := salesFunnel.Conversions([]int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The brief's figures: 0.40, 0.50, 0.30, 0.50 and 6/200 = 0.03.
	if diff := cmp.Diff([]float64{0.40, 0.50, 0.30, 0.50}, c.StepRates(), cmpopts.EquateApprox(0, 1e-15)); diff != "" {
		t.Errorf("StepRates() mismatch (-want +got):\n%s", diff)
	}
	if got := c.Overall(); got != (Rate{6, 200}) || math.Abs(got.Value()-0.03) > 1e-15 {
		t.Errorf("Overall() = %v, want 6 of 200 = 0.03", got)
	}
	if got := (Conversions{}).Overall(); got != (Rate{}) {
		t.Errorf("empty Overall() = %v, want the zero Rate", got)
	}
	if got := (Conversions{Stages: c.Stages[:1]}).StepRates(); got != nil {
		t.Errorf("one-stage StepRates() = %v, want nil", got)
	}
}

func TestConversionsMoney(t *testing.T) {
	// An average deal of 12,500.00: 200 × 12,500 = 2,500,000;
	// 80 × = 1,000,000; 40 × = 500,000; 12 × = 150,000; 6 × = 75,000.
	value := decimal.RequireFromString("12500.00")
	got, err := salesFunnel.Conversions([]int64{200, 80, 40, 12, 6}, &ConversionOptions{Value: decimal.NewNullDecimal(value)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2500000.00", "1000000.00", "500000.00", "150000.00", "75000.00"}
	var have []string
	for _, row := range got.Stages {
		if !row.Money.Valid {
			t.Fatalf("stage %s: Money not Valid", row.Stage)
		}
		have = append(have, row.Money.Decimal.StringFixed(2))
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("Money mismatch (-want +got):\n%s", diff)
	}
	// A fractional value stays exact: 3 × 0.10 is 0.30, not 0.30000000000000004.
	got, err = MustNew("a", "b").Conversions([]int64{3, 1}, &ConversionOptions{Value: decimal.NewNullDecimal(decimal.RequireFromString("0.10"))})
	if err != nil {
		t.Fatal(err)
	}
	if m := got.Stages[0].Money.Decimal; !m.Equal(decimal.RequireFromString("0.3")) {
		t.Errorf("3 × 0.10 = %s, want 0.3", m)
	}
	// Without a value there is no money, and none in the JSON.
	got, err = salesFunnel.Conversions([]int64{200, 80, 40, 12, 6}, &ConversionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Stages[2].Money.Valid {
		t.Errorf("Money valid without a value: %v", got.Stages[2].Money)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, `"money"`) || strings.Contains(s, `"gap"`) {
		t.Errorf("JSON without options has money or gap: %s", s)
	}
}

func TestConversionsBenchmark(t *testing.T) {
	reached := []int64{200, 80, 40, 12, 6}
	// Benchmark steps 0.5, 0.5, 0.4, 0.5, given as rates or as the counts
	// 100, 50, 25, 10, 5 (50/100, 25/50, 10/25, 5/10). By hand:
	//	qualified: 0.40 − 0.5 = −0.10, shortfall 200·0.5 − 80 = 20
	//	meeting:   0.50 − 0.5 =  0,    shortfall  80·0.5 − 40 = 0
	//	proposal:  0.30 − 0.4 = −0.10, shortfall  40·0.4 − 12 = 4
	//	won:       0.50 − 0.5 =  0,    shortfall  12·0.5 − 6  = 0
	want := []Gap{
		{},
		{Benchmark: 0.5, Points: -0.1, Shortfall: 20, Valid: true},
		{Benchmark: 0.5, Points: 0, Shortfall: 0, Valid: true},
		{Benchmark: 0.4, Points: -0.1, Shortfall: 4, Valid: true},
		{Benchmark: 0.5, Points: 0, Shortfall: 0, Valid: true},
	}
	for name, opts := range map[string]*ConversionOptions{
		"rates":  {BenchmarkRates: []float64{0.5, 0.5, 0.4, 0.5}},
		"counts": {BenchmarkCounts: []int64{100, 50, 25, 10, 5}},
	} {
		t.Run(name, func(t *testing.T) {
			saved := ConversionOptions{BenchmarkRates: slices.Clone(opts.BenchmarkRates), BenchmarkCounts: slices.Clone(opts.BenchmarkCounts)}
			got, err := salesFunnel.Conversions(reached, opts)
			if err != nil {
				t.Fatal(err)
			}
			var gaps []Gap
			for _, row := range got.Stages {
				gaps = append(gaps, row.Gap)
			}
			if diff := cmp.Diff(want, gaps, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("gaps mismatch (-want +got):\n%s", diff)
			}
			if !slices.Equal(saved.BenchmarkRates, opts.BenchmarkRates) || !slices.Equal(saved.BenchmarkCounts, opts.BenchmarkCounts) {
				t.Errorf("Conversions modified the benchmark")
			}
		})
	}

	// A benchmark from counts with no deals past its first stage: the
	// step into qualified is 0 of 100 there (0.40 − 0 = 0.40 ahead,
	// shortfall 200·0 − 80 = −80); later benchmark steps are 0 of 0 and
	// give no comparison. After a stage of ours with no deals there is
	// none either.
	got, err := MustNew("a", "b", "c").Conversions([]int64{200, 80, 0}, &ConversionOptions{BenchmarkCounts: []int64{100, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	wantGaps := []Gap{{}, {Benchmark: 0, Points: 0.4, Shortfall: -80, Valid: true}, {}}
	var gaps []Gap
	for _, row := range got.Stages {
		gaps = append(gaps, row.Gap)
	}
	if diff := cmp.Diff(wantGaps, gaps, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("undefined benchmark gaps mismatch (-want +got):\n%s", diff)
	}
	got, err = MustNew("a", "b", "c").Conversions([]int64{5, 0, 0}, &ConversionOptions{BenchmarkRates: []float64{0.5, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Stages[2].Gap.Valid {
		t.Errorf("gap after a stage with no deals = %+v, want none", got.Stages[2].Gap)
	}
}

func TestConversionsErrors(t *testing.T) {
	ok := []int64{200, 80, 40, 12, 6}
	tests := []struct {
		name    string
		f       Funnel
		reached []int64
		opts    *ConversionOptions
		want    error
		stage   string // the stage a *StageError must name, if any
	}{
		{"empty funnel", Funnel{}, nil, nil, ErrEmptyFunnel, ""},
		{"too few counts", salesFunnel, []int64{200, 80}, nil, ErrLengthMismatch, ""},
		{"too many counts", salesFunnel, []int64{6, 5, 4, 3, 2, 1}, nil, ErrLengthMismatch, ""},
		{"negative count", salesFunnel, []int64{200, 80, -1, 0, 0}, nil, ErrNegativeCount, "meeting"},
		{"counts rise", salesFunnel, []int64{200, 80, 90, 12, 6}, nil, ErrCountsRise, "meeting"},
		{"negative value", salesFunnel, ok, &ConversionOptions{Value: decimal.NewNullDecimal(decimal.NewFromInt(-1))}, ErrNegativeAmount, ""},
		{"both benchmarks", salesFunnel, ok, &ConversionOptions{BenchmarkRates: []float64{1, 1, 1, 1}, BenchmarkCounts: []int64{1, 1, 1, 1, 1}}, ErrOutOfRange, ""},
		{"benchmark rates length", salesFunnel, ok, &ConversionOptions{BenchmarkRates: []float64{0.5, 0.5}}, ErrLengthMismatch, ""},
		{"benchmark rate above 1", salesFunnel, ok, &ConversionOptions{BenchmarkRates: []float64{0.5, 1.2, 0.5, 0.5}}, ErrRateRange, ""},
		{"benchmark rate negative", salesFunnel, ok, &ConversionOptions{BenchmarkRates: []float64{0.5, 0.5, -0.1, 0.5}}, ErrRateRange, ""},
		{"benchmark rate NaN", salesFunnel, ok, &ConversionOptions{BenchmarkRates: []float64{math.NaN(), 0.5, 0.5, 0.5}}, ErrNotFinite, ""},
		{"benchmark rate Inf", salesFunnel, ok, &ConversionOptions{BenchmarkRates: []float64{0.5, 0.5, 0.5, math.Inf(1)}}, ErrNotFinite, ""},
		{"benchmark counts rise", salesFunnel, ok, &ConversionOptions{BenchmarkCounts: []int64{100, 50, 25, 30, 5}}, ErrCountsRise, "proposal"},
		{"benchmark counts length", salesFunnel, ok, &ConversionOptions{BenchmarkCounts: []int64{100}}, ErrLengthMismatch, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.Conversions(tt.reached, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Conversions error = %v, want %v", err, tt.want)
			}
			if got.Stages != nil {
				t.Errorf("Conversions returned rows with an error: %v", got)
			}
			if tt.stage != "" {
				var se *StageError
				if !errors.As(err, &se) || se.Stage != tt.stage {
					t.Errorf("error %v does not name stage %q", err, tt.stage)
				}
			}
		})
	}
	// The message names the rate and the step.
	_, err := salesFunnel.Conversions(ok, &ConversionOptions{BenchmarkRates: []float64{0.5, 1.2, 0.5, 0.5}})
	if want := `funnel: benchmark rates[1] = 1.2: rate outside [0,1]: step "qualified" to "meeting"`; err == nil || err.Error() != want {
		t.Errorf("error text = %v, want %q", err, want)
	}
}

func TestConversionsJSON(t *testing.T) {
	value := decimal.NewNullDecimal(decimal.RequireFromString("1000"))
	c, err := salesFunnel.Conversions([]int64{200, 80, 40, 12, 6}, &ConversionOptions{Value: value, BenchmarkRates: []float64{0.5, 0.5, 0.4, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Conversions
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(c, back, equalDecimal); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
}

// FuzzConversions checks that Conversions never panics on any counts and
// benchmark rate, and that a table it returns has every rate in [0, 1],
// non-negative losses that add up, and a weakest step that is the lowest.
func FuzzConversions(f *testing.F) {
	f.Add(int64(200), int64(80), int64(40), int64(12), 0.5)
	f.Add(int64(10), int64(0), int64(0), int64(0), 0.0)
	f.Add(int64(0), int64(0), int64(0), int64(0), 1.0)
	f.Add(int64(200), int64(80), int64(90), int64(12), 0.5)
	f.Add(int64(-1), int64(0), int64(0), int64(0), 0.5)
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(1), int64(0), math.NaN())
	f.Add(int64(5), int64(5), int64(5), int64(5), 1.5)
	fn := MustNew("a", "b", "c", "d")
	f.Fuzz(func(t *testing.T, a, b, c, d int64, bench float64) {
		reached := []int64{a, b, c, d}
		c1, err := fn.Conversions(reached, &ConversionOptions{BenchmarkRates: []float64{bench, bench, bench}})
		if err != nil {
			return
		}
		var lost int64
		for i, row := range c1.Stages {
			for _, x := range []float64{row.Step.Value(), row.Cumulative.Value(), row.LostShare, row.Gap.Points, row.Gap.Shortfall} {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("row %d of %v: NaN or Inf in %+v", i, reached, row)
				}
			}
			for _, x := range []float64{row.Step.Value(), row.Cumulative.Value(), row.LostShare} {
				if x < 0 || x > 1 {
					t.Errorf("row %d of %v: rate %v outside [0, 1]", i, reached, x)
				}
			}
			if row.Lost < 0 {
				t.Errorf("row %d of %v: lost %d < 0", i, reached, row.Lost)
			}
			lost += row.Lost
			if w := c1.Weakest; w >= 0 && row.Step.Defined() && row.Step.Value() < c1.Stages[w].Step.Value() {
				t.Errorf("%v: weakest %d (%v) but row %d is lower (%v)", reached, w, c1.Stages[w].Step, i, row.Step)
			}
		}
		if lost != a-d {
			t.Errorf("%v: losses add to %d, want first − last = %d", reached, lost, a-d)
		}
	})
}
