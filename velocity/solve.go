package velocity

import (
	"fmt"
	"math"
	"time"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/shopspring/decimal"
)

// Target is an amount of bookings to reach over a number of days. The zero
// Days means one day, so Target{Bookings: v} is a velocity of v per day.
type Target struct {
	Bookings decimal.Decimal `json:"bookings"`
	Days     float64         `json:"days,omitempty"`
}

// PerDay returns the target of v bookings per day.
func PerDay(v decimal.Decimal) Target { return Target{Bookings: v, Days: 1} }

// days checks the target and returns its days as a decimal (1 for zero).
func (t Target) check() (decimal.Decimal, error) {
	if t.Bookings.IsNegative() {
		return decimal.Decimal{}, inputErr("target bookings", t.Bookings.String(), ErrNegative)
	}
	if err := checkExponent(t.Bookings); err != nil {
		return decimal.Decimal{}, inputErr("target bookings", "", err)
	}
	if t.Days == 0 {
		return decimal.NewFromInt(1), nil
	}
	return checkDays("target days", t.Days)
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
// significant digits, rounded (half to even) to funnel.MaxAmountPlaces
// decimal places at most, and one that is not funnel.AmountInRange after
// that is an error wrapping [ErrOutOfRange]; a solved cycle is rounded to
// the nanosecond; a solved
// opportunities or win rate is the nearest float64.
//
// Errors: those of [Levers.Validate] for the held levers; a *[InputError]
// wrapping [ErrNegative] or [ErrNotFinite] for a bad target; a
// *[LeverError] for the solved lever wrapping [ErrUnreachable] when a held
// lever is zero and the target is not, when the solved win rate is above 1,
// or when a cycle is solved for a zero target, and wrapping [ErrOutOfRange]
// when the result does not fit its type (a cycle beyond 292 years or below
// one nanosecond, opportunities beyond float64, opportunities or a win rate
// below float64's normal range).
func Solve(l Levers, solve Lever, t Target) (Levers, error) {
	if !solve.Valid() {
		return Levers{}, inputErr("lever", fmt.Sprint(int8(solve)), ErrOutOfRange)
	}
	periodDays, err := t.check()
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
	if err := probe.Validate(); err != nil {
		return Levers{}, err
	}
	b := t.Bookings
	k := periodDays.Mul(nsPerDay())
	o, w, cns := toDecimal(l.Opportunities), toDecimal(l.WinRate), decimal.NewFromInt(int64(l.Cycle))
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
				return Levers{}, leverErr(solve, "", fmt.Errorf("%w: another lever is zero", ErrUnreachable))
			}
			den = decimal.NewFromInt(1) // 0 × anything = 0: the solution is zero
		}
		x := quo(b.Mul(cns), den)
		switch solve {
		case LeverOpportunities:
			f := x.InexactFloat64()
			if math.IsInf(f, 0) {
				return Levers{}, leverErr(solve, x.String(), fmt.Errorf("%w: beyond float64", ErrOutOfRange))
			}
			if f != 0 && f < minNormal {
				return Levers{}, leverErr(solve, x.String(), fmt.Errorf("%w: below float64's normal range", ErrOutOfRange))
			}
			out.Opportunities = f
		case LeverWinRate:
			if x.GreaterThan(decimal.NewFromInt(1)) {
				return Levers{}, leverErr(solve, x.String(), fmt.Errorf("%w: win rate above 1", ErrUnreachable))
			}
			f := x.InexactFloat64()
			if f != 0 && f < minNormal {
				return Levers{}, leverErr(solve, x.String(), fmt.Errorf("%w: below float64's normal range", ErrOutOfRange))
			}
			out.WinRate = f
		default:
			if x.Exponent() < -funnel.MaxAmountPlaces {
				x = x.RoundBank(funnel.MaxAmountPlaces)
			}
			if err := checkExponent(x); err != nil || (x.IsZero() && !b.IsZero()) {
				return Levers{}, leverErr(solve, "", fmt.Errorf("%w: solved ASP %se%d beyond the bounds of money", ErrOutOfRange, x.Coefficient(), x.Exponent()))
			}
			out.ASP = x
		}
	case LeverCycle:
		if b.IsZero() {
			return Levers{}, leverErr(solve, "", fmt.Errorf("%w: no finite cycle gives zero bookings", ErrUnreachable))
		}
		num := o.Mul(w).Mul(l.ASP).Mul(k)
		if num.IsZero() {
			return Levers{}, leverErr(solve, "", fmt.Errorf("%w: another lever is zero", ErrUnreachable))
		}
		c := quo(num, b).Round(0)
		if c.GreaterThan(decimal.NewFromInt(math.MaxInt64)) {
			return Levers{}, leverErr(solve, c.String()+"ns", fmt.Errorf("%w: beyond time.Duration", ErrOutOfRange))
		}
		if c.IsZero() {
			return Levers{}, leverErr(solve, "0", fmt.Errorf("%w: below one nanosecond", ErrOutOfRange))
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
// the factor converted to a decimal, the cycle is rounded to the
// nanosecond.
//
// Errors: those of [Levers.Validate]; a *[InputError] wrapping
// [ErrOutOfRange] for an invalid lever, the same lever twice or a change of
// −100% or less, or [ErrNotFinite] for a NaN or infinite change; a
// *[LeverError] wrapping [ErrRateRange] when the moved win rate passes 1,
// [ErrUnreachable] when the adjusted win rate would have to pass 1, and
// [ErrOutOfRange] when a changed cycle leaves time.Duration's range (or
// rounds below one nanosecond) or changed opportunities pass float64's.
func MakeUp(l Levers, moved Lever, change float64, adjust Lever) (MakeUpResult, error) {
	if err := l.Validate(); err != nil {
		return MakeUpResult{}, err
	}
	switch {
	case !moved.Valid():
		return MakeUpResult{}, inputErr("moved lever", fmt.Sprint(int8(moved)), ErrOutOfRange)
	case !adjust.Valid():
		return MakeUpResult{}, inputErr("adjust lever", fmt.Sprint(int8(adjust)), ErrOutOfRange)
	case moved == adjust:
		return MakeUpResult{}, inputErr("adjust lever", adjust.String(), fmt.Errorf("%w: same as the moved lever", ErrOutOfRange))
	case math.IsNaN(change) || math.IsInf(change, 0):
		return MakeUpResult{}, inputErr("change", fmtFloat(change), ErrNotFinite)
	case change <= -1:
		return MakeUpResult{}, inputErr("change", fmtFloat(change), fmt.Errorf("%w: a lever cannot fall by 100%% or more", ErrOutOfRange))
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
	if out, err = scale(out, moved, g, ErrRateRange); err != nil {
		return MakeUpResult{}, err
	}
	if out, err = scale(out, adjust, a, ErrUnreachable); err != nil {
		return MakeUpResult{}, err
	}
	return MakeUpResult{Moved: moved, MovedChange: change, Adjust: adjust, Change: a - 1, Levers: out}, nil
}

// scale multiplies one lever by factor > 0. A win rate above 1 returns
// rateErr; a cycle out of time.Duration's range returns ErrOutOfRange.
func scale(l Levers, lever Lever, factor float64, rateErr error) (Levers, error) {
	switch lever {
	case LeverOpportunities:
		v := l.Opportunities * factor
		if math.IsInf(v, 0) {
			return Levers{}, leverErr(lever, fmtFloat(v), fmt.Errorf("%w: beyond float64", ErrOutOfRange))
		}
		l.Opportunities = v
	case LeverWinRate:
		v := l.WinRate * factor
		if v > 1 {
			return Levers{}, leverErr(lever, fmtFloat(v), fmt.Errorf("%w: win rate above 1", rateErr))
		}
		l.WinRate = v
	case LeverASP:
		l.ASP = l.ASP.Mul(toDecimal(factor))
		if err := checkExponent(l.ASP); err != nil {
			return Levers{}, leverErr(lever, "", err)
		}
	case LeverCycle:
		c, err := scaleCycle(l.Cycle, factor)
		if err != nil {
			return Levers{}, err
		}
		l.Cycle = c
	}
	return l, nil
}

// scaleCycle returns c × factor rounded to the nanosecond, at least 1ns.
func scaleCycle(c time.Duration, factor float64) (time.Duration, error) {
	v := math.Round(float64(c) * factor)
	if v >= math.MaxInt64 || math.IsNaN(v) {
		return 0, leverErr(LeverCycle, fmtFloat(v)+"ns", fmt.Errorf("%w: beyond time.Duration", ErrOutOfRange))
	}
	if v < 1 {
		return 0, leverErr(LeverCycle, fmtFloat(v)+"ns", fmt.Errorf("%w: below one nanosecond", ErrOutOfRange))
	}
	return time.Duration(v), nil
}
