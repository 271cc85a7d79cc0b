package num

import (
	"math"
	"testing"
	"time"
)

func TestAddMul(t *testing.T) {
	const max, min = math.MaxInt64, math.MinInt64
	adds := []struct {
		a, b, want int64
		ok         bool
	}{
		{1, 2, 3, true},
		{max, 0, max, true},
		{max, 1, 0, false},
		{1 << 62, 1 << 62, 0, false}, // 2^63
		{min, -1, 0, false},
		{min, max, -1, true},
		{-5, 3, -2, true},
		{0, 0, 0, true},
		{-1, 0, -1, true},
		{0, min, min, true},
		{max, min, -1, true},
		{-1, min, 0, false},
		{1, max, 0, false},
	}
	for _, tt := range adds {
		if got, ok := Add(tt.a, tt.b); got != tt.want || ok != tt.ok {
			t.Errorf("Add(%d, %d) = %d, %v; want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
	muls := []struct {
		a, b, want int64
		ok         bool
	}{
		{3, 4, 12, true},
		{0, max, 0, true},
		{1 << 31, 1 << 31, 1 << 62, true},
		{1 << 32, 1 << 31, 0, false},
		{-1, min, 0, false},
		{min, -1, 0, false},
		{max, -1, -max, true},
		{-1, max, -max, true},
		{2, min / 2, min, true},
		{-2, min / 2, 0, false},
		{min, 1, min, true},
	}
	for _, tt := range muls {
		if got, ok := Mul(tt.a, tt.b); got != tt.want || ok != tt.ok {
			t.Errorf("Mul(%d, %d) = %d, %v; want %d, %v", tt.a, tt.b, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSum128(t *testing.T) {
	// Four values of 2^63 − 1 ns sum to 2^65 − 4, past a uint64; their
	// mean is exact.
	var s Sum128
	for range 4 {
		s.AddDuration(time.Duration(math.MaxInt64))
	}
	if s[0] != 1 || s[1] != math.MaxUint64-3 {
		t.Errorf("sum = %v, want [1, 2^64 − 4]", s)
	}
	if got := s.Mean(4); got != math.MaxInt64 {
		t.Errorf("Mean(4) = %d, want 2^63 − 1", got)
	}
	// 1 + 2 over 2 is 1.5, rounded half up to 2; 1 + 1 + 2 over 3 is 4/3 → 1.
	var a, b Sum128
	a.Add(1)
	a.Add(2)
	b.Add(1)
	b.Add(1)
	b.Add(2)
	if a.Mean(2) != 2 || b.Mean(3) != 1 {
		t.Errorf("Mean: %d, %d; want 2, 1", a.Mean(2), b.Mean(3))
	}
	if got := s.Float(); got != 0x1p65 {
		t.Errorf("Float() = %v, want 2^65 (nearest)", got)
	}
}
