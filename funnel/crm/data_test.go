package crm_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

const (
	benchDir = "../../../shared/bench"
	mavenDir = "../../../shared/data/maven-crm"
)

// ownerRow is one row of the bench's per-owner answer: the figures of an
// owner at a stage. A nil pointer is an empty (undefined) cell.
type ownerRow struct {
	Reached              int64
	Conv, WinRate, Cycle *float64
	ASP                  *decimal.Decimal
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// readExpected reads tiny.expected.csv into rows keyed by owner and stage.
func readExpected(t *testing.T, path string) map[[2]string]ownerRow {
	rows := readCSVFile(t, path)
	fl := func(s string) *float64 {
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	out := map[[2]string]ownerRow{}
	for _, r := range rows[1:] {
		n, err := strconv.ParseInt(r[2], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		row := ownerRow{Reached: n, Conv: fl(r[3]), WinRate: fl(r[4]), Cycle: fl(r[6])}
		if r[5] != "" {
			d := decimal.RequireFromString(r[5])
			row.ASP = &d
		}
		out[[2]string{r[0], r[1]}] = row
	}
	return out
}

// ownerFigures computes the bench's per-owner figures from deals, by the
// definitions in the bench README: reached = furthest stage at or past
// the stage; conv = reached(next)/reached; win rate = won/(won+lost);
// ASP = mean amount of won deals; cycle = mean over closed deals with a
// Lead event of (close − earliest Lead) in days.
func ownerFigures(f funnel.Funnel, deals []funnel.Deal) map[[2]string]ownerRow {
	type acc struct {
		reached          []int64
		won, lost        int64
		wonSum           decimal.Decimal
		cycleSum         float64
		cycleN, wonWithA int64
	}
	by := map[string]*acc{}
	for _, d := range deals {
		a := by[d.Owner]
		if a == nil {
			a = &acc{reached: make([]int64, f.Len())}
			by[d.Owner] = a
		}
		for k := 0; k <= d.Furthest(); k++ {
			a.reached[k]++
		}
		switch d.Outcome {
		case funnel.Won:
			a.won++
			if d.Amount.Valid {
				a.wonSum = a.wonSum.Add(d.Amount.Decimal)
				a.wonWithA++
			}
		case funnel.Lost:
			a.lost++
		}
		if d.Outcome != funnel.Open {
			first, ok := d.EnteredAt(0)
			for _, e := range d.Events {
				if e.Stage == 0 && e.At.Before(first) {
					first = e.At
				}
			}
			if ok {
				a.cycleSum += d.Closed.Sub(first).Hours() / 24
				a.cycleN++
			}
		}
	}
	out := map[[2]string]ownerRow{}
	for owner, a := range by {
		var wr, cyc *float64
		var asp *decimal.Decimal
		if a.won+a.lost > 0 {
			v := float64(a.won) / float64(a.won+a.lost)
			wr = &v
		}
		if a.cycleN > 0 {
			v := a.cycleSum / float64(a.cycleN)
			cyc = &v
		}
		if a.wonWithA > 0 {
			v := a.wonSum.Div(decimal.NewFromInt(a.wonWithA))
			asp = &v
		}
		for k := range f.Len() {
			row := ownerRow{Reached: a.reached[k], WinRate: wr, Cycle: cyc, ASP: asp}
			if k < f.Last() && a.reached[k] > 0 {
				v := float64(a.reached[k+1]) / float64(a.reached[k])
				row.Conv = &v
			}
			out[[2]string{owner, f.Stage(k)}] = row
		}
	}
	return out
}

// TestTinyPerOwner reads the bench's hand-made edge cases (scattered rows,
// a skip, a move back, lost deals without a stage row, an open deal) and
// checks the per-owner figures computed from the deals against the
// bench's hand-computed answer, tiny.expected.csv.
func TestTinyPerOwner(t *testing.T) {
	path := filepath.Join(benchDir, "testdata", "tiny.csv")
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("bench data absent: %v", err)
	}
	defer fh.Close()
	want := readExpected(t, filepath.Join(benchDir, "testdata", "tiny.expected.csv"))

	rd := crm.Long{Funnel: sales, Scattered: true}
	// D5 and D8 have a Closed Lost row and nothing else: lost deals with
	// no stage, which count in the win rate (funnel.Deal.Validate accepts
	// them), so every line of the expected file is compared.
	res, err := rd.ReadAll(context.Background(), fh)
	if err != nil {
		t.Fatal(err)
	}
	// D3's rows are scattered and it moves back from Qualified to Lead.
	d3 := res.Deals[2]
	if d3.ID != "D3" || !d3.MovedBack() || d3.Outcome != funnel.Lost {
		t.Errorf("D3 = %+v, want a lost deal that moved back", d3)
	}
	got := ownerFigures(sales, res.Deals)
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("per-owner figures mismatch (-tiny.expected.csv +got):\n%s", diff)
	}
}

// TestMaven reads the Maven CRM sample's 8,800 opportunities and checks the
// outcomes and reach against counts taken from the file with encoding/csv.
func TestMaven(t *testing.T) {
	path := filepath.Join(mavenDir, "sales_pipeline.csv")
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("Maven CRM data absent: %v", err)
	}
	defer fh.Close()
	res, err := crm.Snapshot{Funnel: maven, Columns: mavenCols}.ReadAll(context.Background(), fh)
	if err != nil {
		t.Fatal(err)
	}

	// Second derivation: count deal_stage values and engage dates.
	rows := readCSVFile(t, path)
	byStage := map[string]int64{}
	var engaged int64
	for _, r := range rows[1:] {
		byStage[r[4]]++
		if r[5] != "" {
			engaged++
		}
	}
	want := map[string]int64{
		"deals":   int64(len(rows) - 1),
		"won":     byStage["Won"],
		"lost":    byStage["Lost"],
		"open":    byStage["Prospecting"] + byStage["Engaging"],
		"engaged": engaged,
	}
	got := map[string]int64{"deals": int64(len(res.Deals))}
	for _, d := range res.Deals {
		got[d.Outcome.String()]++
		if d.Reached(1, funnel.Implied) {
			got["engaged"]++
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Maven counts mismatch (-encoding/csv +reader):\n%s", diff)
	}
	if want["deals"] != 8800 {
		t.Errorf("the sample has %d deals, its README says 8,800", want["deals"])
	}
	if len(res.Skipped) != 0 {
		t.Errorf("skipped %d rows", len(res.Skipped))
	}
}

// TestMavenPerAgent reads the Maven CRM sample with the snapshot reader,
// tallies it by agent, and checks each agent's won, lost and open counts,
// win rate (won of closed) and average won value against sums taken
// straight from the rows with encoding/csv.
func TestMavenPerAgent(t *testing.T) {
	path := filepath.Join(mavenDir, "sales_pipeline.csv")
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("Maven CRM data absent: %v", err)
	}
	defer fh.Close()
	tally := funnel.NewTally(maven, funnel.AttrOwner)
	for d, err := range (crm.Snapshot{Funnel: maven, Columns: mavenCols}).Deals(context.Background(), fh) {
		if err != nil {
			t.Fatal(err)
		}
		if err := tally.Add(d); err != nil {
			t.Fatal(err)
		}
	}

	type agent struct {
		Won, Lost, Open int64
		WinRate         float64
		AvgWon          string // to the cent
	}
	// Second derivation: per sales_agent (column 1), deal_stage (4) Won,
	// Lost or else open, and the sum of close_value (7) over Won rows.
	sums := map[string]*struct {
		won, lost, open int64
		wonValue        decimal.Decimal
	}{}
	for _, r := range readCSVFile(t, path)[1:] {
		a := sums[r[1]]
		if a == nil {
			a = &struct {
				won, lost, open int64
				wonValue        decimal.Decimal
			}{}
			sums[r[1]] = a
		}
		switch r[4] {
		case "Won":
			a.won++
			a.wonValue = a.wonValue.Add(decimal.RequireFromString(r[7]))
		case "Lost":
			a.lost++
		default:
			a.open++
		}
	}
	want := map[string]agent{}
	for name, a := range sums {
		w := agent{Won: a.won, Lost: a.lost, Open: a.open}
		if a.won+a.lost > 0 {
			w.WinRate = float64(a.won) / float64(a.won+a.lost)
		}
		if a.won > 0 {
			w.AvgWon = a.wonValue.Div(decimal.NewFromInt(a.won)).StringFixed(2)
		}
		want[name] = w
	}
	got := map[string]agent{}
	for _, g := range tally.Groups() {
		a := agent{Won: g.Won, Lost: g.Lost, Open: g.Open, WinRate: g.WinRate().Value()}
		if avg := g.AvgWon(); avg.Valid {
			a.AvgWon = avg.Decimal.StringFixed(2)
		}
		got[g.Key[0]] = a
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("per-agent figures mismatch (-encoding/csv +tally):\n%s", diff)
	}
	if len(want) != 30 { // the sample's README: 35 agents, 30 with deals
		t.Errorf("%d agents with deals, the README says 30", len(want))
	}
}

