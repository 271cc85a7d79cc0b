package beamtally_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/google/go-cmp/cmp"
)

// TestMain runs the pipelines of this package's tests on prism, Beam's
// local runner, in this process (ptest's default; -runner picks another).
func TestMain(m *testing.M) {
	ptest.Main(m)
}

// runPipeline opens the shards, runs the whole pipeline and returns the
// report it wrote.
func runPipeline(t testing.TB, cfg beamtally.Config, shards ...string) (string, error) {
	t.Helper()
	in, err := beamtally.Open(context.Background(), cfg, shards...)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.csv")
	p, s := beam.NewPipelineWithRoot()
	tallies, err := beamtally.Tally(s, in)
	if err != nil {
		t.Fatal(err)
	}
	beamtally.WriteFile(s, out, beamtally.Report(s, cfg, tallies))
	if err := ptest.Run(p); err != nil {
		return "", err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), nil
}

// tinyShards writes tiny.csv cut into three shards, each with the header,
// at lines 12|13 and 16|17 of the file: D3's rows (lines 11, 12, 14, 15, 17,
// 18) are in all three.
func tinyShards(t testing.TB) []string {
	t.Helper()
	tiny, err := os.ReadFile("../testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(tiny), "\n")
	head := lines[0]
	return shardFiles(t, head+strings.Join(lines[1:12], ""), head+strings.Join(lines[12:16], ""), head+strings.Join(lines[16:], ""))
}

// shardFiles writes each content as a shard and returns their paths.
func shardFiles(t testing.TB, contents ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i, c := range contents {
		p := filepath.Join(dir, "part-"+string(rune('0'+i))+".csv")
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

func TestPipelineTiny(t *testing.T) {
	// The bench's hand-computed answer (see TestFormatReportTiny).
	want, err := os.ReadFile("../testdata/tiny.expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	shards := tinyShards(t)
	for name, paths := range map[string][]string{
		"one file":     {"../testdata/tiny.csv"},
		"three shards": shards,
		"as a glob":    {filepath.Join(filepath.Dir(shards[0]), "part-*.csv")},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := runPipeline(t, beamtally.Config{}, paths...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("pipeline report mismatch (-hand-computed +pipeline):\n%s", diff)
			}
		})
	}
}

func TestPipelineGroupings(t *testing.T) {
	shards := tinyShards(t)
	for _, by := range [][]string{{"segment"}, {"source", "owner"}, {}} {
		t.Run(strings.Join(by, "+"), func(t *testing.T) {
			// Second method: the crm reader's tally of the whole file,
			// formatted the same way.
			want := report(t, tinyTally(t, by...))
			got, err := runPipeline(t, beamtally.Config{By: by}, shards...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pipeline report mismatch (-crm.Long.Tally +pipeline):\n%s", diff)
			}
		})
	}
}

func TestPipelineNoDeals(t *testing.T) {
	// Header-only shards and an empty one: the report is the header alone.
	shards := shardFiles(t, benchHeader, "", "\n"+benchHeader)
	got, err := runPipeline(t, beamtally.Config{}, shards...)
	if err != nil {
		t.Fatal(err)
	}
	if want := "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n"; got != want {
		t.Errorf("pipeline report = %q, want %q", got, want)
	}
}

func TestPipelineErrors(t *testing.T) {
	// A runner carries a worker's error to the driver as text: the test
	// checks that the text names the shard and its line, as ReadShard and
	// BuildDeals do (their errors.Is behaviour is tested above).
	good := benchHeader + "D1,o,SMB,Inbound,Lead,2024-01-01T00:00:00Z,1.00\n"
	tests := []struct {
		name   string
		second string
		want   string // after the second shard's path
	}{
		{"bad amount", benchHeader + "D1,o,SMB,Inbound,Qualified,2024-01-02T00:00:00Z,1.00\nD1,o,SMB,Inbound,Meeting,2024-01-03T00:00:00Z,\"12,34\"\n",
			`: crm: line 3: deal "D1": column "amount" = "12,34": bad amount`},
		{"too many fields", benchHeader + "D1,o,SMB,Inbound,Meeting,2024-01-03T00:00:00Z,12,34\n",
			`: crm: line 2: deal "D1": malformed row`},
		{"other header", "deal_id,stage,entered_at\n", ": crm: line 1: header differs from the first shard's"},
		{"bad quote", benchHeader + "\n\"D2,o,SMB,Inbound,Lead,2024-01-02T00:00:00Z,1.00\n", `: crm: line 3: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shards := shardFiles(t, good, tt.second)
			_, err := runPipeline(t, beamtally.Config{}, shards...)
			if err == nil {
				t.Fatal("the pipeline succeeded, want an error")
			}
			if want := shards[1] + tt.want; !strings.Contains(err.Error(), want) {
				t.Errorf("pipeline error does not name the place %q:\n%v", want, err)
			}
		})
	}
}
