package funnel

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkTallyAdd measures adding one deal of about three events to a
// tally grouped by owner.
func BenchmarkTallyAdd(b *testing.B) {
	f := MustNew("s0", "s1", "s2", "s3", "s4", "s5")
	deals := randomDeals(rand.New(rand.NewPCG(1, 2)), f.Len(), 4096)
	t := NewTally(f, "owner")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := t.Add(deals[i%len(deals)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deals/s")
}

// BenchmarkTallyMerge measures merging two tallies of three owner groups.
func BenchmarkTallyMerge(b *testing.B) {
	f := MustNew("s0", "s1", "s2", "s3", "s4", "s5")
	u := mustTally(b, f, randomDeals(rand.New(rand.NewPCG(3, 4)), f.Len(), 1000), "owner")
	t := NewTally(f, "owner")
	b.ReportAllocs()
	for b.Loop() {
		if err := t.Merge(u); err != nil {
			b.Fatal(err)
		}
	}
}
