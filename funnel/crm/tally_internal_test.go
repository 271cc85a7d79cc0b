package crm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

// The tests of this file check the Tally methods against the second
// method every one of them stands for: the deals of Deals added to a
// funnel.NewTally one by one, with the same options. Both give the same
// groups, the same skipped rows and notes in the same order, and the same
// error; for a long history read as grouped whose ids come back, the
// second method is the Scattered read, after a NoteScattered made from the
// first ErrNotContiguous of the grouped read.

// tfunnel is the funnel of the generated histories.
var tfunnel = funnel.MustNew("Lead", "Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won")

// outcome is what a read into a tally gave, in text where it is compared.
type outcome struct {
	Groups  []funnel.Counts
	Reports []string
	Err     string
}

// recorder returns options o with callbacks that record the reports in
// *rs as text.
func recorder(o Options, rs *[]string) Options {
	o.OnSkip = func(e *RowError) { *rs = append(*rs, "skip "+e.Error()) }
	o.OnNote = func(n Note) { *rs = append(*rs, noteText(n)) }
	return o
}

func noteText(n Note) string {
	return fmt.Sprintf("note %d %q %s %s", n.Line, n.DealID, n.Kind, n.Detail)
}

// viaDeals is the second method: the deals that deals reads with the
// options o, with recording callbacks, added one by one. It returns too
// the first row error wrapping ErrNotContiguous, reported or returned.
func viaDeals(by []string, deals func(o Options) func(func(funnel.Deal, error) bool), o Options) (outcome, *RowError) {
	var out outcome
	var back *RowError
	o = recorder(o, &out.Reports)
	onSkip := o.OnSkip
	o.OnSkip = func(e *RowError) {
		if back == nil && errors.Is(e, ErrNotContiguous) {
			back = e
		}
		onSkip(e)
	}
	ty := funnel.NewTally(tfunnel, by...)
	err := ty.AddAll(deals(o))
	if err != nil {
		out.Err = err.Error()
		var re *RowError
		if back == nil && errors.As(err, &re) && errors.Is(err, ErrNotContiguous) {
			back = re
		}
		return out, back
	}
	out.Groups = ty.Groups()
	return out, back
}

// wantLong returns what Long.Tally is to give on in: the grouped read's
// outcome or, when reread is set and an id comes back before the grouped
// read ends, the Scattered read's after a NoteScattered.
func wantLong(c Long, in string, by []string, reread bool) outcome {
	read := func(c Long) func(o Options) func(func(funnel.Deal, error) bool) {
		return func(o Options) func(func(funnel.Deal, error) bool) {
			c.Options = o
			return c.Deals(context.Background(), strings.NewReader(in))
		}
	}
	grouped, back := viaDeals(by, read(c), c.Options)
	if c.Scattered || !reread || back == nil {
		return grouped
	}
	sc := c
	sc.Scattered = true
	out, _ := viaDeals(by, read(sc), c.Options)
	// "already read at line 5" or "at lines 5-7".
	msg := back.Err.Error()
	msg = msg[strings.Index(msg, "already read at line"):]
	msg = strings.TrimPrefix(strings.TrimPrefix(msg, "already read at line"), "s")
	var first int
	fmt.Sscanf(msg, " %d", &first)
	note := noteText(Note{Line: back.Line, DealID: back.DealID, Kind: NoteScattered,
		Detail: fmt.Sprintf("the deal's rows are not together (first read at line %d): the input was read again as with Scattered", first)})
	out.Reports = append([]string{note}, out.Reports...)
	return out
}

