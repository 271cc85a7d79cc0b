package backtest_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/funnel/crm"
	"github.com/funnelmath/funnelmath/velocity"
	"github.com/funnelmath/funnelmath/velocity/backtest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

var decEqual = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// calibrated is the synthetic team of the calibration tests: 40 reps
// over two years, stages of 10 days on average, true P(won | stage)
// 0.252, 0.42, 0.7.
var calibrated = synth{Reps: 40, Days: 730, Sojourn: 10, Advance: [3]float64{0.6, 0.6, 0.7}}

// synQuotas gives rep i a monthly quota of its expected bookings times a
// factor from 0.5 to 1.475, so that the reps' chances spread over [0, 1]:
// expected monthly bookings ≈ arrivals per day × 30 × P(win from Lead)
// 0.252 × mean amount 5,000.
func synQuotas(s synth) map[string]decimal.Decimal {
	q := map[string]decimal.Decimal{}
	for i := range s.Reps {
		factor := 0.5 + float64((i*7)%s.Reps)/float64(s.Reps)
		q[rep(i)] = decimal.NewFromInt(int64(s.rate(i) * 30 * s.trueWin(0) * 5000 * factor))
	}
	return q
}

// TestSyntheticTruth checks the generator against its stated truth: the
// stage win probabilities velocity.BuildForecast measures from the
// deals closed in the first year hold the true ones within their 99%
// Wilson intervals.
func TestSyntheticTruth(t *testing.T) {
	s := calibrated
	asOf := synStart.AddDate(1, 0, 0)
	in, err := velocity.BuildForecast(synFunnel, funnel.Stream(s.deals(1)), velocity.QuotaPeriod{Start: asOf, End: asOf.AddDate(0, 1, 0), AsOf: asOf}, nil, velocity.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k := range 3 {
		iv, err := in.StageWinCounts[k].Wilson(0.99)
		if err != nil {
			t.Fatal(err)
		}
		if !iv.Contains(s.trueWin(k)) {
			t.Errorf("stage %d: measured %v %v, true %.3f", k, in.StageWinCounts[k], iv, s.trueWin(k))
		}
	}
}

// outside counts the bins with at least 20 forecasts whose mean
// predicted P(hit) is outside the 95% Wilson interval of the observed
// share, and the bins with at least 20.
func outside(bins []backtest.CalibrationBin) (out, tested int) {
	for _, b := range bins {
		if b.Forecasts < 20 {
			continue
		}
		tested++
		if !b.Within {
			out++
		}
	}
	return out, tested
}

// TestCalibration backtests the synthetic team month by month.
//
// Tolerance rule, fixed before running: a calibrated forecast puts the
// mean predicted P(hit) of each bin inside the 95% Wilson interval of the
// observed share, except by chance. Over the bins with at least 20
// forecasts (up to 10), at most one may miss: for 10 independent bins the
// chance of two or more misses is 1 − 0.95^10 − 10 × 0.05 × 0.95^9 =
// 8.6%. The share of actual bookings inside P10–P90 should be 0.8: its
// 95% Wilson interval must hold 0.8. The forecast's Brier score must beat
// both naive forecasts.
//
// The same history forecast with stage win probabilities pushed toward 0
// and 1 (0.02, 0.1, 0.98 against the true 0.252, 0.42, 0.7) is
// overconfident: the same report must show at least three bins outside
// their interval, a worse Brier score and a band coverage below 0.8.
func TestCalibration(t *testing.T) {
	s := calibrated
	deals := s.deals(1)
	opts := backtest.Options{Quotas: synQuotas(s), Seed: 1}
	good, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(deals), opts)
	if err != nil {
		t.Fatal(err)
	}
	o := good.Overall
	// 24 months, the first without a month before it: 23 periods, less
	// the last, which ends on 1 January 2026 after the last time seen.
	if len(good.Periods) != 22 || len(good.Skipped) != 0 || o.Forecasts != 22*s.Reps {
		t.Fatalf("%d periods, %d skipped, %d forecasts; want 22, 0, %d", len(good.Periods), len(good.Skipped), o.Forecasts, 22*s.Reps)
	}
	if out, tested := outside(o.Calibration); out > 1 || tested < 8 {
		t.Errorf("calibrated forecast: %d of %d bins outside their interval, want at most 1 of at least 8", out, tested)
		logBins(t, o.Calibration)
	}
	if iv, err := o.InBand.Wilson(backtest.Confidence); err != nil || !iv.Contains(0.8) {
		t.Errorf("P10–P90 holds %v of the actuals %v, want 0.8 inside (%v)", o.InBand, iv, err)
	}
	if !(o.Brier.Float64 < o.BrierLast.Float64 && o.Brier.Float64 < o.BrierWeighted.Float64) {
		t.Errorf("Brier %v, last period %v, weighted %v: the model should beat both", o.Brier, o.BrierLast, o.BrierWeighted)
	}

	opts.Build.StageWin = []float64{0.02, 0.1, 0.98, 1}
	bad, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(deals), opts)
	if err != nil {
		t.Fatal(err)
	}
	ob := bad.Overall
	if out, _ := outside(ob.Calibration); out < 3 {
		t.Errorf("overconfident forecast: %d bins outside their interval, want at least 3", out)
		logBins(t, ob.Calibration)
	}
	if !(ob.Brier.Float64 > o.Brier.Float64) || ob.InBand.Value() >= 0.8 {
		t.Errorf("overconfident Brier %v (calibrated %v), band %v: want worse", ob.Brier, o.Brier, ob.InBand)
	}
	// The bins are the per-period bins added up.
	for i, b := range o.Calibration {
		var n int
		for _, p := range good.Periods {
			n += p.Scores.Calibration[i].Forecasts
		}
		if n != b.Forecasts {
			t.Errorf("bin %d: %d forecasts overall, %d over the periods", i, b.Forecasts, n)
		}
	}
}

