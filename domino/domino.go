package domino

import (
	"fmt"

	"github.com/funnelmath/funnelmath/funnel"
	"github.com/funnelmath/funnelmath/internal/dec"
	"github.com/shopspring/decimal"
)

// Domino is the earliest step of a chain whose gain moves everything
// after it, and what a relative gain on it does downstream.
type Domino struct {
	// Lever is the domino's lever number (0 the top, 1 + k the rate of
	// Stages[k]), −1 when no step qualifies; Name and Kind are its
	// [Chain.LeverName] and [Chain.Kind].
	Lever int       `json:"lever"`
	Name  string    `json:"name,omitempty"`
	Kind  LeverKind `json:"kind"`
	// Bound is the binding step of the capacity ([Fitted].Binding, −1
	// when nothing binds): the levers at or before it only raise the
	// demand at a full step, so the domino is the earliest one after it.
	// Unbound is the domino the chain would have without the capacity
	// (−1 when none), the lever whose gain the binding step absorbs when
	// it differs from Lever.
	Bound     int    `json:"bound"`
	BoundName string `json:"bound_name,omitempty"`
	Unbound   int    `json:"unbound"`
	// Gain is the relative gain applied to the domino.
	Gain float64 `json:"gain"`
	// Before and After are the counts that fit at every step (0 the top,
	// k + 1 after Stages[k]) before and after the gain; Base and Revenue
	// their revenue to the cent (per day with a cycle).
	Before  []float64       `json:"before"`
	After   []float64       `json:"after"`
	Base    decimal.Decimal `json:"base"`
	Revenue decimal.Decimal `json:"revenue"`
	// Capped reports the domino's rate held at 1 (the gain asked more).
	Capped bool `json:"capped,omitempty"`
}

// FindDomino returns the domino of the chain within the capacity (the
// zero Capacity for none) and the effect of a relative gain on it. The
// domino is the earliest step whose gain moves every count after it:
//
//	the top volume,              unless Chain.TopFixed or it is 0;
//	else the first stage rate r with 0 < r < 1
//	                             (a rate at 1 is capped, one at 0 moves nothing);
//	with a binding capacity:     the first of those after the binding step.
//
// A relative gain g on it (v × (1 + g), a rate capped at 1) is applied and
// the chain fitted to the capacity again ([Fit]), so the counts after it
// rise by 1 + g until a later limit is reached:
//
//	After[j] = min(Before[j] × (1 + g), limit[j], …)   for j at or after the domino
//
// When no step qualifies (a fixed top and every rate at 0 or 1, or none
// after the binding step) Lever is −1 and After equals Before. A rate of
// 0 after the domino holds every count past it at 0 whatever the gain.
//
// Errors: those of [Fit] (Op "domino.FindDomino"); a *[funnel.InputError]
// naming "gain" wrapping [funnel.ErrNotFinite] for NaN or infinity and
// [funnel.ErrOutOfRange] for a gain below −1 or one that takes the top past
// float64. Inputs are not modified.
func FindDomino(c Chain, limits Capacity, gain float64) (Domino, error) {
	const op = "domino.FindDomino"
	if err := c.check(op); err != nil {
		return Domino{}, err
	}
	if err := checkCapacity(op, c, limits); err != nil {
		return Domino{}, err
	}
	switch {
	case !chainFinite(gain):
		return Domino{}, chainErr(op, "gain", chainFmt(gain), funnel.ErrNotFinite)
	case gain < -1:
		return Domino{}, chainErr(op, "gain", chainFmt(gain), fmt.Errorf("%w: a relative gain is at least −1", funnel.ErrOutOfRange))
	}
	before := fit(c, limits)
	d := Domino{Bound: before.Binding, BoundName: before.BindingName, Gain: gain, Before: before.Counts, Base: before.Revenue}
	d.Unbound = dominoAfter(c, -1)
	d.Lever = dominoAfter(c, before.Binding)
	if d.Lever < 0 {
		d.After = append([]float64(nil), before.Counts...)
		d.Revenue = before.Revenue
		return d, nil
	}
	d.Name, d.Kind = c.LeverName(d.Lever), c.Kind(d.Lever)
	o, err := apply(op, c, []Gain{{Lever: d.Lever, Kind: Relative, By: gain}}, true)
	if err != nil {
		return Domino{}, err
	}
	if !chainFinite(o.Chain.output()) {
		return Domino{}, chainErr(op, "gain", chainFmt(gain), fmt.Errorf("%w: the counts pass float64", funnel.ErrOutOfRange))
	}
	d.Capped = len(o.Capped) > 0
	after := fit(o.Chain, limits)
	d.After = after.Counts
	d.Revenue = dec.Cents(revenueOf(after.Counts[len(after.Counts)-1], c.ASP, c.Cycle))
	return d, nil
}

// dominoAfter returns the earliest lever after step bound (−1: from the
// start) whose relative gain moves every later count: the top when it is
// not fixed and above 0, else a rate strictly between 0 and 1; −1 if none.
func dominoAfter(c Chain, bound int) int {
	if bound < 0 && !c.TopFixed && c.Top > 0 {
		return LeverTop
	}
	for k, s := range c.Stages {
		if l := c.RateLever(k); l > bound && s.Rate > 0 && s.Rate < 1 {
			return l
		}
	}
	return -1
}
