package funnel

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReverse(t *testing.T) {
	steps := []float64{0.4, 0.5, 0.3, 0.5} // lead→qualified→meeting→proposal→won
	tests := []struct {
		name   string
		f      Funnel
		stage  string
		target float64
		rates  []float64
		want   []Volume
	}{
		{
			// The brief's worked case. Exact: 10/0.5 = 20, 20/0.3 =
			// 66.67, /0.5 = 133.33, /0.4 = 333.33 (= 10/(0.4·0.5·0.3·0.5)
			// = 10/0.03). Whole, rounding up at each step back: 20,
			// ⌈66.67⌉ = 67, 67/0.5 = 134, 134/0.4 = 335.
			name: "10 won", f: salesFunnel, stage: "won", target: 10, rates: steps,
			want: []Volume{
				{"lead", 1000.0 / 3, 335},
				{"qualified", 400.0 / 3, 134},
				{"meeting", 200.0 / 3, 67},
				{"proposal", 20, 20},
				{"won", 10, 10},
			},
		},
		{
			// A target at a middle stage; 6/0.3 is 20.000000000000004 in
			// float64 and must give 20 meetings, not 21. Then 20/0.5 = 40
			// and 40/0.4 = 100.
			name: "6 proposals", f: salesFunnel, stage: "proposal", target: 6, rates: steps,
			want: []Volume{
				{"lead", 100, 100},
				{"qualified", 40, 40},
				{"meeting", 20, 20},
				{"proposal", 6, 6},
			},
		},
		{
			// 10/0.5 is exactly 20.
			name: "10 at half", f: MustNew("a", "b"), stage: "b", target: 10, rates: []float64{0.5},
			want: []Volume{{"a", 20, 20}, {"b", 10, 10}},
		},
		{
			// Rounding at each step beats rounding once: 1/0.3 = 3.33 → 4,
			// 4/0.3 = 13.33 → 14, while ⌈1/0.09⌉ = ⌈11.11⌉ = 12 would leave
			// ⌊12·0.3⌋ = 3 deals at b and ⌊3·0.3⌋ = 0 at c.
			name: "round at each step", f: MustNew("a", "b", "c"), stage: "c", target: 1, rates: []float64{0.3, 0.3},
			want: []Volume{{"a", 1 / 0.09, 14}, {"b", 1 / 0.3, 4}, {"c", 1, 1}},
		},
		{
			// A fractional target rounds up at its own stage: ⌈2.5⌉ = 3.
			name: "fractional target", f: MustNew("a", "b"), stage: "b", target: 2.5, rates: []float64{1},
			want: []Volume{{"a", 2.5, 3}, {"b", 2.5, 3}},
		},
		{
			name: "zero target", f: salesFunnel, stage: "won", target: 0, rates: steps,
			want: []Volume{{"lead", 0, 0}, {"qualified", 0, 0}, {"meeting", 0, 0}, {"proposal", 0, 0}, {"won", 0, 0}},
		},
		{
			// The first stage needs only its target, and a zero rate after
			// the target's stage is allowed.
			name: "first stage", f: MustNew("a", "b", "c"), stage: "a", target: 7, rates: []float64{0, 0},
			want: []Volume{{"a", 7, 7}},
		},
		{
			name: "zero rate after the target", f: MustNew("a", "b", "c"), stage: "b", target: 3, rates: []float64{0.75, 0},
			want: []Volume{{"a", 4, 4}, {"b", 3, 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.rates)
			got, err := tt.f.Reverse(tt.stage, tt.target, in)
			if err != nil {
				t.Fatalf("Reverse(%q, %v, %v): %v", tt.stage, tt.target, tt.rates, err)
			}
			want := ReverseFunnel{Stage: tt.stage, Target: tt.target, Volumes: tt.want}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-14, 0)); diff != "" {
				t.Errorf("Reverse(%q, %v, %v) mismatch (-want +got):\n%s", tt.stage, tt.target, tt.rates, diff)
			}
			if !slices.Equal(in, tt.rates) {
				t.Errorf("Reverse modified its rates: %v became %v", tt.rates, in)
			}
		})
	}
}

