package crm_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// moveFirst returns the CSV in with its column j moved to the front of
// every record.
func moveFirst(t *testing.T, in string, j int) string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(in))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, rec := range recs {
		out := append([]string{rec[j]}, rec[:j]...)
		if err := w.Write(append(out, rec[j+1:]...)); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.String()
}

// TestColumnOrder reads each export with each of its columns moved to
// the front of the header and the rows: the readers find columns by name,
// so every order reads the same deals, notes and skips as the file as
// written (the second method), and a role in the first column counts as
// present.
func TestColumnOrder(t *testing.T) {
	ctx := context.Background()
	type reader func(string) (crm.Result, error)
	long := func(scattered bool) reader {
		return func(in string) (crm.Result, error) {
			rd := crm.Long{Funnel: sales, Scattered: scattered, Columns: crm.LongColumns{Deleted: "deleted", Account: "account"},
				Options: crm.Options{Lenient: true}}
			return rd.ReadAll(ctx, strings.NewReader(in))
		}
	}
	wide := func(in string) (crm.Result, error) {
		rd := crm.Wide{Funnel: sales, Columns: crm.WideColumns{Stage: "Deal Stage", Source: "source", Segment: "segment"}, Options: crm.Options{Lenient: true}}
		return rd.ReadAll(ctx, strings.NewReader(in))
	}
	snapshot := func(in string) (crm.Result, error) {
		rd := crm.Snapshot{Funnel: sales, Columns: crm.SnapshotColumns{StageDates: map[string]string{"Meeting": "met_at"}}, Options: crm.Options{Lenient: true}}
		return rd.ReadAll(ctx, strings.NewReader(in))
	}
	longIn := "deal_id,owner,segment,source,account,stage,entered_at,amount,expected_close,deleted,prob\n" +
		"A,ann,SMB,web,Acme,Lead,2024-01-01,5,2024-02-01,no,10\n" +
		"A,,,,,Qualified,2024-01-02,,,,\n" + // empty cells keep the values before
		"A,bob,MM,ads,Acme2,Meeting,2024-01-03,6.50,2024-03-01,false,30\n" +
		"A,zed,,,,Closed Won,2024-01-04,7,,yes,90\n" + // deleted: none of it counts
		"B,ann,SMB,web,Beta,Lead,2024-01-02,,,,\n" +
		"B,ann,SMB,web,Beta,Closed Lost,2024-01-05,,,,\n" +
		"C,cy,,,,Lead,2024-01-03,1e5,,,\n" // a bad amount: skipped
	wideIn := "deal_id,owner,segment,source,amount,created_at,Deal Stage,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won,lost_at,is_lost,closed_at\n" +
		"W,ann,SMB,web,100,2023-12-31,Closed Won,2024-01-01,,2024-01-03,,,2024-01-09,,,\n" +
		"U,ann,SMB,web,,,Closed Won,2024-01-01,,,,,,,,2024-01-07\n" + // won by its stage at the close date
		"L,bob,MM,ads,50,,Closed Lost,2024-01-01,2024-01-02,,,,,2024-01-04,yes,\n" +
		"O,bob,MM,ads,70,,Lead,,,,,,,,no,\n" + // at Lead, no date: an untimed event
		"P,cy,,,5,,Qualified,2024-01-01,,,,,,2024-01-02,no,\n" // reopened: a note
	snapIn := "deal_id,stage,status,created_at,closed_at,amount,met_at\n" +
		"S1,Meeting,open,2024-01-01,,5,2024-01-03\n" +
		"S2,Proposal,lost,2024-01-01,2024-01-09,6,2024-01-04\n" +
		"S3,Closed Won,,2024-01-02,2024-01-08,7,\n" +
		"S4,Lead,Open,2024-01-02,2024-03-01,,\n"
	tests := []struct {
		name  string
		read  reader
		in    string
		deals int
	}{
		{"long", long(false), longIn, 2},
		{"long scattered", long(true), longIn, 2},
		{"wide", wide, wideIn, 5},
		{"snapshot", snapshot, snapIn, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := tt.read(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Deals) != tt.deals {
				t.Fatalf("read %d deals as written, want %d: %+v", len(want.Deals), tt.deals, want)
			}
			cols := strings.Count(strings.SplitN(tt.in, "\n", 2)[0], ",") + 1
			for j := 1; j < cols; j++ {
				got, err := tt.read(moveFirst(t, tt.in, j))
				if err != nil {
					t.Fatalf("column %d first: %v", j, err)
				}
				// The lines stay; only the columns move.
				if diff := cmp.Diff(want, got, dealOpts, cmp.Comparer(func(a, b *crm.RowError) bool { return a.Error() == b.Error() })); diff != "" {
					t.Errorf("column %d first: mismatch (-as written +moved):\n%s", j, diff)
				}
			}
		})
	}
}

