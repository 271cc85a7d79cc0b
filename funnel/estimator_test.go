package funnel

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// small is a team of three worked by hand below: 2 of 4, 6 of 8, 1 of 4.
var small = []Rate{{2, 4}, {6, 8}, {1, 4}}

// TestShrinkEstimators fits each estimator to a team worked by hand and
// to the five-rep team, where the three give visibly different priors.
func TestShrinkEstimators(t *testing.T) {
	tests := []struct {
		name  string
		rates []Rate
		est   PriorEstimator
		want  Prior
	}{
		{
			// Textbook moments on small, by hand: p = 1/2, 3/4, 1/4,
			// m = (1/2 + 3/4 + 1/4)/3 = 1/2, s² = (0 + 1/16 + 1/16)/2 =
			// 1/16, α + β = (1/2·1/2)/(1/16) − 1 = 3 (between 1 and
			// ΣN = 16), α = β = 3/2.
			name: "textbook small", rates: small, est: TextbookMoments,
			want: Prior{Alpha: 1.5, Beta: 1.5, Mean: 0.5, Strength: 3, Reason: FitMoments},
		},
		{
			// Weighted moments on small, by hand: m = 9/16 = 0.5625,
			// p − m = −1/16, 3/16, −5/16, SS = 4/256 + 72/256 + 100/256 =
			// 0.6875, m(1 − m) = 63/256 = 0.24609375, ΣN² = 96,
			// den = 16 − 96/16 − 2 = 8, τ² = (0.6875 − 2·0.24609375)/8 =
			// 0.0244140625, α + β = 0.24609375/0.0244140625 − 1 = 9.08,
			// α = 0.5625·9.08 = 5.1075, β = 3.9725.
			name: "weighted small", rates: small, est: WeightedMoments,
			want: Prior{Alpha: 5.1075, Beta: 3.9725, Mean: 0.5625, Strength: 9.08, Reason: FitMoments},
		},
		{
			// Maximum likelihood on small, by hand: Tarone's statistic
			// around m = 9/16: Σ(K − N·m)² = 0.25² + 1.5² + 1.25² = 3.875 <=
			// m(1 − m)·ΣN = 63/16 = 3.9375, so the counts spread no more
			// than binomial noise and the prior falls back to the pooled
			// mean with strength 16: Beta(9, 7).
			name: "likelihood small", rates: small, est: MaxLikelihood,
			want: Prior{Alpha: 9, Beta: 7, Mean: 0.5625, Strength: 16, Fallback: true, Reason: FitNoSpread},
		},
		{
			// Textbook moments on the five-rep team, by hand in fractions:
			// p = 1, 3/4, 2/5, 3/7, 1/4, Σp = 396/140, m = 99/175 =
			// 0.565714; Σ(p − m)² = 0.3685102, s² = 0.09212755;
			// m(1 − m) = 0.24568163; α + β = 0.24568163/0.09212755 − 1 =
			// 1.666755; α = m·1.666755 = 0.942907, β = 0.723848 (checked
			// in exact fractions). Weaker than the weighted fit's 4.96
			// (TestShrinkTeam): the 3 of 3 counts fully.
			name: "textbook team", rates: team, est: TextbookMoments,
			want: Prior{Alpha: 0.942907, Beta: 0.723848, Mean: 99.0 / 175, Strength: 1.666755, Reason: FitMoments},
		},
		{
			// Maximum likelihood on the team. R 4.2.2:
			//	nll <- function(par, k, n) { a <- exp(par[1]); b <- exp(par[2]);
			//	  -sum(lbeta(k + a, n - k + b) - lbeta(a, b)) }
			//	exp(optim(c(0, 0), nll, k = c(3,45,20,30,10), n = c(3,60,50,70,40),
			//	  method = "BFGS", control = list(reltol = 1e-15))$par)
			//	= 3.38532640296 3.28261599269
			// (and TestMaxLikelihoodGolden's search agrees).
			name: "likelihood team", rates: team, est: MaxLikelihood,
			want: Prior{Alpha: 3.38532640296, Beta: 3.28261599269, Mean: 3.38532640296 / (3.38532640296 + 3.28261599269),
				Strength: 3.38532640296 + 3.28261599269, Reason: FitLikelihood},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.rates)
			got, err := ShrinkWith(in, &ShrinkOptions{Estimator: tt.est})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Prior, cmpopts.EquateApprox(1e-5, 0)); diff != "" {
				t.Errorf("ShrinkWith(%v, %v) prior mismatch (-want +got):\n%s", tt.rates, tt.est, diff)
			}
			if !slices.Equal(in, tt.rates) {
				t.Errorf("ShrinkWith modified its input: %v became %v", tt.rates, in)
			}
			// Every rate's posterior is Beta(α + K, β + N − K) and its value
			// the posterior mean.
			for i, sr := range got.Rates {
				r := tt.rates[i]
				want := Posterior{got.Prior.Alpha + float64(r.K), got.Prior.Beta + float64(r.N-r.K)}
				if sr.Posterior != want || math.Abs(sr.Value-want.Mean()) > 1e-15 {
					t.Errorf("rates[%d] %v: posterior %v value %v, want %v and its mean", i, r, sr.Posterior, sr.Value, want)
				}
			}
		})
	}
}