// plainReader hides everything of a reader but Read.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// gotTally runs tally on in through a reader of the kind: "plain" (read
// once), "seek" (a strings.Reader, read in one stream), or "parts=n" (a
// strings.Reader read in n parts at once whatever its size).
func gotTally(kind string, in string, o Options, tally func(r io.Reader, o Options, sp split) (*funnel.Tally, error)) outcome {
	var out outcome
	o = recorder(o, &out.Reports)
	var r io.Reader = strings.NewReader(in)
	sp := split{min: 1 << 62, parts: 1, rows: 1 << 62}
	switch {
	case kind == "plain":
		r = plainReader{r}
	case kind == "seek":
	default:
		var n int
		fmt.Sscanf(kind, "parts=%d", &n)
		sp = split{min: 0, parts: n, rows: 0}
	}
	ty, err := tally(r, o, sp)
	if err != nil {
		out.Err = err.Error()
		if ty != nil {
			out.Err += " (and a tally)"
		}
		return out
	}
	out.Groups = ty.Groups()
	if rest, _ := io.ReadAll(r); len(rest) != 0 {
		out.Err = "input not read to its end"
	}
	return out
}

var readerKinds = []string{"plain", "seek", "parts=2", "parts=3", "parts=5"}

// checkLong checks Long.Tally on in against the second method.
func checkLong(t *testing.T, c Long, in string, by []string) {
	t.Helper()
	for _, kind := range readerKinds {
		want := wantLong(c, in, by, kind != "plain")
		got := gotTally(kind, in, c.Options, func(r io.Reader, o Options, sp split) (*funnel.Tally, error) {
			cc := c
			cc.Options = o
			return tallyInput(context.Background(), longTally{cc}, cc.Funnel, cc.Options, r, by, sp)
		})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Long%s.Tally(%s) mismatch (-Deals +Tally):\n%s\ninput:\n%s", scatteredName(c), kind, diff, in)
		}
	}
}

func scatteredName(c Long) string {
	if c.Scattered {
		return "{Scattered}"
	}
	return ""
}

