package velocity

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// threeDeals is a forecast small enough to enumerate: won so far 5000 and
// three open deals certain to close in the period if won (no time to close
// given), won with probabilities 0.3, 0.6 and 0.85, no new deals.
func threeDeals(quota string, draws int, seed uint64) ForecastInput {
	return ForecastInput{
		Days:     30,
		StageWin: []float64{0.3, 0.6, 0.85, 1},
		Reps: []RepInput{{
			Rep:      "rep",
			Quota:    mustDec(quota),
			WonSoFar: mustDec("5000"),
			Open: []OpenDeal{
				{ID: "a", Stage: 0, Amount: mustDec("10000")},
				{ID: "b", Stage: 1, Amount: mustDec("20000")},
				{ID: "c", Stage: 2, Amount: mustDec("40000")},
			},
		}},
		Draws: draws,
		Seed:  seed,
	}
}

// outcome is one of the enumerated results.
type outcome struct {
	total decimal.Decimal
	p     float64
}

// enumerate lists the 2^n outcomes of independent deals.
func enumerate(base decimal.Decimal, amounts []decimal.Decimal, probs []float64) []outcome {
	var out []outcome
	for mask := 0; mask < 1<<len(amounts); mask++ {
		o := outcome{total: base, p: 1}
		for i := range amounts {
			if mask&(1<<i) != 0 {
				o.total = o.total.Add(amounts[i])
				o.p *= probs[i]
			} else {
				o.p *= 1 - probs[i]
			}
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b outcome) int { return a.total.Cmp(b.total) })
	return out
}

// quantile is the smallest total whose cumulative probability reaches q.
func quantile(os []outcome, q float64) decimal.Decimal {
	var c float64
	for _, o := range os {
		c += o.p
		if c >= q-1e-12 {
			return o.total
		}
	}
	return os[len(os)-1].total
}

func TestForecastEnumerated(t *testing.T) {
	// The eight outcomes (won subset: total, probability):
	//	none  5000 0.042   a 15000 0.018   b 25000 0.063   ab 35000 0.027
	//	c    45000 0.238  ac 55000 0.102  bc 65000 0.357  abc 75000 0.153
	// P(total ≥ 50000) = 0.102 + 0.357 + 0.153 = 0.612. Cumulative: 0.042,
	// 0.060, 0.123, 0.150, 0.388, 0.490, 0.847, 1: P10 = 25000, P50 = 65000,
	// P90 = 75000, each at least 0.01 (10 standard errors) from a jump.
	// Mean 5000 + 3000 + 12000 + 34000 = 54000.
	in := threeDeals("50000", 100_000, 42)
	os := enumerate(mustDec("5000"), []decimal.Decimal{mustDec("10000"), mustDec("20000"), mustDec("40000")}, []float64{0.3, 0.6, 0.85})
	var pHit float64
	for _, o := range os {
		if o.total.GreaterThanOrEqual(mustDec("50000")) {
			pHit += o.p
		}
	}
	if math.Abs(pHit-0.612) > 1e-12 {
		t.Fatalf("enumerated P(hit) = %v, want 0.612 by hand", pHit)
	}
	got, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	r := got.Reps[0]
	se := math.Sqrt(pHit * (1 - pHit) / 1e5)
	if math.Abs(r.PHit-pHit) > 4*se {
		t.Errorf("PHit = %v, want %v within 4 × %v", r.PHit, pHit, se)
	}
	if math.Abs(r.PHitStdErr-se) > 1e-4 {
		t.Errorf("PHitStdErr = %v, want about %v", r.PHitStdErr, se)
	}
	for _, q := range []struct {
		name string
		got  decimal.Decimal
		p    float64
		hand string
	}{{"P10", r.P10, 0.1, "25000"}, {"P50", r.P50, 0.5, "65000"}, {"P90", r.P90, 0.9, "75000"}} {
		if e := quantile(os, q.p); !q.got.Equal(e) || !e.Equal(mustDec(q.hand)) {
			t.Errorf("%s = %v, enumerated %v, by hand %s", q.name, q.got, e, q.hand)
		}
	}
	if !r.Expected.Equal(mustDec("54000")) {
		t.Errorf("Expected = %v, want 54000", r.Expected)
	}
	// Standard deviation sqrt(Σ p(1−p)a²) = sqrt(0.21e8 + 0.24 × 4e8 +
	// 0.1275 × 16e8) = sqrt(3.27e8) = 18083; 4 standard errors of the mean
	// over 1e5 draws is 229.
	if d := r.Mean.Sub(mustDec("54000")).Abs(); d.GreaterThan(mustDec("229")) {
		t.Errorf("Mean = %v, want 54000 within 229", r.Mean)
	}

	// Same seed, same answer, whatever the workers.
	in.Workers = 3
	again, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, again, decEq); diff != "" {
		t.Errorf("second run differs (-first +second):\n%s", diff)
	}
	in.Seed = 43
	other, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if other.Reps[0].PHit == r.PHit && other.Reps[0].Mean.Equal(r.Mean) {
		t.Errorf("seed 43 gives the same draws as seed 42")
	}
}

