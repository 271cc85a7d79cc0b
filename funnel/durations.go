package funnel

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/funnelmath/funnelmath/internal/num"
)

const secondsPerDay = 86400

// maxDays bounds a single observation (about 274 years); longer durations
// are data errors, such as a date typed with the wrong century.
const maxDays = 100_000

// MaxDurationDays is the longest duration, in days, that a [Durations]
// records: about 274 years. A longer one is a data error, such as a date
// typed with the wrong century.
const MaxDurationDays = maxDays

// denseDays is the number of days, from day 0, that a [Durations] counts
// in a dense array (grown in powers of two up to the largest such day
// observed); later days are kept sparse. Most stage times and cycles are
// under a year and a half, where an indexed bin is faster than a search,
// and the dense part costs at most 4 KiB however long the spans.
const denseDays = 512

// Durations is a mergeable distribution of durations: a histogram by
// whole day whose memory grows with the distinct days observed, not with
// the longest span (days under [denseDays] in a small dense array, later
// ones sparse), together with the exact sum in seconds. The mean is exact;
// percentiles are exact to the day, and exact for date-only data, whose
// durations are whole days; two distributions merge by adding their bins.
//
// The zero Durations is empty and ready to use. A Durations is a value;
// [Durations.Add] and [Durations.Merge] have pointer receivers and must not
// be called concurrently with other methods on the same value. In JSON it
// is {"n": 3, "seconds": 345600, "days": [[1, 2], [2, 1]]}: the count, the
// sum of the durations in whole seconds, and [day, count] pairs in
// increasing day order.
type Durations struct {
	dense   []int64 // dense[d] counts day d < denseDays; trailing zeros allowed
	top     int     // 1 + the largest day with a count in dense, 0 when none
	bins    []Bin   // days >= denseDays, sorted by Day, every Count > 0
	n       int64
	seconds int64
}

// Bin is one bin of a [Durations]: the observations that lasted at least
// Day and less than Day+1 whole days.
type Bin struct {
	Day   int   `json:"day"`
	Count int64 `json:"count"`
}

// N returns the number of observations.
func (h Durations) N() int64 { return h.n }

// Seconds returns the exact sum of the observations in whole seconds.
func (h Durations) Seconds() int64 { return h.seconds }

// Bins returns the non-empty bins, in increasing day order, as a new
// slice.
func (h Durations) Bins() []Bin {
	out := make([]Bin, 0, len(h.bins)+8)
	for d, c := range h.dense[:h.top] {
		if c != 0 {
			out = append(out, Bin{Day: d, Count: c})
		}
	}
	return append(out, h.bins...)
}

// Add records one duration, truncated to the second. It returns a
// *[InputError] wrapping [ErrOutOfRange] for a negative duration, one
// longer than [MaxDurationDays], or one that would take the count or the
// sum of seconds past an int64; h is then unchanged.
func (h *Durations) Add(d time.Duration) error {
	if d < 0 || d > maxDays*24*time.Hour {
		return &InputError{Name: "duration", Value: d.String(), Err: ErrOutOfRange}
	}
	sec := int64(d / time.Second)
	s, ok1 := num.Add(h.seconds, sec)
	n, ok2 := num.Add(h.n, 1)
	if !ok1 || !ok2 {
		return &InputError{Name: "durations", Value: fmt.Sprintf("n=%d seconds=%d", h.n, h.seconds), Err: fmt.Errorf("%w: sum past an int64", ErrOutOfRange)}
	}
	h.addBin(int(sec/secondsPerDay), 1)
	h.n, h.seconds = n, s
	return nil
}

// spanSeconds returns to − from in whole seconds, as
// int64(to.Sub(from) / time.Second), and true, when from and to carry no
// monotonic reading (which Sub would use) and the duration is from 0 to
// under [MaxDurationDays]; otherwise false. It takes the difference from
// their Unix seconds and nanoseconds, without Sub's check for overflow:
// the same whole seconds, since a duration d ≥ 0 truncates to ⌊d/1s⌋. A
// difference of Unix seconds that wraps an int64 is one of times far
// beyond the span of a valid deal, which the caller (see [dealView])
// rules out.
func spanSeconds(from, to time.Time) (int64, bool) {
	s := to.Unix() - from.Unix()
	if to.Nanosecond() < from.Nanosecond() {
		s--
	}
	return s, s >= 0 && s < maxDays*secondsPerDay
}

