package velocity

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// The tests in this file pin the boundaries of Forecast's checks and
// tables, each on both sides, so that a < turned <= or a negated condition
// fails a test.

// TestForecastQuotaAtCentLimits checks the quota against bookings at the
// top of the int64-cent range. Two certain deals of 23058430092136939.515
// each round half to even to 2305843009213693952 cents, so every draw
// books 2 × 2305843009213693952 = 4611686018427387904 = 2^62 cents (the
// exact amounts sum to 46116860184273879.03, below 2^62 cents, so the
// bound on the amounts passes). A quota of 46116860184273879.04, 2^62
// cents, is reached by every draw, as P50 says; a quota of 2^63 cents or
// 2^63 − 1 cents is reached by none.
func TestForecastQuotaAtCentLimits(t *testing.T) {
	tests := []struct {
		quota string
		phit  float64
	}{
		{"46116860184273879.04", 1}, // 2^62 cents
		{"46116860184273879.05", 0},
		{"92233720368547758.07", 0}, // 2^63 − 1 cents
		{"92233720368547758.08", 0}, // 2^63 cents
		{"1e35", 0},
	}
	for _, tc := range tests {
		t.Run(tc.quota, func(t *testing.T) {
			in := ForecastInput{
				Days:     30,
				StageWin: []float64{1},
				Reps: []RepInput{{Rep: "r", Quota: mustDec(tc.quota), Open: []OpenDeal{
					{ID: "a", Amount: mustDec("23058430092136939.515")}, {ID: "b", Amount: mustDec("23058430092136939.515")},
				}}},
				Draws: 10,
			}
			got, err := Forecast(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			r := got.Reps[0]
			if r.PHit != tc.phit || !r.P50.Equal(mustDec("46116860184273879.04")) {
				t.Errorf("Forecast(quota %s): PHit %v, P50 %v; want PHit %v, P50 46116860184273879.04", tc.quota, r.PHit, r.P50, tc.phit)
			}
		})
	}
}

// TestForecastDaysLimit checks the longest period: 106751.99116730064
// days is the smallest float64 whose product with the nanoseconds in a
// day, 8.64e13, rounds to 2^63, one past time.Duration; the float64 below
// it is the longest period a forecast takes (products worked with
// Python's float arithmetic and math.nextafter).
func TestForecastDaysLimit(t *testing.T) {
	in := threeDeals("1", 10, 1)
	in.Days = 106751.99116730064
	if _, err := Forecast(context.Background(), in); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Forecast(days %v) error = %v, want funnel.ErrOutOfRange", in.Days, err)
	}
	in.Days = 106751.99116730063
	got, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatalf("Forecast(days %v) error: %v", in.Days, err)
	}
	// No time to close: every deal won closes in the period. 5000 + 0.3 ×
	// 10000 + 0.6 × 20000 + 0.85 × 40000 = 54000.
	if !got.Reps[0].Expected.Equal(mustDec("54000")) {
		t.Errorf("Expected = %v, want 54000", got.Reps[0].Expected)
	}
}