func TestForecastManyRepsDeterministic(t *testing.T) {
	// Ten copies of the three-deal rep: each has its own generator, so the
	// results differ between reps but not between runs or worker counts.
	in := threeDeals("50000", 2000, 7)
	rep := in.Reps[0]
	in.Reps = nil
	for range 10 {
		in.Reps = append(in.Reps, rep)
	}
	var runs []ForecastResult
	for _, w := range []int{1, 2, 8} {
		in.Workers = w
		got, err := Forecast(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, got)
	}
	for i := 1; i < len(runs); i++ {
		if diff := cmp.Diff(runs[0], runs[i], decEq); diff != "" {
			t.Errorf("run %d differs:\n%s", i, diff)
		}
	}
	distinct := map[float64]bool{}
	for _, r := range runs[0].Reps {
		distinct[r.PHit] = true
	}
	if len(distinct) < 2 {
		t.Errorf("all ten reps drew the same P(hit): generators not independent")
	}
}

func TestForecastTimeToClose(t *testing.T) {
	// Times to close 10, 20, 30, 40 days; 30 days left.
	// Open deal aged 15 days, stage win 1: P(15 ≤ T ≤ 45 | T ≥ 15) = 3/3 = 1;
	// aged 5 days: P(5 ≤ T ≤ 35 | T ≥ 5) = 3/4; aged 50 days, beyond every
	// T: taken to close, 1. Expected from open deals 300 × 1 + 400 × 3/4 +
	// 100 = 700.
	// New deals: Σ max(0, 30 − T) / (4 × 30) = (20 + 10) / 120 = 1/4;
	// μ = 2/day × 30 × 0.5 × 1/4 = 7.5, each worth the mean of 100 and 300,
	// 200: 1500. Expected total 1000 won + 700 + 1500 = 3200.
	in := ForecastInput{
		Days:        30,
		StageWin:    []float64{1, 1},
		TimeToClose: []time.Duration{40 * day, 10 * day, 30 * day, 20 * day},
		Reps: []RepInput{{
			Rep: "r", Quota: mustDec("3000"), WonSoFar: mustDec("1000"),
			Open: []OpenDeal{
				{ID: "x", Stage: 0, Amount: mustDec("300"), Age: 15 * day},
				{ID: "y", Stage: 0, Amount: mustDec("400"), Age: 5 * day},
				{ID: "z", Stage: 0, Amount: mustDec("100"), Age: 50 * day},
			},
			NewPerDay: 2, NewWinRate: 0.5, NewAmounts: []decimal.Decimal{mustDec("100"), mustDec("300")},
		}},
		Draws: 100_000,
		Seed:  1,
	}
	keep := slices.Clone(in.TimeToClose)
	got, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keep, in.TimeToClose) {
		t.Errorf("Forecast modified TimeToClose: %v", in.TimeToClose)
	}
	r := got.Reps[0]
	if math.Abs(r.ExpectedNew-7.5) > 1e-12 || !r.Expected.Equal(mustDec("3200")) {
		t.Errorf("ExpectedNew = %v, Expected = %v; want 7.5 and 3200", r.ExpectedNew, r.Expected)
	}
	// Variance: y 400² × 3/16 = 30000; new deals (compound Poisson) μ E[A²]
	// = 7.5 × (100² + 300²)/2 = 375000; sd 636.4, 4 standard errors over 1e5
	// draws: 8.05.
	if d := r.Mean.Sub(mustDec("3200")).Abs(); d.GreaterThan(mustDec("8.05")) {
		t.Errorf("Mean = %v, want 3200 within 8.05", r.Mean)
	}
}

