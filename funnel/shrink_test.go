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

// team is a realistic team of five reps, won of worked: a rep with a
// perfect but tiny record and a rep with a long strong one.
var team = []Rate{{3, 3}, {45, 60}, {20, 50}, {30, 70}, {10, 40}}

// teamPrior is the prior Shrink fits to team, worked by hand (checked with
// exact fractions):
//
//	R = 5, N = 3+60+50+70+40 = 223, ΣK = 3+45+20+30+10 = 108
//	m = 108/223 = 0.484305, m(1−m) = 0.249754
//	p_i − m = 0.515695, 0.265695, −0.084305, −0.055734, −0.234305
//	SS = 3·0.265941 + 60·0.070594 + 50·0.007107 + 70·0.003106 + 40·0.054899
//	   = 48717/6244 = 7.802210
//	ΣN_i² = 9+3600+2500+4900+1600 = 12609, ΣN_i²/N = 56.542601
//	den = 223 − 56.542601 − 4 = 162.457399
//	τ² = (7.802210 − 4·0.249754)/162.457399 = 0.041877
//	α+β = 0.249754/0.041877 − 1 = 4.964011 (below N = 223: no cap)
//	α = 0.484305·4.964011 = 2.404095, β = 2.559916
var teamPrior = Prior{Alpha: 2.404095, Beta: 2.559916, Mean: 108.0 / 223, Strength: 4.964011, Reason: FitMoments}

