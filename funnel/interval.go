package funnel

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a range of rates [Lo, Hi], such as a confidence interval
// for a [Rate]. Both ends are in [0, 1] and Lo <= Hi.
type Interval struct {
	Lo float64 `json:"lo"` // lower end, in [0, 1]
	Hi float64 `json:"hi"` // upper end, in [Lo, 1]
}

// Contains reports whether Lo <= x <= Hi.
func (iv Interval) Contains(x float64) bool { return iv.Lo <= x && x <= iv.Hi }

// Width returns Hi − Lo.
func (iv Interval) Width() float64 { return iv.Hi - iv.Lo }

// String formats the interval as "[Lo, Hi]" with three decimals.
func (iv Interval) String() string { return fmt.Sprintf("[%.3f, %.3f]", iv.Lo, iv.Hi) }

// Wilson returns the Wilson score interval for the rate at the given
// confidence level, such as 0.95. With p̂ = K/N and z the standard normal
// quantile at 1 − (1 − confidence)/2,
//
//	center = (p̂ + z²/(2N)) / (1 + z²/N)
//	half   = z/(1 + z²/N) · √(p̂(1 − p̂)/N + z²/(4N²))
//	[Lo, Hi] = [center − half, center + half]
//
// Unlike the normal (Wald) interval it stays inside [0, 1] and does not
// collapse to a point at 0 of N or N of N: 0 of 10 at 95% is
// [0, 0.2775]. Both ends are clamped to [0, 1] and the interval always
// contains [Rate.Value]. A rate with no trials (N = 0) gives [0, 1].
//
// It returns a *[InputError] wrapping [ErrOutOfRange] when confidence is
// not in (0, 1), [ErrNotFinite] when it is NaN or infinite, and the errors
// of [NewRate] for invalid counts.
func (r Rate) Wilson(confidence float64) (Interval, error) {
	z, err := zFor(confidence)
	if err != nil {
		return Interval{}, err
	}
	if err := r.valid(); err != nil {
		return Interval{}, err
	}
	return r.wilson(z), nil
}

// wilson returns the Wilson interval with normal quantile z of a rate
// whose counts were checked.
func (r Rate) wilson(z float64) Interval {
	if r.N == 0 {
		return Interval{Lo: 0, Hi: 1}
	}
	n := float64(r.N)
	p := r.Value()
	z2n := z * z / n
	center := (p + z2n/2) / (1 + z2n)
	half := z / (1 + z2n) * math.Sqrt(p*(1-p)/n+z2n/(4*n))
	return clampAround(center-half, center+half, p)
}

// Jeffreys returns the Jeffreys interval for the rate at the given
// confidence level, such as 0.95: the equal-tailed interval of the
// posterior Beta(K + ½, N − K + ½) that the Jeffreys prior Beta(½, ½)
// gives after K successes of N trials. With α = 1 − confidence,
//
//	Lo = BetaQuantile(α/2;     K + ½, N − K + ½), or 0 when K = 0
//	Hi = BetaQuantile(1 − α/2; K + ½, N − K + ½), or 1 when K = N
//
// The ends at K = 0 and K = N follow the usual convention (Brown, Cai and
// DasGupta, 2001), so the interval always contains [Rate.Value]. A rate
// with no trials (N = 0) gives [0, 1].
//
// The quantiles are gonum's ([distuv.Beta.Quantile]), checked against the
// beta CDF and refined by bisection where they miss, which they do in far
// tails of skewed posteriors.
//
// It returns a *[InputError] wrapping [ErrOutOfRange] when confidence is
// not in (0, 1) or, above about 10^12 trials, when the beta functions
// cannot be evaluated accurately enough (use [Rate.Wilson] there);
// [ErrNotFinite] when confidence is NaN or infinite; and the errors of
// [NewRate] for invalid counts.
func (r Rate) Jeffreys(confidence float64) (Interval, error) {
	if _, err := zFor(confidence); err != nil {
		return Interval{}, err
	}
	if err := r.valid(); err != nil {
		return Interval{}, err
	}
	return r.jeffreys((1-confidence)/2, confidence)
}

