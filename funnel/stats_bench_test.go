package funnel

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkPBelow times one probability on each branch: the exact series
// (a parameter below 50, the 3 of 3 and 45 of 60 posteriors of the
// five-rep team) and the normal approximation (all at least 50).
func BenchmarkPBelow(b *testing.B) {
	for _, bc := range []struct {
		name string
		x, y Posterior
	}{
		{"series", Posterior{5.404095, 2.559916}, Posterior{47.404095, 17.559916}},
		{"normal", Posterior{60, 140}, Posterior{70, 130}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := PBelow(bc.x, bc.y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchRates returns n seeded reps' rates: 10 to 200 trials each, true
// rates spread around 0.3.
func benchRates(n int) []Rate {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]Rate, n)
	for i := range out {
		trials := 10 + rng.Int64N(191)
		p := 0.15 + 0.3*rng.Float64()
		var k int64
		for range trials {
			if rng.Float64() < p {
				k++
			}
		}
		out[i] = Rate{K: k, N: trials}
	}
	return out
}

// BenchmarkShrinkWith200 shrinks 200 reps' rates with each estimator.
func BenchmarkShrinkWith200(b *testing.B) {
	rates := benchRates(200)
	for _, est := range []PriorEstimator{WeightedMoments, TextbookMoments, MaxLikelihood} {
		b.Run(est.String(), func(b *testing.B) {
			opts := &ShrinkOptions{Estimator: est}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ShrinkWith(rates, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChiSquareTest10x8 tests a 10 × 8 table of counts (ten values
// of an attribute by eight deepest stages).
func BenchmarkChiSquareTest10x8(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	table := make([][]int64, 10)
	for i := range table {
		table[i] = make([]int64, 8)
		for j := range table[i] {
			table[i][j] = 5 + rng.Int64N(100)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ChiSquareTest(table, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompareRates compares 56 of 70 with 48 of 80 at 95%.
func BenchmarkCompareRates(b *testing.B) {
	a, c := Rate{56, 70}, Rate{48, 80}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CompareRates(a, c, 0.95); err != nil {
			b.Fatal(err)
		}
	}
}