// history writes a long history of n deals drawn with rng: each deal a
// run of stage rows (moves back, repeats and same-stage runs included)
// with its owner, segment and amount, won, lost or open. When shuffle is
// set the rows are put in random order; bad, when set, spoils about one
// row in bad with a fault a reader reports.
func history(rng *rand.Rand, n int, shuffle bool, bad int) string {
	stages := []string{"Lead", "Qualified", "Meeting", "Proposal", "Negotiation"}
	var rows []string
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := range n {
		id := fmt.Sprintf("D%d", d)
		if rng.IntN(7) == 0 {
			id = fmt.Sprintf("deal-with-a-long-id-%04d", d) // past 16 bytes
		}
		owner := fmt.Sprintf("o%d", rng.IntN(5))
		amt := fmt.Sprintf("%d.%02d", rng.IntN(5000), rng.IntN(100))
		// Amounts in cents as a tally takes them (places 0-2, up to 10^14
		// cents) and past them (three places; 10^14 cents and more).
		switch rng.IntN(16) {
		case 0:
			amt = ""
		case 1:
			amt = "12345678901234567890.5" // past int64
		case 2:
			amt = fmt.Sprintf("%d", rng.IntN(5000))
		case 3:
			amt = fmt.Sprintf("%d.%d", rng.IntN(5000), rng.IntN(10))
		case 4:
			amt = fmt.Sprintf("%d.%03d", rng.IntN(5000), rng.IntN(1000))
		case 5:
			amt = [...]string{"999999999999.99", "1000000000000", "1000000000000.00", "\"$1,234.5\"", "0", "0.00"}[rng.IntN(6)]
		}
		at := t0.Add(time.Duration(rng.IntN(400)) * time.Hour)
		row := func(stage string) {
			rows = append(rows, fmt.Sprintf("%s,%s,SMB,%s,%s,%s", id, owner, stage, at.Format(time.RFC3339), amt))
			switch rng.IntN(12) {
			case 0: // the same time again
			default:
				at = at.Add(time.Duration(1+rng.IntN(200)) * time.Hour)
			}
		}
		s := 0
		row(stages[0])
		for {
			r := rng.IntN(10)
			if r < 3 {
				if r == 0 {
					row("Closed Lost")
				}
				break
			}
			if r == 3 && s > 0 {
				s-- // a move back
			} else if r == 4 {
				// the same stage again
			} else {
				s += 1 + rng.IntN(2)
			}
			if s >= len(stages) {
				row("Closed Won")
				break
			}
			row(stages[s])
		}
	}
	if shuffle {
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
	if bad > 0 {
		faults := []func(string) string{
			func(r string) string { return strings.Replace(r, "2024-", "2024/", 1) },                       // bad date
			func(r string) string { return strings.Replace(r, ",Lead,", ",Discovery,", 1) },                // unknown stage
			func(r string) string { return r + ",extra" },                                                  // wrong field count, with an id
			func(r string) string { return "," + r[strings.Index(r, ",")+1:] },                             // no id
			func(r string) string { return strings.Replace(r, ",SMB,", ",\"S\nMB\",", 1) },                 // a quoted line break
			func(r string) string { return strings.Replace(r, ",SMB,", ",S\"MB,", 1) },                     // a bare quote
			func(r string) string { return r[:strings.LastIndex(r, ",")+1] + "-5" },                        // negative amount
			func(r string) string { return strings.Replace(r, "Closed Won", "Closed Lost", 1) + "\n" + r }, // won and lost
		}
		for i := range rows {
			if rng.IntN(bad) == 0 {
				rows[i] = faults[rng.IntN(len(faults))](rows[i])
			}
		}
	}
	return "deal_id,owner,segment,stage,entered_at,amount\n" + strings.Join(rows, "\n") + "\n"
}

func TestLongTallyMatchesDeals(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	for _, tt := range []struct {
		name    string
		deals   int
		shuffle bool
		bad     int
	}{
		{"grouped", 300, false, 0},
		{"grouped few", 3, false, 0},
		{"shuffled", 300, true, 0},
		{"grouped bad rows", 300, false, 25},
		{"shuffled bad rows", 300, true, 25},
		{"grouped many bad rows", 100, false, 4},
	} {
		for _, lenient := range []bool{true, false} {
			for _, scattered := range []bool{false, true} {
				name := fmt.Sprintf("%s/lenient=%v/scattered=%v", tt.name, lenient, scattered)
				t.Run(name, func(t *testing.T) {
					in := history(rng, tt.deals, tt.shuffle, tt.bad)
					c := Long{Funnel: tfunnel, Scattered: scattered, Options: Options{Lenient: lenient, OnSkip: func(*RowError) {}}}
					checkLong(t, c, in, []string{funnel.AttrOwner})
					checkLong(t, c, in, nil)
				})
			}
		}
	}
}

// FuzzLongTally checks Long.Tally against the second method (see
// checkLong) on any input, read as grouped and as Scattered, strict and
// lenient, in one stream and in parts.
func FuzzLongTally(f *testing.F) {
	rng := rand.New(rand.NewPCG(14, 2))
	for _, s := range []string{
		"deal_id,owner,stage,entered_at,amount\nA,ann,Lead,2024-01-01,5\nB,bob,Lead,2024-01-02,6\nA,ann,Qualified,2024-01-03,5\n",
		"deal_id,owner,stage,entered_at,amount\nA,ann,Lead,2024-01-01,5\nA,ann,Closed Won,2024-01-02,5\nB,bob,Lead,2024-01-02,\"1,000\"\n",
		"deal_id,owner,stage,entered_at,amount\nA,ann,Lead,2024-01-01,5\n\"A\",ann,\"Lead\nx\",2024-01-02,5\nB,bob,Lead,2024-01-02,6\n",
		history(rng, 12, false, 0),
		history(rng, 12, true, 0),
		history(rng, 12, false, 3),
		history(rng, 12, true, 3),
		// ids that rise, read in parts without keeping them
		renameIDs(history(rng, 12, false, 0), func(i int) string { return fmt.Sprintf("D%03d", i) }),
		renameIDs(history(rng, 12, false, 3), func(i int) string { return fmt.Sprint(i + 1) }),
	} {
		f.Add(s, false, false)
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, in string, lenient, scattered bool) {
		c := Long{Funnel: tfunnel, Scattered: scattered, Options: Options{Lenient: lenient, OnSkip: func(*RowError) {}}}
		checkLong(t, c, in, []string{funnel.AttrOwner})
	})
}