func TestShrinkTeam(t *testing.T) {
	in := slices.Clone(team)
	got, err := Shrink(in)
	if err != nil {
		t.Fatalf("Shrink: %v", err)
	}
	// Shrunk values (K + α)/(N + α + β) with the prior above, and the
	// posteriors Beta(α + K, β + N − K):
	//	3/3:   5.404095/7.964011   = 0.678564, Beta(5.404095, 2.559916)
	//	45/60: 47.404095/64.964011 = 0.729698, Beta(47.404095, 17.559916)
	//	20/50: 22.404095/54.964011 = 0.407614, Beta(22.404095, 32.559916)
	//	30/70: 32.404095/74.964011 = 0.432262, Beta(32.404095, 42.559916)
	//	10/40: 12.404095/44.964011 = 0.275867, Beta(12.404095, 32.559916)
	want := Shrinkage{
		Prior: teamPrior,
		Rates: []ShrunkRate{
			{Rate{3, 3}, 0.678564, Posterior{5.404095, 2.559916}},
			{Rate{45, 60}, 0.729698, Posterior{47.404095, 17.559916}},
			{Rate{20, 50}, 0.407614, Posterior{22.404095, 32.559916}},
			{Rate{30, 70}, 0.432262, Posterior{32.404095, 42.559916}},
			{Rate{10, 40}, 0.275867, Posterior{12.404095, 32.559916}},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 2e-6)); diff != "" {
		t.Errorf("Shrink(team) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(team, in); diff != "" {
		t.Errorf("Shrink modified its input (-before +after):\n%s", diff)
	}

	// By raw rate 3/3 = 1.00 leads 45/60 = 0.75; shrunk, 45/60 leads:
	// 0.7297 > 0.6786 > 30/70 0.4323 > 20/50 0.4076 > 10/40 0.2759.
	if diff := cmp.Diff([]int{1, 0, 3, 2, 4}, got.Ranking()); diff != "" {
		t.Errorf("Ranking() mismatch (-want +got):\n%s", diff)
	}
}

func TestShrinkFallbacks(t *testing.T) {
	tests := []struct {
		name  string
		rates []Rate
		want  Shrinkage
	}{
		{
			// One rate with trials: m = 3/10, strength N = 10, so α = 3,
			// β = 7. 3/10 keeps (3+3)/(10+10) = 0.3; 0 of 0 gets
			// 3/10 = 0.3.
			name:  "too few",
			rates: []Rate{{3, 10}, {0, 0}},
			want: Shrinkage{
				Prior: Prior{Alpha: 3, Beta: 7, Mean: 0.3, Strength: 10, Fallback: true, Reason: FitTooFew},
				Rates: []ShrunkRate{{Rate{3, 10}, 0.3, Posterior{6, 14}}, {Rate{0, 0}, 0.3, Posterior{3, 7}}},
			},
		},
		{
			// Pooled rate 0 of 15: Jeffreys posterior Beta(0 + ½, 15 + ½),
			// strength 16, mean 0.5/16 = 0.03125. 0/5 → 0.5/21,
			// 0/10 → 0.5/26.
			name:  "boundary zero",
			rates: []Rate{{0, 5}, {0, 10}},
			want: Shrinkage{
				Prior: Prior{Alpha: 0.5, Beta: 15.5, Mean: 0.03125, Strength: 16, Fallback: true, Reason: FitBoundary},
				Rates: []ShrunkRate{{Rate{0, 5}, 0.5 / 21, Posterior{0.5, 20.5}}, {Rate{0, 10}, 0.5 / 26, Posterior{0.5, 25.5}}},
			},
		},
		{
			// Pooled rate 1 (4 of 4 and 2 of 2): Beta(6 + ½, 0 + ½),
			// strength 7, mean 6.5/7. 4/4 → 10.5/11, 2/2 → 8.5/9.
			name:  "boundary one",
			rates: []Rate{{4, 4}, {2, 2}},
			want: Shrinkage{
				Prior: Prior{Alpha: 6.5, Beta: 0.5, Mean: 6.5 / 7, Strength: 7, Fallback: true, Reason: FitBoundary},
				Rates: []ShrunkRate{{Rate{4, 4}, 10.5 / 11, Posterior{10.5, 0.5}}, {Rate{2, 2}, 8.5 / 9, Posterior{8.5, 0.5}}},
			},
		},
		{
			// Identical rates: SS = 0, so τ² = −2·0.25/den < 0. Strength
			// N = 30, α = β = 15; each stays (5+15)/(10+30) = 0.5.
			name:  "no spread",
			rates: []Rate{{5, 10}, {5, 10}, {5, 10}},
			want: Shrinkage{
				Prior: Prior{Alpha: 15, Beta: 15, Mean: 0.5, Strength: 30, Fallback: true, Reason: FitNoSpread},
				Rates: []ShrunkRate{{Rate{5, 10}, 0.5, Posterior{20, 20}}, {Rate{5, 10}, 0.5, Posterior{20, 20}}, {Rate{5, 10}, 0.5, Posterior{20, 20}}},
			},
		},
		{
			// Single trials: den = 4 − 4/4 − 3 = 0, no information on
			// the spread. Strength N = 4, α = β = 2: 1/1 → 3/5,
			// 0/1 → 2/5.
			name:  "single trials",
			rates: []Rate{{1, 1}, {0, 1}, {1, 1}, {0, 1}},
			want: Shrinkage{
				Prior: Prior{Alpha: 2, Beta: 2, Mean: 0.5, Strength: 4, Fallback: true, Reason: FitNoSpread},
				Rates: []ShrunkRate{{Rate{1, 1}, 0.6, Posterior{3, 2}}, {Rate{0, 1}, 0.4, Posterior{2, 3}}, {Rate{1, 1}, 0.6, Posterior{3, 2}}, {Rate{0, 1}, 0.4, Posterior{2, 3}}},
			},
		},
		{
			// 46/100 and 54/100: m = 0.5, SS = 2·100·0.04² = 0.32,
			// den = 200 − 20000/200 − 1 = 99, τ² = (0.32 − 0.25)/99 =
			// 0.000707, α+β = 0.25/0.000707 − 1 = 352.57 > N = 200, so
			// capped at 200, α = β = 100: 146/300 and 154/300.
			name:  "capped",
			rates: []Rate{{46, 100}, {54, 100}},
			want: Shrinkage{
				Prior: Prior{Alpha: 100, Beta: 100, Mean: 0.5, Strength: 200, Fallback: true, Reason: FitCapped},
				Rates: []ShrunkRate{{Rate{46, 100}, 146.0 / 300, Posterior{146, 154}}, {Rate{54, 100}, 154.0 / 300, Posterior{154, 146}}},
			},
		},
		{
			// 0/100 and 100/100: m = 0.5, SS = 2·100·0.25 = 50,
			// τ² = (50 − 0.25)/99 = 0.5025 > m(1−m), α+β = −0.50 <= 1,
			// floored at 1, α = β = ½: 0.5/101 and 100.5/101.
			name:  "wide spread",
			rates: []Rate{{0, 100}, {100, 100}},
			want: Shrinkage{
				Prior: Prior{Alpha: 0.5, Beta: 0.5, Mean: 0.5, Strength: 1, Fallback: true, Reason: FitWideSpread},
				Rates: []ShrunkRate{{Rate{0, 100}, 0.5 / 101, Posterior{0.5, 100.5}}, {Rate{100, 100}, 100.5 / 101, Posterior{100.5, 0.5}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Shrink(tt.rates)
			if err != nil {
				t.Fatalf("Shrink(%v): %v", tt.rates, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("Shrink(%v) mismatch (-want +got):\n%s", tt.rates, diff)
			}
		})
	}
}

// TestShrinkBetween checks a property of any Beta prior: every shrunk value
// lies between the rate's own K/N and the prior mean, and a rate with no
// trials gets the mean.
func TestShrinkBetween(t *testing.T) {
	rates := append(slices.Clone(team), Rate{0, 0}, Rate{1, 2}, Rate{60, 100})
	got, err := Shrink(rates)
	if err != nil {
		t.Fatalf("Shrink: %v", err)
	}
	m := got.Prior.Mean
	for i, s := range got.Rates {
		if !s.Rate.Defined() {
			if math.Abs(s.Value-m) > 1e-15 {
				t.Errorf("rates[%d] %v: shrunk %v, want the prior mean %v", i, s.Rate, s.Value, m)
			}
			continue
		}
		p := s.Rate.Value()
		lo, hi := min(p, m), max(p, m)
		if s.Value < lo || s.Value > hi {
			t.Errorf("rates[%d] %v: shrunk %v outside [%v, %v]", i, s.Rate, s.Value, lo, hi)
		}
	}
}

func TestShrinkErrors(t *testing.T) {
	tests := []struct {
		name  string
		rates []Rate
		want  error
	}{
		{"nil", nil, ErrNoData},
		{"empty", []Rate{}, ErrNoData},
		{"no trials", []Rate{{0, 0}, {0, 0}}, ErrNoData},
		{"k > n", []Rate{{3, 3}, {5, 4}}, ErrKExceedsN},
		{"negative n", []Rate{{0, -2}}, ErrNegativeCount},
		{"negative k", []Rate{{1, 2}, {-1, 2}}, ErrNegativeCount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Shrink(tt.rates)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Shrink(%v) error = %v, want %v", tt.rates, err, tt.want)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Errorf("Shrink(%v) error %T is not a *InputError", tt.rates, err)
			}
			if got.Rates != nil {
				t.Errorf("Shrink(%v) = %v with an error, want the zero Shrinkage", tt.rates, got)
			}
		})
	}
	// The error names the offending element.
	_, err := Shrink([]Rate{{3, 3}, {5, 4}})
	if want := `funnel: rates[1] = 5 of 4: successes exceed trials`; err == nil || err.Error() != want {
		t.Errorf("Shrink error text = %v, want %q", err, want)
	}
}

func TestPriorShrunk(t *testing.T) {
	// Beta(2, 8): (K + 2)/(N + 10). 3 of 10 → 5/20 = 0.25, 0 of 0 → 0.2.
	p := Prior{Alpha: 2, Beta: 8}
	for _, tt := range []struct {
		r    Rate
		want float64
	}{{Rate{3, 10}, 0.25}, {Rate{0, 0}, 0.2}, {Rate{90, 90}, 92.0 / 100}} {
		got, err := p.Shrunk(tt.r)
		if err != nil || math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("Shrunk(%v) = %v, %v; want %v", tt.r, got, err, tt.want)
		}
	}
	if _, err := (Prior{}).Shrunk(Rate{1, 2}); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("zero Prior Shrunk error = %v, want ErrOutOfRange", err)
	}
	if _, err := p.Shrunk(Rate{3, 2}); !errors.Is(err, ErrKExceedsN) {
		t.Errorf("Shrunk(3 of 2) error = %v, want ErrKExceedsN", err)
	}
	// Shrink's values agree with Shrunk on the fitted prior.
	s, err := Shrink(team)
	if err != nil {
		t.Fatal(err)
	}
	for _, sr := range s.Rates {
		if got, err := s.Prior.Shrunk(sr.Rate); err != nil || got != sr.Value {
			t.Errorf("Prior.Shrunk(%v) = %v, %v; Shrink gave %v", sr.Rate, got, err, sr.Value)
		}
	}
}

