package funnel

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestRateTest(t *testing.T) {
	tests := []struct {
		name string
		r    Rate
		p0   float64
		want RateTest
	}{
		{
			// R's binom.test documentation (Mendel's peas, 682 of 925
			// against 3/4): p-value = 0.3825. Exact sums in rationals:
			// two-sided 0.38249155957, P(X <= 682) 0.19600926705,
			// P(X >= 682) 0.82408912235. Score: z = (682/925 − 0.75)/
			// √(0.1875/925) = −0.892209, p = 0.372281 (R's prop.test(682,
			// 925, 0.75, correct = FALSE): X-squared = 0.79604).
			name: "binom.test peas", r: Rate{682, 925}, p0: 0.75,
			want: RateTest{Rate: Rate{682, 925}, P0: 0.75, Exact: Some(0.3824915595748517), ExactLess: Some(0.19600926705388336),
				ExactGreater: Some(0.8240891223524226), Z: Some(-0.89220851600734908), ScoreP: Some(0.37228117845871306)},
		},
		{
			// By hand: 2 of 10 at ½: P(X <= 2) = (1 + 10 + 45)/1024 =
			// 56/1024, P(X >= 2) = 1013/1024, two-sided 112/1024 (the
			// distribution is symmetric); z = (0.2 − 0.5)/√(0.025) = −√3.6.
			name: "2 of 10 at a half", r: Rate{2, 10}, p0: 0.5,
			want: RateTest{Rate: Rate{2, 10}, P0: 0.5, Exact: Some(112.0 / 1024), ExactLess: Some(56.0 / 1024),
				ExactGreater: Some(1013.0 / 1024), Z: Some(-math.Sqrt(3.6)), ScoreP: Some(math.Erfc(math.Sqrt(1.8)))},
		},
		{
			// By hand, 3 of 5 at 0.3: P(X = 0..5) = .16807, .36015, .3087,
			// .1323, .02835, .00243; mean 1.5 < 3 and no count below the
			// mean is as unlikely as P(3) = .1323, so the two-sided p is
			// P(X >= 3) = .16308.
			name: "3 of 5 at 0.3", r: Rate{3, 5}, p0: 0.3,
			want: RateTest{Rate: Rate{3, 5}, P0: 0.3, Exact: Some(0.16308), ExactLess: Some(0.96922),
				ExactGreater: Some(0.16308), Z: Some(1.4638501094227999), ScoreP: Some(0.14323490752466966)},
		},
		{
			// 0 of 5 at 0.3: P(0) = .16807, and above the mean P(3), P(4),
			// P(5) are no more likely: .16807 + .16308 = .33115.
			name: "0 of 5 at 0.3", r: Rate{0, 5}, p0: 0.3,
			want: RateTest{Rate: Rate{0, 5}, P0: 0.3, Exact: Some(0.33115), ExactLess: Some(0.16807),
				ExactGreater: Some(1), Z: Some(-1.4638501094227998), ScoreP: Some(0.14323490752466969)},
		},
		{
			// K = N·p0 exactly: two-sided p 1 by R's rule. P(X <= 5) and
			// P(X >= 5) of binomial(10, ½) = 638/1024.
			name: "at the mean", r: Rate{5, 10}, p0: 0.5,
			want: RateTest{Rate: Rate{5, 10}, P0: 0.5, Exact: Some(1), ExactLess: Some(638.0 / 1024),
				ExactGreater: Some(638.0 / 1024), Z: Some(0), ScoreP: Some(1)},
		},
		{
			// 1 of 1 at ⅓: P(X = 1) = ⅓; below the mean ⅓ P(0) = ⅔ is
			// more likely: two-sided ⅓; z = (⅔)/√(2/9) = √2.
			name: "1 of 1", r: Rate{1, 1}, p0: 1.0 / 3,
			want: RateTest{Rate: Rate{1, 1}, P0: 1.0 / 3, Exact: Some(1.0 / 3), ExactLess: Some(1),
				ExactGreater: Some(1.0 / 3), Z: Some(math.Sqrt2), ScoreP: Some(math.Erfc(1))},
		},
		// No trials: nothing to test.
		{name: "no trials", r: Rate{0, 0}, p0: 0.4, want: RateTest{P0: 0.4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Test(tt.p0)
			if err != nil {
				t.Fatalf("%v.Test(%v) error: %v", tt.r, tt.p0, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-12, 1e-15)); diff != "" {
				t.Errorf("%v.Test(%v) mismatch (-want +got):\n%s", tt.r, tt.p0, diff)
			}
		})
	}
}

