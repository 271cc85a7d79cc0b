package funnel

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gonum.org/v1/gonum/stat/distuv"
)

// z95 is the standard normal quantile at 0.975, 1.959963984540054 to the
// precision of published normal tables (1.95996).
const z95 = 1.959963984540054

func TestWilson(t *testing.T) {
	// 0 of n has the closed form [0, z²/(n + z²)]: with p̂ = 0 the center
	// and the half-width are both (z²/2n)/(1 + z²/n).
	zeroOf := func(n float64) float64 { return z95 * z95 / (n + z95*z95) }
	tests := []struct {
		name string
		r    Rate
		conf float64
		want Interval
		tol  float64
	}{
		// The brief's worked case. By hand: p̂ = 0.3, z² = 3.841459,
		// z²/n = 0.192073; center = (0.3 + 0.096036)/1.192073 = 0.332225;
		// half = 1.959964/1.192073 · √(0.0105 + 0.002401) = 0.186748;
		// [0.145477, 0.518973].
		{"6 of 20", Rate{6, 20}, 0.95, Interval{0.145477, 0.518973}, 1e-6},
		// Closed form for 0 of n: 3.841459/13.841459 = 0.277533.
		{"0 of 10", Rate{0, 10}, 0.95, Interval{0, 0.277533}, 1e-6},
		{"0 of 10 closed form", Rate{0, 10}, 0.95, Interval{0, zeroOf(10)}, 1e-12},
		// n of n mirrors 0 of n: [1 − 0.277533, 1].
		{"10 of 10", Rate{10, 10}, 0.95, Interval{1 - zeroOf(10), 1}, 1e-12},
		// Newcombe (1998), "Two-sided confidence intervals for the single
		// proportion", Statistics in Medicine 17, Table II, method 3 (score
		// without continuity correction), to the four decimals printed.
		{"Newcombe 81 of 263", Rate{81, 263}, 0.95, Interval{0.2553, 0.3662}, 5e-5},
		{"Newcombe 15 of 148", Rate{15, 148}, 0.95, Interval{0.0624, 0.1605}, 5e-5},
		{"Newcombe 0 of 20", Rate{0, 20}, 0.95, Interval{0, 0.1611}, 5e-5},
		{"Newcombe 1 of 29", Rate{1, 29}, 0.95, Interval{0.0061, 0.1718}, 5e-5},
		// No trials: nothing is known, [0, 1] by definition.
		{"0 of 0", Rate{0, 0}, 0.95, Interval{0, 1}, 0},
		// At 68.27% z = 1 (the one-sigma level, 2Φ(1) − 1 = 0.682689). For
		// 1 of 2: p̂ = 0.5, z²/n = 0.5, center = (0.5 + 0.25)/1.5 = 0.5,
		// half = (1/1.5)·√(0.25/2 + 1/(4·2²)) = (2/3)·√(3/16) = √3/6.
		{"1 of 2 at one sigma", Rate{1, 2}, 0.6826894921370859, Interval{0.5 - math.Sqrt(3)/6, 0.5 + math.Sqrt(3)/6}, 1e-9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Wilson(tt.conf)
			if err != nil {
				t.Fatalf("Wilson(%v) error: %v", tt.conf, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, tt.tol)); diff != "" {
				t.Errorf("%v.Wilson(%v) mismatch (-want +got):\n%s", tt.r, tt.conf, diff)
			}
		})
	}
}

// TestWilsonScoreEquation checks the ends by a second method: the Wilson
// interval is the set of p with (p̂ − p)² <= z²·p(1 − p)/n, so an end
// strictly inside (0, 1) solves it with equality.
func TestWilsonScoreEquation(t *testing.T) {
	for _, r := range []Rate{{1, 3}, {6, 20}, {45, 60}, {3, 3}, {0, 7}, {999, 1000}, {12345, 67890}} {
		iv, err := r.Wilson(0.95)
		if err != nil {
			t.Fatalf("%v.Wilson: %v", r, err)
		}
		p, n := r.Value(), float64(r.N)
		for _, end := range []float64{iv.Lo, iv.Hi} {
			if end == 0 || end == 1 {
				continue
			}
			lhs, rhs := (p-end)*(p-end), z95*z95*end*(1-end)/n
			if math.Abs(lhs-rhs) > 1e-12 {
				t.Errorf("%v: end %v: (p̂−p)² = %v, z²p(1−p)/n = %v", r, end, lhs, rhs)
			}
		}
	}
}

