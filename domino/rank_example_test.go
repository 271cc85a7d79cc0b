package domino_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// recruitingChain is the chain of issue 12: 1,000 DMs, 30%, 50%, 60%, 40%
// and 25% to placements at $20,000 (9 placements, $180,000).
func recruitingChain() domino.Chain {
	return domino.Chain{TopName: "dms", Top: 1000, Stages: []domino.Stage{
		{Name: "prequal", Rate: 0.30}, {Name: "qual", Rate: 0.50}, {Name: "marketing", Rate: 0.60},
		{Name: "interview", Rate: 0.40}, {Name: "placement", Rate: 0.25},
	}, ASP: decimal.NewFromInt(20000)}
}

// Each lever of the recruiting chain alone at ±10%: every lever moves
// revenue by the same ±$18,000, so the bars tie and keep lever order.
func ExampleTornadoOf() {
	t, err := domino.TornadoOf(recruitingChain(), domino.Relative, 0.10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("base", t.Base.StringFixed(2))
	for _, b := range t.Bars {
		fmt.Printf("%-10s %s .. %s  swing %s  elasticity %+.0f\n", b.Name, b.Down.StringFixed(2), b.Up.StringFixed(2), b.Swing.StringFixed(2), b.Elasticity)
	}
	// Output:
	// base 180000.00
	// dms        162000.00 .. 198000.00  swing 36000.00  elasticity +1
	// prequal    162000.00 .. 198000.00  swing 36000.00  elasticity +1
	// qual       162000.00 .. 198000.00  swing 36000.00  elasticity +1
	// marketing  162000.00 .. 198000.00  swing 36000.00  elasticity +1
	// interview  162000.00 .. 198000.00  swing 36000.00  elasticity +1
	// placement  162000.00 .. 198000.00  swing 36000.00  elasticity +1
	// asp        162000.00 .. 198000.00  swing 36000.00  elasticity +1
}

// A recruiter can hold 30 interviews a period: the 36 requested do not
// fit, the interview step binds and placements fall to 30 × 25% = 7.5.
// More DMs would only lengthen the queue, so the domino moves past the
// bottleneck to the placement rate.
func ExampleFit() {
	c := recruitingChain()
	limits := domino.Capacity{Stages: []funnel.NullFloat64{{}, {}, {}, funnel.Some(30), {}}}
	f, err := domino.Fit(c, limits)
	if err != nil {
		fmt.Println(err)
		return
	}
	for j, n := range f.Counts {
		fmt.Printf("%-10s demand %6.1f, fits %6.1f\n", c.LeverName(j), f.Demand[j], n)
	}
	fmt.Printf("binding %s, revenue %s of %s\n", f.BindingName, f.Revenue.StringFixed(2), f.DemandRevenue.StringFixed(2))

	d, err := domino.FindDomino(c, limits, 0.10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("domino %s (without the limit: %s): +10%% gives %.2f placements, %s\n",
		d.Name, c.LeverName(d.Unbound), d.After[len(d.After)-1], d.Revenue.StringFixed(2))
	// Output:
	// dms        demand 1000.0, fits 1000.0
	// prequal    demand  300.0, fits  300.0
	// qual       demand  150.0, fits  150.0
	// marketing  demand   90.0, fits   90.0
	// interview  demand   36.0, fits   30.0
	// placement  demand    9.0, fits    7.5
	// binding interview, revenue 150000.00 of 180000.00
	// domino placement (without the limit: dms): +10% gives 8.25 placements, 165000.00
}

// Which lever to pull: a rep against the team. A uniform 10% would always
// favour the cycle (1/0.9 − 1 = 11.1%); the gap to the team says the win
// rate, and per unit of effort the cycle when the win rate costs 8 times
// as much to move.
func ExampleRankLevers() {
	rep := domino.Chain{TopName: "opps", Top: 40, Stages: []domino.Stage{{Name: "meeting", Rate: 0.5}, {Name: "won", Rate: 0.2}},
		ASP: decimal.NewFromInt(10000), Cycle: funnel.Some(60)}
	team := domino.Chain{TopName: "opps", Top: 44, Stages: []domino.Stage{{Name: "meeting", Rate: 0.45}, {Name: "won", Rate: 0.3}},
		ASP: decimal.NewFromInt(9000), Cycle: funnel.Some(54)}
	// Effort per lever: opps, meeting, won, asp, cycle.
	r, err := domino.RankLevers(rep, team, []float64{2, 1, 8, 1, 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("per day: rep %s, team %s\n", r.Base.StringFixed(2), r.Reference.StringFixed(2))
	for _, g := range r.ByRevenue {
		fmt.Printf("%-6s %g -> %g: +%s a day\n", g.Name, g.From, g.To, g.Change.StringFixed(2))
	}
	for _, g := range r.ByEffort {
		fmt.Printf("%-6s %s a day per unit of effort\n", g.Name, g.PerCost.Decimal.StringFixed(2))
	}
	// Output:
	// per day: rep 666.67, team 990.00
	// won    0.2 -> 0.3: +333.33 a day
	// cycle  60 -> 54: +74.07 a day
	// opps   40 -> 44: +66.66 a day
	// cycle  74.07 a day per unit of effort
	// won    41.67 a day per unit of effort
	// opps   33.33 a day per unit of effort
}
