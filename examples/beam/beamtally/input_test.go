package beamtally_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/memfs"
	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// writeFiles writes name → content into a new temporary directory and
// returns its path.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const benchHeader = "deal_id,owner,segment,source,stage,entered_at,amount\n"

func TestOpen(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a-1.csv": benchHeader + "D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n",
		"a-2.csv": "",
		"a-3.csv": "\n" + benchHeader,
	})
	ctx := context.Background()
	// Shards in pattern order, a glob's matches sorted by name; the header
	// is the first non-empty shard's, on its line 1.
	in, err := beamtally.Open(ctx, beamtally.Config{}, filepath.Join(dir, "a-3.csv"), filepath.Join(dir, "a-[12].csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := beamtally.Input{
		Shards:      []string{filepath.Join(dir, "a-3.csv"), filepath.Join(dir, "a-1.csv"), filepath.Join(dir, "a-2.csv")},
		Header:      []byte(strings.TrimSuffix(benchHeader, "\n")),
		HeaderShard: 0,
		HeaderLine:  2, // a-3.csv starts with a blank line
	}
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("Open mismatch (-want +got):\n%s", diff)
	}
	// An empty first shard: the header comes from the next.
	in, err = beamtally.Open(ctx, beamtally.Config{}, filepath.Join(dir, "a-2.csv"), filepath.Join(dir, "a-1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if in.HeaderShard != 1 || in.HeaderLine != 1 {
		t.Errorf("Open: header at shard %d line %d, want shard 1 line 1", in.HeaderShard, in.HeaderLine)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ok.csv":      benchHeader,
		"empty.csv":   "",
		"noid.csv":    "id,owner,stage,entered_at\n",
		"twoids.csv":  "Deal_ID,DEAL_ID,stage,entered_at\n",
		"badhead.csv": "deal_id,\"stage,entered_at\n",
	})
	p := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name      string
		cfg       beamtally.Config
		patterns  []string
		want      []error // every one must match with errors.Is
		wantShard string  // the shard a *ShardError names, "" when not one
		wantLine  int     // the *crm.RowError's line, 0 when none
	}{
		{"no pattern", beamtally.Config{}, nil, []error{beamtally.ErrNoShard}, "", 0},
		{"glob matches nothing", beamtally.Config{}, []string{p("x-*.csv")}, []error{beamtally.ErrNoShard}, "", 0},
		{"file twice", beamtally.Config{}, []string{p("ok.csv"), p("o*.csv")}, []error{beamtally.ErrDuplicateShard}, "", 0},
		{"absent file", beamtally.Config{}, []string{p("absent.csv")}, []error{fs.ErrNotExist}, p("absent.csv"), 0},
		{"every shard empty", beamtally.Config{}, []string{p("empty.csv")}, []error{crm.ErrMissingColumn}, p("empty.csv"), 1},
		{"no id column", beamtally.Config{}, []string{p("empty.csv"), p("noid.csv")}, []error{crm.ErrMissingColumn}, p("noid.csv"), 1},
		{"id column twice", beamtally.Config{}, []string{p("twoids.csv")}, []error{crm.ErrDuplicateColumn}, p("twoids.csv"), 1},
		{"bad quoting in the header", beamtally.Config{}, []string{p("badhead.csv")}, []error{crm.ErrMalformedRow}, p("badhead.csv"), 1},
		{"alias to no stage", beamtally.Config{Aliases: map[string]string{"Demo": "Nowhere"}}, []string{p("ok.csv")}, []error{crm.ErrBadConfig}, p("ok.csv"), 0},
		{"unknown time zone", beamtally.Config{TimeZone: "Mars/Olympus"}, []string{p("ok.csv")}, []error{crm.ErrBadConfig}, "", 0},
		{"bad separator", beamtally.Config{Comma: '"'}, []string{p("ok.csv")}, []error{crm.ErrBadConfig}, "", 0},
		{"empty funnel", beamtally.Config{Stages: []string{}}, []string{p("ok.csv")}, []error{funnel.ErrEmptyFunnel}, "", 0},
		{"duplicate stage", beamtally.Config{Stages: []string{"A", "A"}}, []string{p("ok.csv")}, []error{funnel.ErrDuplicateStage}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			patterns := slices.Clone(tt.patterns)
			_, err := beamtally.Open(context.Background(), tt.cfg, tt.patterns...)
			if err == nil {
				t.Fatalf("Open(%q) = nil error, want %v", tt.patterns, tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Open(%q) = %v, want errors.Is %v", tt.patterns, err, w)
				}
			}
			var se *beamtally.ShardError
			if got := errors.As(err, &se); got != (tt.wantShard != "") {
				t.Fatalf("Open(%q) = %T %v: *ShardError %v, want %v", tt.patterns, err, err, got, tt.wantShard != "")
			}
			if se != nil && se.Shard != tt.wantShard {
				t.Errorf("Open(%q): shard %q, want %q", tt.patterns, se.Shard, tt.wantShard)
			}
			var re *crm.RowError
			if errors.As(err, &re) && re.Line != tt.wantLine {
				t.Errorf("Open(%q): line %d, want %d (%v)", tt.patterns, re.Line, tt.wantLine, err)
			}
			if !slices.Equal(patterns, tt.patterns) {
				t.Errorf("Open modified its patterns: %q, was %q", tt.patterns, patterns)
			}
		})
	}
}