// TestShrinkEstimatorsRanking: the estimators disagree on who leads the
// five-rep team. Under the textbook prior Beta(0.943, 0.724) the 3 of 3
// keeps (3 + 0.943)/(3 + 1.667) = 0.845 against 45 of 60's
// (45 + 0.943)/(60 + 1.667) = 0.745; under the weighted and the maximum
// likelihood priors (strengths 4.96 and 6.67) 45 of 60 leads:
// (45 + 3.385)/(60 + 6.668) = 0.726 against (3 + 3.385)/(3 + 6.668) = 0.660.
func TestShrinkEstimatorsRanking(t *testing.T) {
	for _, tt := range []struct {
		est   PriorEstimator
		first int
	}{{WeightedMoments, 1}, {TextbookMoments, 0}, {MaxLikelihood, 1}} {
		s, err := ShrinkWith(team, &ShrinkOptions{Estimator: tt.est})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Ranking()[0]; got != tt.first {
			t.Errorf("%v: first is rates[%d] %v, want rates[%d]", tt.est, got, team[got], tt.first)
		}
	}
}

// betaBinomialLL is the beta-binomial log-likelihood of the rates with
// trials, Σ [log B(K + α, N − K + β) − log B(α, β)], from math.Lgamma
// directly (not the package's log-beta).
func betaBinomialLL(rates []Rate, a, b float64) float64 {
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	var s float64
	for _, r := range rates {
		if r.N == 0 {
			continue
		}
		k, f := float64(r.K), float64(r.N-r.K)
		s += lg(k+a) + lg(f+b) - lg(k+f+a+b) - lg(a) - lg(b) + lg(a+b)
	}
	return s
}

// golden maximizes f on [lo, hi] by golden-section search, assuming it is
// unimodal there, to a bracket of 1e-12 of its width.
func golden(f func(float64) float64, lo, hi float64) float64 {
	g := (math.Sqrt(5) - 1) / 2
	c, d := hi-g*(hi-lo), lo+g*(hi-lo)
	fc, fd := f(c), f(d)
	for range 200 {
		if hi-lo < 1e-12*(1+math.Abs(lo)) {
			break
		}
		if fc > fd {
			hi, d, fd = d, c, fc
			c = hi - g*(hi-lo)
			fc = f(c)
		} else {
			lo, c, fc = c, d, fd
			d = lo + g*(hi-lo)
			fd = f(d)
		}
	}
	return (lo + hi) / 2
}

// mleGolden maximizes the beta-binomial likelihood by a nested
// golden-section search, a second method beside the package's Newton
// iteration: over the log of the strength s = α + β in [log 0.01,
// log 10⁵], of the best mean μ in (0, 1) for that strength.
func mleGolden(rates []Rate) (a, b float64) {
	bestMean := func(s float64) float64 {
		return golden(func(m float64) float64 { return betaBinomialLL(rates, m*s, (1-m)*s) }, 1e-9, 1-1e-9)
	}
	u := golden(func(u float64) float64 {
		s := math.Exp(u)
		m := bestMean(s)
		return betaBinomialLL(rates, m*s, (1-m)*s)
	}, math.Log(0.01), math.Log(1e5))
	s := math.Exp(u)
	m := bestMean(s)
	return m * s, (1 - m) * s
}