// wideExport writes a wide export of n deals drawn with rng (the columns
// of the wide tests: a date per stage, lost date, lost flag, close date),
// an id now and then on two rows, and about one row in bad spoilt.
func wideExport(rng *rand.Rand, n, bad int) string {
	var b strings.Builder
	b.WriteString("deal_id,owner,amount,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won,lost_at,is_lost,closed_at\n")
	for d := range n {
		id := fmt.Sprintf("W%d", d)
		if rng.IntN(40) == 0 && d > 0 {
			id = fmt.Sprintf("W%d", rng.IntN(d)) // read twice
		}
		reached := 1 + rng.IntN(6)
		end := rng.IntN(3) // 0 open, 1 lost, 2 won
		if end == 2 {
			reached = 6
		}
		cells := make([]string, 6)
		day := 1 + rng.IntN(20)
		for s := range reached {
			if s > 0 && rng.IntN(6) == 0 {
				continue // skipped
			}
			cells[s] = fmt.Sprintf("2024-02-%02d", day)
			day += rng.IntN(3)
		}
		lost, flag, closed := "", "", ""
		if end == 1 && reached < 6 {
			if rng.IntN(2) == 0 {
				lost = fmt.Sprintf("2024-03-%02d", 1+rng.IntN(9))
			} else {
				flag, closed = "yes", "2024-03-20"
			}
		}
		row := fmt.Sprintf("%s,o%d,%d.%02d,%s,%s,%s,%s,%s,%s,%s,%s,%s", id, rng.IntN(4), rng.IntN(900), rng.IntN(100),
			cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], lost, flag, closed)
		if bad > 0 && rng.IntN(bad) == 0 {
			switch rng.IntN(4) {
			case 0:
				row = strings.Replace(row, "2024-02-", "2024/02/", 1)
			case 1:
				row += ",x"
			case 2:
				row = "," + row[strings.Index(row, ",")+1:]
			case 3:
				row = strings.Replace(row, ",yes,", ",maybe,", 1) + ",x"
			}
		}
		b.WriteString(row + "\n")
	}
	return b.String()
}

