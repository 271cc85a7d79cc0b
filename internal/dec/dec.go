// Package dec is the one place where the funnelmath packages turn a
// float64 into a [decimal.Decimal] and divide decimals, so that every
// package converts and rounds money the same way.
//
// # Units
//
// Decimals are money or exact quantities in the caller's units. A float64
// becomes the shortest decimal that reads back as the same float64 (0.1
// becomes 0.1, not 0.1000000000000000055511151231257827). A quotient keeps
// at least [SigDigits] significant digits and [MinPlaces] decimal places,
// rounded half away from zero. Money a person reads is rounded half to
// even to [CentPlaces] places.
package dec

import (
	"math"

	"github.com/shopspring/decimal"
)

// Precision of a quotient and of money shown to a person.
const (
	// SigDigits is the least number of significant digits a quotient keeps.
	SigDigits = 20
	// MinPlaces is the least number of decimal places a quotient keeps.
	MinPlaces = 16
	// CentPlaces is the number of decimal places of money in a result.
	CentPlaces = 2
)

// FromFloat returns x as the shortest decimal that reads back as the same
// float64, and false for NaN or an infinity, which have no decimal
// (decimal.NewFromFloat panics on them).
func FromFloat(x float64) (decimal.Decimal, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return decimal.Decimal{}, false
	}
	return decimal.NewFromFloat(x), true
}

// Quo returns n / d rounded half away from zero to at least [SigDigits]
// significant digits and [MinPlaces] decimal places, and false when d is
// zero (decimal's Div panics then).
func Quo(n, d decimal.Decimal) (decimal.Decimal, bool) {
	if d.IsZero() {
		return decimal.Decimal{}, false
	}
	mag := n.NumDigits() + int(n.Exponent()) - d.NumDigits() - int(d.Exponent())
	places := max(MinPlaces, SigDigits-mag)
	return n.DivRound(d, int32(places)), true
}

// QuoPlaces returns n / d rounded half to even to at most places decimal
// places (fewer when the quotient is exact), and false when d is zero. It
// is how a division of money yields a value whose digits the module's
// bound on amounts accepts: a mean of 5, 5 and 6 is 5.333333333333333333
// at 18 places, not a quotient with more places than any amount may have.
func QuoPlaces(n, d decimal.Decimal, places int32) (decimal.Decimal, bool) {
	q, ok := Quo(n, d)
	if !ok {
		return decimal.Decimal{}, false
	}
	if -q.Exponent() > places {
		q = q.RoundBank(places)
	}
	return q, true
}

// Cents returns d rounded half to even to [CentPlaces] decimal places, as
// money is shown in a result.
func Cents(d decimal.Decimal) decimal.Decimal { return d.RoundBank(CentPlaces) }

// Log returns the natural logarithm of d > 0 without overflowing a
// float64: d = m × 10^e with m in [1, 10), ln d = ln m + e ln 10.
func Log(d decimal.Decimal) float64 {
	e := d.NumDigits() + int(d.Exponent()) - 1
	m := d.Shift(int32(-e)).InexactFloat64()
	return math.Log(m) + float64(e)*math.Ln10
}