// TestReverseRoundTrip goes back from a target with rates from counts and
// forward again: the whole volumes, converted at the same rates, reach at
// least the target at every stage.
func TestReverseRoundTrip(t *testing.T) {
	rates := closedTable(t, salesFunnel, []int64{200, 80, 40, 12, 6}, nil).Rates()
	for _, target := range []float64{1, 6, 10, 33, 100, 12345} {
		r, err := salesFunnel.Reverse("won", target, rates)
		if err != nil {
			t.Fatalf("Reverse(%v): %v", target, err)
		}
		v := r.Volumes
		for i := range len(v) - 1 {
			if fwd := float64(v[i].Whole) * rates[i]; fwd < float64(v[i+1].Whole)*(1-1e-15) {
				t.Errorf("target %v: %d %s × %v = %v < %d %s", target, v[i].Whole, v[i].Stage, rates[i], fwd, v[i+1].Whole, v[i+1].Stage)
			}
		}
	}
	// 6 won at these rates is the funnel itself: 6/0.5 = 12,
	// 12/0.3 = 40, 40/0.5 = 80, 80/0.4 = 200.
	r, err := salesFunnel.Reverse("won", 6, rates)
	if err != nil {
		t.Fatal(err)
	}
	var whole []int64
	for _, v := range r.Volumes {
		whole = append(whole, v.Whole)
	}
	if diff := cmp.Diff([]int64{200, 80, 40, 12, 6}, whole); diff != "" {
		t.Errorf("Reverse(6 won) mismatch (-want +got):\n%s", diff)
	}
}

func TestReverseErrors(t *testing.T) {
	steps := []float64{0.4, 0.5, 0.3, 0.5}
	tests := []struct {
		name   string
		f      Funnel
		stage  string
		target float64
		rates  []float64
		want   error
		text   string // the full message, when checked
	}{
		{"empty funnel", Funnel{}, "won", 10, nil, ErrEmptyFunnel, ""},
		{"unknown stage", salesFunnel, "signed", 10, steps, ErrUnknownStage, `funnel: stage "signed": unknown stage`},
		{"NaN target", salesFunnel, "won", math.NaN(), steps, ErrNotFinite, ""},
		{"Inf target", salesFunnel, "won", math.Inf(1), steps, ErrNotFinite, ""},
		{"negative target", salesFunnel, "won", -1, steps, ErrOutOfRange, ""},
		{"too few rates", salesFunnel, "won", 10, steps[:3], ErrLengthMismatch, ""},
		{"too many rates", salesFunnel, "won", 10, append(slices.Clone(steps), 0.5), ErrLengthMismatch, ""},
		{"rate above 1", salesFunnel, "won", 10, []float64{0.4, 1.5, 0.3, 0.5}, ErrRateRange, ""},
		{"rate below 0", salesFunnel, "won", 10, []float64{0.4, 0.5, -0.3, 0.5}, ErrRateRange, ""},
		{"rate NaN", salesFunnel, "won", 10, []float64{0.4, 0.5, math.NaN(), 0.5}, ErrNotFinite, ""},
		{"rate -Inf", salesFunnel, "won", 10, []float64{math.Inf(-1), 0.5, 0.3, 0.5}, ErrNotFinite, ""},
		{"zero rate on the path", salesFunnel, "won", 10, []float64{0.4, 0.5, 0, 0.5}, ErrZeroRate,
			`funnel: rates[2] = 0: zero rate: step "meeting" to "proposal"`},
		{"volume above 2^53", salesFunnel, "won", 1e300, steps, ErrOutOfRange, ""},
		{"underflowing rate", salesFunnel, "won", 1, []float64{5e-324, 0.5, 0.3, 0.5}, ErrOutOfRange, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.Reverse(tt.stage, tt.target, tt.rates)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Reverse error = %v, want %v", err, tt.want)
			}
			if tt.text != "" && err.Error() != tt.text {
				t.Errorf("error text = %q, want %q", err, tt.text)
			}
			if got.Volumes != nil {
				t.Errorf("Reverse returned volumes with an error: %v", got)
			}
		})
	}
}

