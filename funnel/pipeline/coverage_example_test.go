package pipeline_test

import (
	"context"
	"fmt"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/pipeline"
	"github.com/shopspring/decimal"
)

// ExampleCoverage is the forecast call for one rep on 15 May, for the
// second quarter: coverage of the quota still to book, overall and by
// stage, the pipeline weighted by the stage win rates measured from the
// closed deals and by the CRM's own probabilities, and the forecast
// categories.
func ExampleCoverage() {
	f := funnel.MustNew("Lead", "Qualified", "Proposal", "Won")
	date := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }
	money := func(s string) decimal.NullDecimal {
		return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
	}
	ev := func(stage int, m time.Month, d int) funnel.Event { return funnel.Event{Stage: stage, At: date(m, d)} }
	prob := func(p string) map[string]string { return map[string]string{"Probability (%)": p} }
	deals := []funnel.Deal{
		// History: two won, three lost, at different depths.
		{ID: "h1", Owner: "lee", Amount: money("9000"), Outcome: funnel.Won, Closed: date(time.February, 1),
			Events: []funnel.Event{ev(0, time.January, 3), ev(1, time.January, 9), ev(2, time.January, 20), ev(3, time.February, 1)}},
		{ID: "h2", Owner: "lee", Amount: money("12000"), Outcome: funnel.Won, Closed: date(time.April, 20),
			Events: []funnel.Event{ev(0, time.March, 1), ev(1, time.March, 9), ev(2, time.April, 2), ev(3, time.April, 20)}},
		{ID: "h3", Owner: "lee", Amount: money("4000"), Outcome: funnel.Lost, Closed: date(time.March, 1),
			Events: []funnel.Event{ev(0, time.January, 10)}},
		{ID: "h4", Owner: "lee", Amount: money("7000"), Outcome: funnel.Lost, Closed: date(time.March, 3),
			Events: []funnel.Event{ev(0, time.January, 12), ev(1, time.February, 1)}},
		{ID: "h5", Owner: "lee", Amount: money("6000"), Outcome: funnel.Lost, Closed: date(time.April, 30),
			Events: []funnel.Event{ev(0, time.February, 1), ev(1, time.February, 20), ev(2, time.March, 20)}},
		// Open on 15 May.
		{ID: "o1", Owner: "lee", Amount: money("20000"), ExpectedClose: date(time.June, 12), Attrs: prob("75"),
			Events: []funnel.Event{ev(0, time.March, 2), ev(1, time.April, 1), ev(2, time.May, 2)}},
		{ID: "o2", Owner: "lee", Amount: money("15000"), ExpectedClose: date(time.June, 28), Attrs: prob("40"),
			Events: []funnel.Event{ev(0, time.April, 2), ev(1, time.May, 1)}},
		{ID: "o3", Owner: "lee", Amount: money("8000"), ExpectedClose: date(time.September, 5), Attrs: prob("10"),
			Events: []funnel.Event{ev(0, time.May, 3)}},
	}
	opts := pipeline.CoverageOptions{
		Quotas:      map[string]decimal.Decimal{"lee": decimal.RequireFromString("60000")},
		Probability: "Probability (%)",
		Rules: pipeline.CategoryRules{
			Commit:   &pipeline.CategoryRule{MinStage: "Proposal", InPeriod: true},
			BestCase: &pipeline.CategoryRule{InPeriod: true, MinProbability: 0.3, CRM: true},
			Pipeline: &pipeline.CategoryRule{},
		},
	}
	rep, err := pipeline.Coverage(context.Background(), f, funnel.Stream(deals), date(time.May, 15), date(time.April, 1), date(time.July, 1), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, w := range rep.StageWin[:3] {
		fmt.Printf("P(win | %s) = %d/%d\n", f.Stage(k), w.K, w.N)
	}
	lee := rep.Reps[0]
	fmt.Printf("quota %s, won %s, to go %s\n", lee.Quota.Decimal.StringFixed(2), lee.Won.Amount.StringFixed(2), lee.ToGo.Decimal.StringFixed(2))
	fmt.Printf("pipeline this quarter %s: coverage %.2fx\n", lee.Pipeline.Amount.StringFixed(2), lee.Coverage.Float64)
	for _, s := range lee.ByStage {
		fmt.Printf("  %-9s %9s  %.2fx  weighted %s\n", s.StageName, s.Pipeline.Amount.StringFixed(2), s.Coverage.Float64, s.Weighted.Decimal.StringFixed(2))
	}
	fmt.Printf("weighted %s, by the CRM %s\n", lee.Weighted.Decimal.StringFixed(2), lee.CRMWeighted.Decimal.StringFixed(2))
	for _, c := range lee.Categories {
		fmt.Printf("%-9s %d deal(s) %9s\n", c.Category, c.Deals, c.Amount.StringFixed(2))
	}
	// Output:
	// P(win | Lead) = 2/5
	// P(win | Qualified) = 2/4
	// P(win | Proposal) = 2/3
	// quota 60000.00, won 12000.00, to go 48000.00
	// pipeline this quarter 35000.00: coverage 0.73x
	//   Lead           0.00  0.00x  weighted 0.00
	//   Qualified  15000.00  0.31x  weighted 7500.00
	//   Proposal   20000.00  0.42x  weighted 13333.33
	// weighted 20833.33, by the CRM 21000.00
	// commit    1 deal(s)  20000.00
	// best case 1 deal(s)  15000.00
	// pipeline  1 deal(s)   8000.00
	// omitted   0 deal(s)      0.00
}
