package funnel

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// FitReason says how [Shrink] chose its prior: by the method of moments,
// or by one of the documented fallbacks when the moments cannot be used.
type FitReason int8

const (
	// FitMoments is the method-of-moments fit, without a fallback.
	FitMoments FitReason = iota
	// FitBoundary is the fallback when the pooled rate is 0 or 1: every
	// rate with trials is 0 of n (or n of n), and a Beta(α, β) prior needs
	// α, β > 0. The prior is the Jeffreys posterior of the pooled counts,
	// Beta(ΣK + ½, ΣN − ΣK + ½), of strength ΣN + 1: it keeps the pooled
	// rate but stays strictly inside (0, 1).
	FitBoundary
	// FitTooFew is the fallback when fewer than two rates have trials, so
	// there is no spread to measure. The prior has the pooled mean and
	// strength ΣN; the one rate with trials keeps its own value whatever
	// the strength, and rates without trials get the pooled mean.
	FitTooFew
	// FitNoSpread is the fallback when the rates spread no more than
	// binomial noise explains (the between-rate variance is zero or
	// negative), or when every rate has a single trial, which carries no
	// information about the spread. The moment estimate of α + β is then
	// infinite; the prior has the pooled mean and the strength ΣN, the
	// largest that the data behind it supports (see [FitCapped]).
	FitNoSpread
	// FitCapped is the fallback when the moment estimate of α + β exceeds
	// ΣN, the trials of the whole set. A prior estimated from ΣN trials
	// claiming more than ΣN trials' worth of evidence would be
	// overconfident, so the strength is capped at ΣN (every rate is then
	// pulled at least as far as a rate with ΣN trials would be).
	FitCapped
	// FitWideSpread is the fallback when the rates spread as widely as
	// rates of 0 and 1 do, so the moments give α + β <= 1. The strength is
	// floored at 1, that of the Jeffreys prior Beta(½, ½): next to no
	// shrinkage, but a rate without trials still gets the pooled mean.
	// The maximum likelihood fit falls back the same way when its α + β
	// is below 1, keeping its own mean.
	FitWideSpread
	// FitLikelihood is the maximum likelihood fit ([MaxLikelihood]),
	// without a fallback.
	FitLikelihood
	// FitStated is a prior stated by the caller ([PriorOf]), not fitted.
	FitStated
)