func TestRateValues(t *testing.T) {
	in := []Rate{{80, 200}, {40, 80}, {12, 40}, {6, 12}}
	got, err := RateValues(in)
	if err != nil {
		t.Fatal(err)
	}
	// 80/200, 40/80, 12/40, 6/12.
	if diff := cmp.Diff([]float64{0.4, 0.5, 0.3, 0.5}, got, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
		t.Errorf("RateValues mismatch (-want +got):\n%s", diff)
	}
	if _, err := RateValues([]Rate{{1, 2}, {3, 2}}); !errors.Is(err, ErrKExceedsN) {
		t.Errorf("RateValues(3 of 2) error = %v, want ErrKExceedsN", err)
	}
	// A rate without trials is 0, which Reverse rejects on its path.
	vals, err := RateValues([]Rate{{1, 2}, {0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := MustNew("a", "b", "c").Reverse("c", 1, vals); !errors.Is(err, ErrZeroRate) {
		t.Errorf("Reverse through 0 of 0 error = %v, want ErrZeroRate", err)
	}
}

func TestCeilWhole(t *testing.T) {
	for _, tt := range []struct{ x, want float64 }{
		{0, 0},
		{20, 20},
		{6 / 0.3, 20},           // 20.000000000000004: float noise
		{10 / 0.5, 20},          // exact
		{20 / 0.3, 67},          // 66.67
		{20.000001, 21},         // a real fraction, however small, rounds up
		{1e12 + 0.01, 1e12 + 1}, // ditto at a large volume (0.01 is 80 ulps of 1e12)
		{1e12 + 0.0005, 1e12},   // 4 ulps of 1e12 (ulp 2^−13): noise
		{0.2, 1},
		{19.999999999999996, 20},
	} {
		if got := ceilWhole(tt.x); got != tt.want {
			t.Errorf("ceilWhole(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

// FuzzReverse checks that Reverse never panics, never gives NaN or Inf,
// that Whole >= Exact at every stage, and that going forward from the
// whole volumes at the same rates meets the target:
// Whole[i]·rates[i] >= Whole[i+1].
func FuzzReverse(f *testing.F) {
	f.Add(uint8(4), 10.0, 0.4, 0.5, 0.3, 0.5)
	f.Add(uint8(3), 6.0, 0.4, 0.5, 0.3, 0.5)
	f.Add(uint8(2), 1.0, 0.3, 0.3, 0.0, 0.0)
	f.Add(uint8(4), 2.5, 1.0, 1.0, 1.0, 1.0)
	f.Add(uint8(4), 1e300, 0.4, 0.5, 0.3, 0.5)
	f.Add(uint8(4), 10.0, 0.4, 0.5, 0.0, 0.5)
	f.Add(uint8(4), math.NaN(), 0.4, 1.5, 0.3, 0.5)
	f.Add(uint8(0), 0.0, 5e-324, 0.1, 0.1, 0.1)
	f.Fuzz(func(t *testing.T, at uint8, target, r0, r1, r2, r3 float64) {
		stage := salesFunnel.Stage(int(at) % salesFunnel.Len())
		rates := []float64{r0, r1, r2, r3}
		got, err := salesFunnel.Reverse(stage, target, rates)
		if err != nil {
			return
		}
		v := got.Volumes
		for i, vol := range v {
			if math.IsNaN(vol.Exact) || math.IsInf(vol.Exact, 0) || vol.Exact < 0 {
				t.Fatalf("Reverse(%q, %v, %v) stage %d exact = %v", stage, target, rates, i, vol.Exact)
			}
			if float64(vol.Whole) < vol.Exact*(1-1e-12) {
				t.Errorf("Reverse(%q, %v, %v) stage %d: whole %d < exact %v", stage, target, rates, i, vol.Whole, vol.Exact)
			}
			if i+1 < len(v) {
				if fwd, next := float64(vol.Whole)*rates[i], float64(v[i+1].Whole); fwd < next*(1-1e-12) {
					t.Errorf("Reverse(%q, %v, %v): %d × %v = %v < %v", stage, target, rates, vol.Whole, rates[i], fwd, next)
				}
			}
		}
		// Within float noise of a whole number the target is that
		// number (the doc's rule, as for every quotient): the
		// testdata case 100.00000000000003 needs 100.
		if last := v[len(v)-1]; float64(last.Whole) < target*(1-1e-12) {
			t.Errorf("Reverse(%q, %v, %v): %d at the target stage < target", stage, target, rates, last.Whole)
		}
	})
}
