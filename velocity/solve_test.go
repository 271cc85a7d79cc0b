package velocity

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSolve(t *testing.T) {
	tests := []struct {
		name   string
		l      Levers
		solve  Lever
		target Target
		want   Levers
	}{
		// O = 5000 × 30 / (0.25 × 12000) = 150000 / 3000 = 50.
		{"smb opportunities for 5000/day", smb(), LeverOpportunities, PerDay(mustDec("5000")),
			Levers{Opportunities: 50, WinRate: 0.25, ASP: mustDec("12000"), Cycle: 30 * day}},
		// W = 5000 × 30 / (40 × 12000) = 150000 / 480000 = 0.3125.
		{"smb win rate for 5000/day", smb(), LeverWinRate, PerDay(mustDec("5000")),
			Levers{Opportunities: 40, WinRate: 0.3125, ASP: mustDec("12000"), Cycle: 30 * day}},
		// ASP = 5000 × 30 / (40 × 0.25) = 150000 / 10 = 15000.
		{"smb asp for 5000/day", smb(), LeverASP, PerDay(mustDec("5000")),
			Levers{Opportunities: 40, WinRate: 0.25, ASP: mustDec("15000"), Cycle: 30 * day}},
		// C = 40 × 0.25 × 12000 / 5000 = 24 days.
		{"smb cycle for 5000/day", smb(), LeverCycle, PerDay(mustDec("5000")),
			Levers{Opportunities: 40, WinRate: 0.25, ASP: mustDec("12000"), Cycle: 24 * day}},
		// 546000 over 91 days is 6000/day: O = 6000 × 30 / 3000 = 60.
		{"smb opportunities for a quarter", smb(), LeverOpportunities, Target{Bookings: mustDec("546000"), Days: DaysQuarter},
			Levers{Opportunities: 60, WinRate: 0.25, ASP: mustDec("12000"), Cycle: 30 * day}},
		// Days zero means per day: as the first case.
		{"zero days means per day", smb(), LeverOpportunities, Target{Bookings: mustDec("5000")},
			Levers{Opportunities: 50, WinRate: 0.25, ASP: mustDec("12000"), Cycle: 30 * day}},
		// Enterprise at 3000/day: O = 3000 × 120 / (0.2 × 150000) = 12.
		{"enterprise opportunities", ent(), LeverOpportunities, PerDay(mustDec("3000")),
			Levers{Opportunities: 12, WinRate: 0.2, ASP: mustDec("150000"), Cycle: 120 * day}},
		// The solved lever's own value is ignored, even when invalid.
		{"solved lever ignored", Levers{Opportunities: -7, WinRate: 0.25, ASP: mustDec("12000"), Cycle: 30 * day}, LeverOpportunities, PerDay(mustDec("4000")), smb()},
		// A zero target with a zero lever elsewhere: zero is the answer.
		{"zero target", Levers{WinRate: 0, ASP: mustDec("12000"), Cycle: 30 * day}, LeverOpportunities, PerDay(mustDec("0")),
			Levers{WinRate: 0, ASP: mustDec("12000"), Cycle: 30 * day}},
		// Win rate exactly 1 is reachable: 40 × W × 12000 / 30 = 16000 → W = 1.
		{"win rate exactly 1", smb(), LeverWinRate, PerDay(mustDec("16000")),
			Levers{Opportunities: 40, WinRate: 1, ASP: mustDec("12000"), Cycle: 30 * day}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.l
			got, err := Solve(tc.l, tc.solve, tc.target)
			if err != nil {
				t.Fatalf("Solve error: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, decEq); diff != "" {
				t.Errorf("Solve(%v) mismatch (-want +got):\n%s", tc.solve, diff)
			}
			if diff := cmp.Diff(in, tc.l, decEq); diff != "" {
				t.Errorf("Solve modified its input:\n%s", diff)
			}
		})
	}
}