// String returns "moments", "boundary", "too-few", "no-spread", "capped",
// "wide-spread", "likelihood" or "stated".
func (f FitReason) String() string {
	switch f {
	case FitMoments:
		return "moments"
	case FitBoundary:
		return "boundary"
	case FitTooFew:
		return "too-few"
	case FitNoSpread:
		return "no-spread"
	case FitCapped:
		return "capped"
	case FitWideSpread:
		return "wide-spread"
	case FitLikelihood:
		return "likelihood"
	case FitStated:
		return "stated"
	}
	return "FitReason(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText encodes the reason as its [FitReason.String]; a value out of
// range is a *[InputError] wrapping [ErrOutOfRange].
func (f FitReason) MarshalText() ([]byte, error) { return marshalEnum("fit reason", f, FitStated) }

// UnmarshalText decodes a name written by [FitReason.MarshalText];
// anything else is a *[InputError] wrapping [ErrOutOfRange].
func (f *FitReason) UnmarshalText(b []byte) error {
	return unmarshalEnum("fit reason", b, f, FitStated)
}

// Prior is the Beta(Alpha, Beta) distribution of true rates across a set
// of rates, such as the win rates of a team's reps, as fitted by [Shrink]
// and [ShrinkWith] or stated with [PriorOf].
type Prior struct {
	Alpha    float64   `json:"alpha"`    // α > 0, in pseudo-successes
	Beta     float64   `json:"beta"`     // β > 0, in pseudo-failures
	Mean     float64   `json:"mean"`     // α/(α + β), the rate every rate is pulled towards
	Strength float64   `json:"strength"` // α + β, in pseudo-trials: how hard rates are pulled
	Fallback bool      `json:"fallback"` // whether Reason is a fallback rather than a fit or a stated prior
	Reason   FitReason `json:"reason"`   // how the prior was chosen
}

// PriorOf returns the Beta prior with the given mean and standard
// deviation of the true rates, such as "reps convert 25% of meetings,
// give or take 10 points": Beta(4.4375, 13.3125), worth 17.75 trials
// (0.25·0.75/0.1² − 1 = 17.75). With m the mean and s the standard
// deviation, from the Beta variance m(1 − m)/(α + β + 1) = s²,
//
//	α + β = m(1 − m)/s² − 1,  α = m(α + β),  β = (1 − m)(α + β)
//
// Its Reason is [FitStated]. Give it to [ShrinkWith] in
// [ShrinkOptions].Prior to shrink with it instead of a fitted prior.
//
// It returns a *[InputError] naming "mean" or "sd" that wraps
// [ErrNotFinite] for NaN or infinite values and [ErrOutOfRange] when mean
// is not in (0, 1), sd is not positive, or sd is at least √(m(1 − m)),
// the spread of rates of only 0 and 1, which no Beta distribution has
// (or so small that α + β passes the range of float64, or so near that
// bound, with a mean so near 0 or 1, that α or β underflows to 0).
func PriorOf(mean, sd float64) (Prior, error) {
	switch {
	case math.IsNaN(mean) || math.IsInf(mean, 0):
		return Prior{}, inputErr("mean", mean, ErrNotFinite)
	case mean <= 0 || mean >= 1:
		return Prior{}, inputErr("mean", mean, fmt.Errorf("%w: must be in (0, 1)", ErrOutOfRange))
	case math.IsNaN(sd) || math.IsInf(sd, 0):
		return Prior{}, inputErr("sd", sd, ErrNotFinite)
	case sd <= 0:
		return Prior{}, inputErr("sd", sd, fmt.Errorf("%w: must be positive", ErrOutOfRange))
	}
	v := mean * (1 - mean)
	s := v/(sd*sd) - 1
	if !(s > 0) || math.IsInf(s, 0) {
		return Prior{}, inputErr("sd", sd, fmt.Errorf("%w: must be in (0, √(mean(1 − mean)) = %g), and not so small that α + β overflows", ErrOutOfRange, math.Sqrt(v)))
	}
	p := meanPrior(mean, s, FitStated)
	if !(p.Alpha > 0 && p.Beta > 0) {
		return Prior{}, inputErr("sd", sd, fmt.Errorf("%w: α or β underflows to 0 for mean %g", ErrOutOfRange, mean))
	}
	return p, nil
}

// check returns a *[InputError] wrapping [ErrOutOfRange] unless α and β
// are positive and α + β is finite.
func (p Prior) check() error {
	if !(p.Alpha > 0 && p.Beta > 0 && p.Alpha+p.Beta < math.Inf(1)) {
		return &InputError{Name: "prior", Value: fmt.Sprintf("Beta(%g, %g)", p.Alpha, p.Beta), Err: ErrOutOfRange}
	}
	return nil
}

// Shrunk returns the posterior mean of a rate under the prior,
//
//	(K + α) / (N + α + β)
//
// which is [Prior.Mean] for a rate with no trials and tends to K/N as N
// grows. It returns the errors of [NewRate] for invalid counts, and a
// *[InputError] wrapping [ErrOutOfRange] for a prior whose α or β is not
// positive and finite (the zero Prior).
func (p Prior) Shrunk(r Rate) (float64, error) {
	if err := r.valid(); err != nil {
		return 0, err
	}
	if err := p.check(); err != nil {
		return 0, err
	}
	return p.shrunk(r), nil
}

func (p Prior) shrunk(r Rate) float64 {
	return (float64(r.K) + p.Alpha) / (float64(r.N) + p.Alpha + p.Beta)
}

// Posterior returns the posterior distribution of a rate's true value
// under the prior, Beta(α + K, β + N − K), whose mean is [Prior.Shrunk].
// A rate with no trials gets the prior itself. Its errors are those of
// [Prior.Shrunk].
func (p Prior) Posterior(r Rate) (Posterior, error) {
	if err := r.valid(); err != nil {
		return Posterior{}, err
	}
	if err := p.check(); err != nil {
		return Posterior{}, err
	}
	return p.posterior(r), nil
}

func (p Prior) posterior(r Rate) Posterior {
	return Posterior{Alpha: p.Alpha + float64(r.K), Beta: p.Beta + float64(r.N-r.K)}
}

// ShrunkRate is one rate of a [Shrinkage], with its shrunk value and its
// posterior distribution under the prior.
type ShrunkRate struct {
	Rate  Rate    `json:"rate"`  // the rate as given
	Value float64 `json:"value"` // (K + α)/(N + α + β), in [0, 1]
	// Posterior is Beta(α + K, β + N − K), whose mean is Value: the
	// uncertainty left about the true rate, for [ShrunkRate.Interval] and
	// [PBelow].
	Posterior Posterior `json:"posterior"`
}

// Interval returns the equal-tailed credible interval of the rate's
// posterior at the given level, such as 0.95 ([Posterior.Interval]), with
// its errors.
func (s ShrunkRate) Interval(confidence float64) (Interval, error) {
	return s.Posterior.Interval(confidence)
}

// Shrinkage is the result of [Shrink]: the fitted prior and every rate
// with its shrunk value, in input order.
type Shrinkage struct {
	Prior Prior        `json:"prior"`
	Rates []ShrunkRate `json:"rates"`
}

// Ranking returns the indices of the rates from the highest shrunk value
// to the lowest. Ties keep input order.
func (s Shrinkage) Ranking() []int {
	idx := make([]int, len(s.Rates))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		va, vb := s.Rates[a].Value, s.Rates[b].Value
		switch {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	return idx
}

// PriorEstimator names how [ShrinkWith] fits the prior to the rates:
// [WeightedMoments] (the zero value, the default of [Shrink]),
// [TextbookMoments] or [MaxLikelihood]. In JSON and text it is its name.
//
// The three differ on teams with a few very small or very large members.
// The weighted moments discount the noise of small samples; the textbook
// moments count a 3 of 3 as fully as a 45 of 60 and mistake binomial noise
// for spread between members, so they fit a weaker prior that shrinks
// less; maximum likelihood uses the beta-binomial distribution of every
// count exactly, at the cost of a numerical search.
type PriorEstimator int8

const (
	// WeightedMoments is the method of moments weighted by trials and
	// corrected for binomial noise, as [Shrink] documents: the between-rate
	// variance τ² is the trial-weighted spread of the rates less the
	// spread binomial sampling alone gives, and α + β = m(1 − m)/τ² − 1
	// around the pooled rate m.
	WeightedMoments PriorEstimator = iota
	// TextbookMoments is the textbook method of moments of the
	// beta-binomial: the unweighted mean and sample variance of the
	// observed proportions p_i = K_i/N_i of the R rates with trials, taken
	// as if they were the true rates (no binomial-noise correction),
	//
	//	m = Σp_i / R,  s² = Σ(p_i − m)² / (R − 1)
	//	α + β = m(1 − m)/s² − 1,  α = m(α + β),  β = (1 − m)(α + β)
	//
	// It falls back as the default does: [FitNoSpread] when s² = 0,
	// [FitCapped] above ΣN_i, [FitWideSpread] below 1, all around m.
	TextbookMoments
	// MaxLikelihood maximizes the beta-binomial likelihood of the counts,
	// the fit of R's ebbr package (ebb_fit_prior with method "mle"):
	//
	//	log L(α, β) = Σ_i [log B(K_i + α, N_i − K_i + β) − log B(α, β)]
	//
	// (plus terms free of α and β), by Newton's method on (log α, log β)
	// with the exact gradient and Hessian (digamma and trigamma functions),
	// from the [WeightedMoments] fit, to a step below 10⁻¹⁰. When the
	// counts spread no more than binomial noise, Σ(K_i − N_i·m)² <=
	// m(1 − m)·ΣN_i around the pooled rate m, the likelihood grows without
	// bound in α + β (Tarone's score for overdispersion is not positive)
	// and the prior falls back to [FitNoSpread]; an optimum above ΣN_i is
	// capped there ([FitCapped]) and one below 1 floored at 1
	// ([FitWideSpread]), keeping the fitted mean. Otherwise the reason is
	// [FitLikelihood].
	MaxLikelihood
)

// String returns "weighted-moments", "textbook-moments" or
// "max-likelihood".
func (e PriorEstimator) String() string {
	switch e {
	case WeightedMoments:
		return "weighted-moments"
	case TextbookMoments:
		return "textbook-moments"
	case MaxLikelihood:
		return "max-likelihood"
	}
	return "PriorEstimator(" + strconv.Itoa(int(e)) + ")"
}

// MarshalText encodes the estimator as its [PriorEstimator.String]; a
// value out of range is a *[InputError] wrapping [ErrOutOfRange].
func (e PriorEstimator) MarshalText() ([]byte, error) {
	return marshalEnum("prior estimator", e, MaxLikelihood)
}

// UnmarshalText decodes a name written by [PriorEstimator.MarshalText];
// anything else is a *[InputError] wrapping [ErrOutOfRange].
func (e *PriorEstimator) UnmarshalText(b []byte) error {
	return unmarshalEnum("prior estimator", b, e, MaxLikelihood)
}

// ShrinkOptions are the options of [ShrinkWith]. A nil *ShrinkOptions,
// like the zero value, fits the prior by [WeightedMoments], as [Shrink]
// does.
type ShrinkOptions struct {
	// Estimator is how the prior is fitted.
	Estimator PriorEstimator
	// Prior, when not the zero Prior, is used as it is instead of a
	// fitted one (Estimator is then ignored), such as a prior from
	// [PriorOf] or last quarter's fit. The result reports it with its
	// Mean and Strength worked out from α and β and Reason [FitStated].
	Prior Prior
}

// Shrink fits a Beta(α, β) prior across a set of rates by the method of
// moments, allowing for binomial noise, and returns each rate's
// empirical-Bayes estimate (K + α)/(N + α + β) with its posterior
// Beta(α + K, β + N − K). This is how a rep with 3 won of 3 is kept from
// being ranked above a rep with 45 of 60: three trials say little, so the
// first rate is pulled far towards the team's pooled rate and the second
// hardly at all. It is [ShrinkWith] with [WeightedMoments].
//
// Over the R rates with trials (N_i > 0), with p_i = K_i/N_i and
// N = ΣN_i, the fit is
//
//	m   = ΣK_i / N                                   pooled rate
//	SS  = Σ N_i (p_i − m)²                           observed spread, weighted by trials
//	τ²  = (SS − (R − 1)·m(1 − m)) / (N − ΣN_i²/N − (R − 1))
//	α + β = m(1 − m)/τ² − 1,  α = m(α + β),  β = (1 − m)(α + β)
//
// τ² is the variance of the true rates between members: the observed
// spread minus the spread that binomial sampling alone gives,
// E[SS] = τ²(N − ΣN_i²/N − (R − 1)) + (R − 1)·m(1 − m). Weighting by trials
// keeps the noisiest rates (a 3 of 3) from inflating τ², which would make
// the prior too weak to pull them in. When the moments cannot be used the
// prior is a documented fallback; see [FitReason] for each case and the
// strength it uses. Rates with no trials take no part in the fit and get
// the prior mean.
//
// The input is not modified. It returns a *[InputError] naming "rates[i]"
// that wraps [ErrNegativeCount] or [ErrKExceedsN] for invalid counts, and
// a *[InputError] wrapping [ErrNoData] when no rate has a trial (including
// an empty set).
func Shrink(rates []Rate) (Shrinkage, error) { return ShrinkWith(rates, nil) }

// ShrinkWith is [Shrink] with options: the estimator of the prior
// ([PriorEstimator]: the default [WeightedMoments], [TextbookMoments] or
// [MaxLikelihood]), or a prior stated by the caller ([PriorOf]) instead of
// a fitted one. Every estimator falls back as [Shrink] does when the
// pooled rate is 0 or 1 ([FitBoundary]) or fewer than two rates have
// trials ([FitTooFew]); the fallbacks of each are documented with it.
//
// With a stated prior nothing is fitted, so any set of valid rates,
// including an empty one, is shrunk towards it. The input is not modified.
// It returns the errors of [Shrink]; a *[InputError] naming "estimator"
// that wraps [ErrOutOfRange] for an unknown estimator; and one naming
// "prior" that wraps [ErrOutOfRange] for a stated prior whose α or β is
// not positive and finite.
func ShrinkWith(rates []Rate, opts *ShrinkOptions) (Shrinkage, error) {
	var o ShrinkOptions
	if opts != nil {
		o = *opts
	}
	var r, sk, sn float64
	for i, rt := range rates {
		if err := checkRateAt(rates, i); err != nil {
			return Shrinkage{}, err
		}
		if rt.N > 0 {
			r++
			sk += float64(rt.K)
			sn += float64(rt.N)
		}
	}
	var prior Prior
	switch {
	case o.Prior != (Prior{}):
		if err := o.Prior.check(); err != nil {
			return Shrinkage{}, err
		}
		prior = newPrior(o.Prior.Alpha, o.Prior.Beta, FitStated)
	case o.Estimator < WeightedMoments || o.Estimator > MaxLikelihood:
		return Shrinkage{}, &InputError{Name: "estimator", Value: strconv.Itoa(int(o.Estimator)), Err: ErrOutOfRange}
	case r == 0:
		return Shrinkage{}, &InputError{Name: "rates", Value: fmt.Sprintf("%d rates, none with trials", len(rates)), Err: ErrNoData}
	default:
		prior = fitPrior(rates, r, sk, sn, o.Estimator)
	}
	out := make([]ShrunkRate, len(rates))
	for i, rt := range rates {
		out[i] = ShrunkRate{Rate: rt, Value: min(max(prior.shrunk(rt), 0), 1), Posterior: prior.posterior(rt)}
	}
	return Shrinkage{Prior: prior, Rates: out}, nil
}

// fitPrior fits the prior by the estimator given r rates with trials, sk
// successes and sn trials in all (r >= 1).
func fitPrior(rates []Rate, r, sk, sn float64, est PriorEstimator) Prior {
	m := sk / sn
	if sk == 0 || sk == sn { // every rate at 0 or every rate at 1; sk <= sn was checked
		return newPrior(sk+0.5, sn-sk+0.5, FitBoundary)
	}
	if r < 2 {
		return meanPrior(m, sn, FitTooFew)
	}
	switch est {
	case TextbookMoments:
		return textbookPrior(rates, r, sn)
	case MaxLikelihood:
		return likelihoodPrior(rates, m, sn, weightedPrior(rates, r, sn, m))
	}
	return weightedPrior(rates, r, sn, m)
}

// weightedPrior is the trial-weighted moment fit around the pooled rate m.
func weightedPrior(rates []Rate, r, sn, m float64) Prior {
	var ss, sn2 float64
	for _, rt := range rates {
		if rt.N == 0 {
			continue
		}
		n := float64(rt.N)
		d := float64(rt.K)/n - m
		ss += n * d * d
		sn2 += n * n
	}
	v := m * (1 - m)
	den := sn - sn2/sn - (r - 1)
	tau2 := (ss - (r-1)*v) / den
	if !(den > 0) || !(tau2 > 0) {
		return meanPrior(m, sn, FitNoSpread)
	}
	return boundedPrior(m, v/tau2-1, sn, FitMoments)
}

// boundedPrior returns the prior of mean m and strength s, capped at sn
// ([FitCapped]) and floored at 1 ([FitWideSpread]); why is the reason when
// s is within bounds.
func boundedPrior(m, s, sn float64, why FitReason) Prior {
	switch {
	case s > sn:
		return meanPrior(m, sn, FitCapped)
	case !(s > 1):
		return meanPrior(m, 1, FitWideSpread)
	}
	return meanPrior(m, s, why)
}

// textbookPrior is the unweighted moment fit of the observed proportions.
func textbookPrior(rates []Rate, r, sn float64) Prior {
	var m float64
	for _, rt := range rates {
		if rt.N > 0 {
			m += rt.Value()
		}
	}
	m /= r
	var ss float64
	for _, rt := range rates {
		if rt.N > 0 {
			d := rt.Value() - m
			ss += d * d
		}
	}
	s2 := ss / (r - 1)
	if !(s2 > 0) {
		return meanPrior(m, sn, FitNoSpread)
	}
	return boundedPrior(m, m*(1-m)/s2-1, sn, FitMoments)
}

// likelihoodPrior is the beta-binomial maximum likelihood fit, started
// from the prior start, around the pooled rate m of sn trials.
func likelihoodPrior(rates []Rate, m, sn float64, start Prior) Prior {
	// Tarone's score: no spread beyond binomial noise, no finite optimum.
	var dev float64
	for _, rt := range rates {
		d := float64(rt.K) - float64(rt.N)*m
		dev += d * d
	}
	if dev <= m*(1-m)*sn {
		return meanPrior(m, sn, FitNoSpread)
	}
	a, b := maxLikelihood(rates, start.Alpha, start.Beta)
	return boundedPrior(a/(a+b), a+b, sn, FitLikelihood)
}

// maxLikelihood maximizes the beta-binomial log-likelihood
//
//	ℓ(α, β) = Σ_i [log B(K_i + α, N_i − K_i + β) − log B(α, β)]
//
// from (a, b) by Newton's method on (log α, log β), with the exact
// gradient and Hessian from the digamma and trigamma functions,
//
//	∂ℓ/∂α = Σ_i [ψ(K_i + α) − ψ(N_i + α + β) − ψ(α) + ψ(α + β)]
//	∂²ℓ/∂α∂β = Σ_i [ψ′(α + β) − ψ′(N_i + α + β)]
//
// (and the like for β), a gradient step where the Hessian is not negative
// definite, steps of at most 1 in the logs, and halving until ℓ rises. It
// stops when a step moves the logs by less than 10⁻¹⁰, after at most 200
// steps, or when α + β leaves (10⁻⁸, 10¹⁵), where the prior is floored or
// capped anyway.
func maxLikelihood(rates []Rate, a, b float64) (float64, float64) {
	ll := func(a, b float64) float64 {
		lb := logBeta(a, b)
		var s float64
		for _, rt := range rates {
			if rt.N > 0 {
				s += logBeta(float64(rt.K)+a, float64(rt.N-rt.K)+b) - lb
			}
		}
		return s
	}
	u, v := math.Log(a), math.Log(b)
	cur := ll(a, b)
	for range 200 {
		a, b = math.Exp(u), math.Exp(v)
		if s := a + b; !(s > 1e-8 && s < 1e15) {
			break
		}
		pa, qa, _, _ := polygammas(a)
		pb, qb, _, _ := polygammas(b)
		ps, qs, _, _ := polygammas(a + b)
		var ga, gb, haa, hab, hbb float64
		for _, rt := range rates {
			if rt.N == 0 {
				continue
			}
			k, f := float64(rt.K), float64(rt.N-rt.K)
			pk, qk, _, _ := polygammas(k + a)
			pf, qf, _, _ := polygammas(f + b)
			pn, qn, _, _ := polygammas(k + f + a + b)
			ga += pk - pn - pa + ps
			gb += pf - pn - pb + ps
			haa += qk - qn - qa + qs
			hab += qs - qn
			hbb += qf - qn - qb + qs
		}
		// In the logs: ∂ℓ/∂u = a·∂ℓ/∂α, ∂²ℓ/∂u² = a²·∂²ℓ/∂α² + a·∂ℓ/∂α.
		gu, gv := a*ga, b*gb
		huu, huv, hvv := a*a*haa+gu, a*b*hab, b*b*hbb+gv
		du, dv := gu, gv
		if det := huu*hvv - huv*huv; huu < 0 && det > 0 {
			du, dv = -(hvv*gu-huv*gv)/det, -(huu*gv-huv*gu)/det
		}
		if l := math.Hypot(du, dv); l > 1 {
			du, dv = du/l, dv/l
		}
		t := 1.0
		for ; t > 1e-12; t /= 2 {
			if next := ll(math.Exp(u+t*du), math.Exp(v+t*dv)); next >= cur {
				cur = next
				break
			}
		}
		if t <= 1e-12 {
			break
		}
		u, v = u+t*du, v+t*dv
		if math.Hypot(t*du, t*dv) < 1e-10 {
			break
		}
	}
	return math.Exp(u), math.Exp(v)
}

func meanPrior(m, strength float64, why FitReason) Prior {
	return newPrior(m*strength, (1-m)*strength, why)
}

func newPrior(a, b float64, why FitReason) Prior {
	return Prior{Alpha: a, Beta: b, Mean: a / (a + b), Strength: a + b, Fallback: why < FitLikelihood && why != FitMoments, Reason: why}
}

// checkRateAt checks rates[i] as [NewRate] does, naming it "rates[i]" in
// the error.
func checkRateAt(rates []Rate, i int) error {
	var err error
	switch r := rates[i]; {
	case r.K < 0 || r.N < 0:
		err = ErrNegativeCount
	case r.K > r.N:
		err = ErrKExceedsN
	default:
		return nil
	}
	return &InputError{Name: "rates[" + strconv.Itoa(i) + "]", Value: fmt.Sprintf("%d of %d", rates[i].K, rates[i].N), Err: err}
}
