package crm_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// benchEvents returns a stage history in the bench generator's format:
// the file named by $FUNNELMATH_EVENTS or /tmp/ev100k.csv when present
// (go run /work/shared/bench/gen.go -deals 32300 -seed 1 -out
// /tmp/ev100k.csv makes about 100k rows), else about 100k rows made here
// the same way (contiguous deals, 50 owners, stages advancing with skips,
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
	rng := rand.New(rand.NewPCG(1, 2))
	stages := []string{"Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won"}
	var buf bytes.Buffer
	buf.WriteString("deal_id,owner,segment,source,stage,entered_at,amount\n")
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 1; d <= 32300; d++ {
		owner := fmt.Sprintf("owner_%02d", 1+rng.IntN(50))
		seg := []string{"SMB", "Enterprise"}[rng.IntN(2)]
		src := []string{"Inbound", "Outbound"}[rng.IntN(2)]
		amt := fmt.Sprintf("%d.%02d", 500+rng.IntN(100000), rng.IntN(100))
		at := t0.Add(time.Duration(d) * 30 * time.Minute)
		row := func(stage string) {
			fmt.Fprintf(&buf, "D%09d,%s,%s,%s,%s,%s,%s\n", d, owner, seg, src, stage, at.Format(time.RFC3339), amt)
			at = at.Add(time.Duration(1+rng.IntN(240)) * time.Hour)
		}
		s := 0
		row(stages[0])
		for {
			if rng.Float64() > 0.6 {
				if rng.Float64() < 0.9 {
					row("Closed Lost")
				}
				break
			}
			s += 1 + rng.IntN(30)/29
			if s >= len(stages)-1 {
				row(stages[len(stages)-1])
				break
			}
			row(stages[s])
		}
	}
	return buf.Bytes(), "generated in the test"
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
