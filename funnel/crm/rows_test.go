package crm

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

// A database/sql driver serving one fixed result, for testing FromRows
// without a database (the warehouse example tests it on PostgreSQL).
type fakeResult struct {
	cols []string
	rows [][]driver.Value
	err  error // returned by the rows after the last one
}

func (r *fakeResult) Connect(context.Context) (driver.Conn, error) { return fakeConn{r}, nil }
func (r *fakeResult) Driver() driver.Driver                        { return nil }

type fakeConn struct{ r *fakeResult }

func (c fakeConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("no statements") }
func (c fakeConn) Close() error                        { return nil }
func (c fakeConn) Begin() (driver.Tx, error)           { return nil, errors.New("no transactions") }
func (c fakeConn) QueryContext(context.Context, string, []driver.NamedValue) (driver.Rows, error) {
	return &fakeRows{r: c.r}, nil
}

type fakeRows struct {
	r *fakeResult
	i int
}

func (f *fakeRows) Columns() []string { return f.r.cols }
func (f *fakeRows) Close() error      { return nil }
func (f *fakeRows) Next(dest []driver.Value) error {
	if f.i == len(f.r.rows) {
		if f.r.err != nil {
			return f.r.err
		}
		return io.EOF
	}
	copy(dest, f.r.rows[f.i])
	f.i++
	return nil
}

// query runs the fake query over r.
func query(t *testing.T, r *fakeResult) *sql.Rows {
	t.Helper()
	db := sql.OpenDB(r)
	t.Cleanup(func() { db.Close() })
	rows, err := db.QueryContext(context.Background(), "SELECT")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rows.Close() })
	return rows
}

// textResult is the CSV text in as a result of string cells, an empty
// cell read as NULL when null is set.
func textResult(t *testing.T, in string, null bool) *fakeResult {
	t.Helper()
	cr := csv.NewReader(strings.NewReader(in))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeResult{cols: recs[0]}
	for _, rec := range recs[1:] {
		row := make([]driver.Value, len(rec))
		for i, v := range rec {
			row[i] = v
			if null && v == "" {
				row[i] = nil
			}
		}
		r.rows = append(r.rows, row)
	}
	return r
}

// TestFromRowsMatchesCSV reads long histories (with bad rows, strict and
// lenient, grouped and Scattered, for Deals and for Tally) from a
// database/sql result holding the CSV's cells, and from the CSV: the
// deals, tallies, reports and errors must be the same. The inputs have no
// line breaks in cells, so that rows and lines are numbered alike.
func TestFromRowsMatchesCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	ins := []string{
		history(rng, 200, false, 0),
		history(rng, 200, true, 0),
		// Bad rows, but no quotes, which the result's cells would not
		// hold as the CSV does.
		// (and no row of another width, which a result cannot have).
		dropRagged(strings.NewReplacer("\"S\nMB\"", "SMB", "S\"MB", "SMB").Replace(history(rng, 200, false, 20))),
	}
	for n, in := range ins {
		for _, lenient := range []bool{true, false} {
			for _, scattered := range []bool{false, true} {
				for _, null := range []bool{false, true} {
					t.Run(fmt.Sprintf("input %d/lenient=%v/scattered=%v/null=%v", n, lenient, scattered, null), func(t *testing.T) {
						c := Long{Funnel: tfunnel, Scattered: scattered, Options: Options{Lenient: lenient}}
						var want, got outcome
						c.Options = recorder(c.Options, &want.Reports)
						ty, err := c.Tally(context.Background(), plainReader{strings.NewReader(in)}, funnel.AttrOwner)
						want.set(ty, err)
						c.Options = recorder(Options{Lenient: lenient}, &got.Reports)
						ty, err = c.Tally(context.Background(), FromRows(query(t, textResult(t, in, null))), funnel.AttrOwner)
						got.set(ty, err)
						if diff := cmp.Diff(want, got); diff != "" {
							t.Errorf("Tally mismatch (-CSV +rows):\n%s", diff)
						}
						c.Options = Options{Lenient: lenient}
						wantRes, wantErr := c.ReadAll(context.Background(), strings.NewReader(in))
						gotRes, gotErr := c.ReadAll(context.Background(), FromRows(query(t, textResult(t, in, null))))
						if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
							t.Errorf("ReadAll err = %v, want %v", gotErr, wantErr)
						}
						if diff := cmp.Diff(wantRes, gotRes, rowErrText); diff != "" {
							t.Errorf("ReadAll mismatch (-CSV +rows):\n%s", diff)
						}
					})
				}
			}
		}
	}
}

