package velocity

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/funnelmath/funnelmath/internal/span"
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

// MarshalText encodes the lever as its [Lever.String]; a value out of
// range is a *[funnel.InputError] wrapping [funnel.ErrOutOfRange].
func (l Lever) MarshalText() ([]byte, error) { return optionText("lever", l, LeverCycle) }

// UnmarshalText decodes a lever from its [Lever.String]; any other text
// is a *[funnel.InputError] naming "lever", wrapping [funnel.ErrOutOfRange].
func (l *Lever) UnmarshalText(b []byte) error {
	return decodeTop("velocity.Lever.UnmarshalText", "lever", parseOption(b, l, LeverCycle))
}

// NullLever is a lever that may be undefined, as [funnel.NullFloat64] is
// a number that may be: JSON null when not Valid, the lever's name
// otherwise.
type NullLever struct {
	Lever Lever
	Valid bool // Valid is true when Lever is set
}

// SomeLever returns l as a defined [NullLever].
func SomeLever(l Lever) NullLever { return NullLever{Lever: l, Valid: true} }

// String returns the lever's name, or "none" when not Valid.
func (n NullLever) String() string {
	if !n.Valid {
		return "none"
	}
	return n.Lever.String()
}

// MarshalJSON encodes the lever's name, or null when not Valid.
func (n NullLever) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.Lever)
}

// UnmarshalJSON decodes null or a lever's name; anything else is a
// *[funnel.InputError] naming "lever", wrapping [funnel.ErrOutOfRange].
func (n *NullLever) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.NullLever.UnmarshalJSON", "lever", nullLever(n)(b))
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
// currency of ASP; bookings over T days are V × T. That holds when O is
// the number of opportunities open on an average day (Little's L; see
// [CountAverageOpen]).
//
// Opportunities is a float64 so that an average (opportunities open on an
// average day) or a share can be used; WinRate is in [0, 1] (the measured
// counts behind it are in [Measured]); Cycle is a [time.Duration] and enters
// the formula in days of 24 hours. The zero Levers is not valid (its cycle
// is zero); build one with [NewLevers] or check it with [Levers.Validate].
//
// In JSON the cycle is a number of days, "cycle_days" (see
// [Levers.MarshalJSON]).
type Levers struct {
	Opportunities float64         `json:"opportunities"`
	WinRate       float64         `json:"win_rate"`
	ASP           decimal.Decimal `json:"asp"`
	Cycle         time.Duration   `json:"-"`
}

// NewLevers returns the levers after checking them as [Levers.Validate]
// does, with errors naming "velocity.NewLevers".
func NewLevers(opportunities, winRate float64, asp decimal.Decimal, cycle time.Duration) (Levers, error) {
	l := Levers{Opportunities: opportunities, WinRate: winRate, ASP: asp, Cycle: cycle}
	if err := l.check("velocity.NewLevers"); err != nil {
		return Levers{}, err
	}
	return l, nil
}

// Validate checks the levers. It returns a *[LeverError] naming the first
// lever at fault, wrapping:
//   - [funnel.ErrNotFinite] for a NaN or infinite opportunities or win rate;
//   - [funnel.ErrNegative] for negative opportunities or cycle, and
//     [funnel.ErrNegativeAmount] for a negative ASP;
//   - [funnel.ErrRateRange] for a win rate outside [0, 1];
//   - [funnel.ErrOutOfRange] for an ASP beyond [funnel.AmountInRange];
//   - [ErrZeroCycle] for a zero cycle.
func (l Levers) Validate() error { return l.check("velocity.Levers.Validate") }

