package funnel

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

const secondsPerDay = 86400

// Durations is a mergeable distribution of durations, kept as a histogram
// by whole day together with the exact sum, so that the mean is exact and
// every percentile is exact to the day, and two distributions merge by
// adding their bins.
//
// The zero Durations is empty and ready to use. A Durations is a value;
// [Durations.Add] and [Durations.Merge] have pointer receivers and must not
// be called concurrently with other methods on the same value.
type Durations struct {
	// Days[d] counts the observations that lasted at least d and less than
	// d+1 whole days.
	Days []int64 `json:"days"`
	// N is the number of observations, the sum of Days.
	N int64 `json:"n"`
	// Seconds is the exact sum of the observations in whole seconds.
	Seconds int64 `json:"seconds"`
}

// maxDays bounds a single observation (about 274 years); longer durations
// are data errors, such as a date typed with the wrong century.
const maxDays = 100_000

// Add records one duration. It returns an error wrapping [ErrOutOfRange]
// for a negative duration or one longer than 100,000 days.
func (h *Durations) Add(d time.Duration) error {
	if d < 0 || d > maxDays*24*time.Hour {
		return &InputError{Name: "duration", Value: d.String(), Err: ErrOutOfRange}
	}
	sec := int64(d / time.Second)
	day := sec / secondsPerDay
	if int(day) >= len(h.Days) {
		h.Days = append(h.Days, make([]int64, int(day)+1-len(h.Days))...)
	}
	h.Days[day]++
	h.N++
	h.Seconds += sec
	return nil
}

// Merge adds the observations of g to h.
func (h *Durations) Merge(g Durations) {
	if len(g.Days) > len(h.Days) {
		h.Days = append(h.Days, make([]int64, len(g.Days)-len(h.Days))...)
	}
	for i, c := range g.Days {
		h.Days[i] += c
	}
	h.N += g.N
	h.Seconds += g.Seconds
}

// Clone returns a copy of h that shares no storage with it.
func (h Durations) Clone() Durations {
	h.Days = append([]int64(nil), h.Days...)
	return h
}

// MeanDays returns the exact mean in days,
//
//	Seconds / N / 86400,
//
// and false when there are no observations.
func (h Durations) MeanDays() (float64, bool) {
	if h.N == 0 {
		return 0, false
	}
	return float64(h.Seconds) / float64(h.N) / secondsPerDay, true
}

// QuantileDays returns the p-quantile in whole days by the nearest-rank
// rule: the smallest d such that at least ceil(p·N) observations lasted
// less than d+1 days (p = 0 gives the smallest bin). It returns false when
// there are no observations and an error wrapping [ErrOutOfRange] when p
// is outside [0, 1] or NaN.
func (h Durations) QuantileDays(p float64) (int, bool, error) {
	if !(p >= 0 && p <= 1) {
		return 0, false, inputErr("p", p, ErrOutOfRange)
	}
	if h.N == 0 {
		return 0, false, nil
	}
	rank := max(int64(math.Ceil(p*float64(h.N))), 1)
	var cum int64
	for d, c := range h.Days {
		cum += c
		if cum >= rank {
			return d, true, nil
		}
	}
	return len(h.Days) - 1, true, nil
}

// Summary is the usual description of a [Durations] in days.
type Summary struct {
	N          int64   `json:"n"`
	MeanDays   float64 `json:"mean_days"`
	MedianDays int     `json:"median_days"`
	P90Days    int     `json:"p90_days"`
	MaxDays    int     `json:"max_days"`
}

// Summary returns the count, the exact mean, the median, the 90th
// percentile and the maximum, in days (percentiles by [Durations.QuantileDays]).
// All are zero when there are no observations.
func (h Durations) Summary() Summary {
	if h.N == 0 {
		return Summary{}
	}
	mean, _ := h.MeanDays()
	med, _, _ := h.QuantileDays(0.5)
	p90, _, _ := h.QuantileDays(0.9)
	top, _, _ := h.QuantileDays(1)
	return Summary{N: h.N, MeanDays: mean, MedianDays: med, P90Days: p90, MaxDays: top}
}

// String formats the summary, as "n=12 mean=3.4d median=3d p90=7d".
func (s Summary) String() string {
	return fmt.Sprintf("n=%d mean=%.1fd median=%dd p90=%dd", s.N, s.MeanDays, s.MedianDays, s.P90Days)
}

// check verifies the invariants of a decoded Durations.
func (h Durations) check() error {
	var n int64
	for d, c := range h.Days {
		if c < 0 {
			return countErr(fmt.Sprintf("days[%d]", d), c, ErrNegativeCount)
		}
		n += c
	}
	if n != h.N || h.Seconds < 0 {
		return &InputError{Name: "durations", Value: fmt.Sprintf("n=%d sum(days)=%d seconds=%d", h.N, n, h.Seconds), Err: ErrOutOfRange}
	}
	return nil
}

// UnmarshalJSON decodes a Durations and checks that its bins are
// non-negative and sum to N.
func (h *Durations) UnmarshalJSON(b []byte) error {
	type plain Durations
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if err := Durations(p).check(); err != nil {
		return err
	}
	*h = Durations(p)
	return nil
}
