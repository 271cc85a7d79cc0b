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

// benchCounts6 is the six-stage funnel of the conversion benchmarks:
// 1,000 leads, 400 qualified, 200 meetings, 60 proposals, 30 negotiations,
// 15 won, with 10% of the deals that stopped at each stage still open
// there.
func benchCounts6(tb testing.TB) (Funnel, Counts) {
	tb.Helper()
	f := MustNew("lead", "qualified", "meeting", "proposal", "negotiation", "won")
	reached := []int64{1000, 400, 200, 60, 30, 15}
	open := make([]int64, len(reached))
	for k := range len(reached) - 1 {
		open[k] = (reached[k] - reached[k+1]) / 10
	}
	c, err := FromReached(f, reached, open)
	if err != nil {
		tb.Fatal(err)
	}
	return f, c
}

// reportOps reports the calls per second of a benchmark whose loop made
// one call per iteration.
func reportOps(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "ops/s")
	}
}

// BenchmarkTable6 is the conversion table of a six-stage funnel with the
// default options. Its one allocation is the table's rows.
func BenchmarkTable6(b *testing.B) {
	f, c := benchCounts6(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewTable(f, c, nil); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

// BenchmarkStep is one step's naive and resolved conversion, without a
// table: the five steps of the six-stage funnel in turn.
func BenchmarkStep(b *testing.B) {
	_, c := benchCounts6(b)
	var sink int64
	k := 0
	b.ReportAllocs()
	for b.Loop() {
		naive, resolved := c.Step(Implied, 1+k)
		sink += naive.K + resolved.N
		k = (k + 1) % 5
	}
	if sink <= 0 {
		b.Fatal("no steps counted")
	}
}

// TestPureMathAllocatesNothing keeps the float math of the package free of
// allocation, so that a service can call it on every request: rates and
// their intervals, tests and posteriors, one step of a table, and Little's
// law. (NewTable and Funnel.Reverse allocate once, for the slice they
// return.) Each call is made once first to check that it succeeds, so the
// count is not that of an error path.
func TestPureMathAllocatesNothing(t *testing.T) {
	_, c := benchCounts6(t)
	r, r2 := Rate{K: 45, N: 60}, Rate{K: 30, N: 60}
	prior := Prior{Alpha: 2, Beta: 3}
	post, err := prior.Posterior(r)
	if err != nil {
		t.Fatal(err)
	}
	ok := func(err error) bool { return err == nil }
	for _, tc := range []struct {
		name string
		call func() bool // reports success
	}{
		{"Rate.Value", func() bool { return r.Value() > 0 }},
		{"Rate.Wilson", func() bool { _, err := r.Wilson(0.95); return ok(err) }},
		{"Rate.Jeffreys", func() bool { _, err := r.Jeffreys(0.95); return ok(err) }},
		{"Rate.AgrestiCoull", func() bool { _, err := r.AgrestiCoull(0.95); return ok(err) }},
		{"Rate.LowerBound", func() bool { _, err := r.LowerBound(0.9, Jeffreys); return ok(err) }},
		{"Rate.Test", func() bool { _, err := r.Test(0.5); return ok(err) }},
		{"NewRate", func() bool { _, err := NewRate(3, 4); return ok(err) }},
		{"Counts.Step/implied", func() bool { n, _ := c.Step(Implied, 3); return n.N > 0 }},
		{"Counts.Step/strict", func() bool { n, _ := c.Step(Strict, 3); return n.N > 0 }},
		{"Prior.Posterior", func() bool { _, err := prior.Posterior(r); return ok(err) }},
		{"Prior.Shrunk", func() bool { _, err := prior.Shrunk(r); return ok(err) }},
		{"Posterior.Interval", func() bool { _, err := post.Interval(0.9); return ok(err) }},
		{"PriorOf", func() bool { _, err := PriorOf(0.25, 0.1); return ok(err) }},
		{"PBelow", func() bool { _, err := PBelow(post, post); return ok(err) }},
		{"CompareRates", func() bool { _, err := CompareRates(r, r2, 0.95); return ok(err) }},
		{"FisherExact", func() bool { _, err := FisherExact(3, 4, 5, 6); return ok(err) }},
		{"LiveDeals", func() bool { _, err := LiveDeals(2, 30); return ok(err) }},
		{"ReferralVolume", func() bool { _, err := ReferralVolume(100, 0.2); return ok(err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.call() {
				t.Fatal("the call fails: the count would be that of its error path")
			}
			if n := testing.AllocsPerRun(100, func() { tc.call() }); n != 0 {
				t.Errorf("%s allocates %v times per call, want 0", tc.name, n)
			}
		})
	}
}
