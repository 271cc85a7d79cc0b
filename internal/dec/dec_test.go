package dec

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

func TestFromFloat(t *testing.T) {
	for _, tt := range []struct {
		x    float64
		want string
		ok   bool
	}{
		{0.1, "0.1", true}, // the shortest decimal that reads back, not 0.1000000000000000055511151231257827
		{1.1, "1.1", true},
		{1e-7, "0.0000001", true},
		{math.NaN(), "0", false},
		{math.Inf(-1), "0", false},
	} {
		got, ok := FromFloat(tt.x)
		if got.String() != tt.want || ok != tt.ok {
			t.Errorf("FromFloat(%v) = %s, %v; want %s, %v", tt.x, got, ok, tt.want, tt.ok)
		}
	}
}

func TestQuo(t *testing.T) {
	d := decimal.RequireFromString
	for _, tt := range []struct {
		n, d, want string
	}{
		{"1", "3", "0.33333333333333333333"},                      // 20 significant digits
		{"16", "3", "5.3333333333333333333"},                      // 20 significant digits
		{"1", "300000", "0.0000033333333333333333333"},            // 20 significant digits past 16 places
		{"7000000000000000000000", "7", "1000000000000000000000"}, // exact
		{"2", "3", "0.66666666666666666667"},                      // half away from zero
	} {
		got, ok := Quo(d(tt.n), d(tt.d))
		if !ok || !got.Equal(d(tt.want)) {
			t.Errorf("Quo(%s, %s) = %s, %v; want %s", tt.n, tt.d, got, ok, tt.want)
		}
	}
	// The exponents count, not only the digits: 1 / 3e5 keeps 25 places
	// (20 significant digits), 1 / 0.003 keeps 17.
	for _, tt := range []struct {
		n, d decimal.Decimal
		want string
	}{
		{d("1"), decimal.New(3, 5), "0.0000033333333333333333333"},
		{d("1"), decimal.New(3, -3), "333.33333333333333333"},
		{decimal.New(1, -10), d("3"), "0.000000000033333333333333333333"},
		{decimal.New(1, 10), decimal.New(3, 0), "3333333333.3333333333333333"},
	} {
		if got, _ := Quo(tt.n, tt.d); got.String() != tt.want {
			t.Errorf("Quo(%s, %s) = %s, want %s", tt.n, tt.d, got, tt.want)
		}
	}
	if _, ok := Quo(d("1"), decimal.Zero); ok {
		t.Error("Quo by zero: ok")
	}
	// The mean of 5, 5 and 6 at 18 places, a valid amount; 1.5 stays 1.5.
	if got, _ := QuoPlaces(d("16"), d("3"), 18); got.String() != "5.333333333333333333" {
		t.Errorf("QuoPlaces(16, 3, 18) = %s", got)
	}
	if got, _ := QuoPlaces(d("3"), d("2"), 18); got.String() != "1.5" {
		t.Errorf("QuoPlaces(3, 2, 18) = %s", got)
	}
	if got := Cents(d("0.125")); got.String() != "0.12" { // half to even
		t.Errorf("Cents(0.125) = %s", got)
	}
	for _, tt := range []struct {
		d    string
		want float64
	}{
		{"1", 0},
		{"12000", math.Log(12000)},
		{"0.00025", math.Log(0.00025)},
		{"1e400", 400 * math.Ln10}, // 10^400 overflows a float64
		{"3e-400", math.Log(3) - 400*math.Ln10},
	} {
		if got := Log(d(tt.d)); math.Abs(got-tt.want) > 1e-12*math.Max(1, math.Abs(tt.want)) {
			t.Errorf("Log(%s) = %v, want %v", tt.d, got, tt.want)
		}
	}
}