func TestForecastPoisson(t *testing.T) {
	// Only new deals, each worth 100, certain to close: the count is
	// Poisson(μ = 0.5 × 30 × 0.5 = 7.5). Quota 1000 is ten deals:
	// P(N ≥ 10) = 1 − F(9), from gonum's Poisson as a second method.
	in := ForecastInput{
		Days:  30,
		Reps:  []RepInput{{Rep: "r", Quota: mustDec("1000"), NewPerDay: 0.5, NewWinRate: 0.5, NewAmounts: []decimal.Decimal{mustDec("100")}}},
		Draws: 100_000,
		Seed:  3,
	}
	got, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	pois := distuv.Poisson{Lambda: 7.5}
	p := 1 - pois.CDF(9)
	se := math.Sqrt(p * (1 - p) / 1e5)
	if r := got.Reps[0]; math.Abs(r.PHit-p) > 4*se {
		t.Errorf("PHit = %v, want %v within 4 × %v", r.PHit, p, se)
	}
	// Median of Poisson(7.5): F(6) = 0.378, F(7) = 0.525, so 7 deals, 700.
	if r := got.Reps[0]; !r.P50.Equal(mustDec("700")) {
		t.Errorf("P50 = %v, want 700 (F(7) = %.3f)", r.P50, pois.CDF(7))
	}
}

func TestForecastCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Forecast(ctx, threeDeals("1", 1000, 1))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Forecast error = %v, want context.Canceled", err)
	}
}

func TestForecastEdges(t *testing.T) {
	// No reps: an empty result. Quota zero: always hit. Default draws.
	got, err := Forecast(context.Background(), ForecastInput{})
	if err != nil || len(got.Reps) != 0 || got.Draws != DefaultDraws {
		t.Errorf("empty Forecast = %+v, %v", got, err)
	}
	in := threeDeals("0", 0, 1)
	got, err = Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Reps[0].PHit != 1 || got.Reps[0].PHitStdErr != 0 {
		t.Errorf("zero quota: PHit %v ± %v, want 1 ± 0", got.Reps[0].PHit, got.Reps[0].PHitStdErr)
	}
	// A quota beyond anything possible is never hit.
	in = threeDeals("1e30", 100, 1)
	got, err = Forecast(context.Background(), in)
	if err != nil || got.Reps[0].PHit != 0 {
		t.Errorf("huge quota: %+v, %v; want PHit 0", got.Reps, err)
	}
	// A fractional-cent quota is reached only by the next cent: 75000.001
	// needs 75000.01, which the best outcome (75000) does not reach.
	in = threeDeals("75000.001", 100, 1)
	got, err = Forecast(context.Background(), in)
	if err != nil || got.Reps[0].PHit != 0 {
		t.Errorf("quota 75000.001: %+v, %v; want PHit 0", got.Reps, err)
	}
}