// jeffreys returns the Jeffreys interval of a rate whose counts were
// checked, leaving mass tail on each side; confidence names the level in
// the error.
func (r Rate) jeffreys(tail, confidence float64) (Interval, error) {
	if r.N == 0 {
		return Interval{Lo: 0, Hi: 1}, nil
	}
	lo, hi, ok := jeffreysEnds(float64(r.K)+0.5, float64(r.N-r.K)+0.5, tail, r.K > 0, r.K < r.N)
	if !ok {
		return Interval{}, &InputError{Name: "rate", Value: fmt.Sprintf("%d of %d", r.K, r.N),
			Err: fmt.Errorf("%w: Jeffreys interval at confidence %g: counts too large for an accurate beta quantile; use Wilson", ErrOutOfRange, confidence)}
	}
	return clampAround(lo, hi, r.Value()), nil
}

// AgrestiCoull returns the Agresti–Coull interval for the rate at the
// given confidence level, such as 0.95: the normal (Wald) interval of the
// rate with z²/2 successes and z²/2 failures added, z the standard normal
// quantile at 1 − (1 − confidence)/2 (Agresti and Coull 1998, "Approximate
// is better than 'exact' for interval estimation of binomial
// proportions", The American Statistician 52):
//
//	ñ = N + z²,  p̃ = (K + z²/2)/ñ
//	[Lo, Hi] = p̃ ∓ z·√(p̃(1 − p̃)/ñ)
//
// At 95% (z ≈ 2) it is the "add two successes and two failures" rule. It
// is centred where the Wilson interval is and contains it, so it is a
// little wider and more conservative; Brown, Cai and DasGupta (2001)
// recommend it for N >= 40. Both ends are clamped to [0, 1] and the
// interval always contains [Rate.Value]. A rate with no trials (N = 0)
// gives [0, 1].
//
// It returns a *[InputError] wrapping [ErrOutOfRange] when confidence is
// not in (0, 1), [ErrNotFinite] when it is NaN or infinite, and the errors
// of [NewRate] for invalid counts.
func (r Rate) AgrestiCoull(confidence float64) (Interval, error) {
	z, err := zFor(confidence)
	if err != nil {
		return Interval{}, err
	}
	if err := r.valid(); err != nil {
		return Interval{}, err
	}
	return r.agrestiCoull(z), nil
}

// agrestiCoull returns the Agresti–Coull interval with normal quantile z
// of a rate whose counts were checked.
func (r Rate) agrestiCoull(z float64) Interval {
	if r.N == 0 {
		return Interval{Lo: 0, Hi: 1}
	}
	z2 := z * z
	n := float64(r.N) + z2
	p := (float64(r.K) + z2/2) / n
	half := z * math.Sqrt(p*(1-p)/n)
	return clampAround(p-half, p+half, r.Value())
}

// IntervalMethod names a confidence interval for a [Rate]: [Wilson] (the
// zero value), [Jeffreys] or [AgrestiCoull]. In JSON and text it is its
// name.
type IntervalMethod int8

const (
	// Wilson is the Wilson score interval ([Rate.Wilson]).
	Wilson IntervalMethod = iota
	// Jeffreys is the Jeffreys interval ([Rate.Jeffreys]).
	Jeffreys
	// AgrestiCoull is the Agresti–Coull interval ([Rate.AgrestiCoull]).
	AgrestiCoull
)

// String returns "wilson", "jeffreys" or "agresti-coull".
func (m IntervalMethod) String() string {
	switch m {
	case Wilson:
		return "wilson"
	case Jeffreys:
		return "jeffreys"
	case AgrestiCoull:
		return "agresti-coull"
	}
	return "IntervalMethod(" + strconv.Itoa(int(m)) + ")"
}

