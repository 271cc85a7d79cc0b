package markov

import (
	"math/rand/v2"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
)

func BenchmarkBuild(b *testing.B) {
	deals := randomDeals(rand.New(rand.NewPCG(1, 2)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(f4, funnel.Stream(deals)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSolve(b *testing.B) {
	c, err := CountMoves(f4, funnel.Stream(randomDeals(rand.New(rand.NewPCG(1, 2)), 1000)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Solve(); err != nil {
			b.Fatal(err)
		}
	}
}