// checkPerRow checks a one-row-per-deal reader's Tally on in against its
// Deals.
func checkPerRow(t *testing.T, name string, in string, by []string, o Options,
	deals func(o Options, r io.Reader) func(func(funnel.Deal, error) bool),
	tally func(o Options, r io.Reader, sp split) (*funnel.Tally, error)) {
	t.Helper()
	want, _ := viaDeals(by, func(o Options) func(func(funnel.Deal, error) bool) { return deals(o, strings.NewReader(in)) }, o)
	var n int64
	for _, g := range want.Groups {
		n += g.Deals
	}
	t.Logf("%s: %d deals, %d reports, error %q", name, n, len(want.Reports), want.Err)
	for _, kind := range readerKinds {
		got := gotTally(kind, in, o, func(r io.Reader, o Options, sp split) (*funnel.Tally, error) { return tally(o, r, sp) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s.Tally(%s) mismatch (-Deals +Tally):\n%s\ninput:\n%s", name, kind, diff, in)
		}
	}
}

func TestWideSnapshotTallyMatchDeals(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	for _, bad := range []int{0, 10} {
		for _, lenient := range []bool{true, false} {
			t.Run(fmt.Sprintf("bad=%d/lenient=%v", bad, lenient), func(t *testing.T) {
				o := Options{Lenient: lenient, OnSkip: func(*RowError) {}}
				in := wideExport(rng, 200, bad)
				w := Wide{Funnel: tfunnel}
				checkWide(t, w, in, []string{funnel.AttrOwner}, o)
				// The same rows as a snapshot: stage dates mapped, the
				// stage the furthest with a date.
				var sb strings.Builder
				sb.WriteString("deal_id,owner,amount,stage,created_at,closed_at,q_date\n")
				for i, line := range strings.Split(strings.TrimSuffix(in, "\n"), "\n")[1:] {
					f := strings.Split(line, ",")
					if len(f) < 12 {
						continue
					}
					stage := "Lead"
					for s, name := range []string{"Qualified", "Meeting", "Proposal", "Negotiation", "Closed Won"} {
						if f[4+s] != "" {
							stage = name
						}
					}
					if f[10] == "yes" || f[9] != "" {
						stage = "Closed Lost"
					}
					fmt.Fprintf(&sb, "%s,%s,%s,%s,%s,%s,%s\n", f[0], f[1], f[2], stage, f[3], f[9]+f[11], f[4])
					if i%37 == 5 {
						sb.WriteString("bad,row\n")
					}
				}
				snap := Snapshot{Funnel: tfunnel, Columns: SnapshotColumns{StageDates: map[string]string{"Qualified": "q_date"}}}
				checkSnapshot(t, snap, sb.String(), []string{funnel.AttrOwner}, o)
			})
		}
	}
}

// cancelAt is a strings.Reader that cancels a context once more than
// after bytes were read through ReadAt, and counts the reads after that.
type cancelAt struct {
	*strings.Reader
	after  int64
	cancel func()
	mu     sync.Mutex
	read   int64
	late   int
}

func (c *cancelAt) ReadAt(p []byte, off int64) (int, error) {
	c.mu.Lock()
	if c.read > c.after {
		c.late++
	}
	c.read += int64(len(p))
	if c.read > c.after {
		c.cancel()
	}
	c.mu.Unlock()
	return c.Reader.ReadAt(p, off)
}

// TestTallyCancel cancels the context while every part is being read: the
// read ends with the context's error, and no part reads much past the
// cancellation (a part checks the context every 4096 rows and reads
// 256 KiB at a time, so each reads at most a few blocks more).
func TestTallyCancel(t *testing.T) {
	in := history(rand.New(rand.NewPCG(14, 4)), 60000, false, 0)
	for _, tt := range []struct {
		name      string
		scattered bool
		parts     int
	}{{"grouped", false, 2}, {"grouped", false, 3}, {"scattered", true, 2}, {"scattered", true, 3}} {
		t.Run(fmt.Sprintf("%s/parts=%d", tt.name, tt.parts), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := &cancelAt{Reader: strings.NewReader(in), after: int64(len(in)) / 3, cancel: cancel}
			c := Long{Funnel: tfunnel, Scattered: tt.scattered}
			ty, err := tallyInput(ctx, longTally{c}, tfunnel, c.Options, r, nil, split{parts: tt.parts})
			if !errors.Is(err, context.Canceled) || ty != nil {
				t.Fatalf("Tally = %v, %v; want no tally and context.Canceled", ty, err)
			}
			if r.late > 3*tt.parts {
				t.Errorf("%d reads after the cancellation, want at most %d", r.late, 3*tt.parts)
			}
		})
	}
	// Cancelled before: nothing is read past the header.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Long{Funnel: tfunnel}).Tally(ctx, strings.NewReader(in), "owner"); !errors.Is(err, context.Canceled) {
		t.Errorf("Tally with a cancelled context: %v, want context.Canceled", err)
	}
}

