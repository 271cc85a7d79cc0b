package span

import (
	"math"
	"testing"
	"time"
)

func TestDays(t *testing.T) {
	utc := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		to, from time.Time
		want     float64
	}{
		{"a day and a half", utc(2024, 1, 2, 12), utc(2024, 1, 1, 0), 1.5},
		{"backwards", utc(2024, 1, 1, 0), utc(2024, 1, 3, 0), -2},
		// 1600-01-01 to 2025-01-01: 425 years of 365 days plus 104 leap
		// days (1600 to 2024, less 1700, 1800, 1900) = 155229 days, past
		// time.Duration's range.
		{"425 years", utc(2025, 1, 1, 0), utc(1600, 1, 1, 0), 155229},
		{"425 years backwards", utc(1600, 1, 1, 0), utc(2025, 1, 1, 0), -155229},
	}
	for _, tt := range tests {
		if got := Days(tt.to, tt.from); got != tt.want {
			t.Errorf("%s: Days = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tt := range []struct {
		days float64
		want time.Duration
		ok   bool
	}{
		{1, 24 * time.Hour, true},
		{0.5, 12 * time.Hour, true},
		{-2, -48 * time.Hour, true},
		{1.0 / 86400, time.Second, true},
		{106751, 106751 * 24 * time.Hour, true},
		{106752, 0, false}, // past 2^63 − 1 ns
		{float64(math.MinInt64) / float64(24*time.Hour), math.MinInt64, true}, // −2^63 ns, the least Duration
		{-float64(math.MinInt64) / float64(24*time.Hour), 0, false},           // 2^63 ns, one past the greatest
		{math.NaN(), 0, false},
		{math.Inf(1), 0, false},
	} {
		got, ok := Duration(tt.days)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Duration(%v) = %v, %v; want %v, %v", tt.days, got, ok, tt.want, tt.ok)
		}
	}
	// Past 292 years, counted in seconds and nanoseconds: half a second
	// more at the end is 0.5/86400 day more.
	from := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2025, 1, 1, 0, 0, 0, 500_000_000, time.UTC)
	if got, want := Days(to, from), 155229+0.5/86400; math.Abs(got-want) > 1e-9 {
		t.Errorf("Days over 425 years = %v, want %v", got, want)
	}
	if got, want := Days(from, to), -(155229 + 0.5/86400); math.Abs(got-want) > 1e-9 {
		t.Errorf("Days backwards = %v, want %v", got, want)
	}
	if DaysOf(36*time.Hour) != 1.5 {
		t.Errorf("DaysOf(36h) = %v", DaysOf(36*time.Hour))
	}
}