func TestJeffreys(t *testing.T) {
	tests := []struct {
		name string
		r    Rate
		want Interval
		tol  float64
	}{
		// The brief's worked case: quantiles 0.025 and 0.975 of
		// Beta(6.5, 14.5); mpmath gives 0.1361162 and 0.5172282.
		{"6 of 20", Rate{6, 20}, Interval{0.136116, 0.517228}, 1e-6},
		// Beta(k+½, n−k+½) mirrored is Beta(n−k+½, k+½), so 14 of 20 is
		// [1 − 0.517228, 1 − 0.136116].
		{"14 of 20 by symmetry", Rate{14, 20}, Interval{1 - 0.517228, 1 - 0.136116}, 1e-6},
		// Convention at the ends: Lo = 0 when k = 0, Hi = 1 when k = n.
		// The other end checked with mpmath (betainc, bisection at 30
		// digits): the 0.975 quantile of Beta(0.5, 10.5) is 0.2171963 and
		// the 0.025 quantile of Beta(3.5, 0.5) is 0.4644168.
		{"0 of 10", Rate{0, 10}, Interval{0, 0.2171963}, 1e-7},
		{"3 of 3", Rate{3, 3}, Interval{0.4644168, 1}, 1e-7},
		{"0 of 0", Rate{0, 0}, Interval{0, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.Jeffreys(0.95)
			if err != nil {
				t.Fatalf("Jeffreys error: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, tt.tol)); diff != "" {
				t.Errorf("%v.Jeffreys(0.95) mismatch (-want +got):\n%s", tt.r, diff)
			}
		})
	}
}

// TestJeffreysFarTails checks ends in far tails of skewed posteriors,
// where gonum's inverse incomplete beta alone returns 0.036 for an upper
// end near 0.0002 and Jeffreys refines it by bisection. Expected values
// from mpmath (betainc, bisection at 40 digits): the 1 − 5e-6 quantile of
// Beta(5.5, 99995.5) is 0.000224609185277 and the 1 − 5e-7 quantile of
// Beta(10.5, 99990.5) is 0.00034516835237.
func TestJeffreysFarTails(t *testing.T) {
	tests := []struct {
		name string
		r    Rate
		conf float64
		end  func(Interval) float64
		want float64
	}{
		{"5 of 100000", Rate{5, 100000}, 0.99999, func(iv Interval) float64 { return iv.Hi }, 0.000224609185277},
		{"10 of 100000", Rate{10, 100000}, 0.999999, func(iv Interval) float64 { return iv.Hi }, 0.00034516835237},
		// Mirrored: the lower end of 99995 of 100000 is 1 − the first.
		{"99995 of 100000", Rate{99995, 100000}, 0.99999, func(iv Interval) float64 { return 1 - iv.Lo }, 0.000224609185277},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv, err := tt.r.Jeffreys(tt.conf)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.end(iv); math.Abs(got-tt.want) > 1e-9*tt.want {
				t.Errorf("%v.Jeffreys(%v) = %v: end %v, want %v", tt.r, tt.conf, iv, got, tt.want)
			}
		})
	}
	// Above about 10^12 trials the beta functions themselves fail; Jeffreys
	// says so rather than return a wrong interval.
	for _, r := range []Rate{{1, 1 << 62}, {1 << 61, 1 << 62}} {
		if _, err := r.Jeffreys(0.95); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("%v.Jeffreys error = %v, want ErrOutOfRange", r, err)
		}
		if _, err := r.Wilson(0.95); err != nil {
			t.Errorf("%v.Wilson error = %v, want none", r, err)
		}
	}
}

