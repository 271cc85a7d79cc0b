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
	FitWideSpread
)

// String returns "moments", "boundary", "too-few", "no-spread", "capped"
// or "wide-spread".
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
	}
	return "FitReason(" + strconv.Itoa(int(f)) + ")"
}

// MarshalText encodes the reason as its [FitReason.String]; a value out of
// range is a *[InputError] wrapping [ErrOutOfRange].
func (f FitReason) MarshalText() ([]byte, error) { return marshalEnum("fit reason", f, FitWideSpread) }

// UnmarshalText decodes a name written by [FitReason.MarshalText];
// anything else is a *[InputError] wrapping [ErrOutOfRange].
func (f *FitReason) UnmarshalText(b []byte) error {
	return unmarshalEnum("fit reason", b, f, FitWideSpread)
}

// Prior is the Beta(Alpha, Beta) distribution of true rates across a set
// of rates, such as the win rates of a team's reps, as fitted by [Shrink].
type Prior struct {
	Alpha    float64   `json:"alpha"`    // α > 0, in pseudo-successes
	Beta     float64   `json:"beta"`     // β > 0, in pseudo-failures
	Mean     float64   `json:"mean"`     // α/(α + β), the rate every rate is pulled towards
	Strength float64   `json:"strength"` // α + β, in pseudo-trials: how hard rates are pulled
	Fallback bool      `json:"fallback"` // whether Reason is a fallback rather than [FitMoments]
	Reason   FitReason `json:"reason"`   // how the prior was chosen
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
	if !(p.Alpha > 0 && p.Beta > 0 && p.Alpha+p.Beta < math.Inf(1)) {
		return 0, &InputError{Name: "prior", Value: fmt.Sprintf("Beta(%g, %g)", p.Alpha, p.Beta), Err: ErrOutOfRange}
	}
	return p.shrunk(r), nil
}

func (p Prior) shrunk(r Rate) float64 {
	return (float64(r.K) + p.Alpha) / (float64(r.N) + p.Alpha + p.Beta)
}

// ShrunkRate is one rate of a [Shrinkage], with its shrunk value.
type ShrunkRate struct {
	Rate  Rate    `json:"rate"`  // the rate as given
	Value float64 `json:"value"` // (K + α)/(N + α + β), in [0, 1]
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

// Shrink fits a Beta(α, β) prior across a set of rates by the method of
// moments, allowing for binomial noise, and returns each rate's
// empirical-Bayes estimate (K + α)/(N + α + β). This is how a rep with 3
// won of 3 is kept from being ranked above a rep with 45 of 60: three
// trials say little, so the first rate is pulled far towards the team's
// pooled rate and the second hardly at all.
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
func Shrink(rates []Rate) (Shrinkage, error) {
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
	if r == 0 {
		return Shrinkage{}, &InputError{Name: "rates", Value: fmt.Sprintf("%d rates, none with trials", len(rates)), Err: ErrNoData}
	}
	prior := fitPrior(rates, r, sk, sn)
	out := make([]ShrunkRate, len(rates))
	for i, rt := range rates {
		out[i] = ShrunkRate{Rate: rt, Value: min(max(prior.shrunk(rt), 0), 1)}
	}
	return Shrinkage{Prior: prior, Rates: out}, nil
}

// fitPrior fits the prior given r rates with trials, sk successes and sn
// trials in all (r >= 1).
func fitPrior(rates []Rate, r, sk, sn float64) Prior {
	m := sk / sn
	if sk == 0 || sk == sn { // every rate at 0 or every rate at 1; sk <= sn was checked
		return newPrior(sk+0.5, sn-sk+0.5, FitBoundary)
	}
	if r < 2 {
		return meanPrior(m, sn, FitTooFew)
	}
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
	s := v/tau2 - 1
	switch {
	case s > sn:
		return meanPrior(m, sn, FitCapped)
	case !(s > 1):
		return meanPrior(m, 1, FitWideSpread)
	}
	return meanPrior(m, s, FitMoments)
}

func meanPrior(m, strength float64, why FitReason) Prior {
	return newPrior(m*strength, (1-m)*strength, why)
}

func newPrior(a, b float64, why FitReason) Prior {
	return Prior{Alpha: a, Beta: b, Mean: a / (a + b), Strength: a + b, Fallback: why != FitMoments, Reason: why}
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
