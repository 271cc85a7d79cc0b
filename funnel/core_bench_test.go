package funnel

import (
	"strconv"
	"testing"
)

// benchFunnel returns a funnel of n stages and counts halving down it
// from 1<<20.
func benchFunnel(n int) (Funnel, []int64) {
	names := make([]string, n)
	reached := make([]int64, n)
	for i := range n {
		names[i] = "stage" + strconv.Itoa(i)
		reached[i] = 1 << 20 >> i
	}
	return MustNew(names...), reached
}

func BenchmarkTable10(b *testing.B) {
	f, reached := benchFunnel(10)
	c, err := FromReached(f, reached, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTable(f, c, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTable10Benchmark(b *testing.B) {
	f, reached := benchFunnel(10)
	c, err := FromReached(f, reached, nil)
	if err != nil {
		b.Fatal(err)
	}
	opts := &TableOptions{Confidence: 0.95, BenchmarkRates: []float64{0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTable(f, c, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReverse10(b *testing.B) {
	f, _ := benchFunnel(10)
	rates := []float64{0.4, 0.5, 0.3, 0.5, 0.6, 0.7, 0.8, 0.35, 0.45}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Reverse("stage9", 10, rates); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWilson(b *testing.B) {
	r := Rate{K: 45, N: 60}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Wilson(0.95); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJeffreys(b *testing.B) {
	r := Rate{K: 45, N: 60}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Jeffreys(0.95); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkShrink20(b *testing.B) {
	rates := make([]Rate, 20)
	for i := range rates {
		rates[i] = Rate{K: int64(5 + 3*i), N: int64(40 + 4*i)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Shrink(rates); err != nil {
			b.Fatal(err)
		}
	}
}
