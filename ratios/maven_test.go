package ratios_test

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
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// bmMavenPath is the public Maven CRM sample (see
// /work/shared/data/maven-crm/README.md); it is not shipped with the
// module, and the tests that read it skip when it is absent.
const bmMavenPath = "../../shared/data/maven-crm/sales_pipeline.csv"

// bmAgent is one agent's deals counted straight from the CSV rows.
type bmAgent struct {
	name                                   string
	rows, prospecting, engaging, won, lost int64
}

// bmMavenRows counts each agent's rows by deal_stage with encoding/csv,
// the second derivation beside the library's reader and tally, and sums
// the close_value of the won rows.
func bmMavenRows(t *testing.T) ([]bmAgent, decimal.Decimal, int64) {
	t.Helper()
	fh, err := os.Open(bmMavenPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s absent", bmMavenPath)
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
	by := map[string]*bmAgent{}
	var wonSum decimal.Decimal
	var wonN int64
	for _, r := range recs[1:] {
		name := r[col["sales_agent"]]
		a := by[name]
		if a == nil {
			a = &bmAgent{name: name}
			by[name] = a
		}
		a.rows++
		switch r[col["deal_stage"]] {
		case "Prospecting":
			a.prospecting++
		case "Engaging":
			a.engaging++
		case "Won":
			a.won++
			v, err := decimal.NewFromString(r[col["close_value"]])
			if err != nil {
				t.Fatal(err)
			}
			wonSum, wonN = wonSum.Add(v), wonN+1
		case "Lost":
			a.lost++
		default:
			t.Fatalf("stage %q", r[col["deal_stage"]])
		}
	}
	var out []bmAgent
	for _, a := range by {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b bmAgent) int { return strings.Compare(a.name, b.name) })
	return out, wonSum, wonN
}

// bmMavenReps reads the export with the library's snapshot reader and
// tallies it by owner.
func bmMavenReps(t *testing.T, f funnel.Funnel) []funnel.Counts {
	t.Helper()
	fh, err := os.Open(bmMavenPath)
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
	return tally.Groups()
}

