package domino_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// The recruiting chain of issue 12: 10% better on the DMs and on each of
// the five rates compounds to 1.1⁶ − 1 = +77.16% revenue.
func Example_recruitingChain() {
	c, err := domino.NewChain("dms", 1000, []domino.Stage{
		{Name: "prequal", Rate: 0.30}, {Name: "qual", Rate: 0.50}, {Name: "marketing", Rate: 0.60},
		{Name: "interview", Rate: 0.40}, {Name: "placement", Rate: 0.25},
	}, decimal.NewFromInt(20000), funnel.NullFloat64{})
	if err != nil {
		fmt.Println(err)
		return
	}
	o, err := domino.Uniform(c, []int{domino.LeverTop, 1, 2, 3, 4, 5}, 0.10)
	if err != nil {
		fmt.Println(err)
		return
	}
	before := c.Counts()
	for k, n := range o.Counts {
		fmt.Printf("%-10s %7.2f -> %7.2f\n", c.LeverName(k), before[k], n)
	}
	fmt.Printf("revenue %s -> %s (%+.2f%%)\n", o.Base.StringFixed(2), o.Revenue.StringFixed(2), 100*(o.Multiplier.Float64-1))
	// Output:
	// dms        1000.00 -> 1100.00
	// prequal     300.00 ->  363.00
	// qual        150.00 ->  199.65
	// marketing    90.00 ->  131.77
	// interview    36.00 ->   57.98
	// placement     9.00 ->   15.94
	// revenue 180000.00 -> 318880.98 (+77.16%)
}

// A 95% rate cannot rise 10%: it is capped at 1 and reported.
func ExampleApply() {
	c := domino.Chain{Top: 200, Stages: []domino.Stage{{Name: "show", Rate: 0.95}, {Name: "won", Rate: 0.30}}, ASP: decimal.NewFromInt(5000)}
	o, err := domino.Apply(c, []domino.Gain{{Lever: 1, Kind: domino.Relative, By: 0.10}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range o.Capped {
		fmt.Printf("%s capped: asked %.3f, applied %.0f\n", e.Name, e.Requested, e.Applied)
	}
	fmt.Printf("revenue %s -> %s\n", o.Base.StringFixed(2), o.Revenue.StringFixed(2))
	// Output:
	// show capped: asked 1.045, applied 1
	// revenue 285000.00 -> 300000.00
}

// The gain on each of six levers that brings 25% more revenue, and next
// year's targets at every stage.
func ExampleInverse() {
	c := domino.Chain{TopName: "dms", Top: 1000, Stages: []domino.Stage{
		{Name: "prequal", Rate: 0.30}, {Name: "qual", Rate: 0.50}, {Name: "marketing", Rate: 0.60},
		{Name: "interview", Rate: 0.40}, {Name: "placement", Rate: 0.25},
	}, ASP: decimal.NewFromInt(20000)}
	t, err := domino.Inverse(c, []int{0, 1, 2, 3, 4, 5}, 0.25)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("closed form %.3f%%, with caps %.3f%%\n", 100*t.ClosedForm.Float64, 100*t.Gain)
	for k, s := range t.Plan.Chain.Stages {
		fmt.Printf("%-10s rate %.4f, %7.2f\n", s.Name, s.Rate, t.Plan.Counts[k+1])
	}
	fmt.Println("revenue", t.Plan.Revenue.StringFixed(2))
	// Output:
	// closed form 3.789%, with caps 3.789%
	// prequal    rate 0.3114,  323.17
	// qual       rate 0.5189,  167.71
	// marketing  rate 0.6227,  104.44
	// interview  rate 0.4152,   43.36
	// placement  rate 0.2595,   11.25
	// revenue 225000.00
}