// TestTallyFromOffset reads an input whose reader was read into already:
// the tally starts where the reader is, and leaves it at the end.
func TestTallyFromOffset(t *testing.T) {
	in := history(rand.New(rand.NewPCG(14, 5)), 400, false, 0)
	want, _ := viaDeals(nil, func(o Options) func(func(funnel.Deal, error) bool) {
		return Long{Funnel: tfunnel, Options: o}.Deals(context.Background(), strings.NewReader(in))
	}, Options{})
	for _, sp := range []split{defaultSplit(), {parts: 2}, {parts: 3}} {
		r := strings.NewReader("a preamble\nof two lines\n" + in)
		if _, err := r.Seek(int64(len("a preamble\nof two lines\n")), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		var got outcome
		o := recorder(Options{}, &got.Reports)
		ty, err := tallyInput(context.Background(), longTally{Long{Funnel: tfunnel, Options: o}}, tfunnel, o, r, nil, sp)
		if err != nil {
			t.Fatal(err)
		}
		got.Groups = ty.Groups()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Tally from an offset, %+v, mismatch (-Deals +Tally):\n%s", sp, diff)
		}
		if r.Len() != 0 {
			t.Errorf("Tally, %+v, left %d bytes unread", sp, r.Len())
		}
	}
}

// TestTallySplitInQuotes makes every split fall inside a quoted field
// whose lines look like rows: the part before it then does not end where
// the next begins, and the input is read in one stream.
func TestTallySplitInQuotes(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	head := history(rng, 20, false, 0)
	var q strings.Builder
	for i := range 400 {
		fmt.Fprintf(&q, "Q%d,o1,SMB,Lead,2024-01-01T00:00:00Z,5\n", i)
	}
	in := head + "Z,o1,\"" + q.String() + "\",Lead,2024-01-01T00:00:00Z,5\n" + strings.SplitN(history(rng, 20, false, 0), "\n", 2)[1]
	for _, lenient := range []bool{false, true} {
		c := Long{Funnel: tfunnel, Options: Options{Lenient: lenient, OnSkip: func(*RowError) {}}}
		checkLong(t, c, in, []string{funnel.AttrOwner})
		c.Scattered = true
		checkLong(t, c, in, []string{funnel.AttrOwner})
	}
	// And splitAt, asked to split inside the quoted field, finds a place
	// there (a line that looks like a row), which is what the check is for.
	at := int64(len(head) + 10*len("Q0,o1,SMB,Lead,2024-01-01T00:00:00Z,5\n"))
	b, err := splitAt(strings.NewReader(in), at, int64(len(in)), ',', 6, 0)
	if err != nil || b < 0 || b > int64(len(head)+q.Len()) {
		t.Errorf("splitAt inside the quoted field = %d, %v; want a place inside it", b, err)
	}
}

// TestSplitAt checks where splitAt splits: after a whole deal that begins
// after a row of another deal, all of plain rows.
func TestSplitAt(t *testing.T) {
	rows := []string{
		"deal_id,x", // 0: header
		"A,1",       // 1
		"A,2",       // 2
		"B,1",       // 3: B begins after a row of A
		"B,2",       // 4
		"C,1",       // 5: C begins after the whole of B: the split
		"C,2",
		"",
	}
	in := strings.Join(rows, "\n")
	offset := func(line int) int64 { return int64(len(strings.Join(rows[:line], "\n")) + 1) }
	for _, tt := range []struct {
		at   int64
		want int64
	}{
		{1, offset(5)},             // from the first row: A's first row has no row before it
		{offset(1) + 1, offset(5)}, // inside A's first row: from A's second, B begins, then C
		{offset(3), -1},            // at B's first row, with no row before it in view: C follows B, but no deal follows C
		{offset(3) + 1, -1},        // from B's second row: C begins, but no deal after it
		{int64(len(in)), -1},       // at the end
		{offset(2), offset(5)},     // at A's second row: then B, then C
	} {
		got, err := splitAt(strings.NewReader(in), tt.at, int64(len(in)), ',', 2, 0)
		if err != nil || got != tt.want {
			t.Errorf("splitAt(at %d) = %d, %v; want %d", tt.at, got, err, tt.want)
		}
	}
	// A row with a quote or the wrong number of fields breaks the run.
	bad := "h,x\nA,1\nB,1\nB,\"2\"\nC,1\nD,1\nD,2\nE,1\n"
	if got, _ := splitAt(strings.NewReader(bad), 1, int64(len(bad)), ',', 2, 0); got != int64(strings.Index(bad, "E,1")) {
		t.Errorf("splitAt past a quoted row = %d, want %d (E after the whole of D)", got, strings.Index(bad, "E,1"))
	}
}