func TestForecastErrors(t *testing.T) {
	mod := func(f func(*ForecastInput)) ForecastInput {
		in := threeDeals("1", 10, 1)
		in.Reps[0].Open = slices.Clone(in.Reps[0].Open)
		f(&in)
		return in
	}
	tests := []struct {
		name string
		in   ForecastInput
		err  error
	}{
		{"negative draws", mod(func(in *ForecastInput) { in.Draws = -1 }), funnel.ErrNegative},
		{"too many draws", mod(func(in *ForecastInput) { in.Draws = MaxDraws + 1 }), funnel.ErrOutOfRange},
		{"NaN days", mod(func(in *ForecastInput) { in.Days = math.NaN() }), funnel.ErrNotFinite},
		{"negative days", mod(func(in *ForecastInput) { in.Days = -1 }), funnel.ErrNegative},
		{"days beyond Duration", mod(func(in *ForecastInput) { in.Days = 1e9 }), funnel.ErrOutOfRange},
		{"stage win above 1", mod(func(in *ForecastInput) { in.StageWin[1] = 1.5 }), funnel.ErrRateRange},
		{"unknown stage", mod(func(in *ForecastInput) { in.Reps[0].Open[0].Stage = 4 }), funnel.ErrUnknownStage},
		{"negative stage", mod(func(in *ForecastInput) { in.Reps[0].Open[0].Stage = -1 }), funnel.ErrUnknownStage},
		{"negative amount", mod(func(in *ForecastInput) { in.Reps[0].Open[0].Amount = mustDec("-1") }), funnel.ErrNegativeAmount},
		{"negative age", mod(func(in *ForecastInput) { in.Reps[0].Open[0].Age = -1 }), funnel.ErrNegative},
		{"negative quota", mod(func(in *ForecastInput) { in.Reps[0].Quota = mustDec("-1") }), funnel.ErrNegativeAmount},
		{"negative won", mod(func(in *ForecastInput) { in.Reps[0].WonSoFar = mustDec("-1") }), funnel.ErrNegativeAmount},
		{"negative time to close", mod(func(in *ForecastInput) { in.TimeToClose = []time.Duration{-1} }), funnel.ErrNegative},
		{"NaN rate", mod(func(in *ForecastInput) { in.Reps[0].NewPerDay = math.NaN() }), funnel.ErrNotFinite},
		{"negative rate", mod(func(in *ForecastInput) { in.Reps[0].NewPerDay = -1 }), funnel.ErrNegative},
		{"new win rate", mod(func(in *ForecastInput) { in.Reps[0].NewWinRate = 2 }), funnel.ErrRateRange},
		{"no new amounts", mod(func(in *ForecastInput) { in.Reps[0].NewPerDay, in.Reps[0].NewWinRate = 1, 0.5 }), funnel.ErrNoData},
		{"too many new deals", mod(func(in *ForecastInput) {
			in.Reps[0].NewPerDay, in.Reps[0].NewWinRate, in.Reps[0].NewAmounts = 1e9, 1, []decimal.Decimal{mustDec("1")}
		}), funnel.ErrOutOfRange},
		{"amount overflow", mod(func(in *ForecastInput) { in.Reps[0].Open[0].Amount = mustDec("1e17") }), funnel.ErrOutOfRange},
		{"sum overflow", mod(func(in *ForecastInput) {
			in.Reps[0].Open[0].Amount, in.Reps[0].Open[1].Amount = mustDec("3e16"), mustDec("3e16") // 3e18 cents each, 6e18 together, above 2^62 = 4.6e18
		}), funnel.ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Forecast(context.Background(), tc.in)
			if !errors.Is(err, tc.err) {
				t.Errorf("Forecast error = %v, want %v", err, tc.err)
			}
		})
	}
	_, err := Forecast(context.Background(), mod(func(in *ForecastInput) { in.Reps[0].Open[2].Stage = 9 }))
	var ie *funnel.InputError
	if !errors.As(err, &ie) || ie.Name != "reps[0].open[2].stage" {
		t.Errorf("error %v does not name reps[0].open[2].stage", err)
	}
}

