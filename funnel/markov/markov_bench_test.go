package markov

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkBuild(b *testing.B) {
	deals := randomDeals(rand.New(rand.NewPCG(1, 2)), 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(f4, deals); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSolve(b *testing.B) {
	c, err := Count(f4, randomDeals(rand.New(rand.NewPCG(1, 2)), 1000))
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