// FuzzWideTally checks Wide.Tally and Snapshot.Tally against Deals (see
// checkPerRow) on any input, strict and lenient, in one stream and in
// parts.
func FuzzWideTally(f *testing.F) {
	rng := rand.New(rand.NewPCG(14, 10))
	for _, s := range []string{
		wideExport(rng, 10, 0),
		wideExport(rng, 10, 3),
		"deal_id,owner,amount,stage,created_at,closed_at\nA,ann,5,Lead,2024-01-01,\nA,ann,5,Closed Won,2024-01-01,2024-01-05\nB,bob,,Closed Lost,2024-01-02,2024-01-03\n",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		o := Options{Lenient: lenient, OnSkip: func(*RowError) {}}
		by := []string{funnel.AttrOwner}
		checkWide(t, Wide{Funnel: tfunnel}, in, by, o)
		checkSnapshot(t, Snapshot{Funnel: tfunnel}, in, by, o)
	})
}

// checkWide checks w's Tally on in against its Deals (see checkPerRow).
func checkWide(t *testing.T, w Wide, in string, by []string, o Options) {
	t.Helper()
	checkPerRow(t, "Wide", in, by, o,
		func(o Options, r io.Reader) func(func(funnel.Deal, error) bool) {
			c := w
			c.Options = o
			return c.Deals(context.Background(), r)
		},
		func(o Options, r io.Reader, sp split) (*funnel.Tally, error) {
			c := w
			c.Options = o
			return tallyInput(context.Background(), wideTally{c}, c.Funnel, o, r, by, sp)
		})
}

// checkSnapshot checks s's Tally on in against its Deals (see
// checkPerRow).
func checkSnapshot(t *testing.T, s Snapshot, in string, by []string, o Options) {
	t.Helper()
	checkPerRow(t, "Snapshot", in, by, o,
		func(o Options, r io.Reader) func(func(funnel.Deal, error) bool) {
			c := s
			c.Options = o
			return c.Deals(context.Background(), r)
		},
		func(o Options, r io.Reader, sp split) (*funnel.Tally, error) {
			c := s
			c.Options = o
			return tallyInput(context.Background(), snapshotTally{c}, c.Funnel, o, r, by, sp)
		})
}

// renameIDs renames the deals of the long history in, in the order of
// their first rows, the i-th (from 0) to name(i).
func renameIDs(in string, name func(i int) string) string {
	lines := strings.Split(in, "\n")
	names := map[string]string{}
	for k, l := range lines[1:] {
		id, rest, ok := strings.Cut(l, ",")
		if !ok {
			continue
		}
		n, seen := names[id]
		if !seen {
			n = name(len(names))
			names[id] = n
		}
		lines[k+1] = n + "," + rest
	}
	return strings.Join(lines, "\n")
}

