package velocity

import (
	"fmt"
	"math"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// Target is an amount of bookings to reach over a number of days. The zero
// Days means one day, so Target{Bookings: v} is a velocity of v per day.
type Target struct {
	Bookings decimal.Decimal `json:"bookings"`
	Days     float64         `json:"days,omitempty"`
}

// UnmarshalJSON decodes a target; an amount that is not a decimal within
// [funnel.AmountInRange] or a value of the wrong type is a
// *[funnel.InputError] naming the field ("target" for the whole
// document), wrapping [funnel.ErrOutOfRange]. On an error t is unchanged.
func (t *Target) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.Target.UnmarshalJSON", "target", decodeObject(t, b, func(v *Target) []field {
		return []field{{"bookings", amount(&v.Bookings)}, {"days", plain(&v.Days)}}
	}, nil))
}

// PerDay returns the target of v bookings per day.
func PerDay(v decimal.Decimal) Target { return Target{Bookings: v, Days: 1} }

// check checks the target and returns its days as a decimal (1 for zero).
func (t Target) check(op string) (decimal.Decimal, error) {
	if err := checkMoney(op, "target bookings", t.Bookings); err != nil {
		return decimal.Decimal{}, err
	}
	if t.Days == 0 {
		return decimal.NewFromInt(1), nil
	}
	return checkDays(op, "target days", t.Days)
}

// Solve returns the levers with the one named by solve replaced by the
// value that makes the bookings over t.Days equal t.Bookings, the other
// three held. From B × C_ns = O × W × ASP × T × ns_per_day:
//
//	O   = B × C / (W × ASP × T)
//	W   = B × C / (O × ASP × T)
//	ASP = B × C / (O × W × T)
//	C   = O × W × ASP × T / B
//
// The lever being solved for may hold any value in l (it is ignored); the
// other three must pass [Levers.Validate]. A solved ASP keeps at least 20
// significant digits, rounded (half to even) to [funnel.MaxAmountPlaces]
// decimal places at most, and one that is not [funnel.AmountInRange] after
// that is an error wrapping [funnel.ErrOutOfRange]; a solved cycle is
// rounded to the nanosecond; a solved opportunities or win rate is the
// nearest float64.
//
// Errors: those of [Levers.Validate] for the held levers; a
// *[funnel.InputError] wrapping [funnel.ErrNegativeAmount] or
// [funnel.ErrOutOfRange] for a bad target amount, [funnel.ErrNegative] or
// [funnel.ErrNotFinite] for bad target days, and [funnel.ErrOutOfRange]
// for a solve that is not a lever; a *[LeverError] for the solved lever
// wrapping [ErrUnreachable] when a held lever is zero and the target is
// not, when the solved win rate is above 1, or when a cycle is solved for
// a zero target, and wrapping [funnel.ErrOutOfRange] when the result does
// not fit its type (a cycle beyond 292 years or below one nanosecond,
// opportunities beyond float64, opportunities or a win rate below
// float64's normal range).
func Solve(l Levers, solve Lever, t Target) (Levers, error) {
	const op = "velocity.Solve"
	if !solve.Valid() {
		return Levers{}, inputErr(op, "lever", fmt.Sprint(int8(solve)), funnel.ErrOutOfRange)
	}
	periodDays, err := t.check(op)
	if err != nil {
		return Levers{}, err
	}
	// Replace the unknown by a valid placeholder so Validate checks the rest.
	probe := l
	switch solve {
	case LeverOpportunities:
		probe.Opportunities = 0
	case LeverWinRate:
		probe.WinRate = 0
	case LeverASP:
		probe.ASP = decimal.Decimal{}
	case LeverCycle:
		probe.Cycle = 1
	}
	if err := probe.check(op); err != nil {
		return Levers{}, err
	}
	b := t.Bookings
	k := periodDays.Mul(nsPerDay())
	o, _ := dec.FromFloat(probe.Opportunities) // finite: checked
	w, _ := dec.FromFloat(probe.WinRate)
	cns := decimal.NewFromInt(int64(l.Cycle))
	out := l
	switch solve {
	case LeverOpportunities, LeverWinRate, LeverASP:
		var den decimal.Decimal
		switch solve {
		case LeverOpportunities:
			den = w.Mul(l.ASP).Mul(k)
		case LeverWinRate:
			den = o.Mul(l.ASP).Mul(k)
		default:
			den = o.Mul(w).Mul(k)
		}
		if den.IsZero() {
			if !b.IsZero() {
				return Levers{}, leverErr(op, solve, "", fmt.Errorf("%w: another lever is zero", ErrUnreachable))
			}
			den = decimal.NewFromInt(1) // 0 × anything = 0: the solution is zero
		}
		x, _ := dec.Quo(b.Mul(cns), den) // den is not zero
		switch solve {
		case LeverOpportunities:
			f := x.InexactFloat64()
			if math.IsInf(f, 0) {
				return Levers{}, leverErr(op, solve, x.String(), fmt.Errorf("%w: beyond float64", funnel.ErrOutOfRange))
			}
			if f != 0 && f < minNormal {
				return Levers{}, leverErr(op, solve, x.String(), fmt.Errorf("%w: below float64's normal range", funnel.ErrOutOfRange))
			}
			out.Opportunities = f
		case LeverWinRate:
			if x.GreaterThan(decimal.NewFromInt(1)) {
				return Levers{}, leverErr(op, solve, x.String(), fmt.Errorf("%w: win rate above 1", ErrUnreachable))
			}
			f := x.InexactFloat64()
			if f != 0 && f < minNormal {
				return Levers{}, leverErr(op, solve, x.String(), fmt.Errorf("%w: below float64's normal range", funnel.ErrOutOfRange))
			}
			out.WinRate = f
		default:
			x = roundAmount(x)
			if !funnel.AmountInRange(x) || (x.IsZero() && !b.IsZero()) {
				return Levers{}, leverErr(op, solve, "", fmt.Errorf("%w: solved ASP %se%d beyond the bounds of money", funnel.ErrOutOfRange, x.Coefficient(), x.Exponent()))
			}
			out.ASP = x
		}
	case LeverCycle:
		if b.IsZero() {
			return Levers{}, leverErr(op, solve, "", fmt.Errorf("%w: no finite cycle gives zero bookings", ErrUnreachable))
		}
		num := o.Mul(w).Mul(l.ASP).Mul(k)
		if num.IsZero() {
			return Levers{}, leverErr(op, solve, "", fmt.Errorf("%w: another lever is zero", ErrUnreachable))
		}
		c, _ := dec.Quo(num, b) // b is not zero
		c = c.Round(0)
		if c.GreaterThan(decimal.NewFromInt(math.MaxInt64)) {
			return Levers{}, leverErr(op, solve, c.String()+"ns", fmt.Errorf("%w: beyond time.Duration", funnel.ErrOutOfRange))
		}
		if c.IsZero() {
			return Levers{}, leverErr(op, solve, "0", fmt.Errorf("%w: below one nanosecond", funnel.ErrOutOfRange))
		}
		out.Cycle = time.Duration(c.IntPart())
	}
	return out, nil
}

