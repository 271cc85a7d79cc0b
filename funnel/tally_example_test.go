package funnel_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// exampleDeals are five deals of two reps over a four-stage funnel: a
// straight win, a win that skipped the meeting, a loss after the meeting,
// one open at the meeting and one open at the lead.
func exampleDeals() []funnel.Deal {
	day := func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }
	ev := func(stage, d int) funnel.Event { return funnel.Event{Stage: stage, At: day(d)} }
	amt := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }
	return []funnel.Deal{
		{ID: "1", Owner: "ann", Amount: amt("1200"), Outcome: funnel.Won, Closed: day(20),
			Events: []funnel.Event{ev(0, 1), ev(1, 4), ev(2, 9), ev(3, 20)}},
		{ID: "2", Owner: "ann", Amount: amt("800"), Outcome: funnel.Won, Closed: day(12),
			Events: []funnel.Event{ev(0, 2), ev(2, 5), ev(3, 12)}},
		{ID: "3", Owner: "bob", Amount: amt("500"), Outcome: funnel.Lost, Closed: day(15),
			Events: []funnel.Event{ev(0, 1), ev(1, 3), ev(2, 8)}},
		{ID: "4", Owner: "bob", Amount: amt("650"), Outcome: funnel.Open,
			Events: []funnel.Event{ev(0, 6), ev(1, 10), ev(2, 18)}},
		{ID: "5", Owner: "bob", Outcome: funnel.Open, Events: []funnel.Event{ev(0, 25)}},
	}
}

