package funnel

import (
	"math/bits"

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

// addCents adds c cents.
func (m *money) addCents(c int64) {
	s, carry := bits.Add64(uint64(m.cents), uint64(c), 0)
	if carry != 0 || int64(s) < 0 || c < 0 || m.cents < 0 {
		// Past the range of non-negative int64 cents, or a negative
		// operand: do this one exactly in the decimal.
		m.rest = m.rest.Add(decimal.New(m.cents, -2)).Add(decimal.New(c, -2))
		m.cents = 0
		return
	}
	m.cents = int64(s)
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
