package domino_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// mcCounts returns an UncertainRate of k of n under the Jeffreys prior.
func mcCounts(name string, k, n int64) domino.UncertainRate {
	return domino.UncertainRate{Name: name, Counts: funnel.Rate{K: k, N: n}}
}

func mcFloat(d decimal.Decimal) float64 { return d.InexactFloat64() }

func TestSimulatePosteriorsAndExpected(t *testing.T) {
	// PriorOf(0.3, 0.1): α + β = 0.3·0.7/0.1² − 1 = 20, α = 6, β = 14.
	team, err := funnel.PriorOf(0.3, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// PriorOf(0.25, 0.1): α + β = 0.25·0.75/0.01 − 1 = 17.75,
	// α = 4.4375, β = 13.3125 (as funnel.PriorOf's doc works it).
	stated, err := funnel.PriorOf(0.25, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	stages := []domino.UncertainRate{
		mcCounts("dm→call", 30, 100),                                        // Jeffreys: Beta(30 + ½, 70 + ½)
		{Name: "call→qual", Counts: funnel.Rate{K: 30, N: 80}, Prior: team}, // Beta(6 + 30, 14 + 50)
		{Name: "qual→won", Prior: stated},                                   // the prior itself
	}
	got, err := domino.Simulate(context.Background(), 1000, stages, decimal.NewFromInt(20000), &domino.SimulateOptions{Draws: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	wantPost := []funnel.Posterior{{Alpha: 30.5, Beta: 70.5}, {Alpha: 36, Beta: 64}, {Alpha: 4.4375, Beta: 13.3125}}
	if diff := cmp.Diff(wantPost, got.Posteriors, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
		t.Errorf("Simulate posteriors mismatch (-want +got):\n%s", diff)
	}
	// Expected = 1000 × 30.5/101 × 36/100 × 4.4375/17.75 × 20,000
	//          = 2·10⁷ × 30.5 × 0.36 × 0.25 / 101 = 54,900,000/101
	//          = 543,564.3564… → 543,564.36
	if want := decimal.RequireFromString("543564.36"); !got.Expected.Equal(want) {
		t.Errorf("Simulate Expected = %s, want %s", got.Expected, want)
	}
	if got.Draws != 2000 || got.Seed != 1 {
		t.Errorf("Simulate Draws, Seed = %d, %d, want 2000, 1", got.Draws, got.Seed)
	}
}

// TestSimulateOneStage checks one Beta stage against gonum's Beta
// distribution, a second method: with revenue = top × r × ASP and r ~
// Beta(α, β),
//
//	P(revenue >= T) = P(r >= T/(top·ASP)) = 1 − BetaCDF(T/(top·ASP))
//	Q_revenue(p)    = top × ASP × BetaQuantile(p)
//	E[revenue]      = top × ASP × α/(α + β)
//
// each within 4 Monte Carlo standard errors: √(p(1 − p)/n) for a
// probability, SD/√n for the mean, and √(p(1 − p)/n)/f(Q(p)) for a
// quantile (the asymptotic standard error of a sample quantile, f the
// density), plus a cent of rounding.
func TestSimulateOneStage(t *testing.T) {
	const (
		top   = 1000.0
		asp   = 100.0
		n     = 100_000
		scale = top * asp
	)
	beta := distuv.Beta{Alpha: 30.5, Beta: 70.5} // Jeffreys posterior of 30 of 100
	targets := []decimal.Decimal{
		decimal.NewFromInt(0),      // always reached: P = 1
		decimal.NewFromInt(25000),  // r >= 0.25
		decimal.NewFromInt(30000),  // r >= 0.30
		decimal.NewFromInt(35000),  // r >= 0.35
		decimal.NewFromInt(40000),  // r >= 0.40
		decimal.NewFromInt(100001), // r > 1: never
	}
	levels := []float64{0.01, 0.25, 0.75, 0.99}
	for _, workers := range []int{1, 3} {
		got, err := domino.Simulate(context.Background(), top, []domino.UncertainRate{mcCounts("only", 30, 100)},
			decimal.NewFromInt(asp), &domino.SimulateOptions{Draws: n, Seed: 42, Workers: workers, Targets: targets, Quantiles: levels})
		if err != nil {
			t.Fatal(err)
		}
		for i, tr := range got.Reach {
			th := mcFloat(targets[i]) / scale
			want := 1.0
			if th > 0 {
				want = 1 - beta.CDF(math.Min(th, 1))
			}
			tol := 4*math.Sqrt(want*(1-want)/n) + 1e-12
			if math.Abs(tr.Probability-want) > tol {
				t.Errorf("P(revenue >= %s) = %.5f, want %.5f ± %.5f", targets[i], tr.Probability, want, tol)
			}
			if se := math.Sqrt(tr.Probability * (1 - tr.Probability) / n); math.Abs(tr.StdErr-se) > 1e-15 {
				t.Errorf("StdErr = %g, want √(p(1 − p)/n) = %g", tr.StdErr, se)
			}
			if !tr.Target.Equal(targets[i]) {
				t.Errorf("Reach[%d].Target = %s, want %s", i, tr.Target, targets[i])
			}
		}
		check := func(name string, p float64, got decimal.Decimal) {
			q := beta.Quantile(p)
			want := scale * q
			tol := 4*scale*math.Sqrt(p*(1-p)/n)/beta.Prob(q) + 0.01
			if math.Abs(mcFloat(got)-want) > tol {
				t.Errorf("%s = %s, want %.2f ± %.2f", name, got, want, tol)
			}
		}
		check("P10", 0.1, got.P10)
		check("P50", 0.5, got.P50)
		check("P90", 0.9, got.P90)
		for _, q := range got.Quantiles {
			check("quantile", q.P, q.Revenue)
		}
		// Mean: E = 10⁵ × 30.5/101 = 30,198.02; SD of r = √(αβ/((α+β)²(α+β+1)))
		// = √(30.5·70.5/(101²·102)) = 0.045500, so SD of revenue ≈ 4,550.
		wantSD := scale * math.Sqrt(30.5*70.5/(101*101*102))
		if d := math.Abs(mcFloat(got.SD) - wantSD); d > 0.02*wantSD {
			t.Errorf("SD = %s, want %.2f within 2%%", got.SD, wantSD)
		}
		if want := decimal.RequireFromString("30198.02"); !got.Expected.Equal(want) {
			t.Errorf("Expected = %s, want %s", got.Expected, want)
		}
		if d := math.Abs(mcFloat(got.Mean) - mcFloat(got.Expected)); d > 4*wantSD/math.Sqrt(n)+0.01 {
			t.Errorf("Mean = %s, want %s ± %.2f", got.Mean, got.Expected, 4*wantSD/math.Sqrt(n))
		}
	}
}

// TestSimulateMedianApproachesPoint: at the same rates (30%, 50%, 25%)
// with counts ×1, ×10, ×100, ×1000 the posteriors narrow around K/N, so
// the median of revenue approaches the point estimate top × Π K/N × ASP
// = 1000 × 0.3 × 0.5 × 0.25 × 100 = 3,750.
func TestSimulateMedianApproachesPoint(t *testing.T) {
	const point = 1000 * 0.3 * 0.5 * 0.25 * 100 // 3,750, by hand
	var errs []float64
	for _, m := range []int64{1, 10, 100, 1000} {
		stages := []domino.UncertainRate{mcCounts("a", 30*m, 100*m), mcCounts("b", 50*m, 100*m), mcCounts("c", 25*m, 100*m)}
		got, err := domino.Simulate(context.Background(), 1000, stages, decimal.NewFromInt(100), &domino.SimulateOptions{Draws: 50_000, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		errs = append(errs, math.Abs(mcFloat(got.P50)-point)/point)
	}
	t.Logf("|median − point|/point at ×1, ×10, ×100, ×1000: %.5f", errs)
	// The Monte Carlo error of the median at ×1000 (relative SD of the
	// product about √(0.7/0.3 + 1 + 3)/√10⁵ = 0.8%) is 1.25 × 0.8%/√(5·10⁴)
	// ≈ 0.005%; each step must shrink the error unless both are within
	// that noise.
	const noise = 2e-4
	for i := 1; i < len(errs); i++ {
		if errs[i] > errs[i-1] && errs[i] > noise {
			t.Errorf("relative error at step %d = %.5f, above %.5f at the step before", i, errs[i], errs[i-1])
		}
	}
	if errs[len(errs)-1] >= 0.01 {
		t.Errorf("relative error at ×1000 = %.5f, want below 1%%", errs[len(errs)-1])
	}
	if errs[0] <= errs[len(errs)-1] {
		t.Errorf("error did not shrink: %v", errs)
	}
}

func mcChain() []domino.UncertainRate {
	return []domino.UncertainRate{
		mcCounts("dm→prequal", 300, 1000),
		mcCounts("prequal→qual", 150, 300),
		mcCounts("qual→profile", 90, 150),
		mcCounts("profile→interview", 36, 90),
		mcCounts("interview→placement", 9, 36),
	}
}

func TestSimulateWorkersIdentical(t *testing.T) {
	base := domino.SimulateOptions{Draws: 50_001, Seed: 99, Quantiles: []float64{0, 0.05, 0.95, 1},
		Targets: []decimal.Decimal{decimal.NewFromInt(150000), decimal.NewFromInt(200000)}}
	run := func(workers int) domino.Simulation {
		o := base
		o.Workers = workers
		got, err := domino.Simulate(context.Background(), 1000, mcChain(), decimal.NewFromInt(20000), &o)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := run(1)
	for _, w := range []int{0, 2, 7, 64} {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			if diff := cmp.Diff(want, run(w)); diff != "" {
				t.Errorf("Simulate(Workers %d) mismatch with Workers 1 (-want +got):\n%s", w, diff)
			}
		})
	}
	// Another seed gives other draws.
	o := base
	o.Seed = 100
	other, err := domino.Simulate(context.Background(), 1000, mcChain(), decimal.NewFromInt(20000), &o)
	if err != nil {
		t.Fatal(err)
	}
	if other.P50.Equal(want.P50) && other.Mean.Equal(want.Mean) {
		t.Errorf("seeds 99 and 100 gave the same median %s and mean %s", want.P50, want.Mean)
	}
	// The same draws asked for other levels give the same P10, P50 and
	// P90 (each quantile is an exact order statistic, whichever others
	// are selected), and the levels 0.1, 0.5, 0.9 give them again.
	o = base
	o.Quantiles = []float64{0.9, 0.5, 0.1, 0.3333}
	again, err := domino.Simulate(context.Background(), 1000, mcChain(), decimal.NewFromInt(20000), &o)
	if err != nil {
		t.Fatal(err)
	}
	gotQ := []decimal.Decimal{again.P10, again.P50, again.P90, again.Quantiles[2].Revenue, again.Quantiles[1].Revenue, again.Quantiles[0].Revenue}
	wantQ := []decimal.Decimal{want.P10, want.P50, want.P90, want.P10, want.P50, want.P90}
	if diff := cmp.Diff(wantQ, gotQ); diff != "" {
		t.Errorf("quantiles with other levels mismatch (-want +got):\n%s", diff)
	}
	// Ordered quantiles: min <= P05 <= P10 <= P50 <= P90 <= P95 <= max.
	q := want.Quantiles
	seq := []decimal.Decimal{q[0].Revenue, q[1].Revenue, want.P10, want.P50, want.P90, q[2].Revenue, q[3].Revenue}
	if !slices.IsSortedFunc(seq, func(a, b decimal.Decimal) int { return a.Cmp(b) }) {
		t.Errorf("quantiles out of order: %v", seq)
	}
}

func TestSimulateCancel(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := domino.Simulate(ctx, 1000, mcChain(), decimal.NewFromInt(20000), nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Simulate(canceled) error = %v, want one wrapping context.Canceled", err)
		}
		if !strings.HasPrefix(err.Error(), "domino.Simulate: ") {
			t.Errorf("error %q does not name domino.Simulate", err)
		}
	})
	t.Run("during", func(t *testing.T) {
		// 200 stages × 2·10⁶ draws is 4·10⁸ stage-draws, over 10 s on one
		// worker at 2.4·10⁷ a CPU second (BenchmarkSimulate); a cancel
		// 20 ms in must stop it within a block (4096 draws, about 40 ms
		// here), allowing 3 s for a machine shared with other jobs.
		stages := slices.Repeat(mcChain(), 40)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := domino.Simulate(ctx, 1000, stages, decimal.NewFromInt(20000), &domino.SimulateOptions{Draws: 2_000_000, Workers: 1})
			done <- err
		}()
		time.Sleep(20 * time.Millisecond)
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Simulate error = %v, want one wrapping context.Canceled", err)
			}
			t.Logf("returned %v after cancel", time.Since(start))
		case <-time.After(3 * time.Second):
			t.Fatal("Simulate did not return within 3 s of cancel")
		}
	})
}

