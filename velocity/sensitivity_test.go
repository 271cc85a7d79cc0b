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

func TestSensitivities(t *testing.T) {
	// SMB rep over a quarter: base 4000 × 91 = 364000.
	got, err := Sensitivities(smb(), DaysQuarter, []float64{0.1})
	if err != nil {
		t.Fatal(err)
	}
	// Opportunities, win rate and ASP ±10%: 364000 × 0.9 = 327600 and
	// 364000 × 1.1 = 400400. Cycle −10% (27 days): 120000 × 91 / 27 =
	// 404444.444... → 404444.44 to the cent; +10% (33 days): 120000 × 91 /
	// 33 = 330909.0909... → 330909.09.
	lin := []Point{
		{Change: -0.1, Bookings: mustDec("327600"), Gain: -0.1, Elasticity: 1},
		{Change: 0.1, Bookings: mustDec("400400"), Gain: 0.1, Elasticity: 1},
	}
	want := Sensitivity{
		Days: DaysQuarter,
		Base: mustDec("364000"),
		Levers: [NumLevers]LeverSensitivity{
			{LeverOpportunities, 1, lin, 0.1},
			{LeverWinRate, 1, lin, 0.1},
			{LeverASP, 1, lin, 0.1},
			{LeverCycle, -1, []Point{
				// Gain 1/0.9 − 1 = 0.1111; arc elasticity 0.1111/−0.1.
				{Change: -0.1, Bookings: mustDec("404444.44"), Gain: 1/0.9 - 1, Elasticity: -(1/0.9 - 1) / 0.1},
				// Gain 1/1.1 − 1 = −0.0909; elasticity −0.909.
				{Change: 0.1, Bookings: mustDec("330909.09"), Gain: 1/1.1 - 1, Elasticity: (1/1.1 - 1) / 0.1},
			}, 1/0.9 - 1},
		},
	}
	if diff := cmp.Diff(want, got, decEq, cmpopts.EquateApprox(1e-12, 1e-15)); diff != "" {
		t.Errorf("Sensitivities mismatch (-want +got):\n%s", diff)
	}
}

func TestSensitivitiesWinRateCap(t *testing.T) {
	// Win rate 0.95: +10% would be 1.045, capped at 1; the gain is
	// 1/0.95 − 1 = 0.0526 for the point and for the 10% improvement.
	l := Levers{Opportunities: 10, WinRate: 0.95, ASP: mustDec("100"), Cycle: 10 * day}
	got, err := Sensitivities(l, 1, []float64{0.1})
	if err != nil {
		t.Fatal(err)
	}
	w := got.Levers[LeverWinRate]
	p := w.Points[1]
	// Bookings at W = 1: 10 × 1 × 100 / 10 = 100 per day.
	if !p.Capped || !p.Bookings.Equal(mustDec("100")) || math.Abs(p.Gain-(1/0.95-1)) > 1e-12 {
		t.Errorf("capped point = %+v, want capped, 100, gain %v", p, 1/0.95-1)
	}
	if math.Abs(w.Improve-(1/0.95-1)) > 1e-12 {
		t.Errorf("win rate Improve = %v, want %v", w.Improve, 1/0.95-1)
	}
}

func TestSensitivitiesErrors(t *testing.T) {
	tests := []struct {
		name  string
		l     Levers
		days  float64
		steps []float64
		err   error
	}{
		{"step 1", smb(), 1, []float64{1}, funnel.ErrOutOfRange},
		{"negative step", smb(), 1, []float64{-0.1}, funnel.ErrOutOfRange},
		{"NaN step", smb(), 1, []float64{math.NaN()}, funnel.ErrNotFinite},
		{"bad levers", Levers{}, 1, nil, ErrZeroCycle},
		{"bad days", smb(), -1, nil, funnel.ErrNegative},
		// 1.5 × the longest Duration overflows.
		{"cycle overflow", Levers{1, 1, mustDec("1"), time.Duration(math.MaxInt64)}, 1, []float64{0.5}, funnel.ErrOutOfRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Sensitivities(tc.l, tc.days, tc.steps)
			if !errors.Is(err, tc.err) {
				t.Errorf("Sensitivities error = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestLittle(t *testing.T) {
	tests := []struct {
		name       string
		opps, rate float64
		cycle      time.Duration
		want       LittleCheck
	}{
		// 1.2 created per day × 30 days = 36 expected open; 40 observed:
		// gap 4, 4/36 = 11.1%.
		{"growing pipeline", 40, 1.2, 30 * day, LittleCheck{40, 1.2, 30, 36, 4, funnel.Some(100 * 4.0 / 36)}},
		// The job seeker: six live with a 30-day cycle, one resolves every
		// five days (0.2 per day): 0.2 × 30 = 6, no gap.
		{"steady", 6, 0.2, 30 * day, LittleCheck{6, 0.2, 30, 6, 0, funnel.Some(0)}},
		// No flow: nothing implied, a percentage of zero is undefined.
		{"no flow", 3, 0, 30 * day, LittleCheck{3, 0, 30, 0, 3, funnel.NullFloat64{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Little(tc.opps, tc.rate, tc.cycle)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(1e-12, 1e-12)); diff != "" {
				t.Errorf("Little mismatch (-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []struct {
		opps, rate float64
		cycle      time.Duration
		err        error
	}{
		{-1, 1, day, funnel.ErrNegative},
		{1, math.NaN(), day, funnel.ErrNotFinite},
		{1, 1, -day, funnel.ErrNegative},
		{1, math.MaxFloat64, time.Duration(math.MaxInt64), funnel.ErrOutOfRange},
	} {
		if _, err := Little(bad.opps, bad.rate, bad.cycle); !errors.Is(err, bad.err) {
			t.Errorf("Little(%v, %v, %v) error = %v, want %v", bad.opps, bad.rate, bad.cycle, err, bad.err)
		}
	}
}

func TestSensitivitiesCycleBelowNanosecond(t *testing.T) {
	// A 1ns cycle shortened by 60% is 0.4ns, which rounds to zero: an
	// error naming the cycle, as documented, never a zero cycle.
	_, err := Sensitivities(Levers{1, 1, mustDec("1"), 1}, 1, []float64{0.6})
	var le *LeverError
	if !errors.Is(err, funnel.ErrOutOfRange) || !errors.As(err, &le) || le.Lever != LeverCycle {
		t.Errorf("Sensitivities error = %v, want a cycle *LeverError wrapping funnel.ErrOutOfRange", err)
	}
}
