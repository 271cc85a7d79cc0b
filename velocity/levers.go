package velocity

import (
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"
)

// Lever names one of the four levers of sales velocity.
type Lever int8

const (
	// LeverOpportunities is the number of opportunities worked.
	LeverOpportunities Lever = iota
	// LeverWinRate is the share of closed opportunities that are won.
	LeverWinRate
	// LeverASP is the average selling price of a won deal.
	LeverASP
	// LeverCycle is the average sales cycle, from creation to close.
	LeverCycle
)

// NumLevers is the number of levers; arrays indexed by [Lever] have this
// length.
const NumLevers = 4

// String returns "opportunities", "win rate", "asp" or "cycle".
func (l Lever) String() string {
	switch l {
	case LeverOpportunities:
		return "opportunities"
	case LeverWinRate:
		return "win rate"
	case LeverASP:
		return "asp"
	case LeverCycle:
		return "cycle"
	}
	return fmt.Sprintf("Lever(%d)", int8(l))
}

// Valid reports whether l is one of the four levers.
func (l Lever) Valid() bool { return l >= LeverOpportunities && l <= LeverCycle }

// MarshalText encodes the lever as its [Lever.String].
func (l Lever) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, inputErr("lever", fmt.Sprint(int8(l)), ErrOutOfRange)
	}
	return []byte(l.String()), nil
}

// UnmarshalText decodes a lever from its [Lever.String].
func (l *Lever) UnmarshalText(b []byte) error {
	for c := LeverOpportunities; c <= LeverCycle; c++ {
		if string(b) == c.String() {
			*l = c
			return nil
		}
	}
	return inputErr("lever", fmt.Sprintf("%q", b), ErrOutOfRange)
}

// Periods in days for [Levers.Bookings]; any other number of days may be
// given.
const (
	DaysWeek    = 7
	DaysMonth   = 30
	DaysQuarter = 91
)

// Levers are the four levers of sales velocity:
//
//	V = O × W × ASP / C
//
// with O the opportunities worked, W the win rate, ASP the average selling
// price and C the sales cycle in days. V is bookings per day, in the
// currency of ASP; bookings over T days are V × T.
//
// Opportunities is a float64 so that an average (opportunities open on an
// average day) or a share can be used; WinRate is in [0, 1] (the measured
// counts behind it are in [Measured]); Cycle is a [time.Duration] and enters
// the formula in days of 24 hours. The zero Levers is not valid (its cycle
// is zero); build one with [NewLevers] or check it with [Levers.Validate].
type Levers struct {
	Opportunities float64         `json:"opportunities"`
	WinRate       float64         `json:"win_rate"`
	ASP           decimal.Decimal `json:"asp"`
	Cycle         time.Duration   `json:"cycle_ns"`
}

// NewLevers returns the levers after checking them with [Levers.Validate].
func NewLevers(opportunities, winRate float64, asp decimal.Decimal, cycle time.Duration) (Levers, error) {
	l := Levers{Opportunities: opportunities, WinRate: winRate, ASP: asp, Cycle: cycle}
	if err := l.Validate(); err != nil {
		return Levers{}, err
	}
	return l, nil
}

// Validate checks the levers. It returns a *[LeverError] naming the first
// lever at fault, wrapping:
//   - [ErrNotFinite] for a NaN or infinite opportunities or win rate;
//   - [ErrNegative] for negative opportunities, ASP or cycle;
//   - [ErrRateRange] for a win rate outside [0, 1];
//   - [ErrZeroCycle] for a zero cycle.
func (l Levers) Validate() error {
	switch o := l.Opportunities; {
	case math.IsNaN(o) || math.IsInf(o, 0):
		return leverErr(LeverOpportunities, fmtFloat(o), ErrNotFinite)
	case o < 0:
		return leverErr(LeverOpportunities, fmtFloat(o), ErrNegative)
	}
	switch w := l.WinRate; {
	case math.IsNaN(w) || math.IsInf(w, 0):
		return leverErr(LeverWinRate, fmtFloat(w), ErrNotFinite)
	case w < 0 || w > 1:
		return leverErr(LeverWinRate, fmtFloat(w), ErrRateRange)
	}
	if l.ASP.IsNegative() {
		return leverErr(LeverASP, l.ASP.String(), ErrNegative)
	}
	if err := checkExponent(l.ASP); err != nil {
		return leverErr(LeverASP, "", err)
	}
	switch {
	case l.Cycle < 0:
		return leverErr(LeverCycle, l.Cycle.String(), ErrNegative)
	case l.Cycle == 0:
		return leverErr(LeverCycle, l.Cycle.String(), ErrZeroCycle)
	}
	return nil
}

