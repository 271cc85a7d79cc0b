package funnel

import (
	"fmt"
	"math"
	"sort"
)

// maxBinomialSD bounds the work of the exact binomial p-values of
// [Rate.Test]: they sum about 9 standard deviations of terms, and are null
// when the standard deviation √(N·p0(1 − p0)) passes it.
const maxBinomialSD = 1e5

// RateTest is the result of [Rate.Test]: a one-sample test of a rate
// against a stated probability P0, such as a rep's win rate against the
// team's. Every p-value is in [0, 1]. A rate with no trials cannot be
// tested: every figure is then null (JSON null).
type RateTest struct {
	Rate Rate    `json:"rate"`
	P0   float64 `json:"p0"`
	// Exact is the two-sided exact binomial p-value; ExactLess and
	// ExactGreater the one-sided ones, P(X <= K) and P(X >= K) for X
	// binomial(N, P0). Null for no trials and beyond the work bound (a
	// standard deviation √(N·P0(1 − P0)) above 10⁵, some 4·10¹⁰ trials
	// at P0 = ½), where the score test is as good.
	Exact        NullFloat64 `json:"exact_p"`
	ExactLess    NullFloat64 `json:"exact_p_less"`
	ExactGreater NullFloat64 `json:"exact_p_greater"`
	// Z is the score statistic (p̂ − P0)/√(P0(1 − P0)/N) and ScoreP its
	// two-sided p-value 2Φ(−|Z|).
	Z      NullFloat64 `json:"z"`
	ScoreP NullFloat64 `json:"score_p"`
}

// Test tests the rate's K successes of N trials against the probability
// p0, with X binomial(N, p0) and p̂ = K/N:
//
//	ExactLess    = P(X <= K)
//	ExactGreater = P(X >= K)
//	Exact        = Σ P(X = i) over i with P(X = i) <= P(X = K)·(1 + 10⁻⁷)   (1 when K = N·p0)
//	Z            = (p̂ − p0) / √(p0(1 − p0)/N)
//	ScoreP       = 2Φ(−|Z|)
//
// Exact is the two-sided rule of R's binom.test (a table no more likely
// than the one observed, with its relative tolerance), and Z² and ScoreP
// are the statistic and p-value of R's prop.test(K, N, p0, correct =
// FALSE), the score test whose inversion is the Wilson interval. The
// binomial probabilities are evaluated with Loader's saddle-point
// expansion (as R's dbinom does), accurate to a few units in the last
// place at any N. A rate with no trials gives every figure null.
//
// It returns a *[InputError] naming "p0" that wraps [ErrNotFinite] when p0
// is NaN or infinite and [ErrOutOfRange] when it is not in (0, 1), and the
// errors of [NewRate] for invalid counts.
func (r Rate) Test(p0 float64) (RateTest, error) {
	switch {
	case math.IsNaN(p0) || math.IsInf(p0, 0):
		return RateTest{}, inputErr("p0", p0, ErrNotFinite)
	case p0 <= 0 || p0 >= 1:
		return RateTest{}, inputErr("p0", p0, fmt.Errorf("%w: must be in (0, 1)", ErrOutOfRange))
	}
	if err := r.valid(); err != nil {
		return RateTest{}, err
	}
	t := RateTest{Rate: r, P0: p0}
	if r.N == 0 {
		return t, nil
	}
	n := float64(r.N)
	z := (r.Value() - p0) / math.Sqrt(p0*(1-p0)/n)
	t.Z = Some(z)
	t.ScoreP = Some(math.Erfc(math.Abs(z) / math.Sqrt2))
	if math.Sqrt(n*p0*(1-p0)) > maxBinomialSD {
		return t, nil
	}
	b := binomial{n: r.N, p: p0}
	less, greater := b.below(r.K), b.above(r.K)
	t.ExactLess, t.ExactGreater = Some(less), Some(greater)
	t.Exact = Some(b.twoSided(r.K, less, greater))
	return t, nil
}

// binomial is the binomial distribution of n trials with probability p in
// (0, 1).
type binomial struct {
	n int64
	p float64
}

// logPMF returns log P(X = k) for 0 <= k <= n by Loader's saddle-point
// expansion (Loader 2000, "Fast and accurate computation of binomial
// probabilities"):
//
//	log P = δ(n) − δ(k) − δ(n − k) − D(k, np) − D(n − k, nq) − ½ log(2πk(n − k)/n)
//
// with δ the Stirling series remainder ([stirlingErr]) and D the deviance
// term ([deviance]); the ends k = 0 and k = n are n·log q and n·log p.
func (b binomial) logPMF(k int64) float64 {
	n, q := float64(b.n), 1-b.p
	switch k {
	case 0:
		return n * math.Log1p(-b.p)
	case b.n:
		return n * math.Log(b.p)
	}
	x := float64(k)
	lc := stirlingErr(n) - stirlingErr(x) - stirlingErr(n-x) - deviance(x, n*b.p) - deviance(n-x, n*q)
	return lc - 0.5*(math.Log(2*math.Pi*x)+math.Log1p(-x/n))
}