func TestRankingTies(t *testing.T) {
	// Equal values keep input order; the highest comes first.
	s := Shrinkage{Rates: []ShrunkRate{{Value: 0.2}, {Value: 0.5}, {Value: 0.2}, {Value: 0.9}, {Value: 0.5}}}
	if diff := cmp.Diff([]int{3, 1, 4, 0, 2}, s.Ranking()); diff != "" {
		t.Errorf("Ranking() mismatch (-want +got):\n%s", diff)
	}
	if got := (Shrinkage{}).Ranking(); len(got) != 0 {
		t.Errorf("empty Ranking() = %v, want empty", got)
	}
}

func TestFitReasonText(t *testing.T) {
	want := []string{"moments", "boundary", "too-few", "no-spread", "capped", "wide-spread"}
	for i, name := range want {
		r := FitReason(i)
		b, err := r.MarshalText()
		if err != nil || string(b) != name {
			t.Errorf("FitReason(%d).MarshalText() = %q, %v; want %q", i, b, err, name)
		}
		var back FitReason
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, back, err, r)
		}
	}
	if _, err := FitReason(9).MarshalText(); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("FitReason(9).MarshalText() error = %v, want ErrOutOfRange", err)
	}
	if got := FitReason(9).String(); got != "FitReason(9)" {
		t.Errorf("FitReason(9).String() = %q", got)
	}
	var r FitReason
	if err := r.UnmarshalText([]byte("guess")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf(`UnmarshalText("guess") error = %v, want ErrOutOfRange`, err)
	}
	// A Shrinkage survives a JSON round trip, the reason as its name.
	s, err := Shrink(team)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Shrinkage
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
}