func TestBuildForecast(t *testing.T) {
	// Funnel Lead > Demo > Won; period Q1 2024 seen on 2024-03-02, 30 days
	// left. Closed before then: w1 w2 (won, reached Won), l1 (lost at Demo),
	// l2 (lost at Lead). Reached Lead: 4, won 2 → 0.5; reached Demo: w1 w2
	// l1 → 2/3; Won: 2/2.
	f := funnel.MustNew("Lead", "Demo", "Won")
	at := func(s string) time.Time { return date(s) }
	deals := []funnel.Deal{
		{ID: "w1", Owner: "ann", Created: at("2023-12-01"), Closed: at("2024-01-10"), Outcome: funnel.Won,
			Amount: decimal.NewNullDecimal(mustDec("100")), Events: []funnel.Event{{Stage: 0, At: at("2023-12-01")}, {Stage: 1, At: at("2023-12-20")}, {Stage: 2, At: at("2024-01-10")}}},
		{ID: "w2", Owner: "bob", Created: at("2024-01-01"), Closed: at("2024-02-20"), Outcome: funnel.Won,
			Amount: decimal.NewNullDecimal(mustDec("300")), Events: []funnel.Event{{Stage: 0, At: at("2024-01-01")}, {Stage: 2, At: at("2024-02-20")}}},
		{ID: "l1", Owner: "ann", Created: at("2024-01-15"), Closed: at("2024-02-01"), Outcome: funnel.Lost,
			Amount: decimal.NewNullDecimal(mustDec("50")), Events: []funnel.Event{{Stage: 0, At: at("2024-01-15")}, {Stage: 1, At: at("2024-01-20")}}},
		{ID: "l2", Owner: "ann", Created: at("2024-02-01"), Closed: at("2024-02-05"), Outcome: funnel.Lost,
			Events: []funnel.Event{{Stage: 0, At: at("2024-02-01")}}},
		// Open at as-of: o1 at Demo since Feb 10 (age 21 days); o2 won on
		// Mar 20, after as-of, so open at Demo then (its Won event is later);
		// o3 has no amount; o4 starts after as-of.
		{ID: "o1", Owner: "ann", Created: at("2024-02-10"), Amount: decimal.NewNullDecimal(mustDec("500")),
			Events: []funnel.Event{{Stage: 0, At: at("2024-02-10")}, {Stage: 1, At: at("2024-02-15")}}},
		{ID: "o2", Owner: "bob", Created: at("2024-02-01"), Closed: at("2024-03-20"), Outcome: funnel.Won, Amount: decimal.NewNullDecimal(mustDec("700")),
			Events: []funnel.Event{{Stage: 0, At: at("2024-02-01")}, {Stage: 1, At: at("2024-02-10")}, {Stage: 2, At: at("2024-03-20")}}},
		{ID: "o3", Owner: "bob", Created: at("2024-02-15"), Events: []funnel.Event{{Stage: 0, At: at("2024-02-15")}}},
		{ID: "o4", Owner: "bob", Created: at("2024-03-05"), Amount: decimal.NewNullDecimal(mustDec("1")), Events: []funnel.Event{{Stage: 0, At: at("2024-03-05")}}},
	}
	p := QuotaPeriod{Start: at("2024-01-01"), End: at("2024-04-01"), AsOf: at("2024-03-02")}
	quotas := map[string]decimal.Decimal{"ann": mustDec("1000"), "cat": mustDec("50")}
	got, err := BuildForecast(f, funnel.Stream(deals), p, quotas, BuildOptions{RateWindow: 30 * day})
	if err != nil {
		t.Fatal(err)
	}
	want := ForecastInput{
		Days:           30,
		StageWin:       []float64{0.5, 2.0 / 3, 1},
		StageWinCounts: []funnel.Rate{{K: 2, N: 4}, {K: 2, N: 3}, {K: 2, N: 2}},
		// w1 40 days, w2 50 days.
		TimeToClose: []time.Duration{40 * day, 50 * day},
		Reps: []RepInput{
			// ann: won w1 in the period (Jan 10): 100. Created in [Feb 1, Mar 2):
			// l2, o1 → 2/30 per day. Won 1 of 3 closed. Amounts {100}.
			{Rep: "ann", Quota: mustDec("1000"), WonSoFar: mustDec("100"),
				Open:      []OpenDeal{{ID: "o1", Stage: 1, Amount: mustDec("500"), Age: 21 * day}},
				NewPerDay: 2.0 / 30, NewWinRate: 1.0 / 3, NewAmounts: []decimal.Decimal{mustDec("100")}},
			// bob: w2 won Feb 20: 300. Created in the window: o2, o3 (o4 is
			// after as-of) → 2/30. Won 1 of 1. o3 has no amount.
			{Rep: "bob", Quota: decimal.Decimal{}, WonSoFar: mustDec("300"),
				Open:      []OpenDeal{{ID: "o2", Stage: 1, Amount: mustDec("700"), Age: 30 * day}},
				NewPerDay: 2.0 / 30, NewWinRate: 1, NewAmounts: []decimal.Decimal{mustDec("300")}, NoAmount: 1},
			// cat: no deals: the team's win rate 2/4 and amounts.
			{Rep: "cat", Quota: mustDec("50"), NewWinRate: 0.5, NewAmounts: []decimal.Decimal{mustDec("100"), mustDec("300")}},
		},
	}
	if diff := cmp.Diff(want, got, decEq, cmpEquateApprox()); diff != "" {
		t.Errorf("BuildForecast mismatch (-want +got):\n%s", diff)
	}
	if _, err := Forecast(context.Background(), got); err != nil {
		t.Errorf("Forecast of the built input: %v", err)
	}

	// Caller-given stage probabilities replace the measured ones.
	got, err = BuildForecast(f, funnel.Stream(deals), p, nil, BuildOptions{StageWin: []float64{0.1, 0.2, 1}})
	if err != nil || !slices.Equal(got.StageWin, []float64{0.1, 0.2, 1}) || got.StageWinCounts != nil {
		t.Errorf("given StageWin: %v %v, %v", got.StageWin, got.StageWinCounts, err)
	}

	bad := []struct {
		name  string
		deals []funnel.Deal
		p     QuotaPeriod
		opts  BuildOptions
		err   error
	}{
		{"period order", deals, QuotaPeriod{Start: p.End, End: p.Start, AsOf: p.AsOf}, BuildOptions{}, funnel.ErrDateOrder},
		{"as of after end", deals, QuotaPeriod{Start: p.Start, End: p.End, AsOf: at("2024-05-01")}, BuildOptions{}, funnel.ErrDateOrder},
		{"stage win length", deals, p, BuildOptions{StageWin: []float64{0.5}}, funnel.ErrOutOfRange},
		{"stage win value", deals, p, BuildOptions{StageWin: []float64{0.5, math.NaN(), 1}}, funnel.ErrNotFinite},
		{"negative window", deals, p, BuildOptions{RateWindow: -1}, funnel.ErrOutOfRange},
		{"nothing closed", deals[4:5], p, BuildOptions{}, funnel.ErrNoData},
		{"invalid deal", []funnel.Deal{{ID: "x", Outcome: funnel.Won}}, p, BuildOptions{}, funnel.ErrInvalidDeal},
		// Only l2 closed (at Lead): no won deal, no time to close.
		{"no won deal", deals[3:5], p, BuildOptions{}, funnel.ErrNoData},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildForecast(f, funnel.Stream(tc.deals), tc.p, nil, tc.opts)
			if !errors.Is(err, tc.err) {
				t.Errorf("BuildForecast error = %v, want %v", err, tc.err)
			}
		})
	}
	if _, err := BuildForecast(f, funnel.Stream(deals), p, map[string]decimal.Decimal{"x": mustDec("-1")}, BuildOptions{}); !errors.Is(err, funnel.ErrNegativeAmount) {
		t.Errorf("negative quota error = %v, want funnel.ErrNegativeAmount", err)
	}
	// The invalid deal is funnel's *DealError, named by BuildForecast.
	_, err = BuildForecast(f, funnel.Stream([]funnel.Deal{{ID: "x", Outcome: funnel.Won}}), p, nil, BuildOptions{})
	var de *funnel.DealError
	if !errors.As(err, &de) || de.Op != "velocity.BuildForecast" || de.ID != "x" {
		t.Errorf("invalid deal error = %#v, want a *funnel.DealError for x with Op velocity.BuildForecast", err)
	}
}

