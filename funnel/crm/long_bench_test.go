package crm_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// benchEvents returns a stage history in the bench generator's format:
// the file named by $FUNNELMATH_EVENTS or /tmp/ev100k.csv when present
// (go run /work/shared/bench/gen.go -deals 32300 -seed 1 -out
// /tmp/ev100k.csv makes about 100k rows), else about 100k rows made here
// by genHistory (contiguous deals, 50 owners, stages advancing with skips,
// lost or open ends).
func benchEvents(b *testing.B) ([]byte, string) {
	for _, p := range []string{os.Getenv("FUNNELMATH_EVENTS"), "/tmp/ev100k.csv"} {
		if p == "" {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			return data, p
		}
	}
	return genHistory(100_000, 1), "generated in the test"
}

// BenchmarkLong reads a bench stage history with the default (contiguous)
// long reader and reports rows/s, allocations per row and per deal.
func BenchmarkLong(b *testing.B) {
	benchLong(b, func() func(funnel.Deal) error {
		return func(funnel.Deal) error { return nil }
	})
}

// BenchmarkLongTally reads a bench stage history and tallies it by owner:
// the per-owner funnel of the bench's reference workload, from bytes to
// counts.
func BenchmarkLongTally(b *testing.B) {
	benchLong(b, func() func(funnel.Deal) error {
		return funnel.NewTally(sales, funnel.AttrOwner).Add
	})
}

// benchLong runs the long reader over the bench events once per iteration,
// handing each deal to a fresh sink from newSink, and reports rows/s,
// allocations per row and per deal.
func benchLong(b *testing.B, newSink func() func(funnel.Deal) error) {
	data, src := benchEvents(b)
	rows := bytes.Count(data, []byte("\n")) - 1
	rd := crm.Long{Funnel: sales}
	ctx := context.Background()
	b.Logf("input: %s, %d rows, %d bytes", src, rows, len(data))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var deals int
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for b.Loop() {
		deals = 0
		sink := newSink()
		for d, err := range rd.Deals(ctx, bytes.NewReader(data)) {
			if err != nil {
				b.Fatal(err)
			}
			if err := sink(d); err != nil {
				b.Fatal(err)
			}
			deals++
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	allocs := float64(ms1.Mallocs-ms0.Mallocs) / float64(b.N)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(allocs/float64(rows), "allocs/row")
	b.ReportMetric(allocs/float64(deals), "allocs/deal")
}
