package beamtally_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/examples/beam/beamtally"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
)

// report formats a tally with FormatReport.
func report(t testing.TB, ty *funnel.Tally) string {
	t.Helper()
	var b strings.Builder
	if err := beamtally.FormatReport(&b, ty); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkFinite checks that every figure of a report (the columns after the
// nkeys key columns and the stage) is empty or a finite number, and that
// conv_to_next and win_rate are in [0, 1].
func checkFinite(t testing.TB, rep string, nkeys int) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(rep)).ReadAll()
	if err != nil {
		t.Fatalf("the report is not CSV: %v\n%s", err, rep)
	}
	for _, rec := range recs[1:] {
		for j, cell := range rec[nkeys+1:] {
			if cell == "" {
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Fatalf("report cell %q is not a finite non-negative number: %v", cell, rec)
			}
			if (j == 1 || j == 2) && v > 1 {
				t.Fatalf("rate %v above 1: %v", v, rec)
			}
		}
	}
}

func tinyTally(t testing.TB, by ...string) *funnel.Tally {
	t.Helper()
	tiny, err := os.ReadFile("../testdata/tiny.csv")
	if err != nil {
		t.Fatal(err)
	}
	ty, err := crm.Long{Funnel: funnel.MustNew(beamtally.BenchStages()...)}.Tally(context.Background(), bytes.NewReader(tiny), by...)
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

func TestFormatReportTiny(t *testing.T) {
	// testdata/tiny.expected.csv is the bench's hand-computed answer for
	// tiny.csv (shared/bench/testdata), which the review's owner-funnel
	// report matches byte for byte. For owner_a, for example: D1 and D2 won,
	// D3 lost, D4 open; win rate 2/3 = 0.6666666666666666; ASP (100.00 +
	// 200.50)/2 = 150.25; cycle (10 + 3.5 + 10)/3 = 7.833333333333333 days
	// (D1 Jan 1-11, D2 Jan 1-4 12:00, D3 from its first Lead Jan 2 to Jan 12).
	want, err := os.ReadFile("../testdata/tiny.expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := report(t, tinyTally(t, "owner"))
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("FormatReport(tiny) mismatch (-hand-computed +got):\n%s", diff)
	}
	checkFinite(t, got, 1)
}

func TestFormatReportShapes(t *testing.T) {
	// Two deals, hand-worked: A won (Lead Jan 1, won Jan 3: 2 days, 10.5),
	// B lost at Qualified (Lead Jan 1, Qualified Jan 2, lost Jan 5: 4 days).
	const in = "deal_id,owner,segment,stage,entered_at,amount\n" +
		"A,\"Smith, Jo\",SMB,Lead,2024-01-01,10.5\n" +
		"A,\"Smith, Jo\",SMB,Won,2024-01-03,10.5\n" +
		"B,\"Smith, Jo\",Ent,Lead,2024-01-01,\n" +
		"B,\"Smith, Jo\",Ent,Qualified,2024-01-02,\n" +
		"B,\"Smith, Jo\",Ent,Closed Lost,2024-01-05,\n"
	tally := func(by ...string) *funnel.Tally {
		ty, err := crm.Long{Funnel: funnel.MustNew("Lead", "Qualified", "Won")}.Tally(context.Background(), strings.NewReader(in), by...)
		if err != nil {
			t.Fatal(err)
		}
		return ty
	}
	tests := []struct {
		name string
		by   []string
		want string
	}{
		// A name with a comma is quoted. Reached 2, 2, 1 (A skipped
		// Qualified, but a won deal reached every stage: implied reach),
		// so conv_to_next 2/2 = 1 and 1/2 = 0.5; win rate 1/2; ASP 10.5;
		// cycle (2 + 4)/2 = 3 days.
		{"owner", []string{"owner"}, "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n" +
			"\"Smith, Jo\",Lead,2,1,0.5,10.5,3\n" +
			"\"Smith, Jo\",Qualified,2,0.5,0.5,10.5,3\n" +
			"\"Smith, Jo\",Won,1,,0.5,10.5,3\n"},
		// No grouping: no key column.
		{"ungrouped", nil, "stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n" +
			"Lead,2,1,0.5,10.5,3\n" +
			"Qualified,2,0.5,0.5,10.5,3\n" +
			"Won,1,,0.5,10.5,3\n"},
		// Two attributes, groups in key order (Ent before SMB). Ent: B
		// lost, 0 of 1, no ASP, cycle 4; SMB: A won, 1 of 1, 10.5, 2.
		{"segment and owner", []string{"segment", "owner"}, "segment,owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n" +
			"Ent,\"Smith, Jo\",Lead,1,1,0,,4\n" +
			"Ent,\"Smith, Jo\",Qualified,1,0,0,,4\n" +
			"Ent,\"Smith, Jo\",Won,0,,0,,4\n" +
			"SMB,\"Smith, Jo\",Lead,1,1,1,10.5,2\n" +
			"SMB,\"Smith, Jo\",Qualified,1,1,1,10.5,2\n" +
			"SMB,\"Smith, Jo\",Won,1,,1,10.5,2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ty := tally(tt.by...)
			before := tallyJSON(t, ty)
			got := report(t, ty)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FormatReport mismatch (-hand-worked +got):\n%s", diff)
			}
			if after := tallyJSON(t, ty); after != before {
				t.Errorf("FormatReport modified its tally")
			}
		})
	}
}

// failWriter fails every write.
type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestFormatReportErrors(t *testing.T) {
	for name, ty := range map[string]*funnel.Tally{"nil": nil, "zero": {}} {
		if err := beamtally.FormatReport(&strings.Builder{}, ty); !errors.Is(err, funnel.ErrEmptyFunnel) {
			t.Errorf("FormatReport(%s tally) = %v, want errors.Is ErrEmptyFunnel", name, err)
		}
	}
	if err := beamtally.FormatReport(failWriter{}, tinyTally(t, "owner")); !errors.Is(err, errWrite) {
		t.Errorf("FormatReport(failing writer) = %v, want the writer's error", err)
	}
	// An empty tally is the header alone.
	empty := funnel.NewTally(funnel.MustNew("A", "B"), "owner")
	if got, want := report(t, empty), "owner,stage,reached,conv_to_next,win_rate,avg_selling_price,mean_cycle_days\n"; got != want {
		t.Errorf("FormatReport(empty) = %q, want %q", got, want)
	}
}
