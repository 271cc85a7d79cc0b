package velocity

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// mustDec parses a decimal written in a test.
func mustDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// smb and ent are the worked reps of the package documentation.
func smb() Levers {
	// 40 opportunities, 25% win rate, $12,000 ASP, 30-day cycle.
	return Levers{Opportunities: 40, WinRate: 0.25, ASP: mustDec("12000"), Cycle: 30 * day}
}

func ent() Levers {
	// 8 opportunities, 20% win rate, $150,000 ASP, 120-day cycle.
	return Levers{Opportunities: 8, WinRate: 0.20, ASP: mustDec("150000"), Cycle: 120 * day}
}

// decEq compares decimals by value.
var decEq = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func TestVelocity(t *testing.T) {
	tests := []struct {
		name string
		l    Levers
		days float64
		want string
	}{
		// 40 × 0.25 × 12000 / 30 = 120000 / 30 = 4000 per day.
		{"smb per day", smb(), 1, "4000"},
		// 8 × 0.2 × 150000 / 120 = 240000 / 120 = 2000 per day.
		{"enterprise per day", ent(), 1, "2000"},
		// 4000 × 7 = 28000.
		{"smb week", smb(), DaysWeek, "28000"},
		// 4000 × 30 = 120000.
		{"smb month", smb(), DaysMonth, "120000"},
		// 4000 × 91 = 364000.
		{"smb quarter", smb(), DaysQuarter, "364000"},
		// 2000 × 45.5 = 91000.
		{"enterprise half quarter", ent(), 45.5, "91000"},
		// 3 × 0.1 × 1 / 1 = 0.3 exactly: each float converts on its own, so
		// 0.1 is not 0.1000000000000000055...
		{"no float noise", Levers{Opportunities: 3, WinRate: 0.1, ASP: mustDec("1"), Cycle: day}, 1, "0.3"},
		// 10 × 0.5 × 100 / 3 = 166.666...: at least 20 significant digits,
		// rounded half up. The scale comes from the digit counts of
		// 4.32e16 (17) and 2.592e14 (15): 20 − 2 = 18 places.
		{"repeating", Levers{Opportunities: 10, WinRate: 0.5, ASP: mustDec("100"), Cycle: 3 * day}, 1, "166.666666666666666667"},
		// 12 hours is half a day: 1 × 1 × 10 / 0.5 = 20.
		{"half-day cycle", Levers{Opportunities: 1, WinRate: 1, ASP: mustDec("10"), Cycle: 12 * time.Hour}, 1, "20"},
		{"zero days", smb(), 0, "0"},
		{"zero win rate", Levers{Opportunities: 40, ASP: mustDec("12000"), Cycle: 30 * day}, 1, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.l.Bookings(tc.days)
			if err != nil {
				t.Fatalf("Bookings(%v) error: %v", tc.days, err)
			}
			if diff := cmp.Diff(mustDec(tc.want), got, decEq); diff != "" {
				t.Errorf("Bookings(%v) mismatch (-want +got):\n%s", tc.days, diff)
			}
			if tc.days == 1 {
				v, err := tc.l.Velocity()
				if err != nil || !v.Equal(got) {
					t.Errorf("Velocity() = %v, %v; want %v", v, err, got)
				}
			}
		})
	}
}