// keyed is a row as ReadShard emits it.
type keyed struct {
	ID  string
	Row beamtally.Row
}

func readShard(t testing.TB, in beamtally.Input, shard int, content string) ([]keyed, error) {
	t.Helper()
	var out []keyed
	err := in.ReadShard(context.Background(), shard, strings.NewReader(content), func(id string, row beamtally.Row) error {
		out = append(out, keyed{id, row})
		return nil
	})
	return out, err
}

func TestReadShard(t *testing.T) {
	const a = benchHeader +
		"D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n" + // line 2
		"D1,o,SMB,Inbound,Qualified,2024-01-02T00:00:00Z,1.00\n" + // 3: same deal, same run
		"D2,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,2.00\n" + // 4
		"\n" + // 5: blank, ends the run
		"D2,o,SMB,Inbound,Qualified,2024-01-03T00:00:00Z,2.00\n" + // 6
		" D1 ,\"o\",SMB,Inbound,Meeting,2024-01-04T00:00:00Z,1.00\n" // 7: id read as the reader reads it
	dir := writeFiles(t, map[string]string{"a.csv": a})
	in, err := beamtally.Open(context.Background(), beamtally.Config{}, filepath.Join(dir, "a.csv"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readShard(t, in, 0, a)
	if err != nil {
		t.Fatal(err)
	}
	want := []keyed{
		{"D1", beamtally.Row{Shard: 0, Line: 2, Text: "D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\nD1,o,SMB,Inbound,Qualified,2024-01-02T00:00:00Z,1.00"}},
		{"D2", beamtally.Row{Shard: 0, Line: 4, Text: "D2,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,2.00"}},
		{"D2", beamtally.Row{Shard: 0, Line: 6, Text: "D2,o,SMB,Inbound,Qualified,2024-01-03T00:00:00Z,2.00"}},
		{"D1", beamtally.Row{Shard: 0, Line: 7, Text: " D1 ,\"o\",SMB,Inbound,Meeting,2024-01-04T00:00:00Z,1.00"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadShard mismatch (-want +got):\n%s", diff)
	}
	// An empty shard has no rows.
	if got, err := readShard(t, in, 0, "\n\n"); err != nil || len(got) != 0 {
		t.Errorf("ReadShard(empty) = %v, %v; want no rows, nil", got, err)
	}
}

func TestReadShardErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.csv": benchHeader})
	in, err := beamtally.Open(context.Background(), beamtally.Config{}, filepath.Join(dir, "a.csv"))
	if err != nil {
		t.Fatal(err)
	}
	in.Shards = append(in.Shards, "b.csv") // the shard read below
	tests := []struct {
		name     string
		content  string
		want     error
		wantLine int
	}{
		{"other header", "deal_id,owner,stage,entered_at,amount\n", beamtally.ErrHeaderMismatch, 1},
		{"other header after a blank line", "\n" + strings.ToUpper(benchHeader), beamtally.ErrHeaderMismatch, 2},
		{"bad quote", benchHeader + "D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\nD2,o\"x,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n", crm.ErrMalformedRow, 3},
		{"too few fields", benchHeader + "D1,o,SMB\n", crm.ErrMalformedRow, 2},
		{"no id", benchHeader + "\n\n ,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n", crm.ErrMissingValue, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readShard(t, in, 1, tt.content)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadShard = %v, want errors.Is %v", err, tt.want)
			}
			var se *beamtally.ShardError
			var re *crm.RowError
			if !errors.As(err, &se) || se.Shard != "b.csv" || !errors.As(err, &re) || re.Line != tt.wantLine {
				t.Errorf("ReadShard = %v, want shard b.csv line %d", err, tt.wantLine)
			}
		})
	}
	if _, err := readShard(t, in, 2, benchHeader); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("ReadShard(shard 2 of 2) = %v, want errors.Is ErrOutOfRange", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := benchHeader + strings.Repeat("D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n", 5000)
	err = in.ReadShard(ctx, 0, strings.NewReader(big), func(string, beamtally.Row) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ReadShard(cancelled) = %v, want context.Canceled", err)
	}
}

func TestBuildDeals(t *testing.T) {
	// D3 of the bench's tiny.csv: rows on lines 11, 12, 14, 15, 17 and 18
	// of the whole file (D4's on 13 and 16 between them); here cut into two
	// shards, given out of order.
	whole, err := os.ReadFile("../testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{"tiny.csv": string(whole)})
	in, err := beamtally.Open(context.Background(), beamtally.Config{}, filepath.Join(dir, "tiny.csv"), "second.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(whole), "\n")
	rows := []beamtally.Row{
		{Shard: 1, Line: 3, Text: lines[16] + "\n" + lines[17]}, // whole lines 17-18: Meeting, Closed Lost
		{Shard: 0, Line: 14, Text: lines[13] + "\n" + lines[14]},
		{Shard: 0, Line: 11, Text: lines[10] + "\n" + lines[11]},
	}
	before := slices.Clone(rows)
	var got []funnel.Deal
	if err := in.BuildDeals(context.Background(), rows, func(d funnel.Deal) error {
		got = append(got, d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, rows); diff != "" {
		t.Errorf("BuildDeals modified its rows (-before +after):\n%s", diff)
	}
	// Second method: the crm reader on the whole file, deal D3.
	res, err := crm.Long{Funnel: funnel.MustNew(beamtally.BenchStages()...), Scattered: true}.ReadAll(context.Background(), bytes.NewReader(whole))
	if err != nil {
		t.Fatal(err)
	}
	var want []funnel.Deal
	for _, d := range res.Deals {
		if d.ID == "D3" {
			want = append(want, d)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BuildDeals(D3) mismatch (-crm on the whole file +BuildDeals):\n%s", diff)
	}
}

func TestBuildDealsErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{"a.csv": benchHeader})
	in, err := beamtally.Open(context.Background(), beamtally.Config{}, filepath.Join(dir, "a.csv"), "b.csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		rows      []beamtally.Row
		want      []error
		wantShard string
		wantLine  int
	}{
		{"bad amount on the second shard", []beamtally.Row{
			{Shard: 0, Line: 9, Text: "D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00"},
			{Shard: 1, Line: 7, Text: "D1,o,SMB,Inbound,Qualified,2024-01-02T00:00:00Z,12,34"},
		}, []error{crm.ErrMalformedRow}, "b.csv", 7},
		{"bad amount in a run", []beamtally.Row{
			{Shard: 1, Line: 20, Text: "D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n\"D1\",o,SMB,Inbound,Meeting,2024-01-03T00:00:00Z,-1"},
		}, []error{crm.ErrBadAmount, funnel.ErrNegativeAmount}, "b.csv", 21},
		{"unknown stage after a multi-line row", []beamtally.Row{
			{Shard: 0, Line: 2, Text: "D1,\"o\nwner\",SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00"},
			{Shard: 0, Line: 4, Text: "D1,o,SMB,Inbound,Demo,2024-01-02T00:00:00Z,1.00"},
		}, []error{funnel.ErrUnknownStage}, in.Shards[0], 4},
		{"won and lost", []beamtally.Row{
			{Shard: 0, Line: 5, Text: "D1,o,SMB,Inbound,Closed Won,2024-01-02T00:00:00Z,1.00"},
			{Shard: 1, Line: 2, Text: "D1,o,SMB,Inbound,Closed Lost,2024-01-03T00:00:00Z,1.00"},
		}, []error{funnel.ErrWonAndLost}, "", 0},
		{"shard out of range", []beamtally.Row{{Shard: 2, Line: 2, Text: "x"}}, []error{funnel.ErrOutOfRange}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := in.BuildDeals(context.Background(), tt.rows, func(funnel.Deal) error { return nil })
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("BuildDeals = %v, want errors.Is %v", err, w)
				}
			}
			if tt.wantShard == "" {
				return
			}
			var se *beamtally.ShardError
			var re *crm.RowError
			if !errors.As(err, &se) || se.Shard != tt.wantShard || !errors.As(err, &re) || re.Line != tt.wantLine {
				t.Errorf("BuildDeals = %v, want shard %s line %d", err, tt.wantShard, tt.wantLine)
			}
		})
	}
}

// split cuts the records of whole (one per line after the first, the
// header) into n shards by assign, each shard with the header. It returns
// the shards and their concatenation in shard order (the header once): the
// single input the shards stand for.
func split(whole []byte, n int, assign func(i int) int) (shards [][]byte, concat []byte) {
	head, body, _ := bytes.Cut(whole, []byte("\n"))
	shards = make([][]byte, n)
	for i := range shards {
		shards[i] = append(append([]byte(nil), head...), '\n')
	}
	i := 0
	for r := range bytes.SplitSeq(bytes.TrimSuffix(body, []byte("\n")), []byte("\n")) {
		k := assign(i)
		shards[k] = append(append(shards[k], r...), '\n')
		i++
	}
	concat = append(append([]byte(nil), head...), '\n')
	for _, s := range shards {
		concat = append(concat, s[len(head)+1:]...)
	}
	return shards, concat
}

// shardedTally is the pipeline without Beam: write the shards, Open them,
// read each, group the rows by id, build the deals (rows given shuffled),
// tally each group with TallyFn (deals added in a shuffled order) and merge
// the groups' accumulators in a shuffled order. It returns the tally of
// every deal.
func shardedTally(t testing.TB, cfg beamtally.Config, shards [][]byte, rng *rand.Rand) (*funnel.Tally, error) {
	t.Helper()
	n := len(shards)
	// In Beam's in-memory file system: no disk, and the path of the
	// shards through Open as a pipeline's.
	names := make([]string, n)
	for i, s := range shards {
		names[i] = "memfs://sharded/shard-" + strconv.Itoa(i) + ".csv"
		memfs.Write(names[i], s)
	}
	ctx := context.Background()
	in, err := beamtally.Open(ctx, cfg, names...)
	if err != nil {
		return nil, err
	}
	byID := map[string][]beamtally.Row{}
	var ids []string
	for i, s := range shards {
		if err := in.ReadShard(ctx, i, bytes.NewReader(s), func(id string, row beamtally.Row) error {
			if _, ok := byID[id]; !ok {
				ids = append(ids, id)
			}
			byID[id] = append(byID[id], row)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	fn, err := beamtally.NewTallyFn(cfg)
	if err != nil {
		return nil, err
	}
	// One accumulator per group, deals added in a shuffled order.
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	accs := map[string]beamtally.Acc{}
	var keys []string
	for _, id := range ids {
		rows := byID[id]
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		if err := in.BuildDeals(ctx, rows, func(d funnel.Deal) error {
			k := beamtally.GroupKey(d, cfg.GroupBy())
			a, ok := accs[k]
			if !ok {
				keys = append(keys, k)
				if a, err = fn.CreateAccumulator(); err != nil {
					return err
				}
			}
			a, err := fn.AddInput(a, d)
			accs[k] = a
			return err
		}); err != nil {
			return nil, err
		}
	}
	total, err := fn.CreateAccumulator()
	if err != nil {
		return nil, err
	}
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for _, k := range keys {
		if total, err = fn.MergeAccumulators(total, fn.ExtractOutput(accs[k])); err != nil {
			return nil, err
		}
	}
	return total.Tally, nil
}

func TestShardedTallyEqualsOnePass(t *testing.T) {
	whole, err := os.ReadFile("../testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	whole = append(whole, synthetic(rand.New(rand.NewPCG(1, 2)), 300)...)
	nrec := bytes.Count(whole, []byte("\n")) - 1
	reader := crm.Long{Funnel: funnel.MustNew(beamtally.BenchStages()...)}
	splits := []struct {
		name   string
		assign func(i int) int
	}{
		{"one shard", func(int) int { return 0 }},
		{"round robin", func(i int) int { return i % 4 }},
		{"quarters", func(i int) int { return i * 4 / nrec }},
		{"quarters reversed", func(i int) int { return 3 - i*4/nrec }},
	}
	for _, by := range [][]string{nil, {"segment"}, {"owner", "source"}, {}} {
		cfg := beamtally.Config{By: by}
		// Second method: the crm reader's own tally of the whole file.
		want, err := reader.Tally(context.Background(), bytes.NewReader(whole), cfg.GroupBy()...)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range splits {
			t.Run(strings.Join(cfg.GroupBy(), "+")+"/"+sp.name, func(t *testing.T) {
				shards, concat := split(whole, 4, sp.assign)
				got, err := shardedTally(t, cfg, shards, rand.New(rand.NewPCG(3, 4)))
				if err != nil {
					t.Fatal(err)
				}
				// The shards stand for their concatenation.
				one, err := reader.Tally(context.Background(), bytes.NewReader(concat), cfg.GroupBy()...)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tallyJSON(t, one), tallyJSON(t, got)); diff != "" {
					t.Errorf("sharded tally mismatch (-crm.Long.Tally of the concatenation +sharded):\n%s", diff)
				}
				// And here for the whole file too, whatever the order of
				// the shards: a deal's owner, segment, source and amount
				// are the same on all its rows and its times are distinct,
				// so the order of its rows does not change it.
				if diff := cmp.Diff(tallyJSON(t, want), tallyJSON(t, got)); diff != "" {
					t.Errorf("sharded tally mismatch (-crm.Long.Tally of the whole file +sharded):\n%s", diff)
				}
			})
		}
	}
}

// FuzzShardedTally checks the sharded read against the crm reader: for any
// history (without quotes, so that a record is a line) cut into up to 4
// shards at random, the sharded tally equals crm.Long.Tally on the shards'
// concatenation, and fails when that fails. Nothing panics.
func FuzzShardedTally(f *testing.F) {
	tiny, err := os.ReadFile("../testdata/tiny.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(tiny), uint8(3), uint64(1))
	f.Add(benchHeader+string(synthetic(rand.New(rand.NewPCG(5, 6)), 8)), uint8(2), uint64(2))
	f.Add(benchHeader+"D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\nD1,p,SMB,Inbound,Closed Won,2024-01-02T00:00:00Z,\n", uint8(2), uint64(3))
	f.Add(benchHeader+"D1,o,SMB,Inbound,Closed Won,2024-01-01T00:00:00Z,1.00\nD1,o,SMB,Inbound,Closed Lost,2024-01-02T00:00:00Z,1\n", uint8(2), uint64(4))
	f.Add(benchHeader+"D1,o,SMB,Inbound,Lead,0001-01-01T00:00:00Z,1.00\n D1 ,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n", uint8(1), uint64(5))
	f.Add("deal_id;stage;entered_at\nA;Lead;2024-01-01\n", uint8(1), uint64(6))
	f.Fuzz(checkShardedTally)
}

// checkShardedTally is the body of FuzzShardedTally.
func checkShardedTally(t *testing.T, whole string, n uint8, seed uint64) {
	if strings.ContainsAny(whole, "\"") || len(whole) > 4096 {
		return
	}
	if first, _, _ := strings.Cut(whole, "\n"); strings.TrimSpace(first) == "" {
		return // the header must be on the first line for split
	}
	reader := crm.Long{Funnel: funnel.MustNew(beamtally.BenchStages()...)}
	k := int(n%4) + 1
	rng := rand.New(rand.NewPCG(seed, 7))
	shards, concat := split([]byte(whole), k, func(int) int { return rng.IntN(k) })
	want, wantErr := reader.Tally(context.Background(), bytes.NewReader(concat), funnel.AttrOwner)
	got, gotErr := shardedTally(t, beamtally.Config{}, shards, rng)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("crm.Long.Tally error %v, sharded error %v", wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	if diff := cmp.Diff(tallyJSON(t, want), tallyJSON(t, got)); diff != "" {
		t.Errorf("sharded tally mismatch (-crm.Long.Tally +sharded):\n%s", diff)
	}
}

func tallyJSON(t testing.TB, ty *funnel.Tally) string {
	t.Helper()
	b, err := ty.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// synthetic returns n deals of stage history without a header, in the
// bench's shape: each deal walks the stages from Lead, maybe skipping one,
// and stops open, lost or won; the rows of about one deal in five are
// scattered (written after later deals).
func synthetic(rng *rand.Rand, n int) []byte {
	stages := beamtally.BenchStages()
	owners := []string{"ann", "bob", "cy", "dee"}
	var out, later []byte
	t0 := int64(1704067200) // 2024-01-01T00:00:00Z
	for d := range n {
		id := "S" + itoa(d)
		owner := owners[rng.IntN(len(owners))]
		seg := []string{"SMB", "Enterprise"}[rng.IntN(2)]
		src := []string{"Inbound", "Outbound"}[rng.IntN(2)]
		amount := itoa(100+rng.IntN(9000)) + "." + itoa(10+rng.IntN(90))
		at := t0 + int64(rng.IntN(90*86400))
		var rows []string
		for k := 0; k < len(stages)-1; k++ {
			if k > 0 && rng.IntN(10) == 0 {
				continue // skipped
			}
			at += int64(1 + rng.IntN(20*86400))
			rows = append(rows, id+","+owner+","+seg+","+src+","+stages[k]+","+stamp(at)+","+amount)
			if rng.IntN(3) == 0 {
				break
			}
		}
		at += int64(1 + rng.IntN(20*86400))
		switch rng.IntN(3) {
		case 0:
			rows = append(rows, id+","+owner+","+seg+","+src+",Closed Lost,"+stamp(at)+","+amount)
		case 1:
			rows = append(rows, id+","+owner+","+seg+","+src+",Closed Won,"+stamp(at)+","+amount)
		}
		for i, r := range rows {
			if i > 0 && rng.IntN(5) == 0 {
				later = append(append(later, r...), '\n')
				continue
			}
			out = append(append(out, r...), '\n')
		}
	}
	return append(out, later...)
}

func itoa(i int) string { return strconv.Itoa(i) }

func stamp(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.RFC3339) }