// FuzzShrink checks that Shrink never panics, never gives NaN or Inf, keeps
// a proper prior (α, β > 0) and shrunk values in [0, 1] between each rate
// and the prior mean, and does not modify its input.
func FuzzShrink(f *testing.F) {
	f.Add(int64(3), int64(3), int64(45), int64(60), int64(20), int64(50))
	f.Add(int64(0), int64(5), int64(0), int64(10), int64(0), int64(0))
	f.Add(int64(46), int64(100), int64(54), int64(100), int64(0), int64(0))
	f.Add(int64(0), int64(100), int64(100), int64(100), int64(1), int64(1))
	f.Add(int64(1), int64(1), int64(0), int64(1), int64(1), int64(1))
	f.Add(int64(1<<62), int64(1<<62), int64(1), int64(1<<62), int64(5), int64(9))
	f.Add(int64(5), int64(4), int64(1), int64(2), int64(1), int64(2))
	f.Add(int64(1<<62), int64(1<<62), int64(1<<62), int64(1<<62), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, k1, n1, k2, n2, k3, n3 int64) {
		checkShrink(t, []Rate{{k1, n1}, {k2, n2}, {k3, n3}})
		// The same numbers folded into valid counts, so that most runs
		// reach the fit.
		checkShrink(t, []Rate{validRate(k1, n1), validRate(k2, n2), validRate(k3, n3)})
	})
}

// validRate folds any two numbers into a valid rate: N = |n|, K = |k| mod
// (N + 1), with math.MinInt64 taken as math.MaxInt64.
func validRate(k, n int64) Rate {
	abs := func(x int64) int64 {
		if x == math.MinInt64 {
			return math.MaxInt64
		}
		if x < 0 {
			return -x
		}
		return x
	}
	n = abs(n)
	if n == math.MaxInt64 {
		return Rate{K: abs(k), N: n}
	}
	return Rate{K: abs(k) % (n + 1), N: n}
}

// checkShrink runs Shrink on in and checks its invariants.
func checkShrink(t *testing.T, in []Rate) {
	t.Helper()
	before := slices.Clone(in)
	s, err := Shrink(in)
	if !slices.Equal(before, in) {
		t.Fatalf("Shrink modified its input: %v became %v", before, in)
	}
	if err != nil {
		return
	}
	p := s.Prior
	for _, x := range []float64{p.Alpha, p.Beta, p.Mean, p.Strength} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Fatalf("Shrink(%v) prior %+v has NaN or Inf", in, p)
		}
	}
	// The mean is strictly inside (0, 1) in exact arithmetic, but
	// (ΣK + ½)/(ΣN + 1) rounds to 1 in float64 above 2^53 trials.
	if !(p.Alpha > 0 && p.Beta > 0 && p.Mean >= 0 && p.Mean <= 1) {
		t.Errorf("Shrink(%v) prior %+v is not a proper Beta", in, p)
	}
	for i, sr := range s.Rates {
		if !(sr.Value >= 0 && sr.Value <= 1) {
			t.Errorf("Shrink(%v) rate %d value %v outside [0, 1]", in, i, sr.Value)
		}
		if sr.Rate.Defined() {
			v := sr.Rate.Value()
			lo, hi := min(v, p.Mean), max(v, p.Mean)
			if tol := 1e-12; sr.Value < lo-tol || sr.Value > hi+tol {
				t.Errorf("Shrink(%v) rate %d: shrunk %v outside [%v, %v]", in, i, sr.Value, lo, hi)
			}
		}
	}
	if len(s.Ranking()) != len(in) {
		t.Errorf("Ranking has %d entries for %d rates", len(s.Ranking()), len(in))
	}
}