// TestMaxLikelihoodGolden checks the maximum likelihood fit against the
// nested golden-section search on teams where the fit is interior.
func TestMaxLikelihoodGolden(t *testing.T) {
	teams := [][]Rate{
		team,
		{{40, 100}, {60, 100}},
		{{12, 40}, {30, 60}, {8, 50}, {25, 45}, {2, 20}, {40, 80}},
		{{1, 3}, {0, 5}, {7, 9}, {4, 4}, {2, 10}, {0, 0}},
	}
	for _, rates := range teams {
		got, err := ShrinkWith(rates, &ShrinkOptions{Estimator: MaxLikelihood})
		if err != nil {
			t.Fatal(err)
		}
		if got.Prior.Reason != FitLikelihood {
			t.Fatalf("%v: reason %v, want an interior fit", rates, got.Prior.Reason)
		}
		a, b := mleGolden(rates)
		want := Prior{Alpha: a, Beta: b, Mean: a / (a + b), Strength: a + b, Reason: FitLikelihood}
		if diff := cmp.Diff(want, got.Prior, cmpopts.EquateApprox(1e-5, 0)); diff != "" {
			t.Errorf("%v: maximum likelihood mismatch with the golden-section search (-search +Newton):\n%s", rates, diff)
		}
		// The Newton fit is at least as likely as the search's.
		if lg, ls := betaBinomialLL(rates, got.Prior.Alpha, got.Prior.Beta), betaBinomialLL(rates, a, b); lg < ls-1e-9 {
			t.Errorf("%v: log-likelihood %v at the fit, %v at the search's", rates, lg, ls)
		}
	}
}

// TestShrinkEstimatorFallbacks checks each documented fallback of the
// textbook and maximum likelihood estimators (those of the weighted
// moments are in TestShrinkFallbacks).
func TestShrinkEstimatorFallbacks(t *testing.T) {
	tests := []struct {
		name  string
		rates []Rate
		est   PriorEstimator
		want  Prior
	}{
		// Shared by all: the pooled rate 0 of 15 gives the Jeffreys
		// posterior Beta(0 + ½, 15 + ½); one rate with trials, 3 of 10,
		// the pooled mean at strength 10, Beta(3, 7).
		{"textbook boundary", []Rate{{0, 5}, {0, 10}}, TextbookMoments, Prior{Alpha: 0.5, Beta: 15.5, Mean: 0.03125, Strength: 16, Fallback: true, Reason: FitBoundary}},
		{"likelihood boundary", []Rate{{0, 5}, {0, 10}}, MaxLikelihood, Prior{Alpha: 0.5, Beta: 15.5, Mean: 0.03125, Strength: 16, Fallback: true, Reason: FitBoundary}},
		{"textbook boundary one", []Rate{{4, 4}, {2, 2}}, TextbookMoments, Prior{Alpha: 6.5, Beta: 0.5, Mean: 6.5 / 7, Strength: 7, Fallback: true, Reason: FitBoundary}},
		{"likelihood boundary one", []Rate{{4, 4}, {2, 2}}, MaxLikelihood, Prior{Alpha: 6.5, Beta: 0.5, Mean: 6.5 / 7, Strength: 7, Fallback: true, Reason: FitBoundary}},
		{"textbook too few", []Rate{{3, 10}, {0, 0}}, TextbookMoments, Prior{Alpha: 3, Beta: 7, Mean: 0.3, Strength: 10, Fallback: true, Reason: FitTooFew}},
		{"likelihood too few", []Rate{{3, 10}, {0, 0}}, MaxLikelihood, Prior{Alpha: 3, Beta: 7, Mean: 0.3, Strength: 10, Fallback: true, Reason: FitTooFew}},
		// Textbook: equal rates, s² = 0: the mean 1/2 at strength ΣN = 20.
		{"textbook no spread", []Rate{{5, 10}, {5, 10}}, TextbookMoments, Prior{Alpha: 10, Beta: 10, Mean: 0.5, Strength: 20, Fallback: true, Reason: FitNoSpread}},
		// Textbook: 49/100 and 51/100, m = 1/2, s² = 2·0.01²/1 = 0.0002,
		// α + β = 0.25/0.0002 − 1 = 1249 > ΣN = 200: capped, Beta(100, 100).
		{"textbook capped", []Rate{{49, 100}, {51, 100}}, TextbookMoments, Prior{Alpha: 100, Beta: 100, Mean: 0.5, Strength: 200, Fallback: true, Reason: FitCapped}},
		// Textbook: 0/100 and 100/100, m = 1/2, s² = 0.5, α + β =
		// 0.25/0.5 − 1 = −0.5 <= 1: floored at 1, Beta(½, ½).
		{"textbook wide spread", []Rate{{0, 100}, {100, 100}}, TextbookMoments, Prior{Alpha: 0.5, Beta: 0.5, Mean: 0.5, Strength: 1, Fallback: true, Reason: FitWideSpread}},
		// Likelihood: 44/100 and 56/100; Tarone Σ(K − N·m)² = 36 + 36 = 72
		// > m(1 − m)·ΣN = 50, so it fits; the optimum strength is above
		// ΣN = 200 (R, as in TestShrinkEstimators: optim gives α = β =
		// 112.491962361, strength 224.98), so capped: Beta(100, 100).
		{"likelihood capped", []Rate{{44, 100}, {56, 100}}, MaxLikelihood, Prior{Alpha: 100, Beta: 100, Mean: 0.5, Strength: 200, Fallback: true, Reason: FitCapped}},
		// Likelihood: 0/100 and 100/100 are best fitted by α + β → 0;
		// floored at 1 around the fitted mean ½ (by symmetry).
		{"likelihood wide spread", []Rate{{0, 100}, {100, 100}}, MaxLikelihood, Prior{Alpha: 0.5, Beta: 0.5, Mean: 0.5, Strength: 1, Fallback: true, Reason: FitWideSpread}},
		// Likelihood: equal rates, Tarone 0 <= 0.25·20: Beta(10, 10).
		{"likelihood no spread", []Rate{{5, 10}, {5, 10}}, MaxLikelihood, Prior{Alpha: 10, Beta: 10, Mean: 0.5, Strength: 20, Fallback: true, Reason: FitNoSpread}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ShrinkWith(tt.rates, &ShrinkOptions{Estimator: tt.est})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Prior, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
				t.Errorf("ShrinkWith(%v, %v) prior mismatch (-want +got):\n%s", tt.rates, tt.est, diff)
			}
		})
	}
}

