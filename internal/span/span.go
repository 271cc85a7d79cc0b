package span

import (
	"math"
	"time"
)

// Days returns the time from from to to as a float64 number of 24-hour
// days, negative when to is before from. time.Time.Sub saturates at the
// largest time.Duration (about 292 years), so a longer span, as from a
// mistyped year, is counted in seconds instead.
func Days(to, from time.Time) float64 {
	if d := to.Sub(from); d > math.MinInt64 && d < math.MaxInt64 {
		return d.Hours() / 24
	}
	s := float64(to.Unix()) - float64(from.Unix())
	ns := float64(to.Nanosecond() - from.Nanosecond())
	return (s + ns/1e9) / (24 * 60 * 60)
}

// Duration returns a number of 24-hour days as a time.Duration rounded to
// the nanosecond, and false when it is NaN or beyond time.Duration's range
// [−2^63, 2^63) ns (about 106,751 days either way).
func Duration(days float64) (time.Duration, bool) {
	ns := math.Round(days * float64(24*time.Hour))
	if !(ns >= -0x1p63 && ns < 0x1p63) {
		return 0, false
	}
	return time.Duration(ns), true
}

// DaysOf returns d in 24-hour days.
func DaysOf(d time.Duration) float64 { return float64(d) / float64(24*time.Hour) }