// TestLongTallyRisingIDs checks the reading in parts that keeps no ids
// while they rise (see idOrder) on inputs whose ids rise in byte order,
// shortest first, in both or neither, with an id that comes back in a
// later part and a new id out of order, against the second method.
func TestLongTallyRisingIDs(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	padded := func(i int) string { return fmt.Sprintf("D%06d", i) }         // both orders
	numbers := func(i int) string { return fmt.Sprintf("%d", i+1) }         // shortest first
	words := func(i int) string { return fmt.Sprintf("A%d", 1000-i*7) }     // neither
	lexOnly := func(i int) string { return "A" + strings.Repeat("1", i+1) } // both (longer and greater)
	lexSorted := func() func(int) string {                                  // byte order only: A1, A10, A100, A11, ...
		ids := make([]string, 400)
		for i := range ids {
			ids[i] = fmt.Sprintf("A%d", i+1)
		}
		slices.Sort(ids)
		return func(i int) string { return ids[i] }
	}()
	grouped := history(rng, 300, false, 0)
	back := renameIDs(grouped, padded)
	back += strings.SplitN(back, "\n", 3)[1] + "\n"    // deal 0's first row again, at the end
	swapped := renameIDs(grouped, func(i int) string { // a new id out of order in the middle
		if i == 150 {
			return "D000000"
		}
		return padded(i + 1)
	})
	// Deal 0's first row again after deal 5's rows: an id back within the
	// first part.
	early := strings.Split(renameIDs(grouped, padded), "\n")
	for k := 2; k < len(early); k++ {
		if strings.HasPrefix(early[k], padded(6)+",") {
			early = slices.Insert(early, k, early[1])
			break
		}
	}
	for _, tt := range []struct{ name, in string }{
		{"padded", renameIDs(grouped, padded)},
		{"id back in the same part", strings.Join(early, "\n")},
		{"padded shuffled", renameIDs(history(rng, 300, true, 0), padded)},
		{"numbers", renameIDs(grouped, numbers)},
		{"falling", renameIDs(grouped, words)},
		{"longer", renameIDs(history(rng, 40, false, 0), lexOnly)},
		{"byte order", renameIDs(grouped, lexSorted)},
		{"padded bad rows", renameIDs(history(rng, 300, false, 25), padded)},
		{"id back in a later part", back},
		{"new id out of order", swapped},
	} {
		for _, lenient := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/lenient=%v", tt.name, lenient), func(t *testing.T) {
				c := Long{Funnel: tfunnel, Options: Options{Lenient: lenient, OnSkip: func(*RowError) {}}}
				checkLong(t, c, tt.in, []string{funnel.AttrOwner})
			})
		}
	}
}

func TestIDOrder(t *testing.T) {
	for _, tt := range []struct {
		ids         []string
		lex, short  bool
		first, last string
	}{
		{[]string{"D1", "D2", "D3"}, true, true, "D1", "D3"},
		{[]string{"9", "10", "11"}, false, true, "9", "11"},
		{[]string{"A1", "A10", "A2"}, true, false, "A1", "A2"},
		{[]string{"b", "a"}, false, false, "b", "a"},
		{[]string{"a", "a"}, false, false, "a", "a"},
	} {
		var o idOrder
		var prev []byte
		rising := true
		for _, id := range tt.ids {
			rising = o.next(prev, []byte(id))
			prev = []byte(id)
		}
		o.last = prev
		if o.lex != tt.lex || o.short != tt.short || rising != (tt.lex || tt.short) || string(o.first) != tt.first {
			t.Errorf("%q: lex %v short %v rising %v first %q, want %v %v %q", tt.ids, o.lex, o.short, rising, o.first, tt.lex, tt.short, tt.first)
		}
	}
	part := func(lex, short bool, first, last string) *idOrder {
		return &idOrder{lex: lex, short: short, first: []byte(first), last: []byte(last)}
	}
	for _, tt := range []struct {
		a, b *idOrder
		want bool
	}{
		{part(true, true, "D1", "D5"), part(true, true, "D6", "D9"), true},
		{part(true, true, "D1", "D6"), part(true, true, "D6", "D9"), false},    // D6 twice
		{part(false, true, "1", "99"), part(false, true, "100", "200"), true},  // shortest first
		{part(true, false, "A1", "A2"), part(true, false, "A20", "A3"), true},  // A2 < A20 in byte order
		{part(true, false, "A1", "A3"), part(true, false, "A20", "A4"), false}, // A20 < A3
		{part(true, false, "A1", "A3"), part(false, true, "A4", "A50"), false}, // no order both rise in
	} {
		if got := tt.a.before(tt.b); got != tt.want {
			t.Errorf("%s..%s before %s..%s = %v, want %v", tt.a.first, tt.a.last, tt.b.first, tt.b.last, got, tt.want)
		}
	}
}