func TestSolveErrors(t *testing.T) {
	tests := []struct {
		name   string
		l      Levers
		solve  Lever
		target Target
		err    error
	}{
		// W = 20000 × 30 / (40 × 12000) = 1.25 > 1.
		{"win rate above 1", smb(), LeverWinRate, PerDay(mustDec("20000")), ErrUnreachable},
		{"zero win rate held", Levers{Opportunities: 40, ASP: mustDec("1"), Cycle: day}, LeverOpportunities, PerDay(mustDec("1")), ErrUnreachable},
		{"zero asp held", Levers{Opportunities: 40, WinRate: 0.5, Cycle: day}, LeverWinRate, PerDay(mustDec("1")), ErrUnreachable},
		{"cycle for zero target", smb(), LeverCycle, PerDay(mustDec("0")), ErrUnreachable},
		{"cycle with zero opportunities", Levers{WinRate: 0.5, ASP: mustDec("1"), Cycle: day}, LeverCycle, PerDay(mustDec("1")), ErrUnreachable},
		{"negative target", smb(), LeverOpportunities, PerDay(mustDec("-1")), funnel.ErrNegativeAmount},
		{"NaN days", smb(), LeverOpportunities, Target{Bookings: mustDec("1"), Days: math.NaN()}, funnel.ErrNotFinite},
		{"negative days", smb(), LeverOpportunities, Target{Bookings: mustDec("1"), Days: -1}, funnel.ErrNegative},
		{"bad held lever", Levers{Opportunities: 40, WinRate: 2, ASP: mustDec("1"), Cycle: day}, LeverASP, PerDay(mustDec("1")), funnel.ErrRateRange},
		{"zero held cycle", Levers{Opportunities: 40, WinRate: 0.5, ASP: mustDec("1")}, LeverASP, PerDay(mustDec("1")), ErrZeroCycle},
		{"unknown lever", smb(), Lever(7), PerDay(mustDec("1")), funnel.ErrOutOfRange},
		// C = 40 × 0.25 × 12000 / 1e-20 days: beyond 292 years.
		{"cycle too long", smb(), LeverCycle, PerDay(mustDec("1e-20")), funnel.ErrOutOfRange},
		// C = 120000 / 1e30 days: below a nanosecond.
		{"cycle too short", smb(), LeverCycle, PerDay(mustDec("1e30")), funnel.ErrOutOfRange},
		// O = 1e400 × 30 / 3000: beyond float64.
		{"opportunities beyond float64", smb(), LeverOpportunities, PerDay(mustDec("1e400")), funnel.ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Solve(tc.l, tc.solve, tc.target)
			if !errors.Is(err, tc.err) {
				t.Errorf("Solve error = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestMakeUp(t *testing.T) {
	tests := []struct {
		name          string
		moved         Lever
		change        float64
		adjust        Lever
		want          float64 // relative change of adjust
		opps, winRate float64
		cycle         time.Duration
	}{
		// Win rate −10% → opportunities × 1/0.9: +11.1%, 40/0.9 = 44.44.
		{"win rate down, opportunities up", LeverWinRate, -0.10, LeverOpportunities, 1/0.9 - 1, 40 / 0.9, 0.225, 30 * day},
		// Cycle +10% (33 days) divides V by 1.1 → opportunities +10%, 44.
		{"cycle longer, opportunities up", LeverCycle, 0.10, LeverOpportunities, 0.10, 44, 0.25, 33 * day},
		// ASP −20% multiplies V by 0.8 → the cycle must be 0.8 × 30 = 24 days.
		{"asp down, cycle shorter", LeverASP, -0.20, LeverCycle, -0.20, 40, 0.25, 24 * day},
		// Opportunities −50% → win rate × 2 = 0.5.
		{"opportunities halved, win rate doubles", LeverOpportunities, -0.5, LeverWinRate, 1, 20, 0.5, 30 * day},
		// Cycle −20% (24 days) multiplies V by 1.25 → opportunities × 0.8 = 32.
		{"cycle shorter, fewer opportunities", LeverCycle, -0.2, LeverOpportunities, -0.2, 32, 0.25, 24 * day},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MakeUp(smb(), tc.moved, tc.change, tc.adjust)
			if err != nil {
				t.Fatalf("MakeUp error: %v", err)
			}
			approx := cmpopts.EquateApprox(1e-12, 0)
			if diff := cmp.Diff(tc.want, got.Change, approx); diff != "" {
				t.Errorf("MakeUp change mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]float64{tc.opps, tc.winRate}, []float64{got.Levers.Opportunities, got.Levers.WinRate}, approx); diff != "" {
				t.Errorf("MakeUp levers mismatch (-want +got):\n%s", diff)
			}
			if d := got.Levers.Cycle - tc.cycle; d < -1 || d > 1 {
				t.Errorf("MakeUp cycle = %v, want %v", got.Levers.Cycle, tc.cycle)
			}
			// Bookings hold: V after both changes is 4000 to float precision.
			v, err := got.Levers.Velocity()
			if err != nil {
				t.Fatal(err)
			}
			if f := v.InexactFloat64(); math.Abs(f-4000) > 1e-9 {
				t.Errorf("velocity after make-up = %v, want 4000", v)
			}
		})
	}
}

func TestMakeUpErrors(t *testing.T) {
	tests := []struct {
		name   string
		l      Levers
		moved  Lever
		change float64
		adjust Lever
		err    error
	}{
		// Opportunities −80% → win rate × 5 = 1.25 > 1.
		{"win rate cannot make up", smb(), LeverOpportunities, -0.8, LeverWinRate, ErrUnreachable},
		// 0.25 × 5 = 1.25 > 1.
		{"moved win rate above 1", smb(), LeverWinRate, 4, LeverOpportunities, funnel.ErrRateRange},
		{"minus 100%", smb(), LeverASP, -1, LeverOpportunities, funnel.ErrOutOfRange},
		{"same lever", smb(), LeverASP, 0.1, LeverASP, funnel.ErrOutOfRange},
		{"NaN change", smb(), LeverASP, math.NaN(), LeverCycle, funnel.ErrNotFinite},
		{"bad lever", smb(), Lever(-1), 0.1, LeverCycle, funnel.ErrOutOfRange},
		{"bad adjust", smb(), LeverASP, 0.1, Lever(4), funnel.ErrOutOfRange},
		{"invalid levers", Levers{}, LeverASP, 0.1, LeverCycle, ErrZeroCycle},
		// 30 days × 1e9 overflows time.Duration.
		{"cycle overflow", smb(), LeverCycle, 1e9, LeverOpportunities, funnel.ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := MakeUp(tc.l, tc.moved, tc.change, tc.adjust)
			if !errors.Is(err, tc.err) {
				t.Errorf("MakeUp error = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestMakeUpLargeChange(t *testing.T) {
	// ASP × (1 + c) must be undone by opportunities × 1/(1 + c), so that V
	// stays 40 × 0.25 × 12000 / 30 = 4000. The factor 1/(1 + c) must not
	// be formed as 1 + (1/(1 + c) − 1), which loses every digit for c =
	// 1e20 (opportunities 0, V 0) and half of them for c = 1e10.
	tests := []struct {
		name   string
		change float64
		opps   float64 // 40 / (1 + change), by hand
	}{
		{"asp × 1e10", 1e10, 40 / (1 + 1e10)},
		{"asp × 1e20", 1e20, 4e-19},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MakeUp(smb(), LeverASP, tc.change, LeverOpportunities)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.opps, got.Levers.Opportunities, cmpopts.EquateApprox(1e-15, 0)); diff != "" {
				t.Errorf("opportunities mismatch (-want +got):\n%s", diff)
			}
			v, err := got.Levers.Velocity()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(4000.0, v.InexactFloat64(), cmpopts.EquateApprox(1e-14, 0)); diff != "" {
				t.Errorf("velocity after make-up mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