// TestPriorOf checks the stated prior worked by hand and its errors.
func TestPriorOf(t *testing.T) {
	tests := []struct {
		name     string
		mean, sd float64
		want     Prior
	}{
		// m = 0.25, s = 0.1: α + β = 0.25·0.75/0.01 − 1 = 18.75 − 1 =
		// 17.75, α = 0.25·17.75 = 4.4375, β = 13.3125. (Beta(2.5, 7.5),
		// also of mean 0.25, has sd √(0.1875/11) = 0.1306, next case.)
		{"25% give or take 10", 0.25, 0.1, Prior{Alpha: 4.4375, Beta: 13.3125, Mean: 0.25, Strength: 17.75, Reason: FitStated}},
		// s² = 0.1875/11: α + β = 11 − 1 = 10, α = 2.5, β = 7.5.
		{"Beta(2.5, 7.5)", 0.25, math.Sqrt(0.1875 / 11), Prior{Alpha: 2.5, Beta: 7.5, Mean: 0.25, Strength: 10, Reason: FitStated}},
		// m = ½, s = ½/√3 (the uniform's sd, 1/√12): α + β = 0.25·12 −
		// 1 = 2, Beta(1, 1).
		{"uniform", 0.5, 1 / math.Sqrt(12), Prior{Alpha: 1, Beta: 1, Mean: 0.5, Strength: 2, Reason: FitStated}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PriorOf(tt.mean, tt.sd)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("PriorOf(%v, %v) mismatch (-want +got):\n%s", tt.mean, tt.sd, diff)
			}
			// The Beta's own mean and sd are the ones asked for:
			// sd² = αβ/((α + β)²(α + β + 1)).
			a, b := got.Alpha, got.Beta
			sd := math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)))
			if math.Abs(sd-tt.sd) > 1e-12 || math.Abs(a/(a+b)-tt.mean) > 1e-12 {
				t.Errorf("PriorOf(%v, %v) = Beta(%v, %v) of mean %v, sd %v", tt.mean, tt.sd, a, b, a/(a+b), sd)
			}
		})
	}
}

