//go:build unix

package domino_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// BenchmarkSimulate draws the five-stage recruiting chain 100,000 times
// and reports draws (one revenue, the product of five rates) and
// stage-draws (one Beta variate of one stage) per second. The
// allocations are the draw buffer, the posteriors and the result.
//
// stage-draws/s is per second of wall time; stage-draws/cpu-s per second
// of CPU time of the process (user and system, from getrusage), the rate
// per core, which a machine shared with other jobs does not lower.
func BenchmarkSimulate(b *testing.B) {
	stages := []domino.UncertainRate{
		{Counts: funnel.Rate{K: 300, N: 1000}},
		{Counts: funnel.Rate{K: 150, N: 300}},
		{Counts: funnel.Rate{K: 90, N: 150}},
		{Counts: funnel.Rate{K: 36, N: 90}},
		{Counts: funnel.Rate{K: 9, N: 36}},
	}
	asp := decimal.NewFromInt(20000)
	for _, tc := range []struct {
		name    string
		workers int
		stages  []domino.UncertainRate
	}{
		{"workers=1", 1, stages},
		{"workers=2", 2, stages},
		// A stage with no trials under the Jeffreys prior draws Gamma(½)
		// twice, the slower path (a logarithm and U^(1/a) per variate).
		{"jeffreys-empty/workers=1", 1, []domino.UncertainRate{{}, {}, {}, {}, {}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			opt := &domino.SimulateOptions{Draws: domino.DefaultDraws, Workers: tc.workers, Seed: 1}
			b.ReportAllocs()
			cpu0 := mcCPU()
			for b.Loop() {
				if _, err := domino.Simulate(context.Background(), 1000, tc.stages, asp, opt); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(b.N) * float64(opt.Draws) * float64(len(tc.stages))
			b.ReportMetric(n/b.Elapsed().Seconds(), "stage-draws/s")
			b.ReportMetric(float64(b.N)*float64(opt.Draws)/b.Elapsed().Seconds(), "draws/s")
			if cpu := mcCPU() - cpu0; cpu > 0 {
				b.ReportMetric(n/cpu, "stage-draws/cpu-s")
			}
		})
	}
}

// mcCPU returns the CPU time of the process so far, in seconds.
func mcCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
