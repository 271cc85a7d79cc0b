package target_test

import (
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/ratios/target"
)

// A performance improvement plan from 0.33 to 0.50 follow-up meetings per
// initial meeting over six weeks, linear and front-loaded, with the date
// each checkpoint is due.
func ExampleNewPlan() {
	goal := target.Goal{Name: "follow-ups per initial meeting", Kind: target.MetricRatio, Current: 0.33, Target: 0.50}
	start := time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)
	linear, err := target.NewPlan(target.PlanSpec{Goals: []target.Goal{goal}, Start: start, Weeks: 6})
	if err != nil {
		fmt.Println(err)
		return
	}
	front, err := target.NewPlan(target.PlanSpec{Goals: []target.Goal{goal}, Start: start, Weeks: 6, Shape: target.FrontLoaded})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("week  due         linear  front-loaded")
	for i, c := range linear.Checkpoints {
		fmt.Printf("%d     %s  %.4f  %.4f\n", c.Week, c.Due.Format(time.DateOnly), c.Values[0], front.Checkpoints[i].Values[0])
	}
	// Output:
	// week  due         linear  front-loaded
	// 1     2024-03-11  0.3583  0.3819
	// 2     2024-03-18  0.3867  0.4244
	// 3     2024-03-25  0.4150  0.4575
	// 4     2024-04-01  0.4433  0.4811
	// 5     2024-04-08  0.4717  0.4953
	// 6     2024-04-15  0.5000  0.5000
}

// Three weeks of actuals judged against the linear plan: week 3's 4
// follow-ups on 12 initial meetings (0.333 against 0.415 due) is behind by
// 0.082, 48% of the planned improvement, but P(X <= 4) for a Poisson count
// of mean 0.415 × 12 = 4.98 is 0.444 (R: ppois(4, 4.98)): within noise.
func ExampleCheck() {
	const name = "follow-ups per initial meeting"
	goal := target.Goal{Name: name, Kind: target.MetricRatio, Current: 0.33, Target: 0.50}
	plan, err := target.NewPlan(target.PlanSpec{Goals: []target.Goal{goal}, Start: time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), Weeks: 6})
	if err != nil {
		fmt.Println(err)
		return
	}
	progress, err := target.Check(plan, []target.Actual{
		{Goal: name, Week: 1, Num: 4, Den: 10},
		{Goal: name, Week: 2, Num: 5, Den: 14},
		{Goal: name, Week: 3, Num: 4, Den: 12},
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	g := progress.Goals[0]
	for _, w := range g.Weeks {
		if w.Status == target.StatusPending {
			fmt.Printf("week %d: %.3f due by %s, pending\n", w.Week, w.Planned.Float64, w.Due.Format(time.DateOnly))
			continue
		}
		fmt.Printf("week %d: %d/%d = %.3f against %.3f: %s, shortfall %.3f (%.0f%% of the improvement), p = %.3f, beyond noise %t\n",
			w.Week, w.Num, w.Den, w.Actual.Float64, w.Planned.Float64, w.Status, w.Shortfall.Float64, 100*w.ShortfallShare.Float64, w.P.Float64, w.BeyondNoise)
	}
	td := g.ToDate
	fmt.Printf("to date: %d/%d = %.3f against %.3f: %s, shortfall %.3f, p = %.3f\n", td.Num, td.Den, td.Actual.Float64, td.Planned.Float64, td.Status, td.Shortfall.Float64, td.P.Float64)
	// Output:
	// week 1: 4/10 = 0.400 against 0.358: on-track, shortfall -0.042 (-25% of the improvement), p = 0.710, beyond noise false
	// week 2: 5/14 = 0.357 against 0.387: behind, shortfall 0.030 (17% of the improvement), p = 0.544, beyond noise false
	// week 3: 4/12 = 0.333 against 0.415: behind, shortfall 0.082 (48% of the improvement), p = 0.444, beyond noise false
	// week 4: 0.443 due by 2024-04-01, pending
	// week 5: 0.472 due by 2024-04-08, pending
	// week 6: 0.500 due by 2024-04-15, pending
	// to date: 13/36 = 0.361 against 0.388: behind, shortfall 0.027, p = 0.467
}