// MarshalText encodes the method as its [IntervalMethod.String]; a value
// out of range is a *[InputError] wrapping [ErrOutOfRange].
func (m IntervalMethod) MarshalText() ([]byte, error) {
	return marshalEnum("interval method", m, AgrestiCoull)
}

// UnmarshalText decodes a name written by [IntervalMethod.MarshalText];
// anything else is a *[InputError] wrapping [ErrOutOfRange].
func (m *IntervalMethod) UnmarshalText(b []byte) error {
	return unmarshalEnum("interval method", b, m, AgrestiCoull)
}

// Interval returns the rate's two-sided confidence interval at the given
// level by the method m: [Rate.Wilson], [Rate.Jeffreys] or
// [Rate.AgrestiCoull], with their errors, and a *[InputError] naming
// "method" that wraps [ErrOutOfRange] for an unknown method.
func (r Rate) Interval(confidence float64, m IntervalMethod) (Interval, error) {
	z, err := zFor(confidence)
	if err != nil {
		return Interval{}, err
	}
	return r.interval(z, (1-confidence)/2, confidence, m)
}

// LowerBound returns the one-sided lower confidence bound of the rate at
// the given level, such as 0.95, by the method m: the value the true rate
// is above with that confidence. It is the lower end of the two-sided
// interval at level 2·confidence − 1, so its normal quantile is
// z = Φ⁻¹(confidence) (1.645 at 95%) and, for Jeffreys, it is the
// (1 − confidence) quantile of Beta(K + ½, N − K + ½), or 0 when K = 0.
// Ranking reps by the Wilson lower bound at 95% one-sided is a common
// benchmark rule: 3 of 3 gives 0.526, below 45 of 60 at 0.649. A rate
// with no trials gives 0.
//
// It returns a *[InputError] naming "confidence" that wraps
// [ErrOutOfRange] when confidence is not in (½, 1) and [ErrNotFinite]
// when it is NaN or infinite; one naming "method" that wraps
// [ErrOutOfRange] for an unknown method; and the errors of [NewRate] and
// of [Rate.Jeffreys] above 10¹² trials.
func (r Rate) LowerBound(confidence float64, m IntervalMethod) (float64, error) {
	iv, err := r.oneSided(confidence, m)
	return iv.Lo, err
}

// UpperBound returns the one-sided upper confidence bound of the rate at
// the given level, such as 0.95, by the method m: the value the true rate
// is below with that confidence, the upper end of the two-sided interval
// at level 2·confidence − 1 (1 when K = N for Jeffreys). A rate with no
// trials gives 1. Its errors are those of [Rate.LowerBound].
func (r Rate) UpperBound(confidence float64, m IntervalMethod) (float64, error) {
	iv, err := r.oneSided(confidence, m)
	return iv.Hi, err
}

// oneSided returns the two-sided interval at level 2·confidence − 1,
// whose ends are the one-sided bounds at confidence.
func (r Rate) oneSided(confidence float64, m IntervalMethod) (Interval, error) {
	switch {
	case math.IsNaN(confidence) || math.IsInf(confidence, 0):
		return Interval{}, inputErr("confidence", confidence, ErrNotFinite)
	case confidence <= 0.5 || confidence >= 1:
		return Interval{}, inputErr("confidence", confidence, fmt.Errorf("%w: a one-sided level must be in (0.5, 1)", ErrOutOfRange))
	}
	return r.interval(distuv.UnitNormal.Quantile(confidence), 1-confidence, confidence, m)
}

// interval returns the interval by method m with normal quantile z and,
// for Jeffreys, mass tail outside each end; confidence names the level in
// errors.
func (r Rate) interval(z, tail, confidence float64, m IntervalMethod) (Interval, error) {
	if err := r.valid(); err != nil {
		return Interval{}, err
	}
	switch m {
	case Wilson:
		return r.wilson(z), nil
	case Jeffreys:
		return r.jeffreys(tail, confidence)
	case AgrestiCoull:
		return r.agrestiCoull(z), nil
	}
	return Interval{}, &InputError{Name: "method", Value: strconv.Itoa(int(m)), Err: ErrOutOfRange}
}