func (o *outcome) set(ty *funnel.Tally, err error) {
	if err != nil {
		o.Err = err.Error()
		return
	}
	o.Groups = ty.Groups()
}

// TestFromRowsTypes reads values of the types a driver gives (times,
// numbers, bytes, NULL) as the CSV text they stand for.
func TestFromRowsTypes(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	r := &fakeResult{
		cols: []string{"deal_id", "owner", "stage", "entered_at", "amount"},
		rows: [][]driver.Value{
			{int64(1), "ann", "Lead", at("2024-01-01T09:00:00Z"), float64(1200.5)},
			{int64(1), []byte("ann"), []byte("Closed Won"), at("2024-01-10T10:00:00Z").In(paris), "1200.50"},
			{int64(2), nil, "Lead", at("2024-01-02T00:00:00Z"), int64(300)},
			{int64(2), "bob", "Qualified", at("2024-01-03T12:30:00.5Z"), nil},
		},
	}
	in := "deal_id,owner,stage,entered_at,amount\n" +
		"1,ann,Lead,2024-01-01T09:00:00Z,1200.5\n" +
		"1,ann,Closed Won,2024-01-10T11:00:00+01:00,1200.50\n" +
		"2,,Lead,2024-01-02T00:00:00Z,300\n" +
		"2,bob,Qualified,2024-01-03T12:30:00.5Z,\n"
	c := Long{Funnel: tfunnel}
	want, err := c.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.ReadAll(context.Background(), FromRows(query(t, r)))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, rowErrText); diff != "" {
		t.Errorf("mismatch (-CSV +rows):\n%s", diff)
	}
	// The rows as text: what database/sql makes of each value.
	text, err := io.ReadAll(FromRows(query(t, r)))
	if err != nil {
		t.Fatal(err)
	}
	wantText := "deal_id,owner,stage,entered_at,amount\n" +
		"1,ann,Lead,2024-01-01T09:00:00Z,1200.5\n" +
		"1,ann,Closed Won,2024-01-10T11:00:00+01:00,1200.50\n" +
		"2,,Lead,2024-01-02T00:00:00Z,300\n" +
		"2,bob,Qualified,2024-01-03T12:30:00.5Z,\n"
	if string(text) != wantText {
		t.Errorf("as text:\n%s\nwant:\n%s", text, wantText)
	}
}

// TestFromRowsErrors checks a row that cannot be scanned (a row error at
// its line, skipped in lenient mode) and a failing result (the end of
// reading, with its error).
func TestFromRowsErrors(t *testing.T) {
	type odd struct{} // no text for database/sql
	bad := &fakeResult{
		cols: []string{"deal_id", "stage", "entered_at"},
		rows: [][]driver.Value{
			{"A", "Lead", "2024-01-01"},
			{"B", odd{}, "2024-01-02"},
			{"C", "Lead", "2024-01-03"},
		},
	}
	boom := errors.New("connection lost")
	failing := &fakeResult{cols: bad.cols, rows: bad.rows[:1], err: boom}
	c := Long{Funnel: tfunnel}
	_, err := c.ReadAll(context.Background(), FromRows(query(t, bad)))
	var re *RowError
	if !errors.As(err, &re) || re.Line != 3 || !errors.Is(err, ErrMalformedRow) {
		t.Errorf("strict: err = %v, want a *RowError at line 3 wrapping ErrMalformedRow", err)
	}
	c.Lenient = true
	res, err := c.ReadAll(context.Background(), FromRows(query(t, bad)))
	if err != nil || len(res.Deals) != 2 || len(res.Skipped) != 1 || res.Skipped[0].Line != 3 {
		t.Errorf("lenient: %d deals, skipped %v, err %v; want 2 deals, line 3 skipped", len(res.Deals), res.Skipped, err)
	}
	c.OnSkip = func(*RowError) {}
	_, err = c.Tally(context.Background(), FromRows(query(t, failing)), funnel.AttrOwner)
	if !errors.Is(err, boom) {
		t.Errorf("failing result: err = %v, want %v", err, boom)
	}
	if _, err := io.ReadAll(FromRows(query(t, bad))); !errors.As(err, &re) || re.Line != 3 || !errors.Is(err, ErrMalformedRow) {
		t.Errorf("as text: err = %v, want a *RowError at line 3 wrapping ErrMalformedRow", err)
	}
}