// A tally of a reader's stream (here a slice of deals), then the one
// funnel table of its total: per stage the deals that reached it, the naive
// step into it and the resolved one, which leaves out the deals still open
// at the stage before; open deals are never counted as lost.
func ExampleTally() {
	f := funnel.MustNew("lead", "qualified", "meeting", "won")
	t := funnel.NewTally(f)
	if err := t.AddAll(funnel.Stream(exampleDeals())); err != nil {
		fmt.Println(err)
		return
	}
	c, err := t.Total()
	if err != nil {
		fmt.Println(err)
		return
	}
	tb, err := funnel.NewTable(f, c, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range tb.Stages {
		fmt.Printf("%-9s %d reached, %d open; in: naive %-13v resolved %-13v lost %d\n", s.Stage, s.Reached, s.Pending, s.Step, s.Resolved, s.Lost)
	}
	fmt.Printf("won %d, lost %d, open %d; win rate %v; average won %s\n", c.Won, c.Lost, c.Open, c.WinRate(), c.AvgWon().Decimal.StringFixed(2))
	// Output:
	// lead      5 reached, 1 open; in: naive 0/0           resolved 0/0           lost 0
	// qualified 4 reached, 0 open; in: naive 4/5 (80.0%)   resolved 4/4 (100.0%)  lost 0
	// meeting   4 reached, 1 open; in: naive 4/4 (100.0%)  resolved 4/4 (100.0%)  lost 0
	// won       2 reached, 0 open; in: naive 2/4 (50.0%)   resolved 2/3 (66.7%)   lost 1
	// won 2, lost 1, open 2; win rate 2/3 (66.7%); average won 1000.00
}

// Tallies of disjoint deals merge into the tally of all of them, so a
// large export can be tallied in shards and merged, here through JSON as
// it would travel between machines.
func ExampleTally_Merge() {
	f := funnel.MustNew("lead", "qualified", "meeting", "won")
	deals := exampleDeals()
	a, b := funnel.NewTally(f, funnel.AttrOwner), funnel.NewTally(f, funnel.AttrOwner)
	for i, d := range deals {
		shard := a
		if i%2 == 1 {
			shard = b
		}
		if err := shard.Add(d); err != nil {
			fmt.Println(err)
			return
		}
	}
	wire, err := json.Marshal(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	var got funnel.Tally
	if err := json.Unmarshal(wire, &got); err != nil {
		fmt.Println(err)
		return
	}
	if err := a.Merge(&got); err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range a.Groups() {
		fmt.Printf("%s: %d deals, reached %v, won amount %s\n", g.Key[0], g.Deals, g.Reached, g.WonAmount.StringFixed(2))
	}
	// Both of ann's deals were won, so under implied reach they reached
	// every stage, the one that skipped qualified too.
	// Output:
	// ann: 2 deals, reached [2 2 2 2], won amount 2000.00
	// bob: 3 deals, reached [3 2 2 0], won amount 0.00
}

// Time in stage and the cycle as day histograms: exact means, and
// percentiles exact to the day.
func ExampleDurations() {
	f := funnel.MustNew("lead", "qualified", "meeting", "won")
	t := funnel.NewTally(f)
	for _, d := range exampleDeals() {
		if err := t.Add(d); err != nil {
			fmt.Println(err)
			return
		}
	}
	c, err := t.Total()
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := range f.Last() {
		fmt.Printf("%-9s %v\n", f.Stage(k), c.StageTime[k].Summary())
	}
	fmt.Println("won cycle", c.WonCycle.Summary())
	// Worked by hand: lead 3, 3, 2, 4 days (deal 5 is still there);
	// qualified 5, 5, 8; meeting 11, 7 and 7 (deal 3 to its loss; deal 4
	// is still there); the wins took 19 and 10 days. Percentiles
	// interpolate between the sorted values (Excel's PERCENTILE.INC,
	// pandas): the p90 of 2 3 3 4 is at position 3 × 0.9 = 2.7, 3 + 0.7 ×
	// (4 − 3) = 3.7, and the median of 10 and 19 is 14.5.
	// Output:
	// lead      n=4 mean=3.0d median=3.0d p90=3.7d
	// qualified n=3 mean=6.0d median=5.0d p90=7.4d
	// meeting   n=3 mean=8.3d median=7.0d p90=10.2d
	// won cycle n=2 mean=14.5d median=14.5d p90=18.1d
}

// Cohorts by entry week with a seven-day conversion window: a cohort
// whose window has not closed by the as-of date is marked immature rather
// than read as low conversion.
func ExampleCohortTally() {
	f := funnel.MustNew("lead", "qualified", "meeting", "won")
	ct, err := funnel.NewCohortTally(f, funnel.CohortOptions{
		Period: funnel.Week,
		Window: 7 * 24 * time.Hour,
		AsOf:   time.Date(2024, 3, 28, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range exampleDeals() {
		if err := ct.Add(d); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, co := range ct.Cohorts() {
		s := co.Stages[1] // the step into qualified
		fmt.Printf("%s: %d deals, into %s in 7 days %v, mature %v\n", co.Label, co.Deals, s.Stage, s.Converted, s.Mature)
	}
	// Output:
	// 2024-W09: 3 deals, into qualified in 7 days 3/3 (100.0%), mature true
	// 2024-W10: 1 deals, into qualified in 7 days 1/1 (100.0%), mature true
	// 2024-W13: 1 deals, into qualified in 7 days 0/1 (0.0%), mature false
}

// The same funnel for two quarters side by side: the count at each stage
// and the step into it.
func ExampleCompare() {
	f := funnel.MustNew("lead", "qualified", "meeting", "proposal", "won")
	q1, err := funnel.FromReached(f, []int64{200, 80, 40, 12, 6}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	q2, err := funnel.FromReached(f, []int64{220, 80, 44, 11, 6}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	changes, err := funnel.Compare(f, q1, q2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes {
		fmt.Printf("%-9s %3d -> %3d (%+5.1f%%)", c.Stage, c.Before, c.After, 100*c.DeltaShare.Float64)
		if c.StepDelta.Valid {
			fmt.Printf("  step in %+5.1f points", 100*c.StepDelta.Float64)
		}
		fmt.Println()
	}
	// Output:
	// lead      200 -> 220 (+10.0%)
	// qualified  80 ->  80 ( +0.0%)  step in  -3.6 points
	// meeting    40 ->  44 (+10.0%)  step in  +5.0 points
	// proposal   12 ->  11 ( -8.3%)  step in  -5.0 points
	// won         6 ->   6 ( +0.0%)  step in  +4.5 points
}
