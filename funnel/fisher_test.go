package funnel

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFisherExact(t *testing.T) {
	tests := []struct {
		name       string
		a, b, c, d int64
		want       Fisher
	}{
		{
			// R's fisher.test documentation, TeaTasting: two-sided
			// p-value = 0.4857, alternative "greater" p-value = 0.2429.
			// By hand, margins 4, 4, 4, 4: P(X = x) = C(4,x)C(4,4−x)/70 =
			// 1, 16, 36, 16, 1 over 70; two-sided 34/70, greater 17/70,
			// less 69/70; odds ratio 9/1.
			name: "tea tasting", a: 3, b: 1, c: 1, d: 3,
			want: Fisher{A: 3, B: 1, C: 1, D: 3, P: 34.0 / 70, Less: 69.0 / 70, Greater: 17.0 / 70, OddsRatio: Some(9)},
		},
		{
			// R's fisher.test documentation, Convictions (Fisher 1962):
			// alternative "less" p-value = 0.0004652. Exact fractions
			// (enumeration in rationals): two-sided 3571/6653325, less
			// 0.000465180943, greater 0.999984519019; odds ratio 6/150.
			name: "convictions", a: 2, b: 15, c: 10, d: 3,
			want: Fisher{A: 2, B: 15, C: 10, D: 3, P: 3571.0 / 6653325, Less: 0.00046518094336290503, Greater: 0.9999845190186861, OddsRatio: Some(0.04)},
		},
		{
			// Margins 5, 5, 5, 5 with X = 0: P(0) = P(5) = 1/252, so the
			// two-sided p is 2/252 = 1/126, less 1/252, greater 1; A·D = 0
			// and B·C = 25: odds ratio 0.
			name: "extreme", a: 0, b: 5, c: 5, d: 0,
			want: Fisher{A: 0, B: 5, C: 5, D: 0, P: 1.0 / 126, Less: 1.0 / 252, Greater: 1, OddsRatio: Some(0)},
		},
		{
			// A symmetric table is the most likely one: p = 1.
			// P(X <= 10) = P(X >= 10) = 0.623814 (rationals); ratio 1.
			name: "balanced", a: 10, b: 10, c: 10, d: 10,
			want: Fisher{A: 10, B: 10, C: 10, D: 10, P: 1, Less: 0.6238144327180454, Greater: 0.6238144327180454, OddsRatio: Some(1)},
		},
		{
			// B·C = 0: the odds ratio is infinite, null.
			name: "no off-diagonal", a: 4, b: 0, c: 0, d: 4,
			want: Fisher{A: 4, B: 0, C: 0, D: 4, P: 2.0 / 70, Less: 1, Greater: 1.0 / 70},
		},
		{
			// All zero: one possible table, every p-value 1; 0/0 is null.
			name: "empty", want: Fisher{P: 1, Less: 1, Greater: 1},
		},
		{
			// One row empty: every table has a = 0, so p = 1; B·C = 0,
			// so the odds ratio (0/0) is null.
			name: "one row", a: 0, b: 0, c: 7, d: 3,
			want: Fisher{C: 7, D: 3, P: 1, Less: 1, Greater: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FisherExact(tt.a, tt.b, tt.c, tt.d)
			if err != nil {
				t.Fatalf("FisherExact error: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("FisherExact(%d, %d, %d, %d) mismatch (-want +got):\n%s", tt.a, tt.b, tt.c, tt.d, diff)
			}
		})
	}
}

// TestFisherEnumeration checks every 2 × 2 table of up to 16 deals, and
// some larger ones, against a second method: the hypergeometric
// probabilities as exact rationals, C(r1, x)·C(r2, c1 − x)/C(n, c1), and
// R's rule with its tolerance applied in rational arithmetic.
func TestFisherEnumeration(t *testing.T) {
	check := func(a, b, c, d int64) {
		t.Helper()
		got, err := FisherExact(a, b, c, d)
		if err != nil {
			t.Fatalf("FisherExact(%d, %d, %d, %d): %v", a, b, c, d, err)
		}
		two, less, greater := fisherRational(a, b, c, d)
		want := Fisher{A: a, B: b, C: c, D: d, P: two, Less: less, Greater: greater, OddsRatio: got.OddsRatio}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-11, 1e-300)); diff != "" {
			t.Fatalf("FisherExact(%d, %d, %d, %d) mismatch (-want +got):\n%s", a, b, c, d, diff)
		}
	}
	for n := int64(0); n <= 16; n++ {
		for a := int64(0); a <= n; a++ {
			for b := int64(0); a+b <= n; b++ {
				for c := int64(0); a+b+c <= n; c++ {
					check(a, b, c, n-a-b-c)
				}
			}
		}
	}
	for _, tb := range [][4]int64{{40, 160, 70, 130}, {1, 300, 12, 250}, {123, 77, 64, 136}, {0, 400, 9, 391}} {
		check(tb[0], tb[1], tb[2], tb[3])
	}
}

// fisherRational returns the two-sided, less and greater p-values of the
// table computed in rationals.
func fisherRational(a, b, c, d int64) (two, less, greater float64) {
	r1, r2, c1 := a+b, c+d, a+c
	lo, hi := max(0, c1-r2), min(r1, c1)
	prob := func(x int64) *big.Rat {
		num := new(big.Int).Mul(new(big.Int).Binomial(r1, x), new(big.Int).Binomial(r2, c1-x))
		return new(big.Rat).SetFrac(num, new(big.Int).Binomial(r1+r2, c1))
	}
	cut := new(big.Rat).Mul(prob(a), big.NewRat(10_000_001, 10_000_000))
	t, l, g := new(big.Rat), new(big.Rat), new(big.Rat)
	for x := lo; x <= hi; x++ {
		p := prob(x)
		if p.Cmp(cut) <= 0 {
			t.Add(t, p)
		}
		if x <= a {
			l.Add(l, p)
		}
		if x >= a {
			g.Add(g, p)
		}
	}
	two, _ = t.Float64()
	less, _ = l.Float64()
	greater, _ = g.Float64()
	return two, less, greater
}