// TestForecastCloseWithinEdges checks the chance that an open deal
// closes in the period at the edges of its window [age, age + R], with
// times to close of 10, 20 and 30 days and stage win 1, so that Expected
// is 100 × #{a ≤ T ≤ a + R} / #{T ≥ a}:
//
//	age 10, R 10: T in {10, 20} of {10, 20, 30}: 2/3 → 66.67
//	age 10, R 0:  T = 10 of {10, 20, 30}:        1/3 → 33.33
//	age 11, R 9:  T = 20 of {20, 30}:            1/2 → 50
//	age 30, R 0:  T = 30 of {30}:                1   → 100
//	age 31, R 0:  no T at least 31, overdue:     1   → 100
//	age 9,  R 0:  no T in [9, 9] of three:       0   → 0
func TestForecastCloseWithinEdges(t *testing.T) {
	tests := []struct {
		age, remain float64 // days
		want        string
	}{
		{10, 10, "66.67"},
		{10, 0, "33.33"},
		{11, 9, "50"},
		{30, 0, "100"},
		{31, 0, "100"},
		{9, 0, "0"},
	}
	for _, tc := range tests {
		in := ForecastInput{
			Days:        tc.remain,
			StageWin:    []float64{1},
			TimeToClose: []time.Duration{30 * day, 10 * day, 20 * day},
			Reps:        []RepInput{{Rep: "r", Open: []OpenDeal{{ID: "a", Amount: mustDec("100"), Age: time.Duration(tc.age * float64(day))}}}},
			Draws:       10,
		}
		got, err := Forecast(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if e := got.Reps[0].Expected; !e.Equal(mustDec(tc.want)) {
			t.Errorf("age %v, %v days left: Expected = %v, want %v", tc.age, tc.remain, e, tc.want)
		}
	}
}

// TestForecastCertainAndHopelessDeals checks the two ends of a deal's
// chance: a deal that cannot close (stage win 0) adds nothing and draws
// no random number, so the forecast is the same as without it; a deal
// certain to close (stage win 1) is in every draw, so P10 holds it.
func TestForecastCertainAndHopelessDeals(t *testing.T) {
	base := ForecastInput{
		Days:     30,
		StageWin: []float64{0, 0.5, 1},
		Reps: []RepInput{{Rep: "r", Quota: mustDec("150"), Open: []OpenDeal{
			{ID: "half1", Stage: 1, Amount: mustDec("100")},
			{ID: "sure", Stage: 2, Amount: mustDec("1000")},
			{ID: "half2", Stage: 1, Amount: mustDec("100")},
		}}},
		Draws: 2000,
		Seed:  4,
	}
	with := base
	with.Reps = []RepInput{base.Reps[0]}
	with.Reps[0].Open = append([]OpenDeal{{ID: "none", Stage: 0, Amount: mustDec("5000")}}, base.Reps[0].Open...)
	a, err := Forecast(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Forecast(context.Background(), with)
	if err != nil {
		t.Fatal(err)
	}
	ra, rb := a.Reps[0], b.Reps[0]
	rb.OpenDeals = ra.OpenDeals
	if diff := cmp.Diff(ra, rb, decEq); diff != "" {
		t.Errorf("a hopeless deal changed the forecast (-without +with):\n%s", diff)
	}
	// Every draw books the sure 1000 and 0, 100 or 200 of the halves:
	// P10 ≥ 1000, the quota of 150 is always hit, and the exact
	// expectation is 1000 + 2 × 50 = 1100.
	if ra.P10.LessThan(mustDec("1000")) || ra.PHit != 1 || !ra.Expected.Equal(mustDec("1100")) {
		t.Errorf("P10 %v, PHit %v, Expected %v; want P10 ≥ 1000, PHit 1, Expected 1100", ra.P10, ra.PHit, ra.Expected)
	}
}

// TestForecastLimitsAccepted checks that the limits themselves are
// accepted: MaxDraws draws, μ of exactly MaxNewDeals (10^5 new deals a
// day for 10 days, all won, no time to close: μ = 10^6), a time to close
// of zero; and that just past them is an error.
func TestForecastLimitsAccepted(t *testing.T) {
	got, err := Forecast(context.Background(), ForecastInput{Draws: MaxDraws})
	if err != nil || got.Draws != MaxDraws {
		t.Errorf("Forecast(MaxDraws) = %+v, %v; want Draws %d", got, err, MaxDraws)
	}
	in := ForecastInput{
		Days:  10,
		Reps:  []RepInput{{Rep: "r", NewPerDay: 1e5, NewWinRate: 1, NewAmounts: []decimal.Decimal{mustDec("0.01")}}},
		Draws: 1,
	}
	got, err = Forecast(context.Background(), in)
	if err != nil {
		t.Fatalf("Forecast(μ = MaxNewDeals) error: %v", err)
	}
	// 10^6 new deals of 0.01 expected: 10000.
	if r := got.Reps[0]; r.ExpectedNew != MaxNewDeals || !r.Expected.Equal(mustDec("10000")) {
		t.Errorf("ExpectedNew %v, Expected %v; want %d, 10000", r.ExpectedNew, r.Expected, MaxNewDeals)
	}
	in.Reps[0].NewPerDay = math.Nextafter(1e5, 2e5)
	if _, err := Forecast(context.Background(), in); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Forecast(μ just above MaxNewDeals) error = %v, want funnel.ErrOutOfRange", err)
	}
	in = threeDeals("1", 10, 1)
	in.TimeToClose = []time.Duration{0, day}
	if _, err := Forecast(context.Background(), in); err != nil {
		t.Errorf("Forecast(time to close 0) error: %v", err)
	}
}

// TestForecastNewDealFactors checks that each factor of μ = NewPerDay ×
// Days × NewWinRate × pNew counts: with 2 new deals a day for 30 days, a
// new win rate of 1/2 and no time to close, μ = 30; any factor zero gives
// μ = 0 (and then no NewAmounts are needed).
func TestForecastNewDealFactors(t *testing.T) {
	mk := func(perDay, days, winRate float64, times []time.Duration) ForecastInput {
		return ForecastInput{
			Days: days, TimeToClose: times, Draws: 10,
			Reps: []RepInput{{Rep: "r", NewPerDay: perDay, NewWinRate: winRate}},
		}
	}
	tests := []struct {
		name string
		in   ForecastInput
	}{
		{"no rate", mk(0, 30, 0.5, nil)},
		{"no days", mk(2, 0, 0.5, nil)},
		{"no win rate", mk(2, 30, 0, nil)},
		{"no time to close fits", mk(2, 30, 0.5, []time.Duration{30 * day, 40 * day})}, // Σ max(0, R − T) = 0
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Forecast(context.Background(), tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if r := got.Reps[0]; r.ExpectedNew != 0 || !r.Expected.IsZero() {
				t.Errorf("ExpectedNew %v, Expected %v; want 0, 0", r.ExpectedNew, r.Expected)
			}
		})
	}
	in := mk(2, 30, 0.5, nil)
	in.Reps[0].NewAmounts = []decimal.Decimal{mustDec("10")}
	got, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	// μ = 30, each worth 10: 300.
	if r := got.Reps[0]; r.ExpectedNew != 30 || !r.Expected.Equal(mustDec("300")) {
		t.Errorf("ExpectedNew %v, Expected %v; want 30, 300", r.ExpectedNew, r.Expected)
	}
}