func TestPriorOfErrors(t *testing.T) {
	tests := []struct {
		name     string
		mean, sd float64
		want     error
		text     string
	}{
		{"mean 0", 0, 0.1, ErrOutOfRange, "funnel: mean = 0: value out of range: must be in (0, 1)"},
		{"mean 1", 1, 0.1, ErrOutOfRange, "funnel: mean = 1: value out of range: must be in (0, 1)"},
		{"mean NaN", math.NaN(), 0.1, ErrNotFinite, "funnel: mean = NaN: not a finite number"},
		{"mean Inf", math.Inf(1), 0.1, ErrNotFinite, "funnel: mean = +Inf: not a finite number"},
		{"sd 0", 0.3, 0, ErrOutOfRange, "funnel: sd = 0: value out of range: must be positive"},
		{"sd negative", 0.3, -0.1, ErrOutOfRange, "funnel: sd = -0.1: value out of range: must be positive"},
		{"sd NaN", 0.3, math.NaN(), ErrNotFinite, "funnel: sd = NaN: not a finite number"},
		// √(0.5·0.5) = 0.5: rates of only 0 and 1 spread that much.
		{"sd at the bound", 0.5, 0.5, ErrOutOfRange, "funnel: sd = 0.5: value out of range: must be in (0, √(mean(1 − mean)) = 0.5), and not so small that α + β overflows"},
		{"sd above the bound", 0.25, 0.5, ErrOutOfRange, "funnel: sd = 0.5: value out of range: must be in (0, √(mean(1 − mean)) = 0.4330127018922193), and not so small that α + β overflows"},
		// 0.25/1e-320 passes the largest float64.
		{"sd overflows", 0.5, 1e-160, ErrOutOfRange, "funnel: sd = 1e-160: value out of range: must be in (0, √(mean(1 − mean)) = 0.5), and not so small that α + β overflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PriorOf(tt.mean, tt.sd)
			if !errors.Is(err, tt.want) {
				t.Fatalf("PriorOf(%v, %v) error = %v, want %v", tt.mean, tt.sd, err, tt.want)
			}
			if err.Error() != tt.text {
				t.Errorf("error text = %q, want %q", err, tt.text)
			}
			if got != (Prior{}) {
				t.Errorf("PriorOf = %+v with an error, want the zero Prior", got)
			}
		})
	}
}

