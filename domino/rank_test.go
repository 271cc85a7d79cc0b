package domino

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// rankRep and rankTeam are a rep and the team as velocity chains: 40
// opportunities, 50% to a meeting, 20% won, $10,000 deals, a 60-day cycle
// for the rep; the team 44, 45%, 30%, $9,000, 54 days.
func rankRep() Chain {
	return Chain{TopName: "opps", Top: 40, Stages: []Stage{{"meeting", 0.5}, {"won", 0.2}}, ASP: decimal.NewFromInt(10000), Cycle: funnel.Some(60)}
}

func rankTeam() Chain {
	return Chain{TopName: "opps", Top: 44, Stages: []Stage{{"meeting", 0.45}, {"won", 0.3}}, ASP: decimal.NewFromInt(9000), Cycle: funnel.Some(54)}
}

func TestRankLevers(t *testing.T) {
	null := decimal.NullDecimal{}
	gap := func(l int, name string, k LeverKind, from, to float64, rev, change string, cost float64, per string) Gap {
		g := Gap{Lever: l, Name: name, Kind: k, From: from, To: to, Revenue: chainDec(rev), Change: chainDec(change), PerCost: null}
		if cost > 0 {
			g.Cost = funnel.Some(cost)
			g.PerCost = decimal.NewNullDecimal(chainDec(per))
		}
		return g
	}
	// The rep's revenue: 40 × 0.5 × 0.2 × 10,000 / 60 = 40,000/60 = 666.67 a
	// day; the team's 44 × 0.45 × 0.3 × 9,000 / 54 = 53,460/54 = 990.00.
	// The team is better on the opportunities, the win rate and the cycle,
	// worse on meetings and deal size (left out). Alone at the team's value:
	//   won 0.3:   40 × 0.5 × 0.3 × 10,000 / 60 = 60,000/60 = 1,000.00 (+333.33)
	//   cycle 54:  40,000/54 = 740.74 (+74.07)
	//   opps 44:   44 × 0.5 × 0.2 × 10,000 / 60 = 44,000/60 = 733.33 (+66.66)
	// The win rate first, not the cycle that a uniform 10% moves most.
	// With costs 2, 1, 8, 1, 1 (opps, meeting, won, asp, cycle), per unit of
	// effort: cycle 74.07/1 = 74.07, won 333.33/8 = 41.66625, opps
	// 66.66/2 = 33.33.
	won := func(cost float64) Gap {
		return gap(2, "won", Rate, 0.2, 0.3, "1000", "333.33", cost, "41.66625")
	}
	cycle := func(cost float64) Gap { return gap(4, "cycle", Divisor, 60, 54, "740.74", "74.07", cost, "74.07") }
	opps := func(cost float64) Gap { return gap(0, "opps", Volume, 40, 44, "733.33", "66.66", cost, "33.33") }
	for _, tt := range []struct {
		name   string
		c, ref Chain
		costs  []float64
		want   Ranking
	}{
		{
			"rep to team", rankRep(), rankTeam(), nil,
			Ranking{Base: chainDec("666.67"), Reference: chainDec("990"), ByRevenue: []Gap{won(0), cycle(0), opps(0)}},
		},
		{
			"rep to team with costs", rankRep(), rankTeam(), []float64{2, 1, 8, 1, 1},
			Ranking{Base: chainDec("666.67"), Reference: chainDec("990"),
				ByRevenue: []Gap{won(8), cycle(1), opps(2)}, ByEffort: []Gap{cycle(1), won(8), opps(2)}},
		},
		{
			// The recruiting chain against a benchmark recruiter with 50% to
			// interviews and $22,000 placements: 1000 × .3 × .5 × .6 × .5 × .25
			// = 11.25 placements, × 20,000 = 225,000 (+45,000); 9 × 22,000 =
			// 198,000 (+18,000). The reference: 11.25 × 22,000 = 247,500.
			"recruiting to benchmark", recruiting(),
			func() Chain {
				c := recruiting()
				c.Stages = slices.Clone(c.Stages)
				c.Stages[3].Rate = 0.5
				c.ASP = decimal.NewFromInt(22000)
				return c
			}(), nil,
			Ranking{Base: chainDec("180000"), Reference: chainDec("247500"), ByRevenue: []Gap{
				gap(4, "interview", Rate, 0.4, 0.5, "225000", "45000", 0, ""),
				gap(6, "asp", Volume, 20000, 22000, "198000", "18000", 0, ""),
			}},
		},
		{
			// Against itself nothing is better: no gaps; with costs an empty
			// effort ranking.
			"no gap", rankRep(), rankRep(), []float64{1, 1, 1, 1, 1},
			Ranking{Base: chainDec("666.67"), Reference: chainDec("666.67"), ByEffort: []Gap{}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RankLevers(tt.c, tt.ref, tt.costs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, chainApprox); diff != "" {
				t.Errorf("RankLevers mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// The contrast the issue asks for: a uniform ±10% tornado on the rep
	// ranks the cycle first (1/0.9 against 1.1), the gap ranking the win rate.
	tor, err := TornadoOf(rankRep(), Relative, 0.10)
	if err != nil {
		t.Fatal(err)
	}
	if tor.Bars[0].Name != "cycle" {
		t.Errorf("TornadoOf first bar = %q, want cycle", tor.Bars[0].Name)
	}
}

func TestRankInputsUnmodified(t *testing.T) {
	c, ref := rankRep(), rankTeam()
	costs := []float64{2, 1, 8, 1, 1}
	cs, rs, cc := slices.Clone(c.Stages), slices.Clone(ref.Stages), slices.Clone(costs)
	if _, err := RankLevers(c, ref, costs); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cs, c.Stages) || !slices.Equal(rs, ref.Stages) || !slices.Equal(cc, costs) {
		t.Errorf("inputs modified: %v %v %v", c.Stages, ref.Stages, costs)
	}
}

func TestRankBadInput(t *testing.T) {
	rank := func(c, ref Chain, costs ...float64) func() error {
		return func() error { _, err := RankLevers(c, ref, costs); return err }
	}
	mod := func(c Chain, f func(*Chain)) Chain {
		c = c.clone()
		f(&c)
		return c
	}
	rep, team := rankRep(), rankTeam()
	for _, tt := range []struct {
		name string
		call func() error
		want error
		in   string
	}{
		{"bad chain", rank(mod(rep, func(c *Chain) { c.Top = -1 }), team), funnel.ErrNegative, "top"},
		{"NaN reference rate", rank(rep, mod(team, func(c *Chain) { c.Stages[1].Rate = math.NaN() })), funnel.ErrNotFinite, "reference.stages[1].rate"},
		{"reference other stages", rank(rep, mod(team, func(c *Chain) { c.Stages = c.Stages[:1] })), funnel.ErrIncompatible, "reference"},
		{"reference without cycle", rank(rep, mod(team, func(c *Chain) { c.Cycle = funnel.NullFloat64{} })), funnel.ErrIncompatible, "reference"},
		{"costs length", rank(rep, team, 1, 2, 3), funnel.ErrLengthMismatch, "costs"},
		{"zero cost", rank(rep, team, 1, 1, 0, 1, 1), funnel.ErrOutOfRange, "costs[2]"},
		{"negative cost", rank(rep, team, 1, 1, 1, 1, -4), funnel.ErrOutOfRange, "costs[4]"},
		{"NaN cost", rank(rep, team, math.NaN(), 1, 1, 1, 1), funnel.ErrNotFinite, "costs[0]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			var ie *funnel.InputError
			if !errors.As(err, &ie) || ie.Op != "domino.RankLevers" || ie.Name != tt.in {
				t.Errorf("error = %#v, want an InputError with Op domino.RankLevers, Name %q", err, tt.in)
			}
		})
	}
}

// FuzzRankLevers: no panic; every gap ranked has a reference that is
// better and a change of at least 0, ranked largest first.
func FuzzRankLevers(f *testing.F) {
	// Seeds from the table cases: the rep against the team, the costs, a
	// zero cost.
	f.Add(40.0, 0.5, 0.2, int64(10000), 60.0, 44.0, 0.45, 0.3, int64(9000), 54.0, 2.0, 8.0)
	f.Add(40.0, 0.5, 0.2, int64(10000), 60.0, 40.0, 0.5, 0.2, int64(10000), 60.0, 1.0, 1.0)
	f.Add(40.0, 0.5, 0.2, int64(10000), 60.0, 44.0, 0.45, 0.3, int64(9000), 54.0, 0.0, -1.0)
	f.Fuzz(func(t *testing.T, top, r1, r2 float64, asp int64, cyc, rtop, rr1, rr2 float64, rasp int64, rcyc, c0, c2 float64) {
		c := Chain{Top: top, Stages: []Stage{{"a", r1}, {"b", r2}}, ASP: decimal.NewFromInt(asp), Cycle: funnel.Some(cyc)}
		ref := Chain{Top: rtop, Stages: []Stage{{"a", rr1}, {"b", rr2}}, ASP: decimal.NewFromInt(rasp), Cycle: funnel.Some(rcyc)}
		r, err := RankLevers(c, ref, []float64{c0, 1, c2, 1, 1})
		if err != nil {
			return
		}
		for i, g := range r.ByRevenue {
			if g.Change.IsNegative() {
				t.Fatalf("gap %s change %s negative", g.Name, g.Change)
			}
			if i > 0 && g.Change.GreaterThan(r.ByRevenue[i-1].Change) {
				t.Fatalf("gaps out of order: %v", r.ByRevenue)
			}
			if better := (g.Kind == Divisor && g.To < g.From) || (g.Kind != Divisor && g.To > g.From); !better && g.Lever != c.ASPLever() {
				t.Fatalf("gap %s: reference %v not better than %v", g.Name, g.To, g.From)
			}
			if !g.PerCost.Valid || g.PerCost.Decimal.IsNegative() {
				t.Fatalf("gap %s per cost %v", g.Name, g.PerCost)
			}
		}
		if len(r.ByEffort) != len(r.ByRevenue) {
			t.Fatalf("%d gaps by effort, %d by revenue", len(r.ByEffort), len(r.ByRevenue))
		}
	})
}
