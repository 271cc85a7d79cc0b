package crm_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// genDeals makes deals that the long and wide shapes carry in full: each
// starts at the first stage at its Created time, enters each stage at most
// once, at strictly increasing times, and may skip a stage. Closed Lost
// comes after the last event; a won deal closes at its won event.
func genDeals(n int, seed uint64) []funnel.Deal {
	rng := rand.New(rand.NewPCG(seed, 2))
	owners := []string{"ann", "bob", "cy"}
	regions := []string{"EMEA", "APAC", "AMER"}
	last := sales.Last()
	deals := make([]funnel.Deal, n)
	for i := range deals {
		t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(365*24)) * time.Hour)
		d := funnel.Deal{
			ID: "G" + strconv.Itoa(i+1), Owner: owners[rng.IntN(3)], Segment: []string{"SMB", "Enterprise"}[rng.IntN(2)],
			Attrs: map[string]string{"region": regions[rng.IntN(3)]}, Created: t,
		}
		if rng.IntN(5) > 0 {
			d.Amount = decimal.NewNullDecimal(decimal.New(int64(50000+rng.IntN(10_000_000)), -2))
		}
		stage := 0
		d.Events = append(d.Events, funnel.Event{Stage: 0, At: t})
		for {
			t = t.Add(time.Duration(1+rng.IntN(200)) * time.Hour)
			if rng.Float64() < 0.35 {
				switch rng.IntN(3) {
				case 0, 1:
					d.Outcome, d.Closed = funnel.Lost, t
				}
				break
			}
			stage += 1 + rng.IntN(2)*min(1, last-stage-1)
			d.Events = append(d.Events, funnel.Event{Stage: min(stage, last), At: t})
			if stage >= last {
				d.Outcome, d.Closed = funnel.Won, t
				break
			}
		}
		deals[i] = d
	}
	return deals
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

func fmtAmount(a decimal.NullDecimal) string {
	if !a.Valid {
		return ""
	}
	return a.Decimal.StringFixed(2)
}

func writeCSV(t *testing.T, rows [][]string) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return &b
}

// writeLong writes deals as a stage history: deal_id, owner, segment,
// region, stage, entered_at, amount.
func writeLong(t *testing.T, f funnel.Funnel, deals []funnel.Deal) *bytes.Buffer {
	rows := [][]string{{"deal_id", "owner", "segment", "region", "stage", "entered_at", "amount"}}
	for _, d := range deals {
		row := func(stage string, at time.Time) {
			rows = append(rows, []string{d.ID, d.Owner, d.Segment, d.Attrs["region"], stage, fmtTime(at), fmtAmount(d.Amount)})
		}
		for _, e := range d.Events {
			row(f.Stage(e.Stage), e.At)
		}
		if d.Outcome == funnel.Lost {
			row("Closed Lost", d.Closed)
		}
	}
	return writeCSV(t, rows)
}

// writeWide writes deals one per row with a date column per stage.
func writeWide(t *testing.T, f funnel.Funnel, deals []funnel.Deal) *bytes.Buffer {
	head := []string{"deal_id", "owner", "segment", "region", "created_at", "amount"}
	head = append(head, f.Stages()...)
	head = append(head, "lost_at")
	rows := [][]string{head}
	for _, d := range deals {
		row := []string{d.ID, d.Owner, d.Segment, d.Attrs["region"], fmtTime(d.Created), fmtAmount(d.Amount)}
		dates := make([]string, f.Len())
		for _, e := range d.Events {
			dates[e.Stage] = fmtTime(e.At)
		}
		row = append(row, dates...)
		lost := ""
		if d.Outcome == funnel.Lost {
			lost = fmtTime(d.Closed)
		}
		rows = append(rows, append(row, lost))
	}
	return writeCSV(t, rows)
}

// writeSnapshot writes deals one per row with the stage reached, a
// status, the created and closed dates: what a typical opportunity
// report holds.
func writeSnapshot(t *testing.T, f funnel.Funnel, deals []funnel.Deal) *bytes.Buffer {
	rows := [][]string{{"deal_id", "owner", "segment", "region", "stage", "status", "created_at", "closed_at", "amount"}}
	for _, d := range deals {
		rows = append(rows, []string{d.ID, d.Owner, d.Segment, d.Attrs["region"], f.Stage(d.Furthest()), d.Outcome.String(),
			fmtTime(d.Created), fmtTime(d.Closed), fmtAmount(d.Amount)})
	}
	return writeCSV(t, rows)
}