// TestJeffreysTails checks the ends by a second method: the posterior CDF
// (the regularized incomplete beta function, not its inverse) at Lo is
// α/2 and at Hi is 1 − α/2, except at the conventional ends.
func TestJeffreysTails(t *testing.T) {
	for _, conf := range []float64{0.8, 0.9, 0.95, 0.99, 0.999999} {
		for _, r := range []Rate{{0, 10}, {10, 10}, {1, 29}, {6, 20}, {45, 60}, {3, 3}, {500, 1000}, {10, 1000000}, {999990, 1000000}} {
			iv, err := r.Jeffreys(conf)
			if err != nil {
				t.Fatalf("%v.Jeffreys(%v): %v", r, conf, err)
			}
			post := distuv.Beta{Alpha: float64(r.K) + 0.5, Beta: float64(r.N-r.K) + 0.5}
			alpha := 1 - conf
			if r.K == 0 {
				if iv.Lo != 0 {
					t.Errorf("%v at %v: Lo = %v, want 0 by convention", r, conf, iv.Lo)
				}
			} else if got := post.CDF(iv.Lo); math.Abs(got-alpha/2) > 1e-9 {
				t.Errorf("%v at %v: CDF(Lo) = %v, want %v", r, conf, got, alpha/2)
			}
			if r.K == r.N {
				if iv.Hi != 1 {
					t.Errorf("%v at %v: Hi = %v, want 1 by convention", r, conf, iv.Hi)
				}
			} else if got := post.CDF(iv.Hi); math.Abs(got-(1-alpha/2)) > 1e-9 {
				t.Errorf("%v at %v: CDF(Hi) = %v, want %v", r, conf, got, 1-alpha/2)
			}
			if !iv.Contains(r.Value()) {
				t.Errorf("%v at %v: %v does not contain %v", r, conf, iv, r.Value())
			}
		}
	}
}

// TestIntervalNarrowsWithConfidence checks that a lower confidence level
// gives an interval inside the higher one's, for both methods.
func TestIntervalNarrowsWithConfidence(t *testing.T) {
	r := Rate{6, 20}
	for name, method := range map[string]func(Rate, float64) (Interval, error){
		"Wilson": Rate.Wilson, "Jeffreys": Rate.Jeffreys,
	} {
		wide, err1 := method(r, 0.99)
		narrow, err2 := method(r, 0.80)
		if err := errors.Join(err1, err2); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !(wide.Lo < narrow.Lo && narrow.Hi < wide.Hi) {
			t.Errorf("%s: 80%% interval %v not strictly inside 99%% interval %v", name, narrow, wide)
		}
	}
}

func TestIntervalErrors(t *testing.T) {
	tests := []struct {
		name string
		r    Rate
		conf float64
		want error
	}{
		{"confidence 0", Rate{6, 20}, 0, ErrOutOfRange},
		{"confidence 1", Rate{6, 20}, 1, ErrOutOfRange},
		{"confidence 95 as percent", Rate{6, 20}, 95, ErrOutOfRange},
		{"confidence negative", Rate{6, 20}, -0.5, ErrOutOfRange},
		{"confidence NaN", Rate{6, 20}, math.NaN(), ErrNotFinite},
		{"confidence +Inf", Rate{6, 20}, math.Inf(1), ErrNotFinite},
		{"k > n", Rate{21, 20}, 0.95, ErrKExceedsN},
		{"negative k", Rate{-1, 20}, 0.95, ErrNegativeCount},
		{"negative n", Rate{0, -1}, 0.95, ErrNegativeCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, method := range map[string]func(Rate, float64) (Interval, error){
				"Wilson": Rate.Wilson, "Jeffreys": Rate.Jeffreys,
			} {
				got, err := method(tt.r, tt.conf)
				if !errors.Is(err, tt.want) {
					t.Errorf("%s(%v, %v) error = %v, want %v", name, tt.r, tt.conf, err, tt.want)
				}
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Errorf("%s(%v, %v) error %T is not a *InputError", name, tt.r, tt.conf, err)
				}
				if got != (Interval{}) {
					t.Errorf("%s(%v, %v) = %v with an error, want the zero Interval", name, tt.r, tt.conf, got)
				}
			}
		})
	}
}