// TestShrinkWithStated shrinks the team towards a stated prior: nothing is
// fitted, the prior is reported as given with reason "stated", and a set
// without trials (even an empty one) is no error.
func TestShrinkWithStated(t *testing.T) {
	prior, err := PriorOf(0.25, 0.1) // Beta(4.4375, 13.3125), TestPriorOf
	if err != nil {
		t.Fatal(err)
	}
	got, err := ShrinkWith([]Rate{{3, 3}, {45, 60}, {0, 0}}, &ShrinkOptions{Prior: prior, Estimator: PriorEstimator(99)})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: 3/3 → (3 + 4.4375)/(3 + 17.75) = 7.4375/20.75 = 0.358434;
	// 45/60 → 49.4375/77.75 = 0.635852; 0/0 → the prior mean 0.25.
	want := Shrinkage{
		Prior: Prior{Alpha: 4.4375, Beta: 13.3125, Mean: 0.25, Strength: 17.75, Reason: FitStated},
		Rates: []ShrunkRate{
			{Rate{3, 3}, 7.4375 / 20.75, Posterior{7.4375, 13.3125}},
			{Rate{45, 60}, 49.4375 / 77.75, Posterior{49.4375, 28.3125}},
			{Rate{0, 0}, 0.25, Posterior{4.4375, 13.3125}},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("ShrinkWith(stated) mismatch (-want +got):\n%s", diff)
	}
	// A stated prior given by its α and β alone: Mean and Strength are
	// worked out, the reason is "stated". Beta(2, 8): mean 0.2, strength 10.
	got, err = ShrinkWith(nil, &ShrinkOptions{Prior: Prior{Alpha: 2, Beta: 8}})
	if err != nil {
		t.Fatal(err)
	}
	wantPrior := Prior{Alpha: 2, Beta: 8, Mean: 0.2, Strength: 10, Reason: FitStated}
	if diff := cmp.Diff(wantPrior, got.Prior); diff != "" || len(got.Rates) != 0 {
		t.Errorf("ShrinkWith(nil, Beta(2, 8)) = %+v, prior mismatch (-want +got):\n%s", got, diff)
	}
	// nil options and the zero options are Shrink.
	for _, opts := range []*ShrinkOptions{nil, {}} {
		a, err1 := ShrinkWith(team, opts)
		b, err2 := Shrink(team)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if diff := cmp.Diff(b, a); diff != "" {
			t.Errorf("ShrinkWith(team, %v) differs from Shrink (-Shrink +ShrinkWith):\n%s", opts, diff)
		}
	}
}

func TestShrinkWithErrors(t *testing.T) {
	tests := []struct {
		name  string
		rates []Rate
		opts  *ShrinkOptions
		want  error
		text  string
	}{
		{"unknown estimator", team, &ShrinkOptions{Estimator: 3}, ErrOutOfRange, "funnel: estimator = 3: value out of range"},
		{"negative estimator", team, &ShrinkOptions{Estimator: -1}, ErrOutOfRange, "funnel: estimator = -1: value out of range"},
		{"stated prior negative", team, &ShrinkOptions{Prior: Prior{Alpha: -1, Beta: 2}}, ErrOutOfRange, "funnel: prior = Beta(-1, 2): value out of range"},
		{"stated prior NaN", team, &ShrinkOptions{Prior: Prior{Alpha: math.NaN(), Beta: 2}}, ErrOutOfRange, "funnel: prior = Beta(NaN, 2): value out of range"},
		{"stated prior mean only", team, &ShrinkOptions{Prior: Prior{Mean: 0.3}}, ErrOutOfRange, "funnel: prior = Beta(0, 0): value out of range"},
		{"textbook no trials", []Rate{{0, 0}}, &ShrinkOptions{Estimator: TextbookMoments}, ErrNoData, "funnel: rates = 1 rates, none with trials: no data"},
		{"likelihood empty", nil, &ShrinkOptions{Estimator: MaxLikelihood}, ErrNoData, "funnel: rates = 0 rates, none with trials: no data"},
		{"k > n with a stated prior", []Rate{{5, 4}}, &ShrinkOptions{Prior: Prior{Alpha: 1, Beta: 1}}, ErrKExceedsN, "funnel: rates[0] = 5 of 4: successes exceed trials"},
		{"negative with likelihood", []Rate{{1, 2}, {-1, 2}}, &ShrinkOptions{Estimator: MaxLikelihood}, ErrNegativeCount, "funnel: rates[1] = -1 of 2: negative count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ShrinkWith(tt.rates, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ShrinkWith error = %v, want %v", err, tt.want)
			}
			if err.Error() != tt.text {
				t.Errorf("error text = %q, want %q", err, tt.text)
			}
			if got.Rates != nil {
				t.Errorf("ShrinkWith = %+v with an error, want the zero Shrinkage", got)
			}
		})
	}
}

// TestPriorPosterior: Beta(α + K, β + N − K) by hand, and its errors.
func TestPriorPosterior(t *testing.T) {
	p := Prior{Alpha: 2, Beta: 8}
	for _, tt := range []struct {
		r    Rate
		want Posterior
	}{{Rate{3, 10}, Posterior{5, 15}}, {Rate{0, 0}, Posterior{2, 8}}, {Rate{7, 7}, Posterior{9, 8}}} {
		got, err := p.Posterior(tt.r)
		if err != nil || got != tt.want {
			t.Errorf("Beta(2, 8).Posterior(%v) = %v, %v; want %v", tt.r, got, err, tt.want)
		}
		// Its mean is the shrunk value.
		if s, _ := p.Shrunk(tt.r); math.Abs(s-got.Mean()) > 1e-15 {
			t.Errorf("Posterior(%v).Mean() = %v, Shrunk = %v", tt.r, got.Mean(), s)
		}
	}
	if _, err := (Prior{}).Posterior(Rate{1, 2}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("zero Prior.Posterior error = %v, want ErrOutOfRange", err)
	}
	if _, err := p.Posterior(Rate{-1, 2}); !errors.Is(err, ErrNegativeCount) {
		t.Errorf("Posterior(-1 of 2) error = %v, want ErrNegativeCount", err)
	}
}