// stirlingErr returns δ(x) = log Γ(x + 1) − (x + ½)·log x + x − ½·log 2π,
// the error of Stirling's formula, for x >= 1: directly for x <= 15 and by
// its asymptotic series 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) +
// 1/(1188x⁹) above, where that is exact to double precision.
func stirlingErr(x float64) float64 {
	if x <= 15 {
		lg, _ := math.Lgamma(x + 1)
		return lg - (x+0.5)*math.Log(x) + x - 0.5*math.Log(2*math.Pi)
	}
	x2 := 1 / (x * x)
	return (1.0/12 - x2*(1.0/360-x2*(1.0/1260-x2*(1.0/1680-x2/1188)))) / x
}

// deviance returns D(x, m) = x·log(x/m) + m − x for x >= 0, m > 0, by a
// series in v = (x − m)/(x + m) when x is near m, where the direct formula
// cancels:
//
//	D = (x − m)·v + 2x·Σ_{j>=1} v^(2j+1)/(2j + 1)
func deviance(x, m float64) float64 {
	if math.Abs(x-m) >= 0.1*(x+m) {
		return x*math.Log(x/m) + m - x
	}
	v := (x - m) / (x + m)
	s := (x - m) * v
	ej := 2 * x * v
	v2 := v * v
	for j := 3.0; ; j += 2 {
		ej *= v2
		s1 := s + ej/j
		if s1 == s {
			return s
		}
		s = s1
	}
}

// ratio returns P(X = k + 1)/P(X = k) for 0 <= k < n.
func (b binomial) ratio(k int64) float64 {
	return float64(b.n-k) / float64(k+1) * b.p / (1 - b.p)
}

// mode returns ⌊(n + 1)p⌋ capped at n, the most likely count.
func (b binomial) mode() int64 {
	return min(int64((float64(b.n)+1)*b.p), b.n)
}

// below returns P(X <= k).
func (b binomial) below(k int64) float64 {
	switch {
	case k < 0:
		return 0
	case k >= b.n:
		return 1
	case k >= b.mode():
		// The lower tail holds the mode: sum the upper tail instead.
		return max(1-b.tailUp(k+1), 0)
	}
	return b.tailDown(k)
}

// above returns P(X >= k).
func (b binomial) above(k int64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > b.n:
		return 0
	case k <= b.mode():
		return max(1-b.tailDown(k-1), 0)
	}
	return b.tailUp(k)
}

// tailDown returns P(X <= k) for 0 <= k below the mode, where the terms
// fall from k down: it sums them until the rest are below 10⁻¹⁷ of the
// sum.
func (b binomial) tailDown(k int64) float64 {
	t := math.Exp(b.logPMF(k))
	sum := t
	for i := k; i > 0 && t > 1e-17*sum; i-- {
		t /= b.ratio(i - 1)
		sum += t
	}
	return min(sum, 1)
}

// tailUp returns P(X >= k) for k above the mode, k <= n.
func (b binomial) tailUp(k int64) float64 {
	t := math.Exp(b.logPMF(k))
	sum := t
	for i := k; i < b.n && t > 1e-17*sum; i++ {
		t *= b.ratio(i)
		sum += t
	}
	return min(sum, 1)
}

// twoSided returns R's binom.test two-sided p-value for k, given
// P(X <= k) and P(X >= k). The terms beyond the mean on the other side of
// k fall monotonically away from it, so those no more likely than k form a
// tail, found by bisection on the log probabilities.
func (b binomial) twoSided(k int64, less, greater float64) float64 {
	m := float64(b.n) * b.p
	x := float64(k)
	if x == m {
		return 1
	}
	cut := b.logPMF(k) + math.Log1p(1e-7)
	if x < m {
		// The first i >= ⌈m⌉ with P(X = i) <= cut; n + 1 when none.
		lo := int64(math.Ceil(m))
		u := lo + int64(sort.Search(int(b.n-lo+1), func(j int) bool { return b.logPMF(lo+int64(j)) <= cut }))
		return min(less+b.above(u), 1)
	}
	// The last i <= ⌊m⌋ with P(X = i) <= cut; −1 when none.
	hi := int64(math.Floor(m))
	l := hi - int64(sort.Search(int(hi+1), func(j int) bool { return b.logPMF(hi-int64(j)) <= cut }))
	return min(b.below(l)+greater, 1)
}