// CycleDays returns the cycle in days of 24 hours.
func (l Levers) CycleDays() float64 { return days(l.Cycle) }

// Velocity returns bookings per day:
//
//	V = O × W × ASP / C_days
//
// in the currency of ASP, to at least 20 significant digits (see the
// package documentation, # Precision). It returns the errors of
// [Levers.Validate].
func (l Levers) Velocity() (decimal.Decimal, error) {
	return l.Bookings(1)
}

// Bookings returns the bookings over a period of the given number of days
// (such as [DaysWeek], [DaysMonth], [DaysQuarter]):
//
//	B = O × W × ASP × T / C_days
//
// computed in one division, so B is not V × T rounded twice. It returns
// the errors of [Levers.Validate], and a *[InputError] wrapping
// [ErrNotFinite] or [ErrNegative] for a bad number of days.
func (l Levers) Bookings(periodDays float64) (decimal.Decimal, error) {
	if err := l.Validate(); err != nil {
		return decimal.Decimal{}, err
	}
	d, err := checkDays("days", periodDays)
	if err != nil {
		return decimal.Decimal{}, err
	}
	num, den := l.bookingsFraction(d)
	return quo(num, den), nil
}

// bookingsFraction returns O × W × ASP × T × ns-per-day and C in
// nanoseconds, whose quotient is the bookings over T days. The levers must
// be valid.
func (l Levers) bookingsFraction(periodDays decimal.Decimal) (num, den decimal.Decimal) {
	num = toDecimal(l.Opportunities).Mul(toDecimal(l.WinRate)).Mul(l.ASP).Mul(periodDays).Mul(nsPerDay())
	return num, decimal.NewFromInt(int64(l.Cycle))
}

// checkDays checks a period in days and converts it.
func checkDays(name string, d float64) (decimal.Decimal, error) {
	switch {
	case math.IsNaN(d) || math.IsInf(d, 0):
		return decimal.Decimal{}, inputErr(name, fmtFloat(d), ErrNotFinite)
	case d < 0:
		return decimal.Decimal{}, inputErr(name, fmtFloat(d), ErrNegative)
	}
	return toDecimal(d), nil
}

// toDecimal is the package's one conversion from float64 to
// [decimal.Decimal]. Every caller has rejected NaN and ±Inf first (as
// decimal.NewFromFloat panics on them); the conversion keeps the shortest
// decimal that reads back as the same float64, so 0.1 becomes 0.1 and not
// 0.1000000000000000055511151231257827.
func toDecimal(x float64) decimal.Decimal {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		// Unreachable: every caller checks first. Returning zero keeps a
		// programming slip from panicking on data.
		return decimal.Decimal{}
	}
	return decimal.NewFromFloat(x)
}

// nsPerDay returns the nanoseconds in a day of 24 hours, 864 × 10^11.
func nsPerDay() decimal.Decimal { return decimal.New(864, 11) }

// days returns d in days of 24 hours.
func days(d time.Duration) float64 { return float64(d) / float64(24*time.Hour) }

// Precision of divisions: a quotient keeps at least sigDigits significant
// digits and at least minScale decimal places.
const (
	sigDigits = 20
	minScale  = 16
)

// quo returns n / d rounded half away from zero to at least sigDigits
// significant digits and minScale places. d must not be zero.
func quo(n, d decimal.Decimal) decimal.Decimal {
	mag := n.NumDigits() + int(n.Exponent()) - d.NumDigits() - int(d.Exponent())
	places := max(minScale, sigDigits-mag)
	return n.DivRound(d, int32(places))
}

// logDecimal returns the natural logarithm of d > 0 without overflowing a
// float64: d = m × 10^e with m in [1, 10), ln d = ln m + e ln 10.
func logDecimal(d decimal.Decimal) float64 {
	e := d.NumDigits() + int(d.Exponent()) - 1
	m := d.Shift(int32(-e)).InexactFloat64()
	return math.Log(m) + float64(e)*math.Ln10
}