func logBins(t *testing.T, bins []backtest.CalibrationBin) {
	t.Helper()
	for _, b := range bins {
		t.Logf("[%.1f, %.1f) n=%d mean %.3f observed %v %v within=%v", b.Lo, b.Hi, b.Forecasts, b.MeanPredicted.Float64, b.Observed, b.Interval, b.Within)
	}
}

// TestDeterministic: the same seed gives the same report, whatever the
// number of workers; another seed moves the draws.
func TestDeterministic(t *testing.T) {
	s := synth{Reps: 6, Days: 200, Sojourn: 8, Advance: [3]float64{0.6, 0.6, 0.7}}
	deals := s.deals(3)
	opts := backtest.Options{Quotas: synQuotas(s), Seed: 9, Draws: 500, Workers: 1}
	a, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(deals), opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Workers = 3
	b, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(deals), opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b, decEqual); diff != "" {
		t.Errorf("Run with 1 and 3 workers mismatch (-1 +3):\n%s", diff)
	}
	opts.Seed = 10
	c, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(deals), opts)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(a, c, decEqual) {
		t.Error("seeds 9 and 10 gave the same report")
	}
}

// TestNoLookAhead builds histories that agree up to 1 October 2024 and
// differ after it. The forecast for October must be the same for both,
// while what happened differs. A third history in which the later stages
// were reached just before 1 October shows that the later stages would
// change the forecast, and a fourth in which the October closes happened
// in September that the later closes would.
func TestNoLookAhead(t *testing.T) {
	s := synth{Reps: 5, Days: 365, Sojourn: 10, Advance: [3]float64{0.6, 0.6, 0.7}}
	at := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	a := s.deals(5)
	var b, c, d []funnel.Deal
	var changedFuture, changedStage, changedClose int
	for _, x := range a {
		pending := x.Start().Before(at) && (x.Outcome == funnel.Open || !x.CloseTime().Before(at))
		if !pending {
			b, c, d = append(b, x), append(c, x), append(d, x)
			continue
		}
		var before []funnel.Event
		furthest := -1
		for _, e := range x.Events {
			if e.At.Before(at) {
				before = append(before, e)
			}
			if e.Stage < 3 {
				furthest = max(furthest, e.Stage)
			}
		}
		// b: the same up to 1 October, then lost on 3 October.
		y := x
		y.Events, y.Outcome, y.Closed = before, funnel.Lost, at.AddDate(0, 0, 2)
		b = append(b, y)
		changedFuture++
		// c: the furthest stage it will reach, reached at 23:59:59 on 30
		// September, then as it went.
		z := x
		if cur := before[len(before)-1].Stage; furthest > cur {
			z.Events = append(slices.Clone(before), funnel.Event{Stage: furthest, At: at.Add(-time.Second)})
			z.Events = append(z.Events, x.Events[len(before):]...)
			changedStage++
		}
		c = append(c, z)
		// d: a deal won in October won on 30 September instead.
		w := x
		if x.Outcome == funnel.Won && x.CloseTime().Before(at.AddDate(0, 1, 0)) {
			w.Events = append(slices.Clone(before), funnel.Event{Stage: 3, At: at.Add(-time.Second)})
			changedClose++
		}
		d = append(d, w)
	}
	if changedFuture == 0 || changedStage == 0 || changedClose == 0 {
		t.Fatalf("the histories do not differ: %d, %d, %d deals changed", changedFuture, changedStage, changedClose)
	}
	opts := backtest.Options{From: at, Until: at.AddDate(0, 1, 0), Quota: decimal.NullDecimal{Decimal: decimal.NewFromInt(20000), Valid: true}, Seed: 4, Draws: 1000}
	run := func(deals []funnel.Deal) backtest.PeriodResult {
		t.Helper()
		rp, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(deals), opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rp.Periods) != 1 {
			t.Fatalf("%d periods, want October only", len(rp.Periods))
		}
		return rp.Periods[0]
	}
	forecastOnly := cmpopts.IgnoreFields(backtest.RepResult{}, "Actual", "Won", "Hit", "InBand")
	pa, pb := run(a), run(b)
	if diff := cmp.Diff(pa.Reps, pb.Reps, decEqual, forecastOnly); diff != "" {
		t.Errorf("forecasts differ with the future (-a +b):\n%s", diff)
	}
	if cmp.Equal(pa.Reps, pb.Reps, decEqual) {
		t.Error("the actuals do not differ: the test shows nothing")
	}
	for name, other := range map[string][]funnel.Deal{"later stages known": c, "later closes known": d} {
		if po := run(other); cmp.Equal(pa.Reps, po.Reps, decEqual, forecastOnly) {
			t.Errorf("%s: the forecast did not change, so the test could not catch look-ahead", name)
		}
	}
}

