package domino_test

import (
	"context"
	"fmt"

	"github.com/funnelmath/funnelmath/domino"
	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// The recruiting chain of 1,000 DMs, measured last quarter: 300 of the
// DMs became prequalification calls, 150 of those qualification calls, 90
// profiles marketed, 36 interview requests and 9 placements at $20,000 a
// placement, $180,000 at the measured rates. The counts behind the rates
// are few, so next quarter's revenue from another 1,000 DMs is uncertain.
func ExampleSimulate() {
	stages := []domino.UncertainRate{
		{Name: "prequalification", Counts: funnel.Rate{K: 300, N: 1000}},
		{Name: "qualification", Counts: funnel.Rate{K: 150, N: 300}},
		{Name: "profile marketing", Counts: funnel.Rate{K: 90, N: 150}},
		{Name: "interview", Counts: funnel.Rate{K: 36, N: 90}},
		{Name: "placement", Counts: funnel.Rate{K: 9, N: 36}},
	}
	sim, err := domino.Simulate(context.Background(), 1000, stages, decimal.NewFromInt(20000), &domino.SimulateOptions{
		Seed:    1,
		Targets: []decimal.Decimal{decimal.NewFromInt(180000), decimal.NewFromInt(250000)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("draws:", sim.Draws)
	// The expected revenue is the Jeffreys posterior means multiplied:
	// 1000 × 300.5/1001 × 150.5/301 × 90.5/151 × 36.5/91 × 9.5/37 × 20,000
	// = 185,291, a little above $180,000 since the prior pulls each rate
	// towards ½.
	fmt.Println("expected:", sim.Expected.StringFixed(0))
	fmt.Println("P10:", sim.P10.StringFixed(0))
	fmt.Println("P50:", sim.P50.StringFixed(0))
	fmt.Println("P90:", sim.P90.StringFixed(0))
	for _, r := range sim.Reach {
		fmt.Printf("P(revenue >= %s) = %.3f\n", r.Target, r.Probability)
	}
	// Output:
	// draws: 100000
	// expected: 185291
	// P10: 114080
	// P50: 178713
	// P90: 264482
	// P(revenue >= 180000) = 0.491
	// P(revenue >= 250000) = 0.139
}

// A rate known only from judgement, "a quarter of interviews end in a
// placement, give or take 10 points", is a prior with no counts.
func ExampleSimulate_statedPrior() {
	placement, err := funnel.PriorOf(0.25, 0.10)
	if err != nil {
		fmt.Println(err)
		return
	}
	stages := []domino.UncertainRate{
		{Name: "interview", Counts: funnel.Rate{K: 36, N: 90}},
		{Name: "placement", Prior: placement},
	}
	sim, err := domino.Simulate(context.Background(), 90, stages, decimal.NewFromInt(20000), &domino.SimulateOptions{
		Draws: 20000, Seed: 7, Workers: 4,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("placement posterior: Beta(%.4f, %.4f)\n", sim.Posteriors[1].Alpha, sim.Posteriors[1].Beta)
	fmt.Printf("P10 %s  P50 %s  P90 %s\n", sim.P10.StringFixed(0), sim.P50.StringFixed(0), sim.P90.StringFixed(0))
	// Output:
	// placement posterior: Beta(4.4375, 13.3125)
	// P10 88638  P50 171574  P90 283624
}