func TestForecastHugeRateNoNewWins(t *testing.T) {
	// A rate of new deals so large that NewPerDay × Days overflows float64,
	// with nothing to make a new deal count: a zero new win rate, or times
	// to close all longer than the 1e5 days left (Σ max(0, R − T) = 0). No
	// new deal is won and closed in time, so μ = 0 by hand, never
	// Inf × 0 = NaN; the result must encode as JSON.
	tests := []struct {
		name    string
		winRate float64
		times   []time.Duration
	}{
		{"zero new win rate", 0, nil},
		{"no time to close fits", 1, []time.Duration{time.Duration(math.MaxInt64)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ForecastInput{
				Days:        1e5,
				TimeToClose: tc.times,
				Reps: []RepInput{{Rep: "r", Quota: mustDec("1"), WonSoFar: mustDec("2"),
					NewPerDay: 1e308, NewWinRate: tc.winRate, NewAmounts: []decimal.Decimal{mustDec("1")}}},
				Draws: 10,
			}
			got, err := Forecast(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			r := got.Reps[0]
			// Only WonSoFar is booked: 2 in every draw, so the quota of 1 is hit.
			if r.ExpectedNew != 0 || !r.Expected.Equal(mustDec("2")) || !r.Mean.Equal(mustDec("2")) || r.PHit != 1 {
				t.Errorf("rep = %+v, want ExpectedNew 0, Expected = Mean = 2, PHit 1", r)
			}
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("json.Marshal: %v", err)
			}
		})
	}
}

