package funnel

import (
	"errors"
	"math"
	"testing"
)

func TestLittle(t *testing.T) {
	type fn func(a, b float64) (float64, error)
	tests := []struct {
		name string
		f    fn
		a, b float64
		want float64
	}{
		// The job seeker: 6 live initiatives, a 30-day cycle.
		// 6/30 = 0.2 new a day; 0.2·30 = 6 live; 6/0.2 = 30 days;
		// 30/6 = one resolved every 5 days.
		{"job seeker arrivals", ArrivalsPerDay, 6, 30, 0.2},
		{"job seeker live", LiveDeals, 0.2, 30, 6},
		{"job seeker days open", DaysOpen, 6, 0.2, 30},
		{"job seeker every", DaysPerResolution, 6, 30, 5},
		// A sales team: 3 new deals a day open 45 days: 3·45 = 135 live;
		// back again 135/45 = 3 and 135/3 = 45; one resolves every
		// 45/135 = 1/3 day.
		{"team live", LiveDeals, 3, 45, 135},
		{"team arrivals", ArrivalsPerDay, 135, 45, 3},
		{"team days open", DaysOpen, 135, 3, 45},
		{"team every", DaysPerResolution, 135, 45, 1.0 / 3},
		// Zeros where they are not divisors: nothing open, nothing new.
		{"no arrivals", LiveDeals, 0, 30, 0},
		{"no live", ArrivalsPerDay, 0, 30, 0},
		{"instant", DaysPerResolution, 6, 0, 0},
		// Referral loop: 100/(1 − 0.2) = 125; r = 0 leaves the base;
		// r = 0.5 doubles it (1 + ½ + ¼ + … = 2).
		{"referral 0.2", ReferralVolume, 100, 0.2, 125},
		{"referral 0", ReferralVolume, 100, 0, 100},
		{"referral half", ReferralVolume, 100, 0.5, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f(tt.a, tt.b)
			if err != nil {
				t.Fatalf("(%v, %v): %v", tt.a, tt.b, err)
			}
			if math.Abs(got-tt.want) > 1e-12*max(1, tt.want) {
				t.Errorf("(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestReferralSeries checks base/(1 − r) by a second method: summing the
// generations base·rⁱ of the loop until they vanish.
func TestReferralSeries(t *testing.T) {
	for _, r := range []float64{0.1, 0.35, 0.6, 0.9} {
		var sum float64
		for term := 40.0; term > 1e-12; term *= r {
			sum += term
		}
		got, err := ReferralVolume(40, r)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-sum) > 1e-9 {
			t.Errorf("ReferralVolume(40, %v) = %v, series sum %v", r, got, sum)
		}
	}
}

func TestLittleErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	type fn func(a, b float64) (float64, error)
	tests := []struct {
		name string
		f    fn
		a, b float64
		want error
	}{
		{"zero cycle", ArrivalsPerDay, 6, 0, ErrOutOfRange},
		{"zero arrivals as divisor", DaysOpen, 6, 0, ErrOutOfRange},
		{"zero live as divisor", DaysPerResolution, 0, 30, ErrOutOfRange},
		{"negative arrivals", LiveDeals, -1, 30, ErrOutOfRange},
		{"negative days", LiveDeals, 1, -30, ErrOutOfRange},
		{"negative live", ArrivalsPerDay, -6, 30, ErrOutOfRange},
		{"negative cycle", DaysPerResolution, 6, -30, ErrOutOfRange},
		{"NaN live", DaysOpen, nan, 0.2, ErrNotFinite},
		{"NaN divisor", DaysOpen, 6, nan, ErrNotFinite},
		{"Inf days", LiveDeals, 0.2, inf, ErrNotFinite},
		{"Inf live", DaysPerResolution, inf, 30, ErrNotFinite},
		{"overflow", LiveDeals, 1e200, 1e200, ErrOutOfRange},
		{"overflow quotient", ArrivalsPerDay, 1e300, 1e-300, ErrOutOfRange},
		{"referral r = 1", ReferralVolume, 100, 1, ErrOutOfRange},
		{"referral r > 1", ReferralVolume, 100, 1.5, ErrOutOfRange},
		{"referral r < 0", ReferralVolume, 100, -0.1, ErrOutOfRange},
		{"referral r NaN", ReferralVolume, 100, nan, ErrNotFinite},
		{"referral base negative", ReferralVolume, -100, 0.2, ErrOutOfRange},
		{"referral base Inf", ReferralVolume, inf, 0.2, ErrNotFinite},
		{"referral overflow", ReferralVolume, 1e308, 0.999, ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f(tt.a, tt.b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("(%v, %v) error = %v, want %v", tt.a, tt.b, err, tt.want)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Errorf("(%v, %v) error %T is not a *InputError", tt.a, tt.b, err)
			}
			if got != 0 {
				t.Errorf("(%v, %v) = %v with an error, want 0", tt.a, tt.b, got)
			}
		})
	}
	_, err := ArrivalsPerDay(6, 0)
	if want := "funnel: daysOpen = 0: value out of range: must be > 0"; err == nil || err.Error() != want {
		t.Errorf("error text = %v, want %q", err, want)
	}
}

// FuzzLittle checks that the Little's-law functions never panic or return
// NaN or Inf, and that solving back from a result gives the input.
func FuzzLittle(f *testing.F) {
	f.Add(6.0, 30.0)
	f.Add(0.2, 30.0)
	f.Add(0.0, 0.0)
	f.Add(1e200, 1e200)
	f.Add(-1.0, math.NaN())
	f.Add(100.0, 0.999999)
	f.Fuzz(func(t *testing.T, a, b float64) {
		results := map[string]func(a, b float64) (float64, error){
			"LiveDeals": LiveDeals, "ArrivalsPerDay": ArrivalsPerDay, "DaysOpen": DaysOpen,
			"DaysPerResolution": DaysPerResolution, "ReferralVolume": ReferralVolume,
		}
		for name, fn := range results {
			got, err := fn(a, b)
			if err != nil {
				continue
			}
			if math.IsNaN(got) || math.IsInf(got, 0) || got < 0 {
				t.Errorf("%s(%v, %v) = %v", name, a, b, got)
			}
		}
		// Round trip: live = λ·W, then λ = live/W.
		live, err := LiveDeals(a, b)
		if err != nil || b == 0 || live == 0 || live < math.SmallestNonzeroFloat64*1e20 {
			return
		}
		back, err := ArrivalsPerDay(live, b)
		if err != nil {
			t.Fatalf("ArrivalsPerDay(%v, %v) after LiveDeals(%v, %v): %v", live, b, a, b, err)
		}
		if math.Abs(back-a) > 1e-12*a {
			t.Errorf("ArrivalsPerDay(LiveDeals(%v, %v), %v) = %v", a, b, b, back)
		}
	})
}
