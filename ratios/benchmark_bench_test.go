package ratios_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/shopspring/decimal"
)

// benchTeam returns nr reps over a funnel of ns stages with counts drawn
// from a generator seeded with seed: 100 to 299 deals at the top, each
// step converting 30% to 80% of the deals before it, and one deal in ten
// of those that stopped at a stage still open there.
func benchTeam(tb testing.TB, nr, ns int, seed uint64) (funnel.Funnel, []funnel.Counts) {
	tb.Helper()
	stages := make([]string, ns)
	for k := range stages {
		stages[k] = "s" + strconv.Itoa(k)
	}
	f := funnel.MustNew(stages...)
	rng := rand.New(rand.NewPCG(seed, 2))
	reps := make([]funnel.Counts, nr)
	for i := range reps {
		reached, open := make([]int64, ns), make([]int64, ns)
		reached[0] = 100 + rng.Int64N(200)
		for k := 1; k < ns; k++ {
			reached[k] = int64(float64(reached[k-1]) * (0.3 + 0.5*rng.Float64()))
		}
		for k := 0; k < ns-1; k++ {
			open[k] = (reached[k] - reached[k+1]) / 10
		}
		c, err := funnel.FromReached(f, reached, open)
		if err != nil {
			tb.Fatal(err)
		}
		c.Key = []string{"rep" + strconv.Itoa(i)}
		reps[i] = c
	}
	return f, reps
}

// BenchmarkBenchmark is the target: 200 reps × 8 stages with
// shrinkage and the noise tests in under a millisecond.
func BenchmarkBenchmark(b *testing.B) {
	f, reps := benchTeam(b, 200, 8, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ratios.Benchmark(f, reps, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBenchmarkBookings is BenchmarkBenchmark with a won value, so
// that every lever's bookings are worked out in decimal.
func BenchmarkBenchmarkBookings(b *testing.B) {
	f, reps := benchTeam(b, 200, 8, 1)
	opts := &ratios.Options{WonValue: decimal.NewNullDecimal(decimal.RequireFromString("12500.50"))}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ratios.Benchmark(f, reps, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMovers compares 200 reps × 8 stages in two periods.
func BenchmarkMovers(b *testing.B) {
	f, before := benchTeam(b, 200, 8, 1)
	_, after := benchTeam(b, 200, 8, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ratios.Movers(f, before, after, nil); err != nil {
			b.Fatal(err)
		}
	}
}
