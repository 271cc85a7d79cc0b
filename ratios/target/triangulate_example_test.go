package target_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/ratios/target"
	"github.com/shopspring/decimal"
)

// The worked case of issue 11: a quarter's quota of $300,000 asked four
// ways, then set halfway between the least and the most demanding target.
func ExampleTriangulate() {
	money := func(s string) decimal.NullDecimal {
		return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
	}
	tr, err := target.Triangulate(target.TriangulateInput{
		Activity:                "meetings",
		Quota:                   decimal.RequireFromString("300000"),
		Weeks:                   13,
		Aggressiveness:          0.5,
		ASP:                     money("25000"),
		ActivitiesPerWon:        funnel.Some(4),
		ActivitiesPerLost:       funnel.Some(2),
		WinRate:                 funnel.Some(0.25),
		BookingsPerActivity:     money("2500"),
		BestBookingsPerActivity: money("3000"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range tr.Estimates {
		fmt.Printf("%-16s %4.0f %s (%.2f a week)\n", e.Method, e.Target, tr.Activity, e.PerWeek)
		fmt.Printf("  %s\n", e.Formula)
	}
	fmt.Printf("range %.0f to %.0f, %.2f to %.2f a week\n", tr.Low.Target, tr.High.Target, tr.Low.PerWeek, tr.High.PerWeek)
	fmt.Printf("pick at %.1f: %.0f (%.2f a week, %d whole)\n", tr.Aggressiveness, tr.Pick.Target, tr.Pick.PerWeek, tr.Pick.PerWeekWhole)
	// Output:
	// process            48 meetings (3.69 a week)
	//   activities_per_won × won_needed,  won_needed = quota ÷ asp
	// win-rate          120 meetings (9.23 a week)
	//   activities_per_won × won_needed + activities_per_lost × lost_with_won,  won_needed = quota ÷ asp,  lost_with_won = won_needed × (1 − win_rate) ÷ win_rate
	// efficiency        120 meetings (9.23 a week)
	//   quota ÷ bookings_per_activity
	// best-performers   100 meetings (7.69 a week)
	//   quota ÷ best_bookings_per_activity
	// range 48 to 120, 3.69 to 9.23 a week
	// pick at 0.5: 84 (6.46 a week, 7 whole)
}

// The volume needed at each stage for $300,000 of bookings at an ASP of
// $25,000 (12 won deals), at the rep's own rates, the team's and the role
// models'.
func ExampleReverseThree() {
	f := funnel.MustNew("Lead", "Meeting", "Proposal", "Won")
	tw, err := target.ReverseThree(f, decimal.RequireFromString("300000"), decimal.RequireFromString("25000"),
		target.ThreeRates{
			Rep:       []float64{0.5, 0.25, 0.4},
			Team:      []float64{0.5, 0.3, 0.5},
			Benchmark: []float64{0.6, 0.5, 0.6},
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("won needed: %.0f\n", tw.WonNeeded)
	for _, w := range []struct {
		name string
		way  target.Way
	}{{"rep", tw.Rep}, {"team", tw.Team}, {"benchmark", tw.Benchmark}} {
		fmt.Printf("%-9s", w.name)
		for _, v := range w.way.Volumes {
			fmt.Printf("  %s %.2f (%d)", v.Stage, v.Exact, v.Whole)
		}
		fmt.Println()
	}
	// Output:
	// won needed: 12
	// rep        Lead 240.00 (240)  Meeting 120.00 (120)  Proposal 30.00 (30)  Won 12.00 (12)
	// team       Lead 160.00 (160)  Meeting 80.00 (80)  Proposal 24.00 (24)  Won 12.00 (12)
	// benchmark  Lead 66.67 (67)  Meeting 40.00 (40)  Proposal 20.00 (20)  Won 12.00 (12)
}