// jeffreysEnds returns the equal-tailed interval of Beta(a, b) that leaves
// mass tail on each side, with Lo = 0 unless wantLo and Hi = 1 unless
// wantHi. It works on whichever of x and 1 − x puts the ends near 0, where
// float64 resolves them finely: Beta(a, b) mirrored is Beta(b, a).
func jeffreysEnds(a, b, tail float64, wantLo, wantHi bool) (lo, hi float64, ok bool) {
	if a > b {
		mlo, mhi, ok := jeffreysEnds(b, a, tail, wantHi, wantLo)
		return 1 - mhi, 1 - mlo, ok
	}
	post := distuv.Beta{Alpha: a, Beta: b}
	lo, hi, ok = 0, 1, true
	if wantLo {
		lo, ok = betaEnd(post, tail, false)
	}
	if ok && wantHi {
		hi, ok = betaEnd(post, tail, true)
	}
	return lo, hi, ok
}

// betaEnd returns the end of an equal-tailed interval of b that leaves
// mass tail outside it: below the end, or above it when upper. It takes
// gonum's quantile when the tail mass there checks out, and otherwise
// (gonum's inverse incomplete beta loses its way in far tails of skewed
// posteriors, such as 10 of a million at 99.9999%) bisects the CDF or the
// survival function. It reports false when even the bisection cannot match
// the tail to a relative 1e-6, which happens only above about 10^12 trials.
func betaEnd(b distuv.Beta, tail float64, upper bool) (float64, bool) {
	mass := b.CDF
	p := tail
	if upper {
		mass, p = b.Survival, 1-tail
	}
	near := func(x, tol float64) bool { return math.Abs(mass(x)-tail) <= tol*tail }
	if q := b.Quantile(p); near(q, 1e-9) {
		return q, true
	}
	// Bisect on [0, 1], where mass falls (Survival) or rises (CDF)
	// monotonically through tail, until the bracket is two adjacent floats.
	lo, hi := 0.0, 1.0
	for {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if (mass(mid) < tail) != upper {
			lo = mid
		} else {
			hi = mid
		}
	}
	switch {
	case near(lo, 1e-6):
		return lo, true
	case near(hi, 1e-6):
		return hi, true
	}
	return 0, false
}

// zFor checks a confidence level and returns the two-sided standard normal
// quantile for it.
func zFor(confidence float64) (float64, error) {
	switch {
	case math.IsNaN(confidence) || math.IsInf(confidence, 0):
		return 0, inputErr("confidence", confidence, ErrNotFinite)
	case confidence <= 0 || confidence >= 1:
		return 0, inputErr("confidence", confidence, fmt.Errorf("%w: must be in (0, 1)", ErrOutOfRange))
	}
	// The levels asked for most (two-sided 95%, and 90% for a one-sided
	// 95% bound) are gonum's quantile computed once (TestZForTable checks
	// them against it), so a benchmark of thousands of intervals does not
	// recompute it.
	switch confidence {
	case 0.95:
		return 1.9599639845400536, nil
	case 0.9:
		return 1.6448536269514715, nil
	}
	return distuv.UnitNormal.Quantile(1 - (1-confidence)/2), nil
}

// clampAround clamps [lo, hi] to [0, 1] and widens it to contain p, which
// guards the ends against rounding and a quantile routine that does not
// converge (NaN) at extreme counts.
func clampAround(lo, hi, p float64) Interval {
	if !(lo <= p) { // also catches NaN
		lo = p
	}
	if !(hi >= p) {
		hi = p
	}
	return Interval{Lo: max(lo, 0), Hi: min(hi, 1)}
}