func TestLeversBadInput(t *testing.T) {
	ok := smb()
	with := func(f func(*Levers)) Levers { l := ok; f(&l); return l }
	tests := []struct {
		name  string
		l     Levers
		lever Lever
		err   error
	}{
		{"negative opportunities", with(func(l *Levers) { l.Opportunities = -1 }), LeverOpportunities, funnel.ErrNegative},
		{"NaN opportunities", with(func(l *Levers) { l.Opportunities = math.NaN() }), LeverOpportunities, funnel.ErrNotFinite},
		{"infinite opportunities", with(func(l *Levers) { l.Opportunities = math.Inf(1) }), LeverOpportunities, funnel.ErrNotFinite},
		{"win rate above 1", with(func(l *Levers) { l.WinRate = 1.01 }), LeverWinRate, funnel.ErrRateRange},
		{"negative win rate", with(func(l *Levers) { l.WinRate = -0.1 }), LeverWinRate, funnel.ErrRateRange},
		{"NaN win rate", with(func(l *Levers) { l.WinRate = math.NaN() }), LeverWinRate, funnel.ErrNotFinite},
		{"-Inf win rate", with(func(l *Levers) { l.WinRate = math.Inf(-1) }), LeverWinRate, funnel.ErrNotFinite},
		{"negative ASP", with(func(l *Levers) { l.ASP = mustDec("-0.01") }), LeverASP, funnel.ErrNegativeAmount},
		{"zero cycle", with(func(l *Levers) { l.Cycle = 0 }), LeverCycle, ErrZeroCycle},
		{"negative cycle", with(func(l *Levers) { l.Cycle = -day }), LeverCycle, funnel.ErrNegative},
		{"zero levers", Levers{}, LeverCycle, ErrZeroCycle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewLevers(tc.l.Opportunities, tc.l.WinRate, tc.l.ASP, tc.l.Cycle)
			if !errors.Is(err, tc.err) {
				t.Fatalf("NewLevers error = %v, want %v", err, tc.err)
			}
			var le *LeverError
			if !errors.As(err, &le) || le.Lever != tc.lever {
				t.Errorf("NewLevers error = %#v, want a *LeverError for %v", err, tc.lever)
			}
			if _, err := tc.l.Velocity(); !errors.Is(err, tc.err) {
				t.Errorf("Velocity error = %v, want %v", err, tc.err)
			}
		})
	}
	for _, d := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := ok.Bookings(d); err == nil {
			t.Errorf("Bookings(%v) = nil error, want one", d)
		}
	}
	if _, err := ok.Bookings(-1); !errors.Is(err, funnel.ErrNegative) {
		t.Errorf("Bookings(-1) error = %v, want funnel.ErrNegative", err)
	}
	if _, err := ok.Bookings(math.NaN()); !errors.Is(err, funnel.ErrNotFinite) {
		t.Errorf("Bookings(NaN) error = %v, want funnel.ErrNotFinite", err)
	}
}

func TestLeverErrorText(t *testing.T) {
	_, err := NewLevers(40, 1.5, mustDec("1"), day)
	want := "velocity.NewLevers: win rate = 1.5: rate outside [0,1]"
	if err == nil || err.Error() != want {
		t.Errorf("error text = %v, want %q", err, want)
	}
}

func TestLeverText(t *testing.T) {
	for l := LeverOpportunities; l <= LeverCycle; l++ {
		b, err := l.MarshalText()
		if err != nil {
			t.Fatalf("%d.MarshalText: %v", l, err)
		}
		var back Lever
		if err := back.UnmarshalText(b); err != nil || back != l {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", b, back, err, l)
		}
	}
	if _, err := Lever(9).MarshalText(); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Lever(9).MarshalText error = %v, want funnel.ErrOutOfRange", err)
	}
	var l Lever
	if err := l.UnmarshalText([]byte("speed")); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("UnmarshalText(speed) error = %v, want funnel.ErrOutOfRange", err)
	}
}

// TestLogDecimal checks the logarithm Decompose takes of an ASP (kept here
// from before the helper moved to internal/dec, which has no test of it).
// cmpEquateApprox compares floats to 12 significant digits.
func cmpEquateApprox() cmp.Option { return cmpopts.EquateApprox(1e-12, 1e-15) }

// TestExtremeExponents checks that money with a decimal exponent beyond
// funnel.AmountExponentLimit is an error, not a panic inside decimal's
// division (1e-2147483647 overflowed its exponent in Velocity).
func TestExtremeExponents(t *testing.T) {
	tiny := decimal.New(1, -2147483647)
	if _, err := NewLevers(40, 0.25, tiny, 30*day); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("NewLevers with ASP 1e-2147483647: err = %v, want funnel.ErrOutOfRange", err)
	}
	l, err := NewLevers(40, 0.25, decimal.NewFromInt(12000), 30*day)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Solve(l, LeverOpportunities, PerDay(decimal.New(1, 40))); !errors.Is(err, funnel.ErrOutOfRange) {
		t.Errorf("Solve for 1e40 a day: err = %v, want funnel.ErrOutOfRange", err)
	}
}