// TestSnapshotWithoutDates: a snapshot read without its stage dates has
// no stage at a past date; Run says so rather than replaying today's
// stages.
func TestSnapshotWithoutDates(t *testing.T) {
	f := funnel.MustNew("Prospecting", "Engaging", "Won")
	day := func(d int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	deals := []funnel.Deal{
		// As crm.Snapshot makes them with Created and Closed but no
		// StageDates: the first stage at Created, the stage reached
		// untimed, a won deal's last stage at Closed.
		{ID: "a", Owner: "x", Created: day(0), Events: []funnel.Event{{Stage: 0}, {Stage: 1}}},
		{ID: "b", Owner: "x", Created: day(3), Outcome: funnel.Won, Closed: day(40),
			Events: []funnel.Event{{Stage: 0}, {Stage: 1}, {Stage: 2, At: day(40)}}},
	}
	_, err := backtest.Run(context.Background(), f, funnel.Stream(deals), backtest.Options{})
	var ie *funnel.InputError
	if !errors.Is(err, funnel.ErrZeroDate) || !errors.As(err, &ie) || ie.Name != "deals" || ie.Op != "backtest.Run" {
		t.Errorf("err = %v, want an InputError naming deals wrapping ErrZeroDate", err)
	}
}

// TestSkipped: a period with no closed deal before it is listed as
// skipped, with its reason, not an error.
func TestSkipped(t *testing.T) {
	s := synth{Reps: 3, Days: 120, Sojourn: 10, Advance: [3]float64{0.6, 0.6, 0.7}}
	rp, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(s.deals(2)),
		backtest.Options{Period: funnel.Week, From: synStart, Quota: decimal.NullDecimal{Decimal: decimal.NewFromInt(3000), Valid: true}, Draws: 200})
	if err != nil {
		t.Fatal(err)
	}
	// 1 January 2024 is a Monday: the first week has no history.
	if len(rp.Skipped) == 0 || !rp.Skipped[0].Start.Equal(synStart) || rp.Skipped[0].Reason == "" || rp.Skipped[0].Label != "2024-W01" {
		t.Errorf("skipped %+v", rp.Skipped)
	}
	if len(rp.Periods) == 0 || !rp.Periods[0].Start.After(rp.Skipped[len(rp.Skipped)-1].Start) {
		t.Errorf("%d periods after the skipped ones", len(rp.Periods))
	}
}

