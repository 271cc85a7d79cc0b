package domino

import (
	"fmt"
	"math"

	"github.com/funnelmath/funnelmath/funnel"
)

// maxBisect bounds the bisection of [Inverse]; 200 halvings take any
// bracket of float64 gains to adjacent floats.
const maxBisect = 200

// Target is the uniform relative gain on chosen levers that reaches a
// revenue growth, and the plan it implies.
type Target struct {
	// Growth is the revenue growth asked for: 0.25 is +25%.
	Growth float64 `json:"growth"`
	// Levers are the lever numbers the gain is spread over.
	Levers []int `json:"levers"`
	// ClosedForm is the gain without caps, (1 + Growth)^(1/n) − 1 over the
	// n levers; null when a divisor is among them (its factor 1/(1 − g) is
	// not a power of 1 + g, so only the numeric gain is given).
	ClosedForm funnel.NullFloat64 `json:"closed_form"`
	// Gain is the smallest uniform relative gain whose revenue factor,
	// with rates capped at 1, reaches 1 + Growth, found by bisection; when
	// the growth is out of reach it is the gain at which the best is
	// reached (every chosen rate at 1).
	Gain float64 `json:"gain"`
	// Reachable reports whether the growth can be reached under the caps.
	Reachable bool `json:"reachable"`
	// BestGrowth is the most growth the chosen levers can give under the
	// caps, Π 1/rate − 1 when they are all rates; null when it is
	// unbounded (a volume, the ASP, a divisor or a zero rate is chosen).
	BestGrowth funnel.NullFloat64 `json:"best_growth"`
	// Plan is the chain at Gain: next year's rates, top, ASP and cycle,
	// and the volume at every step (the per-stage targets).
	Plan Outcome `json:"plan"`
}

// Inverse returns the uniform relative gain g on the chosen levers (all
// the chain's levers when levers is empty) that raises revenue by growth,
// and the plan it implies. Without caps and divisors the gain has a
// closed form,
//
//	(1 + g)^n = 1 + growth   ⇒   g = (1 + growth)^(1/n) − 1
//
// so +25% over six levers is 1.25^(1/6) − 1 = 3.789% each. With caps (a
// rate that reaches 1 stops) or a divisor (factor 1/(1 − g)), the gain is
// found by bisection: the revenue factor
//
//	M(g) = Π_volumes (1 + g) × Π_rates min(1 + g, 1/rate) × Π_divisors 1/(1 − g)
//
// is continuous and non-decreasing in g ≥ 0, so the smallest g with
// M(g) ≥ 1 + growth is bracketed by [0, hi], hi doubled from 1 (halved
// towards 1 for a divisor) until M(hi) reaches the target, then halved
// until the bracket holds adjacent floats (at most 200 steps); Gain is
// the upper end, so the plan never falls short.
//
// A growth out of reach under the caps (only rates chosen, and Π 1/rate
// below 1 + growth) is not an error: Reachable is false, BestGrowth says
// how far the caps allow and Plan is the chain with every chosen rate at 1.
//
// Errors: those of [Chain.Validate]; a *[funnel.InputError] naming
// "levers[i]" wrapping [funnel.ErrOutOfRange] for an unknown or repeated
// lever, and naming "growth" wrapping [funnel.ErrNotFinite] or
// [funnel.ErrOutOfRange] for a growth that is NaN, infinite or negative.
// Inputs are not modified.
func Inverse(c Chain, levers []int, growth float64) (Target, error) {
	const op = "domino.Inverse"
	if err := c.check(op); err != nil {
		return Target{}, err
	}
	switch {
	case !chainFinite(growth):
		return Target{}, chainErr(op, "growth", chainFmt(growth), funnel.ErrNotFinite)
	case growth < 0:
		return Target{}, chainErr(op, "growth", chainFmt(growth), fmt.Errorf("%w: a growth is at least 0", funnel.ErrOutOfRange))
	}
	levers, err := checkLevers(op, c, levers)
	if err != nil {
		return Target{}, err
	}
	t := Target{Growth: growth, Levers: append([]int(nil), levers...)}
	divisor, bounded := false, true
	best, gcap := 1.0, 0.0
	for _, l := range levers {
		switch c.Kind(l) {
		case Divisor:
			divisor, bounded = true, false
		case Volume:
			bounded = false
		case Rate:
			r := c.Stages[l-1].Rate
			if r == 0 {
				bounded = false
				continue
			}
			best *= 1 / r
			gcap = max(gcap, 1/r-1)
		}
	}
	if !divisor {
		t.ClosedForm = funnel.Some(math.Pow(1+growth, 1/float64(len(levers))) - 1)
	}
	want := 1 + growth
	m := func(g float64) float64 { return multiplier(c, levers, g) }
	var hi float64
	switch {
	case bounded:
		t.BestGrowth = funnel.Some(best - 1)
		hi = gcap
		if m(hi) < want {
			t.Gain = hi
			break
		}
		t.Reachable = true
	case divisor:
		hi = 0.5
		for m(hi) < want && hi < 1 {
			hi = (hi + 1) / 2
		}
		t.Reachable = hi < 1
		if !t.Reachable {
			hi = math.Nextafter(1, 0)
			t.Gain = hi
		}
	default:
		hi = 1
		for m(hi) < want && hi < math.MaxFloat64/2 {
			hi *= 2
		}
		if m(hi) < want {
			hi = math.MaxFloat64
		}
		t.Reachable = true
	}
	if t.Reachable {
		lo := 0.0
		if m(lo) >= want {
			hi = 0
		}
		for range maxBisect {
			mid := lo + (hi-lo)/2
			if mid <= lo || mid >= hi {
				break
			}
			if m(mid) >= want {
				hi = mid
			} else {
				lo = mid
			}
		}
		t.Gain = hi
	}
	gains := make([]Gain, len(levers))
	for i, l := range levers {
		gains[i] = Gain{Lever: l, Kind: Relative, By: t.Gain}
	}
	if t.Plan, err = apply(op, c, gains, true); err != nil {
		return Target{}, err
	}
	return t, nil
}

// multiplier returns M(g), the revenue factor of a uniform relative gain g
// on the levers of a valid chain, computed as the factors of [Effect].
func multiplier(c Chain, levers []int, g float64) float64 {
	f := 1.0
	for _, l := range levers {
		f *= factorOf(c, l, g)
	}
	return f
}

// factorOf returns the revenue factor of a relative gain g on lever l of a
// valid chain, as [Effect.Factor] gives it.
func factorOf(c Chain, l int, g float64) float64 {
	switch c.Kind(l) {
	case Divisor:
		return 1 / (1 - g)
	case Rate:
		if r := c.Stages[l-1].Rate; r > 0 && r*(1+g) > 1 {
			return 1 / r
		}
	}
	return 1 + g
}