// TestPoissonTable checks the table of new-deal counts against gonum's
// Poisson distribution, a second method: it runs from kmin = max(0,
// ⌊μ − 10√μ − 20⌋) to kmax = ⌈μ + 10√μ + 20⌉ (by hand: μ = 0.01 gives 0
// to ⌈21.01⌉ = 22; μ = 7.5, √7.5 = 2.7386, gives 0 to ⌈54.886⌉ = 55; μ =
// 400 gives 180 to 620), and entry i is P(kmin ≤ N ≤ kmin + i) over
// P(kmin ≤ N ≤ kmax), the last exactly 1.
func TestPoissonTable(t *testing.T) {
	tests := []struct {
		mu         float64
		kmin, kmax int
	}{
		{0.01, 0, 22},
		{7.5, 0, 55},
		{400, 180, 620},
	}
	for _, tc := range tests {
		kmin, cdf := poissonTable(tc.mu)
		if kmin != tc.kmin || kmin+len(cdf)-1 != tc.kmax {
			t.Errorf("poissonTable(%v) runs from %d to %d, want %d to %d", tc.mu, kmin, kmin+len(cdf)-1, tc.kmin, tc.kmax)
			continue
		}
		pois := distuv.Poisson{Lambda: tc.mu}
		below := 0.0
		if kmin > 0 {
			below = pois.CDF(float64(kmin - 1))
		}
		mass := pois.CDF(float64(tc.kmax)) - below
		for i, got := range cdf {
			want := (pois.CDF(float64(kmin+i)) - below) / mass
			if math.Abs(got-want) > 1e-12 {
				t.Errorf("poissonTable(%v)[%d] = %v, want %v", tc.mu, i, got, want)
				break
			}
		}
		if cdf[len(cdf)-1] != 1 {
			t.Errorf("poissonTable(%v): last entry %v, want 1", tc.mu, cdf[len(cdf)-1])
		}
	}
}

// TestSummarise checks the results read from sorted draws of 1 to 100
// cents (given in reverse): the nearest-rank quantiles (the smallest draw
// with at least p% of the draws at or below it) are the 10th, 50th and
// 90th draws, 0.10, 0.50 and 0.90; the mean 50.5 cents rounds half up to
// 0.51; a quota of 50 cents is reached by the 51 draws from 50 to 100, so
// PHit = 0.51 and its standard error is √(0.51 × 0.49 / 100).
func TestSummarise(t *testing.T) {
	buf := make([]int64, 100)
	for i := range buf {
		buf[i] = int64(100 - i)
	}
	p := plan{in: RepInput{Rep: "r", Quota: mustDec("0.5"), WonSoFar: mustDec("0.01"), Open: make([]OpenDeal, 3)}, quota: 50, expected: mustDec("0.5"), mu: 1.5}
	got := p.summarise(buf)
	want := RepForecast{
		Rep: "r", Quota: mustDec("0.5"), WonSoFar: mustDec("0.01"),
		PHit: 0.51, PHitStdErr: math.Sqrt(0.51 * 0.49 / 100),
		P10: mustDec("0.1"), P50: mustDec("0.5"), P90: mustDec("0.9"), Mean: mustDec("0.51"),
		Expected: mustDec("0.5"), ExpectedNew: 1.5, OpenDeals: 3,
	}
	if diff := cmp.Diff(want, got, decEq, cmpEquateApprox()); diff != "" {
		t.Errorf("summarise mismatch (-want +got):\n%s", diff)
	}
	// Seven draws: P10 is the 1st (10% of 7 is 0.7, rounded up), P50 the
	// 4th, P90 the 7th.
	got = p.summarise([]int64{70, 10, 60, 20, 50, 30, 40})
	if d := cmp.Diff([]string{"0.1", "0.4", "0.7"}, []string{got.P10.String(), got.P50.String(), got.P90.String()}); d != "" {
		t.Errorf("summarise of 7 draws mismatch (-want +got):\n%s", d)
	}
}