// TestLongLastValues pins the rule for a deal's fields in a long history:
// each takes its last non-empty value in input order, an empty cell
// changes nothing, and without attribute columns a deal has no Attrs map
// at all.
func TestLongLastValues(t *testing.T) {
	in := "deal_id,owner,stage,entered_at,amount\n" +
		"A,ann,Lead,2024-01-01,5\n" +
		"A,,Qualified,2024-01-02,\n" +
		"A, ,Meeting,2024-01-03, \n"
	want := []funnel.Deal{{ID: "A", Owner: "ann", Amount: amount("5"), Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2)), ev(meeting, day(3))}}}
	for _, scattered := range []bool{false, true} {
		res, err := crm.Long{Funnel: sales, Scattered: scattered}.ReadAll(context.Background(), strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, res.Deals); diff != "" {
			t.Errorf("scattered %v: deals mismatch (-want +got):\n%s", scattered, diff)
		}
		if len(res.Deals) == 1 && res.Deals[0].Attrs != nil {
			t.Errorf("scattered %v: Attrs = %#v, want nil", scattered, res.Deals[0].Attrs)
		}
	}
}

// TestWideCurrentStageAtTheFirst reads deals whose current stage is the
// funnel's first: with its date, the deal has that one event; without,
// it is there at an unknown time (an event at the zero time); with an
// empty Deal Stage cell, the dates alone say.
func TestWideCurrentStageAtTheFirst(t *testing.T) {
	in := "deal_id,Deal Stage,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\n" +
		"D,Lead,2024-01-01,,,,,\n" +
		"U,Lead,,,,,,\n" +
		"E,,2024-01-01,2024-01-02,,,,\n"
	res, err := crm.Wide{Funnel: sales, Columns: crm.WideColumns{Stage: "Deal Stage"}}.ReadAll(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []funnel.Deal{
		{ID: "D", Events: []funnel.Event{ev(lead, day(1))}},
		{ID: "U", Events: []funnel.Event{{Stage: lead}}},
		{ID: "E", Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2))}},
	}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("deals mismatch (-want +got):\n%s", diff)
	}
}

// TestReadErrorsPassThrough checks that a failing io.Reader's error ends
// reading as it is, before the header and after it, and that input of
// only a byte order mark has no header.
func TestReadErrorsPassThrough(t *testing.T) {
	boom := errors.New("disk on fire")
	ctx := context.Background()
	for name, r := range map[string]func() io.Reader{
		"at once": func() io.Reader { return iotest.ErrReader(boom) },
		"after a row": func() io.Reader {
			return io.MultiReader(strings.NewReader(longHeader+"A,ann,Lead,2024-01-01,5\n"), iotest.ErrReader(boom))
		},
		"inside a record": func() io.Reader {
			return io.MultiReader(strings.NewReader(longHeader+"A,ann,\"Le"), iotest.ErrReader(boom))
		},
	} {
		for _, scattered := range []bool{false, true} {
			_, err := crm.Long{Funnel: sales, Scattered: scattered}.ReadAll(ctx, r())
			if !errors.Is(err, boom) {
				t.Errorf("%s (scattered %v): error = %v, want %v", name, scattered, err, boom)
			}
		}
	}
	for _, in := range []string{"\ufeff", "\ufeff\n", "\ufeff\r", "\r\n\n"} {
		_, err := crm.Long{Funnel: sales}.ReadAll(ctx, strings.NewReader(in))
		var re *crm.RowError
		if !errors.As(err, &re) || !errors.Is(err, crm.ErrMissingColumn) || err.Error() != "crm: line 1: missing column: no header" {
			t.Errorf("ReadAll(%q) error = %v, want no header", in, err)
		}
	}
}

