package funnel

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCompareRates(t *testing.T) {
	// Newcombe (1998), "Interval estimation for the difference between
	// independent proportions: comparison of eleven methods", Statistics
	// in Medicine 17, 873–890, Table II, method 10 (hybrid score), to the
	// four decimals printed; the z and p of R's prop.test(c(k1, k2),
	// c(n1, n2), correct = FALSE), worked in mpmath (X-squared = z²).
	tests := []struct {
		name   string
		a, b   Rate
		want   Difference
		ivTol  float64 // tolerance of Lo and Hi: 5e-5 for four printed decimals
		absTol float64
	}{
		{
			// Example (a): 0.2, [0.0524, 0.3339]; prop.test: X-squared =
			// 7.0234, p-value = 0.008045. By hand: pooled 104/150,
			// se = √(0.693333·0.306667·(1/70 + 1/80)) = 0.075467,
			// z = 0.2/0.075467 = 2.650172.
			name: "Newcombe (a) 56/70 − 48/80", a: Rate{56, 70}, b: Rate{48, 80},
			want: Difference{A: Rate{56, 70}, B: Rate{48, 80}, Diff: Some(0.2), Sign: 1, Z: Some(2.65017195126), P: Some(0.0080450813682),
				Confidence: 0.95, Lo: Some(0.0524), Hi: Some(0.3339)},
			ivTol: 5e-5,
		},
		{
			name: "Newcombe (b) 9/10 − 3/10", a: Rate{9, 10}, b: Rate{3, 10},
			want: Difference{A: Rate{9, 10}, B: Rate{3, 10}, Diff: Some(0.6), Sign: 1, Z: Some(2.73861278753), P: Some(0.00616989932054),
				Confidence: 0.95, Lo: Some(0.1705), Hi: Some(0.8090)},
			ivTol: 5e-5,
		},
		{
			name: "Newcombe (d) 5/56 − 0/29", a: Rate{5, 56}, b: Rate{0, 29},
			want: Difference{A: Rate{5, 56}, B: Rate{0, 29}, Diff: Some(5.0 / 56), Sign: 1, Z: Some(1.65864886924), P: Some(0.0971865681706),
				Confidence: 0.95, Lo: Some(-0.0381), Hi: Some(0.1926)},
			ivTol: 5e-5,
		},
		{
			// (e): both 0: no variation to test, z null and p 1; the
			// interval is [−u(0/20), u(0/10)] = [−0.1611, 0.2775].
			name: "Newcombe (e) 0/10 − 0/20", a: Rate{0, 10}, b: Rate{0, 20},
			want: Difference{A: Rate{0, 10}, B: Rate{0, 20}, Diff: Some(0), P: Some(1),
				Confidence: 0.95, Lo: Some(-0.1611), Hi: Some(0.2775)},
			ivTol: 5e-5,
		},
		{
			name: "Newcombe (f) 0/10 − 0/10", a: Rate{0, 10}, b: Rate{0, 10},
			want: Difference{A: Rate{0, 10}, B: Rate{0, 10}, Diff: Some(0), P: Some(1),
				Confidence: 0.95, Lo: Some(-0.2775), Hi: Some(0.2775)},
			ivTol: 5e-5,
		},
		{
			name: "Newcombe (g) 10/10 − 0/20", a: Rate{10, 10}, b: Rate{0, 20},
			want: Difference{A: Rate{10, 10}, B: Rate{0, 20}, Diff: Some(1), Sign: 1, Z: Some(5.47722557505), P: Some(4.32046305783e-8),
				Confidence: 0.95, Lo: Some(0.6791), Hi: Some(1)},
			ivTol: 5e-5,
		},
		{
			name: "Newcombe (h) 10/10 − 0/10", a: Rate{10, 10}, b: Rate{0, 10},
			want: Difference{A: Rate{10, 10}, B: Rate{0, 10}, Diff: Some(1), Sign: 1, Z: Some(4.472135955), P: Some(7.74421643104e-6),
				Confidence: 0.95, Lo: Some(0.6075), Hi: Some(1)},
			ivTol: 5e-5,
		},
		{
			// Swapping a and b mirrors (a): −0.2, [−0.3339, −0.0524].
			name: "mirrored (a)", a: Rate{48, 80}, b: Rate{56, 70},
			want: Difference{A: Rate{48, 80}, B: Rate{56, 70}, Diff: Some(-0.2), Sign: -1, Z: Some(-2.65017195126), P: Some(0.0080450813682),
				Confidence: 0.95, Lo: Some(-0.333872654037), Hi: Some(-0.0524314724024)},
			ivTol: 1e-11,
		},
		// A rate with no trials: nothing to compare.
		{name: "no trials", a: Rate{0, 0}, b: Rate{3, 10}, want: Difference{B: Rate{3, 10}, Confidence: 0.95}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompareRates(tt.a, tt.b, 0.95)
			if err != nil {
				t.Fatalf("CompareRates error: %v", err)
			}
			ivs := func(d Difference) [2]NullFloat64 { return [2]NullFloat64{d.Lo, d.Hi} }
			if diff := cmp.Diff(ivs(tt.want), ivs(got), cmpopts.EquateApprox(0, tt.ivTol)); diff != "" {
				t.Errorf("CompareRates(%v, %v) interval mismatch (-want +got):\n%s", tt.a, tt.b, diff)
			}
			tt.want.Lo, tt.want.Hi, got.Lo, got.Hi = NullFloat64{}, NullFloat64{}, NullFloat64{}, NullFloat64{}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-10, 1e-15)); diff != "" {
				t.Errorf("CompareRates(%v, %v) mismatch (-want +got):\n%s", tt.a, tt.b, diff)
			}
		})
	}
}