// addSpan records to − from as h.Add(to.Sub(from)) does, ignoring the
// error as [group.addDeal] may: without Sub when exact is set (see
// [dealView]) and [spanSeconds] can take the difference.
func (h *Durations) addSpan(from, to time.Time, exact bool) {
	if exact {
		if sec, ok := spanSeconds(from, to); ok {
			h.addSec(sec)
			return
		}
	}
	_ = h.Add(to.Sub(from))
}

// addSec records one duration of sec whole seconds, 0 ≤ sec <
// [MaxDurationDays] days, as [Durations.Add] does; it does nothing when
// the count or the sum would pass an int64.
func (h *Durations) addSec(sec int64) {
	s, ok1 := num.Add(h.seconds, sec)
	n, ok2 := num.Add(h.n, 1)
	if !ok1 || !ok2 {
		return
	}
	day := int(sec / secondsPerDay)
	if day < len(h.dense) {
		h.dense[day]++
		if day >= h.top {
			h.top = day + 1
		}
	} else {
		h.addBin(day, 1)
	}
	h.n, h.seconds = n, s
}

// addBin adds c observations to the bin of day.
func (h *Durations) addBin(day int, c int64) {
	if day < denseDays {
		if day >= len(h.dense) {
			size := max(8, len(h.dense))
			for size <= day {
				size *= 2
			}
			h.dense = append(h.dense, make([]int64, min(size, denseDays)-len(h.dense))...)
		}
		h.dense[day] += c
		h.top = max(h.top, day+1)
		return
	}
	if k := len(h.bins); k == 0 || h.bins[k-1].Day < day {
		h.bins = append(h.bins, Bin{Day: day, Count: c})
		return
	}
	i, found := slices.BinarySearchFunc(h.bins, day, func(b Bin, d int) int { return b.Day - d })
	if found {
		h.bins[i].Count += c
		return
	}
	h.bins = slices.Insert(h.bins, i, Bin{Day: day, Count: c})
}

// Merge adds the observations of g to h. It returns a *[InputError]
// wrapping [ErrOutOfRange] when the count or the sum of seconds would pass
// an int64; h is then unchanged.
func (h *Durations) Merge(g Durations) error {
	_, ok1 := num.Add(h.n, g.n)
	_, ok2 := num.Add(h.seconds, g.seconds)
	if !ok1 || !ok2 {
		return &InputError{Name: "durations", Value: fmt.Sprintf("n=%d+%d seconds=%d+%d", h.n, g.n, h.seconds, g.seconds), Err: fmt.Errorf("%w: sum past an int64", ErrOutOfRange)}
	}
	h.merge(&g)
	return nil
}

// merge adds the observations of g to h, whose sums the caller checked.
// Every bin is at most n, so no bin overflows once n does not.
func (h *Durations) merge(g *Durations) {
	h.n += g.n
	h.seconds += g.seconds
	if g.top > len(h.dense) {
		h.dense = append(h.dense, make([]int64, len(g.dense)-len(h.dense))...)
	}
	hd, gd := h.dense[:g.top], g.dense[:g.top]
	for d := range gd {
		hd[d] += gd[d]
	}
	h.top = max(h.top, g.top)
	switch {
	case len(g.bins) == 0:
	case len(h.bins) == 0:
		h.bins = slices.Clone(g.bins)
	default:
		merged := make([]Bin, 0, len(h.bins)+len(g.bins))
		i, j := 0, 0
		for i < len(h.bins) || j < len(g.bins) {
			switch {
			case j == len(g.bins) || (i < len(h.bins) && h.bins[i].Day < g.bins[j].Day):
				merged = append(merged, h.bins[i])
				i++
			case i == len(h.bins) || g.bins[j].Day < h.bins[i].Day:
				merged = append(merged, g.bins[j])
				j++
			default:
				merged = append(merged, Bin{Day: h.bins[i].Day, Count: h.bins[i].Count + g.bins[j].Count})
				i++
				j++
			}
		}
		h.bins = merged
	}
}

