package target_test

import (
	"context"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/ratios"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// mvPath is the public Maven CRM sample (see
// /work/shared/data/maven-crm/README.md); it is not shipped with the
// module, and the test skips when it is absent.
const mvPath = "../../../shared/data/maven-crm/sales_pipeline.csv"

// mvAgent is one agent's (or several agents') deals counted straight from
// the CSV rows with encoding/csv: the second derivation beside the
// library's reader, tally and Measure.
type mvAgent struct {
	name      string
	won, lost int64
	// engaged counts the rows with an engage_date (the deals that
	// reached Engaging: open at Engaging, won or lost); wonEngaged and
	// lostEngaged those of them won and lost.
	engaged, wonEngaged, lostEngaged int64
	wonSum                           decimal.Decimal
}

func (a mvAgent) add(b mvAgent) mvAgent {
	return mvAgent{name: a.name, won: a.won + b.won, lost: a.lost + b.lost, engaged: a.engaged + b.engaged,
		wonEngaged: a.wonEngaged + b.wonEngaged, lostEngaged: a.lostEngaged + b.lostEngaged, wonSum: a.wonSum.Add(b.wonSum)}
}

// Second derivations of each input, as floats.
func (a mvAgent) asp() float64        { return a.wonSum.InexactFloat64() / float64(a.won) }
func (a mvAgent) winRate() float64    { return float64(a.won) / float64(a.won+a.lost) }
func (a mvAgent) perWon() float64     { return float64(a.wonEngaged) / float64(a.won) }
func (a mvAgent) perLost() float64    { return float64(a.lostEngaged) / float64(a.lost) }
func (a mvAgent) perEngaged() float64 { return a.wonSum.InexactFloat64() / float64(a.engaged) }

func mvRows(t *testing.T) map[string]mvAgent {
	t.Helper()
	fh, err := os.Open(mvPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s absent", mvPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	by := map[string]mvAgent{}
	for _, r := range recs[1:] {
		name := r[col["sales_agent"]]
		a := by[name]
		a.name = name
		engaged := r[col["engage_date"]] != ""
		if engaged {
			a.engaged++
		}
		switch r[col["deal_stage"]] {
		case "Won":
			a.won++
			if engaged {
				a.wonEngaged++
			}
			v, err := decimal.NewFromString(r[col["close_value"]])
			if err != nil {
				t.Fatal(err)
			}
			a.wonSum = a.wonSum.Add(v)
		case "Lost":
			a.lost++
			if engaged {
				a.lostEngaged++
			}
		}
		by[name] = a
	}
	return by
}

// mvCounts reads the export with the library's snapshot reader and
// tallies it by owner, keyed by agent.
func mvCounts(t *testing.T, f funnel.Funnel) map[string]funnel.Counts {
	t.Helper()
	fh, err := os.Open(mvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rd := crm.Snapshot{Funnel: f, Columns: crm.SnapshotColumns{
		ID: "opportunity_id", Owner: "sales_agent", Account: "account", Stage: "deal_stage",
		Closed: "close_date", Amount: "close_value", StageDates: map[string]string{"Engaging": "engage_date"},
	}}
	tally := funnel.NewTally(f, funnel.AttrOwner)
	if err := tally.AddAll(rd.Deals(context.Background(), fh)); err != nil {
		t.Fatal(err)
	}
	out := map[string]funnel.Counts{}
	for _, c := range tally.Groups() {
		out[ratios.Name(c)] = c
	}
	return out
}

// mvMeasure measures a group with the activity "deals engaged": each won
// and each lost deal reached Engaging once (Reached[Engaging] counts the
// won and lost deals with them), and every deal that reached Engaging,
// open ones too, is one engagement.
func mvMeasure(t *testing.T, c funnel.Counts) target.Measured {
	t.Helper()
	act := target.Activity{PerWon: funnel.Ratio{Num: c.Won, Den: c.Won}, PerLost: funnel.Ratio{Num: c.Lost, Den: c.Lost},
		Total: c.Reached[1]}
	m, err := target.Measure(c, act)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTriangulateMaven triangulates a target of deals engaged for one
// Maven agent. Every input is checked against the same figure counted
// straight from the CSV rows, and the four targets against the formulas
// applied to those counts.
func TestTriangulateMaven(t *testing.T) {
	rows := mvRows(t)
	f := funnel.MustNew("Prospecting", "Engaging", "Won")
	counts := mvCounts(t, f)
	const agent = "Darcel Schlecht"

	// The CSV's own derivations: the agent, the team (every row) and the
	// best performers (the five agents with the most bookings per deal
	// engaged, ranked from the CSV).
	var team mvAgent
	var names []string
	for name, a := range rows {
		team = team.add(a)
		names = append(names, name)
	}
	slices.SortFunc(names, func(x, y string) int {
		if c := -cmpF(rows[x].perEngaged(), rows[y].perEngaged()); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	best := mvAgent{}
	var bestCounts []funnel.Counts
	for _, n := range names[:5] {
		best = best.add(rows[n])
		bestCounts = append(bestCounts, counts[n])
	}
	var all []funnel.Counts
	for _, n := range names {
		all = append(all, counts[n])
	}
	teamC, err := funnel.Sum(f, all)
	if err != nil {
		t.Fatal(err)
	}
	bestC, err := funnel.Sum(f, bestCounts)
	if err != nil {
		t.Fatal(err)
	}
	own := mvMeasure(t, counts[agent])
	teamM, bestM := mvMeasure(t, teamC), mvMeasure(t, bestC)

	approx := cmpopts.EquateApprox(1e-12, 0)
	a := rows[agent]
	if a.won == 0 || a.lost == 0 {
		t.Fatalf("%s has %d won, %d lost in the CSV", agent, a.won, a.lost)
	}
	inputs := []struct {
		name      string
		want, got float64
	}{
		{"asp", a.asp(), own.ASP.Decimal.InexactFloat64()},
		{"win rate", a.winRate(), own.WinRate.Value()},
		{"engagements per won", a.perWon(), own.ActivitiesPerWon.Value()},
		{"engagements per lost", a.perLost(), own.ActivitiesPerLost.Value()},
		{"agent bookings per engagement", a.perEngaged(), own.BookingsPerActivity.Decimal.InexactFloat64()},
		{"team bookings per engagement", team.perEngaged(), teamM.BookingsPerActivity.Decimal.InexactFloat64()},
		{"best bookings per engagement", best.perEngaged(), bestM.BookingsPerActivity.Decimal.InexactFloat64()},
	}
	for _, in := range inputs {
		if diff := cmp.Diff(in.want, in.got, approx); diff != "" {
			t.Errorf("%s of %s mismatch (-csv +measured):\n%s", in.name, agent, diff)
		}
	}

	quota := triD("600000")
	in := target.FromMeasured(quota, 13, own, teamM, bestM)
	in.Activity, in.Aggressiveness = "deals engaged", 0.5
	tr, err := target.Triangulate(in)
	if err != nil {
		t.Fatal(err)
	}
	// The formulas on the CSV's figures.
	q := 600000.0
	won := q / a.asp()
	want := []float64{
		a.perWon() * won,
		a.perWon()*won + a.perLost()*won*(1-a.winRate())/a.winRate(),
		q / team.perEngaged(),
		q / best.perEngaged(),
	}
	var got []float64
	for _, e := range tr.Estimates {
		got = append(got, e.Target)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		t.Errorf("Triangulate(%s) targets mismatch (-csv +got):\n%s", agent, diff)
	}
	t.Logf("%s: asp %s, win rate %v, engagements per won %v and per lost %v; targets %.2f", agent,
		own.ASP.Decimal.StringFixed(2), own.WinRate, own.ActivitiesPerWon, own.ActivitiesPerLost, got)
	lo, hi := slices.Min(want), slices.Max(want)
	if diff := cmp.Diff([]float64{lo, hi, lo + 0.5*(hi-lo), lo / 13, hi / 13},
		[]float64{tr.Low.Target, tr.High.Target, tr.Pick.Target, tr.Low.PerWeek, tr.High.PerWeek},
		cmpopts.EquateApprox(1e-9, 0)); diff != "" {
		t.Errorf("range mismatch (-csv +got):\n%s", diff)
	}
}

func cmpF(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
