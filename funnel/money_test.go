package funnel

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

func TestCentsOf(t *testing.T) {
	tests := []struct {
		in    string
		cents int64
		ok    bool
	}{
		{"0", 0, true},
		{"12.5", 1250, true},                       // exponent -1: ×10
		{"1234.56", 123456, true},                  // exponent -2
		{"7E2", 70000, true},                       // 700 = 7×10², exponent 2: ×10⁴
		{"0.125", 0, false},                        // three places: not whole cents
		{"1E3", 0, false},                          // exponent 3: outside the scaled range
		{"12345678901234", 1234567890123400, true}, // 14 digits
		{"123456789012345", 0, false},              // 15 digits
	}
	for _, tt := range tests {
		c, ok := centsOf(decimal.RequireFromString(tt.in))
		if c != tt.cents || ok != tt.ok {
			t.Errorf("centsOf(%s) = %d, %v; want %d, %v", tt.in, c, ok, tt.cents, tt.ok)
		}
	}
}

// TestMoneySumsExactly adds amounts in cents, with finer precision and
// near the int64 range, and checks the sum against plain decimal addition.
func TestMoneySumsExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var m, split money
	var parts [3]money
	want := decimal.Zero
	for i := range 3000 {
		var d decimal.Decimal
		switch i % 4 {
		case 0:
			d = decimal.New(r.Int64N(1e9), -2) // cents
		case 1:
			d = decimal.New(r.Int64N(1e6), -3) // tenths of a cent
		case 2:
			d = decimal.New(math.MaxInt64/4, -2) // pushes the int64 past its range
		default:
			d = decimal.New(r.Int64N(100), int32(r.IntN(4))) // whole units, tens, ...
		}
		want = want.Add(d)
		m.addDecimal(d)
		c, ok := centsOf(d)
		parts[i%3].addAmount(c, ok, d)
	}
	for _, p := range parts {
		split.merge(p)
	}
	if !m.value().Equal(want) {
		t.Errorf("sum = %s, want %s", m.value(), want)
	}
	if !split.value().Equal(want) {
		t.Errorf("merged sum = %s, want %s", split.value(), want)
	}
}

// BenchmarkMoneyAdd shows that adding cents allocates nothing.
func BenchmarkMoneyAdd(b *testing.B) {
	d := decimal.RequireFromString("1234.56")
	c, ok := centsOf(d)
	var m money
	b.ReportAllocs()
	for b.Loop() {
		m.addAmount(c, ok, d)
		if m.cents > 1<<60 {
			m.cents = 0
		}
	}
}

func TestCheckAmount(t *testing.T) {
	tests := []struct {
		in   decimal.Decimal
		want error
	}{
		{decimal.RequireFromString("1234.56"), nil},
		{decimal.New(1, -18), nil},                   // 18 places
		{decimal.New(1, -19), ErrOutOfRange},         // 19 places
		{decimal.New(1, -2147483647), ErrOutOfRange}, // would overflow decimal's exponent in a division
		{decimal.New(99, 34), nil},                   // 36 digits: 9.9e35
		{decimal.New(1, 36), ErrOutOfRange},          // 10^36
		{decimal.New(0, 2147483647), nil},            // zero, however written
		{decimal.RequireFromString("-0.01"), ErrNegativeAmount},
	}
	for _, tt := range tests {
		err := CheckAmount(tt.in)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("CheckAmount(%de%d) = %v, want %v", tt.in.CoefficientInt64(), tt.in.Exponent(), err, tt.want)
		}
		if got := AmountInRange(tt.in); got != !errors.Is(err, ErrOutOfRange) {
			t.Errorf("AmountInRange(%de%d) = %v, CheckAmount = %v", tt.in.CoefficientInt64(), tt.in.Exponent(), got, err)
		}
	}
	d := Deal{ID: "x", Amount: decimal.NewNullDecimal(decimal.New(1, -40)), Events: []Event{{Stage: 0}}}
	if err := d.Validate(MustNew("a", "b")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("Validate with an amount of 1e-40: err = %v, want ErrOutOfRange", err)
	}
}
