package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/internal/ownerfunnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// The tests run against a real PostgreSQL named by FUNNELMATH_PG_DSN;
// .ci/pg.sh starts one in a temporary directory and runs them.
const howToRun = "needs a PostgreSQL server: run .ci/pg.sh from the repository root " +
	"(it installs Debian's postgresql if needed, starts a throwaway server and runs these tests), " +
	"or set FUNNELMATH_PG_DSN=postgres://user@127.0.0.1:5432/db?sslmode=disable to use your own"

var decimalEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

var benchFunnel = funnel.MustNew(strings.Split(benchStages, ",")...)

// pgDSN returns FUNNELMATH_PG_DSN. Without it the test is skipped with a
// message saying how to run it, unless FUNNELMATH_PG_REQUIRED=1 makes that
// a failure (as .ci/pg.sh does, so that CI never passes without them).
func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("FUNNELMATH_PG_DSN")
	if dsn == "" {
		if os.Getenv("FUNNELMATH_PG_REQUIRED") == "1" {
			t.Fatal("FUNNELMATH_PG_REQUIRED=1 but FUNNELMATH_PG_DSN is not set: this test " + howToRun)
		}
		t.Skip("skipped: this test " + howToRun)
	}
	return dsn
}

// pgConn returns a connection to the server at FUNNELMATH_PG_DSN (see
// pgDSN) whose search_path is a new schema holding schema.sql's objects
// and the bench funnel's stages, dropped at the end of the test. A server
// that cannot be reached fails the test.
func pgConn(t *testing.T) *sql.Conn {
	t.Helper()
	dsn := pgDSN(t)
	db, err := openDB(dsn)
	if err != nil {
		t.Fatalf("FUNNELMATH_PG_DSN: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL at FUNNELMATH_PG_DSN cannot be reached: %v (this test %s)", err, howToRun)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "funnelmath_test_" + hex.EncodeToString(b)
	if err := createSchema(context.Background(), conn, schema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := conn.ExecContext(context.Background(), "DROP SCHEMA "+quoteIdent(schema)+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		conn.Close()
	})
	if err := setStages(context.Background(), conn, benchFunnel); err != nil {
		t.Fatal(err)
	}
	return conn
}

// loadText loads the CSV text into the connection's stage_history and
// returns its header.
func loadText(t *testing.T, conn *sql.Conn, text []byte) []string {
	t.Helper()
	cols, n, err := load(context.Background(), conn, bytes.NewReader(text))
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if want := int64(bytes.Count(text, []byte("\n")) - 1); n != want {
		t.Fatalf("load copied %d rows, want %d (the file's lines but the header)", n, want)
	}
	return cols
}

// input is a history file the tests load.
type input struct {
	name string
	text []byte
	// scattered is set when the rows of a deal are not together, so that
	// a grouped read of rows, which cannot be read again, refuses them.
	scattered bool
}

// The bench file, made once for the tests that read it.
var (
	benchText []byte
	benchErr  error
	benchMade bool
)

// benchFile returns a file of the bench generator: 20000 deals, seed 3,
// made by examples/beam/testdata/gen.go (a copy of shared/bench/gen.go).
func benchFile(t *testing.T) []byte {
	t.Helper()
	if !benchMade {
		benchMade = true
		out := filepath.Join(t.TempDir(), "events.csv")
		cmd := exec.Command("go", "run", "../beam/testdata/gen.go", "-deals", "20000", "-seed", "3", "-out", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			benchErr = errors.New("go run ../beam/testdata/gen.go: " + err.Error() + ": " + stderr.String())
		} else {
			benchText, benchErr = os.ReadFile(out)
		}
	}
	if benchErr != nil {
		t.Fatal(benchErr)
	}
	return benchText
}

func inputs(t *testing.T) []input {
	t.Helper()
	sample, err := os.ReadFile("../review/sample/deals.csv")
	if err != nil {
		t.Fatal(err)
	}
	tiny, err := os.ReadFile("../beam/testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	return []input{
		{name: "bench 20000 deals seed 3", text: benchFile(t)},
		// The review's sample: account, expected_close and assigned_at
		// besides the bench's columns.
		{name: "review sample", text: sample},
		// The bench's hand-made edge cases: a skip to Proposal, a move back,
		// a deal lost with no stage row, interleaved deals.
		{name: "bench tiny", text: tiny, scattered: true},
	}
}

// noteLog collects a reader's notes.
type noteLog struct{ notes []crm.Note }

func (l *noteLog) reader(scattered bool) crm.Long {
	return crm.Long{Funnel: benchFunnel, Scattered: scattered, Options: crm.Options{OnNote: func(n crm.Note) { l.notes = append(l.notes, n) }}}
}

// TestRowsTallyEqualsCSV checks crm.FromRows on PostgreSQL against the
// CSV reader: the Tally of crm.Long over SELECT ... ORDER BY line equals
// the Tally of crm.Long over the file loaded, group by group and field
// by field, with the same notes at the same lines.
func TestRowsTallyEqualsCSV(t *testing.T) {
	pgDSN(t)
	for _, in := range inputs(t) {
		t.Run(in.name, func(t *testing.T) {
			conn := pgConn(t)
			cols := loadText(t, conn, in.text)
			ctx := context.Background()
			var fromCSV, fromRows noteLog
			want, err := fromCSV.reader(in.scattered).Tally(ctx, bytes.NewReader(in.text), funnel.AttrOwner)
			if err != nil {
				t.Fatalf("Tally of the CSV: %v", err)
			}
			got, err := tallyRows(ctx, conn, fromRows.reader(in.scattered), cols)
			if err != nil {
				t.Fatalf("Tally of the rows: %v", err)
			}
			if want.Len() == 0 {
				t.Fatal("the CSV's tally has no groups")
			}
			if diff := cmp.Diff(want.Groups(), got.Groups(), decimalEqual); diff != "" {
				t.Errorf("Tally groups mismatch (-CSV +rows):\n%s", diff)
			}
			if diff := cmp.Diff(fromCSV.notes, fromRows.notes); diff != "" {
				t.Errorf("notes mismatch (-CSV +rows):\n%s", diff)
			}
			if in.scattered {
				// Rows cannot be read again: a grouped read of interleaved
				// deals ends with ErrNotContiguous, as FromRows documents.
				_, err := tallyRows(ctx, conn, crm.Long{Funnel: benchFunnel}, cols)
				if !errors.Is(err, crm.ErrNotContiguous) {
					t.Errorf("grouped Tally of interleaved rows: error = %v, want ErrNotContiguous", err)
				}
			}
		})
	}
}

// TestGroupByEqualsTally checks the GROUP BY path: the Counts that
// funnel.FromGroupSums makes of groupby.sql's rows equal the Tally's
// (every field but time in stage and time to win, which the GROUP BY does
// not compute), and so does the owner-funnel report.
func TestGroupByEqualsTally(t *testing.T) {
	pgDSN(t)
	for _, in := range inputs(t) {
		t.Run(in.name, func(t *testing.T) {
			conn := pgConn(t)
			loadText(t, conn, in.text)
			ctx := context.Background()
			ta, err := crm.Long{Funnel: benchFunnel, Scattered: in.scattered}.Tally(ctx, bytes.NewReader(in.text), funnel.AttrOwner)
			if err != nil {
				t.Fatal(err)
			}
			want := ta.Groups()
			got, err := groupBy(ctx, conn, benchFunnel)
			if err != nil {
				t.Fatalf("groupBy: %v", err)
			}
			// The fields the report reads, exactly.
			report := func(cs []funnel.Counts) []any {
				var out []any
				for _, c := range cs {
					out = append(out, c.Key, c.Reached, c.OpenAt, c.WinRate(), c.AvgWon(), c.WonCycle.N(), c.WonCycle.Seconds(), c.LostCycle.N(), c.LostCycle.Seconds())
				}
				return out
			}
			if diff := cmp.Diff(report(want), report(got), decimalEqual); diff != "" {
				t.Errorf("report fields mismatch (-tally +group by):\n%s", diff)
			}
			opts := cmp.Options{decimalEqual, cmpopts.IgnoreFields(funnel.Counts{}, "StageTime", "WonToClose")}
			if diff := cmp.Diff(want, got, opts); diff != "" {
				t.Errorf("Counts mismatch (-tally +group by):\n%s", diff)
			}
			var a, b bytes.Buffer
			if err := ownerfunnel.Write(&a, benchFunnel, []string{funnel.AttrOwner}, want); err != nil {
				t.Fatal(err)
			}
			if err := ownerfunnel.Write(&b, benchFunnel, []string{funnel.AttrOwner}, got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(a.String(), b.String()); diff != "" {
				t.Errorf("owner-funnel report mismatch (-tally +group by):\n%s", diff)
			}
		})
	}
}

// TestGroupByHandWorked checks the SQL against the bench's hand-computed
// answer for its edge cases, shared/bench/testdata/tiny.expected.csv (a
// copy in examples/beam/testdata). Its mean_cycle_days runs from a deal's
// earliest Lead row, the library's from its first stage row; in this file
// every closed deal with a stage row starts at Lead, so the two agree.
func TestGroupByHandWorked(t *testing.T) {
	tiny, err := os.ReadFile("../beam/testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	expected, err := os.ReadFile("../beam/testdata/tiny.expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	conn := pgConn(t)
	loadText(t, conn, tiny)
	got, err := groupBy(context.Background(), conn, benchFunnel)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := ownerfunnel.Write(&out, benchFunnel, []string{funnel.AttrOwner}, got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(expected), out.String()); diff != "" {
		t.Errorf("owner funnel of tiny.csv mismatch (-hand-computed +group by):\n%s", diff)
	}
}

// setCell returns the CSV text with the cell of column col on the record
// at line (the header being line 1) set to value; every record is one line.
func setCell(t *testing.T, text []byte, line int, col, value string) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	i := -1
	for j, h := range recs[0] {
		if h == col {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("no column %q", col)
	}
	recs[line-1][i] = value
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBadRowSameError checks that a bad row in the table gives the same
// *crm.RowError through FromRows as the same cell in the CSV: the line,
// the column, the value as written, the deal, the reason and the text;
// and that the GROUP BY path refuses the rows the view cannot use.
func TestBadRowSameError(t *testing.T) {
	pgDSN(t)
	sample, err := os.ReadFile("../review/sample/deals.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Lines of examples/review/sample/deals.csv: 5 is D0001's Proposal
	// row, won at line 7; 10, 20, 30 and 40 are rows of other deals.
	tests := []struct {
		name  string
		line  int
		col   string
		value string // the CSV cell; empty for NULL
		sql   string // the table's change, $1 the line
		want  error
		// groupBy is the error of the GROUP BY path; nil when it reads
		// the row (its checks are the view's, not the reader's).
		groupBy error
	}{
		{"stage not in the funnel", 10, "stage", "Discovery", "UPDATE stage_history SET stage = 'Discovery' WHERE line = $1", funnel.ErrUnknownStage, funnel.ErrUnknownStage},
		{"NULL entered_at", 20, "entered_at", "", "UPDATE stage_history SET entered_at = NULL WHERE line = $1", crm.ErrMissingValue, crm.ErrMissingValue},
		{"NULL deal_id", 30, "deal_id", "", "UPDATE stage_history SET deal_id = NULL WHERE line = $1", crm.ErrMissingValue, crm.ErrMissingValue},
		{"negative amount", 40, "amount", "-5.00", "UPDATE stage_history SET amount = -5.00 WHERE line = $1", funnel.ErrNegativeAmount, nil},
		{"entered after the close", 5, "entered_at", "2031-01-01T00:00:00Z", "UPDATE stage_history SET entered_at = '2031-01-01T00:00:00Z' WHERE line = $1", crm.ErrAfterClose, nil},
	}
	// A local zone other than UTC: pgx would give the times in it, and the
	// cells naming them would differ from the export's, but for openDB's
	// ScanLocation. The tests of this package do not run in parallel.
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.FixedZone("IST", 5*3600+1800)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := pgConn(t)
			cols := loadText(t, conn, sample)
			ctx := context.Background()
			if _, err := conn.ExecContext(ctx, tt.sql, tt.line); err != nil {
				t.Fatal(err)
			}
			rd := crm.Long{Funnel: benchFunnel}
			_, csvErr := rd.Tally(ctx, bytes.NewReader(setCell(t, sample, tt.line, tt.col, tt.value)), funnel.AttrOwner)
			_, rowsErr := tallyRows(ctx, conn, rd, cols)
			var want, got *crm.RowError
			if !errors.As(csvErr, &want) || !errors.Is(csvErr, tt.want) {
				t.Fatalf("CSV error = %v, want a *crm.RowError wrapping %v", csvErr, tt.want)
			}
			if !errors.As(rowsErr, &got) || !errors.Is(rowsErr, tt.want) {
				t.Fatalf("rows error = %v, want a *crm.RowError wrapping %v", rowsErr, tt.want)
			}
			if want.Line != tt.line {
				t.Errorf("CSV error at line %d, want %d: %v", want.Line, tt.line, want)
			}
			fields := func(e *crm.RowError) []any { return []any{e.Line, e.Column, e.Value, e.DealID, e.Error()} }
			if diff := cmp.Diff(fields(want), fields(got)); diff != "" {
				t.Errorf("RowError mismatch (-CSV +rows):\n%s", diff)
			}
			_, err := groupBy(ctx, conn, benchFunnel)
			switch {
			case tt.groupBy == nil && err != nil:
				t.Errorf("groupBy = %v, want no error", err)
			case tt.groupBy != nil && (!errors.Is(err, tt.groupBy) || !errors.Is(err, errUnusable)):
				t.Errorf("groupBy error = %v, want one wrapping %v", err, tt.groupBy)
			}
		})
	}
}

// TestRun runs the program on the bench's tiny.csv, interleaved deals and
// all (-scattered): it loads the file into a new schema and prints the
// same report both ways, the bench's hand-computed tiny.expected.csv.
func TestRun(t *testing.T) {
	dsn := pgDSN(t)
	expected, err := os.ReadFile("../beam/testdata/tiny.expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	conn := pgConn(t) // to reach the server and drop the program's schema
	b := make([]byte, 6)
	rand.Read(b)
	schema := "funnelmath_run_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		if _, err := conn.ExecContext(context.Background(), "DROP SCHEMA IF EXISTS "+quoteIdent(schema)+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), &stdout, &stderr, []string{"-dsn", dsn, "-schema", schema, "-scattered", "-load", "../beam/testdata/tiny.csv"})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	want := "# rows: SELECT ... ORDER BY line, through crm.FromRows into crm.Long.Tally by owner\n" + string(expected) +
		"# group by: groupby.sql, through funnel.FromGroupSums\n" + string(expected)
	if diff := cmp.Diff(want, stdout.String()); diff != "" {
		t.Errorf("run output mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr.String(), "loaded 22 rows") || !strings.Contains(stderr.String(), "the two agree: 4 owners, 6 stages") {
		t.Errorf("run stderr = %q", stderr.String())
	}
	// The schema exists now: a second -load refuses to replace it.
	err = run(context.Background(), &stdout, &stderr, []string{"-dsn", dsn, "-schema", schema, "-load", "../beam/testdata/tiny.csv"})
	if err == nil {
		t.Error("run -load into an existing schema: no error")
	}
}