// TestTinyTally reads the bench's hand-made edge cases, tallies them by
// owner with funnel.Tally, and checks the bench's per-owner answer,
// tiny.expected.csv, computed from the tally's counts: reached, the
// conversion to the next stage, the win rate, the average won amount and
// the mean cycle of closed deals (every closed deal here with a start has
// a Lead event first, so Deal.Start is the bench's earliest Lead).
func TestTinyTally(t *testing.T) {
	path := filepath.Join(benchDir, "testdata", "tiny.csv")
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("bench data absent: %v", err)
	}
	defer fh.Close()
	want := readExpected(t, filepath.Join(benchDir, "testdata", "tiny.expected.csv"))
	tally := funnel.NewTally(sales, funnel.AttrOwner)
	for d, err := range (crm.Long{Funnel: sales, Scattered: true}).Deals(context.Background(), fh) {
		if err != nil {
			t.Fatal(err)
		}
		if err := tally.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	got := map[[2]string]ownerRow{}
	for _, g := range tally.Groups() {
		var wr, cyc *float64
		var asp *decimal.Decimal
		if r := g.WinRate(); r.Defined() {
			v := r.Value()
			wr = &v
		}
		if a := g.AvgWon(); a.Valid {
			asp = &a.Decimal
		}
		if n := g.WonCycle.N() + g.LostCycle.N(); n > 0 {
			v := float64(g.WonCycle.Seconds()+g.LostCycle.Seconds()) / float64(n) / 86400
			cyc = &v
		}
		// Row k+1 of the table holds the naive step from stage k into k+1.
		tab, err := funnel.NewTable(sales, g, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k := range sales.Len() {
			row := ownerRow{Reached: g.Reached[k], WinRate: wr, Cycle: cyc, ASP: asp}
			if k+1 < len(tab.Stages) && tab.Stages[k+1].Step.Defined() {
				v := tab.Stages[k+1].Step.Value()
				row.Conv = &v
			}
			got[[2]string{g.Key[0], sales.Stage(k)}] = row
		}
	}
	opts := cmp.Options{cmpopts.EquateApprox(0, 1e-12), cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("per-owner figures mismatch (-tiny.expected.csv +tally):\n%s", diff)
	}
}
