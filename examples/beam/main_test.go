package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// TestMain runs the pipelines of these tests on prism, Beam's local runner,
// in this process.
func TestMain(m *testing.M) {
	ptest.Main(m)
}

// benchGen is the bench generator beside the repository, of which
// testdata/gen.go is a copy.
const benchGen = "../../../shared/bench/gen.go"

// buildLine is the only line the copy adds: gen.go is a program of its own
// (package main), kept out of this module's build.
const buildLine = "//go:build ignore\n\n"

func TestGenCopyMatchesBench(t *testing.T) {
	orig, err := os.ReadFile(benchGen)
	if os.IsNotExist(err) {
		t.Skipf("%s is absent (the repository without shared/ beside it): the copy cannot be compared", benchGen)
	}
	if err != nil {
		t.Fatal(err)
	}
	cp, err := os.ReadFile("testdata/gen.go")
	if err != nil {
		t.Fatal(err)
	}
	want := string(orig)
	if !strings.HasPrefix(want, "//go:build") {
		want = buildLine + want
	}
	if diff := cmp.Diff(want, string(cp)); diff != "" {
		t.Errorf("testdata/gen.go differs from %s apart from its build line; copy it again (-bench +copy):\n%s", benchGen, diff)
	}
}

// generate runs the bench generator for n deals with seed 1 into dir and
// returns the file's path.
func generate(t testing.TB, dir string, deals int) string {
	t.Helper()
	out := filepath.Join(dir, "events.csv")
	cmd := exec.Command("go", "run", "testdata/gen.go", "-deals", strconv.Itoa(deals), "-seed", "1", "-out", out)
	cmd.Stderr = io.Discard
	if b, err := cmd.Output(); err != nil {
		t.Fatalf("go run testdata/gen.go: %v\n%s", err, b)
	}
	return out
}

