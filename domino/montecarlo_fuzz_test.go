package domino_test

import (
	"context"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// FuzzSimulate draws a two-stage chain from arbitrary numbers: Simulate
// must not panic, must return an error or a result whose probabilities
// are finite and in [0, 1], with 0 <= P10 <= P50 <= P90 <= top × ASP and
// the mean no more than top × ASP, the same for one worker and three.
func FuzzSimulate(f *testing.F) {
	// Seeds from the table cases: the recruiting chain's first steps, a
	// stated prior, bad counts and priors, a zero and a huge top.
	f.Add(1000.0, int64(300), int64(1000), int64(150), int64(300), 0.0, 0.0, int64(2000000), int64(18000000), uint64(1), 50)
	f.Add(90.0, int64(36), int64(90), int64(0), int64(0), 4.4375, 13.3125, int64(2000000), int64(0), uint64(7), 20)
	f.Add(-1.0, int64(1), int64(2), int64(1), int64(2), 0.0, 0.0, int64(100), int64(0), uint64(0), 10)
	f.Add(1000.0, int64(151), int64(150), int64(1), int64(2), 0.0, 0.0, int64(100), int64(0), uint64(0), 10)
	f.Add(1000.0, int64(1), int64(2), int64(-1), int64(2), math.NaN(), 1.0, int64(100), int64(0), uint64(0), 10)
	f.Add(0.0, int64(0), int64(0), int64(0), int64(0), 1e-300, 1e-300, int64(100), int64(1), uint64(3), 10)
	f.Add(1e300, int64(1<<62-1), int64(1<<62), int64(5), int64(9), 1e300, 1e-3, int64(1), int64(5), uint64(9), 10)
	f.Fuzz(func(t *testing.T, top float64, k1, n1, k2, n2 int64, alpha, beta float64, aspCents, targetCents int64, seed uint64, draws int) {
		draws = 1 + int(uint(draws)%300) // small: the default 100,000 is too slow to fuzz
		stages := []domino.UncertainRate{
			{Name: "a", Counts: funnel.Rate{K: k1, N: n1}},
			{Name: "b", Counts: funnel.Rate{K: k2, N: n2}, Prior: funnel.Prior{Alpha: alpha, Beta: beta}},
		}
		asp := decimal.New(aspCents, -2)
		opt := domino.SimulateOptions{Draws: draws, Seed: seed, Quantiles: []float64{0, 1},
			Targets: []decimal.Decimal{decimal.New(targetCents, -2)}}
		got, err := domino.Simulate(context.Background(), top, stages, asp, &opt)
		if err != nil {
			return
		}
		topD, _ := decimal.NewFromString(decimal.NewFromFloat(top).String())
		hi := topD.Mul(asp).RoundBank(2)
		seq := []decimal.Decimal{decimal.Zero, got.Quantiles[0].Revenue, got.P10, got.P50, got.P90, got.Quantiles[1].Revenue, hi}
		for i := 1; i < len(seq); i++ {
			if seq[i].LessThan(seq[i-1]) {
				t.Fatalf("figures out of order: 0, min, P10, P50, P90, max, top×ASP = %v", seq)
			}
		}
		for _, d := range []decimal.Decimal{got.Mean, got.Expected, got.SD} {
			if d.IsNegative() || d.GreaterThan(hi) {
				t.Fatalf("mean, expected, SD = %s, %s, %s, outside [0, %s]", got.Mean, got.Expected, got.SD, hi)
			}
		}
		for _, p := range got.Posteriors {
			if !(p.Alpha > 0 && p.Beta > 0) || math.IsInf(p.Alpha, 0) || math.IsInf(p.Beta, 0) {
				t.Fatalf("posterior %v not a Beta", p)
			}
		}
		r := got.Reach[0]
		if !(r.Probability >= 0 && r.Probability <= 1) || !(r.StdErr >= 0 && r.StdErr <= 0.5) {
			t.Fatalf("reach %+v outside [0, 1]", r)
		}
		opt.Workers = 3
		again, err := domino.Simulate(context.Background(), top, stages, asp, &opt)
		if err != nil {
			t.Fatalf("Workers 3: %v, none with 1", err)
		}
		if !again.P50.Equal(got.P50) || !again.Mean.Equal(got.Mean) || again.Reach[0] != got.Reach[0] {
			t.Fatalf("Workers 3 gave P50 %s, mean %s, reach %+v; Workers 1 %s, %s, %+v", again.P50, again.Mean, again.Reach[0], got.P50, got.Mean, got.Reach[0])
		}
	})
}