// TestForecastNewDealBound checks the bound on what new deals can add,
// the largest amount times the last count of the Poisson table: μ = 1 ×
// 30 × 0.5 = 15 gives kmax = ⌈15 + 10√15 + 20⌉ = 74, and 74 × 100 ×
// 623200813300998.36 = 4611686018427387864 cents is below 2^62 =
// 4611686018427387904, while a cent more (× 74 × 100: ...938 cents) is
// not.
func TestForecastNewDealBound(t *testing.T) {
	in := ForecastInput{
		Days:  30,
		Reps:  []RepInput{{Rep: "r", NewPerDay: 1, NewWinRate: 0.5, NewAmounts: []decimal.Decimal{mustDec("623200813300998.36")}}},
		Draws: 10,
	}
	if _, err := Forecast(context.Background(), in); err != nil {
		t.Errorf("Forecast(new amount × 74 below 2^62 cents) error: %v", err)
	}
	in.Reps[0].NewAmounts[0] = mustDec("623200813300998.37")
	if _, err := Forecast(context.Background(), in); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Forecast(new amount × 74 at 2^62 cents) error = %v, want funnel.ErrOutOfRange", err)
	}
}

// TestBuildForecastOpenStage checks the stage of a deal open at AsOf: the
// furthest stage below the last that it entered before AsOf. Funnel Lead
// > Demo > Won, as of Mar 2. o1 was won on Mar 20, after AsOf, but its
// export has a timed Won event on Feb 20: it is open at AsOf at Lead (its
// furthest stage below Won; it never entered Demo), aged Mar 2 − Feb 1 =
// 30 days. o2 entered Demo exactly at AsOf, so it is still at Lead; o3
// entered Demo the moment before. w closed (won) Jan 10 gives the time to
// close and StageWin 1 at every stage.
func TestBuildForecastOpenStage(t *testing.T) {
	f := funnel.MustNew("Lead", "Demo", "Won")
	asOf := date("2024-03-02")
	amount := decimal.NewNullDecimal(mustDec("10"))
	deals := []funnel.Deal{
		{ID: "w", Owner: "a", Created: date("2023-12-01"), Closed: date("2024-01-10"), Outcome: funnel.Won, Amount: amount,
			Events: []funnel.Event{{Stage: 0, At: date("2023-12-01")}, {Stage: 2, At: date("2024-01-10")}}},
		{ID: "o1", Owner: "a", Created: date("2024-02-01"), Closed: date("2024-03-20"), Outcome: funnel.Won, Amount: amount,
			Events: []funnel.Event{{Stage: 0, At: date("2024-02-01")}, {Stage: 2, At: date("2024-02-20")}}},
		{ID: "o2", Owner: "a", Created: date("2024-02-01"), Amount: amount,
			Events: []funnel.Event{{Stage: 0, At: date("2024-02-01")}, {Stage: 1, At: asOf}}},
		{ID: "o3", Owner: "a", Created: date("2024-02-01"), Amount: amount,
			Events: []funnel.Event{{Stage: 0, At: date("2024-02-01")}, {Stage: 1, At: asOf.Add(-time.Nanosecond)}}},
	}
	p := QuotaPeriod{Start: date("2024-01-01"), End: date("2024-04-01"), AsOf: asOf}
	got, err := BuildForecast(f, funnel.Stream(deals), p, nil, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []OpenDeal{
		{ID: "o1", Stage: 0, Amount: mustDec("10"), Age: 30 * day},
		{ID: "o2", Stage: 0, Amount: mustDec("10"), Age: 30 * day},
		{ID: "o3", Stage: 1, Amount: mustDec("10"), Age: 30 * day},
	}
	if diff := cmp.Diff(want, got.Reps[0].Open, decEq); diff != "" {
		t.Errorf("open deals mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1, 1, 1}, got.StageWin); diff != "" {
		t.Errorf("StageWin mismatch (-want +got):\n%s", diff)
	}
}