// Clone returns a copy of h that shares no storage with it.
func (h Durations) Clone() Durations {
	h.dense = slices.Clone(h.dense)
	h.bins = slices.Clone(h.bins)
	return h
}

// Equal reports whether h and g hold the same observations: the same bins
// and the same sum of seconds.
func (h Durations) Equal(g Durations) bool {
	if h.n != g.n || h.seconds != g.seconds || !slices.Equal(h.bins, g.bins) {
		return false
	}
	a, b := h.dense[:h.top], g.dense[:g.top]
	if len(a) < len(b) {
		a, b = b, a
	}
	for d, c := range a {
		if d < len(b) {
			if c != b[d] {
				return false
			}
		} else if c != 0 {
			return false
		}
	}
	return true
}

// MeanDays returns the exact mean in days,
//
//	Seconds / N / 86400,
//
// not Valid when there are no observations.
func (h Durations) MeanDays() NullFloat64 {
	if h.n == 0 {
		return NullFloat64{}
	}
	return Some(float64(h.seconds) / float64(h.n) / secondsPerDay)
}

// QuantileDays returns the p-quantile in days by linear interpolation
// between order statistics, the definition that Excel's PERCENTILE.INC,
// pandas' and NumPy's default and R's type 7 use: with the N observations
// in whole days sorted as x₀ ≤ … ≤ x_{N−1} and h = (N − 1)·p,
//
//	Q(p) = x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋)
//
// so the median of an even count is the mean of the two middle values
// (58.5 for 58 and 59), Q(0) is the smallest and Q(1) the largest. The
// result is not Valid when there are no observations. It returns a
// *[InputError] wrapping [ErrOutOfRange] when p is outside [0, 1] or NaN.
// For the nearest-rank rule, which always returns an observed day, see
// [Durations.NearestRankDays].
func (h Durations) QuantileDays(p float64) (NullFloat64, error) {
	if !(p >= 0 && p <= 1) {
		return NullFloat64{}, inputErr("p", p, ErrOutOfRange)
	}
	if h.n == 0 {
		return NullFloat64{}, nil
	}
	pos := float64(h.n-1) * p
	lo := int64(math.Floor(pos))
	frac := pos - float64(lo)
	a := h.orderStat(lo)
	if frac == 0 { // then lo+1 may be N: h = N−1 only at p = 1
		return Some(float64(a)), nil
	}
	b := h.orderStat(lo + 1)
	return Some(float64(a) + frac*float64(b-a)), nil
}

// MedianDays returns [Durations.QuantileDays] at ½: the middle value, or
// the mean of the two middle values for an even count; not Valid when
// there are no observations.
func (h Durations) MedianDays() NullFloat64 {
	q, _ := h.QuantileDays(0.5)
	return q
}

// NearestRankDays returns the p-quantile in whole days by the nearest-rank
// rule: the smallest day d such that at least ⌈p·N⌉ observations (at least
// one) lasted less than d+1 days. It always returns an observed day, the
// lower of the two middle values for the median of an even count. The
// result is not Valid when there are no observations; it returns a
// *[InputError] wrapping [ErrOutOfRange] when p is outside [0, 1] or NaN.
func (h Durations) NearestRankDays(p float64) (NullFloat64, error) {
	if !(p >= 0 && p <= 1) {
		return NullFloat64{}, inputErr("p", p, ErrOutOfRange)
	}
	if h.n == 0 {
		return NullFloat64{}, nil
	}
	rank := max(int64(math.Ceil(p*float64(h.n))), 1)
	return Some(float64(h.orderStat(rank - 1))), nil
}