// TestInputsUnchanged: Run leaves its deals and options alone.
func TestInputsUnchanged(t *testing.T) {
	s := synth{Reps: 3, Days: 200, Sojourn: 8, Advance: [3]float64{0.6, 0.6, 0.7}}
	deals := s.deals(8)
	before := cloneDeals(deals)
	opts := backtest.Options{Quotas: synQuotas(s), Build: velocity.BuildOptions{StageWin: []float64{0.3, 0.4, 0.7, 1}}, Pricing: backtest.PriceWonMean, Draws: 300}
	optsBefore := backtest.Options{Quotas: synQuotas(s), Build: velocity.BuildOptions{StageWin: []float64{0.3, 0.4, 0.7, 1}}, Pricing: backtest.PriceWonMean, Draws: 300}
	if _, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(deals), opts); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, deals, decEqual); diff != "" {
		t.Errorf("Run modified its deals (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(optsBefore, opts, decEqual); diff != "" {
		t.Errorf("Run modified its options (-before +after):\n%s", diff)
	}
}

func cloneDeals(ds []funnel.Deal) []funnel.Deal {
	out := slices.Clone(ds)
	for i := range out {
		out[i].Events = slices.Clone(ds[i].Events)
	}
	return out
}

// TestCancel: a cancelled context stops the run.
func TestCancel(t *testing.T) {
	s := synth{Reps: 3, Days: 200, Sojourn: 8, Advance: [3]float64{0.6, 0.6, 0.7}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := backtest.Run(ctx, synFunnel, funnel.Stream(s.deals(1)), backtest.Options{Quotas: synQuotas(s)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestJSON: a report encodes to JSON with its snake_case names and reads
// back.
func TestJSON(t *testing.T) {
	s := synth{Reps: 3, Days: 200, Sojourn: 8, Advance: [3]float64{0.6, 0.6, 0.7}}
	rp, err := backtest.Run(context.Background(), synFunnel, funnel.Stream(s.deals(1)), backtest.Options{Quotas: synQuotas(s), Draws: 200})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"period", "pricing", "periods", "skipped", "overall", "held", "undated"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b[:200])
		}
	}
	if m["period"] != "month" || m["pricing"] != "exported" {
		t.Errorf("period %v pricing %v", m["period"], m["pricing"])
	}
}

// TestPricingText: the pricing names round-trip through text.
func TestPricingText(t *testing.T) {
	for _, p := range []backtest.Pricing{backtest.PriceExported, backtest.PriceWonMean} {
		b, err := p.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back backtest.Pricing
		if err := back.UnmarshalText(b); err != nil || back != p {
			t.Errorf("%v: %v %v", p, back, err)
		}
	}
	var p backtest.Pricing
	if err := p.UnmarshalText([]byte("list price")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("unknown pricing: %v", err)
	}
	if _, err := backtest.Pricing(5).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("pricing 5: %v", err)
	}
}