// TestEstimatorText: names, round trips and out-of-range values of the
// estimator and the new fit reasons, in text and in JSON.
func TestEstimatorText(t *testing.T) {
	for i, name := range []string{"weighted-moments", "textbook-moments", "max-likelihood"} {
		e := PriorEstimator(i)
		b, err := e.MarshalText()
		if err != nil || string(b) != name || e.String() != name {
			t.Errorf("PriorEstimator(%d) = %q, %v; want %q", i, b, err, name)
		}
		var back PriorEstimator
		if err := back.UnmarshalText(b); err != nil || back != e {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if _, err := PriorEstimator(3).MarshalText(); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("PriorEstimator(3).MarshalText() error = %v", err)
	}
	if got := PriorEstimator(3).String(); got != "PriorEstimator(3)" {
		t.Errorf("PriorEstimator(3).String() = %q", got)
	}
	var e PriorEstimator
	if err := e.UnmarshalText([]byte("mle")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf(`UnmarshalText("mle") error = %v`, err)
	}
	for _, tt := range []struct {
		r    FitReason
		name string
	}{{FitLikelihood, "likelihood"}, {FitStated, "stated"}} {
		b, err := tt.r.MarshalText()
		var back FitReason
		if err != nil || string(b) != tt.name || back.UnmarshalText(b) != nil || back != tt.r {
			t.Errorf("%v: text %q, %v; back %v", tt.r, b, err, back)
		}
	}
	// Options decode from JSON with the estimator by name.
	var o ShrinkOptions
	if err := json.Unmarshal([]byte(`{"Estimator":"max-likelihood"}`), &o); err != nil || o.Estimator != MaxLikelihood {
		t.Errorf("decode options = %+v, %v", o, err)
	}
}

// FuzzPriorOf: for any mean and sd, no panic; on success a proper Beta
// (α, β > 0 and finite) whose mean and sd are the ones asked for, and
// Reason stated; otherwise the zero Prior.
func FuzzPriorOf(f *testing.F) {
	f.Add(0.25, 0.1)
	f.Add(0.25, math.Sqrt(0.1875/11))
	f.Add(0.5, 1/math.Sqrt(12))
	f.Add(0.25, math.Sqrt(0.1875))
	f.Add(0.5, 1e-160)
	f.Add(1e-300, 1e-151)
	f.Add(0.0, 0.1)
	f.Add(math.NaN(), math.Inf(1))
	f.Fuzz(func(t *testing.T, mean, sd float64) {
		p, err := PriorOf(mean, sd)
		if err != nil {
			if p != (Prior{}) {
				t.Fatalf("PriorOf(%v, %v) = %+v with error %v", mean, sd, p, err)
			}
			var ie *InputError
			if !errors.As(err, &ie) || !(errors.Is(err, ErrOutOfRange) || errors.Is(err, ErrNotFinite)) {
				t.Fatalf("PriorOf(%v, %v) error %v", mean, sd, err)
			}
			return
		}
		for _, v := range []float64{p.Alpha, p.Beta, p.Mean, p.Strength} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("PriorOf(%v, %v) = %+v: NaN or Inf", mean, sd, p)
			}
		}
		if !(p.Alpha > 0 && p.Beta > 0) || p.Reason != FitStated || p.Fallback {
			t.Fatalf("PriorOf(%v, %v) = %+v: not a proper stated Beta", mean, sd, p)
		}
		if !(p.Mean >= 0 && p.Mean <= 1) || math.Abs(p.Mean-mean) > 1e-12*max(1, mean) {
			t.Fatalf("PriorOf(%v, %v) mean %v", mean, sd, p.Mean)
		}
		// The sd, where the parameters are large enough to compute it.
		if s := p.Strength; s < 1e150 && p.Alpha > 1e-150 && p.Beta > 1e-150 {
			got := math.Sqrt(p.Alpha / s * p.Beta / s / (s + 1))
			if math.Abs(got-sd) > 1e-9*sd {
				t.Fatalf("PriorOf(%v, %v) = %+v of sd %v", mean, sd, p, got)
			}
		}
		// It can be used as a stated prior.
		if _, err := ShrinkWith([]Rate{{1, 2}}, &ShrinkOptions{Prior: p}); err != nil {
			t.Fatalf("ShrinkWith(PriorOf(%v, %v)): %v", mean, sd, err)
		}
	})
}