// orderStat returns the day of the i-th observation in increasing order
// (0-based), i < N.
func (h Durations) orderStat(i int64) int {
	var cum int64
	last := 0
	for d, c := range h.dense[:h.top] {
		if c == 0 {
			continue
		}
		cum += c
		if cum > i {
			return d
		}
		last = d
	}
	for _, b := range h.bins {
		cum += b.Count
		if cum > i {
			return b.Day
		}
		last = b.Day
	}
	return last
}

// Summary is the usual description of a [Durations] in days. Every figure
// but N is null when there are no observations.
type Summary struct {
	N          int64       `json:"n"`
	MeanDays   NullFloat64 `json:"mean_days"`
	MedianDays NullFloat64 `json:"median_days"` // by [Durations.QuantileDays]
	P90Days    NullFloat64 `json:"p90_days"`    // by [Durations.QuantileDays]
	MaxDays    NullFloat64 `json:"max_days"`
}

// Summary returns the count, the exact mean, the median, the 90th
// percentile (both by [Durations.QuantileDays]) and the maximum, in days.
func (h Durations) Summary() Summary {
	if h.n == 0 {
		return Summary{}
	}
	med, _ := h.QuantileDays(0.5)
	p90, _ := h.QuantileDays(0.9)
	top, _ := h.QuantileDays(1)
	return Summary{N: h.n, MeanDays: h.MeanDays(), MedianDays: med, P90Days: p90, MaxDays: top}
}

// String formats the summary, as "n=12 mean=3.4d median=3.0d p90=7.0d", or
// "n=0" when empty.
func (s Summary) String() string {
	if s.N == 0 {
		return "n=0"
	}
	return fmt.Sprintf("n=%d mean=%.1fd median=%.1fd p90=%.1fd", s.N, s.MeanDays.Float64, s.MedianDays.Float64, s.P90Days.Float64)
}

// durationsJSON is the encoded form of a Durations.
type durationsJSON struct {
	N       int64      `json:"n"`
	Seconds int64      `json:"seconds"`
	Days    [][2]int64 `json:"days"`
}

// MarshalJSON encodes the distribution as {"n", "seconds", "days"}, days
// being [day, count] pairs in increasing day order.
func (h Durations) MarshalJSON() ([]byte, error) { return h.appendJSON(nil), nil }

// UnmarshalJSON decodes what [Durations.MarshalJSON] writes and checks it:
// days in strictly increasing order within [0, MaxDurationDays], counts
// positive and adding up to n, and a sum of seconds that whole-day bins
// allow (at least 86400 × day and less than 86400 × (day+1) per
// observation). A failure is a *[InputError] naming the field and wrapping
// [ErrOutOfRange], [ErrNegativeCount] or [ErrCountsRise].
func (h *Durations) UnmarshalJSON(b []byte) error {
	if isNull(b) {
		return nil
	}
	var j durationsJSON
	if !j.parse(b) {
		if err := decodeJSON(b, &j, "durations"); err != nil {
			return err
		}
	}
	g, err := durationsOf(j)
	if err != nil {
		return err
	}
	*h = g
	return nil
}

