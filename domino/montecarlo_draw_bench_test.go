package domino

import (
	"math/rand/v2"
	"testing"
)

// drawBenchParams are the Beta posteriors of the five-stage recruiting
// chain of BenchmarkSimulate under the Jeffreys prior (300 of 1,000, 150
// of 300, 90 of 150, 36 of 90, 9 of 36), and of a stage with no trials,
// Beta(½, ½), whose gammas take the slower path of a shape below 1.
func drawBenchParams() (counts, jeffreys []betaParam) {
	for _, kn := range [][2]float64{{300, 1000}, {150, 300}, {90, 150}, {36, 90}, {9, 36}} {
		counts = append(counts, newBetaParam(kn[0]+0.5, kn[1]-kn[0]+0.5))
	}
	for range 5 {
		jeffreys = append(jeffreys, newBetaParam(0.5, 0.5))
	}
	return counts, jeffreys
}

// BenchmarkSimulateDraw is the per-draw step of Simulate alone: one block
// of 4,096 draws of the product of five Beta rates, without the set-up,
// the moments or the quantiles. ns/draw is the cost of one draw of the
// chain.
func BenchmarkSimulateDraw(b *testing.B) {
	counts, jeffreys := drawBenchParams()
	for _, tc := range []struct {
		name   string
		params []betaParam
	}{{"counts", counts}, {"jeffreys-empty", jeffreys}} {
		b.Run(tc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			out := make([]float64, simBlock)
			b.ReportAllocs()
			for b.Loop() {
				drawBlock(rng, out, tc.params)
			}
			if s := b.Elapsed().Seconds(); s > 0 {
				n := float64(b.N) * float64(len(out))
				b.ReportMetric(n/s, "draws/s")
				b.ReportMetric(s*1e9/n, "ns/draw")
			}
		})
	}
}

// TestSimulateDrawAllocatesNothing keeps the per-draw step of Simulate
// (a block of draws of the product of the stage rates, each a Beta
// variate from two gammas) free of allocation, with shapes above 1 and
// below it. The draws are checked to be rates in [0, 1].
func TestSimulateDrawAllocatesNothing(t *testing.T) {
	counts, jeffreys := drawBenchParams()
	for _, tc := range []struct {
		name   string
		params []betaParam
	}{{"counts", counts}, {"jeffreys-empty", jeffreys}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			out := make([]float64, 256)
			drawBlock(rng, out, tc.params)
			for i, x := range out {
				if !(x >= 0 && x <= 1) {
					t.Fatalf("draw %d = %v, want a rate in [0, 1]", i, x)
				}
			}
			if n := testing.AllocsPerRun(20, func() { drawBlock(rng, out, tc.params) }); n != 0 {
				t.Errorf("drawBlock allocates %v times per call, want 0", n)
			}
		})
	}
}