// minNormal is the smallest normal float64, 2^-1022: a solved rate below
// it would lose precision.
const minNormal = 0x1p-1022

// MakeUpResult is the answer to the make-up question: one lever moved by a
// relative change, how much another must change to hold bookings.
type MakeUpResult struct {
	Moved       Lever   `json:"moved"`
	MovedChange float64 `json:"moved_change"` // relative change given, -0.1 = -10%
	Adjust      Lever   `json:"adjust"`
	Change      float64 `json:"change"` // relative change the adjusted lever must make
	Levers      Levers  `json:"levers"` // the levers after both changes
}

// UnmarshalJSON decodes what encoding/json writes for a make-up result; a
// failure is a *[funnel.InputError] naming its place, such as "moved" or
// "levers.asp" ("make-up result" for the whole document), wrapping
// [funnel.ErrOutOfRange]. On an error r is unchanged.
func (r *MakeUpResult) UnmarshalJSON(b []byte) error {
	return decodeTop("velocity.MakeUpResult.UnmarshalJSON", "make-up result", decodeObject(r, b, func(v *MakeUpResult) []field {
		return []field{
			{"moved", option(&v.Moved, LeverCycle)},
			{"moved_change", plain(&v.MovedChange)},
			{"adjust", option(&v.Adjust, LeverCycle)},
			{"change", plain(&v.Change)},
			{"levers", v.Levers.decode},
		}
	}, nil))
}