func TestSimulateBadInput(t *testing.T) {
	nan := math.NaN()
	asp := decimal.NewFromInt(20000)
	good := mcChain()
	with := func(i int, s domino.UncertainRate) []domino.UncertainRate {
		c := slices.Clone(good)
		c[i] = s
		return c
	}
	tests := []struct {
		name   string
		top    float64
		stages []domino.UncertainRate
		asp    decimal.Decimal
		opt    *domino.SimulateOptions
		want   error
		where  string // text the error must hold
	}{
		{"negative top", -1, good, asp, nil, funnel.ErrNegative, "top"},
		{"NaN top", nan, good, asp, nil, funnel.ErrNotFinite, "top"},
		{"infinite top", math.Inf(1), good, asp, nil, funnel.ErrNotFinite, "top"},
		{"negative ASP", 1000, good, decimal.NewFromInt(-1), nil, funnel.ErrNegativeAmount, "asp"},
		{"ASP past cents range", 1000, good, decimal.New(1, -40), nil, funnel.ErrOutOfRange, "asp"},
		{"no stages", 1000, nil, asp, nil, funnel.ErrEmptyFunnel, "stages"},
		{"K > N", 1000, with(2, mcCounts("qual→profile", 151, 150)), asp, nil, funnel.ErrKExceedsN, `"qual→profile" (index 2)`},
		{"negative K", 1000, with(1, mcCounts("prequal→qual", -1, 300)), asp, nil, funnel.ErrNegativeCount, "(index 1)"},
		{"negative N", 1000, with(0, mcCounts("x", 0, -5)), asp, nil, funnel.ErrNegativeCount, "(index 0)"},
		{"NaN prior", 1000, with(3, domino.UncertainRate{Prior: funnel.Prior{Alpha: nan, Beta: 1}}), asp, nil, funnel.ErrNotFinite, "(index 3)"},
		{"infinite prior", 1000, with(3, domino.UncertainRate{Prior: funnel.Prior{Alpha: 1, Beta: math.Inf(1)}}), asp, nil, funnel.ErrNotFinite, "(index 3)"},
		{"negative prior", 1000, with(4, domino.UncertainRate{Prior: funnel.Prior{Alpha: -1, Beta: 2}}), asp, nil, funnel.ErrOutOfRange, "(index 4)"},
		{"half-zero prior", 1000, with(4, domino.UncertainRate{Prior: funnel.Prior{Alpha: 0, Beta: 2}}), asp, nil, funnel.ErrOutOfRange, "(index 4)"},
		{"negative draws", 1000, good, asp, &domino.SimulateOptions{Draws: -1}, funnel.ErrOutOfRange, "options.draws"},
		{"too many draws", 1000, good, asp, &domino.SimulateOptions{Draws: domino.MaxDraws + 1}, funnel.ErrOutOfRange, "options.draws"},
		{"negative workers", 1000, good, asp, &domino.SimulateOptions{Workers: -2}, funnel.ErrOutOfRange, "options.workers"},
		{"quantile above 1", 1000, good, asp, &domino.SimulateOptions{Quantiles: []float64{0.5, 1.5}}, funnel.ErrOutOfRange, "options.quantiles[1]"},
		{"negative quantile", 1000, good, asp, &domino.SimulateOptions{Quantiles: []float64{-0.1}}, funnel.ErrOutOfRange, "options.quantiles[0]"},
		{"NaN quantile", 1000, good, asp, &domino.SimulateOptions{Quantiles: []float64{nan}}, funnel.ErrNotFinite, "options.quantiles[0]"},
		{"negative target", 1000, good, asp, &domino.SimulateOptions{Targets: []decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(-1)}}, funnel.ErrNegativeAmount, "options.targets[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domino.Simulate(context.Background(), tt.top, tt.stages, tt.asp, tt.opt)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Simulate error = %v, want one wrapping %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "domino.Simulate: ") || !strings.Contains(err.Error(), tt.where) {
				t.Errorf("error %q does not start with domino.Simulate and name %s", err, tt.where)
			}
			if diff := cmp.Diff(domino.Simulation{}, got); diff != "" {
				t.Errorf("Simulate result on error not zero (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSimulateEdges(t *testing.T) {
	ctx := context.Background()
	opt := func() *domino.SimulateOptions {
		return &domino.SimulateOptions{Draws: 10_000, Seed: 3, Targets: []decimal.Decimal{decimal.Zero, decimal.NewFromInt(1)}}
	}
	t.Run("zero top", func(t *testing.T) {
		got, err := domino.Simulate(ctx, 0, mcChain(), decimal.NewFromInt(20000), opt())
		if err != nil {
			t.Fatal(err)
		}
		// Revenue 0 every draw: every figure 0, target 0 reached (P = 1),
		// target 1 never (P = 0).
		for _, d := range []decimal.Decimal{got.Expected, got.Mean, got.SD, got.P10, got.P50, got.P90} {
			if !d.IsZero() {
				t.Errorf("figure %s, want 0", d)
			}
		}
		if got.Reach[0].Probability != 1 || got.Reach[1].Probability != 0 {
			t.Errorf("Reach = %+v, want P 1 then 0", got.Reach)
		}
	})
	t.Run("zero ASP", func(t *testing.T) {
		got, err := domino.Simulate(ctx, 1000, mcChain(), decimal.Zero, opt())
		if err != nil {
			t.Fatal(err)
		}
		if !got.P90.IsZero() || got.Reach[0].Probability != 1 || got.Reach[1].Probability != 0 {
			t.Errorf("P90 = %s, Reach = %+v, want 0 and P 1 then 0", got.P90, got.Reach)
		}
	})
	t.Run("tiny prior is a coin", func(t *testing.T) {
		// Beta(10⁻³⁰⁰, 10⁻³⁰⁰) puts its mass at 0 and 1, half each: revenue
		// is 0 or top × ASP = 100, the median either, P(revenue >= 1) ≈ ½
		// (within 4·√(¼/10⁴) = 0.02).
		s := []domino.UncertainRate{{Prior: funnel.Prior{Alpha: 1e-300, Beta: 1e-300}}}
		got, err := domino.Simulate(ctx, 1, s, decimal.NewFromInt(100), opt())
		if err != nil {
			t.Fatal(err)
		}
		if p := got.Reach[1].Probability; math.Abs(p-0.5) > 0.02 {
			t.Errorf("P(revenue >= 1) = %g, want 0.5 ± 0.02", p)
		}
		if !got.P10.IsZero() || !got.P90.Equal(decimal.NewFromInt(100)) {
			t.Errorf("P10, P90 = %s, %s, want 0, 100", got.P10, got.P90)
		}
	})
	t.Run("huge counts", func(t *testing.T) {
		// 2⁶² − 1 of 2⁶²: the rate is 1 to float precision, revenue
		// top × ASP = 1,000 × 10 = 10,000.
		s := []domino.UncertainRate{mcCounts("x", 1<<62-1, 1<<62)}
		got, err := domino.Simulate(ctx, 1000, s, decimal.NewFromInt(10), opt())
		if err != nil {
			t.Fatal(err)
		}
		want := decimal.NewFromInt(10000)
		if !got.P50.Equal(want) || !got.Mean.Equal(want) {
			t.Errorf("P50, Mean = %s, %s, want %s", got.P50, got.Mean, want)
		}
	})
	t.Run("no trials, Jeffreys", func(t *testing.T) {
		// Beta(½, ½): mean ½, so Expected = 1000 × ½ × 10 = 5,000; the
		// median of the arcsine law is ½ too (5,000 ± 4·√(¼/10⁴)/f(½)·10⁴,
		// f(½) = 1/(π·½) = 0.6366: ± 314).
		got, err := domino.Simulate(ctx, 1000, []domino.UncertainRate{{}}, decimal.NewFromInt(10), opt())
		if err != nil {
			t.Fatal(err)
		}
		if !got.Expected.Equal(decimal.NewFromInt(5000)) || math.Abs(mcFloat(got.P50)-5000) > 314 {
			t.Errorf("Expected, P50 = %s, %s, want 5000, 5000 ± 314", got.Expected, got.P50)
		}
	})
}

func TestSimulateInputsUnchanged(t *testing.T) {
	stages := mcChain()
	stages[1].Prior = funnel.Prior{Alpha: 2, Beta: 3}
	opt := &domino.SimulateOptions{Draws: 5000, Workers: 3, Quantiles: []float64{0.9, 0.1}, Targets: []decimal.Decimal{decimal.NewFromInt(5)}}
	wantStages := slices.Clone(stages)
	wantOpt := *opt
	wantOpt.Quantiles = slices.Clone(opt.Quantiles)
	wantOpt.Targets = slices.Clone(opt.Targets)
	if _, err := domino.Simulate(context.Background(), 1000, stages, decimal.NewFromInt(20000), opt); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantStages, stages); diff != "" {
		t.Errorf("Simulate changed its stages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantOpt, *opt); diff != "" {
		t.Errorf("Simulate changed its options (-want +got):\n%s", diff)
	}
}

func TestSimulationJSON(t *testing.T) {
	got, err := domino.Simulate(context.Background(), 100, mcChain()[:1], decimal.NewFromInt(10),
		&domino.SimulateOptions{Draws: 100, Quantiles: []float64{0.5}, Targets: []decimal.Decimal{decimal.NewFromInt(300)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	want := []string{"draws", "expected", "mean", "p10", "p50", "p90", "posteriors", "quantiles", "reach", "sd", "seed"}
	var have []string
	for k := range keys {
		have = append(have, k)
	}
	slices.Sort(have)
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("Simulation JSON keys mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(b), `"std_err":`) {
		t.Errorf("Simulation JSON %s lacks std_err", b)
	}
}