// TestRateTestEnumeration checks every count of several small n against
// a second method: binomial probabilities as exact rationals and R's
// binom.test rule applied in rational arithmetic.
func TestRateTestEnumeration(t *testing.T) {
	for _, p0 := range []*big.Rat{big.NewRat(1, 2), big.NewRat(3, 10), big.NewRat(1, 20), big.NewRat(9, 10), big.NewRat(1, 3)} {
		pf, _ := p0.Float64()
		for _, n := range []int64{1, 2, 7, 20, 61} {
			for k := int64(0); k <= n; k++ {
				got, err := Rate{k, n}.Test(pf)
				if err != nil {
					t.Fatal(err)
				}
				two, less, greater := binomialRational(k, n, p0)
				want := RateTest{Rate: Rate{k, n}, P0: pf, Exact: Some(two), ExactLess: Some(less), ExactGreater: Some(greater), Z: got.Z, ScoreP: got.ScoreP}
				if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-10, 1e-300)); diff != "" {
					t.Fatalf("Rate{%d, %d}.Test(%v) mismatch (-want +got):\n%s", k, n, pf, diff)
				}
			}
		}
	}
}

// binomialRational returns R's binom.test p-values computed in rationals.
func binomialRational(k, n int64, p *big.Rat) (two, less, greater float64) {
	q := new(big.Rat).Sub(big.NewRat(1, 1), p)
	pow := func(r *big.Rat, e int64) *big.Rat {
		return new(big.Rat).SetFrac(new(big.Int).Exp(r.Num(), big.NewInt(e), nil), new(big.Int).Exp(r.Denom(), big.NewInt(e), nil))
	}
	d := make([]*big.Rat, n+1)
	for i := range d {
		d[i] = new(big.Rat).SetInt(new(big.Int).Binomial(n, int64(i)))
		d[i].Mul(d[i], pow(p, int64(i)))
		d[i].Mul(d[i], pow(q, n-int64(i)))
	}
	sum := func(lo, hi int64) *big.Rat {
		s := new(big.Rat)
		for i := max(lo, 0); i <= min(hi, n); i++ {
			s.Add(s, d[i])
		}
		return s
	}
	l, g := sum(0, k), sum(k, n)
	m := new(big.Rat).Mul(big.NewRat(n, 1), p)
	cut := new(big.Rat).Mul(d[k], big.NewRat(10_000_001, 10_000_000))
	kr := big.NewRat(k, 1)
	var tw *big.Rat
	switch kr.Cmp(m) {
	case 0:
		tw = big.NewRat(1, 1)
	case -1:
		y := int64(0)
		for i := n; i >= 0 && new(big.Rat).SetInt64(i).Cmp(m) >= 0; i-- {
			if d[i].Cmp(cut) <= 0 {
				y++
			}
		}
		tw = new(big.Rat).Add(l, sum(n-y+1, n))
	default:
		y := int64(0)
		for i := int64(0); i <= n && new(big.Rat).SetInt64(i).Cmp(m) <= 0; i++ {
			if d[i].Cmp(cut) <= 0 {
				y++
			}
		}
		tw = new(big.Rat).Add(sum(0, y-1), g)
	}
	if tw.Cmp(big.NewRat(1, 1)) > 0 {
		tw = big.NewRat(1, 1)
	}
	two, _ = tw.Float64()
	less, _ = l.Float64()
	greater, _ = g.Float64()
	return two, less, greater
}

// TestBinomialLoader checks Loader's pieces against a second method:
// stirlingErr against log-gamma where both are accurate, deviance's
// series against its direct formula where they overlap, and log P(X = k)
// summed over k to 1.
func TestBinomialLoader(t *testing.T) {
	for _, x := range []float64{1, 2, 7.5, 15, 15.5, 16, 40} {
		lg, _ := math.Lgamma(x + 1)
		want := lg - (x+0.5)*math.Log(x) + x - 0.5*math.Log(2*math.Pi)
		if got := stirlingErr(x); math.Abs(got-want) > 1e-13 {
			t.Errorf("stirlingErr(%v) = %v, log-gamma gives %v", x, got, want)
		}
	}
	// At 1000 log-gamma cancels to 10⁻¹²; by hand the series is
	// 1/12000 − 1/(360·10⁹) + 1/(1260·10¹⁵) = 8.3333330555556349e-05.
	if got, want := stirlingErr(1000), 1.0/12000-1/360e9+1/1260e15; math.Abs(got-want) > 1e-19 {
		t.Errorf("stirlingErr(1000) = %v, want %v", got, want)
	}
	for _, c := range [][2]float64{{10, 10.5}, {100, 95}, {3, 3.2}, {1e6, 1e6 + 1}, {50, 55}} {
		x, m := c[0], c[1]
		direct := x*math.Log(x/m) + m - x
		if got := deviance(x, m); math.Abs(got-direct) > 1e-9*max(1, math.Abs(direct)) {
			t.Errorf("deviance(%v, %v) = %v, direct %v", x, m, got, direct)
		}
	}
	// Near x = m the direct formula cancels; the series' value for
	// x = m(1 + ε) is about m·ε²/2.
	if got, want := deviance(1e9*(1+1e-6), 1e9), 1e9*1e-12/2; math.Abs(got-want) > 1e-6*want {
		t.Errorf("deviance near m = %v, want about %v", got, want)
	}
	for _, b := range []binomial{{n: 30, p: 0.2}, {n: 1000, p: 0.5}, {n: 17, p: 0.97}} {
		var s float64
		for k := int64(0); k <= b.n; k++ {
			s += math.Exp(b.logPMF(k))
		}
		if math.Abs(s-1) > 1e-13 {
			t.Errorf("%+v: Σ P(X = k) = %v", b, s)
		}
	}
}