// rowErrText compares row errors by their text.
var rowErrText = cmp.Comparer(func(a, b *RowError) bool { return a.Error() == b.Error() })

// dropRagged drops the lines of in, which has no quotes, whose number of
// commas is not the header's.
func dropRagged(in string) string {
	lines := strings.Split(strings.TrimSuffix(in, "\n"), "\n")
	n := strings.Count(lines[0], ",")
	out := lines[:1]
	for _, l := range lines[1:] {
		if strings.Count(l, ",") == n {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// TestFromRowsWide reads wide exports (an id on two rows now and then)
// from a result and from the CSV, with and without NULLs for empty cells.
func TestFromRowsWide(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	for n, in := range []string{wideExport(rng, 150, 0), dropRagged(wideExport(rng, 150, 15))} {
		for _, null := range []bool{false, true} {
			t.Run(fmt.Sprintf("input %d/null=%v", n, null), func(t *testing.T) {
				w := Wide{Funnel: tfunnel, Options: Options{Lenient: true}}
				var want, got outcome
				w.Options = recorder(w.Options, &want.Reports)
				ty, err := w.Tally(context.Background(), strings.NewReader(in), funnel.AttrOwner)
				want.set(ty, err)
				w.Options = recorder(Options{Lenient: true}, &got.Reports)
				ty, err = w.Tally(context.Background(), FromRows(query(t, textResult(t, in, null))), funnel.AttrOwner)
				got.set(ty, err)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Tally mismatch (-CSV +rows):\n%s", diff)
				}
			})
		}
	}
}

// FuzzFromRows reads any quote-free history as CSV and as a result of its
// cells: the tallies, reports and errors must be the same.
func FuzzFromRows(f *testing.F) {
	rng := rand.New(rand.NewPCG(15, 3))
	f.Add(history(rng, 10, false, 0), false)
	f.Add(history(rng, 10, true, 3), true)
	f.Add("deal_id,stage,entered_at\nA,Lead,2024-01-01\nA,Closed Won,2023-12-31\n", true)
	f.Fuzz(func(t *testing.T, in string, lenient bool) {
		if strings.ContainsAny(in, "\"\r") || !strings.HasSuffix(in, "\n") || strings.Contains(in, "\n\n") || strings.HasPrefix(in, "\xef\xbb\xbf") {
			return // cells a result holds as the CSV does
		}
		in = dropRagged(in)
		if strings.Count(in, "\n") < 1 || strings.HasPrefix(in, "\n") {
			return
		}
		c := Long{Funnel: tfunnel, Options: Options{Lenient: lenient}}
		var want, got outcome
		c.Options = recorder(c.Options, &want.Reports)
		ty, err := c.Tally(context.Background(), plainReader{strings.NewReader(in)}, funnel.AttrOwner) // read once, as rows are
		want.set(ty, err)
		c.Options = recorder(Options{Lenient: lenient}, &got.Reports)
		ty, err = c.Tally(context.Background(), FromRows(query(t, textResult(t, in, false))), funnel.AttrOwner)
		got.set(ty, err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Tally mismatch (-CSV +rows):\n%s\ninput:\n%q", diff, in)
		}
	})
}
