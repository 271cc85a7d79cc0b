package funnel_test

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// Three observations, of 1.5, 2 and 2.25 days, known only by their day
// bins and the sum of their seconds, as a warehouse gives them:
// 129600 + 172800 + 194400 = 496800 seconds.
func ExampleDurationsFromBins() {
	h, err := funnel.DurationsFromBins([]funnel.Bin{{Day: 1, Count: 1}, {Day: 2, Count: 2}}, 496800)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("n=%d mean=%.4f days median=%.0f days\n", h.N(), h.MeanDays().Float64, h.MedianDays().Float64)

	// 2 observations in day 2 last at least 2·2·86400 = 345600 seconds.
	_, err = funnel.DurationsFromBins([]funnel.Bin{{Day: 2, Count: 2}}, 300000)
	fmt.Println(err)
	// Output:
	// n=3 mean=1.9167 days median=2 days
	// funnel.DurationsFromBins: seconds = 300000: value out of range: 2 observations in these bins last 345600 to 518398 seconds
}

// One owner's funnel from the result of a warehouse's GROUP BY (see
// examples/warehouse for the SQL): per stage, the deals whose furthest
// stage it is or a later one, the open and lost deals that stopped there
// and the money that reached it; per owner, the outcomes, the won and open
// money, and the closed deals' cycles as day bins with their seconds.
func ExampleFromGroupSums() {
	f := funnel.MustNew("Lead", "Qualified", "Won")
	type stageRow struct {
		reached, openAt, lostAt int64
		amount                  string
	}
	rows := []stageRow{ // ORDER BY stage
		{10, 1, 3, "52000.00"},
		{6, 2, 1, "41000.00"},
		{3, 0, 0, "30000.00"},
	}
	s := funnel.GroupSums{
		Key: []string{"ann"}, Won: 3, Lost: 5, Open: 3, LostNoStage: 1,
		NoAmount: 2, WonAmount: decimal.RequireFromString("30000.00"), WonWithAmount: 3,
		OpenAmount: decimal.RequireFromString("9000.00"), OpenWithAmount: 2,
	}
	for _, r := range rows {
		s.Reached = append(s.Reached, r.reached)
		s.OpenAt = append(s.OpenAt, r.openAt)
		s.LostAt = append(s.LostAt, r.lostAt)
		s.AmountReached = append(s.AmountReached, decimal.RequireFromString(r.amount))
	}
	var err error
	// won cycles of 20.5, 35.25 and 35.75 days: 91.5 days = 7905600 s.
	if s.WonCycle, err = funnel.DurationsFromBins([]funnel.Bin{{Day: 20, Count: 1}, {Day: 35, Count: 2}}, 7905600); err != nil {
		fmt.Println(err)
		return
	}
	// lost cycles of 3, 3, 10 and 10 days: 26 days = 2246400 s.
	if s.LostCycle, err = funnel.DurationsFromBins([]funnel.Bin{{Day: 3, Count: 2}, {Day: 10, Count: 2}}, 2246400); err != nil {
		fmt.Println(err)
		return
	}
	c, err := funnel.FromGroupSums(f, s)
	if err != nil {
		fmt.Println(err)
		return
	}
	tb, err := funnel.NewTable(f, c, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range tb.Stages[1:] {
		fmt.Printf("%-9s %2d  step %s  resolved %s\n", row.Stage, row.Reached, row.Step, row.Resolved)
	}
	fmt.Printf("deals %d, win rate %s, average won %s, won cycle %.2f days\n",
		c.Deals, c.WinRate(), c.AvgWon().Decimal.StringFixed(2), c.WonCycle.MeanDays().Float64)

	// A GROUP BY that forgot the implied rule (a won deal reaches every
	// stage) counts 2 at Qualified instead of 6:
	s.Reached = []int64{10, 2, 3}
	_, err = funnel.FromGroupSums(f, s)
	fmt.Println(err)
	// Output:
	// Qualified  6  step 6/10 (60.0%)  resolved 6/9 (66.7%)
	// Won        3  step 3/6 (50.0%)  resolved 3/4 (75.0%)
	// deals 11, win rate 3/8 (37.5%), average won 10000.00, won cycle 30.50 days
	// funnel.FromGroupSums: reached: stage "Won" (index 2): count rises down the funnel: 3 after 2
}