// snapshotView is what a snapshot carries of a deal from genDeals, by the
// rules on crm.Snapshot: the first stage at Created, the stage reached at
// an unknown time, and the won stage at the close. Times of stages in
// between and the stages skipped on the way are lost.
func snapshotView(f funnel.Funnel, d funnel.Deal) funnel.Deal {
	v := d
	v.Events = []funnel.Event{{Stage: 0, At: d.Created}}
	if r := d.Furthest(); r != 0 && r != f.Last() {
		v.Events = append(v.Events, funnel.Event{Stage: r})
	}
	if d.Outcome == funnel.Won {
		v.Events = append(v.Events, funnel.Event{Stage: f.Last(), At: d.Closed})
	}
	return v
}

// TestShapesAgree writes the same deals as a long history, a wide export
// and a snapshot, reads them back, and checks that long and wide give the
// deals written and snapshot gives what it can carry; then that all three
// give the same implied-reach tally.
func TestShapesAgree(t *testing.T) {
	deals := genDeals(300, 7)
	// The deals have every case the shapes must carry.
	var kinds [4]int // open, won, lost (by Outcome), skipped a stage
	for _, d := range deals {
		kinds[d.Outcome]++
		for i := 1; i < len(d.Events); i++ {
			if d.Events[i].Stage > d.Events[i-1].Stage+1 {
				kinds[3]++
				break
			}
		}
	}
	for i, n := range kinds {
		if n == 0 {
			t.Fatalf("genDeals made no deal of kind %d: %v", i, kinds)
		}
	}
	ctx := context.Background()
	long, err := crm.Long{Funnel: sales}.ReadAll(ctx, writeLong(t, sales, deals))
	if err != nil {
		t.Fatal(err)
	}
	// The long shape has no created column: Created is not carried.
	wantLong := cloneDeals(deals)
	for i := range wantLong {
		wantLong[i].Created = time.Time{}
	}
	if diff := cmp.Diff(wantLong, long.Deals, dealOpts); diff != "" {
		t.Errorf("long mismatch (-want +got):\n%s", diff)
	}
	wide, err := crm.Wide{Funnel: sales}.ReadAll(ctx, writeWide(t, sales, deals))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(deals, wide.Deals, dealOpts); diff != "" {
		t.Errorf("wide mismatch (-want +got):\n%s", diff)
	}
	snap, err := crm.Snapshot{Funnel: sales}.ReadAll(ctx, writeSnapshot(t, sales, deals))
	if err != nil {
		t.Fatal(err)
	}
	var wantSnap []funnel.Deal
	for _, d := range deals {
		wantSnap = append(wantSnap, snapshotView(sales, d))
	}
	if diff := cmp.Diff(wantSnap, snap.Deals, dealOpts); diff != "" {
		t.Errorf("snapshot mismatch (-want +got):\n%s", diff)
	}

	// The won deals without amount are the only notes, in each shape.
	noAmount := 0
	for _, d := range deals {
		if d.Outcome == funnel.Won && !d.Amount.Valid {
			noAmount++
		}
	}
	for name, r := range map[string]crm.Result{"long": long, "wide": wide, "snapshot": snap} {
		if len(r.Notes) != noAmount {
			t.Errorf("%s: %d notes, want %d (won deals without amount)", name, len(r.Notes), noAmount)
		}
	}

	// Implied reach, outcomes and won amounts are the same in all three.
	tally := func(ds []funnel.Deal) funnel.Counts {
		tl := funnel.NewTally(sales)
		for _, d := range ds {
			if err := tl.Add(d); err != nil {
				t.Fatal(err)
			}
		}
		c, err := tl.Total()
		if err != nil {
			t.Fatal(err)
		}
		return funnel.Counts{Deals: c.Deals, Won: c.Won, Lost: c.Lost, Open: c.Open, Reached: c.Reached, WonAmount: c.WonAmount, WonWithAmount: c.WonWithAmount}
	}
	want := tally(deals)
	for name, ds := range map[string][]funnel.Deal{"long": long.Deals, "wide": wide.Deals, "snapshot": snap.Deals} {
		if diff := cmp.Diff(want, tally(ds)); diff != "" {
			t.Errorf("%s tally mismatch (-want +got):\n%s", name, diff)
		}
	}
	// And the tally's figures are those counted from the generated deals
	// by hand: a deal reached every stage up to its furthest.
	reached := make([]int64, sales.Len())
	for _, d := range deals {
		for k := 0; k <= d.Furthest(); k++ {
			reached[k]++
		}
	}
	if diff := cmp.Diff(reached, want.Reached); diff != "" {
		t.Errorf("reached mismatch (-counted +tally):\n%s", diff)
	}
}