// TestErrors is the bad-input table: each error names what and where and
// wraps its sentinel.
func TestErrors(t *testing.T) {
	s := synth{Reps: 2, Days: 100, Sojourn: 8, Advance: [3]float64{0.6, 0.6, 0.7}}
	good := s.deals(1)
	bad := func(mod func(*funnel.Deal)) []funnel.Deal {
		ds := cloneDeals(good)
		mod(&ds[0])
		return ds
	}
	opt := func(mod func(*backtest.Options)) backtest.Options {
		o := backtest.Options{Quotas: synQuotas(s)}
		mod(&o)
		return o
	}
	money := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	for _, tc := range []struct {
		name  string
		f     funnel.Funnel
		deals []funnel.Deal
		opts  backtest.Options
		want  error
		place string // the InputError's Name or the DealError's ID
	}{
		{"empty funnel", funnel.Funnel{}, good, opt(func(*backtest.Options) {}), funnel.ErrEmptyFunnel, "funnel"},
		{"one stage", funnel.MustNew("Won"), good, opt(func(*backtest.Options) {}), funnel.ErrOutOfRange, "funnel"},
		{"period", synFunnel, good, opt(func(o *backtest.Options) { o.Period = 3 }), funnel.ErrOutOfRange, "Period"},
		{"pricing", synFunnel, good, opt(func(o *backtest.Options) { o.Pricing = -1 }), funnel.ErrOutOfRange, "Pricing"},
		{"negative draws", synFunnel, good, opt(func(o *backtest.Options) { o.Draws = -5 }), funnel.ErrNegative, "Draws"},
		{"too many draws", synFunnel, good, opt(func(o *backtest.Options) { o.Draws = velocity.MaxDraws + 1 }), funnel.ErrOutOfRange, "Draws"},
		{"from year 10000", synFunnel, good, opt(func(o *backtest.Options) { o.From = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), funnel.ErrZeroDate, "From"},
		{"until before from", synFunnel, good, opt(func(o *backtest.Options) { o.From, o.Until = synStart.AddDate(0, 2, 0), synStart }), funnel.ErrDateOrder, "Until"},
		{"negative quota", synFunnel, good, opt(func(o *backtest.Options) { o.Quotas["rep01"] = money("-1") }), funnel.ErrNegativeAmount, `Quotas["rep01"]`},
		{"default quota", synFunnel, good, opt(func(o *backtest.Options) { o.Quota = decimal.NullDecimal{Decimal: money("1e40"), Valid: true} }), funnel.ErrOutOfRange, "Quota"},
		{"rate window", synFunnel, good, opt(func(o *backtest.Options) { o.Build.RateWindow = -time.Hour }), funnel.ErrOutOfRange, "Build.RateWindow"},
		{"stage win length", synFunnel, good, opt(func(o *backtest.Options) { o.Build.StageWin = []float64{0.5} }), funnel.ErrOutOfRange, "Build.StageWin"},
		{"stage win NaN", synFunnel, good, opt(func(o *backtest.Options) { o.Build.StageWin = []float64{0.1, math.NaN(), 0.5, 1} }), funnel.ErrNotFinite, "Build.StageWin[1]"},
		{"stage win 2", synFunnel, good, opt(func(o *backtest.Options) { o.Build.StageWin = []float64{0.1, 0.2, 2, 1} }), funnel.ErrRateRange, "Build.StageWin[2]"},
		{"too many periods", synFunnel, good, opt(func(o *backtest.Options) {
			o.Period, o.From, o.Until = funnel.Week, time.Date(1800, 1, 6, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
		}), funnel.ErrOutOfRange, "Until"},
		{"no whole period", synFunnel, good, opt(func(o *backtest.Options) { o.Period = funnel.Quarter; o.Until = synStart.AddDate(0, 4, 0) }), funnel.ErrNoData, "deals"},
		{"no dated deal", synFunnel, []funnel.Deal{{ID: "u", Events: []funnel.Event{{Stage: 0}}}}, opt(func(*backtest.Options) {}), funnel.ErrNoData, "deals"},
		{"invalid deal", synFunnel, bad(func(d *funnel.Deal) { d.Events[0].Stage = 7 }), opt(func(*backtest.Options) {}), funnel.ErrUnknownStage, good[0].ID},
		{"deal date", synFunnel, bad(func(d *funnel.Deal) { d.ExpectedClose = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), opt(func(*backtest.Options) {}), funnel.ErrZeroDate, good[0].ID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := backtest.Run(context.Background(), tc.f, funnel.Stream(tc.deals), tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var ie *funnel.InputError
			var de *funnel.DealError
			switch {
			case errors.As(err, &ie):
				if ie.Op != "backtest.Run" || ie.Name != tc.place {
					t.Errorf("InputError op %q name %q, want backtest.Run %q: %v", ie.Op, ie.Name, tc.place, err)
				}
			case errors.As(err, &de):
				if de.Op != "backtest.Run" || de.ID != tc.place {
					t.Errorf("DealError op %q id %q, want backtest.Run %q: %v", de.Op, de.ID, tc.place, err)
				}
			default:
				t.Errorf("error %T %v is neither an InputError nor a DealError", err, err)
			}
		})
	}
	// The stream's own error comes back as it is.
	boom := errors.New("boom")
	stream := func(yield func(funnel.Deal, error) bool) { yield(funnel.Deal{}, boom) }
	if _, err := backtest.Run(context.Background(), synFunnel, stream, backtest.Options{}); err != boom {
		t.Errorf("stream error: %v", err)
	}
}

// mavenPath is the public Maven CRM sample (see
// /work/shared/data/maven-crm/README.md); it is not shipped with the
// module.
const mavenPath = "../../../shared/data/maven-crm/sales_pipeline.csv"

// mavenReader is the Maven export's mapping, as the README's "From your
// CRM" and examples/review's TestMaven read it: the engage date is the
// date of the Engaging stage, the close date the date a deal was won or
// lost.
func mavenReader(f funnel.Funnel) crm.Snapshot {
	return crm.Snapshot{Funnel: f, Columns: crm.SnapshotColumns{
		ID: "opportunity_id", Owner: "sales_agent", Stage: "deal_stage", Closed: "close_date", Amount: "close_value",
		StageDates: map[string]string{"Engaging": "engage_date"},
	}}
}

// TestMaven backtests the Maven export by quarter, with a quota of
// 100,000 a quarter for every agent and open deals priced at the agent's
// mean won amount (the export's close_value is 0 for a lost deal and
// empty for an open one, so the exported amount would leak the
// outcome). The third quarter of 2017 is checked against a second
// derivation with encoding/csv: for each agent, the deals open on 1 July
// (engaged before it and not closed before it), the bookings from 1 July
// to 30 September (close_value of the deals won then), and the bookings
// of the quarter before.
func TestMaven(t *testing.T) {
	fh, err := os.Open(mavenPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s absent", mavenPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f := funnel.MustNew("Prospecting", "Engaging", "Won")
	rp, err := backtest.Run(context.Background(), f, mavenReader(f).Deals(context.Background(), fh), backtest.Options{
		Period: funnel.Quarter, Quota: decimal.NullDecimal{Decimal: decimal.NewFromInt(100000), Valid: true},
		Pricing: backtest.PriceWonMean, Until: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), Seed: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	// 8,800 rows: 500 Prospecting deals have no date at all; Q1 2017
	// has no deal closed before it (the first close is in March 2017).
	if rp.Held != 8300 || rp.Undated != 500 {
		t.Errorf("held %d, undated %d; want 8300, 500", rp.Held, rp.Undated)
	}
	if len(rp.Skipped) != 1 || rp.Skipped[0].Label != "2017-Q1" {
		t.Errorf("skipped %+v, want 2017-Q1", rp.Skipped)
	}
	var labels []string
	for _, p := range rp.Periods {
		labels = append(labels, p.Label)
	}
	if diff := cmp.Diff([]string{"2017-Q2", "2017-Q3", "2017-Q4"}, labels); diff != "" {
		t.Fatalf("periods mismatch (-want +got):\n%s", diff)
	}

	// The second derivation.
	if _, err := fh.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	const start, prev, end = "2017-07-01", "2017-04-01", "2017-10-01" // ISO dates compare as strings
	type agent struct {
		open        int
		actual, was decimal.Decimal
		won         int
	}
	want := map[string]*agent{}
	for _, r := range recs[1:] {
		name, engage, closed, stage := r[col["sales_agent"]], r[col["engage_date"]], r[col["close_date"]], r[col["deal_stage"]]
		a := want[name]
		if a == nil {
			a = &agent{}
			want[name] = a
		}
		if engage != "" && engage < start && (closed == "" || closed >= start) {
			a.open++
		}
		if stage == "Won" && closed >= prev && closed < end {
			v := decimal.RequireFromString(r[col["close_value"]])
			if closed >= start {
				a.actual = a.actual.Add(v)
				a.won++
			} else {
				a.was = a.was.Add(v)
			}
		}
	}
	q3 := rp.Periods[1]
	if q3.NoQuota != 0 || len(q3.Reps) != len(want) {
		t.Errorf("Q3: %d reps (%d without a quota), %d agents in the CSV", len(q3.Reps), q3.NoQuota, len(want))
	}
	var hits int64
	for _, r := range q3.Reps {
		w := want[r.Rep]
		if w == nil {
			t.Errorf("unknown agent %q", r.Rep)
			continue
		}
		if r.OpenDeals != w.open || r.NoAmount != 0 || r.Won != w.won || !r.Actual.Equal(w.actual) || !r.LastBookings.Equal(w.was) {
			t.Errorf("%s: open %d (%d without amount), won %d for %s, last quarter %s; CSV: open %d, won %d for %s, last quarter %s",
				r.Rep, r.OpenDeals, r.NoAmount, r.Won, r.Actual, r.LastBookings, w.open, w.won, w.actual, w.was)
		}
		if hit := !w.actual.LessThan(decimal.NewFromInt(100000)); hit != r.Hit {
			t.Errorf("%s: hit %v, CSV %v", r.Rep, r.Hit, hit)
		}
		if r.Hit {
			hits++
		}
	}
	if q3.Scores.Hits != (funnel.Rate{K: hits, N: int64(len(q3.Reps))}) {
		t.Errorf("Q3 hits %v, want %d of %d", q3.Scores.Hits, hits, len(q3.Reps))
	}
	for _, p := range rp.Periods {
		s := p.Scores
		t.Logf("%s: %d agents, %v hit; Brier %.3f (last quarter %.3f, weighted pipeline %.3f); P10–P90 holds %v; MAE of P50 %s",
			p.Label, s.Forecasts, s.Hits, s.Brier.Float64, s.BrierLast.Float64, s.BrierWeighted.Float64, s.InBand, s.MAE.Decimal.StringFixed(2))
	}
}