// parse reads the form that [Durations.MarshalJSON] writes,
//
//	{"n":3,"seconds":345600,"days":[[1,2],[2,1]]}
//
// with optional white space, in one pass and without reflection, and
// reports false for anything else (another key order, other keys, numbers
// that are not plain integers), which the general decoder then reads and,
// where it is wrong, names. A tally holds a dozen distributions per group,
// so this is most of the work of decoding one.
func (j *durationsJSON) parse(b []byte) bool {
	i := 0
	space := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	lit := func(s string) bool {
		space()
		if len(b)-i < len(s) || string(b[i:i+len(s)]) != s {
			return false
		}
		i += len(s)
		return true
	}
	integer := func() (int64, bool) {
		space()
		start := i
		if i < len(b) && b[i] == '-' {
			i++
		}
		var v int64
		digits := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if digits == 18 {
				return 0, false // may not fit: the general decoder says so
			}
			v = v*10 + int64(b[i]-'0')
			i++
			digits++
		}
		if digits == 0 || (digits > 1 && b[start] == '0') || (b[start] == '-' && (digits > 1 && b[start+1] == '0')) {
			return 0, false
		}
		if b[start] == '-' {
			v = -v
		}
		return v, true
	}
	var ok bool
	if !lit("{") || !lit(`"n"`) || !lit(":") {
		return false
	}
	if j.N, ok = integer(); !ok || !lit(",") || !lit(`"seconds"`) || !lit(":") {
		return false
	}
	if j.Seconds, ok = integer(); !ok || !lit(",") || !lit(`"days"`) || !lit(":") || !lit("[") {
		return false
	}
	j.Days = j.Days[:0]
	if !lit("]") {
		for {
			var p [2]int64
			if !lit("[") {
				return false
			}
			if p[0], ok = integer(); !ok || !lit(",") {
				return false
			}
			if p[1], ok = integer(); !ok || !lit("]") {
				return false
			}
			j.Days = append(j.Days, p)
			if lit("]") {
				break
			}
			if !lit(",") {
				return false
			}
		}
	}
	if !lit("}") {
		return false
	}
	space()
	return i == len(b)
}

// durationsOf checks a decoded Durations and builds it.
func durationsOf(j durationsJSON) (Durations, error) {
	g := Durations{n: j.N, seconds: j.Seconds}
	// The dense days at once, as long as addBin would grow them, rather
	// than grown bin by bin.
	top := -1
	for _, p := range j.Days {
		if p[0] >= 0 && p[0] < denseDays {
			top = max(top, int(p[0]))
		}
	}
	if top >= 0 {
		size := 8
		for size <= top {
			size *= 2
		}
		g.dense = make([]int64, min(size, denseDays))
	}
	var n, lo, hi int64 // observations, and the least and most seconds the bins allow
	for i, p := range j.Days {
		// The bin's name, made only on a failure: a tally decodes
		// thousands of bins.
		name := func(field string) string { return "days[" + strconv.Itoa(i) + "]." + field }
		day, c := p[0], p[1]
		switch {
		case day < 0 || day > maxDays:
			return Durations{}, countErr(name("day"), day, fmt.Errorf("%w: want 0 to %d", ErrOutOfRange, maxDays))
		case i > 0 && day <= j.Days[i-1][0]:
			return Durations{}, countErr(name("day"), day, fmt.Errorf("%w: days must increase", ErrOutOfRange))
		case c < 0:
			return Durations{}, countErr(name("count"), c, ErrNegativeCount)
		case c == 0:
			return Durations{}, countErr(name("count"), c, fmt.Errorf("%w: an empty bin", ErrOutOfRange))
		}
		var ok bool
		if n, ok = num.Add(n, c); !ok {
			return Durations{}, countErr(name("count"), c, fmt.Errorf("%w: counts past an int64", ErrOutOfRange))
		}
		// c ≤ n ≤ 2^63 and day ≤ 10^5, so the seconds bounds of this bin
		// fit in 128 bits; they are checked against an int64 one by one.
		l, ok1 := num.Mul(c, day*secondsPerDay)
		u, ok2 := num.Mul(c, (day+1)*secondsPerDay-1)
		if ok1 {
			lo, ok1 = num.Add(lo, l)
		}
		if !ok1 {
			return Durations{}, countErr("seconds", j.Seconds, fmt.Errorf("%w: the bins need more seconds than an int64 holds", ErrOutOfRange))
		}
		if !ok2 {
			u = math.MaxInt64
		}
		if hi, ok2 = num.Add(hi, u); !ok2 {
			hi = math.MaxInt64
		}
		g.addBin(int(day), c)
	}
	if n != j.N {
		return Durations{}, &InputError{Name: "n", Value: fmt.Sprint(j.N), Err: fmt.Errorf("%w: the bins hold %d observations", ErrOutOfRange, n)}
	}
	if j.Seconds < lo || j.Seconds > hi {
		return Durations{}, countErr("seconds", j.Seconds, fmt.Errorf("%w: the bins allow %d to %d", ErrOutOfRange, lo, hi))
	}
	return g, nil
}