func TestBuildForecastWonWithoutClosedTime(t *testing.T) {
	// A won deal whose export gives no Closed time but a timed event at the
	// last stage closed then (funnel.Deal.CloseTime): w was created Jan 1
	// and won Jan 20, before as-of (Mar 1), so it is closed, not dropped.
	// Funnel Lead > Won. Closed before as-of: w (won, reached Won) and l
	// (lost at Lead): StageWin Lead 1/2, Won 1/1. Time to close of w: 19
	// days. ann won 100 in [Jan 1, Mar 1), 1 of 2 closed. Both started in
	// [Mar 1 − 91 days, Mar 1) = [Dec 1, Mar 1): 2/91 per day. Days left:
	// Mar 1 to Apr 1 = 31.
	f := funnel.MustNew("Lead", "Won")
	deals := []funnel.Deal{
		{ID: "w", Owner: "ann", Created: date("2024-01-01"), Outcome: funnel.Won, Amount: decimal.NewNullDecimal(mustDec("100")),
			Events: []funnel.Event{{Stage: 0, At: date("2024-01-01")}, {Stage: 1, At: date("2024-01-20")}}},
		{ID: "l", Owner: "ann", Created: date("2024-01-05"), Closed: date("2024-02-01"), Outcome: funnel.Lost,
			Events: []funnel.Event{{Stage: 0, At: date("2024-01-05")}}},
	}
	p := QuotaPeriod{Start: date("2024-01-01"), End: date("2024-04-01"), AsOf: date("2024-03-01")}
	got, err := BuildForecast(f, funnel.Stream(deals), p, nil, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := ForecastInput{
		Days:           31,
		StageWin:       []float64{0.5, 1},
		StageWinCounts: []funnel.Rate{{K: 1, N: 2}, {K: 1, N: 1}},
		TimeToClose:    []time.Duration{19 * day},
		Reps: []RepInput{{Rep: "ann", WonSoFar: mustDec("100"), NewPerDay: 2.0 / 91, NewWinRate: 0.5,
			NewAmounts: []decimal.Decimal{mustDec("100")}}},
	}
	if diff := cmp.Diff(want, got, decEq, cmpEquateApprox()); diff != "" {
		t.Errorf("BuildForecast mismatch (-want +got):\n%s", diff)
	}
}

func TestForecastWonSoFarAtCentLimit(t *testing.T) {
	// 2^62 cents is 46116860184273879.04. WonSoFar half a cent below it,
	// ...879.035, passes the bound on the raw amount but rounds half to
	// even to exactly 2^62 cents, past the int64-cent range the draws use:
	// an funnel.ErrOutOfRange, never a WonSoFar silently read as zero.
	in := ForecastInput{Days: 30, Reps: []RepInput{{Rep: "r", WonSoFar: mustDec("46116860184273879.035")}}, Draws: 10}
	got, err := Forecast(context.Background(), in)
	if !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Forecast = %+v, %v; want funnel.ErrOutOfRange", got, err)
	}
	// A cent less is fine, and every draw books it.
	in.Reps[0].WonSoFar = mustDec("46116860184273879.025") // rounds to ...879.02
	got, err = Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if r := got.Reps[0]; !r.P10.Equal(mustDec("46116860184273879.02")) || !r.Mean.Equal(r.P10) {
		t.Errorf("P10 %v Mean %v, want 46116860184273879.02", r.P10, r.Mean)
	}
}

// TestBuildForecastBadQuotaNamedByOrder checks that with several negative
// quotas the error names the first rep by name, the same on every run
// (the quotas are a map, whose order varies).
func TestBuildForecastBadQuotaNamedByOrder(t *testing.T) {
	f := funnel.MustNew("lead", "won")
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	p := QuotaPeriod{Start: start, End: start.AddDate(0, 3, 0), AsOf: start.AddDate(0, 1, 0)}
	quotas := map[string]decimal.Decimal{}
	for _, r := range []string{"zed", "mia", "ann", "bob", "kim", "lee"} {
		quotas[r] = decimal.NewFromInt(-1)
	}
	for range 20 {
		_, err := BuildForecast(f, funnel.Stream(nil), p, quotas, BuildOptions{})
		var ie *funnel.InputError
		if !errors.As(err, &ie) || ie.Name != `quota["ann"]` {
			t.Fatalf("err = %v, want the error for ann's quota", err)
		}
	}
}
