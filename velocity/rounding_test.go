package velocity

import (
	"context"
	"fmt"
	"testing"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// Issue 9: no valid input is refused for digits the library made. A
// changed or solved ASP is rounded half to even to at most
// funnel.MaxAmountPlaces places, and a measured ASP to the cent, so that
// each is a valid amount whatever the factor.

// centLevers are 10 opportunities, a 30% win rate and a 30-day cycle with
// the given ASP.
func centLevers(asp string) Levers {
	return Levers{Opportunities: 10, WinRate: 0.3, ASP: mustDec(asp), Cycle: 30 * day}
}

// TestScaledASPRounded checks the ASP that MakeUp and Sensitivities
// compute, for ASPs in cents and with 18 places, against products worked
// with Python's decimal module at 60 digits and rounded half to even to 18
// places, e.g.
//
//	0.333333333333333333 × 1.1                = 0.3666666666666666663      → 0.366666666666666666
//	0.333333333333333333 × 0.9                = 0.2999999999999999997      → 0.300000000000000000
//	0.333333333333333333 × 0.9090909090909091 = 0.30303030303030303303...  → 0.303030303030303033
//	0.333333333333333333 × 1.3333333333333333 = 0.44444444444444443288...  → 0.444444444444444433
//	0.333333333333333333 × 0.6666666666666667 = 0.22222222222222223311...  → 0.222222222222222233
//
// (0.9090909090909091 is the float64 1/1.1, 1.3333333333333333 and
// 0.6666666666666667 are 1 ± the float64 1/3.)
func TestScaledASPRounded(t *testing.T) {
	third := 1.0 / 3
	tests := []struct {
		asp    string
		factor float64 // the factor on the ASP: 1 + change
		want   string
	}{
		{"0.333333333333333333", 1.1, "0.366666666666666666"},
		{"0.333333333333333333", 0.9, "0.3"},
		{"0.333333333333333333", 1 + third, "0.444444444444444433"},
		{"0.333333333333333333", 1 - third, "0.222222222222222233"},
		{"5.333333333333333333", 1.1, "5.866666666666666666"}, // 5.8666666666666666663
		{"5.333333333333333333", 0.9, "4.8"},                  // 4.7999999999999999997
		{"0.01", 1.1, "0.011"},
		{"0.01", 0.9, "0.009"},
		{"0.01", 1 + third, "0.013333333333333333"}, // 0.013333333333333333 exactly
		{"1.00", 0.9, "0.9"},
		{"0.00", 1.1, "0"},
		{"0.000000000000000001", 0.9, "0.000000000000000001"}, // 9e-19 rounds half to even up to 1e-18
		{"0.000000000000000001", 0.4, "0"},                    // 4e-19 rounds down to 0
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%s×%v", tc.asp, tc.factor)
		t.Run(name, func(t *testing.T) {
			l := centLevers(tc.asp)
			got, err := MakeUp(l, LeverASP, tc.factor-1, LeverOpportunities)
			if err != nil {
				t.Fatalf("MakeUp(asp %s, %v) error: %v", tc.asp, tc.factor-1, err)
			}
			if diff := cmp.Diff(mustDec(tc.want), got.Levers.ASP, decEq); diff != "" {
				t.Errorf("MakeUp(asp %s, %v) ASP mismatch (-want +got):\n%s", tc.asp, tc.factor-1, diff)
			}
			if err := got.Levers.Validate(); err != nil {
				t.Errorf("MakeUp(asp %s, %v) levers invalid: %v", tc.asp, tc.factor-1, err)
			}
		})
	}
}

// TestMakeUpAdjustASP checks the ASP that makes up a move of another
// lever: opportunities +10% needs ASP × 1/1.1 (the float64
// 0.9090909090909091), and 0.333333333333333333 × 0.9090909090909091 =
// 0.30303030303030303303... → 0.303030303030303033 (Python decimal, half to
// even to 18 places); a cycle a third longer needs ASP × (1 + 1/3) → as in
// TestScaledASPRounded.
func TestMakeUpAdjustASP(t *testing.T) {
	tests := []struct {
		moved  Lever
		change float64
		want   string
	}{
		{LeverOpportunities, 0.1, "0.303030303030303033"},
		{LeverWinRate, 0.1, "0.303030303030303033"},
		{LeverCycle, 1.0 / 3, "0.444444444444444433"},
		{LeverCycle, -1.0 / 3, "0.222222222222222233"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v %v", tc.moved, tc.change), func(t *testing.T) {
			got, err := MakeUp(centLevers("0.333333333333333333"), tc.moved, tc.change, LeverASP)
			if err != nil {
				t.Fatalf("MakeUp error: %v", err)
			}
			if diff := cmp.Diff(mustDec(tc.want), got.Levers.ASP, decEq); diff != "" {
				t.Errorf("MakeUp ASP mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSensitivitiesCentsAndPlaces checks Sensitivities on ASPs in cents
// and with 18 places, steps 0.1 and 1/3. The ASP points are the bookings
// of 10 × 0.3 × ASP' × 91 / 30 = 9.1 × ASP' to the cent, ASP' as in
// TestScaledASPRounded: 9.1 × 0.366666666666666666 = 3.3366... → 3.34;
// 9.1 × 0.3 = 2.73; 9.1 × 0.444444444444444433 = 4.0444... → 4.04; 9.1 ×
// 0.222222222222222233 = 2.0222... → 2.02; for 5.333333333333333333: 9.1
// × 4.8 = 43.68, 9.1 × 5.866666666666666666 = 53.386... → 53.39.
func TestSensitivitiesCentsAndPlaces(t *testing.T) {
	tests := []struct {
		asp   string
		steps []float64
		want  []string // the ASP points' bookings, −x then +x for each step
	}{
		{"0.333333333333333333", []float64{0.1, 1.0 / 3}, []string{"2.73", "3.34", "2.02", "4.04"}},
		{"5.333333333333333333", []float64{0.1}, []string{"43.68", "53.39"}},
		// 9.1 × 0.009 = 0.0819 → 0.08; 9.1 × 0.011 = 0.1001 → 0.10.
		{"0.01", []float64{0.1}, []string{"0.08", "0.1"}},
		// 9.1 × 0.9 = 8.19; 9.1 × 1.1 = 10.01.
		{"1.00", []float64{0.1}, []string{"8.19", "10.01"}},
		{"0.00", []float64{0.1, 1.0 / 3}, []string{"0", "0", "0", "0"}},
	}
	for _, tc := range tests {
		t.Run(tc.asp, func(t *testing.T) {
			s, err := Sensitivities(centLevers(tc.asp), DaysQuarter, tc.steps)
			if err != nil {
				t.Fatalf("Sensitivities(asp %s) error: %v", tc.asp, err)
			}
			var got []decimal.Decimal
			for _, p := range s.Levers[LeverASP].Points {
				got = append(got, p.Bookings)
			}
			var want []decimal.Decimal
			for _, w := range tc.want {
				want = append(want, mustDec(w))
			}
			if diff := cmp.Diff(want, got, decEq); diff != "" {
				t.Errorf("Sensitivities(asp %s) ASP points mismatch (-want +got):\n%s", tc.asp, diff)
			}
		})
	}
}

// TestSolveCents checks that a target in cents and an ASP with 18 places
// solve: ASP = B × C / (O × W × T) = 0.01 × 30 / (10 × 0.3 × 91) =
// 0.3 / 273 = 0.001098901098901098901... → 0.001098901098901099 (18 places,
// half to even); W = 0.01 × 30 / (10 × 0.333333333333333333 × 91) =
// 0.3 / 303.333333333333333 = 0.000989010989010989... (a float64), and a
// zero target solves every lever but the cycle to zero.
func TestSolveCents(t *testing.T) {
	got, err := Solve(centLevers("1"), LeverASP, Target{Bookings: mustDec("0.01"), Days: DaysQuarter})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mustDec("0.001098901098901099"), got.ASP, decEq); diff != "" {
		t.Errorf("Solve(asp, 0.01) mismatch (-want +got):\n%s", diff)
	}
	got, err = Solve(centLevers("0.333333333333333333"), LeverWinRate, Target{Bookings: mustDec("0.01"), Days: DaysQuarter})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(0.3/303.333333333333333, got.WinRate, cmpEquateApprox()); diff != "" {
		t.Errorf("Solve(win rate, 0.01) mismatch (-want +got):\n%s", diff)
	}
	got, err = Solve(centLevers("0.01"), LeverASP, Target{Bookings: mustDec("0.00"), Days: DaysQuarter})
	if err != nil || !got.ASP.IsZero() {
		t.Errorf("Solve(asp, 0.00) = %v, %v; want 0", got.ASP, err)
	}
}

// TestMeasuredASPCents checks that a measured ASP that does not divide out
// is rounded half to even to the cent and gives valid levers: won deals
// of 5, 5 and 6 give 16 / 3 = 5.333... → 5.33 (not the exact quotient
// 5.3333333333333333333, which has 19 places); 1.00, 0.01 and 0.00 give
// 1.01 / 3 = 0.33666... → 0.34; 0.01 and 0.00 give 0.005 → 0.00 (half to
// even). SteadyBookings is V × T to the cent: n won deals and one lost,
// each open 19 days of the 31-day window, so O (average open) = (n + 1) ×
// 19 / 31, W = n / (n + 1), C = 19 days and V × 31 = O × W × ASP × 31 / 19
// = n × ASP: 3 × 5.33 = 15.99; 3 × 0.34 = 1.02; 2 × 0 = 0.
func TestMeasuredASPCents(t *testing.T) {
	tests := []struct {
		amounts []string
		asp     string
		steady  string
	}{
		{[]string{"5", "5", "6"}, "5.33", "15.99"},
		{[]string{"1.00", "0.01", "0.00"}, "0.34", "1.02"},
		{[]string{"0.01", "0.00"}, "0", "0"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.amounts), func(t *testing.T) {
			var deals []funnel.Deal
			for i, a := range tc.amounts {
				deals = append(deals, mkDeal(fmt.Sprint("w", i), "A", "2024-01-01", "2024-01-20", funnel.Won, a))
			}
			deals = append(deals, mkDeal("l", "A", "2024-01-01", "2024-01-20", funnel.Lost, "1"))
			r, err := MeasureDeals(leadWon(), deals, date("2024-01-01"), date("2024-02-01"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := r.Total
			if diff := cmp.Diff(decimal.NewNullDecimal(mustDec(tc.asp)), m.ASP, decEq); diff != "" {
				t.Errorf("ASP mismatch (-want +got):\n%s", diff)
			}
			l, err := m.Levers()
			if err != nil {
				t.Fatalf("Levers() error: %v", err)
			}
			if diff := cmp.Diff(decimal.NewNullDecimal(mustDec(tc.steady)), m.SteadyBookings, decEq); diff != "" {
				t.Errorf("SteadyBookings mismatch (-want +got):\n%s", diff)
			}
			// Every analysis takes the measured levers.
			if _, err := Sensitivities(l, DaysQuarter, []float64{0.1, 1.0 / 3}); err != nil {
				t.Errorf("Sensitivities: %v", err)
			}
			for _, moved := range []Lever{LeverOpportunities, LeverWinRate, LeverCycle} {
				if _, err := MakeUp(l, moved, 1.0/3, LeverASP); err != nil {
					t.Errorf("MakeUp(%v): %v", moved, err)
				}
			}
			if _, err := Gaps(l, smb(), DaysQuarter); err != nil {
				t.Errorf("Gaps: %v", err)
			}
		})
	}
}

// TestForecastCents checks amounts in cents and with 18 places in a
// forecast with every deal certain: bookings = won so far + the open
// amounts, each rounded half to even to the cent: 1.00 + 0.01 + 0.00 +
// 5.333333333333333333 (→ 5.33) + 0.005 (→ 0.00) twice + 0.015 (→ 0.02) =
// 6.36; the exact expectation is 1.01 + 5.333333333333333333 + 0.025 =
// 6.368333333333333333 → 6.37.
func TestForecastCents(t *testing.T) {
	in := ForecastInput{
		Days:     30,
		StageWin: []float64{1},
		Reps: []RepInput{{
			Rep: "A", Quota: mustDec("6.36"), WonSoFar: mustDec("1.00"),
			Open: []OpenDeal{
				{ID: "a", Amount: mustDec("0.01")}, {ID: "b", Amount: mustDec("0.00")},
				{ID: "c", Amount: mustDec("5.333333333333333333")},
				{ID: "d", Amount: mustDec("0.005")}, {ID: "e", Amount: mustDec("0.005")}, {ID: "f", Amount: mustDec("0.015")},
			},
		}},
		Draws: 10,
	}
	got, err := Forecast(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	r := got.Reps[0]
	want := []decimal.Decimal{mustDec("6.36"), mustDec("6.36"), mustDec("6.36"), mustDec("6.36"), mustDec("6.37")}
	if diff := cmp.Diff(want, []decimal.Decimal{r.P10, r.P50, r.P90, r.Mean, r.Expected}, decEq); diff != "" {
		t.Errorf("Forecast mismatch (-want +got):\n%s", diff)
	}
	if r.PHit != 1 {
		t.Errorf("PHit = %v, want 1", r.PHit)
	}
}

// TestCentsDecomposeAndGaps checks Decompose and Gaps on ASPs in cents:
// from an ASP of 0.01 to 1.00, the rest held (10 opportunities, 30%, 30
// days), V0 = 10 × 0.3 × 0.01 / 30 = 0.001 (0.00 to the cent) and V1 =
// 0.1: the gap of 0.10 is all the ASP's (ln 100 of ln 100). Over 91 days
// the rep at 0.01 books 9.1 × 0.01 = 0.091 → 0.09, and the reference's ASP
// adds 9.1 × 0.99 = 9.009 → 9.01.
func TestCentsDecomposeAndGaps(t *testing.T) {
	d, err := Decompose(centLevers("0.01"), centLevers("1.00"))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Shares[LeverASP]
	got := []any{d.FromVelocity, d.ToVelocity, d.Gap, s.Amount, d.Largest}
	want := []any{mustDec("0"), mustDec("0.1"), mustDec("0.1"), mustDec("0.1"), SomeLever(LeverASP)}
	if diff := cmp.Diff(want, got, decEq); diff != "" {
		t.Errorf("Decompose mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(100.0, s.Percent, cmpEquateApprox()); diff != "" {
		t.Errorf("ASP percent mismatch (-want +got):\n%s", diff)
	}
	g, err := Gaps(centLevers("0.01"), centLevers("1.00"), DaysQuarter)
	if err != nil {
		t.Fatal(err)
	}
	got = []any{g.RepBookings, g.Gaps[0].Lever, g.Gaps[0].Gain, g.Best}
	want = []any{mustDec("0.09"), LeverASP, mustDec("9.01"), SomeLever(LeverASP)}
	if diff := cmp.Diff(want, got, decEq); diff != "" {
		t.Errorf("Gaps mismatch (-want +got):\n%s", diff)
	}
}
