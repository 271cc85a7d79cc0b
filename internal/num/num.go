// Package num holds the integer arithmetic the funnelmath packages share:
// sums of counts that report overflow instead of wrapping, and 128-bit
// sums of durations whose mean is exact.
package num

import (
	"math"
	"math/bits"
	"time"
)

// Add returns a + b and true, or 0 and false when the sum overflows an
// int64.
func Add(a, b int64) (int64, bool) {
	s := a + b
	// The sum overflowed when its sign differs from both operands'.
	if (s^a)&(s^b) < 0 {
		return 0, false
	}
	return s, true
}

// Mul returns a × b and true, or 0 and false when the product overflows
// an int64.
func Mul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	// A wrapped product does not divide back, except MinInt64 × −1,
	// which wraps to MinInt64 and divides back to itself.
	if p/b != a || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return p, true
}

// Sum128 is an unsigned 128-bit sum, high word first. The zero value is 0.
type Sum128 [2]uint64

// Add adds x.
func (s *Sum128) Add(x uint64) {
	var c uint64
	s[1], c = bits.Add64(s[1], x, 0)
	s[0] += c
}

// AddDuration adds a non-negative duration in nanoseconds.
func (s *Sum128) AddDuration(d time.Duration) { s.Add(uint64(d)) }

// Float returns the sum as the nearest float64.
func (s Sum128) Float() float64 { return float64(s[0])*0x1p64 + float64(s[1]) }

// Mean returns the sum divided by n > 0, rounded half up. The caller
// keeps the high word below n, which holds for a sum of n values below
// 2^64 each, so the quotient fits a uint64.
func (s Sum128) Mean(n uint64) uint64 {
	q, r := bits.Div64(s[0], s[1], n)
	if r >= n-r {
		q++
	}
	return q
}