// TestCompareRatesWilsonEnds checks the interval by a second method: when
// b is 0 of N its Wilson interval is [0, u_b] and p̂b = 0, so Newcombe's
// ends reduce to Lo = p̂a − √((p̂a − la)² + u_b²) and Hi = ua, with the
// Wilson ends from Rate.Wilson.
func TestCompareRatesWilsonEnds(t *testing.T) {
	a, b := Rate{7, 19}, Rate{0, 12}
	wa, _ := a.Wilson(0.9)
	wb, _ := b.Wilson(0.9)
	got, err := CompareRates(a, b, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	pa := 7.0 / 19
	wantLo, wantHi := pa-math.Sqrt((pa-wa.Lo)*(pa-wa.Lo)+wb.Hi*wb.Hi), wa.Hi
	if math.Abs(got.Lo.Float64-wantLo) > 1e-15 || math.Abs(got.Hi.Float64-wantHi) > 1e-15 {
		t.Errorf("CompareRates(%v, %v, 0.9) = [%v, %v], want [%v, %v]", a, b, got.Lo, got.Hi, wantLo, wantHi)
	}
}

func TestCompareRatesErrors(t *testing.T) {
	tests := []struct {
		name string
		a, b Rate
		conf float64
		want error
		text string
	}{
		{"confidence 1", Rate{1, 2}, Rate{1, 2}, 1, ErrOutOfRange, "funnel: confidence = 1: value out of range: must be in (0, 1)"},
		{"confidence NaN", Rate{1, 2}, Rate{1, 2}, math.NaN(), ErrNotFinite, "funnel: confidence = NaN: not a finite number"},
		{"a k > n", Rate{3, 2}, Rate{1, 2}, 0.95, ErrKExceedsN, "funnel: k = 3 of 2: successes exceed trials"},
		{"b negative", Rate{1, 2}, Rate{1, -2}, 0.95, ErrNegativeCount, "funnel: n = -2: negative count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CompareRates(tt.a, tt.b, tt.conf)
			if diff := cmp.Diff(tt.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("CompareRates error mismatch (-want +got):\n%s", diff)
			}
			var ie *InputError
			if !errors.As(err, &ie) || err.Error() != tt.text {
				t.Errorf("CompareRates error = %q, want %q", err, tt.text)
			}
			if got != (Difference{}) {
				t.Errorf("CompareRates = %+v with an error", got)
			}
		})
	}
}

// FuzzCompareRates checks that CompareRates never panics, gives no NaN or
// Inf, keeps −1 <= Lo <= Diff <= Hi <= 1 and P in [0, 1], and that Sign
// is the sign of Diff.
func FuzzCompareRates(f *testing.F) {
	f.Add(int64(56), int64(70), int64(48), int64(80), 0.95)
	f.Add(int64(0), int64(10), int64(0), int64(20), 0.95)
	f.Add(int64(10), int64(10), int64(0), int64(10), 0.5)
	f.Add(int64(1), int64(1<<62), int64(1<<61), int64(1<<62), 0.999)
	f.Add(int64(3), int64(2), int64(1), int64(1), 0.95)
	f.Fuzz(func(t *testing.T, ka, na, kb, nb int64, conf float64) {
		a, b := validRate(ka, na), validRate(kb, nb)
		d, err := CompareRates(a, b, conf)
		if err != nil {
			if conf > 0 && conf < 1 {
				t.Fatalf("CompareRates(%v, %v, %v): %v", a, b, conf, err)
			}
			return
		}
		if !d.Diff.Valid {
			if a.N > 0 && b.N > 0 {
				t.Fatalf("CompareRates(%v, %v) diff null", a, b)
			}
			return
		}
		for _, v := range []float64{d.Diff.Float64, d.Z.Float64, d.P.Float64, d.Lo.Float64, d.Hi.Float64} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("CompareRates(%v, %v, %v) = %+v has NaN or Inf", a, b, conf, d)
			}
		}
		x := d.Diff.Float64
		if !(d.Lo.Float64 >= -1 && d.Lo.Float64 <= x+1e-12 && x <= d.Hi.Float64+1e-12 && d.Hi.Float64 <= 1) ||
			!(d.P.Float64 >= 0 && d.P.Float64 <= 1) {
			t.Fatalf("CompareRates(%v, %v, %v) = %+v out of order", a, b, conf, d)
		}
		if (x > 0) != (d.Sign == 1) || (x < 0) != (d.Sign == -1) {
			t.Fatalf("CompareRates(%v, %v) sign %d of diff %v", a, b, d.Sign, x)
		}
	})
}
