package crm_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// interleaved returns the bench stage history (see benchEvents) with its
// rows sorted by time, stably, as an OpportunityHistory export sorted by
// CreatedDate is: the rows of a deal stay in order (their times rise) but
// the deals interleave, so only the Scattered reader can read it.
func interleaved(b *testing.B) ([]byte, int) {
	data, _ := benchEvents(b)
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	header, rows := lines[0], lines[1:]
	at := func(row []byte) []byte { return bytes.Split(row, []byte(","))[5] } // entered_at, RFC 3339 in UTC: sorts as text
	slices.SortStableFunc(rows, func(x, y []byte) int { return bytes.Compare(at(x), at(y)) })
	out := append(append([]byte(nil), header...), '\n')
	for _, r := range rows {
		out = append(append(out, r...), '\n')
	}
	return out, len(rows)
}

// liveBytes returns the heap held once the garbage collector has run: the
// bytes of live objects.
func liveBytes() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkLongScattered reads the interleaved bench history with the
// Scattered long reader, which holds every deal until the end of the
// input, and reports rows/s, allocations per row, bytes allocated per deal
// (B/deal) and the heap the reader holds per deal when it has read
// everything (held-B/deal: live heap at the first deal yielded, less the
// live heap before reading, over the deals).
func BenchmarkLongScattered(b *testing.B) {
	data, rows := interleaved(b)
	rd := crm.Long{Funnel: sales, Scattered: true}
	ctx := context.Background()
	read := func(first func()) int {
		n := 0
		for _, err := range rd.Deals(ctx, bytes.NewReader(data)) {
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 && first != nil {
				first()
			}
			n++
		}
		return n
	}
	base := liveBytes()
	var peak uint64
	deals := read(func() { peak = liveBytes() })
	held := float64(peak-min(base, peak)) / float64(deals)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for b.Loop() {
		read(nil)
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(rows), "allocs/row")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N)/float64(deals), "B/deal")
	b.ReportMetric(held, "held-B/deal")
}

// wideSpan returns a wide export (wideHeader) of n deals, one per owner,
// each with stage dates drawn between from and from+days days (days at
// most 99,712, 1800-01-01 to 2073-01-01, under funnel's bound of 100,000
// days on a duration): a random number of stages reached in order, and a
// won, lost or open end, with the same draws for any span.
func wideSpan(n int, from time.Time, days int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	var buf bytes.Buffer
	buf.WriteString(wideHeader)
	for i := range n {
		reached := 1 + rng.IntN(6) // stages 0..reached-1 have dates
		end := rng.IntN(3)         // 0 open, 1 lost, 2 won (needs all six)
		if end == 2 {
			reached = 6
		}
		ds := make([]int, reached+1)
		for j := range ds {
			ds[j] = rng.IntN(days)
		}
		slices.Sort(ds)
		date := func(j int) string { return from.AddDate(0, 0, ds[j]).Format(time.DateOnly) }
		cells := make([]string, 6)
		for j := range reached {
			cells[j] = date(j)
		}
		lostAt := ""
		if end == 1 && reached < 6 {
			lostAt = date(reached)
		}
		fmt.Fprintf(&buf, "D%d,owner_%d,%d.%02d,%s,%s,%s,%s,%s,%s,%s,,\n", i, i, 100+rng.IntN(100000), rng.IntN(100),
			cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], lostAt)
	}
	return buf.Bytes()
}

// BenchmarkWideTally reads a wide export of 1,000 deals, one per owner,
// and tallies it by owner (1,000 groups, each with its duration
// histograms), once with dates spread over 1800-2073 and once with the
// same draws inside one year. Memory must not follow the span of the
// dates: B/op and the tally's live heap (held-B, measured after a
// collection with the tally kept) stay within a small factor of each
// other.
func BenchmarkWideTally(b *testing.B) {
	for _, tt := range []struct {
		name string
		from time.Time
		days int
	}{
		{"1800-2073", time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC), 99_712},
		{"one-year", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 365},
	} {
		b.Run(tt.name, func(b *testing.B) {
			data := wideSpan(1000, tt.from, tt.days)
			rd := crm.Wide{Funnel: sales}
			ctx := context.Background()
			tally := func() *funnel.Tally {
				ty := funnel.NewTally(sales, funnel.AttrOwner)
				if err := ty.AddAll(rd.Deals(ctx, bytes.NewReader(data))); err != nil {
					b.Fatal(err)
				}
				return ty
			}
			base := liveBytes()
			ty := tally()
			peak := liveBytes()
			held := peak - min(base, peak)
			if ty.Len() != 1000 {
				b.Fatalf("%d groups, want 1000", ty.Len())
			}
			runtime.KeepAlive(ty)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				tally()
			}
			b.ReportMetric(float64(held), "held-B")
		})
	}
}