// FuzzShrinkWith: for any three rates (raw, and folded into valid counts)
// and every estimator, no panic and the invariants of checkShrinkWith.
func FuzzShrinkWith(f *testing.F) {
	f.Add(int64(3), int64(3), int64(45), int64(60), int64(20), int64(50))
	f.Add(int64(2), int64(4), int64(6), int64(8), int64(1), int64(4))
	f.Add(int64(0), int64(5), int64(0), int64(10), int64(0), int64(0))
	f.Add(int64(44), int64(100), int64(56), int64(100), int64(0), int64(0))
	f.Add(int64(49), int64(100), int64(51), int64(100), int64(0), int64(0))
	f.Add(int64(0), int64(100), int64(100), int64(100), int64(1), int64(1))
	f.Add(int64(1<<62), int64(1<<62), int64(1), int64(1<<62), int64(5), int64(9))
	f.Add(int64(5), int64(4), int64(1), int64(2), int64(1), int64(2))
	f.Fuzz(func(t *testing.T, k1, n1, k2, n2, k3, n3 int64) {
		for _, est := range []PriorEstimator{WeightedMoments, TextbookMoments, MaxLikelihood} {
			checkShrinkWith(t, []Rate{{k1, n1}, {k2, n2}, {k3, n3}}, est)
			checkShrinkWith(t, []Rate{validRate(k1, n1), validRate(k2, n2), validRate(k3, n3)}, est)
		}
	})
}

// checkShrinkWith runs ShrinkWith with the estimator and checks: the input
// is unchanged; the prior is a proper Beta, finite, of strength between 1
// and ΣN + 1, with a reason the estimator can give; every value is in
// [0, 1], between the rate and the prior mean, the mean of its posterior
// Beta(α + K, β + N − K); and a maximum likelihood fit is at least as
// likely as the weighted moments' prior.
func checkShrinkWith(t *testing.T, in []Rate, est PriorEstimator) {
	t.Helper()
	before := slices.Clone(in)
	s, err := ShrinkWith(in, &ShrinkOptions{Estimator: est})
	if !slices.Equal(before, in) {
		t.Fatalf("ShrinkWith modified its input: %v became %v", before, in)
	}
	if err != nil {
		return
	}
	p := s.Prior
	for _, x := range []float64{p.Alpha, p.Beta, p.Mean, p.Strength} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("ShrinkWith(%v, %v) prior %+v has NaN or Inf", in, est, p)
		}
	}
	var sn float64
	for _, r := range in {
		sn += float64(r.N)
	}
	if !(p.Alpha > 0 && p.Beta > 0 && p.Mean >= 0 && p.Mean <= 1) || p.Strength < 1-1e-12 || p.Strength > (sn+1)*(1+1e-12) {
		t.Fatalf("ShrinkWith(%v, %v) prior %+v: not a proper Beta of strength in [1, ΣN + 1]", in, est, p)
	}
	switch {
	case est == MaxLikelihood && p.Reason == FitMoments, est != MaxLikelihood && p.Reason == FitLikelihood, p.Reason == FitStated:
		t.Fatalf("ShrinkWith(%v, %v) reason %v", in, est, p.Reason)
	}
	for i, sr := range s.Rates {
		if !(sr.Value >= 0 && sr.Value <= 1) {
			t.Fatalf("ShrinkWith(%v, %v) rate %d value %v outside [0, 1]", in, est, i, sr.Value)
		}
		r := in[i]
		post := Posterior{p.Alpha + float64(r.K), p.Beta + float64(r.N-r.K)}
		if sr.Posterior != post {
			t.Fatalf("rate %d posterior %v, want %v", i, sr.Posterior, post)
		}
		if r.Defined() {
			v := r.Value()
			lo, hi := min(v, p.Mean), max(v, p.Mean)
			if tol := 1e-12; sr.Value < lo-tol || sr.Value > hi+tol {
				t.Fatalf("ShrinkWith(%v, %v) rate %d: shrunk %v outside [%v, %v]", in, est, i, sr.Value, lo, hi)
			}
		}
	}
	if est == MaxLikelihood && p.Reason == FitLikelihood && sn < 1e9 {
		w, err := ShrinkWith(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		lm, lw := betaBinomialLL(in, p.Alpha, p.Beta), betaBinomialLL(in, w.Prior.Alpha, w.Prior.Beta)
		if lm < lw-1e-9*max(1, math.Abs(lw)) {
			t.Fatalf("ShrinkWith(%v) likelihood fit %+v has log-likelihood %v below the moments' %v", in, p, lm, lw)
		}
	}
}
