package backtest_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/funnelmath/funnelmath/velocity/backtest"
	"github.com/shopspring/decimal"
)

// FuzzRun: any quota, stage win probabilities, period and pricing give
// either a sentinel error or a report with no NaN or infinity in which
// probabilities are in [0, 1], P10 ≤ P50 ≤ P90, the bins hold every
// forecast, and each share counts at most its forecasts.
func FuzzRun(f *testing.F) {
	// Seeds from the table cases: measured probabilities, overconfident
	// ones, a NaN, a value above 1, a zero and a negative quota, each
	// period and pricing.
	f.Add(uint64(1), int64(20000), int8(0), int8(0), false, 0.0, 0.0, 0.0)
	f.Add(uint64(2), int64(15000), int8(0), int8(1), true, 0.02, 0.1, 0.98)
	f.Add(uint64(3), int64(0), int8(1), int8(0), true, math.NaN(), 0.5, 0.5)
	f.Add(uint64(4), int64(5000), int8(2), int8(1), true, 0.1, 2.0, 0.5)
	f.Add(uint64(5), int64(-1), int8(3), int8(2), false, 0.0, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, seed uint64, quota int64, period, pricing int8, stageWin bool, w0, w1, w2 float64) {
		s := synth{Reps: 3, Days: 150, Sojourn: 6, Advance: [3]float64{0.6, 0.6, 0.7}}
		opts := backtest.Options{
			Period: funnel.Period(period), Pricing: backtest.Pricing(pricing), Draws: 100, Seed: seed,
			Quota: decimal.NullDecimal{Decimal: decimal.NewFromInt(quota), Valid: true},
		}
		if stageWin {
			opts.Build = velocity.BuildOptions{StageWin: []float64{w0, w1, w2, 1}}
		}
		rp, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(s.deals(seed)), opts)
		if err != nil {
			for _, want := range []error{funnel.ErrOutOfRange, funnel.ErrNotFinite, funnel.ErrRateRange, funnel.ErrNegativeAmount, funnel.ErrNoData} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error: %v", err)
		}
		finite := func(what string, v float64) {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1 {
				t.Fatalf("%s = %v", what, v)
			}
		}
		check := func(sum backtest.Scores) {
			var n int
			for _, b := range sum.Calibration {
				n += b.Forecasts
				if b.Observed.K > b.Observed.N || b.Observed.N != int64(b.Forecasts) {
					t.Fatalf("bin %+v", b)
				}
				if b.MeanPredicted.Valid {
					finite("mean predicted", b.MeanPredicted.Float64)
					if b.MeanPredicted.Float64 < b.Lo-1e-12 || b.MeanPredicted.Float64 > b.Hi+1e-12 {
						t.Fatalf("bin [%v, %v) mean %v", b.Lo, b.Hi, b.MeanPredicted.Float64)
					}
				}
			}
			if n != sum.Forecasts || sum.Hits.N != int64(n) || sum.Hits.K > sum.Hits.N || sum.InBand.K > sum.InBand.N {
				t.Fatalf("summary counts %+v", sum)
			}
			for _, v := range []funnel.NullFloat64{sum.Brier, sum.BrierLast, sum.BrierWeighted} {
				if v.Valid != (n > 0) {
					t.Fatalf("Brier %v with %d forecasts", v, n)
				}
				if v.Valid {
					finite("Brier", v.Float64)
				}
			}
		}
		var total int
		for _, p := range rp.Periods {
			check(p.Scores)
			total += p.Scores.Forecasts
			for _, r := range p.Reps {
				finite("p_hit", r.PHit)
				finite("last_p_hit", r.LastPHit)
				finite("weighted_p_hit", r.WeightedPHit)
				if r.P10.GreaterThan(r.P50) || r.P50.GreaterThan(r.P90) || r.P10.IsNegative() || r.Actual.IsNegative() || r.Weighted.IsNegative() {
					t.Fatalf("rep %+v", r)
				}
				if r.Hit != !r.Actual.LessThan(r.Quota) {
					t.Fatalf("rep %s hit %v with %s of %s", r.Rep, r.Hit, r.Actual, r.Quota)
				}
			}
		}
		check(rp.Overall)
		if total != rp.Overall.Forecasts {
			t.Fatalf("%d forecasts over the periods, %d overall", total, rp.Overall.Forecasts)
		}
	})
}
