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