// check is Validate with errors naming op.
func (l Levers) check(op string) error {
	switch o := l.Opportunities; {
	case math.IsNaN(o) || math.IsInf(o, 0):
		return leverErr(op, LeverOpportunities, fmtFloat(o), funnel.ErrNotFinite)
	case o < 0:
		return leverErr(op, LeverOpportunities, fmtFloat(o), funnel.ErrNegative)
	}
	switch w := l.WinRate; {
	case math.IsNaN(w) || math.IsInf(w, 0):
		return leverErr(op, LeverWinRate, fmtFloat(w), funnel.ErrNotFinite)
	case w < 0 || w > 1:
		return leverErr(op, LeverWinRate, fmtFloat(w), funnel.ErrRateRange)
	}
	if err := funnel.AmountReason(l.ASP); err != nil {
		return leverErr(op, LeverASP, "", err)
	}
	switch {
	case l.Cycle < 0:
		return leverErr(op, LeverCycle, l.Cycle.String(), funnel.ErrNegative)
	case l.Cycle == 0:
		return leverErr(op, LeverCycle, l.Cycle.String(), ErrZeroCycle)
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
	return l.bookings("velocity.Levers.Velocity", 1)
}

// Bookings returns the bookings over a period of the given number of days
// (such as [DaysWeek], [DaysMonth], [DaysQuarter]):
//
//	B = O × W × ASP × T / C_days
//
// computed in one division, so B is not V × T rounded twice. It returns
// the errors of [Levers.Validate], and a *[funnel.InputError] wrapping
// [funnel.ErrNotFinite] or [funnel.ErrNegative] for a bad number of days.
func (l Levers) Bookings(periodDays float64) (decimal.Decimal, error) {
	return l.bookings("velocity.Levers.Bookings", periodDays)
}

func (l Levers) bookings(op string, periodDays float64) (decimal.Decimal, error) {
	if err := l.check(op); err != nil {
		return decimal.Decimal{}, err
	}
	d, err := checkDays(op, "days", periodDays)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return l.bookingsOver(d), nil
}

// bookingsOver returns O × W × ASP × T / C for valid levers.
func (l Levers) bookingsOver(periodDays decimal.Decimal) decimal.Decimal {
	num, den := l.bookingsFraction(periodDays)
	q, _ := dec.Quo(num, den) // den is the cycle, > 0 in valid levers
	return q
}

// bookingsFraction returns O × W × ASP × T × ns-per-day and C in
// nanoseconds, whose quotient is the bookings over T days. The levers must
// be valid.
func (l Levers) bookingsFraction(periodDays decimal.Decimal) (num, den decimal.Decimal) {
	o, _ := dec.FromFloat(l.Opportunities) // finite in valid levers
	w, _ := dec.FromFloat(l.WinRate)
	num = o.Mul(w).Mul(l.ASP).Mul(periodDays).Mul(nsPerDay())
	return num, decimal.NewFromInt(int64(l.Cycle))
}

// checkDays checks a period in days and converts it.
func checkDays(op, name string, d float64) (decimal.Decimal, error) {
	if err := checkNonNegative(op, name, d); err != nil {
		return decimal.Decimal{}, err
	}
	v, _ := dec.FromFloat(d) // finite: checked
	return v, nil
}

// nsPerDay returns the nanoseconds in a day of 24 hours, 864 × 10^11.
func nsPerDay() decimal.Decimal { return decimal.New(864, 11) }

// day is a day of 24 hours.
const day = 24 * time.Hour

// days returns d in days of 24 hours.
func days(d time.Duration) float64 { return span.DaysOf(d) }

// leversFields is Levers without its methods, for encoding/json.
type leversFields Levers

// MarshalJSON encodes the levers as {"opportunities", "win_rate", "asp",
// "cycle_days"}, the cycle a number of days of 24 hours.
func (l Levers) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		leversFields
		CycleDays float64 `json:"cycle_days"`
	}{leversFields(l), l.CycleDays()})
}

// UnmarshalJSON decodes levers as [Levers.MarshalJSON] writes them, the
// cycle rounded to the nanosecond. It does not validate them (see
// [Levers.Validate]) beyond what decoding needs: a malformed document, a
// value of the wrong type, an ASP that is not a decimal within
// [funnel.AmountInRange] or a cycle beyond time.Duration's range (about
// 106,751 days either way) is a *[funnel.InputError] naming the field
// ("levers" for the whole document), wrapping [funnel.ErrOutOfRange]. On
// an error l is unchanged; null leaves it as it is.
func (l *Levers) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Levers.UnmarshalJSON", "levers", l.decode(b))
}

func (l *Levers) decode(b []byte) error {
	return decodeObject(l, b, func(v *Levers) []field {
		return []field{
			{"opportunities", plain(&v.Opportunities)},
			{"win_rate", plain(&v.WinRate)},
			{"asp", amount(&v.ASP)},
			{"cycle_days", daysOf(&v.Cycle)},
		}
	}, nil)
}
