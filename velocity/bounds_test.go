package velocity

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
)

// The tests in this file pin the boundaries of the checks of the lever
// functions on both sides, so that a < turned <= fails a test.

// TestScaledCycleLimits checks a changed cycle at the ends of
// time.Duration: 2^62 ns doubled is 2^63 ns, one past the largest
// Duration, an error; 2 ns halved is 1 ns, the shortest cycle, fine.
func TestScaledCycleLimits(t *testing.T) {
	l := Levers{Opportunities: 10, WinRate: 0.5, ASP: mustDec("100"), Cycle: 1 << 62}
	_, err := MakeUp(l, LeverCycle, 1, LeverOpportunities)
	var le *LeverError
	if !errors.Is(err, funnel.ErrOutOfRange) || !errors.As(err, &le) || le.Lever != LeverCycle {
		t.Errorf("MakeUp(cycle 2^62 ns × 2) error = %v, want funnel.ErrOutOfRange on the cycle", err)
	}
	l.Cycle = 2
	got, err := MakeUp(l, LeverCycle, -0.5, LeverOpportunities)
	if err != nil {
		t.Fatalf("MakeUp(cycle 2 ns × 0.5) error: %v", err)
	}
	// The cycle halves, so V doubles and opportunities halve: 5.
	if got.Levers.Cycle != 1 || got.Levers.Opportunities != 5 {
		t.Errorf("MakeUp(cycle 2 ns × 0.5) = %+v, want a 1 ns cycle and 5 opportunities", got.Levers)
	}
}

// TestSolveNormalLimit checks a solved win rate and opportunities at the
// smallest normal float64, 2^-1022, whose shortest decimal is
// 2.2250738585072014e-308 (strconv): with a cycle of one day the day's
// nanoseconds cancel, and W = B / (O × ASP × T) = 2.2250738585072014 /
// 1e308 is 2^-1022, taken; B = 2.225073858507201 gives
// 2.225073858507201e-308, which rounds to the largest subnormal float64,
// an error. The same for O = B / (W × ASP × T) with T = 1e308 days.
func TestSolveNormalLimit(t *testing.T) {
	tests := []struct {
		name   string
		l      Levers
		solve  Lever
		days   float64
		target string
		want   float64 // 0 for an error
	}{
		{"win rate 2^-1022", Levers{Opportunities: 1e308, ASP: mustDec("1"), Cycle: day}, LeverWinRate, 1, "2.2250738585072014", 0x1p-1022},
		{"win rate subnormal", Levers{Opportunities: 1e308, ASP: mustDec("1"), Cycle: day}, LeverWinRate, 1, "2.225073858507201", 0},
		{"opportunities 2^-1022", Levers{WinRate: 1, ASP: mustDec("1"), Cycle: day}, LeverOpportunities, 1e308, "2.2250738585072014", 0x1p-1022},
		{"opportunities subnormal", Levers{WinRate: 1, ASP: mustDec("1"), Cycle: day}, LeverOpportunities, 1e308, "2.225073858507201", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Solve(tc.l, tc.solve, Target{Bookings: mustDec(tc.target), Days: tc.days})
			if tc.want == 0 {
				if !errors.Is(err, funnel.ErrOutOfRange) {
					t.Errorf("Solve = %+v, %v; want funnel.ErrOutOfRange", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			v := got.WinRate
			if tc.solve == LeverOpportunities {
				v = got.Opportunities
			}
			if v != tc.want {
				t.Errorf("Solve = %v, want %v", v, tc.want)
			}
		})
	}
}

// TestSensitivitiesStepLimits checks the ends of a step and of the win
// rate cap: no step gives no points (an empty list in JSON, not null); a
// step of 0 is taken (every point the base, gain 0, and
// elasticity 0 as documented); a win rate of 0.8 raised 25% is exactly 1
// (0.8 × 1.25 rounds to 1 in float64), which is not capped; 30% more would
// be, with the gain 1/0.8 − 1 = 0.25.
func TestSensitivitiesStepLimits(t *testing.T) {
	s, err := Sensitivities(smb(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := json.Marshal(s.Levers[LeverASP]); err != nil || !strings.Contains(string(b), `"points":[]`) {
		t.Errorf("Sensitivities(no step): %s, %v; want no points", b, err)
	}
	s, err = Sensitivities(smb(), 1, []float64{0})
	if err != nil {
		t.Fatalf("Sensitivities(step 0) error: %v", err)
	}
	base := Point{Change: 0, Bookings: mustDec("4000")}
	for _, ls := range s.Levers {
		if diff := cmp.Diff([]Point{base, base}, ls.Points, decEq); diff != "" {
			t.Errorf("lever %v points mismatch (-want +got):\n%s", ls.Lever, diff)
		}
	}
	l := Levers{Opportunities: 10, WinRate: 0.8, ASP: mustDec("100"), Cycle: 10 * day}
	s, err = Sensitivities(l, 1, []float64{0.25, 0.3})
	if err != nil {
		t.Fatal(err)
	}
	// Base 10 × 0.8 × 100 / 10 = 80 a day; at W = 1, 100.
	p := s.Levers[LeverWinRate].Points
	want := []Point{
		{Change: -0.25, Bookings: mustDec("60"), Gain: -0.25, Elasticity: 1},
		{Change: 0.25, Bookings: mustDec("100"), Gain: 0.25, Elasticity: 1},
		{Change: -0.3, Bookings: mustDec("56"), Gain: -0.3, Elasticity: 1},
		{Change: 0.3, Capped: true, Bookings: mustDec("100"), Gain: 0.25, Elasticity: 0.25 / 0.3},
	}
	if diff := cmp.Diff(want, p, decEq, cmpEquateApprox()); diff != "" {
		t.Errorf("win rate points mismatch (-want +got):\n%s", diff)
	}
}

// TestLittleLimits checks Little at zero: a zero cycle is taken (implied
// zero), and with nothing implied and nothing observed the gap is 0 and
// its percentage undefined, never 0/0 = NaN.
func TestLittleLimits(t *testing.T) {
	tests := []struct {
		opps, perDay float64
		cycle        time.Duration
		want         LittleCheck
	}{
		{3, 2, 0, LittleCheck{Opportunities: 3, CreatedPerDay: 2, Gap: 3}},
		{0, 0, day, LittleCheck{CycleDays: 1}},
		{0, 2, day, LittleCheck{CreatedPerDay: 2, CycleDays: 1, Implied: 2, Gap: -2, GapPercent: funnel.Some(-100)}},
	}
	for _, tc := range tests {
		got, err := Little(tc.opps, tc.perDay, tc.cycle)
		if err != nil {
			t.Errorf("Little(%v, %v, %v) error: %v", tc.opps, tc.perDay, tc.cycle, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmpEquateApprox()); diff != "" {
			t.Errorf("Little(%v, %v, %v) mismatch (-want +got):\n%s", tc.opps, tc.perDay, tc.cycle, diff)
		}
		if math.IsNaN(got.GapPercent.Float64) {
			t.Errorf("Little(%v, %v, %v): NaN percentage", tc.opps, tc.perDay, tc.cycle)
		}
	}
}