// TestRateTestLarge checks large counts: at 10⁷ trials the exact p-values
// agree with the score test's normal approximation (a second method,
// close at such counts), and beyond the work bound they are null.
func TestRateTestLarge(t *testing.T) {
	got, err := Rate{5_003_000, 10_000_000}.Test(0.5)
	if err != nil {
		t.Fatal(err)
	}
	// z = 3000/√(2.5·10⁶) = 1.897367, two-sided 0.05778; the exact
	// binomial tail differs by a continuity term of order 1/σ.
	if !got.Exact.Valid || math.Abs(got.Exact.Float64-got.ScoreP.Float64) > 2e-3 {
		t.Errorf("exact %v vs score %v at 10⁷ trials", got.Exact, got.ScoreP)
	}
	if math.Abs(got.ExactLess.Float64+got.ExactGreater.Float64-1) > 1e-3 {
		t.Errorf("less %v + greater %v, want about 1", got.ExactLess, got.ExactGreater)
	}
	huge, err := Rate{1 << 40, 1 << 41}.Test(0.5)
	if err != nil {
		t.Fatal(err)
	}
	want := RateTest{Rate: Rate{1 << 40, 1 << 41}, P0: 0.5, Z: Some(0), ScoreP: Some(1)}
	if diff := cmp.Diff(want, huge); diff != "" {
		t.Errorf("Test beyond the work bound mismatch (-want +got):\n%s", diff)
	}
}

func TestRateTestErrors(t *testing.T) {
	tests := []struct {
		name string
		r    Rate
		p0   float64
		want error
		text string
	}{
		{"p0 zero", Rate{1, 2}, 0, ErrOutOfRange, "funnel: p0 = 0: value out of range: must be in (0, 1)"},
		{"p0 one", Rate{1, 2}, 1, ErrOutOfRange, "funnel: p0 = 1: value out of range: must be in (0, 1)"},
		{"p0 NaN", Rate{1, 2}, math.NaN(), ErrNotFinite, "funnel: p0 = NaN: not a finite number"},
		{"p0 Inf", Rate{1, 2}, math.Inf(-1), ErrNotFinite, "funnel: p0 = -Inf: not a finite number"},
		{"k > n", Rate{3, 2}, 0.5, ErrKExceedsN, "funnel: k = 3 of 2: successes exceed trials"},
		{"negative", Rate{-1, 2}, 0.5, ErrNegativeCount, "funnel: k = -1: negative count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Test(tt.p0)
			if diff := cmp.Diff(tt.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("%v.Test(%v) error mismatch (-want +got):\n%s", tt.r, tt.p0, diff)
			}
			var ie *InputError
			if !errors.As(err, &ie) || err.Error() != tt.text {
				t.Errorf("%v.Test(%v) error = %q, want %q", tt.r, tt.p0, err, tt.text)
			}
			if got != (RateTest{}) {
				t.Errorf("%v.Test(%v) = %+v with an error", tt.r, tt.p0, got)
			}
		})
	}
}

// FuzzRateTest checks that Rate.Test never panics, gives p-values in
// [0, 1] and no NaN or Inf, and ExactLess + ExactGreater >= 1.
func FuzzRateTest(f *testing.F) {
	f.Add(int64(682), int64(925), 0.75)
	f.Add(int64(0), int64(5), 0.3)
	f.Add(int64(5), int64(10), 0.5)
	f.Add(int64(3), int64(2), 0.5)
	f.Add(int64(1), int64(1<<50), 1e-9)
	f.Add(int64(7), int64(100000), 0.999999)
	f.Fuzz(func(t *testing.T, k, n int64, p0 float64) {
		r := validRate(k, n%2_000_000) // keep the exact sums short
		got, err := r.Test(p0)
		if err != nil {
			if p0 > 0 && p0 < 1 {
				t.Fatalf("%v.Test(%v): %v", r, p0, err)
			}
			return
		}
		for _, v := range []NullFloat64{got.Exact, got.ExactLess, got.ExactGreater, got.ScoreP} {
			if v.Valid && !(v.Float64 >= 0 && v.Float64 <= 1) {
				t.Fatalf("%v.Test(%v) = %+v: p outside [0, 1]", r, p0, got)
			}
		}
		if z := got.Z; z.Valid && (math.IsNaN(z.Float64) || math.IsInf(z.Float64, 0)) {
			t.Fatalf("%v.Test(%v) z = %v", r, p0, z)
		}
		if got.Exact.Valid && got.ExactLess.Float64+got.ExactGreater.Float64 < 1-1e-9 {
			t.Fatalf("%v.Test(%v) = %+v: less + greater < 1", r, p0, got)
		}
	})
}
