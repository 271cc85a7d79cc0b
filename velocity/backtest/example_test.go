package backtest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/velocity/backtest"
	"github.com/shopspring/decimal"
)

// history makes a year of deals for four reps: a deal arrives every two
// days or so, sits about a week in each stage, and moves on with
// probability 0.6, 0.6, then 0.7 to won; amounts are 1,000 to 9,000.
func history(f funnel.Funnel) []funnel.Deal {
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	day := func(x float64) time.Time {
		return start.Add(time.Duration(x * float64(24*time.Hour))).Truncate(time.Hour)
	}
	var deals []funnel.Deal
	for _, owner := range []string{"ada", "ben", "cy", "dee"} {
		for t := r.ExpFloat64() * 2; day(t).Before(end); t += r.ExpFloat64() * 2 {
			d := funnel.Deal{ID: fmt.Sprint(owner, len(deals)), Owner: owner,
				Amount: decimal.NullDecimal{Decimal: decimal.NewFromInt(int64(1000 + r.IntN(8001))), Valid: true}}
			now := t
			for k := 0; day(now).Before(end); k++ {
				d.Events = append(d.Events, funnel.Event{Stage: k, At: day(now)})
				if k == f.Len()-1 {
					d.Outcome = funnel.Won
					break
				}
				now += r.ExpFloat64() * 7
				if r.Float64() >= []float64{0.6, 0.6, 0.7}[k] {
					if day(now).Before(end) {
						d.Outcome, d.Closed = funnel.Lost, day(now)
					}
					break
				}
			}
			deals = append(deals, d)
		}
	}
	return deals
}

// ExampleRun replays a year of a four-rep team month by month, each rep
// with a quota of 15,000 a month, and prints how the forecast made at
// the start of each month fared, then the calibration table of the year.
func ExampleRun() {
	f := funnel.MustNew("Lead", "Qualified", "Proposal", "Won")
	rp, err := backtest.Run(context.Background(), f, funnel.Stream(history(f)), backtest.Options{
		Period: funnel.Month,
		Quota:  decimal.NullDecimal{Decimal: decimal.NewFromInt(15000), Valid: true},
		Until:  time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Draws:  1000,
		Seed:   7,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("month    hit  Brier  in P10-P90  MAE of P50")
	for _, p := range rp.Periods {
		s := p.Scores
		fmt.Printf("%s  %d/%d  %.3f  %d/%d  %9s\n", p.Label, s.Hits.K, s.Hits.N, s.Brier.Float64, s.InBand.K, s.InBand.N, s.MAE.Decimal.StringFixed(2))
	}
	o := rp.Overall
	fmt.Printf("year: Brier %.3f; last month's attainment %.3f; weighted pipeline %.3f\n", o.Brier.Float64, o.BrierLast.Float64, o.BrierWeighted.Float64)
	fmt.Println("P(hit)     n  predicted  observed  95% interval")
	for _, b := range o.Calibration {
		if b.Forecasts == 0 {
			continue
		}
		fmt.Printf("%.1f-%.1f  %2d  %.3f      %2d/%-2d     %v\n", b.Lo, b.Hi, b.Forecasts, b.MeanPredicted.Float64, b.Observed.K, b.Observed.N, b.Interval)
	}
	// Output:
	// month    hit  Brier  in P10-P90  MAE of P50
	// 2024-02  1/4  0.214  1/4    9756.00
	// 2024-03  4/4  0.241  3/4    7282.50
	// 2024-04  1/4  0.205  3/4    7891.00
	// 2024-05  4/4  0.077  4/4    1687.25
	// 2024-06  2/4  0.218  4/4    4964.00
	// 2024-07  3/4  0.225  4/4    7272.50
	// 2024-08  2/4  0.440  2/4   10829.75
	// 2024-09  2/4  0.302  4/4    5687.75
	// 2024-10  3/4  0.114  3/4    6413.00
	// 2024-11  2/4  0.396  1/4   12095.00
	// 2024-12  2/4  0.127  2/4   12747.75
	// year: Brier 0.233; last month's attainment 0.247; weighted pipeline 0.258
	// P(hit)     n  predicted  observed  95% interval
	// 0.0-0.1   1  0.099       1/1      [0.207, 1.000]
	// 0.1-0.2   1  0.119       0/1      [0.000, 0.793]
	// 0.2-0.3   3  0.256       2/3      [0.208, 0.939]
	// 0.3-0.4   1  0.388       1/1      [0.207, 1.000]
	// 0.4-0.5   5  0.424       1/5      [0.036, 0.624]
	// 0.5-0.6   6  0.529       2/6      [0.097, 0.700]
	// 0.6-0.7   7  0.640       4/7      [0.250, 0.842]
	// 0.7-0.8   7  0.753       4/7      [0.250, 0.842]
	// 0.8-0.9   4  0.836       3/4      [0.301, 0.954]
	// 0.9-1.0   9  0.945       8/9      [0.565, 0.980]
}
