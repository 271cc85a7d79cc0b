package crm_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
)

// genHistory returns a long stage history of about n rows in the bench
// generator's format and shape (deal_id, owner, segment, source, stage,
// entered_at, amount; 50 owners; deals of three rows or so, advancing with
// skips, won, lost or open; contiguous deals), drawn from seed.
func genHistory(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 14))
	stages := []string{"Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won"}
	var buf bytes.Buffer
	buf.WriteString("deal_id,owner,segment,source,stage,entered_at,amount\n")
	t0 := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := 0
	for d := 1; rows < n; d++ {
		owner := fmt.Sprintf("owner_%02d", 1+rng.IntN(50))
		seg := []string{"SMB", "Enterprise"}[rng.IntN(2)]
		src := []string{"Inbound", "Outbound"}[rng.IntN(2)]
		amt := fmt.Sprintf("%d.%02d", 500+rng.IntN(100000), rng.IntN(100))
		at := t0.Add(time.Duration(d) * 10 * time.Minute)
		row := func(stage string) {
			fmt.Fprintf(&buf, "D%09d,%s,%s,%s,%s,%s,%s\n", d, owner, seg, src, stage, at.Format(time.RFC3339), amt)
			at = at.Add(time.Duration(1+rng.IntN(240)) * time.Hour)
			rows++
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
	return buf.Bytes()
}

// shuffled returns history with its rows in random order, drawn from
// seed: the deals' rows scattered all over, as in the bench's shuffled
// file.
func shuffled(history []byte, seed uint64) []byte {
	lines := bytes.SplitAfter(history, []byte("\n"))
	header, rows := lines[0], lines[1:]
	if len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	rows = slices.Clone(rows)
	rand.New(rand.NewPCG(seed, 15)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return slices.Concat(append([][]byte{header}, rows...)...)
}

// benchInput returns the bench's history: the file named by
// $FUNNELMATH_EVENTS when it is set (the bench's data/events_1m.csv, say),
// else about rows rows made by genHistory.
func benchInput(b *testing.B, rows int) ([]byte, string) {
	if p := os.Getenv("FUNNELMATH_EVENTS"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Skipf("FUNNELMATH_EVENTS: %v", err)
		}
		return data, p
	}
	return genHistory(rows, 1), "generated in the test"
}

// benchRead runs read over data once per iteration and reports rows/s,
// MB/s (as SetBytes makes it), allocations per row and B/op.
func benchRead(b *testing.B, data []byte, src string, read func(r io.Reader) error) {
	rows := bytes.Count(data, []byte("\n")) - 1
	b.Logf("input: %s, %d rows, %d bytes, GOMAXPROCS %d", src, rows, len(data), runtime.GOMAXPROCS(0))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for b.Loop() {
		if err := read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(rows), "allocs/row")
}

// plainReader hides everything of a reader but Read: a reader that can be
// read only once, in one stream.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// BenchmarkLongTallyAPI tallies the bench's history by owner with
// Long.Tally: in one stream (a reader that cannot be read at random), and
// in parts at once (a *bytes.Reader, in runtime.GOMAXPROCS(0) parts when
// the input passes 8 MB: set FUNNELMATH_EVENTS to the bench's 1M file, 73
// MB, or see the generated input's size in the log). Compare
// BenchmarkLongTally, the deals of Long.Deals added one by one.
func BenchmarkLongTallyAPI(b *testing.B) {
	data, src := benchInput(b, 200_000)
	rd := crm.Long{Funnel: sales}
	ctx := context.Background()
	b.Run("stream", func(b *testing.B) {
		benchRead(b, data, src, func(r io.Reader) error {
			_, err := rd.Tally(ctx, plainReader{r}, funnel.AttrOwner)
			return err
		})
	})
	b.Run("parts", func(b *testing.B) {
		benchRead(b, data, src, func(r io.Reader) error {
			_, err := rd.Tally(ctx, r, funnel.AttrOwner)
			return err
		})
	})
}

// BenchmarkLongTallyScattered tallies the bench's history with its rows
// shuffled: with Scattered set, and without (the grouped read finds an id
// that comes back and reads the input again as Scattered), in one stream
// and in parts. Compare BenchmarkLongTallyAPI on the same rows in order.
func BenchmarkLongTallyScattered(b *testing.B) {
	data, src := benchInput(b, 200_000)
	data = shuffled(data, 1)
	ctx := context.Background()
	for _, tt := range []struct {
		name      string
		scattered bool
		stream    bool
	}{{"Scattered/stream", true, true}, {"Scattered/parts", true, false}, {"fallback/parts", false, false}} {
		b.Run(tt.name, func(b *testing.B) {
			rd := crm.Long{Funnel: sales, Scattered: tt.scattered}
			benchRead(b, data, src+", shuffled", func(r io.Reader) error {
				if tt.stream {
					r = plainReader{r}
				}
				_, err := rd.Tally(ctx, r, funnel.AttrOwner)
				return err
			})
		})
	}
}

// BenchmarkLongDeals reads the bench's history with Long.Deals alone, and
// with Scattered on the shuffled rows.
func BenchmarkLongDeals(b *testing.B) {
	data, src := benchInput(b, 200_000)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		data []byte
		rd   crm.Long
	}{{"grouped", data, crm.Long{Funnel: sales}}, {"Scattered", shuffled(data, 1), crm.Long{Funnel: sales, Scattered: true}}} {
		b.Run(tt.name, func(b *testing.B) {
			benchRead(b, tt.data, src, func(r io.Reader) error {
				for _, err := range tt.rd.Deals(ctx, r) {
					if err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}

// wideExport returns a wide export of n deals in the columns of the wide
// tests (wideHeader), 50 owners, dates within a year: stages reached in
// order, won, lost or open.
func wideExport(n int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	buf.WriteString(wideHeader)
	ds := make([]int, 7)
	for i := range n {
		reached := 1 + rng.IntN(6) // stages 0..reached-1 have dates
		end := rng.IntN(3)         // 0 open, 1 lost, 2 won (needs all six)
		if end == 2 {
			reached = 6
		}
		for j := range ds {
			ds[j] = rng.IntN(365)
		}
		slices.Sort(ds)
		cells := make([]string, 6)
		for j := range reached {
			cells[j] = from.AddDate(0, 0, ds[j]).Format(time.DateOnly)
		}
		lostAt := ""
		if end == 1 && reached < 6 {
			lostAt = from.AddDate(0, 0, ds[reached]).Format(time.DateOnly)
		}
		fmt.Fprintf(&buf, "D%d,owner_%02d,%d.%02d,%s,%s,%s,%s,%s,%s,%s,,\n", i, i%50, 100+rng.IntN(100000), rng.IntN(100),
			cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], lostAt)
	}
	return buf.Bytes()
}

// snapshotExport returns a snapshot of n deals in the columns of the
// Maven CRM sample (mavenHeader), 30 agents: a row a deal with its stage,
// dates and value.
func snapshotExport(n int) []byte {
	rng := rand.New(rand.NewPCG(5, 6))
	var buf bytes.Buffer
	buf.WriteString(mavenHeader)
	for i := range n {
		stage := []string{"Prospecting", "Engaging", "Won", "Lost"}[rng.IntN(4)]
		engage, closed, value := "", "", ""
		if stage != "Prospecting" {
			engage = time.Date(2017, 1, 1+rng.IntN(300), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		if stage == "Won" || stage == "Lost" {
			closed = time.Date(2017, 12, 1+rng.IntN(30), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			value = fmt.Sprint(rng.IntN(5000))
		}
		fmt.Fprintf(&buf, "O%07d,agent_%02d,GTX Basic,acct_%d,%s,%s,%s,%s\n", i, rng.IntN(30), rng.IntN(80), stage, engage, closed, value)
	}
	return buf.Bytes()
}

// BenchmarkWideSnapshot reads a wide export and a snapshot of 200,000
// deals each (some 15 MB), with Deals alone, with the deals added to a
// tally one by one, and with Tally (in parts at once).
func BenchmarkWideSnapshot(b *testing.B) {
	ctx := context.Background()
	wide, snap := wideExport(200_000), snapshotExport(200_000)
	w := crm.Wide{Funnel: sales}
	s := crm.Snapshot{Funnel: maven, Columns: mavenCols}
	for _, tt := range []struct {
		name  string
		data  []byte
		f     funnel.Funnel
		deals func(io.Reader) func(func(funnel.Deal, error) bool)
		tally func(io.Reader) (*funnel.Tally, error)
	}{
		{"Wide", wide, sales, func(r io.Reader) func(func(funnel.Deal, error) bool) { return w.Deals(ctx, r) },
			func(r io.Reader) (*funnel.Tally, error) { return w.Tally(ctx, r, funnel.AttrOwner) }},
		{"Snapshot", snap, maven, func(r io.Reader) func(func(funnel.Deal, error) bool) { return s.Deals(ctx, r) },
			func(r io.Reader) (*funnel.Tally, error) { return s.Tally(ctx, r, funnel.AttrOwner) }},
	} {
		b.Run(tt.name+"/Deals", func(b *testing.B) {
			benchRead(b, tt.data, "generated", func(r io.Reader) error {
				for _, err := range tt.deals(r) {
					if err != nil {
						return err
					}
				}
				return nil
			})
		})
		b.Run(tt.name+"/Deals+Add", func(b *testing.B) {
			benchRead(b, tt.data, "generated", func(r io.Reader) error {
				return funnel.NewTally(tt.f, funnel.AttrOwner).AddAll(tt.deals(r))
			})
		})
		b.Run(tt.name+"/Tally", func(b *testing.B) {
			benchRead(b, tt.data, "generated", func(r io.Reader) error {
				_, err := tt.tally(r)
				return err
			})
		})
	}
}
