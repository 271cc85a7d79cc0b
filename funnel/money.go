package funnel

import (
	"fmt"

	"github.com/funnelmath/funnelmath/internal/num"
	"github.com/shopspring/decimal"
)

// money is an exact sum of non-negative amounts, kept as whole cents in an
// int64 while the amounts are in cents and the sum fits, and as a decimal
// for the rest (amounts with finer precision, or the part of a sum past
// the int64 range). Adding cents allocates nothing, which is what keeps a
// Tally's Add free of decimal arithmetic for ordinary CRM amounts; the
// value is the same decimal either way.
type money struct {
	cents int64
	rest  decimal.Decimal
}

// centsOf returns the amount in whole cents and true when it has at most
// two decimal places and at most 14 digits (so that scaling it and adding
// a few of them cannot overflow), and false otherwise.
func centsOf(d decimal.Decimal) (int64, bool) {
	exp := d.Exponent()
	if exp < -2 || exp > 2 || d.NumDigits() > 14 {
		return 0, false
	}
	c := d.CoefficientInt64()
	for ; exp > -2; exp-- {
		c *= 10
	}
	return c, true
}

// moneyOf returns d as a money sum.
func moneyOf(d decimal.Decimal) money {
	var m money
	m.addDecimal(d)
	return m
}

// addCents adds c cents. Amounts are never negative (every amount is
// checked before it is added), so the cents stay non-negative.
func (m *money) addCents(c int64) {
	s, ok := num.Add(m.cents, c)
	if !ok {
		// Past the range of int64 cents: do this one exactly in the
		// decimal.
		m.rest = m.rest.Add(decimal.New(m.cents, -2)).Add(decimal.New(c, -2))
		m.cents = 0
		return
	}
	m.cents = s
}

// addDecimal adds d, in cents when it can.
func (m *money) addDecimal(d decimal.Decimal) {
	if c, ok := centsOf(d); ok {
		m.addCents(c)
		return
	}
	m.rest = m.rest.Add(d)
}

// addAmount adds an amount whose cents c and ok come from [centsOf](d).
func (m *money) addAmount(c int64, ok bool, d decimal.Decimal) {
	if ok {
		m.addCents(c)
		return
	}
	m.rest = m.rest.Add(d)
}

// merge adds the sum o.
func (m *money) merge(o money) {
	m.addCents(o.cents)
	if !o.rest.IsZero() {
		m.rest = m.rest.Add(o.rest)
	}
}

// value returns the sum as a decimal.
func (m money) value() decimal.Decimal {
	v := decimal.New(m.cents, -2)
	if m.rest.IsZero() {
		return v
	}
	return v.Add(m.rest)
}

// The bounds of an amount of money: at most MaxAmountPlaces decimal
// places, and below 10^MaxAmountDigits in magnitude. Real amounts are far
// inside them; they keep decimal arithmetic on hostile input, such as
// 1e-2147483647 from a JSON body, from overflowing decimal's exponent or
// taking unbounded time and memory.
const (
	MaxAmountPlaces = 18
	MaxAmountDigits = 36
)

// AmountInRange reports whether d has at most [MaxAmountPlaces] decimal
// places (in its representation: decimal.Decimal.Exponent() >=
// −MaxAmountPlaces) and a magnitude below 10^[MaxAmountDigits].
func AmountInRange(d decimal.Decimal) bool {
	e := int(d.Exponent())
	if e < -MaxAmountPlaces {
		return false
	}
	return d.IsZero() || e+d.NumDigits() <= MaxAmountDigits
}

// CheckAmount returns nil when d can be used as an amount of money, and
// otherwise a *[InputError] wrapping [ErrNegativeAmount] for an amount
// below zero or [ErrOutOfRange] for one that is not [AmountInRange].
func CheckAmount(d decimal.Decimal) error {
	if err := checkAmount(d); err != nil {
		return &InputError{Name: "amount", Err: err}
	}
	return nil
}

// AmountReason returns nil when d can be used as an amount of money, and
// otherwise the bare reason, wrapping [ErrNegativeAmount] or
// [ErrOutOfRange], with no package prefix and no name: for an error of
// another package that names the amount's place itself, such as a
// *[InputError] naming "before[\"A\"].amount" or a crm row's cell.
func AmountReason(d decimal.Decimal) error { return checkAmount(d) }

// checkAmount is [CheckAmount] without the package prefix, for errors
// that name the amount's place themselves.
func checkAmount(d decimal.Decimal) error {
	if !AmountInRange(d) {
		return fmt.Errorf("%w: amount %se%d has more than %d decimal places or %d digits", ErrOutOfRange, d.Coefficient(), d.Exponent(), MaxAmountPlaces, MaxAmountDigits)
	}
	if d.IsNegative() {
		return fmt.Errorf("%w: %s", ErrNegativeAmount, d)
	}
	return nil
}