// TestFisherLarge checks large tables against a second method, the
// chi-square test, which Fisher's exact test approaches as counts grow:
// on [[4000 6000] [4200 5800]] the exact two-sided p and the chi-square
// p agree to a few percent (both near 0.0043), and the work stays within
// the bound.
func TestFisherLarge(t *testing.T) {
	f, err := FisherExact(4000, 6000, 4200, 5800)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ChiSquareTest([][]int64{{4000, 6000}, {4200, 5800}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := f.P / cs.P.Float64; r < 0.95 || r > 1.05 {
		t.Errorf("Fisher p %v vs chi-square p %v: ratio %v", f.P, cs.P.Float64, r)
	}
	// A huge table with few tables to sum: margins 3 in one column.
	f, err = FisherExact(1, 1<<40, 2, 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	// By hand the four tables x = 0..3 have probabilities close to
	// C(3, x)/8 (the rows are equal): 1, 3, 3, 1 over 8, so the observed
	// x = 1 gives two-sided p ≈ 1 and less ≈ 4/8.
	if math.Abs(f.P-1) > 1e-9 || math.Abs(f.Less-0.5) > 1e-9 {
		t.Errorf("FisherExact(1, 2^40, 2, 2^40) = %+v, want p 1 and less 0.5", f)
	}
}

func TestFisherErrors(t *testing.T) {
	tests := []struct {
		name       string
		a, b, c, d int64
		want       error
		text       string
	}{
		{"negative a", -1, 2, 3, 4, ErrNegativeCount, "funnel: a = -1: negative count"},
		{"negative d", 1, 2, 3, -4, ErrNegativeCount, "funnel: d = -4: negative count"},
		{"total overflows", math.MaxInt64, 0, 1, 0, ErrOutOfRange, "funnel: table = [[9223372036854775807 0] [1 0]]: value out of range: total passes int64"},
		{"rows overflow", math.MaxInt64 / 2, 0, math.MaxInt64/2 + 2, 0, ErrOutOfRange, "funnel: table = [[4611686018427387903 0] [4611686018427387905 0]]: value out of range: total passes int64"},
		{"too many tables", 5_000_000, 5_000_000, 5_000_000, 5_000_000, ErrOutOfRange,
			"funnel: table = [[5000000 5000000] [5000000 5000000]]: value out of range: 10000001 tables to sum for Fisher's exact test, above the bound of 10000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FisherExact(tt.a, tt.b, tt.c, tt.d)
			if diff := cmp.Diff(tt.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("FisherExact error mismatch (-want +got):\n%s", diff)
			}
			var ie *InputError
			if !errors.As(err, &ie) || err.Error() != tt.text {
				t.Errorf("FisherExact error = %q, want %q", err, tt.text)
			}
			if got != (Fisher{}) {
				t.Errorf("FisherExact = %+v with an error, want the zero Fisher", got)
			}
		})
	}
	// Just under the bound is computed.
	if _, err := FisherExact(4_999_999, 5_000_000, 5_000_000, 5_000_000); err != nil {
		t.Errorf("FisherExact with 9999999 + 1 tables: %v", err)
	}
}

// FuzzFisherExact checks that FisherExact never panics, gives p-values in
// [0, 1] without NaN, Less + Greater >= 1 (they share the observed
// table), and a two-sided p no smaller than the smaller one-sided p (the
// observed table's own tail is no more likely than it).
func FuzzFisherExact(f *testing.F) {
	f.Add(int64(3), int64(1), int64(1), int64(3))
	f.Add(int64(2), int64(15), int64(10), int64(3))
	f.Add(int64(0), int64(0), int64(0), int64(0))
	f.Add(int64(-1), int64(0), int64(0), int64(0))
	f.Add(int64(math.MaxInt64), int64(1), int64(1), int64(1))
	f.Add(int64(1000), int64(1), int64(1), int64(1000))
	f.Fuzz(func(t *testing.T, a, b, c, d int64) {
		// Keep the work small: counts of magnitude below 10⁵, sign kept.
		a, b, c, d = a%100_000, b%100_000, c%100_000, d%100_000
		r, err := FisherExact(a, b, c, d)
		if err != nil {
			if a >= 0 && b >= 0 && c >= 0 && d >= 0 {
				t.Fatalf("FisherExact(%d, %d, %d, %d): %v", a, b, c, d, err)
			}
			return
		}
		for _, p := range []float64{r.P, r.Less, r.Greater} {
			if !(p >= 0 && p <= 1) {
				t.Fatalf("FisherExact(%d, %d, %d, %d) = %+v: p outside [0, 1]", a, b, c, d, r)
			}
		}
		if r.Less+r.Greater < 1-1e-9 {
			t.Fatalf("FisherExact(%d, %d, %d, %d) = %+v: less + greater < 1", a, b, c, d, r)
		}
		// The two-sided p holds the smaller tail's observed side.
		if r.P < min(r.Less, r.Greater)*(1-1e-9) {
			t.Fatalf("FisherExact(%d, %d, %d, %d) = %+v: p below the smaller tail", a, b, c, d, r)
		}
		if v := r.OddsRatio; v.Valid && (math.IsNaN(v.Float64) || math.IsInf(v.Float64, 0) || v.Float64 < 0) {
			t.Fatalf("FisherExact(%d, %d, %d, %d) odds ratio %v", a, b, c, d, v)
		}
	})
}