// TestBenchmarkMaven benchmarks the 30 agents of the Maven export over
// Prospecting > Engaging > Won. A snapshot has no lost-at-prospecting
// deal: every closed deal engaged, so the resolved step into Engaging is
// E of E for every agent (the step the export supports only naively) and
// the step into Won is the win rate W of W + L. Both are checked against
// counts taken straight from the CSV rows, and the benchmark, scores and
// levers against the rules' formulas applied to those counts.
func TestBenchmarkMaven(t *testing.T) {
	agents, wonSum, wonN := bmMavenRows(t)
	f := funnel.MustNew("Prospecting", "Engaging", "Won")
	reps := bmMavenReps(t, f)
	if len(reps) != len(agents) {
		t.Fatalf("%d reps from the tally, %d agents in the CSV", len(reps), len(agents))
	}

	// The tables: reached and pending per stage, naive and resolved steps.
	r, err := ratios.Benchmark(f, reps, nil)
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		Name                     string
		Reached, Pending         [3]int64
		Step1, Res1, Step2, Res2 funnel.Rate
	}
	var want, got []table
	for i, a := range agents {
		e := a.engaging + a.won + a.lost
		want = append(want, table{a.name, [3]int64{a.rows, e, a.won}, [3]int64{a.prospecting, a.engaging, 0},
			funnel.Rate{K: e, N: a.rows}, funnel.Rate{K: e, N: a.rows - a.prospecting},
			funnel.Rate{K: a.won, N: e}, funnel.Rate{K: a.won, N: a.won + a.lost}})
		st := r.Reps[i].Table.Stages
		got = append(got, table{r.Reps[i].Name, [3]int64{st[0].Reached, st[1].Reached, st[2].Reached}, [3]int64{st[0].Pending, st[1].Pending, st[2].Pending},
			st[1].Step, st[1].Resolved, st[2].Step, st[2].Resolved})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("tables mismatch (-csv +report):\n%s", diff)
	}

	// The benchmark into Won under each rule, from the CSV counts. Into
	// Engaging every resolved rate is 1, so the raw and Wilson scores
	// favour the most trials (raw by the tie-break) and so does
	// shrinkage, whose prior is then the boundary fallback Beta(ΣK + ½,
	// ½), giving (N + ΣN + ½)/(N + ΣN + 1), rising with N.
	k, n := make([]int64, len(agents)), make([]int64, len(agents))
	for i, a := range agents {
		k[i], n[i] = a.won, a.won+a.lost
	}
	m, s := momentsPrior(k, n)
	rules := []struct {
		name  string
		opts  *ratios.Options
		score func(i int) float64
	}{
		{"shrunk", nil, func(i int) float64 { return (float64(k[i]) + m*s) / (float64(n[i]) + s) }},
		{"wilson", &ratios.Options{Rule: ratios.RuleWilson}, func(i int) float64 { return wilsonLower(k[i], n[i], zOneSided95) }},
		{"raw", &ratios.Options{Rule: ratios.RuleRaw}, func(i int) float64 { return float64(k[i]) / float64(n[i]) }},
	}
	mostEngaged := 0
	for i, a := range agents {
		if e := a.engaging + a.won + a.lost; e > agents[mostEngaged].engaging+agents[mostEngaged].won+agents[mostEngaged].lost {
			mostEngaged = i
		}
	}
	for _, rule := range rules {
		t.Run(rule.name, func(t *testing.T) {
			r, err := ratios.Benchmark(f, reps, rule.opts)
			if err != nil {
				t.Fatal(err)
			}
			best := 0
			for i := range agents {
				si, sb := rule.score(i), rule.score(best)
				if si > sb || si == sb && n[i] > n[best] {
					best = i
				}
			}
			wantRM := []string{agents[mostEngaged].name, agents[best].name}
			gotRM := []string{r.RoleModels[0].Name, r.RoleModels[1].Name}
			if diff := cmp.Diff(wantRM, gotRM); diff != "" {
				t.Errorf("role models mismatch (-csv +report):\n%s", diff)
			}
			var ws, gs []float64
			for i := range agents {
				ws = append(ws, rule.score(i))
				gs = append(gs, r.Reps[i].Steps[1].Score.Float64)
			}
			if diff := cmp.Diff(ws, gs, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
				t.Errorf("scores into Won mismatch (-csv +report):\n%s", diff)
			}
		})
	}
	t.Logf("role models (shrunk): into Engaging %s, into Won %s %v (prior m = %.4f, strength %.1f)",
		r.RoleModels[0].Name, r.RoleModels[1].Name, r.RoleModels[1].Rate, m, s)

	// The levers into Won: extra won = (W + L)·b − W for every agent below
	// the role model's b, at the team's average won amount (the won rows'
	// close_value over their count) to the cent. Nobody has a lever into
	// Engaging, where everyone is at 1.
	rm := r.RoleModels[1]
	b := rm.Rate.Value()
	avg := wonSum.DivRound(decimal.NewFromInt(wonN), 16)
	for i, a := range agents {
		type lever struct {
			Stage    string
			Won      float64
			Bookings string
		}
		var want []lever
		if float64(a.won)/float64(a.won+a.lost) < b {
			x := float64(a.won+a.lost)*b - float64(a.won)
			want = append(want, lever{"Won", x, decimal.NewFromFloat(x).Mul(avg).RoundBank(2).StringFixed(2)})
		}
		var got []lever
		for _, l := range r.Reps[i].Levers {
			got = append(got, lever{l.Stage, l.ExtraWon.Float64, l.ExtraBookings.Decimal.StringFixed(2)})
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
			t.Errorf("%s: levers mismatch (-csv +report):\n%s", a.name, diff)
		}
	}
}