// TestCancelEvery4096Rows pins how often a reader looks at its context:
// once every 4096 records. A consumer that cancels at the first deal of
// a wide export (a deal a row) gets the deals of rows 2 to 4096 (the 4095
// rows read before the 4096th looks), then the context's error.
func TestCancelEvery4096Rows(t *testing.T) {
	var b strings.Builder
	b.WriteString("deal_id,Lead,Qualified,Meeting,Proposal,Negotiation,Closed Won\n")
	for i := range 6000 {
		b.WriteString("D" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + time.Duration(i).String() + ",2024-01-01,,,,,\n")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range (crm.Wide{Funnel: sales}).Deals(ctx, strings.NewReader(b.String())) {
		if err != nil {
			last = err
			break
		}
		cancel()
		n++
	}
	if n != 4095 || !errors.Is(last, context.Canceled) {
		t.Errorf("read %d deals, then %v; want 4095, then context.Canceled", n, last)
	}
}

// TestPresetsOwnWonStage checks the presets with a funnel whose won stage
// is not named "Closed Won": the CRM's "Closed Won" reads as it; and with
// no funnel at all, an error rather than a panic.
func TestPresetsOwnWonStage(t *testing.T) {
	f := funnel.MustNew("Prospecting", "Qualification", "Won")
	ctx := context.Background()
	sf := "OpportunityId,StageName,CreatedDate\n006A,Prospecting,2024-03-01T09:00:00.000+0000\n006A,Closed Won,2024-03-05T09:00:00.000+0000\n"
	res, err := crm.SalesforceHistory(f).ReadAll(ctx, strings.NewReader(sf))
	at := func(d int) time.Time { return time.Date(2024, 3, d, 9, 0, 0, 0, time.UTC) }
	want := []funnel.Deal{{ID: "006A", Events: []funnel.Event{ev(0, at(1)), ev(2, at(5))}, Outcome: funnel.Won, Closed: at(5)}}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("SalesforceHistory deals mismatch (-want +got):\n%s", diff)
	}
	hs := "Record ID,Deal Stage,Amount,Date entered Prospecting,Date entered Qualification,Date entered Won\n7,Closed Won,5,2024-03-01 09:00,,2024-03-05 09:00\n"
	res, err = crm.HubSpotDeals(f).ReadAll(ctx, strings.NewReader(hs))
	want[0].ID, want[0].Amount = "7", amount("5")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
		t.Errorf("HubSpotDeals deals mismatch (-want +got):\n%s", diff)
	}
	for name, read := range map[string]func() error{
		"SalesforceHistory": func() error {
			_, err := crm.SalesforceHistory(funnel.Funnel{}).ReadAll(ctx, strings.NewReader(sf))
			return err
		},
		"HubSpotDeals": func() error {
			_, err := crm.HubSpotDeals(funnel.Funnel{}).ReadAll(ctx, strings.NewReader(hs))
			return err
		},
	} {
		if err := read(); !errors.Is(err, crm.ErrBadConfig) {
			t.Errorf("%s with no funnel: error = %v, want ErrBadConfig", name, err)
		}
	}
}

// TestWideStagePatternGroups checks how a StagePattern names the stage:
// its submatch "stage" wherever it is, else its first; a pattern with no
// submatch is a configuration error.
func TestWideStagePatternGroups(t *testing.T) {
	in := "deal_id,Entered Lead,Entered Qualified,Entered Meeting,Entered Proposal,Entered Negotiation,Entered Closed Won\nA,2024-01-01,2024-01-02,,,,\n"
	ctx := context.Background()
	for _, p := range []string{`^(Entered|Date entered) (?P<stage>.+)$`, `^Entered (.+)$`} {
		rd := crm.Wide{Funnel: sales, Columns: crm.WideColumns{StagePattern: regexp.MustCompile(p)}}
		res, err := rd.ReadAll(ctx, strings.NewReader(in))
		want := []funnel.Deal{{ID: "A", Events: []funnel.Event{ev(lead, day(1)), ev(qualified, day(2))}}}
		if err != nil {
			t.Fatalf("pattern %s: %v", p, err)
		}
		if diff := cmp.Diff(want, res.Deals, dealOpts); diff != "" {
			t.Errorf("pattern %s: deals mismatch (-want +got):\n%s", p, diff)
		}
	}
	rd := crm.Wide{Funnel: sales, Columns: crm.WideColumns{StagePattern: regexp.MustCompile(`^Entered .+$`)}}
	if _, err := rd.ReadAll(ctx, strings.NewReader(in)); !errors.Is(err, crm.ErrBadConfig) {
		t.Errorf("pattern without a submatch: error = %v, want ErrBadConfig", err)
	}
}
