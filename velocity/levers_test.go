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

const day = 24 * time.Hour

// dec parses a decimal written in a test.
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// smb and ent are the worked reps of the package documentation.
func smb() Levers {
	// 40 opportunities, 25% win rate, $12,000 ASP, 30-day cycle.
	return Levers{Opportunities: 40, WinRate: 0.25, ASP: dec("12000"), Cycle: 30 * day}
}

func ent() Levers {
	// 8 opportunities, 20% win rate, $150,000 ASP, 120-day cycle.
	return Levers{Opportunities: 8, WinRate: 0.20, ASP: dec("150000"), Cycle: 120 * day}
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
		{"no float noise", Levers{Opportunities: 3, WinRate: 0.1, ASP: dec("1"), Cycle: day}, 1, "0.3"},
		// 10 × 0.5 × 100 / 3 = 166.666...: at least 20 significant digits,
		// rounded half up. The scale comes from the digit counts of
		// 4.32e16 (17) and 2.592e14 (15): 20 − 2 = 18 places.
		{"repeating", Levers{Opportunities: 10, WinRate: 0.5, ASP: dec("100"), Cycle: 3 * day}, 1, "166.666666666666666667"},
		// 12 hours is half a day: 1 × 1 × 10 / 0.5 = 20.
		{"half-day cycle", Levers{Opportunities: 1, WinRate: 1, ASP: dec("10"), Cycle: 12 * time.Hour}, 1, "20"},
		{"zero days", smb(), 0, "0"},
		{"zero win rate", Levers{Opportunities: 40, ASP: dec("12000"), Cycle: 30 * day}, 1, "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.l.Bookings(tc.days)
			if err != nil {
				t.Fatalf("Bookings(%v) error: %v", tc.days, err)
			}
			if diff := cmp.Diff(dec(tc.want), got, decEq); diff != "" {
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
		{"negative opportunities", with(func(l *Levers) { l.Opportunities = -1 }), LeverOpportunities, ErrNegative},
		{"NaN opportunities", with(func(l *Levers) { l.Opportunities = math.NaN() }), LeverOpportunities, ErrNotFinite},
		{"infinite opportunities", with(func(l *Levers) { l.Opportunities = math.Inf(1) }), LeverOpportunities, ErrNotFinite},
		{"win rate above 1", with(func(l *Levers) { l.WinRate = 1.01 }), LeverWinRate, ErrRateRange},
		{"negative win rate", with(func(l *Levers) { l.WinRate = -0.1 }), LeverWinRate, ErrRateRange},
		{"NaN win rate", with(func(l *Levers) { l.WinRate = math.NaN() }), LeverWinRate, ErrNotFinite},
		{"-Inf win rate", with(func(l *Levers) { l.WinRate = math.Inf(-1) }), LeverWinRate, ErrNotFinite},
		{"negative ASP", with(func(l *Levers) { l.ASP = dec("-0.01") }), LeverASP, ErrNegative},
		{"zero cycle", with(func(l *Levers) { l.Cycle = 0 }), LeverCycle, ErrZeroCycle},
		{"negative cycle", with(func(l *Levers) { l.Cycle = -day }), LeverCycle, ErrNegative},
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
	if _, err := ok.Bookings(-1); !errors.Is(err, ErrNegative) {
		t.Errorf("Bookings(-1) error = %v, want ErrNegative", err)
	}
	if _, err := ok.Bookings(math.NaN()); !errors.Is(err, ErrNotFinite) {
		t.Errorf("Bookings(NaN) error = %v, want ErrNotFinite", err)
	}
}

func TestLeverErrorText(t *testing.T) {
	_, err := NewLevers(40, 1.5, dec("1"), day)
	want := "velocity: win rate = 1.5: rate outside [0,1]"
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
	if _, err := Lever(9).MarshalText(); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Lever(9).MarshalText error = %v, want ErrOutOfRange", err)
	}
	var l Lever
	if err := l.UnmarshalText([]byte("speed")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("UnmarshalText(speed) error = %v, want ErrOutOfRange", err)
	}
}

func TestLogDecimal(t *testing.T) {
	tests := []struct {
		d    string
		want float64
	}{
		{"1", 0},
		{"12000", math.Log(12000)},
		{"0.00025", math.Log(0.00025)},
		// 10^400 overflows float64; ln = 400 ln 10.
		{"1e400", 400 * math.Ln10},
		{"3e-400", math.Log(3) - 400*math.Ln10},
	}
	for _, tc := range tests {
		got := logDecimal(dec(tc.d))
		if math.Abs(got-tc.want) > 1e-12*math.Max(1, math.Abs(tc.want)) {
			t.Errorf("logDecimal(%s) = %v, want %v", tc.d, got, tc.want)
		}
	}
}

// cmpEquateApprox compares floats to 12 significant digits.
func cmpEquateApprox() cmp.Option { return cmpopts.EquateApprox(1e-12, 1e-15) }

// TestSentinelsShareFunnelKinds checks that the kinds velocity shares with
// the funnel package match either package's sentinel.
func TestSentinelsShareFunnelKinds(t *testing.T) {
	_, err := NewLevers(40, math.NaN(), decimal.NewFromInt(12000), 30*24*time.Hour)
	if !errors.Is(err, ErrNotFinite) || !errors.Is(err, funnel.ErrNotFinite) {
		t.Errorf("NaN win rate: err = %v, want both velocity.ErrNotFinite and funnel.ErrNotFinite", err)
	}
	_, err = NewLevers(40, 1.5, decimal.NewFromInt(12000), 30*24*time.Hour)
	if !errors.Is(err, ErrRateRange) || !errors.Is(err, funnel.ErrRateRange) {
		t.Errorf("win rate 1.5: err = %v, want both velocity.ErrRateRange and funnel.ErrRateRange", err)
	}
}

// TestExtremeExponents checks that money with a decimal exponent beyond
// funnel.AmountExponentLimit is an error, not a panic inside decimal's
// division (1e-2147483647 overflowed its exponent in Velocity).
func TestExtremeExponents(t *testing.T) {
	tiny := decimal.New(1, -2147483647)
	if _, err := NewLevers(40, 0.25, tiny, 30*day); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("NewLevers with ASP 1e-2147483647: err = %v, want ErrOutOfRange", err)
	}
	l, err := NewLevers(40, 0.25, decimal.NewFromInt(12000), 30*day)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Solve(l, LeverOpportunities, PerDay(decimal.New(1, 40))); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Solve for 1e40 a day: err = %v, want ErrOutOfRange", err)
	}
}
