package funnel

import (
	"fmt"
	"math"
)

// LiveDeals returns the average number of deals open at once,
//
//	live = arrivalsPerDay × daysOpen
//
// from the average new deals per day and the average days a deal is open.
// It returns a *[InputError] wrapping [ErrNotFinite] for a NaN or
// infinite input and [ErrOutOfRange] for a negative one or a product too
// large for a float64.
func LiveDeals(arrivalsPerDay, daysOpen float64) (float64, error) {
	if err := flowNonNegative("arrivalsPerDay", arrivalsPerDay); err != nil {
		return 0, err
	}
	if err := flowNonNegative("daysOpen", daysOpen); err != nil {
		return 0, err
	}
	return flowResult("live deals", arrivalsPerDay*daysOpen)
}

// ArrivalsPerDay returns the average number of new deals per day, which in
// a steady state is also the throughput (deals resolved per day),
//
//	arrivalsPerDay = live / daysOpen
//
// from the average live deals and the average days open. A job seeker
// with 6 live initiatives and a 30-day cycle resolves 0.2 a day. It
// returns a *[InputError] wrapping [ErrNotFinite] for a NaN or infinite
// input and [ErrOutOfRange] for a negative input, a zero daysOpen or a
// quotient too large for a float64.
func ArrivalsPerDay(live, daysOpen float64) (float64, error) {
	if err := flowNonNegative("live", live); err != nil {
		return 0, err
	}
	if err := flowPositive("daysOpen", daysOpen); err != nil {
		return 0, err
	}
	return flowResult("arrivals per day", live/daysOpen)
}

// DaysOpen returns the average number of days a deal is open,
//
//	daysOpen = live / arrivalsPerDay
//
// from the average live deals and the average new deals per day. It
// returns a *[InputError] wrapping [ErrNotFinite] for a NaN or infinite
// input and [ErrOutOfRange] for a negative input, a zero arrivalsPerDay or
// a quotient too large for a float64.
func DaysOpen(live, arrivalsPerDay float64) (float64, error) {
	if err := flowNonNegative("live", live); err != nil {
		return 0, err
	}
	if err := flowPositive("arrivalsPerDay", arrivalsPerDay); err != nil {
		return 0, err
	}
	return flowResult("days open", live/arrivalsPerDay)
}

// DaysPerResolution returns how often, in days, one deal resolves (is won
// or lost) in a steady state: the reciprocal of the throughput,
//
//	days per resolution = daysOpen / live
//
// A job seeker with 6 live initiatives and a 30-day cycle resolves one (an
// offer or a no) every 5 days. It returns a *[InputError] wrapping
// [ErrNotFinite] for a NaN or infinite input and [ErrOutOfRange] for a
// negative input, a zero live or a quotient too large for a float64.
func DaysPerResolution(live, daysOpen float64) (float64, error) {
	if err := flowPositive("live", live); err != nil {
		return 0, err
	}
	if err := flowNonNegative("daysOpen", daysOpen); err != nil {
		return 0, err
	}
	return flowResult("days per resolution", daysOpen/live)
}

// ReferralVolume returns the effective volume at the top of a funnel that
// feeds itself: each deal brings r more (referrals, invitations), which
// bring r² more, and so on, so that
//
//	effective = base × (1 + r + r² + …) = base / (1 − r),  0 <= r < 1
//
// base is the volume from other sources, in deals per period. At r = 0.2
// a base of 100 becomes 125. It returns a *[InputError] wrapping
// [ErrNotFinite] for a NaN or infinite input, and [ErrOutOfRange] for a
// negative base, an r outside [0, 1) (at r >= 1 the loop does not
// converge) or a result too large for a float64.
func ReferralVolume(base, r float64) (float64, error) {
	if err := flowNonNegative("base", base); err != nil {
		return 0, err
	}
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return 0, inputErr("r", r, ErrNotFinite)
	case r < 0 || r >= 1:
		return 0, inputErr("r", r, fmt.Errorf("%w: must be in [0, 1)", ErrOutOfRange))
	}
	return flowResult("effective volume", base/(1-r))
}

// flowNonNegative checks that x is finite and >= 0.
func flowNonNegative(name string, x float64) error {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return inputErr(name, x, ErrNotFinite)
	case x < 0:
		return inputErr(name, x, fmt.Errorf("%w: must be >= 0", ErrOutOfRange))
	}
	return nil
}

// flowPositive checks that x is finite and > 0, as a divisor must be.
func flowPositive(name string, x float64) error {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return inputErr(name, x, ErrNotFinite)
	case !(x > 0):
		return inputErr(name, x, fmt.Errorf("%w: must be > 0", ErrOutOfRange))
	}
	return nil
}

// flowResult returns x, or a *InputError wrapping ErrOutOfRange when it
// overflowed to infinity.
func flowResult(name string, x float64) (float64, error) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, inputErr(name, x, fmt.Errorf("%w: too large for a float64", ErrOutOfRange))
	}
	return x, nil
}