func TestIntervalHelpers(t *testing.T) {
	iv := Interval{Lo: 0.25, Hi: 0.75}
	if got := iv.Width(); got != 0.5 {
		t.Errorf("Width() = %v, want 0.5 (0.75 − 0.25)", got)
	}
	for _, tt := range []struct {
		x    float64
		want bool
	}{{0.25, true}, {0.5, true}, {0.75, true}, {0.2, false}, {0.8, false}, {math.NaN(), false}} {
		if got := iv.Contains(tt.x); got != tt.want {
			t.Errorf("Contains(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
	if got, want := iv.String(), "[0.250, 0.750]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// FuzzRate checks that Wilson and Jeffreys never panic on any counts or
// confidence, and that a returned interval holds 0 <= Lo <= K/N <= Hi <= 1.
func FuzzRate(f *testing.F) {
	f.Add(int64(6), int64(20), 0.95)
	f.Add(int64(0), int64(10), 0.95)
	f.Add(int64(10), int64(10), 0.99)
	f.Add(int64(0), int64(0), 0.5)
	f.Add(int64(21), int64(20), 0.95)
	f.Add(int64(1), int64(1<<62), 0.999999)
	f.Add(int64(1<<62), int64(1<<62), 1e-300)
	f.Add(int64(3), int64(7), math.NaN())
	f.Fuzz(func(t *testing.T, k, n int64, conf float64) {
		// As given, and folded into valid counts (see validRate) so that
		// most runs compute an interval.
		for _, r := range []Rate{{K: k, N: n}, validRate(k, n)} {
			for name, method := range map[string]func(Rate, float64) (Interval, error){
				"Wilson": Rate.Wilson, "Jeffreys": Rate.Jeffreys,
			} {
				iv, err := method(r, conf)
				if err != nil {
					continue
				}
				p := r.Value()
				if !(0 <= iv.Lo && iv.Lo <= p && p <= iv.Hi && iv.Hi <= 1) {
					t.Errorf("%s(%v, %v) = %v, want 0 <= Lo <= %v <= Hi <= 1", name, r, conf, iv, p)
				}
			}
		}
	})
}

func TestAgrestiCoull(t *testing.T) {
	tests := []struct {
		name string
		r    Rate
		conf float64
		want Interval
		tol  float64
	}{
		// By hand at 95%: ñ = 20 + 3.841459 = 23.841459, p̃ = (6 +
		// 1.920729)/23.841459 = 0.332225, half = 1.959964·√(p̃(1 − p̃)/ñ) =
		// 0.189066: [0.143159, 0.521291] (mpmath: 0.143159255579,
		// 0.521290807642).
		{"6 of 20", Rate{6, 20}, 0.95, Interval{0.143159255579, 0.521290807642}, 1e-11},
		// 0 of 10: p̃ = 1.920729/13.841459 = 0.138767, the lower end
		// below 0 is clamped: [0, 0.320887].
		{"0 of 10", Rate{0, 10}, 0.95, Interval{0, 0.320887305751}, 1e-11},
		{"3 of 3", Rate{3, 3}, 0.95, Interval{0.382528431209, 1}, 1e-11},
		{"45 of 60", Rate{45, 60}, 0.95, Interval{0.626692604127, 0.843221469802}, 1e-11},
		{"0 of 0", Rate{0, 0}, 0.95, Interval{0, 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.r.AgrestiCoull(tt.conf)
			if err != nil {
				t.Fatalf("AgrestiCoull error: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, tt.tol)); diff != "" {
				t.Errorf("%v.AgrestiCoull(%v) mismatch (-want +got):\n%s", tt.r, tt.conf, diff)
			}
		})
	}
}

// TestAgrestiCoullAddTwo checks the interval by a second method, Agresti
// and Coull's own reading of it: at the level where z = 2 exactly
// (2Φ(2) − 1), it is the Wald interval of K + 2 successes in N + 4 trials.
// It also checks that it contains the Wilson interval (Brown, Cai and
// DasGupta 2001, section 4.1.2).
func TestAgrestiCoullAddTwo(t *testing.T) {
	conf := 1 - math.Erfc(2/math.Sqrt2) // 2Φ(2) − 1 = 0.954500
	for _, r := range []Rate{{1, 29}, {6, 20}, {45, 60}, {500, 1000}, {81, 263}} {
		got, err := r.AgrestiCoull(conf)
		if err != nil {
			t.Fatal(err)
		}
		p := (float64(r.K) + 2) / (float64(r.N) + 4)
		half := 2 * math.Sqrt(p*(1-p)/(float64(r.N)+4))
		want := Interval{Lo: max(p-half, 0), Hi: min(p+half, 1)}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("%v.AgrestiCoull(z = 2) mismatch (-want +got):\n%s", r, diff)
		}
		w, _ := r.Wilson(conf)
		if got.Lo > w.Lo+1e-15 || got.Hi < w.Hi-1e-15 {
			t.Errorf("%v: Agresti–Coull %v does not contain Wilson %v", r, got, w)
		}
	}
}

func TestBounds(t *testing.T) {
	tests := []struct {
		name   string
		r      Rate
		m      IntervalMethod
		lo, hi float64
	}{
		// One-sided 95%: z = Φ⁻¹(0.95) = 1.644854. Wilson by hand for
		// 3 of 3: center = (1 + z²/6)/(1 + z²/3) = 0.762905, half =
		// z/(1 + z²/3)·√(z²/36) = 0.237101: lower 0.525804 (mpmath
		// 0.525804425842). 45 of 60 keeps its lead: 0.648624.
		{"Wilson 3 of 3", Rate{3, 3}, Wilson, 0.525804425842, 1},
		{"Wilson 45 of 60", Rate{45, 60}, Wilson, 0.648624241269, 0.829802359435},
		{"Wilson 6 of 20", Rate{6, 20}, Wilson, 0.163859415352, 0.483803719592},
		// Jeffreys: the 0.05 and 0.95 quantiles of Beta(K + ½, N − K + ½)
		// (mpmath, bisection of betainc), 1 above at K = N.
		{"Jeffreys 3 of 3", Rate{3, 3}, Jeffreys, 0.555932890539, 1},
		{"Jeffreys 45 of 60", Rate{45, 60}, Jeffreys, 0.650467500568, 0.832099887074},
		{"Jeffreys 6 of 20", Rate{6, 20}, Jeffreys, 0.158167636911, 0.481968227654},
		{"Agresti–Coull 3 of 3", Rate{3, 3}, AgrestiCoull, 0.47003083149, 1},
		{"Agresti–Coull 45 of 60", Rate{45, 60}, AgrestiCoull, 0.648011818674, 0.830414782029},
		{"Agresti–Coull 0 of 10", Rate{0, 10}, AgrestiCoull, 0, 0.24880234523},
		{"no trials", Rate{0, 0}, Jeffreys, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lo, err := tt.r.LowerBound(0.95, tt.m)
			if err != nil {
				t.Fatal(err)
			}
			hi, err := tt.r.UpperBound(0.95, tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([2]float64{tt.lo, tt.hi}, [2]float64{lo, hi}, cmpopts.EquateApprox(0, 1e-10)); diff != "" {
				t.Errorf("%v bounds by %v mismatch (-want +got):\n%s", tt.r, tt.m, diff)
			}
		})
	}
}

// TestIntervalMethods checks that Rate.Interval dispatches to each
// method, and that a one-sided bound at c is the end of the two-sided
// interval at 2c − 1 (a second route through the same quantiles).
func TestIntervalMethods(t *testing.T) {
	r := Rate{6, 20}
	for _, m := range []IntervalMethod{Wilson, Jeffreys, AgrestiCoull} {
		got, err := r.Interval(0.9, m)
		if err != nil {
			t.Fatal(err)
		}
		var want Interval
		switch m {
		case Wilson:
			want, _ = r.Wilson(0.9)
		case Jeffreys:
			want, _ = r.Jeffreys(0.9)
		case AgrestiCoull:
			want, _ = r.AgrestiCoull(0.9)
		}
		if got != want {
			t.Errorf("Interval(0.9, %v) = %v, want %v", m, got, want)
		}
		lo, _ := r.LowerBound(0.95, m)
		hi, _ := r.UpperBound(0.95, m)
		if math.Abs(lo-got.Lo) > 1e-12 || math.Abs(hi-got.Hi) > 1e-12 {
			t.Errorf("%v: one-sided 95%% bounds [%v, %v], two-sided 90%% %v", m, lo, hi, got)
		}
	}
}

func TestIntervalMethodText(t *testing.T) {
	for i, name := range []string{"wilson", "jeffreys", "agresti-coull"} {
		m := IntervalMethod(i)
		b, err := m.MarshalText()
		if err != nil || string(b) != name || m.String() != name {
			t.Errorf("IntervalMethod(%d) text = %q, %v; want %q", i, b, err, name)
		}
		var back IntervalMethod
		if err := back.UnmarshalText(b); err != nil || back != m {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if _, err := IntervalMethod(3).MarshalText(); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("IntervalMethod(3).MarshalText() error = %v", err)
	}
	if got := IntervalMethod(-1).String(); got != "IntervalMethod(-1)" {
		t.Errorf("String() = %q", got)
	}
	var m IntervalMethod
	if err := m.UnmarshalText([]byte("wald")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf(`UnmarshalText("wald") error = %v`, err)
	}
}

func TestBoundsErrors(t *testing.T) {
	tests := []struct {
		name string
		call func() error
		want error
		text string
	}{
		{"one-sided level 0.5", func() error { _, err := (Rate{1, 2}).LowerBound(0.5, Wilson); return err }, ErrOutOfRange,
			"funnel: confidence = 0.5: value out of range: a one-sided level must be in (0.5, 1)"},
		{"one-sided level 1", func() error { _, err := (Rate{1, 2}).UpperBound(1, Jeffreys); return err }, ErrOutOfRange,
			"funnel: confidence = 1: value out of range: a one-sided level must be in (0.5, 1)"},
		{"one-sided NaN", func() error { _, err := (Rate{1, 2}).LowerBound(math.NaN(), Wilson); return err }, ErrNotFinite,
			"funnel: confidence = NaN: not a finite number"},
		{"unknown method", func() error { _, err := (Rate{1, 2}).LowerBound(0.95, IntervalMethod(7)); return err }, ErrOutOfRange,
			"funnel: method = 7: value out of range"},
		{"unknown method two-sided", func() error { _, err := (Rate{1, 2}).Interval(0.95, IntervalMethod(-2)); return err }, ErrOutOfRange,
			"funnel: method = -2: value out of range"},
		{"bad counts", func() error { _, err := (Rate{3, 2}).UpperBound(0.95, AgrestiCoull); return err }, ErrKExceedsN,
			"funnel: k = 3 of 2: successes exceed trials"},
		{"Agresti–Coull bad confidence", func() error { _, err := (Rate{1, 2}).AgrestiCoull(0); return err }, ErrOutOfRange,
			"funnel: confidence = 0: value out of range: must be in (0, 1)"},
		{"Agresti–Coull bad counts", func() error { _, err := (Rate{-1, 2}).AgrestiCoull(0.9); return err }, ErrNegativeCount,
			"funnel: k = -1: negative count"},
		{"Interval bad confidence", func() error { _, err := (Rate{1, 2}).Interval(1.5, Wilson); return err }, ErrOutOfRange,
			"funnel: confidence = 1.5: value out of range: must be in (0, 1)"},
		{"Jeffreys bound beyond 10¹²", func() error { _, err := (Rate{1, 1 << 62}).LowerBound(0.95, Jeffreys); return err }, ErrOutOfRange,
			"funnel: rate = 1 of 4611686018427387904: value out of range: Jeffreys interval at confidence 0.95: counts too large for an accurate beta quantile; use Wilson"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if diff := cmp.Diff(tt.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Fatalf("error mismatch (-want +got):\n%s", diff)
			}
			var ie *InputError
			if !errors.As(err, &ie) || err.Error() != tt.text {
				t.Errorf("error = %q, want %q", err, tt.text)
			}
		})
	}
}

// FuzzBounds checks that the intervals and bounds never panic, give no
// NaN, stay in [0, 1], contain the rate, and nest: the lower bound is at
// most the upper one, Agresti–Coull contains Wilson.
func FuzzBounds(f *testing.F) {
	f.Add(int64(3), int64(3), 0.95, int8(0))
	f.Add(int64(0), int64(10), 0.9, int8(1))
	f.Add(int64(45), int64(60), 0.999, int8(2))
	f.Add(int64(1), int64(1<<62), 0.6, int8(1))
	f.Add(int64(5), int64(4), 0.95, int8(3))
	f.Fuzz(func(t *testing.T, k, n int64, conf float64, m int8) {
		r := validRate(k, n)
		method := IntervalMethod(m)
		lo, errLo := r.LowerBound(conf, method)
		hi, errHi := r.UpperBound(conf, method)
		if (errLo == nil) != (errHi == nil) {
			t.Fatalf("%v bounds: errors %v and %v", r, errLo, errHi)
		}
		if errLo != nil {
			return
		}
		p := r.Value()
		if !(lo >= 0 && lo <= p && p <= hi && hi <= 1) {
			t.Fatalf("%v.Bounds(%v, %v) = [%v, %v] around %v", r, conf, method, lo, hi, p)
		}
		ac, err := r.AgrestiCoull(conf)
		if err != nil {
			t.Fatalf("%v.AgrestiCoull(%v): %v", r, conf, err)
		}
		w, _ := r.Wilson(conf)
		if !(ac.Lo <= w.Lo+1e-9 && ac.Hi >= w.Hi-1e-9) {
			t.Fatalf("%v: Agresti–Coull %v does not contain Wilson %v", r, ac, w)
		}
	})
}

// TestZForTable checks the quantiles zFor keeps for common levels against
// gonum's (the second method), and that other levels still compute it.
func TestZForTable(t *testing.T) {
	for _, c := range []float64{0.95, 0.9, 0.99, 0.8} {
		got, err := zFor(c)
		if want := distuv.UnitNormal.Quantile(1 - (1-c)/2); err != nil || got != want {
			t.Errorf("zFor(%v) = %v, %v; want %v", c, got, err, want)
		}
	}
}