// shard writes the records of the file at path into n shards, each with
// the header, record i to shard assign(recs)[i], and returns their paths
// and the number of deals whose rows are in more than one shard.
func shard(t testing.TB, path string, n int, assign func(recs [][]byte) []int) ([]string, int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := bytes.Cut(b, []byte("\n"))
	recs := bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n"))
	to := assign(recs)
	shards := make([][]byte, n)
	where := map[string]map[int]bool{} // deal id to its shards
	for i, r := range recs {
		shards[to[i]] = append(append(shards[to[i]], r...), '\n')
		id := string(dealID(r))
		if where[id] == nil {
			where[id] = map[int]bool{}
		}
		where[id][to[i]] = true
	}
	spread := 0
	for _, s := range where {
		if len(s) > 1 {
			spread++
		}
	}
	dir := filepath.Dir(path)
	paths := make([]string, n)
	for i, s := range shards {
		paths[i] = filepath.Join(dir, "shard-"+strconv.Itoa(i)+"-of-"+strconv.Itoa(n)+".csv")
		if err := os.WriteFile(paths[i], append(append(append([]byte(nil), head...), '\n'), s...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths, spread
}

// dealID returns the first cell of a bench record, its deal id.
func dealID(rec []byte) []byte {
	id, _, _ := bytes.Cut(rec, []byte(","))
	return id
}

// cutInsideDeals cuts the records into n contiguous pieces of about equal
// size, each cut moved forward to the first place where the records on both
// sides belong to one deal, so that every cut splits a deal.
func cutInsideDeals(n int) func(recs [][]byte) []int {
	return func(recs [][]byte) []int {
		to := make([]int, len(recs))
		start := 0
		for k := 1; k <= n; k++ {
			end := len(recs)
			if k < n {
				end = max(start+1, len(recs)*k/n)
				for end < len(recs) && !bytes.Equal(dealID(recs[end-1]), dealID(recs[end])) {
					end++
				}
			}
			for i := start; i < end; i++ {
				to[i] = k - 1
			}
			start = end
		}
		return to
	}
}

// roundRobin deals record i to shard i mod n.
func roundRobin(n int) func(recs [][]byte) []int {
	return func(recs [][]byte) []int {
		to := make([]int, len(recs))
		for i := range to {
			to[i] = i % n
		}
		return to
	}
}

// TestOwnerFunnelOnBeam is the check of issue 15: the pipeline's per-owner
// funnel of the bench generator's 100,000 deals (about 310,000 rows) equals
// the single-process result exactly, for the file whole and split into
// shards. The single-process result is crm.Long.Tally on the whole file,
// formatted with beamtally.FormatReport, which is checked against the
// review program's own owner-funnel report of the same file.
func TestOwnerFunnelOnBeam(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the 100,000-deal pipeline runs take about 15 s")
	}
	dir := t.TempDir()
	events := generate(t, dir, 100000)

	f, err := os.Open(events)
	if err != nil {
		t.Fatal(err)
	}
	ty, err := crm.Long{Funnel: funnel.MustNew(beamtally.BenchStages()...)}.Tally(context.Background(), f, funnel.AttrOwner)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	if err := beamtally.FormatReport(&want, ty); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(want.String(), "\n"); n != 1+50*6 {
		t.Fatalf("single-process report has %d lines, want 301 (header, 50 owners × 6 stages)", n)
	}

	t.Run("review", func(t *testing.T) {
		// The same report from the review program, run as a user would.
		cmd := exec.Command("go", "run", "./examples/review", "-in", events, "-format", "long", "-report", "owner-funnel", "-o", "csv")
		cmd.Dir = "../.."
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		got, err := cmd.Output()
		if err != nil {
			t.Fatalf("go run ./examples/review: %v\n%s", err, stderr.String())
		}
		if diff := cmp.Diff(want.String(), string(got)); diff != "" {
			t.Errorf("FormatReport(crm.Long.Tally) differs from the review's report (-FormatReport +review):\n%s", diff)
		}
	})

	cuts := []struct {
		name   string
		n      int
		assign func(recs [][]byte) []int
		spread int // deals in several shards, at least
	}{
		// Four pieces at line boundaries, each with the header, each of
		// the three cuts inside a deal.
		{"4 shards cut at line boundaries", 4, cutInsideDeals(4), 3},
		// Row i to shard i mod 4: nearly every deal is in several shards,
		// its rows out of file order (the reader sorts them by time).
		{"4 shards dealt round robin", 4, roundRobin(4), 50000},
	}
	runs := []struct {
		name   string
		shards []string
	}{{"one file", []string{events}}}
	for _, c := range cuts {
		paths, spread := shard(t, events, c.n, c.assign)
		t.Logf("%s: %d deals have rows in more than one shard", c.name, spread)
		if spread < c.spread {
			t.Fatalf("%s: %d deals span shards, want at least %d to show the GroupByKey at work", c.name, spread, c.spread)
		}
		runs = append(runs, struct {
			name   string
			shards []string
		}{c.name, paths})
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "owner_funnel.csv")
			o := &options{in: strings.Join(r.shards, ","), out: out, by: "owner"}
			if err := run(context.Background(), o, io.Discard); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String(), string(got)); diff != "" {
				t.Errorf("pipeline report mismatch (-single process +Beam):\n%s", diff)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		o    options
		want string
	}{
		{"no input", options{by: "owner"}, "-in: no shard given"},
		{"bad alias", options{in: "x.csv", alias: "Demo"}, `-alias: "Demo" is not name=value`},
		{"bad comma", options{in: "x.csv", comma: ";;"}, `-comma: ";;" is not one character`},
		{"absent file", options{in: "testdata/absent.csv"}, "testdata/absent.csv: "},
		{"missing column", options{in: "testdata/tiny.csv", cols: crm.LongColumns{Stage: "phase"}}, `testdata/tiny.csv: crm: line 1: column "phase": missing column`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), &tt.o, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	fs := flag.NewFlagSet("beam", flag.ContinueOnError)
	o := register(fs)
	err := fs.Parse([]string{"-in", "a.csv, b-*.csv", "-by", "segment,source", "-stages", "New,Won", "-lost", "Dead",
		"-alias", "Fresh=New", "-comma", ";", "-tz", "Europe/Paris", "-col-id", "Id", "-col-deleted", "IsDeleted"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	want := beamtally.Config{
		Stages:   []string{"New", "Won"},
		Columns:  crm.LongColumns{ID: "Id", Deleted: "IsDeleted"},
		Aliases:  map[string]string{"Fresh": "New"},
		Lost:     []string{"Dead"},
		TimeZone: "Europe/Paris",
		Comma:    ';',
		By:       []string{"segment", "source"},
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("config from flags mismatch (-want +got):\n%s", diff)
	}
	if got := splitList(o.in); !cmp.Equal(got, []string{"a.csv", "b-*.csv"}) {
		t.Errorf("-in split as %q", got)
	}
	// The program's flags and Beam's share flag.CommandLine: none may
	// collide (Beam's worker harness defines -id, for one).
	seen := map[string]bool{}
	flag.VisitAll(func(f *flag.Flag) { seen[f.Name] = true })
	fs.VisitAll(func(f *flag.Flag) {
		if seen[f.Name] {
			t.Errorf("flag -%s is also one of Beam's", f.Name)
		}
	})
}