// MakeUp returns the relative change the adjust lever must make to hold
// bookings when the moved lever changes by change (a fraction: -0.1 is
// -10%). Velocity is a product, so with f the factor the move applies to V
// (1 + change, or 1 / (1 + change) for the cycle), the adjusted lever must
// apply 1/f:
//
//	opportunities, win rate, ASP:  change' = 1/f − 1
//	cycle:                         change' = f − 1
//
// For example win rate −10% needs opportunities +11.1% (1/0.9 − 1), and a
// cycle 10% longer needs opportunities +10%. The new levers use the float64
// factors: opportunities and win rate are multiplied, ASP is multiplied by
// the factor converted to a decimal and rounded half to even to at most
// [funnel.MaxAmountPlaces] decimal places (so 0.333333333333333333 × 1.1
// is 0.366666666666666666, and an ASP below 5 × 10^-19 becomes zero), the
// cycle is rounded to the nanosecond. Bookings are held to float64's
// precision, and to O × W × 5 × 10^-19 / C per day when the ASP changes
// (the rounding of the ASP, which matters only for an ASP far below a
// cent).
//
// Errors: those of [Levers.Validate]; a *[funnel.InputError] wrapping
// [funnel.ErrOutOfRange] for an invalid lever, the same lever twice or a
// change of −100% or less, or [funnel.ErrNotFinite] for a NaN or infinite
// change; a *[LeverError] wrapping [funnel.ErrRateRange] when the moved
// win rate passes 1, [ErrUnreachable] when the adjusted win rate would
// have to pass 1, and [funnel.ErrOutOfRange] when a changed cycle leaves
// time.Duration's range (or rounds below one nanosecond), changed
// opportunities pass float64's or a changed ASP the bounds of money.
func MakeUp(l Levers, moved Lever, change float64, adjust Lever) (MakeUpResult, error) {
	const op = "velocity.MakeUp"
	if err := l.check(op); err != nil {
		return MakeUpResult{}, err
	}
	switch {
	case !moved.Valid():
		return MakeUpResult{}, inputErr(op, "moved lever", fmt.Sprint(int8(moved)), funnel.ErrOutOfRange)
	case !adjust.Valid():
		return MakeUpResult{}, inputErr(op, "adjust lever", fmt.Sprint(int8(adjust)), funnel.ErrOutOfRange)
	case moved == adjust:
		return MakeUpResult{}, inputErr(op, "adjust lever", adjust.String(), fmt.Errorf("%w: same as the moved lever", funnel.ErrOutOfRange))
	case math.IsNaN(change) || math.IsInf(change, 0):
		return MakeUpResult{}, inputErr(op, "change", fmtFloat(change), funnel.ErrNotFinite)
	case change <= -1:
		return MakeUpResult{}, inputErr(op, "change", fmtFloat(change), fmt.Errorf("%w: a lever cannot fall by 100%% or more", funnel.ErrOutOfRange))
	}
	g := 1 + change // factor on the moved lever
	// The factor on the adjusted lever that undoes the move: 1/f for
	// opportunities, win rate and ASP, f for the cycle, with f = g, or 1/g
	// when the cycle moved. It scales the lever as it is, never as 1 + (a −
	// 1), which loses its digits when a is far below 1.
	a := 1 / g
	if moved == LeverCycle || adjust == LeverCycle {
		a = g
	}
	out := l
	var err error
	if out, err = scale(op, out, moved, g, funnel.ErrRateRange); err != nil {
		return MakeUpResult{}, err
	}
	if out, err = scale(op, out, adjust, a, ErrUnreachable); err != nil {
		return MakeUpResult{}, err
	}
	return MakeUpResult{Moved: moved, MovedChange: change, Adjust: adjust, Change: a - 1, Levers: out}, nil
}

// scale multiplies one lever by a finite factor > 0. A win rate above 1
// returns rateErr; a cycle out of time.Duration's range returns
// [funnel.ErrOutOfRange].
func scale(op string, l Levers, lever Lever, factor float64, rateErr error) (Levers, error) {
	switch lever {
	case LeverOpportunities:
		v := l.Opportunities * factor
		if math.IsInf(v, 0) {
			return Levers{}, leverErr(op, lever, fmtFloat(v), fmt.Errorf("%w: beyond float64", funnel.ErrOutOfRange))
		}
		l.Opportunities = v
	case LeverWinRate:
		v := l.WinRate * factor
		if v > 1 {
			return Levers{}, leverErr(op, lever, fmtFloat(v), fmt.Errorf("%w: win rate above 1", rateErr))
		}
		l.WinRate = v
	case LeverASP:
		f, _ := dec.FromFloat(factor) // finite
		l.ASP = roundAmount(l.ASP.Mul(f))
		if err := funnel.AmountReason(l.ASP); err != nil {
			return Levers{}, leverErr(op, lever, "", err)
		}
	case LeverCycle:
		c, err := scaleCycle(op, l.Cycle, factor)
		if err != nil {
			return Levers{}, err
		}
		l.Cycle = c
	}
	return l, nil
}

// roundAmount rounds an amount the package computed (a solved or scaled
// ASP) half to even to at most [funnel.MaxAmountPlaces] decimal places, the
// most an amount may have, and leaves one with fewer places as it is; so
// no valid input is refused for digits the library made.
func roundAmount(x decimal.Decimal) decimal.Decimal {
	if -x.Exponent() > funnel.MaxAmountPlaces {
		return x.RoundBank(funnel.MaxAmountPlaces)
	}
	return x
}

// scaleCycle returns c × factor rounded to the nanosecond, at least 1ns.
func scaleCycle(op string, c time.Duration, factor float64) (time.Duration, error) {
	v := math.Round(float64(c) * factor)
	if v >= math.MaxInt64 || math.IsNaN(v) {
		return 0, leverErr(op, LeverCycle, fmtFloat(v)+"ns", fmt.Errorf("%w: beyond time.Duration", funnel.ErrOutOfRange))
	}
	if v < 1 {
		return 0, leverErr(op, LeverCycle, fmtFloat(v)+"ns", fmt.Errorf("%w: below one nanosecond", funnel.ErrOutOfRange))
	}
	return time.Duration(v), nil
}
